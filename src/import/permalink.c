#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../support/text.h"
#include "permalink.h"

static const char *const months[12] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const days[7] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };

/* Jekyll's named styles. */
static const struct {
	const char	*name;
	const char	*pattern;
} styles[] = {
	{ "date", "/:categories/:year/:month/:day/:title:output_ext" },
	{ "pretty", "/:categories/:year/:month/:day/:title/" },
	{ "ordinal", "/:categories/:year/:y_day/:title:output_ext" },
	{ "weekdate",
	    "/:categories/:year/W:week/:short_day/:title:output_ext" },
	{ "none", "/:categories/:title:output_ext" },
};

int
permalink_urlize(struct buf *b, const char *s, size_t n, int keep_case)
{
	size_t	 i, start = b->len;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t') {
			if (b->len > start && b->data[b->len - 1] != '-' &&
			    buf_putc(b, '-') == -1)
				return -1;
		} else if (c >= 0x80 || isalnum(c) || c == '-' || c == '_' ||
		    c == '.' || c == '/') {
			if (buf_putc(b, keep_case ? (char)c :
			    (char)tolower(c)) == -1)
				return -1;
		}
	}
	if (!keep_case && b->len > start) {
		/* Letters past ASCII too, as Hugo's strings.ToLower. */
		struct buf l;
		int rc;

		buf_init(&l, 0);
		rc = text_lower(&l, b->data + start, b->len - start);
		if (rc == 0) {
			buf_truncate(b, start);
			rc = buf_put(b, l.data, l.len);
		}
		buf_free(&l);
		return rc;
	}
	return 0;
}

/* The date's wall time, in the zone it was written in. */
static void
wall(const struct date *d, struct tm *tm)
{
	time_t	 t = (time_t)(d->t + d->off);

	gmtime_r(&t, tm);
}

static int
is_token_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Jekyll's :categories: each downcased, joined by '/'. */
static int
put_categories(struct buf *b, const struct old_doc *d)
{
	size_t	 i, k;

	if (d->dir != NULL && *d->dir != '\0' && (buf_puts(b, d->dir) == -1 ||
	    buf_putc(b, '/') == -1))
		return -1;
	for (i = 0; i < d->ncategories; i++) {
		const char *c = d->categories[i];

		for (k = 0; c[k] != '\0'; k++)
			if (buf_putc(b, c[k] == ' ' ? '-' :
			    (char)tolower((unsigned char)c[k])) == -1)
				return -1;
		if (buf_putc(b, '/') == -1)
			return -1;
	}
	return 0;
}

/* Jekyll's :title and :slug. */
static int
put_title(struct buf *b, const struct old_doc *d, int slugify)
{
	const char	*t = d->slug != NULL ? d->slug : d->name;

	if (!slugify)
		return buf_puts(b, t);
	return text_slug(b, t, strlen(t));
}

static int
jekyll(const struct oldsite *o, const struct old_doc *d, const char *pat,
    struct buf *out)
{
	struct tm	 tm;
	time_t		 t;
	const char	*p, *tok;
	size_t		 n, start = out->len;
	int		 r = 0;

