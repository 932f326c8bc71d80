/* SPDX-License-Identifier: MIT */
/*
 * Relay-agent DHCPv4 client for one virtual AP (RFC 2131 §3.1, §4.1,
 * §4.4; RFC 1542 §4).  Sans-I/O: see capsim/dhcp_client.h.  Every state
 * change goes through dc_set_state(), which logs "old -> new (why)".
 */
#include "capsim/dhcp_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/dhcp.h"
#include "capsim/values.h"

#define DC_OPT_T1          58 /* RFC 2132 §9.11 */
#define DC_OPT_T2          59 /* RFC 2132 §9.12 */
#define DC_MAX_TRIES       5
#define DC_DECLINE_WAIT_MS 10000 /* RFC 2131 §3.1 step 5 */
#define DC_RENEW_MIN_MS    60000 /* RFC 2131 §4.4.5 */
#define DC_BUF             576   /* RFC 2131 §2: clients accept 576 */

struct cs_dhcpc {
	struct cs_dhcpc_cfg cfg;
	struct cs_dhcpc_io io;
	char *vendor_class;
	uint8_t client_id[7];
	enum cs_dhcpc_state state;
	uint32_t xid;
	unsigned tries;      /* transmissions of the current message */
	uint64_t started_ms; /* acquisition start (secs field) */
	uint32_t offered_ip; /* from the OFFER being requested */
	uint32_t offer_server;
	bool has_lease;
	struct cs_dhcpc_lease lease;
	enum {
		DC_T_NONE,
		DC_T_RETX,
		DC_T_T1,
		DC_T_T2,
		DC_T_EXPIRE,
		DC_T_RESTART
	} timer;
};

static const char *const dc_state_names[CS_DHCPC__COUNT] = {
	[CS_DHCPC_INIT] = "Init",
	[CS_DHCPC_SELECTING] = "Selecting",
	[CS_DHCPC_REQUESTING] = "Requesting",
	[CS_DHCPC_BOUND] = "Bound",
	[CS_DHCPC_RENEWING] = "Renewing",
	[CS_DHCPC_REBINDING] = "Rebinding",
	[CS_DHCPC_FAILED] = "Failed",
	[CS_DHCPC_STOPPED] = "Stopped",
};

const char *
cs_dhcpc_state_name(enum cs_dhcpc_state s)
{
	return (unsigned)s < CS_DHCPC__COUNT ? dc_state_names[s] : "unknown";
}

uint64_t
cs_dhcpc_backoff_ms(unsigned attempt)
{
	unsigned sh = attempt == 0 ? 0 : attempt - 1;

	if (sh > 4)
		sh = 4;
	return (uint64_t)4000 << sh;
}

static uint64_t
dc_scale(const struct cs_dhcpc *c, uint64_t ms)
{
	double v = (double)ms * c->cfg.time_factor;

	return v < 1.0 ? 1 : (uint64_t)v;
}

static void
dc_emit(struct cs_dhcpc *c, enum cs_dhcpc_ev_kind kind, int msg_type,
    uint32_t value, const char *reason, uint64_t now_ms)
{
	struct cs_dhcpc_event ev = {
		.kind = kind,
		.from = c->state,
		.to = c->state,
		.msg_type = msg_type,
		.value = value,
		.lease = c->has_lease ? &c->lease : NULL,
		.reason = reason,
		.t_ms = now_ms,
	};

	if (c->io.event != NULL)
		c->io.event(c->io.ctx, &ev);
}

static void
dc_set_state(struct cs_dhcpc *c, enum cs_dhcpc_state to, const char *why,
    uint64_t now_ms)
{
	struct cs_dhcpc_event ev = {
		.kind = CS_DHCPC_EV_STATE,
		.from = c->state,
		.to = to,
		.reason = why,
		.t_ms = now_ms,
	};
	char mac[18];

	if (c->state == to)
		return;
	cs_val_mac_str(c->cfg.mac, mac);
	cs_logf(c->cfg.log, CS_LOG_DEBUG, "dhcp %s: %s -> %s (%s)", mac,
	    cs_dhcpc_state_name(c->state), cs_dhcpc_state_name(to), why);
	c->state = to;
	if (c->io.event != NULL)
		c->io.event(c->io.ctx, &ev);
}

static void
dc_arm(struct cs_dhcpc *c, int which, uint64_t delay_ms)
{
	c->timer = which;
	c->io.timer_arm(c->io.ctx, delay_ms);
}

static void
dc_cancel(struct cs_dhcpc *c)
{
	c->timer = DC_T_NONE;
	c->io.timer_cancel(c->io.ctx);
}

