/*
 * Code highlighting with GNU source-highlight's library, behind the C
 * interface of highlight.h.  Its highlighter calls a formatter with each
 * run of text and the name of the element the run is ("keyword",
 * "string", ...); ours writes the run through esc_html, in a span with
 * one of a few classes, so the escaping is stet's and only stet's.
 *
 * Threads.  source-highlight was written for one thread:
 *  - its .lang reader is a flex scanner and a bison parser with global
 *    state, so definitions are read under a lock (once per language
 *    and thread: a few milliseconds);
 *  - the states read are kept per thread (thread_local), never shared;
 *  - every state made takes a new id from a static counter with no
 *    lock: while reading, and while highlighting a language whose rules
 *    refer back to what they matched (Rust's raw strings, Lua's long
 *    brackets: "@{1}" in a .lang file), whose states are copied as it
 *    goes.  So those languages highlight under the same lock.
 * Everything else (boost::regex matching with each thread's own
 * regexes) runs on every core.
 *
 * Exceptions stop here: a definition that cannot be read, or a regex
 * that gives up on a pathological line, leaves that code plain;
 * std::bad_alloc is -1, out of memory.
 */
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <unistd.h>

#include <srchilite/formatter.h>
#include <srchilite/formattermanager.h>
#include <srchilite/highlightrule.h>
#include <srchilite/highlightstate.h>
#include <srchilite/highlighttoken.h>
#include <srchilite/langdefmanager.h>
#include <srchilite/matchingparameters.h>
#include <srchilite/regexrulefactory.h>
#include <srchilite/settings.h>
#include <srchilite/sourcehighlighter.h>

#include "highlight.h"

extern "C" {
#include "../support/esc.h"
}

#ifndef STET_DATADIR
#define STET_DATADIR	"/usr/local/share/stet"
#endif

