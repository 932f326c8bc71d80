/* SPDX-License-Identifier: MIT */
/*
 * Scenario loader: the aps section (the AP population and its groups)
 * and the wlc section (the controller and its misbehaviour switches).
 */
#include "scn_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "scenario-internal.h"

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

int
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

/* aps.data-dtls, wlc.data-dtls: enum cs_data_dtls by its words, in
 * order (RFC 5415 §4.6.1 DTLS Policy) */
static int
scn_data_dtls(struct scn *p, const yaml_node_t *n, const char *key,
    enum cs_data_dtls *out)
{
	static const char *const words[] = { "off", "optional", "required",
		NULL };
	unsigned w;
	int r;

	if ((r = scn_word(p, n, key, words, &w)) < 0)
		return r;
	*out = (enum cs_data_dtls)w;
	return 0;
}

int
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
int
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
		if ((r = scn_word(p, v[GK_IMAGE], KP(GK_IMAGE),
		         cs_ap_image_policy_words, &w)) < 0)
			return r;
		g->image_policy = (enum cs_ap_image_policy)w;
	}
	if (v[GK_TIMERS] &&
	    (r = scn_timers(p, v[GK_TIMERS], KP(GK_TIMERS), &g->timers)) < 0)
		return r;
#undef KP
	return 0;
}

/* aps.groups: a list of groups whose counts split aps.count (or make it,
 * when aps.count is not given). */
int
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
	AK_PSK,
	AK_MTU,
	AK_CERT,
	AK_RATE,
	AK_INFLIGHT,
	AK_IMAGE,
	AK_DATA_DTLS,
	AK_TIMERS,
	AK_GROUPS,
	AK_PRIMED,
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
	[AK_PSK] = "dtls-psk",
	[AK_MTU] = "mtu",
	[AK_CERT] = "cert",
	[AK_RATE] = "rate",
	[AK_INFLIGHT] = "max-inflight",
	[AK_IMAGE] = "image-policy",
	[AK_DATA_DTLS] = "data-dtls",
	[AK_TIMERS] = "timers",
	[AK_GROUPS] = "groups",
	[AK_PRIMED] = "primed",
	[AK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(aps_keys) == AK__COUNT + 1,
    "aps_keys[] out of sync with its enum");

/* aps.primed: 1..3 controllers, primary first, each "NAME@ADDR", "NAME"
 * (an AC Name, RFC 5415 §4.6.4) or "ADDR" */
static int
scn_primed(struct scn *p, yaml_node_t *l, const char *kp, struct cs_scn_aps *a)
{
	size_t len;
	int r;

	if ((r = scn_list(p, l, kp, true)) < 0)
		return r;
	len = scn_list_len(l);
	if (len == 0 || len > 3)
		return scn_fail(p, l, kp,
		    "1 to 3 controllers (primary, secondary, tertiary), each "
		    "NAME@ADDR, NAME or ADDR");
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *n = scn_list_at(p, l, i);
		const char *v, *at, *why, *addr;
		size_t nl;

		if ((r = scn_scalar(p, n, kp, &v)) < 0)
			return r;
		at = strrchr(v, '@');
		addr = at != NULL ? at + 1 : v;
		nl = at != NULL ? (size_t)(at - v) : 0;
		if (at == NULL && scn_parse_ipv4(v, &a->primed_ip[i], &why) < 0)
			nl = strlen(v); /* a name alone */
		else if (at != NULL &&
		    scn_parse_ipv4(addr, &a->primed_ip[i], &why) < 0)
			return scn_fail(
			    p, n, kp, "%s after '@': %s", addr, why);
		if (at != NULL && nl == 0)
			return scn_fail(p, n, kp, "empty name before '@'");
		if (nl >= sizeof(a->primed_name[i]))
			return scn_fail(p, n, kp,
			    "AC Name longer than %zu bytes",
			    sizeof(a->primed_name[i]) - 1);
		memcpy(a->primed_name[i], v, nl);
		a->primed_name[i][nl] = '\0';
	}
	a->n_primed = len;
	return 0;
}

/* aps.discovery: a method word, or a mapping with the method and where
 * its services are (the command line's --discovery, --dhcp-server, ...) */
