/* JSON reporters.
 *
 * json:  one pretty-printed array of finding objects.  Each finding is
 *        written out as soon as it arrives (the session has sorted them), so
 *        memory does not grow with the number of findings.  Notices are not
 *        part of the array; the CLI reports them on stderr.
 * jsonl: one compact object per line, flushed as found: findings
 *        ("type":"finding"), notices ("type":"notice") and a final
 *        "type":"summary" line — for pipelines that read while we scan. */
#include "report/report.h"

#include "report/fields.h"

struct json_ctx {
    const struct lg_report_env *env;
    struct lg_buf buf;
    struct lg_json j;
};

static int finish_item(struct json_ctx *c, bool newline, bool flush)
{
    int rc = lg_json_status(&c->j);

    if (rc == LG_OK && newline)
        rc = lg_buf_putc(&c->buf, '\n');
    if (rc == LG_OK)
        rc = lg_report_flush(c->env->out, &c->buf);
    else
        lg_buf_release(&c->buf);
    if (rc == LG_OK && flush && fflush(c->env->out) != 0)
        rc = LG_EIO;
    return rc;
}

static int json_begin(void *ctx, const struct lg_report_env *env)
{
    struct json_ctx *c = ctx;

    c->env = env;
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    lg_json_init(&c->j, &c->buf, true);
    lg_json_arr_begin(&c->j);
    /* Depth is 1 until end(): write out the bracket without the status
     * check that would call an open array an error. */
    return lg_report_flush(env->out, &c->buf);
}

static int json_finding(void *ctx, const struct lg_finding *f)
{
    struct json_ctx *c = ctx;
    int rc;

    lg_json_obj_begin(&c->j);
    rc = lg_report_write_finding(&c->j, f, c->env->show_secrets);
    lg_json_obj_end(&c->j);
    if (rc == LG_OK) /* the array is open: read the writer's own status */
        rc = c->j.status;
    if (rc == LG_OK)
        rc = lg_report_flush(c->env->out, &c->buf);
    else
        lg_buf_release(&c->buf);
    return rc;
}

static int json_notice(void *ctx, const struct lg_notice *n)
{
    (void)ctx;
    (void)n;
    return LG_OK;
}

static int json_end(void *ctx, const struct lg_run_summary *sum)
{
    struct json_ctx *c = ctx;

    (void)sum;
    if (!c->env)
        return LG_OK;
    lg_json_arr_end(&c->j);
    return finish_item(c, true, true);
}

const struct lg_reporter_ops lg_report_json = {
    .name = "json",
    .summary = "a JSON array of findings",
    .ctx_size = sizeof(struct json_ctx),
    .streaming = false,
    .begin = json_begin,
    .finding = json_finding,
    .notice = json_notice,
    .end = json_end,
};

static int jsonl_begin(void *ctx, const struct lg_report_env *env)
{
    struct json_ctx *c = ctx;

    c->env = env;
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    return LG_OK;
}

static int jsonl_finding(void *ctx, const struct lg_finding *f)
{
    struct json_ctx *c = ctx;
    int rc;

    lg_json_init(&c->j, &c->buf, false);
    lg_json_obj_begin(&c->j);
    lg_json_kstr(&c->j, "type", "finding");
    rc = lg_report_write_finding(&c->j, f, c->env->show_secrets);
    lg_json_obj_end(&c->j);
    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    return finish_item(c, true, true);
}

static int jsonl_notice(void *ctx, const struct lg_notice *n)
{
    struct json_ctx *c = ctx;

    lg_json_init(&c->j, &c->buf, false);
    lg_json_obj_begin(&c->j);
    lg_json_kstr(&c->j, "type", "notice");
    lg_json_kstr(&c->j, "kind", lg_notice_kind_name(n->kind));
    lg_json_kstr(&c->j, "reason", n->reason);
    lg_json_kstr(&c->j, "object", n->path);
    lg_json_kstr(&c->j, "message", n->message);
    lg_json_obj_end(&c->j);
    return finish_item(c, true, true);
}

static int jsonl_end(void *ctx, const struct lg_run_summary *sum)
{
    struct json_ctx *c = ctx;

    if (!c->env)
        return LG_OK;
    lg_json_init(&c->j, &c->buf, false);
    lg_json_obj_begin(&c->j);
    lg_json_kstr(&c->j, "type", "summary");
    lg_report_write_summary(&c->j, sum);
    lg_json_obj_end(&c->j);
    return finish_item(c, true, true);
}

const struct lg_reporter_ops lg_report_jsonl = {
    .name = "jsonl",
    .summary = "one JSON object per line, streamed as found",
    .ctx_size = sizeof(struct json_ctx),
    .streaming = true,
    .begin = jsonl_begin,
    .finding = jsonl_finding,
    .notice = jsonl_notice,
    .end = jsonl_end,
};
