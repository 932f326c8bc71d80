/* SPDX-License-Identifier: MIT */
/*
 * The capture tap: pcapng of the wire with the DTLS secrets as Decryption
 * Secrets Blocks (pcapng §4.7) ahead of the packets they decrypt, a second
 * pcapng of the decrypted CAPWAP messages as plain UDP (RFC 5415 §4.1
 * preamble type 0), and an NSS SSLKEYLOGFILE.  Blocks are encoded with
 * lib/wire/pcapng.c into a scratch buffer and written with buffered stdio
 * under one mutex.  The first write error of a file is kept and that file
 * is written no more; open and close report errors as "PATH: strerror".
 */
#include "capsim/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capsim/cursor.h"
#include "capsim/ofile.h"
#include "capsim/pcapng.h"

#define CAP_MIN_SNAPLEN 64
#define CAP_IPUDP_HDR   28 /* IPv4 (IHL 5) + UDP, RFC 791 / RFC 768 */
#define CAP_STDIO_BUF   (256u * 1024u)
#define CAP_DSB_FLUSH   (64u * 1024u) /* write queued secrets beyond this */
/* Largest block: EPB header (28) + packet + pad (3) + trailing length (4). */
#define CAP_BLK_CAP (28u + CS_PCAPNG_SNAPLEN + 3u + 4u)
#define CAP_HDR_CAP 512u /* SHB + IDB with short options */
/* Key log lines remembered to drop duplicates: with the embedded WLC both
 * ends of a session log the same CLIENT_RANDOM line. */
#define CAP_RECENT 1024u

struct cap_file {
	struct cs_ofile *of; /* the captures: renamed into place at close */
	FILE *fp;            /* NULL: not configured */
	char *path;          /* owned copy, for error messages */
	int err;             /* first error (negative errno), 0 while fine */
	uint16_t ip_id;
};

struct cs_capture {
	pthread_mutex_t mu;
	struct cap_file wire, clear, keylog;
	uint32_t snaplen;
	uint8_t *blk;  /* CAP_BLK_CAP: one encoded EPB */
	uint8_t *ip;   /* CS_PCAPNG_SNAPLEN: a packet to cut to snaplen */
	char *pending; /* key log lines not yet in a DSB (secret) */
	size_t pending_len, pending_cap;
	uint64_t recent[CAP_RECENT]; /* FNV-1a of recent lines, 0 = free */
	uint64_t first_us, end_us;   /* first packet; cs_capture_end */
	unsigned recent_next;
	struct cs_capture_stats st;
};

/* "PATH: strerror" for err->what; per thread, valid until the next call. */
static _Thread_local char cap_errbuf[512];

static int
cap_err_path(struct cs_err *err, int code, const char *path)
{
	snprintf(cap_errbuf, sizeof(cap_errbuf), "%s: %s", path,
	    code == -ELOOP ? "is a symbolic link (not followed)"
	                   : strerror(-code));
	return cs_err_set(err, code, cap_errbuf, 0);
}

/* Overwrites secrets in a way the compiler may not drop. */
static void
cap_wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

static int
cap_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* Appends bytes; on failure keeps the first error and writes no more. */
static void
file_write(struct cap_file *f, const void *p, size_t len)
{
	if (f->fp == NULL || f->err != 0 || len == 0)
		return;
	errno = 0;
	if (fwrite(p, 1, len, f->fp) != len)
		f->err = cap_errno();
}

static void
file_flush(struct cap_file *f)
{
	if (f->fp == NULL || f->err != 0)
		return;
	errno = 0;
	if (fflush(f->fp) != 0)
		f->err = cap_errno();
}

/* Flushes and closes; returns the file's first error.  A capture is
 * renamed into place only when complete. */
static int
file_close(struct cap_file *f)
{
	if (f->of != NULL) {
		file_flush(f);
		/* on a write error the capture is whole blocks up to the
		 * last complete one: kept, and the error reported */
		if (cs_ofile_commit_partial(f->of, NULL, 0) < 0 && f->err == 0)
			f->err = cap_errno();
		f->of = NULL;
		f->fp = NULL;
	}
	if (f->fp != NULL) {
		file_flush(f);
		errno = 0;
		if (fclose(f->fp) != 0 && f->err == 0)
			f->err = cap_errno();
		f->fp = NULL;
	}
	return f->err;
}

/* A capture is written safely (ofile.h); the key log is appended to, as
 * SSLKEYLOGFILE users expect, but never through a symbolic link. */
