#ifndef STET_WATCH_H
#define STET_WATCH_H

#include "../support/err.h"

/*
 * Changes to a site's sources, through inotify: stet.yaml, posts/,
 * pages/, templates/ and static/ (with its subfolders).  Folders made
 * after the start are picked up as they appear.  Editors' scratch files
 * (dotfiles, "name~", vim's "4913") are not changes.
 */
struct watch;

/* Watch the site folder dir.  0, or -1 with err. */
int	watch_open(const char *dir, struct watch **, struct err *);

/* A descriptor that polls readable when there are events. */
int	watch_fd(const struct watch *);

/*
 * Read the pending events: 1 if a source changed, 0 if not, -1 when the
 * kernel dropped events (the queue overflowed): rebuild to be safe.
 */
int	watch_read(struct watch *);

void	watch_close(struct watch *);

#endif
