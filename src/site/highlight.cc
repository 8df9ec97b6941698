/*
 * stet-highlight.so: code highlighting with KDE's KSyntaxHighlighting
 * (the library of Kate, KDevelop and Qt Creator), behind the plain C
 * interface of highlight_plugin.h.  highlight.c loads this on first use,
 * so the Qt libraries it needs are read only by a build that has code
 * to colour, not by every stet command.
 *
 * The library walks each line through a definition's contexts and calls
 * applyFormat with each run of text and its Format; the Format's
 * Theme::TextStyle (Keyword, String, ...) picks one of stet's few
 * classes.  Runs go back to highlight.c as byte offsets into the code it
 * gave, never as text: the escaping, the spans and every byte written
 * stay stet's, whatever the library does with the text.
 *
 * Offsets.  The library reads a line as a QString and counts in UTF-16
 * code units.  An ASCII line is its own map (one byte, one unit).  Any
 * other line is decoded here, not by Qt, so that each unit's byte is
 * known: a valid sequence is one or two units (a surrogate pair), and
 * each byte of an invalid one is one U+FFFD.  The map only grows, so
 * runs that tile the units tile the bytes, and none is lost or doubled.
 *
 * Threads.  A Repository (the definitions, loaded lazily as used) and a
 * highlighter are not thread-safe; separate instances are.  Each thread
 * that highlights makes its own (thread_local), the first time: some
 * milliseconds to read the library's index of definitions, under a lock
 * (read_lock, below) as is reading each definition.  Nothing here needs
 * a QCoreApplication: the definitions are resources compiled into the
 * library, and the user's own are found with QStandardPaths.
 *
 * Exceptions stop here: std::bad_alloc is -1, anything else leaves the
 * code plain.
 */
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <QString>

#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/State>
#include <KSyntaxHighlighting/Theme>

#include "highlight_plugin.h"

namespace {

namespace ksh = KSyntaxHighlighting;

/*
 * Theme::TextStyle to stet's class, 0 for none.  Operators and normal
 * text stay plain, as punctuation reads best uncoloured; "BuiltIn" is
 * a language's own functions (print, len, echo); "Extension" the types
 * of a known library (Qt's, boost's); "Import" what C's #include names,
 * which goes with the directive; what a comment flags (TODO, "Alert")
 * stays a comment.
 */
char
class_of_style(ksh::Theme::TextStyle s)
{
	switch (s) {
	case ksh::Theme::Keyword:
	case ksh::Theme::ControlFlow:
		return 'k';
	case ksh::Theme::DataType:
	case ksh::Theme::Extension:
		return 't';
	case ksh::Theme::String:
	case ksh::Theme::VerbatimString:
	case ksh::Theme::SpecialString:
	case ksh::Theme::Char:
	case ksh::Theme::SpecialChar:
		return 's';
	case ksh::Theme::Comment:
	case ksh::Theme::Documentation:
	case ksh::Theme::CommentVar:
	case ksh::Theme::RegionMarker:
	case ksh::Theme::Information:
	case ksh::Theme::Warning:
	case ksh::Theme::Alert:
		return 'c';
	case ksh::Theme::DecVal:
	case ksh::Theme::BaseN:
	case ksh::Theme::Float:
	case ksh::Theme::Constant:
		return 'n';
	case ksh::Theme::Function:
	case ksh::Theme::BuiltIn:
		return 'f';
	case ksh::Theme::Preprocessor:
	case ksh::Theme::Import:
	case ksh::Theme::Annotation:
		return 'm';
	case ksh::Theme::Variable:
	case ksh::Theme::Attribute:
		return 'v';
	default:
		return 0;
	}
}

/*
 * Where a definition's own styles read wrong in stet's few classes, by
 * definition and format name.  Diff gives added and removed lines the
 * styles of variables and strings (so a theme colours them apart):
 * stet has classes for them, the mail's and the stylesheet's.  YAML
 * styles every plain value as an attribute, its keys as functions and
 * its punctuation as keywords;
 * JSON its keys as types, its colons as functions; TOML its keys as
 * types: in all three the keys are what stands out, as variables.  HTML
 * and XML leave attribute names in "Others", which stet does not colour.
 */
const struct {
	const char	*def;
	const char	*name;
	char		 cls;
} by_name[] = {
	{ "Diff", "Added line", 'a' }, { "Diff", "Changed line (new)", 'a' },
	{ "Diff", "Removed line", 'd' }, { "Diff", "Changed line (old)", 'd' },
	{ "Diff", "Header", 'm' }, { "Diff", "File", 'm' },
	{ "YAML", "Key", 'v' }, { "YAML", "Normal Text", 0 },
	{ "YAML", "Attribute", 0 }, { "YAML", "List", 0 }, { "YAML", "Hash", 0 },
	{ "YAML", "Boolean", 'k' }, { "YAML", "Null", 'k' },
	{ "YAML", "Operator", 0 }, { "YAML", "Key Points Operator", 0 },
	{ "JSON", "Style_String_Key", 'v' }, { "JSON", "Style_String_Key_Char", 'v' },
	{ "JSON", "Style_Seperator_Pair", 0 },
	{ "TOML", "Key", 'v' }, { "TOML", "TableHeader", 'm' },
	{ "HTML", "Attribute", 'v' }, { "XML", "Attribute", 'v' },
};

/* The class of f's runs in code highlighted as def. */
char
class_of(const std::string &def, const ksh::Format &f)
{
	QString	 n;

	for (const auto &b : by_name)
		if (def == b.def) {
			if (n.isEmpty())
				n = f.name();
			if (n == QLatin1String(b.name))
				return b.cls;
		}
	return class_of_style(f.textStyle());
}

class runs : public ksh::AbstractHighlighter {
public:
	hl_run_fn		 fn = nullptr;
	void			*arg = nullptr;
	bool			 failed = false;

