/* Unit tests for the csv, junit, gitlab and html reporters and the markup
 * helpers they share (report/markup.h): escaping of hostile bytes, CSV
 * formula defusing, timestamps, occurrence ids, directory grouping.
 *
 * The reporters run without a ruleset (a finding of no rule reads as
 * "unknown"), writing into a memory stream.  The end-to-end cases
 * 401-404 parse real reports with Python's csv, xml.etree and json. */
/* cmocka needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/finding.h"
#include "report/markup.h"
#include "report/report.h"
#include "util/text.h"

static char *xml(const char *s, size_t n, bool attr)
{
    struct lg_buf b;

    lg_buf_init(&b, 1 << 20);
    assert_int_equal(lg_report_xml_escape(&b, s, n, attr), LG_OK);
    return lg_buf_detach(&b);
}

static char *csv(const char *s, size_t n)
{
    struct lg_buf b;

    lg_buf_init(&b, 1 << 20);
    assert_int_equal(lg_report_csv_cell(&b, s, n), LG_OK);
    return lg_buf_detach(&b);
}

#define FFFD "\xef\xbf\xbd"

static void test_xml_escape(void **state)
{
    char *s;

    (void)state;
    s = xml("<a href=\"x\">&'</a>", 18, false);
    assert_string_equal(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    free(s);
    /* controls, DEL, C1, U+FFFE and invalid UTF-8 become U+FFFD */
    s = xml("a\x01\x1b\x7f\xc2\x85\xef\xbf\xbe\xff\xc3", 11, false);
    assert_string_equal(s, "a" FFFD FFFD FFFD FFFD FFFD FFFD FFFD);
    free(s);
    /* valid multi-byte text stays; tab, LF, CR stay in text */
    s = xml("\xc3\xa9\xe2\x80\xa6\xf0\x9f\x94\x91\t\n\r", 12, false);
    assert_string_equal(s, "\xc3\xa9\xe2\x80\xa6\xf0\x9f\x94\x91\t\n\r");
    free(s);
    /* ... and become character references in attributes */
    s = xml("a\tb\nc\rd", 7, true);
    assert_string_equal(s, "a&#9;b&#10;c&#13;d");
    free(s);
    s = xml("x\0y", 3, false);
    assert_string_equal(s, "x" FFFD "y");
    free(s);
}

static void test_csv_cell(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
        {"+1", "'+1"},
        {"-2", "'-2"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"a=b", "a=b"},
        {"", ""},
        {"caf\xc3\xa9 \xff", "caf\xc3\xa9 " FFFD},
    };
    char *s;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s = csv(cases[i].in, strlen(cases[i].in));
        assert_string_equal(s, cases[i].out);
        free(s);
    }
    s = csv("a\0b", 3);
    assert_string_equal(s, "a" FFFD "b");
    free(s);
}

static void test_utc_and_ids(void **state)
{
    char t[LG_REPORT_UTC_LEN + 1], a[LG_REPORT_ID_LEN + 1],
        b[LG_REPORT_ID_LEN + 1], c[LG_REPORT_ID_LEN + 1];
    struct lg_finding f;

    (void)state;
    lg_report_utc(0, t);
    assert_string_equal(t, "1970-01-01T00:00:00");
    lg_report_utc(1700000000, t);
    assert_string_equal(t, "2023-11-14T22:13:20");

    memset(&f, 0, sizeof(f));
    memcpy(f.fingerprint, "0123456789abcdef0123456789abcdef", 33);
    f.path = (char *)"src/app.py";
    f.line = 3;
    f.column = 7;
    lg_report_occurrence_id(&f, a);
    lg_report_occurrence_id(&f, b);
    assert_string_equal(a, b); /* stable */
    assert_int_equal(strlen(a), 36);
    assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    assert_int_equal(strspn(a, "0123456789abcdef-"), 36);
    f.line = 4;
    lg_report_occurrence_id(&f, c);
    assert_string_not_equal(a, c); /* another place, another id */
}

