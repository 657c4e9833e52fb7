/* Reading a previous report (-f json: one array; -f jsonl: one object a
 * line, "type": "finding") back into findings, for `verify` and `revoke`.
 *
 * Whether a finding's secret is raw is decided by its fingerprint: the
 * fingerprint is XXH3-128 of (rule id, NUL, secret), so it matches only
 * the raw secret, never its redacted form.  The text around the secret is
 * recovered from the snippet when the raw secret appears in it (context
 * that verification uses for OneSpan host hints and OAuth detection). */
#include "cli/verify_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rule/ruleset.h"
#include "util/json_parse.h"
#include "util/text.h"
#include "util/buf.h"

#define REPORT_MAX ((size_t)512 * 1024 * 1024)

static char *dup_member(const struct lg_jnode *o, const char *key, int *rc)
{
    const struct lg_jnode *v = lg_jget(o, key);
    char *s;

    if (!v || v->type != LG_JSTRING)
        return NULL;
    s = lg_strndup(v->str, v->len);
    if (!s)
        *rc = LG_ENOMEM;
    return s;
}

static uint64_t uint_member(const struct lg_jnode *o, const char *key)
{
    int64_t v = 0;

    return lg_jget_int(o, key, &v) && v > 0 ? (uint64_t)v : 0;
}

/* A borrowed "decoded" name, kept in r->strings. */
static const char *decoded_name(struct lg_loaded_report *r,
                                const struct lg_jnode *o, int *rc)
{
    const char *d = lg_jget_str(o, "decoded");

    if (!d)
        return NULL;
    for (size_t i = 0; i < r->strings.n; i++)
        if (strcmp(r->strings.v[i], d) == 0)
            return r->strings.v[i];
    if (lg_strlist_push(&r->strings, d) < 0) {
        *rc = LG_ENOMEM;
        return NULL;
    }
    return r->strings.v[r->strings.n - 1];
}

static void fill_place(struct lg_loaded_report *r, const struct lg_jnode *o,
                       struct lg_finding *f, int *rc)
{
    f->path = dup_member(o, "path", rc);
    f->line = uint_member(o, "line");
    f->column = uint_member(o, "column");
    f->end_line = uint_member(o, "end_line");
    f->end_column = uint_member(o, "end_column");
    f->decoded = decoded_name(r, o, rc);
    f->git.commit = dup_member(o, "commit", rc);
    f->git.author = dup_member(o, "author", rc);
    f->git.email = dup_member(o, "email", rc);
    f->git.date = dup_member(o, "date", rc);
    f->git.message = dup_member(o, "message", rc);
}

static const char *find_bytes(const char *h, size_t hn, const char *n,
                              size_t nn)
{
    for (size_t i = 0; nn && i + nn <= hn; i++)
        if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
            return h + i;
    return NULL;
}

/* line_before / line_after from the snippet, when it shows the secret. */
static void split_snippet(const struct lg_jnode *o, struct lg_finding *f,
                          int *rc)
{
    const struct lg_jnode *sn = lg_jget(o, "snippet");
    const char *at;

    if (!sn || sn->type != LG_JSTRING || !f->secret || !f->secret_len)
        return;
    at = find_bytes(sn->str, sn->len, f->secret, f->secret_len);
    if (!at)
        return;
    f->line_before = lg_strndup(sn->str, (size_t)(at - sn->str));
    f->line_after = lg_strndup(
        at + f->secret_len, sn->len - (size_t)(at - sn->str) - f->secret_len);
    if (!f->line_before || !f->line_after)
        *rc = LG_ENOMEM;
}

static void fill_secret(struct lg_loaded_report *r, const struct lg_jnode *o,
                        const char *rule_id, struct lg_finding *f, int *rc)
{
    const struct lg_jnode *sec = lg_jget(o, "secret");
    const char *fp = lg_jget_str(o, "fingerprint");
    char calc[LG_FINGERPRINT_LEN + 1];
    bool raw = false;

    if (sec && sec->type == LG_JSTRING && rule_id) {
        lg_fingerprint(rule_id, sec->str, sec->len, calc);
        raw = fp && strcmp(fp, calc) == 0;
    }
    if (fp)
        snprintf(f->fingerprint, sizeof(f->fingerprint), "%s", fp);
    if (!raw) {
        r->redacted++;
        if (sec && sec->type == LG_JSTRING)
            snprintf(f->redacted, sizeof(f->redacted), "%s", sec->str);
        return;
    }
    f->secret = lg_strndup(sec->str, sec->len);
    f->secret_len = sec->len;
    if (!f->secret)
        *rc = LG_ENOMEM;
    else
        lg_redact(sec->str, sec->len, f->redacted, sizeof(f->redacted));
}

static int fill_locations(struct lg_loaded_report *r, const struct lg_jnode *o,
                          struct lg_finding *f)
{
    const struct lg_jnode *locs = lg_jget(o, "locations");
    struct lg_finding *v;
    int rc = LG_OK;

    if (!locs || locs->type != LG_JARRAY || !locs->n)
        return LG_OK;
    v = calloc(locs->n, sizeof(*v));
    if (!v)
        return LG_ENOMEM;
    for (size_t i = 0; i < locs->n; i++) {
        v[i].rule = f->rule;
        memcpy(v[i].fingerprint, f->fingerprint, sizeof(v[i].fingerprint));
        memcpy(v[i].redacted, f->redacted, sizeof(v[i].redacted));
        fill_place(r, &locs->kids[i], &v[i], &rc);
    }
    f->locations = v;
    f->n_locations = locs->n;
    return rc;
}

