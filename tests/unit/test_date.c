#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "support/date.h"

/* The zone dates without an offset are read in (NULL: UTC). */
static struct zone *zone;

static int
parse(const char *s, struct date *d)
{
	const char *why;

	return date_parse(s, strlen(s), zone, d, &why);
}

static void
formats(void **state)
{
	struct date	 d;
	char		 out[64];

	(void)state;
	assert_int_equal(parse("2026-11-25T09:30:00Z", &d), 0);
	assert_int_equal(d.t, 1795599000);
	assert_int_equal(d.off, 0);
	assert_int_equal(parse("2026-11-25T10:30:00+01:00", &d), 0);
	assert_int_equal(d.t, 1795599000);
	assert_int_equal(d.off, 3600);
	date_rfc3339(&d, out, sizeof(out));
	assert_string_equal(out, "2026-11-25T10:30:00+01:00");
	date_rfc822(&d, out, sizeof(out));
	assert_string_equal(out, "Wed, 25 Nov 2026 10:30:00 +0100");
	date_human(&d, out, sizeof(out));
	assert_string_equal(out, "25 November 2026");
	/* Jekyll's form. */
	assert_int_equal(parse("2015-01-08 10:00:00 +0100", &d), 0);
	date_rfc3339(&d, out, sizeof(out));
	assert_string_equal(out, "2015-01-08T10:00:00+01:00");
	assert_int_equal(parse("2015-01-08T10:00:00.123-05:30", &d), 0);
	assert_int_equal(d.off, -(5 * 3600 + 30 * 60));
}

static void
local_zone(void **state)
{
	struct date	 d;
	char		 out[64];

	(void)state;
	/* The zone is named, never taken from the process's TZ. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	assert_non_null(zone = zone_open("Europe/London"));
	assert_int_equal(parse("2026-07-01", &d), 0);
	assert_int_equal(d.off, 3600);	/* summer time */
	date_rfc3339(&d, out, sizeof(out));
	assert_string_equal(out, "2026-07-01T00:00:00+01:00");
	assert_int_equal(parse("2026-01-01", &d), 0);
	assert_int_equal(d.off, 0);
	/* 01:30 on the night clocks go forward does not exist: 02:00 BST. */
	assert_int_equal(parse("2026-03-29 01:30", &d), 0);
	assert_int_equal(d.t, 1774746000);
	assert_int_equal(d.off, 3600);
	/* 01:30 on the night they go back is twice: the first, BST. */
	assert_int_equal(parse("2026-10-25 01:30", &d), 0);
	assert_int_equal(d.t, 1792891800 - 3600);
	/* An instant shown in the zone, whatever zone it was written in. */
	assert_int_equal(parse("2026-07-01T12:00:00Z", &d), 0);
	date_localize(&d, zone);
	date_rfc3339(&d, out, sizeof(out));
	assert_string_equal(out, "2026-07-01T13:00:00+01:00");
	assert_null(zone_open("Mars/Olympus_Mons"));
	zone_free(zone);
	zone = NULL;
}

static void
impossible(void **state)
{
	struct date	 d;

	(void)state;
	assert_int_equal(parse("2026-02-30", &d), -1);
	assert_int_equal(parse("2026-02-29", &d), -1);
	assert_int_equal(parse("2024-02-29", &d), 0);
	assert_int_equal(parse("2026-13-01", &d), -1);
	assert_int_equal(parse("2026-01-01T24:00:00Z", &d), -1);
	assert_int_equal(parse("yesterday", &d), -1);
	assert_int_equal(parse("2026-01-01Tjunk", &d), -1);
	assert_int_equal(parse("2026-01-01T10:00:00+25:00", &d), -1);
	assert_int_equal(parse("", &d), -1);
}

