/* SPDX-License-Identifier: MIT */
/*
 * The scenario loader's own pieces, shared by its files (scenario.c: the
 * YAML helpers and the top level; scn_aps.c: aps and wlc; scn_impair.c:
 * impairments and nat; scn_timeline.c: timeline and expect).  Only they
 * include it: it needs libyaml.
 */
#ifndef CS_SCN_LOAD_H
#define CS_SCN_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "capsim/impair.h"
#include "capsim/scenario.h"
#include "capsim/values.h"

#define SCN_MAX_APS     16777216u
#define SCN_MAX_RULES   256
#define SCN_MAX_EVENTS  1024
#define SCN_MAX_EXPECT  256
#define SCN_MAX_AUTH    65536
#define SCN_MAX_FILE    (4u << 20) /* bytes; scenarios are small */
#define SCN_PATH_LEN    96
#define SCN_DEFAULT_IP  0x7f010001u /* 127.1.0.1 */
#define SCN_DEFAULT_WLC 0x7f000001u /* 127.0.0.1 */
#define SCN_CAPWAP_PORT 5246

struct scn {
	const char *file;
	yaml_document_t *doc;
	struct cs_err *err;
	struct cs_scenario *s;
};

int scn_fail(struct scn *p, const yaml_node_t *n, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* scenario.c */
void scn_show(const yaml_node_t *n, char *buf, size_t len);
void scn_key(char *buf, size_t len, const char *path, const char *key);
yaml_node_t *scn_node(struct scn *p, yaml_node_item_t i);
int scn_scalar(
    struct scn *p, const yaml_node_t *n, const char *key, const char **out);
int scn_bad(
    struct scn *p, const yaml_node_t *n, const char *key, const char *why);
int scn_str(struct scn *p, const yaml_node_t *n, const char *key, char **out);
/* dtls-psk: the text of cs_dtls_psk_parse (a key, or "ID HEX" lines). */
struct cs_dtls_psk_set;
int scn_psk(struct scn *p, const yaml_node_t *n, const char *key,
    struct cs_dtls_psk_set *out);
int scn_bool(struct scn *p, const yaml_node_t *n, const char *key, bool *out);
int scn_uint(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min,
    uint64_t max, uint64_t *out);
int scn_u32(struct scn *p, const yaml_node_t *n, const char *key, uint64_t min,
    uint64_t max, uint32_t *out);
int scn_dur(struct scn *p, const yaml_node_t *n, const char *key,
    uint64_t min_ms, uint64_t max_ms, uint64_t *out);
int scn_dur32(struct scn *p, const yaml_node_t *n, const char *key,
    uint64_t min_ms, uint32_t *out);
int scn_bytes32(
    struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out);
int scn_pct(struct scn *p, const yaml_node_t *n, const char *key, double *out);
int scn_prob(struct scn *p, const yaml_node_t *n, const char *key, double *out);
int scn_ip(struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out);
int scn_ip_port(struct scn *p, const yaml_node_t *n, const char *key,
    uint32_t *ip, uint16_t *port);
int scn_mac(struct scn *p, const yaml_node_t *n, const char *key, uint8_t *out);
int scn_rate(struct scn *p, const yaml_node_t *n, const char *key, double *out);
int scn_word(struct scn *p, const yaml_node_t *n, const char *key,
    const char *const *words, unsigned *out);
int scn_map(struct scn *p, const yaml_node_t *n, const char *path,
    const char *const *keys, yaml_node_t **vals);
int scn_list(
    struct scn *p, const yaml_node_t *n, const char *key, bool allow_scalar);
size_t scn_list_len(const yaml_node_t *n);
yaml_node_t *scn_list_at(struct scn *p, yaml_node_t *n, size_t i);
int scn_dtls(struct scn *p, const yaml_node_t *n, const char *key,
    enum cs_dtls_version *out);
int scn_dtls_list(
    struct scn *p, yaml_node_t *n, const char *key, enum cs_dtls_version *out);
int scn_cert(struct scn *p, const yaml_node_t *n, const char *key,
    enum cs_pki_broken *out);
int scn_ranges(struct scn *p, const yaml_node_t *n, const char *key,
    unsigned ap_count, struct cs_apsel *sel);
int scn_macs(struct scn *p, yaml_node_t *n, const char *key, size_t max,
    size_t *n_out, uint8_t (*macs)[6]);

/* scn_aps.c */
int scn_timers(struct scn *p, const yaml_node_t *n, const char *path,
    struct cs_scn_timers *t);
int scn_skew(
    struct scn *p, const yaml_node_t *n, const char *key, int64_t *out);
int scn_group(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_scn_group *g);
int scn_groups(struct scn *p, yaml_node_t *n, bool has_count);
int scn_aps(struct scn *p, const yaml_node_t *n);
bool scn_msg_word(uint32_t t, char *buf, size_t len);
int scn_msg_type(
    struct scn *p, const yaml_node_t *n, const char *key, uint32_t *out);
int scn_misbehave(struct scn *p, const yaml_node_t *n, const char *path,
    struct cs_wlc_misbehave *m, uint32_t *set);
int scn_wlc(struct scn *p, const yaml_node_t *n);

/* scn_impair.c */
void scn_kind_words(const char **list, size_t max, char (*store)[40]);
int scn_kind(
    struct scn *p, yaml_node_t *n, const char *key, struct cs_impair_match *m);
int scn_match_key(struct scn *p, yaml_node_t *n, const char *kp,
    const char *key, const char *val, struct cs_impair_match *m);
int scn_join(
    struct scn *p, yaml_node_t *n, const char *kp, char *buf, size_t len);
int scn_match(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_impair_match *m);
bool scn_is_map(const yaml_node_t *n);
int scn_act_drop(struct scn *p, yaml_node_t *n, const char *path,
    struct cs_impair_action *a);
int scn_act_delay(struct scn *p, yaml_node_t *n, const char *path,
    struct cs_impair_action *a);
int scn_field(struct scn *p, yaml_node_t *n, const char *kp,
    struct cs_impair_action *a, enum cs_impair_field f);
int scn_act_counted(struct scn *p, yaml_node_t *n, const char *path,
    const char *const *keys, enum cs_impair_field count,
    enum cs_impair_field prob, struct cs_impair_action *a, yaml_node_t **v);
int scn_act_reorder(struct scn *p, yaml_node_t *n, const char *path,
    struct cs_impair_action *a);
int scn_act_rate(struct scn *p, yaml_node_t *n, const char *path,
    struct cs_impair_action *a);
int scn_action(struct scn *p, yaml_node_t *n, const char *path,
    struct cs_impair_action *a);
int scn_impairments(struct scn *p, yaml_node_t *n);
int scn_nat(struct scn *p, yaml_node_t *n);
/* scn_clients.c */
int scn_clients(struct scn *p, const yaml_node_t *n);

/* scn_timeline.c */
int scn_rule_ref(
    struct scn *p, const yaml_node_t *n, const char *key, unsigned *idx);
int scn_apsel(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_apsel *sel);
int scn_event_cmp(const void *a, const void *b);
int scn_timeline(struct scn *p, yaml_node_t *n);
int scn_wlc_request(
    struct scn *p, yaml_node_t *n, const char *path, struct cs_scn_event *ev);
int scn_expect(struct scn *p, yaml_node_t *n);

/* scenario.c (top) */
void scn_defaults(struct cs_scenario *s);
int scn_top(struct scn *p, yaml_node_t *root);
char *scn_default_name(const char *file);
void scn_apply_timers(const struct cs_scn_timers *t, struct cs_ap_cfg *c);

#endif /* CS_SCN_LOAD_H */
