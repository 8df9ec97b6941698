#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "support/date.h"

static int
parse(const char *s, struct date *d)
{
	const char *why;

	return date_parse(s, strlen(s), d, &why);
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
	setenv("TZ", "Europe/London", 1);
	tzset();
	assert_int_equal(parse("2026-07-01", &d), 0);
	assert_int_equal(d.off, 3600);	/* summer time */
	date_rfc3339(&d, out, sizeof(out));
	assert_string_equal(out, "2026-07-01T00:00:00+01:00");
	assert_int_equal(parse("2026-01-01", &d), 0);
	assert_int_equal(d.off, 0);
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
	assert_int_equal(parse("2026-1-1", &d), -1);
	assert_int_equal(parse("yesterday", &d), -1);
	assert_int_equal(parse("2026-01-01Tjunk", &d), -1);
	assert_int_equal(parse("2026-01-01T10:00:00+25:00", &d), -1);
	assert_int_equal(parse("", &d), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats),
		cmocka_unit_test(local_zone),
		cmocka_unit_test(impossible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