	/* One line: where it starts in the code, and each unit's byte. */
	size_t			 base = 0;
	size_t			 nbytes = 0;
	bool			 ascii = true;
	std::vector<uint32_t>	 at;	/* units + 1 entries, when !ascii */
	QString			 text;

	/*
	 * The definition highlighted (by name), and its classes by
	 * Format::id() (unique within a Repository): -1 not known yet.
	 */
	const std::string	*def = nullptr;
	std::vector<signed char> *cls = nullptr;

	ksh::State
	line(size_t off, const char *p, size_t n, const ksh::State &st)
	{
		base = off;
		nbytes = n;
		ascii = true;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] >= 0x80) {
				ascii = false;
				break;
			}
		if (ascii) {
			/* In the same buffer as the last line: no malloc. */
			text.resize((int)n);
			QChar *q = text.data();
			for (size_t i = 0; i < n; i++)
				q[i] = QChar((char16_t)(unsigned char)p[i]);
		} else
			decode(p, n);
		return highlightLine(QStringView(text), st);
	}

private:
	void
	put(uint32_t cp, uint32_t byte, int &u, QChar *q)
	{
		if (cp >= 0x10000) {
			q[u] = QChar(QChar::highSurrogate(cp));
			at[(size_t)u++] = byte;
			q[u] = QChar(QChar::lowSurrogate(cp));
			at[(size_t)u++] = byte;
		} else {
			q[u] = QChar((char16_t)cp);
			at[(size_t)u++] = byte;
		}
	}

	/* UTF-8 to UTF-16 with each unit's byte in at: see the top. */
	void
	decode(const char *s, size_t n)
	{
		const unsigned char *p = (const unsigned char *)s;
		size_t	 i = 0, k;
		int	 u = 0;

		/* A unit per byte at most: ASCII 1:1, the rest fewer. */
		text.resize((int)n);
		at.resize(n + 1);
		QChar *q = text.data();
		while (i < n) {
			unsigned char b = p[i];
			uint32_t cp;
			unsigned char lo = 0x80, hi = 0xBF;

			if (b < 0x80) {
				put(b, (uint32_t)i, u, q);
				i++;
				continue;
			}
			if (b >= 0xC2 && b <= 0xDF)
				k = 1, cp = b & 0x1F;
			else if (b >= 0xE0 && b <= 0xEF) {
				k = 2, cp = b & 0x0F;
				if (b == 0xE0)
					lo = 0xA0;	/* overlong */
				else if (b == 0xED)
					hi = 0x9F;	/* surrogates */
			} else if (b >= 0xF0 && b <= 0xF4) {
				k = 3, cp = b & 0x07;
				if (b == 0xF0)
					lo = 0x90;	/* overlong */
				else if (b == 0xF4)
					hi = 0x8F;	/* past U+10FFFF */
			} else
				k = 0, cp = 0;
			bool ok = k > 0 && i + k < n;
			for (size_t j = 1; ok && j <= k; j++) {
				unsigned char c = p[i + j];
				if (c < (j == 1 ? lo : 0x80) ||
				    c > (j == 1 ? hi : 0xBF))
					ok = false;
				else
					cp = cp << 6 | (c & 0x3F);
			}
			if (!ok) {
				put(0xFFFD, (uint32_t)i, u, q);
				i++;
				continue;
			}
			put(cp, (uint32_t)i, u, q);
			i += k + 1;
		}
		at[(size_t)u] = (uint32_t)n;
		text.truncate(u);
	}

	size_t
	byte_at(int unit) const
	{
		if (unit <= 0)
			return 0;
		if (ascii)
			return (size_t)unit < nbytes ? (size_t)unit : nbytes;
		if ((size_t)unit >= at.size())
			return nbytes;
		return at[(size_t)unit];
	}

