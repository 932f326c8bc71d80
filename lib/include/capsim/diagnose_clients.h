/* SPDX-License-Identifier: MIT */
/*
 * Why wireless clients did not join (issue 14): per-client facts from
 * the station and, when known, the controller's side, classified into
 * verdicts with their evidence, then aggregated over the run like the
 * AP diagnosis (capsim/diagnose.h).  Pure: facts in, words out.  Where
 * the evidence is missing the verdict is "inconclusive", never a guess.
 */
#ifndef CS_DIAGNOSE_CLIENTS_H
#define CS_DIAGNOSE_CLIENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/diagnose.h"
#include "capsim/station.h"
#include "capsim/wpa.h"

enum cs_cdiag_code {
	CS_CDIAG_OK,                  /* "ok": reached Run */
	CS_CDIAG_WRONG_PSK,           /* "wrong-psk" */
	CS_CDIAG_ASSOC_REFUSED,       /* "association-refused" (status) */
	CS_CDIAG_DHCP_UNANSWERED,     /* "dhcp-unanswered" */
	CS_CDIAG_GATEWAY_UNREACHABLE, /* "gateway-unreachable" */
	CS_CDIAG_DATA_PATH_MTU,       /* "data-path-mtu": large frames lost
	                                 while small ones pass */
	CS_CDIAG_NO_DATA_CHANNEL,     /* "no-data-channel": the AP's CAPWAP
	                                 data channel never answered */
	CS_CDIAG_MIXED,               /* "mixed" (aggregate only) */
	CS_CDIAG_INCONCLUSIVE,        /* "inconclusive": evidence missing */
	CS_CDIAG__COUNT
};

/* What is known about one client.  Counters the caller does not have
 * stay 0; has_wlc_side says whether the controller's counters are real
 * (the embedded mock WLC) or unknown (a real controller). */
struct cs_client_facts {
	const char *name; /* "02:00:0b:00:00:01" or a name; borrowed */
	unsigned ap;      /* index of its AP (for "on N APs") */
	bool joined;      /* reached Run */
	bool failed;      /* gave up; failed_in says where */
	enum cs_sta_state failed_in;
	uint16_t assoc_status;  /* status of a refused (Re)Association (or
	                           Authentication), 0 none */
	uint16_t deauth_reason; /* Deauthentication received, 0 none */
	/* WPA2-PSK 4-way handshake: messages 1 received and 2 sent by the
	 * station; at the controller, messages 2 received and how many of
	 * them failed their MIC (IEEE 802.11-2016 §12.7.6.3) */
	uint32_t m1_received, m2_sent;
	bool has_wlc_side;
	uint32_t wlc_m2_received, wlc_m2_mic_failed;
	uint32_t wlc_dhcp_relayed; /* DHCP relayed for it (has_wlc_side) */
	/* DHCP from the station: requests sent, replies received */
	uint32_t dhcp_sent, dhcp_answered;
	/* the gateway: ARP requests and ICMP echo requests, answered */
	uint32_t arp_sent, arp_answered, echo_sent, echo_answered;
	/* data-path probes by frame size (small: <= 576 octets of IP, large:
	 * close to the path MTU), sent and answered */
	uint32_t small_sent, small_answered, large_sent, large_answered;
	uint16_t large_bytes; /* size of the large probes (for the words) */
	/* its AP's side, when the caller knows it (has_ap_side): the
	 * station never started because its AP never got the WLAN from the
	 * controller (Add WLAN, RFC 5416 §6.1; not: its turn of the arrival
	 * rate had not come), and the AP's data-channel keep-alives sent
	 * and answered by the controller (RFC 5415 §4.4.1): the path of the
	 * station's frames */
	bool has_ap_side;
	bool never_started;
	uint32_t ap_ka_sent, ap_ka_received;
};

/*
 * The station's side of a client's facts, from what the station knows at
 * the end (capsim/station.h): info from cs_sta_info() (its fail_value is
 * the failure's 802.11 status or reason code), l2_fail the supplicant's
 * verdict (cs_ap_stations_l2_fail(); NO_MSG3
 * means it got message 1 and sent message 2).  Fills f->joined, failed,
 * failed_in, assoc_status, deauth_reason, m1_received, m2_sent and the
 * DHCP, ARP and echo counts the station can vouch for; leaves name, ap
 * and the controller's side to the caller.  -EINVAL on NULL.
 */
CS_API int cs_client_facts_from_sta(struct cs_client_facts *f,
    const struct cs_sta_info *info, enum cs_wpa_fail l2_fail);

struct cs_client_diagnosis {
	enum cs_cdiag_code primary;
	const char *code;           /* cs_cdiag_code_name(primary) */
	char *summary;              /* owned */
	char *hint;                 /* owned */
	unsigned clients, affected; /* looked at; not ok */
	unsigned count[CS_CDIAG__COUNT];
	unsigned aps[CS_CDIAG__COUNT]; /* distinct APs of those clients */
	enum cs_diag_conf conf[CS_CDIAG__COUNT];
	char *evidence[CS_CDIAG__COUNT]; /* owned, per code with clients */
	size_t *idx[CS_CDIAG__COUNT];    /* owned: the clients, ascending */
	char *names[CS_CDIAG__COUNT];    /* owned: compressed names */
};

/* "ok", "wrong-psk", ...; NULL out of range. */
CS_API const char *cs_cdiag_code_name(enum cs_cdiag_code c);

/*
 * One client, first match wins:
 *  0. not joined, and its AP sent >= 2 data-channel keep-alives and got
 *     none back -> no-data-channel (high): its 802.11 frames had no
 *     path; the client is not at fault (the APs' diagnosis says why)
 *  1. a (Re)Association or Authentication refused with a status
 *     -> association-refused (high)
 *  2. failed in l2auth: the controller saw message 2 and every one failed
 *     its MIC -> wrong-psk (high); controller side unknown, message 2
 *     sent and deauthenticated with reason 15 or 2 -> wrong-psk (low:
 *     a lost message 3 looks the same from the station); controller saw
 *     a valid MIC -> inconclusive (not the PSK)
 *  3. large probes (>= 2) all lost while small ones are answered
 *     -> data-path-mtu (high)
 *  4. failed in dhcp, >= 2 requests, no reply -> dhcp-unanswered (high,
 *     evidence says whether the controller relayed them)
 *  5. failed in arp/ping: >= 2 ARP for the gateway unanswered, or ARP
 *     answered and >= 2 echoes unanswered -> gateway-unreachable (high)
 *  6. joined -> ok
 *  7. anything else -> inconclusive
 * Aggregate: no affected client -> ok; one code for >= 80 % of the
 * affected clients whose code is known -> that code; only inconclusive
 * ones -> inconclusive; else mixed.  No clients -> inconclusive.
 * Returns 0, -EINVAL (out NULL, or f NULL with n > 0), -ENOMEM (out
 * zeroed).  Free with cs_client_diagnosis_free().
 */
CS_API int cs_diagnose_clients(
    const struct cs_client_facts *f, size_t n, struct cs_client_diagnosis *out);
CS_API void cs_client_diagnosis_free(struct cs_client_diagnosis *d);

/* One client's code and a one-line reason into buf (NUL-terminated when
 * len > 0). */
CS_API enum cs_cdiag_code cs_diagnose_client(
    const struct cs_client_facts *f, char *buf, size_t len);

#endif /* CS_DIAGNOSE_CLIENTS_H */
