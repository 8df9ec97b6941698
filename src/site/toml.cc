/*
 * TOML front matter, as Hugo writes it between +++ lines, read with
 * toml++ into the tree yamltree.c makes from YAML, so nothing past this
 * file knows which of the two a post was written in.
 *
 * The only C++ in stet.  toml++ reports errors by throwing, and the C
 * that calls us cannot unwind: every exception stops here and becomes an
 * err.  The tree itself is plain C structs in the caller's arena; what
 * toml++ allocates is freed before we return.
 */
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "toml.h"

/*
 * Debian's libtomlplusplus is built with exceptions (its symbols are in
 * toml::v3::ex); headers read without them would name functions the
 * library does not have.
 */
#if !TOML_EXCEPTIONS
#error "toml.cc wants C++ exceptions, as Debian's libtomlplusplus has them"
#endif

namespace {

/* As deep as yamltree.c allows: front matter is a few flat keys. */
constexpr int	TOML_MAX_DEPTH = 32;

struct loader {
	struct arena	*arena;
	const char	*file;
	size_t		 first_line;
	struct err	*err;
};

/* toml++ counts lines from 1; 0 means it does not know. */
size_t
line_of(const loader &l, const toml::source_region &r, size_t fallback)
{
	if (r.begin.line == 0)
		return fallback;
	return l.first_line + r.begin.line - 1;
}

struct ynode *
new_node(const loader &l, enum ynode_kind kind, size_t line)
{
	struct ynode	*n;

	n = static_cast<struct ynode *>(arena_alloc(l.arena, sizeof(*n)));
	if (n == nullptr) {
		err_set(l.err, l.file, 0, "out of memory");
		return nullptr;
	}
	std::memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	return n;
}

struct ynode *
new_scalar(const loader &l, size_t line, std::string_view s, int plain)
{
	struct ynode	*n;

	if ((n = new_node(l, YNODE_SCALAR, line)) == nullptr)
		return nullptr;
	n->str = arena_strndup(l.arena, s.data(), s.size());
	if (n->str == nullptr) {
		err_set(l.err, l.file, 0, "out of memory");
		return nullptr;
	}
	n->len = s.size();
	n->plain = plain;
	return n;
}

/* HH:MM:SS, then the fraction if any, without trailing zeros. */
int
put_time(char *out, size_t sz, const toml::time &t)
{
	int		 n, k;
	uint32_t	 ns = t.nanosecond;

	n = std::snprintf(out, sz, "%02u:%02u:%02u", unsigned{ t.hour },
	    unsigned{ t.minute }, unsigned{ t.second });
	if (n < 0 || static_cast<size_t>(n) >= sz)
		return -1;
	if (ns != 0) {
		for (k = 9; ns % 10 == 0; k--)
			ns /= 10;
		k = std::snprintf(out + n, sz - static_cast<size_t>(n),
		    ".%0*u", k, static_cast<unsigned>(ns));
		if (k < 0 || static_cast<size_t>(k) >= sz -
		    static_cast<size_t>(n))
			return -1;
		n += k;
	}
	return n;
}

int
put_date(char *out, size_t sz, const toml::date &d)
{
	int	 n;

	n = std::snprintf(out, sz, "%04u-%02u-%02u", unsigned{ d.year },
	    unsigned{ d.month }, unsigned{ d.day });
	return n < 0 || static_cast<size_t>(n) >= sz ? -1 : n;
}

/*
 * A value's text: what YAML would have held for it.  Dates in RFC 3339;
 * a local datetime keeps no offset, so it is read in the site's zone as
 * a YAML one would be.
 */
int
value_text(const toml::node &v, char *out, size_t sz, std::string_view *s)
{
	std::to_chars_result	 r;
	int			 n, k, off;

	switch (v.type()) {
	case toml::node_type::integer:
		r = std::to_chars(out, out + sz, v.as_integer()->get());
		if (r.ec != std::errc())
			return -1;
		n = static_cast<int>(r.ptr - out);
		break;
	case toml::node_type::floating_point: {
		double	 d = v.as_floating_point()->get();

		/* TOML's spellings; to_chars would write "-nan". */
		if (std::isnan(d))
			n = std::snprintf(out, sz, "nan");
		else if (std::isinf(d))
			n = std::snprintf(out, sz, "%sinf", d < 0 ? "-" : "");
		else {
			r = std::to_chars(out, out + sz, d);
			if (r.ec != std::errc())
				return -1;
			n = static_cast<int>(r.ptr - out);
		}
		if (n < 0 || static_cast<size_t>(n) >= sz)
			return -1;
		break;
	}
	case toml::node_type::boolean:
		n = std::snprintf(out, sz, "%s",
		    v.as_boolean()->get() ? "true" : "false");
		break;
	case toml::node_type::date:
		n = put_date(out, sz, v.as_date()->get());
		break;
	case toml::node_type::time:
		n = put_time(out, sz, v.as_time()->get());
		break;
	case toml::node_type::date_time: {
		const toml::date_time &dt = v.as_date_time()->get();

		if ((n = put_date(out, sz, dt.date)) == -1 ||
		    static_cast<size_t>(n) + 1 >= sz)
			return -1;
		out[n++] = 'T';
		if ((k = put_time(out + n, sz - static_cast<size_t>(n),
		    dt.time)) == -1)
			return -1;
		n += k;
		if (!dt.offset)
			break;
		off = dt.offset->minutes;
		if (off == 0)
			k = std::snprintf(out + n, sz - static_cast<size_t>(n),
			    "Z");
		else
			k = std::snprintf(out + n, sz - static_cast<size_t>(n),
			    "%c%02d:%02d", off < 0 ? '-' : '+',
			    std::abs(off) / 60, std::abs(off) % 60);
		if (k < 0 || static_cast<size_t>(k) >= sz -
		    static_cast<size_t>(n))
			return -1;
		n += k;
		break;
	}
	default:
		return -1;
	}
	if (n < 0 || static_cast<size_t>(n) >= sz)
		return -1;
	*s = std::string_view(out, static_cast<size_t>(n));
	return 0;
}

int	load_node(const loader &, const toml::node &, int, size_t,
	    struct ynode **);

/*
 * A table's entries in the order they were written: toml++ keeps them
 * sorted by key, and an error or a template walking the map should meet
 * them as the author wrote them.
 */
int
load_table(const loader &l, const toml::table &t, int depth,
    struct ynode *map)
{
	using entry = std::pair<const toml::key *, const toml::node *>;
	std::vector<entry>	 v;
	struct ynode		**tail = &map->child, *key, *n;

