#include <string.h>

#include "../support/buf.h"
#include "../support/fsutil.h"
#include "report.h"

static int
section(struct buf *b, const struct notes *ns, enum note_kind k,
    const char *title, const char *about)
{
	size_t	 i;

	if (notes_of(ns, k) == 0)
		return 0;
	if (buf_printf(b, "\n## %s (%zu)\n\n%s\n\n", title, notes_of(ns, k),
	    about) == -1)
		return -1;
	for (i = 0; i < ns->n; i++) {
		const struct note *e = &ns->v[i];

		if (e->kind != k)
			continue;
		if ((e->line > 0 ? buf_printf(b, "- `%s:%zu`: ", e->file,
		    e->line) : buf_printf(b, "- `%s`: ", e->file)) == -1)
			return -1;
		if (buf_puts(b, e->msg) == -1 || buf_putc(b, '\n') == -1)
			return -1;
	}
	return 0;
}

int
report_write(int dirfd, const char *old, const struct import_result *r,
    const struct oldsite *o)
{
	struct buf	 b;
	size_t		 i;
	int		 rc = -1;

	buf_init(&b, 0);
	if (buf_printf(&b, "# Imported from %s\n\n"
	    "`stet import` read the %s site in `%s` (settings from `%s`) and "
	    "wrote this stet site. The old folder was not changed.\n\n"
	    "- posts: %zu (drafts among them: %zu)\n- pages: %zu\n"
	    "- files copied: %zu\n- old post URLs kept as aliases: %zu\n"
	    "- other old addresses redirected (stet.yaml `redirects:`): %zu\n"
	    "- left out: %zu\n", r->kind, r->kind, old,
	    o->config ? o->config : "defaults", r->nposts, r->ndrafts,
	    r->npages, r->nfiles, r->naliases, r->nredirects, r->nskipped) ==
	    -1)
		goto out;
	if (BUF_LIT(&b, "\n## Converted\n\n") == -1)
		goto out;
	if (r->notes.nc == 0 && BUF_LIT(&b, "Nothing needed converting.\n") ==
	    -1)
		goto out;
	for (i = 0; i < r->notes.nc; i++)
		if (buf_printf(&b, "- %s: %zu\n", r->notes.c[i].what,
		    r->notes.c[i].n) == -1)
			goto out;
	if (BUF_LIT(&b, "\nFront matter is stet's YAML: TOML read, "
	    "every taxonomy's terms made `tags`, `url`/`permalink` and the "
	    "old URL made `aliases`, other keys kept as they were.\n") == -1)
		goto out;
	if (section(&b, &r->notes, NOTE_KEPT, "Kept as code", "Template code "
	    "stet cannot read, shown as inline code in the post. Replace "
	    "each with what it should say.") == -1 ||
	    section(&b, &r->notes, NOTE_REMOTE, "Images on other hosts",
	    "Shown from their hosts (or as links, by `images: remote:`); "
	    "`stet import --fetch-media` downloads them.") == -1 ||
	    section(&b, &r->notes, NOTE_LOOK, "To look at", "Left out or "
	    "guessed: each needs a person.") == -1)
		goto out;
	if (r->notes.oom && BUF_LIT(&b, "\n(Some notes were lost: out of "
	    "memory.)\n") == -1)
		goto out;
	rc = fs_write_atomic(dirfd, "IMPORT.md", ".IMPORT.md.tmp", b.data,
	    b.len, 0);
out:
	buf_free(&b);
	return rc;
}
