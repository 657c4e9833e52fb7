/* Ruleset compilation: secret groups, replacement by id, disabling, the
 * Vectorscan database cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rule/ruleset.h"

#define RULE(id, pat)                                                          \
    "  - id: " id "\n    name: n\n    pattern: '" pat "'\n    max_len: 40\n" \
    "    examples: ['x']\n    negative_examples: ['y']\n"

static struct lg_ruleset *build(const char *text, const char *cache)
{
    struct lg_ruleset *rs;
    struct lg_error err;

    assert_int_equal(lg_ruleset_new(&rs), LG_OK);
    if (cache)
        assert_int_equal(lg_ruleset_set_cache(rs, cache), LG_OK);
    if (lg_ruleset_add_text(rs, "t.yml", text, strlen(text), &err) ||
        lg_ruleset_compile(rs, &err))
        fail_msg("%s", err.msg);
    return rs;
}

static void test_secret_group(void **state)
{
    struct lg_ruleset *rs =
        build("rules:\n" RULE("a", "x(?<secret>[0-9]+)") RULE("b", "(y)(z)")
                  RULE("c", "plain"),
              NULL);

    (void)state;
    assert_int_equal(rs->rules[0].secret_group, 1);
    assert_int_equal(rs->rules[1].secret_group, 1);
    assert_int_equal(rs->rules[2].secret_group, 0);
    lg_ruleset_free(rs);
}

static void test_replace_and_disable(void **state)
{
    struct lg_ruleset *rs;
    struct lg_error err;
    static const char a[] = "rules:\n" RULE("a", "one") RULE("b", "two");
    static const char b[] = "rules:\n" RULE("a", "three");

    (void)state;
    assert_int_equal(lg_ruleset_new(&rs), LG_OK);
    assert_int_equal(lg_ruleset_add_text(rs, "a.yml", a, sizeof(a) - 1, &err),
                     LG_OK);
    assert_int_equal(lg_ruleset_add_text(rs, "b.yml", b, sizeof(b) - 1, &err),
                     LG_OK);
    assert_int_equal(lg_ruleset_disable(rs, "b"), LG_OK);
    assert_int_equal(lg_ruleset_compile(rs, &err), LG_OK);
    assert_int_equal(rs->n, 2);
    assert_string_equal(rs->rules[0].rule.pattern, "three");
    assert_true(rs->rules[1].disabled);
    assert_int_equal(rs->n_enabled, 1);
    lg_ruleset_free(rs);
}

static void test_bad_pattern_position(void **state)
{
    struct lg_ruleset *rs;
    struct lg_error err;
    static const char t[] = "rules:\n" RULE("a", "un(closed");

    (void)state;
    assert_int_equal(lg_ruleset_new(&rs), LG_OK);
    assert_int_equal(lg_ruleset_add_text(rs, "t.yml", t, sizeof(t) - 1, &err),
                     LG_OK);
    assert_int_equal(lg_ruleset_compile(rs, &err), LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "t.yml:2:"));
    assert_non_null(strstr(err.msg, "rule 'a'"));
    lg_ruleset_free(rs);
}

static void test_pair_with(void **state)
{
    static const char ok[] =
        "rules:\n" RULE("a", "one")
        "    pair_with: b\n    pair_lines: 3\n" RULE("b", "two");
    static const char unknown[] =
        "rules:\n" RULE("a", "one") "    pair_with: zz\n";
    static const char lines_only[] =
        "rules:\n" RULE("a", "one") "    pair_lines: 3\n";
    struct lg_ruleset *rs = build(ok, NULL);
    struct lg_error err;

    (void)state;
    assert_int_equal(rs->rules[0].pair, 1);
    assert_int_equal(rs->rules[0].rule.pair_lines, 3);
    assert_int_equal(rs->rules[1].pair, -1);
    lg_ruleset_free(rs);
    assert_int_equal(lg_ruleset_new(&rs), LG_OK);
    assert_int_equal(lg_ruleset_add_text(rs, "u.yml", unknown,
                                         sizeof(unknown) - 1, &err),
                     LG_OK);
    assert_int_equal(lg_ruleset_compile(rs, &err), LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "pair_with"));
    lg_ruleset_free(rs);
    assert_int_equal(lg_ruleset_new(&rs), LG_OK);
    assert_int_equal(lg_ruleset_add_text(rs, "l.yml", lines_only,
                                         sizeof(lines_only) - 1, &err),
                     LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "'pair_lines' requires 'pair_with'"));
    lg_ruleset_free(rs);
}

static int count_files(const char *dir, char *one, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int c = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            c++;
            snprintf(one, n, "%s/%s", dir, e->d_name);
        }
    closedir(d);
    return c;
}

static void test_cache(void **state)
{
    char dir[] = "/tmp/lg-cache-XXXXXX", sub[64], file[512];
    static const char t1[] = "rules:\n" RULE("a", "abc[0-9]{4}");
    static const char t2[] = "rules:\n" RULE("a", "abd[0-9]{4}");
    struct lg_ruleset *rs;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/lg", dir); /* created on demand */
    rs = build(t1, sub);
    assert_false(rs->cache_hit);
    lg_ruleset_free(rs);
    assert_int_equal(count_files(sub, file, sizeof(file)), 1);
    rs = build(t1, sub);
    assert_true(rs->cache_hit);
    lg_ruleset_free(rs);
    /* a changed rule does not reuse the database */
    rs = build(t2, sub);
    assert_false(rs->cache_hit);
    lg_ruleset_free(rs);
    assert_int_equal(count_files(sub, file, sizeof(file)), 2);
    /* a damaged file is ignored and replaced */
    rs = build(t1, sub);
    assert_true(rs->cache_hit);
    lg_ruleset_free(rs);
    {
        DIR *d = opendir(sub);
        struct dirent *e;
        while ((e = readdir(d))) {
            char p[512];
            if (e->d_name[0] == '.')
                continue;
            snprintf(p, sizeof(p), "%s/%s", sub, e->d_name);
            f = fopen(p, "r+b");
            assert_non_null(f);
            fseek(f, 60, SEEK_SET);
            fputc('!', f);
            fclose(f);
        }
        closedir(d);
    }
    rs = build(t1, sub);
    assert_false(rs->cache_hit);
    lg_ruleset_free(rs);
    rs = build(t1, sub);
    assert_true(rs->cache_hit);
    lg_ruleset_free(rs);
    {
        DIR *d = opendir(sub);
        struct dirent *e;
        while ((e = readdir(d))) {
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", sub, e->d_name);
            if (e->d_name[0] != '.')
                unlink(p);
        }
        closedir(d);
    }
    rmdir(sub);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_group),
        cmocka_unit_test(test_replace_and_disable),
        cmocka_unit_test(test_bad_pattern_position),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_pair_with),
    };
    return cmocka_run_group_tests_name("ruleset", tests, NULL, NULL);
}
