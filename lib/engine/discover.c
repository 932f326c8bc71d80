/* SPDX-License-Identifier: MIT */
/*
 * Address and controller discovery for the AP population (capsim/
 * discover.h): one relay socket (relay_ip:67, RFC 1542 §4) shared by every
 * AP's DHCP client, replies demultiplexed by chaddr (then xid in the
 * client); DNS lookups of CISCO-CAPWAP-CONTROLLER.<domain> through
 * libevent's evdns (capwap-facts §4.3); static and broadcast targets.
 */
#include "capsim/discover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capsim/dhcp.h"
#include "capsim/dhcp_client.h"
#include "capsim/option43.h"
#include "capsim/roles.h"
#include "capsim/udp.h"

#define DISC_RECV_BATCH 32
#define DISC_PKT_MAX    1500

struct cs_discover;

struct disc_ap {
	struct cs_discover *d;
	unsigned idx;
	uint8_t mac[6];
	const char *vendor_class;
	struct cs_dhcpc *dc;
	struct event *timer;
	struct evdns_request *dns_req;
	uint64_t start_ms;
	uint64_t rng;
	bool running, has_result;
	struct cs_disc_result res;
};

struct cs_discover {
	struct cs_discover_cfg cfg;
	char *dns_domain;
	int fd;
	struct event *rx;
	struct evdns_base *dns;
	uint32_t dns_servers[8];
	size_t n_dns_servers;
	struct disc_ap *aps;
	/* open-addressing MAC -> AP index table */
	uint64_t *mac_keys;
	unsigned *mac_vals;
	size_t mac_cap;
	unsigned done;
	struct timespec t0;
	bool stopped;
};

static const char *const disc_mode_names[CS_DISC_MODE__COUNT] = {
	[CS_DISC_MODE_STATIC] = "static",
	[CS_DISC_MODE_DHCP] = "dhcp",
	[CS_DISC_MODE_DNS] = "dns",
	[CS_DISC_MODE_BROADCAST] = "broadcast",
};

static const char *const disc_src_names[CS_DISC_SRC__COUNT] = {
	[CS_DISC_SRC_NONE] = "none",
	[CS_DISC_SRC_STATIC] = "static",
	[CS_DISC_SRC_OPT43] = "dhcp-option-43",
	[CS_DISC_SRC_OPT138] = "dhcp-option-138",
	[CS_DISC_SRC_DNS] = "dns",
	[CS_DISC_SRC_BROADCAST] = "broadcast",
};

const char *
cs_disc_mode_name(enum cs_disc_mode m)
{
	return (unsigned)m < CS_DISC_MODE__COUNT ? disc_mode_names[m]
	                                         : "unknown";
}

