/* GitLab secret-detection report (security report schema 15.0.6), for
 * `artifacts:reports:secret_detection` in GitLab CI.
 *
 * Layout: {"version", "schema", "vulnerabilities": [...], "scan": {...}}.
 * Each occurrence is a vulnerability (a finding's further locations get
 * their own), with a UUID-shaped id hashed from the fingerprint and the
 * location, so that ids are unique in the report and stable between runs.
 * location.commit.sha is required by the schema: outside git it is
 * "0000000", as GitLab's own analyzer writes for a plain directory.  The
 * secret in raw_source_code_extract is redacted unless --show-secrets.
 * Notices become scan.messages ("warn" for failed or cut objects, "info"
 * for skipped ones), kept until end() because "scan" follows the
 * vulnerabilities; beyond MESSAGE_MAX they are only counted.  Times are UTC
 * without a zone suffix, as the schema's pattern requires. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/fields.h"
#include "report/markup.h"
#include "util/buf.h"

#ifndef LG_REPORT_INFO_URI
#define LG_REPORT_INFO_URI "https://github.com/leakguard/leakguard"
#endif

#define GITLAB_SCHEMA_VERSION "15.0.6"
#define GITLAB_SCHEMA                                                          \
    "https://gitlab.com/gitlab-org/security-products/security-report-"         \
    "schemas/-/raw/v" GITLAB_SCHEMA_VERSION                                    \
    "/dist/secret-detection-report-format.json"
#define NO_COMMIT "0000000"
#define NAME_MAX_BYTES 255
#define MESSAGE_MAX 1000
#define SOLUTION                                                               \
    "Revoke or rotate the credential at its provider first, then remove "      \
    "it from the code (and from the history if it was pushed) and load it "    \
    "from a secret store or the environment instead."

struct gl_message {
    bool warn;
    char *text;
};

struct gitlab_ctx {
    const struct lg_report_env *env;
    struct lg_buf buf;
    struct lg_json j;
    time_t start;
    struct gl_message *msgs;
    size_t n_msgs, cap_msgs;
    uint64_t dropped;
};

static const char *severity(enum lg_severity s)
{
    static const char *const names[] = {
        [LG_SEV_INFO] = "Info",         [LG_SEV_LOW] = "Low",
        [LG_SEV_MEDIUM] = "Medium",     [LG_SEV_HIGH] = "High",
        [LG_SEV_CRITICAL] = "Critical",
    };

    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s]
                                                          : "Unknown";
}

/* Write out the buffer; the document stays open until end(), so the
 * writer's own status is read, not lg_json_status(). */
static int flush(struct gitlab_ctx *c)
{
    int rc = c->j.status;

    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    rc = lg_report_flush(c->env->out, &c->buf);
    if (rc < 0)
        c->j.status = rc;
    return rc;
}

static int gitlab_begin(void *ctx, const struct lg_report_env *env)
{
    struct gitlab_ctx *c = ctx;

    c->env = env;
    c->start = time(NULL);
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    lg_json_init(&c->j, &c->buf, true);
    lg_json_obj_begin(&c->j);
    lg_json_kstr(&c->j, "version", GITLAB_SCHEMA_VERSION);
    lg_json_kstr(&c->j, "schema", GITLAB_SCHEMA);
    lg_json_key(&c->j, "vulnerabilities");
    lg_json_arr_begin(&c->j);
    return flush(c);
}

