/* SPDX-License-Identifier: MIT */
/*
 * What a shard's report carries of its wireless clients so that `capsim
 * merge` can make the one run's "clients" of them (issue 17): every
 * client's diagnosis facts, the per-phase histograms bucket by bucket,
 * the failures per station state and the join window; written and read
 * back here, side by side, so that the two cannot drift apart.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/client_metrics.h"
#include "capsim/diagnose_clients.h"
#include "capsim/station.h"
#include "report-internal.h"

/* the integer columns of a client's row, after its name and failed_in */
enum cr_kind {
	CR_BOOL,
	CR_U16,
	CR_U32
};

struct cr_field {
	const char *name;
	size_t off;
	enum cr_kind kind;
};

#define CR_F(f, k)                                                             \
	{                                                                      \
#f, offsetof(struct cs_client_facts, f), k                     \
	}

static const struct cr_field cr_fields[] = {
	CR_F(ap, CR_U32),
	CR_F(joined, CR_BOOL),
	CR_F(failed, CR_BOOL),
	CR_F(assoc_status, CR_U16),
	CR_F(deauth_reason, CR_U16),
	CR_F(m1_received, CR_U32),
	CR_F(m2_sent, CR_U32),
	CR_F(has_wlc_side, CR_BOOL),
	CR_F(wlc_m2_received, CR_U32),
	CR_F(wlc_m2_mic_failed, CR_U32),
	CR_F(wlc_dhcp_relayed, CR_U32),
	CR_F(dhcp_sent, CR_U32),
	CR_F(dhcp_answered, CR_U32),
	CR_F(arp_sent, CR_U32),
	CR_F(arp_answered, CR_U32),
	CR_F(echo_sent, CR_U32),
	CR_F(echo_answered, CR_U32),
	CR_F(small_sent, CR_U32),
	CR_F(small_answered, CR_U32),
	CR_F(large_sent, CR_U32),
	CR_F(large_answered, CR_U32),
	CR_F(large_bytes, CR_U16),
	CR_F(has_ap_side, CR_BOOL),
	CR_F(never_started, CR_BOOL),
	CR_F(ap_ka_sent, CR_U32),
	CR_F(ap_ka_received, CR_U32),
};
_Static_assert(sizeof(((struct cs_client_facts *)0)->ap) == 4,
    "cs_client_facts.ap is read as 32 bits");

#define CR_FIXED 2 /* "name", "failed_in" before the table's columns */
#define CR_COLS  (CR_FIXED + CS_ARRAY_SIZE(cr_fields))

static uint64_t
cr_get(const struct cs_client_facts *f, const struct cr_field *d)
{
	const unsigned char *p = (const unsigned char *)f + d->off;
	uint32_t w;
	uint16_t h;
	bool b;

	switch (d->kind) {
	case CR_BOOL:
		memcpy(&b, p, sizeof(b));
		return b;
	case CR_U16:
		memcpy(&h, p, sizeof(h));
		return h;
	case CR_U32:
		memcpy(&w, p, sizeof(w));
		return w;
	}
	return 0;
}

static void
cr_put(struct cs_client_facts *f, const struct cr_field *d, uint64_t v)
{
	unsigned char *p = (unsigned char *)f + d->off;
	uint32_t w = (uint32_t)v;
	uint16_t h = (uint16_t)v;
	bool b = v != 0;

	switch (d->kind) {
	case CR_BOOL:
		memcpy(p, &b, sizeof(b));
		break;
	case CR_U16:
		memcpy(p, &h, sizeof(h));
		break;
	case CR_U32:
		memcpy(p, &w, sizeof(w));
		break;
	}
}

static uint64_t
cr_max(enum cr_kind k)
{
	return k == CR_BOOL ? 1 : k == CR_U16 ? UINT16_MAX : UINT32_MAX;
}

json_t *
cs_client_results_json(const struct cs_client_facts *f, size_t n)
{
	json_t *o, *fields, *rows;

	o = json_object();
	fields = json_array();
	rows = json_array();
	if (o == NULL || fields == NULL || rows == NULL) {
		json_decref(o);
		json_decref(fields);
		json_decref(rows);
		return NULL;
	}
	if (cs_json_set(o, "fields", fields) < 0 ||
	    cs_json_set(o, "clients", rows) < 0) {
		json_decref(o);
		return NULL;
	}
	if (json_array_append_new(fields, json_string("name")) < 0 ||
	    json_array_append_new(fields, json_string("failed_in")) < 0)
		goto oom;
	for (size_t k = 0; k < CS_ARRAY_SIZE(cr_fields); k++)
		if (json_array_append_new(
		        fields, json_string(cr_fields[k].name)) < 0)
			goto oom;
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array();

		if (row == NULL || json_array_append_new(rows, row) < 0)
			goto oom;
		if (json_array_append_new(row,
		        cs_json_str(f[i].name != NULL ? f[i].name : "")) < 0 ||
		    json_array_append_new(row,
		        f[i].failed && f[i].failed_in < CS_STA__COUNT
		            ? json_string(cs_sta_state_name(f[i].failed_in))
		            : json_null()) < 0)
			goto oom;
		for (size_t k = 0; k < CS_ARRAY_SIZE(cr_fields); k++)
			if (json_array_append_new(row,
			        json_integer((json_int_t)cr_get(
			            &f[i], &cr_fields[k]))) < 0)
				goto oom;
	}
	return o;
