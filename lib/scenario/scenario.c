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

#define SCN_MAX_APS     16777216u
#define SCN_MAX_RULES   256
#define SCN_MAX_EVENTS  1024
#define SCN_MAX_EXPECT  256
#define SCN_MAX_AUTH    65536
#define SCN_MAX_FILE    (4u << 20) /* bytes; scenarios are small */
#define SCN_PATH_LEN    96
#define SCN_DEFAULT_IP  0x7f010001u /* 127.1.0.1 */
#define SCN_DEFAULT_WLC 0x7f000001u /* 127.0.0.1 */
#define SCN_CAPWAP_PORT 5246

struct scn {
	const char *file;
	yaml_document_t *doc;
	struct cs_err *err;
	struct cs_scenario *s;
};

/* ------------------------------------------------------------------ */
/* errors */

static void
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

static int scn_fail(struct scn *p, const yaml_node_t *n, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
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

static void
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

static yaml_node_t *
scn_node(struct scn *p, yaml_node_item_t i)
{
	return yaml_document_get_node(p->doc, i);
}

/* ------------------------------------------------------------------ */
/* scalars */

static int
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
static int
scn_bad(struct scn *p, const yaml_node_t *n, const char *key, const char *why)
{
	char got[64];

	scn_show(n, got, sizeof(got));
	return scn_fail(p, n, key, "%s; got %s", why, got);
}

static int
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

static int
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

static int
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

static int
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
static int
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

static int
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
static int
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

static int
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
static int
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

static int
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

static int
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

static int
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

static int
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
static int
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
static int
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
static int
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

static size_t
scn_list_len(const yaml_node_t *n)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top -
		    n->data.sequence.items.start);
	return 1;
}

static yaml_node_t *
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

static int
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
static int
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

static int
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
static int
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

static int
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
/* aps */

static const char *const disc_words[] = {
	[CS_SCN_DISC_STATIC] = "static",
	[CS_SCN_DISC_DHCP] = "dhcp",
	[CS_SCN_DISC_DNS] = "dns",
	[CS_SCN_DISC_BROADCAST] = "broadcast",
	[CS_SCN_DISC__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(disc_words) == CS_SCN_DISC__COUNT + 1,
    "disc_words[] out of sync with enum cs_scn_discovery");

/* aps.timers, by enum cs_scn_timer */
static const struct {
	const char *key;
	bool is_count;
} timer_keys[] = {
	[CS_SCN_T_DISCOVERY_INTERVAL] = { "discovery-interval", false },
	[CS_SCN_T_MAX_DISCOVERY_INTERVAL] = { "max-discovery-interval", false },
	[CS_SCN_T_RETRANSMIT_INTERVAL] = { "retransmit-interval", false },
	[CS_SCN_T_ECHO_INTERVAL] = { "echo-interval", false },
	[CS_SCN_T_KEEPALIVE] = { "keepalive", false },
	[CS_SCN_T_DATA_DEAD] = { "data-dead", false },
	[CS_SCN_T_WAIT_DTLS] = { "wait-dtls", false },
	[CS_SCN_T_SILENT_INTERVAL] = { "silent-interval", false },
	[CS_SCN_T_MAX_DISCOVERIES] = { "max-discoveries", true },
	[CS_SCN_T_MAX_RETRANSMIT] = { "max-retransmit", true },
	[CS_SCN_T_MAX_FAILED_DTLS] = { "max-failed-dtls", true },
};
_Static_assert(CS_ARRAY_SIZE(timer_keys) == CS_SCN_T__COUNT,
    "timer_keys[] out of sync with enum cs_scn_timer");

static int
scn_timers(struct scn *p, const yaml_node_t *n, const char *path,
    struct cs_scn_timers *t)
{
	const char *keys[CS_ARRAY_SIZE(timer_keys) + 1];
	yaml_node_t *v[CS_ARRAY_SIZE(timer_keys) + 1];
	int r;

	for (size_t i = 0; i < CS_ARRAY_SIZE(timer_keys); i++)
		keys[i] = timer_keys[i].key;
	keys[CS_ARRAY_SIZE(timer_keys)] = NULL;
	r = scn_map(p, n, path, keys, v);
	for (size_t i = 0; r == 0 && i < CS_ARRAY_SIZE(timer_keys); i++) {
		char kp[SCN_PATH_LEN];
		uint32_t val;

		if (v[i] == NULL)
			continue;
		scn_key(kp, sizeof(kp), path, keys[i]);
		if (timer_keys[i].is_count)
			r = scn_u32(p, v[i], kp, 1, 65535, &val);
		else
			r = scn_dur32(p, v[i], kp, 1, &val);
		if (r == 0) {
			t->set |= 1u << i;
			t->value[i] = val;
		}
	}
	return r;
}

/* aps.groups[i], by key */
enum {
	GK_COUNT,
	GK_PROFILE,
	GK_DTLS,
	GK_CIPHERS,
	GK_MTU,
	GK_CERT,
	GK_SKEW,
	GK_IMAGE,
	GK_TIMERS,
	GK__COUNT
};
static const char *const group_keys[] = {
	[GK_COUNT] = "count",
	[GK_PROFILE] = "profile",
	[GK_DTLS] = "dtls-version",
	[GK_CIPHERS] = "ciphers",
	[GK_MTU] = "mtu",
	[GK_CERT] = "cert",
	[GK_SKEW] = "clock-skew",
	[GK_IMAGE] = "image-policy",
	[GK_TIMERS] = "timers",
	[GK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(group_keys) == GK__COUNT + 1,
    "group_keys[] out of sync with its enum");

static const char *const img_words[] = { "adopt", "download", NULL };

static int
scn_skew(struct scn *p, const yaml_node_t *n, const char *key, int64_t *out)
{
	const char *str, *why;
	int64_t d;
	int r;

	if ((r = scn_scalar(p, n, key, &str)) < 0)
		return r;
	if (scn_parse_duration(str, true, &d, &why) < 0)
		return scn_bad(p, n, key, why);
	*out = d / 1000;
	return 0;
}

/* One group, starting from the aps section's values. */
static int
scn_group(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_scn_group *g)
{
	const struct cs_scn_aps *a = &p->s->aps;
	yaml_node_t *v[GK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	unsigned w;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), path, group_keys[k]), kp)
	if ((r = scn_map(p, n, path, group_keys, v)) < 0)
		return r;
	g->line = (unsigned)n->start_mark.line + 1;
	g->dtls_version = a->dtls_version;
	g->mtu = a->mtu;
	g->cert = a->cert;
	g->clock_skew_s = a->clock_skew_s;
	g->image_policy = a->image_policy;
	g->timers = a->timers;
	if (v[GK_COUNT] == NULL)
		return scn_fail(p, n, path, "each group needs its count");
	if ((r = scn_u32(
	         p, v[GK_COUNT], KP(GK_COUNT), 1, SCN_MAX_APS, &g->count)) < 0)
		return r;
	if (v[GK_PROFILE] != NULL)
		r = scn_str(p, v[GK_PROFILE], KP(GK_PROFILE), &g->profile);
	else if (a->profile != NULL &&
	    (g->profile = strdup(a->profile)) == NULL)
		r = -ENOMEM;
	if (r < 0)
		return r;
	if (v[GK_CIPHERS] != NULL)
		r = scn_str(p, v[GK_CIPHERS], KP(GK_CIPHERS), &g->ciphers);
	else if (a->ciphers != NULL &&
	    (g->ciphers = strdup(a->ciphers)) == NULL)
		r = -ENOMEM;
	if (r < 0)
		return r;
	if (v[GK_DTLS] &&
	    (r = scn_dtls(p, v[GK_DTLS], KP(GK_DTLS), &g->dtls_version)) < 0)
		return r;
	if (v[GK_MTU]) {
		if ((r = scn_uint(p, v[GK_MTU], KP(GK_MTU), CS_DTLS_MIN_MTU,
		         65535, &u)) < 0)
			return r;
		g->mtu = (unsigned)u;
	}
	if (v[GK_CERT] &&
	    (r = scn_cert(p, v[GK_CERT], KP(GK_CERT), &g->cert)) < 0)
		return r;
	if (v[GK_SKEW] &&
	    (r = scn_skew(p, v[GK_SKEW], KP(GK_SKEW), &g->clock_skew_s)) < 0)
		return r;
	if (v[GK_IMAGE]) {
		if ((r = scn_word(
		         p, v[GK_IMAGE], KP(GK_IMAGE), img_words, &w)) < 0)
			return r;
		g->image_policy =
		    w == 0 ? CS_AP_IMAGE_ADOPT : CS_AP_IMAGE_DOWNLOAD;
	}
	if (v[GK_TIMERS] &&
	    (r = scn_timers(p, v[GK_TIMERS], KP(GK_TIMERS), &g->timers)) < 0)
		return r;
#undef KP
	return 0;
}

/* aps.groups: a list of groups whose counts split aps.count (or make it,
 * when aps.count is not given). */
