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
#include "diagnose-internal.h"

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
	[CS_DIAG_RETURN_PATH_DELAY] = "return-path-delay",
	[CS_DIAG_CONTROL_ADDR_UNREACH] = "control-address-unreachable",
	[CS_DIAG_CONTROLLER_UNRESPONSIVE] = "controller-unresponsive",
	[CS_DIAG_ECHO_UNANSWERED] = "echo-unanswered",
	[CS_DIAG_DATA_CHANNEL_LATENCY] = "data-channel-latency",
	[CS_DIAG_REQUEST_IGNORED] = "request-ignored",
	[CS_DIAG_CONTROLLER_OVERLOADED] = "controller-overloaded",
	[CS_DIAG_SIM_OVERLOADED] = "simulator-overloaded",
	[CS_DIAG_LOCAL_SEND_ERROR] = "local-send-error",
	[CS_DIAG_RUN_TOO_SHORT] = "run-too-short",
	[CS_DIAG_MIXED] = "mixed",
	[CS_DIAG_INCONCLUSIVE] = "inconclusive",
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
	/* the word before "inconclusive" existed */
	if (strcmp(word, "unknown") == 0) {
		*out = CS_DIAG_INCONCLUSIVE;
		return 0;
	}
	return -ENOENT;
}

bool
cs_diag_code_is_self(enum cs_diag_code c)
{
	return c == CS_DIAG_SIM_OVERLOADED || c == CS_DIAG_LOCAL_SEND_ERROR ||
	    c == CS_DIAG_RUN_TOO_SHORT;
}

static const char *const conf_names[] = {
	[CS_DIAG_CONF_LOW] = "low",
	[CS_DIAG_CONF_MEDIUM] = "medium",
	[CS_DIAG_CONF_HIGH] = "high",
};

const char *
cs_diag_conf_name(enum cs_diag_conf c)
{
	if ((unsigned)c >= CS_ARRAY_SIZE(conf_names))
		return NULL;
	return conf_names[c];
}

/* TLS/DTLS alert descriptions, RFC 5246 §7.2, RFC 8446 §6. */
const char *
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
void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->oom || sb->full)
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
			size_t end = sb->cap > 0 ? sb->cap - 1 : 0, cut = end;

			/* a line cut at a word boundary and marked, never
			 * mid-word ("(3 fai."), when there is room for it */
			if (sb->p != NULL && end >= 8) {
				while (cut > sb->len && sb->p[cut - 1] != ' ')
					cut--;
				while (cut > sb->len && sb->p[cut - 1] == ' ')
					cut--;
				if (cut <= sb->len || cut + 4 > end)
					cut = end - 3;
				else
					sb->p[cut++] = ' ';
				memcpy(sb->p + cut, "...", 4);
				end = cut + 3;
			}
			sb->len = end;
			sb->full = true;
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

void
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

bool
cert_stalled(const struct cs_ap_facts *f)
{
	return (f->flags & CS_FACTS_F_CERT_STALL) ||
	    (f->cert_seq_set && !(f->flags & CS_FACTS_F_CERT_DONE));
}

/* A stalled Certificate whose first fragment arrived.  The sender cuts
 * its fragments to fill datagrams, so the first one travels in a datagram
 * as big as any of the flight's: a size limit would have lost it too. */
static bool
cert_head_came(const struct cs_ap_facts *f)
{
	return f->cert_head_stall ||
	    (f->cert_seq_set && !(f->flags & CS_FACTS_F_CERT_DONE) &&
	        (f->cert_have & 1u));
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

/* The live WLC's counters are totals over every AP (ctx->wlc_*): they
 * speak for one AP only when none or all of what the APs sent arrived. */
enum glob {
	GLOB_NONE,
	GLOB_CH,  /* ClientHellos the WLC received (wlc_client_hello) */
	GLOB_DISC /* Discovery Requests it received (wlc_disc_req) */
};

/* What all the APs looked at sent (the WLC's totals are compared with
 * it). */
struct sent_all {
	uint64_t ch, disc_req;
};

struct verdict {
	enum cs_diag_code code;
	enum cs_diag_conf conf;
	enum why why;
	bool plain_run; /* Run lost, the AP's own facts do not say why:
	                   the aggregate looks for a restart */
	enum glob glob; /* decided by the WLC's totals over all APs, not by
	                   this AP's own counts: the aggregate checks that
	                   the totals can only mean this */
};

uint32_t
sum_classes(const uint16_t *c)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
		n += c[i];
	return n;
}

/* Both ends of one direction counted (live with the embedded WLC, or a
 * capture that saw both): sent[] by the sender, got[] by the receiver. */
static bool
sizes_known(const uint16_t *sent)
{
	return sum_classes(sent) > 0;
}

/*
 * MTU signature in one direction: every size class below some size
 * delivered in full (and at least one of them carried traffic), every
 * class above it lost in full; the class holding the limit may be
 * partial.  Returns 1 MTU-shaped, 0 no loss, -1 loss not shaped by size
 * (a small datagram lost while a bigger one arrived).  *limit gets the
 * largest size class delivered in full.
 */
static int
size_shape(const uint16_t *sent, const uint16_t *got, unsigned *limit)
{
	int first_loss = -1, last_full = -1;
	bool below_ok = false;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		if (sent[i] > got[i] + 1u && first_loss < 0)
			first_loss = (int)i;
		if (sent[i] > 0 && got[i] >= sent[i])
			last_full = (int)i;
	}
	if (first_loss < 0)
		return 0;
	/* above the limit, datagrams vanish: most of the first lossy
	 * class (it may hold the limit), not one random loss */
	if ((uint32_t)got[first_loss] * 2u >= sent[first_loss])
		return -1;
	for (int i = 0; i < first_loss; i++)
		if (sent[i] > 0 && got[i] > 0)
			below_ok = true;
	/* everything above the first lossy class lost in full */
	for (unsigned i = (unsigned)first_loss + 1; i < CS_FACTS_SIZE_CLASSES;
	     i++)
		if (got[i] > 0)
			return -1;
	*limit = last_full >= 0 && last_full < first_loss
	    ? cs_facts_size_class_max((unsigned)last_full)
	    : 0;
	return below_ok ? 1 : -1;
}

static bool
run_lost_any(const struct cs_ap_facts *f)
{
	return f->run_lost > 0 || run_losing(f);
}

static struct verdict
mkv(enum cs_diag_code c, enum cs_diag_conf conf, enum why why)
{
	struct verdict v = { c, conf, why, false, GLOB_NONE };

	return v;
}

/* A verdict read from the WLC's totals stands when they speak for every
 * AP: none of the requests arrived, or at least as many as all the APs
 * sent.  Otherwise some APs' requests arrived and others' may not have:
 * the totals cannot say which, so this AP is undecided. */
static struct verdict
glob_check(
    struct verdict v, const struct cs_diag_ctx *ctx, const struct sent_all *all)
{
	uint64_t got, sent;

	if (v.glob == GLOB_NONE)
		return v;
	got = v.glob == GLOB_CH ? ctx->wlc_client_hello : ctx->wlc_disc_req;
	sent = v.glob == GLOB_CH ? all->ch : all->disc_req;
	if (got == 0 || got >= sent)
		return v;
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_WLC_TOTALS);
}

/* Run was lost: what happened next says why (echoes, keep-alives, the
 * rediscovery and the DTLS retry). */
/* The controller's side of the AP, datagram by datagram (a capture at
 * the controller beside the APs', or an external controller's capture
 * given to the run): every datagram the AP sent reached the controller
 * and nothing it sent was lost, so the unanswered echoes and keep-alives
 * were the controller's own silence; the AP's fresh handshake then
 * worked: the controller forgot the sessions (a restart, a failover).
 * Not for the embedded WLC, whose restarts the run sees itself. */
