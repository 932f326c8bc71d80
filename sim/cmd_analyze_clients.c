/* SPDX-License-Identifier: MIT */
/*
 * `capsim analyze`: the wireless clients' phases per client MAC from the
 * capture's CAPWAP data channel (capsim/analyze_clients.h), as text and
 * in the JSON report: how many reached each phase, latencies, and the
 * phase each client stopped in.
 */
#include "cmd_analyze_clients.h"

#include <string.h>

#include "capsim/analyze_peer.h"

enum {
	ANC_ASSOC,
	ANC_L2,
	ANC_DHCP,
	ANC_ARP,
	ANC_TOTAL,
	ANC__COUNT
};
static const char *const anc_names[ANC__COUNT] = { "assoc", "l2auth", "dhcp",
	"arp", "total" };

int
an_cl_dgram(void *ctx, size_t ap, enum cs_dir dir, enum cs_chan ch,
    uint32_t wlc_ip, uint64_t t_us, const uint8_t *payload, size_t len)
{
	struct an_cl_ctx *x = ctx;
	int r;

	if (x->hlog != NULL &&
	    (r = cs_peer_log_dgram(
	         x->hlog, ap, dir, ch, wlc_ip, t_us, payload, len)) < 0)
		return r;
	return cs_an_clients_feed(x->cl, ap, dir, ch, t_us, payload, len);
}

/* Phase k of one client in microseconds; false when not reached. */
static bool
anc_phase(const struct cs_an_client *c, int k, uint64_t *us)
{
	uint64_t from = 0, to = 0;

	switch (k) {
	case ANC_ASSOC:
		from = c->t_auth, to = c->t_assoc;
		break;
	case ANC_L2:
		from = c->has_eapol ? c->t_assoc : 0, to = c->t_l2;
		break;
	case ANC_DHCP:
		from = c->t_l2 != 0 ? c->t_l2 : c->t_assoc, to = c->t_dhcp;
		break;
	case ANC_ARP:
		from = c->t_dhcp, to = c->t_arp;
		break;
	default:
		from = c->t_auth, to = c->t_ready;
		break;
	}
	if (from == 0 || to == 0 || to < from)
		return false;
	*us = to - from;
	return true;
}

struct anc_sum {
	size_t n, ready, protected_dgrams;
	size_t count[ANC__COUNT];
	uint64_t sum_us[ANC__COUNT], max_us[ANC__COUNT];
	size_t failed[6]; /* auth, assoc, l2auth, dhcp, arp, ping */
	uint16_t status;  /* a refusal status seen */
};

static const char *const anc_fail[6] = { "auth", "assoc", "l2auth", "dhcp",
	"arp", "ping" };

static void
anc_sum(const struct cs_an_clients *cl, struct anc_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->n = cs_an_clients_count(cl);
	s->protected_dgrams = (size_t)cs_an_clients_protected(cl);
	for (size_t i = 0; i < s->n; i++) {
		const struct cs_an_client *c = cs_an_clients_get(cl, i);
		const char *f = cs_an_client_failed_in(c);

		for (int k = 0; k < ANC__COUNT; k++) {
			uint64_t us;

			if (!anc_phase(c, k, &us))
				continue;
			s->count[k]++;
			s->sum_us[k] += us;
			if (us > s->max_us[k])
				s->max_us[k] = us;
		}
		if (c->assoc_status != 0)
			s->status = c->assoc_status;
		if (f == NULL) {
			s->ready++;
			continue;
		}
		for (int j = 0; j < 6; j++)
			if (strcmp(f, anc_fail[j]) == 0)
				s->failed[j]++;
	}
}

json_t *
an_cl_json(const struct cs_an_clients *cl)
{
	json_t *o, *ph, *fi;
	struct anc_sum s;

	anc_sum(cl, &s);
	if (s.n == 0 && s.protected_dgrams == 0)
		return NULL;
	ph = json_object();
	fi = json_object();
	for (int k = 0; k < ANC__COUNT; k++)
		json_object_set_new(ph, anc_names[k],
		    json_pack("{s:I, s:f, s:f}", "count",
		        (json_int_t)s.count[k], "mean_ms",
		        s.count[k] ? (double)s.sum_us[k] / s.count[k] / 1000.0
		                   : 0.0,
		        "max_ms", (double)s.max_us[k] / 1000.0));
	for (int j = 0; j < 6; j++)
		if (s.failed[j] > 0)
			json_object_set_new(fi, anc_fail[j],
			    json_integer((json_int_t)s.failed[j]));
	o = json_pack("{s:I, s:I, s:o, s:o, s:I, s:b}", "clients",
	    (json_int_t)s.n, "ready", (json_int_t)s.ready, "phases", ph,
	    "failed_in", fi, "protected_datagrams",
	    (json_int_t)s.protected_dgrams, "readable",
	    s.protected_dgrams == 0);
	if (o != NULL && s.status != 0)
		json_object_set_new(o, "assoc_status", json_integer(s.status));
	return o;
}

void
an_cl_print(FILE *f, const struct cs_an_clients *cl)
{
	struct anc_sum s;

	anc_sum(cl, &s);
	if (s.n == 0 && s.protected_dgrams == 0)
		return;
	fprintf(f, "clients: %zu seen in the data channel, %zu ready", s.n,
	    s.ready);
	for (int j = 0; j < 6; j++)
		if (s.failed[j] > 0)
			fprintf(
			    f, ", %zu stopped in %s", s.failed[j], anc_fail[j]);
	if (s.status != 0)
		fprintf(f, " (association refused, status %u)", s.status);
	fputc('\n', f);
	for (int k = 0; k < ANC__COUNT; k++)
		if (s.count[k] > 0)
			fprintf(f,
			    "  %-7s %zu clients, mean %.1f ms, max %.1f ms\n",
			    anc_names[k], s.count[k],
			    (double)s.sum_us[k] / s.count[k] / 1000.0,
			    (double)s.max_us[k] / 1000.0);
	if (s.protected_dgrams > 0)
		fprintf(f,
		    "  %zu data-channel datagrams under DTLS: their clients "
		    "cannot be read (capture with --pcap-clear)\n",
		    s.protected_dgrams);
}
