# stet: plain make, dependencies through pkg-config.
#   make            the binary, ./stet, and its code highlighter,
#                   ./stet-highlight.so (loaded when a build needs it)
#   make check      every test: the include graph, unit, end-to-end, and
#                   both again under AddressSanitizer and
#                   UndefinedBehaviorSanitizer, then each fuzz harness over
#                   its crash inputs and for 15 s
#   make fuzz       build the libFuzzer harnesses (tests/fuzz/fuzz_*.c,
#                   clang, ASan and UBSan) into build/fuzz/ and run each
#                   for FUZZ_TIME seconds (default 60), one at a time;
#                   crashes land in build/fuzz/artifacts/
#   make install PREFIX=/usr/local DESTDIR=   (LIBDIR=PREFIX/lib: the
#                   highlighter goes in LIBDIR/stet)

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
# The code highlighter, stet-highlight.so, goes in $(LIBDIR)/stet; ./stet
# and the tests find the one their make built beside them.
LIBDIR	?= $(PREFIX)/lib
CC	?= cc
PKG_CONFIG ?= pkg-config

# Two C++ files, for toml++ (src/site/toml.cc) and KSyntaxHighlighting
# (src/site/highlight.cc, the plugin below): the C++ compiler goes with
# CC, and links the binaries so they get the C++ runtime.
ifeq ($(origin CXX),default)
ifneq ($(findstring clang,$(CC)),)
CXX	 = clang++
endif
endif

# GObject is linked for itself (GMime's casts in mail/dsn.c, images.c's
# references), no longer only through GMime.
PKGS	 = libcmark-gfm yaml-0.1 libdeflate libsodium sqlite3 glib-2.0 \
	gobject-2.0 tomlplusplus gumbo jansson
# Headers only: each of these is loaded when a command first needs it,
# by a file of its own: libvips (site/images.c), libcurl (mail, import
# --fetch-media: support/curl_lib.c), GMime (bounces: mail/gmime_lib.c),
# libopendkim (DKIM: mail/opendkim_lib.c), ldns (stet doctor:
# mail/ldns_lib.c).  Linked, the libraries they pull in made every
# command, a rebuild included, start slower; tests/e2e/run's
# libraries_not_linked fails if the binary links one again.
CPKGS	 = vips libcurl gmime-3.0 opendkim ldns
# KDE's KSyntaxHighlighting (no pkg-config file; Qt has one) is linked
# into stet-highlight.so only, which site/highlight_load.c loads when a
# build first has code to colour: linked into stet, Qt's libraries made
# every command start 5 ms slower.  Its headers and Qt's are system
# headers: -Wpedantic is not for them.
KSH_INC	?= /usr/include/KF5/KSyntaxHighlighting
KSH_CFLAGS = -isystem $(KSH_INC) \
	$(patsubst -I%,-isystem %,$(shell $(PKG_CONFIG) --cflags Qt5Core Qt5Gui))
KSH_LIBS = -lKF5SyntaxHighlighting $(shell $(PKG_CONFIG) --libs Qt5Core)
# The library's file, as the linker finds it: the cache key has its size
# and time (it holds the definitions), read without loading it.
KSH_LIB	:= $(abspath $(shell $(CXX) -print-file-name=libKF5SyntaxHighlighting.so.5))
WARN	 = -std=c17 -Wall -Wextra -Wpedantic -Werror
CFLAGS	?= -O2 -g
# libh2o-evloop's pkg-config file gives neither the define its headers
# need nor all the libraries it uses.
ALL_CFLAGS = $(WARN) $(CFLAGS) -D_GNU_SOURCE -pthread -DH2O_USE_LIBUV=0 \
	-DSTET_LIBDIR='"$(LIBDIR)"' -DSTET_KSH_LIB='"$(KSH_LIB)"' \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) $(CPKGS))
LIBS	 = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcmark-gfm-extensions \
	-lh2o-evloop -lssl -lcrypto -lz -lcsv -pthread

