#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "site/frontmatter.h"
#include "site/toml.h"
#include "support/arena.h"
#include "support/date.h"

/* Split src at its +++ fences and load the TOML; the tree lives in *a. */
static int
load(struct arena *a, const char *src, struct ynode **root, struct err *err)
{
	struct front_split fs;

	if (fm_split(src, strlen(src), "p.md", &fs, err) == -1)
		return -1;
	assert_int_equal(fs.kind, FRONT_TOML);
	return fm_load(a, &fs, "p.md", root, err);
}

static const struct ynode *
get(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);

	if (n == NULL)
		fail_msg("no key %s", key);
	return n;
}

static void
scalar(const struct ynode *n, const char *want, int plain)
{
	assert_int_equal(n->kind, YNODE_SCALAR);
	assert_string_equal(n->str, want);
	assert_int_equal(n->len, strlen(want));
	assert_int_equal(n->plain, plain);
}

static void
hugo(void **state)
{
	/* What `hugo new` writes, and what people add to it. */
	const char	*src =
	    "+++\n"
	    "title = \"Why one database\"\n"				/* 2 */
	    "date = 2019-03-07T09:05:00+08:00\n"
	    "draft = true\n"
	    "tags = [\"a\", \"b\"]\n"					/* 5 */
	    "aliases = [\n"
	    "  \"/2019/03/07/one.html\",\n"
	    "  '/posts/one/',\n"
	    "]\n"
	    "description = \"\"\"\n"					/* 10 */
	    "Two lines\n"
	    "of summary.\"\"\"\n"
	    "weight = 3\n"
	    "[params]\n"
	    "author = 'Ann'\n"						/* 15 */
	    "  [params.cover]\n"
	    "  image = 'x.png'\n"
	    "[[resources]]\n"
	    "name = \"r1\"\n"
	    "[[resources]]\n"						/* 20 */
	    "name = \"r2\"\n"
	    "+++\n"
	    "The body.\n";
	struct arena	*a = arena_new();
	struct ynode	*root;
	const struct ynode *n, *e;
	const char	*why;
	struct err	 err;
	struct date	 d;
	struct front_split fs;

	(void)state;
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), 0);
	assert_int_equal(fs.kind, FRONT_TOML);
	assert_int_equal(fs.yaml_line, 2);
	assert_int_equal(fs.body_line, 23);
	assert_string_equal(fs.body, "The body.\n");
	assert_int_equal(load(a, src, &root, &err), 0);
	assert_int_equal(root->kind, YNODE_MAP);
	assert_int_equal(root->line, 2);

	n = get(root, "title");
	scalar(n, "Why one database", 0);
	assert_int_equal(n->line, 2);
	assert_int_equal(n->key->line, 2);

	n = get(root, "date");
	scalar(n, "2019-03-07T09:05:00+08:00", 1);
	assert_int_equal(n->line, 3);
	assert_int_equal(date_parse(n->str, n->len, NULL, &d, &why), 0);
	assert_int_equal(d.t, 1551920700);
	assert_int_equal(d.off, 8 * 3600);

	scalar(get(root, "draft"), "true", 1);

	n = get(root, "tags");
	assert_int_equal(n->kind, YNODE_SEQ);
	assert_int_equal(n->line, 5);
	scalar(n->child, "a", 0);
	scalar(n->child->next, "b", 0);
	assert_null(n->child->next->next);

	n = get(root, "aliases");
	assert_int_equal(n->kind, YNODE_SEQ);
	scalar(n->child, "/2019/03/07/one.html", 0);
	assert_int_equal(n->child->line, 7);
	scalar(n->child->next, "/posts/one/", 0);
	assert_int_equal(n->child->next->line, 8);

	/* The newline right after """ is not part of the string. */
	n = get(root, "description");
	scalar(n, "Two lines\nof summary.", 0);
	assert_int_equal(n->line, 10);

	scalar(get(root, "weight"), "3", 1);

	n = get(root, "params");
	assert_int_equal(n->kind, YNODE_MAP);
	assert_int_equal(n->line, 14);
	scalar(get(n, "author"), "Ann", 0);
	assert_int_equal(get(n, "author")->line, 15);
	e = get(n, "cover");
	assert_int_equal(e->kind, YNODE_MAP);
	assert_int_equal(e->line, 16);
	scalar(get(e, "image"), "x.png", 0);
	assert_int_equal(get(e, "image")->line, 17);

	/* An array of tables is a list of maps. */
	n = get(root, "resources");
	assert_int_equal(n->kind, YNODE_SEQ);
	assert_int_equal(n->child->kind, YNODE_MAP);
	assert_int_equal(n->child->line, 18);
	scalar(get(n->child, "name"), "r1", 0);
	assert_int_equal(n->child->next->line, 20);
	scalar(get(n->child->next, "name"), "r2", 0);
	assert_null(n->child->next->next);

	/* Keys in the order they were written, not toml++'s sorted one. */
	e = root->child;
	assert_string_equal(e->key->str, "title");
	e = e->next;
	assert_string_equal(e->key->str, "date");
	e = e->next;
	assert_string_equal(e->key->str, "draft");
	e = e->next;
	assert_string_equal(e->key->str, "tags");
	arena_free(a);
}

