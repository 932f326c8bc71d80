/* SPDX-License-Identifier: MIT */
/*
 * AP model profiles: data files (YAML, profiles/<name>.yaml) that describe
 * one access-point model as a controller sees it — model and option 60
 * string, board data, WTP Descriptor versions, radios, and for Cisco models
 * the draft-form encodings and the vendor-specific payloads (vendor
 * 4232704) each message carries (capwap-facts.md §3-§4).  A loaded profile
 * is immutable and shared: every AP of a run points at the same one
 * (struct cs_ap_cfg.profile), so 100 000 APs cost one profile.
 */
#ifndef CS_PROFILE_H
#define CS_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capsim/common.h"

struct cs_ap_cfg;

#define CS_PROFILE_MAX_RADIOS 8  /* == CS_AP_MAX_RADIOS */
#define CS_PROFILE_MAX_VSP    24 /* vendor payload entries per profile */

/* Which content a vendor payload carries.  Generated kinds are filled per
 * AP when the message is built; RAW carries the profile's bytes. */
enum cs_profile_vsp_kind {
	CS_PVSP_RAW,                /* data/len from the profile (hex) */
	CS_PVSP_RAD_NAME,           /* Cisco 5: the AP (WTP) name */
	CS_PVSP_BOARD_DATA_OPTIONS, /* 207: antenna, flex, ap type, prio */
	CS_PVSP_AP_GROUP_NAME,      /* 123: profile ap_group */
	CS_PVSP_AP_MODE_AND_TYPE,   /* 54: mode u8 + type u8 */
	CS_PVSP_AP_MODEL,           /* 127: model[30] + version[30] */
	CS_PVSP_PATH_MTU,           /* 104 wrapping LWAPP 73: len + pad */
	CS_PVSP_AP_UPTIME,          /* 108: current u32 + last u32 (s) */
	CS_PVSP_MWAR_ADDR,          /* 2: type, IPv4 (joined AC), 2 bytes */
	CS_PVSP__COUNT
};

/* Message bits for cs_profile_vsp.msgs: bit (1u << CAPWAP message type),
 * types 1..26 (RFC 5415 §4.5.1). */
#define CS_PROFILE_MSG_BIT(t) (1u << (t))

struct cs_profile_vsp {
	uint16_t element_id;           /* Cisco VSP element id */
	enum cs_profile_vsp_kind kind; /* how the data is made */
	uint32_t msgs;                 /* CS_PROFILE_MSG_BIT of each message */
	uint16_t len;                  /* RAW: bytes in data */
	const uint8_t *data;           /* RAW: owned by the profile */
};

/*
 * A loaded profile.  Read-only for callers; all strings and arrays are
 * owned by the profile and live until cs_profile_free().
 */
struct cs_profile {
	char *name;        /* file name without .yaml, or the `name:` key */
	char *path;        /* file it was loaded from ("<memory>" if parsed) */
	char *description; /* free text, may be "" */
	char *model;       /* Board Data model, e.g. "AIR-AP2702I-E-K9" */
	char *family;      /* "c2700", ... (informational) */
	char *option60;    /* DHCP option 60 vendor class, e.g. "Cisco AP
	                      c2700" */
	char *serial_prefix; /* serials are prefix + AP index, may be "" */
	char *board_id, *board_revision; /* optional Board Data 2/3, or NULL */
	uint32_t vendor; /* Board Data / Descriptor vendor, != 0 */
	char *hw_version, *sw_version, *boot_version; /* "a.b.c.d" for Cisco */

	bool is_cisco; /* draft encodings (see below) and Cisco VSPs */
	/* Cisco encodings (capwap-facts §3): draft WTP Descriptor with one
	 * 16-bit Encryption Capabilities, element 42 instead of 30/50 and no
	 * ECN Support (53) in Join, Radio Operational State 1 = disabled,
	 * 2 = enabled, radio ids from radio_first_id (0 for Cisco). */
	uint16_t encrypt_caps;  /* draft WTP Descriptor */
	uint8_t radio_first_id; /* 0 (Cisco) or 1 (RFC 5416 §6.25) */
	bool primary_discovery; /* Primary Discovery Request (19) in Run */
	bool adopt_ac_version;  /* advertise the WLC's software version */
	/* Radio Administrative State (RFC 5415 §4.6.33) for the whole WTP
	 * (Radio ID 255) besides one per radio in the Configuration Status
	 * Request; off by default: an AC that accepts only Radio IDs 1..31
	 * drops the whole request otherwise */
	bool radio_admin_wtp;

	uint8_t radio_count;
	uint32_t radio_type[CS_PROFILE_MAX_RADIOS]; /* CS_RADIO_TYPE_* */
	uint8_t frame_tunnel_mode;                  /* CS_FTM_* */
	uint8_t mac_type;                           /* CS_MAC_* */
	uint16_t max_msg_len;                       /* 0 = omit */

	/* Board Data Options (207) and AP Mode and Type (54) */
	uint8_t antenna_type, flex_connect, ap_type, join_priority;
	uint8_t ap_mode;
	char *ap_group;    /* AP Group Name (123), may be "" */
	uint16_t path_mtu; /* LWAPP Path MTU payload length (0 = 1485) */

	unsigned n_vsp;
	struct cs_profile_vsp vsp[CS_PROFILE_MAX_VSP];
	uint8_t *raw_blob; /* internal: storage of the RAW payload bytes */
};

/*
 * Loads a profile by name or path.  `name_or_path` containing '/' or
 * ending in ".yaml" is a file path; otherwise "<name>.yaml" is searched in
 * $CAPSIM_PROFILES (a ':'-separated list), then `dirs` (NULL-terminated,
 * may be NULL), then the installed and source profiles directories.
 * Returns 0 and *ret; -ENOENT (no such profile: `why` names the places
 * searched), -EINVAL (broken profile: `why` is "FILE:LINE:COL: key 'x':
 * reason"), -ENOMEM.  *ret untouched on failure; `why` (may be NULL)
 * written only on failure.
 */
CS_API int cs_profile_load(struct cs_profile **ret, const char *name_or_path,
    const char *const *dirs, char *why, size_t why_len);
/* Parses a profile from memory (`label` names it in errors; the profile
 * is named after it).  Same returns as cs_profile_load. */
CS_API int cs_profile_parse_mem(struct cs_profile **ret, const char *label,
    const char *text, size_t len, char *why, size_t why_len);
CS_API void cs_profile_free(struct cs_profile *p);

/*
 * Applies a profile to an AP configuration: sets cfg->profile = p and the
 * identity the profile defines (model, vendor, versions, radios, frame
 * tunnel mode, MAC type, Maximum Message Length, CS_MSG_F_CISCO decoding
 * for Cisco).  p must outlive every AP created from cfg.  -EINVAL for
 * NULL.
 */
CS_API int cs_profile_apply(const struct cs_profile *p, struct cs_ap_cfg *cfg);

/* Names of the profiles found on the search path, sorted, deduplicated
 * (first directory wins).  *ret is a NULL-terminated array; free with
 * cs_profile_names_free.  0 or -ENOMEM. */
CS_API int cs_profile_list(const char *const *dirs, char ***ret);
CS_API void cs_profile_names_free(char **names);

/* The YAML keyword of a kind ("rad_name", ...), NULL when unknown. */
CS_API const char *cs_profile_vsp_kind_key(enum cs_profile_vsp_kind k);
/* The source tree's profiles directory (from this file's build path). */
CS_API const char *cs_profile_source_dir(void);

#endif /* CS_PROFILE_H */
