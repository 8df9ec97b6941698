/*
 * The C side of code highlighting: the table of languages, the bounds,
 * the HTML, the fingerprint, and loading stet-highlight.so (highlight.cc,
 * on KSyntaxHighlighting and so on Qt) when a build first has code to
 * colour.  Linked, Qt's libraries made every stet command start some
 * 5 ms slower, a tenth of a rebuild's budget, for the many commands
 * and builds that never highlight a line.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../support/buf.h"
#include "../support/esc.h"
#include "highlight.h"
#include "highlight_cache.h"
#include "highlight_plugin.h"

#ifndef STET_LIBDIR
#define STET_LIBDIR	"/usr/local/lib"
#endif
/* The library the plugin links, as the compiler found it (Makefile). */
#ifndef STET_KSH_LIB
#define STET_KSH_LIB	"libKF5SyntaxHighlighting.so.5"
#endif

#define PLUGIN		"stet-highlight.so"

/* One language: the names a fence may give it, and its definition. */
struct lang {
	const char	*name;		/* stet's name, the class's suffix */
	const char	*aliases;	/* more names, space-separated */
	const char	*def;		/* KSyntaxHighlighting's name */
};

/*
 * Sorted by nothing: a fence is looked up once per code block, and the
 * table is short.  Names are matched without regard to case.
 */
static const struct lang langs[] = {
	{ "c", "h", "C" },
	{ "cpp", "c++ cc cxx hpp hh", "C++" },
	{ "csharp", "cs c#", "C#" },
	{ "css", "", "CSS" },
	{ "diff", "patch udiff", "Diff" },
	{ "dockerfile", "docker containerfile", "Dockerfile" },
	{ "go", "golang", "Go" },
	{ "graphql", "gql", "GraphQL" },
	{ "haskell", "hs", "Haskell" },
	{ "html", "htm xhtml", "HTML" },
	{ "java", "", "Java" },
	{ "javascript", "js jsx mjs cjs node", "JavaScript" },
	{ "json", "jsonc json5 geojson", "JSON" },
	{ "kotlin", "kt kts", "Kotlin" },
	{ "lua", "", "Lua" },
	{ "makefile", "make mk", "Makefile" },
	{ "perl", "pl pm", "Perl" },
	{ "php", "", "PHP/PHP" },
	{ "python", "py py3 python3 gyp", "Python" },
	{ "ruby", "rb", "Ruby" },
	{ "rust", "rs", "Rust" },
	{ "scala", "", "Scala" },
	{ "shell", "sh bash zsh ksh shell-script console shellsession",
	    "Bash" },
	/*
	 * MySQL's: the generic and PostgreSQL definitions take common
	 * column names (id, name) for keywords.
	 */
	{ "sql", "postgresql postgres psql mysql sqlite plsql",
	    "SQL (MySQL)" },
	{ "swift", "", "Swift" },
	{ "toml", "", "TOML" },
	{ "typescript", "ts tsx mts cts", "TypeScript" },
	{ "xml", "svg xsd xsl rss atom", "XML" },
	{ "yaml", "yml", "YAML" },
};

/*
 * The plugin, loaded once for the process by whichever thread needs it
 * first; why not, when it could not be (for the one warning).
 */
static pthread_once_t	load_once = PTHREAD_ONCE_INIT;
static __typeof__(stet_hl_code) *hl_code;
static char		load_why[PATH_MAX + 256];
static atomic_int	why_told;
static atomic_int	load_tried;	/* load has begun */

/* Where the plugin is, or would be: set once, by find_plugin. */
static pthread_once_t	find_once = PTHREAD_ONCE_INIT;
static char		plugin_path[PATH_MAX];

