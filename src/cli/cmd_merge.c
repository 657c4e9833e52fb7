/* leakguard merge: combine reports written by earlier runs (one per
 * repository, say) into one report.
 *
 * Inputs are recognised by content: a JSON array of findings (-f json), a
 * JSONL stream (-f jsonl: its "finding" lines are used, notices and the
 * summary dropped) or a SARIF log (an object with "runs").  Each input is
 * read, parsed (util/json_parse, bounded), written out and freed before the
 * next one, so memory holds one input at a time.
 *
 * json output: one array of finding objects, copied member by member, each
 *   with a "report" member naming its input (unless it has one: merging
 *   merged reports keeps the first name).  SARIF results become finding
 *   objects with the same fields the json format writes.
 * sarif output: one run per input.  SARIF runs are copied; JSON inputs
 *   become a run with the rules their findings name.  Every run gets an
 *   automationDetails.id "<input name>/" unless it has one, so that code
 *   scanning keeps the runs apart as categories.
 *
 * Copies are faithful except for numbers with a fraction or an exponent,
 * which are written with 4 significant digits, as leakguard writes them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/json_parse.h"

#define INPUT_MAX (256u * 1024 * 1024) /* bytes of one input report */
#define NODES_MAX ((size_t)16 << 20)   /* JSON values in one input */
#define OUT_FLUSH (1u << 20)           /* write out past this much */
#define OUT_MAX (64u * 1024 * 1024)    /* one item of output */
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "%SRCROOT%"

enum kind { K_JSON, K_JSONL, K_SARIF };

struct merge {
    FILE *out;
    struct lg_buf buf;
    struct lg_json j;
    bool sarif;
    int rc; /* first output error */
};

static int set_merge_format(struct lg_cli *c, const char *v, struct lg_error *e)
{
    if (strcmp(v, "json") != 0 && strcmp(v, "sarif") != 0)
        return lg_error_set(e, LG_EINVAL,
                            "merge writes json or sarif, not '%s'", v);
    c->format = v;
    return LG_OK;
}

const struct lg_opt lg_opt_merge_format = {
    "format", 'f', "FMT", "output format: json (default) or sarif",
    set_merge_format};

/* Write out what the writer holds so far (the document stays open). */
static void drain(struct merge *m, bool force)
{
    if (m->rc == LG_OK)
        m->rc = m->j.status;
    if (m->rc != LG_OK || (!force && m->buf.len < OUT_FLUSH))
        return;
    if (m->buf.len && fwrite(m->buf.data, 1, m->buf.len, m->out) != m->buf.len)
        m->rc = LG_EIO;
    lg_buf_clear(&m->buf);
}

/* ---- copying parsed values ---- */

static void emit_number(struct lg_json *j, const struct lg_jnode *v)
{
    char *end;
    long long i;
    unsigned long long u;

    if (!strpbrk(v->str, ".eE")) {
        errno = 0;
        if (v->str[0] == '-') {
            i = strtoll(v->str, &end, 10);
            if (!errno && !*end) {
                lg_json_int(j, i);
                return;
            }
        } else {
            u = strtoull(v->str, &end, 10);
            if (!errno && !*end) {
                lg_json_uint(j, u);
                return;
            }
        }
    }
    lg_json_double(j, v->number);
}

static void emit(struct lg_json *j, const struct lg_jnode *v)
{
    switch (v->type) {
    case LG_JNULL: lg_json_null(j); break;
    case LG_JBOOL: lg_json_bool(j, v->boolean); break;
    case LG_JNUMBER: emit_number(j, v); break;
    case LG_JSTRING: lg_json_strn(j, v->str, v->len); break;
    case LG_JARRAY:
        lg_json_arr_begin(j);
        for (size_t i = 0; i < v->n; i++)
            emit(j, &v->kids[i]);
        lg_json_arr_end(j);
        break;
    case LG_JOBJECT:
        lg_json_obj_begin(j);
        for (size_t i = 0; i < v->n; i++) {
            lg_json_key(j, v->kids[i].key);
            emit(j, &v->kids[i]);
        }
        lg_json_obj_end(j);
        break;
    }
}