/* RFC 2131 §4.1: backoff randomized by a uniform number in [-1, +1] s. */
static uint64_t
dc_retx_delay(struct cs_dhcpc *c)
{
	uint64_t base = cs_dhcpc_backoff_ms(c->tries);
	uint32_t j = c->io.rand != NULL ? c->io.rand(c->io.ctx, 2001) : 1000;

	return dc_scale(c, base + j - 1000);
}

static int
dc_send(struct cs_dhcpc *c, enum cs_dhcp_type type, uint64_t now_ms)
{
	static const uint8_t prl[] = { CS_DHCP_OPT_SUBNET_MASK,
		CS_DHCP_OPT_ROUTERS, CS_DHCP_OPT_DNS, CS_DHCP_OPT_DOMAIN,
		CS_DHCP_OPT_VENDOR, CS_DHCP_OPT_CAPWAP_AC };
	struct cs_dhcp_client_params p = { 0 };
	struct cs_dhcp_msg m;
	uint8_t buf[DC_BUF];
	struct cs_wr wr;
	uint64_t secs = (now_ms - c->started_ms) / 1000;
	int r;

	p.type = type;
	p.xid = c->xid;
	p.mac = c->cfg.mac;
	p.secs = (uint16_t)(secs > 0xffff ? 0xffff : secs);
	p.hops = 1; /* RFC 1542 §4.1.1: the relay increments hops */
	p.giaddr = c->cfg.giaddr;
	p.vendor_class = c->vendor_class;
	p.client_id = c->client_id;
	p.client_id_len = sizeof(c->client_id);
	if (type != CS_DHCP_DECLINE) {
		p.prl = prl;
		p.prl_len = sizeof(prl);
	}
	switch (type) {
	case CS_DHCP_REQUEST:
		if (c->state == CS_DHCPC_REQUESTING) {
			/* §4.3.2 SELECTING: 50 + 54, ciaddr 0 */
			p.requested_ip = c->offered_ip;
			p.server_id = c->offer_server;
		} else {
			/* RENEWING / REBINDING: ciaddr, no 50/54 */
			p.ciaddr = c->lease.ip;
		}
		break;
	case CS_DHCP_DECLINE:
		/* §4.4.1 table 5: 50 and 54 MUST, ciaddr 0 */
		p.requested_ip = c->lease.ip;
		p.server_id = c->lease.server_id;
		p.vendor_class = NULL;
		break;
	default:
		break;
	}
	if ((r = cs_dhcp_build_client(&m, &p)) < 0)
		return r;
	cs_wr_init(&wr, buf, sizeof(buf));
	if ((r = cs_dhcp_encode(&m, &wr)) < 0)
		return r;
	c->tries++;
	dc_emit(c, CS_DHCPC_EV_SENT, type, c->tries, NULL, now_ms);
	return c->io.send(c->io.ctx, c->cfg.server_ip,
	    c->cfg.server_port ? c->cfg.server_port : CS_DHCP_SERVER_PORT, buf,
	    wr.len);
}

static void
dc_begin(struct cs_dhcpc *c, uint64_t now_ms)
{
	c->xid++;
	c->tries = 0;
	c->started_ms = now_ms;
	c->has_lease = false;
	dc_set_state(c, CS_DHCPC_SELECTING, "send DHCPDISCOVER", now_ms);
	dc_send(c, CS_DHCP_DISCOVER, now_ms);
	dc_arm(c, DC_T_RETX, dc_retx_delay(c));
}

int
cs_dhcpc_new(struct cs_dhcpc **ret, const struct cs_dhcpc_cfg *cfg,
    const struct cs_dhcpc_io *io)
{
	struct cs_dhcpc *c;

	if (ret == NULL || cfg == NULL || io == NULL || cfg->giaddr == 0 ||
	    cfg->server_ip == 0 || io->send == NULL || io->timer_arm == NULL ||
	    io->timer_cancel == NULL || cfg->time_factor < 0)
		return -EINVAL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->cfg = *cfg;
	c->io = *io;
	if (c->cfg.time_factor == 0)
		c->cfg.time_factor = 1.0;
	if (c->cfg.max_tries == 0)
		c->cfg.max_tries = DC_MAX_TRIES;
	if (cfg->vendor_class != NULL &&
	    (c->vendor_class = strdup(cfg->vendor_class)) == NULL) {
		free(c);
		return -ENOMEM;
	}
	c->cfg.vendor_class = c->vendor_class;
	/* RFC 2132 §9.14: type 1 (Ethernet) + hardware address */
	c->client_id[0] = 1;
	memcpy(c->client_id + 1, cfg->mac, 6);
	c->xid = cfg->xid - 1; /* dc_begin() increments */
	c->state = CS_DHCPC_INIT;
	*ret = c;
	return 0;
}

