/* SPDX-License-Identifier: MIT */
/*
 * The wireless clients' phases in a capture (capsim/analyze_clients.h),
 * read with the impairment classifier's view of client traffic
 * (cs_impair_classify: 802.11 subtype, EAPOL-Key message, DHCP type,
 * ARP, ICMP echo, and the client's MAC).
 */
#include "capsim/analyze_clients.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/ieee80211.h"
#include "capsim/impair.h"

struct cs_an_clients {
	struct cs_an_client *v;
	size_t n, cap;
	uint64_t protected_dgrams;
};

int
cs_an_clients_new(struct cs_an_clients **ret)
{
	if (ret == NULL)
		return -EINVAL;
	if ((*ret = calloc(1, sizeof(**ret))) == NULL)
		return -ENOMEM;
	return 0;
}

void
cs_an_clients_free(struct cs_an_clients *c)
{
	if (c == NULL)
		return;
	free(c->v);
	free(c);
}

static struct cs_an_client *
anc_find(struct cs_an_clients *c, const uint8_t mac[6], size_t ap)
{
	struct cs_an_client *cl;

	for (size_t i = 0; i < c->n; i++)
		if (memcmp(c->v[i].mac, mac, 6) == 0)
			return &c->v[i];
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cs_an_client *v = realloc(c->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	cl = &c->v[c->n++];
	memset(cl, 0, sizeof(*cl));
	memcpy(cl->mac, mac, 6);
	cl->ap = ap;
	return cl;
}

/* The status of a (Re)Association Response (IEEE 802.11-2016 §9.3.3.7). */
static uint16_t
anc_assoc_status(const uint8_t *pkt, size_t len)
{
	struct cs_dot11_frame f;
	const uint8_t *fr;
	size_t fl;
	uint8_t rid;

	if (cs_dot11_capwap_unwrap(pkt, len, &rid, &fr, &fl, NULL) < 0 ||
	    cs_dot11_decode(&f, fr, fl, NULL) < 0)
		return 0;
	return f.status;
}

int
cs_an_clients_feed(struct cs_an_clients *c, size_t ap, enum cs_dir dir,
    enum cs_chan ch, uint64_t t_us, const uint8_t *pkt, size_t len)
{
	struct cs_pkt_meta m = {
		.dir = dir, .chan = ch, .pkt = pkt, .len = len
	};
	struct cs_pkt_class k;
	struct cs_an_client *cl;
	uint32_t b;

	if (c == NULL || (pkt == NULL && len > 0))
		return -EINVAL;
	if (ch != CS_CHAN_DATA || cs_impair_classify(&m, &k) < 0)
		return 0;
	if (k.is_dtls) {
		c->protected_dgrams++;
		return 0;
	}
	if (!k.has_client)
		return 0;
	if ((cl = anc_find(c, k.client_mac, ap)) == NULL)
		return -ENOMEM;
	b = k.cl_kinds;
	if ((b & CS_CK_BIT(CS_CK_AUTH)) && dir == CS_DIR_UP && cl->t_auth == 0)
		cl->t_auth = t_us;
	if ((b &
	        (CS_CK_BIT(CS_CK_ASSOC_RESP) |
	            CS_CK_BIT(CS_CK_REASSOC_RESP))) &&
	    cl->t_assoc == 0) {
		uint16_t st = anc_assoc_status(pkt, len);

		if (st == 0)
			cl->t_assoc = t_us;
		else
			cl->assoc_status = st;
	}
	if (b & CS_CK_BIT(CS_CK_EAPOL))
		cl->has_eapol = true;
	if ((b & CS_CK_BIT(CS_CK_EAPOL_M4)) && cl->t_l2 == 0)
		cl->t_l2 = t_us;
	if ((b & CS_CK_BIT(CS_CK_DHCP_ACK)) && cl->t_dhcp == 0)
		cl->t_dhcp = t_us;
	/* the station pings the gateway once ARP answered */
	if ((b & CS_CK_BIT(CS_CK_ICMP_ECHO_REQ)) && dir == CS_DIR_UP &&
	    cl->t_dhcp != 0 && cl->t_arp == 0)
		cl->t_arp = t_us;
	if ((b & CS_CK_BIT(CS_CK_ICMP_ECHO_REPLY)) && dir == CS_DIR_DOWN &&
	    cl->t_arp != 0 && cl->t_ready == 0)
		cl->t_ready = t_us;
	return 0;
}

size_t
cs_an_clients_count(const struct cs_an_clients *c)
{
	return c != NULL ? c->n : 0;
}

const struct cs_an_client *
cs_an_clients_get(const struct cs_an_clients *c, size_t i)
{
	return c != NULL && i < c->n ? &c->v[i] : NULL;
}

uint64_t
cs_an_clients_protected(const struct cs_an_clients *c)
{
	return c != NULL ? c->protected_dgrams : 0;
}

const char *
cs_an_client_failed_in(const struct cs_an_client *cl)
{
	if (cl->t_auth == 0)
		return "auth";
	if (cl->t_assoc == 0)
		return "assoc";
	if (cl->has_eapol && cl->t_l2 == 0)
		return "l2auth";
	if (cl->t_dhcp == 0)
		return "dhcp";
	if (cl->t_arp == 0)
		return "arp";
	if (cl->t_ready == 0)
		return "ping";
	return NULL;
}
