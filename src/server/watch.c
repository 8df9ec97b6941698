#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "watch.h"

#define WATCH_DEPTH	16

/* What a change to a source looks like; IN_CREATE only finds folders. */
#define EV_CHANGE	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			    IN_DELETE | IN_ATTRIB)
#define EV_DIR		(EV_CHANGE | IN_CREATE | IN_DELETE_SELF | \
			    IN_ONLYDIR)

struct wdir {
	int	 wd;
	char	*path;		/* absolute-ish: dir/static/img */
	int	 recursive;	/* static/ and below */
};

struct watch {
	int		 fd;
	char		*dir;
	int		 top;		/* wd of the site folder */
	struct wdir	*dirs;
	size_t		 ndirs, cap;
};

static const char *const sources[] = { "posts", "notes", "pages", "templates",
    "static" };

static int	 add_dir(struct watch *, const char *path, int recursive,
		    size_t depth);
static struct wdir *find_wd(struct watch *, int wd);
static int	 is_scratch(const char *);

int
watch_open(const char *dir, struct watch **out, struct err *err)
{
	struct watch	*w;
	struct buf	 p;
	size_t		 i;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->dir = strdup(dir)) == NULL) {
		free(w);
		return err_set(err, NULL, 0, "out of memory");
	}
	w->top = -1;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd == -1) {
		err_set(err, NULL, 0, "inotify: %s", strerror(errno));
		goto fail;
	}
	/* The folder itself: stet.yaml, and source folders made later. */
	w->top = inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
	    IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB | IN_ONLYDIR);
	if (w->top == -1) {
		err_set(err, dir, 0, "inotify: %s", strerror(errno));
		goto fail;
	}
	buf_init(&p, PATH_MAX);
	for (i = 0; i < sizeof(sources) / sizeof(*sources); i++) {
		buf_reset(&p);
		if (buf_printf(&p, "%s/%s", dir, sources[i]) == -1 ||
		    add_dir(w, p.data, strcmp(sources[i], "static") == 0,
		    0) == -1) {
			buf_free(&p);
			err_set(err, dir, 0, "inotify: %s", strerror(errno));
			goto fail;
		}
	}
	buf_free(&p);
	*out = w;
	return 0;
fail:
	watch_close(w);
	return -1;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

int
watch_read(struct watch *w)
{
	char			 ev[16 * (sizeof(struct inotify_event) +
				    NAME_MAX + 1)]
				    __attribute__((aligned(__alignof__(
				    struct inotify_event))));
	const struct inotify_event *e;
	struct wdir		*d;
	struct buf		 p;
	ssize_t			 n;
	char			*q;
	size_t			 i;
	int			 changed = 0;

	buf_init(&p, PATH_MAX);
	for (;;) {
		n = read(w->fd, ev, sizeof(ev));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (q = ev; q < ev + n; q += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)(void *)q;
			if (e->mask & IN_Q_OVERFLOW) {
				changed = -1;
				continue;
			}
			if (e->wd == w->top) {
				if (e->len == 0)
					continue;
				if (strcmp(e->name, "stet.yaml") == 0) {
					if (changed == 0)
						changed = 1;
					continue;
				}
				/* A source folder made (or moved) in. */
				for (i = 0; i < sizeof(sources) /
				    sizeof(*sources); i++)
					if (strcmp(e->name, sources[i]) == 0)
						break;
				if (i == sizeof(sources) / sizeof(*sources))
					continue;
				if ((e->mask & (IN_CREATE | IN_MOVED_TO)) &&
				    (e->mask & IN_ISDIR)) {
					buf_reset(&p);
					if (buf_printf(&p, "%s/%s", w->dir,
					    e->name) == 0)
						/* Unwatchable: rebuilds on
						 * the rest still work. */
						(void)add_dir(w, p.data,
						    strcmp(sources[i], "static") ==
						    0, 0);
				}
				if (changed == 0)
					changed = 1;
				continue;
			}
			if ((d = find_wd(w, e->wd)) == NULL)
				continue;
			if (e->mask & IN_IGNORED) {
				/* The folder is gone; inotify forgot it. */
				d->wd = -1;
				continue;
			}
			if (e->len > 0 && is_scratch(e->name))
				continue;
			if ((e->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    (e->mask & IN_ISDIR) && d->recursive) {
				buf_reset(&p);
				if (buf_printf(&p, "%s/%s", d->path,
				    e->name) == 0)
					(void)add_dir(w, p.data, 1, 1);
				/*
				 * Files may have been made in it before the
				 * watch was: rebuild rather than miss them.
				 */
				if (changed == 0)
					changed = 1;
			}
			if ((e->mask & EV_CHANGE) && changed == 0)
				changed = 1;
		}
	}
	buf_free(&p);
	return changed;
}

void
watch_close(struct watch *w)
{
	size_t	 i;

	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	for (i = 0; i < w->ndirs; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	free(w->dir);
	free(w);
}

/*
 * Watch path (and, recursive, its subfolders).  A folder that does not
 * exist is fine: the site folder's watch sees it made.  0 or -1.
 */
static int
add_dir(struct watch *w, const char *path, int recursive, size_t depth)
{
	struct dirent	*de;
	struct wdir	*nd;
	struct buf	 sub;
	DIR		*d;
	int		 wd, rc = 0;

	wd = inotify_add_watch(w->fd, path, EV_DIR);
	if (wd == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (find_wd(w, wd) == NULL) {
		if (w->ndirs == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 16;
			nd = realloc(w->dirs, w->cap * sizeof(*nd));
			if (nd == NULL)
				return -1;
			w->dirs = nd;
		}
		if ((w->dirs[w->ndirs].path = strdup(path)) == NULL)
			return -1;
		w->dirs[w->ndirs].wd = wd;
		w->dirs[w->ndirs].recursive = recursive;
		w->ndirs++;
	}
	if (!recursive || depth >= WATCH_DEPTH || (d = opendir(path)) == NULL)
		return 0;
	buf_init(&sub, PATH_MAX);
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		/* Some file systems leave d_type unknown: ask. */
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN ||
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(st.st_mode)))
			continue;
		buf_reset(&sub);
		if (buf_printf(&sub, "%s/%s", path, de->d_name) == -1 ||
		    add_dir(w, sub.data, 1, depth + 1) == -1) {
			rc = -1;
			break;
		}
	}
	buf_free(&sub);
	closedir(d);
	return rc;
}

static struct wdir *
find_wd(struct watch *w, int wd)
{
	size_t	 i;

	for (i = 0; i < w->ndirs; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

/* Editors' swap, backup and probe files. */
static int
is_scratch(const char *name)
{
	size_t	 n = strlen(name);

	return name[0] == '.' || (n > 0 && name[n - 1] == '~') ||
	    strcmp(name, "4913") == 0;
}