static int
scn_groups(struct scn *p, yaml_node_t *n, bool has_count)
{
	struct cs_scn_aps *a = &p->s->aps;
	uint64_t total = 0;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "aps.groups", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len == 0 || len > CS_SCN_MAX_GROUPS)
		return scn_fail(p, n, "aps.groups", "give 1 to %d groups",
		    CS_SCN_MAX_GROUPS);
	a->groups = calloc(len, sizeof(*a->groups));
	if (a->groups == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		struct cs_scn_group *g = &a->groups[i];
		char path[SCN_PATH_LEN];

		snprintf(path, sizeof(path), "aps.groups[%zu]", i);
		a->n_groups = i + 1; /* freed from here on */
		if ((r = scn_group(p, scn_list_at(p, n, i), path, g)) < 0)
			return r;
		g->first = (unsigned)total;
		total += g->count;
		if (total > SCN_MAX_APS)
			return scn_fail(p, scn_list_at(p, n, i), path,
			    "the groups add up to more than %u APs",
			    SCN_MAX_APS);
	}
	if (has_count && total != a->count)
		return scn_fail(p, n, "aps.groups",
		    "the groups add up to %llu APs, aps.count says %u (leave "
		    "aps.count out or make them agree)",
		    (unsigned long long)total, a->count);
	if ((uint64_t)a->base_ip + total - 1 > UINT32_MAX)
		return scn_fail(p, n, "aps.groups",
		    "%llu APs from aps.base-ip run past 255.255.255.255",
		    (unsigned long long)total);
	a->count = (unsigned)total;
	return 0;
}

enum {
	AK_COUNT,
	AK_BASE_IP,
	AK_BASE_MAC,
	AK_NAME,
	AK_PROFILE,
	AK_DISCOVERY,
	AK_CONTROLLERS,
	AK_SKIP_DISC,
	AK_SKEW,
	AK_DTLS,
	AK_CIPHERS,
	AK_MTU,
	AK_CERT,
	AK_RATE,
	AK_INFLIGHT,
	AK_IMAGE,
	AK_TIMERS,
	AK_GROUPS,
	AK__COUNT
};
static const char *const aps_keys[] = {
	[AK_COUNT] = "count",
	[AK_BASE_IP] = "base-ip",
	[AK_BASE_MAC] = "base-mac",
	[AK_NAME] = "name",
	[AK_PROFILE] = "profile",
	[AK_DISCOVERY] = "discovery",
	[AK_CONTROLLERS] = "controllers",
	[AK_SKIP_DISC] = "skip-discovery",
	[AK_SKEW] = "clock-skew",
	[AK_DTLS] = "dtls-version",
	[AK_CIPHERS] = "ciphers",
	[AK_MTU] = "mtu",
	[AK_CERT] = "cert",
	[AK_RATE] = "rate",
	[AK_INFLIGHT] = "max-inflight",
	[AK_IMAGE] = "image-policy",
	[AK_TIMERS] = "timers",
	[AK_GROUPS] = "groups",
	[AK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(aps_keys) == AK__COUNT + 1,
    "aps_keys[] out of sync with its enum");

static int
scn_aps(struct scn *p, const yaml_node_t *n)
{
	struct cs_scn_aps *a = &p->s->aps;
	yaml_node_t *v[AK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	unsigned w;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), "aps", (k)), kp)
	r = scn_map(p, n, "aps", aps_keys, v);
	if (r < 0)
		return r;
	if (v[AK_COUNT] &&
	    (r = scn_u32(
	         p, v[AK_COUNT], KP("count"), 1, SCN_MAX_APS, &a->count)) < 0)
		return r;
	if (v[AK_BASE_IP] &&
	    (r = scn_ip(p, v[AK_BASE_IP], KP("base-ip"), &a->base_ip)) < 0)
		return r;
	if ((uint64_t)a->base_ip + a->count - 1 > UINT32_MAX)
		return scn_fail(p, v[AK_BASE_IP] ? v[AK_BASE_IP] : v[AK_COUNT],
		    "aps.base-ip",
		    "%u APs from this address run past 255.255.255.255",
		    a->count);
	if (v[AK_BASE_MAC] &&
	    (r = scn_mac(p, v[AK_BASE_MAC], KP("base-mac"), a->base_mac)) < 0)
		return r;
	{
		uint8_t last[6];

		if (cs_ap_id_mac(a->base_mac, a->count - 1, last) < 0)
			return scn_fail(p,
			    v[AK_BASE_MAC] ? v[AK_BASE_MAC] : v[AK_COUNT],
			    "aps.base-mac",
			    "%u APs from this MAC run past ff:ff:ff:ff:ff:ff",
			    a->count);
	}
	if (v[AK_NAME] &&
	    (r = scn_str(p, v[AK_NAME], KP("name"), &a->name)) < 0)
		return r;
	if (v[AK_PROFILE] &&
	    (r = scn_str(p, v[AK_PROFILE], KP("profile"), &a->profile)) < 0)
		return r;
	if (v[AK_DISCOVERY]) {
		if ((r = scn_word(p, v[AK_DISCOVERY], KP("discovery"),
		         disc_words, &w)) < 0)
			return r;
		a->discovery = (enum cs_scn_discovery)w;
	}
	if (v[AK_CONTROLLERS]) {
		yaml_node_t *l = v[AK_CONTROLLERS];
		size_t len;

		if ((r = scn_list(p, l, KP("controllers"), true)) < 0)
			return r;
		len = scn_list_len(l);
		if (len == 0 || len > CS_AP_MAX_TARGETS)
			return scn_fail(p, l, kp,
			    "give 1 to %d controller addresses",
			    CS_AP_MAX_TARGETS);
		for (size_t i = 0; i < len; i++)
			if ((r = scn_ip(p, scn_list_at(p, l, i), kp,
			         &a->controllers[i])) < 0)
				return r;
		a->n_controllers = len;
	}
	if (v[AK_SKIP_DISC] &&
	    (r = scn_bool(p, v[AK_SKIP_DISC], KP("skip-discovery"),
	         &a->skip_discovery)) < 0)
		return r;
	if (v[AK_SKEW] &&
	    (r = scn_skew(p, v[AK_SKEW], KP("clock-skew"), &a->clock_skew_s)) <
	        0)
		return r;
	if (v[AK_DTLS] &&
	    (r = scn_dtls(
	         p, v[AK_DTLS], KP("dtls-version"), &a->dtls_version)) < 0)
		return r;
	if (v[AK_CIPHERS] &&
	    (r = scn_str(p, v[AK_CIPHERS], KP("ciphers"), &a->ciphers)) < 0)
		return r;
	if (v[AK_MTU]) {
		if ((r = scn_uint(p, v[AK_MTU], KP("mtu"), CS_DTLS_MIN_MTU,
		         65535, &u)) < 0)
			return r;
		a->mtu = (unsigned)u;
	}
	if (v[AK_CERT] &&
	    (r = scn_cert(p, v[AK_CERT], KP("cert"), &a->cert)) < 0)
		return r;
	if (v[AK_RATE] &&
	    (r = scn_rate(p, v[AK_RATE], KP("rate"), &a->rate_per_s)) < 0)
		return r;
	if (v[AK_INFLIGHT]) {
		if ((r = scn_uint(p, v[AK_INFLIGHT], KP("max-inflight"), 1,
		         SCN_MAX_APS, &u)) < 0)
			return r;
		a->max_inflight = (unsigned)u;
	}
	if (v[AK_IMAGE]) {
		if ((r = scn_word(p, v[AK_IMAGE], KP("image-policy"), img_words,
		         &w)) < 0)
			return r;
		a->image_policy =
		    w == 0 ? CS_AP_IMAGE_ADOPT : CS_AP_IMAGE_DOWNLOAD;
	}
	if (v[AK_TIMERS] &&
	    (r = scn_timers(p, v[AK_TIMERS], "aps.timers", &a->timers)) < 0)
		return r;
	/* last: a group starts from everything above */
	if (v[AK_GROUPS] &&
	    (r = scn_groups(p, v[AK_GROUPS], v[AK_COUNT] != NULL)) < 0)
		return r;
#undef KP
	return 0;
}

/* ------------------------------------------------------------------ */
/* wlc */