namespace {

/* One language: the names a fence may give it, and where it is defined. */
struct lang {
	const char	*name;		/* stet's name, the class's suffix */
	const char	*aliases;	/* more names, space-separated */
	const char	*file;		/* a .lang file */
	bool		 ours;		/* in share/lang, else the system's */
	bool		 locked;	/* copies states: see the top */
};

/*
 * Sorted by nothing: a fence is looked up once per code block, and the
 * table is short.  Names are matched without regard to case.
 */
const lang langs[] = {
	{ "c", "h", "c.lang", false, false },
	{ "cpp", "c++ cc cxx hpp hh", "cpp.lang", false, false },
	{ "csharp", "cs c#", "csharp.lang", false, false },
	{ "css", "", "css.lang", false, false },
	{ "diff", "patch udiff", "diff.lang", true, false },
	{ "dockerfile", "docker containerfile", "dockerfile.lang", true,
	    false },
	{ "go", "golang", "go.lang", false, false },
	{ "graphql", "gql", "graphql.lang", true, false },
	{ "haskell", "hs", "haskell.lang", false, false },
	{ "html", "htm xhtml", "html.lang", false, false },
	{ "java", "", "java.lang", false, false },
	{ "javascript", "js jsx mjs cjs node", "javascript.lang", false,
	    false },
	{ "json", "jsonc json5 geojson", "json.lang", false, false },
	{ "kotlin", "kt kts", "kotlin.lang", true, false },
	{ "lua", "", "lua.lang", false, true },
	{ "makefile", "make mk", "makefile.lang", false, false },
	{ "perl", "pl pm", "perl.lang", false, false },
	{ "php", "", "php.lang", false, false },
	{ "python", "py py3 python3 gyp", "python.lang", false, false },
	{ "ruby", "rb", "ruby.lang", false, false },
	{ "rust", "rs", "rust.lang", false, true },
	{ "scala", "", "scala.lang", false, false },
	{ "shell", "sh bash zsh ksh shell-script console shellsession",
	    "sh.lang", false, false },
	{ "sql", "postgresql postgres psql mysql sqlite plsql",
	    "sql.lang", false, false },
	{ "swift", "", "swift.lang", true, false },
	{ "toml", "", "toml.lang", true, false },
	{ "typescript", "ts tsx mts cts", "typescript.lang", true, false },
	{ "xml", "svg xsd xsl rss atom", "xml.lang", false, false },
	{ "yaml", "yml", "yaml.lang", true, false },
};

/* Element names to classes; the rest is written without a span. */
const struct {
	const char	*elem;
	const char	*cls;
} classes[] = {
	{ "keyword", "k" }, { "label", "k" }, { "atom", "k" },
	{ "type", "t" }, { "usertype", "t" }, { "classname", "t" },
	{ "string", "s" }, { "regexp", "s" }, { "specialchar", "s" },
	{ "comment", "c" }, { "todo", "c" },
	{ "number", "n" },
	{ "function", "f" }, { "predef_func", "f" },
	{ "preproc", "m" }, { "difflines", "m" },
	{ "variable", "v" }, { "predef_var", "v" }, { "attribute", "v" },
	{ "property", "v" }, { "selector", "v" },
	{ "newfile", "a" }, { "oldfile", "d" },
};

/* Where the definitions are: set once by highlight_init. */
std::string	sys_dir, our_dir;

/* The .lang reader's globals, and HighlightState's id counter. */
std::mutex	lib_lock;

/*
 * Where a run goes: the caller's buf, whether appending failed, and the
 * span that ends the buf (its opening tag; null when it ends otherwise).
 */
struct sink {
	struct buf	*out = nullptr;
	bool		 failed = false;
	const std::string *last = nullptr;
	size_t		 last_end = 0;
};

class span_formatter : public srchilite::Formatter {
	sink		*to;
	std::string	 open;	/* "<span class=\"k\">", or "" */
public:
	span_formatter(sink *s, const char *cls) : to(s)
	{
		if (cls != nullptr)
			open = std::string("<span class=\"") + cls + "\">";
	}
	void
	format(const std::string &s, const srchilite::FormatterParams *)
	    override
	{
		struct buf	*b = to->out;

		if (s.empty() || to->failed)
			return;
		if (open.empty()) {
			if (esc_html(b, s.data(), s.size()) == -1)
				to->failed = true;
			return;
		}
		/*
		 * A run of the same class as the span just closed ("\n"
		 * inside a string) goes into that span.
		 */
		if (to->last != nullptr && *to->last == open &&
		    to->last_end == b->len)
			buf_truncate(b, b->len - (sizeof("</span>") - 1));
		else if (buf_put(b, open.data(), open.size()) == -1) {
			to->failed = true;
			return;
		}
		if (esc_html(b, s.data(), s.size()) == -1 ||
		    BUF_LIT(b, "</span>") == -1) {
			to->failed = true;
			return;
		}
		to->last = &open;
		to->last_end = b->len;
	}
};

/*
 * Speed.  source-highlight's highlighter, at each token, asks every rule
 * of the state for its first match in the rest of the line, and keeps
 * the nearest: each token costs a search to the end of the line per
 * rule, though only the rule that matched has moved past its answer.
 * Wrapped in a cached_rule, a rule answers again from its last search
 * while the line is the same and the new start is not past the match it
 * found: the regex would find that same match (the text between cannot
 * hold an earlier one, or the last search would have found it).  Cold
 * builds spent five times as long in regex searches without it.
 *
 * Its answer can differ in one way only, for the better: searched from
 * the middle of a word, boost takes the start for a word boundary, so
 * "print" searched from its "i" matched \<int\>; the cached answer
 * was found with the whole word in view.
 */
thread_local unsigned long line_serial;	/* a new line, a new serial */

class cached_rule : public srchilite::HighlightRule {
	srchilite::HighlightRulePtr	 inner;
	unsigned long			 serial = 0;
	std::string::const_iterator	 from;	/* where it searched */
	bool				 bol = false;
	bool				 hit = false;
	std::string::size_type		 at = 0;	/* match, from from */
	srchilite::HighlightToken	 tok;
public:
	explicit cached_rule(const srchilite::HighlightRulePtr &r) :
	    HighlightRule(*r), inner(r) {}
	bool
	tryToMatch(std::string::const_iterator start,
	    std::string::const_iterator end, srchilite::HighlightToken &token,
	    const srchilite::MatchingParameters &params) override
	{
		if (serial == line_serial && (start > from ||
		    (start == from && bol == params.beginningOfLine)) &&
		    (!hit || (std::string::size_type)(start - from) <= at)) {
			if (!hit)
				return false;
			token.copyFrom(tok);
			token.prefix.assign(start, from + (std::ptrdiff_t)at);
			token.prefixOnlySpaces = token.prefix.find_first_not_of(
			    " \t") == std::string::npos;
			token.rule = this;
			return true;
		}
		tok.clearMatched();
		tok.matchedSubExps.clear();
		hit = inner->tryToMatch(start, end, tok, params);
		serial = line_serial;
		from = start;
		bol = params.beginningOfLine;
		if (!hit)
			return false;
		at = tok.prefix.size();
		token.copyFrom(tok);
		token.prefixOnlySpaces = tok.prefixOnlySpaces;
		token.rule = this;
		return true;
	}
	bool
	tryToMatch(const std::string &s, srchilite::HighlightToken &token,
	    const srchilite::MatchingParameters &params) override
	{
		return inner->tryToMatch(s, token, params);
	}
	const std::string
	toString() const override
	{
		return inner->toString();
	}
	void
	replaceReferences(const srchilite::ReplacementList &rep) override
	{
		inner->replaceReferences(rep);
	}
	srchilite::HighlightRule *
	clone() override
	{
		return new cached_rule(srchilite::HighlightRulePtr(
		    inner->clone()));
	}
};

/*
 * Wrap every rule of every state reachable from st, but those that
 * refer back to their match (they are copied and rewritten as they go).
 */
void
wrap_rules(const srchilite::HighlightStatePtr &st)
{
	std::set<srchilite::HighlightState *>	 seen;
	std::vector<srchilite::HighlightStatePtr> todo{st};

	while (!todo.empty()) {
		srchilite::HighlightStatePtr s = todo.back();
		todo.pop_back();
		if (!s || !seen.insert(s.get()).second)
			continue;
		const srchilite::RuleList &rules = s->getRuleList();
		for (srchilite::RuleList::size_type i = 0; i < rules.size();
		    i++) {
			srchilite::HighlightRulePtr r = rules[i];
			todo.push_back(r->getNextState());
			if (!r->getNeedsReferenceReplacement())
				s->replaceRule(i, srchilite::HighlightRulePtr(
				    new cached_rule(r)));
		}
	}
}

/* A thread's own: states read, formatters, and where they write. */
struct per_thread {
	sink				 to;
	srchilite::RegexRuleFactory	 factory;
	srchilite::LangDefManager	 defs{&factory};
	srchilite::FormatterManager	 fmt{srchilite::FormatterPtr(
					    new span_formatter(&to, nullptr))};
	/* By lang::file; a null state: it could not be read. */
	std::map<const char *, srchilite::HighlightStatePtr> states;

