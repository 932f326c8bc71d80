/* SPDX-License-Identifier: MIT */
/*
 * Scenario files (YAML, scenarios/README.md) turned into a run plan: the
 * AP population, the controller, impairment rules, NAT, a timeline of
 * changes and the expectations a run is judged by.  Pure: no I/O besides
 * reading the file in cs_scenario_load; no clock.
 */
#ifndef CS_SCENARIO_H
#define CS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/ap.h"
#include "capsim/common.h"
#include "capsim/dtls.h"
#include "capsim/impair.h"
#include "capsim/pki.h"
#include "capsim/report.h"
#include "capsim/values.h"
#include "capsim/wlc.h"

/* How APs learn their controllers (DESIGN.md): static priming (unicast
 * Discovery to aps.controllers), DHCP option 43, DNS, broadcast. */
enum cs_scn_discovery {
	CS_SCN_DISC_STATIC,
	CS_SCN_DISC_DHCP,
	CS_SCN_DISC_DNS,
	CS_SCN_DISC_BROADCAST,
	CS_SCN_DISC__COUNT
};

/* Bits of cs_scn_timers.set: which timers the file overrides. */
enum cs_scn_timer {
	CS_SCN_T_DISCOVERY_INTERVAL,     /* ms */
	CS_SCN_T_MAX_DISCOVERY_INTERVAL, /* ms */
	CS_SCN_T_RETRANSMIT_INTERVAL,    /* ms */
	CS_SCN_T_ECHO_INTERVAL,          /* ms */
	CS_SCN_T_KEEPALIVE,              /* ms */
	CS_SCN_T_DATA_DEAD,              /* ms */
	CS_SCN_T_WAIT_DTLS,              /* ms */
	CS_SCN_T_SILENT_INTERVAL,        /* ms */
	CS_SCN_T_MAX_DISCOVERIES,        /* count */
	CS_SCN_T_MAX_RETRANSMIT,         /* count */
	CS_SCN_T_MAX_FAILED_DTLS,        /* count */
	CS_SCN_T__COUNT
};

/* RFC 5415 §4.7/§4.8 overrides; only entries whose bit is in `set` were
 * given (the rest keep cs_ap_cfg_defaults()). */
struct cs_scn_timers {
	uint32_t set; /* 1u << enum cs_scn_timer */
	uint32_t value[CS_SCN_T__COUNT];
};

/*
 * One AP group (aps.groups): a run of consecutive AP indexes with its own
 * model, certificate, DTLS offer and timers.  Every field starts as the
 * aps section says and is overridden by what the group gives; timers
 * merge (the group's over aps.timers).
 */
#define CS_SCN_MAX_GROUPS 16
struct cs_scn_group {
	unsigned first, count; /* AP indexes first .. first + count - 1 */
	char *profile;         /* NULL = generic RFC 5415 AP */
	enum cs_dtls_version dtls_version;
	char *ciphers; /* NULL = library default */
	unsigned mtu;  /* 0 = default */
	enum cs_pki_broken cert;
	int64_t clock_skew_s;
	enum cs_ap_image_policy image_policy;
	struct cs_scn_timers timers;
	unsigned line;
};

struct cs_scn_aps {
	unsigned count;                  /* default 1 */
	uint32_t base_ip;                /* host order; default 127.1.0.1 */
	uint8_t base_mac[6];             /* default 02:ca:75:00:00:01 */
	char *name;                      /* name prefix; default "capsim-ap-" */
	char *profile;                   /* NULL = generic RFC 5415 AP */
	enum cs_scn_discovery discovery; /* default static */
	/* aps.discovery as a mapping (method: ..., and where the services
	 * are); 0 / NULL where not given (the command line may give them) */
	uint32_t dhcp_server, dhcp_relay, dns_server; /* host order */
	char *dns_domain, *vendor_class;
	uint32_t discovery_timeout_ms;
	/* controllers the APs prime (static) or fall back to; host order;
	 * empty = the scenario's WLC */
	uint32_t controllers[CS_AP_MAX_TARGETS];
	size_t n_controllers;
	bool skip_discovery; /* join controllers[0] directly */
	/* aps.primed: primary, secondary, tertiary as "NAME@ADDR", "NAME"
	 * or "ADDR" ("" / 0 where not given); addresses join the Discovery
	 * targets after `controllers` */
	char primed_name[3][64];
	uint32_t primed_ip[3];
	size_t n_primed;
	int64_t clock_skew_s; /* AP clocks off by this much (may be < 0) */
	enum cs_dtls_version dtls_version; /* default 1.2 */
	char *ciphers;                     /* NULL = library default */
	struct cs_dtls_psk_set psk; /* dtls-psk: owned, wiped; n 0 = none */
	unsigned mtu;               /* DTLS MTU; 0 = default */
	enum cs_pki_broken cert;    /* AP certificates; default good */
	double rate_per_s;          /* APs started per second; 0 = all */
	unsigned max_inflight;      /* 0 = engine default */
	enum cs_ap_image_policy image_policy;
	enum cs_data_dtls data_dtls; /* DTLS data channel wish; default off */
	struct cs_scn_timers timers;
	/* aps.groups: 0 = one population as above; else the groups split
	 * the count in order (their counts add up to count) */
	struct cs_scn_group *groups;
	size_t n_groups;
};