enum {
	WK_EMBEDDED,
	WK_ADDRESS,
	WK_LISTEN,
	WK_ADVERTISE,
	WK_MAX_APS,
	WK_AUTH,
	WK_DTLS,
	WK_DTLS_LIST,
	WK_CIPHERS,
	WK_CERT,
	WK_CISCO,
	WK_ECHO,
	WK_DISC,
	WK_WAIT_JOIN,
	WK_DATA_CHECK,
	WK_IMAGE,
	WK_MISBEHAVE,
	WK_MTU,
	WK__COUNT
};
static const char *const wlc_keys[] = {
	[WK_EMBEDDED] = "embedded",
	[WK_ADDRESS] = "address",
	[WK_LISTEN] = "listen",
	[WK_ADVERTISE] = "advertise",
	[WK_MAX_APS] = "max-aps",
	[WK_AUTH] = "auth-list",
	[WK_DTLS] = "dtls-version",
	[WK_DTLS_LIST] = "dtls-versions",
	[WK_CIPHERS] = "ciphers",
	[WK_CERT] = "cert",
	[WK_CISCO] = "cisco",
	[WK_ECHO] = "echo-interval",
	[WK_DISC] = "discovery-interval",
	[WK_WAIT_JOIN] = "wait-join",
	[WK_DATA_CHECK] = "data-check",
	[WK_IMAGE] = "image-size",
	[WK_MISBEHAVE] = "misbehave",
	[WK_MTU] = "mtu",
	[WK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(wlc_keys) == WK__COUNT + 1,
    "wlc_keys[] out of sync with its enum");

/* "join-request" etc.: CAPWAP message type names (RFC 5415 §4.5) in the
 * lower-case, dashed form used throughout scenario files. */
static bool
scn_msg_word(uint32_t t, char *buf, size_t len)
{
	const char *n = cs_msg_type_name(t);
	size_t i;

	if (n == NULL || strchr(n, '?') != NULL || len == 0)
		return false;
	for (i = 0; n[i] != '\0' && i + 1 < len; i++)
		buf[i] = n[i] == ' '               ? '-'
		    : (n[i] >= 'A' && n[i] <= 'Z') ? (char)(n[i] - 'A' + 'a')
		                                   : n[i];
	buf[i] = '\0';
	return true;
}

static int
scn_msg_type(
    struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out)
{
	char words[27][40];
	const char *list[28], *v, *hint;
	size_t nw = 0;
	char got[64];
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	for (uint32_t t = 1; t <= 26; t++) {
		char w[40];

		if (!scn_msg_word(t, w, sizeof(w)))
			continue;
		if (strcmp(w, v) == 0) {
			*out = t;
			return 0;
		}
		memcpy(words[nw], w, sizeof(w));
		list[nw] = words[nw];
		nw++;
	}
	list[nw] = NULL;
	scn_show(n, got, sizeof(got));
	hint = scn_suggest(v, list);
	return scn_fail(p, n, key,
	    "expected a CAPWAP message such as join-request or "
	    "configuration-status-request; got %s%s%s%s",
	    got, hint ? " (did you mean '" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

/* wlc.misbehave and the timeline's wlc-misbehave, by enum cs_scn_mb */
static const char *const mb_keys[] = {
	[CS_SCN_MB_REJECT] = "reject",
	[CS_SCN_MB_REJECT_CODE] = "reject-code",
	[CS_SCN_MB_DELAY] = "delay",
	[CS_SCN_MB_DROP] = "drop",
	[CS_SCN_MB_MUTE] = "mute",
	[CS_SCN_MB_HANDSHAKE_DELAY] = "handshake-delay",
	[CS_SCN_MB__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(mb_keys) == CS_SCN_MB__COUNT + 1,
    "mb_keys[] out of sync with enum cs_scn_mb");

/* The switches in n into *m; *set gets a bit per switch given. */
static int
scn_misbehave(struct scn *p, const yaml_node_t *n, const char *path,
    struct cs_wlc_misbehave *m, uint32_t *set)
{
	yaml_node_t *v[CS_SCN_MB__COUNT + 1];
	char kp[SCN_PATH_LEN];
	int r = scn_map(p, n, path, mb_keys, v);

#define KP(k) (scn_key(kp, sizeof(kp), path, mb_keys[k]), kp)
	if (r < 0)
		return r;
	*set = 0;
	for (int k = 0; k < CS_SCN_MB__COUNT; k++)
		if (v[k] != NULL)
			*set |= 1u << k;
	if (*set == 0)
		return scn_fail(p, n, path,
		    "give at least one of reject, reject-code, delay, drop, "
		    "mute, handshake-delay");
	if (v[CS_SCN_MB_REJECT] &&
	    (r = scn_pct(p, v[CS_SCN_MB_REJECT], KP(CS_SCN_MB_REJECT),
	         &m->reject_share)) < 0)
		return r;
	if (v[CS_SCN_MB_REJECT_CODE] &&
	    (r = scn_u32(p, v[CS_SCN_MB_REJECT_CODE], KP(CS_SCN_MB_REJECT_CODE),
	         1, 22, &m->reject_code)) < 0)
		return r;
	if (v[CS_SCN_MB_DELAY] &&
	    (r = scn_dur32(p, v[CS_SCN_MB_DELAY], KP(CS_SCN_MB_DELAY), 0,
	         &m->delay_ms)) < 0)
		return r;
	if (v[CS_SCN_MB_DROP]) {
		const char *w;

		/* "none" answers the message again (timeline) */
		if ((r = scn_scalar(
		         p, v[CS_SCN_MB_DROP], KP(CS_SCN_MB_DROP), &w)) < 0)
			return r;
		if (strcmp(w, "none") == 0)
			m->drop_msg_type = 0;
		else if ((r = scn_msg_type(
		              p, v[CS_SCN_MB_DROP], kp, &m->drop_msg_type)) < 0)
			return r;
	}
	if (v[CS_SCN_MB_MUTE] &&
	    (r = scn_bool(p, v[CS_SCN_MB_MUTE], KP(CS_SCN_MB_MUTE), &m->mute)) <
	        0)
		return r;
	if (v[CS_SCN_MB_HANDSHAKE_DELAY] &&
	    (r = scn_dur32(p, v[CS_SCN_MB_HANDSHAKE_DELAY],
	         KP(CS_SCN_MB_HANDSHAKE_DELAY), 0, &m->handshake_delay_ms)) < 0)
		return r;
#undef KP
	return 0;
}

static int
scn_wlc(struct scn *p, const yaml_node_t *n)
{
	struct cs_scn_wlc *w = &p->s->wlc;
	yaml_node_t *v[WK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	bool embedded = true;
	uint64_t u;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), "wlc", (k)), kp)
	r = scn_map(p, n, "wlc", wlc_keys, v);
	if (r < 0)
		return r;
	if (v[WK_EMBEDDED] &&
	    (r = scn_bool(p, v[WK_EMBEDDED], KP("embedded"), &embedded)) < 0)
		return r;
	if (v[WK_ADDRESS]) {
		if (v[WK_EMBEDDED] && embedded)
			return scn_fail(p, v[WK_ADDRESS], "wlc.address",
			    "a real controller address and embedded: true "
			    "exclude each other");
		if ((r = scn_ip_port(p, v[WK_ADDRESS], KP("address"),
		         &w->address, &w->port)) < 0)
			return r;
		embedded = false;
	} else if (!embedded) {
		return scn_fail(p, v[WK_EMBEDDED], "wlc.embedded",
		    "embedded: false needs the real controller's address "
		    "(wlc.address)");
	}
	w->embedded = embedded;
	if (!embedded) {
		static const int emb_only[] = { WK_LISTEN, WK_ADVERTISE,
			WK_MAX_APS, WK_AUTH, WK_DTLS, WK_DTLS_LIST, WK_CIPHERS,
			WK_CERT, WK_CISCO, WK_ECHO, WK_DISC, WK_WAIT_JOIN,
			WK_DATA_CHECK, WK_IMAGE, WK_MISBEHAVE, WK_MTU };

		for (size_t i = 0; i < CS_ARRAY_SIZE(emb_only); i++)
			if (v[emb_only[i]] != NULL)
				return scn_fail(p, v[emb_only[i]],
				    KP(wlc_keys[emb_only[i]]),
				    "applies to the embedded mock WLC only, "
				    "not to a real controller at "
				    "wlc.address");
	}
	if (v[WK_LISTEN] &&
	    (r = scn_ip_port(p, v[WK_LISTEN], KP("listen"), &w->listen_ip,
	         &w->listen_port)) < 0)
		return r;
	if (v[WK_ADVERTISE] &&
	    (r = scn_ip(
	         p, v[WK_ADVERTISE], KP("advertise"), &w->advertise_ip)) < 0)
		return r;
	if (v[WK_MAX_APS]) {
		if ((r = scn_uint(
		         p, v[WK_MAX_APS], KP("max-aps"), 0, 65535, &u)) < 0)
			return r;
		w->max_aps = (unsigned)u;
		w->has_max_aps = true;
	}
	if (v[WK_AUTH]) {
		yaml_node_t *l = v[WK_AUTH];
		size_t len, got_n;

		if ((r = scn_list(p, l, KP("auth-list"), false)) < 0)
			return r;
		len = scn_list_len(l);
		if (len > SCN_MAX_AUTH)
			return scn_fail(
			    p, l, kp, "more than %d entries", SCN_MAX_AUTH);
		if (len > 0) {
			w->auth_macs = calloc(len, sizeof(*w->auth_macs));
			if (w->auth_macs == NULL)
				return -ENOMEM;
		}
		if ((r = scn_macs(p, l, kp, len, &got_n, w->auth_macs)) < 0)
			return r;
		w->n_auth_macs = got_n;
		w->auth_enabled = true;
	}
	if (v[WK_DTLS] && v[WK_DTLS_LIST])
		return scn_fail(p, v[WK_DTLS_LIST], "wlc.dtls-versions",
		    "give either dtls-version or dtls-versions");
	if (v[WK_DTLS] &&
	    (r = scn_dtls(
	         p, v[WK_DTLS], KP("dtls-version"), &w->dtls_version)) < 0)
		return r;
	if (v[WK_DTLS_LIST] &&
	    (r = scn_dtls_list(p, v[WK_DTLS_LIST], KP("dtls-versions"),
	         &w->dtls_version)) < 0)
		return r;
	if (v[WK_CIPHERS] &&
	    (r = scn_str(p, v[WK_CIPHERS], KP("ciphers"), &w->ciphers)) < 0)
		return r;
	if (v[WK_CERT] &&
	    (r = scn_cert(p, v[WK_CERT], KP("cert"), &w->cert)) < 0)
		return r;
	if (v[WK_CISCO] &&
	    (r = scn_bool(p, v[WK_CISCO], KP("cisco"), &w->cisco)) < 0)
		return r;
	/* CAPWAP Timers carries whole seconds (RFC 5415 §4.6.13), 1..255 */
	if (v[WK_ECHO] &&
	    (r = scn_dur32(p, v[WK_ECHO], KP("echo-interval"), 1000,
	         &w->echo_interval_ms)) < 0)
		return r;
	if (w->echo_interval_ms > 255000)
		return scn_fail(p, v[WK_ECHO], kp,
		    "must be at most 255s (CAPWAP Timers, RFC 5415 §4.6.13)");
	if (v[WK_DISC] &&
	    (r = scn_dur32(p, v[WK_DISC], KP("discovery-interval"), 1000,
	         &w->discovery_interval_ms)) < 0)
		return r;
	if (w->discovery_interval_ms > 255000)
		return scn_fail(p, v[WK_DISC], kp,
		    "must be at most 255s (CAPWAP Timers, RFC 5415 §4.6.13)");
	if (v[WK_WAIT_JOIN] &&
	    (r = scn_dur32(
	         p, v[WK_WAIT_JOIN], KP("wait-join"), 1, &w->wait_join_ms)) < 0)
		return r;
	if (v[WK_DATA_CHECK] &&
	    (r = scn_dur32(p, v[WK_DATA_CHECK], KP("data-check"), 1,
	         &w->data_check_ms)) < 0)
		return r;
	if (v[WK_IMAGE] &&
	    (r = scn_bytes32(
	         p, v[WK_IMAGE], KP("image-size"), &w->image_size)) < 0)
		return r;
	if (v[WK_MISBEHAVE]) {
		uint32_t set;

		if ((r = scn_misbehave(p, v[WK_MISBEHAVE], "wlc.misbehave",
		         &w->misbehave, &set)) < 0)
			return r;
	}
	if (v[WK_MTU]) {
		if ((r = scn_uint(p, v[WK_MTU], KP("mtu"), CS_DTLS_MIN_MTU,
		         65535, &u)) < 0)
			return r;
		w->mtu = (unsigned)u;
	}
#undef KP
	return 0;
}

/* ------------------------------------------------------------------ */
/* impairments */

/* Every kind word cs_impair_kind_parse knows, for "did you mean". */
static void
scn_kind_words(const char **list, size_t max, char (*store)[40])
{
	static const char *const base[] = { "any", "discovery",
		"dtls-handshake", "dtls-ccs", "dtls-alert", "dtls-appdata",
		"control", "keepalive", "data", "dtls", "client-hello",
		"hello-verify-request", "server-hello", "certificate",
		"server-key-exchange", "certificate-request",
		"server-hello-done", "certificate-verify",
		"client-key-exchange", "finished", "new-session-ticket" };
	size_t n = 0;

	for (size_t i = 0; i < CS_ARRAY_SIZE(base) && n + 1 < max; i++)
		list[n++] = base[i];
	for (uint32_t t = 1; t <= 26 && n + 1 < max; t++) {
		if (!scn_msg_word(t, store[t - 1], 40))
			continue;
		list[n++] = store[t - 1];
	}
	list[n] = NULL;
}

static int
scn_kind(
    struct scn *p, yaml_node_t *n, const char *key, struct cs_impair_match *m)
{
	char buf[512], got[64];
	size_t len, o = 0;
	int r = scn_list(p, n, key, true);

	if (r < 0)
		return r;
	len = scn_list_len(n);
	if (len == 0)
		return scn_fail(p, n, key, "needs at least one packet kind");
	/* validate each word alone first, for a precise message */
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i);
		struct cs_impair_match tmp;
		const char *v;

		if ((r = scn_scalar(p, it, key, &v)) < 0)
			return r;
		memset(&tmp, 0, sizeof(tmp));
		if (strchr(v, ',') == NULL &&
		    cs_impair_kind_parse(v, &tmp) < 0) {
			const char *list[64], *hint;
			char store[26][40];

			scn_kind_words(list, CS_ARRAY_SIZE(list), store);
			hint = scn_suggest(v, list);
			scn_show(it, got, sizeof(got));
			return scn_fail(p, it, key,
			    "unknown packet kind %s%s%s%s; kinds are any, "
			    "discovery, dtls, dtls-handshake, dtls-ccs, "
			    "dtls-alert, dtls-appdata, control, keepalive, "
			    "data, a DTLS handshake message (client-hello, "
			    "certificate, ...) or a CAPWAP message "
			    "(join-request, ...)",
			    got, hint ? " (did you mean '" : "",
			    hint ? hint : "", hint ? "'?)" : "");
		}
		if (o + strlen(v) + 2 >= sizeof(buf))
			return scn_fail(p, n, key, "too many kinds");
		o += (size_t)snprintf(
		    buf + o, sizeof(buf) - o, "%s%s", i ? "," : "", v);
	}
	if (cs_impair_kind_parse(buf, m) < 0) {
		if (len > 1 &&
		    (strcmp(buf, "any") == 0 || strncmp(buf, "any,", 4) == 0 ||
		        strstr(buf, ",any,") != NULL ||
		        (strlen(buf) > 4 &&
		            strcmp(buf + strlen(buf) - 4, ",any") == 0)))
			return scn_fail(p, n, key,
			    "'any' in a list says nothing; leave kind out to "
			    "match every packet");
		return scn_fail(p, n, key,
		    "too many CAPWAP messages: a list holds at most %d",
		    CS_IMPAIR_MAX_MSG_TYPES);
	}
	return 0;
}

