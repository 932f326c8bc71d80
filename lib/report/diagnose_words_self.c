/* SPDX-License-Identifier: MIT */
/*
 * The words of the diagnosis for capsim itself and the load: overload, send
 * errors, a run too short (one function per verdict code, dispatched from
 * diagnose.c).
 */
#include "diagnose-internal.h"

#include <errno.h>
#include <string.h>

#include "capsim/capwap.h"
#include "capsim/dtls.h"

void
diag_words_controller_overloaded(const struct agg *a,
    const struct cs_diag_ctx *ctx, struct sbuf *sum, struct sbuf *hint)
{
	(void)a;

	sb_printf(sum,
	    "The controller's answers slow down as the offered "
	    "rate rises while capsim itself stays healthy");
	if (ctx->load.has)
		sb_printf(sum,
		    ": DTLS handshakes took %u ms (median of %llu) "
		    "with %u+ in flight, %u ms (median of %llu) with "
		    "%u+ in flight",
		    (unsigned)ctx->load.lo_p50_ms,
		    (unsigned long long)ctx->load.lo_n,
		    (unsigned)ctx->load.lo_inflight,
		    (unsigned)ctx->load.hi_p50_ms,
		    (unsigned long long)ctx->load.hi_n,
		    (unsigned)ctx->load.hi_inflight);
	sb_printf(sum, "; these APs' handshakes did not finish.");
	sb_printf(hint,
	    "Lower the join rate (--rate) or add controller "
	    "capacity.");
}

void
diag_words_sim_overloaded(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	(void)a;

	sb_printf(sum, "capsim itself was overloaded");
	if (ctx->has_self)
		self_text(&ctx->self, sum);
	sb_printf(sum,
	    "; these APs' timeouts say nothing about the network "
	    "or the controller.");
	sb_printf(hint,
	    "Run fewer APs at once (--rate, --max-inflight), on an "
	    "idle host, or raise net.core.rmem_max / the socket "
	    "buffers; then run again.");
}

void
diag_words_local_send_error(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	const struct cs_ap_facts *f = a->sample;
	int err = f->send_errno;

	if (err == 0 && ctx->has_self)
		err = ctx->has_self && ctx->self.route_err != 0
		    ? ctx->self.route_err
		    : ctx->self.send_errno[0].err;
	if (a->send_err > 0)
		sb_printf(sum,
		    "Nothing left this host: sending from the AP's "
		    "address failed %s%u time%s%s",
		    upto(a), (unsigned)a->send_err, plural(a->send_err),
		    per(a));
	else if (ctx->has_self && ctx->self.send_errors > 0)
		sb_printf(sum,
		    "Nothing came back and capsim's sends failed "
		    "%llu time%s",
		    (unsigned long long)ctx->self.send_errors,
		    ctx->self.send_errors == 1 ? "" : "s");
	else
		sb_printf(sum,
		    "Nothing came back and the route check before "
		    "the run failed");
	if (err != 0)
		sb_printf(sum, " (%s)", strerror(err));
	if (ctx->has_self && ctx->self.route_detail[0] != '\0')
		sb_printf(sum, ", %s", ctx->self.route_detail);
	sb_printf(sum, ".");
	sb_printf(hint,
	    "capsim cannot reach the controller from the AP "
	    "addresses: %s",
	    err == EINVAL || err == EADDRNOTAVAIL
	        ? "loopback AP addresses (127.x) cannot send to an "
	          "outside controller; give the APs an address on an "
	          "interface that routes to it (--ap-base-ip ADDR, "
	          "added with `ip addr add ADDR/24 dev IF`), or use "
	          "the embedded WLC (no --wlc)."
	        : "add a route to the controller from the AP addresses "
	          "(`ip route get WLC from AP-ADDR` shows the "
	          "problem; `ip route add WLC/32 via GW`), or change "
	          "--ap-base-ip / --wlc.");
}

void
diag_words_run_too_short(const struct agg *a, const struct cs_diag_ctx *ctx,
    struct sbuf *sum, struct sbuf *hint)
{
	sb_printf(sum, "The run ended before the APs could join");
	if (ctx->has_self && ctx->self.run_ms > 0)
		sb_printf(sum,
		    ": it lasted %llu ms, the discovery window is "
		    "%u ms",
		    (unsigned long long)ctx->self.run_ms,
		    (unsigned)ctx->self.discovery_window_ms);
	if (a->disc_req == 0 && a->ch == 0)
		sb_printf(
		    sum, "; %s sent nothing yet", a->n > 1 ? "they" : "it");
	sb_printf(sum, ".");
	sb_printf(hint,
	    "Run longer (--duration %llus or more), or shorten the "
	    "discovery wait (--max-discovery-interval, or "
	    "--skip-discovery).",
	    ctx->has_self
	        ? (unsigned long long)(ctx->self.discovery_window_ms / 1000u +
	              10u)
	        : 30ull);
}
