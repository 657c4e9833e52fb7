/* util/json_parse: values, escapes, limits, error positions, lookups, and a
 * round trip through the writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/json_parse.h"

static struct lg_jnode *parse_ok(const char *s)
{
    struct lg_jnode *v = NULL;
    struct lg_error err;

    lg_error_clear(&err);
    assert_int_equal(lg_jparse(&v, s, strlen(s), NULL, &err), LG_OK);
    assert_non_null(v);
    return v;
}

static int parse_rc(const char *s, const struct lg_jlimits *lim,
                    struct lg_error *err)
{
    struct lg_jnode *v = (struct lg_jnode *)1;
    int rc;

    lg_error_clear(err);
    rc = lg_jparse(&v, s, strlen(s), lim, err);
    if (rc < 0)
        assert_null(v);
    lg_jnode_free(v);
    return rc;
}

static void test_scalars_and_objects(void **state)
{
    struct lg_jnode *v;
    int64_t i = 0;
    bool b = false;

    (void)state;
    v = parse_ok(
        " {\"user\": {\"email\": \"a@b.test\", \"id\": 42},"
        " \"ok\": true, \"x\": null, \"f\": -1.5e2, \"l\": [1, [], {}],"
        " \"big\": 1700000000123} ");
    assert_int_equal(v->type, LG_JOBJECT);
    assert_string_equal(lg_jget_str(lg_jget(v, "user"), "email"), "a@b.test");
    assert_true(lg_jget_int(lg_jget(v, "user"), "id", &i));
    assert_int_equal(i, 42);
    assert_true(lg_jget_bool(v, "ok", &b));
    assert_true(b);
    assert_int_equal(lg_jget(v, "x")->type, LG_JNULL);
    assert_true(lg_jget(v, "f")->number == -150.0);
    assert_false(lg_jget_int(v, "f", &i)); /* not an integer */
    assert_int_equal(lg_jget(v, "l")->n, 3);
    assert_true(lg_jget_int(v, "big", &i));
    assert_true(i == 1700000000123LL);
    /* lookups tolerate NULL and wrong types */
    assert_null(lg_jget_str(v, "user"));
    assert_null(lg_jget_str(lg_jget(v, "missing"), "x"));
    assert_null(lg_jget(lg_jget(v, "l"), "x"));
    lg_jnode_free(v);
}

static void test_string_escapes(void **state)
{
    struct lg_jnode *v;

    (void)state;
    v = parse_ok(
        "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\\u0000z\"");
    assert_int_equal(v->type, LG_JSTRING);
    assert_int_equal(v->len, 17);
    assert_memory_equal(v->str, "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80\0z",
                        17);
    lg_jnode_free(v);
    v = parse_ok("\"\\udc00x\""); /* lone low surrogate */
    assert_string_equal(v->str, "\xef\xbf\xbdx");
    lg_jnode_free(v);
    v = parse_ok("\xef\xbb\xbf[\"\xff\"]"); /* BOM; invalid UTF-8 kept */
    assert_string_equal(v->kids[0].str, "\xff");
    lg_jnode_free(v);
}

static void test_syntax_errors(void **state)
{
    static const char *const bad[] = {
        "",      "{",        "[1,]",    "{\"a\" 1}", "{\"a\":1,}",
        "01",    "1.",       "-",       "1e",        "tru",
        "\"abc", "\"a\nb\"", "\"\\x\"", "\"\\u12\"", "[1] 2",
        "{1:2}", "nul",      "+1",      ".5",        "[\"a\" \"b\"]",
    };
    struct lg_error err;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(parse_rc(bad[i], NULL, &err), LG_ESYNTAX);
    assert_int_equal(parse_rc("{\n  \"a\": 1,\n  \"b\": x\n}", NULL, &err),
                     LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "line 3, column 8"));
}

static void test_limits(void **state)
{
    struct lg_jlimits lim = {4, 10};
    struct lg_error err;

    (void)state;
    assert_int_equal(parse_rc("[[[[[1]]]]]", &lim, &err), LG_ELIMIT);
    assert_int_equal(parse_rc("[[[[1]]]]", &lim, &err), LG_OK);
    assert_int_equal(parse_rc("[1,2,3,4,5,6,7,8,9,10]", &lim, &err), LG_ELIMIT);
    assert_int_equal(parse_rc("[1,2,3,4,5,6,7,8,9]", &lim, &err), LG_OK);
    /* a deep document with default limits: no stack overflow, a limit */
    {
        static char deep[100001];
        memset(deep, '[', sizeof(deep) - 1);
        assert_int_equal(parse_rc(deep, NULL, &err), LG_ELIMIT);
    }
}

static void test_secret_not_in_error(void **state)
{
    struct lg_error err;

    (void)state;
    assert_int_equal(parse_rc("{\"secret\": \"ghp_abc\" oops}", NULL, &err),
                     LG_ESYNTAX);
    assert_null(strstr(err.msg, "ghp_abc"));
}

static void test_writer_round_trip(void **state)
{
    struct lg_buf b;
    struct lg_json j;
    struct lg_jnode *v;

    (void)state;
    lg_buf_init(&b, 1 << 20);
    lg_json_init(&j, &b, true);
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "s", "q\"\\\n\x01\xc3\xa9");
    lg_json_kint(&j, "n", -7);
    lg_json_key(&j, "a");
    lg_json_arr_begin(&j);
    lg_json_bool(&j, false);
    lg_json_arr_end(&j);
    lg_json_obj_end(&j);
    assert_int_equal(lg_json_status(&j), LG_OK);
    v = parse_ok(b.data);
    assert_string_equal(lg_jget_str(v, "s"), "q\"\\\n\x01\xc3\xa9");
    assert_int_equal((int)lg_jget(v, "n")->number, -7);
    assert_int_equal(lg_jget(v, "a")->kids[0].type, LG_JBOOL);
    lg_jnode_free(v);
    lg_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_and_objects),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_secret_not_in_error),
        cmocka_unit_test(test_writer_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
