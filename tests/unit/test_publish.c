#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "site/journal.h"
#include "site/outlist.h"
#include "site/write.h"
#include "support/buf.h"
#include "support/err.h"
#include "support/fsutil.h"

/*
 * The writer and the journal on a site folder made for each test: a
 * public/ of a build before (a.html, b.html and their twins, x.bin),
 * then files put, and published by a swap or by renames.
 */

struct site {
	char	 dir[64];
	int	 fd;
};

static void
file(int dirfd, const char *rel, const char *text)
{
	assert_int_equal(fs_write_atomic(dirfd, rel, "tmp~", text,
	    strlen(text), 0), 0);
}

static ino_t
ino(int dirfd, const char *rel)
{
	struct stat	 st;

	if (fstatat(dirfd, rel, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	return st.st_ino;
}

static int
exists(int dirfd, const char *rel)
{
	return faccessat(dirfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int
setup(void **state)
{
	struct site	*s;

	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	snprintf(s->dir, sizeof(s->dir), "%s/stet-write.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	s->fd = open(s->dir, O_RDONLY | O_DIRECTORY);
	assert_true(s->fd != -1);
	assert_int_equal(mkdirat(s->fd, "public", 0755), 0);
	file(s->fd, "public/a.html", "A");
	file(s->fd, "public/a.html.gz", "gzA");
	file(s->fd, "public/b.html", "B");
	file(s->fd, "public/b.html.gz", "gzB");
	file(s->fd, "public/x.bin", "X");
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct site	*s = *state;

	close(s->fd);
	fs_remove_tree_at(AT_FDCWD, s->dir);
	free(s);
	return 0;
}

static void
list(struct outlist *l, const char *const *v)
{
	memset(l, 0, sizeof(*l));
	for (; *v != NULL; v++)
		assert_int_equal(outlist_add(l, *v), 0);
	outlist_sort(l);
}

/* a.html unchanged, b.html changed, c/new.html new: stage only those. */
static void
put_three(struct writer *w, int sitefd, const volatile sig_atomic_t *stop)
{
	struct err	 err;

	assert_int_equal(writer_open(w, sitefd, 1, stop, &err), 0);
	assert_true(exists(sitefd, ".public.new"));
	assert_int_equal(writer_put(w, 0, "a.html", "A", 1, &err), 0);
	assert_int_equal(writer_put(w, 0, "b.html", "B2", 2, &err), 0);
	assert_int_equal(writer_put(w, 0, "c/new.html", "C", 1, &err), 0);
	assert_int_equal(w->written, 2);
	assert_int_equal(w->unchanged, 1);
	assert_int_equal(w->changed.n, 2);
	assert_string_equal(w->changed.v[0], "b.html");
	assert_string_equal(w->changed.v[1], "c/new.html");
	/* Nothing in public/ yet. */
	assert_false(exists(sitefd, "public/c/new.html"));
	assert_true(exists(sitefd, ".public.new/c/new.html.gz"));
	assert_false(exists(sitefd, ".public.new/a.html"));
}

static void
swap_links_the_unchanged(void **state)
{
	static const char *const all[] = { "a.html", "b.html", "c/new.html",
	    "x.bin", "gone.html", NULL };
	struct site	*s = *state;
	struct writer	 w;
	struct outlist	 l;
	struct err	 err;
	struct buf	 b;
	ino_t		 a, x, pub;

	a = ino(s->fd, "public/a.html");
	x = ino(s->fd, "public/x.bin");
	pub = ino(s->fd, "public");
	put_three(&w, s->fd, NULL);
	list(&l, all);
	assert_int_equal(writer_fill(&w, &l, &err), 0);
	assert_int_equal(writer_swap(&w, &err), 0);
	assert_false(exists(s->fd, ".public.new"));
	assert_true(ino(s->fd, "public") != pub);
	/* The same files, not copies: rsync sees them unchanged. */
	assert_int_equal(ino(s->fd, "public/a.html"), a);
	assert_true(exists(s->fd, "public/a.html.gz"));
	assert_int_equal(ino(s->fd, "public/x.bin"), x);
	assert_false(exists(s->fd, "public/x.bin.gz"));
	/* Named but in neither: left out. */
	assert_false(exists(s->fd, "public/gone.html"));
	buf_init(&b, 0);
	assert_int_equal(fs_read_at(s->fd, "public/b.html", 16, &b, 0,
	    &err), 0);
	assert_string_equal(b.data, "B2");
	buf_free(&b);
	assert_true(exists(s->fd, "public/c/new.html"));
	assert_true(exists(s->fd, "public/c/new.html.gz"));
	outlist_free(&l);
}

static void
move_renames_in_place(void **state)
{
	struct site	*s = *state;
	struct writer	 w;
	struct err	 err;
	ino_t		 a, b, pub;

	a = ino(s->fd, "public/a.html");
	b = ino(s->fd, "public/b.html");
	pub = ino(s->fd, "public");
	put_three(&w, s->fd, NULL);
	assert_int_equal(writer_move(&w, &err), 0);
	assert_false(exists(s->fd, ".public.new"));
	assert_int_equal(ino(s->fd, "public"), pub);
	assert_int_equal(ino(s->fd, "public/a.html"), a);
	assert_true(ino(s->fd, "public/b.html") != b);
	assert_true(exists(s->fd, "public/c/new.html"));
	assert_true(exists(s->fd, "public/c/new.html.gz"));
	assert_true(exists(s->fd, "public/x.bin"));
}

static void
stop_leaves_public_alone(void **state)
{
	struct site	*s = *state;
	volatile sig_atomic_t stop = 0;
	struct outlist	 l;
	struct writer	 w;
	struct err	 err;

	put_three(&w, s->fd, &stop);
	stop = SIGINT;
	assert_int_equal(writer_put(&w, 0, "d.html", "D", 1, &err), -1);
	assert_string_equal(err.msg, "interrupted");
	memset(&l, 0, sizeof(l));
	assert_int_equal(outlist_add(&l, "a.html"), 0);
	assert_int_equal(writer_fill(&w, &l, &err), -1);
	writer_abort(&w);
	assert_false(exists(s->fd, ".public.new"));
	assert_false(exists(s->fd, "public/c"));
	outlist_free(&l);
}

/* A file a stopped build renamed in is written again, same bytes or not. */
static void
suspect_is_written(void **state)
{
	static const char *const sus[] = { "a.html", NULL };
	struct site	*s = *state;
	struct outlist	 l;
	struct writer	 w;
	struct err	 err;

	list(&l, sus);
	assert_int_equal(writer_open(&w, s->fd, 1, NULL, &err), 0);
	w.suspect = &l;
	assert_int_equal(writer_put(&w, 0, "a.html", "A", 1, &err), 0);
	assert_int_equal(writer_put(&w, 0, "b.html", "B", 1, &err), 0);
	assert_int_equal(w.written, 1);
	assert_int_equal(w.unchanged, 1);
	writer_abort(&w);
	outlist_free(&l);
}

/* A stage left by a killed build goes; so does the cold build's litter. */
static void
stale_stage_removed(void **state)
{
	struct site	*s = *state;
	struct writer	 w;
	struct err	 err;

	assert_int_equal(mkdirat(s->fd, ".public.new", 0755), 0);
	assert_int_equal(mkdirat(s->fd, ".public.new/old", 0755), 0);
	file(s->fd, ".public.new/old/page.html", "old");
	assert_int_equal(writer_open(&w, s->fd, 0, NULL, &err), 0);
	assert_false(exists(s->fd, ".public.new/old"));
	assert_int_equal(writer_put(&w, 0, "a.html", "A", 1, &err), 0);
	/* Cold: nothing compared. */
	assert_int_equal(w.written, 1);
	assert_int_equal(writer_swap(&w, &err), 0);
	assert_false(exists(s->fd, "public/b.html"));
	assert_false(exists(s->fd, ".public.new"));
}

static void
journal_round_trip(void **state)
{
	static const char *const one[] = { "z.html", "b/index.html", NULL };
	static const char *const two[] = { "a.html", "z.html", NULL };
	struct site	*s = *state;
	const struct outlist *m[1], *p[1];
	struct outlist	 l1, l2;
	struct journal	 j;
	struct err	 err;

	assert_int_equal(journal_read(s->fd, &j, &err), 0);
	assert_int_equal(j.paths.n, 0);
	list(&l1, one);
	list(&l2, two);
	m[0] = &l1;
	p[0] = &l2;
	assert_int_equal(journal_write(s->fd, m, 1, p, 1, &err), 0);
	assert_int_equal(journal_read(s->fd, &j, &err), 1);
	assert_int_equal(j.paths.n, 3);
	assert_string_equal(j.paths.v[0], "a.html");
	assert_string_equal(j.paths.v[1], "b/index.html");
	assert_string_equal(j.paths.v[2], "z.html");
	assert_int_equal(j.moved.n, 2);
	assert_true(outlist_has(&j.moved, "b/index.html"));
	assert_false(outlist_has(&j.moved, "a.html"));
	journal_free(&j);
	/* Damage: any file may have been touched. */
	file(s->fd, ".stet/journal", "stet-journal 1\nxa.html");
	assert_int_equal(journal_read(s->fd, &j, &err), 2);
	assert_int_equal(j.paths.n, 0);
	/* Cut short at the end of an entry: the list may lack some. */
	file(s->fd, ".stet/journal", "stet-journal 1\nma.html");
	assert_int_equal(journal_read(s->fd, &j, &err), 2);
	assert_int_equal(fs_write_atomic(s->fd, ".stet/journal", "tmp~",
	    "stet-journal 1\nma.html\0stet-journal 1\n", 38, 0), 0);
	assert_int_equal(journal_read(s->fd, &j, &err), 1);
	assert_int_equal(j.moved.n, 1);
	journal_free(&j);
	file(s->fd, ".stet/journal", "something else");
	assert_int_equal(journal_read(s->fd, &j, &err), 2);
	assert_int_equal(journal_remove(s->fd, &err), 0);
	assert_false(exists(s->fd, ".stet/journal"));
	assert_int_equal(journal_remove(s->fd, &err), 0);
	outlist_free(&l1);
	outlist_free(&l2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(swap_links_the_unchanged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(move_renames_in_place,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(stop_leaves_public_alone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(suspect_is_written,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(stale_stage_removed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(journal_round_trip,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
