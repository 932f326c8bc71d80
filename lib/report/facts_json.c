/* SPDX-License-Identifier: MIT */
/*
 * The per-AP diagnosis facts (struct cs_ap_facts) and the diagnosis
 * context as JSON, so that `capsim merge` can diagnose the APs of many
 * shards as one run.  One table lists every field once: the writer emits
 * the values in table order (the names once, as "fields"), the reader
 * takes them back only when the names match exactly.
 */
#include "report-internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "capsim/common.h"
#include "capsim/diagnose.h"

enum fj_kind {
	FJ_U,  /* unsigned integer(s) */
	FJ_S,  /* signed integer(s) */
	FJ_STR /* NUL-terminated text in a char array */
};

struct fj_field {
	const char *name;
	size_t off, size, n; /* element size, elements */
	enum fj_kind kind;
};

#define FJ_SZ(f)  sizeof(((struct cs_ap_facts *)0)->f)
#define FJ_ESZ(f) sizeof(((struct cs_ap_facts *)0)->f[0])
#define U(f)                                                                   \
	{                                                                      \
#f, offsetof(struct cs_ap_facts, f), FJ_SZ(f), 1, FJ_U         \
	}
#define S(f)                                                                   \
	{                                                                      \
#f, offsetof(struct cs_ap_facts, f), FJ_SZ(f), 1, FJ_S         \
	}
#define UA(f)                                                                  \
	{                                                                      \
#f, offsetof(struct cs_ap_facts, f), FJ_ESZ(f),                \
		    FJ_SZ(f) / FJ_ESZ(f), FJ_U                                 \
	}
#define STR(f)                                                                 \
	{                                                                      \
#f, offsetof(struct cs_ap_facts, f), 1, FJ_SZ(f), FJ_STR       \
	}

/* every field of struct cs_ap_facts (capsim/diagnose.h), in its order;
 * test_facts_json checks that none is left out */
static const struct fj_field fj_fields[] = {
	U(t_first),
	U(t_last),
	U(t_run),
	U(t_run_lost),
	U(t_last_down),
	U(t_echo_resp),
	U(t_last_up),
	U(run_idle_ms),
	U(disc_req),
	U(disc_resp),
	U(disc_req_after_resp),
	U(ch),
	U(ch_cookie),
	U(hvr),
	U(sh),
	U(cert),
	U(cert_req),
	U(shd),
	U(ccs_down),
	U(fin_down),
	U(ccs_up),
	U(app_up),
	U(app_down),
	U(dtls_other_down),
	U(alerts_up),
	U(alerts_down),
	U(malformed_down),
	U(max_up),
	U(max_down),
	U(hs_done),
	U(join_req),
	U(join_resp),
	U(cfg_req),
	U(cfg_resp),
	U(cs_req),
	U(cs_resp),
	U(echo_req),
	U(echo_resp),
	U(echo_streak),
	U(echo_streak_max_run),
	U(ka_up),
	U(ka_down),
	U(runs),
	U(run_lost),
	U(other_src),
	U(nat_changes),
	U(nat_changes_run),
	U(join_rc),
	UA(sent_ip),
	U(other_ip),
	U(nat_ip),
	U(other_port),
	U(nat_port),
	U(nat_port2),
	S(skew_s),
	U(sent_next),
	U(nat_next),
	U(alert_up_desc),
	U(alert_down_desc),
	U(alert_down_level),
	U(dtls_fail),
	U(fail_phase),
	U(cert_seq_set),
	U(cert_seq),
	U(cert_len),
	U(cert_have),
	U(o43_len),
	S(o43_err),
	UA(o43),
	U(flags),
	STR(reason),
	U(disc_delay_max_ms),
	U(dtls_delay_max_ms),
	U(ka_delay_max_ms),
	U(ctl_delay_max_ms),
	U(t_disc_pend),
	U(t_ch_pend),
	U(t_ka_pend),
	U(t_ctl_pend),
	U(t_ka_down),
	U(disc_from_ip),
	U(ch_to_ip),
	U(run_ac),
	U(prev_run_ac),
	U(fo_from),
	U(fo_to),
	U(failovers),
	U(post_disc_req),
	U(post_disc_resp),
	U(post_ch),
	U(post_dtls_down),
	U(post_ka_up),
	U(post_ka_down),
	U(ka_up_in_streak),
	U(ka_down_in_streak),
	U(alerts_down_run),
	U(req_type),
	U(req_sent),
	U(req_n_elems),
	U(req_elems_more),
	UA(req_elems),
	U(send_err),
	S(send_errno),
	UA(ap_tx),
	UA(ap_rx),
	UA(wlc_rx),
	UA(wlc_tx),
	U(wlc_side_by_flight),
	U(cert_head_stall),
	U(flight_no_sh),
	U(stale_down),
	U(att_ch_cookie),
	U(att_cert_tail),
	U(hvr_matched),
	U(hvr_skipped),
	U(hvr_rtt_min_ms),
	U(hvr_rtt_max_ms),
	U(ch_seq_n),
	U(ch_seq_done),
	UA(ch_seq),
	UA(ch_seq_t),
	U(ddtls_up),
	U(ddtls_down),
	U(ddtls_fail),
};

