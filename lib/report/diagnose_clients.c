/* SPDX-License-Identifier: MIT */
/*
 * The wireless clients' diagnosis (capsim/diagnose_clients.h): each
 * client's facts to a verdict, then the run's verdict with the evidence,
 * the clients and the APs it covers, in the words of the AP diagnosis.
 */
#include "capsim/diagnose_clients.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/ieee80211.h"

static const char *const cdiag_names[] = {
	[CS_CDIAG_OK] = "ok",
	[CS_CDIAG_WRONG_PSK] = "wrong-psk",
	[CS_CDIAG_ASSOC_REFUSED] = "association-refused",
	[CS_CDIAG_DHCP_UNANSWERED] = "dhcp-unanswered",
	[CS_CDIAG_GATEWAY_UNREACHABLE] = "gateway-unreachable",
	[CS_CDIAG_DATA_PATH_MTU] = "data-path-mtu",
	[CS_CDIAG_NO_DATA_CHANNEL] = "no-data-channel",
	[CS_CDIAG_MIXED] = "mixed",
	[CS_CDIAG_INCONCLUSIVE] = "inconclusive",
};
_Static_assert(CS_ARRAY_SIZE(cdiag_names) == CS_CDIAG__COUNT,
    "cdiag_names[] out of sync with enum cs_cdiag_code");

#define CDIAG_MAX_STATUS 4 /* distinct refusal statuses named */

const char *
cs_cdiag_code_name(enum cs_cdiag_code c)
{
	return (unsigned)c < CS_CDIAG__COUNT ? cdiag_names[c] : NULL;
}

/* Per-client rules (see the header), with the confidence. */
static enum cs_cdiag_code
cdiag_classify(const struct cs_client_facts *f, enum cs_diag_conf *conf)
{
	*conf = CS_DIAG_CONF_HIGH;
	/* before any client-side rule: without a data channel nothing the
	 * station sent could be answered, whatever it then concluded */
	if (!f->joined && f->has_ap_side && f->ap_ka_sent >= 2 &&
	    f->ap_ka_received == 0)
		return CS_CDIAG_NO_DATA_CHANNEL;
	if (f->failed && f->assoc_status != 0 &&
	    (f->failed_in == CS_STA_ASSOC || f->failed_in == CS_STA_AUTH))
		return CS_CDIAG_ASSOC_REFUSED;
	if (f->failed && f->failed_in == CS_STA_L2AUTH) {
		if (f->has_wlc_side && f->wlc_m2_received > 0) {
			if (f->wlc_m2_mic_failed == f->wlc_m2_received)
				return CS_CDIAG_WRONG_PSK;
			return CS_CDIAG_INCONCLUSIVE; /* the PSK matched */
		}
		if (!f->has_wlc_side && f->m2_sent > 0 &&
		    (f->deauth_reason == CS_DOT11_REASON_4WAY_TIMEOUT ||
		        f->deauth_reason == CS_DOT11_REASON_PREV_AUTH)) {
			*conf = CS_DIAG_CONF_LOW;
			return CS_CDIAG_WRONG_PSK;
		}
		return CS_CDIAG_INCONCLUSIVE;
	}
	if (f->large_sent >= 2 && f->large_answered == 0 &&
	    f->small_answered > 0)
		return CS_CDIAG_DATA_PATH_MTU;
	if (f->failed && f->failed_in == CS_STA_DHCP && f->dhcp_sent >= 2 &&
	    f->dhcp_answered == 0)
		return CS_CDIAG_DHCP_UNANSWERED;
	if (f->failed &&
	    (f->failed_in == CS_STA_ARP || f->failed_in == CS_STA_PING)) {
		if (f->arp_sent >= 2 && f->arp_answered == 0)
			return CS_CDIAG_GATEWAY_UNREACHABLE;
		if (f->arp_answered > 0 && f->echo_sent >= 2 &&
		    f->echo_answered == 0)
			return CS_CDIAG_GATEWAY_UNREACHABLE;
	}
	if (f->joined && !f->failed)
		return CS_CDIAG_OK;
	*conf = CS_DIAG_CONF_LOW;
	return CS_CDIAG_INCONCLUSIVE;
}

