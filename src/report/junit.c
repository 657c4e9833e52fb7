/* JUnit XML reporter, for CI systems that show test results (GitLab
 * `artifacts:reports:junit`, Jenkins, Azure DevOps, …).
 *
 * Layout: one <testsuite> per enabled rule, named by the rule id, in
 * ruleset order.  Each finding is a failing <testcase> of its rule's suite
 * (name "path:line:col", classname "leakguard.RULE-ID", a <failure> whose
 * type is the severity and whose body lists secret, location, fingerprint
 * and git provenance); a rule without findings has one passing testcase
 * ("no findings"), so that a clean scan reads as N passed tests.  Notices
 * form a last suite, "leakguard.notices": a skipped or cut object is a
 * <skipped> testcase, an object that could not be scanned an <error>.
 *
 * The suites' counts come first in the XML, so testcases are kept per rule
 * until end() (in memory, never in a temporary file: with --show-secrets
 * they hold secrets), up to BODY_MAX bytes in all.  Every piece of text is
 * XML-escaped; invalid UTF-8 and control characters become U+FFFD. */
#include "report/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "report/markup.h"

#define BODY_MAX (512u * 1024 * 1024) /* testcases kept, all suites */
#define NOTE_MAX 10000

struct suite {
    struct lg_buf cases;
    uint64_t tests, failures, errors, skipped;
};

struct junit_ctx {
    const struct lg_report_env *env;
    struct suite *suites; /* rs->n rules, then "unknown", then notices */
    size_t n_suites;
    size_t kept;      /* bytes held in all suites */
    uint64_t dropped; /* notices beyond NOTE_MAX */
    int rc;           /* first error, sticky */
};

static int junit_begin(void *ctx, const struct lg_report_env *env)
{
    struct junit_ctx *c = ctx;
    size_t n = (env->rs ? env->rs->n : 0) + 2;

    c->env = env;
    c->suites = calloc(n, sizeof(*c->suites));
    if (!c->suites)
        return LG_ENOMEM;
    c->n_suites = n;
    for (size_t i = 0; i < n; i++)
        lg_buf_init(&c->suites[i].cases, BODY_MAX);
    return LG_OK;
}

static struct suite *rule_suite(struct junit_ctx *c, const struct lg_finding *f)
{
    const struct lg_ruleset *rs = c->env->rs;

    if (rs && f->rule >= rs->rules && f->rule < rs->rules + rs->n)
        return &c->suites[f->rule - rs->rules];
    return &c->suites[c->n_suites - 2];
}

/* Escaped text appended to b; errors stay in c->rc. */
static void x(struct junit_ctx *c, struct lg_buf *b, const char *s, bool attr)
{
    if (c->rc == LG_OK)
        c->rc = lg_report_xml_puts(b, s ? s : "", attr);
}

static void xn(struct junit_ctx *c, struct lg_buf *b, const char *s, size_t n)
{
    if (c->rc == LG_OK)
        c->rc = lg_report_xml_escape(b, s, n, false);
}

static void raw(struct junit_ctx *c, struct lg_buf *b, const char *s)
{
    if (c->rc == LG_OK)
        c->rc = lg_buf_puts(b, s);
}

static void where(struct junit_ctx *c, struct lg_buf *b,
                  const struct lg_finding *at, bool attr)
{
    char pos[48];

    x(c, b, at->path ? at->path : "(unknown)", attr);
    snprintf(pos, sizeof(pos), ":%" PRIu64 ":%" PRIu64, at->line, at->column);
    raw(c, b, pos);
}

static void line(struct junit_ctx *c, struct lg_buf *b, const char *label,
                 const char *value)
{
    if (!value)
        return;
    raw(c, b, label);
    x(c, b, value, false);
    raw(c, b, "\n");
}