static int
is_file(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * Beside the binary (./stet and build/VARIANT/stet in the source tree,
 * each with the plugin its make built), the folder above it (the unit
 * tests in build/VARIANT/tests/, the fuzz harnesses in build/fuzz/harness/),
 * PREFIX/lib/stet for PREFIX/bin/stet (installed under a PREFIX other
 * than the one it was built for), then LIBDIR/stet, where make install
 * puts it.
 */
static void
find_plugin(void)
{
	char		 exe[PATH_MAX], try[PATH_MAX];
	const char	*ups[] = { "", "../", "../lib/stet/" };
	ssize_t		 n;
	char		*slash;
	size_t		 i;
	int		 k;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			slash[1] = '\0';
		for (i = 0; i < sizeof(ups) / sizeof(*ups); i++) {
			k = snprintf(try, sizeof(try), "%s%s" PLUGIN, exe,
			    ups[i]);
			if (k > 0 && (size_t)k < sizeof(try) && is_file(try)) {
				memcpy(plugin_path, try, (size_t)k + 1);
				return;
			}
		}
	}
	k = snprintf(plugin_path, sizeof(plugin_path), "%s/stet/" PLUGIN,
	    STET_LIBDIR);
	if (k < 0 || (size_t)k >= sizeof(plugin_path))
		plugin_path[0] = '\0';
}

static void
load(void)
{
	__typeof__(stet_hl_abi)	*abi;
	void			*h;

	atomic_store(&load_tried, 1);
	pthread_once(&find_once, find_plugin);
	if (plugin_path[0] == '\0' || !is_file(plugin_path)) {
		(void)snprintf(load_why, sizeof(load_why), "no " PLUGIN
		    " beside stet nor in " STET_LIBDIR "/stet");
		return;
	}
	/* RTLD_LOCAL: Qt's symbols stay out of the binary's way. */
	if ((h = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		(void)snprintf(load_why, sizeof(load_why), "%s", dlerror());
		return;
	}
	/* Through void **: ISO C has no cast from void * to a function. */
	*(void **)&abi = dlsym(h, "stet_hl_abi");
	*(void **)&hl_code = dlsym(h, "stet_hl_code");
	if (abi == NULL || hl_code == NULL || abi() != HL_PLUGIN_ABI) {
		(void)snprintf(load_why, sizeof(load_why), "%s: made for "
		    "another stet", plugin_path);
		hl_code = NULL;
		return;	/* h stays open: loaded once */
	}
}

void
highlight_init(void)
{
	/* Nothing to do before the first code block: see the top. */
}

/* Does the space-separated list hold word (n bytes, any case)? */
static int
in_list(const char *list, const char *word, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		if ((e = strchr(p, ' ')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && strncasecmp(p, word, n) == 0)
			return 1;
		p = *e ? e + 1 : e;
	}
	return 0;
}

const char *
highlight_lang(const char *word, size_t n)
{
	size_t	 i;

	for (i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if ((strlen(langs[i].name) == n &&
		    strncasecmp(langs[i].name, word, n) == 0) ||
		    in_list(langs[i].aliases, word, n))
			return langs[i].name;
	return NULL;
}

static const struct lang *
find_lang(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (strcmp(langs[i].name, name) == 0)
			return &langs[i];
	return NULL;
}

/* Every line of code short enough, and all of it small enough? */
static int
within_bounds(const char *code, size_t len)
{
	const char	*p = code, *end = code + len, *nl;

	if (len > HIGHLIGHT_MAX_BYTES)
		return 0;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > HIGHLIGHT_MAX_LINE)
			return 0;
	}
	return 1;
}

/*
 * Where the runs go: the code, the buf, how much of the code is
 * written, and the class of the span that ends the buf (0: none).
 */
