/* SPDX-License-Identifier: MIT */
/*
 * `capsim certs`: writes the lab PKI (CA, WLC certificate with EKU
 * id-kp-capwapAC, shared AP key and a sample AP certificate) and, on
 * request, the broken certificates scenarios use.  The work is in
 * lib/dtls/pki.c; this file parses options and prints what it wrote.
 */
#include "sim.h"
#include "simutil.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capsim/pki.h"
#include "capsim/values.h"

static void
certs_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim certs [--out DIR] [--broken] [--key-type rsa2048|"
	    "ec-p256]\n"
	    "                    [--ap-mac MAC] [--wlc-cn NAME]\n"
	    "                    [--ca-cert FILE --ca-key FILE]\n"
	    "\n"
	    "Makes a lab PKI for CAPWAP DTLS (RFC 5415 §12) and writes it as "
	    "PEM files.\n"
	    "FOR LABS ONLY: the keys are unencrypted and the CA signs whatever "
	    "capsim asks.\n"
	    "\n"
	    "  ca.pem, ca-key.pem     the lab CA (20 years).  Give ca.pem to "
	    "the "
	    "WLC as\n"
	    "                         the trustpoint for AP certificates and "
	    "to capsim.\n"
	    "  wlc.pem, wlc-key.pem   the WLC (AC) certificate + chain: CN "
	    "capsim-wlc,\n"
	    "                         EKU id-kp-capwapAC (1.3.6.1.5.5.7.3.18) "
	    "and\n"
	    "                         serverAuth, 20 years.\n"
	    "  ap-key.pem             the key all simulated APs share (capsim "
	    "run issues\n"
	    "                         one certificate per AP at start-up, CN = "
	    "its MAC).\n"
	    "  ap.pem                 a sample AP (WTP) certificate: CN "
	    "00:11:22:33:44:55,\n"
	    "                         EKU id-kp-capwapWTP (.19) and "
	    "clientAuth, 10 years.\n"
	    "\n"
	    "--broken adds one certificate per failure scenarios reproduce, "
	    "for the AP\n"
	    "(ap-KIND.pem, key ap-key.pem) and for the WLC (wlc-KIND.pem, key "
	    "wlc-key.pem):\n"
	    "  expired        notAfter yesterday\n"
	    "  not-yet-valid  notBefore a year from now\n"
	    "  unknown-ca     signed by a second CA nobody trusts (chain "
	    "included)\n"
	    "  wrong-eku      serverAuth/clientAuth only, no CAPWAP EKU\n"
	    "  sha1           signed with SHA-1 (refused at security level "
	    "1 and up)\n"
	    "  rsa1024        its own 1024-bit RSA key (ap-rsa1024-key.pem, "
	    "wlc-rsa1024-key.pem)\n"
	    "\n"
	    "Options:\n"
	    "  --out DIR        where to write (created mode 0700; default "
	    "the lab PKI\n"
	    "                   that `capsim run` and `capsim wlc` use: "
	    "$CAPSIM_PKI or\n"
	    "                   ~/.local/share/capsim/pki);\n"
	    "                   existing files are overwritten, keys get mode "
	    "0600\n"
	    "  --broken         also write the broken certificates\n"
	    "  --key-type T     rsa2048 (default) or ec-p256\n"
	    "  --ap-mac MAC     MAC for ap.pem (default 00:11:22:33:44:55)\n"
	    "  --wlc-cn NAME    CN of the WLC certificate (default "
	    "capsim-wlc)\n"
	    "  --ca-cert FILE, --ca-key FILE\n"
	    "                   sign with your own CA instead of making one "
	    "(ca.pem is\n"
	    "                   then a copy of it; its key is not copied)\n"
	    "\n"
	    "Check a file with: openssl x509 -in DIR/wlc.pem -noout -text\n"
	    "The same PKI can be made with the openssl CLI: "
	    "certs/make-lab-pki.sh.\n");
}

struct certs_out {
	const char *dir;
	int count;
};

