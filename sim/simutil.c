/* SPDX-License-Identifier: MIT */
/* Helpers shared by the subcommands; see simutil.h. */
#include "simutil.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capsim/admit.h"
#include "capsim/dtls.h"
#include "capsim/engine.h"
#include "capsim/prom.h"
#include "capsim/udp.h"
#include "capsim/values.h"
#include "sim.h"

const struct cs_log sim_log = { sim_log_stderr, NULL, CS_LOG_WARN };
struct cs_log sim_log_verbose = { sim_log_stderr, NULL, CS_LOG_WARN };

int
sim_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x;
	int r;

	if ((r = cs_val_uint(s, max, &x, NULL)) < 0)
		return r;
	if (x < min)
		return -ERANGE;
	*v = x;
	return 0;
}

int
sim_parse_duration_ms(const char *s, uint64_t *ms)
{
	struct cs_val_err e;

	if (cs_val_ms(s, ms, &e) < 0) {
		fprintf(stderr, "capsim: %s: %s\n", s != NULL ? s : "", e.why);
		return -EINVAL;
	}
	return 0;
}

int
sim_parse_duration_s(
    const char *s, uint64_t min_s, uint64_t max_s, uint64_t *sec)
{
	uint64_t ms;

	if (sim_parse_duration_ms(s, &ms) < 0)
		return -EINVAL;
	if (ms % 1000 != 0 || ms / 1000 < min_s || ms / 1000 > max_s) {
		fprintf(stderr,
		    "capsim: %s: give whole seconds from %llus to %llus\n", s,
		    (unsigned long long)min_s, (unsigned long long)max_s);
		return -ERANGE;
	}
	*sec = ms / 1000;
	return 0;
}

int
sim_parse_size(const char *s, uint64_t max, uint64_t *bytes)
{
	struct cs_val_err e;
	uint64_t v;

	if (cs_val_size(s, &v, &e) < 0) {
		fprintf(stderr, "capsim: %s: %s\n", s != NULL ? s : "", e.why);
		return -EINVAL;
	}
	if (v > max) {
		fprintf(stderr, "capsim: %s: at most %llu bytes\n", s,
		    (unsigned long long)max);
		return -ERANGE;
	}
	*bytes = v;
	return 0;
}

int
sim_parse_mac(const char *s, uint8_t mac[6])
{
	struct cs_val_err e;

	if (cs_val_mac(s, mac, &e) < 0) {
		fprintf(stderr, "capsim: %s: %s\n", s != NULL ? s : "", e.why);
		return -EINVAL;
	}
	return 0;
}

