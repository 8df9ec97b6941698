#ifndef STET_VERSION_H
#define STET_VERSION_H

/*
 * stet's version: printed by stet --version, and part of what the
 * rebuild cache keys on (site/sig.c), so a new stet renders every page
 * again.
 */
#define STET_VERSION	"0.1.0"

#endif
