#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errlog.h"

#define SKIP_LINE	"skipping frame (type:"
#define SKIP_EVERY	60	/* seconds between counts said */

/*
 * Touched only from write_fn, which stdio calls with the stream's lock
 * held: no lock of our own.
 */
struct filter {
	unsigned long	 skipped;	/* not yet said */
	time_t		 said_at;	/* 0: never */
};

static struct filter	 state;

static ssize_t	 write_fn(void *, const char *, size_t);
static void	 out(const char *, size_t);

void
errlog_install(struct errlog *e)
{
	static const cookie_io_functions_t io = { NULL, write_fn, NULL, NULL };
	FILE	*f;

	e->saved = stderr;
	e->filter = NULL;
	fflush(stderr);
	if ((f = fopencookie(&state, "w", io)) == NULL)
		return;
	/* A line at a time, so a line is never held back. */
	if (setvbuf(f, NULL, _IOLBF, BUFSIZ) != 0) {
		fclose(f);
		return;
	}
	e->filter = f;
	stderr = f;
}

void
errlog_remove(struct errlog *e)
{
	if (e->filter == NULL)
		return;
	stderr = e->saved;
	fclose(e->filter);
	e->filter = NULL;
}

static ssize_t
write_fn(void *arg, const char *p, size_t n)
{
	struct filter	*st = arg;
	time_t		 now;
	char		 line[128];
	int		 k;

	if (n < sizeof(SKIP_LINE) - 1 ||
	    memcmp(p, SKIP_LINE, sizeof(SKIP_LINE) - 1) != 0) {
		out(p, n);
		return (ssize_t)n;
	}
	now = time(NULL);
	if (st->said_at == 0) {
		k = snprintf(line, sizeof(line), "stet: HTTP/2: a client sent "
		    "a frame of a type not known (%.*s); such frames are "
		    "skipped, and counted here at most once a minute\n",
		    (int)(n > 40 ? 40 : n - 1), p);
		st->said_at = now;
	} else if (++st->skipped > 0 && now - st->said_at >= SKIP_EVERY) {
		k = snprintf(line, sizeof(line), "stet: HTTP/2: %lu more frames "
		    "of unknown types skipped\n", st->skipped);
		st->skipped = 0;
		st->said_at = now;
	} else
		return (ssize_t)n;
	if (k > 0)
		out(line, (size_t)k < sizeof(line) ? (size_t)k :
		    sizeof(line) - 1);
	return (ssize_t)n;
}

/* To the real stderr; what cannot be written is lost, as stdio would. */
static void
out(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0 && (w = write(STDERR_FILENO, p, n)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}
