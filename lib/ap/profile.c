/* SPDX-License-Identifier: MIT */
/*
 * AP model profiles (capsim/profile.h): a small YAML schema parsed with
 * libyaml's document API, checked key by key so that a broken file gets
 * "FILE:LINE:COL: key 'x': why", a search path ($CAPSIM_PROFILES, caller
 * directories, installed and source profiles/), and the mapping of a
 * profile onto struct cs_ap_cfg.  The Cisco facts behind the keys are in
 * capwap-facts.md §3-§4.
 */
#include "capsim/profile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "capsim/ap.h"
#include "capsim/capwap.h"
#include "capsim/values.h"

#ifndef CS_PROFILES_INSTALL_DIR
#define CS_PROFILES_INSTALL_DIR "/usr/local/share/capsim/profiles"
#endif

#define PROFILE_MAX_FILE (256 * 1024)

struct pctx {
	yaml_document_t *doc;
	const char *label;
	char *why;
	size_t why_len;
	struct cs_profile *p;
	uint8_t *blob; /* RAW payload bytes, one allocation */
	size_t blob_used, blob_cap;
};

static const char *const vsp_keys[CS_PVSP__COUNT] = {
	[CS_PVSP_RAW] = "raw",
	[CS_PVSP_RAD_NAME] = "rad_name",
	[CS_PVSP_BOARD_DATA_OPTIONS] = "board_data_options",
	[CS_PVSP_AP_GROUP_NAME] = "ap_group_name",
	[CS_PVSP_AP_MODE_AND_TYPE] = "ap_mode_and_type",
	[CS_PVSP_AP_MODEL] = "ap_model",
	[CS_PVSP_PATH_MTU] = "path_mtu",
	[CS_PVSP_AP_UPTIME] = "ap_uptime",
	[CS_PVSP_MWAR_ADDR] = "mwar_addr",
};

/* Cisco VSP element id of each generated kind (capwap-facts §4.1). */
static const uint16_t vsp_ids[CS_PVSP__COUNT] = {
	[CS_PVSP_RAD_NAME] = CS_CISCO_RAD_NAME,
	[CS_PVSP_BOARD_DATA_OPTIONS] = CS_CISCO_BOARD_DATA_OPTIONS,
	[CS_PVSP_AP_GROUP_NAME] = CS_CISCO_AP_GROUP_NAME,
	[CS_PVSP_AP_MODE_AND_TYPE] = CS_CISCO_AP_MODE_AND_TYPE,
	[CS_PVSP_AP_MODEL] = CS_CISCO_AP_MODEL,
	[CS_PVSP_PATH_MTU] = CS_CISCO_SPAM_VENDOR_SPECIFIC,
	[CS_PVSP_AP_UPTIME] = CS_CISCO_AP_UPTIME,
	[CS_PVSP_MWAR_ADDR] = CS_CISCO_MWAR_ADDR,
};

/* Messages an AP sends that may carry profile payloads. */
static const struct {
	const char *key;
	uint32_t type;
} msg_keys[] = {
	{ "discovery_request", CS_MSG_DISCOVERY_REQ },
	{ "join_request", CS_MSG_JOIN_REQ },
	{ "config_status_request", CS_MSG_CONFIG_STATUS_REQ },
	{ "change_state_request", CS_MSG_CHANGE_STATE_REQ },
	{ "echo_request", CS_MSG_ECHO_REQ },
	{ "primary_discovery_request", CS_MSG_PRIMARY_DISCOVERY_REQ },
};

const char *
cs_profile_vsp_kind_key(enum cs_profile_vsp_kind k)
{
	return (unsigned)k < CS_PVSP__COUNT ? vsp_keys[k] : NULL;
}