# A variant builds into its own folder, so the sanitizer build and the
# plain one never share objects.
VARIANT	?= release
B	 = build/$(VARIANT)
ifeq ($(VARIANT),sanitize)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LIBS	+= -fsanitize=address,undefined
# GLib (under libvips) keeps type tables and thread pools for the life of
# the process, allocated once: LeakSanitizer is told, for every test run
# from here.
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
endif
# The same flags but the language.
ALL_CXXFLAGS = $(patsubst -std=c17,-std=c++17,$(ALL_CFLAGS))
# libFuzzer's variant, clang only (make fuzz sets CC): every object gets
# the coverage hooks and the sanitizers; only the harnesses get
# libFuzzer's main.
ifeq ($(VARIANT),fuzz)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link \
	$(FUZZ_SAN)
LIBS	+= $(FUZZ_SAN)
endif

SRCS	 = $(wildcard src/*.c src/support/*.c src/site/*.c src/cmd/*.c \
	src/server/*.c src/store/*.c src/mail/*.c src/send/*.c \
	src/import/*.c)
CXXSRCS	 = $(filter-out src/site/highlight.cc,$(wildcard src/site/*.cc))
OBJS	 = $(SRCS:src/%.c=$(B)/%.o) $(CXXSRCS:src/%.cc=$(B)/%.o) \
	$(B)/embedded.o
LIBOBJS	 = $(filter-out $(B)/main.o,$(OBJS))
EMBED	 = $(sort $(wildcard src/templates/*.html)) src/style.css \
	src/favicon.svg $(shell find src/skel -type f | LC_ALL=C sort)

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

# One harness per parser, each tests/fuzz/fuzz_NAME.c.  Once any source
# is C++, the harnesses link with the C++ driver, which brings the C++
# runtime (and the sanitizers' C++ parts) along.
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/harness/%)
FUZZ_NAMES = $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_LINK = $(if $(wildcard src/*.cc src/*/*.cc),$(CXX),$(CC))
FUZZ_TIME ?= 60

all: stet

ifeq ($(VARIANT),release)
stet: $(B)/stet $(B)/stet-highlight.so
	cp $(B)/stet stet.tmp && mv -f stet.tmp stet
	cp $(B)/stet-highlight.so stet-highlight.so.tmp && \
		mv -f stet-highlight.so.tmp stet-highlight.so
else
stet: $(B)/stet $(B)/stet-highlight.so
endif

$(B)/stet: $(OBJS)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $(OBJS) $(LIBS)

$(B)/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%.o: src/%.cc $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(B)/site/highlight.pic.o: src/site/highlight.cc src/site/highlight_plugin.h
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -fPIC $(KSH_CFLAGS) -c -o $@ $<

$(B)/stet-highlight.so: $(B)/site/highlight.pic.o
	$(CXX) $(ALL_CXXFLAGS) -shared -fPIC -o $@ $< $(KSH_LIBS) \
		$(filter -fsanitize=%,$(LIBS))

$(B)/embed: tools/embed.c
	@mkdir -p $(B)
	$(CC) $(WARN) -O1 -o $@ $<

$(B)/embedded.c: $(B)/embed $(EMBED)
	$(B)/embed src/ $(EMBED) > $@.tmp && mv $@.tmp $@

$(B)/embedded.o: $(B)/embedded.c src/embedded.h
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(B)/tests/%.o: tests/unit/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(shell $(PKG_CONFIG) --cflags cmocka) \
		-c -o $@ $<

# Kept, so relinking after a library change does not recompile the test.
.SECONDARY: $(UNIT_BINS:%=%.o)

# test_dkim checks signatures with libopendkim's verifier, linked for
# the tests only (stet itself loads libopendkim when it signs).
$(B)/tests/%: $(B)/tests/%.o $(LIBOBJS)
	$(CXX) $(ALL_CXXFLAGS) -o $@ $< $(LIBOBJS) $(LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka opendkim)

# Every answer of the subscription forms, for tests/golden/run.
$(B)/tests/golden-forms: tests/golden/forms.c $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@.o $<
	$(CXX) $(ALL_CXXFLAGS) -o $@ $@.o $(LIBOBJS) $(LIBS)

$(B)/harness/%.o: tests/fuzz/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(B)/harness/%: $(B)/harness/%.o $(LIBOBJS)
	$(FUZZ_LINK) -fsanitize=fuzzer -o $@ $< $(LIBOBJS) $(LIBS)

.SECONDARY: $(FUZZ_BINS:%=%.o)

