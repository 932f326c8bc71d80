/* SPDX-License-Identifier: MIT */
/*
 * Output files written safely (ofile.h): no symlink followed, a temporary
 * beside the target renamed when complete, a stale file removed at open.
 */
#include "capsim/ofile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cs_ofile {
	char *path, *tmp; /* tmp NULL: written in place (stdout, a device) */
	FILE *fp;
	bool close_fp; /* a device: ours to close */
};

static int
ofile_why(int r, char *why, size_t why_len, const char *path, const char *what)
{
	if (why != NULL && why_len > 0)
		snprintf(why, why_len, "%s: %s", path, what);
	return r;
}

static int
ofile_open(struct cs_ofile **ret, const char *path, mode_t mode, bool live,
    char *why, size_t why_len)
{
	struct cs_ofile *o;
	struct stat st;
	mode_t mask;
	int fd = -1, r;

	if (ret == NULL || path == NULL || path[0] == '\0')
		return -EINVAL;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return -ENOMEM;
	if ((o->path = strdup(path)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
		*ret = o;
		return 0;
	}
	if (lstat(path, &st) == 0) {
		struct stat to;

		/* a device or a FIFO (/dev/null, /dev/stdout to a terminal or
		 * a pipe) is written in place: nothing there to truncate */
		if (stat(path, &to) == 0 &&
		    (S_ISCHR(to.st_mode) || S_ISFIFO(to.st_mode) ||
		        S_ISSOCK(to.st_mode))) {
			if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
			    (o->fp = fdopen(fd, "w")) == NULL) {
				r = ofile_why(-errno, why, why_len, path,
				    strerror(errno));
				if (fd >= 0)
					close(fd);
				goto fail;
			}
			o->close_fp = true;
			*ret = o;
			return 0;
		}
		if (S_ISLNK(st.st_mode)) {
			r = ofile_why(-ELOOP, why, why_len, path,
			    "is a symbolic link (not followed: remove it or "
			    "choose another path)");
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			r = ofile_why(-EINVAL, why, why_len, path,
			    "exists and is not a regular file");
			goto fail;
		}
	} else if (errno != ENOENT) {
		r = ofile_why(-errno, why, why_len, path, strerror(errno));
		goto fail;
	}
	if (live) {
		/* the earlier file goes; this one is created new (O_EXCL: no
		 * link or file slipped in between) and grows in place */
		if ((unlink(path) != 0 && errno != ENOENT) ||
		    (fd = open(path,
		         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		         mode)) < 0 ||
		    (o->fp = fdopen(fd, "w")) == NULL) {
			r = ofile_why(
			    -errno, why, why_len, path, strerror(errno));
			if (fd >= 0 && o->fp == NULL)
				close(fd);
			goto fail;
		}
		o->close_fp = true;
		*ret = o;
		return 0;
	}
	if ((o->tmp = malloc(strlen(path) + sizeof(".tmp-XXXXXX"))) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	strcpy(o->tmp, path);
	strcat(o->tmp, ".tmp-XXXXXX");
	/* mkstemp: O_CREAT | O_EXCL (never an existing file or link) */
	if ((fd = mkstemp(o->tmp)) < 0) {
		r = ofile_why(-errno, why, why_len, path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		goto fail;
	}
	mask = umask(0);
	umask(mask);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    fchmod(fd, mode & ~mask) != 0 ||
	    (o->fp = fdopen(fd, "w")) == NULL) {
		r = ofile_why(-errno, why, why_len, path, strerror(errno));
		close(fd);
		goto fail;
	}
	/* the earlier run's file goes now, not when this one ends: an
	 * interrupted or failed run leaves no report that is not its own */
	if (unlink(path) != 0 && errno != ENOENT) {
		r = ofile_why(-errno, why, why_len, path, strerror(errno));
		goto fail;
	}
	*ret = o;
	return 0;
fail:
	cs_ofile_discard(o);
	return r;
}

int
cs_ofile_open(struct cs_ofile **ret, const char *path, mode_t mode, char *why,
    size_t why_len)
{
	return ofile_open(ret, path, mode, false, why, why_len);
}

int
cs_ofile_open_live(struct cs_ofile **ret, const char *path, mode_t mode,
    char *why, size_t why_len)
{
	return ofile_open(ret, path, mode, true, why, why_len);
}

FILE *
cs_ofile_fp(const struct cs_ofile *o)
{
	return o != NULL ? o->fp : NULL;
}

const char *
cs_ofile_path(const struct cs_ofile *o)
{
	return o != NULL ? o->path : NULL;
}

static int
ofile_finish(struct cs_ofile *o, bool keep_partial, char *why, size_t why_len)
{
	bool keep;
	int r = 0;

	if (o == NULL)
		return 0;
	errno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		r = -(errno != 0 ? errno : EIO);
	if ((o->tmp != NULL || o->close_fp) && fclose(o->fp) != 0 && r == 0)
		r = -(errno != 0 ? errno : EIO);
	o->fp = NULL;
	keep = r == 0 || keep_partial;
	if (o->tmp != NULL && keep) {
		if (rename(o->tmp, o->path) != 0) {
			if (r == 0)
				r = -errno;
		} else {
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (r < 0)
		ofile_why(r, why, why_len, o->path, strerror(-r));
	cs_ofile_discard(o);
	return r;
}

int
cs_ofile_commit(struct cs_ofile *o, char *why, size_t why_len)
{
	return ofile_finish(o, false, why, why_len);
}

int
cs_ofile_commit_partial(struct cs_ofile *o, char *why, size_t why_len)
{
	return ofile_finish(o, true, why, why_len);
}

void
cs_ofile_discard(struct cs_ofile *o)
{
	if (o == NULL)
		return;
	if (o->fp != NULL && (o->tmp != NULL || o->close_fp))
		fclose(o->fp);
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	free(o);
}

void
cs_ofile_unlink_tmp(const struct cs_ofile *o)
{
	if (o != NULL && o->tmp != NULL)
		unlink(o->tmp);
}
