/* SPDX-License-Identifier: MIT */
/*
 * bench/raw_dtls: the cost floor of a capsim join (DESIGN.md "Scale
 * model"): the same mutual-auth DTLS 1.2 handshake capsim does (RFC 5415
 * §12, RFC 6347), client and server both in this process, datagrams passed
 * in memory, no sockets, no CAPWAP.  It mirrors lib/dtls/dtls.c: the
 * capsim cipher list, security level 2, DTLS 1.2 only, link MTU 1400 with
 * the 4-byte CAPWAP preamble as BIO overhead, SSL_MODE_RELEASE_BUFFERS,
 * X509_PURPOSE_ANY plus an EKU check in the verify callback, the
 * server's stateful cookie exchange (HelloVerifyRequest, cookie = HMAC-
 * SHA256 over the peer address) and SSL_free_buffers once established.
 *
 * usage: raw_dtls DIR THREADS SECONDS [--issue]
 *   DIR holds ca.pem, wlc.pem, wlc-key.pem, ap.pem, ap-key.pem
 *   (`capsim certs --out DIR`).  --issue also signs a fresh AP
 *   certificate (CN = a MAC, capwapWTP EKU, CA key) per handshake, as
 *   capsim run does when it issues one certificate per AP.
 * Prints one JSON line: handshakes, seconds, per_s, cpu_s, per_cpu_s.
 *
 * usage: raw_dtls DIR --hold K
 *   memory instead of speed: K handshakes on one thread keeping each
 *   established client SSL (its buffers freed, as capsim keeps an AP in
 *   Run), then K keeping the server's; prints the heap (mallinfo2) and
 *   RSS growth per kept session in KiB, and what a server session
 *   closed with close_notify leaves in a resumption cache.
 * Built by bench/join-rate with one cc line; not part of the library.
 */
#define _GNU_SOURCE /* clock_gettime, nanosleep, mallinfo2 with -std=c17 */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define CIPHERS                                                                \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:AES128-SHA"
#define LINK_MTU  1400
#define PREAMBLE  4
#define QLEN      32
#define DGRAM_MAX 2048

struct dgq {
	unsigned head, n;
	size_t len[QLEN];
	unsigned char buf[QLEN][DGRAM_MAX];
};

/* One end of an in-memory datagram pair: reads from `in`, writes to
 * `out` (the other end's `in`). */
struct end {
	struct dgq *in, *out;
};

static BIO_METHOD *pair_meth;
static SSL_CTX *srv_ctx, *cli_ctx;
static unsigned char cookie_secret[32];
static EVP_PKEY *ca_key, *ap_key;
static X509 *ca_cert;
static atomic_bool stop;
static bool issue;

static int
pair_write(BIO *b, const char *data, int len)
{
	struct end *e = BIO_get_data(b);
	struct dgq *q = e->out;
	unsigned slot;

	BIO_clear_retry_flags(b);
	if (len < 0 || len > DGRAM_MAX || q->n == QLEN)
		return -1;
	slot = (q->head + q->n++) % QLEN;
	memcpy(q->buf[slot], data, (size_t)len);
	q->len[slot] = (size_t)len;
	return len;
}

static int
pair_read(BIO *b, char *data, int cap)
{
	struct end *e = BIO_get_data(b);
	struct dgq *q = e->in;
	size_t n;

	BIO_clear_retry_flags(b);
	if (q->n == 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	n = q->len[q->head];
	if (n > (size_t)cap)
		n = (size_t)cap; /* datagram semantics: the rest is lost */
	memcpy(data, q->buf[q->head], n);
	q->head = (q->head + 1) % QLEN;
	q->n--;
	return (int)n;
}

static long
pair_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct end *e = BIO_get_data(b);

	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
	case BIO_CTRL_DUP:
	case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
		return 1;
	case BIO_CTRL_PENDING:
		return e->in->n != 0 ? (long)e->in->len[e->in->head] : 0;
	case BIO_CTRL_WPENDING:
	case BIO_CTRL_EOF:
	case BIO_CTRL_DGRAM_MTU_EXCEEDED:
		return 0;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return LINK_MTU;
	case BIO_CTRL_DGRAM_SET_MTU:
		return num;
	case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
		return PREAMBLE;
	default:
		return 0;
	}
}

static int
pair_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

static BIO *
pair_bio(struct end *e)
{
	BIO *b = BIO_new(pair_meth);

	if (b != NULL)
		BIO_set_data(b, e);
	return b;
}

/* The peer address the cookie is bound to, as lib/dtls/dtls.c keys it. */
struct peer {
	unsigned char addr[16];
};

static int peer_idx;