int
cs_disc_mode_parse(const char *s, enum cs_disc_mode *m)
{
	if (s == NULL || m == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < CS_DISC_MODE__COUNT; i++)
		if (strcmp(s, disc_mode_names[i]) == 0) {
			*m = (enum cs_disc_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *
cs_disc_source_name(enum cs_disc_source s)
{
	return (unsigned)s < CS_DISC_SRC__COUNT ? disc_src_names[s] : "unknown";
}

/* Appends formatted text at *o (truncating at cap). */
static void disc_append(char *buf, size_t cap, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
disc_append(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, cap - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o = *o + (size_t)n < cap ? *o + (size_t)n : cap;
}

static void
disc_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && o + 4 < cap; i++)
		o += (size_t)snprintf(
		    out + o, cap - o, "%s%02x", i ? " " : "", p[i]);
}

int
cs_disc_from_options(const uint8_t *opt43, size_t opt43_len, bool has_opt43,
    const uint32_t *opt138, size_t n138, struct cs_disc_result *r)
{
	struct cs_opt43 o;
	struct cs_opt43_err oe = { 0 };
	int rc;

	if (r == NULL || (has_opt43 && opt43 == NULL && opt43_len > 0) ||
	    (opt138 == NULL && n138 > 0))
		return -EINVAL;
	r->has_opt43 = has_opt43;
	r->opt43_len = 0;
	r->opt43_error[0] = '\0';
	if (has_opt43) {
		if (opt43_len > sizeof(r->opt43))
			opt43_len = sizeof(r->opt43);
		memcpy(r->opt43, opt43, opt43_len);
		r->opt43_len = opt43_len;
		/* Cisco APs read option 43 as TLV 0xF1, or, for the
		 * 1000/1500 series, as a comma list (capwap-facts §4.3) */
		rc = cs_opt43_decode(opt43, opt43_len, &o, &oe);
		if (rc == 0 && o.n > 0) {
			r->n_targets = o.n < CS_DISC_MAX_TARGETS
			    ? o.n
			    : CS_DISC_MAX_TARGETS;
			memcpy(r->targets, o.ctrl,
			    r->n_targets * sizeof(r->targets[0]));
			r->source = CS_DISC_SRC_OPT43;
			return 0;
		}
		{
			size_t eo = 0;

			disc_append(r->opt43_error, sizeof(r->opt43_error), &eo,
			    "%s at byte %zu", oe.what[0] ? oe.what : "unusable",
			    oe.offset);
		}
	}
	if (n138 > 0) {
		r->n_targets =
		    n138 < CS_DISC_MAX_TARGETS ? n138 : CS_DISC_MAX_TARGETS;
		memcpy(
		    r->targets, opt138, r->n_targets * sizeof(r->targets[0]));
		r->source = CS_DISC_SRC_OPT138;
		return 0;
	}
	return -ENOENT;
}

static uint64_t
disc_now_ms(const struct cs_discover *d)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - d->t0.tv_sec) * 1000 +
	    (uint64_t)((t.tv_nsec - d->t0.tv_nsec) / 1000000);
}

static uint64_t
disc_mac_key(const uint8_t mac[6])
{
	uint64_t k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k + 1; /* 0 marks an empty slot */
}

static size_t
disc_mac_slot(const struct cs_discover *d, uint64_t k)
{
	size_t i =
	    (size_t)((k * 0x9e3779b97f4a7c15ull) >> 17) & (d->mac_cap - 1);

	while (d->mac_keys[i] != 0 && d->mac_keys[i] != k)
		i = (i + 1) & (d->mac_cap - 1);
	return i;
}

/* ---- results ---- */

static void
disc_ready(struct disc_ap *a)
{
	struct cs_discover *d = a->d;

	a->res.elapsed_ms = disc_now_ms(d) - a->start_ms;
	if (!a->has_result)
		d->done++;
	a->has_result = true;
	if (a->res.status < 0)
		cs_logf(d->cfg.log, CS_LOG_INFO, "AP %u: %s failed: %s",
		    a->idx + 1, cs_phase_name((enum cs_phase)a->res.phase),
		    a->res.reason);
	if (d->cfg.on_ready != NULL)
		d->cfg.on_ready(d->cfg.ctx, a->idx, &a->res);
}

static void
disc_fail(struct disc_ap *a, int status, enum cs_phase phase, const char *why)
{
	a->res.status = status;
	a->res.phase = (int)phase;
	snprintf(a->res.reason, sizeof(a->res.reason), "%s", why);
	disc_ready(a);
}