/* Every form Jekyll and Hugo posts are seen with, as one moment. */
static void
jekyll_hugo(void **state)
{
	static const struct {
		const char	*in;
		int64_t		 t;
		int		 off;
	} ok[] = {
		/* 2019-03-07 09:05 at +08:00 */
		{ "2019-03-07T09:05:00+08:00", 1551920700, 28800 },
		{ "2019-03-07 09:05:00 +0800", 1551920700, 28800 },
		{ "2019-3-7 9:05:00 +0800", 1551920700, 28800 },
		{ "2019-03-07 09:05:00 +08", 1551920700, 28800 },
		{ "2019-03-07 09:05:00 +8", 1551920700, 28800 },
		{ "2019-03-07 9:05:00 +8:00", 1551920700, 28800 },
		{ "2019-03-07T09:05:00+0800", 1551920700, 28800 },
		{ "2019-03-07 09:05:00+08:00", 1551920700, 28800 },
		{ "2019-03-07 09:05 +08:00", 1551920700, 28800 },
		{ "2019-03-07T09:05+08:00", 1551920700, 28800 },
		{ "2019-03-07T09:05:00.123456+08:00", 1551920700, 28800 },
		{ "2019-03-07t09:05:00.5+08:00", 1551920700, 28800 },
		{ "2019-03-07  09:05:00\t+0800", 1551920700, 28800 },
		{ "2019-03-07 09:05:00 +0800 CST", 1551920700, 28800 },
		{ "2019-03-07 09:05:00.999999999 +0800 CST", 1551920700,
		    28800 },
		/* The same moment in UTC. */
		{ "2019-03-07T01:05:00Z", 1551920700, 0 },
		{ "2019-03-07t01:05:00z", 1551920700, 0 },
		{ "2019-03-07 01:05:00Z", 1551920700, 0 },
		{ "2019-03-07 01:05:00 Z", 1551920700, 0 },
		{ "2019-03-07 01:05:00 UTC", 1551920700, 0 },
		{ "2019-03-07 01:05:00 GMT", 1551920700, 0 },
		{ "2019-03-07 01:05:00 utc", 1551920700, 0 },
		{ "2019-03-07 01:05 UTC", 1551920700, 0 },
		{ "2019-03-07 01:05:00 +0000 UTC", 1551920700, 0 },
		{ "2019-03-07 01:05:00.25 -00:00", 1551920700, 0 },
		{ "2019-03-07T09:05:00-05:30", 1551969300, -19800 },
		/* YAML 1.1's own example of a timestamp. */
		{ "2001-12-14 21:59:43.10 -5", 1008385183, -18000 },
		/* A day, at an offset: its midnight there. */
		{ "2019-03-07 +0800", 1551888000, 28800 },
		{ "2019-3-7 +08:00", 1551888000, 28800 },
		{ "2019-03-07 UTC", 1551916800, 0 },
		/* No offset: the local zone, UTC here. */
		{ "2019-03-07", 1551916800, 0 },
		{ "2019-3-7", 1551916800, 0 },
		{ "2019-03-07 01:05", 1551920700, 0 },
		{ "2019-03-07T1:05:00", 1551920700, 0 },
		{ "2019-03-07 01:05:00.5", 1551920700, 0 },
	};
	static const struct {
		const char	*in;
		const char	*why;
	} bad[] = {
		{ "2026-02-30", "impossible date" },
		{ "2026-2-30 +0800", "impossible date" },
		{ "2026-00-10", "impossible date" },
		{ "2026-01-01 25:00", "impossible time of day" },
		{ "2026-01-01T24:00:00Z", "impossible time of day" },
		{ "2026-01-01 09:60", "impossible time of day" },
		{ "2026-01-01 09:05:61 +0800", "impossible time of day" },
		{ "2026-01-01 09:05:00 +25:00", "impossible UTC offset" },
		{ "2026-01-01 09:05:00 +0860", "impossible UTC offset" },
		{ "2026-01-01 09:05:00 CST", "unknown time zone name" },
		{ "2026-01-01 09:05:00 Europe", "unknown time zone name" },
		{ "2026-01-01 09:05:00 +800", "want" },
		{ "2026-01-01 09:05:00 +08:0", "want" },
		{ "2026-01-01 09:05:00 +", "want" },
		{ "2026-01-01-08", "want" },
		{ "2026-01-01 ", "want" },
		{ "2026-01-01 09:05 ", "want" },
		{ "2026-01-01T", "want" },
		{ "2026-01-01 09:05:00.", "want" },
		{ "2026-01-01 09:05:00.Z", "want" },
		{ "2026-01-01 9", "want" },
		{ "2026-01-01 09:5", "want" },
		{ "2026-01-01 009:05", "want" },
		{ "2026-001-01", "want" },
		{ "26-01-01", "want" },
		{ " 2026-01-01", "want" },
		{ "2026/01/01", "want" },
		{ "2026-01-01 09:05:00 +0800 CST 2", "want" },
	};
	struct date	 d;
	const char	*why;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (date_parse(ok[i].in, strlen(ok[i].in), NULL, &d, &why) != 0)
			fail_msg("%s: %s", ok[i].in, why);
		if (d.t != ok[i].t || d.off != ok[i].off)
			fail_msg("%s: t %lld off %d, want %lld %d", ok[i].in,
			    (long long)d.t, d.off, (long long)ok[i].t,
			    ok[i].off);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_parse(bad[i].in, strlen(bad[i].in), NULL, &d, &why) != -1)
			fail_msg("%s: read as %lld", bad[i].in,
			    (long long)d.t);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("%s: why %s, want %s", bad[i].in, why,
			    bad[i].why);
	}
	/* A file name's date prefix: the first ten bytes only. */
	assert_int_equal(date_parse("2019-03-07-title.md", 10, NULL, &d, &why), 0);
	assert_int_equal(d.t, 1551916800);
}

/* A day without an offset is at the local zone's midnight, unpadded too. */
static void
local_unpadded(void **state)
{
	struct date	 d;

	(void)state;
	assert_non_null(zone = zone_open("Europe/London"));
	assert_int_equal(parse("2026-7-1", &d), 0);
	assert_int_equal(d.off, 3600);
	assert_int_equal(d.t, 1782860400);
	assert_int_equal(parse("2026-7-1 9:30", &d), 0);
	assert_int_equal(d.t, 1782860400 + 9 * 3600 + 30 * 60);
	zone_free(zone);
	zone = NULL;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats),
		cmocka_unit_test(local_zone),
		cmocka_unit_test(impossible),
		cmocka_unit_test(jekyll_hugo),
		cmocka_unit_test(local_unpadded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