void
cs_dhcpc_free(struct cs_dhcpc *c)
{
	if (c == NULL)
		return;
	free(c->vendor_class);
	free(c);
}

int
cs_dhcpc_start(struct cs_dhcpc *c, uint64_t now_ms)
{
	if (c == NULL)
		return -EINVAL;
	if (c->state != CS_DHCPC_INIT && c->state != CS_DHCPC_FAILED &&
	    c->state != CS_DHCPC_STOPPED)
		return -EALREADY;
	dc_begin(c, now_ms);
	return 0;
}

void
cs_dhcpc_stop(struct cs_dhcpc *c)
{
	if (c == NULL)
		return;
	dc_cancel(c);
	c->has_lease = false;
	dc_set_state(c, CS_DHCPC_STOPPED, "stopped", 0);
}

enum cs_dhcpc_state
cs_dhcpc_state(const struct cs_dhcpc *c)
{
	return c->state;
}

const struct cs_dhcpc_lease *
cs_dhcpc_lease(const struct cs_dhcpc *c)
{
	return c != NULL && c->has_lease ? &c->lease : NULL;
}

uint32_t
cs_dhcpc_xid(const struct cs_dhcpc *c)
{
	return c->xid;
}

const uint8_t *
cs_dhcpc_mac(const struct cs_dhcpc *c)
{
	return c->cfg.mac;
}