struct sink {
	const char	*code;
	size_t		 len;
	struct buf	*out;
	size_t		 done;
	char		 last;
	size_t		 last_end;
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The code from s->done to upto, plain. */
static int
plain_to(struct sink *s, size_t upto)
{
	if (upto <= s->done)
		return 0;
	if (esc_html(s->out, s->code + s->done, upto - s->done) == -1)
		return -1;
	s->done = upto;
	return 0;
}

static int
on_run(void *arg, char cls, size_t off, size_t n)
{
	struct sink	*s = arg;
	char		 open[] = "<span class=\"x\">";
	size_t		 end, i;

	/* Trust nothing: runs out of order or past the code are clipped. */
	if (off > s->len || n > s->len - off || strchr("ktscnfmvad", cls) ==
	    NULL || cls == '\0')
		return 0;
	end = off + n;
	if (end <= s->done)
		return 0;
	/*
	 * Blanks need no colour: a run's leading blanks are left out of
	 * its span (YAML's comments start with those before the '#'), but
	 * when it goes on with the span before; its trailing ones are, at
	 * the end of a line; a run of blanks only gets none.
	 */
	if (!(s->last == cls && s->last_end == s->out->len && off == s->done))
		while (off < end && is_blank(s->code[off]))
			off++;
	for (i = end; i > off && is_blank(s->code[i - 1]); i--)
		;
	if (i == off || end == s->len || s->code[end] == '\n')
		end = i;
	if (off == end || end <= s->done)
		return 0;
	if (plain_to(s, off) == -1)
		return -1;
	/*
	 * A run of the class of the span just closed, with nothing between
	 * (a string's escape, then more string), goes into that span.
	 */
	if (s->last == cls && s->last_end == s->out->len)
		buf_truncate(s->out, s->out->len - (sizeof("</span>") - 1));
	else {
		open[13] = cls;
		if (buf_put(s->out, open, sizeof(open) - 1) == -1)
			return -1;
	}
	if (esc_html(s->out, s->code + s->done, end - s->done) == -1 ||
	    BUF_LIT(s->out, "</span>") == -1)
		return -1;
	s->done = end;
	s->last = cls;
	s->last_end = s->out->len;
	return 0;
}

/* Each run to the sink, and its encoding to runs (highlight_cache.h). */
struct recorder {
	struct sink	*to;
	struct buf	 runs;
};

static int
record_run(void *arg, char cls, size_t off, size_t n)
{
	struct recorder	*r = arg;

	if (hlc_put_run(&r->runs, cls, off, n) == -1)
		return -1;
	return on_run(r->to, cls, off, n);
}

/* Runs kept by a build before (hlc_find) to s, as the plugin gives them. */
static int
replay(struct sink *s, const unsigned char *runs, size_t n)
{
	const unsigned char *p = runs;
	size_t		 off, len;
	char		 cls;

	while (hlc_next_run(&p, runs + n, &cls, &off, &len))
		if (on_run(s, cls, off, len) == -1)
			return -1;
	return 0;
}

int
highlight_code(const char *name, const char *code, size_t len,
    struct buf *out)
{
	const struct lang	*l = find_lang(name);
	const unsigned char	*runs;
	struct recorder		 rec;
	struct sink		 s;
	size_t			 start = out->len, nruns;
	int			 r;

