/* SPDX-License-Identifier: MIT */
/*
 * Scenario loader: a YAML file (scenarios/README.md) read with libyaml's
 * document API into struct cs_scenario.  Every key is checked against the
 * schema of its section, every value against its grammar, and every error
 * names FILE:LINE:COLUMN and the key path, so an engineer can fix a file
 * without reading this code.
 */
#include "capsim/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "capsim/capwap.h"
#include "scenario-internal.h"
#include "scn_load.h"

/* ------------------------------------------------------------------ */
/* errors */

void
scn_show(const yaml_node_t *n, char *buf, size_t len)
{
	size_t o = 0;

	if (n == NULL) {
		snprintf(buf, len, "nothing");
		return;
	}
	if (n->type == YAML_MAPPING_NODE) {
		snprintf(buf, len, "a mapping");
		return;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		snprintf(buf, len, "a list");
		return;
	}
	buf[o++] = '\'';
	for (size_t i = 0; i < n->data.scalar.length && o + 5 < len; i++) {
		unsigned char c = n->data.scalar.value[i];

		buf[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n->data.scalar.length > 0 && o + 5 >= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
}

int
scn_fail(
    struct scn *p, const yaml_node_t *n, const char *key, const char *fmt, ...)
{
	char msg[SCN_ERRBUF_LEN];
	size_t line = 0, col = 0, off = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n != NULL) {
		line = n->start_mark.line;
		col = n->start_mark.column;
		off = n->start_mark.index;
	}
	if (key != NULL && key[0] != '\0')
		return scn_err_fmt(p->err, -EINVAL, off,
		    "%s:%zu:%zu: key '%s': %s", p->file, line + 1, col + 1, key,
		    msg);
	return scn_err_fmt(p->err, -EINVAL, off, "%s:%zu:%zu: %s", p->file,
	    line + 1, col + 1, msg);
}

void
scn_key(char *buf, size_t len, const char *path, const char *key)
{
	int n;

	/* a path longer than the buffer is cut; it still locates the key
	 * together with LINE:COL */
	if (path[0] == '\0')
		n = snprintf(buf, len, "%s", key);
	else
		n = snprintf(buf, len, "%s.%s", path, key);
	if (n < 0)
		buf[0] = '\0';
}

yaml_node_t *
scn_node(struct scn *p, yaml_node_item_t i)
{
	return yaml_document_get_node(p->doc, i);
}

/* ------------------------------------------------------------------ */
/* scalars */

int
scn_scalar(
    struct scn *p, const yaml_node_t *n, const char *key, const char **out)
{
	char got[64];

	if (n->type != YAML_SCALAR_NODE) {
		scn_show(n, got, sizeof(got));
		return scn_fail(p, n, key, "expected a value, got %s", got);
	}
	if (n->data.scalar.length == 0 &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return scn_fail(p, n, key, "missing value");
	if (memchr(n->data.scalar.value, '\0', n->data.scalar.length) != NULL ||
	    n->data.scalar.value[n->data.scalar.length] != '\0')
		return scn_fail(p, n, key, "contains a NUL character");
	*out = (const char *)n->data.scalar.value;
	return 0;
}

/* A value that does not fit its grammar: the grammar's reason and the
 * value as written. */
int
scn_bad(struct scn *p, const yaml_node_t *n, const char *key, const char *why)
{
	char got[64];

	scn_show(n, got, sizeof(got));
	return scn_fail(p, n, key, "%s; got %s", why, got);
}

int
scn_str(struct scn *p, const yaml_node_t *n, const char *key, char **out)
{
	const char *v;
	char *d;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	d = strdup(v);
	if (d == NULL)
		return -ENOMEM;
	free(*out);
	*out = d;
	return 0;
}

int
scn_psk(struct scn *p, const yaml_node_t *n, const char *key,
    struct cs_dtls_psk_set *out)
{
	struct cs_dtls_psk_err e = { 0 };
	const char *v;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	cs_dtls_psk_set_free(out);
	r = cs_dtls_psk_parse(v, strlen(v), out, &e);
	if (r == -EBADMSG)
		return scn_fail(
		    p, n, key, "line %u of the keys: %s", e.line, e.why);
	return r;
}

int
scn_bool(struct scn *p, const yaml_node_t *n, const char *key, bool *out)
{
	static const char *const t[] = { "true", "yes", "on", "True", "TRUE",
		"Yes", "YES", "On", "ON", NULL };
	static const char *const f[] = { "false", "no", "off", "False", "FALSE",
		"No", "NO", "Off", "OFF", NULL };
	const char *v;
	char got[64];
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	for (size_t i = 0; t[i] != NULL; i++) {
		if (strcmp(v, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(v, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	scn_show(n, got, sizeof(got));
	return scn_fail(p, n, key, "expected true or false; got %s", got);
}

int
scn_uint(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min,
    uint64_t max, uint64_t *out)
{
	const char *v, *why = "";
	uint64_t u = 0;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	r = scn_parse_uint(v, max, &u, &why);
	if (r < 0 && strcmp(why, "too large") != 0)
		return scn_bad(p, n, key, why);
	if (r < 0 || u < min)
		return scn_fail(p, n, key, "must be between %llu and %llu",
		    (unsigned long long)min, (unsigned long long)max);
	*out = u;
	return 0;
}

int
scn_u32(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min,
    uint64_t max, uint32_t *out)
{
	uint64_t v;
	int r = scn_uint(p, n, key, min, max, &v);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

/* A duration in ms, >= min_ms. */
int
scn_dur(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min_ms,
    uint64_t max_ms, uint64_t *out)
{
	const char *str, *why;
	int64_t v;
	int r = scn_scalar(p, n, key, &str);

	if (r < 0)
		return r;
	if (scn_parse_duration(str, false, &v, &why) < 0)
		return scn_bad(p, n, key, why);
	if ((uint64_t)v < min_ms || (uint64_t)v > max_ms) {
		if (max_ms == UINT64_MAX || max_ms >= ((uint64_t)1 << 53))
			return scn_fail(p, n, key, "must be at least %llu ms",
			    (unsigned long long)min_ms);
		return scn_fail(p, n, key,
		    "must be between %llu ms and %llu ms",
		    (unsigned long long)min_ms, (unsigned long long)max_ms);
	}
	*out = (uint64_t)v;
	return 0;
}

int
scn_dur32(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min_ms,
    uint32_t *out)
{
	uint64_t v;
	int r = scn_dur(p, n, key, min_ms, UINT32_MAX, &v);

	if (r == 0)
		*out = (uint32_t)v;
	return r;
}

/* Bytes (1500, 64k, 1.5M), <= UINT32_MAX. */
int
scn_bytes32(struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *str, *why;
	uint64_t v;
	int r = scn_scalar(p, n, key, &str);

	if (r < 0)
		return r;
	if (scn_parse_size(str, &v, &why) < 0)
		return scn_bad(p, n, key, why);
	if (v > UINT32_MAX)
		return scn_fail(p, n, key, "must be at most 4294967295 bytes");
	*out = (uint32_t)v;
	return 0;
}

int
scn_pct(struct scn *p, const yaml_node_t *n, const char *key, double *out)
{
	const char *v, *why;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (scn_parse_percent(v, out, &why) < 0)
		return scn_bad(p, n, key, why);
	return 0;
}

/* A probability that must not be 0 (impair.h reads 0 as "always"). */
int
scn_prob(struct scn *p, const yaml_node_t *n, const char *key, double *out)
{
	double v;
	int r = scn_pct(p, n, key, &v);

	if (r < 0)
		return r;
	if (v <= 0.0)
		return scn_fail(p, n, key,
		    "0%% never happens; remove the action or give more than "
		    "0%%");
	*out = v;
	return 0;
}

int
scn_ip(struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out)
{
	const char *v, *why;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (scn_parse_ipv4(v, out, &why) < 0)
		return scn_bad(p, n, key, why);
	return 0;
}

int
scn_ip_port(struct scn *p, const yaml_node_t *n, const char *key, uint32_t *ip,
    uint16_t *port)
{
	const char *v, *why;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (scn_parse_ipv4_port(v, ip, port, &why) < 0)
		return scn_bad(p, n, key, why);
	return 0;
}

int
scn_mac(struct scn *p, const yaml_node_t *n, const char *key, uint8_t *out)
{
	const char *v, *why;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (scn_parse_mac(v, out, &why) < 0)
		return scn_bad(p, n, key, why);
	return 0;
}

int
scn_rate(struct scn *p, const yaml_node_t *n, const char *key, double *out)
{
	const char *v, *why;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (scn_parse_rate(v, out, &why) < 0)
		return scn_bad(p, n, key, why);
	return 0;
}

/* One of `words` (NULL-terminated); *out = its index. */
int
scn_word(struct scn *p, const yaml_node_t *n, const char *key,
    const char *const *words, unsigned *out)
{
	char list[256], got[64];
	const char *v, *hint;
	size_t o = 0;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	for (unsigned i = 0; words[i] != NULL; i++) {
		if (strcmp(v, words[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	list[0] = '\0';
	for (unsigned i = 0; words[i] != NULL && o < sizeof(list); i++) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s",
		    i == 0 ? "" : ", ", words[i]);

		if (w < 0)
			break;
		o += (size_t)w;
	}
	scn_show(n, got, sizeof(got));
	hint = scn_suggest(v, words);
	if (hint != NULL)
		return scn_fail(p, n, key,
		    "expected one of %s; got %s (did you mean '%s'?)", list,
		    got, hint);
	return scn_fail(p, n, key, "expected one of %s; got %s", list, got);
}

/* ------------------------------------------------------------------ */
/* mappings */

/*
 * Checks that n is a mapping whose keys are all in `keys` (NULL-
 * terminated), each at most once; vals[i] = value node of keys[i] or NULL.
 */
int
scn_map(struct scn *p, const yaml_node_t *n, const char *path,
    const char *const *keys, yaml_node_t **vals)
{
	size_t nkeys = 0;
	char got[64];

	while (keys[nkeys] != NULL)
		vals[nkeys++] = NULL;
	if (n->type != YAML_MAPPING_NODE) {
		scn_show(n, got, sizeof(got));
		return scn_fail(p, n, path[0] ? path : NULL,
		    "expected a mapping (key: value lines), got %s", got);
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = scn_node(p, pr->key),
		            *v = scn_node(p, pr->value);
		char kp[SCN_PATH_LEN];
		const char *name, *hint;
		size_t i;

		if (k == NULL || v == NULL)
			return scn_fail(p, n, path, "malformed mapping");
		if (k->type != YAML_SCALAR_NODE ||
		    memchr(k->data.scalar.value, '\0', k->data.scalar.length))
			return scn_fail(p, k, path[0] ? path : NULL,
			    "keys must be plain words");
		name = (const char *)k->data.scalar.value;
		for (i = 0; i < nkeys; i++)
			if (strcmp(name, keys[i]) == 0)
				break;
		scn_key(kp, sizeof(kp), path, name);
		if (i == nkeys) {
			hint = scn_suggest(name, keys);
			if (hint != NULL)
				return scn_fail(p, k, kp,
				    "unknown key (did you mean '%s'?)", hint);
			return scn_fail(p, k, kp, "unknown key");
		}
		if (vals[i] != NULL)
			return scn_fail(p, k, kp, "given twice");
		vals[i] = v;
	}
	return 0;
}

/* A list node (a single scalar counts as a list of one when
 * allow_scalar). */
int
scn_list(
    struct scn *p, const yaml_node_t *n, const char *key, bool allow_scalar)
{
	char got[64];

	if (n->type == YAML_SEQUENCE_NODE)
		return 0;
	if (allow_scalar && n->type == YAML_SCALAR_NODE)
		return 0;
	scn_show(n, got, sizeof(got));
	return scn_fail(p, n, key, "expected a list, got %s", got);
}

size_t
scn_list_len(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
	return 1;
}

yaml_node_t *
scn_list_at(struct scn *p, yaml_node_t *n, size_t i)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return scn_node(p, n->data.sequence.items.start[i]);
	return n;
}

/* ------------------------------------------------------------------ */
/* shared pieces */

/* Words and what they stand for, side by side (aliases share a value). */
static const char *const dtls_words[] = { "1.2", "1.0", "any", NULL };
static const enum cs_dtls_version dtls_vals[] = { CS_DTLS_V1_2, CS_DTLS_V1_0,
	CS_DTLS_V_ANY };
_Static_assert(CS_ARRAY_SIZE(dtls_words) == CS_ARRAY_SIZE(dtls_vals) + 1,
    "dtls_words[] and dtls_vals[] differ in length");

static const char *const cert_words[] = { "valid", "expired", "not-yet-valid",
	"untrusted", "wrong-eku", "sha1", "rsa1024", "good", "unknown-ca",
	"wrong-ca", NULL };
static const enum cs_pki_broken cert_vals[] = { CS_PKI_GOOD, CS_PKI_EXPIRED,
	CS_PKI_NOT_YET_VALID, CS_PKI_UNKNOWN_CA, CS_PKI_WRONG_EKU, CS_PKI_SHA1,
	CS_PKI_RSA1024, CS_PKI_GOOD, CS_PKI_UNKNOWN_CA, CS_PKI_UNKNOWN_CA };
_Static_assert(CS_ARRAY_SIZE(cert_words) == CS_ARRAY_SIZE(cert_vals) + 1,
    "cert_words[] and cert_vals[] differ in length");

int
scn_dtls(struct scn *p, const yaml_node_t *n, const char *key,
    enum cs_dtls_version *out)
{
	unsigned i;
	int r = scn_word(p, n, key, dtls_words, &i);

	if (r == 0)
		*out = dtls_vals[i];
	return r;
}

/* WLC dtls-versions: ["1.2"], ["1.0"], ["1.0", "1.2"]. */
int
scn_dtls_list(
    struct scn *p, yaml_node_t *n, const char *key, enum cs_dtls_version *out)
{
	static const char *const w[] = { "1.2", "1.0", NULL };
	bool has[2] = { false, false };
	size_t len;
	int r = scn_list(p, n, key, true);

	if (r < 0)
		return r;
	len = scn_list_len(n);
	if (len == 0)
		return scn_fail(p, n, key, "needs at least one version");
	for (size_t i = 0; i < len; i++) {
		unsigned v;

		r = scn_word(p, scn_list_at(p, n, i), key, w, &v);
		if (r < 0)
			return r;
		has[v] = true;
	}
	*out = has[0] && has[1] ? CS_DTLS_V_ANY
	    : has[0]            ? CS_DTLS_V1_2
	                        : CS_DTLS_V1_0;
	return 0;
}

int
scn_cert(struct scn *p, const yaml_node_t *n, const char *key,
    enum cs_pki_broken *out)
{
	unsigned i;
	int r = scn_word(p, n, key, cert_words, &i);

	if (r == 0)
		*out = cert_vals[i];
	return r;
}

/* "0-9,20,30-39" -> sel->ranges (each hi < ap_count), capsim/values.h. */
int
scn_ranges(struct scn *p, const yaml_node_t *n, const char *key,
    unsigned ap_count, struct cs_apsel *sel)
{
	struct cs_val_err e;
	const char *v;
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	if (cs_val_ap_ranges(v, ap_count, sel, &e) < 0)
		return scn_bad(p, n, key, e.why);
	return 0;
}

int
scn_macs(struct scn *p, yaml_node_t *n, const char *key, size_t max,
    size_t *n_out, uint8_t (*macs)[6])
{
	size_t len;
	int r = scn_list(p, n, key, true);

	if (r < 0)
		return r;
	len = scn_list_len(n);
	if (len > max)
		return scn_fail(p, n, key, "more than %zu MAC addresses", max);
	for (size_t i = 0; i < len; i++) {
		r = scn_mac(p, scn_list_at(p, n, i), key, macs[i]);
		if (r < 0)
			return r;
	}
	*n_out = len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* top level */

enum {
	SK_NAME,
	SK_DESCRIPTION,
	SK_SEED,
	SK_DURATION,
	SK_APS,
	SK_WLC,
	SK_IMPAIRMENTS,
	SK_NAT,
	SK_CLIENTS,
	SK_TIMELINE,
	SK_EXPECT,
	SK__COUNT
};
static const char *const top_keys[] = {
	[SK_NAME] = "name",
	[SK_DESCRIPTION] = "description",
	[SK_SEED] = "seed",
	[SK_DURATION] = "duration",
	[SK_APS] = "aps",
	[SK_WLC] = "wlc",
	[SK_IMPAIRMENTS] = "impairments",
	[SK_NAT] = "nat",
	[SK_CLIENTS] = "clients",
	[SK_TIMELINE] = "timeline",
	[SK_EXPECT] = "expect",
	[SK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(top_keys) == SK__COUNT + 1,
    "top_keys[] out of sync with its enum");

void
scn_defaults(struct cs_scenario *s)
{
	s->seed = 1;
	s->duration_ms = 60000;
	s->aps.count = 1;
	s->aps.base_ip = SCN_DEFAULT_IP;
	memcpy(s->aps.base_mac, "\x02\xca\x75\x00\x00\x01", 6);
	s->aps.discovery = CS_SCN_DISC_STATIC;
	s->aps.dtls_version = CS_DTLS_V1_2;
	s->aps.cert = CS_PKI_GOOD;
	s->aps.image_policy = CS_AP_IMAGE_ADOPT;
	s->wlc.embedded = true;
	s->wlc.port = SCN_CAPWAP_PORT;
	s->wlc.listen_ip = SCN_DEFAULT_WLC;
	s->wlc.listen_port = SCN_CAPWAP_PORT;
	s->wlc.dtls_version = CS_DTLS_V1_2;
	s->wlc.cert = CS_PKI_GOOD;
}

int
scn_top(struct scn *p, yaml_node_t *root)
{
	struct cs_scenario *s = p->s;
	yaml_node_t *v[SK__COUNT + 1];
	int r;

	if ((r = scn_map(p, root, "", top_keys, v)) < 0)
		return r;
	if (v[SK_NAME] && (r = scn_str(p, v[SK_NAME], "name", &s->name)) < 0)
		return r;
	if (v[SK_DESCRIPTION] &&
	    (r = scn_str(
	         p, v[SK_DESCRIPTION], "description", &s->description)) < 0)
		return r;
	if (v[SK_SEED] &&
	    (r = scn_uint(p, v[SK_SEED], "seed", 0, UINT64_MAX, &s->seed)) < 0)
		return r;
	if (v[SK_DURATION] &&
	    (r = scn_dur(p, v[SK_DURATION], "duration", 1, UINT64_MAX,
	         &s->duration_ms)) < 0)
		return r;
	if (v[SK_APS] && (r = scn_aps(p, v[SK_APS])) < 0)
		return r;
	if (v[SK_WLC] && (r = scn_wlc(p, v[SK_WLC])) < 0)
		return r;
	if (v[SK_IMPAIRMENTS] &&
	    (r = scn_impairments(p, v[SK_IMPAIRMENTS])) < 0)
		return r;
	if (v[SK_NAT] && (r = scn_nat(p, v[SK_NAT])) < 0)
		return r;
	if (v[SK_CLIENTS] && (r = scn_clients(p, v[SK_CLIENTS])) < 0)
		return r;
	if (v[SK_TIMELINE] && (r = scn_timeline(p, v[SK_TIMELINE])) < 0)
		return r;
	if (v[SK_EXPECT] && (r = scn_expect(p, v[SK_EXPECT])) < 0)
		return r;
	return 0;
}

/* The scenario's default name: the file name without directory and
 * extension. */
char *
scn_default_name(const char *file)
{
	const char *b = strrchr(file, '/'), *dot;
	size_t n;
	char *d;

	b = b ? b + 1 : file;
	dot = strrchr(b, '.');
	n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
	if (n == 0 || file[0] == '<')
		return strdup("scenario");
	d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, b, n);
	d[n] = '\0';
	return d;
}

CS_API int
cs_scenario_parse_mem(struct cs_scenario **ret, const void *data, size_t len,
    const char *name, struct cs_err *err)
{
	struct cs_scenario *s;
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct scn p;
	yaml_node_t *root;
	int r;

	if (ret == NULL || (data == NULL && len > 0))
		return scn_err_fmt(err, -EINVAL, 0, "invalid arguments");
	if (name == NULL)
		name = "<memory>";
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return scn_err_fmt(err, -ENOMEM, 0, "%s: out of memory", name);
	scn_defaults(s);
	s->file = strdup(name);
	if (s->file == NULL) {
		free(s);
		return scn_err_fmt(err, -ENOMEM, 0, "%s: out of memory", name);
	}
	p.file = name;
	p.doc = &doc;
	p.err = err;
	p.s = s;

	if (!yaml_parser_initialize(&parser)) {
		cs_scenario_free(s);
		return scn_err_fmt(err, -ENOMEM, 0, "%s: out of memory", name);
	}
	yaml_parser_set_input_string(
	    &parser, (const unsigned char *)(data ? data : ""), len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = scn_err_fmt(err,
		    parser.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL,
		    parser.problem_mark.index, "%s:%zu:%zu: YAML: %s%s%s", name,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		cs_scenario_free(s);
		return r;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		r = scn_err_fmt(err, -EINVAL, 0,
		    "%s:1:1: empty scenario (expected name:, aps:, ...)", name);
		goto out;
	}
	/* a second document would be silently ignored: refuse it */
	if (!yaml_parser_load(&parser, &extra)) {
		r = scn_err_fmt(err,
		    parser.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL,
		    parser.problem_mark.index, "%s:%zu:%zu: YAML: %s%s%s", name,
		    parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1,
		    parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		goto out;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		yaml_node_t *x = yaml_document_get_root_node(&extra);

		r = scn_err_fmt(err, -EINVAL, x->start_mark.index,
		    "%s:%zu:%zu: a second YAML document ('---'); a scenario "
		    "file holds one",
		    name, x->start_mark.line + 1, x->start_mark.column + 1);
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	r = scn_top(&p, root);
	if (r == -ENOMEM)
		scn_err_fmt(err, -ENOMEM, 0, "%s: out of memory", name);
	if (r == 0 && s->name == NULL) {
		s->name = scn_default_name(name);
		if (s->name == NULL)
			r = scn_err_fmt(
			    err, -ENOMEM, 0, "%s: out of memory", name);
	}
	if (r == 0 && s->aps.name == NULL) {
		s->aps.name = strdup(CS_AP_NAME_PREFIX);
		if (s->aps.name == NULL)
			r = scn_err_fmt(
			    err, -ENOMEM, 0, "%s: out of memory", name);
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r < 0) {
		cs_scenario_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

CS_API int
cs_scenario_load(struct cs_scenario **ret, const char *path, struct cs_err *err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int r;

	if (ret == NULL || path == NULL)
		return scn_err_fmt(err, -EINVAL, 0, "invalid arguments");
	f = fopen(path, "rb");
	if (f == NULL) {
		r = -errno;
		return scn_err_fmt(
		    err, r, 0, "%s: cannot open: %s", path, strerror(-r));
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb;

			if (cap >= SCN_MAX_FILE) {
				fclose(f);
				free(buf);
				return scn_err_fmt(err, -EFBIG, 0,
				    "%s: larger than %u bytes; not a "
				    "scenario file?",
				    path, SCN_MAX_FILE);
			}
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				fclose(f);
				free(buf);
				return scn_err_fmt(
				    err, -ENOMEM, 0, "%s: out of memory", path);
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				r = errno > 0 ? -errno : -EIO;
				fclose(f);
				free(buf);
				return scn_err_fmt(err, r, 0,
				    "%s: cannot read: %s", path, strerror(-r));
			}
			break;
		}
	}
	fclose(f);
	r = cs_scenario_parse_mem(ret, buf, len, path, err);
	free(buf);
	return r;
}

CS_API void
cs_scenario_free(struct cs_scenario *s)
{
	if (s == NULL)
		return;
	free(s->file);
	free(s->name);
	free(s->description);
	free(s->aps.name);
	free(s->aps.profile);
	free(s->aps.ciphers);
	cs_dtls_psk_set_free(&s->aps.psk);
	cs_dtls_psk_set_free(&s->wlc.psk);
	free(s->aps.dns_domain);
	free(s->aps.vendor_class);
	for (size_t i = 0; i < s->aps.n_groups; i++) {
		free(s->aps.groups[i].profile);
		free(s->aps.groups[i].ciphers);
	}
	free(s->aps.groups);
	free(s->wlc.auth_macs);
	free(s->wlc.ciphers);
	free(s->clients.ssid);
	free(s->clients.psk);
	free(s->clients.wlc_psk);
	free(s->impairments);
	free(s->timeline);
	for (size_t i = 0; i < s->n_expect; i++)
		cs_expect_clear(&s->expect[i]);
	free(s->expect);
	free(s);
}

void
scn_apply_timers(const struct cs_scn_timers *t, struct cs_ap_cfg *c)
{
	uint32_t *dst[CS_SCN_T__COUNT];

	dst[CS_SCN_T_DISCOVERY_INTERVAL] = &c->discovery_interval_ms;
	dst[CS_SCN_T_MAX_DISCOVERY_INTERVAL] = &c->max_discovery_interval_ms;
	dst[CS_SCN_T_RETRANSMIT_INTERVAL] = &c->retransmit_interval_ms;
	dst[CS_SCN_T_ECHO_INTERVAL] = &c->echo_interval_ms;
	dst[CS_SCN_T_KEEPALIVE] = &c->keepalive_ms;
	dst[CS_SCN_T_DATA_DEAD] = &c->data_dead_ms;
	dst[CS_SCN_T_WAIT_DTLS] = &c->wait_dtls_ms;
	dst[CS_SCN_T_SILENT_INTERVAL] = &c->silent_interval_ms;
	dst[CS_SCN_T_MAX_DISCOVERIES] = &c->max_discoveries;
	dst[CS_SCN_T_MAX_RETRANSMIT] = &c->max_retransmit;
	dst[CS_SCN_T_MAX_FAILED_DTLS] = &c->max_failed_dtls;
	for (int i = 0; i < CS_SCN_T__COUNT; i++)
		if (t->set & (1u << i))
			*dst[i] = t->value[i];
}

CS_API void
cs_scenario_apply_ap_timers(const struct cs_scenario *s, struct cs_ap_cfg *c)
{
	if (s == NULL || c == NULL)
		return;
	scn_apply_timers(&s->aps.timers, c);
}

CS_API void
cs_scn_group_apply_timers(const struct cs_scn_group *g, struct cs_ap_cfg *c)
{
	if (g == NULL || c == NULL)
		return;
	scn_apply_timers(&g->timers, c);
}
