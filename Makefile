# leakguard — top-level build.  `make` builds build/leakguard; `make test` runs
# every test layer; `make scan` installs missing packages, builds and scans.
# Everything but src/cli/ is built into build/libleakguard.a, which the binary
# and the test programs link.

CC       ?= cc
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
# Linked libraries.  libcurl is not among them: src/verify/curl_dl.c loads
# it with dlopen() on first use, so only its headers are needed to build.
PKGS      = libpcre2-8 libhs libarchive libgit2 libxxhash yaml-0.1 zlib
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wwrite-strings -Wformat=2
ifeq ($(CI),true)
WARN     += -Werror
endif
OPT      ?= -O2 -g
CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   += $(CSTD) $(OPT) $(WARN) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS   += $(PKG_LIBS) -ldl -lpthread -lm
VERSION   = $(shell cat VERSION)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/rule/*.c src/engine/*.c \
              src/source/*.c src/report/*.c src/scan/*.c src/verify/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/builtin_rules.o \
            $(BUILD)/gen/builtin_blob.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
RULES    := $(sort $(wildcard rules/*.yml))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps deps-check scan test unit-test rules-test e2e-test asan clean \
        valgrind \
        install uninstall format format-check lint-banned bench
all: $(BUILD)/leakguard

deps:
	@scripts/install-deps.sh

# First README command: install what is missing, build, scan a sample tree.
scan: deps
	@$(MAKE) --no-print-directory all
	@echo "== leakguard scan tests/e2e/sample (synthetic credentials)"
	@$(BUILD)/leakguard scan tests/e2e/sample; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DLG_VERSION='"$(VERSION)"' -c $< -o $@

# Default rules are embedded at build time (no files need to be installed).
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(OPT) $(WARN) $< -o $@
$(BUILD)/gen/builtin_rules.c: $(BUILD)/tools/embed $(RULES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(RULES)
$(BUILD)/gen/builtin_rules.o: $(BUILD)/gen/builtin_rules.c
	$(CC) $(CFLAGS) -c $< -o $@

# ... and pre-parsed: tools/rulepack loads them with the normal loader (a bad
# rule fails the build with file:line:col) and serializes them, so the binary
# does not parse YAML at startup.  rulepack links only the objects it needs,
# not libleakguard.a, which holds the blob it produces.
RULEPACK_OBJ := $(BUILD)/tools/rulepack.o $(BUILD)/src/rule/load.o \
                $(BUILD)/src/rule/rule.o $(BUILD)/src/rule/serial.o \
                $(BUILD)/src/util/buf.o $(BUILD)/src/util/error.o
$(BUILD)/tools/rulepack: $(RULEPACK_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/gen/builtin_rules.bin: $(BUILD)/tools/rulepack $(RULES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/rulepack $@ $(RULES)
$(BUILD)/gen/builtin_blob.c: $(BUILD)/tools/embed $(BUILD)/gen/builtin_rules.bin
	$(BUILD)/tools/embed --blob $@ $(BUILD)/gen/builtin_rules.bin
$(BUILD)/gen/builtin_blob.o: $(BUILD)/gen/builtin_blob.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libleakguard.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/leakguard: $(CLI_OBJ) $(BUILD)/libleakguard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libleakguard.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libleakguard.a $(LDLIBS) \
	  $(shell pkg-config --libs cmocka)

# Second README command.
test: deps-check lint-banned all $(TESTS)
	@$(MAKE) --no-print-directory unit-test rules-test fuzz-replay e2e-test

deps-check:
	@scripts/install-deps.sh --check

unit-test: $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

rules-test: $(BUILD)/leakguard
	@echo "== leakguard rules lint && leakguard rules test"
	@$(BUILD)/leakguard rules lint
	@$(BUILD)/leakguard rules test

e2e-test: $(BUILD)/leakguard
	@tests/e2e/run.sh $(BUILD)/leakguard

# The whole test suite under AddressSanitizer + UBSan, in its own build dir.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	  OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test

# Benchmarks are not tests: figures, not assertions (see bench/run.sh).
bench: all
	@bench/run.sh $(BUILD)/leakguard

# Fuzz targets (tests/fuzz/): one libFuzzer target per input surface.
# `make fuzz` (needs clang: apt-get install -y clang libclang-rt-14-dev)
# builds them with libFuzzer + ASan + UBSan into build-fuzz/libfuzzer/ and
# runs each for FUZZ_TIME seconds on its seed corpus; new inputs go to
# build-fuzz/corpus/TARGET, crashes to build-fuzz/crashes/TARGET.
# `make fuzz-replay` (part of `make test`) links the same targets with the
# normal compiler and tests/fuzz/replay.c, and replays every seed file.
FUZZ_TARGETS ?= rules scanner decode json report ignore utf16 archive git serial pack
FUZZ_TIME    ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   ?=
FUZZ_OUT     ?= build-fuzz
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_COMMON   = $(BUILD)/fuzz/fuzz_common.o $(BUILD)/fuzz/json_check.o
FUZZ_REPLAY   = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
FUZZ_BIN      = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-replay
$(BUILD)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
$(FUZZ_REPLAY): $(BUILD)/fuzz/replay_%: $(BUILD)/fuzz/replay.o \
  $(BUILD)/fuzz/fuzz_%.o $(FUZZ_COMMON) $(BUILD)/libleakguard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(FUZZ_BIN): $(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(FUZZ_COMMON) \
  $(BUILD)/libleakguard.a
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)


fuzz-replay: $(FUZZ_REPLAY)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  $(BUILD)/fuzz/replay_$$t tests/fuzz/corpus/$$t; done

fuzz-build: $(FUZZ_BIN)

fuzz:
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs" \
	  "$(FUZZ_CC): apt-get install -y clang libclang-rt-14-dev" >&2; exit 2; }
	@ASAN_OPTIONS=detect_leaks=0 $(MAKE) --no-print-directory CI= \
	  BUILD=$(FUZZ_OUT)/libfuzzer CC=$(FUZZ_CC) LDFLAGS="$(FUZZ_SAN)" \
	  OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  fuzz-build
	@failed=; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_OUT)/corpus/$$t $(FUZZ_OUT)/crashes/$$t; \
	  dict=; [ ! -f tests/fuzz/dict/$$t.dict ] || \
	    dict=-dict=tests/fuzz/dict/$$t.dict; \
	  echo "== fuzz_$$t: $(FUZZ_TIME) s"; \
	  $(FUZZ_OUT)/libfuzzer/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
	    -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 $$dict \
	    -artifact_prefix=$(FUZZ_OUT)/crashes/$$t/ $(FUZZ_FLAGS) \
	    $(FUZZ_OUT)/corpus/$$t tests/fuzz/corpus/$$t || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed" \
	  "(inputs under $(FUZZ_OUT)/crashes/)" >&2; exit 1; fi

# The end-to-end suite with every leakguard run under valgrind's memcheck
# (slow: not part of `make test`; see tests/e2e/valgrind.sh).
valgrind: all
	@tests/e2e/valgrind.sh $(BUILD)/leakguard

lint-banned:
	@scripts/check-banned.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h) $(TEST_SRC)
format-check:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h) $(TEST_SRC)

# Installs the binary (its rules are embedded), the man page, bash and zsh
# completions, the git hooks and the rule files (for reference and as a
# start for --rules).  `make install DESTDIR=/tmp/stage PREFIX=/usr` stages
# a package; `make uninstall` with the same variables removes it all.
BINDIR   = $(DESTDIR)$(PREFIX)/bin
MAN1DIR  = $(DESTDIR)$(PREFIX)/share/man/man1
BASHCOMP = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHCOMP  = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
DATADIR  = $(DESTDIR)$(PREFIX)/share/leakguard
HOOKS   := $(wildcard hooks/pre-commit hooks/pre-push)
install: all
	install -d $(BINDIR) $(MAN1DIR) $(BASHCOMP) $(ZSHCOMP) \
	  $(DATADIR)/rules $(DATADIR)/hooks
	install -m 755 $(BUILD)/leakguard $(BINDIR)/leakguard
	install -m 644 man/leakguard.1 $(MAN1DIR)/leakguard.1
	install -m 644 completions/leakguard.bash $(BASHCOMP)/leakguard
	install -m 644 completions/_leakguard $(ZSHCOMP)/_leakguard
	install -m 644 $(RULES) $(wildcard rules/README.md) $(DATADIR)/rules/
	$(if $(HOOKS),install -m 755 $(HOOKS) $(DATADIR)/hooks/)
uninstall:
	rm -f $(BINDIR)/leakguard $(MAN1DIR)/leakguard.1 \
	  $(BASHCOMP)/leakguard $(ZSHCOMP)/_leakguard
	rm -rf $(DATADIR)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
