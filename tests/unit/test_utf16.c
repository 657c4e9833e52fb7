/* Unit tests for the streaming UTF-16 → UTF-8 transcoder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <string.h>

#include "source/utf16.h"

#define OUT_MAX 512

/* Convert in one go (plus finish); returns the output length. */
static size_t whole(bool be, const unsigned char *in, size_t n,
                    unsigned char *out)
{
    struct lg_utf16 t;
    size_t k;

    lg_utf16_init(&t, be);
    k = lg_utf16_convert(&t, in, n, out);
    assert_true(k <= 2 * n + 8);
    return k + lg_utf16_finish(&t, out + k);
}

static void expect(bool be, const unsigned char *in, size_t n, const char *want)
{
    unsigned char out[OUT_MAX];
    size_t k = whole(be, in, n, out);

    assert_int_equal(k, strlen(want));
    assert_memory_equal(out, want, k);
}

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(lg_utf16_detect((const unsigned char *)"\xFF\xFE", 2), 2);
    assert_int_equal(lg_utf16_detect((const unsigned char *)"\xFE\xFF", 2), 3);
    assert_int_equal(lg_utf16_detect((const unsigned char *)"\xFF", 1), 0);
    assert_int_equal(lg_utf16_detect((const unsigned char *)"ab", 2), 0);
    assert_int_equal(lg_utf16_detect((const unsigned char *)"", 0), 0);
}

static void test_le_bmp(void **state)
{
    /* "A", U+00E9, U+20AC, NUL, "z" */
    static const unsigned char in[] = {0x41, 0x00, 0xE9, 0x00, 0xAC,
                                       0x20, 0x00, 0x00, 0x7A, 0x00};
    unsigned char out[OUT_MAX];
    size_t k;

    (void)state;
    k = whole(false, in, sizeof(in), out);
    assert_int_equal(k, 8);
    assert_memory_equal(out, "A\xC3\xA9\xE2\x82\xAC\0z", 8);
}

static void test_be_bmp(void **state)
{
    static const unsigned char in[] = {0x00, 0x41, 0x00, 0xE9,
                                       0x20, 0xAC, 0xFF, 0xFD};
    (void)state;
    expect(true, in, sizeof(in), "A\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBD");
}

static void test_surrogate_pairs(void **state)
{
    /* U+1F600 = D83D DE00; U+10FFFF = DBFF DFFF; U+10000 = D800 DC00 */
    static const unsigned char le[] = {0x3D, 0xD8, 0x00, 0xDE, 0xFF, 0xDB,
                                       0xFF, 0xDF, 0x00, 0xD8, 0x00, 0xDC};
    static const unsigned char be[] = {0xD8, 0x3D, 0xDE, 0x00, 0xDB, 0xFF,
                                       0xDF, 0xFF, 0xD8, 0x00, 0xDC, 0x00};
    static const char want[] =
        "\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF\xF0\x90\x80\x80";

    (void)state;
    expect(false, le, sizeof(le), want);
    expect(true, be, sizeof(be), want);
}

