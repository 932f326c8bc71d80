/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the capture tap (lib/report/capture.c): files read back
 * with the pcapng reader (block order: every key log line in a Decryption
 * Secrets Block before the next packet; IPv4/UDP framing and checksums;
 * snaplen; write errors; two writer threads), and, when tshark is
 * installed, a real DTLS 1.2 handshake between two lib/dtls sessions in
 * memory whose capture tshark must decrypt with the embedded secrets, plus
 * the clear capture that tshark must dissect as CAPWAP (RFC 5415) with no
 * malformed packet.  CS_CAPTURE_KEEP=DIR keeps the tshark test's files.
 */
#define _GNU_SOURCE /* nftw */

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/capture.h"
#include "capsim/capwap.h"
#include "capsim/capwap_keepalive.h"
#include "capsim/cursor.h"
#include "capsim/dtls.h"
#include "capsim/pcapng.h"
#include "capsim/pki.h"
#include "testutil.h"

#define T0 UINT64_C(1700000000000000) /* µs, 2023-11-14 */

/* 127.0.0.61:5246 (WLC) <-> 127.0.0.62:40000 (AP) */
#define WLC_IP   0x7f00003du
#define AP_IP    0x7f00003eu
#define WLC_PORT 5246
#define AP_PORT  40000

static char tmpdir[] = "/tmp/cs_capture_XXXXXX";

/* ---- helpers ------------------------------------------------------------ */

static void
path_in(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* RFC 1071: the one's-complement sum over a valid header is 0xffff. */
static void
assert_ipv4_checksum(const uint8_t *ip)
{
	uint32_t sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
}

/* Reads every block of a file into a small array (type + a few fields). */
struct blk {
	uint32_t type;
	uint64_t ts_us;
	uint32_t cap_len, orig_len;
	uint16_t linktype;
	struct cs_udp4_endpoints ep;
	const uint8_t *payload; /* UDP payload (EPB) or secrets (DSB) */
	size_t payload_len;
};

struct file_blocks {
	uint8_t *buf;
	size_t len;
	struct blk *b;
	size_t n;
	uint32_t idb_snaplen;
};

static void
read_blocks(const char *path, struct file_blocks *fb)
{
	struct cs_pcapng_rd rd;
	struct cs_pcapng_block blk;
	struct cs_err err = { 0 };
	size_t cap = 16;
	int r;

	memset(fb, 0, sizeof(*fb));
	fb->buf = slurp(path, &fb->len);
	fb->b = calloc(cap, sizeof(*fb->b));
	assert_non_null(fb->b);
	cs_pcapng_rd_init(&rd, fb->buf, fb->len);
	while ((r = cs_pcapng_rd_next(&rd, &blk, &err)) == 1) {
		struct blk *b;

		if (fb->n == cap) {
			cap *= 2;
			fb->b = realloc(fb->b, cap * sizeof(*fb->b));
			assert_non_null(fb->b);
		}
		b = &fb->b[fb->n++];
		memset(b, 0, sizeof(*b));
		b->type = blk.type;
		if (blk.type == CS_PCAPNG_BT_IDB) {
			struct cs_rd br;
			uint32_t v;

			/* linktype(2) reserved(2) snaplen(4), big-endian */
			cs_rd_init(&br, blk.body, blk.body_len);
			assert_int_equal(cs_rd_skip(&br, 4), 0);
			assert_int_equal(cs_rd_u32(&br, &v), 0);
			fb->idb_snaplen = v;
		} else if (blk.type == CS_PCAPNG_BT_EPB) {
			b->ts_us = blk.ts_us;
			b->cap_len = blk.cap_len;
			b->orig_len = blk.orig_len;
			b->linktype = blk.linktype;
			assert_int_equal(blk.linktype, CS_LINKTYPE_RAW);
			assert_true(blk.cap_len >= 20);
			assert_ipv4_checksum(blk.data);
			if (blk.cap_len == blk.orig_len) {
				r = cs_udp4_parse(blk.linktype, blk.data,
				    blk.cap_len, &b->ep, &b->payload,
				    &b->payload_len, &err);
				if (r != 0)
					fail_msg("udp4 parse: %s at %zu",
					    err.what, err.offset);
			}
		} else if (blk.type == CS_PCAPNG_BT_DSB) {
			assert_int_equal(
			    blk.secrets_type, CS_PCAPNG_SECRETS_TLS);
			b->payload = blk.secrets;
			b->payload_len = blk.secrets_len;
		}
	}
	if (r != 0)
		fail_msg("%s: pcapng: %s at %zu", path, err.what, err.offset);
}

static void
free_blocks(struct file_blocks *fb)
{
	free(fb->buf);
	free(fb->b);
}

/* ---- argument and error paths ------------------------------------------ */

static void
test_open_bad_args(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture *c = (struct cs_capture *)(uintptr_t)0x1;
	struct cs_err err = { 0 };
	char p[512];

	(void)state;
	assert_int_equal(cs_capture_open(NULL, &cfg, &err), -EINVAL);
	assert_int_equal(cs_capture_open(&c, NULL, NULL), -EINVAL);
	cfg.snaplen = 63;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.what, "snaplen"));
	cfg.snaplen = 0;
	path_in(p, sizeof(p), "same");
	cfg.pcap_path = p;
	cfg.keylog_path = p;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.what, "same path"));
	/* *ret untouched on every failure */
	assert_ptr_equal(c, (struct cs_capture *)(uintptr_t)0x1);
	assert_int_equal(access(p, F_OK), -1);
}

