/* SPDX-License-Identifier: MIT */
/*
 * The WPA2-PSK 4-way handshake and group key handshake (IEEE 802.11-2016
 * §12.7.6, §12.7.7), both roles, sans-I/O (STYLE G0): EAPOL frames,
 * timer expiries and "now" go in; EAPOL frames to send, named timers to
 * arm, keys to install and a deauthentication to send come out through
 * struct cs_wpa_io.  The station FSM uses the supplicant as its L2
 * authentication step; the mock WLC runs one authenticator per client.
 *
 * Frames in and out are EAPOL PDUs (from the 802.1X version octet); the
 * caller adds or strips the LLC/SNAP header with EtherType 88-8E.
 *
 * A wrong passphrase, as IEEE 802.11 has it: the supplicant cannot tell,
 * it answers message 1 with a message 2 whose MIC the authenticator finds
 * wrong.  The authenticator silently discards that message 2 (§12.7.6.3),
 * retransmits message 1 with a new replay counter until its retries are
 * spent, then deauthenticates with reason 15 (4-way handshake timeout).
 * So the authenticator reports CS_WPA_FAIL_WRONG_PSK (every message 2 had
 * a bad MIC), and the supplicant, deauthenticated (reason 15, or 2 from
 * some controllers) after sending message 2 and never seeing message 3,
 * reports CS_WPA_FAIL_NO_MSG3 ("pre-shared key may be incorrect", which is
 * what wpa_supplicant says: it cannot be sure).
 */
#ifndef CS_WPA_H
#define CS_WPA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"
#include "capsim/eapol.h"
#include "capsim/wpa_crypto.h"

struct cs_log;
struct cs_wpa_supp;
struct cs_wpa_auth;

/* IEEE 802.11-2016 Table 9-45 reason codes used here */
#define CS_WPA_REASON_UNSPECIFIED   1
#define CS_WPA_REASON_PREV_AUTH_BAD 2
#define CS_WPA_REASON_4WAY_TIMEOUT  15
#define CS_WPA_REASON_GROUP_TIMEOUT 16
#define CS_WPA_REASON_IE_DIFFERENT  17
#define CS_WPA_REASON_INVALID_AKMP  20

#define CS_WPA_RSNE_MAX 64 /* the RSN elements we keep (ours are 22) */

/* Named timers (STYLE G8); each role uses its own subset. */
enum cs_wpa_timer {
	CS_WPA_T_RETX,      /* authenticator: message 1, 3 or G1 unanswered */
	CS_WPA_T_HANDSHAKE, /* supplicant: the 4-way did not complete */
	CS_WPA_T__COUNT
};

/* Supplicant states (§12.7.6 from the station's side). */
enum cs_wpa_supp_state {
	CS_WPA_S_IDLE,    /* not started (not associated) */
	CS_WPA_S_WAIT_M1, /* associated, waiting for message 1 */
	CS_WPA_S_WAIT_M3, /* message 2 sent */
	CS_WPA_S_DONE,    /* PTK and GTK installed; answers G1, M3 again */
	CS_WPA_S_FAILED,  /* gave up or deauthenticated */
	CS_WPA_S__COUNT
};

/* Authenticator states: the per-station machine of §12.7.6 (PTKSTART,
 * PTKCALCNEGOTIATING, PTKINITNEGOTIATING, PTKINITDONE) and the group key
 * machine's REKEYNEGOTIATING, which can only run once the PTK is done. */
enum cs_wpa_auth_state {
	CS_WPA_A_IDLE,
	CS_WPA_A_PTKSTART,           /* message 1 sent, waiting for message 2 */
	CS_WPA_A_PTKINITNEGOTIATING, /* message 3 sent, waiting for 4 */
	CS_WPA_A_PTKINITDONE,        /* keys installed */
	CS_WPA_A_REKEYNEGOTIATING,   /* G1 sent, waiting for G2 */
	CS_WPA_A_DISCONNECTED,       /* deauthenticated the station */
	CS_WPA_A__COUNT
};

/* Why a handshake failed: the vocabulary of the diagnosis. */
enum cs_wpa_fail {
	CS_WPA_FAIL_NONE,
	CS_WPA_FAIL_WRONG_PSK,   /* authenticator: every message 2 bad MIC */
	CS_WPA_FAIL_NO_MSG2,     /* authenticator: message 1 unanswered */
	CS_WPA_FAIL_NO_MSG4,     /* authenticator: message 3 unanswered */
	CS_WPA_FAIL_NO_G2,       /* authenticator: group message unanswered */
	CS_WPA_FAIL_NO_MSG1,     /* supplicant: no message 1 in time */
	CS_WPA_FAIL_NO_MSG3,     /* supplicant: message 2 sent, no 3 */
	CS_WPA_FAIL_IE_MISMATCH, /* RSN element in 4-way differs */
	CS_WPA_FAIL_DEAUTH,      /* the peer deauthenticated us otherwise */
	CS_WPA_FAIL__COUNT
};