protected:
	void
	applyFormat(int off, int len, const ksh::Format &f) override
	{
		if (len <= 0 || failed)
			return;
		size_t id = f.id();
		if (id >= cls->size())
			cls->resize(id + 1, -1);
		signed char &c = (*cls)[id];
		if (c == -1)
			c = (signed char)class_of(*def, f);
		if (c == 0)
			return;
		size_t b0 = byte_at(off), b1 = byte_at(off + len);
		if (b1 > b0 && fn(arg, (char)c, base + b0, b1 - b0) == -1)
			failed = true;
	}
};

/* A definition as used: it, and its formats' classes. */
struct def_use {
	ksh::Definition			 def;
	std::vector<signed char>	 cls;
};

/* A thread's own definitions and highlighter. */
struct per_thread {
	ksh::Repository			 repo;
	runs				 h;
	std::map<std::string, def_use>	 defs;	/* by name */
};

/*
 * Taken while a thread reads definitions (its repository's index, then
 * each definition it uses, with those it includes): the reading goes
 * through Qt's resources, text codecs and XML reader, process-wide
 * state that Qt guards itself, but with locks ThreadSanitizer cannot
 * see, and a few milliseconds once per thread and language are cheap
 * to serialize.  Highlighting, the part that takes time, runs on
 * every core.
 */
std::mutex	read_lock;

per_thread &
mine()
{
	thread_local std::unique_ptr<per_thread> t;

	if (!t) {
		std::lock_guard<std::mutex> g(read_lock);
		t.reset(new per_thread);
	}
	return *t;
}

int
skip_run(void *, char, size_t, size_t)
{
	return 0;
}

int
highlight(const char *def, const char *code, size_t len, hl_run_fn fn,
    void *arg)
{
	per_thread	&t = mine();
	const char	*p = code, *end = code + len, *nl;

	if (t.h.def == nullptr || *t.h.def != def) {
		auto it = t.defs.find(def);
		if (it == t.defs.end()) {
			std::lock_guard<std::mutex> g(read_lock);
			ksh::Definition d = t.repo.definitionForName(
			    QString::fromUtf8(def));
			/* Read now, under the lock, not at the first line. */
			(void)d.includedDefinitions();
			it = t.defs.emplace(def, def_use{d, {}}).first;
		}
		if (!it->second.def.isValid())
			return 0;
		t.h.setDefinition(it->second.def);
		t.h.def = &it->first;
		t.h.cls = &it->second.cls;
	}
	ksh::State st;
	if (std::strcmp(def, "PHP/PHP") == 0 && (len < 2 ||
	    std::memcmp(code, "<?", 2) != 0)) {
		/*
		 * PHP's definition starts outside PHP, as a file does,
		 * and essays show code without its "<?php": the state
		 * after that line, whose runs go nowhere, starts it.
		 */
		t.h.fn = skip_run;
		st = t.h.line(0, "<?php", 5, st);
	}
	t.h.fn = fn;
	t.h.arg = arg;
	t.h.failed = false;
	for (; p < end; p = nl + 1) {
		if ((nl = static_cast<const char *>(std::memchr(p, '\n',
		    (size_t)(end - p)))) == nullptr)
			nl = end;
		st = t.h.line((size_t)(p - code), p, (size_t)(nl - p), st);
		if (t.h.failed)
			return -1;
	}
	return 1;
}

} /* namespace */

extern "C" int
stet_hl_abi(void)
{
	return HL_PLUGIN_ABI;
}

extern "C" int
stet_hl_code(const char *def, const char *code, size_t len, hl_run_fn fn,
    void *arg)
{
	try {
		return highlight(def, code, len, fn, arg);
	} catch (const std::bad_alloc &) {
		return -1;
	} catch (...) {
		return 0;
	}
}
