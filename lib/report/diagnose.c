/* SPDX-License-Identifier: MIT */
/*
 * Join diagnosis (diagnose.h): classifies each AP from its facts by a
 * fixed list of rules (first match wins, see cs_diagnose_ap), then
 * aggregates over all APs into one code, a summary with numbers and a
 * hint.  The vocabulary follows RFC 5415 (phases, Result Codes §4.6.35),
 * RFC 5246 §7.2 (alert descriptions) and what Cisco controllers and APs
 * log (capwap-facts.md §4.10).
 */
#include "capsim/diagnose.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"
#include "capsim/option43.h"

static const char *const diag_names[] = {
	[CS_DIAG_OK] = "ok",
	[CS_DIAG_RETURN_PATH_LOSS] = "return-path-loss",
	[CS_DIAG_FORWARD_PATH_LOSS] = "forward-path-loss",
	[CS_DIAG_NO_CONTROLLER] = "no-controller",
	[CS_DIAG_NAT_NO_RETURN] = "nat-no-return",
	[CS_DIAG_ASYMMETRIC_RETURN] = "asymmetric-return",
	[CS_DIAG_CERT_REJECTED_BY_AP] = "cert-rejected-by-ap",
	[CS_DIAG_CERT_REJECTED_BY_WLC] = "cert-rejected-by-wlc",
	[CS_DIAG_CLOCK_SKEW] = "clock-skew",
	[CS_DIAG_MTU_FRAGMENT_LOSS] = "mtu-fragment-loss",
	[CS_DIAG_NAT_REBINDING] = "nat-rebinding",
	[CS_DIAG_DATA_CHANNEL_BLOCKED] = "data-channel-blocked",
	[CS_DIAG_JOIN_REJECTED] = "join-rejected",
	[CS_DIAG_WLC_CAPACITY] = "wlc-capacity",
	[CS_DIAG_DTLS_MISMATCH] = "dtls-mismatch",
	[CS_DIAG_OPTION43_WRONG] = "option43-wrong",
	[CS_DIAG_WLC_RESTART] = "wlc-restart",
	[CS_DIAG_MIXED] = "mixed",
	[CS_DIAG_UNKNOWN] = "unknown",
};
_Static_assert(CS_ARRAY_SIZE(diag_names) == CS_DIAG__COUNT,
    "diag_names[] out of sync with enum cs_diag_code");

const char *
cs_diag_code_name(enum cs_diag_code c)
{
	if ((unsigned)c >= CS_DIAG__COUNT)
		return NULL;
	return diag_names[c];
}

int
cs_diag_code_parse(const char *word, enum cs_diag_code *out)
{
	if (word == NULL || out == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < CS_DIAG__COUNT; i++) {
		if (strcmp(word, diag_names[i]) == 0) {
			*out = (enum cs_diag_code)i;
			return 0;
		}
	}
	return -ENOENT;
}

/* TLS/DTLS alert descriptions, RFC 5246 §7.2, RFC 8446 §6. */
static const char *
alert_name(unsigned d)
{
	switch (d) {
	case 0:
		return "close_notify";
	case 10:
		return "unexpected_message";
	case 20:
		return "bad_record_mac";
	case 22:
		return "record_overflow";
	case 40:
		return "handshake_failure";
	case 42:
		return "bad_certificate";
	case 43:
		return "unsupported_certificate";
	case 44:
		return "certificate_revoked";
	case 45:
		return "certificate_expired";
	case 46:
		return "certificate_unknown";
	case 47:
		return "illegal_parameter";
	case 48:
		return "unknown_ca";
	case 49:
		return "access_denied";
	case 50:
		return "decode_error";
	case 51:
		return "decrypt_error";
	case 70:
		return "protocol_version";
	case 71:
		return "insufficient_security";
	case 80:
		return "internal_error";
	case 90:
		return "user_canceled";
	case 100:
		return "no_renegotiation";
	case 110:
		return "unsupported_extension";
	default:
		return "alert";
	}
}

static bool
alert_is_cert(unsigned d)
{
	return (d >= 42 && d <= 46) || d == 48;
}

static bool
alert_is_mismatch(unsigned d)
{
	return d == 70 || d == 71;
}

static bool
fail_is_cert(unsigned code)
{
	switch (code) {
	case CS_DTLS_FAIL_CERT_EXPIRED:
	case CS_DTLS_FAIL_NOT_YET_VALID:
	case CS_DTLS_FAIL_UNKNOWN_CA:
	case CS_DTLS_FAIL_BAD_EKU:
	case CS_DTLS_FAIL_CN_MISMATCH:
	case CS_DTLS_FAIL_WEAK_SIG:
	case CS_DTLS_FAIL_WEAK_KEY:
	case CS_DTLS_FAIL_BAD_CERT:
	case CS_DTLS_FAIL_NO_CERT:
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------------
 * Growing string (the only allocation of the module).
 */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
	bool fixed; /* p is the caller's buffer: truncate, never grow */
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->oom)
		return;
	for (;;) {
		size_t room = sb->cap - sb->len;

		va_start(ap, fmt);
		n = vsnprintf(sb->p != NULL ? sb->p + sb->len : NULL,
		    sb->p != NULL ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			sb->oom = true;
			return;
		}
		if (sb->p != NULL && (size_t)n < room) {
			sb->len += (size_t)n;
			return;
		}
		if (sb->fixed) { /* truncated; keep it NUL-terminated */
			sb->len = sb->cap > 0 ? sb->cap - 1 : 0;
			return;
		}
		size_t want = sb->len + (size_t)n + 1;
		size_t cap = sb->cap ? sb->cap : 256;
		while (cap < want)
			cap *= 2;
		char *np = realloc(sb->p, cap);
		if (np == NULL) {
			sb->oom = true;
			return;
		}
		sb->p = np;
		sb->cap = cap;
	}
}