static int
file_open(struct cap_file *f, const char *path, bool append, mode_t mode)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_APPEND | O_NOFOLLOW;
	int fd, r;

	if ((f->path = strdup(path)) == NULL)
		return -ENOMEM;
	if (!append) {
		if ((r = cs_ofile_open(&f->of, path, mode, NULL, 0)) < 0)
			return r;
		f->fp = cs_ofile_fp(f->of);
		(void)setvbuf(f->fp, NULL, _IOFBF, CAP_STDIO_BUF);
		return 0;
	}
	if ((fd = open(path, flags, mode)) < 0)
		return cap_errno();
	if ((f->fp = fdopen(fd, "ab")) == NULL) {
		r = cap_errno();
		close(fd);
		return r;
	}
	/* Fully buffered; setvbuf failing only leaves the default buffer. */
	(void)setvbuf(f->fp, NULL, _IOFBF, CAP_STDIO_BUF);
	return 0;
}

/* Section Header + Interface Description, flushed so that a file that
 * cannot be written fails at open. */
static int
file_put_header(struct cap_file *f, const char *user_appl, uint32_t snaplen,
    const char *if_name)
{
	uint8_t buf[CAP_HDR_CAP];
	struct cs_wr wr;

	cs_wr_init(&wr, buf, sizeof(buf));
	cs_pcapng_put_shb(&wr, user_appl);
	cs_pcapng_put_idb_snaplen(&wr, CS_LINKTYPE_RAW, snaplen, if_name);
	if (wr.err != 0)
		return wr.err;
	file_write(f, buf, wr.len);
	file_flush(f);
	return f->err;
}

static void
capture_free(struct cs_capture *c)
{
	struct cap_file *files[] = { &c->wire, &c->clear, &c->keylog };

	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		if (files[i]->of != NULL)
			cs_ofile_discard(files[i]->of);
		else if (files[i]->fp != NULL)
			fclose(files[i]->fp);
		free(files[i]->path);
	}
	if (c->pending != NULL)
		cap_wipe(c->pending, c->pending_cap);
	cap_wipe(c->recent, sizeof(c->recent));
	free(c->pending);
	free(c->blk);
	free(c->ip);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static bool
same_path(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int
cs_capture_open(struct cs_capture **ret, const struct cs_capture_cfg *cfg,
    struct cs_err *err)
{
	const char *appl;
	struct cs_capture *c;
	int r;

	if (ret == NULL || cfg == NULL)
		return cs_err_set(err, -EINVAL, "capture: NULL argument", 0);
	if (cfg->snaplen != 0 && cfg->snaplen < CAP_MIN_SNAPLEN)
		return cs_err_set(err, -EINVAL, "capture: snaplen below 64", 0);
	if (same_path(cfg->pcap_path, cfg->clear_path) ||
	    same_path(cfg->pcap_path, cfg->keylog_path) ||
	    same_path(cfg->clear_path, cfg->keylog_path))
		return cs_err_set(
		    err, -EINVAL, "capture: two outputs on the same path", 0);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return cs_err_set(err, -ENOMEM, "capture: out of memory", 0);
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return cs_err_set(err, -ENOMEM, "capture: mutex", 0);
	}
	c->snaplen = cfg->snaplen != 0 && cfg->snaplen < CS_PCAPNG_SNAPLEN
	    ? cfg->snaplen
	    : CS_PCAPNG_SNAPLEN;
	appl = cfg->user_appl != NULL ? cfg->user_appl : "capsim";
	if ((cfg->pcap_path != NULL || cfg->clear_path != NULL) &&
	    ((c->blk = malloc(CAP_BLK_CAP)) == NULL ||
	        (c->ip = malloc(CS_PCAPNG_SNAPLEN)) == NULL)) {
		r = cs_err_set(err, -ENOMEM, "capture: out of memory", 0);
		goto fail;
	}
	if (cfg->pcap_path != NULL) {
		r = file_open(&c->wire, cfg->pcap_path, false, 0644);
		if (r == 0)
			r = file_put_header(&c->wire, appl, c->snaplen, "wire");
		if (r < 0) {
			r = cap_err_path(err, r, cfg->pcap_path);
			goto fail;
		}
	}
	if (cfg->clear_path != NULL) {
		r = file_open(&c->clear, cfg->clear_path, false, 0644);
		if (r == 0)
			r = file_put_header(
			    &c->clear, appl, c->snaplen, "decrypted");
		if (r < 0) {
			r = cap_err_path(err, r, cfg->clear_path);
			goto fail;
		}
	}
	if (cfg->keylog_path != NULL &&
	    (r = file_open(&c->keylog, cfg->keylog_path, true, 0600)) < 0) {
		r = cap_err_path(err, r, cfg->keylog_path);
		goto fail;
	}
	*ret = c;
	return 0;
fail:
	capture_free(c);
	return r;
}