/* No controller from DHCP and none from DNS: name everything we saw. */
static void
disc_fail_no_controller(struct disc_ap *a)
{
	char hex[256 * 3], buf[sizeof(a->res.reason)];
	size_t o;

	o = 0;
	disc_append(buf, sizeof(buf), &o, "no controller address:");
	if (a->res.has_opt43) {
		disc_hex(a->res.opt43, a->res.opt43_len, hex, sizeof(hex));
		disc_append(buf, sizeof(buf), &o,
		    " DHCP option 43 unusable (%s), received [%s];",
		    a->res.opt43_error, hex);
	} else if (a->d->cfg.mode == CS_DISC_MODE_DHCP) {
		disc_append(buf, sizeof(buf), &o,
		    " no DHCP option 43 or 138 in the lease;");
	}
	if (a->res.dns_name[0] != '\0')
		disc_append(buf, sizeof(buf), &o, " DNS %s: %s",
		    a->res.dns_name, a->res.dns_error);
	else
		disc_append(buf, sizeof(buf), &o,
		    " no DNS lookup (no DNS server/domain in options 6/15)");
	disc_fail(a, -ENOENT, CS_PHASE_DISCOVERY, buf);
}

static void
disc_dns_cb(
    int result, char type, int count, int ttl, void *addresses, void *arg)
{
	struct disc_ap *a = arg;

	(void)ttl;
	a->dns_req = NULL;
	if (a->d->stopped || result == DNS_ERR_SHUTDOWN ||
	    result == DNS_ERR_CANCEL)
		return;
	if (result == DNS_ERR_NONE && type == DNS_IPv4_A && count > 0) {
		const uint32_t *ad = addresses;
		size_t n = (size_t)count < CS_DISC_MAX_TARGETS
		    ? (size_t)count
		    : CS_DISC_MAX_TARGETS;

		for (size_t i = 0; i < n; i++)
			a->res.targets[i] = ntohl(ad[i]);
		a->res.n_targets = n;
		a->res.source = CS_DISC_SRC_DNS;
		a->res.status = 0;
		disc_ready(a);
		return;
	}
	/* evdns says "unknown" for a reply it could not parse: say that */
	snprintf(a->res.dns_error, sizeof(a->res.dns_error), "%s",
	    result == DNS_ERR_NONE ? "no A record"
	        : result == DNS_ERR_UNKNOWN
	        ? "malformed reply (the resolver could not parse it)"
	        : evdns_err_to_string(result));
	disc_fail_no_controller(a);
}

static int
disc_dns_add_server(struct cs_discover *d, uint32_t ip)
{
	struct sockaddr_in sin = { 0 };

	for (size_t i = 0; i < d->n_dns_servers; i++)
		if (d->dns_servers[i] == ip)
			return 0;
	if (d->n_dns_servers == sizeof(d->dns_servers) / sizeof(ip))
		return 0; /* enough servers already */
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(ip);
	sin.sin_port = htons(d->cfg.dns_port ? d->cfg.dns_port : 53);
	if (evdns_base_nameserver_sockaddr_add(
	        d->dns, (struct sockaddr *)&sin, sizeof(sin), 0) != 0)
		return -EINVAL;
	d->dns_servers[d->n_dns_servers++] = ip;
	return 0;
}

/* Looks up CISCO-CAPWAP-CONTROLLER.<domain>; false when it cannot. */
static bool
disc_dns_start(struct disc_ap *a, uint32_t server, const char *domain)
{
	struct cs_discover *d = a->d;

	if (server == 0 || domain == NULL || domain[0] == '\0')
		return false;
	snprintf(a->res.dns_name, sizeof(a->res.dns_name),
	    "CISCO-CAPWAP-CONTROLLER.%s", domain);
	if (disc_dns_add_server(d, server) < 0) {
		snprintf(a->res.dns_error, sizeof(a->res.dns_error),
		    "cannot use DNS server");
		return false;
	}
	a->dns_req = evdns_base_resolve_ipv4(
	    d->dns, a->res.dns_name, DNS_QUERY_NO_SEARCH, disc_dns_cb, a);
	if (a->dns_req == NULL) {
		snprintf(a->res.dns_error, sizeof(a->res.dns_error),
		    "resolver refused the query");
		return false;
	}
	return true;
}

