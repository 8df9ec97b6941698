#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "feed.h"
#include "ids.h"

#define IDS_FILE	".stet/ids"
#define IDS_TMP		".stet/ids.tmp"
#define IDS_MAX		(256 * 1024 * 1024)

/* One line of .stet/ids: file, id, date (seconds), title; tab-separated. */
struct id_rec {
	const char	*file;
	const char	*id;
	int64_t		 date;
	const char	*title;
	int		 used;
};

struct ids {
	char		*data;
	struct id_rec	*v;		/* in the file's order */
	size_t		 n;
	size_t		 next;		/* the record after the last found */
	struct id_rec	**byfile;	/* v sorted by file, made if needed */
	int		 changed;
	struct arena	*arena;
};

static int
rec_cmp(const void *a, const void *b)
{
	return strcmp((*(struct id_rec *const *)a)->file,
	    (*(struct id_rec *const *)b)->file);
}

/* Split data into records in place; a bad line is skipped. */
static int
parse(struct ids *ids, size_t len)
{
	char	*p = ids->data, *end = ids->data + len, *nl, *f[4];
	size_t	 cap = 0, k;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		*nl = '\0';
		f[0] = p;
		for (k = 1; k < 4; k++) {
			char *tab = strchr(f[k - 1], '\t');
			if (tab == NULL)
				break;
			*tab = '\0';
			f[k] = tab + 1;
		}
		if (k < 4 || *f[0] == '\0' || *f[1] == '\0')
			continue;
		if (ids->n == cap) {
			struct id_rec *v;

			cap = cap ? cap * 2 : 256;
			if ((v = realloc(ids->v, cap * sizeof(*v))) == NULL)
				return -1;
			ids->v = v;
		}
		ids->v[ids->n].file = f[0];
		ids->v[ids->n].id = f[1];
		ids->v[ids->n].date = strtoll(f[2], NULL, 10);
		ids->v[ids->n].title = f[3];
		ids->v[ids->n].used = 0;
		ids->n++;
	}
	return 0;
}

/* The same by reading every record: when no index can be made. */
static struct id_rec *
find_slowly(struct ids *ids, const char *file)
{
	size_t	 i;

	for (i = 0; i < ids->n; i++)
		if (strcmp(ids->v[i].file, file) == 0)
			return &ids->v[i];
	return NULL;
}

/*
 * file's record, or NULL.  The file lists posts in the site's order, and
 * they are looked up in that order: the record after the last one found
 * is tried first, and a sorted index is made only when it misses.
 */
static struct id_rec *
find(struct ids *ids, const char *file)
{
	struct id_rec	 key, *kp = &key, **hit;
	size_t		 i;

	if (ids->next < ids->n && strcmp(ids->v[ids->next].file, file) == 0)
		return &ids->v[ids->next++];
	if (ids->n == 0)
		return NULL;
	if (ids->byfile == NULL) {
		if ((ids->byfile = malloc(ids->n * sizeof(*ids->byfile))) ==
		    NULL)
			return find_slowly(ids, file);
		for (i = 0; i < ids->n; i++)
			ids->byfile[i] = &ids->v[i];
		qsort(ids->byfile, ids->n, sizeof(*ids->byfile), rec_cmp);
	}
	key.file = file;
	hit = bsearch(&kp, ids->byfile, ids->n, sizeof(*ids->byfile),
	    rec_cmp);
	if (hit == NULL)
		return NULL;
	ids->next = (size_t)(*hit - ids->v) + 1;
	return *hit;
}

/* Text written into .stet/ids must not hold its separators. */
static int
clean(const char *s)
{
	return strpbrk(s, "\t\n\r") == NULL;
}

static int
assign(struct site *s, struct ids *ids, struct post *p, struct err *err)
{
	struct id_rec	*r = find(ids, p->file);
	struct buf	 b;
	size_t		 i;

	if (p->fm_id != NULL) {
		p->id = p->fm_id;
		/*
		 * The author's id: the recorded one is replaced (stet check
		 * reports the change once, against the record, before that).
		 */
		if (r != NULL && strcmp(r->id, p->fm_id) != 0) {
			r->used = 1;
			ids->changed = 1;
		}
		return 0;
	}
	if (r == NULL) {
		/* A renamed file: same date and title, old file gone. */
		for (i = 0; i < ids->n; i++) {
			struct id_rec *o = &ids->v[i];
			struct stat st;

			if (o->used || o->date != p->date.t ||
			    strcmp(o->title, p->title) != 0 ||
			    fstatat(s->dirfd, o->file, &st, 0) == 0)
				continue;
			p->id = o->id;
			o->used = 1;
			ids->changed = 1;	/* record the new file name */
			return 0;
		}
		buf_init(&b, 0);
		if (feed_new_id(s, p, &b) == -1 ||
		    (p->id = arena_strdup(ids->arena, b.data)) == NULL) {
			buf_free(&b);
			return err_set(err, p->file, 0, "out of memory");
		}
		buf_free(&b);
		ids->changed = 1;
		return 0;
	}
	p->id = r->id;
	r->used = 1;
	if (r->date != p->date.t || strcmp(r->title, p->title) != 0)
		ids->changed = 1;	/* keep the record's key fields fresh */
	return 0;
}