static char *
sb_take(struct sbuf *sb)
{
	char *p;

	if (!sb->oom && sb->p == NULL)
		sb_printf(sb, "%s", "");
	if (sb->oom) {
		free(sb->p);
		sb->p = NULL;
		return NULL;
	}
	p = sb->p;
	sb->p = NULL;
	return p;
}

static void
ip_text(uint32_t ip, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(ip >> 24) & 0xffu,
	    (unsigned)(ip >> 16) & 0xffu, (unsigned)(ip >> 8) & 0xffu,
	    (unsigned)ip & 0xffu);
}

/* ---------------------------------------------------------------------
 * Per-AP classification
 */

static uint32_t
dtls_down(const struct cs_ap_facts *f)
{
	return (uint32_t)f->hvr + f->sh + f->cert + f->cert_req + f->shd +
	    f->ccs_down + f->fin_down + f->alerts_down + f->app_down +
	    f->dtls_other_down;
}

static bool
joined_ok(const struct cs_ap_facts *f)
{
	return ((f->flags & CS_FACTS_F_JOIN_RC) &&
	           (f->join_rc == CS_RC_SUCCESS ||
	               f->join_rc == CS_RC_SUCCESS_NAT)) ||
	    f->cs_resp > 0 || f->cfg_resp > 0;
}

static bool
cert_stalled(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_CERT_STALL) ||
	    (f->cert_seq_set && !(f->flags & CS_FACTS_F_CERT_DONE));
}

/* Option 43 decodes but does not name the controller the run used. */
static bool
o43_misses_wlc(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	struct cs_opt43 o;

	if (!(f->flags & CS_FACTS_F_O43) || f->o43_err != 0 || ctx->wlc_ip == 0)
		return false;
	if (f->o43_len > CS_FACTS_O43_LEN ||
	    cs_opt43_decode(f->o43, f->o43_len, &o, NULL) != 0)
		return false;
	for (size_t i = 0; i < o.n; i++)
		if (o.ctrl[i] == ctx->wlc_ip)
			return false;
	return true;
}

enum run_kind {
	RUN_NONE,
	RUN_LOST_NAT,
	RUN_LOST_PLAIN
};

/* Still in Run, but the echo and at least two retransmissions went
 * unanswered: the trace ends while the AP is losing Run. */
static bool
run_losing(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_IN_RUN) && f->echo_streak >= 3;
}

/* NAT between AP and WLC: a mapping reported by the run, or the
 * controller's Join Result Code 2 (RFC 5415 §4.6.35). */
static bool
nat_seen(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_NAT) ||
	    ((f->flags & CS_FACTS_F_JOIN_RC) &&
	        f->join_rc == CS_RC_SUCCESS_NAT);
}

static enum run_kind
run_loss(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	if (f->run_lost == 0 && !run_losing(f))
		return RUN_NONE;
	if (f->nat_changes_run > 0)
		return RUN_LOST_NAT;
	if (ctx->wlc_restarts == 0 && nat_seen(f))
		return RUN_LOST_NAT;
	return RUN_LOST_PLAIN;
}

/* When Run was (last) lost, in the caller's clock. */
static uint64_t
run_lost_at(const struct cs_ap_facts *f)
{
	uint32_t rel = f->t_run_lost;

	if (run_losing(f))
		rel = f->t_echo_resp > f->t_run ? f->t_echo_resp : f->t_run;
	return f->t_first + rel;
}

static enum cs_diag_code
classify_dtls_fail(const struct cs_ap_facts *f)
{
	bool local = (f->flags & CS_FACTS_F_DTLS_LOCAL) != 0;
	unsigned fc = f->dtls_fail;

	if (fc == CS_DTLS_FAIL_NONE)
		return CS_DIAG__COUNT;
	if (fc == CS_DTLS_FAIL_VERSION || fc == CS_DTLS_FAIL_NO_SHARED_CIPHER)
		return CS_DIAG_DTLS_MISMATCH;
	if (fail_is_cert(fc)) {
		if (!local)
			return CS_DIAG_CERT_REJECTED_BY_WLC;
		if (fc == CS_DTLS_FAIL_NOT_YET_VALID ||
		    (fc == CS_DTLS_FAIL_CERT_EXPIRED &&
		        (f->flags & CS_FACTS_F_SKEW)))
			return CS_DIAG_CLOCK_SKEW;
		return CS_DIAG_CERT_REJECTED_BY_AP;
	}
	return CS_DIAG__COUNT; /* timeout, peer alert, ...: look at the wire */
}