oom:
	json_decref(o);
	return NULL;
}

static int
cr_state(const char *name, enum cs_sta_state *st)
{
	for (int s = 0; s < CS_STA__COUNT; s++)
		if (strcmp(name, cs_sta_state_name((enum cs_sta_state)s)) ==
		    0) {
			*st = (enum cs_sta_state)s;
			return 0;
		}
	return -EBADMSG;
}

/* The column names must be ours, in our order: a report of another
 * layout is refused rather than read into the wrong fields. */
static int
cr_check_fields(const json_t *fields, const char **why)
{
	*why = "results: \"fields\" is not this capsim's column list";
	if (!json_is_array(fields) || json_array_size(fields) != CR_COLS)
		return -EBADMSG;
	for (size_t k = 0; k < CR_COLS; k++) {
		const char *want = k == 0 ? "name"
		    : k == 1              ? "failed_in"
		                          : cr_fields[k - CR_FIXED].name;
		const json_t *v = json_array_get(fields, k);

		if (!json_is_string(v) || strcmp(json_string_value(v), want))
			return -EBADMSG;
	}
	return 0;
}

void
cs_client_results_free(struct cs_client_facts *f, size_t n)
{
	for (size_t i = 0; f != NULL && i < n; i++)
		free((char *)(uintptr_t)f[i].name);
	free(f);
}

int
cs_client_results_from_json(const json_t *o, struct cs_client_facts **out,
    size_t *n_out, size_t *bad_row, const char **why)
{
	const json_t *rows = json_object_get(o, "clients");
	struct cs_client_facts *f;
	size_t n, i;
	int r;

	*bad_row = SIZE_MAX;
	if (!json_is_object(o) || !json_is_array(rows)) {
		*why = "results: not {\"fields\": [...], \"clients\": [...]}";
		return -EBADMSG;
	}
	if ((r = cr_check_fields(json_object_get(o, "fields"), why)) < 0)
		return r;
	n = json_array_size(rows);
	if ((f = calloc(n ? n : 1, sizeof(*f))) == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const json_t *row = json_array_get(rows, i);
		const json_t *nm = json_array_get(row, 0);
		const json_t *fi = json_array_get(row, 1);

		*why = "results: a client is not [name, failed_in, integers "
		       "in range ...]";
		if (!json_is_array(row) || json_array_size(row) != CR_COLS ||
		    !json_is_string(nm) || json_string_length(nm) > 64 ||
		    !(json_is_null(fi) || json_is_string(fi)))
			goto bad;
		for (size_t k = 0; k < CS_ARRAY_SIZE(cr_fields); k++) {
			const json_t *v = json_array_get(row, CR_FIXED + k);

			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    (uint64_t)json_integer_value(v) >
			        cr_max(cr_fields[k].kind))
				goto bad;
			cr_put(&f[i], &cr_fields[k],
			    (uint64_t)json_integer_value(v));
		}
		f[i].failed_in = CS_STA__COUNT;
		if (json_is_string(fi) &&
		    cr_state(json_string_value(fi), &f[i].failed_in) < 0) {
			*why = "results: failed_in is not a station state";
			goto bad;
		}
		if (f[i].failed != json_is_string(fi)) {
			*why = "results: failed_in given for a client that did "
			       "not fail, or missing for one that did";
			goto bad;
		}
		if ((f[i].name = strdup(json_string_value(nm))) == NULL) {
			cs_client_results_free(f, i);
			return -ENOMEM;
		}
	}
	*out = f;
	*n_out = n;
	return 0;
bad:
	*bad_row = i;
	cs_client_results_free(f, i);
	return -EBADMSG;
}

int
cs_client_shard_json(json_t *c, const struct cs_client_metrics *m)
{
	json_t *h, *fb;

	if ((h = json_object()) == NULL || cs_json_set(c, "histograms", h) < 0)
		return -ENOMEM;
	for (int p = 0; p < CS_CLIENT_PH__COUNT; p++)
		if (cs_json_set(h, cs_client_phase_name(p),
		        cs_report_hist_json(&m->ph[p])) < 0)
			return -ENOMEM;
	if ((fb = json_object()) == NULL ||
	    cs_json_set(c, "failed_by_state", fb) < 0)
		return -ENOMEM;
	for (int s = 0; s < CS_STA__COUNT; s++)
		if (m->failed[s] > 0 &&
		    cs_json_set(fb, cs_sta_state_name((enum cs_sta_state)s),
		        json_integer((json_int_t)m->failed[s])) < 0)
			return -ENOMEM;
	/* milliseconds since the shard started (its "started_at") */
	if (m->joined > 0 &&
	    cs_json_set(c, "join_window_ms",
	        json_pack("[I, I]", (json_int_t)m->first_join_ms,
	            (json_int_t)m->last_join_ms)) < 0)
		return -ENOMEM;
	return 0;
}
