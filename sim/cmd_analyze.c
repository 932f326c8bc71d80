/* SPDX-License-Identifier: MIT */
/*
 * `capsim analyze CAPTURE`: the join diagnosis from a capture taken in the
 * field (lib/report/analyze.c).  Prints per AP the phases seen, the
 * retransmissions, what was decrypted, where it stopped and the one-line
 * diagnosis, then the aggregate diagnosis with its hint; --json writes the
 * same as JSON.  A capture that is cut or corrupt is analysed up to the
 * bad byte, reported, and named with its offset (exit 1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "capsim/analyze.h"
#include "capsim/capread.h"
#include "capsim/diagnose.h"
#include "capsim/dtls_decrypt.h"
#include "capsim/log.h"
#include "capsim/ofile.h"
#include "capsim/report.h"
#include "cmd_analyze_clients.h"
#include "peer.h"
#include "sim.h"
#include "simutil.h"

static uint16_t wlc_port_used = 5246; /* for the "no CAPWAP" line */

static void
usage(FILE *f)
{
	fputs("usage: capsim analyze [options] CAPTURE\n"
	      "\n"
	      "Explains CAPWAP joins seen in a capture (pcap or pcapng;\n"
	      "Ethernet, 802.1Q, raw IPv4, Linux cooked SLL/SLL2; IPv4\n"
	      "fragments reassembled).  DTLS is decrypted with the\n"
	      "pcapng's Decryption Secrets Blocks and/or --keylog.\n"
	      "\n"
	      "  --keylog FILE      SSLKEYLOGFILE with CLIENT_RANDOM lines\n"
	      "  --peer WLC-CAPTURE a capture taken at the controller (SPAN\n"
	      "                     port, Embedded Packet Capture, capsim\n"
	      "                     wlc --pcap) beside CAPTURE taken at the\n"
	      "                     APs' side: APs matched by WTP identity,\n"
	      "                     datagrams by content (clock offset and\n"
	      "                     NAT between the two do not matter); what\n"
	      "                     the controller received and sent tells\n"
	      "                     forward from return path loss\n"
	      "  --json FILE|-      write the analysis as JSON\n"
	      "  --per-ap           also print each AP's detail (default:\n"
	      "                     the summary grouped by cause)\n"
	      "  --wlc-port PORT    controller control port (default 5246;\n"
	      "                     data port is PORT + 1)\n"
	      "  --wlc-data-port P  controller data port\n"
	      "  -v, --verbose      report every skipped malformed packet\n"
	      "  -h, --help\n"
	      "\n"
	      "Exit: 0 every AP fine, 3 a cause found (the network or the\n"
	      "controller), 4 inconclusive (no CAPWAP in the capture, or\n"
	      "the evidence does not decide), 1 capture read error\n"
	      "(partial report), 2 usage or unreadable input.\n",
	    f);
}

