# tok - a toolkit for a token-based work economy.  See README.md.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC ?= cc
CFLAGS ?= -O2 -g
PKGS = sqlite3 yaml-0.1 libcrypto
# libpq's headers only: common/pq.c loads the library when a ledger is on
# PostgreSQL, so that the tools do not load it (and its twenty
# dependencies) at every start.
override CFLAGS += -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Icommon \
	$(shell pkg-config --cflags $(PKGS) libpq 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldl -lm
ifeq ($(SANITIZE),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
endif
# Test-only: builds the deliberately broken variant the stress checker must
# catch (tests/stress/README), apart from the real build: obj-broken/ and
# bin-broken/.  OBJDIR and BINDIR_BUILD say where a build goes.
ifeq ($(BROKEN),1)
override CFLAGS += -DTOK_BROKEN_FOR_TESTS
OBJDIR ?= obj-broken
BINDIR_BUILD ?= bin-broken
endif
OBJDIR ?= obj
BINDIR_BUILD ?= bin
O = $(OBJDIR)
B = $(BINDIR_BUILD)

TOOLS = $(patsubst cmd/%.c,%,$(wildcard cmd/tok-*.c))
BINS = $(TOOLS:%=$(B)/%)
LIB_SRC = $(wildcard common/*.c)
LIB_OBJ = $(LIB_SRC:common/%.c=$(O)/common/%.o)
CLI_SRC = $(filter-out cmd/tok-%.c,$(wildcard cmd/*.c))
CLI_OBJ = $(CLI_SRC:cmd/%.c=$(O)/cmd/%.o)
FUZZ = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TIME ?= 60
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
MAN7 = $(wildcard man/*.7)

# Objects are rebuilt whenever the flags change (e.g. SANITIZE=1).
FLAGS_LINE = $(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
$(shell mkdir -p $(O)/common $(O)/cmd $(O)/fuzz $(B); \
	echo '$(FLAGS_LINE)' | cmp -s - $(O)/.flags || echo '$(FLAGS_LINE)' > $(O)/.flags)

all: $(BINS)

$(O)/common/%.o: common/%.c common/*.h $(O)/.flags
	$(CC) $(CFLAGS) -c -o $@ $<

$(O)/cmd/%.o: cmd/%.c cmd/*.h common/tok.h $(O)/.flags
	$(CC) $(CFLAGS) -Icmd -c -o $@ $<

$(O)/libtok.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/%: $(O)/cmd/%.o $(CLI_OBJ) $(O)/libtok.a
	$(CC) $(LDFLAGS) -o $@ $< $(CLI_OBJ) $(O)/libtok.a $(LDLIBS)

$(O)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(O)/libtok.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(O)/libtok.a \
		$(LDLIBS)

deps:
	@sh tests/deps.sh

# The LD_PRELOAD shim of the I/O fault tests: plain flags, never a
# sanitizer (it is loaded into sanitized binaries too).
$(O)/failio.so: tests/fault/failio.c
	$(CC) -shared -fPIC -O2 -Wall -Wextra -o $@ tests/fault/failio.c -ldl

# What tests/stress and tests/fault need: the build, the broken build
# (apart from it), the shim.
STRESS_ENV = TOK_BIN=$(abspath $(B)) TOK_BROKEN_BIN=$(abspath $(B)-broken) \
	TOK_FAILIO=$(abspath $(O)/failio.so)
stress-deps:
	$(MAKE) all
	$(MAKE) BROKEN=1 OBJDIR=$(O)-broken BINDIR_BUILD=$(B)-broken all
	$(MAKE) $(O)/failio.so

check: deps
	$(MAKE) stress-deps
	$(MAKE) lint
	$(MAKE) fuzz-replay
	$(STRESS_ENV) sh tests/run.sh
	@# CI runs the whole suite once more under ASan+UBSan, in a build of
	@# its own so that bin/ stays the plain one.
	if [ "$${CI:-}" = true ]; then \
		$(MAKE) SANITIZE=1 OBJDIR=obj-san BINDIR_BUILD=bin-san all && \
		$(STRESS_ENV) TOK_BIN=$(abspath bin-san) SANITIZED_BUILD=1 \
		    sh tests/run.sh; \
	fi

# The long versions of the load, fault and hostile-input checks, and a
# table of their figures (tests/stress/README).
stress: deps
	$(MAKE) stress-deps
	$(STRESS_ENV) sh tests/stress/run.sh

# The same suite against a throwaway PostgreSQL server (tests/pg/check.sh).
check-pg: deps
	$(MAKE) all
	TOK_BIN=$(abspath $(B)) sh tests/pg/check.sh

# A representative part of the suite under valgrind --leak-check=full.
valgrind: deps
	$(MAKE) all
	TOK_BIN=$(abspath $(B)) sh tests/stress/valgrind.sh

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7)

# Every input kept in the fuzz corpus, run once through its target.
fuzz-replay: $(FUZZ:%=$(O)/fuzz/%)
	for t in $(FUZZ); do $(O)/fuzz/$$t tests/fuzz/corpus/$$t/* || exit 1; done

# libFuzzer with ASan+UBSan, FUZZ_TIME seconds a target; new finds land
# in the corpus.
fuzz:
	mkdir -p $(O)/fuzz-clang
	for t in $(FUZZ); do \
		clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
			-D_DEFAULT_SOURCE -Icommon \
			$$(pkg-config --cflags $(PKGS) libpq) tests/fuzz/fuzz_$$t.c \
			$(LIB_SRC) -o $(O)/fuzz-clang/$$t $(LDLIBS) || exit 1; \
		dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
		$(O)/fuzz-clang/$$t -max_total_time=$(FUZZ_TIME) $$dict \
			tests/fuzz/corpus/$$t || exit 1; \
	done

demo: deps
	$(MAKE) all
	sh examples/demo.sh

bench: deps
	$(MAKE) all
	TOK_BIN=$(B) sh tests/bench/run.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	install -m 644 completions/bash/* $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 completions/zsh/* $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 completions/fish/* $(DESTDIR)$(FISHCOMPDIR)

uninstall:
	for t in $(TOOLS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$t $(DESTDIR)$(MANDIR)/man1/$$t.1 \
			$(DESTDIR)$(BASHCOMPDIR)/$$t $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man5/tok.yaml.5 $(DESTDIR)$(MANDIR)/man7/tok.7 \
		$(DESTDIR)$(ZSHCOMPDIR)/_tok $(DESTDIR)$(BASHCOMPDIR)/tok-common \
		$(DESTDIR)$(FISHCOMPDIR)/tok-common.fish

clean:
	rm -rf bin obj bin-broken obj-broken bin-san obj-san demo $(B) $(O) \
		$(B)-broken $(O)-broken

.PHONY: all deps check check-pg lint fuzz fuzz-replay demo bench install uninstall \
	clean stress stress-deps valgrind
.PRECIOUS: $(O)/cmd/%.o