/* The AP has an address: find controllers in the order of the mode. */
static void
disc_have_address(struct disc_ap *a, const struct cs_dhcpc_lease *l)
{
	struct cs_discover *d = a->d;
	uint32_t server = d->cfg.dns_server;
	const char *domain = d->dns_domain;

	a->res.status = 0;
	a->res.reason[0] = '\0';
	a->res.n_targets = 0;
	a->res.source = CS_DISC_SRC_NONE;
	a->res.dns_name[0] = a->res.dns_error[0] = '\0';
	if (l != NULL) {
		a->res.ip = l->ip;
		a->res.mask = l->mask;
		a->res.server_id = l->server_id;
		a->res.lease_s = l->lease_s;
		if (server == 0 && l->n_dns > 0)
			server = l->dns[0];
		if (domain == NULL && l->domain[0] != '\0')
			domain = l->domain;
	}
	switch (d->cfg.mode) {
	case CS_DISC_MODE_STATIC:
		a->res.n_targets = d->cfg.n_static;
		memcpy(a->res.targets, d->cfg.static_targets,
		    d->cfg.n_static * sizeof(uint32_t));
		a->res.source = CS_DISC_SRC_STATIC;
		disc_ready(a);
		return;
	case CS_DISC_MODE_BROADCAST:
		a->res.n_targets = 1;
		a->res.targets[0] = 0xffffffffu;
		a->res.source = CS_DISC_SRC_BROADCAST;
		disc_ready(a);
		return;
	case CS_DISC_MODE_DHCP:
		if (l != NULL &&
		    cs_disc_from_options(l->opt43, l->opt43_len, l->has_opt43,
		        l->capwap_ac, l->n_capwap_ac, &a->res) == 0) {
			disc_ready(a);
			return;
		}
		if (l != NULL && a->res.has_opt43)
			cs_logf(d->cfg.log, CS_LOG_INFO,
			    "AP %u: option 43 unusable (%s), trying DNS",
			    a->idx + 1, a->res.opt43_error);
		break;
	default:
		break;
	}
	if (!disc_dns_start(a, server, domain))
		disc_fail_no_controller(a);
}

/* ---- DHCP client glue ---- */

static int
disc_dc_send(void *ctx, uint32_t dst_ip, uint16_t dst_port, const uint8_t *pkt,
    size_t len)
{
	struct disc_ap *a = ctx;
	int r = cs_udp_send(
	    a->d->fd, a->d->cfg.relay_ip, dst_ip, dst_port, pkt, len);

	return r < 0 ? r : 0;
}

static void
disc_dc_arm(void *ctx, uint64_t delay_ms)
{
	struct disc_ap *a = ctx;
	struct timeval tv = { (time_t)(delay_ms / 1000),
		(suseconds_t)(delay_ms % 1000) * 1000 };

	evtimer_add(a->timer, &tv);
}

static void
disc_dc_cancel(void *ctx)
{
	struct disc_ap *a = ctx;

	evtimer_del(a->timer);
}

static uint32_t
disc_rand(void *ctx, uint32_t bound)
{
	struct disc_ap *a = ctx;

	/* xorshift64* per AP, seeded from (seed, AP index) */
	a->rng ^= a->rng >> 12;
	a->rng ^= a->rng << 25;
	a->rng ^= a->rng >> 27;
	return (uint32_t)(((a->rng * 0x2545f4914f6cdd1dull) >> 32) % bound);
}