	/*
	 * Jekyll reads every date into the site's zone (its timezone:,
	 * else the building machine's, UTC on GitHub Pages) before it
	 * makes a URL: "2024-11-23 01:18 +0800" is /2024/11/22/ there.
	 */
	memset(&tm, 0, sizeof(tm));
	t = (time_t)(d->date.t + (o->zone != NULL ?
	    zone_offset_at(o->zone, d->date.t) : 0));
	if (d->has_date)
		gmtime_r(&t, &tm);
	for (p = pat; *p != '\0' && r == 0;) {
		if (*p != ':' || !is_token_char(p[1])) {
			r = buf_putc(out, *p++);
			continue;
		}
		tok = ++p;
		while (is_token_char(*p))
			p++;
		n = (size_t)(p - tok);
#define IS(s)	(n == sizeof(s) - 1 && memcmp(tok, s, n) == 0)
		if (IS("year"))
			r = buf_printf(out, "%04d", tm.tm_year + 1900);
		else if (IS("short_year"))
			r = buf_printf(out, "%02d", tm.tm_year % 100);
		else if (IS("month"))
			r = buf_printf(out, "%02d", tm.tm_mon + 1);
		else if (IS("i_month"))
			r = buf_printf(out, "%d", tm.tm_mon + 1);
		else if (IS("short_month"))
			r = buf_printf(out, "%.3s", months[tm.tm_mon]);
		else if (IS("long_month"))
			r = buf_puts(out, months[tm.tm_mon]);
		else if (IS("day"))
			r = buf_printf(out, "%02d", tm.tm_mday);
		else if (IS("i_day"))
			r = buf_printf(out, "%d", tm.tm_mday);
		else if (IS("y_day"))
			r = buf_printf(out, "%03d", tm.tm_yday + 1);
		else if (IS("short_day"))
			r = buf_printf(out, "%.3s", days[tm.tm_wday]);
		else if (IS("long_day"))
			r = buf_puts(out, days[tm.tm_wday]);
		else if (IS("week")) {
			char w[8];

			strftime(w, sizeof(w), "%V", &tm);
			r = buf_puts(out, w);
		} else if (IS("hour"))
			r = buf_printf(out, "%02d", tm.tm_hour);
		else if (IS("minute"))
			r = buf_printf(out, "%02d", tm.tm_min);
		else if (IS("second"))
			r = buf_printf(out, "%02d", tm.tm_sec);
		else if (IS("title"))
			r = put_title(out, d, 0);
		else if (IS("slug") || IS("name"))
			r = put_title(out, d, 1);
		else if (IS("categories"))
			r = put_categories(out, d);
		else if (IS("output_ext"))
			r = BUF_LIT(out, ".html");
		else if (IS("path"))
			r = buf_puts(out, d->name);
		else if (IS("basename")) {
			const char *b = strrchr(d->name, '/');

			r = buf_puts(out, b ? b + 1 : d->name);
		} else if (IS("collection") && d->collection != NULL)
			r = buf_puts(out, d->collection);
		else
			r = buf_put(out, tok - 1, n + 1);
#undef IS
	}
	(void)start;
	return r;
}

static int
hugo(const struct oldsite *o, const struct old_doc *d, const char *pat,
    struct buf *out)
{
	struct tm	 tm;
	const char	*p, *tok, *sec;
	size_t		 n;
	int		 r = 0;

	memset(&tm, 0, sizeof(tm));
	if (d->has_date)
		wall(&d->date, &tm);
	for (p = pat; *p != '\0' && r == 0;) {
		if (*p != ':' || !is_token_char(p[1])) {
			r = buf_putc(out, *p++);
			continue;
		}
		tok = ++p;
		while (is_token_char(*p))
			p++;
		n = (size_t)(p - tok);
#define IS(s)	(n == sizeof(s) - 1 && memcmp(tok, s, n) == 0)
		if (IS("year"))
			r = buf_printf(out, "%04d", tm.tm_year + 1900);
		else if (IS("month"))
			r = buf_printf(out, "%02d", tm.tm_mon + 1);
		else if (IS("monthname"))
			r = buf_puts(out, months[tm.tm_mon]);
		else if (IS("day"))
			r = buf_printf(out, "%02d", tm.tm_mday);
		else if (IS("weekday"))
			r = buf_printf(out, "%d", tm.tm_wday);
		else if (IS("weekdayname"))
			r = buf_puts(out, days[tm.tm_wday]);
		else if (IS("yearday"))
			r = buf_printf(out, "%d", tm.tm_yday + 1);
		else if (IS("section")) {
			sec = d->dir;
			r = buf_put(out, sec, strcspn(sec, "/"));
		} else if (IS("sections"))
			r = buf_puts(out, d->dir);
		else if (IS("title"))
			r = permalink_urlize(out, d->title, strlen(d->title),
			    o->keep_case);
		else if (IS("slug") || IS("slugorfilename") ||
		    IS("slugorcontentbasename")) {
			if (d->slug != NULL)
				r = permalink_urlize(out, d->slug,
				    strlen(d->slug), o->keep_case);
			else if (IS("slug"))
				r = permalink_urlize(out, d->title,
				    strlen(d->title), o->keep_case);
			else
				r = permalink_urlize(out, d->name,
				    strlen(d->name), o->keep_case);
		} else if (IS("filename") || IS("contentbasename"))
			r = permalink_urlize(out, d->name, strlen(d->name),
			    o->keep_case);
		else
			r = buf_put(out, tok - 1, n + 1);
#undef IS
	}
	return r;
}