static bool
wlc_forgot(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	if ((ctx->live && ctx->wlc_known) || !sizes_known(f->wlc_rx) ||
	    f->wlc_side_by_flight)
		return false;
	return sum_classes(f->wlc_rx) >= sum_classes(f->ap_tx) &&
	    sum_classes(f->wlc_tx) <= sum_classes(f->ap_rx);
}

static struct verdict
classify_run_lost(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	bool echo_dead = f->echo_streak_max_run >= 2 || run_losing(f);
	/* the data channel answered while the echoes did not (after the
	 * loss there is no data channel until the AP joins again) */
	bool ka_alive = f->ka_down_in_streak > 0;
	bool ka_dead = f->ka_up_in_streak > 0 && f->ka_down_in_streak == 0;
	bool rejoined = f->post_dtls_down > 0 &&
	    (f->runs >= 2 || f->hs_done >= 2 || (f->flags & CS_FACTS_F_IN_RUN));
	struct verdict v;

	if (f->nat_changes_run > 0)
		return mkv(CS_DIAG_NAT_REBINDING, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (ctx->wlc_restarts > 0)
		return mkv(CS_DIAG_WLC_RESTART, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (nat_seen(f) && !(f->post_ch >= 2 && f->post_dtls_down == 0))
		return mkv(
		    CS_DIAG_NAT_REBINDING, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	/* the DTLS retry dies on the way back */
	if (f->post_ch >= 2 && f->post_dtls_down == 0) {
		if (f->post_disc_resp > 0 || ka_alive)
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    ctx->wlc_known && ctx->wlc_client_hello > 0
			        ? CS_DIAG_CONF_HIGH
			        : CS_DIAG_CONF_MEDIUM,
			    WHY_RP_AFTER_RUN);
		if (ctx->wlc_known && ctx->wlc_client_hello > 0)
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    CS_DIAG_CONF_MEDIUM, WHY_RP_AFTER_RUN);
		if (f->post_disc_req >= 2 && f->post_disc_resp == 0)
			return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE,
			    CS_DIAG_CONF_MEDIUM, WHY_UNRESP_DISC);
		if (echo_dead && (ka_dead || f->ka_up == 0))
			return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE,
			    ka_dead ? CS_DIAG_CONF_MEDIUM : CS_DIAG_CONF_LOW,
			    WHY_UNRESP_ALL);
	}
	/* rediscovery gets no answer at all */
	if (f->post_disc_req >= 2 && f->post_disc_resp == 0 &&
	    f->post_dtls_down == 0 && !ka_alive)
		return mkv(CS_DIAG_CONTROLLER_UNRESPONSIVE, CS_DIAG_CONF_MEDIUM,
		    WHY_UNRESP_DISC);
	/* only the echoes go unanswered: the data channel shows the
	 * controller alive and the path up */
	if (echo_dead && ka_alive) {
		/* an earlier loss of the same kind was followed by a new
		 * Run (runs counts entries into Run): the controller took
		 * the AP back, even when the trace ends before this loss's
		 * retry is answered */
		if (rejoined || f->post_dtls_down > 0 ||
		    (f->runs >= 2 && f->run_lost >= 2))
			return mkv(CS_DIAG_ECHO_UNANSWERED, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_ECHO_NO_POST);
	}
	/* echoes (and keep-alives, when used) dead, then a fresh join
	 * works: the controller forgot the session */
	if (echo_dead && rejoined) {
		v = mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_RUN_REJOINED);
		v.plain_run = true;
		if (!ctx->live && f->alerts_down_run > 0) {
			v.code = CS_DIAG_WLC_RESTART;
			v.conf = CS_DIAG_CONF_MEDIUM;
		} else if (wlc_forgot(f, ctx)) {
			v.why = WHY_WLC_FORGOT; /* a restart if all at once */
		}
		return v;
	}
	if (echo_dead && f->ka_up > 0 && f->ka_down == 0 && !ctx->live)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_LOW, WHY_NONE);
	v = mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_RUN_LOST);
	v.plain_run = echo_dead;
	return v;
}

/* From the AP's side alone: the HelloVerifyRequests, matched to their
 * ClientHellos by record sequence number (RFC 6347 §4.2.1), all came
 * late while the AP retransmitted, none was skipped, and the
 * controller's flight came as well: delayed, not lost. */
static bool
hvr_late(const struct cs_ap_facts *f)
{
	return f->hvr_matched >= 2 && f->hvr_skipped == 0 &&
	    f->hvr_rtt_min_ms >= DIAG_LATE_MS && f->sh > 0;
}

/* DTLS never finished (ClientHellos sent, handshake open). */
static struct verdict
classify_hs(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	uint32_t down = dtls_down(f);
	bool quiet = f->alerts_down == 0 && f->alerts_up == 0;
	unsigned limit = 0;
	int shape;

	/* the controller answered, the AP never used the cookie: seen from
	 * the WLC's side of a return-path loss */
	if (f->ch >= 2 && f->hvr > 0 && f->ch_cookie == 0 && f->sh == 0 &&
	    f->alerts_down == 0)
		return ctx->wlc_known && ctx->wlc_client_hello == 0
		    ? mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
		          WHY_NONE)
		    : mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
		          WHY_NONE);
	if (down == 0) {
		if (f->ch < 2)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_STILL_TRYING);
		/* Join goes to the advertised Control IPv4 Address, another
		 * address than the one that answered discovery */
		if (f->disc_resp > 0 && f->disc_from_ip != 0 &&
		    f->ch_to_ip != 0 && f->ch_to_ip != f->disc_from_ip)
			return mkv(CS_DIAG_CONTROL_ADDR_UNREACH,
			    CS_DIAG_CONF_HIGH, WHY_NONE);
		/* the controller's side of this AP is known: it sent
		 * replies that never arrived, or never got the requests */
		if (sum_classes(f->wlc_tx) > sum_classes(f->ap_rx))
			return mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		if (sizes_known(f->wlc_rx) &&
		    sum_classes(f->wlc_rx) + f->ch <= sum_classes(f->ap_tx))
			return mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_NONE);
		if (ctx->wlc_known) {
			struct verdict v = ctx->wlc_client_hello == 0
			    ? mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			          WHY_NONE)
			    : mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			          WHY_NONE);

			v.glob = GLOB_CH;
			return v;
		}
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NO_WLC_SIDE);
	}
	/* replies do come, late, and none is missing.  Alerts speak against
	 * it only when nothing explains them: flights of an earlier
	 * handshake arriving in a later one (stale_down) spoil it (a
	 * ServerHello random that the new signature does not match) */
	if (f->dtls_delay_max_ms >= DIAG_LATE_MS &&
	    (quiet || f->stale_down > 0)) {
		/* the controller's counts, datagram by datagram (live); a
		 * capture's count cannot show a loss after it (at the AP
		 * side the lost ones are in neither count) */
		bool by_dgram =
		    sizes_known(f->wlc_tx) && !f->wlc_side_by_flight;
		bool none_lost = by_dgram
		    ? sum_classes(f->ap_rx) + 1u >= sum_classes(f->wlc_tx)
		    : (uint32_t)f->hvr + f->sh >= f->ch || hvr_late(f);

		if (none_lost)
			return mkv(CS_DIAG_RETURN_PATH_DELAY,
			    by_dgram ? CS_DIAG_CONF_HIGH : CS_DIAG_CONF_MEDIUM,
			    WHY_NONE);
	}
	/* sizes known at both ends, datagram by datagram: the loss is
	 * shaped by size or not */
	if (sizes_known(f->wlc_tx) && !f->wlc_side_by_flight) {
		shape = size_shape(f->wlc_tx, f->ap_rx, &limit);
		if (shape > 0)
			return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_MTU_SIZES);
		if (shape < 0)
			return mkv(CS_DIAG_RETURN_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_RP_SELECTIVE);
	}
	if (sizes_known(f->wlc_rx) && !f->wlc_side_by_flight) {
		shape = size_shape(f->ap_tx, f->wlc_rx, &limit);
		if (shape > 0)
			return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_MTU_SIZES);
		if (shape < 0)
			return mkv(CS_DIAG_FORWARD_PATH_LOSS, CS_DIAG_CONF_HIGH,
			    WHY_RP_SELECTIVE);
	}
	/* both ends counted and nothing lost by size or otherwise: the
	 * AP-only flight reading below would contradict them */
	if ((sizes_known(f->wlc_tx) || sizes_known(f->wlc_rx)) &&
	    !f->wlc_side_by_flight)
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
	/* flights of earlier handshakes arrived during later ones: the
	 * replies are late, and the flight readings below (a flight the AP
	 * did not act on taken as lost) do not hold */
	if (f->stale_down > 0)
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_LATE_FLIGHTS);
	if (!quiet)
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
	/* only the AP's view from here.  The controller's Certificate
	 * arrived whole (no size limit on the way back) and its replies
	 * came late: the AP's flight lost by size would leave the
	 * controller silent, not late; delayed or lost flights, which this
	 * side alone cannot tell apart */
	if (f->dtls_delay_max_ms >= DIAG_LATE_MS && f->cert > 0 &&
	    !cert_stalled(f))
		return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_LATE);
	/* only the AP's view: ServerHello came, the Certificate never
	 * completed, and every datagram that arrived was small */
	if (f->sh > 0 && (cert_stalled(f) || f->cert == 0)) {
		if (cert_head_came(f))
			return mkv(CS_DIAG_RETURN_PATH_LOSS,
			    CS_DIAG_CONF_MEDIUM, WHY_RP_CERT_HOLE);
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	}
	if (f->hvr > 0 && f->sh == 0 && f->ch_cookie >= 2) {
		/* later parts of the flight arrived, the ServerHello never
		 * did: size-based or selective, the sizes sent decide */
		if (f->shd > 0 || f->cert_req > 0 || f->cert_seq_set ||
		    f->flight_no_sh > 0)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_FLIGHT_PARTIAL);
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	}
	/* the AP's own flight lost by size: it was sent (its CCS went
	 * out) and the controller never answered it; an AP that never sent
	 * its flight was still waiting for the controller's */
	if (f->sh >= 2 && f->cert > 0 && f->ccs_down == 0 && f->ccs_up > 0)
		return mkv(CS_DIAG_MTU_FRAGMENT_LOSS, CS_DIAG_CONF_LOW,
		    WHY_MTU_FLIGHT);
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
}