int
ids_assign(struct site *s, struct ids **out, struct err *err)
{
	struct ids	*ids;
	struct buf	 src;
	size_t		 i, len;
	int		 rc;

	*out = NULL;
	if ((ids = calloc(1, sizeof(*ids))) == NULL ||
	    (ids->arena = arena_new()) == NULL) {
		free(ids);
		return err_set(err, IDS_FILE, 0, "out of memory");
	}
	buf_init(&src, 0);
	rc = fs_read_at(s->dirfd, IDS_FILE, IDS_MAX, &src, 1, err);
	if (rc == -1)
		goto fail;
	ids->data = buf_take(&src, &len);
	if (ids->data == NULL || parse(ids, len) == -1) {
		err_set(err, IDS_FILE, 0, "out of memory");
		goto fail;
	}
	/* Visible posts first: they are the ones with a published id. */
	for (i = 0; i < s->nposts; i++)
		if (assign(s, ids, &s->posts[i], err) == -1)
			goto fail;
	for (i = 0; i < s->nnotes; i++)
		if (assign(s, ids, &s->notes[i], err) == -1)
			goto fail;
	for (i = 0; i < s->nhidden; i++) {
		struct id_rec *r = find(ids, s->hidden[i].file);

		if (s->hidden[i].fm_id != NULL)
			s->hidden[i].id = s->hidden[i].fm_id;
		else if (r != NULL) {
			s->hidden[i].id = r->id;
			r->used = 1;
		}
	}
	*out = ids;
	return 0;
fail:
	buf_free(&src);
	ids_free(ids);
	return -1;
}

static int
put_rec(struct buf *b, const char *file, const char *id, int64_t date,
    const char *title)
{
	if (!clean(file) || !clean(id) || !clean(title))
		return 0;	/* cannot be recorded; made again next time */
	return buf_printf(b, "%s\t%s\t%lld\t%s\n", file, id,
	    (long long)date, title);
}

int
ids_save(const struct site *s, struct ids *ids, struct err *err)
{
	struct buf	 b;
	struct post	**v = NULL;
	size_t		 i, n = 0;
	int		 rc = -1;

	if (!ids->changed)
		return 0;
	buf_init(&b, 0);
	if ((v = calloc(s->nposts + s->nhidden + s->nnotes + 1,
	    sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < s->nposts; i++)
		if (s->posts[i].fm_id == NULL)
			v[n++] = &s->posts[i];
	for (i = 0; i < s->nnotes; i++)
		if (s->notes[i].fm_id == NULL)
			v[n++] = &s->notes[i];
	for (i = 0; i < s->nhidden; i++)
		if (s->hidden[i].id != NULL && s->hidden[i].fm_id == NULL)
			v[n++] = &s->hidden[i];
	if (BUF_LIT(&b, "# Permanent ids of posts: file, id, date, title. "
	    "Keep this file.\n") == -1)
		goto oom;
	for (i = 0; i < n; i++)
		if (put_rec(&b, v[i]->file, v[i]->id, v[i]->date.t,
		    v[i]->title) == -1)
			goto oom;
	/* Ids of posts not here now are kept: the post may come back. */
	for (i = 0; i < ids->n; i++)
		if (!ids->v[i].used && put_rec(&b, ids->v[i].file,
		    ids->v[i].id, ids->v[i].date, ids->v[i].title) == -1)
			goto oom;
	if (mkdirat(s->dirfd, ".stet", 0755) == -1 && errno != EEXIST) {
		err_set(err, ".stet", 0, "%s", strerror(errno));
		goto out;
	}
	/* Ids are promises to readers: make them survive a power cut. */
	if (fs_write_atomic(s->dirfd, IDS_FILE, IDS_TMP, b.data, b.len, 1) ==
	    -1) {
		err_set(err, IDS_FILE, 0, "%s", strerror(errno));
		goto out;
	}
	ids->changed = 0;
	rc = 0;
	goto out;
oom:
	err_set(err, IDS_FILE, 0, "out of memory");
out:
	free(v);
	buf_free(&b);
	return rc;
}

void
ids_free(struct ids *ids)
{
	if (ids == NULL)
		return;
	free(ids->v);
	free(ids->byfile);
	free(ids->data);
	arena_free(ids->arena);
	free(ids);
}

const char *
ids_recorded(const struct ids *ids, const char *file)
{
	struct id_rec	*r;

	if (ids == NULL)
		return NULL;
	r = find((struct ids *)ids, file);
	return r ? r->id : NULL;
}