static void
test_open_bad_path(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture *c = NULL;
	struct cs_err err = { 0 };
	char p[512], q[512];

	(void)state;
	/* The wire file opens, the clear one cannot: nothing stays open
	 * and the message names the failing path. */
	path_in(p, sizeof(p), "ok.pcapng");
	path_in(q, sizeof(q), "no/such/dir/clear.pcapng");
	cfg.pcap_path = p;
	cfg.clear_path = q;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), -ENOENT);
	assert_null(c);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.what, q));
	assert_non_null(strstr(err.what, strerror(ENOENT)));
	unlink(p);

	/* A file that cannot be written fails at open (header flushed). */
	if (access("/dev/full", W_OK) == 0) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.pcap_path = "/dev/full";
		assert_int_equal(cs_capture_open(&c, &cfg, &err), -ENOSPC);
		assert_null(c);
		assert_string_equal(
		    err.what, "/dev/full: No space left on device");
	}
	/* A directory is not a file. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.keylog_path = tmpdir;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), -EISDIR);
	assert_null(c);
	assert_non_null(strstr(err.what, tmpdir));
}

static void
test_null_tap(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture_stats st;
	struct cs_capture *c = NULL;
	static const uint8_t pkt[4] = { 0 };

	(void)state;
	/* No files at all: every call is a no-op. */
	assert_int_equal(cs_capture_open(&c, &cfg, NULL), 0);
	assert_non_null(c);
	cs_capture_keylog(c, "CLIENT_RANDOM 00 11");
	cs_capture_wire(
	    c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, pkt, 4);
	cs_capture_clear(c, T0, CS_DIR_UP, CS_CHAN_CONTROL, AP_IP, AP_PORT,
	    WLC_IP, WLC_PORT, pkt, 4);
	cs_capture_stats(c, &st);
	assert_int_equal(st.wire_pkts + st.clear_pkts + st.dsbs, 0);
	assert_int_equal(st.keylog_lines, 1);
	assert_int_equal(cs_capture_close(c, NULL), 0);
	/* NULL everywhere is safe. */
	cs_capture_wire(
	    NULL, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, pkt, 4);
	cs_capture_keylog(NULL, "x");
	cs_capture_clear(NULL, T0, CS_DIR_UP, CS_CHAN_CONTROL, AP_IP, AP_PORT,
	    WLC_IP, WLC_PORT, pkt, 4);
	cs_capture_stats(NULL, &st);
	assert_int_equal(st.keylog_lines, 0);
	assert_int_equal(cs_capture_close(NULL, NULL), 0);
}

/* ---- block order and contents ------------------------------------------ */

static void
test_block_order(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture_stats st;
	struct cs_capture *c = NULL;
	struct file_blocks w, cl;
	struct cs_err err = { 0 };
	char pw[512], pc[512], pk[512];
	uint8_t p1[5] = { 0x01, 0, 0, 0, 0x16 }, p2[33], p3[1];
	uint8_t *kl;
	size_t kl_len;
	struct stat sb;

	(void)state;
	memset(p2, 0xa5, sizeof(p2));
	p3[0] = 0x17;
	path_in(pw, sizeof(pw), "wire.pcapng");
	path_in(pc, sizeof(pc), "clear.pcapng");
	path_in(pk, sizeof(pk), "keylog.txt");
	unlink(pk);
	cfg.pcap_path = pw;
	cfg.clear_path = pc;
	cfg.keylog_path = pk;
	cfg.user_appl = "capsim test";
	assert_int_equal(cs_capture_open(&c, &cfg, &err), 0);
	cs_capture_wire(c, T0 + 1, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT,
	    p1, sizeof(p1));
	cs_capture_keylog(c, "CLIENT_RANDOM aa bb\n");
	cs_capture_keylog(c, "CLIENT_RANDOM cc dd");
	cs_capture_keylog(c, "\r\n");                /* empty: ignored */
	cs_capture_keylog(c, "CLIENT_RANDOM aa bb"); /* duplicate: ignored */
	cs_capture_wire(c, T0 + 2, CS_DIR_DOWN, WLC_IP, WLC_PORT, AP_IP,
	    AP_PORT, p2, sizeof(p2));
	cs_capture_wire(c, T0 + 3, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT,
	    p3, sizeof(p3));
	cs_capture_clear(c, T0 + 3, CS_DIR_UP, CS_CHAN_CONTROL, AP_IP, AP_PORT,
	    WLC_IP, WLC_PORT, p2, sizeof(p2));
	cs_capture_keylog(c, "CLIENT_RANDOM ee ff");
	cs_capture_stats(c, &st);
	assert_int_equal(st.wire_pkts, 3);
	assert_int_equal(st.clear_pkts, 1);
	assert_int_equal(st.dsbs, 1);
	assert_int_equal(st.keylog_lines, 3);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(cs_capture_close(c, &err), 0);

	read_blocks(pw, &w);
	/* SHB IDB EPB DSB(aa,cc) EPB EPB DSB(ee: written at close) */
	assert_int_equal(w.n, 7);
	assert_int_equal(w.b[0].type, CS_PCAPNG_BT_SHB);
	assert_int_equal(w.b[1].type, CS_PCAPNG_BT_IDB);
	assert_int_equal(w.idb_snaplen, CS_PCAPNG_SNAPLEN);
	assert_int_equal(w.b[2].type, CS_PCAPNG_BT_EPB);
	assert_int_equal(w.b[3].type, CS_PCAPNG_BT_DSB);
	assert_int_equal(w.b[4].type, CS_PCAPNG_BT_EPB);
	assert_int_equal(w.b[5].type, CS_PCAPNG_BT_EPB);
	assert_int_equal(w.b[6].type, CS_PCAPNG_BT_DSB);
	assert_bytes_equal(w.b[3].payload, w.b[3].payload_len,
	    "CLIENT_RANDOM aa bb\nCLIENT_RANDOM cc dd\n", 40);
	assert_bytes_equal(
	    w.b[6].payload, w.b[6].payload_len, "CLIENT_RANDOM ee ff\n", 20);
	/* Packets: time, addresses, payload. */
	assert_int_equal(w.b[2].ts_us, T0 + 1);
	assert_int_equal(w.b[2].ep.src_addr, AP_IP);
	assert_int_equal(w.b[2].ep.dst_addr, WLC_IP);
	assert_int_equal(w.b[2].ep.src_port, AP_PORT);
	assert_int_equal(w.b[2].ep.dst_port, WLC_PORT);
	assert_bytes_equal(w.b[2].payload, w.b[2].payload_len, p1, sizeof(p1));
	assert_int_equal(w.b[4].ts_us, T0 + 2);
	assert_int_equal(w.b[4].ep.src_addr, WLC_IP);
	assert_int_equal(w.b[4].ep.dst_port, AP_PORT);
	assert_int_equal(w.b[4].orig_len, 28 + sizeof(p2));
	assert_bytes_equal(w.b[4].payload, w.b[4].payload_len, p2, sizeof(p2));
	assert_bytes_equal(w.b[5].payload, w.b[5].payload_len, p3, 1);
	free_blocks(&w);

	read_blocks(pc, &cl);
	assert_int_equal(cl.n, 3); /* SHB IDB EPB: no secrets here */
	assert_int_equal(cl.b[2].type, CS_PCAPNG_BT_EPB);
	assert_int_equal(cl.b[2].ts_us, T0 + 3);
	assert_int_equal(cl.b[2].ep.src_port, AP_PORT);
	assert_bytes_equal(
	    cl.b[2].payload, cl.b[2].payload_len, p2, sizeof(p2));
	free_blocks(&cl);

	kl = slurp(pk, &kl_len);
	assert_bytes_equal(kl, kl_len,
	    "CLIENT_RANDOM aa bb\nCLIENT_RANDOM cc dd\nCLIENT_RANDOM ee ff\n",
	    60);
	free(kl);
	assert_int_equal(stat(pk, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	/* The keylog file is appended to; the pcapng files are replaced. */
	cfg.clear_path = NULL;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), 0);
	cs_capture_keylog(c, "CLIENT_RANDOM 11 22");
	assert_int_equal(cs_capture_close(c, &err), 0);
	kl = slurp(pk, &kl_len);
	assert_int_equal(kl_len, 80);
	assert_memory_equal(kl + 60, "CLIENT_RANDOM 11 22\n", 20);
	free(kl);
	read_blocks(pw, &w);
	assert_int_equal(w.n, 3); /* SHB IDB DSB */
	assert_int_equal(w.b[2].type, CS_PCAPNG_BT_DSB);
	free_blocks(&w);
}