static int add_finding(struct lg_loaded_report *r, const struct lg_jnode *o,
                       const struct lg_ruleset *rs)
{
    const char *rule_id = lg_jget_str(o, "rule_id");
    long idx = rule_id ? lg_ruleset_find(rs, rule_id) : -1;
    const struct lg_jnode *ent = lg_jget(o, "entropy");
    struct lg_finding *f;
    int rc = LG_OK;

    void *v = lg_grow(r->v, &r->cap, r->n, sizeof(*r->v), 64);
    if (!v)
        return LG_ENOMEM;
    r->v = v;
    f = &r->v[r->n++];
    memset(f, 0, sizeof(*f));
    f->rule = idx >= 0 ? &rs->rules[idx] : NULL;
    if (idx < 0)
        r->unknown_rules++;
    fill_secret(r, o, rule_id, f, &rc);
    fill_place(r, o, f, &rc);
    f->identity = dup_member(o, "identity", &rc);
    f->entropy = ent && ent->type == LG_JNUMBER ? ent->number : 0;
    split_snippet(o, f, &rc);
    if (rc == LG_OK)
        rc = fill_locations(r, o, f);
    return rc;
}

static bool is_finding(const struct lg_jnode *o)
{
    const char *type = lg_jget_str(o, "type");

    return o->type == LG_JOBJECT && lg_jget(o, "rule_id") &&
           (!type || strcmp(type, "finding") == 0);
}

static int parse_text(struct lg_loaded_report *r, const char *text, size_t len,
                      const struct lg_ruleset *rs, struct lg_error *err)
{
    struct lg_jnode *v = NULL;
    size_t i = strspn(text, " \t\r\n");
    int rc = LG_OK;

    if (i < len && text[i] == '[') {
        rc = lg_jparse(&v, text, len, NULL, err);
        for (size_t k = 0; rc == LG_OK && k < v->n; k++)
            if (is_finding(&v->kids[k]))
                rc = add_finding(r, &v->kids[k], rs);
        lg_jnode_free(v);
        return rc;
    }
    for (unsigned line = 1; rc == LG_OK && i < len; line++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - text) - i : len - i;

        if (n && strspn(text + i, " \t\r") < n) {
            rc = lg_jparse(&v, text + i, n, NULL, err);
            if (rc < 0)
                lg_error_prefix(err, "line %u", line);
            else if (lg_jget(v, "runs"))
                rc = lg_error_set(err, LG_EUNSUPPORTED,
                                  "a SARIF report: write it with -f json "
                                  "or -f jsonl (and --show-secrets)");
            else if (is_finding(v))
                rc = add_finding(r, v, rs);
            lg_jnode_free(v);
            v = NULL;
        }
        i += n + 1;
    }
    return rc;
}

int lg_cli_load_report(const char *path, const struct lg_ruleset *rs,
                       struct lg_loaded_report *out)
{
    struct lg_buf text;
    struct lg_error err;
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    int rc;

    memset(out, 0, sizeof(*out));
    lg_error_clear(&err);
    lg_buf_init(&text, REPORT_MAX);
    rc = strcmp(path, "-") == 0
             ? lg_buf_read_fd(&text, STDIN_FILENO, name, &err)
             : lg_buf_read_path(&text, path, &err);
    if (rc == LG_OK)
        rc = parse_text(out, text.data ? text.data : "", text.len, rs, &err);
    if (rc == LG_OK)
        out->ptrs = malloc((out->n ? out->n : 1) * sizeof(*out->ptrs));
    if (rc == LG_OK && !out->ptrs)
        rc = lg_error_set(&err, LG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == LG_OK && i < out->n; i++)
        out->ptrs[i] = &out->v[i];
    lg_buf_release(&text);
    if (rc < 0) {
        if (rc == LG_ENOMEM && !err.msg[0])
            lg_error_set(&err, rc, "out of memory");
        lg_cli_error("cannot read the report '%s': %s", name, err.msg);
        lg_loaded_report_release(out);
    }
    return rc;
}

void lg_loaded_report_release(struct lg_loaded_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct lg_finding *locs = (struct lg_finding *)r->v[i].locations;

        for (size_t k = 0; k < r->v[i].n_locations; k++)
            lg_finding_release(&locs[k]);
        free(locs);
        lg_finding_release(&r->v[i]);
    }
    free(r->v);
    free(r->ptrs);
    lg_strlist_release(&r->strings);
    memset(r, 0, sizeof(*r));
}

void lg_cli_redacted_hint(const char *path, size_t redacted, size_t n)
{
    lg_cli_error("the report '%s' has redacted secrets (%zu of %zu "
                 "finding%s): checking or revoking a credential needs the "
                 "credential itself.  Write the report again with "
                 "--show-secrets (e.g. 'leakguard scan -f json "
                 "--show-secrets -o report.json ...') and keep that file "
                 "private.",
                 strcmp(path, "-") == 0 ? "(stdin)" : path, redacted, n,
                 n == 1 ? "" : "s");
}

struct lg_ruleset *lg_cli_open_report(struct lg_cli *c, const char *command,
                                      struct lg_loaded_report *rep)
{
    struct lg_ruleset *rs;

    if (!c->vfy.report || c->n_args) {
        lg_cli_error("%s reads a report: --report FILE (or '-' for stdin)",
                     command);
        return NULL;
    }
    rs = lg_cli_load_rules(c);
    if (!rs)
        return NULL;
    if (lg_cli_load_report(c->vfy.report, rs, rep) < 0) {
        lg_ruleset_free(rs);
        return NULL;
    }
    return rs;
}