/* ---- reading inputs ---- */

static int read_input(const char *name, struct lg_buf *text,
                      struct lg_error *err)
{
    lg_buf_init(text, INPUT_MAX);
    if (strcmp(name, "-") == 0)
        return lg_buf_read_fd(text, STDIN_FILENO, "(stdin)", err);
    return lg_buf_read_path(text, name, err);
}

static int parse(const char *name, const char *s, size_t n,
                 struct lg_jnode **out, struct lg_error *err)
{
    struct lg_jlimits lim = {.max_depth = LG_JPARSE_DEPTH,
                             .max_nodes = NODES_MAX};
    int rc = lg_jparse(out, s, n, &lim, err);

    if (rc < 0)
        lg_error_prefix(err, "'%s'", name);
    return rc;
}

/* The kind of a report: a JSON array is -f json, an object with "runs"
 * SARIF, any other object (or text that is not one JSON value but starts
 * with '{') a JSONL stream, which is then read line by line. */
static int classify(const char *name, const struct lg_buf *text,
                    struct lg_jnode **root, enum kind *kind,
                    struct lg_error *err)
{
    const char *p = text->data ? text->data : "";
    size_t n = text->len;
    int rc;

    *root = NULL;
    if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3;
        n -= 3;
    }
    while (n && strchr(" \t\r\n", *p)) {
        p++;
        n--;
    }
    if (n && *p == '{' && parse(name, p, n, root, NULL) < 0) {
        *kind = K_JSONL;
        return LG_OK;
    }
    if (!*root) {
        rc = parse(name, p, n, root, err);
        if (rc < 0)
            return rc;
    }
    if ((*root)->type == LG_JARRAY) {
        *kind = K_JSON;
        return LG_OK;
    }
    if ((*root)->type == LG_JOBJECT) {
        *kind = lg_jget(*root, "runs") ? K_SARIF : K_JSONL;
        return LG_OK;
    }
    lg_jnode_free(*root);
    *root = NULL;
    return lg_error_set(err, LG_ESYNTAX,
                        "'%s' is not a leakguard report (JSON, JSONL or "
                        "SARIF)",
                        name);
}

/* ---- json output ---- */

static void finding_copy(struct merge *m, const struct lg_jnode *f,
                         const char *name)
{
    struct lg_json *j = &m->j;

    if (f->type != LG_JOBJECT)
        return;
    lg_json_obj_begin(j);
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->kids[i].key, "type") == 0) /* JSONL's line type */
            continue;
        lg_json_key(j, f->kids[i].key);
        emit(j, &f->kids[i]);
    }
    if (!lg_jget(f, "report"))
        lg_json_kstr(j, "report", name);
    lg_json_obj_end(j);
    drain(m, false);
}

/* Percent-decoded path of a SARIF artifact URI ("file://" dropped). */
static char *uri_path(const char *uri)
{
    struct lg_buf b;

    lg_buf_init(&b, OUT_MAX);
    if (strncmp(uri, "file://", 7) == 0)
        uri += 7;
    for (const char *p = uri; *p; p++) {
        static const char hex[] = "0123456789abcdef0123456789ABCDEF";
        const char *h1 = p[0] == '%' && p[1] ? strchr(hex, p[1]) : NULL;
        const char *h2 = h1 && p[2] ? strchr(hex, p[2]) : NULL;

        if (h1 && h2) {
            lg_buf_putc(&b, (char)(((h1 - hex) % 16) * 16 + (h2 - hex) % 16));
            p += 2;
        } else {
            lg_buf_putc(&b, *p);
        }
    }
    return lg_buf_detach(&b);
}

