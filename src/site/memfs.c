#include <stdlib.h>
#include <string.h>

#include "memfs.h"

void
memfs_init(struct memfs *m, memfs_digest digest)
{
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->digest = digest;
}

int
memfs_put(struct memfs *m, const char *path, const void *data, size_t len)
{
	struct memfile	 f, *v;
	int		 rc = -1;

	f.path = strdup(path);
	f.data = NULL;
	if (m->digest != NULL) {
		struct buf d;

		buf_init(&d, 0);
		if (m->digest(path, data, len, &d) == -1) {
			buf_free(&d);
			goto fail;
		}
		f.data = buf_take(&d, &f.len);
	} else if ((f.data = malloc(len + 1)) != NULL) {
		memcpy(f.data, data, len);
		f.data[len] = '\0';
		f.len = len;
	}
	if (f.path == NULL || f.data == NULL)
		goto fail;
	pthread_mutex_lock(&m->lock);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;

		if ((v = realloc(m->v, cap * sizeof(*v))) == NULL) {
			pthread_mutex_unlock(&m->lock);
			goto fail;
		}
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = f;
	pthread_mutex_unlock(&m->lock);
	return 0;
fail:
	free(f.path);
	free(f.data);
	return rc;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(((const struct memfile *)a)->path,
	    ((const struct memfile *)b)->path);
}

void
memfs_seal(struct memfs *m)
{
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp);
}

const struct memfile *
memfs_get(const struct memfs *m, const char *path)
{
	struct memfile	 key;

	key.path = (char *)path;
	return m->n ? bsearch(&key, m->v, m->n, sizeof(*m->v), cmp) : NULL;
}

void
memfs_free(struct memfs *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++) {
		free(m->v[i].path);
		free(m->v[i].data);
	}
	free(m->v);
	pthread_mutex_destroy(&m->lock);
	memset(m, 0, sizeof(*m));
}