static void
disc_dc_event(void *ctx, const struct cs_dhcpc_event *ev)
{
	struct disc_ap *a = ctx;
	struct cs_discover *d = a->d;
	char ip[16];

	switch (ev->kind) {
	case CS_DHCPC_EV_BOUND:
		cs_logf(d->cfg.log, CS_LOG_INFO,
		    "AP %u: DHCP lease %s for %u s (option 43 %s)", a->idx + 1,
		    cs_ipv4_str(ev->lease->ip, ip), ev->lease->lease_s,
		    ev->lease->has_opt43 ? "present" : "absent");
		disc_have_address(a, ev->lease);
		break;
	case CS_DHCPC_EV_NAK:
	case CS_DHCPC_EV_EXPIRED:
		if (a->has_result && d->cfg.on_lease_lost != NULL)
			d->cfg.on_lease_lost(d->cfg.ctx, a->idx);
		break;
	case CS_DHCPC_EV_FAILED: {
		char why[200], srv[16], rel[16];

		snprintf(why, sizeof(why), "%s (server %s via relay %s)",
		    ev->reason, cs_ipv4_str(d->cfg.server_ip, srv),
		    cs_ipv4_str(d->cfg.relay_ip, rel));
		disc_fail(a, -ETIMEDOUT, CS_PHASE_DHCP, why);
		break;
	}
	case CS_DHCPC_EV_DROPPED:
		cs_logf(d->cfg.log, CS_LOG_DEBUG, "AP %u: DHCP %s ignored: %s",
		    a->idx + 1, cs_dhcp_type_name(ev->msg_type), ev->reason);
		break;
	default:
		break;
	}
}

static void
disc_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct disc_ap *a = arg;

	(void)fd;
	(void)what;
	if (a->dc != NULL)
		cs_dhcpc_timeout(a->dc, disc_now_ms(a->d));
	else if (a->running && !a->has_result)
		disc_have_address(a, NULL); /* deferred static start */
}

static void
disc_on_rx(evutil_socket_t fd, short what, void *arg)
{
	struct cs_discover *d = arg;
	static uint8_t bufs[DISC_RECV_BATCH][DISC_PKT_MAX];
	struct cs_udp_pkt pkts[DISC_RECV_BATCH];
	int n;

	(void)fd;
	(void)what;
	for (unsigned i = 0; i < DISC_RECV_BATCH; i++)
		pkts[i] = (struct cs_udp_pkt){ .buf = bufs[i],
			.cap = sizeof(bufs[i]) };
	if ((n = cs_udp_recv_batch(d->fd, pkts, DISC_RECV_BATCH)) <= 0)
		return;
	for (int i = 0; i < n && !d->stopped; i++) {
		struct cs_dhcp_msg m;
		struct cs_err err = { 0 };
		size_t s;
		unsigned idx;

		if (pkts[i].is_truncated ||
		    cs_dhcp_decode(&m, pkts[i].buf, pkts[i].len, &err) < 0 ||
		    m.op != CS_DHCP_BOOTREPLY || m.hlen != 6)
			continue;
		s = disc_mac_slot(d, disc_mac_key(m.chaddr));
		if (d->mac_keys[s] == 0)
			continue;
		idx = d->mac_vals[s];
		if (d->aps[idx].dc != NULL)
			(void)cs_dhcpc_input(d->aps[idx].dc, pkts[i].buf,
			    pkts[i].len, disc_now_ms(d), NULL);
	}
}

/* ---- object ---- */