static int
cookie_of(SSL *ssl, unsigned char *out, unsigned int *len)
{
	const struct peer *p = SSL_get_ex_data(ssl, peer_idx);

	return p != NULL &&
	    HMAC(EVP_sha256(), cookie_secret, sizeof(cookie_secret), p->addr,
	        sizeof(p->addr), out, len) != NULL;
}

static int
cookie_gen(SSL *ssl, unsigned char *cookie, unsigned int *len)
{
	return cookie_of(ssl, cookie, len);
}

static int
cookie_verify(SSL *ssl, const unsigned char *cookie, unsigned int len)
{
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int wlen = 0;

	return cookie_of(ssl, want, &wlen) && wlen == len &&
	    CRYPTO_memcmp(want, cookie, len) == 0;
}

/* RFC 5415 §12.8: the peer's leaf carries the CAPWAP EKU of its role
 * (capwapAC .18 for the WLC, capwapWTP .19 for an AP) or no EKU at all:
 * lib/dtls's default policy, parsed the same way. */
static int
verify_cb(int ok, X509_STORE_CTX *xs)
{
	X509 *x = X509_STORE_CTX_get_current_cert(xs);
	SSL *ssl = X509_STORE_CTX_get_ex_data(
	    xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	const char *want =
	    SSL_is_server(ssl) ? "1.3.6.1.5.5.7.3.19" : "1.3.6.1.5.5.7.3.18";
	EXTENDED_KEY_USAGE *eku;
	bool found = false;
	char oid[64];

	if (!ok || X509_STORE_CTX_get_error_depth(xs) != 0 || x == NULL)
		return ok;
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	if (eku == NULL)
		return 1;
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		OBJ_obj2txt(oid, sizeof(oid), sk_ASN1_OBJECT_value(eku, i), 1);
		if (strcmp(oid, want) == 0)
			found = true;
	}
	EXTENDED_KEY_USAGE_free(eku);
	return found;
}

static SSL_CTX *
ctx_new(bool server, const char *dir)
{
	SSL_CTX *c = SSL_CTX_new(DTLS_method());
	char cert[4096], key[4096], ca[4096];

	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/%s.pem", dir, server ? "wlc" : "ap");
	snprintf(key, sizeof(key), "%s/%s-key.pem", dir, server ? "wlc" : "ap");
	if (c == NULL || !SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_max_proto_version(c, DTLS1_2_VERSION) ||
	    !SSL_CTX_set_cipher_list(c, CIPHERS) ||
	    !SSL_CTX_use_certificate_chain_file(c, cert) ||
	    !SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) ||
	    !SSL_CTX_load_verify_locations(c, ca, NULL)) {
		ERR_print_errors_fp(stderr);
		exit(1);
	}
	SSL_CTX_set_security_level(c, 2);
	SSL_CTX_set_options(c, SSL_OP_NO_QUERY_MTU);
	SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);
	X509_VERIFY_PARAM_set_purpose(SSL_CTX_get0_param(c), X509_PURPOSE_ANY);
	if (server) {
		SSL_CTX_set_options(c, SSL_OP_COOKIE_EXCHANGE);
		SSL_CTX_set_cookie_generate_cb(c, cookie_gen);
		SSL_CTX_set_cookie_verify_cb(c, cookie_verify);
		SSL_CTX_set_dh_auto(c, 1);
		/* as lib/dtls: resumption by session ID, no tickets, and no
		 * cache unless the WLC offers data channel DTLS (hold() turns
		 * it on to price a cached session) */
		SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
		SSL_CTX_set_session_id_context(
		    c, (const unsigned char *)"capsim-capwap", 13);
		SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_verify(c,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
		    verify_cb);
	} else {
		SSL_CTX_set_verify(c, SSL_VERIFY_PEER, verify_cb);
	}
	return c;
}

/* What capsim run does per AP without --ap-cert: a certificate for the
 * shared AP key, CN = MAC, capwapWTP + clientAuth, signed by the CA. */