/* "//" to "/", a leading '/', and Hugo's endings: "x/" or "x.html". */
static int
tidy(struct buf *b, size_t start, int hugo_style, int ugly)
{
	size_t	 i, j;
	char	*s;
	const char *last;

	if (b->len == start || b->data[start] != '/') {
		if (buf_putc(b, '/') == -1)
			return -1;
		memmove(b->data + start + 1, b->data + start,
		    b->len - start - 1);
		b->data[start] = '/';
	}
	s = b->data;
	for (i = j = start; i < b->len; i++)
		if (!(s[i] == '/' && j > start && s[j - 1] == '/'))
			s[j++] = s[i];
	buf_truncate(b, j);
	if (!hugo_style)
		return 0;
	last = strrchr(b->data + start, '/');
	if (last != NULL && strchr(last, '.') != NULL)
		return 0;	/* written with its own ending */
	if (ugly && b->len > start + 1) {
		if (b->data[b->len - 1] == '/')
			buf_truncate(b, b->len - 1);
		return BUF_LIT(b, ".html");
	}
	if (b->data[b->len - 1] != '/')
		return buf_putc(b, '/');
	return 0;
}

int
permalink_old(const struct oldsite *o, const struct old_doc *d, struct buf *out)
{
	const char	*pat = NULL;
	size_t		 i, start = out->len;
	int		 r;

	if (o->kind == OLD_JEKYLL) {
		if (d->url != NULL && *d->url != '\0')
			pat = d->url;
		else if (d->collection != NULL)
			pat = d->coll_pattern != NULL ? d->coll_pattern :
			    "/:collection/:path:output_ext";
		else if (d->is_page)
			pat = strcmp(o->permalink, "pretty") == 0 ||
			    (o->permalink[strlen(o->permalink) - 1] == '/') ?
			    "/:path/" : "/:path:output_ext";
		else {
			pat = o->permalink;
			for (i = 0; i < sizeof(styles) / sizeof(*styles); i++)
				if (strcmp(pat, styles[i].name) == 0)
					pat = styles[i].pattern;
		}
		if (jekyll(o, d, pat, out) == -1 || tidy(out, start, 0, 0) ==
		    -1)
			return -1;
		/*
		 * No ending and no slash: Jekyll writes name.html, and the
		 * hosts it targets answer for the URL without ".html".
		 */
		{
			const char *last = strrchr(out->data + start, '/');

			if (last != NULL && last[1] != '\0' &&
			    strchr(last, '.') == NULL)
				return BUF_LIT(out, ".html");
		}
		return 0;
	}
	if (d->url != NULL && *d->url != '\0') {
		/* url: is taken as written, but for a missing slash. */
		if (buf_puts(out, d->url) == -1)
			return -1;
		return tidy(out, start, 1, 0);
	}
	if (!d->is_page)
		for (i = 0; i < o->nrules; i++) {
			size_t n = strcspn(d->dir, "/");

			if (strlen(o->rules[i].section) == n &&
			    strncmp(o->rules[i].section, d->dir, n) == 0)
				pat = o->rules[i].pattern;
		}
	if (pat != NULL)
		r = hugo(o, d, pat, out);
	else {
		/* The path of the file, with slug: for its last part. */
		r = 0;
		if (*d->dir != '\0')
			r = permalink_urlize(out, d->dir, strlen(d->dir),
			    o->keep_case);
		if (r == 0)
			r = buf_putc(out, '/');
		if (r == 0)
			r = d->slug != NULL ? permalink_urlize(out, d->slug,
			    strlen(d->slug), o->keep_case) :
			    permalink_urlize(out, d->name, strlen(d->name),
			    o->keep_case);
	}
	if (r == -1)
		return -1;
	return tidy(out, start, 1, o->ugly);
}
