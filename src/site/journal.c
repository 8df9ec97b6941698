#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "journal.h"

#define JOURNAL_DIR	".stet"
#define JOURNAL_FILE	".stet/journal"
#define JOURNAL_MAGIC	"stet-journal 1\n"
#define JOURNAL_MAX	(256 * 1024 * 1024)

/*
 * The format: the magic line, then per file a kind ('m': renamed in one
 * by one; 'p': put in place whole, by a swap, or removed), its path and
 * a NUL (a file name may hold a newline), and at the end the magic line
 * again: a journal cut short by a kill (or a crash) lacks it, and reads
 * as damage.
 */

void
journal_free(struct journal *j)
{
	outlist_free(&j->paths);
	outlist_free(&j->moved);
}

int
journal_read(int sitefd, struct journal *j, struct err *err)
{
	struct buf	 b;
	const char	*p, *end, *nul;
	int		 rc;

	memset(j, 0, sizeof(*j));
	buf_init(&b, 0);
	if ((rc = fs_read_at(sitefd, JOURNAL_FILE, JOURNAL_MAX, &b, 1,
	    err)) != 0) {
		buf_free(&b);
		return rc == 1 ? 0 : -1;
	}
	rc = 2;
	if (b.len < 2 * (sizeof(JOURNAL_MAGIC) - 1) ||
	    memcmp(b.data, JOURNAL_MAGIC, sizeof(JOURNAL_MAGIC) - 1) != 0 ||
	    memcmp(b.data + b.len - (sizeof(JOURNAL_MAGIC) - 1),
	    JOURNAL_MAGIC, sizeof(JOURNAL_MAGIC) - 1) != 0)
		goto out;
	end = b.data + b.len - (sizeof(JOURNAL_MAGIC) - 1);
	for (p = b.data + sizeof(JOURNAL_MAGIC) - 1; p < end; p = nul + 1) {
		if ((nul = memchr(p, '\0', (size_t)(end - p))) == NULL ||
		    nul - p < 2 || (*p != 'm' && *p != 'p')) {
			journal_free(j);
			goto out;
		}
		if (outlist_add(&j->paths, p + 1) == -1 ||
		    (*p == 'm' && outlist_add(&j->moved, p + 1) == -1)) {
			journal_free(j);
			rc = err_set(err, JOURNAL_FILE, 0, "out of memory");
			goto out;
		}
	}
	outlist_sort(&j->paths);
	outlist_sort(&j->moved);
	rc = 1;
out:
	buf_free(&b);
	return rc;
}

static int
put_list(struct buf *b, char kind, const struct outlist *l)
{
	size_t	 k;

	for (k = 0; k < l->n; k++)
		if (buf_putc(b, kind) == -1 || buf_put(b, l->v[k],
		    strlen(l->v[k]) + 1) == -1)
			return -1;
	return 0;
}

int
journal_write(int sitefd, const struct outlist *const *moved, size_t nmoved,
    const struct outlist *const *other, size_t nother, struct err *err)
{
	struct buf	 b;
	size_t		 i;
	int		 fd, rc = -1;

	buf_init(&b, 0);
	if (BUF_LIT(&b, JOURNAL_MAGIC) == -1)
		goto oom;
	for (i = 0; i < nmoved; i++)
		if (put_list(&b, 'm', moved[i]) == -1)
			goto oom;
	for (i = 0; i < nother; i++)
		if (put_list(&b, 'p', other[i]) == -1)
			goto oom;
	if (BUF_LIT(&b, JOURNAL_MAGIC) == -1)
		goto oom;
	if (mkdirat(sitefd, JOURNAL_DIR, 0755) == -1 && errno != EEXIST) {
		err_set(err, JOURNAL_DIR, 0, "%s", strerror(errno));
		goto out;
	}
	/*
	 * Durable before public/ changes: a journal lost to a crash would
	 * leave files in public/ that nothing names.  Written in place,
	 * with one fsync (which on Linux filesystems makes a new file's
	 * name durable too), not beside it and renamed: that would take a
	 * second one, for the folder, on every edit.  A write cut short
	 * reads as damage, and damage costs one build from scratch.
	 */
	if ((fd = openat(sitefd, JOURNAL_FILE, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644)) == -1 || fs_write_all(fd, b.data, b.len) ==
	    -1 || fsync(fd) == -1) {
		err_set(err, JOURNAL_FILE, 0, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	if (close(fd) == -1) {
		err_set(err, JOURNAL_FILE, 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
	goto out;
oom:
	err_set(err, JOURNAL_FILE, 0, "out of memory");
out:
	buf_free(&b);
	return rc;
}

int
journal_remove(int sitefd, struct err *err)
{
	/*
	 * Not flushed: a journal that a crash brings back costs one
	 * build that renders everything, nothing more.
	 */
	if (unlinkat(sitefd, JOURNAL_FILE, 0) == -1 && errno != ENOENT)
		return err_set(err, JOURNAL_FILE, 0, "%s", strerror(errno));
	return 0;
}