struct cs_scn_wlc {
	bool embedded;         /* true unless `address` is given */
	uint32_t address;      /* real controller, host order (!embedded) */
	uint16_t port;         /* its control port; default 5246 */
	uint32_t listen_ip;    /* embedded: default 127.0.0.1 */
	bool has_listen;       /* listen given (placed explicitly) */
	uint16_t listen_port;  /* embedded: default 5246 */
	uint32_t advertise_ip; /* embedded: 0 = listen_ip (WLC behind NAT) */
	bool has_max_aps;      /* max-aps given (0 = rejects every join) */
	unsigned max_aps;      /* capacity (Join result code 4 beyond) */
	bool auth_enabled;     /* auth-list given (even empty: nobody joins) */
	uint8_t (*auth_macs)[6]; /* owned */
	size_t n_auth_macs;
	enum cs_dtls_version dtls_version; /* default 1.2 */
	char *ciphers;                     /* NULL = library default */
	struct cs_dtls_psk_set psk;     /* dtls-psk: owned; none = the APs' */
	enum cs_pki_broken cert;        /* default good */
	bool cisco;                     /* Cisco (draft-7/8) vocabulary */
	enum cs_data_dtls data_dtls;    /* DTLS Policy; default off (C) */
	uint32_t echo_interval_ms;      /* 0 = WLC default */
	uint32_t discovery_interval_ms; /* 0 = WLC default */
	uint32_t wait_join_ms;          /* 0 = WLC default */
	uint32_t data_check_ms;         /* 0 = WLC default */
	uint32_t image_size;            /* bytes served; 0 = none */
	/* the mock's download gate (cs_wlc_cfg); has_* = set by the file */
	uint32_t image_max_downloads, image_starts_per_min;
	bool has_image_max, has_image_rate;
	unsigned mtu; /* the mock's DTLS record MTU; 0 = as the APs' */
	struct cs_wlc_misbehave misbehave;
};

/* Bits of cs_scn_event.misbehave_set: the switches a timeline entry
 * changes (the others keep their value). */
enum cs_scn_mb {
	CS_SCN_MB_REJECT,          /* reject_share */
	CS_SCN_MB_REJECT_CODE,     /* reject_code */
	CS_SCN_MB_DELAY,           /* delay_ms */
	CS_SCN_MB_DROP,            /* drop_msg_type (0: answer again) */
	CS_SCN_MB_MUTE,            /* mute */
	CS_SCN_MB_HANDSHAKE_DELAY, /* handshake_delay_ms */
	CS_SCN_MB__COUNT
};

/* One impairment rule (capsim/impair.h) and where it was written. */
struct cs_scn_impair {
	struct cs_impair_rule rule; /* rule.name is unique in the scenario */
	unsigned line;
};

/* NAT in front of the APs (capsim/impair.h).  The engine fills the port
 * allocator callbacks before cs_nat_new. */
struct cs_scn_nat {
	bool enabled; /* a `nat:` section was given */
	struct cs_nat_cfg cfg;
};