enum {
	MK_DIR,
	MK_CHAN,
	MK_KIND,
	MK_APS,
	MK_SHARE,
	MK_EVERY_AP,
	MK_MACS,
	MK_PORT,
	MK_SIZE,
	MK_WINDOW,
	MK_FIRST,
	MK_EVERY,
	MK_AFTER,
	MK__COUNT
};
static const char *const match_keys[] = {
	[MK_DIR] = "dir",
	[MK_CHAN] = "chan",
	[MK_KIND] = "kind",
	[MK_APS] = "aps",
	[MK_SHARE] = "share",
	[MK_EVERY_AP] = "every-ap",
	[MK_MACS] = "macs",
	[MK_PORT] = "port",
	[MK_SIZE] = "size",
	[MK_WINDOW] = "window",
	[MK_FIRST] = "first",
	[MK_EVERY] = "every",
	[MK_AFTER] = "after",
	[MK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(match_keys) == MK__COUNT + 1,
    "match_keys[] out of sync with its enum");

/* One match key through the rule vocabulary of lib/net (the same words
 * and values as `--rule`); the reason comes back with the file position.
 * A reason that says what was expected gets the value as written. */
static int
scn_match_key(struct scn *p, yaml_node_t *n, const char *kp, const char *key,
    const char *val, struct cs_impair_match *m)
{
	const char *why = "";

	if (cs_impair_match_set(m, key, '=', val, &why) == 0)
		return 0;
	/* the values module's reasons do not repeat the value */
	if (strncmp(why, "expected", 8) == 0 || strcmp(key, "aps") == 0 ||
	    strcmp(key, "share") == 0)
		return scn_bad(p, n, kp, why);
	return scn_fail(p, n, kp, "%s", why);
}

/* A list of scalars as one "a,b,c" value (a scalar is a list of one). */
static int
scn_join(struct scn *p, yaml_node_t *n, const char *kp, char *buf, size_t len)
{
	size_t o = 0, cnt;
	int r;

	if ((r = scn_list(p, n, kp, true)) < 0)
		return r;
	cnt = scn_list_len(n);
	if (cnt == 0)
		return scn_fail(p, n, kp, "needs at least one value");
	buf[0] = '\0';
	for (size_t i = 0; i < cnt; i++) {
		const char *v;
		int w;

		if ((r = scn_scalar(p, scn_list_at(p, n, i), kp, &v)) < 0)
			return r;
		w = snprintf(buf + o, len - o, "%s%s", i ? "," : "", v);
		if (w < 0 || (size_t)w >= len - o)
			return scn_fail(p, n, kp, "too many values");
		o += (size_t)w;
	}
	return 0;
}

static int
scn_match(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_match *m)
{
	yaml_node_t *v[MK__COUNT + 1];
	char kp[SCN_PATH_LEN], buf[512];
	int r;

	if ((r = scn_map(p, n, path, match_keys, v)) < 0)
		return r;
	for (int k = 0; k < MK__COUNT; k++) {
		const char *val;

		if (v[k] == NULL)
			continue;
		scn_key(kp, sizeof(kp), path, match_keys[k]);
		if (k == MK_KIND) {
			/* word by word first, for "did you mean" */
			if ((r = scn_kind(p, v[k], kp, m)) < 0)
				return r;
			continue;
		}
		if (k == MK_MACS) {
			if ((r = scn_join(p, v[k], kp, buf, sizeof(buf))) < 0)
				return r;
			val = buf;
		} else if ((r = scn_scalar(p, v[k], kp, &val)) < 0) {
			return r;
		}
		if ((r = scn_match_key(p, v[k], kp, match_keys[k], val, m)) < 0)
			return r;
	}
	/* the selector must name APs of this scenario */
	for (size_t i = 0; v[MK_APS] != NULL && i < m->aps.n_ranges; i++) {
		unsigned hi = m->aps.ranges[i].hi, cnt = p->s->aps.count;

		if (hi >= cnt) {
			char why[96];

			scn_key(kp, sizeof(kp), path, "aps");
			snprintf(why, sizeof(why),
			    "AP index %u beyond the %u APs (indexes 0-%u)", hi,
			    cnt, cnt - 1);
			return scn_bad(p, v[MK_APS], kp, why);
		}
	}
	return 0;
}

/* An action whose value is a scalar shorthand or a mapping of options. */
static bool
scn_is_map(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE;
}

static int
scn_act_drop(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "probability", "burst", NULL };
	yaml_node_t *v[3];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	int r;

	a->has_drop = true;
	a->drop_prob = 1.0;
	if (!scn_is_map(n)) {
		const char *s;
		bool b;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		if (strchr(s, '%') != NULL)
			return scn_prob(p, n, path, &a->drop_prob);
		if ((r = scn_bool(p, n, path, &b)) < 0)
			return scn_fail(p, n, path,
			    "expected true, a probability such as 30%%, or "
			    "{probability: 30%%, burst: 3}");
		if (!b)
			return scn_fail(p, n, path,
			    "drop: false drops nothing; remove the action");
		return 0;
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "probability");
	if (v[0] && (r = scn_prob(p, v[0], kp, &a->drop_prob)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "burst");
	if (v[1]) {
		if ((r = scn_uint(p, v[1], kp, 1, UINT32_MAX, &u)) < 0)
			return r;
		a->drop_burst = (unsigned)u;
	}
	return 0;
}

/* [a, b] with two durations. */
static int
scn_dur_pair(
    struct scn *p, yaml_node_t *n, const char *key, uint64_t *a, uint64_t *b)
{
	int r;

	if (n->type != YAML_SEQUENCE_NODE || scn_list_len(n) != 2)
		return scn_fail(
		    p, n, key, "expected two durations such as [10ms, 50ms]");
	if ((r = scn_dur(p, scn_list_at(p, n, 0), key, 0, UINT64_MAX, a)) < 0)
		return r;
	return scn_dur(p, scn_list_at(p, n, 1), key, 0, UINT64_MAX, b);
}

static int
scn_act_delay(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "fixed", "uniform", "normal",
		NULL };
	yaml_node_t *v[4];
	char kp[SCN_PATH_LEN];
	uint64_t lo, hi;
	int r, given = 0;

	if (!scn_is_map(n)) {
		const char *s, *d;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		d = strchr(s, '-');
		if (d != NULL && d != s) {
			/* "10ms-50ms": uniform */
			char buf[48];
			int64_t x, y;
			const char *why;

			if ((size_t)(d - s) >= sizeof(buf) ||
			    (memcpy(buf, s, (size_t)(d - s)), buf[d - s] = '\0',
			        scn_parse_duration(buf, false, &x, &why) < 0) ||
			    scn_parse_duration(d + 1, false, &y, &why) < 0)
				return scn_fail(p, n, path,
				    "expected a delay such as 200ms, "
				    "10ms-50ms, {uniform: [10ms, 50ms]} or "
				    "{normal: [100ms, 20ms]}");
			if (y < x)
				return scn_fail(
				    p, n, path, "range runs backwards");
			a->delay = CS_DELAY_UNIFORM;
			a->delay_ms = (uint64_t)x;
			a->delay_hi_ms = (uint64_t)y;
			return 0;
		}
		if ((r = scn_dur(p, n, path, 0, UINT64_MAX, &lo)) < 0)
			return r;
		a->delay = CS_DELAY_FIXED;
		a->delay_ms = lo;
		return 0;
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	for (int i = 0; i < 3; i++)
		given += v[i] != NULL;
	if (given != 1)
		return scn_fail(
		    p, n, path, "give exactly one of fixed, uniform, normal");
	if (v[0]) {
		scn_key(kp, sizeof(kp), path, "fixed");
		if ((r = scn_dur(p, v[0], kp, 0, UINT64_MAX, &lo)) < 0)
			return r;
		a->delay = CS_DELAY_FIXED;
		a->delay_ms = lo;
	} else if (v[1]) {
		scn_key(kp, sizeof(kp), path, "uniform");
		if ((r = scn_dur_pair(p, v[1], kp, &lo, &hi)) < 0)
			return r;
		if (hi < lo)
			return scn_fail(p, v[1], kp, "range runs backwards");
		a->delay = CS_DELAY_UNIFORM;
		a->delay_ms = lo;
		a->delay_hi_ms = hi;
	} else {
		scn_key(kp, sizeof(kp), path, "normal");
		if ((r = scn_dur_pair(p, v[2], kp, &lo, &hi)) < 0)
			return r;
		a->delay = CS_DELAY_NORMAL;
		a->delay_ms = lo;
		a->jitter_ms = hi;
	}
	return 0;
}

/*
 * The actions with "N or {N-key: N, probability: P}": duplicate (copies),
 * corrupt (bytes, offset), reorder (hold, hold-time).
 */
static int
scn_act_counted(struct scn *p, yaml_node_t *n, const char *path,
    const char *const *keys, uint64_t min, uint64_t max, uint64_t *count,
    double *prob)
{
	yaml_node_t *v[4];
	char kp[SCN_PATH_LEN];
	int r;

	if (!scn_is_map(n))
		return scn_uint(p, n, path, min, max, count);
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, keys[0]);
	if (v[0] && (r = scn_uint(p, v[0], kp, min, max, count)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "probability");
	if (v[1] && (r = scn_prob(p, v[1], kp, prob)) < 0)
		return r;
	return 0;
}

static int
scn_act_reorder(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "hold", "probability", "hold-time",
		NULL };
	yaml_node_t *v[4];
	char kp[SCN_PATH_LEN];
	uint64_t u = 1;
	int r;

	a->has_reorder = true;
	a->reorder_prob = 1.0;
	if ((r = scn_act_counted(
	         p, n, path, keys, 1, UINT32_MAX, &u, &a->reorder_prob)) < 0)
		return r;
	if (scn_is_map(n)) {
		if ((r = scn_map(p, n, path, keys, v)) < 0)
			return r;
		if (v[0] == NULL)
			u = 0;
		scn_key(kp, sizeof(kp), path, "hold-time");
		if (v[2] &&
		    (r = scn_dur(p, v[2], kp, 1, UINT64_MAX, &a->hold_ms)) < 0)
			return r;
		if (v[0] == NULL && v[2] == NULL)
			return scn_fail(p, n, path,
			    "give hold (packets) or hold-time (or both)");
	}
	a->hold_pkts = (unsigned)u;
	return 0;
}