const char *
cs_profile_source_dir(void)
{
	static char dir[1024];
	const char *f = __FILE__;
	const char *tail = strstr(f, "lib/ap/profile.c");

	if (dir[0] != '\0')
		return dir;
	if (tail == NULL || f[0] != '/' ||
	    (size_t)(tail - f) + sizeof("profiles") > sizeof(dir))
		return NULL;
	memcpy(dir, f, (size_t)(tail - f));
	memcpy(dir + (tail - f), "profiles", sizeof("profiles"));
	return dir;
}

static int perr(struct pctx *c, const yaml_node_t *n, const char *key, int code,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
perr(struct pctx *c, const yaml_node_t *n, const char *key, int code,
    const char *fmt, ...)
{
	char reason[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (c->why != NULL && c->why_len > 0) {
		if (n != NULL && key != NULL)
			snprintf(c->why, c->why_len, "%s:%zu:%zu: key '%s': %s",
			    c->label, n->start_mark.line + 1,
			    n->start_mark.column + 1, key, reason);
		else if (n != NULL)
			snprintf(c->why, c->why_len, "%s:%zu:%zu: %s", c->label,
			    n->start_mark.line + 1, n->start_mark.column + 1,
			    reason);
		else
			snprintf(
			    c->why, c->why_len, "%s: %s", c->label, reason);
	}
	return code;
}

static const char *
scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE
	    ? (const char *)n->data.scalar.value
	    : NULL;
}

static int
get_str(struct pctx *c, const yaml_node_t *n, const char *key, size_t max,
    bool empty_ok, char **out)
{
	const char *s = scalar(n);
	char *d;

	if (s == NULL)
		return perr(c, n, key, -EINVAL, "expected a string");
	if ((!empty_ok && s[0] == '\0') || strlen(s) > max)
		return perr(c, n, key, -EINVAL, "length must be %s..%zu bytes",
		    empty_ok ? "0" : "1", max);
	if ((d = strdup(s)) == NULL)
		return -ENOMEM;
	free(*out);
	*out = d;
	return 0;
}

static int
get_uint(struct pctx *c, const yaml_node_t *n, const char *key,
    unsigned long max, unsigned long *out)
{
	const char *s = scalar(n);
	char *end;
	unsigned long v;

	if (s == NULL || s[0] == '\0' || s[0] == '-')
		return perr(c, n, key, -EINVAL, "expected a number");
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return perr(c, n, key, -EINVAL, "'%s' is not a number", s);
	if (v > max)
		return perr(c, n, key, -EINVAL, "%lu is above %lu", v, max);
	*out = v;
	return 0;
}

#define GET_U(c, n, key, max, dst)                                             \
	do {                                                                   \
		unsigned long v_;                                              \
		int r_ = get_uint((c), (n), (key), (max), &v_);                \
		if (r_ < 0)                                                    \
			return r_;                                             \
		(dst) = (__typeof__(dst))v_;                                   \
	} while (0)

static int
get_bool(struct pctx *c, const yaml_node_t *n, const char *key, bool *out)
{
	const char *s = scalar(n);

	if (s != NULL &&
	    (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))) {
		*out = true;
		return 0;
	}
	if (s != NULL &&
	    (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))) {
		*out = false;
		return 0;
	}
	return perr(c, n, key, -EINVAL, "expected true or false");
}

/* Radio type letters (RFC 5416 §6.25): any of b, a, g, n. */
static int
get_radio(struct pctx *c, const yaml_node_t *n, uint32_t *out)
{
	const char *s = scalar(n);
	uint32_t t = 0;

	if (s == NULL || s[0] == '\0')
		return perr(c, n, "radios", -EINVAL,
		    "expected a radio type such as \"bgn\" or \"an\"");
	for (const char *q = s; *q != '\0'; q++) {
		uint32_t bit = *q == 'b' ? CS_RADIO_TYPE_B
		    : *q == 'a'          ? CS_RADIO_TYPE_A
		    : *q == 'g'          ? CS_RADIO_TYPE_G
		    : *q == 'n'          ? CS_RADIO_TYPE_N
		                         : 0;

		if (bit == 0 || (t & bit) != 0)
			return perr(c, n, "radios", -EINVAL,
			    "'%s': letters b, a, g, n, each at most once", s);
		t |= bit;
	}
	*out = t;
	return 0;
}