static int
certs_path(const struct certs_out *o, const char *name, char *buf, size_t cap)
{
	int n = snprintf(buf, cap, "%s/%s", o->dir, name);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static int
certs_write(struct certs_out *o, const struct cs_cred *c, const char *cert,
    const char *key, const char *what)
{
	char cp[4096], kp[4096];
	struct cs_cert_info ci;
	int r;

	if ((r = certs_path(o, cert, cp, sizeof(cp))) < 0 ||
	    (key != NULL && (r = certs_path(o, key, kp, sizeof(kp))) < 0))
		goto fail;
	/* a link where a file goes is refused, not followed: its target
	 * (anyone's file) must not be overwritten */
	if (key != NULL && sim_is_symlink(kp)) {
		fprintf(stderr,
		    "capsim certs: %s is a symbolic link: not followed "
		    "(remove it, or choose another --out)\n",
		    kp);
		return -ELOOP;
	}
	if ((r = cs_cred_save(c, cp, key != NULL ? kp : NULL)) < 0)
		goto fail;
	if ((r = cs_cred_info(c, &ci)) < 0)
		goto fail;
	printf("  %-26s %s (CN %s%s%s)\n", cert, what, ci.subject_cn,
	    ci.eku_text[0] != '\0' ? ", EKU " : "", ci.eku_text);
	if (key != NULL)
		printf("  %-26s its private key (mode 0600)\n", key);
	o->count++;
	return 0;
fail:
	fprintf(stderr, "capsim certs: cannot write %s: %s\n", cp,
	    sim_file_strerror(r));
	return r;
}

static int
certs_broken(struct certs_out *o, struct cs_pki *pki, const uint8_t mac[6])
{
	static const char *const what[] = {
		[CS_PKI_GOOD] = "",
		[CS_PKI_EXPIRED] = "expired yesterday",
		[CS_PKI_NOT_YET_VALID] = "not valid until a year from now",
		[CS_PKI_UNKNOWN_CA] = "signed by an untrusted CA",
		[CS_PKI_WRONG_EKU] = "no CAPWAP EKU",
		[CS_PKI_SHA1] = "SHA-1 signature",
		[CS_PKI_RSA1024] = "1024-bit RSA key",
	};
	_Static_assert(sizeof(what) / sizeof(what[0]) == CS_PKI_BROKEN__COUNT,
	    "what[] out of sync with enum cs_pki_broken");
	char cert[64], key[64], desc[96];
	struct cs_cred *c;
	int r;

	for (int side = 0; side < 2; side++) {
		for (unsigned b = 1; b < CS_PKI_BROKEN__COUNT; b++) {
			const char *who = side == 0 ? "ap" : "wlc";
			const char *name = cs_pki_broken_name(b);

			c = NULL;
			r = side == 0 ? cs_pki_issue_ap(pki, mac, b, &c)
			              : cs_pki_issue_wlc(pki, b, &c);
			if (r < 0) {
				fprintf(stderr,
				    "capsim certs: cannot issue %s-%s: %s\n",
				    who, name, strerror(-r));
				return r;
			}
			snprintf(cert, sizeof(cert), "%s-%s.pem", who, name);
			snprintf(key, sizeof(key), "%s-%s-key.pem", who, name);
			snprintf(desc, sizeof(desc), "broken %s: %s",
			    side == 0 ? "AP" : "WLC", what[b]);
			r = certs_write(
			    o, c, cert, b == CS_PKI_RSA1024 ? key : NULL, desc);
			cs_cred_free(c);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- `capsim certs authlist` ---------------------------------------- */

static void
authlist_usage(FILE *f)
{
	fputs(
	    "usage: capsim certs authlist [--aps N] [--ap-base-mac MAC]\n"
	    "                             [--pki DIR] [--ap-cert FILE]\n"
	    "                             [--format all|macs|aireos|9800]\n"
	    "\n"
	    "Prints what a controller needs to trust the simulated APs:\n"
	    "  macs    one MAC per line (AP i has base + i, as `capsim run`)\n"
	    "  aireos  AP authorization list lines: `config auth-list add "
	    "mic`\n"
	    "          per MAC, and SSC lines with the SHA-1 of the AP "
	    "public key\n"
	    "  9800    the lab CA as PEM and the trustpoint commands, and "
	    "the\n"
	    "          MAC authorization entries\n"
	    "None of this has been tried against a real controller yet: "
	    "check the\n"
	    "commands against your release (docs/real-controller.md).\n",
	    f);
}

/* AP i's MAC: base + i, as `capsim run` numbers them. */
static void
authlist_mac(const uint8_t base[6], uint64_t i, uint8_t m[6])
{
	uint64_t v = 0;

	for (int k = 0; k < 6; k++)
		v = v << 8 | base[k];
	v += i;
	for (int k = 5; k >= 0; k--, v >>= 8)
		m[k] = (uint8_t)v;
}

static void
authlist_mac_plain(const uint8_t m[6], char buf[13])
{
	snprintf(buf, 13, "%02x%02x%02x%02x%02x%02x", m[0], m[1], m[2], m[3],
	    m[4], m[5]);
}

/* The AireOS commands: the MIC list, and the SSC list when the AP key's
 * hash is known (hex, from path). */
static void
authlist_aireos(
    const uint8_t base[6], uint64_t n, const char *path, const char *hex)
{
	char macs[18];

	printf("! AireOS (vWLC, 5520, ...): AP authorization list, "
	       "%" PRIu64 " AP(s)\n"
	       "! capsim APs carry certificates of the lab CA, not "
	       "Cisco MICs: the\n"
	       "! controller must accept them (see "
	       "docs/real-controller.md).\n"
	       "config auth-list ap-policy authorize-ap enable\n",
	    n);
	for (uint64_t i = 0; i < n; i++) {
		uint8_t m[6];

		authlist_mac(base, i, m);
		cs_val_mac_str(m, macs);
		printf("config auth-list add mic %s\n", macs);
	}
	if (hex != NULL) {
		printf("! SSC policy: SHA-1 of the AP public key in %s\n"
		       "! (`capsim run` issues AP certificates on "
		       "this key only when started\n"
		       "! with it; see docs/real-controller.md)\n"
		       "config auth-list ap-policy ssc enable\n",
		    path);
		for (uint64_t i = 0; i < n; i++) {
			uint8_t m[6];

			authlist_mac(base, i, m);
			cs_val_mac_str(m, macs);
			printf("config auth-list add ssc %s %s\n", macs, hex);
		}
	} else {
		printf("! no AP certificate at %s: run `capsim certs` "
		       "first for the SSC key hash lines\n",
		    path);
	}
}

/* The Catalyst 9800 commands: trust the lab CA in dir, authorize the
 * MACs.  An exit status. */
static int
authlist_9800(const uint8_t base[6], uint64_t n, const char *dir)
{
	struct cs_cred *ca = NULL;
	char path[4200], plain[13], line[256];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	if ((r = cs_cred_load(&ca, path, NULL)) < 0) {
		fprintf(stderr,
		    "capsim: certs authlist: no lab CA at %s (%s): run "
		    "`capsim certs` first\n",
		    path, strerror(-r));
		return SIM_EXIT_RUNTIME;
	}
	cs_cred_free(ca);
	printf("! Catalyst 9800: trust the lab CA that signs the AP "
	       "certificates\n"
	       "crypto pki trustpoint CAPSIM-LAB-CA\n"
	       " enrollment terminal\n"
	       " revocation-check none\n"
	       " exit\n"
	       "crypto pki authenticate CAPSIM-LAB-CA\n"
	       "! paste the certificate below, then 'quit'\n");
	if ((f = fopen(path, "r")) == NULL)
		return SIM_EXIT_RUNTIME;
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stdout);
	fclose(f);
	printf("quit\n"
	       "! AP MAC authorization (local): one entry per AP\n"
	       "aaa new-model\n"
	       "aaa authorization credential-download default local\n"
	       "ap auth-list authorize-mac\n");
	for (uint64_t i = 0; i < n; i++) {
		uint8_t m[6];

		authlist_mac(base, i, m);
		authlist_mac_plain(m, plain);
		printf("username %s mac\n", plain);
	}
	return SIM_EXIT_OK;
}

static int
certs_authlist(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "aps", required_argument, NULL, 'n' },
		{ "ap-base-mac", required_argument, NULL, 'm' },
		{ "pki", required_argument, NULL, 'p' },
		{ "ap-cert", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t base[6] = { 0x02, 0xca, 0x75, 0x00, 0x00, 0x01 };
	char dir[4096], path[4200], macs[18], hex[41];
	const char *fmt = "all", *ap_cert = NULL;
	struct cs_cred *ap = NULL;
	uint8_t sha[20];
	uint64_t n = 1;
	bool all, has_sha = false;
	int c;

	sim_pki_default_dir(dir, sizeof(dir));
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (sim_parse_uint(optarg, 1, 100000, &n) < 0)
				goto bad;
			break;
		case 'm':
			if (sim_parse_mac(optarg, base) < 0)
				goto bad;
			break;
		case 'p':
			snprintf(dir, sizeof(dir), "%s", optarg);
			break;
		case 'c':
			ap_cert = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "all") && strcmp(optarg, "macs") &&
			    strcmp(optarg, "aireos") && strcmp(optarg, "9800"))
				goto bad;
			fmt = optarg;
			break;
		case 'h':
			authlist_usage(stdout);
			return SIM_EXIT_OK;
		default:
			authlist_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		authlist_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	all = strcmp(fmt, "all") == 0;
	/* the AP key: --ap-cert, else the sample ap.pem of the lab PKI */
	if (ap_cert == NULL)
		snprintf(path, sizeof(path), "%s/ap.pem", dir);
	else
		snprintf(path, sizeof(path), "%s", ap_cert);
	if (cs_cred_load(&ap, path, NULL) == 0 &&
	    cs_cred_pubkey_sha1(ap, sha) == 0) {
		for (unsigned i = 0; i < 20; i++)
			snprintf(hex + 2 * i, 3, "%02x", sha[i]);
		has_sha = true;
	}
	cs_cred_free(ap);

	if (strcmp(fmt, "macs") == 0) {
		for (uint64_t i = 0; i < n; i++) {
			uint8_t m[6];

			authlist_mac(base, i, m);
			cs_val_mac_str(m, macs);
			puts(macs);
		}
		return SIM_EXIT_OK;
	}
	if (all || strcmp(fmt, "aireos") == 0)
		authlist_aireos(base, n, path, has_sha ? hex : NULL);
	if (all || strcmp(fmt, "9800") == 0)
		return authlist_9800(base, n, dir);
	return SIM_EXIT_OK;
bad:
	fprintf(stderr, "capsim: certs authlist: bad value '%s'\n", optarg);
	authlist_usage(stderr);
	return SIM_EXIT_USAGE;
}

int
sim_cmd_certs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "broken", no_argument, NULL, 'b' },
		{ "key-type", required_argument, NULL, 'k' },
		{ "ap-mac", required_argument, NULL, 'm' },
		{ "wlc-cn", required_argument, NULL, 'w' },
		{ "ca-cert", required_argument, NULL, 'C' },
		{ "ca-key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cs_pki_cfg cfg = { .key_type = CS_PKI_KEY_RSA2048 };
	char defdir[4096];
	struct certs_out o = { .dir = sim_pki_default_dir(
		                   defdir, sizeof(defdir)) };
	uint8_t mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct cs_pki *pki = NULL;
	struct cs_cred *ap = NULL;
	bool broken = false;
	int c, r, rc = SIM_EXIT_RUNTIME;

	if (argc > 1 && strcmp(argv[1], "authlist") == 0)
		return certs_authlist(argc - 1, argv + 1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:bh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case 'b':
			broken = true;
			break;
		case 'k':
			if (strcmp(optarg, "rsa2048") == 0) {
				cfg.key_type = CS_PKI_KEY_RSA2048;
			} else if (strcmp(optarg, "ec-p256") == 0) {
				cfg.key_type = CS_PKI_KEY_EC_P256;
			} else {
				fprintf(stderr,
				    "capsim certs: --key-type is rsa2048 or "
				    "ec-p256, not '%s'\n",
				    optarg);
				return SIM_EXIT_USAGE;
			}
			break;
		case 'm':
			if (sim_parse_mac(optarg, mac) < 0)
				return SIM_EXIT_USAGE;
			break;
		case 'w':
			cfg.wlc_cn = optarg;
			break;
		case 'C':
			cfg.ca_cert_path = optarg;
			break;
		case 'K':
			cfg.ca_key_path = optarg;
			break;
		case 'h':
			certs_usage(stdout);
			return SIM_EXIT_OK;
		default:
			certs_usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "capsim certs: unexpected argument '%s'\n\n",
		    argv[optind]);
		certs_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if ((cfg.ca_cert_path == NULL) != (cfg.ca_key_path == NULL)) {
		fprintf(stderr,
		    "capsim certs: --ca-cert and --ca-key go together\n");
		return SIM_EXIT_USAGE;
	}
	if (sim_mkdir_p(o.dir) < 0) {
		fprintf(stderr, "capsim certs: cannot create %s: %s\n", o.dir,
		    strerror(errno));
		return SIM_EXIT_RUNTIME;
	}
	cfg.now = (int64_t)time(NULL);
	if ((r = cs_pki_new(&pki, &cfg)) < 0) {
		fprintf(stderr, "capsim certs: cannot %s the CA: %s\n",
		    cfg.ca_cert_path != NULL ? "load" : "make", strerror(-r));
		return cfg.ca_cert_path != NULL ? SIM_EXIT_USAGE
		                                : SIM_EXIT_RUNTIME;
	}
	printf("capsim certs: lab PKI in %s/ (for labs only, never "
	       "production)\n",
	    o.dir);
	if (certs_write(&o, cs_pki_ca(pki), "ca.pem",
	        cfg.ca_cert_path != NULL ? NULL : "ca-key.pem",
	        cfg.ca_cert_path != NULL ? "your CA (copy)" : "lab CA") < 0 ||
	    certs_write(&o, cs_pki_wlc(pki), "wlc.pem", "wlc-key.pem",
	        "WLC certificate + chain") < 0)
		goto out;
	if ((r = cs_pki_issue_ap(pki, mac, CS_PKI_GOOD, &ap)) < 0) {
		fprintf(stderr, "capsim certs: cannot issue ap.pem: %s\n",
		    strerror(-r));
		goto out;
	}
	/* ap-key.pem is the key every AP certificate shares. */
	if (certs_write(
	        &o, ap, "ap.pem", "ap-key.pem", "sample AP certificate") < 0)
		goto out;
	if (broken && certs_broken(&o, pki, mac) < 0)
		goto out;
	printf("%d certificates written.  Inspect one with: openssl x509 "
	       "-in %s/wlc.pem -noout -text\n",
	    o.count, o.dir);
	rc = SIM_EXIT_OK;
out:
	cs_cred_free(ap);
	cs_pki_free(pki);
	return rc;
}