static enum cs_diag_code
classify_alerts(const struct cs_ap_facts *f)
{
	unsigned up = f->alert_up_desc, down = f->alert_down_desc;

	if (up != CS_FACTS_NONE8) {
		/* OpenSSL sends bad_certificate for "not yet valid" and
		 * certificate_expired for "expired" */
		if (alert_is_cert(up))
			return (up == 42 || up == 45) &&
			        (f->flags & CS_FACTS_F_SKEW)
			    ? CS_DIAG_CLOCK_SKEW
			    : CS_DIAG_CERT_REJECTED_BY_AP;
		if (alert_is_mismatch(up))
			return CS_DIAG_DTLS_MISMATCH;
	}
	if (down != CS_FACTS_NONE8) {
		if (alert_is_cert(down))
			return CS_DIAG_CERT_REJECTED_BY_WLC;
		if (alert_is_mismatch(down) ||
		    (down == 40 && (f->flags & CS_FACTS_F_ALERT_PRE_SH)))
			return CS_DIAG_DTLS_MISMATCH;
	}
	return CS_DIAG__COUNT;
}

/* The rules, first match wins.  `plain_run` receives whether a lost Run
 * had no NAT evidence (the aggregate may call that a WLC restart). */
static enum cs_diag_code
classify(
    const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx, bool *plain_run)
{
	enum cs_diag_code c;
	enum run_kind rk = run_loss(f, ctx);
	bool in_run = (f->flags & CS_FACTS_F_IN_RUN) != 0;
	bool hs_open = f->hs_done == 0 || (f->flags & CS_FACTS_F_IN_HS);

	*plain_run = false;
	/* 1. control joined, data channel keep-alives never answered (the
	 * AP may have entered Run and lost it when DataChannelDeadInterval
	 * ran out: that is still the data channel) */
	if (joined_ok(f) && f->ka_up >= 2 && f->ka_down == 0)
		return CS_DIAG_DATA_CHANNEL_BLOCKED;
	/* a capture (at the WLC, say) where Run came and went without a
	 * single keep-alive on UDP 5247 */
	if (!ctx->live && joined_ok(f) && f->runs > 0 && rk != RUN_NONE &&
	    f->ka_up == 0 && f->ka_down == 0)
		return CS_DIAG_DATA_CHANNEL_BLOCKED;
	/* 2. Run lost (NAT mapping changed, or everyone at once) */
	if (rk == RUN_LOST_NAT)
		return CS_DIAG_NAT_REBINDING;
	if (rk == RUN_LOST_PLAIN) {
		*plain_run = true;
		return ctx->wlc_restarts > 0 ? CS_DIAG_WLC_RESTART
		                             : CS_DIAG_NAT_REBINDING;
	}
	/* 3. in Run and never lost it */
	if (in_run)
		return CS_DIAG_OK;
	/* 4. option 43 never led to a controller */
	if ((f->flags & CS_FACTS_F_O43) && f->disc_resp == 0 &&
	    (f->o43_err != 0 || o43_misses_wlc(f, ctx)))
		return CS_DIAG_OPTION43_WRONG;
	/* 5. the WLC refused the Join (RFC 5415 §4.6.35) */
	if ((f->flags & CS_FACTS_F_JOIN_RC) && f->join_rc != CS_RC_SUCCESS &&
	    f->join_rc != CS_RC_SUCCESS_NAT)
		return f->join_rc == CS_RC_JOIN_FAIL_RESOURCE
		    ? CS_DIAG_WLC_CAPACITY
		    : CS_DIAG_JOIN_REJECTED;
	/* 6. DTLS failed for a reason one side named */
	c = classify_dtls_fail(f);
	if (c != CS_DIAG__COUNT)
		return c;
	c = classify_alerts(f);
	if (c != CS_DIAG__COUNT)
		return c;
	/* 7. replies came from an address the AP never sent to */
	if (f->other_src > 0 && !joined_ok(f))
		return CS_DIAG_ASYMMETRIC_RETURN;
	/* 8. DTLS never finished */
	if (f->ch > 0 && hs_open) {
		/* the controller answered, the AP never used the cookie:
		 * seen from the WLC's side of a return-path loss */
		if (f->ch >= 2 && f->hvr > 0 && f->ch_cookie == 0 &&
		    f->sh == 0 && f->alerts_down == 0)
			return ctx->wlc_known && ctx->wlc_client_hello == 0
			    ? CS_DIAG_FORWARD_PATH_LOSS
			    : CS_DIAG_RETURN_PATH_LOSS;
		if (dtls_down(f) == 0) {
			if (f->ch < 2)
				return CS_DIAG_UNKNOWN; /* still trying */
			if (ctx->wlc_known && ctx->wlc_client_hello == 0)
				return CS_DIAG_FORWARD_PATH_LOSS;
			return CS_DIAG_RETURN_PATH_LOSS;
		}
		bool quiet = f->alerts_down == 0 && f->alerts_up == 0;

		/* ServerHello came, the Certificate never completed */
		if (f->sh > 0 && quiet && (cert_stalled(f) || f->cert == 0))
			return CS_DIAG_MTU_FRAGMENT_LOSS;
		/* cookie exchange works, the big flight never comes */
		if (f->hvr > 0 && f->sh == 0 && f->ch_cookie >= 2 && quiet)
			return CS_DIAG_MTU_FRAGMENT_LOSS;
		/* the server repeats its flight: the AP's (with its
		 * certificate) never arrived */
		if (f->sh >= 2 && f->cert > 0 && f->ccs_down == 0 && quiet)
			return CS_DIAG_MTU_FRAGMENT_LOSS;
	}
	/* 9. discovery answered (the WLC's side shows the responses) but
	 * the AP keeps asking: the responses do not reach it */
	if (f->ch == 0 && f->disc_resp > 0 && f->disc_req_after_resp >= 2)
		return nat_seen(f) ? CS_DIAG_NAT_NO_RETURN
		                   : CS_DIAG_RETURN_PATH_LOSS;
	/* 10. discovery never answered */
	if (f->ch == 0 && f->disc_req > 0 && f->disc_resp == 0) {
		if (f->disc_req < 2)
			return CS_DIAG_UNKNOWN;
		if ((f->flags & CS_FACTS_F_NAT) &&
		    (!ctx->wlc_known || ctx->wlc_disc_req > 0))
			return CS_DIAG_NAT_NO_RETURN;
		if (ctx->wlc_known)
			return ctx->wlc_disc_req > 0
			    ? CS_DIAG_RETURN_PATH_LOSS
			    : CS_DIAG_FORWARD_PATH_LOSS;
		return CS_DIAG_NO_CONTROLLER;
	}
	/* 11. an encrypted capture: handshake done, traffic both ways, no
	 * failure seen */
	if (!hs_open && f->app_up > 0 && f->app_down > 0 &&
	    f->fail_phase == CS_FACTS_NONE8 && f->alerts_down == 0 &&
	    f->alerts_up == 0)
		return CS_DIAG_OK;
	return CS_DIAG_UNKNOWN;
}

