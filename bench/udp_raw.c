/* SPDX-License-Identifier: MIT */
/*
 * The raw cost of one UDP datagram over loopback on this host: one
 * socket sends batches with sendmmsg(2), another receives them with
 * recvmmsg(2), as capsim's packet path does, one thread, no protocol.
 * bench/clients multiplies it by the datagrams one client join takes.
 * Not part of ctest; bench/clients compiles it with one cc line:
 *   cc -O2 bench/udp_raw.c -o /tmp/udp_raw && /tmp/udp_raw ADDR [N] [LEN]
 * ADDR is a loopback address of the caller's run (never a fixed one).
 * Ends with one JSON line: {"datagram_us":...,"n":...,"len":...}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int
main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 200000;
	int len = argc > 3 ? atoi(argv[3]) : 120;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	static uint8_t out[BATCH][2048], in[BATCH][2048];
	struct mmsghdr sm[BATCH], rm[BATCH];
	struct iovec sv[BATCH], rv[BATCH];
	struct timespec t0;
	int tx, rx, done = 0, rcv = 8 << 20;

	if (argc < 2 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1 ||
	    n < BATCH || len < 1 || len > 2048) {
		fprintf(stderr, "usage: udp_raw ADDR [N>=32] [LEN 1..2048]\n");
		return 2;
	}
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	if (tx < 0 || rx < 0 ||
	    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0 ||
	    bind(rx, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(rx, (struct sockaddr *)&a, &al) < 0 ||
	    connect(tx, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("udp_raw: socket");
		return 1;
	}
	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	for (int i = 0; i < BATCH; i++) {
		memset(out[i], i, (size_t)len);
		sv[i] = (struct iovec){ out[i], (size_t)len };
		rv[i] = (struct iovec){ in[i], sizeof(in[i]) };
		sm[i].msg_hdr.msg_iov = &sv[i];
		sm[i].msg_hdr.msg_iovlen = 1;
		rm[i].msg_hdr.msg_iov = &rv[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	while (done < n) {
		int s = sendmmsg(tx, sm, BATCH, 0), got = 0;

		if (s < 0) {
			perror("udp_raw: sendmmsg");
			return 1;
		}
		while (got < s) {
			int r = recvmmsg(rx, rm, (unsigned)(s - got), 0, NULL);

			if (r < 0) {
				perror("udp_raw: recvmmsg");
				return 1;
			}
			got += r;
		}
		done += s;
	}
	printf("{\"datagram_us\":%.3f,\"n\":%d,\"len\":%d}\n",
	    ms_since(&t0) * 1e3 / done, done, len);
	close(tx);
	close(rx);
	return 0;
}