static void
values(void **state)
{
	const char	*src =
	    "+++\n"
	    "local_date = 2019-03-07\n"
	    "local_dt = 2019-03-07T09:05:00\n"
	    "space_z = 2019-03-07 09:05:00Z\n"
	    "frac = 1979-05-27T00:32:00.999999-07:00\n"
	    "lower = 1979-05-27t07:32:00z\n"
	    "west = 1979-05-27T07:32:00-05:30\n"
	    "time = 07:32:00.5\n"
	    "hex = 0xff\n"
	    "neg = -17\n"
	    "big = 9_223_372_036_854_775_807\n"
	    "half = 0.5\n"
	    "huge = 1e100\n"
	    "one = 1.0\n"
	    "inf = -inf\n"
	    "nan = nan\n"
	    "no = false\n"
	    "literal = 'C:\\Users\\x'\n"
	    "raw = '''\n"
	    "a\\nb'''\n"
	    "esc = \"tab\\there \\\"q\\\"\"\n"
	    "inline = { x = 1, y = [1, 'two'] }\n"
	    "empty = []\n"
	    "dotted.key = 'v'\n"
	    "+++\n";
	struct arena	*a = arena_new();
	struct ynode	*root;
	const struct ynode *n;
	struct err	 err;
	struct date	 d;
	const char	*why;

	(void)state;
	assert_int_equal(load(a, src, &root, &err), 0);
	scalar(get(root, "local_date"), "2019-03-07", 1);
	scalar(get(root, "local_dt"), "2019-03-07T09:05:00", 1);
	scalar(get(root, "space_z"), "2019-03-07T09:05:00Z", 1);
	scalar(get(root, "frac"), "1979-05-27T00:32:00.999999-07:00", 1);
	scalar(get(root, "lower"), "1979-05-27T07:32:00Z", 1);
	scalar(get(root, "west"), "1979-05-27T07:32:00-05:30", 1);
	scalar(get(root, "time"), "07:32:00.5", 1);
	scalar(get(root, "hex"), "255", 1);
	scalar(get(root, "neg"), "-17", 1);
	scalar(get(root, "big"), "9223372036854775807", 1);
	scalar(get(root, "half"), "0.5", 1);
	scalar(get(root, "huge"), "1e+100", 1);
	scalar(get(root, "one"), "1", 1);
	scalar(get(root, "inf"), "-inf", 1);
	scalar(get(root, "nan"), "nan", 1);
	scalar(get(root, "no"), "false", 1);
	scalar(get(root, "literal"), "C:\\Users\\x", 0);
	scalar(get(root, "raw"), "a\\nb", 0);
	scalar(get(root, "esc"), "tab\there \"q\"", 0);
	n = get(root, "inline");
	assert_int_equal(n->kind, YNODE_MAP);
	scalar(get(n, "x"), "1", 1);
	n = get(n, "y");
	assert_int_equal(n->kind, YNODE_SEQ);
	scalar(n->child, "1", 1);
	scalar(n->child->next, "two", 0);
	n = get(root, "empty");
	assert_int_equal(n->kind, YNODE_SEQ);
	assert_null(n->child);
	n = get(root, "dotted");
	assert_int_equal(n->kind, YNODE_MAP);
	scalar(get(n, "key"), "v", 0);

	/* Every date form TOML has is one date_parse reads. */
	n = get(root, "frac");
	assert_int_equal(date_parse(n->str, n->len, NULL, &d, &why), 0);
	assert_int_equal(d.off, -7 * 3600);
	n = get(root, "lower");
	assert_int_equal(date_parse(n->str, n->len, NULL, &d, &why), 0);
	assert_int_equal(d.t, 296638320);
	n = get(root, "local_dt");
	assert_int_equal(date_parse(n->str, n->len, NULL, &d, &why), 0);
	n = get(root, "local_date");
	assert_int_equal(date_parse(n->str, n->len, NULL, &d, &why), 0);
	arena_free(a);
}