static const char *level_severity(const char *level)
{
    if (level && strcmp(level, "error") == 0)
        return "high";
    if (level && strcmp(level, "note") == 0)
        return "low";
    return "medium";
}

/* The shortDescription of a result's rule in its run's driver. */
static const char *rule_name(const struct lg_jnode *run,
                             const struct lg_jnode *res, const char *id)
{
    const struct lg_jnode *rules =
        lg_jget(lg_jget(lg_jget(run, "tool"), "driver"), "rules");
    int64_t idx;

    if (!rules || rules->type != LG_JARRAY)
        return NULL;
    if (lg_jget_int(res, "ruleIndex", &idx) && idx >= 0 &&
        (uint64_t)idx < rules->n)
        return lg_jget_str(lg_jget(&rules->kids[idx], "shortDescription"),
                           "text");
    for (size_t i = 0; id && i < rules->n; i++) {
        const char *rid = lg_jget_str(&rules->kids[i], "id");
        if (rid && strcmp(rid, id) == 0)
            return lg_jget_str(lg_jget(&rules->kids[i], "shortDescription"),
                               "text");
    }
    return NULL;
}

static void kint(struct lg_json *j, const char *key, const struct lg_jnode *o,
                 const char *src, int64_t delta)
{
    int64_t v;

    if (lg_jget_int(o, src, &v))
        lg_json_kint(j, key, v + delta);
}

/* A SARIF result as a finding object (the json format's fields). */
static void result_as_finding(struct merge *m, const struct lg_jnode *run,
                              const struct lg_jnode *res, const char *name)
{
    struct lg_json *j = &m->j;
    const struct lg_jnode *props = lg_jget(res, "properties");
    const struct lg_jnode *locs = lg_jget(res, "locations");
    const struct lg_jnode *phys =
        locs && locs->type == LG_JARRAY && locs->n
            ? lg_jget(&locs->kids[0], "physicalLocation")
            : NULL;
    const struct lg_jnode *region = lg_jget(phys, "region");
    const char *uri = lg_jget_str(lg_jget(phys, "artifactLocation"), "uri");
    const char *id = lg_jget_str(res, "ruleId");
    const char *fp =
        lg_jget_str(lg_jget(res, "partialFingerprints"), "leakguard/v1");
    const char *sev = lg_jget_str(props, "severity");
    char *path = uri ? uri_path(uri) : NULL;
    static const char *const git[] = {"commit", "author", "email", "date"};

    lg_json_obj_begin(j);
    lg_json_kstr(j, "rule_id", id);
    lg_json_kstr(j, "rule_name", rule_name(run, res, id));
    lg_json_kstr(j, "severity",
                 sev ? sev : level_severity(lg_jget_str(res, "level")));
    lg_json_kstr(j, "confidence", lg_jget_str(props, "confidence"));
    lg_json_kstr(j, "fingerprint", fp ? fp : lg_jget_str(props, "fingerprint"));
    lg_json_kstr(j, "secret", lg_jget_str(lg_jget(region, "snippet"), "text"));
    lg_json_kstr(j, "path", path);
    kint(j, "line", region, "startLine", 0);
    kint(j, "column", region, "startColumn", 0);
    kint(j, "end_line", region, "endLine", 0);
    kint(j, "end_column", region, "endColumn", -1); /* SARIF: exclusive */
    if (lg_jget_str(props, "decoded"))
        lg_json_kstr(j, "decoded", lg_jget_str(props, "decoded"));
    for (size_t i = 0; i < sizeof(git) / sizeof(git[0]); i++)
        if (lg_jget_str(props, git[i]))
            lg_json_kstr(j, git[i], lg_jget_str(props, git[i]));
    lg_json_kstr(j, "report", name);
    lg_json_obj_end(j);
    free(path);
    drain(m, false);
}

static void json_input(struct merge *m, const struct lg_jnode *root,
                       enum kind kind, const char *name)
{
    const struct lg_jnode *runs = lg_jget(root, "runs");