enum cs_scn_act {
	CS_SCN_ACT_ENABLE,        /* rule_index switched on */
	CS_SCN_ACT_DISABLE,       /* rule_index switched off */
	CS_SCN_ACT_WLC_RESTART,   /* embedded WLC restarts (sessions lost) */
	CS_SCN_ACT_AP_REBOOT,     /* selected APs reboot (sel) */
	CS_SCN_ACT_LINK_DOWN,     /* every datagram lost for for_ms */
	CS_SCN_ACT_NAT_REBIND,    /* NAT picks new external ports */
	CS_SCN_ACT_NAT_EXPIRE,    /* NAT forgets every mapping */
	CS_SCN_ACT_WLC_MISBEHAVE, /* embedded WLC: misbehave_set switches */
	CS_SCN_ACT_WLC_REQUEST,   /* embedded WLC sends cmd to sel's APs */
	CS_SCN_ACT__COUNT
};

struct cs_scn_event {
	uint64_t at_ms;
	enum cs_scn_act action;
	unsigned rule_index; /* ENABLE/DISABLE: index into impairments[] */
	struct cs_apsel sel; /* AP_REBOOT (capsim/values.h) */
	uint64_t for_ms;     /* LINK_DOWN */
	/* WLC_MISBEHAVE: the switches in misbehave_set take these values */
	uint32_t misbehave_set; /* 1u << enum cs_scn_mb */
	struct cs_wlc_misbehave misbehave;
	/* WLC_REQUEST: the request (its strings point into cmd_image and
	 * cmd_acs only once cs_scn_wlc_request_cmd() filled a copy) */
	struct cs_wlc_cmd cmd;
	char cmd_image[64];
	char cmd_acs[CS_WLC_CMD_MAX_ACS][64];
	unsigned line;
};

/* The WLC_REQUEST command of ev in *out, its strings pointing into ev;
 * -EINVAL for another action. */
CS_API int cs_scn_wlc_request_cmd(
    const struct cs_scn_event *ev, struct cs_wlc_cmd *out);

/* Expectations: "METRIC OP VALUE", parsed at load time. */
enum cs_expect_op {
	CS_EXP_GE, /* >= */
	CS_EXP_LE, /* <= */
	CS_EXP_EQ, /* == */
	CS_EXP_NE, /* != */
	CS_EXP_LT, /* <  */
	CS_EXP_GT, /* >  */
};

enum cs_expect_kind {
	CS_EXPV_NUMBER,   /* plain number */
	CS_EXPV_PERCENT,  /* percent of the AP count (value in 0..100) */
	CS_EXPV_DURATION, /* milliseconds */
	CS_EXPV_WORD,     /* a word (diagnosis codes); only == and != */
};

struct cs_expect {
	char *text;   /* the expression as written (JUnit/JSON name) */
	char *metric; /* metric path, e.g. "phase.dtls.p95" */
	enum cs_expect_op op;
	enum cs_expect_kind kind;
	double value; /* NUMBER, PERCENT (0..100), DURATION (ms) */
	char *word;   /* WORD */
	unsigned line, col;
};

/* clients: wireless clients behind every AP (issue 14) */
enum cs_scn_security {
	CS_SCN_SEC_OPEN,
	CS_SCN_SEC_WPA2_PSK
};
struct cs_scn_clients {
	bool given;          /* the section is there */
	unsigned count;      /* per AP (0..65535) */
	bool has_mac_base;   /* mac_base given */
	uint8_t mac_base[6]; /* client k of AP g: base + (g*count + k)*step */
	uint32_t mac_increment; /* 0: not given (1) */
	char *ssid;             /* NULL: not given */
	enum cs_scn_security security;
	char *psk;     /* wpa2-psk: 8..63 characters or 64 hex digits */
	bool has_rate; /* arrival_rate given */
	double rate;   /* per AP, clients/s once it is in Run; 0 = at once */
	uint64_t lifetime_ms; /* 0: stay */
	/* the embedded WLC toward these clients (scenarios of the client
	 * verdicts): its own passphrase for the WLAN (NULL: psk), and the
	 * status it refuses (re)association with (0: none) */
	char *wlc_psk;
	uint16_t wlc_refuse_assoc;
	/* the stations' DHCP: first retransmission and requests before
	 * giving up (0: the station's defaults, 4 s and 4) */
	uint64_t dhcp_timeout_ms;
	unsigned dhcp_tries;
};