int
cs_discover_new(struct cs_discover **ret, const struct cs_discover_cfg *cfg)
{
	struct cs_discover *d;
	bool use_dhcp;
	int r = -ENOMEM;

	if (ret == NULL || cfg == NULL || cfg->base == NULL ||
	    cfg->n_aps == 0 || cfg->ap_ident == NULL || cfg->on_ready == NULL ||
	    (unsigned)cfg->mode >= CS_DISC_MODE__COUNT ||
	    cfg->n_static > CS_DISC_MAX_TARGETS || cfg->time_factor < 0)
		return cs_log_err(cfg ? cfg->log : NULL, -EINVAL,
		    "discover: invalid configuration");
	use_dhcp = cfg->server_ip != 0 && cfg->mode != CS_DISC_MODE_STATIC;
	if (cfg->mode == CS_DISC_MODE_DHCP && cfg->server_ip == 0)
		return cs_log_err(cfg->log, -EINVAL,
		    "discover: mode dhcp needs a DHCP server address");
	if (use_dhcp && cfg->relay_ip == 0)
		return cs_log_err(cfg->log, -EINVAL,
		    "discover: DHCP needs a relay address (giaddr)");
	if (cfg->mode == CS_DISC_MODE_STATIC && cfg->n_static == 0)
		return cs_log_err(cfg->log, -EINVAL,
		    "discover: mode static needs controller addresses");
	if (cfg->mode == CS_DISC_MODE_DNS && !use_dhcp &&
	    (cfg->dns_server == 0 || cfg->dns_domain == NULL))
		return cs_log_err(cfg->log, -EINVAL,
		    "discover: mode dns without DHCP needs a DNS server and "
		    "domain");
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return -ENOMEM;
	d->cfg = *cfg;
	d->fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &d->t0);
	if (d->cfg.time_factor == 0)
		d->cfg.time_factor = 1.0;
	if (cfg->dns_domain != NULL &&
	    (d->dns_domain = strdup(cfg->dns_domain)) == NULL)
		goto fail;
	d->cfg.dns_domain = d->dns_domain;
	if ((d->aps = calloc(cfg->n_aps, sizeof(*d->aps))) == NULL)
		goto fail;
	d->mac_cap = 16;
	while (d->mac_cap < (size_t)cfg->n_aps * 2)
		d->mac_cap <<= 1;
	d->mac_keys = calloc(d->mac_cap, sizeof(*d->mac_keys));
	d->mac_vals = calloc(d->mac_cap, sizeof(*d->mac_vals));
	if (d->mac_keys == NULL || d->mac_vals == NULL)
		goto fail;
	for (unsigned i = 0; i < cfg->n_aps; i++) {
		struct disc_ap *a = &d->aps[i];
		size_t s;

		a->d = d;
		a->idx = i;
		a->rng = (cfg->seed ^ 0x64697363ull) * 0x9e3779b97f4a7c15ull +
		    (uint64_t)(cfg->index_base + i + 1) * 0xbf58476d1ce4e5b9ull;
		if (a->rng == 0)
			a->rng = 1;
		cfg->ap_ident(cfg->ctx, i, a->mac, &a->vendor_class);
		s = disc_mac_slot(d, disc_mac_key(a->mac));
		if (d->mac_keys[s] != 0) {
			r = cs_log_err(cfg->log, -EINVAL,
			    "discover: APs %u and %u have the same MAC",
			    d->mac_vals[s] + 1, i + 1);
			goto fail;
		}
		d->mac_keys[s] = disc_mac_key(a->mac);
		d->mac_vals[s] = i;
		if ((a->timer = evtimer_new(cfg->base, disc_on_timer, a)) ==
		    NULL)
			goto fail;
		if (use_dhcp) {
			struct cs_dhcpc_cfg cc = { 0 };
			struct cs_dhcpc_io io = {
				.send = disc_dc_send,
				.timer_arm = disc_dc_arm,
				.timer_cancel = disc_dc_cancel,
				.event = disc_dc_event,
				.rand = disc_rand,
				.ctx = a,
			};

			memcpy(cc.mac, a->mac, 6);
			cc.vendor_class = a->vendor_class;
			cc.giaddr = cfg->relay_ip;
			cc.server_ip = cfg->server_ip;
			cc.server_port = cfg->server_port;
			cc.xid = disc_rand(a, UINT32_MAX);
			cc.time_factor = d->cfg.time_factor;
			cc.max_tries = cfg->dhcp_max_tries;
			cc.log = cfg->log;
			if ((r = cs_dhcpc_new(&a->dc, &cc, &io)) < 0)
				goto fail;
			r = -ENOMEM;
		}
	}
	if (use_dhcp) {
		char ip[16];

		d->fd = cs_udp_open(cfg->relay_ip,
		    cfg->relay_port ? cfg->relay_port : CS_DHCP_SERVER_PORT,
		    true);
		if (d->fd < 0) {
			r = cs_log_err(cfg->log, d->fd,
			    "discover: cannot open the DHCP relay socket "
			    "%s:%u: %s",
			    cs_ipv4_str(cfg->relay_ip, ip),
			    cfg->relay_port ? cfg->relay_port : 67,
			    strerror(-d->fd));
			goto fail;
		}
		d->rx = event_new(
		    cfg->base, d->fd, EV_READ | EV_PERSIST, disc_on_rx, d);
		if (d->rx == NULL || event_add(d->rx, NULL) < 0)
			goto fail;
	}
	if (cfg->mode == CS_DISC_MODE_DNS || cfg->mode == CS_DISC_MODE_DHCP) {
		uint32_t tmo = cfg->dns_timeout_ms ? cfg->dns_timeout_ms : 5000;
		char v[32];

		if ((d->dns = evdns_base_new(cfg->base, 0)) == NULL)
			goto fail;
		tmo = (uint32_t)((double)tmo * d->cfg.time_factor);
		snprintf(v, sizeof(v), "%u.%03u", tmo / 1000, tmo % 1000);
		evdns_base_set_option(d->dns, "timeout:", v);
		evdns_base_set_option(d->dns, "attempts:", "3");
		evdns_base_set_option(d->dns, "randomize-case:", "0");
		if (cfg->dns_server != 0 &&
		    disc_dns_add_server(d, cfg->dns_server) < 0)
			goto fail;
	}
	*ret = d;
	return 0;