    if (kind != K_SARIF) {
        for (size_t i = 0; i < root->n; i++)
            finding_copy(m, &root->kids[i], name);
        return;
    }
    for (size_t r = 0; runs && runs->type == LG_JARRAY && r < runs->n; r++) {
        const struct lg_jnode *results = lg_jget(&runs->kids[r], "results");

        for (size_t i = 0;
             results && results->type == LG_JARRAY && i < results->n; i++)
            result_as_finding(m, &runs->kids[r], &results->kids[i], name);
    }
}

/* ---- walking the findings of a JSON or JSONL input ---- */

struct input {
    const char *name;
    struct lg_buf text;
    struct lg_jnode *root; /* NULL for JSONL: lines are parsed one by one */
    enum kind kind;
};

typedef void (*finding_fn)(struct merge *m, const struct lg_jnode *f,
                           void *arg);

static int each_finding(struct merge *m, const struct input *in, finding_fn fn,
                        void *arg, struct lg_error *err)
{
    const char *p = in->text.data ? in->text.data : "";
    const char *end = p + in->text.len;
    unsigned long line = 0;

    if (in->root && in->kind == K_JSON) {
        for (size_t i = 0; i < in->root->n && m->rc == LG_OK; i++)
            fn(m, &in->root->kids[i], arg);
        return LG_OK;
    }
    while (p < end && m->rc == LG_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct lg_jnode *v = NULL;
        const char *type;
        size_t k = strspn(p, " \t\r");

        line++;
        if (k < n && lg_jparse(&v, p, n, NULL, err) < 0) {
            lg_error_prefix(err, "'%s' line %lu", in->name, line);
            return LG_ESYNTAX;
        }
        type = lg_jget_str(v, "type");
        if (v && v->type == LG_JOBJECT && (!type || !strcmp(type, "finding")))
            fn(m, v, arg);
        lg_jnode_free(v);
        p += n + (nl ? 1 : 0);
    }
    return LG_OK;
}

static void copy_cb(struct merge *m, const struct lg_jnode *f, void *arg)
{
    finding_copy(m, f, arg);
}

/* ---- sarif output ---- */

/* Rules named by the findings of one JSON input, in order of appearance. */
struct rules {
    struct lg_strlist id, name, severity;
};

static long rule_find(const struct rules *r, const char *id)
{
    for (size_t i = 0; i < r->id.n; i++)
        if (strcmp(r->id.v[i], id) == 0)
            return (long)i;
    return -1;
}

static void collect_cb(struct merge *m, const struct lg_jnode *f, void *arg)
{
    struct rules *r = arg;
    const char *id = lg_jget_str(f, "rule_id");
    const char *name = lg_jget_str(f, "rule_name");
    const char *sev = lg_jget_str(f, "severity");

    if (!id || rule_find(r, id) >= 0)
        return;
    if (lg_strlist_push(&r->id, id) < 0 ||
        lg_strlist_push(&r->name, name ? name : id) < 0 ||
        lg_strlist_push(&r->severity, sev ? sev : "medium") < 0)
        m->rc = LG_ENOMEM;
}

static const char *sev_level(const char *sev)
{
    if (!strcmp(sev, "critical") || !strcmp(sev, "high"))
        return "error";
    if (!strcmp(sev, "medium"))
        return "warning";
    return "note";
}

static const char *sev_score(const char *sev)
{
    static const char *const map[][2] = {
        {"critical", "9.0"}, {"high", "7.5"}, {"medium", "5.0"},
        {"low", "3.0"},      {"info", "1.0"},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(sev, map[i][0]))
            return map[i][1];
    return "5.0";
}