static void
test_snaplen_and_limits(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture_stats st;
	struct cs_capture *c = NULL;
	struct file_blocks w;
	char pw[512];
	uint8_t *big;
	const size_t big_len = CS_UDP4_MAX_PAYLOAD + 1;

	(void)state;
	big = malloc(big_len);
	assert_non_null(big);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (uint8_t)i;
	path_in(pw, sizeof(pw), "snap.pcapng");
	cfg.pcap_path = pw;
	cfg.snaplen = 100;
	assert_int_equal(cs_capture_open(&c, &cfg, NULL), 0);
	/* 72 bytes payload + 28 = exactly the snaplen: whole. */
	cs_capture_wire(
	    c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, big, 72);
	/* 500 bytes: cut to 100, original length kept. */
	cs_capture_wire(
	    c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, big, 500);
	/* larger than any IPv4 datagram: dropped */
	cs_capture_wire(
	    c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, big, big_len);
	/* NULL payload with a length: dropped */
	cs_capture_wire(
	    c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, NULL, 3);
	/* the largest one: cut */
	cs_capture_wire(c, T0, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, big,
	    big_len - 1);
	cs_capture_stats(c, &st);
	assert_int_equal(st.wire_pkts, 3);
	assert_int_equal(st.truncated, 2);
	assert_int_equal(st.dropped, 2);
	assert_int_equal(cs_capture_close(c, NULL), 0);

	read_blocks(pw, &w);
	assert_int_equal(w.idb_snaplen, 100);
	assert_int_equal(w.n, 5);
	assert_int_equal(w.b[2].cap_len, 100);
	assert_int_equal(w.b[2].orig_len, 100);
	assert_bytes_equal(w.b[2].payload, w.b[2].payload_len, big, 72);
	assert_int_equal(w.b[3].cap_len, 100);
	assert_int_equal(w.b[3].orig_len, 528);
	assert_int_equal(w.b[4].cap_len, 100);
	assert_int_equal(w.b[4].orig_len, 65535);
	free_blocks(&w);
	/* The cut packet's headers describe the original datagram. */
	{
		uint8_t *buf;
		size_t len;
		struct cs_pcapng_rd rd;
		struct cs_pcapng_block b;
		int k = 0;

		buf = slurp(pw, &len);
		cs_pcapng_rd_init(&rd, buf, len);
		while (cs_pcapng_rd_next(&rd, &b, NULL) == 1) {
			if (b.type != CS_PCAPNG_BT_EPB || k++ != 1)
				continue;
			assert_int_equal(b.data[2] << 8 | b.data[3], 528);
			assert_int_equal(b.data[24] << 8 | b.data[25], 508);
			assert_memory_equal(b.data + 28, big, 72);
		}
		free(buf);
	}
	free(big);
}

/* The two pcapng.c helpers the tap added: their failure paths. */
static void
test_pcapng_additions(void **state)
{
	uint8_t buf[256], pkt[8] = { 0 };
	struct cs_wr wr;

	(void)state;
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb_cut(&wr, 0, 0, pkt, 9, 8), -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb_cut(&wr, 0, 0, NULL, 1, 8), -EINVAL);
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb_cut(&wr, 0, 0, pkt,
	                     CS_PCAPNG_SNAPLEN + 1, CS_PCAPNG_SNAPLEN + 1),
	    -EMSGSIZE);
	assert_int_equal(cs_pcapng_put_epb_cut(NULL, 0, 0, pkt, 1, 1), -EINVAL);
	assert_int_equal(
	    cs_pcapng_put_idb_snaplen(NULL, CS_LINKTYPE_RAW, 64, NULL),
	    -EINVAL);
	/* 28 header + 0 data + 4 trailer */
	cs_wr_init(&wr, buf, sizeof(buf));
	assert_int_equal(cs_pcapng_put_epb_cut(&wr, 0, 0, pkt, 0, 100), 0);
	assert_int_equal(wr.len, 32);
	assert_int_equal(
	    buf[20] << 24 | buf[21] << 16 | buf[22] << 8 | buf[23], 0);
	assert_int_equal(
	    buf[24] << 24 | buf[25] << 16 | buf[26] << 8 | buf[27], 100);
	/* too small a buffer: -ENOBUFS, sticky */
	cs_wr_init(&wr, buf, 16);
	assert_int_equal(cs_pcapng_put_epb_cut(&wr, 0, 0, pkt, 8, 8), -ENOBUFS);
	assert_int_equal(wr.err, -ENOBUFS);
}