/* The numbers behind one code, summed over its clients. */
struct cdiag_agg {
	unsigned n, low;
	uint64_t m2_rx, m2_bad, m2_sent, deauth15, deauth2;
	uint64_t dhcp_sent, relayed, wlc_known;
	uint64_t arp_sent, arp_ok, echo_sent, echo_ok;
	uint64_t small_sent, small_ok, large_sent, large_ok;
	uint16_t large_bytes;
	uint16_t status[CDIAG_MAX_STATUS];
	unsigned status_n[CDIAG_MAX_STATUS], n_status, status_other;
	unsigned pending; /* inconclusive: not failed yet */
	unsigned psk_matched;
	unsigned never_started;
	uint32_t ka_max; /* most keep-alives one of their APs sent */
};

static void
cdiag_add(struct cdiag_agg *a, const struct cs_client_facts *f,
    enum cs_diag_conf conf)
{
	unsigned i;

	a->n++;
	a->low += conf == CS_DIAG_CONF_LOW;
	a->m2_rx += f->wlc_m2_received;
	a->m2_bad += f->wlc_m2_mic_failed;
	a->m2_sent += f->m2_sent;
	a->deauth15 += f->deauth_reason == CS_DOT11_REASON_4WAY_TIMEOUT;
	a->deauth2 += f->deauth_reason == CS_DOT11_REASON_PREV_AUTH;
	a->dhcp_sent += f->dhcp_sent;
	a->relayed += f->wlc_dhcp_relayed;
	a->wlc_known += f->has_wlc_side;
	a->arp_sent += f->arp_sent;
	a->arp_ok += f->arp_answered;
	a->echo_sent += f->echo_sent;
	a->echo_ok += f->echo_answered;
	a->small_sent += f->small_sent;
	a->small_ok += f->small_answered;
	a->large_sent += f->large_sent;
	a->large_ok += f->large_answered;
	if (f->large_bytes > a->large_bytes)
		a->large_bytes = f->large_bytes;
	a->pending += !f->failed;
	a->never_started += f->never_started;
	if (f->ap_ka_sent > a->ka_max)
		a->ka_max = f->ap_ka_sent;
	a->psk_matched += f->failed && f->failed_in == CS_STA_L2AUTH &&
	    f->has_wlc_side && f->wlc_m2_received > 0 &&
	    f->wlc_m2_mic_failed < f->wlc_m2_received;
	if (f->assoc_status == 0)
		return;
	for (i = 0; i < a->n_status && a->status[i] != f->assoc_status; i++)
		;
	if (i == a->n_status) {
		if (i == CDIAG_MAX_STATUS) {
			a->status_other++;
			return;
		}
		a->status[a->n_status++] = f->assoc_status;
	}
	a->status_n[i]++;
}

