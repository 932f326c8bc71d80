/* SPDX-License-Identifier: MIT */
/* Output files written safely: the stale file goes at open, the data
 * appears under the path only at commit, a symbolic link is refused and
 * its target untouched, errors name the path, discard leaves nothing. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "capsim/ofile.h"

struct fx {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_ofile.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/r.json", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static size_t
n_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
get(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void
test_commit_replaces_stale(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = NULL;
	struct stat st;
	char buf[64], why[256] = "";

	put(f->path, "stale\n");
	assert_int_equal(cs_ofile_open(&o, f->path, 0644, why, sizeof(why)), 0);
	/* the earlier file is gone at once; only the temporary exists */
	assert_int_equal(lstat(f->path, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(n_entries(f->dir), 1);
	fputs("{\"new\": true}\n", cs_ofile_fp(o));
	assert_string_equal(cs_ofile_path(o), f->path);
	assert_int_equal(cs_ofile_commit(o, why, sizeof(why)), 0);
	get(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"new\": true}\n");
	assert_int_equal(n_entries(f->dir), 1); /* no temporary left */
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0644 & 0077 & ~(mode_t)022);
}

static void
test_key_mode(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = NULL;
	struct stat st;

	assert_int_equal(cs_ofile_open(&o, f->path, 0600, NULL, 0), 0);
	assert_int_equal(cs_ofile_commit(o, NULL, 0), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void
test_symlink_refused(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = (struct cs_ofile *)0x1;
	char target[160], buf[64], why[256] = "";

	snprintf(target, sizeof(target), "%s/victim", f->dir);
	put(target, "precious\n");
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(
	    cs_ofile_open(&o, f->path, 0644, why, sizeof(why)), -ELOOP);
	assert_ptr_equal(o, (struct cs_ofile *)0x1); /* untouched */
	assert_non_null(strstr(why, f->path));
	assert_non_null(strstr(why, "symbolic link"));
	get(target, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	assert_int_equal(n_entries(f->dir), 2); /* link and target only */
}

static void
test_errors_name_the_path(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = NULL;
	char path[160], why[256] = "";

	snprintf(path, sizeof(path), "%s/nonexist/r.json", f->dir);
	assert_int_equal(
	    cs_ofile_open(&o, path, 0644, why, sizeof(why)), -ENOENT);
	assert_null(o);
	assert_non_null(strstr(why, path));
	assert_non_null(strstr(why, "No such file"));
	/* a directory at the path */
	assert_int_equal(mkdir(f->path, 0755), 0);
	assert_int_equal(
	    cs_ofile_open(&o, f->path, 0644, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not a regular file"));
	assert_int_equal(cs_ofile_open(NULL, f->path, 0644, NULL, 0), -EINVAL);
	assert_int_equal(cs_ofile_open(&o, NULL, 0644, NULL, 0), -EINVAL);
	assert_int_equal(cs_ofile_open(&o, "", 0644, NULL, 0), -EINVAL);
}

static void
test_discard_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = NULL;

	put(f->path, "stale\n");
	assert_int_equal(cs_ofile_open(&o, f->path, 0644, NULL, 0), 0);
	fputs("half a report", cs_ofile_fp(o));
	cs_ofile_unlink_tmp(o);
	assert_int_equal(n_entries(f->dir), 0);
	cs_ofile_discard(o);
	cs_ofile_discard(NULL);
	assert_int_equal(cs_ofile_commit(NULL, NULL, 0), 0);
	assert_int_equal(n_entries(f->dir), 0);
}

/* A live stream (the event log) grows in place, for `tail -f`; the
 * stale file is still gone first, and a link still refused. */
static void
test_live(void **state)
{
	struct fx *f = *state;
	struct cs_ofile *o = NULL;
	char buf[64], target[160];

	put(f->path, "stale line\n");
	assert_int_equal(cs_ofile_open_live(&o, f->path, 0644, NULL, 0), 0);
	get(f->path, buf, sizeof(buf));
	assert_string_equal(buf, ""); /* new, empty, in place */
	fputs("{\"kind\":\"state\"}\n", cs_ofile_fp(o));
	fflush(cs_ofile_fp(o));
	get(f->path, buf, sizeof(buf));
	assert_string_equal(buf, "{\"kind\":\"state\"}\n");
	assert_int_equal(cs_ofile_commit(o, NULL, 0), 0);
	assert_int_equal(n_entries(f->dir), 1);
	unlink(f->path);
	snprintf(target, sizeof(target), "%s/victim", f->dir);
	put(target, "precious\n");
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(
	    cs_ofile_open_live(&o, f->path, 0644, NULL, 0), -ELOOP);
	get(target, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
}

/* A device is written in place: nothing there to truncate or rename. */
static void
test_device(void **state)
{
	struct cs_ofile *o = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(cs_ofile_open(&o, "/dev/null", 0644, NULL, 0), 0);
	fputs("discarded", cs_ofile_fp(o));
	assert_int_equal(cs_ofile_commit(o, NULL, 0), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

static void
test_stdout(void **state)
{
	struct cs_ofile *o = NULL;

	(void)state;
	assert_int_equal(cs_ofile_open(&o, "-", 0644, NULL, 0), 0);
	assert_ptr_equal(cs_ofile_fp(o), stdout);
	assert_int_equal(cs_ofile_commit(o, NULL, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_commit_replaces_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_errors_name_the_path, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_discard_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_stdout),
	};

	umask(022);
	return cmocka_run_group_tests_name("ofile", tests, NULL, NULL);
}
