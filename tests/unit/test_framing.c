#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "server/framing.h"

static int
check(const char *head)
{
	return framing_check(head, strlen(head));
}

static void
plain(void **state)
{
	(void)state;
	assert_int_equal(check("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n"
	    "abcd"), 0);
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "Chunked\r\n\r\n0\r\n\r\n"), 0);
	/* The same length twice reads one way only. */
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: 4\r\n"
	    "content-length:4\r\n\r\nabcd"), 0);
	/* Blank lines before a request; bare LF line ends. */
	assert_int_equal(check("\r\nPOST / HTTP/1.1\nContent-Length: 1\n\nx"),
	    0);
	/* What follows the head is not looked at. */
	assert_int_equal(check("GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n"
	    "Content-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 0);
}

static void
ambiguous(void **state)
{
	(void)state;
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: 4\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "chunked\r\nContent-Length: 0\r\n\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: 0\r\n"
	    "Content-Length: 4\r\n\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: 4, 4\r\n"
	    "\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nContent-Length: +4\r\n"
	    "\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "identity\r\nTransfer-Encoding: chunked\r\n\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "gzip, chunked\r\n\r\n"), -1);
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding: "
	    "xchunked\r\n\r\n"), -1);
	/* Folded onto the next line. */
	assert_int_equal(check("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n"
	    " chunked\r\n\r\n"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain),
		cmocka_unit_test(ambiguous),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
