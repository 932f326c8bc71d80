/* SPDX-License-Identifier: MIT */
/* cs_udp_set_broadcast: SO_BROADCAST on an AP socket so that a Discovery
 * Request may go to 255.255.255.255 (RFC 5415 §3.3).  Only the socket
 * option is checked: nothing is sent (tests stay on 127.0.0.0/8). */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/udp.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static int
broadcast_flag(int fd)
{
	int v = -1;
	socklen_t l = sizeof(v);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, &l), 0);
	return v;
}

static void
test_sets_so_broadcast(void **state)
{
	int fd = cs_udp_open(IP(127, 0, 0, 1), 0, false);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(broadcast_flag(fd), 0); /* off by default */
	assert_int_equal(cs_udp_set_broadcast(fd), 0);
	assert_int_equal(broadcast_flag(fd), 1);
	assert_int_equal(cs_udp_set_broadcast(fd), 0); /* idempotent */
	assert_int_equal(broadcast_flag(fd), 1);
	close(fd);
}

static void
test_bad_descriptor(void **state)
{
	int fd;

	(void)state;
	assert_int_equal(cs_udp_set_broadcast(-1), -EBADF);
	/* not a socket */
	fd = dup(0);
	if (fd >= 0) {
		assert_int_equal(cs_udp_set_broadcast(fd), -ENOTSOCK);
		close(fd);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets_so_broadcast),
		cmocka_unit_test(test_bad_descriptor),
	};

	return cmocka_run_group_tests_name("udp_broadcast", tests, NULL, NULL);
}