enum cs_wpa_ev_kind {
	CS_WPA_EV_STATE,       /* from -> to (state names by role) */
	CS_WPA_EV_SENT,        /* msg, replay, attempt (1 = first) */
	CS_WPA_EV_DROPPED,     /* a received frame was discarded: reason */
	CS_WPA_EV_MIC_FAILURE, /* a received frame's MIC did not verify */
	CS_WPA_EV_INSTALL_PTK, /* key = TK */
	CS_WPA_EV_INSTALL_GTK, /* key = GTK, keyid, rsc */
	CS_WPA_EV_DEAUTH,      /* send a Deauthentication with reason_code */
	CS_WPA_EV_DONE,        /* 4-way complete: the port is open */
	CS_WPA_EV_FAILED,      /* fail, reason text (after DEAUTH if any) */
	CS_WPA_EV__COUNT
};

struct cs_wpa_event {
	enum cs_wpa_ev_kind kind;
	int from, to;          /* STATE: enum of the role */
	enum cs_eapol_msg msg; /* SENT/DROPPED/MIC_FAILURE */
	uint64_t replay;
	unsigned attempt;
	uint16_t reason_code; /* DEAUTH: IEEE 802.11 reason */
	enum cs_wpa_fail fail;
	const char *reason; /* static text or NULL */
	const uint8_t *key; /* INSTALL_*: valid during the callback only */
	size_t key_len;
	uint8_t keyid;
	const uint8_t *rsc; /* INSTALL_GTK: 8 octets */
	uint64_t t_ms;
};

struct cs_wpa_io {
	/* send an EAPOL PDU to the peer */
	int (*send)(void *ctx, const uint8_t *pdu, size_t len);
	/* named timer: re-arm replaces, cancel of an idle one is harmless */
	void (*timer_arm)(void *ctx, enum cs_wpa_timer t, uint64_t delay_ms);
	void (*timer_cancel)(void *ctx, enum cs_wpa_timer t);
	/* may be NULL; freeing the object from here is not allowed */
	void (*event)(void *ctx, const struct cs_wpa_event *ev);
	/* nonces: len random octets, 0 or negative errno */
	int (*rand_bytes)(void *ctx, uint8_t *buf, size_t len);
	void *ctx;
};

struct cs_wpa_supp_cfg {
	enum cs_wpa_akm akm;
	uint8_t pmk[CS_WPA_PMK_LEN]; /* copied; compute once per SSID+PSK */
	uint8_t aa[6];               /* authenticator address (BSSID) */
	uint8_t spa[6];              /* our MAC */
	/* our RSN element as sent in the (Re)Association Request: goes in
	 * message 2 */
	const uint8_t *own_rsne;
	size_t own_rsne_len;
	/* the AP's RSN element from its Beacon/Probe Response: message 3
	 * must carry the same (§12.7.6.4), else reason 17.  NULL when no
	 * Beacon was seen: message 3's element must then offer our AKM and
	 * CCMP-128 pairwise */
	const uint8_t *ap_rsne;
	size_t ap_rsne_len;
	uint64_t handshake_timeout_ms; /* 0 = 10 000 (as wpa_supplicant) */
	const struct cs_log *log;      /* may be NULL */
};

struct cs_wpa_auth_cfg {
	enum cs_wpa_akm akm;
	uint8_t pmk[CS_WPA_PMK_LEN];
	uint8_t aa[6];
	uint8_t spa[6];
	/* our RSN element (Beacon/Probe Response): goes in message 3 */
	const uint8_t *own_rsne;
	size_t own_rsne_len;
	/* the station's RSN element from its (Re)Association Request:
	 * message 2 must carry the same (§12.7.6.3), else reason 17 */
	const uint8_t *sta_rsne;
	size_t sta_rsne_len;
	/* the group key, its id (1..3) and its starting RSC */
	uint8_t gtk[CS_WPA_GTK_LEN];
	uint8_t gtk_keyid;
	uint8_t gtk_rsc[8];
	/* dot11RSNAConfigPairwiseUpdateTimeOut / GroupUpdateTimeOut; 0 =
	 * 1000 ms (Cisco's EAPOL-key timeout; the MIB's 100 ms is short for
	 * a CAPWAP tunnel) */
	uint64_t retx_timeout_ms;
	/* transmissions of message 1, 3 or G1 before giving up: 0 = 3
	 * (dot11RSNAConfigPairwiseUpdateCount default) */
	unsigned max_tries;
	uint64_t initial_replay; /* first replay counter used (0 is fine) */
	const struct cs_log *log;
};

