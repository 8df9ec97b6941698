#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>

#include "../site/ids.h"
#include "../site/load.h"
#include "../support/buf.h"
#include "hold.h"

/* Is p's page in the last build? */
static int
published(const struct site *s, const struct post *p)
{
	struct buf	 b;
	struct stat	 st;
	int		 yes;

	buf_init(&b, 0);
	if (buf_printf(&b, "public/%s/%s/index.html", p->section, p->slug) ==
	    -1)
		return 0;
	yes = fstatat(s->dirfd, b.data, &st, 0) == 0 && S_ISREG(st.st_mode);
	buf_free(&b);
	return yes;
}

const struct post **
send_candidates(const struct site *s, int notes, size_t *n)
{
	const struct post **v;
	size_t		 i, k = 0, max = s->nposts + s->nnotes;

	if ((v = calloc(max ? max : 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = s->nposts; i > 0; i--)
		if (published(s, &s->posts[i - 1]))
			v[k++] = &s->posts[i - 1];
	if (notes)
		for (i = s->nnotes; i > 0; i--)
			if (published(s, &s->notes[i - 1]))
				v[k++] = &s->notes[i - 1];
	*n = k;
	return v;
}

int
send_note_built(const char *dir, const struct send_settings *set,
    struct err *err)
{
	struct load_opts lo = { 0, 0, NULL };
	struct site	 site;
	struct ids	*ids = NULL;
	struct store	*store = NULL;
	const struct post **v = NULL;
	struct buf	 db;
	struct stat	 st;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 n = 0, i;
	int		 rc = -1, loaded = 0;

	buf_init(&db, 0);
	if (buf_printf(&db, "%s/stet.db", dir) == -1) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (stat(db.data, &st) == -1) {
		rc = 0;		/* no list: nothing is mailed */
		goto out;
	}
	if (site_load(dir, &lo, NULL, NULL, &site, err) == -1)
		goto out;
	loaded = 1;
	if (ids_read(site.dirfd, &ids, err) == -1 ||
	    ids_assign(&site, ids, err) == -1)
		goto out;
	if ((v = send_candidates(&site, set->notes, &n)) == NULL) {
		err_set(err, NULL, 0, "out of memory");
		goto out;
	}
	if (store_open(&store, dir, err) == -1 ||
	    store_begin(store, err) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (store_published(store, v[i]->id, v[i]->slug, now, err) ==
		    -1) {
			store_rollback(store);
			goto out;
		}
	rc = store_commit(store, err);
out:
	store_close(store);
	free(v);
	ids_free(ids);
	if (loaded)
		site_free(&site);
	buf_free(&db);
	return rc;
}

int
send_hold_until(struct store *s, const struct post *p, int64_t now,
    size_t hold, int64_t *until, struct err *err)
{
	int64_t	 at;

	if (store_published_at(s, p->id, &at, err) == -1)
		return -1;
	if (at == 0) {
		if (store_published(s, p->id, p->slug, now, err) == -1)
			return -1;
		at = now;
	}
	*until = at + (int64_t)hold * 60;
	return 0;
}