/*
 * One AP.  Each verdict needs its evidence present and the evidence
 * against it absent; where the facts do not decide, inconclusive with the
 * missing piece named (enum why).
 */
static struct verdict
classify(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	enum cs_diag_code c;
	bool in_run = (f->flags & CS_FACTS_F_IN_RUN) != 0;
	bool hs_open = f->hs_done == 0 || (f->flags & CS_FACTS_F_IN_HS);
	bool lost = run_lost_any(f);
	uint32_t down = dtls_down(f);

	/* nothing happened at all */
	if (!(f->flags & CS_FACTS_F_STARTED) ||
	    (sum_classes(f->ap_tx) == 0 && sum_classes(f->ap_rx) == 0 &&
	        f->send_err == 0 && f->runs == 0 && f->join_req == 0 &&
	        f->join_resp == 0 && f->cfg_req == 0 && f->cfg_resp == 0 &&
	        f->echo_req == 0 && f->echo_resp == 0 &&
	        !(f->flags & CS_FACTS_F_JOIN_RC) &&
	        f->fail_phase == CS_FACTS_NONE8 && f->dtls_fail == 0 &&
	        !(f->flags & CS_FACTS_F_O43)))
		return mkv(
		    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NO_TRAFFIC);
	/* capsim's host could not send: nothing left it */
	if (f->send_err > 0 && down == 0 && f->disc_resp == 0 && !joined_ok(f))
		return mkv(
		    CS_DIAG_LOCAL_SEND_ERROR, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* control joined, data channel keep-alives never answered (Run may
	 * have come and gone by DataChannelDeadInterval) */
	if (joined_ok(f) && f->ka_up >= 2 && f->ka_down == 0)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* keep-alive replies come, late, none missing; echoes answered */
	if (joined_ok(f) && f->ka_down > 0 &&
	    f->ka_delay_max_ms >= DIAG_LATE_MS &&
	    /* replies still on their way when Run ended (or the trace
	     * did) are not lost: at least half came back */
	    (uint32_t)f->ka_down * 2u >= f->ka_up &&
	    f->echo_streak_max_run < 2 && (lost || !in_run))
		return mkv(
		    CS_DIAG_DATA_CHANNEL_LATENCY, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* a capture (at the WLC, say) where Run came and went without a
	 * single keep-alive on UDP 5247 */
	if (!ctx->live && joined_ok(f) && f->runs > 0 && lost &&
	    f->ka_up == 0 && f->ka_down == 0 && f->echo_streak_max_run < 2)
		return mkv(
		    CS_DIAG_DATA_CHANNEL_BLOCKED, CS_DIAG_CONF_LOW, WHY_NONE);
	if (lost)
		return classify_run_lost(f, ctx);
	if (in_run)
		return mkv(CS_DIAG_OK, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* option 43 never led to a controller */
	if ((f->flags & CS_FACTS_F_O43) && f->disc_resp == 0 &&
	    (f->o43_err != 0 || o43_misses_wlc(f, ctx)))
		return mkv(CS_DIAG_OPTION43_WRONG, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* the WLC refused the Join (RFC 5415 §4.6.35) */
	if ((f->flags & CS_FACTS_F_JOIN_RC) && f->join_rc != CS_RC_SUCCESS &&
	    f->join_rc != CS_RC_SUCCESS_NAT)
		return mkv(f->join_rc == CS_RC_JOIN_FAIL_RESOURCE
		        ? CS_DIAG_WLC_CAPACITY
		        : CS_DIAG_JOIN_REJECTED,
		    CS_DIAG_CONF_HIGH, WHY_NONE);
	/* DTLS failed for a reason one side named */
	c = classify_dtls_fail(f);
	if (c == CS_DIAG__COUNT)
		c = classify_alerts(f);
	if (c != CS_DIAG__COUNT)
		return mkv(c, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* replies came from an address the AP never sent to */
	if (f->other_src > 0 && !joined_ok(f))
		return mkv(
		    CS_DIAG_ASYMMETRIC_RETURN, CS_DIAG_CONF_HIGH, WHY_NONE);
	/* a control request retransmitted to exhaustion while DTLS stays up
	 * (no alert, no new handshake) */
	/* a control request retransmitted to exhaustion while DTLS stays
	 * up: the controller never complained (no alert from it); the AP
	 * closing the session after giving up (close_notify, encrypted:
	 * description unknown) is not a complaint */
	if (!hs_open && f->req_type != 0 && f->req_sent >= DIAG_REQ_EXHAUSTED &&
	    f->alerts_down == 0 &&
	    (f->alert_up_desc == CS_FACTS_NONE8 || f->alert_up_desc == 0)) {
		/* the controller's own counts (datagram by datagram) show
		 * datagrams it sent that never reached the AP: its answers
		 * may be among them, so the request was not shown to be
		 * ignored; the shape of the loss decides */
		if (sizes_known(f->wlc_tx) && !f->wlc_side_by_flight &&
		    sum_classes(f->wlc_tx) > sum_classes(f->ap_rx)) {
			unsigned limit;
			int shape = size_shape(f->wlc_tx, f->ap_rx, &limit);

			if (shape > 0)
				return mkv(CS_DIAG_MTU_FRAGMENT_LOSS,
				    CS_DIAG_CONF_HIGH, WHY_MTU_SIZES);
			if (shape < 0)
				return mkv(CS_DIAG_RETURN_PATH_LOSS,
				    CS_DIAG_CONF_HIGH, WHY_RP_SELECTIVE);
			return mkv(
			    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
		}
		return mkv(CS_DIAG_REQUEST_IGNORED,
		    f->join_resp >= 2 || f->req_sent >= 5 ? CS_DIAG_CONF_HIGH
		                                          : CS_DIAG_CONF_MEDIUM,
		    WHY_NONE);
	}
	if (f->ch > 0 && hs_open)
		return classify_hs(f, ctx);
	/* discovery answered (the WLC's side shows the responses) but the
	 * AP keeps asking: the responses do not reach it */
	if (f->ch == 0 && f->disc_resp > 0 && f->disc_req_after_resp >= 2)
		return mkv(nat_seen(f) ? CS_DIAG_NAT_NO_RETURN
		                       : CS_DIAG_RETURN_PATH_LOSS,
		    CS_DIAG_CONF_MEDIUM, WHY_NONE);
	/* discovery never answered */
	if (f->ch == 0 && f->disc_req > 0 && f->disc_resp == 0) {
		if (f->disc_req < 2)
			return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW,
			    WHY_STILL_TRYING);
		if ((f->flags & CS_FACTS_F_NAT) &&
		    (!ctx->wlc_known || ctx->wlc_disc_req > 0))
			return mkv(CS_DIAG_NAT_NO_RETURN, CS_DIAG_CONF_MEDIUM,
			    WHY_NONE);
		if (ctx->wlc_known) {
			struct verdict v = mkv(ctx->wlc_disc_req > 0
			        ? CS_DIAG_RETURN_PATH_LOSS
			        : CS_DIAG_FORWARD_PATH_LOSS,
			    CS_DIAG_CONF_HIGH, WHY_NONE);

			v.glob = GLOB_DISC;
			return v;
		}
		return mkv(
		    CS_DIAG_NO_CONTROLLER, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	}
	/* an encrypted capture: handshake done, traffic both ways, no
	 * failure seen */
	if (!hs_open && f->app_up > 0 && f->app_down > 0 &&
	    f->fail_phase == CS_FACTS_NONE8 && f->alerts_down == 0 &&
	    f->alerts_up == 0)
		return mkv(CS_DIAG_OK, CS_DIAG_CONF_MEDIUM, WHY_NONE);
	return mkv(CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, WHY_NONE);
}

/* ---------------------------------------------------------------------
 * Words: one generator for the per-AP line and the aggregate.
 */

static void
agg_add(struct agg *a, const struct cs_ap_facts *f, const struct verdict *v)
{
	if (a->n++ == 0) {
		a->sample = f;
		a->why = v->why;
		a->conf = v->conf;
	}
	if (v->conf < a->conf)
		a->conf = v->conf;
	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		a->ap_rx[i] += f->ap_rx[i];
		a->wlc_tx[i] += f->wlc_tx[i];
		a->ap_tx[i] += f->ap_tx[i];
		a->wlc_rx[i] += f->wlc_rx[i];
	}
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
	AMAX(flight_no_sh);
	AMAX(stale_down);
	AMAX(hvr_rtt_max_ms);
	if (f->hvr_matched > 0 &&
	    (a->hvr_matched == 0 || f->hvr_rtt_min_ms < a->hvr_rtt_min_ms))
		a->hvr_rtt_min_ms = f->hvr_rtt_min_ms;
	AMAX(hvr_matched);
	AMAX(ka_up);
	AMAX(ka_down);
	AMAX(runs);
	AMAX(run_lost);
	AMAX(max_up);
	AMAX(max_down);
	AMAX(run_idle_ms);
	AMAX(dtls_delay_max_ms);
	AMAX(ka_delay_max_ms);
	AMAX(disc_delay_max_ms);
	AMAX(post_ch);
	AMAX(post_disc_req);
	AMAX(post_disc_resp);
	AMAX(post_ka_down);
	AMAX(req_sent);
	AMAX(send_err);
	AMAX(ka_down_in_streak);
	AMAX(ka_up_in_streak);
	AMAX(echo_req);
	AMAX(echo_resp);
	AMAX(join_resp);
#undef AMAX
	if (f->echo_streak_max_run > a->echo_streak)
		a->echo_streak = f->echo_streak_max_run;
}

uint32_t
sum_u32(const uint32_t *c)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++)
		n += c[i];
	return n;
}

/* "6 times" for one AP, "up to 6 times per AP" for several: upto()
 * goes before the number, per() after the noun. */
const char *
upto(const struct agg *a)
{
	return a->n > 1 ? "up to " : "";
}

const char *
per(const struct agg *a)
{
	return a->n > 1 ? " per AP" : "";
}

const char *
plural(unsigned v)
{
	return v == 1 ? "" : "s";
}

const char *
dtls_fail_text(unsigned code)
{
	const char *s = cs_dtls_fail_name((enum cs_dtls_fail)code);

	return s != NULL ? s : "failure";
}

/* capsim's own health, as numbers ("; loop up to 22000 ms late, ..."). */
void
self_text(const struct cs_self_health *h, struct sbuf *sb)
{
	if (h->has_lateness &&
	    (h->lateness_p99_ms >= DIAG_SELF_LATE_P99_MS ||
	        h->lateness_max_ms >= DIAG_SELF_LATE_MAX_MS))
		sb_printf(sb,
		    "; its event loop ran late (timer lateness p99 %u ms, "
		    "max %u ms)",
		    (unsigned)h->lateness_p99_ms, (unsigned)h->lateness_max_ms);
	if (h->has_rxq && h->rxq_drops > 0)
		sb_printf(sb,
		    "; the kernel dropped %llu datagram%s on its full "
		    "receive queues (SO_RXQ_OVFL)",
		    (unsigned long long)h->rxq_drops,
		    h->rxq_drops == 1 ? "" : "s");
	if (h->has_hs_queue && h->hs_queue_wait_max_ms > 0 &&
	    h->hs_queue_wait_max_ms * 2ull >=
	        (h->wait_dtls_ms ? h->wait_dtls_ms : 60000u))
		sb_printf(sb,
		    "; APs waited up to %u ms for a handshake slot (WaitDTLS "
		    "%u ms)",
		    (unsigned)h->hs_queue_wait_max_ms,
		    (unsigned)(h->wait_dtls_ms ? h->wait_dtls_ms : 60000u));
}

/* The stored failure reason, cut at a word boundary when it filled its
 * buffer (never "(3 fai."). */
static void
reason_text(const struct cs_ap_facts *f, struct sbuf *sb)
{
	const char *nul = memchr(f->reason, '\0', sizeof(f->reason));
	size_t rl = nul != NULL ? (size_t)(nul - f->reason) : sizeof(f->reason);
	bool cut = nul == NULL || rl + 1 >= sizeof(f->reason);

	if (cut) {
		while (rl > 0 && f->reason[rl - 1] != ' ')
			rl--;
		while (rl > 0 &&
		    (f->reason[rl - 1] == ' ' || f->reason[rl - 1] == '(' ||
		        f->reason[rl - 1] == ',' || f->reason[rl - 1] == ':'))
			rl--;
	}
	sb_printf(
	    sb, "%.*s%s", (int)rl, f->reason, cut && rl > 0 ? " ..." : "");
}

/* How the controller's side gets in: live, the run reads the
 * controller's capture; from a capture, analyze reads both. */
static void
peer_hint(const struct cs_diag_ctx *ctx, struct sbuf *hint)
{
	sb_printf(hint,
	    ctx->live ? "  The controller's capture decides it: capsim run ... "
	                "--peer-pcap WLC.pcapng."
	              : "  The controller's capture decides it: capsim analyze "
	                "CAPTURE --peer WLC.pcapng.");
}

/* Inconclusive: what was seen and what is missing to decide. */
static void
inconclusive_words(const struct cs_ap_facts *f, const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	if (f == NULL) {
		sb_printf(sum, "No AP facts at all.");
		sb_printf(hint,
		    "Nothing was observed: check the capture or "
		    "the run.");
		return;
	}
	switch (a->why) {
	case WHY_NO_TRAFFIC:
		sb_printf(sum,
		    "No traffic from or to the AP: nothing to tell "
		    "from.");
		sb_printf(hint,
		    "Missing: any datagram.  Run longer or check that the "
		    "AP started (and that a capture holds its traffic).");
		return;
	case WHY_STILL_TRYING:
		sb_printf(sum,
		    "Still trying: %u Discovery Request%s, %u ClientHello%s, "
		    "no answer yet.",
		    (unsigned)a->disc_req, plural(a->disc_req), (unsigned)a->ch,
		    plural(a->ch));
		sb_printf(hint,
		    "Missing: a retransmission to tell loss from "
		    "a slow answer.  Run longer.");
		return;
	case WHY_NO_WLC_SIDE:
		sb_printf(sum,
		    "ClientHello sent %s%u times%s, nothing came back; "
		    "whether they reached the controller is unknown.",
		    upto(a), (unsigned)a->ch, per(a));
		sb_printf(hint,
		    "Missing: the controller's side.  Capture at the "
		    "controller too (or run against the embedded WLC) to "
		    "tell forward from return path loss.");
		peer_hint(ctx, hint);
		return;
	case WHY_LATE:
		sb_printf(sum,
		    "The handshake never finished and the controller's DTLS "
		    "replies came late (up to %u ms after a ClientHello%s); "
		    "whether datagrams were delayed or lost is unknown "
		    "without what the controller sent.",
		    (unsigned)a->dtls_delay_max_ms, per(a));
		sb_printf(hint,
		    "Missing: the controller's side.  Capture at the "
		    "controller too: every datagram it sent arriving late is "
		    "a delay, some never arriving is loss.");
		peer_hint(ctx, hint);
		return;
	case WHY_WLC_TOTALS:
		if (f->ch > 0)
			sb_printf(sum,
			    "ClientHello sent %s%u times%s, nothing came back; "
			    "the controller received %llu ClientHellos from "
			    "all APs, fewer than they sent, so whether this "
			    "AP's reached it is unknown.",
			    upto(a), (unsigned)a->ch, per(a),
			    (unsigned long long)ctx->wlc_client_hello);
		else
			sb_printf(sum,
			    "Discovery Requests sent %s%u times%s, no "
			    "response; the controller received %llu from all "
			    "APs, fewer than they sent, so whether this AP's "
			    "reached it is unknown.",
			    upto(a), (unsigned)a->disc_req, per(a),
			    (unsigned long long)ctx->wlc_disc_req);
		sb_printf(hint,
		    "Missing: what the controller received from each AP.  "
		    "Capture at the controller too to tell forward from "
		    "return path loss.");
		peer_hint(ctx, hint);
		return;
	case WHY_FLIGHT_PARTIAL:
		sb_printf(sum,
		    "The controller's ServerHello never arrived (ClientHello "
		    "with cookie sent %s%u times%s) while later parts of "
		    "its flight got through (%s%u datagram%s with "
		    "Certificate, ServerKeyExchange, CertificateRequest or "
		    "ServerHelloDone and no ServerHello before them%s).",
		    upto(a), (unsigned)a->ch_cookie, per(a), upto(a),
		    (unsigned)a->flight_no_sh, plural(a->flight_no_sh), per(a));
		sb_printf(hint,
		    "Missing: the sizes the controller sent.  With them, "
		    "loss above a size is MTU, loss of small datagrams is "
		    "a selective drop; capture at the controller too.");
		peer_hint(ctx, hint);
		return;
	case WHY_LATE_FLIGHTS:
		sb_printf(sum,
		    "Replies are late: %s%u handshake message%s of an earlier "
		    "DTLS handshake arrived during a later one%s; whether "
		    "replies were also lost is not known (an answer the AP "
		    "did not act on may be late or lost).",
		    upto(a), (unsigned)a->stale_down, plural(a->stale_down),
		    per(a));
		sb_printf(hint,
		    "Missing: what the controller sent, datagram by "
		    "datagram.  Capture at the controller too (or run "
		    "against the embedded WLC) to tell a delay from a "
		    "delay with loss.");
		peer_hint(ctx, hint);
		return;
	case WHY_WLC_FORGOT:
		sb_printf(sum,
		    "Run lost (%s%u Echo Requests unanswered%s), then a "
		    "fresh join worked.  At the controller: it received all "
		    "%u datagrams the AP sent and none it sent was lost, so "
		    "the silence was its own; it then accepted a new session "
		    "from scratch (it forgot this one).",
		    upto(a), (unsigned)a->echo_streak, per(a),
		    (unsigned)sum_u32(a->ap_tx));
		sb_printf(hint,
		    "The controller dropped the AP's session (cleared, "
		    "restarted, failed over); a restart drops every AP's at "
		    "once.  Check its logs at that time.");
		return;
	case WHY_RUN_REJOINED:
		sb_printf(sum,
		    "Run lost (%s%u Echo Requests unanswered%s), then a "
		    "fresh join worked; no controller restart was seen.",
		    upto(a), (unsigned)a->echo_streak, per(a));
		sb_printf(hint,
		    "Missing: what the controller did (restart, failover, "
		    "session cleared); check its logs at that time.");
		peer_hint(ctx, hint);
		return;
	case WHY_ECHO_NO_POST:
		sb_printf(sum,
		    "In Run, %s%u Echo Requests unanswered%s while "
		    "keep-alives were answered; the trace ends before the "
		    "AP tried to join again.",
		    upto(a), (unsigned)a->echo_streak, per(a));
		sb_printf(hint,
		    "Missing: the rejoin.  If it works, the controller "
		    "ignores echoes; if its DTLS dies, the control return "
		    "path drops.  Run or capture longer.");
		return;
	case WHY_RUN_LOST:
		sb_printf(sum,
		    "Run lost %s%u time%s%s; nothing after it says why (%u "
		    "Echo Requests unanswered in a row, %u ClientHello%s, "
		    "%u Discovery Request%s after the loss).",
		    upto(a), (unsigned)a->run_lost, plural(a->run_lost), per(a),
		    (unsigned)a->echo_streak, (unsigned)a->post_ch,
		    plural(a->post_ch), (unsigned)a->post_disc_req,
		    plural(a->post_disc_req));
		sb_printf(hint,
		    "Missing: what happens after Run is lost.  Run "
		    "or capture longer.");
		return;
	default:
		break;
	}
	if (cs_phase_name((enum cs_phase)f->fail_phase) != NULL) {
		sb_printf(sum, "Stopped in %s",
		    cs_phase_name((enum cs_phase)f->fail_phase));
		if (f->reason[0] != '\0') {
			sb_printf(sum, ": ");
			reason_text(f, sum);
		}
		sb_printf(sum, "; no signature decides the cause.");
	} else if (f->ch > 0) {
		sb_printf(sum,
		    "DTLS in progress: ClientHello sent %u times, "
		    "ServerHello received %u times.",
		    (unsigned)f->ch, (unsigned)f->sh);
	} else if (f->disc_req > 0) {
		sb_printf(sum, "Discovery in progress (%u requests).",
		    (unsigned)f->disc_req);
	} else {
		sb_printf(sum, "Not enough traffic to tell.");
	}
	sb_printf(hint, "No cause has its evidence complete.");
}

/* What a capture at the controller (or the embedded WLC) counted for
 * these APs, when it shows datagrams lost on the way: @p down the
 * controller's answers, else the APs' requests. */
void
wlc_side_words(const struct agg *a, bool down, struct sbuf *sum)
{
	uint32_t sent = 0, got = 0;

	for (unsigned i = 0; i < CS_FACTS_SIZE_CLASSES; i++) {
		sent += down ? a->wlc_tx[i] : a->ap_tx[i];
		got += down ? a->ap_rx[i] : a->wlc_rx[i];
	}
	if (got >= sent || (!down && got == 0))
		return;
	if (down)
		sb_printf(sum,
		    " At the controller: it sent %u datagram%s to the AP%s, "
		    "%u arrived.",
		    (unsigned)sent, plural(sent), plural(a->n), (unsigned)got);
	else
		sb_printf(sum,
		    " At the controller: it received %u of the %u datagram%s "
		    "the AP%s sent.",
		    (unsigned)got, (unsigned)sent, plural(sent), plural(a->n));
}

/* The words of each verdict code, by family (diagnose_words_*.c); a code
 * without its own words (mixed, inconclusive) says what is missing. */
static void (*const words_fn[])(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint) = {
	[CS_DIAG_OK] = diag_words_ok,
	[CS_DIAG_RETURN_PATH_LOSS] = diag_words_return_path_loss,
	[CS_DIAG_FORWARD_PATH_LOSS] = diag_words_forward_path_loss,
	[CS_DIAG_NO_CONTROLLER] = diag_words_no_controller,
	[CS_DIAG_NAT_NO_RETURN] = diag_words_nat_no_return,
	[CS_DIAG_ASYMMETRIC_RETURN] = diag_words_asymmetric_return,
	[CS_DIAG_CERT_REJECTED_BY_AP] = diag_words_cert_rejected_by_ap,
	[CS_DIAG_CERT_REJECTED_BY_WLC] = diag_words_cert_rejected_by_wlc,
	[CS_DIAG_CLOCK_SKEW] = diag_words_clock_skew,
	[CS_DIAG_MTU_FRAGMENT_LOSS] = diag_words_mtu_fragment_loss,
	[CS_DIAG_NAT_REBINDING] = diag_words_nat_rebinding,
	[CS_DIAG_DATA_CHANNEL_BLOCKED] = diag_words_data_channel_blocked,
	[CS_DIAG_JOIN_REJECTED] = diag_words_join_rejected,
	[CS_DIAG_WLC_CAPACITY] = diag_words_wlc_capacity,
	[CS_DIAG_DTLS_MISMATCH] = diag_words_dtls_mismatch,
	[CS_DIAG_OPTION43_WRONG] = diag_words_option43_wrong,
	[CS_DIAG_WLC_RESTART] = diag_words_wlc_restart,
	[CS_DIAG_RETURN_PATH_DELAY] = diag_words_return_path_delay,
	[CS_DIAG_CONTROL_ADDR_UNREACH] = diag_words_control_addr_unreach,
	[CS_DIAG_CONTROLLER_UNRESPONSIVE] = diag_words_controller_unresponsive,
	[CS_DIAG_ECHO_UNANSWERED] = diag_words_echo_unanswered,
	[CS_DIAG_DATA_CHANNEL_LATENCY] = diag_words_data_channel_latency,
	[CS_DIAG_REQUEST_IGNORED] = diag_words_request_ignored,
	[CS_DIAG_CONTROLLER_OVERLOADED] = diag_words_controller_overloaded,
	[CS_DIAG_SIM_OVERLOADED] = diag_words_sim_overloaded,
	[CS_DIAG_LOCAL_SEND_ERROR] = diag_words_local_send_error,
	[CS_DIAG_RUN_TOO_SHORT] = diag_words_run_too_short,
	[CS_DIAG_MIXED] = NULL,
	[CS_DIAG_INCONCLUSIVE] = NULL,
};
_Static_assert(CS_ARRAY_SIZE(words_fn) == CS_DIAG__COUNT,
    "words_fn[] out of sync with enum cs_diag_code");

static void
words(enum cs_diag_code c, const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	if ((unsigned)c < CS_ARRAY_SIZE(words_fn) && words_fn[c] != NULL)
		words_fn[c](a, ctx, sum, hint);
	else
		inconclusive_words(a->sample, a, ctx, sum, hint);
}

enum cs_diag_code
cs_diagnose_ap(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx,
    char *buf, size_t len)
{
	static const struct cs_diag_ctx zero;
	struct sbuf sum = { 0 }, hint = { 0 };
	struct agg a = { 0 };
	struct sent_all all;
	struct verdict v;

	if (ctx == NULL)
		ctx = &zero;
	if (f == NULL) {
		if (buf != NULL && len > 0)
			snprintf(buf, len, "inconclusive: no facts");
		return CS_DIAG_INCONCLUSIVE;
	}
	all.ch = f->ch;
	all.disc_req = f->disc_req;
	v = glob_check(classify(f, ctx), ctx, &all);
	if (buf == NULL || len == 0)
		return v.code;
	agg_add(&a, f, &v);
	sum.p = buf;
	sum.cap = len;
	sum.fixed = true;
	buf[0] = '\0';
	sb_printf(&sum, "%s: ", diag_names[v.code]);
	/* the hint is not part of the one-liner; render it into a scratch
	 * buffer that is thrown away */
	char scratch[8];
	hint.p = scratch;
	hint.cap = sizeof(scratch);
	hint.fixed = true;
	words(v.code, &a, ctx, &sum, &hint);
	return v.code;
}

/* ---------------------------------------------------------------------
 * Aggregate
 */

/* capsim's loop, kernel queues or handshake queue were bad enough to
 * explain timeouts by themselves. */
static bool
self_overloaded(const struct cs_diag_ctx *ctx)
{
	const struct cs_self_health *h = &ctx->self;
	uint32_t wait_dtls = h->wait_dtls_ms ? h->wait_dtls_ms : 60000u;

	if (!ctx->has_self)
		return false;
	return (h->has_lateness &&
	           (h->lateness_p99_ms >= DIAG_SELF_LATE_P99_MS ||
	               h->lateness_max_ms >= DIAG_SELF_LATE_MAX_MS)) ||
	    (h->has_rxq && h->rxq_drops > 0) ||
	    (h->has_hs_queue &&
	        (uint64_t)h->hs_queue_wait_max_ms * 2 >= wait_dtls);
}

/* The controller's handshake latency grew with the load offered to it:
 * at >= 4x the handshakes in flight, the median is >= 3x and >= 250 ms
 * slower (a controller that keeps up answers as fast whatever the load;
 * a network delay does not grow with it). */
static bool
controller_slowed(const struct cs_diag_ctx *ctx)
{
	const struct cs_diag_load *l = &ctx->load;

	return l->has && l->hi_inflight >= 4 * (uint64_t)l->lo_inflight &&
	    l->hi_p50_ms >= 3 * (uint64_t)l->lo_p50_ms &&
	    l->hi_p50_ms >= (uint64_t)l->lo_p50_ms + DIAG_LOAD_SLOWER_MS;
}

/* Verdicts that rest on timing or on something not coming back: an
 * overloaded or mis-routed capsim produces them by itself.  Verdicts
 * read from what a peer said (alerts, Result Codes, certificates,
 * option 43) stand. */
static bool
code_is_timing(enum cs_diag_code c)
{
	switch (c) {
	case CS_DIAG_RETURN_PATH_LOSS:
	case CS_DIAG_FORWARD_PATH_LOSS:
	case CS_DIAG_NO_CONTROLLER:
	case CS_DIAG_NAT_NO_RETURN:
	case CS_DIAG_MTU_FRAGMENT_LOSS:
	case CS_DIAG_NAT_REBINDING:
	case CS_DIAG_DATA_CHANNEL_BLOCKED:
	case CS_DIAG_RETURN_PATH_DELAY:
	case CS_DIAG_CONTROL_ADDR_UNREACH:
	case CS_DIAG_CONTROLLER_UNRESPONSIVE:
	case CS_DIAG_ECHO_UNANSWERED:
	case CS_DIAG_DATA_CHANNEL_LATENCY:
	case CS_DIAG_REQUEST_IGNORED:
	case CS_DIAG_CONTROLLER_OVERLOADED:
	case CS_DIAG_INCONCLUSIVE:
		return true;
	default:
		return false;
	}
}

/* Nothing came back to this AP at all (a host that cannot send looks
 * exactly like this). */
static bool
nothing_back(const struct cs_ap_facts *f)
{
	return dtls_down(f) == 0 && f->disc_resp == 0 && f->ka_down == 0 &&
	    sum_classes(f->ap_rx) == 0;
}

/* The AP was still waiting for its first Discovery (or had barely
 * started) when the run ended. */
static bool
barely_started(const struct cs_ap_facts *f, const struct verdict *v)
{
	if (v->code != CS_DIAG_INCONCLUSIVE)
		return false;
	/* undecided, never in Run, no failure of its own: the run ended
	 * while it was still on its way */
	return v->why == WHY_NO_TRAFFIC || v->why == WHY_STILL_TRYING ||
	    (f->runs == 0 && f->fail_phase == CS_FACTS_NONE8 &&
	        f->dtls_fail == 0);
}

static struct verdict
aggregate_verdict(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx,
    const struct sent_all *all, bool restart, bool overloaded, bool too_short)
{
	struct verdict v = glob_check(classify(f, ctx), ctx, all);

	if (v.plain_run && restart) {
		v.code = CS_DIAG_WLC_RESTART;
		v.conf = ctx->wlc_restarts > 0 ? CS_DIAG_CONF_HIGH
		                               : CS_DIAG_CONF_MEDIUM;
	}
	if (!ctx->has_self)
		return v;
	/* capsim's own faults first: never blame the network or the
	 * controller for them */
	if ((ctx->self.route_err != 0 || ctx->self.send_errors > 0) &&
	    code_is_timing(v.code) && nothing_back(f) &&
	    (ctx->self.route_err != 0 || f->send_err > 0 ||
	        ctx->self.send_errors >= 1))
		return mkv(
		    CS_DIAG_LOCAL_SEND_ERROR, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (too_short && barely_started(f, &v))
		return mkv(CS_DIAG_RUN_TOO_SHORT, CS_DIAG_CONF_HIGH, WHY_NONE);
	if (overloaded && code_is_timing(v.code))
		return mkv(CS_DIAG_SIM_OVERLOADED, CS_DIAG_CONF_MEDIUM, v.why);
	/* the controller slower the more it is offered: an AP whose
	 * handshake began and did not finish waited for it, if capsim's
	 * loop kept its timers (p99 under 50 ms); between that and
	 * overloaded, capsim's own CPU may be what slowed the handshakes
	 * (both ends of them, with the embedded WLC): undecided */
	if (code_is_timing(v.code) && f->ch > 0 && f->runs == 0 &&
	    controller_slowed(ctx)) {
		if (ctx->self.has_lateness &&
		    ctx->self.lateness_p99_ms >= DIAG_HEALTHY_LATE_P99_MS)
			return mkv(
			    CS_DIAG_INCONCLUSIVE, CS_DIAG_CONF_LOW, v.why);
		return mkv(
		    CS_DIAG_CONTROLLER_OVERLOADED, CS_DIAG_CONF_MEDIUM, v.why);
	}
	return v;
}

int
cs_diagnose(const struct cs_ap_facts *const *aps, size_t n,
    const struct cs_diag_ctx *ctx, struct cs_diagnosis *out)
{
	static const struct cs_diag_ctx zero;
	struct agg a[CS_DIAG__COUNT];
	struct sbuf sum = { 0 }, hint = { 0 }, self = { 0 };
	struct sbuf ev[CS_DIAG__COUNT];
	unsigned count[CS_DIAG__COUNT] = { 0 };
	size_t *idx[CS_DIAG__COUNT] = { 0 };
	unsigned reached_run = 0, plain_n = 0, plain_forgot = 0;
	unsigned looked = 0, affected, known;
	uint64_t lost_min = UINT64_MAX, lost_max = 0, window;
	enum cs_diag_code primary = CS_DIAG_OK;
	unsigned top = 0, top_self = 0;
	bool overloaded, too_short, restart, oom = false;
	struct sent_all all = { 0, 0 };

	if (out == NULL || (aps == NULL && n > 0))
		return -EINVAL;
	if (ctx == NULL)
		ctx = &zero;
	memset(a, 0, sizeof(a));
	memset(ev, 0, sizeof(ev));
	overloaded = self_overloaded(ctx);
	too_short = ctx->has_self && ctx->self.run_ms > 0 &&
	    ctx->self.run_ms < ctx->self.discovery_window_ms;

	for (size_t i = 0; i < n; i++) {
		if (aps[i] != NULL) {
			all.ch += aps[i]->ch;
			all.disc_req += aps[i]->disc_req;
		}
	}
	/* pass 1: when did unexplained Run losses happen? */
	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		struct verdict v;

		if (f == NULL)
			continue;
		v = classify(f, ctx);
		if (f->runs > 0)
			reached_run++;
		if (v.plain_run) {
			uint64_t t = run_lost_at(f);

			plain_n++;
			if (v.why == WHY_WLC_FORGOT)
				plain_forgot++;
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
	/* a restart: seen live, or from the controller's side (its
	 * capture): several APs, at least half of those that reached Run,
	 * lost Run within the window, the controller received all they sent
	 * and answered nothing, then took every one of them back with a
	 * fresh handshake.  From the APs' side alone a cut that healed looks
	 * the same: not a restart. */
	restart = ctx->wlc_restarts > 0 ||
	    (plain_n >= 2 && plain_forgot == plain_n &&
	        plain_n * 2 >= reached_run && lost_max - lost_min <= window);

	/* pass 2: classify */
	for (size_t i = 0; i < n; i++) {
		const struct cs_ap_facts *f = aps[i];
		struct verdict v;

		if (f == NULL)
			continue;
		looked++;
		v = aggregate_verdict(
		    f, ctx, &all, restart, overloaded, too_short);
		if (idx[v.code] == NULL && !oom) {
			idx[v.code] = calloc(n, sizeof(size_t));
			oom = idx[v.code] == NULL;
		}
		if (idx[v.code] != NULL)
			idx[v.code][count[v.code]] = i;
		count[v.code]++;
		agg_add(&a[v.code], f, &v);
	}
	affected = looked - count[CS_DIAG_OK];
	known = affected - count[CS_DIAG_INCONCLUSIVE];

	unsigned n_causes = 0;
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		if (c == CS_DIAG_OK || c == CS_DIAG_INCONCLUSIVE ||
		    count[c] == 0)
			continue;
		n_causes++;
		if (count[c] > top) {
			top = count[c];
			primary = (enum cs_diag_code)c;
		}
		if (cs_diag_code_is_self((enum cs_diag_code)c))
			top_self += count[c];
	}
	if (looked == 0) {
		primary = CS_DIAG_INCONCLUSIVE;
	} else if (affected == 0) {
		primary = CS_DIAG_OK;
	} else if (known == 0) {
		/* only undecided APs: a few stragglers among APs in Run are
		 * not a failure; never "ok" without an AP that is */
		primary = count[CS_DIAG_OK] > 0 &&
		        (uint64_t)count[CS_DIAG_INCONCLUSIVE] * 20 <= looked
		    ? CS_DIAG_OK
		    : CS_DIAG_INCONCLUSIVE;
	} else if (n_causes > 1 && (uint64_t)top * 10 < (uint64_t)known * 8) {
		primary = CS_DIAG_MIXED;
	}

	/* evidence per cause */
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		struct sbuf scratch = { 0 };

		if (count[c] == 0)
			continue;
		sb_printf(&ev[c], "%u AP%s: ", count[c], plural(count[c]));
		words((enum cs_diag_code)c, &a[c], ctx, &ev[c], &scratch);
		free(scratch.p);
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
			if (c == CS_DIAG_OK || c == CS_DIAG_INCONCLUSIVE ||
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
		if (count[CS_DIAG_INCONCLUSIVE] > 0)
			sb_printf(&sum, "; %u still undecided",
			    count[CS_DIAG_INCONCLUSIVE]);
		sb_printf(&sum, ".");
		sb_printf(&hint, "Nothing to fix.");
	} else if (looked == 0) {
		sb_printf(&sum, "No AP to look at.");
		sb_printf(&hint, "Missing: any AP traffic.");
	} else {
		sb_printf(&sum, "%u of %u APs: ", count[primary], looked);
		words(primary, &a[primary], ctx, &sum, &hint);
		if (affected > count[primary])
			sb_printf(&sum, " Others: %u AP%s (%s).",
			    affected - count[primary],
			    affected - count[primary] == 1 ? "" : "s",
			    count[CS_DIAG_INCONCLUSIVE] ==
			            affected - count[primary]
			        ? "undecided"
			        : "other causes");
	}

	/* capsim's own health */
	bool self_bad = top_self > 0;
	if (ctx->has_self &&
	    (overloaded || ctx->self.send_errors > 0 ||
	        ctx->self.route_err != 0 || too_short)) {
		sb_printf(&self, "capsim's own health was bad");
		if (overloaded)
			self_text(&ctx->self, &self);
		if (ctx->self.send_errors > 0) {
			sb_printf(&self, "; %llu send%s failed (",
			    (unsigned long long)ctx->self.send_errors,
			    ctx->self.send_errors == 1 ? "" : "s");
			for (unsigned i = 0; i < CS_SELF_ERRNOS; i++) {
				int err = ctx->self.send_errno[i].err;

				if (err != 0)
					sb_printf(&self, "%s%s: %llu",
					    i > 0 ? ", " : "", strerror(err),
					    (unsigned long long)ctx->self
					        .send_errno[i]
					        .count);
			}
			sb_printf(&self, ")");
		}
		if (ctx->self.route_err != 0)
			sb_printf(&self, "; the route check failed: %s%s%s",
			    strerror(ctx->self.route_err),
			    ctx->self.route_detail[0] ? " " : "",
			    ctx->self.route_detail);
		if (too_short)
			sb_printf(&self,
			    "; the run (%llu ms) ended inside the discovery "
			    "window (%u ms)",
			    (unsigned long long)ctx->self.run_ms,
			    (unsigned)ctx->self.discovery_window_ms);
		sb_printf(&self, ".");
	}

	char *s = sb_take(&sum), *h = sb_take(&hint);
	char *e[CS_DIAG__COUNT] = { 0 };
	char *st = self.len > 0 ? sb_take(&self) : NULL;

	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		if (count[c] == 0)
			continue;
		e[c] = sb_take(&ev[c]);
		if (e[c] == NULL)
			oom = true;
	}
	if (s == NULL || h == NULL || oom || (self.len > 0 && st == NULL)) {
		free(s);
		free(h);
		free(st);
		free(self.p);
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
			free(e[c]);
			free(ev[c].p);
			free(idx[c]);
		}
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
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		out->ap_idx[c] = idx[c];
		out->cause_evidence[c] = e[c];
		out->conf[c] = count[c] > 0 ? a[c].conf : CS_DIAG_CONF_LOW;
	}
	if (primary == CS_DIAG_MIXED) {
		out->confidence = CS_DIAG_CONF_HIGH;
		for (unsigned c = 0; c < CS_DIAG__COUNT; c++)
			if (c != CS_DIAG_OK && count[c] > 0 &&
			    out->conf[c] < out->confidence)
				out->confidence = out->conf[c];
	} else if (primary == CS_DIAG_INCONCLUSIVE || looked == 0) {
		out->confidence = CS_DIAG_CONF_LOW;
	} else {
		out->confidence = a[primary].conf;
	}
	out->evidence = primary == CS_DIAG_MIXED
	    ? NULL
	    : strdup(e[primary] != NULL ? e[primary] : "no AP facts");
	if (primary != CS_DIAG_MIXED && out->evidence == NULL) {
		cs_diagnosis_free(out);
		return -ENOMEM;
	}
	out->self_bad = self_bad;
	out->self_text = st;
	return 0;
}

void
cs_diagnosis_free(struct cs_diagnosis *d)
{
	if (d == NULL)
		return;
	free(d->summary);
	free(d->hint);
	free(d->evidence);
	free(d->self_text);
	d->summary = NULL;
	d->hint = NULL;
	d->evidence = NULL;
	d->self_text = NULL;
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++) {
		free(d->ap_idx[c]);
		free(d->cause_evidence[c]);
		d->ap_idx[c] = NULL;
		d->cause_evidence[c] = NULL;
	}
}

/* ---------------------------------------------------------------------
 * AP name ranges
 */

/* Splits "capsim-ap-00012" into prefix length 10, number 12, width 5;
 * false when the name does not end in digits. */
static bool
name_num(const char *s, size_t *plen, unsigned long *num, size_t *width)
{
	size_t len = strlen(s), i = len;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == len || len - i > 9)
		return false;
	*plen = i;
	*width = len - i;
	*num = strtoul(s + i, NULL, 10);
	return true;
}

