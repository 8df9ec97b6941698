/*
 * The one render with I/O around it, which a build calls: the renderer
 * (render.c) stays pure, and what it reads and the one file it makes
 * outside public/ are handled here.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "../support/fsutil.h"
#include "load.h"
#include "render.h"

/*
 * The build's bodies: each file read again as it is rendered, so memory
 * stays flat in the number of posts (the model keeps front matter only).
 */
static int
read_file(const void *arg, const char *file, struct buf *scratch,
    struct front_split *fs, struct err *err)
{
	return site_source(arg, file, 1, scratch, fs, err);
}

int
render_site(const struct site *s, const struct tset *tpl, struct writer *w,
    const struct render_opts *opts, const struct plan *plan, struct err *err)
{
	struct render_source src = { read_file, s };
	struct render_opts o = *opts;
	struct stat	 st;
	struct buf	 form;
	int		 rc = -1;

	/*
	 * The form page shows only templates and settings: a rebuild that
	 * leaves the fixed pages alone makes it only when it is missing.
	 */
	if (o.form && !plan->fixed &&
	    fstatat(s->dirfd, RENDER_FORM_FILE, &st, 0) == 0)
		o.form = 0;
	buf_init(&form, 0);
	if (render_pages(s, tpl, &src, w, &o, plan, &form, err) == -1)
		goto out;
	if (o.form && (fs_mkdirs_at(s->dirfd, ".stet") == -1 ||
	    fs_write_atomic(s->dirfd, RENDER_FORM_FILE, RENDER_FORM_FILE ".tmp",
	    form.data, form.len, 0) == -1)) {
		err_set(err, RENDER_FORM_FILE, 0, "%s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(&form);
	return rc;
}