	if (l == NULL || !within_bounds(code, len))
		return 0;
	memset(&s, 0, sizeof(s));
	s.code = code;
	s.len = len;
	s.out = out;
	if (hlc_find(l->def, code, len, &runs, &nruns)) {
		r = replay(&s, runs, nruns) == -1 || plain_to(&s, len) == -1 ?
		    -1 : 1;
		if (r != 1)
			buf_truncate(out, start);
		return r;
	}
	pthread_once(&load_once, load);
	if (hl_code == NULL)
		return 0;
	rec.to = &s;
	buf_init(&rec.runs, 0);
	r = hl_code(l->def, code, len, record_run, &rec);
	if (r == 1 && plain_to(&s, len) == -1)
		r = -1;
	if (r == 1)
		hlc_add(l->def, code, len, (const unsigned char *)rec.runs.data,
		    rec.runs.len);
	buf_free(&rec.runs);
	if (r != 1)
		buf_truncate(out, start);
	return r;
}

const char *
highlight_failure(void)
{
	int	 no = 0;

	/*
	 * Code past the bounds is left plain before the plugin is asked:
	 * that is no failure of it, and no reason to load Qt.
	 */
	if (!atomic_load(&load_tried))
		return NULL;
	pthread_once(&load_once, load);
	if (hl_code != NULL || !atomic_compare_exchange_strong(&why_told, &no,
	    1))
		return NULL;
	return load_why;
}

/* Append "path size mtime" of path (or "path -" when not there). */
static int
print_file(struct buf *out, const char *path)
{
	struct stat	 st;
	char		 real[PATH_MAX];

	if (stat(path, &st) == -1)
		return buf_printf(out, "%s -\n", path);
	if (realpath(path, real) == NULL)
		real[0] = '\0';
	return buf_printf(out, "%s %s %lld %lld.%09ld\n", path, real,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    (long)st.st_mtim.tv_nsec);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every definition file in dir/sub, sorted by name: the library reads
 * each *.xml there, and one of a higher version than its own replaces
 * its own (a definition included by another counts as well: HTML
 * colours the CSS and JavaScript inside it).
 */
static int
print_folder(struct buf *out, const char *dir, const char *sub)
{
	char		 path[PATH_MAX], file[PATH_MAX];
	DIR		*d;
	struct dirent	*e;
	char		**names = NULL, **v;
	size_t		 n = 0, cap = 0, i, k;
	int		 rc = -1;

	if (snprintf(path, sizeof(path), "%s/%s", dir, sub) >=
	    (int)sizeof(path) || (d = opendir(path)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		k = strlen(e->d_name);
		if (k < 5 || strcmp(e->d_name + k - 4, ".xml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(names, cap * sizeof(*v))) == NULL)
				goto out;
			names = v;
		}
		if ((names[n] = strdup(e->d_name)) == NULL)
			goto out;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	if (buf_printf(out, "%s\n", path) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (snprintf(file, sizeof(file), "%s/%s", path, names[i]) <
		    (int)sizeof(file) && print_file(out, file) == -1)
			goto out;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

/*
 * The folders where the library looks for definitions besides its own,
 * as Qt's QStandardPaths (GenericDataLocation) finds them on Linux:
 * $XDG_DATA_HOME or ~/.local/share, then each absolute folder of
 * $XDG_DATA_DIRS or /usr/local/share and /usr/share.
 */
static int
print_user_definitions(struct buf *out)
{
	static const char *const subs[] = { "org.kde.syntax-highlighting/syntax",
	    "katepart5/syntax" };
	const char	*home = getenv("XDG_DATA_HOME"), *dirs, *p, *e;
	char		 dir[PATH_MAX];
	size_t		 i;
	int		 rc = 0;

	if (home != NULL && *home != '\0')
		(void)snprintf(dir, sizeof(dir), "%s", home);
	else if ((home = getenv("HOME")) != NULL)
		(void)snprintf(dir, sizeof(dir), "%s/.local/share", home);
	else
		dir[0] = '\0';
	for (i = 0; i < sizeof(subs) / sizeof(*subs); i++)
		if (dir[0] != '\0' && print_folder(out, dir, subs[i]) == -1)
			return -1;
	dirs = getenv("XDG_DATA_DIRS");
	if (dirs == NULL || *dirs == '\0')
		dirs = "/usr/local/share:/usr/share";
	for (p = dirs; *p != '\0' && rc == 0; p = *e ? e + 1 : e) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		/* Qt skips relative folders. */
		if (*p != '/' || (size_t)(e - p) >= sizeof(dir))
			continue;
		memcpy(dir, p, (size_t)(e - p));
		dir[e - p] = '\0';
		for (i = 0; i < sizeof(subs) / sizeof(*subs) && rc == 0; i++)
			rc = print_folder(out, dir, subs[i]);
	}
	return rc;
}

/*
 * Without loading the plugin: a build that colours nothing must not
 * pay for Qt to make its cache key.  The library holds its own
 * definitions (compiled in), so its file stands for them and for its
 * version; the user's definitions are listed file by file.
 */
int
highlight_fingerprint(struct buf *out)
{
	size_t	 i;

	pthread_once(&find_once, find_plugin);
	if (buf_printf(out, "plugin abi %d\n", HL_PLUGIN_ABI) == -1 ||
	    print_file(out, plugin_path) == -1 ||
	    print_file(out, STET_KSH_LIB) == -1)
		return -1;
	for (i = 0; i < sizeof(langs) / sizeof(*langs); i++)
		if (buf_printf(out, "%s %s\n", langs[i].name, langs[i].def) ==
		    -1)
			return -1;
	return print_user_definitions(out);
}
