/* SPDX-License-Identifier: MIT */
/*
 * UDP sockets with per-datagram source and destination addresses; see
 * capsim/udp.h.  Linux specifics (IP_PKTINFO, IP_FREEBIND, recvmmsg) are
 * confined here.
 */
#define _GNU_SOURCE
#include "capsim/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDP_MAX_BATCH 64

static int
udp_open(uint32_t bind_ip, uint16_t bind_port, bool freebind, bool reuseport,
    bool reuseaddr)
{
	struct sockaddr_in sin;
	int fd, on = 1, r;
	int buf = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) != 0)
		goto fail;
	if (freebind &&
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &on, sizeof(on)) != 0)
		goto fail;
	if (reuseport &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0)
		goto fail;
	if (reuseaddr &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0)
		goto fail;
	/* kernel drops on a full receive queue are counted, not guessed */
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) != 0)
		goto fail;
	/* Large buffers absorb join storms; failure to grow is not fatal.
	 * Callers that know their population size them (cs_udp_set_buffers). */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(bind_ip);
	sin.sin_port = htons(bind_port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		goto fail;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

int
cs_udp_open(uint32_t bind_ip, uint16_t bind_port, bool freebind)
{
	return udp_open(bind_ip, bind_port, freebind, false, false);
}

int
cs_udp_open_reuseport(uint32_t bind_ip, uint16_t bind_port)
{
	return udp_open(bind_ip, bind_port, false, true, false);
}

int
cs_udp_open_shared(uint32_t bind_ip, uint16_t bind_port)
{
	return udp_open(bind_ip, bind_port, false, false, true);
}

int
cs_udp_set_broadcast(int fd)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) != 0)
		return -errno;
	return 0;
}

int
cs_udp_local_port(int fd, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &sl) != 0)
		return -errno;
	*port = ntohs(sin.sin_port);
	return 0;
}

int
cs_udp_route_src(uint32_t dst_ip, uint16_t dst_port, uint32_t *src_ip)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd, r = 0, on = 1;

	if (src_ip == NULL)
		return -EINVAL;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	/* a broadcast destination needs the permission to connect to it */
	(void)setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	sin.sin_addr.s_addr = htonl(dst_ip);
	sin.sin_port = htons(dst_port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) != 0)
		r = -errno;
	close(fd);
	if (r == 0)
		*src_ip = ntohl(sin.sin_addr.s_addr);
	return r;
}

static int
udp_set_buf(int fd, int force_opt, int opt, size_t bytes)
{
	int v = bytes > INT_MAX / 2 ? INT_MAX / 2 : (int)bytes;

	if (bytes == 0)
		return 0;
	/* the forced form passes rmem_max (CAP_NET_ADMIN); without it the
	 * kernel silently caps the plain form at the system maximum */
	if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) == 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)) != 0)
		return -errno;
	return 0;
}

int
cs_udp_set_buffers(int fd, size_t rcv_bytes, size_t snd_bytes, size_t *rcv_got)
{
	socklen_t sl;
	int r, v;

	if (fd < 0)
		return -EINVAL;
	if ((r = udp_set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, rcv_bytes)) < 0 ||
	    (r = udp_set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, snd_bytes)) < 0)
		return r;
	if (rcv_got != NULL) {
		sl = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) != 0)
			return -errno;
		*rcv_got = v < 0 ? 0 : (size_t)v;
	}
	return 0;
}