static int
scn_act_rate(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const keys[] = { "packets", "bytes", "burst",
		"shared", NULL };
	yaml_node_t *v[5];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	int r;

	if (!scn_is_map(n))
		return scn_rate(p, n, path, &a->rate_pps);
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	if (v[0] == NULL && v[1] == NULL)
		return scn_fail(p, n, path, "give packets or bytes (or both)");
	scn_key(kp, sizeof(kp), path, "packets");
	if (v[0] && (r = scn_rate(p, v[0], kp, &a->rate_pps)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "bytes");
	if (v[1] && (r = scn_rate(p, v[1], kp, &a->rate_bytes_ps)) < 0)
		return r;
	scn_key(kp, sizeof(kp), path, "burst");
	if (v[2]) {
		if ((r = scn_uint(p, v[2], kp, 1, UINT32_MAX, &u)) < 0)
			return r;
		a->rate_burst = (double)u;
	}
	scn_key(kp, sizeof(kp), path, "shared");
	if (v[3] && (r = scn_bool(p, v[3], kp, &a->rate_shared)) < 0)
		return r;
	return 0;
}

enum {
	XK_DROP,
	XK_DELAY,
	XK_DUPLICATE,
	XK_REORDER,
	XK_CORRUPT,
	XK_TRUNCATE,
	XK_MTU,
	XK_RATE,
	XK_LINK_DOWN,
	XK__COUNT
};
static const char *const action_keys[] = {
	[XK_DROP] = "drop",
	[XK_DELAY] = "delay",
	[XK_DUPLICATE] = "duplicate",
	[XK_REORDER] = "reorder",
	[XK_CORRUPT] = "corrupt",
	[XK_TRUNCATE] = "truncate",
	[XK_MTU] = "mtu",
	[XK_RATE] = "rate",
	[XK_LINK_DOWN] = "link-down",
	[XK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(action_keys) == XK__COUNT + 1,
    "action_keys[] out of sync with its enum");

static int
scn_action(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_action *a)
{
	static const char *const dup_keys[] = { "copies", "probability", NULL };
	static const char *const cor_keys[] = { "bytes", "probability",
		"offset", NULL };
	yaml_node_t *v[XK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), path, (k)), kp)
	if (n->type == YAML_SCALAR_NODE) {
		unsigned w;
		const char *s;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		if (strcmp(s, "drop") == 0) {
			a->has_drop = true;
			a->drop_prob = 1.0;
			return 0;
		}
		if (strcmp(s, "duplicate") == 0) {
			a->has_duplicate = true;
			a->dup_prob = 1.0;
			a->dup_copies = 1;
			return 0;
		}
		if (strcmp(s, "reorder") == 0) {
			a->has_reorder = true;
			a->reorder_prob = 1.0;
			a->hold_pkts = 1;
			return 0;
		}
		if (strcmp(s, "link-down") == 0) {
			a->has_link_down = true;
			return 0;
		}
		if ((r = scn_word(p, n, path, action_keys, &w)) < 0)
			return r;
		return scn_fail(p, n, path,
		    "action '%s' needs a value, e.g. {%s: %s}", s, s,
		    w == XK_DELAY          ? "200ms"
		        : w == XK_CORRUPT  ? "4"
		        : w == XK_TRUNCATE ? "100"
		        : w == XK_MTU      ? "1300"
		                           : "10/s");
	}
	if ((r = scn_map(p, n, path, action_keys, v)) < 0)
		return r;
	{
		bool any = false;

		for (int i = 0; i < XK__COUNT; i++)
			any |= v[i] != NULL;
		if (!any)
			return scn_fail(p, n, path, "no action given");
	}
	if (v[XK_DROP] && (r = scn_act_drop(p, v[XK_DROP], KP("drop"), a)) < 0)
		return r;
	if (v[XK_DELAY] &&
	    (r = scn_act_delay(p, v[XK_DELAY], KP("delay"), a)) < 0)
		return r;
	if (v[XK_DUPLICATE]) {
		u = 1;
		a->dup_prob = 1.0;
		if ((r = scn_act_counted(p, v[XK_DUPLICATE], KP("duplicate"),
		         dup_keys, 1, CS_IMPAIR_MAX_DELIVER - 1, &u,
		         &a->dup_prob)) < 0)
			return r;
		a->has_duplicate = true;
		a->dup_copies = (unsigned)u;
	}
	if (v[XK_REORDER] &&
	    (r = scn_act_reorder(p, v[XK_REORDER], KP("reorder"), a)) < 0)
		return r;
	if (v[XK_CORRUPT]) {
		yaml_node_t *c = v[XK_CORRUPT];

		u = 1;
		a->corrupt_prob = 1.0;
		if ((r = scn_act_counted(p, c, KP("corrupt"), cor_keys, 1,
		         65535, &u, &a->corrupt_prob)) < 0)
			return r;
		if (scn_is_map(c)) {
			yaml_node_t *cv[4];

			if ((r = scn_map(p, c, kp, cor_keys, cv)) < 0)
				return r;
			if (cv[2]) {
				uint64_t off;

				if ((r = scn_uint(p, cv[2],
				         KP("corrupt.offset"), 0, 65535,
				         &off)) < 0)
					return r;
				a->has_corrupt_offset = true;
				a->corrupt_offset = (size_t)off;
			}
		}
		a->has_corrupt = true;
		a->corrupt_bytes = (unsigned)u;
	}
	if (v[XK_TRUNCATE]) {
		if ((r = scn_uint(
		         p, v[XK_TRUNCATE], KP("truncate"), 1, 65535, &u)) < 0)
			return r;
		a->has_truncate = true;
		a->truncate_to = (size_t)u;
	}
	if (v[XK_MTU]) {
		/* RFC 791: every IPv4 host handles 68-byte datagrams */
		if ((r = scn_uint(p, v[XK_MTU], KP("mtu"), 68, 65535, &u)) < 0)
			return r;
		a->mtu = (unsigned)u;
	}
	if (v[XK_RATE] && (r = scn_act_rate(p, v[XK_RATE], KP("rate"), a)) < 0)
		return r;
	if (v[XK_LINK_DOWN]) {
		const char *s;

		if ((r = scn_scalar(p, v[XK_LINK_DOWN], KP("link-down"), &s)) <
		    0)
			return r;
		if (strchr(s, '-') != NULL) {
			/* the window grammar of the match vocabulary */
			struct cs_impair_match w = { 0 };

			if ((r = scn_match_key(
			         p, v[XK_LINK_DOWN], kp, "window", s, &w)) < 0)
				return r;
			a->down_from_ms = w.from_ms;
			a->down_until_ms = w.until_ms;
		} else {
			bool b;

			if ((r = scn_bool(p, v[XK_LINK_DOWN], kp, &b)) < 0)
				return scn_fail(p, v[XK_LINK_DOWN], kp,
				    "expected true or a window such as "
				    "10s-15s");
			if (!b)
				return scn_fail(p, v[XK_LINK_DOWN], kp,
				    "link-down: false does nothing; remove "
				    "the action");
		}
		a->has_link_down = true;
	}
#undef KP
	return 0;
}