static const char *
ip_str(uint32_t ip, char *buf, size_t len)
{
	uint32_t n = htonl(ip);

	if (inet_ntop(AF_INET, &n, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static const char *
mac_str(const struct cs_analyze_ap *p, char *b, size_t n)
{
	size_t at = 0;

	b[0] = 0;
	for (unsigned i = 0; i < p->base_mac_len && at + 3 < n; i++)
		at += (size_t)snprintf(
		    b + at, n - at, i == 0 ? "%02x" : ":%02x", p->base_mac[i]);
	return b;
}

static const char *
version_name(uint16_t v)
{
	return v == 0xfefd ? "DTLS 1.2" : v == 0xfeff ? "DTLS 1.0" : "?";
}

/* The APs of a capture, named by address; where several APs share one
 * address (a NAT), by their WTP Board Data Base MAC. */
struct an_names {
	char (*name)[24];
	char (*addr)[24];
	char (*mac)[24];
	struct cs_report_ap *aps;
	size_t n;
};

static int
an_names_build(struct an_names *nm, const struct cs_analyze *a)
{
	size_t n = cs_analyze_n_aps(a);

	nm->n = n;
	nm->name = calloc(n > 0 ? n : 1, sizeof(*nm->name));
	nm->addr = calloc(n > 0 ? n : 1, sizeof(*nm->addr));
	nm->mac = calloc(n > 0 ? n : 1, sizeof(*nm->mac));
	nm->aps = calloc(n > 0 ? n : 1, sizeof(*nm->aps));
	if (nm->name == NULL || nm->addr == NULL || nm->mac == NULL ||
	    nm->aps == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct cs_analyze_ap *p = cs_analyze_ap_get(a, i);
		uint32_t ip = htonl(p->ap_ip);
		char ab[16];

		if (inet_ntop(AF_INET, &ip, ab, sizeof(ab)) == NULL)
			snprintf(ab, sizeof(ab), "?");
		snprintf(nm->addr[i], sizeof(nm->addr[i]), "%s", ab);
		if (p->base_mac_len > 0)
			mac_str(p, nm->mac[i], sizeof(nm->mac[i]));
		snprintf(nm->name[i], sizeof(nm->name[i]), "%s",
		    p->wtps > 1 && p->base_mac_len > 0 ? nm->mac[i] : ab);
		nm->aps[i].name = nm->name[i];
		nm->aps[i].mac = p->base_mac_len > 0 ? nm->mac[i] : NULL;
		nm->aps[i].address = nm->addr[i];
	}
	return 0;
}

static void
an_names_free(struct an_names *nm)
{
	free(nm->name);
	free(nm->addr);
	free(nm->mac);
	free(nm->aps);
}

/* The summary, grouped by cause: what an engineer reads first. */
static void
print_causes(FILE *o, const struct cs_diagnosis *d,
    const struct cs_report_diag *rd, bool per_ap)
{
	fprintf(o, "\nDiagnosis: %s (confidence %s; %u of %u AP%s affected)\n",
	    d->code, cs_diag_conf_name(d->confidence), d->aps_affected, d->aps,
	    d->aps == 1 ? "" : "s");
	if (d->summary != NULL && *d->summary)
		fprintf(o, "  %s\n", d->summary);
	for (size_t i = 0; i < rd->n_causes; i++) {
		const struct cs_report_cause *c = &rd->causes[i];

		fprintf(o, "  %-28s %u AP%s (%s)%s%s\n", c->cause, c->aps,
		    c->aps == 1 ? "" : "s", c->confidence,
		    c->ap_names != NULL ? ": " : "",
		    c->ap_names != NULL ? c->ap_names : "");
		if (c->evidence != NULL && rd->n_causes > 1)
			fprintf(o, "    evidence: %s\n", c->evidence);
	}
	if (d->hint != NULL && *d->hint)
		fprintf(o, "Hint: %s\n", d->hint);
	if (!per_ap && d->aps > 0)
		fputs("(each AP's detail: --per-ap)\n", o);
}

/* How the APs were told apart: by WTP identity, or (where none was
 * visible) by address, which counts the APs behind a NAT as one. */
static void
print_keying(FILE *o, const struct cs_analyze_stats *st, size_t n)
{
	if (st->aps_identified == n)
		fprintf(o,
		    "  APs keyed by WTP identity (Board Data, Session "
		    "ID)\n");
	else if (st->aps_identified == 0)
		fprintf(o,
		    "  APs keyed by address: no WTP identity (Board "
		    "Data in a Discovery or Join Request) in the capture; "
		    "APs behind one NAT address count as one\n");
	else
		fprintf(o,
		    "  APs keyed by WTP identity: %zu; by address (no identity "
		    "seen): %zu\n",
		    st->aps_identified, n - st->aps_identified);
	if (st->ap_guessed > 0)
		fprintf(o,
		    "  %" PRIu64 " datagrams whose AP is a guess: several "
		    "APs share their address and neither an identity nor "
		    "the DTLS keys tell which\n",
		    st->ap_guessed);
	if (st->identity_conflicts > 0)
		fprintf(o,
		    "  %" PRIu64 " Join Requests named another AP than the one "
		    "their flow was keyed to\n",
		    st->identity_conflicts);
}

static void
print_text(FILE *o, const char *path, const char *fmt,
    const struct cs_analyze *a, bool per_ap)
{
	struct cs_analyze_stats st;
	size_t n = cs_analyze_n_aps(a);
	uint64_t t0 = UINT64_MAX;

	cs_analyze_get_stats(a, &st);
	fprintf(o,
	    "capture %s (%s): %" PRIu64 " packets, %" PRIu64
	    " CAPWAP datagrams, %zu AP%s\n",
	    path, fmt, st.records, st.capwap, n, n == 1 ? "" : "s");
	fprintf(o,
	    "  skipped: %" PRIu64 " not IPv4, %" PRIu64 " not UDP, %" PRIu64
	    " other ports, %" PRIu64 " malformed, %" PRIu64 " truncated\n",
	    st.not_ipv4, st.not_udp, st.not_capwap, st.malformed, st.truncated);
	if (n > 0)
		print_keying(o, &st, n);
	if (st.fragments > 0)
		fprintf(o,
		    "  IPv4 fragments: %" PRIu64
		    ", datagrams reassembled %" PRIu64 ", timed out %" PRIu64
		    ", dropped %" PRIu64 "\n",
		    st.fragments, st.reassembled, st.frag_timeouts,
		    st.frag_dropped);
	if (st.bad_ip_cksum > 0)
		fprintf(o,
		    "  IPv4 header checksum wrong (checksum offload at the "
		    "capture point?), taken anyway: %" PRIu64 "\n",
		    st.bad_ip_cksum);
	fprintf(o,
	    "  keys: %" PRIu64 " CLIENT_RANDOM line%s (%" PRIu64
	    " Decryption Secrets Block%s)\n",
	    st.keylog_lines, st.keylog_lines == 1 ? "" : "s", st.secrets,
	    st.secrets == 1 ? "" : "s");
	if (st.capwap == 0) {
		fprintf(o,
		    "  no CAPWAP in this capture: %" PRIu64
		    " packet%s, none to or from UDP %u/%u",
		    st.records, st.records == 1 ? "" : "s",
		    (unsigned)wlc_port_used, (unsigned)wlc_port_used + 1u);
		if (st.other_ports[0].port != 0) {
			fputs("; UDP ports seen:", o);
			for (unsigned i = 0;
			     i < CS_AN_PORTS && st.other_ports[i].port != 0;
			     i++)
				fprintf(o, " %u (%" PRIu64 ")",
				    (unsigned)st.other_ports[i].port,
				    st.other_ports[i].count);
		}
		fputs(".  Wrong interface, filter or controller port "
		      "(--wlc-port)?\n",
		    o);
	}
	if (!per_ap)
		return;
	for (size_t i = 0; i < n; i++)
		if (cs_analyze_ap_get(a, i)->first_us < t0)
			t0 = cs_analyze_ap_get(a, i)->first_us;
	for (size_t i = 0; i < n; i++) {
		const struct cs_analyze_ap *p = cs_analyze_ap_get(a, i);
		char ab[16], wb[16];
		const char *sep = "";

		fprintf(o,
		    "\nAP %s -> WLC %s: %" PRIu64 " up / %" PRIu64
		    " down datagrams, %.3f-%.3f s\n",
		    ip_str(p->ap_ip, ab, sizeof(ab)),
		    p->wlc_ip != 0 ? ip_str(p->wlc_ip, wb, sizeof(wb))
		                   : "(broadcast)",
		    p->pkts_up, p->pkts_down, (double)(p->first_us - t0) / 1e6,
		    (double)(p->last_us - t0) / 1e6);
		if (p->base_mac_len > 0) {
			char mb[24];

			fprintf(o, "  WTP identity: Base MAC %s\n",
			    mac_str(p, mb, sizeof(mb)));
		} else if (!p->has_identity) {
			fputs("  WTP identity: none seen (keyed by address)\n",
			    o);
		}
		fputs("  phases seen: ", o);
		for (unsigned b = 0; cs_an_phase_name(b) != NULL; b++)
			if (p->phases_seen & (1u << b)) {
				fprintf(o, "%s%s", sep, cs_an_phase_name(b));
				sep = ", ";
			}
		fprintf(o, "%s\n", *sep == 0 ? "none" : "");
		fprintf(o,
		    "  retransmissions: discovery %u, DTLS handshake %u, "
		    "control %u\n",
		    p->retrans_disc, p->retrans_dtls, p->retrans_ctrl);
		if (p->unacked_down > 0)
			fprintf(o,
			    "  controller answers the AP never acted on: %u "
			    "(lost after the capture point)\n",
			    p->unacked_down);
		if (p->local_ip != 0 && p->local_ip != p->ap_ip)
			fprintf(o,
			    "  Join Request says its address is %s: NAT in "
			    "between\n",
			    ip_str(p->local_ip, wb, sizeof(wb)));
		if (p->cert_not_before != 0)
			fprintf(o,
			    "  the AP refused the controller certificate, "
			    "valid "
			    "at capture time (%" PRId64 "..%" PRId64
			    "): the AP's clock is off by about %" PRId32 " s\n",
			    p->cert_not_before, p->cert_not_after,
			    p->facts.skew_s);
		if (p->port_changes > 0)
			fprintf(o,
			    "  source port changed %u time%s without a new "
			    "DTLS handshake: NAT rebinding\n",
			    p->port_changes, p->port_changes == 1 ? "" : "s");
		if (p->wtps > 1)
			fprintf(o,
			    "  %u APs (distinct WTP Board Data) behind this "
			    "address, each counted: NAT\n",
			    p->wtps);
		if (p->dtls_sessions > 0 || p->dec_records > 0) {
			const char *sn = cs_dtls_dec_suite_name(p->suite);

			fprintf(o,
			    "  DTLS: %u session%s, %s%s%s, %" PRIu64 "/%" PRIu64
			    " protected records decrypted (%s)",
			    p->dtls_sessions, p->dtls_sessions == 1 ? "" : "s",
			    sn != NULL     ? sn
			        : p->suite ? "unsupported suite"
			                   : "suite unknown",
			    p->version ? ", " : "",
			    p->version ? version_name(p->version) : "",
			    p->dec_ok, p->dec_records,
			    *p->dec_state ? p->dec_state : "clear");
			if (p->dec_failed > 0)
				fprintf(o,
				    ", %" PRIu64 " failed to authenticate",
				    p->dec_failed);
			fprintf(o, ", %" PRIu64 " control messages\n",
			    p->ctrl_msgs);
		}
		fprintf(o, "  stopped after: %s\n",
		    *p->stopped ? p->stopped : "(nothing recognised)");
		fprintf(o, "  diagnosis: %s\n", p->verdict);
	}
}

static json_t *
json_causes(const struct cs_report_diag *rd)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr != NULL && i < rd->n_causes; i++) {
		const struct cs_report_cause *c = &rd->causes[i];
		json_t *l = json_array();

		for (size_t k = 0; l != NULL && k < c->n_ap_list; k++)
			json_array_append_new(l,
			    json_pack("{s:s}", "address",
			        c->ap_list[k].address != NULL
			            ? c->ap_list[k].address
			            : "?"));
		json_array_append_new(arr,
		    json_pack("{s:s, s:i, s:s, s:s, s:s, s:o}", "cause",
		        c->cause, "aps", (int)c->aps, "confidence",
		        c->confidence != NULL ? c->confidence : "low",
		        "evidence", c->evidence != NULL ? c->evidence : "",
		        "ap_names", c->ap_names != NULL ? c->ap_names : "",
		        "ap_list", l != NULL ? l : json_array()));
	}
	return arr;
}

static json_t *
json_report(const char *path, const char *fmt, const struct cs_analyze *a,
    const struct cs_diagnosis *d, const struct cs_report_diag *rd,
    const struct cs_err *rerr)
{
	json_t *ports = json_object();
	char pb[8];
	struct cs_analyze_stats st;
	json_t *root = json_object(), *aps = json_array(), *counts;
	size_t n = cs_analyze_n_aps(a);

	cs_analyze_get_stats(a, &st);
	json_object_set_new(root, "capture",
	    json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
	              "s:I, s:I, s:I, s:I, s:I}",
	        "path", path, "format", fmt, "packets", (json_int_t)st.records,
	        "capwap", (json_int_t)st.capwap, "not_ipv4",
	        (json_int_t)st.not_ipv4, "not_udp", (json_int_t)st.not_udp,
	        "other_ports", (json_int_t)st.not_capwap, "malformed",
	        (json_int_t)st.malformed, "truncated", (json_int_t)st.truncated,
	        "fragments", (json_int_t)st.fragments, "reassembled",
	        (json_int_t)st.reassembled, "fragment_timeouts",
	        (json_int_t)st.frag_timeouts, "fragments_dropped",
	        (json_int_t)st.frag_dropped, "secrets_blocks",
	        (json_int_t)st.secrets, "keylog_lines",
	        (json_int_t)st.keylog_lines));
	/* how the APs were told apart (behind a NAT, only the identity
	 * counts them right) */
	json_object_set_new(root, "ap_keying",
	    json_pack("{s:I, s:I, s:I, s:I}", "by_identity",
	        (json_int_t)st.aps_identified, "by_address",
	        (json_int_t)(n - st.aps_identified), "datagrams_guessed",
	        (json_int_t)st.ap_guessed, "identity_conflicts",
	        (json_int_t)st.identity_conflicts));
	{
		json_t *cap = json_object_get(root, "capture");

		for (unsigned i = 0; i < CS_AN_PORTS; i++)
			if (st.other_ports[i].port != 0) {
				snprintf(pb, sizeof(pb), "%u",
				    (unsigned)st.other_ports[i].port);
				json_object_set_new(ports, pb,
				    json_integer(
				        (json_int_t)st.other_ports[i].count));
			}
		json_object_set_new(cap, "other_udp_ports", ports);
		json_object_set_new(cap, "bad_ip_checksum",
		    json_integer((json_int_t)st.bad_ip_cksum));
		json_object_set_new(
		    cap, "has_capwap", json_boolean(st.capwap > 0));
	}
	if (rerr != NULL)
		json_object_set_new(root, "error",
		    json_pack("{s:I, s:s}", "offset", (json_int_t)rerr->offset,
		        "what",
		        rerr->what != NULL ? rerr->what : "read error"));
	else
		json_object_set_new(root, "error", json_null());
	for (size_t i = 0; i < n; i++) {
		const struct cs_analyze_ap *p = cs_analyze_ap_get(a, i);
		json_t *ph = json_array(), *o;
		char ab[16], wb[16], lb[16];
		const char *sn = cs_dtls_dec_suite_name(p->suite);

		for (unsigned b = 0; cs_an_phase_name(b) != NULL; b++)
			if (p->phases_seen & (1u << b))
				json_array_append_new(
				    ph, json_string(cs_an_phase_name(b)));
		o = json_pack("{s:s, s:s?, s:I, s:I, s:I, s:I, s:o, s:s, "
		              "s:{s:i, s:i, s:i}, s:i, s:i, s:s?, s:i, s:{s:i, "
		              "s:s?, s:s?, s:s, "
		              "s:I, s:I, s:I, s:I}, s:I, s:{s:s, s:s}}",
		    "ap", ip_str(p->ap_ip, ab, sizeof(ab)), "wlc",
		    p->wlc_ip != 0 ? ip_str(p->wlc_ip, wb, sizeof(wb)) : NULL,
		    "first_us", (json_int_t)p->first_us, "last_us",
		    (json_int_t)p->last_us, "packets_up",
		    (json_int_t)p->pkts_up, "packets_down",
		    (json_int_t)p->pkts_down, "phases", ph, "stopped",
		    p->stopped, "retransmissions", "discovery",
		    (int)p->retrans_disc, "dtls", (int)p->retrans_dtls,
		    "control", (int)p->retrans_ctrl, "answers_not_acted_on",
		    (int)p->unacked_down, "wtps", (int)p->wtps, "local_ip",
		    p->local_ip != 0 ? ip_str(p->local_ip, lb, sizeof(lb))
		                     : NULL,
		    "port_changes", (int)p->port_changes, "dtls", "sessions",
		    (int)p->dtls_sessions, "suite", sn, "version",
		    p->version ? version_name(p->version) : NULL, "state",
		    *p->dec_state ? p->dec_state : "clear", "records",
		    (json_int_t)p->dec_records, "decrypted",
		    (json_int_t)p->dec_ok, "failed", (json_int_t)p->dec_failed,
		    "undecryptable", (json_int_t)p->dec_nokey,
		    "control_messages", (json_int_t)p->ctrl_msgs, "diagnosis",
		    "code", cs_diag_code_name(p->code), "text", p->verdict);
		if (o != NULL) {
			char mb[24];

			json_object_set_new(o, "keyed_by",
			    json_string(
			        p->has_identity ? "identity" : "address"));
			json_object_set_new(o, "base_mac",
			    p->base_mac_len > 0
			        ? json_string(mac_str(p, mb, sizeof(mb)))
			        : json_null());
		}
		json_array_append_new(aps, o);
	}
	json_object_set_new(root, "aps", aps);
	counts = json_object();
	for (unsigned c = 0; c < CS_DIAG__COUNT; c++)
		if (d->count[c] > 0)
			json_object_set_new(counts, cs_diag_code_name(c),
			    json_integer(d->count[c]));
	json_object_set_new(root, "diagnosis",
	    json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:s, s:s, s:o}", "code",
	        d->code, "summary", d->summary != NULL ? d->summary : "",
	        "hint", d->hint != NULL ? d->hint : "", "aps", (int)d->aps,
	        "aps_affected", (int)d->aps_affected, "counts", counts,
	        "confidence", cs_diag_conf_name(d->confidence), "evidence",
	        d->evidence != NULL ? d->evidence : "", "causes",
	        json_causes(rd)));
	return root;
}