static void write_rules(struct lg_json *j, const struct rules *r)
{
    lg_json_key(j, "tool");
    lg_json_obj_begin(j);
    lg_json_key(j, "driver");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "name", "leakguard");
    lg_json_kstr(j, "version", LG_VERSION);
    lg_json_kstr(j, "informationUri", "https://github.com/leakguard/leakguard");
    lg_json_key(j, "rules");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < r->id.n; i++) {
        lg_json_obj_begin(j);
        lg_json_kstr(j, "id", r->id.v[i]);
        lg_json_key(j, "shortDescription");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "text", r->name.v[i]);
        lg_json_obj_end(j);
        lg_json_key(j, "defaultConfiguration");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "level", sev_level(r->severity.v[i]));
        lg_json_obj_end(j);
        lg_json_key(j, "properties");
        lg_json_obj_begin(j);
        lg_json_key(j, "tags");
        lg_json_arr_begin(j);
        lg_json_str(j, "security");
        lg_json_arr_end(j);
        lg_json_kstr(j, "security-severity", sev_score(r->severity.v[i]));
        lg_json_obj_end(j);
        lg_json_obj_end(j);
    }
    lg_json_arr_end(j);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

/* artifactLocation for a display path: relative paths against %SRCROOT%,
 * absolute ones as file:// URIs; RFC 3986 unreserved bytes and '/' kept. */
static void artifact(struct lg_json *j, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    bool absolute = path[0] == '/';
    struct lg_buf uri;

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    lg_buf_init(&uri, OUT_MAX);
    if (absolute)
        lg_buf_puts(&uri, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            lg_buf_putc(&uri, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            lg_buf_append(&uri, e, 3);
        }
    }
    lg_json_key(j, "artifactLocation");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "uri", uri.data ? uri.data : "");
    if (!absolute)
        lg_json_kstr(j, "uriBaseId", SRCROOT);
    lg_json_obj_end(j);
    lg_buf_release(&uri);
}

static void region(struct lg_json *j, const struct lg_jnode *f,
                   const char *secret)
{
    int64_t line = 0, col = 0, end_line = 0, end_col = 0;

    if (!lg_jget_int(f, "line", &line) || line < 1)
        return;
    lg_jget_int(f, "column", &col);
    lg_jget_int(f, "end_line", &end_line);
    lg_jget_int(f, "end_column", &end_col);
    if (end_line < line)
        end_line = line;
    lg_json_key(j, "region");
    lg_json_obj_begin(j);
    lg_json_kint(j, "startLine", line);
    if (col > 0) {
        lg_json_kint(j, "startColumn", col);
        lg_json_kint(j, "endLine", end_line);
        if (end_col > 0 && (end_line > line || end_col >= col))
            lg_json_kint(j, "endColumn", end_col + 1);
    }
    if (secret) {
        lg_json_key(j, "snippet");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "text", secret);
        lg_json_obj_end(j);
    }
    lg_json_obj_end(j);
}

static void result_cb(struct merge *m, const struct lg_jnode *f, void *arg)
{
    static const char *const copy[] = {"fingerprint", "severity", "confidence",
                                       "decoded",     "commit",   "author",
                                       "email",       "date"};
    const struct rules *r = arg;
    struct lg_json *j = &m->j;
    const char *id = lg_jget_str(f, "rule_id");
    const char *sev = lg_jget_str(f, "severity");
    const char *secret = lg_jget_str(f, "secret");
    const char *path = lg_jget_str(f, "path");
    const char *fp = lg_jget_str(f, "fingerprint");
    long idx = id ? rule_find(r, id) : -1;
    struct lg_buf msg;

    if (!id)
        return;
    lg_buf_init(&msg, OUT_MAX);
    lg_buf_printf(&msg, "%s: %s", idx >= 0 ? r->name.v[idx] : id,
                  secret ? secret : "");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "ruleId", id);
    if (idx >= 0)
        lg_json_kint(j, "ruleIndex", idx);
    lg_json_kstr(j, "level", sev_level(sev ? sev : "medium"));
    lg_json_key(j, "message");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "text", msg.data ? msg.data : id);
    lg_json_obj_end(j);
    if (path) {
        lg_json_key(j, "locations");
        lg_json_arr_begin(j);
        lg_json_obj_begin(j);
        lg_json_key(j, "physicalLocation");
        lg_json_obj_begin(j);
        artifact(j, path);
        region(j, f, secret);
        lg_json_obj_end(j);
        lg_json_obj_end(j);
        lg_json_arr_end(j);
    }
    if (fp) {
        lg_json_key(j, "partialFingerprints");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "leakguard/v1", fp);
        lg_json_obj_end(j);
    }
    lg_json_key(j, "properties");
    lg_json_obj_begin(j);
    for (size_t i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
        if (lg_jget_str(f, copy[i]))
            lg_json_kstr(j, copy[i], lg_jget_str(f, copy[i]));
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_buf_release(&msg);
    drain(m, false);
}