enum {
	DK_METHOD,
	DK_DHCP_SERVER,
	DK_DHCP_RELAY,
	DK_DNS_SERVER,
	DK_DNS_DOMAIN,
	DK_VENDOR_CLASS,
	DK_TIMEOUT,
	DK__COUNT
};
static const char *const disc_keys[] = {
	[DK_METHOD] = "method",
	[DK_DHCP_SERVER] = "dhcp-server",
	[DK_DHCP_RELAY] = "dhcp-relay",
	[DK_DNS_SERVER] = "dns-server",
	[DK_DNS_DOMAIN] = "dns-domain",
	[DK_VENDOR_CLASS] = "vendor-class",
	[DK_TIMEOUT] = "timeout",
	[DK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(disc_keys) == DK__COUNT + 1,
    "disc_keys[] out of sync with its enum");

static int
scn_discovery(struct scn *p, const yaml_node_t *n, struct cs_scn_aps *a)
{
	yaml_node_t *v[DK__COUNT + 1];
	char kp[SCN_PATH_LEN];
	unsigned w;
	int r;

#define KP(k) (scn_key(kp, sizeof(kp), "aps.discovery", (k)), kp)
	if (n->type != YAML_MAPPING_NODE) {
		if ((r = scn_word(p, n, "aps.discovery", disc_words, &w)) < 0)
			return r;
		a->discovery = (enum cs_scn_discovery)w;
		return 0;
	}
	if ((r = scn_map(p, n, "aps.discovery", disc_keys, v)) < 0)
		return r;
	if (v[DK_METHOD] == NULL)
		return scn_fail(p, n, "aps.discovery",
		    "a discovery mapping needs 'method' (static, dhcp, dns "
		    "or broadcast)");
	if ((r = scn_word(p, v[DK_METHOD], KP("method"), disc_words, &w)) < 0)
		return r;
	a->discovery = (enum cs_scn_discovery)w;
	/* what the method does not use is a mistake, not a no-op */
	for (int k = DK_DHCP_SERVER; k < DK__COUNT; k++) {
		bool dhcp_only = k == DK_DHCP_SERVER || k == DK_DHCP_RELAY ||
		    k == DK_VENDOR_CLASS;
		bool used = a->discovery == CS_SCN_DISC_DHCP ||
		    (!dhcp_only && a->discovery == CS_SCN_DISC_DNS);

		if (v[k] != NULL && !used)
			return scn_fail(p, v[k], KP(disc_keys[k]),
			    "not used by method %s (only by %s)",
			    disc_words[a->discovery],
			    dhcp_only ? "dhcp" : "dhcp and dns");
	}
	if ((v[DK_DHCP_SERVER] == NULL) != (v[DK_DHCP_RELAY] == NULL))
		return scn_fail(p, n, "aps.discovery",
		    "dhcp-server and dhcp-relay go together (capsim relays "
		    "to the server from the relay address, which must be "
		    "local)");
	if ((v[DK_DHCP_SERVER] &&
	        (r = scn_ip(p, v[DK_DHCP_SERVER], KP("dhcp-server"),
	             &a->dhcp_server)) < 0) ||
	    (v[DK_DHCP_RELAY] &&
	        (r = scn_ip(p, v[DK_DHCP_RELAY], KP("dhcp-relay"),
	             &a->dhcp_relay)) < 0) ||
	    (v[DK_DNS_SERVER] &&
	        (r = scn_ip(p, v[DK_DNS_SERVER], KP("dns-server"),
	             &a->dns_server)) < 0) ||
	    (v[DK_DNS_DOMAIN] &&
	        (r = scn_str(p, v[DK_DNS_DOMAIN], KP("dns-domain"),
	             &a->dns_domain)) < 0) ||
	    (v[DK_VENDOR_CLASS] &&
	        (r = scn_str(p, v[DK_VENDOR_CLASS], KP("vendor-class"),
	             &a->vendor_class)) < 0) ||
	    (v[DK_TIMEOUT] &&
	        (r = scn_dur32(p, v[DK_TIMEOUT], KP("timeout"), 1,
	             &a->discovery_timeout_ms)) < 0))
		return r;
	if (a->dns_domain != NULL && a->dns_domain[0] == '\0')
		return scn_fail(
		    p, v[DK_DNS_DOMAIN], KP("dns-domain"), "empty domain");
	if (a->vendor_class != NULL && strlen(a->vendor_class) > 255)
		return scn_fail(p, v[DK_VENDOR_CLASS], KP("vendor-class"),
		    "option 60 holds at most 255 bytes");
#undef KP
	return 0;
}

int
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
	if (v[AK_DISCOVERY] && (r = scn_discovery(p, v[AK_DISCOVERY], a)) < 0)
		return r;
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
	if (v[AK_PRIMED] &&
	    (r = scn_primed(p, v[AK_PRIMED], KP("primed"), a)) < 0)
		return r;
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
	if (v[AK_PSK] &&
	    (r = scn_psk(p, v[AK_PSK], KP("dtls-psk"), &a->psk)) < 0)
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
		if ((r = scn_word(p, v[AK_IMAGE], KP("image-policy"),
		         cs_ap_image_policy_words, &w)) < 0)
			return r;
		a->image_policy = (enum cs_ap_image_policy)w;
	}
	if (v[AK_DATA_DTLS] &&
	    (r = scn_data_dtls(
	         p, v[AK_DATA_DTLS], KP("data-dtls"), &a->data_dtls)) < 0)
		return r;
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
	WK_PSK,
	WK_CERT,
	WK_CISCO,
	WK_ECHO,
	WK_DISC,
	WK_WAIT_JOIN,
	WK_DATA_CHECK,
	WK_IMAGE,
	WK_IMAGE_MAX,
	WK_IMAGE_RATE,
	WK_MISBEHAVE,
	WK_MTU,
	WK_DATA_DTLS,
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
	[WK_PSK] = "dtls-psk",
	[WK_CERT] = "cert",
	[WK_CISCO] = "cisco",
	[WK_ECHO] = "echo-interval",
	[WK_DISC] = "discovery-interval",
	[WK_WAIT_JOIN] = "wait-join",
	[WK_DATA_CHECK] = "data-check",
	[WK_IMAGE] = "image-size",
	[WK_IMAGE_MAX] = "image-max-downloads",
	[WK_IMAGE_RATE] = "image-starts-per-min",
	[WK_MISBEHAVE] = "misbehave",
	[WK_MTU] = "mtu",
	[WK_DATA_DTLS] = "data-dtls",
	[WK__COUNT] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(wlc_keys) == WK__COUNT + 1,
    "wlc_keys[] out of sync with its enum");

