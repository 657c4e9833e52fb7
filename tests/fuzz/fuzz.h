/* Shared by the fuzz targets (tests/fuzz/fuzz_*.c) and the replay driver.
 *
 * Each target defines LLVMFuzzerTestOneInput and is linked either with
 * libFuzzer (`make fuzz`, clang) or with replay.c (`make fuzz-replay`, any
 * compiler), which feeds it every file of the seed corpora.  A target that
 * finds a broken promise (chunked and one-shot scans disagree, JSON output
 * that does not parse, ...) calls lg_fuzz_fail, which aborts: libFuzzer
 * saves the input as a crash, the replay driver dies with the message.
 *
 * Helpers here keep process-wide state (a temp directory, compiled
 * rulesets) that is created on first use and never freed: fuzz targets run
 * until the process ends. */
#ifndef LG_FUZZ_FUZZ_H
#define LG_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lg_ruleset;

/* The libFuzzer entry point each target defines.  Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Print "fuzz: <message>" on stderr and abort(). */
void lg_fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#define LG_FUZZ_CHECK(cond)                                                    \
    do {                                                                       \
        if (!(cond))                                                           \
            lg_fuzz_fail("%s:%d: check failed: %s", __FILE__, __LINE__,        \
                         #cond);                                               \
    } while (0)

/* Parameters taken from the front of the input: each call consumes bytes
 * and yields 0 once the input is used up, so every input is valid. */
struct lg_fuzz_in {
    const uint8_t *p;
    size_t n;
};

uint8_t lg_fuzz_u8(struct lg_fuzz_in *in);
uint16_t lg_fuzz_u16(struct lg_fuzz_in *in);
uint32_t lg_fuzz_u32(struct lg_fuzz_in *in);
/* The next min(want, remaining) bytes; *got is set to their number. */
const uint8_t *lg_fuzz_bytes(struct lg_fuzz_in *in, size_t want, size_t *got);

/* xorshift32: the next value of *state (chunk sizes from an input's seed);
 * a zero state starts from `zero`. */
uint32_t lg_fuzz_xorshift(uint32_t *state, uint32_t zero);

/* A per-process temp directory (mkdtemp under $TMPDIR or /tmp), removed at
 * exit.  Aborts when it cannot be created. */
const char *lg_fuzz_tmpdir(void);
/* Write n bytes to path (created 0600, truncated).  Returns 0 or -1. */
int lg_fuzz_write_file(const char *path, const void *data, size_t n);
/* Remove a file tree (symlinks are not followed).  Errors are ignored. */
void lg_fuzz_rmtree(const char *path);

/* A small embedded rule set that exercises keywords, prefilter-only rules,
 * context, multi-line secrets, allow lists and a validator; compiled on
 * first use.  With builtin, the default rules are added too. */
const struct lg_ruleset *lg_fuzz_ruleset(bool builtin);

/* Strict RFC 8259 check of text[0..n): one value, optional surrounding
 * whitespace, no BOM, strings of valid UTF-8 without raw control bytes.
 * *depth (may be NULL) gets the deepest nesting seen. */
bool lg_fuzz_json_valid(const char *text, size_t n, unsigned *depth);
/* Whether s[0..n) is valid UTF-8 (shortest form, no surrogates). */
bool lg_fuzz_utf8_valid(const unsigned char *s, size_t n);

#endif