	per_thread()
	{
		for (const auto &c : classes)
			fmt.addFormatter(c.elem, srchilite::FormatterPtr(
			    new span_formatter(&to, c.cls)));
	}
};

per_thread &
mine()
{
	thread_local per_thread t;

	return t;
}

bool
is_dir_with(const std::string &dir, const char *file)
{
	struct stat	 st;

	return stat((dir + "/" + file).c_str(), &st) == 0 &&
	    S_ISREG(st.st_mode);
}

/* stet's definitions: see highlight.h for where they are looked for. */
std::string
find_our_dir()
{
	const char	*env = std::getenv("STET_DATADIR");
	char		 exe[PATH_MAX];
	ssize_t		 n;
	std::string	 d;

	if (env != nullptr && *env != '\0' &&
	    is_dir_with(d = std::string(env) + "/lang", "yaml.lang"))
		return d;
	if (is_dir_with(d = std::string(STET_DATADIR) + "/lang", "yaml.lang"))
		return d;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return "";
	exe[n] = '\0';
	d = exe;
	d.erase(d.rfind('/') + 1);
	/*
	 * ./stet, build/VARIANT/stet and build/VARIANT/tests/test_x in the
	 * source tree; PREFIX/bin/stet installed under another PREFIX.
	 */
	for (int up = 0; up < 4; up++, d += "../") {
		if (is_dir_with(d + "share/lang", "yaml.lang"))
			return d + "share/lang";
		if (is_dir_with(d + "share/stet/lang", "yaml.lang"))
			return d + "share/stet/lang";
	}
	return "";
}

const lang *
find_lang(const char *name)
{
	for (const auto &l : langs)
		if (std::strcmp(l.name, name) == 0)
			return &l;
	return nullptr;
}

/* Does the space-separated list hold word (n bytes, any case)? */
bool
in_list(const char *list, const char *word, size_t n)
{
	const char	*p = list, *e;

	while (*p != '\0') {
		if ((e = std::strchr(p, ' ')) == nullptr)
			e = p + std::strlen(p);
		if ((size_t)(e - p) == n && strncasecmp(p, word, n) == 0)
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* The state to start l in, read now or before by this thread; or null. */
srchilite::HighlightStatePtr
state_for(per_thread &t, const lang &l)
{
	auto	 it = t.states.find(l.file);

	if (it != t.states.end())
		return it->second;
	srchilite::HighlightStatePtr st;
	const std::string &dir = l.ours ? our_dir : sys_dir;
	if (!dir.empty()) {
		std::lock_guard<std::mutex> g(lib_lock);
		try {
			st = t.defs.getHighlightState(dir, l.file);
			wrap_rules(st);
		} catch (const std::bad_alloc &) {
			throw;
		} catch (...) {
			/* A broken or missing file: that language is plain. */
			st.reset();
		}
	}
	t.states[l.file] = st;
	return st;
}

/* Every line of code short enough, and all of it small enough? */
bool
within_bounds(const char *code, size_t len)
{
	const char	*p = code, *end = code + len, *nl;

	if (len > HIGHLIGHT_MAX_BYTES)
		return false;
	for (; p < end; p = nl + 1) {
		if ((nl = static_cast<const char *>(std::memchr(p, '\n',
		    (size_t)(end - p)))) == nullptr)
			nl = end;
		if ((size_t)(nl - p) > HIGHLIGHT_MAX_LINE)
			return false;
	}
	return true;
}

int
highlight(const lang &l, const char *code, size_t len, struct buf *out)
{
	per_thread	&t = mine();
	const char	*p = code, *end = code + len, *nl;
	size_t		 start = out->len;

	srchilite::HighlightStatePtr st = state_for(t, l);
	if (!st)
		return 0;
	srchilite::SourceHighlighter h(st);
	h.setFormatterManager(&t.fmt);
	/* One span per run of an element, not per token. */
	h.setOptimize(true);
	t.to.out = out;
	t.to.failed = false;
	t.to.last = nullptr;
	std::unique_lock<std::mutex> g(lib_lock, std::defer_lock);
	if (l.locked)
		g.lock();
	try {
		std::string line;
		for (; p < end; p = nl + 1) {
			if ((nl = static_cast<const char *>(std::memchr(p,
			    '\n', (size_t)(end - p)))) == nullptr)
				nl = end;
			line.assign(p, (size_t)(nl - p));
			line_serial++;
			h.highlightParagraph(line);
			if (t.to.failed)
				break;
			if (nl < end && buf_putc(out, '\n') == -1) {
				t.to.failed = true;
				break;
			}
		}
	} catch (const std::bad_alloc &) {
		t.to.failed = true;
	} catch (...) {
		/* boost::regex gave up (too complex): plain, then. */
		buf_truncate(out, start);
		return 0;
	}
	if (t.to.failed) {
		buf_truncate(out, start);
		return -1;
	}
	return 1;
}

} /* namespace */

void
highlight_init(void)
{
	static bool	 done;

	if (done)
		return;
	done = true;
	try {
		sys_dir = srchilite::Settings::retrieveDataDir();
		our_dir = find_our_dir();
	} catch (...) {
		/* Without them every language is plain, and still correct. */
	}
}

const char *
highlight_lang(const char *word, size_t n)
{
	for (const auto &l : langs)
		if ((std::strlen(l.name) == n &&
		    strncasecmp(l.name, word, n) == 0) ||
		    in_list(l.aliases, word, n))
			return l.name;
	return nullptr;
}

int
highlight_code(const char *name, const char *code, size_t len,
    struct buf *out)
{
	const lang	*l = find_lang(name);

	if (l == nullptr || !within_bounds(code, len))
		return 0;
	try {
		return highlight(*l, code, len, out);
	} catch (...) {
		/* Only std::bad_alloc gets here (state_for). */
		return -1;
	}
}

int
highlight_fingerprint(struct buf *out)
{
	struct stat	 st;

	try {
		if (buf_printf(out, "%s\n%s\n", sys_dir.c_str(),
		    our_dir.c_str()) == -1)
			return -1;
		for (const auto &l : langs) {
			const std::string &dir = l.ours ? our_dir : sys_dir;
			std::string f = dir + "/" + l.file;

			if (stat(f.c_str(), &st) == -1)
				st.st_size = -1, st.st_mtim.tv_sec = 0,
				    st.st_mtim.tv_nsec = 0;
			if (buf_printf(out, "%s %lld %lld.%09ld\n", l.file,
			    (long long)st.st_size,
			    (long long)st.st_mtim.tv_sec,
			    (long)st.st_mtim.tv_nsec) == -1)
				return -1;
		}
	} catch (...) {
		return -1;
	}
	return 0;
}