/* 0 every AP fine, 4 inconclusive, 3 a cause (the usage text). */
static int
an_exit_code(enum cs_diag_code primary)
{
	switch (primary) {
	case CS_DIAG_OK:
		return SIM_EXIT_OK;
	case CS_DIAG_INCONCLUSIVE:
		return SIM_EXIT_INCONCLUSIVE;
	default:
		return SIM_EXIT_FAILED;
	}
}

/* What the command line asks for. */
struct an_opts {
	const char *keylog, *json_path, *peer_path, *path;
	struct cs_analyze_cfg cfg; /* ports */
	bool per_ap;
};

/* The command line; -1 to go on, or the exit code. */
static int
an_parse(int argc, char **argv, struct an_opts *o)
{
	static const struct option opts[] = {
		{ "keylog", required_argument, NULL, 'k' },
		{ "peer", required_argument, NULL, 'P' },
		{ "json", required_argument, NULL, 'j' },
		{ "wlc-port", required_argument, NULL, 'p' },
		{ "wlc-data-port", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "per-ap", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->keylog = optarg;
			break;
		case 'j':
			o->json_path = optarg;
			break;
		case 'P':
			o->peer_path = optarg;
			break;
		case 'p':
		case 'd':
			if (sim_parse_uint(optarg, 1, 65535, &v) < 0) {
				fprintf(stderr,
				    "capsim analyze: --%s: not a port: '%s'\n",
				    c == 'p' ? "wlc-port" : "wlc-data-port",
				    optarg);
				return SIM_EXIT_USAGE;
			}
			if (c == 'p')
				o->cfg.wlc_port = (uint16_t)v;
			else
				o->cfg.wlc_data_port = (uint16_t)v;
			break;
		case 'v':
			sim_log_verbose.max_level = CS_LOG_INFO;
			break;
		case 'a':
			o->per_ap = true;
			break;
		case 'h':
			usage(stdout);
			return SIM_EXIT_OK;
		default:
			usage(stderr);
			return SIM_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fputs(optind == argc
		        ? "capsim analyze: no capture file given\n"
		        : "capsim analyze: one capture file only\n",
		    stderr);
		usage(stderr);
		return SIM_EXIT_USAGE;
	}
	o->path = argv[optind];
	return -1;
}

/* --keylog: the key log read into the analyzer.  0, or the exit code
 * after saying why. */
static int
an_keylog(struct cs_analyze *a, const char *keylog)
{
	struct cs_err err = { 0 };
	char *kb;
	size_t kl;
	int r;

	r = sim_read_path(keylog, SIZE_MAX, &kb, &kl);
	if (r < 0) {
		fprintf(
		    stderr, "capsim analyze: %s: %s\n", keylog, strerror(-r));
		return SIM_EXIT_USAGE;
	}
	r = cs_analyze_keylog(a, kb, kl, &err);
	free(kb);
	if (r < 0) {
		fprintf(stderr, "capsim analyze: %s: byte offset %zu: %s\n",
		    keylog, err.offset, err.what);
		return SIM_EXIT_USAGE;
	}
	return 0;
}

/* --json: the report @p j (taken) with the controller's side written to
 * *@p json_out, which is committed and cleared.  0, or -1 after saying
 * why. */
static int
an_json(struct cs_ofile **json_out, const char *json_path, json_t *j,
    const struct sim_peer *peer)
{
	char why[512];

	json_object_set_new(j, "peer", sim_peer_json(peer));
	/* one stream, written once: the document, then its newline */
	FILE *jf = cs_ofile_fp(*json_out);
	int jr =
	    json_dumpf(j, jf, JSON_INDENT(2)) == 0 && fputc('\n', jf) != EOF
	    ? 0
	    : -EIO;

	if (jr == 0) {
		/* frees json_out, also when it fails */
		jr = cs_ofile_commit(*json_out, why, sizeof(why));
		*json_out = NULL;
	} else {
		snprintf(
		    why, sizeof(why), "%s: %s", json_path, strerror(errno));
	}
	json_decref(j);
	if (jr < 0) {
		fprintf(stderr, "capsim analyze: cannot write %s\n", why);
		return -1;
	}
	return 0;
}

/* The report @p j with the clients' part added (when there is one). */
static json_t *
an_with_clients(json_t *j, const struct cs_an_clients *cl)
{
	json_t *c;

	if (j != NULL && (c = an_cl_json(cl)) != NULL)
		json_object_set_new(j, "clients", c);
	return j;
}

int
sim_cmd_analyze(int argc, char **argv)
{
	const char *keylog = NULL, *json_path = NULL, *path, *peer_path = NULL;
	struct sim_peer peer = { 0 };
	struct cs_peer_log *hlog = NULL;
	struct an_cl_ctx clx = { 0 };
	struct cs_analyze_cfg cfg = { 0 };
	struct cs_analyze *a = NULL;
	struct cs_diagnosis d;
	struct cs_capread cr;
	struct cs_err err = { 0 };
	uint8_t *buf = NULL;
	char *raw = NULL;
	size_t len = 0;
	struct an_opts o = { 0 };
	int r, rc = SIM_EXIT_RUNTIME;
	bool read_err, per_ap = false;
	struct an_names nm = { 0 };
	struct cs_report_causes rcs = { 0 };
	struct cs_report_kv dkv[CS_DIAG__COUNT];
	struct cs_report_diag rd;
	struct cs_ofile *json_out = NULL;
	char why[512];

	if ((r = an_parse(argc, argv, &o)) >= 0)
		return r;
	path = o.path;
	keylog = o.keylog;
	json_path = o.json_path;
	peer_path = o.peer_path;
	per_ap = o.per_ap;
	cfg = o.cfg;
	/* the output is checked (and a stale one removed) before any work */
	if (json_path != NULL &&
	    cs_ofile_open(&json_out, json_path, 0644, why, sizeof(why)) < 0) {
		fprintf(stderr, "capsim analyze: cannot write %s\n", why);
		return SIM_EXIT_USAGE;
	}
	cfg.log = &sim_log_verbose;
	if (peer_path != NULL) {
		if (cs_peer_log_new(&hlog) < 0) {
			fputs("capsim analyze: out of memory\n", stderr);
			goto out;
		}
		/* CAPTURE is the APs' side when --peer is the controller's */
		cfg.at_ap = true;
	}
	/* every datagram to the controller-side log (--peer) and to the
	 * wireless clients' phases */
	if (cs_an_clients_new(&clx.cl) < 0) {
		fputs("capsim analyze: out of memory\n", stderr);
		goto out;
	}
	clx.hlog = hlog;
	cfg.on_dgram = an_cl_dgram;
	cfg.dgram_ctx = &clx;
	if (cs_analyze_new(&a, &cfg) < 0) {
		fputs("capsim analyze: out of memory\n", stderr);
		goto out;
	}
	if (keylog != NULL && (r = an_keylog(a, keylog)) != 0) {
		rc = r;
		goto out;
	}
	r = sim_read_path(path, SIZE_MAX, &raw, &len);
	buf = (uint8_t *)raw;
	if (r < 0) {
		fprintf(stderr, "capsim analyze: %s: %s\n", path, strerror(-r));
		rc = SIM_EXIT_USAGE;
		goto out;
	}
	if (cs_capread_init(&cr, buf, len, &err) < 0) {
		fprintf(stderr, "capsim analyze: %s: byte offset %zu: %s\n",
		    path, err.offset, err.what);
		rc = SIM_EXIT_USAGE;
		goto out;
	}
	r = cs_analyze_capture(a, buf, len, &err);
	if (r == -ENOMEM) {
		fputs("capsim analyze: out of memory\n", stderr);
		goto out;
	}
	read_err = r < 0;
	if (peer_path != NULL) {
		/* the controller's side, before the diagnosis reads it */
		if ((r = sim_peer_load(
		         &peer, "capsim analyze", peer_path, &cfg)) != 0 ||
		    (r = sim_peer_merge(&peer, a, hlog)) != 0) {
			rc = r;
			goto out;
		}
	}
	if (cs_analyze_finish(a, &d) < 0) {
		fputs("capsim analyze: out of memory\n", stderr);
		goto out;
	}
	cs_report_diag_from(&rd, dkv, CS_DIAG__COUNT, &d);
	if (an_names_build(&nm, a) < 0 ||
	    cs_report_causes_build(&rcs, &rd, &d, nm.aps, nm.n, 8) < 0) {
		fputs("capsim analyze: out of memory\n", stderr);
		cs_diagnosis_free(&d);
		goto out;
	}
	if (json_path != NULL &&
	    an_json(&json_out, json_path,
	        an_with_clients(
	            json_report(path, cs_capread_format_name(cr.format), a, &d,
	                &rd, read_err ? &err : NULL),
	            clx.cl),
	        &peer) < 0) {
		cs_diagnosis_free(&d);
		goto out;
	}
	if (json_path == NULL || strcmp(json_path, "-") != 0) {
		wlc_port_used = cfg.wlc_port != 0 ? cfg.wlc_port : 5246;
		print_text(
		    stdout, path, cs_capread_format_name(cr.format), a, per_ap);
		sim_peer_print(stdout, &peer);
		an_cl_print(stdout, clx.cl);
		print_causes(stdout, &d, &rd, per_ap);
	}
	rc = an_exit_code(d.primary);
	cs_diagnosis_free(&d);
	fflush(stdout);
	if (read_err) {
		fprintf(stderr,
		    "capsim analyze: %s: read error at byte offset %zu: %s "
		    "(the report covers what came before)\n",
		    path, err.offset, err.what);
		rc = SIM_EXIT_RUNTIME;
		goto out;
	}
out:
	cs_ofile_discard(json_out);
	cs_report_causes_free(&rcs);
	an_names_free(&nm);
	free(buf);
	cs_analyze_free(a);
	sim_peer_free(&peer);
	cs_peer_log_free(hlog);
	cs_an_clients_free(clx.cl);
	return rc;
}