static int
blob_add(struct pctx *c, const uint8_t *b, size_t n, const uint8_t **at)
{
	/* the blob is sized once (file length bound) so pointers stay valid */
	if (c->blob_used + n > c->blob_cap)
		return -ENOMEM;
	memcpy(c->blob + c->blob_used, b, n);
	*at = c->blob + c->blob_used;
	c->blob_used += n;
	return 0;
}

static int
vsp_add(struct pctx *c, const yaml_node_t *at, enum cs_profile_vsp_kind k,
    uint16_t id, const uint8_t *data, uint16_t len, uint32_t msg)
{
	struct cs_profile *p = c->p;

	if (k != CS_PVSP_RAW) {
		for (unsigned i = 0; i < p->n_vsp; i++) {
			if (p->vsp[i].kind == k) {
				p->vsp[i].msgs |= CS_PROFILE_MSG_BIT(msg);
				return 0;
			}
		}
	}
	if (p->n_vsp >= CS_PROFILE_MAX_VSP)
		return perr(c, at, "vendor_payloads", -EINVAL,
		    "more than %d payload entries", CS_PROFILE_MAX_VSP);
	p->vsp[p->n_vsp++] = (struct cs_profile_vsp){ .element_id = id,
		.kind = k,
		.msgs = CS_PROFILE_MSG_BIT(msg),
		.len = len,
		.data = data };
	return 0;
}

/* One entry of a message's payload list: a keyword or {id:, hex:}. */
static int
parse_vsp_item(struct pctx *c, const yaml_node_t *n, uint32_t msg)
{
	const char *s = scalar(n);

	if (s != NULL) {
		for (unsigned k = 1; k < CS_PVSP__COUNT; k++)
			if (strcmp(s, vsp_keys[k]) == 0)
				return vsp_add(c, n,
				    (enum cs_profile_vsp_kind)k, vsp_ids[k],
				    NULL, 0, msg);
		return perr(c, n, "vendor_payloads", -EINVAL,
		    "unknown payload '%s' (rad_name, board_data_options, "
		    "ap_group_name, ap_mode_and_type, ap_model, path_mtu, "
		    "ap_uptime, mwar_addr, or {id: N, hex: \"..\"})",
		    s);
	}
	if (n->type == YAML_MAPPING_NODE) {
		unsigned long id = 0;
		const char *hex = NULL;
		const yaml_node_t *hex_node = n;
		bool has_id = false;
		uint8_t buf[CS_VSP_MAX_DATA];
		size_t len = 0;
		const uint8_t *data;
		struct cs_val_err e;
		int r;

		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
		     pr < n->data.mapping.pairs.top; pr++) {
			yaml_node_t *kn =
			    yaml_document_get_node(c->doc, pr->key);
			yaml_node_t *vn =
			    yaml_document_get_node(c->doc, pr->value);
			const char *k = scalar(kn);

			if (k != NULL && strcmp(k, "id") == 0) {
				if ((r = get_uint(c, vn, "id", 65535, &id)) < 0)
					return r;
				has_id = true;
			} else if (k != NULL && strcmp(k, "hex") == 0) {
				if ((hex = scalar(vn)) == NULL)
					return perr(c, vn, "hex", -EINVAL,
					    "expected a hex string");
				hex_node = vn;
			} else {
				return perr(c, kn, k != NULL ? k : "?", -EINVAL,
				    "unknown key (id, hex)");
			}
		}
		if (!has_id || hex == NULL)
			return perr(c, n, "vendor_payloads", -EINVAL,
			    "a raw payload needs both id and hex");
		if (cs_val_hex(hex, strlen(hex), CS_VAL_HEX_SEP, buf,
		        sizeof(buf), &len, &e) < 0)
			return perr(c, hex_node, "hex", -EINVAL, "%s", e.why);
		if (len == 0)
			return perr(c, hex_node, "hex", -EINVAL,
			    "a vendor payload needs 1..%d bytes",
			    CS_VSP_MAX_DATA);
		if ((r = blob_add(c, buf, len, &data)) < 0)
			return r;
		return vsp_add(
		    c, n, CS_PVSP_RAW, (uint16_t)id, data, (uint16_t)len, msg);
	}
	return perr(c, n, "vendor_payloads", -EINVAL,
	    "expected a payload keyword or {id: N, hex: \"..\"}");
}

