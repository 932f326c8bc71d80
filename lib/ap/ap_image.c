/* SPDX-License-Identifier: MIT */
/*
 * The WTP's side of an image download (RFC 5415 §9.1): what the
 * controller's Image Information promises, each block checked against it,
 * the MD5 at EOF, and the pre-download in Run that a 9800 does.
 */
#include "ap-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cs_ap_image_policy_words[] = {
	[CS_AP_IMAGE_ADOPT] = "adopt",
	[CS_AP_IMAGE_DOWNLOAD] = "download",
	[CS_AP_IMAGE_PREDOWNLOAD] = "predownload",
	[CS_AP_IMAGE_PREDOWNLOAD + 1] = NULL,
};
_Static_assert(
    CS_ARRAY_SIZE(cs_ap_image_policy_words) == CS_AP_IMAGE_PREDOWNLOAD + 2,
    "cs_ap_image_policy_words[] out of sync with enum cs_ap_image_policy");

int
cs_ap_image_policy_parse(const char *s, enum cs_ap_image_policy *out)
{
	if (s == NULL || out == NULL)
		return -EINVAL;
	for (unsigned i = 0; cs_ap_image_policy_words[i] != NULL; i++)
		if (strcmp(s, cs_ap_image_policy_words[i]) == 0) {
			*out = (enum cs_ap_image_policy)i;
			return 0;
		}
	return -EINVAL;
}

static void
image_begin(struct cs_ap *ap, bool in_run)
{
	struct cs_ap_image *im = &ap->img;

	im->has_info = false;
	im->in_run = in_run;
	im->got_block = false;
	im->size = 0;
	im->got = 0;
	cs_wlc_md5_init(&im->md);
}

int
cs_ap_image_accepted(
    struct cs_ap *ap, const struct cs_msg *m, char *why, size_t cap)
{
	struct cs_el_result_code rc;
	struct cs_el_image_info info;
	const struct cs_elem *e;

	if (cs_el_get_result_code(
	        cs_msg_find(m, CS_EL_RESULT_CODE, 0), &rc, NULL) < 0) {
		snprintf(why, cap,
		    "Image Data Response without a valid Result "
		    "Code");
		return -EBADMSG;
	}
	if (rc.code != CS_RC_SUCCESS) {
		snprintf(why, cap,
		    "controller refused the download: result "
		    "code %u (%s)",
		    (unsigned)rc.code, cs_result_code_name(rc.code));
		return -EPROTO;
	}
	/* §9.1.2: the answer to Initiate Download carries Image
	 * Information; without it nothing can be checked */
	e = cs_msg_find(m, CS_EL_IMAGE_INFO, 0);
	if (e == NULL || cs_el_get_image_info(e, &info, NULL) < 0) {
		snprintf(why, cap, "Image Data Response %s Image Information",
		    e == NULL ? "without" : "with a malformed");
		return -EBADMSG;
	}
	if (info.file_size == 0) {
		snprintf(why, cap,
		    "Image Information announces an empty "
		    "image");
		return -EBADMSG;
	}
	ap->img.has_info = true;
	ap->img.size = info.file_size;
	memcpy(ap->img.md5, info.hash, sizeof(info.hash));
	return 0;
}

uint32_t
cs_ap_image_block(struct cs_ap *ap, const struct cs_el_image_data *d,
    bool *done, char *why, size_t cap)
{
	struct cs_ap_image *im = &ap->img;
	uint8_t h[16];

	*done = false;
	if (!im->has_info) {
		snprintf(why, cap,
		    "Image Data before the controller's Image "
		    "Information");
		return CS_RC_MSG_UNEXPECTED_STATE;
	}
	if ((uint64_t)im->got + d->len > im->size) {
		snprintf(why, cap,
		    "a block of %zu bytes at offset %u runs past the %u bytes "
		    "Image Information announced",
		    d->len, (unsigned)im->got, (unsigned)im->size);
		return CS_RC_IMAGE_ERR_LENGTH;
	}
	cs_wlc_md5_update(&im->md, d->data, d->len);
	im->got += (uint32_t)d->len;
	im->got_block = true;
	ap->stats.image_bytes = im->got;
	if (d->data_type == CS_IMG_DATA)
		return CS_RC_SUCCESS;
	if (im->got != im->size) {
		snprintf(why, cap,
		    "EOF after %u bytes, Image Information announced %u",
		    (unsigned)im->got, (unsigned)im->size);
		return CS_RC_IMAGE_ERR_LENGTH;
	}
	cs_wlc_md5_final(&im->md, h);
	if (memcmp(h, im->md5, sizeof(h)) != 0) {
		snprintf(why, cap,
		    "the MD5 of the %u bytes received differs from Image "
		    "Information's",
		    (unsigned)im->got);
		return CS_RC_IMAGE_ERR_CHECKSUM;
	}
	*done = true;
	return CS_RC_SUCCESS;
}