/* The <failure> body: one "Label: value" line per fact. */
static void failure_body(struct junit_ctx *c, struct lg_buf *b,
                         const struct lg_finding *f, const struct lg_rule *r)
{
    const char *s;
    size_t n;

    line(c, b, "Rule: ", r->name);
    line(c, b, "Rule id: ", r->id);
    line(c, b, "Severity: ", lg_severity_name(r->severity));
    line(c, b, "Confidence: ", lg_confidence_name(r->confidence));
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    raw(c, b, "Secret: ");
    xn(c, b, s, n);
    raw(c, b, "\nLocation: ");
    where(c, b, f, false);
    raw(c, b, "\n");
    line(c, b, "Decoded: ", f->decoded);
    line(c, b, "Fingerprint: ", f->fingerprint);
    line(c, b, "Commit: ", f->git.commit);
    line(c, b, "Author: ", f->git.author);
    line(c, b, "Email: ", f->git.email);
    line(c, b, "Date: ", f->git.date);
    for (size_t i = 0; i < f->n_locations; i++) {
        raw(c, b, "Also at: ");
        where(c, b, &f->locations[i], false);
        if (f->locations[i].git.commit) {
            raw(c, b, " (commit ");
            x(c, b, f->locations[i].git.commit, false);
            raw(c, b, ")");
        }
        raw(c, b, "\n");
    }
}

static int keep(struct junit_ctx *c, struct lg_buf *b, size_t before)
{
    if (c->rc == LG_OK && c->kept + (b->len - before) > BODY_MAX)
        c->rc = LG_ELIMIT;
    if (c->rc == LG_OK)
        c->kept += b->len - before;
    return c->rc;
}

static int junit_finding(void *ctx, const struct lg_finding *f)
{
    struct junit_ctx *c = ctx;
    const struct lg_rule *r = lg_report_rule(f);
    struct suite *su = rule_suite(c, f);
    struct lg_buf *b = &su->cases;
    size_t before = b->len;
    char num[24];
    const char *s;
    size_t n;

    raw(c, b, "    <testcase name=\"");
    where(c, b, f, true);
    raw(c, b, "\" classname=\"leakguard.");
    x(c, b, r->id, true);
    raw(c, b, "\" file=\"");
    x(c, b, f->path, true);
    snprintf(num, sizeof(num), "%" PRIu64, f->line);
    raw(c, b, "\" line=\"");
    raw(c, b, num);
    raw(c, b, "\">\n      <failure type=\"");
    raw(c, b, lg_severity_name(r->severity));
    raw(c, b, "\" message=\"");
    x(c, b, r->name, true);
    raw(c, b, ": ");
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    if (c->rc == LG_OK)
        c->rc = lg_report_xml_escape(b, s, n, true);
    raw(c, b, "\">");
    failure_body(c, b, f, r);
    raw(c, b, "</failure>\n    </testcase>\n");
    su->tests++;
    su->failures++;
    return keep(c, b, before);
}

static int junit_notice(void *ctx, const struct lg_notice *n)
{
    struct junit_ctx *c = ctx;
    struct suite *su = &c->suites[c->n_suites - 1];
    struct lg_buf *b = &su->cases;
    size_t before = b->len;
    bool error = n->kind == LG_NOTICE_FAILED;

    if (su->tests >= NOTE_MAX) {
        c->dropped++;
        return LG_OK;
    }
    raw(c, b, "    <testcase name=\"");
    x(c, b, n->path ? n->path : lg_notice_kind_name(n->kind), true);
    raw(c, b, "\" classname=\"leakguard.notices\">\n      <");
    raw(c, b, error ? "error" : "skipped");
    raw(c, b, " type=\"");
    x(c, b, n->reason ? n->reason : lg_notice_kind_name(n->kind), true);
    raw(c, b, "\" message=\"");
    x(c, b, lg_notice_kind_name(n->kind), true);
    raw(c, b, ": ");
    x(c, b, n->message, true);
    raw(c, b, "\"/>\n    </testcase>\n");
    su->tests++;
    if (error)
        su->errors++;
    else
        su->skipped++;
    return keep(c, b, before);
}

/* <testsuite …> with its counts, its testcases, </testsuite>. */
static int write_suite(struct junit_ctx *c, struct lg_buf *out,
                       const char *name, struct suite *su)
{
    raw(c, out, "  <testsuite name=\"");
    x(c, out, name, true);
    if (c->rc == LG_OK)
        c->rc = lg_buf_printf(out,
                              "\" tests=\"%" PRIu64 "\" failures=\"%" PRIu64
                              "\" errors=\"%" PRIu64 "\" skipped=\"%" PRIu64
                              "\">\n",
                              su->tests, su->failures, su->errors, su->skipped);
    if (c->rc == LG_OK && su->cases.len)
        c->rc = lg_buf_append(out, su->cases.data, su->cases.len);
    lg_buf_release(&su->cases);
    raw(c, out, "  </testsuite>\n");
    /* write suite by suite: the whole document may not fit twice */
    if (c->rc == LG_OK)
        c->rc = lg_report_flush(c->env->out, out);
    return c->rc;
}