static X509 *
issue_ap(unsigned long n)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	char cn[18];

	snprintf(cn, sizeof(cn), "02:ca:75:%02lx:%02lx:%02lx", (n >> 16) & 0xff,
	    (n >> 8) & 0xff, n & 0xff);
	X509_set_version(x, 2);
	ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), n + 1);
	X509_NAME_add_entry_by_txt(
	    nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, nm);
	X509_set_issuer_name(x, X509_get_subject_name(ca_cert));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400);
	X509_set_pubkey(x, ap_key);
	X509V3_set_ctx(&v3, ca_cert, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(
	    NULL, &v3, NID_ext_key_usage, "1.3.6.1.5.5.7.3.19,clientAuth");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_NAME_free(nm);
	if (!X509_sign(x, ca_key, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Does one handshake; with keep != NULL the established client SSL is
 * handed back (buffers freed) instead of freed. */
static bool
one_handshake(
    unsigned long n, struct dgq *qa, struct dgq *qb, SSL **keep, SSL **keep_srv)
{
	struct end ce = { .in = qa, .out = qb }, se = { .in = qb, .out = qa };
	SSL *c = SSL_new(cli_ctx), *s = SSL_new(srv_ctx);
	BIO *cb = pair_bio(&ce), *sb = pair_bio(&se);
	struct peer p;
	bool cdone = false, sdone = false, ok = false;
	X509 *x = NULL;

	qa->n = qb->n = qa->head = qb->head = 0;
	memset(&p, 0, sizeof(p));
	memcpy(p.addr, &n, sizeof(n));
	if (c == NULL || s == NULL || cb == NULL || sb == NULL)
		goto out;
	SSL_set_bio(c, cb, cb);
	SSL_set_bio(s, sb, sb);
	cb = sb = NULL;
	SSL_set_ex_data(s, peer_idx, &p);
	DTLS_set_link_mtu(c, LINK_MTU);
	DTLS_set_link_mtu(s, LINK_MTU);
	if (issue) {
		if ((x = issue_ap(n)) == NULL ||
		    !SSL_use_cert_and_key(c, x, ap_key, NULL, 1))
			goto out;
	}
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (int round = 0; round < 32 && !(cdone && sdone); round++) {
		int r;

		if (!cdone) {
			r = SSL_do_handshake(c);
			if (r == 1)
				cdone = true;
			else if (SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
				goto out;
		}
		if (!sdone) {
			r = SSL_do_handshake(s);
			if (r == 1)
				sdone = true;
			else if (SSL_get_error(s, r) != SSL_ERROR_WANT_READ)
				goto out;
		}
	}
	if (cdone && sdone) {
		SSL_free_buffers(c);
		SSL_free_buffers(s);
		ok = SSL_get_verify_result(c) == X509_V_OK &&
		    SSL_get_verify_result(s) == X509_V_OK;
	}
out:
	if (!ok)
		ERR_print_errors_fp(stderr);
	if (ok && keep != NULL) {
		*keep = c;
		c = NULL;
	}
	if (ok && keep_srv != NULL) {
		*keep_srv = s;
		s = NULL;
	}
	X509_free(x);
	BIO_free(cb);
	BIO_free(sb);
	SSL_free(c);
	SSL_free(s);
	return ok;
}

struct worker {
	pthread_t th;
	unsigned id;
	unsigned long done, failed;
};

static void *
run(void *arg)
{
	struct worker *w = arg;
	struct dgq *qa = malloc(sizeof(*qa)), *qb = malloc(sizeof(*qb));
	unsigned long n = (unsigned long)w->id << 32;

	while (qa != NULL && qb != NULL && !atomic_load(&stop)) {
		if (one_handshake(n++, qa, qb, NULL, NULL))
			w->done++;
		else if (++w->failed > 10)
			break;
	}
	free(qa);
	free(qb);
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long
rss_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

static size_t
heap_now(void)
{
	return mallinfo2().uordblks;
}

/* K sessions kept (client or server side), their growth of heap and
 * RSS in KiB per session. */
static bool
hold_side(unsigned long k, bool server, SSL **kept, struct dgq *qa,
    struct dgq *qb, double *heap_kib, double *rss_kib_out)
{
	size_t h0 = heap_now();
	long r0 = rss_kib();

	for (unsigned long n = 0; n < k; n++)
		if (!one_handshake(n, qa, qb, server ? NULL : &kept[n],
		        server ? &kept[n] : NULL))
			return false;
	*heap_kib = ((double)heap_now() - (double)h0) / 1024.0 / (double)k;
	*rss_kib_out = (double)(rss_kib() - r0) / (double)k;
	return true;
}

/*
 * Heap and RSS growth per established session kept alive (buffers
 * freed): the client's (an AP in Run), the server's (the mock WLC's side
 * of it), and what a server session closed with close_notify leaves in
 * the server's resumption cache (the mock WLC keeps one only when it
 * offers data channel DTLS).
 */
static int
hold(unsigned long k)
{
	struct dgq *qa = malloc(sizeof(*qa)), *qb = malloc(sizeof(*qb));
	SSL **kept = calloc(k, sizeof(*kept));
	double ch, cr, sh, sr;
	size_t h0;
	unsigned long n;

	if (qa == NULL || qb == NULL || kept == NULL)
		return 1;
	/* warm up: lazily made tables, the first session's allocations */
	SSL *warm = NULL;
	if (!one_handshake(~0ul, qa, qb, &warm, NULL))
		return 1;
	SSL_free(warm);
	if (!hold_side(k, false, kept, qa, qb, &ch, &cr))
		return 1;
	for (n = 0; n < k; n++)
		SSL_free(kept[n]);
	SSL_CTX_set_session_cache_mode(srv_ctx, SSL_SESS_CACHE_SERVER);
	if (!hold_side(k, true, kept, qa, qb, &sh, &sr))
		return 1;
	h0 = heap_now();
	for (n = 0; n < k; n++) {
		/* as after close_notify both ways (no I/O: the BIO's queues
		 * were on one_handshake's stack): the session stays cached */
		SSL_set_shutdown(
		    kept[n], SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(kept[n]);
	}
	printf("{\"sessions\":%lu,\"heap_per_session_kib\":%.1f,"
	       "\"rss_per_session_kib\":%.1f,"
	       "\"server_heap_per_session_kib\":%.1f,"
	       "\"server_rss_per_session_kib\":%.1f,"
	       "\"cached_closed_session_kib\":%.1f,\"cached\":%ld}\n",
	    k, ch, cr, sh, sr,
	    (sh * (double)k * 1024.0 - ((double)h0 - (double)heap_now())) /
	        1024.0 / (double)k,
	    SSL_CTX_sess_number(srv_ctx));
	SSL_CTX_set_session_cache_mode(srv_ctx, SSL_SESS_CACHE_OFF);
	free(kept);
	free(qa);
	free(qb);
	return 0;
}

static void
load_ca(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	if ((f = fopen(path, "r")) == NULL ||
	    (ca_cert = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
		exit(1);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ca-key.pem", dir);
	if ((f = fopen(path, "r")) == NULL ||
	    (ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		exit(1);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ap-key.pem", dir);
	if ((f = fopen(path, "r")) == NULL ||
	    (ap_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
		exit(1);
	fclose(f);
}

static void
setup(const char *dir)
{
	pair_meth = BIO_meth_new(
	    BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "dgram-pair");
	BIO_meth_set_write(pair_meth, pair_write);
	BIO_meth_set_read(pair_meth, pair_read);
	BIO_meth_set_ctrl(pair_meth, pair_ctrl);
	BIO_meth_set_create(pair_meth, pair_create);
	peer_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	RAND_bytes(cookie_secret, sizeof(cookie_secret));
	srv_ctx = ctx_new(true, dir);
	cli_ctx = ctx_new(false, dir);
}

int
main(int argc, char **argv)
{
	struct worker *ws;
	unsigned nth;
	double secs, t0, c0, t1, c1;
	unsigned long done = 0, failed = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr,
		    "usage: raw_dtls DIR THREADS SECONDS [--issue]\n"
		    "       raw_dtls DIR --hold K\n");
		return 2;
	}
	setup(argv[1]);
	if (strcmp(argv[2], "--hold") == 0)
		return hold(strtoul(argv[3], NULL, 10));
	nth = (unsigned)strtoul(argv[2], NULL, 10);
	secs = strtod(argv[3], NULL);
	issue = argc == 5 && strcmp(argv[4], "--issue") == 0;
	if (nth == 0 || nth > 256 || secs <= 0)
		return 2;
	load_ca(argv[1]);
	ws = calloc(nth, sizeof(*ws));
	t0 = now_s();
	c0 = cpu_s();
	for (unsigned i = 0; i < nth; i++) {
		ws[i].id = i;
		pthread_create(&ws[i].th, NULL, run, &ws[i]);
	}
	while (now_s() - t0 < secs) {
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, true);
	for (unsigned i = 0; i < nth; i++) {
		pthread_join(ws[i].th, NULL);
		done += ws[i].done;
		failed += ws[i].failed;
	}
	t1 = now_s();
	c1 = cpu_s();
	printf("{\"threads\":%u,\"issue\":%s,\"handshakes\":%lu,\"failed\":%lu,"
	       "\"seconds\":%.3f,\"per_s\":%.1f,\"cpu_s\":%.3f,"
	       "\"per_cpu_s\":%.1f}\n",
	    nth, issue ? "true" : "false", done, failed, t1 - t0,
	    (double)done / (t1 - t0), c1 - c0,
	    c1 > c0 ? (double)done / (c1 - c0) : 0.0);
	free(ws);
	SSL_CTX_free(srv_ctx);
	SSL_CTX_free(cli_ctx);
	return failed > 10 || done == 0 ? 1 : 0;
}