void
cs_ap_image_start(struct cs_ap *ap)
{
	image_begin(ap, /* in_run= */ false);
	ap->stats.image_bytes = 0;
}

void
cs_ap_image_want(struct cs_ap *ap, char *image_id)
{
	free(ap->image_id);
	ap->image_id = image_id;
	ap->img.want_run = true;
}

bool
cs_ap_image_kick(struct cs_ap *ap)
{
	if (!ap->img.want_run || ap->image_id == NULL)
		return false;
	if (ap->img.stored != NULL &&
	    strcmp(ap->img.stored, ap->image_id) == 0) {
		ap->img.want_run = false;
		return false;
	}
	if (cs_ap_request(
	        ap, CS_MSG_IMAGE_DATA_REQ, cs_ap_build_image_data_req) < 0)
		return false;
	ap->img.want_run = false;
	image_begin(ap, /* in_run= */ true);
	ap->stats.image_bytes = 0;
	return true;
}

/* A pre-download ends without an image: Run goes on, the reason is told. */
static void
image_run_abandon(struct cs_ap *ap, const struct cs_msg *m, const char *why)
{
	char msg[300];

	ap->img.in_run = false;
	ap->img.has_info = false;
	ap->stats.image_failures++;
	snprintf(msg, sizeof(msg),
	    "image-download: pre-download of %s "
	    "abandoned: %s",
	    ap->image_id != NULL ? ap->image_id : "?", why);
	cs_logf(&ap->cfg.log, CS_LOG_WARN, "%s: %s", ap->cfg.name, msg);
	cs_ap_emit(ap, CS_AP_EV_INFO, m != NULL ? m->ctl.type : 0,
	    m != NULL ? m->ctl.seq : 0, 0, msg);
}

void
cs_ap_image_run_resp(struct cs_ap *ap, const struct cs_msg *m)
{
	char why[200];

	if (!ap->img.in_run)
		return;
	if (cs_ap_image_accepted(ap, m, why, sizeof(why)) < 0) {
		image_run_abandon(ap, m, why);
		return;
	}
	cs_ap_arm(ap, CS_AP_T_IMAGE_DATA_START, ap->cfg.image_wait_ms);
}

uint32_t
cs_ap_image_run_req(struct cs_ap *ap, const struct cs_msg *m)
{
	const struct cs_elem *e = cs_msg_find(m, CS_EL_IMAGE_DATA, 0);
	struct cs_el_image_data d;
	char why[200], msg[300];
	uint32_t code;
	bool done;

	/* §9.1: Image Data only follows our own Initiate Download */
	if (!ap->img.in_run || !ap->img.has_info)
		return CS_RC_MSG_UNEXPECTED_STATE;
	if (e == NULL)
		return CS_RC_FAIL_MISSING_ELEM;
	if (cs_el_get_image_data(e, &d, NULL) < 0) {
		image_run_abandon(ap, m, "malformed Image Data element");
		return CS_RC_IMAGE_ERR_OTHER;
	}
	if (d.data_type != CS_IMG_DATA && d.data_type != CS_IMG_EOF) {
		snprintf(why, sizeof(why),
		    "controller aborted it (Image Data type %u)", d.data_type);
		image_run_abandon(ap, m, why);
		return CS_RC_SUCCESS;
	}
	code = cs_ap_image_block(ap, &d, &done, why, sizeof(why));
	if (code != CS_RC_SUCCESS) {
		image_run_abandon(ap, m, why);
		return code;
	}
	if (!done) {
		cs_ap_arm(
		    ap, CS_AP_T_IMAGE_DATA_START, ap->cfg.image_data_start_ms);
		return CS_RC_SUCCESS;
	}
	ap->img.in_run = false;
	ap->img.has_info = false;
	ap->stats.images++;
	/* §9.1.1: stored, run at the next Reset (cs_ap_run_reset) */
	free(ap->img.stored);
	ap->img.stored = ap->image_id;
	ap->image_id = NULL;
	free(ap->run.staged_image);
	ap->run.staged_image = strdup(ap->img.stored);
	snprintf(msg, sizeof(msg),
	    "image %s pre-downloaded (%u bytes, MD5 verified): runs at the "
	    "next reset",
	    ap->img.stored, (unsigned)ap->img.got);
	cs_ap_emit(
	    ap, CS_AP_EV_INFO, m->ctl.type, m->ctl.seq, ap->img.got, msg);
	return CS_RC_SUCCESS;
}

void
cs_ap_image_run_timeout(struct cs_ap *ap)
{
	char why[120];

	if (!ap->img.in_run)
		return;
	snprintf(why, sizeof(why),
	    "no Image Data Request from the controller "
	    "for %u s",
	    (unsigned)((ap->img.got_block ? ap->cfg.image_data_start_ms
	                                  : ap->cfg.image_wait_ms) /
	        1000));
	image_run_abandon(ap, NULL, why);
}
