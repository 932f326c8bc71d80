/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target for Cisco option 43: the input is fed both to the text
 * parser (as a NUL-terminated string) and to the binary decoders; any
 * controller list that decodes must re-encode in its form and decode to
 * the same addresses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capsim/cursor.h"
#include "capsim/option43.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_reencode(const struct cs_opt43 *o)
{
	struct cs_opt43 again;
	uint8_t buf[CS_OPT43_MAX_LEN];
	struct cs_wr wr;
	int r;

	cs_wr_init(&wr, buf, sizeof(buf));
	if (o->form == CS_OPT43_FORM_TLV)
		r = cs_opt43_encode_tlv(o->ctrl, o->n, &wr);
	else
		r = cs_opt43_encode_ascii(o->ctrl, o->n, &wr);
	if (r == -EMSGSIZE) /* spaces in pasted ASCII made it fit before */
		return;
	if (r != 0)
		abort();
	if (cs_opt43_decode(buf, wr.len, &again, NULL) != 0)
		abort();
	if (again.n != o->n ||
	    memcmp(again.ctrl, o->ctrl, o->n * sizeof(o->ctrl[0])) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_opt43_err err;
	struct cs_opt43 o;
	char *text;

	if (cs_opt43_decode(data, size, &o, &err) == 0)
		fuzz_reencode(&o);
	if (cs_opt43_decode_tlv(data, size, &o, &err) == 0)
		fuzz_reencode(&o);
	if (cs_opt43_decode_ascii(data, size, &o, &err) == 0)
		fuzz_reencode(&o);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cs_opt43_parse_text(text, &o, &err) == 0)
		fuzz_reencode(&o);
	else if (err.what[0] == '\0' || err.offset > size)
		abort(); /* every failure says what and where */
	free(text);
	return 0;
}