static int
parse_vsps(struct pctx *c, const yaml_node_t *n)
{
	if (n->type != YAML_MAPPING_NODE)
		return perr(c, n, "vendor_payloads", -EINVAL,
		    "expected a mapping of message -> list of payloads");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(kn);
		uint32_t msg = 0;

		for (size_t i = 0; k != NULL && i < CS_ARRAY_SIZE(msg_keys);
		     i++)
			if (strcmp(k, msg_keys[i].key) == 0)
				msg = msg_keys[i].type;
		if (msg == 0)
			return perr(c, kn, k != NULL ? k : "?", -EINVAL,
			    "unknown message (discovery_request, "
			    "join_request, config_status_request, "
			    "change_state_request, echo_request, "
			    "primary_discovery_request)");
		if (vn->type != YAML_SEQUENCE_NODE)
			return perr(
			    c, vn, k, -EINVAL, "expected a list of payloads");
		for (yaml_node_item_t *it = vn->data.sequence.items.start;
		     it < vn->data.sequence.items.top; it++) {
			int r = parse_vsp_item(
			    c, yaml_document_get_node(c->doc, *it), msg);

			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int
parse_radios(struct pctx *c, const yaml_node_t *n)
{
	struct cs_profile *p = c->p;

	if (n->type != YAML_SEQUENCE_NODE)
		return perr(
		    c, n, "radios", -EINVAL, "expected a list of radio types");
	p->radio_count = 0;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++) {
		yaml_node_t *rn = yaml_document_get_node(c->doc, *it);
		int r;

		if (p->radio_count >= CS_PROFILE_MAX_RADIOS)
			return perr(c, rn, "radios", -EINVAL,
			    "more than %d radios", CS_PROFILE_MAX_RADIOS);
		if ((r = get_radio(c, rn, &p->radio_type[p->radio_count])) < 0)
			return r;
		p->radio_count++;
	}
	if (p->radio_count == 0)
		return perr(c, n, "radios", -EINVAL, "at least one radio");
	return 0;
}

static int
parse_versions(struct pctx *c, const yaml_node_t *n)
{
	struct cs_profile *p = c->p;

	if (n->type != YAML_MAPPING_NODE)
		return perr(c, n, "versions", -EINVAL,
		    "expected hardware/software/boot");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(kn);
		char **dst = NULL;
		int r;

		if (k != NULL && strcmp(k, "hardware") == 0)
			dst = &p->hw_version;
		else if (k != NULL && strcmp(k, "software") == 0)
			dst = &p->sw_version;
		else if (k != NULL && strcmp(k, "boot") == 0)
			dst = &p->boot_version;
		if (dst == NULL)
			return perr(c, kn, k != NULL ? k : "?", -EINVAL,
			    "unknown key (hardware, software, boot)");
		if ((r = get_str(c, vn, k, 1024, false, dst)) < 0)
			return r;
	}
	return 0;
}

static int
parse_board_options(struct pctx *c, const yaml_node_t *n)
{
	struct cs_profile *p = c->p;

	if (n->type != YAML_MAPPING_NODE)
		return perr(c, n, "board_options", -EINVAL,
		    "expected antenna_type/flex_connect/ap_type/"
		    "join_priority");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(kn);

		if (k != NULL && strcmp(k, "antenna_type") == 0)
			GET_U(c, vn, k, 255, p->antenna_type);
		else if (k != NULL && strcmp(k, "flex_connect") == 0)
			GET_U(c, vn, k, 255, p->flex_connect);
		else if (k != NULL && strcmp(k, "ap_type") == 0)
			GET_U(c, vn, k, 255, p->ap_type);
		else if (k != NULL && strcmp(k, "join_priority") == 0)
			GET_U(c, vn, k, 255, p->join_priority);
		else
			return perr(c, kn, k != NULL ? k : "?", -EINVAL,
			    "unknown key (antenna_type, flex_connect, "
			    "ap_type, join_priority)");
	}
	return 0;
}