/* Writes every queued key log line as one DSB; called with c->mu held. */
static void
flush_pending(struct cs_capture *c)
{
	struct cs_wr wr;
	uint8_t *buf;
	size_t cap;

	if (c->pending_len == 0)
		return;
	if (c->wire.fp != NULL && c->wire.err == 0) {
		cap = c->pending_len + 64;
		if ((buf = malloc(cap)) == NULL) {
			c->wire.err = -ENOMEM;
		} else {
			cs_wr_init(&wr, buf, cap);
			if (cs_pcapng_put_dsb_tls(
			        &wr, c->pending, c->pending_len) == 0) {
				file_write(&c->wire, buf, wr.len);
				if (c->wire.err == 0)
					c->st.dsbs++;
			} else {
				c->wire.err = wr.err;
			}
			cap_wipe(buf, cap);
			free(buf);
		}
	}
	cap_wipe(c->pending, c->pending_len);
	c->pending_len = 0;
}

/* One IPv4/UDP datagram as an EPB (cut to snaplen); c->mu held. */
static void
put_udp(struct cs_capture *c, struct cap_file *f, uint64_t *count,
    uint64_t t_us, const struct cs_udp4_endpoints *ep, const uint8_t *pkt,
    size_t len)
{
	struct cs_wr wr, ipw;
	size_t orig;

	if (f->err != 0 || len > CS_UDP4_MAX_PAYLOAD ||
	    (pkt == NULL && len > 0)) {
		c->st.dropped++;
		return;
	}
	orig = CAP_IPUDP_HDR + len;
	if (c->first_us == 0 || t_us < c->first_us)
		c->first_us = t_us;
	cs_wr_init(&wr, c->blk, CAP_BLK_CAP);
	if (orig <= c->snaplen) {
		cs_pcapng_put_epb_udp4(&wr, 0, t_us, ep, &f->ip_id, pkt, len);
	} else {
		/* The whole datagram (it fits: CS_UDP4_MAX_PAYLOAD), so that
		 * the IPv4 header and checksum describe the original; then
		 * only its head goes into the EPB. */
		cs_wr_init(&ipw, c->ip, CS_PCAPNG_SNAPLEN);
		cs_udp4_put(&ipw, ep, &f->ip_id, pkt, len);
		cs_pcapng_put_epb_cut(&wr, 0, t_us, c->ip, c->snaplen, orig);
		if (ipw.err != 0)
			wr.err = ipw.err;
	}
	if (wr.err != 0) {
		c->st.dropped++;
		return;
	}
	file_write(f, c->blk, wr.len);
	if (f->err != 0) {
		c->st.dropped++;
		return;
	}
	if (orig > c->snaplen)
		c->st.truncated++;
	(*count)++;
}