/* A string member cut to at most max bytes at a UTF-8 boundary. */
static void kstr_max(struct lg_json *j, const char *key, const char *s,
                     size_t max)
{
    size_t n = strlen(s);

    if (n > max) {
        n = max;
        while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    lg_json_key(j, key);
    lg_json_strn(j, s, n);
}

static void write_location(struct lg_json *j, const struct lg_finding *at)
{
    const char *path = at->path ? at->path : "";

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    lg_json_key(j, "location");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "file", path);
    if (at->line) {
        lg_json_kuint(j, "start_line", at->line);
        lg_json_kuint(j, "end_line",
                      at->end_line >= at->line ? at->end_line : at->line);
    }
    lg_json_key(j, "commit");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "sha",
                 at->git.commit && *at->git.commit ? at->git.commit
                                                   : NO_COMMIT);
    if (at->git.author)
        lg_json_kstr(j, "author", at->git.author);
    if (at->git.date)
        lg_json_kstr(j, "date", at->git.date);
    if (at->git.message)
        lg_json_kstr(j, "message", at->git.message);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static void identifiers(struct lg_json *j, const struct lg_rule *r)
{
    struct lg_buf name;

    lg_buf_init(&name, LG_REPORT_ITEM_MAX);
    if (lg_buf_printf(&name, "leakguard rule ID %s", r->id) < 0 &&
        j->status == LG_OK)
        j->status = LG_ENOMEM;
    lg_json_key(j, "identifiers");
    lg_json_arr_begin(j);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "type", "leakguard_rule_id");
    lg_json_kstr(j, "name", name.data ? name.data : r->id);
    lg_json_kstr(j, "value", r->id);
    lg_json_obj_end(j);
    lg_json_arr_end(j);
    lg_buf_release(&name);
}

static void links(struct lg_json *j, const struct lg_rule *r)
{
    bool any = false;

    for (size_t i = 0; i < r->references.n; i++) {
        if (!lg_report_plain_uri(r->references.v[i]))
            continue;
        if (!any) {
            lg_json_key(j, "links");
            lg_json_arr_begin(j);
            any = true;
        }
        lg_json_obj_begin(j);
        lg_json_kstr(j, "url", r->references.v[i]);
        lg_json_obj_end(j);
    }
    if (any)
        lg_json_arr_end(j);
}

/* details: a named list of text fields GitLab shows with the finding. */
static void detail(struct lg_json *j, const char *key, const char *name,
                   const char *value)
{
    lg_json_key(j, key);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "name", name);
    lg_json_kstr(j, "type", "text");
    lg_json_kstr(j, "value", value);
    lg_json_obj_end(j);
}

static void vulnerability(struct gitlab_ctx *c, const struct lg_finding *f,
                          const struct lg_finding *at)
{
    const struct lg_rule *r = lg_report_rule(f);
    struct lg_json *j = &c->j;
    char id[LG_REPORT_ID_LEN + 1];
    const char *s, *desc;
    size_t n;

    lg_report_occurrence_id(at, id);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "id", id);
    lg_json_kstr(j, "category", "secret_detection");
    kstr_max(j, "name", r->name, NAME_MAX_BYTES);
    desc = r->description ? r->description : r->name;
    n = strlen(desc);
    while (n && strchr(" \t\r\n", desc[n - 1]))
        n--;
    lg_json_key(j, "description");
    lg_json_strn(j, desc, n);
    lg_json_kstr(j, "severity", severity(r->severity));
    lg_json_kstr(j, "solution", SOLUTION);
    write_location(j, at);
    identifiers(j, r);
    links(j, r);
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    lg_json_key(j, "raw_source_code_extract");
    lg_json_strn(j, s, n);
    lg_json_key(j, "details");
    lg_json_obj_begin(j);
    detail(j, "fingerprint", "Fingerprint", f->fingerprint);
    detail(j, "confidence", "Confidence", lg_confidence_name(r->confidence));
    if (f->decoded)
        detail(j, "decoded", "Decoded from", f->decoded);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static int gitlab_finding(void *ctx, const struct lg_finding *f)
{
    struct gitlab_ctx *c = ctx;

    vulnerability(c, f, f);
    for (size_t i = 0; i < f->n_locations; i++)
        vulnerability(c, f, &f->locations[i]);
    return flush(c);
}