/* ---------------------------------------------------------------------
 * Words: one generator for the per-AP line and the aggregate.
 */

struct agg {
	unsigned n;
	uint32_t disc_req, disc_resp, disc_req_after_resp, ch, ch_cookie, hvr;
	uint32_t sh, cert;
	uint32_t ka_up, ka_down, echo_streak, runs, run_lost;
	uint32_t max_up, max_down, run_idle_ms;
	const struct cs_ap_facts *sample; /* first AP with this code */
};

static void
agg_add(struct agg *a, const struct cs_ap_facts *f)
{
	if (a->n++ == 0)
		a->sample = f;
#define AMAX(field)                                                            \
	do {                                                                   \
		if (f->field > a->field)                                       \
			a->field = f->field;                                   \
	} while (0)
	AMAX(disc_req);
	AMAX(disc_resp);
	AMAX(disc_req_after_resp);
	AMAX(ch);
	AMAX(ch_cookie);
	AMAX(hvr);
	AMAX(sh);
	AMAX(cert);
	AMAX(ka_up);
	AMAX(ka_down);
	AMAX(runs);
	AMAX(run_lost);
	AMAX(max_up);
	AMAX(max_down);
	AMAX(run_idle_ms);
#undef AMAX
	if (f->echo_streak_max_run > a->echo_streak)
		a->echo_streak = f->echo_streak_max_run;
}

/* "6 times" for one AP, "up to 6 times per AP" for several: upto()
 * goes before the number, per() after the noun. */
static const char *
upto(const struct agg *a)
{
	return a->n > 1 ? "up to " : "";
}

static const char *
per(const struct agg *a)
{
	return a->n > 1 ? " per AP" : "";
}

static const char *
plural(unsigned v)
{
	return v == 1 ? "" : "s";
}

static const char *
dtls_fail_text(unsigned code)
{
	const char *s = cs_dtls_fail_name((enum cs_dtls_fail)code);

	return s != NULL ? s : "failure";
}