static int
parse_root(struct pctx *c, const yaml_node_t *root)
{
	struct cs_profile *p = c->p;
	bool seen_model = false, seen_radios = false, seen_versions = false;
	bool seen_cisco = false, seen_first = false, seen_adopt = false;
	bool seen_pd = false;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return perr(c, root, NULL, -EINVAL,
		    "a profile is a YAML mapping (model:, radios:, ...)");
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, pr->value);
		const char *k = scalar(kn);
		int r = 0;

		if (k == NULL)
			return perr(
			    c, kn, NULL, -EINVAL, "keys must be plain strings");
		if (!strcmp(k, "name"))
			r = get_str(c, vn, k, 64, false, &p->name);
		else if (!strcmp(k, "description"))
			r = get_str(c, vn, k, 1024, true, &p->description);
		else if (!strcmp(k, "family"))
			r = get_str(c, vn, k, 64, true, &p->family);
		else if (!strcmp(k, "model")) {
			r = get_str(c, vn, k, 1024, false, &p->model);
			seen_model = true;
		} else if (!strcmp(k, "option60"))
			r = get_str(c, vn, k, 255, false, &p->option60);
		else if (!strcmp(k, "serial_prefix"))
			r = get_str(c, vn, k, 32, true, &p->serial_prefix);
		else if (!strcmp(k, "board_id"))
			r = get_str(c, vn, k, 1024, false, &p->board_id);
		else if (!strcmp(k, "board_revision"))
			r = get_str(c, vn, k, 1024, false, &p->board_revision);
		else if (!strcmp(k, "ap_group"))
			r = get_str(c, vn, k, 63, false, &p->ap_group);
		else if (!strcmp(k, "vendor")) {
			GET_U(c, vn, k, 0xffffffffUL, p->vendor);
			if (p->vendor == 0)
				return perr(c, vn, k, -EINVAL,
				    "must not be 0 (RFC 5415 §4.6.40)");
		} else if (!strcmp(k, "versions")) {
			r = parse_versions(c, vn);
			seen_versions = true;
		} else if (!strcmp(k, "radios")) {
			r = parse_radios(c, vn);
			seen_radios = true;
		} else if (!strcmp(k, "cisco")) {
			r = get_bool(c, vn, k, &p->is_cisco);
			seen_cisco = true;
		} else if (!strcmp(k, "radio_first_id")) {
			GET_U(c, vn, k, 1, p->radio_first_id);
			seen_first = true;
		} else if (!strcmp(k, "encrypt_caps"))
			GET_U(c, vn, k, 65535, p->encrypt_caps);
		else if (!strcmp(k, "frame_tunnel_mode"))
			GET_U(c, vn, k, 15, p->frame_tunnel_mode);
		else if (!strcmp(k, "mac_type"))
			GET_U(c, vn, k, 2, p->mac_type);
		else if (!strcmp(k, "max_message_length"))
			GET_U(c, vn, k, 65535, p->max_msg_len);
		else if (!strcmp(k, "ap_mode"))
			GET_U(c, vn, k, 255, p->ap_mode);
		else if (!strcmp(k, "path_mtu")) {
			GET_U(c, vn, k, 9000, p->path_mtu);
			if (p->path_mtu != 0 && p->path_mtu < 576)
				return perr(c, vn, k, -EINVAL,
				    "576..9000 (capwap-facts §4.7)");
		} else if (!strcmp(k, "primary_discovery")) {
			r = get_bool(c, vn, k, &p->primary_discovery);
			seen_pd = true;
		} else if (!strcmp(k, "radio_admin_wtp")) {
			r = get_bool(c, vn, k, &p->radio_admin_wtp);
		} else if (!strcmp(k, "software")) {
			const char *s = scalar(vn);

			if (s != NULL && !strcmp(s, "adopt"))
				p->adopt_ac_version = true;
			else if (s != NULL && !strcmp(s, "keep"))
				p->adopt_ac_version = false;
			else
				return perr(c, vn, k, -EINVAL,
				    "adopt (take the WLC's version) or keep "
				    "(download when told)");
			seen_adopt = true;
		} else if (!strcmp(k, "board_options"))
			r = parse_board_options(c, vn);
		else if (!strcmp(k, "vendor_payloads"))
			r = parse_vsps(c, vn);
		else
			return perr(c, kn, k, -EINVAL, "unknown key");
		if (r < 0)
			return r;
	}
	if (!seen_model)
		return perr(c, root, "model", -EINVAL, "missing");
	if (!seen_radios)
		return perr(c, root, "radios", -EINVAL, "missing");
	if (!seen_versions || p->hw_version == NULL || p->sw_version == NULL ||
	    p->boot_version == NULL)
		return perr(c, root, "versions", -EINVAL,
		    "hardware, software and boot are required");
	if (!seen_first)
		p->radio_first_id = p->is_cisco ? 0 : 1;
	if (!seen_adopt)
		p->adopt_ac_version = p->is_cisco;
	if (!seen_pd)
		p->primary_discovery = p->is_cisco;
	if (p->is_cisco) {
		const char *v[3] = { p->hw_version, p->sw_version,
			p->boot_version };
		uint8_t vb[4];

		for (unsigned i = 0; i < 3; i++)
			if (cs_val_dotted4(v[i], vb, NULL) < 0)
				return perr(c, root, "versions", -EINVAL,
				    "'%s': Cisco versions are a.b.c.d with "
				    "each part 0..255 (sent as 4 bytes)",
				    v[i]);
	}
	if (p->radio_first_id + p->radio_count > 31)
		return perr(c, root, "radios", -EINVAL, "radio ids above 31");
	(void)seen_cisco;
	return 0;
}

