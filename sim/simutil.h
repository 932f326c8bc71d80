/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the capsim subcommands: durations, the lab PKI
 * directory that `capsim run` and `capsim wlc` share, DTLS contexts.
 */
#ifndef CS_SIMUTIL_H
#define CS_SIMUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "capsim/dtls.h"
#include "capsim/log.h"
#include "capsim/pki.h"

/* A duration by the one grammar of capsim/values.h ("60s", "2m", "500ms",
 * "1m30s"; a bare number is refused) -> milliseconds; -EINVAL after
 * printing why to stderr ("capsim: 90: add a unit (90ms or 90s)"). */
int sim_parse_duration_ms(const char *s, uint64_t *ms);
/* The same for a value the protocol counts in whole seconds (CAPWAP
 * Timers, RFC 5415 §4.6.13), within [min_s, max_s]; -EINVAL / -ERANGE
 * after printing why. */
int sim_parse_duration_s(
    const char *s, uint64_t min_s, uint64_t max_s, uint64_t *sec);
/* Bytes by the one grammar (1500, 64k, 1.5M), <= max; -EINVAL / -ERANGE
 * after printing why. */
int sim_parse_size(const char *s, uint64_t max, uint64_t *bytes);
/* A MAC in any form a Cisco or RFC peer writes (capsim/values.h);
 * -EINVAL after printing why. */
int sim_parse_mac(const char *s, uint8_t mac[6]);
/* A plain decimal number (capsim/values.h: no exponent, no tail) within
 * [min, max]; -EINVAL after printing why, -ERANGE. */
int sim_parse_number(const char *s, double min, double max, double *v);
/* ADDR or ADDR:PORT (port default kept when absent); -EINVAL. */
int sim_parse_addr_port(const char *s, uint32_t *ip, uint16_t *port);
/* Non-negative integer within [min, max]; -EINVAL / -ERANGE. */
int sim_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);

/* The default lab PKI directory: $CAPSIM_PKI, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/capsim/pki.  buf >= 4096. */
const char *sim_pki_default_dir(char *buf, size_t len);
/*
 * Opens the lab PKI: loads DIR/ca.pem + DIR/ca-key.pem, creating them (mode
 * 0600 key, under a lock so that `capsim wlc` and `capsim run` started
 * together agree) when the directory holds none.  ca_cert/ca_key (both
 * or neither) name a CA of the user's own instead.  Prints what it did.
 */
int sim_pki_open(struct cs_pki **out, const char *dir, const char *ca_cert,
    const char *ca_key, const struct cs_log *log);

/* mkdir -p; the last component gets mode 0700.  0 or -errno. */
int sim_mkdir_p(const char *dir);
struct option;
/* After getopt_long returned '?' (opterr 0): prints "capsim: CMD: unknown
 * option '--durration' (did you mean '--duration'?)", or that an option
 * needs a value, naming the word of argv at fault. */
void sim_bad_option(
    const char *cmd, const struct option *opts, int argc, char **argv);
/* Whether path is a symbolic link (lstat; false when absent). */
bool sim_is_symlink(const char *path);
/* strerror(-r), except -ELOOP from an output opened without following
 * links: "is a symbolic link (not followed)". */
const char *sim_file_strerror(int r);

/* The whole file, or stdin for "-", into a new buffer (*out, freed by
 * the caller; not NUL-terminated).  0, -EFBIG past max_bytes (rounded up
 * to the buffer's doubling), -ENOMEM, -EIO or the errno of fopen. */
int sim_read_file(const char *path, size_t max_bytes, char **out, size_t *len);
/* The same for a path as it is ("-" is a file of that name). */
int sim_read_path(const char *path, size_t max_bytes, char **out, size_t *len);

/* An image the mock WLC serves (`--image FILE`): into *buf (owned by the
 * caller) and *size; prints "capsim: WHO: image FILE: why" and returns
 * -1 when it cannot be read, is empty or is over 1 GiB. */
int sim_load_image(
    const char *who, const char *path, char **buf, uint32_t *size);

/* --dtls-psk HEX|@FILE (cs_dtls_psk_parse): into *set (freed with
 * cs_dtls_psk_set_free, also on failure); prints "capsim: WHO:
 * --dtls-psk [FILE:LINE:] why" and returns -1 when it does not parse. */
struct cs_dtls_psk_set;
int sim_psk_opt(const char *who, const char *arg, struct cs_dtls_psk_set *set);

/* --ciphers: "legacy" is CS_DTLS_LEGACY_CIPHERS, anything else as is. */
const char *sim_ciphers_opt(const char *arg);

/* "1.2", "1.0", "any" -> enum; -EINVAL. */
int sim_parse_dtls_version(const char *s, enum cs_dtls_version *v);

struct cs_engine;
struct cs_engine_health;
struct cs_prom_health;
/* /metrics: capsim's own health from the engine.  Fills *h (the caller
 * frees it with cs_engine_health_free after the text is built) and *out,
 * which borrows h's histograms.  0 or a negative errno. */
int sim_prom_health(struct cs_engine *e, bool has_window,
    struct cs_engine_health *h, struct cs_prom_health *out);

extern const struct cs_log sim_log;   /* errors and warnings */
extern struct cs_log sim_log_verbose; /* + info when -v */

#endif /* CS_SIMUTIL_H */
