/* SPDX-License-Identifier: MIT */
/*
 * `capsim option43`: turn a controller list into DHCP option 43 bytes and
 * ready-to-paste server configuration, or explain option 43 text pasted
 * from a config or a capture.  All codec work is in lib/wire/option43.c.
 */
#include "sim.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/ofile.h"
#include "capsim/option43.h"

#define O43_DEFAULT_VCI "Cisco AP c2700"

static void
o43_usage(FILE *f)
{
	fprintf(f,
	    "usage: capsim option43 encode [--format tlv|ascii] [--vci STRING] "
	    "[--json FILE|-] ADDR...\n"
	    "       capsim option43 decode [--json FILE|-] TEXT...\n"
	    "\n"
	    "DHCP option 43 (vendor-specific information, RFC 2132 §8.4) is "
	    "how a DHCP\n"
	    "server tells a Cisco lightweight AP the management addresses of "
	    "its wireless\n"
	    "LAN controllers; the AP then sends CAPWAP Discovery Requests to "
	    "each one.\n"
	    "Cisco APs read it in one of two forms:\n"
	    "\n"
	    "  TLV    (most models) sub-option type 0xf1, length 4 x N, then N "
	    "IPv4\n"
	    "         addresses back to back.  10.126.126.2 + 10.127.127.2 is\n"
	    "         f1 08 0a7e7e02 0a7f7f02.\n"
	    "  ASCII  (Aironet 1000/1500 series) a comma-separated list:\n"
	    "         \"10.126.126.2,10.127.127.2\".\n"
	    "\n"
	    "One option holds at most 255 bytes, so at most 63 controllers.  A "
	    "pool can\n"
	    "serve only one form, so servers key option 43 on the AP's vendor "
	    "class\n"
	    "(option 60, e.g. \"" O43_DEFAULT_VCI "\").\n"
	    "\n"
	    "encode  prints the option bytes in hex on the first line, then "
	    "config lines\n"
	    "        for Cisco IOS, ISC dhcpd, Kea, dnsmasq and Windows DHCP.\n"
	    "decode  accepts what you paste (arguments are joined with "
	    "spaces):\n"
	    "          f1080a7e7e020a7f7f02        f1:08:0a:7e:7e:02:...\n"
	    "          0xf1 0x08 0x0a 0x7e ...     f108.0a7e.7e02.0a7f.7f02\n"
	    "          option 43 hex f108.0a7e.7e02.0a7f.7f02\n"
	    "          option vendor-encapsulated-options f1:08:...;\n"
	    "          10.126.126.2,10.127.127.2   option 43 ascii \"...\"\n"
	    "        and prints the form and one line per controller.  Errors "
	    "name what\n"
	    "        is wrong and where (byte N of the option, or char N of "
	    "the text,\n"
	    "        counting from 0).\n"
	    "\n"
	    "Options:\n"
	    "  -f, --format tlv|ascii  encoding to produce (default tlv)\n"
	    "  -V, --vci STRING        vendor class used in the config "
	    "snippets\n"
	    "                          (default \"" O43_DEFAULT_VCI "\")\n"
	    "  -j, --json FILE|-       write the result as JSON to FILE (- for "
	    "stdout)\n"
	    "                          instead of printing text\n"
	    "  -h, --help              this help\n"
	    "\n"
	    "Examples:\n"
	    "  capsim option43 encode 10.126.126.2 10.127.127.2\n"
	    "  capsim option43 encode --format ascii 10.126.126.2 "
	    "10.127.127.2\n"
	    "  capsim option43 decode option 43 hex f108.0a7e.7e02.0a7f.7f02\n"
	    "  capsim option43 decode 0xf1 0x04 0x0a 0x7e 0x7e 0x02\n"
	    "  capsim option43 decode --json - f1040a010101\n"
	    "\n"
	    "Exit status: 0 ok, 2 usage error or malformed input.\n");
}