static int gitlab_notice(void *ctx, const struct lg_notice *n)
{
    struct gitlab_ctx *c = ctx;
    struct lg_buf t;
    int rc;

    if (c->n_msgs >= MESSAGE_MAX) {
        c->dropped++;
        return LG_OK;
    }
    void *v = lg_grow(c->msgs, &c->cap_msgs, c->n_msgs, sizeof(*c->msgs), 16);
    if (!v)
        return LG_ENOMEM;
    c->msgs = v;
    lg_buf_init(&t, LG_REPORT_ITEM_MAX);
    rc = lg_buf_printf(&t, "%s", lg_notice_kind_name(n->kind));
    if (rc == LG_OK && n->path)
        rc = lg_buf_printf(&t, ": '%s'", n->path);
    if (rc == LG_OK)
        rc = lg_buf_printf(&t, ": %s",
                           n->message && *n->message
                               ? n->message
                               : (n->reason ? n->reason : "-"));
    if (rc < 0) {
        lg_buf_release(&t);
        return rc;
    }
    c->msgs[c->n_msgs].warn =
        n->kind == LG_NOTICE_FAILED || n->kind == LG_NOTICE_LIMIT;
    c->msgs[c->n_msgs].text = lg_buf_detach(&t);
    c->n_msgs++;
    return LG_OK;
}

static void tool(struct lg_json *j, const char *key, const char *version)
{
    lg_json_key(j, key);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "id", "leakguard");
    lg_json_kstr(j, "name", "leakguard");
    lg_json_kstr(j, "url", LG_REPORT_INFO_URI);
    lg_json_kstr(j, "version", version && *version ? version : "0");
    lg_json_key(j, "vendor");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "name", "leakguard");
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static void write_scan(struct gitlab_ctx *c)
{
    struct lg_json *j = &c->j;
    char start[LG_REPORT_UTC_LEN + 1], end[LG_REPORT_UTC_LEN + 1];

    lg_report_utc(c->start, start);
    lg_report_utc(time(NULL), end);
    lg_json_key(j, "scan");
    lg_json_obj_begin(j);
    tool(j, "analyzer", c->env->tool_version);
    tool(j, "scanner", c->env->tool_version);
    lg_json_kstr(j, "type", "secret_detection");
    lg_json_kstr(j, "start_time", start);
    lg_json_kstr(j, "end_time", end);
    lg_json_kstr(j, "status", "success");
    lg_json_key(j, "messages");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < c->n_msgs; i++) {
        lg_json_obj_begin(j);
        lg_json_kstr(j, "level", c->msgs[i].warn ? "warn" : "info");
        lg_json_kstr(j, "value", c->msgs[i].text);
        lg_json_obj_end(j);
    }
    if (c->dropped) {
        char msg[96];

        snprintf(msg, sizeof(msg),
                 "%llu more notices not listed; the summary counts them",
                 (unsigned long long)c->dropped);
        lg_json_obj_begin(j);
        lg_json_kstr(j, "level", "info");
        lg_json_kstr(j, "value", msg);
        lg_json_obj_end(j);
    }
    lg_json_arr_end(j);
    lg_json_obj_end(j);
}

static int gitlab_end(void *ctx, const struct lg_run_summary *sum)
{
    struct gitlab_ctx *c = ctx;
    int rc;

    (void)sum;
    if (!c->env)
        return LG_OK;
    lg_json_arr_end(&c->j); /* vulnerabilities */
    write_scan(c);
    lg_json_obj_end(&c->j);
    rc = lg_json_status(&c->j);
    if (rc == LG_OK)
        rc = lg_buf_putc(&c->buf, '\n');
    if (rc == LG_OK)
        rc = lg_report_flush(c->env->out, &c->buf);
    if (rc == LG_OK && fflush(c->env->out) != 0)
        rc = LG_EIO;
    lg_buf_release(&c->buf);
    for (size_t i = 0; i < c->n_msgs; i++)
        free(c->msgs[i].text);
    free(c->msgs);
    c->msgs = NULL;
    c->n_msgs = c->cap_msgs = 0;
    return rc;
}

const struct lg_reporter_ops lg_report_gitlab = {
    .name = "gitlab",
    .summary = "GitLab secret-detection report (schema 15.0.6)",
    .ctx_size = sizeof(struct gitlab_ctx),
    .streaming = false,
    .begin = gitlab_begin,
    .finding = gitlab_finding,
    .notice = gitlab_notice,
    .end = gitlab_end,
};
