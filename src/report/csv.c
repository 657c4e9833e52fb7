/* CSV reporter (RFC 4180), for spreadsheets and quick scripts.
 *
 * A header row, then one row per occurrence: a finding's further
 * locations (the same secret elsewhere) get rows of their own with the same
 * rule, secret and fingerprint, so that a spreadsheet lists every place to
 * clean up.  Rows end in CRLF.  Cells are quoted only when they must be,
 * and a cell that a spreadsheet would take for a formula (= + - @) is
 * prefixed with "'" (OWASP's advice against CSV injection).  Notices are not
 * part of the table; the CLI reports them on stderr.  Rows are written as
 * they come, so memory does not grow with the number of findings. */
#include "report/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/fields.h"
#include "report/markup.h"

static const char *const columns[] = {
    "rule_id",     "rule_name", "severity", "confidence", "path",
    "line",        "column",    "end_line", "end_column", "secret",
    "fingerprint", "commit",    "author",   "date",
};
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

struct csv_ctx {
    const struct lg_report_env *env;
    struct lg_buf buf;
};

static int cell(struct lg_buf *b, const char *s, bool first)
{
    int rc = first ? LG_OK : lg_buf_putc(b, ',');

    if (rc == LG_OK && s)
        rc = lg_report_csv_cell(b, s, strlen(s));
    return rc;
}

static int num(struct lg_buf *b, uint64_t v)
{
    return lg_buf_printf(b, ",%" PRIu64, v);
}

/* One row: `at` is where (path, position, commit), `f` what (rule,
 * secret, fingerprint). */
static int row(struct csv_ctx *c, const struct lg_finding *f,
               const struct lg_finding *at)
{
    const struct lg_rule *r = lg_report_rule(f);
    struct lg_buf *b = &c->buf;
    const char *s;
    size_t n;
    int rc;

    rc = cell(b, r->id, true);
    if (rc == LG_OK)
        rc = cell(b, r->name, false);
    if (rc == LG_OK)
        rc = cell(b, lg_severity_name(r->severity), false);
    if (rc == LG_OK)
        rc = cell(b, lg_confidence_name(r->confidence), false);
    if (rc == LG_OK)
        rc = cell(b, at->path, false);
    if (rc == LG_OK)
        rc = num(b, at->line);
    if (rc == LG_OK)
        rc = num(b, at->column);
    if (rc == LG_OK)
        rc = num(b, at->end_line);
    if (rc == LG_OK)
        rc = num(b, at->end_column);
    if (rc == LG_OK)
        rc = lg_buf_putc(b, ',');
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    if (rc == LG_OK)
        rc = lg_report_csv_cell(b, s, n);
    if (rc == LG_OK)
        rc = cell(b, f->fingerprint, false);
    if (rc == LG_OK)
        rc = cell(b, at->git.commit, false);
    if (rc == LG_OK)
        rc = cell(b, at->git.author, false);
    if (rc == LG_OK)
        rc = cell(b, at->git.date, false);
    if (rc == LG_OK)
        rc = lg_buf_append(b, "\r\n", 2);
    return rc;
}

static int write_out(struct csv_ctx *c, int rc)
{
    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    return lg_report_flush(c->env->out, &c->buf);
}

static int csv_begin(void *ctx, const struct lg_report_env *env)
{
    struct csv_ctx *c = ctx;
    int rc = LG_OK;

    c->env = env;
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    for (size_t i = 0; i < N_COLUMNS && rc == LG_OK; i++)
        rc = cell(&c->buf, columns[i], i == 0);
    if (rc == LG_OK)
        rc = lg_buf_append(&c->buf, "\r\n", 2);
    return write_out(c, rc);
}

static int csv_finding(void *ctx, const struct lg_finding *f)
{
    struct csv_ctx *c = ctx;
    int rc = row(c, f, f);

    for (size_t i = 0; i < f->n_locations && rc == LG_OK; i++)
        rc = row(c, f, &f->locations[i]);
    return write_out(c, rc);
}

static int csv_notice(void *ctx, const struct lg_notice *n)
{
    (void)ctx;
    (void)n;
    return LG_OK;
}

static int csv_end(void *ctx, const struct lg_run_summary *sum)
{
    struct csv_ctx *c = ctx;

    (void)sum;
    if (!c->env)
        return LG_OK;
    lg_buf_release(&c->buf);
    return fflush(c->env->out) == 0 ? LG_OK : LG_EIO;
}

const struct lg_reporter_ops lg_report_csv = {
    .name = "csv",
    .summary = "CSV (RFC 4180), one row per occurrence",
    .ctx_size = sizeof(struct csv_ctx),
    .streaming = false,
    .begin = csv_begin,
    .finding = csv_finding,
    .notice = csv_notice,
    .end = csv_end,
};