static void totals(struct junit_ctx *c, struct suite *t)
{
    for (size_t i = 0; i < c->n_suites; i++) {
        t->tests += c->suites[i].tests;
        t->failures += c->suites[i].failures;
        t->errors += c->suites[i].errors;
        t->skipped += c->suites[i].skipped;
    }
}

static int write_document(struct junit_ctx *c, const struct lg_run_summary *sum)
{
    const struct lg_ruleset *rs = c->env->rs;
    struct suite all = {0};
    struct lg_buf out;

    lg_buf_init(&out, BODY_MAX + LG_REPORT_ITEM_MAX);
    /* a rule without findings: one passing testcase */
    for (size_t i = 0; rs && i < rs->n; i++) {
        struct suite *su = &c->suites[i];

        if (rs->rules[i].disabled || su->tests)
            continue;
        raw(c, &su->cases,
            "    <testcase name=\"no findings\" "
            "classname=\"leakguard.");
        x(c, &su->cases, rs->rules[i].rule.id, true);
        raw(c, &su->cases, "\"/>\n");
        su->tests = 1;
    }
    totals(c, &all);
    raw(c, &out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (c->rc == LG_OK)
        c->rc = lg_buf_printf(&out,
                              "<testsuites name=\"leakguard\" tests=\"%" PRIu64
                              "\" failures=\"%" PRIu64 "\" errors=\"%" PRIu64
                              "\" skipped=\"%" PRIu64 "\" time=\"%.3f\">\n",
                              all.tests, all.failures, all.errors, all.skipped,
                              sum->seconds);
    for (size_t i = 0; rs && i < rs->n && c->rc == LG_OK; i++)
        if (!rs->rules[i].disabled)
            write_suite(c, &out, rs->rules[i].rule.id, &c->suites[i]);
    if (c->rc == LG_OK && c->suites[c->n_suites - 2].tests)
        write_suite(c, &out, "unknown", &c->suites[c->n_suites - 2]);
    if (c->rc == LG_OK && c->dropped) {
        raw(c, &c->suites[c->n_suites - 1].cases, "    <system-err>");
        if (c->rc == LG_OK)
            c->rc = lg_buf_printf(&c->suites[c->n_suites - 1].cases,
                                  "%" PRIu64 " more notices not listed; the "
                                  "summary counts them",
                                  c->dropped);
        raw(c, &c->suites[c->n_suites - 1].cases, "</system-err>\n");
    }
    if (c->rc == LG_OK && c->suites[c->n_suites - 1].cases.len)
        write_suite(c, &out, "leakguard.notices", &c->suites[c->n_suites - 1]);
    raw(c, &out, "</testsuites>\n");
    if (c->rc == LG_OK)
        c->rc = lg_report_flush(c->env->out, &out);
    lg_buf_release(&out);
    return c->rc;
}

static int junit_end(void *ctx, const struct lg_run_summary *sum)
{
    struct junit_ctx *c = ctx;
    int rc;

    if (!c->env)
        return LG_OK;
    rc = c->rc == LG_OK ? write_document(c, sum) : c->rc;
    if (rc == LG_OK && fflush(c->env->out) != 0)
        rc = LG_EIO;
    for (size_t i = 0; i < c->n_suites; i++)
        lg_buf_release(&c->suites[i].cases);
    free(c->suites);
    c->suites = NULL;
    c->n_suites = 0;
    return rc;
}

const struct lg_reporter_ops lg_report_junit = {
    .name = "junit",
    .summary = "JUnit XML: a test suite per rule, a failure per finding",
    .ctx_size = sizeof(struct junit_ctx),
    .streaming = false,
    .begin = junit_begin,
    .finding = junit_finding,
    .notice = junit_notice,
    .end = junit_end,
};