struct cs_scenario {
	char *file; /* as given to cs_scenario_load, or "<memory>" */
	char *name;
	char *description;    /* may be NULL */
	uint64_t seed;        /* default 1 */
	uint64_t duration_ms; /* default 60 s */
	struct cs_scn_aps aps;
	struct cs_scn_wlc wlc;
	struct cs_scn_impair *impairments;
	size_t n_impairments;
	struct cs_scn_nat nat;
	struct cs_scn_clients clients;
	struct cs_scn_event *timeline; /* sorted by at_ms (stable) */
	size_t n_timeline;
	struct cs_expect *expect;
	size_t n_expect;
};

/*
 * Reads and validates a scenario file.  Returns 0 and *ret (free with
 * cs_scenario_free), or a negative errno with *ret untouched:
 *   -EINVAL   invalid content (err->what: "FILE:LINE:COL: key 'k': why")
 *   -ENOENT, -EACCES, ... the file cannot be read
 *   -ENOMEM
 * err may be NULL.  err->what points to a per-thread buffer that stays
 * valid until the next cs_scenario_* / cs_expect_* call on the same
 * thread; err->offset is the byte offset in the file.
 */
CS_API int cs_scenario_load(
    struct cs_scenario **ret, const char *path, struct cs_err *err);

/* Same from memory; `name` (NULL = "<memory>") is used in messages. */
CS_API int cs_scenario_parse_mem(struct cs_scenario **ret, const void *data,
    size_t len, const char *name, struct cs_err *err);

/* NULL is a no-op. */
CS_API void cs_scenario_free(struct cs_scenario *s);

struct cs_engine_cfg; /* capsim/engine.h */

/* Applies the scenario's settings to a run's configuration: the AP
 * population, identity and timers, the embedded WLC's policies and NAT
 * into *ec (the NAT config stays sc's: keep sc alive), the DTLS version,
 * ciphers and MTU of the APs into *ap_dc and of the WLC into *wlc_dc (both
 * may be NULL).  What the scenario leaves out stays as it was, so a
 * program applies it first and its options over it.  0 or -EINVAL. */
CS_API int cs_scenario_apply(const struct cs_scenario *sc,
    struct cs_engine_cfg *ec, struct cs_dtls_cfg *ap_dc,
    struct cs_dtls_cfg *wlc_dc);

/* Writes the timer overrides into *cfg (others untouched). */
CS_API void cs_scenario_apply_ap_timers(
    const struct cs_scenario *s, struct cs_ap_cfg *cfg);

/* Writes the timer overrides of group g into *cfg (others untouched). */
CS_API void cs_scn_group_apply_timers(
    const struct cs_scn_group *g, struct cs_ap_cfg *cfg);

/* A WLC_MISBEHAVE entry applied to the switches in force: those it names
 * take its values, the others stay.  -EINVAL for NULL or another
 * action. */
CS_API int cs_scn_misbehave_apply(
    const struct cs_scn_event *ev, struct cs_wlc_misbehave *m);

struct cs_engine; /* capsim/engine.h */

/* Runs a WLC_MISBEHAVE entry on every shard of the engine's embedded WLC
 * (lib/scenario/timeline.c; main thread, not from an engine callback).
 * Returns 0, -EINVAL (NULL, another action, values the WLC refuses),
 * -ENOENT without an embedded WLC. */
CS_API int cs_scn_wlc_misbehave(
    struct cs_engine *e, const struct cs_scn_event *ev);

/* What one timeline entry did, told to the program (cs_scn_timeline). */
struct cs_scn_done {
	const struct cs_scn_event *ev;
	uint64_t at_ms; /* engine time it ran at (cs_engine_now_ms) */
	int r;          /* 0, or -ENOENT: nothing to act on (no embedded WLC,
	                   no NAT, no such rule) */
	unsigned n;     /* AP_REBOOT: APs power-cycled; WLC_REQUEST: sent */
	unsigned busy;  /* WLC_REQUEST: skipped, a request outstanding */
};
typedef void cs_scn_done_fn(void *ctx, const struct cs_scn_done *d);

/* A scenario's timeline running against an engine (main thread).  The
 * caller owns the clock: it calls cs_scn_timeline_run when the delay it
 * returned has passed (one timer), and nothing here blocks. */
