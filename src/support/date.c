#include <stdio.h>
#include <string.h>

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

/* Read exactly n digits at s[*i]. */
static int
digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int	 v = 0, k;

	if (*i + (size_t)n > len)
		return -1;
	for (k = 0; k < n; k++) {
		char c = s[*i + (size_t)k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*i += (size_t)n;
	*out = v;
	return 0;
}

int
date_parse(const char *s, size_t n, struct date *d, const char **why)
{
	int	 y, mo, da, h = 0, mi = 0, se = 0, oh, om, sign, has_off = 0;
	int	 off = 0, x;
	size_t	 i = 0;
	struct tm tm;
	time_t	 t;

	*why = "want YYYY-MM-DD, RFC 3339 or YYYY-MM-DD HH:MM:SS +hhmm";
	if (digits(s, n, &i, 4, &y) == -1 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &mo) == -1 || i >= n || s[i++] != '-' ||
	    digits(s, n, &i, 2, &da) == -1)
		return -1;
	if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if (digits(s, n, &i, 2, &h) == -1 || i >= n || s[i++] != ':' ||
		    digits(s, n, &i, 2, &mi) == -1)
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &se) == -1)
				return -1;
		}
		if (i < n && s[i] == '.') {
			/* Fractions of a second mean nothing to a blog. */
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
		}
		if (i < n && s[i] == ' ')
			i++;
		if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
			i++;
			has_off = 1;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			sign = s[i++] == '-' ? -1 : 1;
			if (digits(s, n, &i, 2, &oh) == -1)
				return -1;
			if (i < n && s[i] == ':')
				i++;
			if (digits(s, n, &i, 2, &om) == -1)
				return -1;
			if (oh > 23 || om > 59) {
				*why = "impossible UTC offset";
				return -1;
			}
			off = sign * (oh * 3600 + om * 60);
			has_off = 1;
		}
	}
	if (i != n)
		return -1;
	if (mo < 1 || mo > 12 || da < 1 || da > mdays(y, mo) || h > 23 ||
	    mi > 59 || se > 60) {
		*why = "impossible date";
		return -1;
	}
	if (se == 60)
		se = 59;	/* a leap second is as good as the one before */
	if (has_off) {
		d->t = (days_from_civil(y, mo, da) * 86400) + h * 3600 +
		    mi * 60 + se - off;
		d->off = off;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = da;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	x = (int)tm.tm_gmtoff;
	d->t = (int64_t)t;
	d->off = x;
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
date_now(struct date *d)
{
	time_t	 t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	d->t = (int64_t)t;
	d->off = (int)tm.tm_gmtoff;
}

void
date_localize(struct date *d)
{
	time_t	 t = (time_t)d->t;
	struct tm tm;

	if (localtime_r(&t, &tm) != NULL)
		d->off = (int)tm.tm_gmtoff;
}
