/* Unit tests for finding helpers and the reporters (text, json, jsonl, sarif).
 *
 * Rulesets, findings and notices are built by hand; each reporter writes into
 * a memory stream, and the output is checked with a strict JSON validator
 * (RFC 8259 + valid UTF-8) and by looking for the fragments that matter:
 * redaction, escaping, SARIF locations, fingerprints and notifications.
 *
 * With LG_REPORT_SAMPLES set to a directory, the SARIF, JSON and JSONL
 * outputs of a representative run are also written there, for external
 * validators (tools/sarif-validate, python3 -m json.tool).
 *
 * Longer than the usual ~800 lines because it carries its own strict JSON
 * validator, so that no JSON library is needed to test JSON output. */
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
#include "report/report.h"
#include "rule/ruleset.h"
#include "util/text.h"
#include "util/utf8.h"

/* ---- a strict JSON validator ------------------------------------------ */

struct jp {
    const char *p, *end;
};

static void ws(struct jp *j)
{
    while (j->p < j->end && strchr(" \t\r\n", *j->p) && *j->p)
        j->p++;
}

static int value(struct jp *j, int depth);

static int string(struct jp *j)
{
    if (j->p >= j->end || *j->p != '"')
        return -1;
    j->p++;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p;

        if (c == '"') {
            j->p++;
            return 0;
        }
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            j->p++;
            if (j->p >= j->end)
                return -1;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (j->p + i >= j->end ||
                        !strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
                        return -1;
                j->p += 5;
            } else if (*j->p && strchr("\"\\/bfnrt", *j->p)) {
                j->p++;
            } else {
                return -1;
            }
            continue;
        }
        if (c >= 0x80) {
            size_t v = lg_utf8_valid_prefix((const unsigned char *)j->p,
                                            (size_t)(j->end - j->p));
            if (!v)
                return -1;
            j->p += v;
            continue;
        }
        j->p++;
    }
    return -1;
}

static int digits(struct jp *j)
{
    const char *s = j->p;

    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s ? 0 : -1;
}

static int number(struct jp *j)
{
    if (*j->p == '-')
        j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (digits(j) < 0)
        return -1;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (digits(j) < 0)
            return -1;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (digits(j) < 0)
            return -1;
    }
    return 0;
}

static int literal(struct jp *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int container(struct jp *j, int depth, char close, bool keys)
{
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
    }
    for (;;) {
        if (keys) {
            ws(j);
            if (string(j) < 0)
                return -1;
            ws(j);
            if (j->p >= j->end || *j->p != ':')
                return -1;
            j->p++;
        }
        if (value(j, depth + 1) < 0)
            return -1;
        ws(j);
        if (j->p >= j->end)
            return -1;
        if (*j->p == close) {
            j->p++;
            return 0;
        }
        if (*j->p != ',')
            return -1;
        j->p++;
    }
}

static int value(struct jp *j, int depth)
{
    if (depth > 100)
        return -1;
    ws(j);
    if (j->p >= j->end)
        return -1;
    switch (*j->p) {
    case '{': return container(j, depth, '}', true);
    case '[': return container(j, depth, ']', false);
    case '"': return string(j);
    case 't': return literal(j, "true");
    case 'f': return literal(j, "false");
    case 'n': return literal(j, "null");
    default: return number(j);
    }
}

static bool json_valid(const char *s, size_t n)
{
    struct jp j = {s, s + n};

    if (value(&j, 0) < 0)
        return false;
    ws(&j);
    return j.p == j.end;
}

/* ---- fixtures ----------------------------------------------------------- */

static char tag_cloud[] = "cloud", tag_aws[] = "aws";
static char ref_aws[] = "https://docs.aws.amazon.com/IAM/";
static char *tags_a[] = {tag_cloud, tag_aws};
static char *refs_a[] = {ref_aws};

static struct lg_crule crules[3];
static struct lg_ruleset rs;