void
cs_capture_wire(struct cs_capture *c, uint64_t t_us, enum cs_dir dir,
    uint32_t src_ip, uint16_t src_port, uint32_t dst_ip, uint16_t dst_port,
    const uint8_t *pkt, size_t len)
{
	struct cs_udp4_endpoints ep = { .src_addr = src_ip,
		.dst_addr = dst_ip,
		.src_port = src_port,
		.dst_port = dst_port };

	(void)dir;
	if (c == NULL || c->wire.fp == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	flush_pending(c);
	put_udp(c, &c->wire, &c->st.wire_pkts, t_us, &ep, pkt, len);
	pthread_mutex_unlock(&c->mu);
}

void
cs_capture_clear(struct cs_capture *c, uint64_t t_us, enum cs_dir dir,
    enum cs_chan ch, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
    uint16_t dst_port, const uint8_t *capwap, size_t len)
{
	struct cs_udp4_endpoints ep = { .src_addr = src_ip,
		.dst_addr = dst_ip,
		.src_port = src_port,
		.dst_port = dst_port };

	(void)dir;
	(void)ch;
	if (c == NULL || c->clear.fp == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	put_udp(c, &c->clear, &c->st.clear_pkts, t_us, &ep, capwap, len);
	pthread_mutex_unlock(&c->mu);
}

/* Queues "line\n" for the next DSB; c->mu held. */
static void
queue_secret(struct cs_capture *c, const char *line, size_t n)
{
	size_t need = c->pending_len + n + 1;
	char *p;

	if (c->wire.fp == NULL || c->wire.err != 0)
		return;
	if (need > c->pending_cap) {
		size_t cap = c->pending_cap != 0 ? c->pending_cap : 256;

		while (cap < need)
			cap *= 2;
		/* No realloc: the old copy must be wiped, not left behind. */
		if ((p = malloc(cap)) == NULL) {
			c->wire.err = -ENOMEM;
			return;
		}
		if (c->pending != NULL) {
			memcpy(p, c->pending, c->pending_len);
			cap_wipe(c->pending, c->pending_cap);
			free(c->pending);
		}
		c->pending = p;
		c->pending_cap = cap;
	}
	memcpy(c->pending + c->pending_len, line, n);
	c->pending[c->pending_len + n] = '\n';
	c->pending_len = need;
	if (c->pending_len >= CAP_DSB_FLUSH)
		flush_pending(c);
}

/* FNV-1a 64 of a line, never 0 (0 marks a free slot). */
static uint64_t
line_hash(const char *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	while (n-- > 0) {
		h ^= (uint8_t)*p++;
		h *= UINT64_C(0x100000001b3);
	}
	return h != 0 ? h : 1;
}

/* Whether the line was seen lately; remembers it if not.  c->mu held. */
static bool
seen_recently(struct cs_capture *c, const char *line, size_t n)
{
	uint64_t h = line_hash(line, n);

	for (unsigned i = 0; i < CAP_RECENT; i++)
		if (c->recent[i] == h)
			return true;
	c->recent[c->recent_next] = h;
	c->recent_next = (c->recent_next + 1) % CAP_RECENT;
	return false;
}

void
cs_capture_keylog(struct cs_capture *c, const char *line)
{
	size_t n;

	if (c == NULL || line == NULL)
		return;
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n == 0)
		return;
	pthread_mutex_lock(&c->mu);
	if (seen_recently(c, line, n)) {
		pthread_mutex_unlock(&c->mu);
		return;
	}
	c->st.keylog_lines++;
	if (c->keylog.fp != NULL) {
		file_write(&c->keylog, line, n);
		file_write(&c->keylog, "\n", 1);
		file_flush(&c->keylog);
	}
	queue_secret(c, line, n);
	pthread_mutex_unlock(&c->mu);
}

void
cs_capture_stats(struct cs_capture *c, struct cs_capture_stats *out)
{
	if (out == NULL)
		return;
	if (c == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	pthread_mutex_lock(&c->mu);
	*out = c->st;
	pthread_mutex_unlock(&c->mu);
}

void
cs_capture_unlink_tmp(const struct cs_capture *c)
{
	if (c == NULL)
		return;
	cs_ofile_unlink_tmp(c->wire.of);
	cs_ofile_unlink_tmp(c->clear.of);
}

void
cs_capture_end(struct cs_capture *c, uint64_t t_us)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->end_us = t_us;
	pthread_mutex_unlock(&c->mu);
}

/* The capture's span as an Interface Statistics Block (pcapng §4.6). */
static void
put_isb(struct cs_capture *c, struct cap_file *f)
{
	struct cs_wr wr;
	uint64_t start = c->first_us != 0 && c->first_us < c->end_us
	    ? c->first_us
	    : c->end_us;

	if (c->end_us == 0 || f->fp == NULL)
		return;
	cs_wr_init(&wr, c->blk, CAP_BLK_CAP);
	if (cs_pcapng_put_isb(&wr, 0, c->end_us, start, c->end_us) == 0)
		file_write(f, wr.buf, wr.len);
}

int
cs_capture_close(struct cs_capture *c, struct cs_err *err)
{
	struct cap_file *files[3];
	int r = 0;

	if (c == NULL)
		return 0;
	files[0] = &c->wire;
	files[1] = &c->clear;
	files[2] = &c->keylog;
	pthread_mutex_lock(&c->mu);
	flush_pending(c);
	put_isb(c, &c->wire);
	put_isb(c, &c->clear);
	for (size_t i = 0; i < CS_ARRAY_SIZE(files); i++) {
		int e = file_close(files[i]);

		if (e < 0 && r == 0)
			r = cap_err_path(err, e, files[i]->path);
	}
	pthread_mutex_unlock(&c->mu);
	capture_free(c);
	return r;
}