/* A write error mid-run (file size limit: EFBIG) stops that file and is
 * reported at close with the path; the other file goes on. */
static void
test_write_error(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture_stats st;
	struct cs_capture *c = NULL;
	struct cs_err err = { 0 };
	struct rlimit old, lim;
	struct sigaction sa, old_sa;
	struct file_blocks w;
	char pw[512], pk[512];
	uint8_t pkt[1000];
	int r;

	(void)state;
	memset(pkt, 0x5a, sizeof(pkt));
	path_in(pw, sizeof(pw), "efbig.pcapng");
	path_in(pk, sizeof(pk), "efbig.keys");
	unlink(pk);
	cfg.pcap_path = pw;
	cfg.keylog_path = pk;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	assert_int_equal(sigaction(SIGXFSZ, &sa, &old_sa), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 600 * 1024; /* below 1000 packets of ~1 kB */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (int i = 0; i < 1000; i++)
		cs_capture_wire(c, T0 + (uint64_t)i, CS_DIR_UP, AP_IP, AP_PORT,
		    WLC_IP, WLC_PORT, pkt, sizeof(pkt));
	cs_capture_keylog(c, "CLIENT_RANDOM 01 02");
	cs_capture_stats(c, &st);
	r = cs_capture_close(c, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(sigaction(SIGXFSZ, &old_sa, NULL), 0);
	assert_int_equal(r, -EFBIG);
	assert_int_equal(err.code, -EFBIG);
	assert_non_null(strstr(err.what, pw));
	assert_non_null(strstr(err.what, strerror(EFBIG)));
	assert_true(st.dropped > 0);
	assert_int_equal(st.wire_pkts + st.dropped, 1000);
	assert_true(st.wire_pkts < 620);
	/* the keylog file was still written */
	{
		size_t n;
		uint8_t *kl = slurp(pk, &n);

		assert_int_equal(n, 20);
		free(kl);
	}
	/* What was written is a valid capture prefix: whole blocks up to the
	 * last complete one. */
	{
		uint8_t *buf;
		size_t len, n = 0;
		struct cs_pcapng_rd rd;
		struct cs_pcapng_block b;

		buf = slurp(pw, &len);
		assert_true(len <= 600 * 1024);
		cs_pcapng_rd_init(&rd, buf, len);
		while (cs_pcapng_rd_next(&rd, &b, NULL) == 1)
			n++;
		assert_true(n >= 2);
		free(buf);
	}
	(void)w;
}

/* ---- two writer threads ------------------------------------------------ */

#define TH_PKTS 3000

struct th_arg {
	struct cs_capture *c;
	unsigned id;
};

/* Each packet names its thread and number; every 100th is preceded by a
 * key log line "CLIENT_RANDOM <thread> <n>" it depends on. */
static void *
th_main(void *p)
{
	struct th_arg *a = p;
	uint8_t pkt[64];
	char line[64];

	for (unsigned i = 0; i < TH_PKTS; i++) {
		size_t len = 8 + (i % 50);

		memset(pkt, (int)a->id, sizeof(pkt));
		pkt[0] = (uint8_t)a->id;
		pkt[1] = (uint8_t)(i >> 8);
		pkt[2] = (uint8_t)i;
		if (i % 100 == 0) {
			snprintf(line, sizeof(line), "CLIENT_RANDOM %02x %04x",
			    a->id, i);
			cs_capture_keylog(a->c, line);
		}
		if (i % 3 == 0)
			cs_capture_clear(a->c, T0 + i, CS_DIR_UP,
			    CS_CHAN_CONTROL, AP_IP + a->id, AP_PORT, WLC_IP,
			    WLC_PORT, pkt, len);
		cs_capture_wire(a->c, T0 + i, CS_DIR_UP, AP_IP + a->id, AP_PORT,
		    WLC_IP, WLC_PORT, pkt, len);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture *c = NULL;
	struct th_arg args[2];
	pthread_t th[2];
	struct file_blocks w, cl;
	char pw[512], pc[512], pk[512];
	unsigned next[2] = { 0, 0 };
	char seen[2][TH_PKTS / 100] = { { 0 } };
	uint8_t *kl;
	size_t kl_len, lines = 0;

	(void)state;
	path_in(pw, sizeof(pw), "th.pcapng");
	path_in(pc, sizeof(pc), "thc.pcapng");
	path_in(pk, sizeof(pk), "th.keys");
	unlink(pk);
	cfg.pcap_path = pw;
	cfg.clear_path = pc;
	cfg.keylog_path = pk;
	assert_int_equal(cs_capture_open(&c, &cfg, NULL), 0);
	for (unsigned i = 0; i < 2; i++) {
		args[i] = (struct th_arg){ c, i + 1 };
		assert_int_equal(
		    pthread_create(&th[i], NULL, th_main, &args[i]), 0);
	}
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(cs_capture_close(c, NULL), 0);

	read_blocks(pw, &w);
	for (size_t i = 2; i < w.n; i++) {
		const struct blk *b = &w.b[i];

		if (b->type == CS_PCAPNG_BT_DSB) {
			/* lines "CLIENT_RANDOM tt nnnn\n" (22 bytes) */
			assert_int_equal(b->payload_len % 22, 0);
			for (size_t o = 0; o < b->payload_len; o += 22) {
				unsigned t, n;

				assert_int_equal(
				    sscanf((const char *)b->payload + o,
				        "CLIENT_RANDOM %02x %04x", &t, &n),
				    2);
				assert_true(t == 1 || t == 2);
				assert_int_equal(n % 100, 0);
				seen[t - 1][n / 100]++;
			}
			continue;
		}
		assert_int_equal(b->type, CS_PCAPNG_BT_EPB);
		{
			unsigned t = b->payload[0], n;

			assert_true(t == 1 || t == 2);
			assert_int_equal(b->ep.src_addr, AP_IP + t);
			n = (unsigned)(b->payload[1] << 8 | b->payload[2]);
			/* each thread's packets in order, none lost */
			assert_int_equal(n, next[t - 1]);
			next[t - 1]++;
			assert_int_equal(b->payload_len, 8 + n % 50);
			/* its secret came first */
			assert_int_equal(seen[t - 1][n / 100], 1);
		}
	}
	assert_int_equal(next[0], TH_PKTS);
	assert_int_equal(next[1], TH_PKTS);
	free_blocks(&w);

	read_blocks(pc, &cl);
	assert_int_equal(cl.n, 2 + 2 * (TH_PKTS / 3));
	free_blocks(&cl);

	kl = slurp(pk, &kl_len);
	assert_int_equal(kl_len, 2 * (TH_PKTS / 100) * 22);
	for (size_t i = 0; i < kl_len; i++)
		lines += kl[i] == '\n';
	assert_int_equal(lines, 2 * (TH_PKTS / 100));
	free(kl);
}

/* ---- a real DTLS session, checked with tshark -------------------------- */

static struct cs_pki *pki;
static const uint8_t ap_mac[6] = { 0x00, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f };
static const uint8_t session[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 15, 16 };

#define QMAX  64
#define DGMAX 2048

struct side {
	struct cs_capture *cap;
	bool is_wlc;
	uint64_t *clock_us;
	struct {
		size_t len;
		uint8_t b[DGMAX];
	} q[QMAX]; /* towards the other side */
	size_t qn;
	size_t rx_count;
};

static int
side_send(void *ctx, const uint8_t *d, size_t len)
{
	struct side *s = ctx;

	assert_true(len <= DGMAX && s->qn < QMAX);
	*s->clock_us += 250;
	if (s->is_wlc)
		cs_capture_wire(s->cap, *s->clock_us, CS_DIR_DOWN, WLC_IP,
		    WLC_PORT, AP_IP, AP_PORT, d, len);
	else
		cs_capture_wire(s->cap, *s->clock_us, CS_DIR_UP, AP_IP, AP_PORT,
		    WLC_IP, WLC_PORT, d, len);
	memcpy(s->q[s->qn].b, d, len);
	s->q[s->qn++].len = len;
	return 0;
}

static void
side_recv(void *ctx, const uint8_t *d, size_t len)
{
	(void)d;
	(void)len;
	((struct side *)ctx)->rx_count++;
}

static void
keylog_cb(void *ctx, const char *line)
{
	cs_capture_keylog(ctx, line);
}

/* Delivers queued datagrams until both queues are empty. */
static void
pump(struct cs_dtls *ap, struct side *a, struct cs_dtls *wlc, struct side *w)
{
	static struct side tmp;

	while (a->qn > 0 || w->qn > 0) {
		memcpy(&tmp, a, sizeof(tmp));
		a->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(wlc, tmp.q[i].b, tmp.q[i].len);
		memcpy(&tmp, w, sizeof(tmp));
		w->qn = 0;
		for (size_t i = 0; i < tmp.qn; i++)
			(void)cs_dtls_input(ap, tmp.q[i].b, tmp.q[i].len);
	}
}

/* Writes a plausible instance of element `type` (RFC 5415 §4.6). */
static void
put_elem(struct cs_wr *wr, uint16_t type)
{
	static const char model[] = "AIR-CAP2702I", serial[] = "FCZ1234ABCD";
	static const char hw[] = "1.0", sw[] = "8.10.130.0";

	switch (type) {
	case CS_EL_DISCOVERY_TYPE:
		cs_el_put_discovery_type(
		    wr, &(struct cs_el_discovery_type){ CS_DISC_STATIC });
		break;
	case CS_EL_BOARD_DATA: {
		struct cs_el_board_data b = { .vendor = 9, .n_sub = 2 };

		b.sub[0] = (struct cs_board_sub){ CS_BOARD_MODEL,
			sizeof(model) - 1, (const uint8_t *)model };
		b.sub[1] = (struct cs_board_sub){ CS_BOARD_SERIAL,
			sizeof(serial) - 1, (const uint8_t *)serial };
		cs_el_put_board_data(wr, &b);
		break;
	}
	case CS_EL_WTP_DESCRIPTOR: {
		struct cs_el_wtp_descriptor d = { .max_radios = 1,
			.radios_in_use = 1,
			.n_encrypt = 1,
			.encrypt = { { .wbid = 1, .caps = 0 } },
			.n_sub = 2 };

		d.sub[0] = (struct cs_wtpd_sub){ 0, CS_WTPD_HW_VERSION,
			sizeof(hw) - 1, (const uint8_t *)hw };
		d.sub[1] = (struct cs_wtpd_sub){ 0, CS_WTPD_SW_VERSION,
			sizeof(sw) - 1, (const uint8_t *)sw };
		cs_el_put_wtp_descriptor(wr, &d);
		break;
	}
	case CS_EL_FRAME_TUNNEL_MODE:
		cs_el_put_frame_tunnel_mode(
		    wr, &(struct cs_el_frame_tunnel_mode){ CS_FTM_8023 });
		break;
	case CS_EL_MAC_TYPE:
		cs_el_put_mac_type(
		    wr, &(struct cs_el_mac_type){ CS_MAC_SPLIT });
		break;
	case CS_EL_80211_RADIO_INFO:
		cs_el_put_radio_info(wr,
		    &(struct cs_el_radio_info){
		        1, CS_RADIO_TYPE_B | CS_RADIO_TYPE_G });
		break;
	case CS_EL_AC_NAME:
		cs_el_put_ac_name(
		    wr, &(struct cs_el_ac_name){ { "capsim-wlc", 10 } });
		break;
	case CS_EL_LOCATION:
		cs_el_put_location(
		    wr, &(struct cs_el_location){ { "lab", 3 } });
		break;
	case CS_EL_WTP_NAME:
		cs_el_put_wtp_name(
		    wr, &(struct cs_el_wtp_name){ { "ap-0001", 7 } });
		break;
	case CS_EL_SESSION_ID: {
		struct cs_el_session_id s;

		memcpy(s.id, session, 16);
		cs_el_put_session_id(wr, &s);
		break;
	}
	case CS_EL_ECN_SUPPORT:
		cs_el_put_ecn_support(
		    wr, &(struct cs_el_ecn_support){ CS_ECN_LIMITED });
		break;
	case CS_EL_LOCAL_IPV4:
		cs_el_put_local_ipv4(wr, &(struct cs_el_local_ipv4){ AP_IP });
		break;
	case CS_EL_RADIO_ADMIN_STATE:
		cs_el_put_radio_admin_state(wr,
		    &(struct cs_el_radio_admin_state){ 1, CS_ADMIN_ENABLED });
		break;
	case CS_EL_STATS_TIMER:
		cs_el_put_stats_timer(wr, &(struct cs_el_stats_timer){ 120 });
		break;
	case CS_EL_REBOOT_STATS:
		cs_el_put_reboot_stats(
		    wr, &(struct cs_el_reboot_stats){ .reboot_count = 1 });
		break;
	case CS_EL_RESULT_CODE:
		cs_el_put_result_code(
		    wr, &(struct cs_el_result_code){ CS_RC_SUCCESS });
		break;
	case CS_EL_AC_DESCRIPTOR: {
		struct cs_el_ac_descriptor d = { .limit = 1000,
			.active_wtps = 1,
			.max_wtps = 200,
			.security = CS_ACD_SEC_X,
			.rmac = CS_ACD_RMAC_NO,
			.dtls_policy = CS_ACD_DTLS_C,
			.n_info = 1 };

		d.info[0] = (struct cs_ac_info){ 0, CS_ACD_INFO_SW,
			sizeof(sw) - 1, (const uint8_t *)sw };
		cs_el_put_ac_descriptor(wr, &d);
		break;
	}
	case CS_EL_CTRL_IPV4:
		cs_el_put_ctrl_ipv4(wr, &(struct cs_el_ctrl_ipv4){ WLC_IP, 1 });
		break;
	case CS_EL_TIMERS:
		cs_el_put_timers(wr, &(struct cs_el_timers){ 5, 30 });
		break;
	case CS_EL_DECRYPT_ERR_PERIOD:
		cs_el_put_decrypt_err_period(
		    wr, &(struct cs_el_decrypt_err_period){ 1, 120 });
		break;
	case CS_EL_IDLE_TIMEOUT:
		cs_el_put_idle_timeout(wr, &(struct cs_el_idle_timeout){ 300 });
		break;
	case CS_EL_WTP_FALLBACK:
		cs_el_put_wtp_fallback(wr, &(struct cs_el_wtp_fallback){ 1 });
		break;
	case CS_EL_AC_IPV4_LIST:
		cs_el_put_ac_ipv4_list(
		    wr, &(struct cs_el_ac_ipv4_list){ 1, { WLC_IP } });
		break;
	default:
		fail_msg("no canned element %u (%s)", type, cs_elem_name(type));
	}
}

/* Builds a complete message of `type`: adds what cs_msg_missing asks. */
static size_t
build_msg(uint8_t *buf, size_t cap, uint32_t type, uint8_t seq)
{
	uint16_t elems[16];
	unsigned n = 0;

	for (;;) {
		struct cs_capwap_hdr h;
		struct cs_msgb b;
		struct cs_wr wr;
		struct cs_msg m;
		struct cs_err err = { 0 };
		uint16_t miss = 0;
		int r;

		cs_capwap_hdr_init(&h, 0);
		cs_wr_init(&wr, buf, cap);
		cs_msgb_begin(&b, &wr, &h, type, seq);
		for (unsigned i = 0; i < n; i++)
			put_elem(&wr, elems[i]);
		assert_int_equal(cs_msgb_end(&b), 0);
		if (cs_msg_decode(&m, buf, wr.len, 0, &err) != 0)
			fail_msg(
			    "type %u: %s at %zu", type, err.what, err.offset);
		r = cs_msg_missing(&m, 0, &miss);
		assert_true(r >= 0);
		if (r == 0)
			return wr.len;
		assert_true(n < CS_ARRAY_SIZE(elems));
		elems[n++] = miss;
	}
}

/* Whether a CAPWAP DTLS datagram (RFC 5415 §4.2: 4-byte DTLS header, then
 * records) holds a record of epoch > 0, i.e. one under the new keys. */
static bool
has_protected_record(const uint8_t *p, size_t len)
{
	struct cs_rd rd;
	uint8_t pre;
	uint16_t epoch, rlen;

	cs_rd_init(&rd, p, len);
	if (cs_rd_u8(&rd, &pre) < 0 || pre != 0x01 || cs_rd_skip(&rd, 3) < 0)
		return false;
	/* type(1) version(2) epoch(2) sequence(6) length(2), RFC 6347 §4.1 */
	while (cs_rd_skip(&rd, 3) == 0 && cs_rd_u16(&rd, &epoch) == 0 &&
	    cs_rd_skip(&rd, 6) == 0 && cs_rd_u16(&rd, &rlen) == 0 &&
	    cs_rd_skip(&rd, rlen) == 0)
		if (epoch != 0)
			return true;
	return false;
}

/* The secrets come in a DSB before the first protected record, and the
 * key log file holds the same line once. */
static void
check_dsb_first(const char *pw, const char *pk)
{
	struct file_blocks w;
	size_t dsb_at = 0, enc_at = 0, kl_len;
	uint8_t *kl;

	read_blocks(pw, &w);
	for (size_t i = 0; i < w.n; i++) {
		if (w.b[i].type == CS_PCAPNG_BT_DSB && dsb_at == 0)
			dsb_at = i;
		if (w.b[i].type == CS_PCAPNG_BT_EPB && enc_at == 0 &&
		    has_protected_record(w.b[i].payload, w.b[i].payload_len))
			enc_at = i;
	}
	assert_true(dsb_at > 0 && enc_at > 0);
	assert_true(dsb_at < enc_at);
	kl = slurp(pk, &kl_len);
	assert_true(kl_len > 14 && kl[kl_len - 1] == '\n');
	assert_memory_equal(kl, "CLIENT_RANDOM ", 14);
	assert_ptr_equal(memchr(kl, '\n', kl_len), kl + kl_len - 1);
	assert_bytes_equal(
	    w.b[dsb_at].payload, w.b[dsb_at].payload_len, kl, kl_len);
	free(kl);
	free_blocks(&w);
}

static bool
have_tshark(void)
{
	return system("tshark --version >/dev/null 2>&1") == 0;
}

/* Runs a command, returns its stdout (malloc'd); fails on exit != 0. */
static char *
run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 4096, len = 0, n;
	char *out = malloc(cap);
	int st;

	assert_non_null(p);
	assert_non_null(out);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[len] = 0;
	st = pclose(p);
	if (st != 0)
		fail_msg("'%s' exited %d:\n%s", cmd, st, out);
	return out;
}

/* One plaintext message in the conversation. */
struct conv_msg {
	bool from_wlc;
	uint32_t type; /* CAPWAP message type */
};

static void
test_tshark_dtls(void **state)
{
	static const struct conv_msg conv[] = { { false, CS_MSG_JOIN_REQ },
		{ true, CS_MSG_JOIN_RESP }, { false, CS_MSG_CONFIG_STATUS_REQ },
		{ true, CS_MSG_CONFIG_STATUS_RESP }, { false, CS_MSG_ECHO_REQ },
		{ true, CS_MSG_ECHO_RESP }, { false, CS_MSG_ECHO_REQ } };
	struct cs_capture_cfg cfg = { 0 };
	struct cs_capture *c = NULL;
	struct cs_dtls_cfg ac, wc;
	struct cs_dtls_ctx *actx = NULL, *wctx = NULL;
	struct cs_dtls *ap = NULL, *wlc = NULL;
	struct cs_dtls_io io;
	struct cs_cred *cred = NULL;
	struct side *a, *w;
	struct cs_err err = { 0 };
	char dir[512], pw[600], pc[600], pk[600], cmd[4096];
	size_t sent_len[CS_ARRAY_SIZE(conv)];
	uint8_t msg[2048];
	uint64_t clock_us = T0;
	const char *keep = getenv("CS_CAPTURE_KEEP");
	char *out, *line, *save = NULL;
	unsigned n;
	int ra = 0, rw = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", keep != NULL ? keep : tmpdir);
	snprintf(pw, sizeof(pw), "%s/dtls.pcapng", dir);
	snprintf(pc, sizeof(pc), "%s/dtls-clear.pcapng", dir);
	snprintf(pk, sizeof(pk), "%s/dtls.keys", dir);
	unlink(pk);
	cfg.pcap_path = pw;
	cfg.clear_path = pc;
	cfg.keylog_path = pk;
	assert_int_equal(cs_capture_open(&c, &cfg, &err), 0);

	a = calloc(1, sizeof(*a));
	w = calloc(1, sizeof(*w));
	assert_non_null(a);
	assert_non_null(w);
	a->cap = w->cap = c;
	a->clock_us = w->clock_us = &clock_us;
	w->is_wlc = true;
	cs_dtls_cfg_init(&ac, CS_DTLS_CLIENT);
	cs_dtls_cfg_init(&wc, CS_DTLS_SERVER);
	ac.trust = wc.trust = cs_pki_ca(pki);
	wc.cred = cs_pki_wlc(pki);
	ac.keylog = wc.keylog = keylog_cb;
	ac.keylog_ctx = wc.keylog_ctx = c;
	if (cs_dtls_ctx_new(&actx, &ac, &err) < 0 ||
	    cs_dtls_ctx_new(&wctx, &wc, &err) < 0)
		fail_msg("dtls ctx: %s", err.what);
	memset(&io, 0, sizeof(io));
	io.send = side_send;
	io.recv = side_recv;
	io.ctx = a;
	assert_int_equal(cs_dtls_new(&ap, actx, &io), 0);
	io.ctx = w;
	assert_int_equal(cs_dtls_new(&wlc, wctx, &io), 0);
	assert_int_equal(cs_pki_issue_ap(pki, ap_mac, CS_PKI_GOOD, &cred), 0);
	assert_int_equal(cs_dtls_set_cred(ap, cred), 0);
	assert_int_equal(cs_dtls_set_peer(wlc, "127.0.0.62:40000", 16), 0);

	/* Discovery in the clear: on the wire and in the clear file. */
	n = (unsigned)build_msg(msg, sizeof(msg), CS_MSG_DISCOVERY_REQ, 0);
	clock_us += 1000;
	cs_capture_wire(
	    c, clock_us, CS_DIR_UP, AP_IP, AP_PORT, WLC_IP, WLC_PORT, msg, n);
	cs_capture_clear(c, clock_us, CS_DIR_UP, CS_CHAN_CONTROL, AP_IP,
	    AP_PORT, WLC_IP, WLC_PORT, msg, n);

	ra = cs_dtls_start(ap);
	assert_true(ra >= 0);
	pump(ap, a, wlc, w);
	assert_true(cs_dtls_is_established(ap));
	assert_true(cs_dtls_is_established(wlc));

	for (size_t i = 0; i < CS_ARRAY_SIZE(conv); i++) {
		bool up = !conv[i].from_wlc;

		sent_len[i] =
		    build_msg(msg, sizeof(msg), conv[i].type, (uint8_t)(i / 2));
		clock_us += 1000;
		cs_capture_clear(c, clock_us, up ? CS_DIR_UP : CS_DIR_DOWN,
		    CS_CHAN_CONTROL, up ? AP_IP : WLC_IP,
		    up ? AP_PORT : WLC_PORT, up ? WLC_IP : AP_IP,
		    up ? WLC_PORT : AP_PORT, msg, sent_len[i]);
		if (up)
			ra = cs_dtls_send(ap, msg, sent_len[i]);
		else
			rw = cs_dtls_send(wlc, msg, sent_len[i]);
		if ((up ? ra : rw) != 0)
			fail_msg("cs_dtls_send: %d", up ? ra : rw);
		pump(ap, a, wlc, w);
	}
	assert_int_equal(w->rx_count, 4);
	assert_int_equal(a->rx_count, 3);
	/* A data-channel keep-alive (clear in this test). */
	{
		struct cs_wr kw;

		cs_wr_init(&kw, msg, sizeof(msg));
		assert_int_equal(cs_keepalive_encode(&kw, session), 0);
		clock_us += 1000;
		cs_capture_clear(c, clock_us, CS_DIR_UP, CS_CHAN_DATA, AP_IP,
		    AP_PORT + 1, WLC_IP, CS_CAPWAP_DATA_PORT, msg, kw.len);
	}
	assert_int_equal(cs_capture_close(c, &err), 0);
	cs_dtls_free(ap);
	cs_dtls_free(wlc);
	cs_dtls_ctx_free(actx);
	cs_dtls_ctx_free(wctx);
	cs_cred_free(cred);
	free(a);
	free(w);
	check_dsb_first(pw, pk);
	if (!have_tshark()) {
		print_message("SKIP: tshark not installed; the DTLS capture "
		              "is not checked against Wireshark\n");
		skip();
	}

	/* 1. tshark decrypts every application record with the DSB alone
	 * (no keylog preference), and the plaintext lengths are those
	 * sent.  "data.len" is the decrypted payload handed to the data
	 * dissector (CAPWAP is not a DTLS payload in tshark 4.0). */
	snprintf(cmd, sizeof(cmd),
	    "HOME='%s' tshark -n -r '%s' -Y dtls.app_data -T fields "
	    "-E separator=';' -e ip.src -e udp.srcport -e data.len "
	    "-e _ws.malformed 2>>'%s/tshark.err'",
	    dir, pw, dir);
	out = run(cmd);
	n = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char src[64], want[128];

		assert_true(n < CS_ARRAY_SIZE(conv));
		snprintf(src, sizeof(src), "%s",
		    conv[n].from_wlc ? "127.0.0.61;5246" : "127.0.0.62;40000");
		snprintf(want, sizeof(want), "%s;%zu;", src, sent_len[n]);
		if (strcmp(line, want) != 0)
			fail_msg(
			    "record %u: tshark '%s', want '%s'", n, line, want);
		n++;
	}
	assert_int_equal(n, CS_ARRAY_SIZE(conv));
	free(out);

	/* 2. Without the secrets (DSB ignored: a copy with only packets)
	 * the same records are NOT decrypted: the check above means
	 * something.  editcap --discard-all-secrets exists in 4.0. */
	snprintf(cmd, sizeof(cmd),
	    "HOME='%s' editcap --discard-all-secrets '%s' '%s.nokeys' "
	    ">/dev/null 2>&1 && HOME='%s' tshark -n -r '%s.nokeys' "
	    "-Y 'dtls.app_data && data.len' -T fields -e frame.number "
	    "2>/dev/null "
	    "| wc -l",
	    dir, pw, pw, dir, pw);
	out = run(cmd);
	assert_int_equal(atoi(out), 0);
	free(out);

	/* 3. The clear file: Discovery Request, then the conversation as
	 * plain CAPWAP, then the keep-alive; nothing malformed, no
	 * error-level expert info. */
	snprintf(cmd, sizeof(cmd),
	    "HOME='%s' tshark -n -r '%s' -T fields -E separator=';' "
	    "-e ip.src -e capwap.control.header.message_type "
	    "-e capwap.header.flags.k -e _ws.malformed "
	    "-e _ws.expert.severity 2>>'%s/tshark.err'",
	    dir, pc, dir);
	out = run(cmd);
	n = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char want[128];

		if (n == 0)
			snprintf(want, sizeof(want), "127.0.0.62;%u;0;;",
			    CS_MSG_DISCOVERY_REQ);
		else if (n <= CS_ARRAY_SIZE(conv))
			snprintf(want, sizeof(want), "%s;%u;0;;",
			    conv[n - 1].from_wlc ? "127.0.0.61" : "127.0.0.62",
			    conv[n - 1].type);
		else
			snprintf(want, sizeof(want), "127.0.0.62;;1;;");
		/* expert severity may list notes/chats: only no error */
		if (strncmp(line, want, strlen(want) - 1) != 0 ||
		    strstr(line, "8388608") != NULL)
			fail_msg("clear frame %u: tshark '%s', want '%s'",
			    n + 1, line, want);
		n++;
	}
	assert_int_equal(n, CS_ARRAY_SIZE(conv) + 2);
	free(out);
}

/* ---- setup ------------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
rm_rf(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
group_setup(void **state)
{
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_EC_P256 };

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	cfg.now = (int64_t)time(NULL) - 3600;
	return cs_pki_new(&pki, &cfg);
}

static int
group_teardown(void **state)
{
	(void)state;
	cs_pki_free(pki);
	return rm_rf(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_bad_args),
		cmocka_unit_test(test_open_bad_path),
		cmocka_unit_test(test_null_tap),
		cmocka_unit_test(test_block_order),
		cmocka_unit_test(test_snaplen_and_limits),
		cmocka_unit_test(test_pcapng_additions),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_tshark_dtls),
	};

	return cmocka_run_group_tests_name(
	    "capture", tests, group_setup, group_teardown);
}