int
sim_parse_number(const char *s, double min, double max, double *v)
{
	struct cs_val_err e;
	double x;

	if (cs_val_number(s, min < 0 ? CS_VAL_NEG : 0, &x, &e) < 0) {
		fprintf(stderr, "capsim: %s: %s\n", s != NULL ? s : "", e.why);
		return -EINVAL;
	}
	if (x < min || x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

int
sim_parse_addr_port(const char *s, uint32_t *ip, uint16_t *port)
{
	char host[64];
	const char *colon = strchr(s, ':');
	uint64_t p = *port;
	uint32_t a;

	if (colon != NULL) {
		if ((size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		if (sim_parse_uint(colon + 1, 1, 65535, &p) < 0)
			return -EINVAL;
	} else {
		if (strlen(s) >= sizeof(host))
			return -EINVAL;
		strcpy(host, s);
	}
	if (cs_ipv4_parse(host, &a) < 0)
		return -EINVAL;
	*ip = a;
	*port = (uint16_t)p;
	return 0;
}

int
sim_parse_dtls_version(const char *s, enum cs_dtls_version *v)
{
	if (strcmp(s, "1.2") == 0)
		*v = CS_DTLS_V1_2;
	else if (strcmp(s, "1.0") == 0)
		*v = CS_DTLS_V1_0;
	else if (strcmp(s, "any") == 0)
		*v = CS_DTLS_V_ANY;
	else
		return -EINVAL;
	return 0;
}

const char *
sim_pki_default_dir(char *buf, size_t len)
{
	const char *env = getenv("CAPSIM_PKI");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && *env != '\0')
		snprintf(buf, len, "%s", env);
	else if (xdg != NULL && *xdg != '\0')
		snprintf(buf, len, "%s/capsim/pki", xdg);
	else
		snprintf(
		    buf, len, "%s/.local/share/capsim/pki", home ? home : ".");
	return buf;
}

/* Edit distance (Levenshtein), capped: enough for a did-you-mean. */
static unsigned
sim_distance(const char *a, const char *b)
{
	unsigned d[64], prev, tmp;
	size_t la = strlen(a), lb = strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		d[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned sub = prev + (a[i - 1] != b[j - 1]);
			unsigned best =
			    d[j] + 1 < d[j - 1] + 1 ? d[j] + 1 : d[j - 1] + 1;

			tmp = d[j];
			d[j] = sub < best ? sub : best;
			prev = tmp;
		}
	}
	return d[lb];
}

void
sim_bad_option(
    const char *cmd, const struct option *opts, int argc, char **argv)
{
	const char *word =
	    optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";
	const char *best = NULL;
	unsigned best_d = 3; /* at most 2 edits away */
	char name[64];
	size_t n;

	if (optopt != 0) { /* a known option without its value */
		for (const struct option *o = opts; o->name != NULL; o++)
			if (o->val == optopt) {
				fprintf(stderr,
				    "capsim: %s: option '--%s' needs a value\n",
				    cmd, o->name);
				return;
			}
		if (optopt < 256) {
			fprintf(stderr,
			    "capsim: %s: unknown option '-%c' (see capsim %s "
			    "--help)\n",
			    cmd, optopt, cmd);
			return;
		}
	}
	n = strncmp(word, "--", 2) == 0 ? strcspn(word + 2, "=") : 0;
	snprintf(name, sizeof(name), "%.*s", (int)(n < 63 ? n : 63), word + 2);
	for (const struct option *o = opts; n > 0 && o->name != NULL; o++) {
		unsigned dist = sim_distance(name, o->name);

		if (dist < best_d) {
			best_d = dist;
			best = o->name;
		}
	}
	if (best != NULL)
		fprintf(stderr,
		    "capsim: %s: unknown option '%s' (did you mean '--%s'?)\n",
		    cmd, word, best);
	else
		fprintf(stderr,
		    "capsim: %s: unknown option '%s' (see capsim %s --help)\n",
		    cmd, word, cmd);
}

bool
sim_is_symlink(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

const char *
sim_file_strerror(int r)
{
	if (r == -ELOOP)
		return "is a symbolic link (not followed)";
	return strerror(r < 0 ? -r : r);
}

int
sim_mkdir_p(const char *dir)
{
	char tmp[4096];

	if (strlen(dir) >= sizeof(tmp))
		return -ENAMETOOLONG;
	strcpy(tmp, dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int
sim_pki_open(struct cs_pki **out, const char *dir, const char *ca_cert,
    const char *ca_key, const struct cs_log *log)
{
	struct cs_pki_cfg pc = { 0 };
	char cert[4200], key[4200], lock[4200];
	struct cs_pki *made = NULL;
	struct cs_cred *probe = NULL;
	char why[512];
	int fd = -1, r;

	pc.key_type = CS_PKI_KEY_RSA2048;
	pc.now = time(NULL);
	if ((ca_cert == NULL) != (ca_key == NULL))
		return cs_log_err(
		    log, -EINVAL, "--ca-cert and --ca-key go together");
	if (ca_cert != NULL) {
		pc.ca_cert_path = ca_cert;
		pc.ca_key_path = ca_key;
		/* which file is wrong and why, before the PKI says only -E */
		if ((r = cs_cred_load_why(
		         &probe, ca_cert, ca_key, why, sizeof(why))) < 0)
			return cs_log_err(log, r, "cannot use the CA: %s", why);
		cs_cred_free(probe);
		if ((r = cs_pki_new(out, &pc)) < 0)
			return cs_log_err(log, r,
			    "cannot use the CA %s / %s: %s", ca_cert, ca_key,
			    strerror(-r));
		return 0;
	}
	snprintf(cert, sizeof(cert), "%s/ca.pem", dir);
	snprintf(key, sizeof(key), "%s/ca-key.pem", dir);
	snprintf(lock, sizeof(lock), "%s/.lock", dir);
	if ((r = sim_mkdir_p(dir)) < 0)
		return cs_log_err(log, r,
		    "cannot create the PKI directory %s: %s", dir,
		    strerror(-r));
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(fd, LOCK_EX) != 0) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		return cs_log_err(
		    log, r, "cannot lock %s: %s", lock, strerror(-r));
	}
	if (access(cert, R_OK) != 0 || access(key, R_OK) != 0) {
		if ((r = cs_pki_new(&made, &pc)) < 0 ||
		    (r = cs_cred_save(cs_pki_ca(made), cert, key)) < 0) {
			cs_pki_free(made);
			close(fd);
			return cs_log_err(log, r,
			    "cannot create the lab CA in %s: %s", dir,
			    strerror(-r));
		}
		cs_logf(log, CS_LOG_WARN,
		    "created a lab CA in %s (labs only; `capsim certs` "
		    "explains)",
		    dir);
		cs_pki_free(made);
	}
	close(fd);
	pc.ca_cert_path = cert;
	pc.ca_key_path = key;
	if ((r = cs_cred_load_why(&probe, cert, key, why, sizeof(why))) < 0)
		return cs_log_err(log, r, "cannot load the lab CA: %s", why);
	cs_cred_free(probe);
	if ((r = cs_pki_new(out, &pc)) < 0)
		return cs_log_err(log, r, "cannot load the lab CA from %s: %s",
		    dir, strerror(-r));
	return 0;
}

int
sim_prom_health(struct cs_engine *e, bool has_window,
    struct cs_engine_health *h, struct cs_prom_health *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cs_engine_health(e, h)) < 0)
		return r;
	out->lateness = &h->lateness_us;
	out->rxq_drops = h->rxq_drops;
	out->hs_active = h->hs_active;
	out->hs_waiting = h->hs_waiting;
	out->has_window = has_window;
	out->hs_window = h->hs_window;
	for (unsigned c = 0; c < CS_ADMIT_CAUSE__COUNT && c < 4; c++)
		out->window_cuts[c] = h->hs_window_cuts_by[c];
	out->has_wlc = cs_engine_has_wlc(e);
	out->wlc_queued = h->wlc_hs_queued;
	out->wlc_gate[0] = h->wlc_gate_admitted;
	out->wlc_gate[1] = h->wlc_gate_deferred;
	out->wlc_gate[2] = h->wlc_gate_shed;
	out->n_workers = h->n_workers < CS_PROM_MAX_WORKERS
	    ? h->n_workers
	    : CS_PROM_MAX_WORKERS;
	for (unsigned k = 0; k < out->n_workers; k++)
		out->worker_cpu_s[k] = h->cpu_s[k];
	return 0;
}

const char *
sim_ciphers_opt(const char *arg)
{
	return strcmp(arg, "legacy") == 0 ? CS_DTLS_LEGACY_CIPHERS : arg;
}

int
sim_psk_opt(const char *who, const char *arg, struct cs_dtls_psk_set *set)
{
	struct cs_dtls_psk_err pe = { 0 };
	const char *path = arg[0] == '@' ? arg + 1 : NULL;
	char *buf = NULL;
	size_t len = 0;
	int r;

	cs_dtls_psk_set_free(set);
	if (path != NULL &&
	    (r = sim_read_file(path, (size_t)16 << 20, &buf, &len)) < 0) {
		fprintf(stderr, "capsim: %s: --dtls-psk %s: %s\n", who, path,
		    r == -EFBIG ? "over 16 MiB" : sim_file_strerror(r));
		return -1;
	}
	r = cs_dtls_psk_parse(path != NULL ? buf : arg,
	    path != NULL ? len : strlen(arg), set, &pe);
	if (buf != NULL) {
		/* the file's keys: wiped (STYLE G6), through a volatile
		 * pointer so the compiler keeps the stores */
		for (volatile char *v = buf; v < buf + len; v++)
			*v = 0;
		free(buf);
	}
	if (r == -EBADMSG) {
		if (path != NULL)
			fprintf(stderr, "capsim: %s: --dtls-psk %s:%u: %s\n",
			    who, path, pe.line, pe.why);
		else
			fprintf(stderr,
			    "capsim: %s: --dtls-psk: %s (give HEX, "
			    "\"IDENTITY HEX\" or @FILE)\n",
			    who, pe.why);
		return -1;
	}
	if (r < 0) {
		fprintf(
		    stderr, "capsim: %s: --dtls-psk: %s\n", who, strerror(-r));
		return -1;
	}
	return 0;
}

/* The rest of f into a new buffer: sim_read_file's body. */
static int
sim_read_stream(FILE *f, size_t max_bytes, char **out, size_t *len)
{
	char *buf = NULL, *v;
	size_t n = 0, cap = 0, got;
	int r = 0;

	for (;;) {
		if (n == cap) {
			if (cap >= max_bytes) {
				r = -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap < n || (v = realloc(buf, cap)) == NULL) {
				r = -ENOMEM;
				break;
			}
			buf = v;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				r = -EIO;
			break;
		}
	}
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*len = n;
	return 0;
}

int
sim_read_path(const char *path, size_t max_bytes, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	int r;

	if (f == NULL)
		return -errno;
	r = sim_read_stream(f, max_bytes, out, len);
	fclose(f);
	return r;
}

int
sim_read_file(const char *path, size_t max_bytes, char **out, size_t *len)
{
	if (strcmp(path, "-") == 0)
		return sim_read_stream(stdin, max_bytes, out, len);
	return sim_read_path(path, max_bytes, out, len);
}

int
sim_load_image(const char *who, const char *path, char **buf, uint32_t *size)
{
	size_t len = 0;
	char *b = NULL;
	int r;

	if ((r = sim_read_file(path, (size_t)1 << 30, &b, &len)) < 0) {
		fprintf(stderr, "capsim: %s: image %s: %s\n", who, path,
		    r == -EFBIG ? "over 1 GiB" : sim_file_strerror(r));
		return -1;
	}
	if (len == 0) {
		fprintf(
		    stderr, "capsim: %s: image %s: empty file\n", who, path);
		free(b);
		return -1;
	}
	*buf = b;
	*size = (uint32_t)len;
	return 0;
}