int
cs_diag_names_compress(
    const char *const *names, size_t n, size_t max_items, char *buf, size_t len)
{
	struct sbuf sb = { 0 };
	size_t items = 0, i = 0;
	size_t need = 0;

	if ((names == NULL && n > 0) || (buf == NULL && len > 0))
		return -EINVAL;
	sb.p = buf;
	sb.cap = len;
	sb.fixed = true;
	if (len > 0)
		buf[0] = '\0';
	while (i < n) {
		const char *s = names[i] != NULL ? names[i] : "?";
		size_t plen, width, j = i + 1;
		unsigned long num;
		char item[160];

		if (name_num(s, &plen, &num, &width)) {
			/* extend while the next name continues the run */
			while (j < n && names[j] != NULL) {
				size_t p2, w2;
				unsigned long n2;

				if (!name_num(names[j], &p2, &n2, &w2) ||
				    p2 != plen || w2 != width ||
				    strncmp(names[j], s, plen) != 0 ||
				    n2 != num + (j - i))
					break;
				j++;
			}
		}
		if (j - i >= 2)
			snprintf(item, sizeof(item), "%s..%s", s,
			    names[j - 1] + plen);
		else
			snprintf(item, sizeof(item), "%s", s);
		if (max_items > 0 && items == max_items) {
			size_t rest = n - i;

			need +=
			    (size_t)snprintf(NULL, 0, ",... (%zu more)", rest);
			sb_printf(&sb, ",... (%zu more)", rest);
			break;
		}
		need += strlen(item) + (items > 0 ? 1 : 0);
		sb_printf(&sb, "%s%s", items > 0 ? "," : "", item);
		items++;
		i = j;
	}
	return need > INT32_MAX ? INT32_MAX : (int)need;
}