unit: $(UNIT_BINS) $(B)/stet-highlight.so
	@for t in $(UNIT_BINS); do echo "== $$t"; $$t || exit 1; done

# The rendered site, byte for byte; golden-update rewrites the expected
# files from what this build makes (review the diff before committing).
GOLDEN	 = STET=$(CURDIR)/$(B)/stet GOLDEN_FORMS=$(CURDIR)/$(B)/tests/golden-forms
golden: $(B)/stet $(B)/stet-highlight.so $(B)/tests/golden-forms
	$(GOLDEN) tests/golden/run

golden-update: $(B)/stet $(B)/stet-highlight.so $(B)/tests/golden-forms
	$(GOLDEN) tests/golden/run --update
	STET=$(CURDIR)/$(B)/stet tests/import/run --update

# tests/e2e/atomic's kill loops build a 1,000-post site some fifty times:
# they run in the plain pass only, not again under the sanitizers.
e2e: $(B)/stet $(B)/stet-highlight.so $(B)/tests/golden-forms
	$(GOLDEN) tests/golden/run
	STET=$(CURDIR)/$(B)/stet tests/e2e/run
	STET=$(CURDIR)/$(B)/stet \
	    ATOMIC_LONG=$(if $(filter sanitize,$(VARIANT)),0,1) tests/e2e/atomic
	STET=$(CURDIR)/$(B)/stet tests/e2e/serve
	STET=$(CURDIR)/$(B)/stet tests/e2e/bounds
	STET=$(CURDIR)/$(B)/stet tests/e2e/subscribers
	STET=$(CURDIR)/$(B)/stet tests/e2e/doctor
	STET=$(CURDIR)/$(B)/stet tests/e2e/send
	STET=$(CURDIR)/$(B)/stet tests/e2e/bounces
	STET=$(CURDIR)/$(B)/stet tests/e2e/forms
	STET=$(CURDIR)/$(B)/stet tests/import/run
	STET=$(CURDIR)/$(B)/stet tests/e2e/import

# Each layer includes only the layers below it (tools/check-includes says
# which); tests/includes shows the check fails on a forbidden include.
includes:
	tools/check-includes src
	tests/includes

fuzz-bins: $(FUZZ_BINS) $(B)/stet-highlight.so

# The harnesses grow their corpora in build/fuzz/corpus/, never in
# tests/fuzz/corpus/, which holds the seeds.
fuzz:
	$(MAKE) VARIANT=fuzz CC=clang CXX=clang++ fuzz-bins
	tests/fuzz/run -t $(FUZZ_TIME) -w build/fuzz/corpus build/fuzz/harness \
		$(FUZZ_NAMES)

# The whole suite, plain and then under the sanitizers; last, every
# harness over the inputs that once crashed it, then 15 s of fuzzing
# each from a copy of its seeds.
check: includes
	$(MAKE) VARIANT=clang CC=clang build/clang/stet \
		build/clang/stet-highlight.so
	$(MAKE) VARIANT=release unit e2e
	$(MAKE) VARIANT=sanitize unit e2e
	STET=$(CURDIR)/build/release/stet tests/e2e/validate
	STET=$(CURDIR)/build/release/stet tests/e2e/incremental 1000
	STET=$(CURDIR)/build/release/stet tests/e2e/feeds
	STET=$(CURDIR)/build/release/stet tests/e2e/browser
	$(MAKE) VARIANT=fuzz CC=clang CXX=clang++ fuzz-bins
	tests/fuzz/run -t 15 build/fuzz/harness $(FUZZ_NAMES)

install: stet
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5
	install -m 755 stet $(DESTDIR)$(BINDIR)/stet
	install -m 644 docs/stet.1 $(DESTDIR)$(MANDIR)/man1/stet.1
	install -m 644 docs/stet-templates.5 \
		$(DESTDIR)$(MANDIR)/man5/stet-templates.5
	install -d $(DESTDIR)$(LIBDIR)/stet
	install -m 755 stet-highlight.so $(DESTDIR)$(LIBDIR)/stet/stet-highlight.so

clean:
	rm -rf build stet stet-highlight.so

.PHONY: all stet includes unit golden golden-update e2e fuzz fuzz-bins check \
	install clean