static void
unicode(void **state)
{
	const char	*src =
	    "\xef\xbb\xbf+++\r\n"
	    "title = \"Ωmega — 日本語 \\u00e9 \\U0001F600\"\r\n"
	    "\"clé\" = 'ünïcödé'\r\n"
	    "tags = [\"café\", \"naïve\"]\r\n"
	    "+++\r\n"
	    "body\r\n";
	struct arena	*a = arena_new();
	struct ynode	*root;
	struct err	 err;

	(void)state;
	assert_int_equal(load(a, src, &root, &err), 0);
	scalar(get(root, "title"), "Ωmega — 日本語 é \xf0\x9f\x98\x80", 0);
	scalar(get(root, "clé"), "ünïcödé", 0);
	assert_int_equal(get(root, "clé")->line, 3);
	scalar(get(root, "tags")->child->next, "naïve", 0);
	arena_free(a);
}

/* src must fail with an error that starts with want. */
static void
bad(const char *src, const char *want)
{
	struct arena	*a = arena_new();
	struct ynode	*root;
	struct err	 err;

	if (load(a, src, &root, &err) != -1)
		fail_msg("%s: loaded", src);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("want %s..., got %s", want, err.msg);
	arena_free(a);
}

static void
errors(void **state)
{
	char		 deep[256];
	size_t		 i, n;

	(void)state;
	/* Lines are those of the file, counting the +++ line. */
	bad("+++\ntitle = 'x'\ndate =\n+++\n", "p.md:3: ");
	bad("+++\ntitle = 'x'\n\n\ntitle = 'y'\n+++\n", "p.md:5: ");
	bad("+++\ntitle = \"never closed\ndate = 2019-03-07\n+++\n",
	    "p.md:2: ");
	bad("+++\ntitle 'x'\n+++\n", "p.md:2: ");
	bad("+++\n[params]\nx = 1\n[params]\ny = 2\n+++\n", "p.md:4: ");
	bad("+++\ndate = 2026-02-30\n+++\n", "p.md:2: ");
	bad("+++\ndate = 2026-01-01T25:00:00Z\n+++\n", "p.md:2: ");
	bad("+++\ntitle = \"\xff\"\n+++\n", "p.md:2: ");
	bad("+++\ntags = [\"a\" \"b\"]\n+++\n", "p.md:2: ");
	/* YAML in TOML's fences. */
	bad("+++\ntitle: x\n+++\n", "p.md:2: ");
	/* Arrays in arrays, past what front matter could want. */
	n = (size_t)snprintf(deep, sizeof(deep), "+++\nx = ");
	for (i = 0; i < 40; i++)
		deep[n++] = '[';
	for (i = 0; i < 40; i++)
		deep[n++] = ']';
	memcpy(deep + n, "\n+++\n", 6);
	bad(deep, "p.md:2: nested too deep");
}