static void
o43_ip(char *buf, size_t cap, uint32_t a)
{
	snprintf(buf, cap, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

/* Hex of the option bytes in the styles the servers want. */
enum o43_hex_style {
	O43_HEX_PLAIN, /* f1080a7e... */
	O43_HEX_UPPER, /* F1080A7E... (Kea) */
	O43_HEX_COLON, /* f1:08:0a:... */
	O43_HEX_IOS,   /* f108.0a7e.7e02 */
	O43_HEX_0X,    /* 0xF1,0x08,... (PowerShell) */
};

static void
o43_hex(FILE *f, const uint8_t *p, size_t len, enum o43_hex_style st)
{
	for (size_t i = 0; i < len; i++) {
		switch (st) {
		case O43_HEX_PLAIN:
			fprintf(f, "%02x", p[i]);
			break;
		case O43_HEX_UPPER:
			fprintf(f, "%02X", p[i]);
			break;
		case O43_HEX_COLON:
			fprintf(f, "%s%02x", i > 0 ? ":" : "", p[i]);
			break;
		case O43_HEX_IOS:
			fprintf(
			    f, "%s%02x", i > 0 && i % 2 == 0 ? "." : "", p[i]);
			break;
		case O43_HEX_0X:
			fprintf(f, "%s0x%02X", i > 0 ? "," : "", p[i]);
			break;
		}
	}
}

/* JSON string with the escapes RFC 8259 §7 requires. */
static void
o43_json_str(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
o43_print_config(const uint32_t *ctrl, size_t n, const uint8_t *data,
    size_t len, bool ascii, const char *vci)
{
	char ip[16];

	printf("\n! Cisco IOS / IOS-XE DHCP server, under 'ip dhcp pool "
	       "<AP-POOL>':\n");
	if (ascii)
		printf(" option 43 ascii \"%.*s\"\n", (int)len,
		    (const char *)data);
	else {
		printf(" option 43 hex ");
		o43_hex(stdout, data, len, O43_HEX_IOS);
		printf("\n");
	}

	printf("\n# ISC dhcpd (dhcpd.conf):\n");
	if (ascii)
		printf("option vendor-encapsulated-options \"%.*s\";\n",
		    (int)len, (const char *)data);
	else {
		printf("option space Cisco_LWAPP_AP;\n"
		       "option Cisco_LWAPP_AP.server-address code 241 = array "
		       "of ip-address;\n"
		       "class \"cisco-ap\" {\n"
		       "  match if option vendor-class-identifier = ");
		o43_json_str(stdout, vci, strlen(vci));
		printf(";\n  vendor-option-space Cisco_LWAPP_AP;\n"
		       "  option Cisco_LWAPP_AP.server-address ");
		for (size_t i = 0; i < n; i++) {
			o43_ip(ip, sizeof(ip), ctrl[i]);
			printf("%s%s", i > 0 ? ", " : "", ip);
		}
		printf(";\n}\n# or, raw bytes:\n"
		       "option vendor-encapsulated-options ");
		o43_hex(stdout, data, len, O43_HEX_COLON);
		printf(";\n");
	}

	printf("\n# Kea (Dhcp4 \"client-classes\" entry):\n"
	       "{ \"name\": \"cisco-ap\",\n"
	       "  \"test\": \"option[60].text == '%s'\",\n"
	       "  \"option-data\": [ { \"code\": 43, \"csv-format\": false, "
	       "\"data\": \"",
	    vci);
	o43_hex(stdout, data, len, O43_HEX_UPPER);
	printf("\" } ] }\n");

	printf("\n# dnsmasq (dnsmasq.conf):\n"
	       "dhcp-vendorclass=set:ciscoap,%s\n",
	    vci);
	if (ascii)
		printf("dhcp-option=tag:ciscoap,43,\"%.*s\"\n", (int)len,
		    (const char *)data);
	else {
		printf("dhcp-option=tag:ciscoap,43,");
		o43_hex(stdout, data, len, O43_HEX_COLON);
		printf(
		    "\n# or let dnsmasq build the TLV (sub-option 241 inside "
		    "43):\n"
		    "dhcp-option=vendor:%s,241",
		    vci);
		for (size_t i = 0; i < n; i++) {
			o43_ip(ip, sizeof(ip), ctrl[i]);
			printf(",%s", ip);
		}
		printf("\n");
	}

	printf("\n# Windows DHCP (enter the hex bytes: option 43 is binary "
	       "there%s):\n"
	       "Set-DhcpServerv4OptionValue -ScopeId <scope> -OptionId 43 "
	       "-Value ",
	    ascii ? ", these are the ASCII characters" : "");
	o43_hex(stdout, data, len, O43_HEX_0X);
	printf("\nnetsh dhcp server scope <scope> set optionvalue 43 BINARY ");
	o43_hex(stdout, data, len, O43_HEX_PLAIN);
	printf("\n");
}

/* --json: the document to the output opened at the start, then renamed
 * into place (lib/report/ofile.c).  *out is consumed.  The exit code. */
static int
o43_write_json(
    struct cs_ofile **out, const struct cs_opt43 *o, const char *input)
{
	FILE *f = cs_ofile_fp(*out);
	char ip[16], why[512];

	fprintf(f, "{\"form\":\"%s\"",
	    o->form == CS_OPT43_FORM_TLV ? "tlv" : "ascii");
	if (input != NULL) {
		fputs(",\"input\":", f);
		o43_json_str(f, input, strlen(input));
	}
	fputs(",\"hex\":\"", f);
	o43_hex(f, o->data, o->len, O43_HEX_PLAIN);
	fputs("\",\"controllers\":[", f);
	for (size_t i = 0; i < o->n; i++) {
		o43_ip(ip, sizeof(ip), o->ctrl[i]);
		fprintf(f, "%s\"%s\"", i > 0 ? "," : "", ip);
	}
	fputs("]}\n", f);
	if (ferror(f)) {
		fprintf(stderr, "capsim: option43: cannot write %s: %s\n",
		    cs_ofile_path(*out), strerror(errno));
		cs_ofile_discard(*out);
		*out = NULL;
		return SIM_EXIT_RUNTIME;
	}
	if (cs_ofile_commit(*out, why, sizeof(why)) < 0) {
		*out = NULL;
		fprintf(stderr, "capsim: option43: cannot write %s\n", why);
		return SIM_EXIT_RUNTIME;
	}
	*out = NULL;
	return SIM_EXIT_OK;
}

static int
o43_encode(
    int argc, char **argv, bool ascii, struct cs_ofile **json, const char *vci)
{
	struct cs_opt43 o;
	struct cs_wr wr;
	size_t n = (size_t)argc;
	int r;

	if (argc == 0) {
		fprintf(stderr,
		    "capsim: option43: encode needs at least one "
		    "controller address\n");
		return SIM_EXIT_USAGE;
	}
	if (n > CS_OPT43_MAX_CTRL) {
		fprintf(stderr,
		    "capsim: option43: %zu controllers; option 43 holds at "
		    "most %d (255 bytes)\n",
		    n, CS_OPT43_MAX_CTRL);
		return SIM_EXIT_USAGE;
	}
	memset(&o, 0, sizeof(o));
	for (size_t i = 0; i < n; i++)
		if (cs_opt43_parse_ipv4(argv[i], strlen(argv[i]), &o.ctrl[i]) <
		    0) {
			fprintf(stderr,
			    "capsim: option43: invalid IPv4 address '%s' "
			    "(argument %zu)\n",
			    argv[i], i + 1);
			return SIM_EXIT_USAGE;
		}
	o.n = n;
	o.form = ascii ? CS_OPT43_FORM_ASCII : CS_OPT43_FORM_TLV;
	cs_wr_init(&wr, o.data, sizeof(o.data));
	r = ascii ? cs_opt43_encode_ascii(o.ctrl, n, &wr)
	          : cs_opt43_encode_tlv(o.ctrl, n, &wr);
	if (r < 0) {
		fprintf(stderr,
		    "capsim: option43: %zu controllers do not fit in 255 "
		    "bytes of %s option 43\n",
		    n, ascii ? "ASCII" : "TLV");
		return SIM_EXIT_USAGE;
	}
	o.len = wr.len;
	if (*json != NULL)
		return o43_write_json(json, &o, NULL);
	if (ascii)
		printf("%.*s\n", (int)o.len, (const char *)o.data);
	else {
		o43_hex(stdout, o.data, o.len, O43_HEX_PLAIN);
		printf("\n");
	}
	o43_print_config(o.ctrl, o.n, o.data, o.len, ascii, vci);
	return SIM_EXIT_OK;
}

static int
o43_decode(int argc, char **argv, struct cs_ofile **json)
{
	struct cs_opt43_err err;
	struct cs_opt43 o;
	char *text;
	size_t len = 1, at = 0;
	char ip[16];

	if (argc == 0) {
		fprintf(stderr,
		    "capsim: option43: decode needs the option "
		    "text (see --help)\n");
		return SIM_EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((text = malloc(len)) == NULL) {
		fprintf(stderr, "capsim: option43: out of memory\n");
		return SIM_EXIT_RUNTIME;
	}
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (i > 0)
			text[at++] = ' ';
		memcpy(text + at, argv[i], l);
		at += l;
	}
	text[at] = '\0';
	if (cs_opt43_parse_text(text, &o, &err) < 0) {
		free(text);
		fprintf(stderr, "capsim: option43: %s at %s %zu\n", err.what,
		    err.in_text ? "char" : "byte", err.offset);
		return SIM_EXIT_USAGE;
	}
	free(text);
	if (*json != NULL)
		return o43_write_json(json, &o, cs_opt43_text_name(o.text));
	printf("input: %s\n", cs_opt43_text_name(o.text));
	printf("form: %s, %zu byte%s\n", cs_opt43_form_name(o.form), o.len,
	    o.len == 1 ? "" : "s");
	printf("hex: ");
	o43_hex(stdout, o.data, o.len, O43_HEX_PLAIN);
	printf("\n");
	for (size_t i = 0; i < o.n; i++) {
		o43_ip(ip, sizeof(ip), o.ctrl[i]);
		printf("controller %zu: %s\n", i + 1, ip);
	}
	return SIM_EXIT_OK;
}

int
sim_cmd_option43(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "vci", required_argument, NULL, 'V' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *vci = O43_DEFAULT_VCI, *json_path = NULL;
	struct cs_ofile *json = NULL;
	bool ascii = false;
	char why[512];
	int c, rc;

	optind = 1;
	opterr = 0;
	/* Leading '+' would stop at the first non-option; permuting lets
	 * options follow the addresses.  Negative-looking hex never starts
	 * with '-', so permuting is safe. */
	while ((c = getopt_long(argc, argv, "f:V:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "tlv") == 0 ||
			    strcmp(optarg, "hex") == 0)
				ascii = false;
			else if (strcmp(optarg, "ascii") == 0)
				ascii = true;
			else {
				fprintf(stderr,
				    "capsim: option43: --format must be tlv "
				    "or ascii, not '%s'\n",
				    optarg);
				return SIM_EXIT_USAGE;
			}
			break;
		case 'V':
			vci = optarg;
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'h':
			o43_usage(stdout);
			return SIM_EXIT_OK;
		default:
			/* opterr is 0: '?' for an unknown option and for a
			 * missing value (then optopt is the option's) */
			fprintf(stderr,
			    "capsim: option43: %s '%s' (see --help)\n",
			    optopt == 'f' || optopt == 'V' || optopt == 'j'
			        ? "missing value for"
			        : "unknown option",
			    argv[optind - 1]);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		o43_usage(stderr);
		return SIM_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "encode") != 0 &&
	    strcmp(argv[optind], "decode") != 0) {
		fprintf(stderr,
		    "capsim: option43: unknown action '%s' (encode or "
		    "decode)\n",
		    argv[optind]);
		return SIM_EXIT_USAGE;
	}
	if (optind + 1 == argc && json_path != NULL) {
		/* `encode --json 10.0.0.1`: the address became the file */
		fprintf(stderr,
		    "capsim: option43: %s needs %s after --json FILE (--json "
		    "takes a file name, - for stdout)\n",
		    argv[optind],
		    argv[optind][0] == 'e' ? "controller addresses"
		                           : "the option text");
		return SIM_EXIT_USAGE;
	}
	/* the output is checked (and a stale one removed) before any work */
	if (json_path != NULL &&
	    cs_ofile_open(&json, json_path, 0644, why, sizeof(why)) < 0) {
		fprintf(stderr, "capsim: option43: cannot write %s\n", why);
		return SIM_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "encode") == 0)
		rc = o43_encode(
		    argc - optind - 1, argv + optind + 1, ascii, &json, vci);
	else
		rc = o43_decode(argc - optind - 1, argv + optind + 1, &json);
	cs_ofile_discard(json); /* an input error: nothing written */
	return rc;
}
