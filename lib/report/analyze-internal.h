/* SPDX-License-Identifier: MIT */
/*
 * What the capture analysis's files share (analyze.c feeds the datagrams,
 * analyze_identity.c finds their AP, analyze_pend.c holds the controller's
 * answers until the AP shows whether they arrived): the analyzer, its APs
 * and their flows.
 */
#ifndef CS_ANALYZE_INTERNAL_H
#define CS_ANALYZE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/analyze.h"
#include "capsim/roles.h"

#define MAX_WLC_ADDRS 64

/* One DTLS association (5-tuple up to the protocol). */
struct flow {
	uint32_t ap_ip, wlc_ip;
	uint16_t ap_port, wlc_port;
	enum cs_chan ch;
	struct cs_dtls_dec *dec;
	bool have_cr;
	bool cert_tail; /* a server Certificate tail seen, this handshake */
	uint8_t cr[32];
	uint32_t hs_seen[2][25]; /* per dir, per handshake type: mseq bits */
	bool ctl_last_set[2];
	uint32_t ctl_last_type[2];
	uint8_t ctl_last_seq[2];
	struct flow *next; /* in the AP's list */
};

/* A datagram from the controller that answers the AP (Discovery Response,
 * a server handshake flight), held until the AP shows whether it got it. */
struct pend {
	uint64_t ms;
	uint32_t wlc_ip;
	uint16_t wlc_port;
	uint16_t ap_port; /* several APs may share the address (NAT) */
	bool is_dtls;
	bool is_flight_no_sh; /* later parts of a server flight whose
	                         ServerHello this capture never held */
	size_t len;
	uint8_t *b;
};

#define MAX_PEND 32

struct ap {
	struct cs_analyze_ap pub;
	struct flow *flows;
	struct pend pend[MAX_PEND];
	unsigned n_pend;
	bool lossy;    /* some answer was never acted on */
	bool finished; /* pending answers settled by finish */
	bool disc_pending;
	uint16_t ctl_port; /* AP port of its last protected control traffic */
	bool ctl_last_set[2]; /* for clear control messages */
	uint32_t ctl_last_type[2];
	uint8_t ctl_last_seq[2];
	uint64_t board_id; /* identity: Base MAC or Board Data hash, 0 none */
	bool has_sid;
	uint8_t sid[16];    /* Session ID of its last Join Request */
	uint16_t up_port;   /* AP port of its last control datagram */
	uint16_t data_port; /* AP port of its last data-channel datagram */
	bool has_up_seq;    /* last protected control record sent */
	uint16_t up_epoch;
	uint64_t up_seq;
};

/* Keys of the AP map (value: AP index + 1); tag in the top byte. */
#define K_FLOW  (1ull << 56) /* | address << 16 | port */
#define K_ADDR  (2ull << 56) /* | address: its most recent AP */
#define K_BOARD (3ull << 56) /* | identity hash */
#define K_SID   (4ull << 56) /* | Session ID hash */
#define K_NADDR (5ull << 56) /* | address: identified APs seen there */
#define K_LOW   ((1ull << 56) - 1)

struct cs_analyze {
	struct cs_analyze_cfg cfg;
	struct cs_keylog *keys;
	struct cs_ip4_reasm *reasm;
	struct ap **aps;
	size_t n_aps, cap_aps;
	uint64_t *key; /* open addressing, 0 = empty */
	uint32_t *val;
	size_t n_key, key_cap;
	uint32_t wlc[MAX_WLC_ADDRS]; /* learned controller addresses */
	unsigned n_wlc;
	struct cs_analyze_stats st;
	/* the datagram being decrypted */
	struct ap *cur_ap;
	struct flow *cur_flow;
	uint64_t cur_ms;
};

/* What an AP datagram says about the controller's last answer. */
enum hs_verdict {
	HS_NONE,        /* no clear handshake message */
	HS_PROGRESS,    /* a handshake message not sent before */
	HS_REPEAT,      /* a message sent again: the answer did not arrive */
	HS_NEW_SESSION, /* a ClientHello with a new random: handshake given up
	                 */
};

/* analyze.c */
bool ctl_type(
    const uint8_t *p, size_t len, uint32_t *type, uint8_t *seq, bool *fragment);
enum hs_verdict hs_track(struct ap *ap, struct flow *f, enum cs_dir dir,
    const uint8_t *p, size_t len);

/* analyze_identity.c */
uint32_t key_get(const struct cs_analyze *a, uint64_t k);
int key_put(struct cs_analyze *a, uint64_t k, uint32_t v);
uint32_t ap_index(const struct cs_analyze *a, const struct ap *ap);
uint64_t wtp_identity(const uint8_t *p, size_t len, uint8_t mac[8],
    uint8_t *mac_len, bool *has_sid, uint8_t sid[16]);
uint64_t sid_key(const uint8_t sid[16]);
int ap_identify(struct cs_analyze *a, struct ap *ap, uint64_t id,
    const uint8_t *mac, uint8_t mac_len, uint32_t ip, uint16_t port);
struct ap *ap_find(struct cs_analyze *a, uint32_t ip, uint16_t port,
    enum cs_dir dir, enum cs_chan ch, const uint8_t *p, size_t len,
    uint64_t t_us);
bool first_record(const uint8_t *p, size_t len, uint16_t *epoch, uint64_t *seq);
void ap_nat(struct ap *ap, uint32_t ip, uint16_t port);
void ap_ports(struct ap *ap, enum cs_chan ch, uint32_t ip, uint16_t port);
bool flow_rebind(struct ap *ap, enum cs_dir dir, enum cs_chan ch,
    uint16_t ap_port, uint32_t wlc_ip, uint16_t wlc_port, const uint8_t *p,
    size_t len);

/* analyze_pend.c */
void pend_feed(struct ap *ap, unsigned i);
void pend_settle(
    struct ap *ap, bool dtls, bool lost, uint16_t ap_port, uint32_t to_ip);
int answers_track(struct ap *ap, const struct flow *f, enum cs_dir dir,
    enum cs_chan ch, bool is_capwap, bool is_dtls, enum hs_verdict hv,
    uint32_t wlc_ip, uint16_t wlc_port, uint16_t ap_port, uint64_t ms,
    const uint8_t *p, size_t len, bool *held);

#endif /* CS_ANALYZE_INTERNAL_H */