static const char *
cdiag_s(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* The evidence for one code: the counts that decided it. */
static void
cdiag_evidence(FILE *e, enum cs_cdiag_code c, const struct cdiag_agg *a)
{
	char sb[32];

	switch (c) {
	case CS_CDIAG_WRONG_PSK:
		if (a->n > a->low)
			fprintf(e,
			    "every EAPOL-Key message 2 failed its MIC at the "
			    "controller (%llu of %llu)",
			    (unsigned long long)a->m2_bad,
			    (unsigned long long)a->m2_rx);
		if (a->low > 0)
			fprintf(e,
			    "%s%u client%s sent message 2 and were "
			    "deauthenticated (reason 15: %llu, reason 2: "
			    "%llu) without message 3; the controller's side "
			    "is unknown, so a lost message 3 is not ruled out",
			    a->n > a->low ? "; " : "", a->low, cdiag_s(a->low),
			    (unsigned long long)a->deauth15,
			    (unsigned long long)a->deauth2);
		break;
	case CS_CDIAG_ASSOC_REFUSED:
		fprintf(e, "Association refused with status ");
		for (unsigned i = 0; i < a->n_status; i++)
			fprintf(e, "%s%u (%s) x%u", i > 0 ? ", " : "",
			    a->status[i],
			    cs_dot11_status_name(a->status[i], sb, sizeof(sb)),
			    a->status_n[i]);
		if (a->status_other > 0)
			fprintf(e, ", other statuses x%u", a->status_other);
		break;
	case CS_CDIAG_DHCP_UNANSWERED:
		fprintf(e, "%llu DHCP request%s sent, no reply",
		    (unsigned long long)a->dhcp_sent, cdiag_s(a->dhcp_sent));
		if (a->wlc_known == a->n)
			fprintf(e, "; the controller relayed %llu of them",
			    (unsigned long long)a->relayed);
		else
			fprintf(e,
			    "; whether the controller relayed them is "
			    "unknown");
		break;
	case CS_CDIAG_GATEWAY_UNREACHABLE:
		fprintf(e,
		    "gateway ARP %llu sent / %llu answered, echo %llu sent / "
		    "%llu answered",
		    (unsigned long long)a->arp_sent,
		    (unsigned long long)a->arp_ok,
		    (unsigned long long)a->echo_sent,
		    (unsigned long long)a->echo_ok);
		break;
	case CS_CDIAG_DATA_PATH_MTU:
		fprintf(e,
		    "small frames %llu sent / %llu answered, large frames "
		    "(%u octets) %llu sent / %llu answered",
		    (unsigned long long)a->small_sent,
		    (unsigned long long)a->small_ok, a->large_bytes,
		    (unsigned long long)a->large_sent,
		    (unsigned long long)a->large_ok);
		break;
	case CS_CDIAG_INCONCLUSIVE:
		fprintf(e, "%u client%s without a decisive fact", a->n,
		    cdiag_s(a->n));
		if (a->pending > 0)
			fprintf(e, " (%u neither joined nor failed by the end)",
			    a->pending);
		if (a->never_started > 0)
			fprintf(e,
			    " (%u never started: their AP never got the "
			    "WLAN from the controller)",
			    a->never_started);
		if (a->psk_matched > 0)
			fprintf(e,
			    " (%u failed L2 authentication although message "
			    "2's MIC was valid: not the PSK)",
			    a->psk_matched);
		break;
	case CS_CDIAG_NO_DATA_CHANNEL:
		fprintf(e,
		    "their APs' CAPWAP data channel never answered (up to "
		    "%u keep-alives sent per AP, 0 answered): no 802.11 "
		    "frame of theirs had a path to the controller",
		    a->ka_max);
		if (a->never_started > 0)
			fprintf(e,
			    "; %u never started (their AP never got the WLAN "
			    "from the controller)",
			    a->never_started);
		break;
	case CS_CDIAG_OK:
		fprintf(e, "%u client%s reached Run", a->n, cdiag_s(a->n));
		break;
	case CS_CDIAG_MIXED:
	case CS_CDIAG__COUNT:
		break;
	}
}

static void
cdiag_words(
    FILE *sum, FILE *hint, const struct cs_client_diagnosis *d, const char *ev)
{
	enum cs_cdiag_code c = d->primary;

	if (c == CS_CDIAG_OK) {
		fprintf(sum, "All %u clients joined.", d->clients);
		return;
	}
	if (d->clients == 0) {
		fprintf(sum, "No clients in the run: nothing to judge.");
		return;
	}
	if (c == CS_CDIAG_MIXED) {
		const char *sep = "";

		fprintf(sum,
		    "%u of %u clients did not join, for several "
		    "reasons: ",
		    d->affected, d->clients);
		for (int k = 0; k < CS_CDIAG__COUNT; k++) {
			if (k == CS_CDIAG_OK || d->count[k] == 0)
				continue;
			fprintf(
			    sum, "%s%s %u", sep, cdiag_names[k], d->count[k]);
			sep = ", ";
		}
		fprintf(sum, ".");
		fprintf(hint, "Look at each cause in turn (causes below).");
		return;
	}
	fprintf(sum, "%u of %u clients on %u AP%s: %s: %s.", d->count[c],
	    d->clients, d->aps[c], cdiag_s(d->aps[c]), cdiag_names[c], ev);
	switch (c) {
	case CS_CDIAG_WRONG_PSK:
		fprintf(hint,
		    "The clients' passphrase differs from the WLAN's: compare "
		    "the PSK (and the SSID, which salts it) on both sides.");
		break;
	case CS_CDIAG_ASSOC_REFUSED:
		fprintf(hint,
		    "The controller refused the association: status 17 is "
		    "a client limit (per AP or WLAN), 72 an RSN mismatch "
		    "(security of the WLAN), 18 the rates.");
		break;
	case CS_CDIAG_DHCP_UNANSWERED:
		fprintf(hint,
		    "Check the DHCP server for the client VLAN/subnet and the "
		    "controller's relay (helper address) or DHCP proxy "
		    "toward it; a scope must cover the relay's giaddr.");
		break;
	case CS_CDIAG_GATEWAY_UNREACHABLE:
		fprintf(hint,
		    "The clients got an address but the gateway from DHCP "
		    "does not answer: check the client VLAN's gateway and "
		    "the option 3 router the DHCP server hands out.");
		break;
	case CS_CDIAG_DATA_PATH_MTU:
		fprintf(hint,
		    "Large frames are lost on the way while small ones pass: "
		    "the CAPWAP data path does not fit them; check the path "
		    "MTU between AP and controller and CAPWAP fragmentation "
		    "or the client MSS adjust.");
		break;
	case CS_CDIAG_NO_DATA_CHANNEL:
		fprintf(hint,
		    "The clients are not at fault: their frames travel in the "
		    "CAPWAP data channel (UDP 5247) between AP and "
		    "controller, which never answered; see the APs' "
		    "diagnosis and open UDP 5247 both ways.");
		break;
	case CS_CDIAG_INCONCLUSIVE:
		fprintf(hint,
		    "The facts at hand do not tell why; a capture of the "
		    "CAPWAP data channel (--pcap) or the controller's client "
		    "log would.");
		break;
	default:
		break;
	}
}

void
cs_client_diagnosis_free(struct cs_client_diagnosis *d)
{
	if (d == NULL)
		return;
	free(d->summary);
	free(d->hint);
	for (int k = 0; k < CS_CDIAG__COUNT; k++) {
		free(d->evidence[k]);
		free(d->idx[k]);
		free(d->names[k]);
	}
	memset(d, 0, sizeof(*d));
}

static int
cdiag_names_of(struct cs_client_diagnosis *d, enum cs_cdiag_code k,
    const struct cs_client_facts *f)
{
	const char **names = calloc(d->count[k] + 1, sizeof(*names));
	int need;

	if (names == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < d->count[k]; i++)
		names[i] =
		    f[d->idx[k][i]].name != NULL ? f[d->idx[k][i]].name : "?";
	need = cs_diag_names_compress(names, d->count[k], 8, NULL, 0);
	if (need < 0 || (d->names[k] = malloc((size_t)need + 1)) == NULL) {
		free(names);
		return -ENOMEM;
	}
	cs_diag_names_compress(
	    names, d->count[k], 8, d->names[k], (size_t)need + 1);
	free(names);
	return 0;
}

int
cs_diagnose_clients(
    const struct cs_client_facts *f, size_t n, struct cs_client_diagnosis *out)
{
	struct cdiag_agg *agg = NULL;
	enum cs_cdiag_code *code = NULL;
	enum cs_diag_conf conf;
	unsigned known = 0, best = 0;
	char *ev = NULL;
	size_t evlen;
	FILE *fs, *fh, *fe;
	char *sbuf = NULL, *hbuf = NULL;
	size_t slen, hlen;
	int r = -ENOMEM;

	if (out == NULL || (f == NULL && n > 0))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->clients = (unsigned)n;
	agg = calloc(CS_CDIAG__COUNT, sizeof(*agg));
	code = calloc(n + 1, sizeof(*code));
	if (agg == NULL || code == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		code[i] = cdiag_classify(&f[i], &conf);
		out->count[code[i]]++;
		cdiag_add(&agg[code[i]], &f[i], conf);
		if (code[i] != CS_CDIAG_OK)
			out->affected++;
	}
	for (int k = 0; k < CS_CDIAG__COUNT; k++) {
		size_t m = 0;

		if (out->count[k] == 0)
			continue;
		if ((out->idx[k] = calloc(out->count[k], sizeof(size_t))) ==
		    NULL)
			goto fail;
		for (size_t i = 0; i < n; i++) {
			bool seen = false;

			if (code[i] != (enum cs_cdiag_code)k)
				continue;
			for (size_t j = 0; j < m && !seen; j++)
				seen = f[out->idx[k][j]].ap == f[i].ap;
			out->aps[k] += !seen;
			out->idx[k][m++] = i;
		}
		out->conf[k] =
		    agg[k].low > 0 ? CS_DIAG_CONF_LOW : CS_DIAG_CONF_HIGH;
		if ((fe = open_memstream(&out->evidence[k], &evlen)) == NULL)
			goto fail;
		cdiag_evidence(fe, (enum cs_cdiag_code)k, &agg[k]);
		if (fclose(fe) != 0)
			goto fail;
		if (cdiag_names_of(out, (enum cs_cdiag_code)k, f) < 0)
			goto fail;
		if (k != CS_CDIAG_OK && k != CS_CDIAG_INCONCLUSIVE) {
			known += out->count[k];
			if (out->count[k] > out->count[best] ||
			    best == CS_CDIAG_OK)
				best = (unsigned)k;
		}
	}
	if (n == 0)
		out->primary = CS_CDIAG_INCONCLUSIVE;
	else if (out->affected == 0)
		out->primary = CS_CDIAG_OK;
	else if (known == 0)
		out->primary = CS_CDIAG_INCONCLUSIVE;
	else if (out->count[best] * 5 >= known * 4)
		out->primary = (enum cs_cdiag_code)best;
	else
		out->primary = CS_CDIAG_MIXED;
	out->code = cdiag_names[out->primary];
	ev = out->evidence[out->primary];
	if ((fs = open_memstream(&sbuf, &slen)) == NULL)
		goto fail;
	if ((fh = open_memstream(&hbuf, &hlen)) == NULL) {
		fclose(fs);
		goto fail;
	}
	cdiag_words(fs, fh, out, ev != NULL ? ev : "");
	if (fclose(fs) != 0 || fclose(fh) != 0)
		goto fail;
	out->summary = sbuf;
	out->hint = hbuf;
	sbuf = hbuf = NULL;
	r = 0;
fail:
	free(sbuf);
	free(hbuf);
	free(agg);
	free(code);
	if (r < 0)
		cs_client_diagnosis_free(out);
	return r;
}

int
cs_client_facts_from_sta(struct cs_client_facts *f,
    const struct cs_sta_info *info, enum cs_wpa_fail l2_fail)
{
	uint32_t fail_value;

	bool reached_ip, reached_gw, reached_run;

	if (f == NULL || info == NULL)
		return -EINVAL;
	fail_value = info->fail_value;
	f->failed = info->state == CS_STA_FAILED;
	f->failed_in = f->failed ? info->failed_in : CS_STA__COUNT;
	/* in Run now, or it took time to get there and left since */
	reached_run = info->state == CS_STA_RUN || info->total_ms > 0;
	f->joined = reached_run;
	/* each phase that was passed had its request answered */
	reached_ip = reached_run ||
	    (f->failed &&
	        (f->failed_in == CS_STA_ARP || f->failed_in == CS_STA_PING));
	reached_gw = reached_run || (f->failed && f->failed_in == CS_STA_PING);
	f->dhcp_sent = f->dhcp_answered = reached_ip ? 1 : 0;
	f->arp_sent = f->arp_answered = reached_gw ? 1 : 0;
	f->echo_sent = f->echo_answered = reached_run ? 1 : 0;
	/* the data-path probes by size, as the station counted them */
	f->small_sent = info->small_echo_sent;
	f->small_answered = info->small_echo_answered;
	f->large_sent = info->large_echo_sent;
	f->large_answered = info->large_echo_answered;
	f->large_bytes = info->large_echo_bytes;
	if (!f->failed)
		return 0;
	switch (f->failed_in) {
	case CS_STA_AUTH:
	case CS_STA_ASSOC:
		/* a refusal carries its status; a silent AP carries 0 */
		f->assoc_status = (uint16_t)fail_value;
		break;
	case CS_STA_L2AUTH:
		if (l2_fail == CS_WPA_FAIL_NO_MSG3) {
			f->m1_received = f->m2_sent = 1;
			f->deauth_reason = (uint16_t)fail_value;
		}
		break;
	case CS_STA_DHCP:
		f->dhcp_sent = info->fail_tries;
		break;
	case CS_STA_ARP:
		f->arp_sent = info->fail_tries;
		break;
	case CS_STA_PING:
		f->echo_sent = info->fail_tries;
		break;
	default:
		break;
	}
	return 0;
}

enum cs_cdiag_code
cs_diagnose_client(const struct cs_client_facts *f, char *buf, size_t len)
{
	struct cdiag_agg a;
	enum cs_diag_conf conf;
	enum cs_cdiag_code c;
	char *ev = NULL;
	size_t evlen;
	FILE *fe;

	if (f == NULL) {
		if (buf != NULL && len > 0)
			buf[0] = '\0';
		return CS_CDIAG_INCONCLUSIVE;
	}
	c = cdiag_classify(f, &conf);
	memset(&a, 0, sizeof(a));
	cdiag_add(&a, f, conf);
	if ((fe = open_memstream(&ev, &evlen)) != NULL) {
		cdiag_evidence(fe, c, &a);
		if (fclose(fe) != 0) {
			free(ev);
			ev = NULL;
		}
	}
	if (buf != NULL && len > 0)
		snprintf(
		    buf, len, "%s: %s", cdiag_names[c], ev != NULL ? ev : "");
	free(ev);
	return c;
}