static int
dup_default(char **s, const char *d)
{
	if (*s == NULL && (*s = strdup(d)) == NULL)
		return -ENOMEM;
	return 0;
}

void
cs_profile_free(struct cs_profile *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->path);
	free(p->description);
	free(p->model);
	free(p->family);
	free(p->option60);
	free(p->serial_prefix);
	free(p->board_id);
	free(p->board_revision);
	free(p->hw_version);
	free(p->sw_version);
	free(p->boot_version);
	free(p->ap_group);
	free(p->raw_blob);
	free(p);
}

/* Base name of a path without ".yaml". */
static char *
label_name(const char *label)
{
	const char *b = strrchr(label, '/');
	size_t n;
	char *s;

	b = b != NULL ? b + 1 : label;
	n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".yaml") == 0)
		n -= 5;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, b, n);
	s[n] = '\0';
	return s;
}

int
cs_profile_parse_mem(struct cs_profile **ret, const char *label,
    const char *text, size_t len, char *why, size_t why_len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct cs_profile *p;
	struct pctx c = { .label = label != NULL ? label : "<memory>",
		.why = why,
		.why_len = why_len };
	int r;

	if (ret == NULL || text == NULL)
		return -EINVAL;
	if (len > PROFILE_MAX_FILE)
		return perr(&c, NULL, NULL, -EINVAL, "larger than %d bytes",
		    PROFILE_MAX_FILE);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->vendor = CS_CISCO_VENDOR_ID;
	p->frame_tunnel_mode = CS_FTM_8023;
	p->mac_type = CS_MAC_LOCAL;
	p->join_priority = 1;
	c.p = p;
	c.blob_cap = len / 2 + 1;
	if ((c.blob = p->raw_blob = malloc(c.blob_cap)) == NULL) {
		free(p);
		return -ENOMEM;
	}
	if (!yaml_parser_initialize(&parser)) {
		cs_profile_free(p);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s:%zu:%zu: %s", c.label,
			    parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem != NULL ? parser.problem
			                           : "YAML syntax error");
		yaml_parser_delete(&parser);
		cs_profile_free(p);
		return -EINVAL;
	}
	c.doc = &doc;
	r = parse_root(&c, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r == 0 && p->name == NULL &&
	    (p->name = label_name(c.label)) == NULL)
		r = -ENOMEM;
	if (r == 0 &&
	    ((r = dup_default(&p->description, "")) < 0 ||
	        (r = dup_default(&p->family, "")) < 0 ||
	        (r = dup_default(&p->serial_prefix, "")) < 0 ||
	        (r = dup_default(&p->ap_group, "default-group")) < 0 ||
	        (r = dup_default(&p->path, c.label)) < 0))
		r = -ENOMEM;
	if (r < 0) {
		cs_profile_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

static int
load_file(struct cs_profile **ret, const char *path, char *why, size_t why_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int r;

	if (f == NULL) {
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? -ENOENT : -EIO;
	}
	if ((buf = malloc(PROFILE_MAX_FILE + 1)) == NULL) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, PROFILE_MAX_FILE + 1, f);
	fclose(f);
	if (n > PROFILE_MAX_FILE) {
		free(buf);
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s: larger than %d bytes", path,
			    PROFILE_MAX_FILE);
		return -EINVAL;
	}
	r = cs_profile_parse_mem(ret, path, buf, n, why, why_len);
	free(buf);
	return r;
}

