#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static const char *const months[] = { "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October",
    "November", "December" };
static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
    "Fri", "Sat" };

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * The forms of a date date_parse reads: those Jekyll and Hugo take from
 * front matter, and that people copying posts over have in them.
 *
 *	2019-03-07			a day: midnight in the site's zone
 *	2019-3-7			Jekyll (Ruby's Time.parse, YAML 1.1
 *					timestamps) needs no zero padding
 *	2019-03-07 +0800		a day at midnight at that offset
 *	2019-03-07T09:05:00+08:00	RFC 3339, Hugo's own (cast.ToTimeE)
 *	2019-03-07t09:05:00z		lower case t and z
 *	2019-03-07 09:05:00 +0800	Jekyll's, from its `jekyll new`
 *	2019-3-7 9:05:00 +0800		the same unpadded
 *	2019-03-07 09:05		no seconds
 *	2019-03-07 09:05:00.123456Z	fractions of a second (dropped)
 *	2019-03-07T09:05:00+0800	Hugo's "RFC 3339 without the colon"
 *	2019-03-07 09:05:00 +08		an offset in hours; also +8, -5
 *	2019-03-07 09:05:00 UTC		a zone named: UTC, GMT, UT or Z only,
 *					as their offset is the one they say
 *	2019-03-07 09:05:00 +0800 CST	Go's Time.String(): the name after an
 *					offset is only a label
 *
 * The separator between date and time is T, t, or spaces and tabs; an
 * offset may follow the time with or without a space.  A date or time
 * without an offset is in the zone the caller names (the site's).
 *
 * Not read, though one or the other takes them: month names (RFC 1123,
 * RFC 822, "02 Jan 2006", Unix date), two-digit years, a time of day
 * alone, and other zone names: CST is China's and America's both, and Go
 * takes a name it does not know for UTC, so asking for the offset is
 * better than guessing.
 */

/* Not ctype.h's: those depend on the locale. */
static int
isblank_(char c)
{
	return c == ' ' || c == '\t';
}

static int
isdigit_(char c)
{
	return c >= '0' && c <= '9';
}

static int
isalpha_(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Read from min to max digits at s[*i]. */
static int
digits(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
	int	 v = 0, k = 0;

	while (k < max && *i + (size_t)k < len && isdigit_(s[*i + (size_t)k])) {
		v = v * 10 + (s[*i + (size_t)k] - '0');
		k++;
	}
	if (k < min)
		return -1;
	*i += (size_t)k;
	*out = v;
	return 0;
}

static size_t
skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && isblank_(s[i]))
		i++;
	return i;
}

/* A run of letters at s[*i] as a zone name meaning UTC, or -1. */
static int
zone_name(const char *s, size_t n, size_t *i)
{
	static const char *const utc[] = { "UTC", "GMT", "UT", "Z" };
	size_t	 k = *i, len, j;

	while (k < n && isalpha_(s[k]))
		k++;
	len = k - *i;
	for (j = 0; j < sizeof(utc) / sizeof(utc[0]); j++)
		if (strlen(utc[j]) == len &&
		    strncasecmp(s + *i, utc[j], len) == 0) {
			*i = k;
			return 0;
		}
	return -1;
}

/*
 * The zone at s[*i]: Z, a name for UTC, or an offset +hh:mm, +hhmm, +hh
 * or +h, then maybe a name as a label.  0 with *off in seconds, or -1.
 */
static int
zone(const char *s, size_t n, size_t *i, int *off, const char **why)
{
	size_t	 k;
	int	 sign, oh, om = 0, run;

	if (*i < n && isalpha_(s[*i])) {
		if (zone_name(s, n, i) == -1) {
			*why = "unknown time zone name: give an offset such "
			    "as +0800, or UTC";
			return -1;
		}
		*off = 0;
		return 0;
	}
	if (*i >= n || (s[*i] != '+' && s[*i] != '-'))
		return -1;
	sign = s[(*i)++] == '-' ? -1 : 1;
	for (run = 0; *i + (size_t)run < n && isdigit_(s[*i + (size_t)run]);
	    run++)
		;
	if (run == 4) {
		if (digits(s, n, i, 2, 2, &oh) == -1 ||
		    digits(s, n, i, 2, 2, &om) == -1)
			return -1;
	} else if (run == 1 || run == 2) {
		if (digits(s, n, i, 1, 2, &oh) == -1)
			return -1;
		if (*i < n && s[*i] == ':') {
			(*i)++;
			if (digits(s, n, i, 2, 2, &om) == -1)
				return -1;
		}
	} else
		return -1;
	if (oh > 23 || om > 59) {
		*why = "impossible UTC offset";
		return -1;
	}
	*off = sign * (oh * 3600 + om * 60);
	/* Go's Time.String(): "+0800 CST"; the offset says it all. */
	k = skip_blanks(s, n, *i);
	if (k > *i && k < n && isalpha_(s[k])) {
		while (k < n && isalpha_(s[k]))
			k++;
		*i = k;
	}
	return 0;
}

