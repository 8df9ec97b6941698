#ifndef STET_IMPORT_OLDSITE_H
#define STET_IMPORT_OLDSITE_H

#include <stddef.h>

#include "../support/arena.h"
#include "../support/err.h"
#include "../support/yamltree.h"
#include "../support/zone.h"

/*
 * The settings of the site being imported, Hugo's or Jekyll's, read
 * from its configuration file (TOML, YAML or JSON).  Everything lives
 * in the arena given to oldsite_read.
 */
enum old_kind { OLD_HUGO, OLD_JEKYLL };

/* Hugo's permalinks: one pattern per section. */
struct old_rule {
	const char	*section;
	const char	*pattern;
};

struct old_menu {
	const char	*name;
	const char	*url;
	long		 weight;
};

struct oldsite {
	enum old_kind	 kind;
	const char	*config;	/* "config.toml", "_config.yml" */
	struct ynode	*tree;		/* all of it */
	const char	*title, *author, *description, *language, *timezone;
	/*
	 * timezone opened, for dates without an offset and Jekyll's URLs;
	 * NULL for UTC (none named, or none of that name).  Freed by
	 * oldsite_free.
	 */
	struct zone	*zone;
	const char	*url;		/* "https://host/" or NULL */
	const char	*host;		/* "host", for links; or NULL */
	const char	*base_path;	/* "/" or "/blog/" */
	/* Jekyll */
	const char	*permalink;	/* the site's style or pattern */
	const char	*paginate_path;	/* "/page:num/" */
	/* Hugo */
	const char	*content_dir;	/* "content" */
	const char	*static_dir;	/* "static" */
	struct old_rule	*rules;
	size_t		 nrules;
	int		 ugly;		/* uglyURLs */
	int		 keep_case;	/* disablePathToLower */
	const char	*pager_path;	/* "page" */
	const char	**taxonomies;	/* plural names: "tags" */
	size_t		 ntaxonomies;
	struct old_menu	*menus;
	size_t		 nmenus;
};

/*
 * Detect and read the site in folder dirfd (Hugo: hugo.toml, config.toml
 * and their YAML and JSON kin, or config/_default/; Jekyll: _config.yml
 * or a _posts folder).  0, 1 when the folder is neither, or -1 with err.
 */
int	oldsite_read(struct arena *, int dirfd, struct oldsite *,
	    struct err *);

/* Let go of what oldsite_read opened (the arena holds the rest). */
void	oldsite_free(struct oldsite *);

/* The last value of key in map (Hugo's keys in any case), or NULL. */
const struct ynode *oldsite_get(const struct ynode *map, const char *key);
/* The same, as a string when a scalar, else NULL. */
const char	*oldsite_str(const struct ynode *map, const char *key);
/* "true", "yes", "on" are true. */
int	 oldsite_bool(const struct ynode *map, const char *key);

#endif