static void
fences(void **state)
{
	struct front_split fs;
	struct err	 err;
	struct arena	*a = arena_new();
	struct ynode	*root;
	const char	*src;

	(void)state;
	/* Only +++ closes +++: "---" and "..." are TOML's to reject. */
	src = "+++\ntitle = 'x'\n---\n";
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), -1);
	assert_string_equal(err.msg, "p.md:1: front matter is never closed: "
	    "no +++ line after it");
	src = "+++\ntitle = 'x'\n...\n+++\nbody";
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), 0);
	assert_int_equal(fs.body_line, 5);
	assert_int_equal(fm_load(a, &fs, "p.md", &root, &err), -1);
	assert_non_null(strstr(err.msg, "p.md:3: "));
	/* And +++ does not close ---. */
	src = "---\ntitle: x\n+++\n";
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), -1);
	assert_string_equal(err.msg, "p.md:1: front matter is never closed: "
	    "no --- line after it");
	/* Empty front matter is an empty map, as in YAML. */
	src = "+++\n+++\nbody";
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), 0);
	assert_int_equal(fm_load(a, &fs, "p.md", &root, &err), 0);
	assert_int_equal(root->kind, YNODE_MAP);
	assert_null(root->child);
	assert_int_equal(root->line, 2);
	/* Without a newline at the end of the closing fence. */
	src = "+++\ntitle = 'x'\n+++";
	assert_int_equal(fm_split(src, strlen(src), "p.md", &fs, &err), 0);
	assert_int_equal(fs.body_len, 0);
	arena_free(a);
}

/*
 * Inputs on which toml++ 3.3.0 reaches code it marks unreachable or
 * assumes away (its issues 190 and 301, fixed upstream later): the
 * library Debian compiled must still read them right.
 */
static void
toml_bugs(void **state)
{
	const char	*src =
	    "+++\n"
	    "s = \"\"\"\\\n"
	    "\xc2\xa7 \xc3\xa9t\xc3\xa9\"\"\"\n"
	    "+++\n";
	struct arena	*a = arena_new();
	struct ynode	*root;
	struct err	 err;

	(void)state;
	assert_int_equal(load(a, src, &root, &err), 0);
	scalar(get(root, "s"), "\xc2\xa7 \xc3\xa9t\xc3\xa9", 0);
	arena_free(a);
	bad("+++\n[[[1]]]\n+++\n", "p.md:2: ");
	bad("+++\n[{params]\n+++\n", "p.md:2: ");
	bad("+++\n\xcc\xaa\n+++\n", "p.md:2: ");
}

/* The C interface called straight, with a first line past 1. */
static void
direct(void **state)
{
	struct arena	*a = arena_new();
	struct ynode	*root;
	struct err	 err;
	const char	*src = "a = 1\nb = [\n";

	(void)state;
	assert_int_equal(toml_front_load(a, src, 5, "c.toml", 10, &root,
	    &err), 0);
	assert_int_equal(root->child->line, 10);
	assert_int_equal(toml_front_load(a, src, strlen(src), "c.toml", 10,
	    &root, &err), -1);
	assert_null(root);
	assert_string_equal(err.msg, "c.toml:11: Error while parsing array: "
	    "encountered end-of-file");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hugo),
		cmocka_unit_test(values),
		cmocka_unit_test(unicode),
		cmocka_unit_test(errors),
		cmocka_unit_test(fences),
		cmocka_unit_test(toml_bugs),
		cmocka_unit_test(direct),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