/* H:MM, H:MM:SS or H:MM:SS.frac at s[*i], the hour in one or two digits. */
static int
clock_time(const char *s, size_t n, size_t *i, int *h, int *mi, int *se)
{
	if (digits(s, n, i, 1, 2, h) == -1 || *i >= n || s[(*i)++] != ':' ||
	    digits(s, n, i, 2, 2, mi) == -1)
		return -1;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		if (digits(s, n, i, 2, 2, se) == -1)
			return -1;
		/* Fractions of a second mean nothing to a blog. */
		if (*i + 1 < n && s[*i] == '.' && isdigit_(s[*i + 1]))
			for (*i += 2; *i < n && isdigit_(s[*i]); (*i)++)
				;
	}
	return 0;
}

int
date_parse(const char *s, size_t n, const struct zone *z, struct date *d,
    const char **why)
{
	int	 y, mo, da, h = 0, mi = 0, se = 0, timed = 0, zoned = 0;
	int	 off = 0;
	int64_t	 wall;
	size_t	 i = 0, j;

	*why = "want YYYY-MM-DD, RFC 3339 or YYYY-MM-DD HH:MM:SS +hhmm";
	if (digits(s, n, &i, 4, 4, &y) == -1 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 1, 2, &mo) == -1 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 1, 2, &da) == -1)
		return -1;
	/*
	 * Then a time after T or blanks, or a zone after blanks: never
	 * straight after the day, where 2019-03-07-08 would read as -08.
	 */
	if (i < n && (s[i] == 'T' || s[i] == 't')) {
		i++;
		timed = 1;
	} else if (i < n && isblank_(s[i])) {
		i = skip_blanks(s, n, i);
		timed = i < n && isdigit_(s[i]);
		zoned = !timed;
	}
	if (timed) {
		if (clock_time(s, n, &i, &h, &mi, &se) == -1)
			return -1;
		j = skip_blanks(s, n, i);
		if (j < n && (j > i || s[j] == 'Z' || s[j] == 'z' ||
		    s[j] == '+' || s[j] == '-')) {
			i = j;
			zoned = 1;
		}
	}
	if (zoned && zone(s, n, &i, &off, why) == -1)
		return -1;
	if (i != n)
		return -1;
	if (mo < 1 || mo > 12 || da < 1 || da > mdays(y, mo)) {
		*why = "impossible date";
		return -1;
	}
	if (h > 23 || mi > 59 || se > 60) {
		*why = "impossible time of day";
		return -1;
	}
	if (se == 60)
		se = 59;	/* a leap second is as good as the one before */
	if (zoned) {
		d->t = (days_from_civil(y, mo, da) * 86400) + h * 3600 +
		    mi * 60 + se - off;
		d->off = off;
		return 0;
	}
	/* A wall-clock time: the zone says its offset on that day. */
	wall = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + se;
	d->off = 0;
	d->t = z != NULL ? zone_instant(z, wall, &d->off) : wall;
	return 0;
}

static void
split(const struct date *d, struct tm *tm)
{
	time_t	 t = (time_t)(d->t + d->off);

	gmtime_r(&t, tm);
}

size_t
date_rfc3339(const struct date *d, char *out, size_t sz)
{
	struct tm tm;
	int	 off = d->off < 0 ? -d->off : d->off, n;

	split(d, &tm);
	n = snprintf(out, sz, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, d->off < 0 ? '-' : '+', off / 3600,
	    off % 3600 / 60);
	return n < 0 || (size_t)n >= sz ? 0 : (size_t)n;
}

size_t
date_rfc822(const struct date *d, char *out, size_t sz)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int	 off = d->off < 0 ? -d->off : d->off, n;

	split(d, &tm);
	n = snprintf(out, sz, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
	    days[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, d->off < 0 ? '-' : '+',
	    off / 3600, off % 3600 / 60);
	return n < 0 || (size_t)n >= sz ? 0 : (size_t)n;
}

size_t
date_human(const struct date *d, char *out, size_t sz)
{
	struct tm tm;
	int	 n;

	split(d, &tm);
	n = snprintf(out, sz, "%d %s %04d", tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900);
	return n < 0 || (size_t)n >= sz ? 0 : (size_t)n;
}

size_t
date_ymd(const struct date *d, char *out, size_t sz)
{
	struct tm tm;
	int	 n;

	split(d, &tm);
	n = snprintf(out, sz, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
	return n < 0 || (size_t)n >= sz ? 0 : (size_t)n;
}

int
date_year(const struct date *d)
{
	struct tm tm;

	split(d, &tm);
	return tm.tm_year + 1900;
}

void
date_now(struct date *d, const struct zone *z)
{
	d->t = (int64_t)time(NULL);
	d->off = z != NULL ? zone_offset_at(z, d->t) : 0;
}

void
date_localize(struct date *d, const struct zone *z)
{
	d->off = z != NULL ? zone_offset_at(z, d->t) : 0;
}