fail:
	cs_discover_free(d);
	return r;
}

int
cs_discover_start_ap(struct cs_discover *d, unsigned ap)
{
	struct disc_ap *a;

	if (d == NULL || ap >= d->cfg.n_aps || d->stopped)
		return -EINVAL;
	a = &d->aps[ap];
	if (a->running)
		return -EALREADY;
	a->running = true;
	a->start_ms = disc_now_ms(d);
	memset(&a->res, 0, sizeof(a->res));
	a->res.ip = d->cfg.base_ip + ap;
	if (a->dc != NULL)
		return cs_dhcpc_start(a->dc, a->start_ms);
	/* no DHCP: answer from the loop, never from inside this call */
	{
		struct timeval zero = { 0, 0 };

		evtimer_add(a->timer, &zero);
	}
	return 0;
}

int
cs_discover_decline(struct cs_discover *d, unsigned ap)
{
	if (d == NULL || ap >= d->cfg.n_aps || d->aps[ap].dc == NULL)
		return -EINVAL;
	return cs_dhcpc_decline(d->aps[ap].dc, disc_now_ms(d));
}

unsigned
cs_discover_done(const struct cs_discover *d)
{
	return d->done;
}

void
cs_discover_stop(struct cs_discover *d)
{
	if (d == NULL || d->stopped)
		return;
	d->stopped = true;
	for (unsigned i = 0; d->aps != NULL && i < d->cfg.n_aps; i++) {
		struct disc_ap *a = &d->aps[i];

		if (a->dc != NULL)
			cs_dhcpc_stop(a->dc);
		if (a->timer != NULL)
			evtimer_del(a->timer);
		if (a->dns_req != NULL) {
			evdns_cancel_request(d->dns, a->dns_req);
			a->dns_req = NULL;
		}
	}
	if (d->rx != NULL)
		event_del(d->rx);
}

void
cs_discover_free(struct cs_discover *d)
{
	if (d == NULL)
		return;
	cs_discover_stop(d);
	for (unsigned i = 0; d->aps != NULL && i < d->cfg.n_aps; i++) {
		cs_dhcpc_free(d->aps[i].dc);
		if (d->aps[i].timer != NULL)
			event_free(d->aps[i].timer);
	}
	if (d->dns != NULL)
		evdns_base_free(d->dns, 0);
	if (d->rx != NULL)
		event_free(d->rx);
	if (d->fd >= 0)
		close(d->fd);
	free(d->aps);
	free(d->mac_keys);
	free(d->mac_vals);
	free(d->dns_domain);
	free(d);
}