static void test_dir_len_and_uri(void **state)
{
    static const struct {
        const char *path;
        size_t n;
    } cases[] = {
        {"a.txt", 0},
        {"./a.txt", 0},
        {"src/a.txt", 3},
        {"./src/lib/a.c", 9},
        {"/etc/x", 4},
        {"/x", 1},
        {"d/a.zip!in/b.txt", 1},
        {"a.zip!in/b.txt", 0},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(lg_report_dir_len(cases[i].path), cases[i].n);
    assert_true(lg_report_plain_uri("https://example.com/doc#x"));
    assert_true(lg_report_plain_uri("http://example.com"));
    assert_false(lg_report_plain_uri("javascript:alert(1)"));
    assert_false(lg_report_plain_uri("https://a.b/\"><script>"));
    assert_false(lg_report_plain_uri("https://a.b/x y"));
}

/* ---- reporters --------------------------------------------------------- */

#define SECRET "ghp_0123456789abcdefghijABCDEFGHIJ012345"

static struct lg_finding hostile_finding(void)
{
    struct lg_finding f;

    memset(&f, 0, sizeof(f));
    f.path = (char *)"=cmd<script>alert(1)</script>\xff.env";
    f.secret = (char *)SECRET;
    f.secret_len = strlen(SECRET);
    lg_redact(SECRET, f.secret_len, f.redacted, sizeof(f.redacted));
    lg_fingerprint("unknown", SECRET, f.secret_len, f.fingerprint);
    f.line = f.end_line = 2;
    f.column = 5;
    f.end_column = 44;
    f.line_before = (char *)"token=\"";
    f.line_after = (char *)"\" <b>";
    f.git.commit = (char *)"0123456789abcdef0123456789abcdef01234567";
    f.git.author = (char *)"Eve <\"x\">";
    f.git.date = (char *)"2024-05-01T10:00:00Z";
    f.git.message = (char *)"add <config>\nbody";
    return f;
}

static char *report(const struct lg_reporter_ops *ops, bool show)
{
    struct lg_finding f = hostile_finding();
    struct lg_notice n = {LG_NOTICE_SKIPPED, LG_REASON_BINARY,
                          (char *)"bin/<x>.dat", (char *)"binary & skipped"};
    struct lg_run_summary sum = {.objects_scanned = 1, .findings = 1};
    struct lg_report_env env = {.show_secrets = show, .tool_version = "9.9"};
    void *ctx = calloc(1, ops->ctx_size);
    char *buf = NULL;
    size_t len = 0;

    env.out = open_memstream(&buf, &len);
    assert_non_null(env.out);
    assert_non_null(ctx);
    assert_int_equal(ops->begin(ctx, &env), LG_OK);
    assert_int_equal(ops->finding(ctx, &f), LG_OK);
    assert_int_equal(ops->notice(ctx, &n), LG_OK);
    assert_int_equal(ops->end(ctx, &sum), LG_OK);
    fclose(env.out);
    free(ctx);
    return buf;
}

static void test_csv_report(void **state)
{
    char *out;

    (void)state;
    out = report(&lg_report_csv, false);
    assert_non_null(strstr(out, "rule_id,rule_name,severity,confidence,path,"
                                "line,column,end_line,end_column,secret,"
                                "fingerprint,commit,author,date\r\n"));
    assert_non_null(strstr(out, "unknown,unknown rule,medium,low,'=cmd<script>"
                                "alert(1)</script>" FFFD ".env,2,5,2,44,"
                                "ghp_\xe2\x80\xa6(40),"));
    assert_non_null(
        strstr(out, ",Eve <\"\"x\"\">,2024-05-01T10:00:00Z\r\n") ||
        strstr(out, ",\"Eve <\"\"x\"\">\",2024-05-01T10:00:00Z\r\n"));
    assert_null(strstr(out, SECRET));
    free(out);
    out = report(&lg_report_csv, true);
    assert_non_null(strstr(out, "," SECRET ","));
    free(out);
}

static void test_junit_report(void **state)
{
    char *out;

    (void)state;
    out = report(&lg_report_junit, false);
    assert_non_null(strstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert_non_null(strstr(out, "<testsuites name=\"leakguard\" tests=\"2\" "
                                "failures=\"1\" errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(out, "<testsuite name=\"unknown\" tests=\"1\" "
                                "failures=\"1\""));
    assert_non_null(strstr(out, "name=\"=cmd&lt;script&gt;alert(1)&lt;/"
                                "script&gt;" FFFD ".env:2:5\""));
    assert_non_null(strstr(out, "<skipped type=\"binary\" message=\"skipped: "
                                "binary &amp; skipped\"/>"));
    assert_non_null(strstr(out, "Author: Eve &lt;&quot;x&quot;&gt;\n"));
    assert_null(strstr(out, "<script>"));
    assert_null(strstr(out, SECRET));
    free(out);
}

static void test_gitlab_report(void **state)
{
    char *out;

    (void)state;
    out = report(&lg_report_gitlab, false);
    assert_non_null(strstr(out, "\"version\": \"15.0.6\""));
    assert_non_null(strstr(out, "\"category\": \"secret_detection\""));
    assert_non_null(strstr(out, "\"sha\": \"0123456789abcdef0123456789abcdef"
                                "01234567\""));
    assert_non_null(strstr(out, "\"type\": \"leakguard_rule_id\""));
    assert_non_null(strstr(out, "\"severity\": \"Medium\""));
    assert_non_null(strstr(out, "\"raw_source_code_extract\": \"ghp_\xe2\x80"
                                "\xa6(40)\""));
    assert_non_null(strstr(out, "\"type\": \"secret_detection\""));
    assert_non_null(strstr(out, "\"level\": \"info\""));
    assert_non_null(strstr(out, "\"version\": \"9.9\""));
    assert_null(strstr(out, SECRET));
    free(out);
}

static void test_html_report(void **state)
{
    char *out;

    (void)state;
    out = report(&lg_report_html, false);
    assert_non_null(strstr(out, "<!DOCTYPE html>"));
    assert_non_null(strstr(out, "Content-Security-Policy\" content=\""
                                "default-src 'none';"));
    assert_non_null(strstr(out, "=cmd&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(out, "Eve &lt;&quot;x&quot;&gt;"));
    assert_non_null(strstr(out, "binary &amp; skipped"));
    assert_null(strstr(out, "class=\"nogit\"")); /* git columns shown */
    /* one script element: ours */
    assert_non_null(strstr(out, "<script>"));
    assert_null(strstr(strstr(out, "<script>") + 1, "<script"));
    assert_null(strstr(out, "src="));
    assert_null(strstr(out, SECRET));
    free(out);
    out = report(&lg_report_html, true);
    assert_non_null(strstr(out, SECRET));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_csv_cell),
        cmocka_unit_test(test_utc_and_ids),
        cmocka_unit_test(test_dir_len_and_uri),
        cmocka_unit_test(test_csv_report),
        cmocka_unit_test(test_junit_report),
        cmocka_unit_test(test_gitlab_report),
        cmocka_unit_test(test_html_report),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