static int
scn_impairments(struct scn *p, yaml_node_t *n)
{
	static const char *const keys[] = { "name", "enabled", "match",
		"action", NULL };
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "impairments", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_RULES)
		return scn_fail(
		    p, n, "impairments", "more than %d rules", SCN_MAX_RULES);
	if (len == 0)
		return 0;
	s->impairments = calloc(len, sizeof(*s->impairments));
	if (s->impairments == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i), *v[5];
		struct cs_scn_impair *imp = &s->impairments[i];
		struct cs_impair_rule *rule = &imp->rule;
		char path[SCN_PATH_LEN], kp[SCN_PATH_LEN];

		snprintf(path, sizeof(path), "impairments[%zu]", i);
		if ((r = scn_map(p, it, path, keys, v)) < 0)
			return r;
		imp->line = (unsigned)it->start_mark.line + 1;
		rule->enabled = true;
		if (v[0]) {
			const char *name;

			scn_key(kp, sizeof(kp), path, "name");
			if ((r = scn_scalar(p, v[0], kp, &name)) < 0)
				return r;
			if (strlen(name) >= sizeof(rule->name))
				return scn_fail(p, v[0], kp,
				    "longer than %zu characters",
				    sizeof(rule->name) - 1);
			for (const char *c = name; *c; c++)
				if (*c == ' ' || *c == '\t' || *c == ',' ||
				    *c == '{' || *c == '}' || *c == '=' ||
				    (unsigned char)*c < 0x20)
					return scn_fail(p, v[0], kp,
					    "use letters, digits, '-', '_' "
					    "or '.' in rule names");
			for (size_t j = 0; j < i; j++)
				if (strcmp(s->impairments[j].rule.name, name) ==
				    0)
					return scn_fail(p, v[0], kp,
					    "rule name '%s' already used on "
					    "line %u",
					    name, s->impairments[j].line);
			memcpy(rule->name, name, strlen(name) + 1);
		} else {
			snprintf(
			    rule->name, sizeof(rule->name), "rule-%zu", i + 1);
			for (size_t j = 0; j < i; j++)
				if (strcmp(s->impairments[j].rule.name,
				        rule->name) == 0)
					return scn_fail(p, it, path,
					    "the default name '%s' is taken; "
					    "give this rule a name",
					    rule->name);
		}
		scn_key(kp, sizeof(kp), path, "enabled");
		if (v[1] && (r = scn_bool(p, v[1], kp, &rule->enabled)) < 0)
			return r;
		scn_key(kp, sizeof(kp), path, "match");
		if (v[2] && (r = scn_match(p, v[2], kp, &rule->match)) < 0)
			return r;
		scn_key(kp, sizeof(kp), path, "action");
		if (v[3] == NULL)
			return scn_fail(p, it, path,
			    "a rule needs an action (drop, delay, ...)");
		if ((r = scn_action(p, v[3], kp, &rule->action)) < 0)
			return r;
		s->n_impairments = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* nat */

