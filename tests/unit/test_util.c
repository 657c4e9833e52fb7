/* util/: capped buffers, JSON writer, fingerprints, redaction, entropy,
 * globs, placeholder filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/filter.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/text.h"

static void test_buf_cap(void **state)
{
    struct lg_buf b;

    (void)state;
    lg_buf_init(&b, 8);
    assert_int_equal(lg_buf_puts(&b, "12345678"), LG_OK);
    assert_int_equal(lg_buf_putc(&b, 'x'), LG_ELIMIT);
    assert_int_equal(b.len, 8);
    assert_string_equal(b.data, "12345678");
    lg_buf_release(&b);
}

static void test_json_escaping(void **state)
{
    struct lg_buf b;
    struct lg_json j;

    (void)state;
    lg_buf_init(&b, 1 << 20);
    lg_json_init(&j, &b, false);
    lg_json_obj_begin(&j);
    lg_json_key(&j, "a");
    lg_json_strn(&j, "q\"\\\n\x01\xff\xc3\xa9", 8);
    lg_json_kint(&j, "n", -3);
    lg_json_key(&j, "l");
    lg_json_arr_begin(&j);
    lg_json_bool(&j, true);
    lg_json_null(&j);
    lg_json_arr_end(&j);
    lg_json_obj_end(&j);
    assert_int_equal(lg_json_status(&j), LG_OK);
    assert_string_equal(b.data, "{\"a\":\"q\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\","
                                "\"n\":-3,\"l\":[true,null]}");
    lg_buf_release(&b);
}

static void test_fingerprint_and_redact(void **state)
{
    char a[LG_FINGERPRINT_LEN + 1], b[LG_FINGERPRINT_LEN + 1];
    char r[LG_REDACT_MAX];

    (void)state;
    lg_fingerprint("rule", "secret", 6, a);
    lg_fingerprint("rule", "secret", 6, b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 32);
    lg_fingerprint("rulese", "cret", 4, b); /* the NUL separates id */
    assert_string_not_equal(a, b);
    lg_redact("ghp_0123456789abcdefghij", 24, r, sizeof(r));
    assert_string_equal(r, "ghp_\xe2\x80\xa6(24)");
    lg_redact("short", 5, r, sizeof(r));
    assert_string_equal(r, "\xe2\x80\xa6(5)");
    lg_redact("12345678", 8, r, sizeof(r));
    assert_string_equal(r, "12\xe2\x80\xa6(8)");
}

static void test_entropy(void **state)
{
    (void)state;
    assert_true(lg_entropy("aaaa", 4) == 0.0);
    assert_true(lg_entropy("abcd", 4) > 1.99 && lg_entropy("abcd", 4) < 2.01);
}

static void test_glob(void **state)
{
    static const struct {
        const char *pat, *path;
        bool want;
    } c[] = {
        {"build/", "rebuild/x", false},
        {"build/", "a/build/x", true},
        {"build/", "build", true},
        {"*.log", "a/b/c.log", true},
        {"**/node_modules/**", "a/node_modules/x/y", true},
        {"src/*.c", "src/a.c", true},
        {"src/*.c", "src/x/a.c", false},
        {"a/b/", "a/b/c", true},
        {"a/b/", "x/a/b/c", false},
        {"vendor", "x/vendor/y", true},
        {"**/*.min.js", "web/app.min.js", true},
        {"/top.txt", "./top.txt", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        if (lg_glob_match(c[i].pat, c[i].path) != c[i].want)
            fail_msg("glob '%s' on '%s'", c[i].pat, c[i].path);
    }
}

static void test_grow(void **state)
{
    size_t cap = 0, n;
    int *v = NULL, *t;

    (void)state;
    for (n = 0; n < 100; n++) {
        t = lg_grow(v, &cap, n, sizeof(*v), 4);
        assert_non_null(t);
        v = t;
        v[n] = (int)n;
        assert_true(cap > n);
    }
    assert_int_equal(cap, 128);
    assert_ptr_equal(lg_grow(v, &cap, 5, sizeof(*v), 4), v); /* room left */
    for (n = 0; n < 100; n++)
        assert_int_equal(v[n], (int)n);
    /* overflow: NULL, array and capacity untouched */
    assert_null(lg_grow(v, &cap, cap, SIZE_MAX / 64, 4));
    assert_int_equal(cap, 128);
    free(v);
}

static void test_placeholder_filter(void **state)
{
    static const char *const drop[] = {
        "${DB_PASSWORD}", "$(cat /run/secrets/x)", "{{ .Values.key }}",
        "%API_KEY%",      "<your-token-here>",     "xxxxxxxxxxxxxxxx",
        "********",       "AKIAIOSFODNN7EXAMPLE",  "my_example_key_1",
        "$DB_PASSWORD",   "changeme123",           "abcdefghijk9",
        "xoxb-0000-FAKE-Rw", "ghp_FakeTokenQ8m2",      "sk_live_fake_Qm4R",
    };
    static const char *const keep[] = {
        "Harbor#4407copperw7L", "ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5",
        "$Xk9fLm2q",            "wJalrXUtnFEMIK7MDENGbPxRfiCYz3",
        /* "FaKe" by chance inside random text is not the word */
        "xoxb-730264-Xw937qtWSXJss1lFaKe",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        if (!lg_filter_secret((const unsigned char *)drop[i], strlen(drop[i])))
            fail_msg("'%s' was not filtered", drop[i]);
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (lg_filter_secret((const unsigned char *)keep[i], strlen(keep[i])))
            fail_msg("'%s' was filtered", keep[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_fingerprint_and_redact),
        cmocka_unit_test(test_entropy),
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_placeholder_filter),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
