/* Run-end detector tests: lg_runends_find() must report exactly what
 * Vectorscan reports for the Base64 and hex run expressions, on the whole
 * input and chunk by chunk with only the bytes it is promised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hs/hs.h>

#include "engine/runends.h"
#include "rule/ruleset.h"

#define MAX_ENDS 4096

struct ends {
    unsigned kind[MAX_ENDS];
    size_t end[MAX_ENDS];
    size_t n;
};

static int on_hs(unsigned int id, unsigned long long from,
                 unsigned long long to, unsigned int flags, void *ctx)
{
    struct ends *e = ctx;

    (void)from;
    (void)flags;
    assert_true(e->n < MAX_ENDS);
    e->kind[e->n] = id;
    e->end[e->n++] = (size_t)to;
    return 0;
}

static int on_end(unsigned kind, size_t end, void *payload)
{
    struct ends *e = payload;

    assert_true(e->n < MAX_ENDS);
    e->kind[e->n] = kind;
    e->end[e->n++] = end;
    return 0;
}

static hs_database_t *db;
static hs_scratch_t *scratch;

static int setup(void **state)
{
    const char *expr[2] = {lg_decode_hs_expr[LG_DEC_BASE64],
                           lg_decode_hs_expr[LG_DEC_HEX]};
    unsigned flags[2] = {0, 0};
    unsigned ids[2] = {LG_DEC_BASE64, LG_DEC_HEX};
    hs_compile_error_t *ce = NULL;

    (void)state;
    if (hs_compile_multi(expr, flags, ids, 2, HS_MODE_BLOCK, NULL, &db, &ce) !=
        HS_SUCCESS)
        return -1;
    return hs_alloc_scratch(db, &scratch) == HS_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hs_free_scratch(scratch);
    hs_free_database(db);
    return 0;
}

static void expect_same(const struct ends *want, const struct ends *got,
                        const char *what)
{
    if (want->n != got->n)
        fail_msg("%s: %zu ends, vectorscan %zu", what, got->n, want->n);
    for (size_t i = 0; i < want->n; i++)
        if (want->kind[i] != got->kind[i] || want->end[i] != got->end[i])
            fail_msg("%s: end %zu is %u@%zu, vectorscan %u@%zu", what, i,
                     got->kind[i], got->end[i], want->kind[i], want->end[i]);
}

/* Whole, then in chunks of `step` with the whole prefix, then with only
 * LG_RUNENDS_BACK bytes before each chunk. */
static void check(const unsigned char *buf, size_t n, size_t step)
{
    static struct ends want, got;

    want.n = got.n = 0;
    assert_int_equal(
        hs_scan(db, (const char *)buf, (unsigned)n, 0, scratch, on_hs, &want),
        HS_SUCCESS);
    assert_int_equal(lg_runends_find(buf, 0, 0, n, on_end, &got), 0);
    expect_same(&want, &got, "whole");
    for (int narrow = 0; narrow < 2; narrow++) {
        got.n = 0;
        for (size_t a = 0; a < n; a += step) {
            size_t b = a + step < n ? a + step : n;
            size_t lo = narrow && a > LG_RUNENDS_BACK ? a - LG_RUNENDS_BACK : 0;
            assert_int_equal(lg_runends_find(buf, lo, a, b, on_end, &got), 0);
        }
        expect_same(&want, &got, narrow ? "chunks, narrow" : "chunks");
    }
}

static void test_examples(void **state)
{
    static const char *const text[] = {
        "",
        "x",
        "key=c2VjcmV0c2VjcmV0c2VjcmV0",
        "key = \t  c2VjcmV0c2VjcmV0c2VjcmV0", /* four blanks */
        "key =     c2VjcmV0c2VjcmV0c2VjcmV0", /* five: no match */
        "=c2VjcmV0c2VjcmV0c2Vj",              /* exactly 20 */
        "=c2VjcmV0c2VjcmV0c2V",               /* 19 */
        "id: \"0123456789abcdef0123456789ABCDEF\"",
        "id: 0123456789abcdef0123456789ABCDE", /* 31 hex */
        "a->AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "x=_AAAAAAAAAAAAAAAAAAAAAAA", /* '_' breaks the marker */
        "'++++////++++////++++////'",
        "= = AAAAAAAAAAAAAAAAAAAAAAAA=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
        for (size_t step = 1; step <= 70; step += 23)
            check((const unsigned char *)text[i], strlen(text[i]), step);
}

/* Random text over the characters that matter, with long runs. */
static void test_random(void **state)
{
    static const char alpha[] = "=:\"'> \t\nAZaz09+/fF_%-";
    static unsigned char buf[20000];
    uint64_t r = 0x9e3779b97f4a7c15ULL;

    (void)state;
    for (int round = 0; round < 60; round++) {
        size_t n = 1 + (size_t)(r % sizeof(buf));

        for (size_t i = 0; i < n; i++) {
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            if ((r >> 60) < 3) { /* a run of hex or Base64 */
                size_t len = (r >> 40) % 48;
                for (size_t k = 0; k < len && i < n; k++, i++)
                    buf[i] =
                        (unsigned char)((r >> 59 & 1)
                                            ? "0123456789abcdefABCDEF"[k % 22]
                                            : "AbZz09+/Qx"[(k * 7) % 10]);
                if (i == n)
                    break;
            }
            if (round % 5 == 4) /* any byte */
                buf[i] = (unsigned char)(r >> 33);
            else
                buf[i] = (unsigned char)alpha[(r >> 33) % (sizeof(alpha) - 1)];
        }
        check(buf, n, 1 + (size_t)(r >> 20) % 300);
        check(buf, n, 64);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