/* Reads the lease parameters of an ACK into *l (RFC 2132). */
static int
dc_read_lease(
    const struct cs_dhcp_msg *m, struct cs_dhcpc_lease *l, const char **why)
{
	uint8_t b[4];
	size_t n;
	int r;

	memset(l, 0, sizeof(*l));
	l->ip = m->yiaddr;
	if (cs_dhcp_get_ipv4(m, CS_DHCP_OPT_SERVER_ID, &l->server_id) < 0) {
		*why = "no valid server identifier (option 54)";
		return -EPROTO;
	}
	if ((r = cs_dhcp_get_lease(m, &l->lease_s)) < 0) {
		*why = "no valid lease time (option 51)";
		return -EPROTO;
	}
	(void)cs_dhcp_get_ipv4(m, CS_DHCP_OPT_SUBNET_MASK, &l->mask);
	if (cs_dhcp_opt_get(m, DC_OPT_T1, b, sizeof(b), &n) == 0 && n == 4)
		l->t1_s = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
	else
		l->t1_s = l->lease_s / 2;
	if (cs_dhcp_opt_get(m, DC_OPT_T2, b, sizeof(b), &n) == 0 && n == 4)
		l->t2_s = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		    (uint32_t)b[2] << 8 | b[3];
	else
		l->t2_s = (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	if (l->t2_s > l->lease_s)
		l->t2_s = l->lease_s;
	if (l->t1_s > l->t2_s)
		l->t1_s = l->t2_s;
	(void)cs_dhcp_get_ipv4_list(m, CS_DHCP_OPT_ROUTERS, l->routers,
	    CS_DHCPC_MAX_ADDRS, &l->n_routers);
	(void)cs_dhcp_get_ipv4_list(
	    m, CS_DHCP_OPT_DNS, l->dns, CS_DHCPC_MAX_ADDRS, &l->n_dns);
	(void)cs_dhcp_get_ipv4_list(m, CS_DHCP_OPT_CAPWAP_AC, l->capwap_ac,
	    CS_DHCPC_MAX_ADDRS, &l->n_capwap_ac);
	if (cs_dhcp_get_string(
	        m, CS_DHCP_OPT_DOMAIN, l->domain, sizeof(l->domain)) < 0)
		l->domain[0] = '\0';
	if (cs_dhcp_opt_get(m, CS_DHCP_OPT_VENDOR, l->opt43, sizeof(l->opt43),
	        &l->opt43_len) == 0)
		l->has_opt43 = true;
	return 0;
}

/* Arms the next lease timer (T1, T2 or expiry) from `now`. */
static void
dc_arm_lease(struct cs_dhcpc *c, uint64_t now_ms)
{
	uint64_t at, el = now_ms - c->lease.acquired_ms;

	if (c->lease.lease_s == 0xffffffffu) {
		dc_cancel(c);
		return;
	}
	switch (c->state) {
	case CS_DHCPC_BOUND:
		at = dc_scale(c, (uint64_t)c->lease.t1_s * 1000);
		c->timer = DC_T_T1;
		break;
	case CS_DHCPC_RENEWING:
		at = dc_scale(c, (uint64_t)c->lease.t2_s * 1000);
		c->timer = DC_T_T2;
		break;
	default:
		at = dc_scale(c, (uint64_t)c->lease.lease_s * 1000);
		c->timer = DC_T_EXPIRE;
		break;
	}
	c->io.timer_arm(c->io.ctx, at > el ? at - el : 0);
}

/* RENEWING/REBINDING retransmission: half the time left until T2 (or
 * expiry), at least 60 s (RFC 2131 §4.4.5), never past that deadline. */
static void
dc_arm_renew_retx(struct cs_dhcpc *c, uint64_t now_ms)
{
	uint64_t deadline = c->lease.acquired_ms +
	    dc_scale(c,
	        (uint64_t)(c->state == CS_DHCPC_RENEWING ? c->lease.t2_s
	                                                 : c->lease.lease_s) *
	            1000);
	uint64_t left = deadline > now_ms ? deadline - now_ms : 0;
	uint64_t d = left / 2, min = dc_scale(c, DC_RENEW_MIN_MS);

	if (d < min)
		d = min;
	if (d >= left) {
		dc_arm_lease(c, now_ms); /* next phase at the deadline */
		return;
	}
	dc_arm(c, DC_T_RETX, d);
}

void
cs_dhcpc_timeout(struct cs_dhcpc *c, uint64_t now_ms)
{
	int which = c->timer;

	c->timer = DC_T_NONE;
	switch (which) {
	case DC_T_RESTART:
		dc_begin(c, now_ms);
		return;
	case DC_T_T1:
		c->tries = 0;
		c->xid++; /* a new transaction (RFC 2131 §4.4.5) */
		dc_set_state(c, CS_DHCPC_RENEWING, "T1 expired", now_ms);
		dc_send(c, CS_DHCP_REQUEST, now_ms);
		dc_arm_renew_retx(c, now_ms);
		return;
	case DC_T_T2:
		c->tries = 0;
		c->xid++;
		dc_set_state(c, CS_DHCPC_REBINDING, "T2 expired", now_ms);
		dc_send(c, CS_DHCP_REQUEST, now_ms);
		dc_arm_renew_retx(c, now_ms);
		return;
	case DC_T_EXPIRE:
		c->has_lease = false;
		dc_emit(c, CS_DHCPC_EV_EXPIRED, 0, 0, "lease expired", now_ms);
		dc_set_state(c, CS_DHCPC_INIT, "lease expired", now_ms);
		dc_begin(c, now_ms);
		return;
	case DC_T_RETX:
		break;
	default:
		return;
	}
	switch (c->state) {
	case CS_DHCPC_SELECTING:
	case CS_DHCPC_REQUESTING:
		if (c->tries >= c->cfg.max_tries) {
			const char *why = c->state == CS_DHCPC_SELECTING
			    ? "no DHCPOFFER after all DHCPDISCOVER "
			      "retransmissions"
			    : "no DHCPACK after all DHCPREQUEST "
			      "retransmissions";

			if (c->state == CS_DHCPC_REQUESTING) {
				/* §4.4.1: revert to INIT, try again */
				dc_set_state(c, CS_DHCPC_INIT, why, now_ms);
				dc_begin(c, now_ms);
				return;
			}
			dc_set_state(c, CS_DHCPC_FAILED, why, now_ms);
			dc_emit(
			    c, CS_DHCPC_EV_FAILED, 0, c->tries, why, now_ms);
			return;
		}
		dc_send(c,
		    c->state == CS_DHCPC_SELECTING ? CS_DHCP_DISCOVER
		                                   : CS_DHCP_REQUEST,
		    now_ms);
		dc_arm(c, DC_T_RETX, dc_retx_delay(c));
		return;
	case CS_DHCPC_RENEWING:
	case CS_DHCPC_REBINDING:
		dc_send(c, CS_DHCP_REQUEST, now_ms);
		dc_arm_renew_retx(c, now_ms);
		return;
	default:
		return;
	}
}

static int
dc_drop(struct cs_dhcpc *c, int type, const char *why, uint64_t now_ms)
{
	dc_emit(c, CS_DHCPC_EV_DROPPED, type, 0, why, now_ms);
	return -EPROTO;
}

int
cs_dhcpc_input(struct cs_dhcpc *c, const uint8_t *pkt, size_t len,
    uint64_t now_ms, struct cs_err *err)
{
	struct cs_dhcp_msg m;
	enum cs_dhcp_type type;
	struct cs_dhcpc_lease l;
	const char *why = NULL;
	uint32_t sid;
	int r;

	if (c == NULL || pkt == NULL)
		return -EINVAL;
	if ((r = cs_dhcp_decode(&m, pkt, len, err)) < 0)
		return r;
	if (m.op != CS_DHCP_BOOTREPLY || m.xid != c->xid || m.hlen != 6 ||
	    memcmp(m.chaddr, c->cfg.mac, 6) != 0)
		return -ENOENT;
	if (cs_dhcp_get_type(&m, &type) < 0)
		return dc_drop(
		    c, 0, "no valid message type (option 53)", now_ms);
	switch (type) {
	case CS_DHCP_OFFER:
		if (c->state != CS_DHCPC_SELECTING)
			return dc_drop(
			    c, type, "DHCPOFFER not expected now", now_ms);
		if (m.yiaddr == 0 || m.yiaddr == 0xffffffffu)
			return dc_drop(
			    c, type, "DHCPOFFER without yiaddr", now_ms);
		if (cs_dhcp_get_ipv4(&m, CS_DHCP_OPT_SERVER_ID, &sid) < 0)
			return dc_drop(c, type,
			    "DHCPOFFER without server identifier", now_ms);
		c->offered_ip = m.yiaddr;
		c->offer_server = sid;
		c->tries = 0;
		dc_set_state(c, CS_DHCPC_REQUESTING, "DHCPOFFER", now_ms);
		dc_send(c, CS_DHCP_REQUEST, now_ms);
		dc_arm(c, DC_T_RETX, dc_retx_delay(c));
		return 0;
	case CS_DHCP_ACK:
		if (c->state != CS_DHCPC_REQUESTING &&
		    c->state != CS_DHCPC_RENEWING &&
		    c->state != CS_DHCPC_REBINDING)
			return dc_drop(
			    c, type, "DHCPACK not expected now", now_ms);
		if ((r = dc_read_lease(&m, &l, &why)) < 0)
			return dc_drop(c, type, why, now_ms);
		if (c->state == CS_DHCPC_REQUESTING) {
			if (m.yiaddr != c->offered_ip)
				return dc_drop(c, type,
				    "DHCPACK for another address than "
				    "requested",
				    now_ms);
		} else if (m.yiaddr != c->lease.ip) {
			return dc_drop(c, type,
			    "DHCPACK changes the address on renewal", now_ms);
		}
		l.acquired_ms = now_ms;
		{
			bool first = c->state == CS_DHCPC_REQUESTING;

			c->lease = l;
			c->has_lease = true;
			dc_set_state(c, CS_DHCPC_BOUND, "DHCPACK", now_ms);
			dc_emit(c,
			    first ? CS_DHCPC_EV_BOUND : CS_DHCPC_EV_RENEWED, 0,
			    0, NULL, now_ms);
		}
		if (c->state == CS_DHCPC_BOUND) /* not declined in event */
			dc_arm_lease(c, now_ms);
		return 0;
	case CS_DHCP_NAK:
		if (c->state != CS_DHCPC_REQUESTING &&
		    c->state != CS_DHCPC_RENEWING &&
		    c->state != CS_DHCPC_REBINDING)
			return dc_drop(
			    c, type, "DHCPNAK not expected now", now_ms);
		c->has_lease = false;
		dc_emit(c, CS_DHCPC_EV_NAK, type, 0, "DHCPNAK", now_ms);
		dc_set_state(c, CS_DHCPC_INIT, "DHCPNAK", now_ms);
		dc_begin(c, now_ms); /* §3.1 step 4 / §4.4.1: restart */
		return 0;
	default:
		return dc_drop(c, type, "not a server message", now_ms);
	}
}

int
cs_dhcpc_decline(struct cs_dhcpc *c, uint64_t now_ms)
{
	if (c == NULL)
		return -EINVAL;
	if (c->state != CS_DHCPC_BOUND || !c->has_lease)
		return -EPROTO;
	c->tries = 0;
	dc_send(c, CS_DHCP_DECLINE, now_ms);
	c->has_lease = false;
	dc_set_state(c, CS_DHCPC_INIT, "address in use: DHCPDECLINE", now_ms);
	dc_arm(c, DC_T_RESTART, dc_scale(c, DC_DECLINE_WAIT_MS));
	return 0;
}
