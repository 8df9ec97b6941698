#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/esc.h"
#include "../support/fsutil.h"
#include "report.h"

size_t
report_text(const struct diag *d, size_t max, FILE *f)
{
	char	 line[1024];
	size_t	 i, shown = 0;

	diag_print(d, DIAG_ERROR, f);
	for (i = 0; i < d->n; i++) {
		if (d->v[i].level != DIAG_WARNING)
			continue;
		if (shown == max)
			break;
		diag_format(&d->v[i], line, sizeof(line));
		fprintf(f, "stet: warning: %s\n", line);
		shown++;
	}
	return d->nwarnings - shown;
}

void
report_findings(const struct diag *d, FILE *f)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->v[i];
		const char *level = it->level == DIAG_ERROR ? "error" :
		    "warning";

		if (it->file != NULL && it->line > 0)
			fprintf(f, "%s:%zu: %s: %s\n", it->file, it->line,
			    level, it->msg);
		else if (it->file != NULL)
			fprintf(f, "%s: %s: %s\n", it->file, level, it->msg);
		else
			fprintf(f, "%s: %s\n", level, it->msg);
	}
}

void
report_json(const struct diag *d, FILE *f)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 0);
	for (i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->v[i];
		const char *file = it->file != NULL ? it->file : "";

		buf_reset(&b);
		if (BUF_LIT(&b, "{\"file\": \"") == -1 ||
		    esc_json(&b, file, strlen(file)) == -1 ||
		    buf_printf(&b, "\", \"line\": %zu, \"level\": \"%s\", "
		    "\"message\": \"", it->line, it->level == DIAG_ERROR ?
		    "error" : "warning") == -1 ||
		    esc_json(&b, it->msg, strlen(it->msg)) == -1 ||
		    BUF_LIT(&b, "\"}") == -1)
			continue;
		fprintf(f, "%s%s", i ? ",\n" : "[\n", b.data);
	}
	fprintf(f, d->n ? "\n]\n" : "[]\n");
	buf_free(&b);
}

int
report_save(const char *dir, const struct diag *d)
{
	struct buf	 b;
	char		 line[1024];
	size_t		 i;
	int		 fd, rc = -1;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (d->n == 0) {
		if (unlinkat(fd, ".stet/warnings", 0) == -1 && errno != ENOENT)
			goto out;
		rc = 0;
		goto out;
	}
	buf_init(&b, 0);
	for (i = 0; i < d->n; i++) {
		diag_format(&d->v[i], line, sizeof(line));
		if (buf_printf(&b, "%s%s\n", d->v[i].level == DIAG_ERROR ?
		    "error: " : "", line) == -1) {
			buf_free(&b);
			errno = ENOMEM;
			goto out;
		}
	}
	if (fs_mkdirs_at(fd, ".stet") == 0)
		rc = fs_write_atomic(fd, ".stet/warnings",
		    ".stet/warnings.tmp~", b.data, b.len, 0);
	buf_free(&b);
out:
	close(fd);
	return rc;
}