static void
words(enum cs_diag_code c, const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	char ip[16];

	switch (c) {
	case CS_DIAG_OK:
		sb_printf(sum, "Joined and in Run.");
		break;
	case CS_DIAG_RETURN_PATH_LOSS:
		if (f->ch > 0 && f->hvr > 0 && f->ch_cookie == 0) {
			sb_printf(sum,
			    "The controller answers (HelloVerifyRequest sent "
			    "%s%u times%s) but the AP never returns the "
			    "cookie: ClientHello sent %s%u times%s without it.",
			    upto(a), (unsigned)a->hvr, per(a), upto(a),
			    (unsigned)a->ch, per(a));
			sb_printf(hint,
			    "The DTLS replies from the WLC do not reach the "
			    "APs: the return path for UDP 5246 drops them "
			    "(firewall or VPN).");
		} else if (f->ch > 0) {
			sb_printf(sum,
			    "Discovery %s but no DTLS reply reaches the AP: "
			    "ClientHello sent %s%u times%s, no "
			    "HelloVerifyRequest or ServerHello came back.",
			    f->disc_resp > 0 ? "succeeds" : "is not used",
			    upto(a), (unsigned)a->ch, per(a));
			if (ctx->wlc_known)
				sb_printf(sum,
				    " The controller received %llu "
				    "ClientHellos and answered them.",
				    (unsigned long long)ctx->wlc_client_hello);
			sb_printf(hint,
			    "The return path for UDP 5246 drops DTLS "
			    "(firewall or VPN).");
			if (f->disc_resp > 0)
				sb_printf(hint,
				    " Routing works: discovery replies come "
				    "back.");
			sb_printf(hint,
			    " The controller will log only \"DTLS handshake "
			    "failure\"; allow UDP 5246 from the WLC to the "
			    "APs.");
		} else if (f->disc_resp > 0) {
			sb_printf(sum,
			    "The controller answers Discovery Requests but "
			    "the AP keeps asking (%s%u more requests%s after "
			    "a response): the responses do not reach it.",
			    upto(a), (unsigned)a->disc_req_after_resp, per(a));
			sb_printf(hint,
			    "The return path from the WLC to the APs drops "
			    "UDP 5246: check routes and firewalls on the way "
			    "back.");
		} else {
			sb_printf(sum,
			    "Discovery Requests reach the controller (it "
			    "received %llu) but no Discovery Response comes "
			    "back.",
			    (unsigned long long)ctx->wlc_disc_req);
			sb_printf(hint,
			    "The return path from the WLC to the APs drops "
			    "UDP 5246: check routes and firewalls on the way "
			    "back.");
		}
		break;
	case CS_DIAG_FORWARD_PATH_LOSS:
		if (f->ch > 0) {
			sb_printf(sum,
			    "ClientHello sent %s%u times%s and the controller "
			    "logged none: DTLS from the APs never reaches "
			    "it.",
			    upto(a), (unsigned)a->ch, per(a));
		} else {
			sb_printf(sum,
			    "Discovery Requests sent %s%u times%s; the "
			    "controller received none.",
			    upto(a), (unsigned)a->disc_req, per(a));
		}
		sb_printf(hint,
		    "The path from the APs to the WLC drops UDP 5246 "
		    "(firewall, ACL or VPN selector); traffic in the other "
		    "direction is not the problem.");
		break;
	case CS_DIAG_NO_CONTROLLER:
		sb_printf(sum,
		    "Discovery Requests sent %s%u times%s, no Discovery "
		    "Response at all.",
		    upto(a), (unsigned)a->disc_req, per(a));
		sb_printf(hint,
		    "No controller answers: check the discovery targets "
		    "(static list, DHCP option 43, DNS "
		    "CISCO-CAPWAP-CONTROLLER, broadcast domain) and that a "
		    "WLC listens on UDP 5246.");
		break;
	case CS_DIAG_NAT_NO_RETURN:
		ip_text(f->nat_ip, ip, sizeof(ip));
		sb_printf(sum,
		    "The APs reach the controller through NAT (it sees them "
		    "as %s:%u) but ",
		    ip, (unsigned)f->nat_port);
		if (f->disc_resp > 0)
			sb_printf(sum,
			    "its Discovery Responses never reach them: %s%u "
			    "more requests%s after a response.",
			    upto(a), (unsigned)a->disc_req_after_resp, per(a));
		else
			sb_printf(sum,
			    "nothing comes back: %s%u Discovery Request%s%s, "
			    "no response.",
			    upto(a), (unsigned)a->disc_req, plural(a->disc_req),
			    per(a));
		sb_printf(hint,
		    "Replies to the NAT's external address are not "
		    "translated back: the NAT lacks the reverse mapping "
		    "for UDP 5246/5247 (static NAT or a return rule).");
		break;
	case CS_DIAG_ASYMMETRIC_RETURN:
		ip_text(f->other_ip, ip, sizeof(ip));
		sb_printf(sum,
		    "Replies come from %s:%u, an address the AP never sent "
		    "to, so the AP ignores them.",
		    ip, (unsigned)f->other_port);
		sb_printf(hint,
		    "Asymmetric return: the controller answers from another "
		    "interface or the return route is NATed differently. "
		    "Make the WLC reply from the address the APs use "
		    "(management interface, AP-manager, NAT address).");
		break;
	case CS_DIAG_CERT_REJECTED_BY_AP:
		sb_printf(sum, "The AP rejected the controller's certificate");
		if (f->dtls_fail != 0 && (f->flags & CS_FACTS_F_DTLS_LOCAL))
			sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
		if (f->alert_up_desc != CS_FACTS_NONE8)
			sb_printf(sum, ": it sent the alert %s",
			    alert_name(f->alert_up_desc));
		sb_printf(sum, ".");
		sb_printf(hint,
		    "Check the WLC certificate chain against the AP's trust "
		    "store (CA, validity, CAPWAP EKU); the AP logs "
		    "\"Certificate verified failed!\" and sends a fatal "
		    "alert.");
		break;
	case CS_DIAG_CERT_REJECTED_BY_WLC:
		sb_printf(sum, "The controller rejected the AP's certificate");
		if (f->alert_down_desc != CS_FACTS_NONE8)
			sb_printf(sum, ": the AP received the alert %s",
			    alert_name(f->alert_down_desc));
		else if (f->dtls_fail != 0)
			sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
		sb_printf(sum, ".");
		sb_printf(hint,
		    "Check the AP certificate (MIC/SSC expiry, issuing CA "
		    "trusted by the WLC, AP authorization list); the WLC "
		    "logs \"DTLS handshake failure ... alert bad "
		    "certificate\" or \"Current time outside AP cert "
		    "validity interval\".");
		break;
	case CS_DIAG_CLOCK_SKEW:
		sb_printf(sum,
		    "The AP's clock is outside the controller "
		    "certificate's validity (%s)",
		    f->dtls_fail != 0 ? dtls_fail_text(f->dtls_fail)
		                      : alert_name(f->alert_up_desc));
		if (f->flags & CS_FACTS_F_SKEW)
			sb_printf(sum, "; the AP clock is off by %ld s",
			    (long)f->skew_s);
		sb_printf(sum, ".");
		sb_printf(hint,
		    "Set the time right (NTP on the AP's network or the "
		    "controller's time) rather than replacing the "
		    "certificate.");
		break;
	case CS_DIAG_MTU_FRAGMENT_LOSS:
		if (f->sh > 0 && cert_stalled(f)) {
			sb_printf(sum,
			    "The handshake stalls in the controller's "
			    "Certificate flight: ServerHello arrived %s%u "
			    "times%s but the Certificate never completed "
			    "(largest datagram received %u bytes).",
			    upto(a), (unsigned)a->sh, per(a),
			    (unsigned)a->max_down);
		} else if (f->sh == 0) {
			sb_printf(sum,
			    "The cookie exchange works (HelloVerifyRequest "
			    "received) but after ClientHello with cookie "
			    "(sent %s%u times%s) the controller's large "
			    "ServerHello/Certificate flight never arrives "
			    "(largest datagram received %u bytes).",
			    upto(a), (unsigned)a->ch_cookie, per(a),
			    (unsigned)a->max_down);
		} else {
			sb_printf(sum,
			    "The controller's flight arrives repeatedly "
			    "(%s%u times%s) but it never answers the AP's "
			    "Certificate flight (largest datagram sent %u "
			    "bytes).",
			    upto(a), (unsigned)a->sh, per(a),
			    (unsigned)a->max_up);
		}
		sb_printf(hint,
		    "Large DTLS datagrams (certificate flights) are lost: an "
		    "MTU below the datagram size with IP fragments dropped, "
		    "or DF set and ICMP \"fragmentation needed\" filtered. "
		    "Allow fragments or lower the CAPWAP/DTLS MTU.");
		break;
	case CS_DIAG_NAT_REBINDING:
		sb_printf(sum,
		    "The AP reached Run, then lost it: %s%u Echo Requests "
		    "unanswered in a row%s, ",
		    upto(a), (unsigned)a->echo_streak, per(a));
		if (a->run_lost > 0)
			sb_printf(sum, "Run lost %u time%s",
			    (unsigned)a->run_lost, plural(a->run_lost));
		else
			sb_printf(sum, "still unanswered when the trace ends");
		if (f->nat_changes_run == 0 &&
		    (f->flags & CS_FACTS_F_JOIN_RC) &&
		    f->join_rc == CS_RC_SUCCESS_NAT)
			sb_printf(sum,
			    "; the controller reported NAT (Join Result "
			    "Code 2)");
		if (f->nat_changes_run > 0)
			sb_printf(sum,
			    "; the NAT mapping changed %u time%s while in Run",
			    (unsigned)f->nat_changes_run,
			    plural(f->nat_changes_run));
		if (a->run_idle_ms > 0)
			sb_printf(sum, "; longest idle gap %u ms",
			    (unsigned)a->run_idle_ms);
		sb_printf(sum, ".");
		sb_printf(hint,
		    "A NAT in the path rebinds or expires the AP's mapping "
		    "while the session is idle, so the controller drops "
		    "packets from the new port; raise the NAT UDP idle "
		    "timeout above the CAPWAP echo interval or pin the "
		    "mapping.");
		break;
	case CS_DIAG_DATA_CHANNEL_BLOCKED:
		if (f->ka_up > 0)
			sb_printf(sum,
			    "Control channel joined but the data channel never "
			    "answers: %s%u keep-alives sent%s, %u received.",
			    upto(a), (unsigned)a->ka_up, per(a),
			    (unsigned)a->ka_down);
		else
			sb_printf(sum,
			    "Control channel joined and reached Run, but not "
			    "one data channel keep-alive was seen (UDP 5247) "
			    "and Run was lost.");
		sb_printf(hint,
		    "UDP 5247 (CAPWAP data) is blocked while 5246 works: "
		    "open UDP 5247 both ways.");
		break;
	case CS_DIAG_JOIN_REJECTED:
		sb_printf(sum,
		    "The controller rejected the Join Request: Result Code "
		    "%u (%s).",
		    (unsigned)f->join_rc, cs_result_code_name(f->join_rc));
		sb_printf(hint,
		    "Check the controller's join policy for these APs (AP "
		    "authorization list, regulatory domain, supported "
		    "model, duplicate session).");
		break;
	case CS_DIAG_WLC_CAPACITY:
		sb_printf(sum,
		    "The controller refused the Join for capacity: Result "
		    "Code %u (%s).",
		    (unsigned)f->join_rc, cs_result_code_name(f->join_rc));
		sb_printf(hint,
		    "The WLC is at its AP limit (licence or platform "
		    "maximum): add capacity or move APs to another "
		    "controller.");
		break;
	case CS_DIAG_DTLS_MISMATCH:
		sb_printf(sum, "The DTLS handshake fails before agreement");
		if (f->dtls_fail != 0)
			sb_printf(sum, " (%s)", dtls_fail_text(f->dtls_fail));
		if (f->alert_down_desc != CS_FACTS_NONE8)
			sb_printf(sum, ": the controller sent %s",
			    alert_name(f->alert_down_desc));
		else if (f->alert_up_desc != CS_FACTS_NONE8)
			sb_printf(sum, ": the AP sent %s",
			    alert_name(f->alert_up_desc));
		sb_printf(sum, ".");
		sb_printf(hint,
		    "AP and controller share no DTLS version or cipher "
		    "suite (e.g. a DTLS 1.0 AP against a 1.2-only WLC, or "
		    "an ECDSA-only cipher list with an RSA certificate): "
		    "align the WLC's DTLS version and ciphers with the "
		    "APs.");
		break;
	case CS_DIAG_OPTION43_WRONG:
		if (f->o43_err == 1) {
			sb_printf(sum, "DHCP gave no option 43");
		} else {
			sb_printf(sum, "DHCP option 43 (");
			for (unsigned i = 0;
			     i < f->o43_len && i < CS_FACTS_O43_LEN; i++)
				sb_printf(sum, "%02x", f->o43[i]);
			sb_printf(sum, ") %s",
			    f->o43_err != 0 ? "does not decode"
			                    : "does not name the controller");
		}
		sb_printf(sum, "; %s%u Discovery Request%s%s got no response.",
		    upto(a), (unsigned)a->disc_req, plural(a->disc_req),
		    per(a));
		sb_printf(hint,
		    "Fix option 43 on the DHCP server: TLV f1, length 4 "
		    "per controller, the WLC management addresses in hex "
		    "(Windows DHCP wants hex, not ASCII).");
		break;
	case CS_DIAG_WLC_RESTART:
		sb_printf(sum,
		    "The APs lost Run at the same time (Run lost %s%u "
		    "time%s%s) and rejoined.",
		    upto(a), (unsigned)a->run_lost, plural(a->run_lost),
		    per(a));
		if (ctx->wlc_restarts > 0)
			sb_printf(sum, " The controller restarted %u times.",
			    ctx->wlc_restarts);
		sb_printf(hint,
		    "The controller restarted or failed over: every AP "
		    "rediscovers and rejoins at once (a join storm); check "
		    "the controller's uptime and crash logs.");
		break;
	case CS_DIAG_MIXED:
	case CS_DIAG_UNKNOWN:
	case CS_DIAG__COUNT:
	default:
		if (f != NULL &&
		    cs_phase_name((enum cs_phase)f->fail_phase) != NULL) {
			const char *nul =
			    memchr(f->reason, '\0', sizeof(f->reason));
			size_t rl = nul != NULL ? (size_t)(nul - f->reason)
			                        : sizeof(f->reason);

			sb_printf(sum, "Stopped in %s%s%.*s.",
			    cs_phase_name((enum cs_phase)f->fail_phase),
			    rl > 0 ? ": " : "", (int)rl, f->reason);
		} else if (f != NULL && f->ch > 0)
			sb_printf(sum,
			    "DTLS in progress: ClientHello sent %u times, "
			    "ServerHello received %u times.",
			    (unsigned)f->ch, (unsigned)f->sh);
		else if (f != NULL && f->disc_req > 0)
			sb_printf(sum, "Discovery in progress (%u requests).",
			    (unsigned)f->disc_req);
		else
			sb_printf(sum, "Not enough traffic to tell.");
		sb_printf(hint, "No known signature matches.");
		break;
	}
}

