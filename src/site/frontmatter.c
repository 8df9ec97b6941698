#include <string.h>

#include "frontmatter.h"
#include "toml.h"

/*
 * Front matter holds a title, a date, tags and the like: a few hundred
 * bytes.  A megabyte is thousands of times that, and its tree would take
 * some tens of megabytes on every core loading posts; more is a mistake
 * or an attack, refused before it is parsed.
 */
#define FM_MAX		(1024 * 1024)

/* Does the line at p (up to end) hold exactly mark, then CR? LF? */
static int
is_fence(const char *p, const char *end, const char *mark, size_t *linelen)
{
	size_t	 n = strlen(mark), i;

	if ((size_t)(end - p) < n || memcmp(p, mark, n) != 0)
		return 0;
	i = n;
	while (p + i < end && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (p + i < end && p[i] == '\r')
		i++;
	if (p + i < end && p[i] != '\n')
		return 0;
	if (p + i < end)
		i++;
	*linelen = i;
	return 1;
}

int
fm_split(const char *src, size_t len, const char *file,
    struct front_split *fs, struct err *err)
{
	const char	*p = src, *end = src + len, *nl;
	const char	*mark;
	size_t		 ll, line = 2;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	/* Hugo's TOML between +++ lines, or YAML between --- lines. */
	if (is_fence(p, end, "+++", &ll)) {
		fs->kind = FRONT_TOML;
		mark = "+++";
	} else if (is_fence(p, end, "---", &ll)) {
		fs->kind = FRONT_YAML;
		mark = "---";
	} else
		return err_set(err, file, 1, "no front matter: the file must "
		    "start with a --- line (+++ for TOML), then title: and "
		    "date:");
	p += ll;
	fs->yaml = p;
	fs->yaml_line = 2;
	while (p < end) {
		/* YAML's end of document, "...", closes it too; not TOML. */
		if (is_fence(p, end, mark, &ll) || (fs->kind == FRONT_YAML &&
		    is_fence(p, end, "...", &ll))) {
			fs->yaml_len = (size_t)(p - fs->yaml);
			fs->body = p + ll;
			fs->body_len = (size_t)(end - fs->body);
			fs->body_line = line + 1;
			return 0;
		}
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
		line++;
	}
	return err_set(err, file, 1, "front matter is never closed: no "
	    "%s line after it", mark);
}

int
fm_load(struct arena *a, const struct front_split *fs, const char *file,
    struct ynode **root, struct err *err)
{
	if (fs->yaml_len > FM_MAX)
		return err_set(err, file, fs->yaml_line > 1 ?
		    fs->yaml_line - 1 : 1, "front matter is %zu bytes; "
		    "the most is %d (1 MB)", fs->yaml_len, FM_MAX);
	/* TOML has no repeated keys to tolerate: toml++ refuses them. */
	if (fs->kind == FRONT_TOML)
		return toml_front_load(a, fs->yaml, fs->yaml_len, file,
		    fs->yaml_line, root, err);
	return yaml_load_dups(a, fs->yaml, fs->yaml_len, file, fs->yaml_line,
	    root, err);
}