static void automation(struct lg_json *j, const char *name, size_t k, size_t n)
{
    struct lg_buf id;

    lg_buf_init(&id, OUT_MAX);
    if (n > 1)
        lg_buf_printf(&id, "%s#%zu/", name, k + 1);
    else
        lg_buf_printf(&id, "%s/", name);
    lg_json_key(j, "automationDetails");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "id", id.data ? id.data : name);
    lg_json_obj_end(j);
    lg_buf_release(&id);
}

/* A JSON or JSONL input as one run: the rules first, then the results. */
static int run_from_findings(struct merge *m, const struct input *in,
                             struct lg_error *err)
{
    struct rules r;
    int rc;

    memset(&r, 0, sizeof(r));
    rc = each_finding(m, in, collect_cb, &r, err);

    if (rc == LG_OK && m->rc == LG_OK) {
        lg_json_obj_begin(&m->j);
        write_rules(&m->j, &r);
        automation(&m->j, in->name, 0, 1);
        lg_json_kstr(&m->j, "columnKind", "utf16CodeUnits");
        lg_json_key(&m->j, "results");
        lg_json_arr_begin(&m->j);
        rc = each_finding(m, in, result_cb, &r, err);
        lg_json_arr_end(&m->j);
        lg_json_key(&m->j, "properties");
        lg_json_obj_begin(&m->j);
        lg_json_kstr(&m->j, "report", in->name);
        lg_json_obj_end(&m->j);
        lg_json_obj_end(&m->j);
    }
    lg_strlist_release(&r.id);
    lg_strlist_release(&r.name);
    lg_strlist_release(&r.severity);
    return rc;
}

/* SARIF runs copied, results one at a time so that output drains. */
static void copy_runs(struct merge *m, const struct input *in)
{
    const struct lg_jnode *runs = lg_jget(in->root, "runs");
    struct lg_json *j = &m->j;

    for (size_t r = 0; runs && runs->type == LG_JARRAY && r < runs->n; r++) {
        const struct lg_jnode *run = &runs->kids[r];

        if (run->type != LG_JOBJECT)
            continue;
        lg_json_obj_begin(j);
        for (size_t i = 0; i < run->n; i++) {
            const struct lg_jnode *v = &run->kids[i];

            lg_json_key(j, v->key);
            if (strcmp(v->key, "results") != 0 || v->type != LG_JARRAY) {
                emit(j, v);
                continue;
            }
            lg_json_arr_begin(j);
            for (size_t k = 0; k < v->n; k++) {
                emit(j, &v->kids[k]);
                drain(m, false);
            }
            lg_json_arr_end(j);
        }
        if (!lg_jget(run, "automationDetails"))
            automation(j, in->name, r, runs->n);
        lg_json_obj_end(j);
        drain(m, false);
    }
}

/* ---- the command ---- */

