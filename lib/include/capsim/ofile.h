/* SPDX-License-Identifier: MIT */
/*
 * Output files written safely: opened when a command starts (so a bad
 * path fails before the run), never through a symbolic link, written
 * under a temporary name beside the target and renamed over it only when
 * complete.  A stale file at the path is removed when it is opened, so a
 * report left by an earlier run never passes for this run's.
 */
#ifndef CS_OFILE_H
#define CS_OFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "capsim/common.h"

struct cs_ofile;

/*
 * Opens PATH for writing ("-" is stdout; a character device, FIFO or
 * socket, even through a link, is written in place: no temporary, no
 * rename).  Refuses a symbolic link to anything else (-ELOOP) and a
 * directory (-EINVAL); removes a regular file at PATH; creates
 * "PATH.tmp-XXXXXX"
 * with O_EXCL and O_NOFOLLOW, mode & ~umask.  On failure *why says which
 * path and why, and *ret is untouched.  -EINVAL, -ENOMEM, -errno.
 */
CS_API int cs_ofile_open(struct cs_ofile **ret, const char *path, mode_t mode,
    char *why, size_t why_len);
/* As cs_ofile_open, for a stream that others follow while it grows (the
 * event log, `tail -f`): the stale file is removed and PATH created anew
 * (O_EXCL, O_NOFOLLOW) and written in place; commit flushes and closes. */
CS_API int cs_ofile_open_live(struct cs_ofile **ret, const char *path,
    mode_t mode, char *why, size_t why_len);
/* The stream to write to; valid until commit or discard. */
CS_API FILE *cs_ofile_fp(const struct cs_ofile *o);
CS_API const char *cs_ofile_path(const struct cs_ofile *o);
/* Flushes, closes and renames the temporary onto PATH; frees o (also on
 * failure, when the temporary is removed).  0, -EIO or -errno; *why as
 * above.  NULL is a no-op returning 0. */
CS_API int cs_ofile_commit(struct cs_ofile *o, char *why, size_t why_len);
/* As cs_ofile_commit, but on a write error what was written is renamed
 * into place all the same (a capture cut at its last whole block is
 * still useful); the error is returned. */
CS_API int cs_ofile_commit_partial(
    struct cs_ofile *o, char *why, size_t why_len);
/* Closes and removes the temporary; PATH stays absent.  NULL: no-op. */
CS_API void cs_ofile_discard(struct cs_ofile *o);
/* Removes the temporary only (async-signal-safe: unlink(2)), for a
 * process about to _exit; o stays allocated and must not be used. */
CS_API void cs_ofile_unlink_tmp(const struct cs_ofile *o);

#endif /* CS_OFILE_H */