static void setup_ruleset(void)
{
    memset(crules, 0, sizeof(crules));
    crules[0].rule.id = (char *)"aws-access-key";
    crules[0].rule.name = (char *)"AWS access key ID";
    crules[0].rule.description = (char *)"An AWS access key ID grants API "
                                         "access.\n";
    crules[0].rule.severity = LG_SEV_HIGH;
    crules[0].rule.confidence = LG_CONF_HIGH;
    crules[0].rule.tags.v = tags_a;
    crules[0].rule.tags.n = 2;
    crules[0].rule.references.v = refs_a;
    crules[0].rule.references.n = 1;
    crules[1].rule.id = (char *)"disabled-rule";
    crules[1].rule.name = (char *)"Disabled rule";
    crules[1].disabled = true;
    crules[2].rule.id = (char *)"generic-password";
    crules[2].rule.name = (char *)"Generic password";
    crules[2].rule.severity = LG_SEV_MEDIUM;
    crules[2].rule.confidence = LG_CONF_LOW;
    memset(&rs, 0, sizeof(rs));
    rs.rules = crules;
    rs.n = 3;
}

#define SECRET_A "AKIAZZZZSECRETVALUE9"

/* A finding with borrowed strings; the secret is redacted and fingerprinted
 * as the engine would. */
static struct lg_finding make_finding(const struct lg_crule *r, char *path,
                                      char *secret, uint64_t line, uint64_t col)
{
    struct lg_finding f;

    memset(&f, 0, sizeof(f));
    f.rule = r;
    f.path = path;
    f.secret = secret;
    f.secret_len = strlen(secret);
    lg_redact(secret, f.secret_len, f.redacted, sizeof(f.redacted));
    lg_fingerprint(r ? r->rule.id : "unknown", secret, f.secret_len,
                   f.fingerprint);
    f.line = f.end_line = line;
    f.column = col;
    f.end_column = col + f.secret_len - 1;
    f.line_before = (char *)"aws_key = \"";
    f.line_after = (char *)"\"  # prod";
    f.entropy = 3.9;
    return f;
}

static struct lg_run_summary make_summary(uint64_t findings, uint64_t failed)
{
    struct lg_run_summary s;

    memset(&s, 0, sizeof(s));
    s.objects_scanned = 7;
    s.bytes_scanned = 12345;
    s.objects_skipped = 2;
    s.objects_failed = failed;
    s.findings = findings;
    s.rules = 2;
    s.seconds = 0.25;
    s.reason[0] = LG_REASON_BINARY;
    s.reason_count[0] = 2;
    s.n_reasons = 1;
    if (failed) {
        s.reason[1] = LG_REASON_UNREADABLE;
        s.reason_count[1] = failed;
        s.n_reasons = 2;
    }
    return s;
}

struct run {
    const struct lg_finding *f;
    size_t nf;
    const struct lg_notice *n;
    size_t nn;
    bool show_secrets, color;
    const char *cwd;
    uint64_t failed;
};