static int
scn_nat(struct scn *p, yaml_node_t *n)
{
	static const char *const keys[] = { "external-ip", "idle-timeout",
		"reverse", "asymmetric-from", "rebind-at", "expire-at", "ports",
		NULL };
	struct cs_nat_cfg *c = &p->s->nat.cfg;
	yaml_node_t *v[8];
	int r;

	if ((r = scn_map(p, n, "nat", keys, v)) < 0)
		return r;
	if (v[0] == NULL)
		return scn_fail(p, n, "nat",
		    "needs external-ip (the address the WLC sees)");
	if ((r = scn_ip(p, v[0], "nat.external-ip", &c->ext_ip)) < 0)
		return r;
	if (c->ext_ip == 0)
		return scn_fail(
		    p, v[0], "nat.external-ip", "0.0.0.0 is not an address");
	if (v[1] &&
	    (r = scn_dur(p, v[1], "nat.idle-timeout", 1, UINT64_MAX,
	         &c->idle_timeout_ms)) < 0)
		return r;
	if (v[2]) {
		bool rev;

		if ((r = scn_bool(p, v[2], "nat.reverse", &rev)) < 0)
			return r;
		c->no_reverse = !rev;
	}
	if (v[3] &&
	    (r = scn_ip(p, v[3], "nat.asymmetric-from", &c->asym_src_ip)) < 0)
		return r;
	if (v[4] &&
	    (r = scn_dur(p, v[4], "nat.rebind-at", 1, UINT64_MAX,
	         &c->rebind_at_ms)) < 0)
		return r;
	if (v[5] &&
	    (r = scn_dur(p, v[5], "nat.expire-at", 1, UINT64_MAX,
	         &c->expire_at_ms)) < 0)
		return r;
	if (v[6]) {
		const char *s, *d, *why;
		uint64_t lo, hi;
		char buf[16];

		if ((r = scn_scalar(p, v[6], "nat.ports", &s)) < 0)
			return r;
		d = strchr(s, '-');
		if (d == NULL || (size_t)(d - s) >= sizeof(buf) ||
		    (memcpy(buf, s, (size_t)(d - s)), buf[d - s] = '\0',
		        scn_parse_uint(buf, 65535, &lo, &why) < 0) ||
		    scn_parse_uint(d + 1, 65535, &hi, &why) < 0 || lo == 0 ||
		    hi < lo)
			return scn_fail(p, v[6], "nat.ports",
			    "expected a port range such as 20000-29999");
		c->port_min = (uint16_t)lo;
		c->port_max = (uint16_t)hi;
	}
	p->s->nat.enabled = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* timeline */

static int
scn_rule_ref(
    struct scn *p, const yaml_node_t *n, const char *key, unsigned *idx)
{
	struct cs_scenario *s = p->s;
	const char *v, *list[SCN_MAX_RULES + 1], *hint;
	char got[64];
	int r = scn_scalar(p, n, key, &v);

	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_impairments; i++) {
		if (strcmp(s->impairments[i].rule.name, v) == 0) {
			*idx = (unsigned)i;
			return 0;
		}
		list[i] = s->impairments[i].rule.name;
	}
	list[s->n_impairments] = NULL;
	scn_show(n, got, sizeof(got));
	hint = scn_suggest(v, list);
	if (s->n_impairments == 0)
		return scn_fail(p, n, key,
		    "no impairment rule named %s (the scenario has no "
		    "impairments)",
		    got);
	return scn_fail(p, n, key, "no impairment rule named %s%s%s%s", got,
	    hint ? " (did you mean '" : "", hint ? hint : "",
	    hint ? "'?)" : "");
}

static int
scn_apsel(struct scn *p, yaml_node_t *n, const char *path, struct cs_apsel *sel)
{
	static const char *const keys[] = { "aps", "share", "every-ap", "macs",
		NULL };
	yaml_node_t *v[5];
	char kp[SCN_PATH_LEN];
	uint64_t u;
	int r;

	if (n->type == YAML_SCALAR_NODE) {
		const char *s;
		bool b;

		if ((r = scn_scalar(p, n, path, &s)) < 0)
			return r;
		if (strcmp(s, "all") == 0)
			return 0;
		if (scn_bool(p, n, path, &b) < 0 || !b)
			return scn_fail(p, n, path,
			    "expected true (all APs) or a selector such as "
			    "{share: 50%%} or {aps: 0-9}");
		return 0;
	}
	if ((r = scn_map(p, n, path, keys, v)) < 0)
		return r;
	if (v[0]) {
		scn_key(kp, sizeof(kp), path, "aps");
		if ((r = scn_ranges(p, v[0], kp, p->s->aps.count, sel)) < 0)
			return r;
	}
	scn_key(kp, sizeof(kp), path, "share");
	if (v[1]) {
		if ((r = scn_pct(p, v[1], kp, &sel->share)) < 0)
			return r;
		sel->has_share = true;
	}
	scn_key(kp, sizeof(kp), path, "every-ap");
	if (v[2]) {
		if ((r = scn_uint(p, v[2], kp, 1, UINT32_MAX, &u)) < 0)
			return r;
		sel->every = (unsigned)u;
	}
	scn_key(kp, sizeof(kp), path, "macs");
	if (v[3] &&
	    (r = scn_macs(
	         p, v[3], kp, CS_APSEL_MAX_MACS, &sel->n_macs, sel->macs)) < 0)
		return r;
	return 0;
}

static int
scn_event_cmp(const void *a, const void *b)
{
	const struct cs_scn_event *x = a, *y = b;

	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	/* stable: file order */
	return x->line < y->line ? -1 : x->line > y->line;
}

