/* SPDX-License-Identifier: MIT */
/*
 * The options of the image a mock WLC serves (RFC 5415 §9.1): size or
 * file, and the controller's download gate (a 9800: 100 at once per WNCd,
 * 16 starts a minute).
 */
#include "image_opts.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "capsim/wlc.h"
#include "simutil.h"

int
sim_image_opt(const char *who, struct cs_wlc_cfg *wc, char **buf,
    enum sim_image_opt which, const char *arg)
{
	uint64_t v;

	switch (which) {
	case SIM_IMAGE_SIZE:
		if (sim_parse_size(arg, UINT32_MAX, &v) < 0)
			return -EINVAL;
		wc->image_size = (uint32_t)v;
		wc->image_data = NULL;
		return 0;
	case SIM_IMAGE_FILE:
		free(*buf);
		*buf = NULL;
		wc->image_data = NULL;
		if (sim_load_image(who, arg, buf, &wc->image_size) < 0)
			return -EINVAL;
		wc->image_data = (const uint8_t *)*buf;
		return 0;
	case SIM_IMAGE_MAX:
		if (sim_parse_uint(arg, 0, 10000000, &v) < 0)
			return -EINVAL;
		wc->image_max_downloads = (uint32_t)v;
		return 0;
	case SIM_IMAGE_RATE:
		if (sim_parse_uint(arg, 0, CS_WLC_IMAGE_RATE_MAX, &v) < 0)
			return -EINVAL;
		wc->image_starts_per_min = (uint32_t)v;
		return 0;
	case SIM_IMAGE__COUNT:
		break;
	}
	return -EINVAL;
}