	v.reserve(t.size());
	for (auto &&[k, node] : t)
		v.emplace_back(&k, &node);
	std::stable_sort(v.begin(), v.end(),
	    [](const entry &a, const entry &b) {
		const toml::source_position &x = a.first->source().begin;
		const toml::source_position &y = b.first->source().begin;

		return x.line != y.line ? x.line < y.line :
		    x.column < y.column;
	    });
	for (const entry &e : v) {
		key = new_scalar(l, line_of(l, e.first->source(), map->line),
		    e.first->str(), 1);
		if (key == nullptr)
			return -1;
		if (load_node(l, *e.second, depth + 1, key->line, &n) == -1)
			return -1;
		n->key = key;
		*tail = n;
		tail = &n->next;
	}
	return 0;
}

int
load_node(const loader &l, const toml::node &v, int depth, size_t fallback,
    struct ynode **out)
{
	struct ynode		*n, **tail;
	char			 buf[64];
	std::string_view	 s;
	size_t			 line = line_of(l, v.source(), fallback);

	if (depth > TOML_MAX_DEPTH)
		return err_set(l.err, l.file, line, "nested too deep");
	switch (v.type()) {
	case toml::node_type::table:
		if ((n = new_node(l, YNODE_MAP, line)) == nullptr)
			return -1;
		if (load_table(l, *v.as_table(), depth, n) == -1)
			return -1;
		break;
	case toml::node_type::array:
		if ((n = new_node(l, YNODE_SEQ, line)) == nullptr)
			return -1;
		tail = &n->child;
		for (const toml::node &e : *v.as_array()) {
			if (load_node(l, e, depth + 1, line, tail) == -1)
				return -1;
			tail = &(*tail)->next;
		}
		break;
	case toml::node_type::string:
		if ((n = new_scalar(l, line, v.as_string()->get(), 0)) ==
		    nullptr)
			return -1;
		break;
	default:
		if (value_text(v, buf, sizeof(buf), &s) == -1)
			return err_set(l.err, l.file, line, "a TOML value "
			    "stet cannot read");
		if ((n = new_scalar(l, line, s, 1)) == nullptr)
			return -1;
	}
	*out = n;
	return 0;
}

} /* namespace */

int
toml_front_load(struct arena *a, const char *src, size_t len,
    const char *file, size_t first_line, struct ynode **root,
    struct err *err)
{
	loader	 l = { a, file, first_line, err };

	*root = nullptr;
	try {
		toml::table t = toml::parse(std::string_view(src, len));
		struct ynode *n = new_node(l, YNODE_MAP, first_line);

		if (n == nullptr || load_table(l, t, 0, n) == -1)
			return -1;
		*root = n;
		return 0;
	} catch (const toml::parse_error &e) {
		std::string_view d = e.description();

		return err_set(err, file, line_of(l, e.source(), first_line),
		    "%.*s", static_cast<int>(d.size()), d.data());
	} catch (const std::bad_alloc &) {
		return err_set(err, file, 0, "out of memory");
	} catch (const std::exception &e) {
		return err_set(err, file, first_line, "TOML: %s", e.what());
	} catch (...) {
		return err_set(err, file, first_line, "TOML front matter "
		    "could not be read");
	}
}
