# Helpers for tests/e2e/run.  Sourced; every test runs in a subshell whose
# working folder is a fresh temporary directory, so `fail` may just exit.
#
# A test reports why it failed by `fail MESSAGE`; the runner prints the
# message after "not ok - NAME: ".

# The binary under test: the repository's own unless STET names another.
STET=${STET:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/stet}
# A hung stet must not hang the suite (the sanitizer build is ~3x slower).
STET_TIMEOUT=${STET_TIMEOUT:-60}
# The real interpreter, not a version manager's shim: it starts 5x faster,
# and the suite starts it often.
if [ -z "${PYTHON:-}" ]; then
	PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
	[ -n "$PYTHON" ] || PYTHON=python3
fi
export PYTHON

fail() {
	printf '%s\n' "$*" >"$WHY"
	exit 1
}

# stet ARGS...: run the binary; its output lands in ./out and ./err, its
# exit status in $rc.  Never fails by itself.
stet() {
	rc=0
	timeout "$STET_TIMEOUT" "$STET" "$@" >out 2>err </dev/null || rc=$?
	if [ "$rc" = 124 ]; then
		fail "stet $* timed out after ${STET_TIMEOUT}s"
	fi
	return 0
}

# The first lines of stderr, flattened, for failure messages.
errtxt() {
	head -c 400 err | tr '\n' '|'
}

# build ARGS...: stet build that must succeed.
build_ok() {
	stet build "$@"
	[ "$rc" = 0 ] || fail "stet build $* exited $rc: $(errtxt)"
}

# assert_file PATH...: each is a regular file.
assert_file() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || fail "missing $f"
	done
}

assert_no_file() {
	local f
	for f in "$@"; do
		[ ! -e "$f" ] || fail "$f should not exist"
	done
}

# assert_has FILE STRING: FILE holds STRING (fixed string).
assert_has() {
	[ -f "$1" ] || fail "missing $1"
	grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

assert_lacks() {
	[ -f "$1" ] || fail "missing $1"
	! grep -qF -- "$2" "$1" || fail "$1 should not hold: $2"
}

# site DIR [TITLE]: a small site with a stet.yaml and two good posts.
site() {
	local d=$1
	mkdir -p "$d/posts" "$d/pages" "$d/static"
	cat >"$d/stet.yaml" <<-'EOF'
	title: "Test Site"
	author: "Tess Ter"
	description: "A site for the tests."
	url: "https://example.com/"
	language: en
	timezone: "UTC"
	topics:
	  - { tag: databases, title: "Databases", about: "Storage and such." }
	EOF
	cat >"$d/posts/2024-01-02-first.md" <<-'EOF'
	---
	title: "First post"
	date: 2024-01-02
	tags: [databases]
	summary: "The first one."
	---

	Hello, *world*. See [the second](../second/).

	## A heading
	EOF
	cat >"$d/posts/2024-02-03-second.md" <<-'EOF'
	---
	title: "Second post"
	date: 2024-02-03T10:00:00Z
	tags: [ops]
	---

	Second body.
	EOF
	cat >"$d/pages/about.md" <<-'EOF'
	---
	title: About
	---
	About this site.
	EOF
	printf 'hello\n' >"$d/static/hello.txt"
}

# snap DIR: every path under DIR with type, size, mtime and content hash,
# sorted; two snaps are equal only if nothing was touched.
snap() {
	(cd "$1" && find . -printf '%y %p %s %T@ %l\n' | LC_ALL=C sort &&
	    find . -type f -print0 | LC_ALL=C sort -z |
	    xargs -0 -r sha256sum)
}

# tree_sums DIR: path and content hash of every file (no times).
tree_sums() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%y %p\n' |
	    LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z |
	    xargs -0 -r sha256sum)
}

# bad_input SITE REGEX [WHAT]: SITE has built once; something in it was
# just broken.  The build must fail with exactly one line on stderr that
# matches the extended REGEX, and leave public/ exactly as it was.
# Call `bad_prepare SITE` before breaking the site.
bad_prepare() {
	build_ok -s "$1"
	snap "$1/public" >before.snap
}