/* Calls fn(dir, arg) for each directory of the search path in order;
 * stops at the first non-zero return. */
static int
each_dir(const char *const *dirs, int (*fn)(const char *, void *), void *arg)
{
	const char *env = getenv("CAPSIM_PROFILES");
	const char *src = cs_profile_source_dir();
	int r;

	if (env != NULL && env[0] != '\0') {
		char *copy = strdup(env), *save = NULL;

		if (copy == NULL)
			return -ENOMEM;
		for (char *d = strtok_r(copy, ":", &save); d != NULL;
		     d = strtok_r(NULL, ":", &save)) {
			if ((r = fn(d, arg)) != 0) {
				free(copy);
				return r;
			}
		}
		free(copy);
	}
	for (size_t i = 0; dirs != NULL && dirs[i] != NULL; i++)
		if ((r = fn(dirs[i], arg)) != 0)
			return r;
	if ((r = fn(CS_PROFILES_INSTALL_DIR, arg)) != 0)
		return r;
	if (src != NULL && (r = fn(src, arg)) != 0)
		return r;
	return 0;
}

struct find_arg {
	const char *name;
	struct cs_profile **ret;
	char *why;
	size_t why_len;
	char searched[512];
	int result;
};

static int
find_in(const char *dir, void *varg)
{
	struct find_arg *a = varg;
	char path[1024];
	FILE *f;
	size_t used = strlen(a->searched);

	snprintf(path, sizeof(path), "%s/%s.yaml", dir, a->name);
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(a->searched + used, sizeof(a->searched) - used, "%s%s",
		    used > 0 ? ", " : "", dir);
		return 0;
	}
	fclose(f);
	a->result = load_file(a->ret, path, a->why, a->why_len);
	return 1;
}

