/* SPDX-License-Identifier: MIT */
/*
 * Per-AP diagnosis facts (diagnose.h) the caller gives rather than ones
 * folded from datagrams (facts.c): the DHCP option 43 the AP got, its
 * clock skew, the datagram size classes, a controller answer still in
 * flight when the capture ended, and capsim's own send errors.
 */
#include "capsim/diagnose.h"

#include <errno.h>
#include <string.h>

void
cs_facts_option43(
    struct cs_ap_facts *f, const uint8_t *raw, size_t len, int parse_err)
{
	if (f == NULL)
		return;
	f->flags |= CS_FACTS_F_O43;
	if (raw == NULL || len == 0) {
		f->o43_len = 0;
		f->o43_err = 1;
		return;
	}
	f->o43_len = (uint8_t)(len > CS_FACTS_O43_LEN ? CS_FACTS_O43_LEN : len);
	memcpy(f->o43, raw, f->o43_len);
	if (parse_err == 0)
		f->o43_err = 0;
	else if (parse_err < 0 && parse_err >= INT8_MIN)
		f->o43_err = (int8_t)parse_err;
	else
		f->o43_err = -EBADMSG;
}

void
cs_facts_clock_skew(struct cs_ap_facts *f, int64_t skew_s)
{
	if (f == NULL)
		return;
	if (skew_s > INT32_MAX)
		skew_s = INT32_MAX;
	if (skew_s < INT32_MIN)
		skew_s = INT32_MIN;
	f->skew_s = (int32_t)skew_s;
	if (skew_s != 0)
		f->flags |= CS_FACTS_F_SKEW;
	else
		f->flags &= (uint16_t)~CS_FACTS_F_SKEW;
}

unsigned
cs_facts_size_class(size_t len)
{
	static const unsigned max[CS_FACTS_SIZE_CLASSES - 1] = { 128, 256, 512,
		1024, 1400 };

	for (unsigned i = 0; i < CS_ARRAY_SIZE(max); i++)
		if (len <= max[i])
			return i;
	return CS_FACTS_SIZE_CLASSES - 1;
}

unsigned
cs_facts_size_class_max(unsigned c)
{
	static const unsigned max[CS_FACTS_SIZE_CLASSES] = { 128, 256, 512,
		1024, 1400, 65535 };

	return c < CS_FACTS_SIZE_CLASSES ? max[c] : 65535;
}

void
cs_facts_wlc_in_flight(struct cs_ap_facts *f, size_t len)
{
	uint16_t *c;

	if (f == NULL)
		return;
	c = &f->wlc_tx[cs_facts_size_class(len)];
	if (*c > 0 && *c != UINT16_MAX)
		(*c)--;
}

void
cs_self_send_error(struct cs_self_health *h, int err)
{
	unsigned free_slot = CS_SELF_ERRNOS;

	if (h == NULL)
		return;
	if (err < 0)
		err = -err;
	h->send_errors++;
	for (unsigned i = 0; i < CS_SELF_ERRNOS; i++) {
		if (h->send_errno[i].err == err) {
			h->send_errno[i].count++;
			return;
		}
		if (h->send_errno[i].err == 0 && free_slot == CS_SELF_ERRNOS)
			free_slot = i;
	}
	if (free_slot < CS_SELF_ERRNOS) {
		h->send_errno[free_slot].err = err;
		h->send_errno[free_slot].count = 1;
	}
}