/* Run one reporter over a whole session; returns the malloc'd output. */
static char *report(const struct lg_reporter_ops *ops, const struct run *r,
                    size_t *len)
{
    struct lg_report_env env;
    struct lg_run_summary sum = make_summary(r->nf, r->failed);
    char *out = NULL;
    void *ctx = calloc(1, ops->ctx_size);
    FILE *fp;

    assert_non_null(ctx);
    fp = open_memstream(&out, len);
    assert_non_null(fp);
    memset(&env, 0, sizeof(env));
    env.out = fp;
    env.show_secrets = r->show_secrets;
    env.color = r->color;
    env.rs = &rs;
    env.tool_version = "0.1.0";
    env.cwd = r->cwd ? r->cwd : "/home/dev/my repo";
    env.command_line = "leakguard scan -f sarif .";
    assert_int_equal(ops->begin(ctx, &env), LG_OK);
    for (size_t i = 0; i < r->nf; i++)
        assert_int_equal(ops->finding(ctx, &r->f[i]), LG_OK);
    for (size_t i = 0; i < r->nn; i++)
        assert_int_equal(ops->notice(ctx, &r->n[i]), LG_OK);
    assert_int_equal(ops->end(ctx, &sum), LG_OK);
    assert_int_equal(fclose(fp), 0);
    free(ctx);
    return out;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static struct lg_notice notices[] = {
    {LG_NOTICE_SKIPPED, LG_REASON_BINARY, (char *)"img/logo.png",
     (char *)"binary file skipped"},
    {LG_NOTICE_FAILED, LG_REASON_UNREADABLE, (char *)"secret/x y.txt",
     (char *)"cannot open 'secret/x y.txt': permission denied"},
    {LG_NOTICE_LIMIT, LG_REASON_TOO_LARGE, NULL,
     (char *)"archive expansion limit hit"},
};

/* Two findings in one file, one in another, one from git with a hostile
 * path and commit message. */
static void standard_findings(struct lg_finding f[4])
{
    f[0] = make_finding(&crules[0], (char *)"src/config.py", (char *)SECRET_A,
                        12, 5);
    f[1] = make_finding(&crules[2], (char *)"src/config.py",
                        (char *)"hunter2hunter2hunter2", 14, 12);
    f[1].decoded = "base64";
    f[2] = make_finding(&crules[0], (char *)"/abs/path/with space#1.env",
                        (char *)"AKIAYYYYOTHERSECRET8", 1, 1);
    f[2].identity = (char *)"arn:aws:iam::123456789012:user/ci";
    f[3] = make_finding(&crules[2], (char *)"ar.zip!in\x1b[31m\xff\x01.txt",
                        (char *)"p4ssw0rdp4ssw0rd", 3, 7);
    f[3].line_before = (char *)"pw=\x07\xc3";
    f[3].git.commit = (char *)"0123456789abcdef0123456789abcdef01234567";
    f[3].git.author = (char *)"Ev\xe9 \"Dev\"";
    f[3].git.email = (char *)"eve@example.com";
    f[3].git.date = (char *)"2024-05-01T10:00:00Z";
    f[3].git.message = (char *)"add\tconfig\r\n\nbody \x1b]0;pwn\x07";
}

/* ---- registry ----------------------------------------------------------- */

static void test_registry(void **state)
{
    size_t n = 0;

    (void)state;
    for (; lg_reporters[n]; n++) {
        assert_non_null(lg_reporters[n]->begin);
        assert_non_null(lg_reporters[n]->finding);
        assert_non_null(lg_reporters[n]->notice);
        assert_non_null(lg_reporters[n]->end);
        assert_non_null(lg_reporters[n]->summary);
        assert_true(lg_reporters[n]->ctx_size > 0);
        assert_ptr_equal(lg_reporter_find(lg_reporters[n]->name),
                         lg_reporters[n]);
    }
    assert_int_equal(n, 8); /* text json jsonl sarif csv junit gitlab html */
    assert_ptr_equal(lg_reporter_find("sarif"), &lg_report_sarif);
    assert_ptr_equal(lg_reporter_find("text"), &lg_report_text);
    assert_true(lg_report_jsonl.streaming);
    assert_false(lg_report_json.streaming);
    assert_null(lg_reporter_find("xml"));
    assert_null(lg_reporter_find(NULL));
    assert_string_equal(lg_notice_kind_name(LG_NOTICE_SKIPPED), "skipped");
    assert_string_equal(lg_notice_kind_name(LG_NOTICE_FAILED), "failed");
    assert_string_equal(lg_notice_kind_name(LG_NOTICE_LIMIT), "limit");
    assert_string_equal(lg_notice_kind_name(LG_NOTICE_INFO), "info");
    assert_string_equal(lg_notice_kind_name((enum lg_notice_kind)42),
                        "unknown");
}

/* ---- finding helpers ---------------------------------------------------- */

static void test_finding_copy(void **state)
{
    struct lg_finding f[4], c;
    char secret[] = "ab\0cdefgh";

    (void)state;
    standard_findings(f);
    f[3].secret = secret;
    f[3].secret_len = sizeof(secret) - 1; /* embedded NUL */
    f[3].identity = (char *)"id";
    assert_int_equal(lg_finding_copy(&c, &f[3]), LG_OK);
    assert_ptr_equal(c.rule, f[3].rule);
    assert_ptr_not_equal(c.path, f[3].path);
    assert_string_equal(c.path, f[3].path);
    assert_ptr_not_equal(c.secret, f[3].secret);
    assert_int_equal(c.secret_len, 9);
    assert_memory_equal(c.secret, secret, 10);
    assert_string_equal(c.line_before, f[3].line_before);
    assert_string_equal(c.line_after, f[3].line_after);
    assert_string_equal(c.identity, "id");
    assert_ptr_not_equal(c.git.commit, f[3].git.commit);
    assert_string_equal(c.git.commit, f[3].git.commit);
    assert_string_equal(c.git.author, f[3].git.author);
    assert_string_equal(c.git.email, f[3].git.email);
    assert_string_equal(c.git.date, f[3].git.date);
    assert_string_equal(c.git.message, f[3].git.message);
    assert_string_equal(c.redacted, f[3].redacted);
    assert_string_equal(c.fingerprint, f[3].fingerprint);
    assert_int_equal(c.line, 3);
    lg_finding_release(&c);
    assert_null(c.path);
    assert_null(c.secret);
    assert_null(c.git.message);
    lg_finding_release(&c); /* twice is harmless */
    lg_finding_release(NULL);

    /* NULLs stay NULL */
    assert_int_equal(lg_finding_copy(&c, &f[1]), LG_OK);
    assert_null(c.identity);
    assert_null(c.git.commit);
    assert_ptr_equal(c.decoded, f[1].decoded); /* static, borrowed */
    lg_finding_release(&c);
}

static char *snippet(const struct lg_finding *f, bool show)
{
    struct lg_buf b;

    lg_buf_init(&b, 1 << 20);
    assert_int_equal(lg_finding_snippet(f, show, &b), LG_OK);
    return lg_buf_detach(&b);
}

static void test_snippet(void **state)
{
    struct lg_finding f[4];
    char before[121], after[121], *s;
    char longsecret[1001];

    (void)state;
    standard_findings(f);
    s = snippet(&f[0], false);
    assert_string_equal(s, "aws_key = \"AKIA\xe2\x80\xa6(20)\"  # prod");
    free(s);
    s = snippet(&f[0], true);
    assert_string_equal(s, "aws_key = \"" SECRET_A "\"  # prod");
    free(s);

    /* control characters become spaces; no secret bytes when redacted */
    f[0].line_before = (char *)"\t  k=\x1b[2J\x7f\xc2\x9b";
    f[0].line_after = (char *)"\r\n";
    s = snippet(&f[0], false);
    assert_string_equal(s, "k= [2J  AKIA\xe2\x80\xa6(20)");
    free(s);
    f[0].line_before = f[0].line_after = NULL;
    s = snippet(&f[0], false);
    assert_string_equal(s, "AKIA\xe2\x80\xa6(20)");
    free(s);

    /* capped, cut at character boundaries, cuts marked */
    for (size_t i = 0; i < 120; i += 2) {
        before[i] = '\xc3';
        before[i + 1] = '\xa9'; /* é */
        after[i] = 'x';
        after[i + 1] = 'y';
    }
    before[120] = after[120] = '\0';
    memset(longsecret, 'S', 1000);
    longsecret[1000] = '\0';
    f[0].line_before = before;
    f[0].line_after = after;
    f[0].secret = longsecret;
    f[0].secret_len = 1000;
    lg_redact(longsecret, 1000, f[0].redacted, sizeof(f[0].redacted));
    s = snippet(&f[0], true);
    assert_true(strlen(s) <= 240 + 3 * 3);
    assert_true(strstr(s, "\xe2\x80\xa6") == s);    /* before was cut */
    assert_non_null(strstr(s, "SSSS\xe2\x80\xa6")); /* secret was cut */
    assert_int_equal(lg_utf8_valid_prefix((const unsigned char *)s + 3, 2),
                     2); /* starts on a whole é */
    free(s);
    s = snippet(&f[0], false);
    assert_true(strlen(s) <= 240 + 2 * 3);
    assert_null(strstr(s, "SSSSS")); /* only the redacted prefix */
    assert_non_null(strstr(s, "\xe2\x80\xa6(1000)"));
    free(s);
}

/* ---- JSON --------------------------------------------------------------- */

static void test_json(void **state)
{
    struct lg_finding f[4];
    struct run r = {.f = f, .nf = 4, .n = notices, .nn = 3};
    size_t len;
    char *out;

    (void)state;
    standard_findings(f);
    out = report(&lg_report_json, &r, &len);
    assert_true(json_valid(out, len));
    assert_int_equal(out[0], '[');
    assert_int_equal(count(out, "\"rule_id\": "), 4);
    assert_non_null(strstr(out, "\"rule_id\": \"aws-access-key\""));
    assert_non_null(strstr(out, "\"rule_name\": \"AWS access key ID\""));
    assert_non_null(strstr(out, "\"severity\": \"high\""));
    assert_non_null(strstr(out, "\"confidence\": \"low\""));
    assert_non_null(strstr(out, "\"secret\": \"AKIA\xe2\x80\xa6(20)\""));
    assert_non_null(strstr(out, "\"line\": 12,\n    \"column\": 5"));
    assert_non_null(strstr(out, "\"end_column\": 24"));
    assert_non_null(strstr(out, "\"decoded\": \"base64\""));
    assert_non_null(strstr(out, "\"decoded\": null"));
    assert_int_equal(count(out, "\"identity\": "), 1);
    assert_non_null(strstr(out, "\"tags\": [\n      \"cloud\",\n"));
    assert_non_null(strstr(out, "\"tags\": []"));
    assert_non_null(strstr(out, "\"entropy\": 3.9"));
    assert_int_equal(count(out, "\"commit\": "), 1);
    assert_non_null(strstr(out, "\"email\": \"eve@example.com\""));
    assert_non_null(strstr(out, "\"snippet\": \"aws_key = \\\"AKIA"));
    /* the hostile path: ESC and \x01 escaped, \xff replaced */
    assert_non_null(strstr(out, "ar.zip!in\\u001b[31m\\ufffd\\u0001.txt"));
    /* redaction */
    assert_null(strstr(out, SECRET_A));
    assert_null(strstr(out, "hunter2"));
    assert_null(strstr(out, "p4ssw0rd"));
    /* notices are not part of the array */
    assert_null(strstr(out, "permission denied"));
    free(out);

    r.show_secrets = true;
    out = report(&lg_report_json, &r, &len);
    assert_true(json_valid(out, len));
    assert_non_null(strstr(out, "\"secret\": \"" SECRET_A "\""));
    assert_non_null(strstr(out, "\"snippet\": \"aws_key = \\\"" SECRET_A));
    free(out);

    r.nf = 0;
    out = report(&lg_report_json, &r, &len);
    assert_string_equal(out, "[]\n");
    free(out);
}

static void test_jsonl(void **state)
{
    struct lg_finding f[4];
    struct run r = {.f = f, .nf = 4, .n = notices, .nn = 3, .failed = 1};
    size_t len, lines = 0;
    char *out, *line, *nl;

    (void)state;
    standard_findings(f);
    out = report(&lg_report_jsonl, &r, &len);
    for (line = out; (nl = strchr(line, '\n')); line = nl + 1) {
        assert_true(json_valid(line, (size_t)(nl - line)));
        assert_int_equal(line[0], '{');
        lines++;
    }
    assert_int_equal(*line, '\0'); /* ends with a newline */
    assert_int_equal(lines, 4 + 3 + 1);
    assert_true(strncmp(out, "{\"type\":\"finding\",\"rule_id\":", 28) == 0);
    assert_int_equal(count(out, "{\"type\":\"finding\""), 4);
    assert_int_equal(count(out, "{\"type\":\"notice\""), 3);
    assert_non_null(strstr(out, "{\"type\":\"notice\",\"kind\":\"failed\","
                                "\"reason\":\"unreadable\",\"object\":"
                                "\"secret/x y.txt\",\"message\":"));
    assert_non_null(strstr(out, "\"kind\":\"limit\",\"reason\":\"too-large\","
                                "\"object\":null"));
    line = strstr(out, "{\"type\":\"summary\"");
    assert_non_null(line);
    assert_non_null(strstr(line, "\"objects_scanned\":7"));
    assert_non_null(strstr(line, "\"bytes_scanned\":12345"));
    assert_non_null(strstr(line, "\"objects_failed\":1"));
    assert_non_null(strstr(line, "\"findings\":4"));
    assert_non_null(strstr(line, "\"by_reason\":{\"binary\":2,"
                                 "\"unreadable\":1}"));
    assert_null(strstr(out, SECRET_A));
    assert_null(strstr(out, "hunter2"));
    free(out);
}

/* Save out as $LG_REPORT_SAMPLES/name when that variable is set. */
static void save_sample(const char *name, const char *out, size_t len)
{
    const char *dir = getenv("LG_REPORT_SAMPLES");
    char path[4096];
    FILE *fp;

    if (!dir)
        return;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(out, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Every byte value in every string field still gives valid JSON. */
static void test_json_hostile_bytes(void **state)
{
    const struct lg_reporter_ops *fmt[] = {&lg_report_json, &lg_report_jsonl,
                                           &lg_report_sarif};
    char path[256], before[100], secret[40];
    struct lg_finding f;
    struct lg_notice n = {LG_NOTICE_SKIPPED, "odd\x01reason", path, before};
    struct run r = {.f = &f,
                    .nf = 1,
                    .n = &n,
                    .nn = 1,
                    .show_secrets = true,
                    .cwd = "/tmp/\xff\x80 \x1b dir"};
    size_t len;
    char *out;

    (void)state;
    for (int i = 0; i < 255; i++)
        path[i] = (char)(i + 1);
    path[255] = '\0';
    for (int i = 0; i < 99; i++)
        before[i] = (char)(0x80 + i);
    before[99] = '\0';
    memset(secret, '\xf0', 39); /* truncated 4-byte sequences */
    secret[39] = '\0';
    f = make_finding(&crules[0], path, secret, 2, 3);
    f.line_before = before;
    f.line_after = path;
    f.identity = path;
    f.git.commit = path;
    f.git.message = before;
    for (size_t k = 0; k < sizeof(fmt) / sizeof(fmt[0]); k++) {
        char *line, *nl;

        out = report(fmt[k], &r, &len);
        if (fmt[k]->streaming) {
            for (line = out; (nl = strchr(line, '\n')); line = nl + 1)
                assert_true(json_valid(line, (size_t)(nl - line)));
        } else {
            assert_true(json_valid(out, len));
        }
        if (fmt[k] == &lg_report_sarif)
            save_sample("hostile.sarif", out, len);
        free(out);
    }
}

/* ---- SARIF -------------------------------------------------------------- */

static void test_sarif(void **state)
{
    struct lg_finding f[4];
    struct run r = {.f = f, .nf = 4, .n = notices, .nn = 3, .failed = 1};
    size_t len;
    char *out, *results, *inv;

    (void)state;
    standard_findings(f);
    out = report(&lg_report_sarif, &r, &len);
    assert_true(json_valid(out, len));
    assert_non_null(strstr(out, "\"$schema\": \"https://json.schemastore.org/"
                                "sarif-2.1.0.json\""));
    assert_non_null(strstr(out, "\"version\": \"2.1.0\""));
    assert_non_null(strstr(out, "\"name\": \"leakguard\""));
    assert_non_null(strstr(out, "\"version\": \"0.1.0\""));
    assert_non_null(strstr(out, "\"columnKind\": \"utf16CodeUnits\""));

    /* rules: the enabled ones, in order, with GitHub metadata */
    assert_int_equal(count(out, "\"shortDescription\""), 2);
    assert_null(strstr(out, "disabled-rule"));
    assert_true(strstr(out, "\"id\": \"aws-access-key\"") <
                strstr(out, "\"id\": \"generic-password\""));
    assert_non_null(strstr(out, "\"security-severity\": \"7.5\""));
    assert_non_null(strstr(out, "\"security-severity\": \"5.0\""));
    assert_non_null(strstr(out, "\"precision\": \"high\""));
    assert_non_null(strstr(out, "\"level\": \"error\""));
    assert_non_null(strstr(out, "\"text\": \"An AWS access key ID grants API "
                                "access.\\n\\nReferences:\\nhttps://"));
    assert_non_null(strstr(out, "\"markdown\": \"**AWS access key ID**"));
    assert_non_null(strstr(out, "\"helpUri\": \"https://docs.aws"));
    assert_non_null(strstr(out, "\"security\"\n"));
    assert_non_null(strstr(out, "\"name\": \"AwsAccessKey\""));
    assert_non_null(strstr(out, "\"name\": \"GenericPassword\""));

    /* results */
    results = strstr(out, "\"results\": [");
    assert_non_null(results);
    assert_int_equal(count(results, "\"ruleId\": "), 4);
    assert_non_null(strstr(results, "\"ruleIndex\": 0"));
    assert_non_null(strstr(results, "\"ruleIndex\": 1"));
    assert_non_null(strstr(results, "\"level\": \"warning\""));
    assert_int_equal(count(results, "\"partialFingerprints\": {\n"
                                    "            \"leakguard/v1\": \""),
                     4);
    assert_non_null(strstr(results, f[0].fingerprint));
    assert_non_null(strstr(results, "\"uri\": \"src/config.py\",\n"
                                    "                  \"uriBaseId\": "
                                    "\"%SRCROOT%\""));
    /* absolute: file URI, percent-encoded, no base */
    assert_non_null(strstr(results, "\"uri\": \"file:///abs/path/"
                                    "with%20space%231.env\"\n"));
    /* archive member with hostile bytes: encoded */
    assert_non_null(strstr(results, "\"uri\": \"ar.zip%21in%1B%5B31m%FF%01"
                                    ".txt\""));
    /* endColumn is exclusive: 5 + 20 */
    assert_non_null(strstr(results, "\"startLine\": 12,\n"));
    assert_non_null(strstr(results, "\"startColumn\": 5,\n"
                                    "                  \"endLine\": 12,\n"
                                    "                  \"endColumn\": 25,\n"));
    assert_non_null(strstr(results, "\"contextRegion\""));
    assert_non_null(strstr(results, "\"message\": {\n            \"text\": "
                                    "\"AWS access key ID: AKIA\xe2\x80\xa6"
                                    "(20)\""));
    assert_non_null(strstr(results, "\"identity\": \"arn:aws:iam::"));
    assert_non_null(strstr(results, "\"commit\": \"0123456789abcdef"));
    assert_null(strstr(out, SECRET_A));
    assert_null(strstr(out, "hunter2"));
    assert_null(strstr(out, "p4ssw0rd"));

    /* invocation, notifications, summary */
    inv = strstr(out, "\"invocations\": [");
    assert_non_null(inv);
    assert_true(inv > results);
    assert_non_null(strstr(inv, "\"executionSuccessful\": false"));
    assert_non_null(strstr(inv, "\"commandLine\": \"leakguard scan -f sarif"));
    assert_non_null(strstr(inv, "\"toolExecutionNotifications\": ["));
    assert_non_null(strstr(inv, "\"level\": \"note\""));
    assert_non_null(strstr(inv, "\"level\": \"error\""));
    assert_non_null(strstr(inv, "\"level\": \"warning\""));
    assert_non_null(strstr(inv, "\"text\": \"unreadable: cannot open"));
    assert_non_null(strstr(inv, "\"uri\": \"secret/x%20y.txt\""));
    assert_non_null(strstr(inv, "\"objects_scanned\": 7"));
    assert_non_null(strstr(inv, "\"by_reason\": {"));
    assert_non_null(strstr(out, "\"%SRCROOT%\": {\n          \"uri\": "
                                "\"file:///home/dev/my%20repo/\""));
    free(out);

    /* show_secrets: raw in message and snippet; success when none failed */
    r.show_secrets = true;
    r.failed = 0;
    r.cwd = "/";
    out = report(&lg_report_sarif, &r, &len);
    assert_true(json_valid(out, len));
    assert_non_null(strstr(out, "\"text\": \"AWS access key ID: " SECRET_A));
    assert_non_null(strstr(out, "\"executionSuccessful\": true"));
    assert_non_null(strstr(out, "\"uri\": \"file:///\""));
    free(out);
}

static void test_sarif_edges(void **state)
{
    struct lg_finding f[2];
    struct lg_notice many[3];
    struct run r = {.f = f, .nf = 2, .n = many, .nn = 3};
    size_t len;
    char *out;

    (void)state;
    /* no rule, no path, unknown positions; a multi-line secret */
    f[0] = make_finding(NULL, NULL, (char *)"zzzzzzzzzzzzzzzz", 0, 0);
    f[1] = make_finding(&crules[0], (char *)"./k.pem",
                        (char *)"-----BEGIN\nKEY-----", 4, 1);
    f[1].end_line = 5;
    f[1].end_column = 8;
    for (int i = 0; i < 3; i++) {
        many[i].kind = LG_NOTICE_INFO;
        many[i].reason = NULL;
        many[i].path = NULL;
        many[i].message = NULL;
    }
    out = report(&lg_report_sarif, &r, &len);
    assert_true(json_valid(out, len));
    assert_non_null(strstr(out, "\"ruleId\": \"unknown\""));
    assert_int_equal(count(out, "\"ruleIndex\""), 1);
    assert_int_equal(count(out, "\"physicalLocation\""), 1);
    assert_non_null(strstr(out, "\"uri\": \"k.pem\""));
    assert_non_null(strstr(out, "\"endLine\": 5,\n"
                                "                  \"endColumn\": 9"));
    assert_int_equal(count(out, "\"text\": \"info\""), 3);
    free(out);

    /* no ruleset, no cwd: no rules, no base ids, still valid */
    {
        struct lg_report_env env = {0};
        struct lg_run_summary sum = make_summary(0, 0);
        void *ctx = calloc(1, lg_report_sarif.ctx_size);
        FILE *fp = open_memstream(&out, &len);

        env.out = fp;
        assert_int_equal(lg_report_sarif.begin(ctx, &env), LG_OK);
        assert_int_equal(lg_report_sarif.end(ctx, &sum), LG_OK);
        fclose(fp);
        free(ctx);
        assert_true(json_valid(out, len));
        assert_null(strstr(out, "originalUriBaseIds"));
        assert_non_null(strstr(out, "\"rules\": []"));
        assert_non_null(strstr(out, "\"results\": []"));
        free(out);
    }
}

/* ---- text --------------------------------------------------------------- */

static void test_text(void **state)
{
    struct lg_finding f[4];
    struct run r = {.f = f, .nf = 4, .n = notices, .nn = 3, .failed = 1};
    size_t len;
    char *out;

    (void)state;
    standard_findings(f);
    out = report(&lg_report_text, &r, &len);
    assert_null(memchr(out, '\x1b', len)); /* no colour, no escapes */
    assert_true(strncmp(out,
                        "src/config.py\n  Finding:     AWS access key "
                        "ID (aws-access-key)  severity: high  "
                        "confidence: high\n",
                        88) == 0);
    assert_int_equal(count(out, "src/config.py\n"), 1); /* one heading */
    assert_non_null(strstr(out, "  Secret:      AKIA\xe2\x80\xa6(20)\n"));
    assert_non_null(strstr(out, "  Location:    src/config.py:12:5\n"));
    assert_non_null(strstr(out, "  Location:    src/config.py:14:12\n"));
    assert_non_null(strstr(out, "  Decoded:     base64\n"));
    assert_non_null(strstr(out, "  Identity:    arn:aws:iam::"));
    assert_non_null(strstr(out, "  Fingerprint: "));
    assert_non_null(strstr(out, "\nar.zip!in\\x1b[31m\\xff\\x01.txt\n"));
    assert_non_null(strstr(out, "  Commit:      0123456789abcdef0123456789ab"
                                "cdef01234567  2024-05-01T10:00:00Z\n"));
    assert_non_null(strstr(out, "  Author:      Ev\\xe9 \"Dev\" "
                                "<eve@example.com>\n"));
    assert_non_null(strstr(out, "  Message:     add\\tconfig\n"));
    assert_null(strstr(out, "pwn"));
    assert_null(strstr(out, SECRET_A));
    assert_null(strstr(out, "hunter2"));
    assert_null(strstr(out, "permission denied")); /* notices: stderr */
    assert_non_null(strstr(out, "\n4 findings in 7 objects (12345 bytes) "
                                "scanned, 2 skipped, 1 failed (binary: 2, "
                                "unreadable: 1), in 0.25 s\n"));
    free(out);

    r.color = true;
    r.show_secrets = true;
    out = report(&lg_report_text, &r, &len);
    assert_non_null(strstr(out, "\033[1msrc/config.py\033[0m\n"));
    assert_non_null(strstr(out, "\033[31mhigh\033[0m"));
    assert_non_null(strstr(out, SECRET_A));
    assert_non_null(strstr(out, "\033[1;31m4 findings\033[0m in"));
    free(out);

    r.nf = 0;
    r.color = false;
    out = report(&lg_report_text, &r, &len);
    assert_string_equal(out, "0 findings in 7 objects (12345 bytes) "
                             "scanned, 2 skipped, 1 failed (binary: 2, "
                             "unreadable: 1), in 0.25 s\n");
    free(out);
}

/* ---- samples for external validators ------------------------------------ */

static void test_write_samples(void **state)
{
    const char *dir = getenv("LG_REPORT_SAMPLES");
    static const char *const names[] = {"sample.sarif", "sample.json",
                                        "sample.jsonl", "sample.txt"};
    const struct lg_reporter_ops *fmt[] = {&lg_report_sarif, &lg_report_json,
                                           &lg_report_jsonl, &lg_report_text};
    struct lg_finding f[4];
    struct run r = {.f = f, .nf = 4, .n = notices, .nn = 3, .failed = 1};

    (void)state;
    if (!dir)
        skip();
    standard_findings(f);
    for (size_t i = 0; i < 4; i++) {
        size_t len;
        char *out = report(fmt[i], &r, &len);

        save_sample(names[i], out, len);
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_finding_copy),
        cmocka_unit_test(test_snippet),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_json_hostile_bytes),
        cmocka_unit_test(test_sarif),
        cmocka_unit_test(test_sarif_edges),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_write_samples),
    };

    setup_ruleset();
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
