#ifndef STET_TOPICS_H
#define STET_TOPICS_H

#include "../support/err.h"
#include "model.h"

/*
 * Map every post's tags to topics (site->topics, and each post's
 * topics[]): stet.yaml's first, in its order, then the others by slug.
 * Tags that differ only in case or spacing are one topic, shown with
 * stet.yaml's title, else the first spelling in file order.  Two
 * spellings that make one slug but are not the same tag (C and C++) are
 * an error naming both files.  0 or -1.
 */
int	topics_resolve(struct site *, struct err *);

#endif