#undef U
#undef S
#undef UA
#undef STR

size_t
cs_facts_json_n_fields(void)
{
	return CS_ARRAY_SIZE(fj_fields);
}

int
cs_facts_json_field(size_t i, const char **name, size_t *off, size_t *len)
{
	if (i >= CS_ARRAY_SIZE(fj_fields))
		return -EINVAL;
	*name = fj_fields[i].name;
	*off = fj_fields[i].off;
	*len = fj_fields[i].size * fj_fields[i].n;
	return 0;
}

json_t *
cs_facts_json_names(void)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < CS_ARRAY_SIZE(fj_fields); i++)
		if (json_array_append_new(a, json_string(fj_fields[i].name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_int_t
fj_get(const uint8_t *p, size_t size, enum fj_kind kind)
{
	switch (size) {
	case 1:
		return kind == FJ_S ? (json_int_t) * (const int8_t *)p
		                    : (json_int_t) * (const uint8_t *)p;
	case 2: {
		uint16_t v;

		memcpy(&v, p, 2);
		return kind == FJ_S ? (json_int_t)(int16_t)v : (json_int_t)v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, p, 4);
		return kind == FJ_S ? (json_int_t)(int32_t)v : (json_int_t)v;
	}
	default: {
		uint64_t v;

		/* a 64-bit bitmap may pass INT64_MAX: kept as its bits */
		memcpy(&v, p, 8);
		return (json_int_t)v;
	}
	}
}

/* Stores v when it fits the field; -ERANGE when not. */
static int
fj_put(uint8_t *p, size_t size, enum fj_kind kind, json_int_t v)
{
	switch (size) {
	case 1:
		if (kind == FJ_S ? v < INT8_MIN || v > INT8_MAX
		                 : v < 0 || v > UINT8_MAX)
			return -ERANGE;
		*p = (uint8_t)v;
		return 0;
	case 2: {
		uint16_t u;

		if (kind == FJ_S ? v < INT16_MIN || v > INT16_MAX
		                 : v < 0 || v > UINT16_MAX)
			return -ERANGE;
		u = (uint16_t)v;
		memcpy(p, &u, 2);
		return 0;
	}
	case 4: {
		uint32_t u;

		if (kind == FJ_S ? v < INT32_MIN || v > INT32_MAX
		                 : v < 0 || v > UINT32_MAX)
			return -ERANGE;
		u = (uint32_t)v;
		memcpy(p, &u, 4);
		return 0;
	}
	default: {
		uint64_t u = (uint64_t)v;

		memcpy(p, &u, 8);
		return 0;
	}
	}
}

json_t *
cs_facts_json(const struct cs_ap_facts *f)
{
	const uint8_t *base = (const uint8_t *)f;
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < CS_ARRAY_SIZE(fj_fields); i++) {
		const struct fj_field *d = &fj_fields[i];
		json_t *v;

		if (d->kind == FJ_STR) {
			char s[CS_FACTS_REASON_LEN + 1];
			size_t n = d->n < sizeof(s) ? d->n : sizeof(s) - 1;

			memcpy(s, base + d->off, n);
			s[n] = '\0';
			v = cs_json_str(s);
		} else if (d->n == 1) {
			v = json_integer(
			    fj_get(base + d->off, d->size, d->kind));
		} else {
			v = json_array();
			for (size_t k = 0; v != NULL && k < d->n; k++)
				if (json_array_append_new(v,
				        json_integer(
				            fj_get(base + d->off + k * d->size,
				                d->size, d->kind))) < 0) {
					json_decref(v);
					v = NULL;
				}
		}
		if (v == NULL || json_array_append_new(a, v) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

int
cs_facts_json_names_check(const json_t *names, const char **why)
{
	if (!json_is_array(names) ||
	    json_array_size(names) != CS_ARRAY_SIZE(fj_fields)) {
		*why = "the per-AP fact fields differ from this capsim's "
		       "(another version wrote the report)";
		return -EPROTO;
	}
	for (size_t i = 0; i < CS_ARRAY_SIZE(fj_fields); i++) {
		const char *s = json_string_value(json_array_get(names, i));

		if (s == NULL || strcmp(s, fj_fields[i].name) != 0) {
			*why = "the per-AP fact fields differ from this "
			       "capsim's (another version wrote the report)";
			return -EPROTO;
		}
	}
	return 0;
}

int
cs_facts_from_json(const json_t *a, struct cs_ap_facts *out, const char **why)
{
	struct cs_ap_facts f;
	uint8_t *base = (uint8_t *)&f;

	if (!json_is_array(a) ||
	    json_array_size(a) != CS_ARRAY_SIZE(fj_fields)) {
		*why = "facts: not an array of one value per field";
		return -EBADMSG;
	}
	cs_facts_init(&f);
	for (size_t i = 0; i < CS_ARRAY_SIZE(fj_fields); i++) {
		const struct fj_field *d = &fj_fields[i];
		const json_t *v = json_array_get(a, i);

		if (d->kind == FJ_STR) {
			const char *s = json_string_value(v);

			if (s == NULL || strlen(s) >= d->n) {
				*why = "facts: reason is not a short string";
				return -EBADMSG;
			}
			memset(base + d->off, 0, d->n);
			memcpy(base + d->off, s, strlen(s));
			continue;
		}
		if (d->n > 1 &&
		    (!json_is_array(v) || json_array_size(v) != d->n)) {
			*why = "facts: an array field has the wrong length";
			return -EBADMSG;
		}
		for (size_t k = 0; k < d->n; k++) {
			const json_t *e = d->n > 1 ? json_array_get(v, k) : v;

			if (!json_is_integer(e) ||
			    fj_put(base + d->off + k * d->size, d->size,
			        d->kind, json_integer_value(e)) < 0) {
				*why = "facts: a value is not an integer in "
				       "its field's range";
				return -EBADMSG;
			}
		}
	}
	*out = f;
	return 0;
}

json_t *
cs_diag_ctx_json(const struct cs_diag_ctx *c)
{
	json_t *o, *self, *errs;

	o = json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	              "s:I, s:b}",
	    "live", c->live, "wlc_known", c->wlc_known, "wlc_ip",
	    (json_int_t)c->wlc_ip, "wlc_disc_req", (json_int_t)c->wlc_disc_req,
	    "wlc_client_hello", (json_int_t)c->wlc_client_hello, "wlc_hs_done",
	    (json_int_t)c->wlc_hs_done, "wlc_join_req",
	    (json_int_t)c->wlc_join_req, "wlc_restarts",
	    (json_int_t)c->wlc_restarts, "echo_interval_ms",
	    (json_int_t)c->echo_interval_ms, "simultaneous_ms",
	    (json_int_t)c->simultaneous_ms, "ka_interval_ms",
	    (json_int_t)c->ka_interval_ms, "has_self", c->has_self);
	if (o == NULL)
		return NULL;
	errs = json_array();
	for (int i = 0; errs != NULL && i < CS_SELF_ERRNOS; i++)
		json_array_append_new(errs,
		    json_pack("[I, I]", (json_int_t)c->self.send_errno[i].err,
		        (json_int_t)c->self.send_errno[i].count));
	self = json_pack("{s:b, s:I, s:I, s:b, s:I, s:I, s:o, s:b, s:I, s:I, "
	                 "s:I, s:I, s:I, s:s}",
	    "has_lateness", c->self.has_lateness, "lateness_p99_ms",
	    (json_int_t)c->self.lateness_p99_ms, "lateness_max_ms",
	    (json_int_t)c->self.lateness_max_ms, "has_rxq", c->self.has_rxq,
	    "rxq_drops", (json_int_t)c->self.rxq_drops, "send_errors",
	    (json_int_t)c->self.send_errors, "send_errno",
	    errs != NULL ? errs : json_array(), "has_hs_queue",
	    c->self.has_hs_queue, "hs_queue_wait_max_ms",
	    (json_int_t)c->self.hs_queue_wait_max_ms, "wait_dtls_ms",
	    (json_int_t)c->self.wait_dtls_ms, "run_ms",
	    (json_int_t)c->self.run_ms, "discovery_window_ms",
	    (json_int_t)c->self.discovery_window_ms, "route_err",
	    (json_int_t)c->self.route_err, "route_detail",
	    c->self.route_detail);
	if (self == NULL || cs_json_set(o, "self", self) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
dc_u64(const json_t *o, const char *key, uint64_t max, uint64_t *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) > max)
		return -EBADMSG;
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

static int
dc_bool(const json_t *o, const char *key, bool *v)
{
	const json_t *j = json_object_get(o, key);

	if (!json_is_boolean(j))
		return -EBADMSG;
	*v = json_is_true(j);
	return 0;
}

int
cs_diag_ctx_from_json(
    const json_t *o, struct cs_diag_ctx *out, const char **why)
{
	struct cs_diag_ctx c = { 0 };
	const json_t *self = json_object_get(o, "self"), *errs;
	uint64_t v[12];
	int r = 0;

	*why = "diag_context: a member is missing or out of range";
	r |= dc_bool(o, "live", &c.live);
	r |= dc_bool(o, "wlc_known", &c.wlc_known);
	r |= dc_bool(o, "has_self", &c.has_self);
	r |= dc_u64(o, "wlc_ip", UINT32_MAX, &v[0]);
	r |= dc_u64(o, "wlc_disc_req", INT64_MAX, &c.wlc_disc_req);
	r |= dc_u64(o, "wlc_client_hello", INT64_MAX, &c.wlc_client_hello);
	r |= dc_u64(o, "wlc_hs_done", INT64_MAX, &c.wlc_hs_done);
	r |= dc_u64(o, "wlc_join_req", INT64_MAX, &c.wlc_join_req);
	r |= dc_u64(o, "wlc_restarts", UINT32_MAX, &v[1]);
	r |= dc_u64(o, "echo_interval_ms", UINT32_MAX, &v[2]);
	r |= dc_u64(o, "simultaneous_ms", UINT32_MAX, &v[3]);
	r |= dc_u64(o, "ka_interval_ms", UINT32_MAX, &v[4]);
	if (r != 0 || !json_is_object(self))
		return -EBADMSG;
	c.wlc_ip = (uint32_t)v[0];
	c.wlc_restarts = (unsigned)v[1];
	c.echo_interval_ms = (uint32_t)v[2];
	c.simultaneous_ms = (uint32_t)v[3];
	c.ka_interval_ms = (uint32_t)v[4];
	r |= dc_bool(self, "has_lateness", &c.self.has_lateness);
	r |= dc_bool(self, "has_rxq", &c.self.has_rxq);
	r |= dc_bool(self, "has_hs_queue", &c.self.has_hs_queue);
	r |= dc_u64(self, "lateness_p99_ms", UINT32_MAX, &v[5]);
	r |= dc_u64(self, "lateness_max_ms", UINT32_MAX, &v[6]);
	r |= dc_u64(self, "rxq_drops", INT64_MAX, &c.self.rxq_drops);
	r |= dc_u64(self, "send_errors", INT64_MAX, &c.self.send_errors);
	r |= dc_u64(self, "hs_queue_wait_max_ms", UINT32_MAX, &v[7]);
	r |= dc_u64(self, "wait_dtls_ms", UINT32_MAX, &v[8]);
	r |= dc_u64(self, "run_ms", INT64_MAX, &c.self.run_ms);
	r |= dc_u64(self, "discovery_window_ms", UINT32_MAX, &v[9]);
	if (r != 0)
		return -EBADMSG;
	c.self.lateness_p99_ms = (uint32_t)v[5];
	c.self.lateness_max_ms = (uint32_t)v[6];
	c.self.hs_queue_wait_max_ms = (uint32_t)v[7];
	c.self.wait_dtls_ms = (uint32_t)v[8];
	c.self.discovery_window_ms = (uint32_t)v[9];
	{
		const json_t *re = json_object_get(self, "route_err");
		const char *rd =
		    json_string_value(json_object_get(self, "route_detail"));

		if (!json_is_integer(re) || json_integer_value(re) < 0 ||
		    json_integer_value(re) > 4095 || rd == NULL)
			return -EBADMSG;
		c.self.route_err = (int)json_integer_value(re);
		snprintf(
		    c.self.route_detail, sizeof(c.self.route_detail), "%s", rd);
	}
	errs = json_object_get(self, "send_errno");
	if (!json_is_array(errs) || json_array_size(errs) > CS_SELF_ERRNOS)
		return -EBADMSG;
	for (size_t i = 0; i < json_array_size(errs); i++) {
		const json_t *e = json_array_get(errs, i);
		const json_t *en = json_array_get(e, 0),
		             *cn = json_array_get(e, 1);

		if (!json_is_integer(en) || !json_is_integer(cn) ||
		    json_integer_value(en) < 0 ||
		    json_integer_value(en) > 4095 || json_integer_value(cn) < 0)
			return -EBADMSG;
		c.self.send_errno[i].err = (int)json_integer_value(en);
		c.self.send_errno[i].count = (uint64_t)json_integer_value(cn);
	}
	*out = c;
	return 0;
}