static int merge_one(struct merge *m, const char *name, struct lg_error *err)
{
    struct input in = {.name = name};
    int rc;

    rc = read_input(name, &in.text, err);
    if (rc == LG_OK)
        rc = classify(name, &in.text, &in.root, &in.kind, err);
    if (rc < 0)
        goto out;
    if (!m->sarif && in.kind == K_SARIF)
        json_input(m, in.root, in.kind, name);
    else if (!m->sarif)
        rc = each_finding(m, &in, copy_cb, (void *)name, err);
    else if (in.kind == K_SARIF)
        copy_runs(m, &in);
    else
        rc = run_from_findings(m, &in, err);
out:
    lg_jnode_free(in.root);
    lg_buf_release(&in.text);
    return rc;
}

static void header(struct merge *m)
{
    if (!m->sarif) {
        lg_json_arr_begin(&m->j);
        return;
    }
    lg_json_obj_begin(&m->j);
    lg_json_kstr(&m->j, "$schema", SARIF_SCHEMA);
    lg_json_kstr(&m->j, "version", "2.1.0");
    lg_json_key(&m->j, "runs");
    lg_json_arr_begin(&m->j);
}

static void footer(struct merge *m)
{
    lg_json_arr_end(&m->j);
    if (m->sarif)
        lg_json_obj_end(&m->j);
    if (m->rc == LG_OK)
        m->rc = lg_json_status(&m->j);
    if (m->rc == LG_OK)
        m->rc = lg_buf_putc(&m->buf, '\n');
    drain(m, true);
}

/* Whether -o names one of the inputs (opening it would empty it first). */
static bool output_is_input(const struct lg_cli *c)
{
    struct stat o, in;

    if (stat(c->output, &o) != 0)
        return false;
    for (int i = 0; i < c->n_args; i++)
        if (strcmp(c->args[i], "-") != 0 && stat(c->args[i], &in) == 0 &&
            in.st_dev == o.st_dev && in.st_ino == o.st_ino)
            return true;
    return false;
}

int lg_cmd_merge(struct lg_cli *c)
{
    struct merge m = {.out = stdout};
    struct lg_error err;
    int rc = LG_OK, n_stdin = 0;

    lg_error_clear(&err);
    if (c->n_args == 0) {
        lg_cli_error("merge needs at least one REPORT (see 'leakguard merge "
                     "--help')");
        return LG_EXIT_USAGE;
    }
    for (int i = 0; i < c->n_args; i++)
        n_stdin += strcmp(c->args[i], "-") == 0;
    if (n_stdin > 1) {
        lg_cli_error("standard input ('-') can be merged only once");
        return LG_EXIT_USAGE;
    }
    if (c->output && output_is_input(c)) {
        lg_cli_error("'%s' is one of the reports to merge; write the merged "
                     "report elsewhere",
                     c->output);
        return LG_EXIT_USAGE;
    }
    if (c->output) {
        m.out = fopen(c->output, "w");
        if (!m.out) {
            lg_cli_error("cannot open '%s' for writing: %s", c->output,
                         strerror(errno));
            return LG_EXIT_USAGE;
        }
    }
    m.sarif = c->format && strcmp(c->format, "sarif") == 0;
    lg_buf_init(&m.buf, OUT_MAX);
    lg_json_init(&m.j, &m.buf, true);
    header(&m);
    for (int i = 0; i < c->n_args && rc == LG_OK && m.rc == LG_OK; i++)
        rc = merge_one(&m, c->args[i], &err);
    if (rc == LG_OK)
        footer(&m);
    lg_buf_release(&m.buf);
    if (rc == LG_OK && m.rc == LG_OK && fflush(m.out) != 0)
        m.rc = LG_EIO;
    if (m.out != stdout && fclose(m.out) != 0 && m.rc == LG_OK)
        m.rc = LG_EIO;
    if (rc < 0 || m.rc < 0) {
        if (c->output)
            unlink(c->output); /* no half-merged report left behind */
        if (rc < 0)
            lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        else
            lg_cli_error("cannot write the merged report: %s",
                         lg_strerror(m.rc));
        return rc < 0 ? LG_EXIT_USAGE : LG_EXIT_ERROR;
    }
    return LG_EXIT_CLEAN;
}