bad_input() {
	local d=$1 re=$2 n
	stet build -s "$d"
	[ "$rc" != 0 ] || fail "build succeeded (exit 0); want an error matching /$re/"
	n=$(wc -l <err)
	[ "$n" = 1 ] || fail "want one line on stderr, got $n: $(errtxt)"
	grep -qE -- "$re" err || fail "stderr does not match /$re/: $(errtxt)"
	snap "$d/public" >after.snap
	cmp -s before.snap after.snap ||
	    fail "public/ changed by a failed build: $(diff before.snap after.snap | head -4 | tr '\n' '|')"
	[ ! -e "$d/.public.new" ] || fail ".public.new left behind"
}

# gz_twins DIR: every text file has a .gz twin holding the same bytes.
gz_twins() {
	local f n=0
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		[ -f "$f.gz" ] || fail "no gzip twin for $f"
		gzip -dc "$f.gz" | cmp -s - "$f" ||
		    fail "$f.gz does not unpack to $f"
	done < <(find "$1" -type f \( -name '*.html' -o -name '*.css' -o \
	    -name '*.xml' -o -name '*.txt' -o -name '*.svg' \) -print0)
	[ "$n" -gt 0 ] || fail "no text files in $1"
}

# linkcheck PUBLIC [--portable] [--base PATH] [--site-url URL]
# Checks every HTML page: exactly one stylesheet, no <script>, internal
# links relative (404.html: from the base path), no absolute link to the
# site itself but the canonical one, every relative href/src resolving to
# a file in PUBLIC (a folder to its index.html), every #fragment to an id
# in its target, ids unique per page.  With --portable, every internal
# link names a file.  Prints the problems; exit 1 if any.
linkcheck() {
	"$PYTHON" - "$@" <<-'PY'
	import os, sys, posixpath
	from html.parser import HTMLParser
	from urllib.parse import unquote, urlsplit

	args = sys.argv[1:]
	root = os.path.realpath(args.pop(0))
	portable = False
	base = "/"
	site_url = "https://example.com/"
	while args:
	    a = args.pop(0)
	    if a == "--portable":
	        portable = True
	    elif a == "--base":
	        base = args.pop(0)
	    elif a == "--site-url":
	        site_url = args.pop(0)
	    else:
	        sys.exit("linkcheck: unknown argument " + a)

	class Page(HTMLParser):
	    def __init__(self):
	        super().__init__(convert_charrefs=True)
	        self.links = []   # (tag, attr, value, attrs)
	        self.ids = []
	        self.stylesheets = 0
	        self.scripts = 0
	    def handle_starttag(self, tag, attrs):
	        d = dict(attrs)
	        if "id" in d:
	            self.ids.append(d["id"])
	        if tag == "a" and "name" in d:
	            self.ids.append(d["name"])
	        if tag == "script":
	            self.scripts += 1
	        if tag == "link" and "stylesheet" in (d.get("rel") or "").split():
	            self.stylesheets += 1
	        for k in ("href", "src"):
	            if k in d and d[k] is not None:
	                self.links.append((tag, k, d[k], d))
	    handle_startendtag = handle_starttag

	pages = {}
	def parse(path):
	    if path not in pages:
	        p = Page()
	        with open(path, encoding="utf-8") as f:
	            p.feed(f.read())
	        p.close()
	        pages[path] = p
	    return pages[path]

	problems = []
	def bad(rel, msg):
	    problems.append("%s: %s" % (rel, msg))

	htmls = []
	for d, dirs, files in os.walk(root):
	    dirs.sort()
	    for f in sorted(files):
	        if f.endswith(".html"):
	            htmls.append(os.path.join(d, f))
	if not htmls:
	    bad(root, "no HTML pages")

	for path in htmls:
	    rel = os.path.relpath(path, root)
	    is404 = rel == "404.html"
	    try:
	        p = parse(path)
	    except UnicodeDecodeError as e:
	        bad(rel, "not UTF-8: %s" % e)
	        continue
	    if p.stylesheets != 1:
	        bad(rel, "%d stylesheets, want 1" % p.stylesheets)
	    if p.scripts:
	        bad(rel, "has a <script>")
	    seen = set()
	    for i in p.ids:
	        if i in seen:
	            bad(rel, "id %r twice" % i)
	        seen.add(i)
	    for tag, attr, v, d in p.links:
	        rels = (d.get("rel") or "").split()
	        if tag == "link" and "canonical" in rels:
	            if not v.startswith(site_url):
	                bad(rel, "canonical %r is not under %s" % (v, site_url))
	            continue
	        u = urlsplit(v)
	        if u.scheme or v.startswith("//"):
	            if v.startswith(site_url) or v.rstrip("/") == site_url.rstrip("/"):
	                bad(rel, "absolute link to the site itself: %s=%r" % (attr, v))
	            continue
	        if v.startswith("#"):
	            frag = unquote(v[1:])
	            if frag and frag not in p.ids:
	                bad(rel, "no id for %r" % v)
	            continue
	        if v.startswith("/"):
	            if not is404:
	                bad(rel, "root-relative link %s=%r" % (attr, v))
	                continue
	            if not v.startswith(base):
	                bad(rel, "link %r does not start from the base path %s" % (v, base))
	                continue
	            target = os.path.join(root, unquote(u.path[len(base):]))
	        else:
	            if is404:
	                bad(rel, "relative link %r in 404.html (served at any depth)" % v)
	                continue
	            if not u.path:
	                bad(rel, "empty link %r" % v)
	                continue
	            target = os.path.join(os.path.dirname(path), unquote(u.path))
	        if any(ord(c) > 126 or c in ' "<>' for c in v):
	            bad(rel, "link %r is not percent-encoded" % v)
	        target = os.path.normpath(target)
	        if not (target + "/").startswith(root + "/") and target != root:
	            bad(rel, "link %r leaves public/" % v)
	            continue
	        named_file = os.path.isfile(target)
	        if os.path.isdir(target):
	            target = os.path.join(target, "index.html")
	        if portable and not named_file and tag in ("a", "link"):
	            bad(rel, "portable build links to a folder: %r" % v)
	        if not os.path.isfile(target):
	            bad(rel, "broken link %s=%r" % (attr, v))
	            continue
	        if u.fragment and target.endswith(".html"):
	            if unquote(u.fragment) not in parse(target).ids:
	                bad(rel, "no id for fragment in %r" % v)
	for pr in problems[:20]:
	    print(pr)
	if len(problems) > 20:
	    print("... and %d more" % (len(problems) - 20))
	sys.exit(1 if problems else 0)
	PY
}

# links_ok PUBLIC [ARGS]: linkcheck or fail with its first findings.
links_ok() {
	linkcheck "$@" >links.out 2>&1 ||
	    fail "link check: $(head -3 links.out | tr '\n' '|')"
}

# htmltext FILE TAG: the text content of each TAG element, one per line,
# entities decoded.
htmltext() {
	"$PYTHON" - "$1" "$2" <<-'PY'
	import sys
	from html.parser import HTMLParser
	class P(HTMLParser):
	    def __init__(self, want):
	        super().__init__(convert_charrefs=True)
	        self.want, self.depth, self.buf, self.out = want, 0, "", []
	    def handle_starttag(self, tag, attrs):
	        if tag == self.want:
	            self.depth += 1
	    def handle_endtag(self, tag):
	        if tag == self.want and self.depth:
	            self.depth -= 1
	            if not self.depth:
	                self.out.append(" ".join(self.buf.split()))
	                self.buf = ""
	    def handle_data(self, d):
	        if self.depth:
	            self.buf += d
	p = P(sys.argv[2])
	p.feed(open(sys.argv[1], encoding="utf-8").read())
	p.close()
	for t in p.out:
	    print(t)
	PY
}