enum cs_diag_code
cs_diagnose_ap(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx,
    char *buf, size_t len)
{
	static const struct cs_diag_ctx zero;
	struct sbuf sum = { 0 }, hint = { 0 };
	struct agg a = { 0 };
	enum cs_diag_code c;
	bool plain;

	if (ctx == NULL)
		ctx = &zero;
	if (f == NULL) {
		if (buf != NULL && len > 0)
			snprintf(buf, len, "unknown: no facts");
		return CS_DIAG_UNKNOWN;
	}
	c = classify(f, ctx, &plain);
	if (buf == NULL || len == 0)
		return c;
	agg_add(&a, f);
	sum.p = buf;
	sum.cap = len;
	sum.fixed = true;
	buf[0] = '\0';
	sb_printf(&sum, "%s: ", diag_names[c]);
	/* the hint is not part of the one-liner; render it into a scratch
	 * buffer that is thrown away */
	char scratch[8];
	hint.p = scratch;
	hint.cap = sizeof(scratch);
	hint.fixed = true;
	words(c, &a, ctx, &sum, &hint);
	return c;
}

/* ---------------------------------------------------------------------
 * Aggregate
 */

int
cs_diagnose(const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx, struct cs_diagnosis *out)
{
	static const struct cs_diag_ctx zero;
	struct agg a[CS_DIAG__COUNT];
	struct sbuf sum = { 0 }, hint = { 0 };
	unsigned count[CS_DIAG__COUNT] = { 0 };
	unsigned reached_run = 0, plain_n = 0, looked = 0, affected, known;
	uint64_t lost_min = UINT64_MAX, lost_max = 0, window;
	enum cs_diag_code primary = CS_DIAG_OK;
	unsigned top = 0;

	if (out == NULL || (aps == NULL && n > 0))
		return -EINVAL;
	if (ctx == NULL)
		ctx = &zero;
	memset(a, 0, sizeof(a));

	/* pass 1: when did plain Run losses happen? */
	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		bool plain;

		if (f == NULL)
			continue;
		(void)classify(f, ctx, &plain);
		if (f->runs > 0)
			reached_run++;
		if (plain) {
			uint64_t t = run_lost_at(f);

			plain_n++;
			if (t < lost_min)
				lost_min = t;
			if (t > lost_max)
				lost_max = t;
		}
	}
	window = ctx->simultaneous_ms;
	if (window == 0)
		window = 3ull *
		    (ctx->echo_interval_ms ? ctx->echo_interval_ms : 30000u);
	/* "everywhere at once": several APs, at least half of those that
	 * reached Run, all within the window */
	bool restart = ctx->wlc_restarts > 0 ||
	    (plain_n >= 2 && plain_n * 2 >= reached_run &&
	        lost_max - lost_min <= window);

	/* pass 2: classify */
	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		enum cs_diag_code c;
		bool plain;

		if (f == NULL)
			continue;
		looked++;
		c = classify(f, ctx, &plain);
		if (plain && restart)
			c = CS_DIAG_WLC_RESTART;
		count[c]++;
		agg_add(&a[c], f);
	}
	affected = looked - count[CS_DIAG_OK];
	known = affected - count[CS_DIAG_UNKNOWN];

	unsigned n_causes = 0;
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		if (c == CS_DIAG_OK || c == CS_DIAG_UNKNOWN || count[c] == 0)
			continue;
		n_causes++;
		if (count[c] > top) {
			top = count[c];
			primary = (enum cs_diag_code)c;
		}
	}
	if (affected == 0 || looked == 0) {
		primary = CS_DIAG_OK;
	} else if (known == 0) {
		/* only undecided APs: a few stragglers are not a failure */
		primary = (uint64_t)count[CS_DIAG_UNKNOWN] * 20 <= looked
		    ? CS_DIAG_OK
		    : CS_DIAG_UNKNOWN;
	} else if (n_causes > 1 && (uint64_t)top * 10 < (uint64_t)known * 8) {
		primary = CS_DIAG_MIXED;
	}

	/* words */
	if (primary == CS_DIAG_MIXED) {
		bool first = true;

		sb_printf(&sum, "Several causes: ");
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			if (c == CS_DIAG_OK || count[c] == 0)
				continue;
			sb_printf(&sum, "%s%s (%u AP%s)", first ? "" : ", ",
			    diag_names[c], count[c], count[c] == 1 ? "" : "s");
			first = false;
		}
		sb_printf(&sum, ".");
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			if (c == CS_DIAG_OK || c == CS_DIAG_UNKNOWN ||
			    count[c] == 0)
				continue;
			sb_printf(&sum, " %s: ", diag_names[c]);
			sb_printf(&hint, "%s%s: ", hint.len ? " " : "",
			    diag_names[c]);
			words((enum cs_diag_code)c, &a[c], ctx, &sum, &hint);
		}
	} else if (primary == CS_DIAG_OK) {
		sb_printf(&sum, "%u of %u APs joined and in Run",
		    count[CS_DIAG_OK], looked);
		if (count[CS_DIAG_UNKNOWN] > 0)
			sb_printf(&sum, "; %u still undecided",
			    count[CS_DIAG_UNKNOWN]);
		sb_printf(&sum, ".");
		sb_printf(&hint, "Nothing to fix.");
	} else {
		sb_printf(&sum, "%u of %u APs: ", count[primary], looked);
		words(primary, &a[primary], ctx, &sum, &hint);
		if (affected > count[primary])
			sb_printf(&sum, " Others: %u AP%s (%s).",
			    affected - count[primary],
			    affected - count[primary] == 1 ? "" : "s",
			    count[CS_DIAG_UNKNOWN] == affected - count[primary]
			        ? "undecided"
			        : "other causes");
	}

	char *s = sb_take(&sum), *h = sb_take(&hint);
	if (s == NULL || h == NULL) {
		free(s);
		free(h);
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	out->primary = primary;
	out->code = diag_names[primary];
	out->summary = s;
	out->hint = h;
	out->aps = looked;
	out->aps_affected = affected;
	memcpy(out->count, count, sizeof(count));
	return 0;
}

void
cs_diagnosis_free(struct cs_diagnosis *d)
{
	if (d == NULL)
		return;
	free(d->summary);
	free(d->hint);
	d->summary = NULL;
	d->hint = NULL;
}