enum {
	TK_AT,
	TK_ENABLE,
	TK_DISABLE,
	TK_WLC_RESTART,
	TK_AP_REBOOT,
	TK_LINK_DOWN,
	TK_NAT_REBIND,
	TK_NAT_EXPIRE,
	TK_WLC_MISBEHAVE,
	TK__COUNT
};
static const char *const tl_keys[] = {
	[TK_AT] = "at",
	[TK_ENABLE] = "enable",
	[TK_DISABLE] = "disable",
	[TK_WLC_RESTART] = "wlc-restart",
	[TK_AP_REBOOT] = "ap-reboot",
	[TK_LINK_DOWN] = "link-down",
	[TK_NAT_REBIND] = "nat-rebind",
	[TK_NAT_EXPIRE] = "nat-expire",
	[TK_WLC_MISBEHAVE] = "wlc-misbehave",
	[TK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(tl_keys) == TK__COUNT + 1,
    "tl_keys[] out of sync with its enum");

static int
scn_timeline(struct scn *p, yaml_node_t *n)
{
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "timeline", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_EVENTS)
		return scn_fail(
		    p, n, "timeline", "more than %d entries", SCN_MAX_EVENTS);
	if (len == 0)
		return 0;
	s->timeline = calloc(len, sizeof(*s->timeline));
	if (s->timeline == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i), *v[TK__COUNT + 1];
		struct cs_scn_event *ev = &s->timeline[i];
		char path[SCN_PATH_LEN], kp[SCN_PATH_LEN];
		int act = -1;
		bool b;

		snprintf(path, sizeof(path), "timeline[%zu]", i);
		if ((r = scn_map(p, it, path, tl_keys, v)) < 0)
			return r;
		ev->line = (unsigned)it->start_mark.line + 1;
		if (v[TK_AT] == NULL)
			return scn_fail(p, it, path,
			    "each entry needs 'at' (when, e.g. at: 10s)");
		scn_key(kp, sizeof(kp), path, "at");
		if ((r = scn_dur(p, v[TK_AT], kp, 0, UINT64_MAX, &ev->at_ms)) <
		    0)
			return r;
		if (ev->at_ms > s->duration_ms)
			return scn_fail(p, v[TK_AT], kp,
			    "after the end of the run (duration %llu ms)",
			    (unsigned long long)s->duration_ms);
		for (int k = TK_ENABLE; k < TK__COUNT; k++) {
			if (v[k] == NULL)
				continue;
			if (act >= 0)
				return scn_fail(p, v[k], path,
				    "one action per entry ('%s' and '%s' "
				    "given); add another entry at the same "
				    "time",
				    tl_keys[act], tl_keys[k]);
			act = k;
		}
		if (act < 0)
			return scn_fail(p, it, path,
			    "no action: give one of enable, disable, "
			    "wlc-restart, ap-reboot, link-down, nat-rebind, "
			    "nat-expire, wlc-misbehave");
		scn_key(kp, sizeof(kp), path, tl_keys[act]);
		switch (act) {
		case TK_ENABLE:
		case TK_DISABLE:
			ev->action = act == TK_ENABLE ? CS_SCN_ACT_ENABLE
			                              : CS_SCN_ACT_DISABLE;
			if ((r = scn_rule_ref(p, v[act], kp, &ev->rule_index)) <
			    0)
				return r;
			break;
		case TK_WLC_RESTART:
		case TK_NAT_REBIND:
		case TK_NAT_EXPIRE:
			if ((r = scn_bool(p, v[act], kp, &b)) < 0)
				return r;
			if (!b)
				return scn_fail(p, v[act], kp,
				    "false does nothing; remove the entry");
			if (act == TK_WLC_RESTART && !s->wlc.embedded)
				return scn_fail(p, v[act], kp,
				    "needs the embedded WLC (capsim cannot "
				    "restart a real controller)");
			if (act != TK_WLC_RESTART && !s->nat.enabled)
				return scn_fail(
				    p, v[act], kp, "needs a nat: section");
			ev->action = act == TK_WLC_RESTART
			    ? CS_SCN_ACT_WLC_RESTART
			    : act == TK_NAT_REBIND ? CS_SCN_ACT_NAT_REBIND
			                           : CS_SCN_ACT_NAT_EXPIRE;
			break;
		case TK_AP_REBOOT:
			ev->action = CS_SCN_ACT_AP_REBOOT;
			if ((r = scn_apsel(p, v[act], kp, &ev->sel)) < 0)
				return r;
			break;
		case TK_WLC_MISBEHAVE:
			ev->action = CS_SCN_ACT_WLC_MISBEHAVE;
			if (!s->wlc.embedded)
				return scn_fail(p, v[act], kp,
				    "needs the embedded WLC (capsim cannot "
				    "make a real controller misbehave)");
			ev->misbehave = s->wlc.misbehave;
			if ((r = scn_misbehave(p, v[act], kp, &ev->misbehave,
			         &ev->misbehave_set)) < 0)
				return r;
			break;
		default: /* TK_LINK_DOWN */
			ev->action = CS_SCN_ACT_LINK_DOWN;
			if ((r = scn_dur(p, v[act], kp, 1, UINT64_MAX,
			         &ev->for_ms)) < 0)
				return r;
			break;
		}
		s->n_timeline = i + 1;
	}
	qsort(s->timeline, s->n_timeline, sizeof(*s->timeline), scn_event_cmp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* expectations */

static int
scn_expect(struct scn *p, yaml_node_t *n)
{
	struct cs_scenario *s = p->s;
	size_t len;
	int r;

	if ((r = scn_list(p, n, "expect", false)) < 0)
		return r;
	len = scn_list_len(n);
	if (len > SCN_MAX_EXPECT)
		return scn_fail(p, n, "expect", "more than %d expectations",
		    SCN_MAX_EXPECT);
	if (len == 0)
		return 0;
	s->expect = calloc(len, sizeof(*s->expect));
	if (s->expect == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *it = scn_list_at(p, n, i);
		struct cs_expect *e = &s->expect[i];
		char kp[SCN_PATH_LEN], msg[SCN_ERRBUF_LEN];
		struct cs_err ie = { 0 };
		const char *v;

		snprintf(kp, sizeof(kp), "expect[%zu]", i);
		if ((r = scn_scalar(p, it, kp, &v)) < 0)
			return r;
		r = cs_expect_parse(e, v, &ie);
		if (r == -EINVAL) {
			/* point at the character when the scalar is on one
			 * line */
			yaml_node_t at = *it;

			snprintf(
			    msg, sizeof(msg), "%s", ie.what ? ie.what : "");
			if (it->start_mark.line == it->end_mark.line) {
				size_t q = it->data.scalar.style ==
				        YAML_SINGLE_QUOTED_SCALAR_STYLE ||
				    it->data.scalar.style ==
				        YAML_DOUBLE_QUOTED_SCALAR_STYLE;

				at.start_mark.column += ie.offset + q;
				at.start_mark.index += ie.offset + q;
			}
			return scn_fail(p, &at, kp, "%s", msg);
		}
		if (r < 0)
			return r;
		if (strncmp(e->metric, "rule.", 5) == 0) {
			/* rule.NAME.COUNTER: NAME must be a rule */
			const char *name = e->metric + 5,
			           *dot = strrchr(name, '.');
			size_t j;

			for (j = 0; j < s->n_impairments; j++) {
				const char *rn = s->impairments[j].rule.name;

				if (strlen(rn) == (size_t)(dot - name) &&
				    strncmp(rn, name, (size_t)(dot - name)) ==
				        0)
					break;
			}
			if (j == s->n_impairments) {
				snprintf(msg, sizeof(msg), "%.*s",
				    (int)(dot - name), name);
				cs_expect_clear(e);
				return scn_fail(p, it, kp,
				    "no impairment rule named '%s'", msg);
			}
		}
		e->line = (unsigned)it->start_mark.line + 1;
		e->col = (unsigned)it->start_mark.column + 1;
		s->n_expect = i + 1;
	}
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
	[SK_TIMELINE] = "timeline",
	[SK_EXPECT] = "expect",
	[SK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(top_keys) == SK__COUNT + 1,
    "top_keys[] out of sync with its enum");

static void
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

static int
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
	if (v[SK_TIMELINE] && (r = scn_timeline(p, v[SK_TIMELINE])) < 0)
		return r;
	if (v[SK_EXPECT] && (r = scn_expect(p, v[SK_EXPECT])) < 0)
		return r;
	return 0;
}

/* The scenario's default name: the file name without directory and
 * extension. */
static char *
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
	for (size_t i = 0; i < s->aps.n_groups; i++) {
		free(s->aps.groups[i].profile);
		free(s->aps.groups[i].ciphers);
	}
	free(s->aps.groups);
	free(s->wlc.auth_macs);
	free(s->wlc.ciphers);
	free(s->impairments);
	free(s->timeline);
	for (size_t i = 0; i < s->n_expect; i++)
		cs_expect_clear(&s->expect[i]);
	free(s->expect);
	free(s);
}

static void
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

CS_API int
cs_scn_misbehave_apply(
    const struct cs_scn_event *ev, struct cs_wlc_misbehave *m)
{
	uint32_t set;

	if (ev == NULL || m == NULL || ev->action != CS_SCN_ACT_WLC_MISBEHAVE)
		return -EINVAL;
	set = ev->misbehave_set;
	if (set & 1u << CS_SCN_MB_REJECT)
		m->reject_share = ev->misbehave.reject_share;
	if (set & 1u << CS_SCN_MB_REJECT_CODE)
		m->reject_code = ev->misbehave.reject_code;
	if (set & 1u << CS_SCN_MB_DELAY)
		m->delay_ms = ev->misbehave.delay_ms;
	if (set & 1u << CS_SCN_MB_DROP)
		m->drop_msg_type = ev->misbehave.drop_msg_type;
	if (set & 1u << CS_SCN_MB_MUTE)
		m->mute = ev->misbehave.mute;
	if (set & 1u << CS_SCN_MB_HANDSHAKE_DELAY)
		m->handshake_delay_ms = ev->misbehave.handshake_delay_ms;
	return 0;
}

const char *
cs_scn_misbehave_text(const struct cs_scn_event *ev, char *buf, size_t len)
{
	const struct cs_wlc_misbehave *m;
	char w[40];
	size_t o = 0;

	if (buf == NULL || len == 0)
		return buf;
	buf[0] = '\0';
	if (ev == NULL || ev->action != CS_SCN_ACT_WLC_MISBEHAVE)
		return buf;
	m = &ev->misbehave;
	for (int k = 0; k < CS_SCN_MB__COUNT && o < len; k++) {
		int n = 0;

		if ((ev->misbehave_set & 1u << k) == 0)
			continue;
		switch ((enum cs_scn_mb)k) {
		case CS_SCN_MB_REJECT:
			n = snprintf(buf + o, len - o, "%sreject=%g%%",
			    o ? " " : "", m->reject_share * 100.0);
			break;
		case CS_SCN_MB_REJECT_CODE:
			n = snprintf(buf + o, len - o, "%sreject-code=%u",
			    o ? " " : "", m->reject_code);
			break;
		case CS_SCN_MB_DELAY:
			n = snprintf(buf + o, len - o, "%sdelay=%ums",
			    o ? " " : "", m->delay_ms);
			break;
		case CS_SCN_MB_DROP:
			if (m->drop_msg_type == 0 ||
			    !scn_msg_word(m->drop_msg_type, w, sizeof(w)))
				snprintf(w, sizeof(w), "none");
			n = snprintf(
			    buf + o, len - o, "%sdrop=%s", o ? " " : "", w);
			break;
		case CS_SCN_MB_MUTE:
			n = snprintf(buf + o, len - o, "%smute=%s",
			    o ? " " : "", m->mute ? "true" : "false");
			break;
		case CS_SCN_MB_HANDSHAKE_DELAY:
			n = snprintf(buf + o, len - o, "%shandshake-delay=%ums",
			    o ? " " : "", m->handshake_delay_ms);
			break;
		case CS_SCN_MB__COUNT:
			break;
		}
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o >= len)
		buf[len - 1] = '\0';
	return buf;
}

const char *
cs_scn_act_name(enum cs_scn_act a)
{
	static const char *const names[] = {
		[CS_SCN_ACT_ENABLE] = "enable",
		[CS_SCN_ACT_DISABLE] = "disable",
		[CS_SCN_ACT_WLC_RESTART] = "wlc-restart",
		[CS_SCN_ACT_AP_REBOOT] = "ap-reboot",
		[CS_SCN_ACT_LINK_DOWN] = "link-down",
		[CS_SCN_ACT_NAT_REBIND] = "nat-rebind",
		[CS_SCN_ACT_NAT_EXPIRE] = "nat-expire",
		[CS_SCN_ACT_WLC_MISBEHAVE] = "wlc-misbehave",
	};
	_Static_assert(CS_ARRAY_SIZE(names) == CS_SCN_ACT__COUNT,
	    "names[] out of sync with enum cs_scn_act");

	return (unsigned)a < CS_SCN_ACT__COUNT ? names[a] : NULL;
}

CS_API const char *
cs_scn_discovery_name(enum cs_scn_discovery d)
{
	return (unsigned)d < CS_SCN_DISC__COUNT ? disc_words[d] : NULL;
}