static void test_lone_surrogates(void **state)
{
    /* lone low */
    static const unsigned char a[] = {0x00, 0xDC, 0x41, 0x00};
    /* high then BMP */
    static const unsigned char b[] = {0x3D, 0xD8, 0x41, 0x00};
    /* high, high, low: first is unpaired, second pairs */
    static const unsigned char c[] = {0x3D, 0xD8, 0x3D, 0xD8, 0x00, 0xDE};
    /* high at end of input */
    static const unsigned char d[] = {0x41, 0x00, 0x3D, 0xD8};
    /* low then high then low: first low lone, then a pair */
    static const unsigned char e[] = {0x00, 0xDE, 0x3D, 0xD8, 0x00, 0xDE};
    /* high then another high at end */
    static const unsigned char f[] = {0x00, 0xD8, 0x00, 0xD8};

    (void)state;
    expect(false, a, sizeof(a),
           "\xEF\xBF\xBD"
           "A");
    expect(false, b, sizeof(b),
           "\xEF\xBF\xBD"
           "A");
    expect(false, c, sizeof(c), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    expect(false, d, sizeof(d), "A\xEF\xBF\xBD");
    expect(false, e, sizeof(e), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    expect(false, f, sizeof(f), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_odd_trailing_byte(void **state)
{
    static const unsigned char a[] = {0x41, 0x00, 0x42};
    /* unpaired high and an odd byte both pending at the end */
    static const unsigned char b[] = {0x3D, 0xD8, 0x42};
    unsigned char out[OUT_MAX];
    size_t k;

    (void)state;
    expect(false, a, sizeof(a), "A\xEF\xBF\xBD");
    k = whole(false, b, sizeof(b), out);
    assert_true(k <= 8);
    assert_int_equal(k, 6);
    assert_memory_equal(out, "\xEF\xBF\xBD\xEF\xBF\xBD", 6);
    expect(false, (const unsigned char *)"", 0, "");
}

/* A sample exercising every path, odd length so a byte is left over. */
static const unsigned char sample_le[] = {
    0x41, 0x00, 0xE9, 0x00, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE, 0x00,
    0xDC, 0x3D, 0xD8, 0x41, 0x00, 0x3D, 0xD8, 0x3D, 0xD8, 0x00, 0xDE,
    0x0A, 0x00, 0xFF, 0xDB, 0xFF, 0xDF, 0x00, 0x00, 0x3D, 0xD8, 0x7F,
};

static void check_splits(bool be, const unsigned char *in, size_t n)
{
    unsigned char ref[OUT_MAX], out[OUT_MAX];
    size_t nref = whole(be, in, n, ref);
    struct lg_utf16 t;

    for (size_t cut = 0; cut <= n; cut++) {
        size_t k;

        lg_utf16_init(&t, be);
        k = lg_utf16_convert(&t, in, cut, out);
        assert_true(k <= 2 * cut + 8);
        k += lg_utf16_convert(&t, in + cut, n - cut, out + k);
        k += lg_utf16_finish(&t, out + k);
        assert_int_equal(k, nref);
        assert_memory_equal(out, ref, k);
    }
    /* one byte at a time */
    {
        size_t k = 0;

        lg_utf16_init(&t, be);
        for (size_t i = 0; i < n; i++) {
            size_t w = lg_utf16_convert(&t, in + i, 1, out + k);
            assert_true(w <= 2 + 8);
            k += w;
        }
        k += lg_utf16_finish(&t, out + k);
        assert_int_equal(k, nref);
        assert_memory_equal(out, ref, k);
    }
    /* every pair of cuts: three chunks */
    for (size_t c1 = 0; c1 <= n; c1++) {
        for (size_t c2 = c1; c2 <= n; c2++) {
            size_t k;

            lg_utf16_init(&t, be);
            k = lg_utf16_convert(&t, in, c1, out);
            k += lg_utf16_convert(&t, in + c1, c2 - c1, out + k);
            k += lg_utf16_convert(&t, in + c2, n - c2, out + k);
            k += lg_utf16_finish(&t, out + k);
            assert_int_equal(k, nref);
            assert_memory_equal(out, ref, k);
        }
    }
}

static void test_split_anywhere(void **state)
{
    unsigned char be[sizeof(sample_le)];
    unsigned char ref_le[OUT_MAX], ref_be[OUT_MAX];
    size_t n = sizeof(sample_le), nle, nbe;

    (void)state;
    /* The same text big-endian: swap each pair, keep the odd byte. */
    for (size_t i = 0; i + 1 < n; i += 2) {
        be[i] = sample_le[i + 1];
        be[i + 1] = sample_le[i];
    }
    be[n - 1] = sample_le[n - 1];
    check_splits(false, sample_le, n);
    check_splits(true, be, n);
    nle = whole(false, sample_le, n, ref_le);
    nbe = whole(true, be, n, ref_be);
    assert_int_equal(nle, nbe);
    assert_memory_equal(ref_le, ref_be, nle);
}

/* Worst case for the documented bound: alternating high surrogates and
 * BMP units, with a carried byte and a high pending from the last call. */
static void test_output_bound(void **state)
{
    static const unsigned char in[] = {0x00, 0xD8, 0x00, 0x08, 0x00,
                                       0xD8, 0x00, 0x08, 0x00, 0xD8};
    unsigned char out[OUT_MAX];
    struct lg_utf16 t;
    size_t k;

    (void)state;
    lg_utf16_init(&t, false);
    k = lg_utf16_convert(&t, in, 5, out);
    assert_true(k <= 2 * 5 + 8);
    k = lg_utf16_convert(&t, in + 5, 5, out);
    assert_true(k <= 2 * 5 + 8);
    k = lg_utf16_finish(&t, out);
    assert_true(k <= 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_le_bmp),
        cmocka_unit_test(test_be_bmp),
        cmocka_unit_test(test_surrogate_pairs),
        cmocka_unit_test(test_lone_surrogates),
        cmocka_unit_test(test_odd_trailing_byte),
        cmocka_unit_test(test_split_anywhere),
        cmocka_unit_test(test_output_bound),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
