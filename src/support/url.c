#include <string.h>

#include "url.h"

int
url_is_absolute(const char *ref)
{
	const char *p;

	if (ref[0] == '/' && ref[1] == '/')
		return 1;
	for (p = ref; *p; p++) {
		if (*p == ':')
			return p != ref;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' ||
		    *p == '.'))
			return 0;
	}
	return 0;
}

int
url_resolve(struct buf *out, const char *base, const char *ref)
{
	const char	*origin_end, *path, *q, *seg;
	size_t		 start, keep;

	if (url_is_absolute(ref))
		return buf_puts(out, ref);
	/* base is scheme://host/path: find the path. */
	origin_end = strstr(base, "://");
	origin_end = origin_end ? strchr(origin_end + 3, '/') : NULL;
	if (origin_end == NULL)
		origin_end = base + strlen(base);
	if (ref[0] == '#' || ref[0] == '?' || ref[0] == '\0') {
		q = base + strcspn(base, ref[0] == '#' ? "#" : "?#");
		if (buf_put(out, base, (size_t)(q - base)) == -1)
			return -1;
		return buf_puts(out, ref);
	}
	if (buf_put(out, base, (size_t)(origin_end - base)) == -1)
		return -1;
	start = out->len;
	if (ref[0] == '/') {
		path = ref;
	} else {
		/* base's folder, then ref. */
		q = origin_end + strcspn(origin_end, "?#");
		while (q > origin_end && q[-1] != '/')
			q--;
		if (q == origin_end && buf_putc(out, '/') == -1)
			return -1;
		if (buf_put(out, origin_end, (size_t)(q - origin_end)) == -1)
			return -1;
		path = ref;
	}
	/* Append path segment by segment, folding . and .. */
	for (seg = path; *seg; ) {
		size_t n = strcspn(seg, "/?#");

		if (n == 1 && seg[0] == '.') {
			seg += seg[1] == '/' ? 2 : 1;
			continue;
		}
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			/* Drop the last folder of what we have. */
			keep = out->len;
			if (keep > start && out->data[keep - 1] == '/')
				keep--;
			while (keep > start && out->data[keep - 1] != '/')
				keep--;
			if (keep <= start)
				keep = start + 1;	/* stay at "/" */
			out->len = keep;
			out->data[keep] = '\0';
			seg += seg[2] == '/' ? 3 : 2;
			continue;
		}
		if (seg[n] == '?' || seg[n] == '#')
			return buf_puts(out, seg);
		if (buf_put(out, seg, n + (seg[n] == '/')) == -1)
			return -1;
		seg += n + (seg[n] == '/');
	}
	if (out->len == start)
		return buf_putc(out, '/');
	return 0;
}