struct cs_scn_timeline {
	const struct cs_scenario *sc;
	struct cs_engine *e;
	uint64_t seed;  /* AP selections (cs_apsel_match) */
	uint64_t t0_ms; /* engine time of the timeline's 0 */
	size_t next;    /* first entry not run yet */
	cs_scn_done_fn *done;
	void *ctx;
};

/* Starts the timeline of sc now (engine time); done (may be NULL) hears
 * each entry run.  -EINVAL for NULL sc or e. */
CS_API int cs_scn_timeline_init(struct cs_scn_timeline *t,
    const struct cs_scenario *sc, struct cs_engine *e, uint64_t seed,
    cs_scn_done_fn *done, void *ctx);
/* Runs, in order, every entry due by now; returns the milliseconds until
 * the next one, UINT64_MAX when none is left.  Not from an engine
 * callback. */
CS_API uint64_t cs_scn_timeline_run(struct cs_scn_timeline *t);

/* The switches a WLC_MISBEHAVE entry names, as written: "mute=true
 * drop=echo-request"; "" for another action.  Returns buf. */
CS_API const char *cs_scn_misbehave_text(
    const struct cs_scn_event *ev, char *buf, size_t len);

/* "enable", "wlc-restart", ... (the timeline key); NULL when out of
 * range. */
CS_API const char *cs_scn_act_name(enum cs_scn_act a);

/* "static", "dhcp", "dns", "broadcast"; NULL when out of range. */
CS_API const char *cs_scn_discovery_name(enum cs_scn_discovery d);

/* ----- expectations ----- */

/* The caller's view of a finished (or running) run. */
struct cs_measure_ops {
	/* Numeric metric by path: 0 and *out, -ENOENT when unknown. Counts
	 * are plain numbers, latencies in ms. */
	int (*number)(void *ctx, const char *path, double *out);
	/* Word metric ("diagnosis"): 0 and a NUL-terminated copy in buf,
	 * -ENOENT when unknown.  May be NULL when there are none. */
	int (*string)(void *ctx, const char *path, char *buf, size_t len);
	/* AP count percentages are relative to (this shard's APs). */
	uint64_t ap_count;
	/* clients.* percentages are relative to (the clients created) */
	uint64_t client_count;
};

/* Parses one expression; for tests and the CLI.  err->what as above (no
 * file position: line/col are 0).  Returns 0, -EINVAL, -ENOMEM. */
CS_API int cs_expect_parse(
    struct cs_expect *out, const char *text, struct cs_err *err);
/* Frees what cs_expect_parse allocated (the struct itself is the
 * caller's). */
CS_API void cs_expect_clear(struct cs_expect *e);

/* Evaluates one expectation.  Returns 0 (out filled, pass or not) or
 * -EINVAL for NULL arguments.  A metric the caller does not know, an AP
 * count of 0 with a percentage, or a word against a numeric metric is a
 * failure with a message, not an error. */
CS_API int cs_expect_eval(const struct cs_expect *e,
    const struct cs_measure_ops *ops, void *ctx, struct cs_expect_result *out);

struct cs_run_summary; /* capsim/report.h */

/*
 * Evaluates e against a run summary (capsim/report.h), the same numbers
 * the JSON report shows: aps, joined, in_run, failed, left_run from the
 * summary; joins, retransmits, failures, failures{phase=P},
 * failures{reason=TEXT} (summed over phases), phase.L.{p50,p90,p95,p99,
 * min,max,mean} (ms; not available while the phase has no samples) and
 * phase.L.count from s->m; diagnosis from s->diag->code; rule.NAME.C from
 * s->rules; nat.C from the s->rules entry named "nat"; wlc.C from
 * s->wlc_counters.  Wireless clients (issue 14) from s->clients:
 * clients (created), clients.joined (reached Run), clients.failed,
 * clients.in_run (in Run now), clients.joined_per_s and
 * client.phase.{assoc,l2auth,dhcp,arp,total}.STAT (ms; not available
 * without clients or while the phase has no samples).  Percentages are of
 * s->aps, and of the clients for clients.*.  Returns as cs_expect_eval.
 */
CS_API int cs_expect_eval_summary(const struct cs_expect *e,
    const struct cs_run_summary *s, struct cs_expect_result *out);

/* ">=", "<=", "==", "!=", "<", ">"; NULL when out of range. */
CS_API const char *cs_expect_op_name(enum cs_expect_op op);

#endif /* CS_SCENARIO_H */
