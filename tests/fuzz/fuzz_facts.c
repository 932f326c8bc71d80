/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for the diagnosis facts and rules (lib/report/facts.c,
 * lib/report/diagnose.c).  Input: 2 context bytes, then records
 * { op u8, len u16 big-endian, len bytes } fed to two APs' facts:
 *   op & 7: 0 cs_facts_wire, 1 cs_facts_wire_peer, 2 cs_facts_control,
 *           3 AP event, 4 NAT, 5 option 43, 6 DTLS failure, 7 clock skew
 *   op & 8: direction (down), op & 16: data channel, op & 32: second AP.
 * Checks: nothing crashes, each per-AP line is NUL-terminated inside its
 * buffer, the code is in range, the aggregate counts add up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/ap.h"
#include "capsim/diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
rd32(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < 4; i++)
		v = (v << 8) | (i < n ? p[i] : 0u);
	return v;
}

static void
feed(
    struct cs_ap_facts *f, uint8_t op, const uint8_t *p, size_t n, uint64_t now)
{
	enum cs_dir dir = (op & 8) ? CS_DIR_DOWN : CS_DIR_UP;
	enum cs_chan ch = (op & 16) ? CS_CHAN_DATA : CS_CHAN_CONTROL;
	struct cs_ap_event ev;

	switch (op & 7) {
	case 0:
		cs_facts_wire(f, dir, ch, p, n, now);
		break;
	case 1:
		cs_facts_wire_peer(f, dir, ch, rd32(p, n), 5246,
		    n > 4 ? p + 4 : p, n > 4 ? n - 4 : 0, now);
		break;
	case 2:
		cs_facts_control(f, dir, p, n, now);
		break;
	case 3:
		memset(&ev, 0, sizeof(ev));
		ev.t_ms = now;
		ev.kind = (enum cs_ap_ev_kind)(n > 0 ? p[0] % 8 : 0);
		ev.from = (enum cs_ap_state)(n > 1 ? p[1] % 16 : 0);
		ev.to = (enum cs_ap_state)(n > 2 ? p[2] % 16 : 0);
		ev.phase = (enum cs_phase)(n > 3 ? p[3] : 0);
		ev.msg_type = n > 4 ? p[4] : 0;
		ev.value = rd32(n > 5 ? p + 5 : p, n > 5 ? n - 5 : 0);
		ev.reason = "fuzz";
		cs_facts_ap_event(f, &ev);
		break;
	case 4:
		cs_facts_nat(f, rd32(p, n), (uint16_t)(n > 4 ? p[4] : 0));
		break;
	case 5:
		cs_facts_option43(f, n > 1 ? p + 1 : NULL, n > 1 ? n - 1 : 0,
		    n > 0 ? (int8_t)p[0] : 0);
		break;
	case 6:
		cs_facts_dtls_fail(f, n > 0 ? p[0] : 0, n > 1 && (p[1] & 1),
		    n > 2 ? (int)p[2] - 1 : -1, n > 3 ? "fuzz reason" : NULL,
		    now);
		break;
	default:
		cs_facts_clock_skew(f, (int32_t)rd32(p, n));
		break;
	}
}

static void
check_line(const struct cs_ap_facts *f, const struct cs_diag_ctx *ctx)
{
	char line[200];
	enum cs_diag_code c;

	memset(line, 0x7f, sizeof(line));
	c = cs_diagnose_ap(f, ctx, line, sizeof(line));
	if ((unsigned)c >= CS_DIAG__COUNT || c == CS_DIAG_MIXED)
		abort();
	if (memchr(line, '\0', sizeof(line)) == NULL)
		abort();
	if (strncmp(line, cs_diag_code_name(c), strlen(cs_diag_code_name(c))))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_ap_facts f[2];
	struct cs_diag_ctx ctx;
	struct cs_diagnosis d;
	const struct cs_ap_facts *v[3];
	size_t off = 2;
	uint64_t now = 1000;
	unsigned sum = 0;

	if (size < 2)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.live = data[0] & 1;
	ctx.wlc_known = (data[0] & 2) != 0;
	ctx.wlc_restarts = (data[0] >> 2) & 1;
	ctx.wlc_disc_req = data[1] & 3;
	ctx.wlc_client_hello = (data[1] >> 2) & 3;
	ctx.wlc_ip = (data[1] & 16) ? 0x0a000001u : 0;
	ctx.echo_interval_ms = (data[1] & 32) ? 1000u : 0;
	cs_facts_init(&f[0]);
	cs_facts_init(&f[1]);

	while (off + 3 <= size) {
		uint8_t op = data[off];
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2];

		off += 3;
		if (n > size - off)
			n = size - off;
		now += (op & 64) ? 30000u : 100u;
		feed(&f[(op & 32) ? 1 : 0], op, data + off, n, now);
		off += n;
	}

	for (int i = 0; i < 2; i++) {
		struct cs_ap_facts *x = &f[i];

		if ((x->flags & CS_FACTS_F_IN_RUN) && x->runs == 0)
			abort();
		if (x->run_lost > x->runs)
			abort();
		check_line(x, &ctx);
		check_line(x, NULL);
	}
	v[0] = &f[0];
	v[1] = NULL;
	v[2] = &f[1];
	if (cs_diagnose(v, 3, (data[0] & 8) ? NULL : &ctx, &d) != 0)
		return 0; /* -ENOMEM only */
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++)
		sum += d.count[c];
	if (d.aps != 2 || sum != 2 || d.count[CS_DIAG_MIXED] != 0 ||
	    d.aps_affected != d.aps - d.count[CS_DIAG_OK] ||
	    strcmp(d.code, cs_diag_code_name(d.primary)) != 0 ||
	    d.summary == NULL || d.hint == NULL)
		abort();
	cs_diagnosis_free(&d);
	return 0;
}