/* "join-request" etc.: CAPWAP message type names (RFC 5415 §4.5) in the
 * lower-case, dashed form used throughout scenario files. */
bool
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

int
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
int
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

#define KP(k) (scn_key(kp, sizeof(kp), "wlc", (k)), kp)
/* wlc.image-max-downloads, wlc.image-starts-per-min: the mock's
 * download gate (RFC 5415 §9.1). */
static int
scn_wlc_image(struct scn *p, yaml_node_t *const *v, struct cs_scn_wlc *w)
{
	char kp[SCN_PATH_LEN];
	int r;

	if (v[WK_IMAGE] &&
	    (r = scn_bytes32(
	         p, v[WK_IMAGE], KP("image-size"), &w->image_size)) < 0)
		return r;
	if (v[WK_IMAGE_MAX]) {
		if ((r = scn_u32(p, v[WK_IMAGE_MAX], KP("image-max-downloads"),
		         0, 10000000, &w->image_max_downloads)) < 0)
			return r;
		w->has_image_max = true;
	}
	if (v[WK_IMAGE_RATE]) {
		if ((r = scn_u32(p, v[WK_IMAGE_RATE],
		         KP("image-starts-per-min"), 0, CS_WLC_IMAGE_RATE_MAX,
		         &w->image_starts_per_min)) < 0)
			return r;
		w->has_image_rate = true;
	}
	return 0;
}
#undef KP

int
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
			WK_DATA_CHECK, WK_IMAGE, WK_IMAGE_MAX, WK_IMAGE_RATE,
			WK_MISBEHAVE, WK_MTU };

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
	w->has_listen = v[WK_LISTEN] != NULL;
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
	if (v[WK_PSK] &&
	    (r = scn_psk(p, v[WK_PSK], KP("dtls-psk"), &w->psk)) < 0)
		return r;
	if (v[WK_CERT] &&
	    (r = scn_cert(p, v[WK_CERT], KP("cert"), &w->cert)) < 0)
		return r;
	if (v[WK_CISCO] &&
	    (r = scn_bool(p, v[WK_CISCO], KP("cisco"), &w->cisco)) < 0)
		return r;
	if (v[WK_DATA_DTLS] &&
	    (r = scn_data_dtls(
	         p, v[WK_DATA_DTLS], KP("data-dtls"), &w->data_dtls)) < 0)
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
	if ((r = scn_wlc_image(p, v, w)) < 0)
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

CS_API const char *
cs_scn_discovery_name(enum cs_scn_discovery d)
{
	return (unsigned)d < CS_SCN_DISC__COUNT ? disc_words[d] : NULL;
}