int
cs_udp_send(int fd, uint32_t src_ip, uint32_t dst_ip, uint16_t dst_port,
    const void *p, size_t len)
{
	struct sockaddr_in to;
	struct iovec iov;
	struct msghdr mh;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;
	ssize_t n;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_addr.s_addr = htonl(dst_ip);
	to.sin_port = htons(dst_port);
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &to;
	mh.msg_namelen = sizeof(to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (src_ip != 0) {
		struct cmsghdr *cm;
		struct in_pktinfo pi;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst.s_addr = htonl(src_ip);
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	n = sendmsg(fd, &mh, 0);
	if (n < 0)
		return -errno;
	return 0;
}

int
cs_udp_recv_batch(int fd, struct cs_udp_pkt *pkts, unsigned n)
{
	struct mmsghdr mm[UDP_MAX_BATCH];
	struct iovec iov[UDP_MAX_BATCH];
	struct sockaddr_in from[UDP_MAX_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
		    CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} ctl[UDP_MAX_BATCH];
	int got;

	if (n > UDP_MAX_BATCH)
		n = UDP_MAX_BATCH;
	memset(mm, 0, sizeof(mm[0]) * n);
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = pkts[i].buf;
		iov[i].iov_len = pkts[i].cap;
		mm[i].msg_hdr.msg_name = &from[i];
		mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = ctl[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	got = recvmmsg(fd, mm, n, MSG_DONTWAIT, NULL);
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
	for (int i = 0; i < got; i++) {
		struct msghdr *h = &mm[i].msg_hdr;
		struct cmsghdr *cm;

		pkts[i].len = mm[i].msg_len;
		pkts[i].is_truncated = (h->msg_flags & MSG_TRUNC) != 0;
		pkts[i].src_ip = ntohl(from[i].sin_addr.s_addr);
		pkts[i].src_port = ntohs(from[i].sin_port);
		pkts[i].dst_ip = 0;
		pkts[i].has_rxq_drops = false;
		pkts[i].rxq_drops = 0;
		for (cm = CMSG_FIRSTHDR(h); cm != NULL;
		     cm = CMSG_NXTHDR(h, cm)) {
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				pkts[i].dst_ip = ntohl(pi.ipi_addr.s_addr);
			} else if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_RXQ_OVFL) {
				/* the kernel sends it only once the socket
				 * dropped something: absent means none */
				memcpy(&pkts[i].rxq_drops, CMSG_DATA(cm),
				    sizeof(pkts[i].rxq_drops));
				pkts[i].has_rxq_drops = true;
			}
		}
	}
	return got;
}

int
cs_udp_send_batch(int fd, const struct cs_udp_out *out, unsigned n)
{
	struct mmsghdr mm[UDP_MAX_BATCH];
	struct iovec iov[UDP_MAX_BATCH];
	struct sockaddr_in to[UDP_MAX_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl[UDP_MAX_BATCH];
	unsigned done = 0;

	if (n > UDP_MAX_BATCH)
		n = UDP_MAX_BATCH;
	memset(mm, 0, sizeof(mm[0]) * n);
	for (unsigned i = 0; i < n; i++) {
		struct msghdr *h = &mm[i].msg_hdr;

		memset(&to[i], 0, sizeof(to[i]));
		to[i].sin_family = AF_INET;
		to[i].sin_addr.s_addr = htonl(out[i].dst_ip);
		to[i].sin_port = htons(out[i].dst_port);
		iov[i].iov_base = (void *)(uintptr_t)out[i].buf;
		iov[i].iov_len = out[i].len;
		h->msg_name = &to[i];
		h->msg_namelen = sizeof(to[i]);
		h->msg_iov = &iov[i];
		h->msg_iovlen = 1;
		if (out[i].src_ip != 0) {
			struct cmsghdr *cm;
			struct in_pktinfo pi;

			memset(&ctl[i], 0, sizeof(ctl[i]));
			h->msg_control = ctl[i].buf;
			h->msg_controllen = sizeof(ctl[i].buf);
			cm = CMSG_FIRSTHDR(h);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst.s_addr = htonl(out[i].src_ip);
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		}
	}
	while (done < n) {
		int r = sendmmsg(fd, mm + done, n - done, MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* a datagram the kernel refuses (EAGAIN with full
			 * buffers, EPERM from a firewall, ...) is lost, as it
			 * would be on the wire; report and go on with the
			 * next one */
			return done > 0 ? (int)done : -errno;
		}
		done += (unsigned)r;
	}
	return (int)done;
}

int
cs_udp_reuseport_by_src(int fd, unsigned n_socks)
{
	/* classic BPF for SO_ATTACH_REUSEPORT_CBPF: A = IPv4 source address
	 * (network header offset 12) modulo the group size, so every
	 * datagram of one peer address (control and data port alike) lands
	 * on the same socket of the group */
	struct sock_filter code[] = {
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0,
		    (uint32_t)(SKF_NET_OFF + 12) },
		{ BPF_ALU | BPF_MOD | BPF_K, 0, 0, n_socks },
		{ BPF_RET | BPF_A, 0, 0, 0 },
	};
	struct sock_fprog prog;

	if (n_socks == 0)
		return -EINVAL;
	/* zeroed whole: the padding after .len goes to the kernel too
	 * (valgrind reports it uninitialised otherwise) */
	memset(&prog, 0, sizeof(prog));
	prog.len = 3;
	prog.filter = code;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog,
	        sizeof(prog)) != 0)
		return -errno;
	return 0;
}

const char *
cs_ipv4_str(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
	    (ip >> 8) & 0xff, ip & 0xff);
	return buf;
}

int
cs_ipv4_parse(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (s == NULL || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*ip = ntohl(a.s_addr);
	return 0;
}