int
cs_profile_load(struct cs_profile **ret, const char *name_or_path,
    const char *const *dirs, char *why, size_t why_len)
{
	struct find_arg a = {
		.name = name_or_path, .ret = ret, .why = why, .why_len = why_len
	};
	size_t n;
	int r;

	if (ret == NULL || name_or_path == NULL || name_or_path[0] == '\0')
		return -EINVAL;
	n = strlen(name_or_path);
	if (strchr(name_or_path, '/') != NULL ||
	    (n > 5 && strcmp(name_or_path + n - 5, ".yaml") == 0))
		return load_file(ret, name_or_path, why, why_len);
	for (const char *q = name_or_path; *q != '\0'; q++) {
		if (!(*q == '-' || *q == '_' || *q == '.' ||
		        (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
		        (*q >= 'A' && *q <= 'Z'))) {
			if (why != NULL && why_len > 0)
				snprintf(why, why_len,
				    "profile name '%s': letters, digits, "
				    "'-', '_', '.' only",
				    name_or_path);
			return -EINVAL;
		}
	}
	if ((r = each_dir(dirs, find_in, &a)) < 0)
		return r;
	if (r == 0) {
		if (why != NULL && why_len > 0)
			snprintf(why, why_len,
			    "no profile '%s' (looked for %s.yaml in: %s)",
			    name_or_path, name_or_path, a.searched);
		return -ENOENT;
	}
	return a.result;
}

struct list_arg {
	char **names;
	size_t n, cap;
	int err;
};

static int
list_in(const char *dir, void *varg)
{
	struct list_arg *a = varg;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		bool dup = false;
		char *s;

		if (n <= 5 || strcmp(de->d_name + n - 5, ".yaml") != 0)
			continue;
		for (size_t i = 0; i < a->n; i++)
			if (strlen(a->names[i]) == n - 5 &&
			    strncmp(a->names[i], de->d_name, n - 5) == 0)
				dup = true;
		if (dup)
			continue;
		if (a->n + 2 > a->cap) {
			size_t cap = a->cap != 0 ? a->cap * 2 : 16;
			char **nn = realloc(a->names, cap * sizeof(*nn));

			if (nn == NULL) {
				closedir(d);
				return -ENOMEM;
			}
			a->names = nn;
			a->cap = cap;
		}
		if ((s = strndup(de->d_name, n - 5)) == NULL) {
			closedir(d);
			return -ENOMEM;
		}
		a->names[a->n++] = s;
		a->names[a->n] = NULL;
	}
	closedir(d);
	return 0;
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void
cs_profile_names_free(char **names)
{
	if (names == NULL)
		return;
	for (size_t i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

int
cs_profile_list(const char *const *dirs, char ***ret)
{
	struct list_arg a = { 0 };
	int r;

	if (ret == NULL)
		return -EINVAL;
	if ((r = each_dir(dirs, list_in, &a)) < 0) {
		if (a.names != NULL)
			a.names[a.n] = NULL;
		cs_profile_names_free(a.names);
		return r;
	}
	if (a.names == NULL && (a.names = calloc(1, sizeof(char *))) == NULL)
		return -ENOMEM;
	qsort(a.names, a.n, sizeof(char *), cmp_str);
	*ret = a.names;
	return 0;
}

int
cs_profile_apply(const struct cs_profile *p, struct cs_ap_cfg *cfg)
{
	if (p == NULL || cfg == NULL)
		return -EINVAL;
	cfg->profile = p;
	cfg->model = p->model;
	cfg->board_vendor = p->vendor;
	cfg->hw_version = p->hw_version;
	cfg->sw_version = p->sw_version;
	cfg->boot_version = p->boot_version;
	cfg->radio_count = p->radio_count;
	for (unsigned i = 0; i < CS_AP_MAX_RADIOS; i++)
		cfg->radio_type[i] = i < p->radio_count ? p->radio_type[i] : 0;
	cfg->frame_tunnel_mode = p->frame_tunnel_mode;
	cfg->mac_type = p->mac_type;
	cfg->max_msg_len = p->max_msg_len;
	cfg->image_policy =
	    p->adopt_ac_version ? CS_AP_IMAGE_ADOPT : CS_AP_IMAGE_DOWNLOAD;
	if (p->is_cisco)
		cfg->msg_flags |= CS_MSG_F_CISCO;
	else
		cfg->msg_flags &= ~CS_MSG_F_CISCO;
	return 0;
}