/* Supplicant. */
/** -EINVAL (NULL, AKM not 2 or 6, own RSN element missing, an RSN
 * element longer than CS_WPA_RSNE_MAX, no send/timer/rand callbacks),
 * -ENOMEM.  Copies cfg, including the RSN elements. */
CS_API int cs_wpa_supp_new(struct cs_wpa_supp **ret,
    const struct cs_wpa_supp_cfg *cfg, const struct cs_wpa_io *io);
/** Wipes the keys and frees; NULL is a no-op. */
CS_API void cs_wpa_supp_free(struct cs_wpa_supp *s);
/** Associated: wait for message 1 (arms CS_WPA_T_HANDSHAKE).  -EALREADY
 * when not IDLE or FAILED. */
CS_API int cs_wpa_supp_start(struct cs_wpa_supp *s, uint64_t now_ms);
/**
 * An EAPOL PDU from the authenticator.  0 when used; -EBADMSG when it
 * does not decode (err says where); -EPROTO when it was discarded (wrong
 * state, replay counter, MIC, nonce: a DROPPED or MIC_FAILURE event says
 * why).  The supplicant's state is unchanged by discarded frames.
 */
CS_API int cs_wpa_supp_input(struct cs_wpa_supp *s, const uint8_t *pdu,
    size_t len, uint64_t now_ms, struct cs_err *err);
CS_API void cs_wpa_supp_timer(
    struct cs_wpa_supp *s, enum cs_wpa_timer t, uint64_t now_ms);
/** The AP deauthenticated or disassociated us with `reason_code`. */
CS_API void cs_wpa_supp_deauthed(
    struct cs_wpa_supp *s, uint16_t reason_code, uint64_t now_ms);
CS_API enum cs_wpa_supp_state cs_wpa_supp_state(const struct cs_wpa_supp *s);
CS_API enum cs_wpa_fail cs_wpa_supp_fail(const struct cs_wpa_supp *s);
CS_API const char *cs_wpa_supp_state_name(enum cs_wpa_supp_state st);

/* Authenticator. */
CS_API int cs_wpa_auth_new(struct cs_wpa_auth **ret,
    const struct cs_wpa_auth_cfg *cfg, const struct cs_wpa_io *io);
CS_API void cs_wpa_auth_free(struct cs_wpa_auth *a);
/** The station associated: new ANonce, sends message 1.  -EALREADY when
 * a handshake is running. */
CS_API int cs_wpa_auth_start(struct cs_wpa_auth *a, uint64_t now_ms);
/** An EAPOL PDU from the station; returns as cs_wpa_supp_input. */
CS_API int cs_wpa_auth_input(struct cs_wpa_auth *a, const uint8_t *pdu,
    size_t len, uint64_t now_ms, struct cs_err *err);
CS_API void cs_wpa_auth_timer(
    struct cs_wpa_auth *a, enum cs_wpa_timer t, uint64_t now_ms);
/** New group key: runs the group key handshake (G1/G2) when the PTK is
 * done, otherwise it is used from the next message 3.  -EINVAL on keyid
 * not 1..3. */
CS_API int cs_wpa_auth_set_gtk(struct cs_wpa_auth *a,
    const uint8_t gtk[CS_WPA_GTK_LEN], uint8_t keyid, const uint8_t rsc[8],
    uint64_t now_ms);
CS_API enum cs_wpa_auth_state cs_wpa_auth_state(const struct cs_wpa_auth *a);
CS_API enum cs_wpa_fail cs_wpa_auth_fail(const struct cs_wpa_auth *a);
/** Message 2s whose MIC did not verify, in this handshake. */
CS_API unsigned cs_wpa_auth_mic_failures(const struct cs_wpa_auth *a);
CS_API const char *cs_wpa_auth_state_name(enum cs_wpa_auth_state st);

/** "wrong-psk", "no-msg3", ... (stable names for reports). */
CS_API const char *cs_wpa_fail_name(enum cs_wpa_fail f);

#endif /* CS_WPA_H */
