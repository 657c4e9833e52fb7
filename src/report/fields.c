/* Finding and summary fields shared by the JSON-based reporters, so that
 * json, jsonl and SARIF agree on names, redaction and null handling. */
#include "report/fields.h"

#include <string.h>

#include "rule/ruleset.h"

const struct lg_rule *lg_report_rule(const struct lg_finding *f)
{
    /* lg_rule holds non-const strings; these are never written. */
    static char id[] = "unknown", name[] = "unknown rule";
    static const struct lg_rule unknown = {
        .id = id,
        .name = name,
        .severity = LG_SEV_MEDIUM,
        .confidence = LG_CONF_LOW,
    };

    return f->rule ? &f->rule->rule : &unknown;
}

void lg_report_secret(const struct lg_finding *f, bool show, const char **s,
                      size_t *n)
{
    if (show && f->secret) {
        *s = f->secret;
        *n = f->secret_len;
    } else {
        *s = f->redacted;
        *n = strlen(f->redacted);
    }
}

static void write_git(struct lg_json *j, const struct lg_provenance *git)
{
    lg_json_kstr(j, "commit", git->commit);
    lg_json_kstr(j, "author", git->author);
    lg_json_kstr(j, "email", git->email);
    lg_json_kstr(j, "date", git->date);
    lg_json_kstr(j, "message", git->message);
}

void lg_report_write_verification(struct lg_json *j,
                                  const struct lg_verification *v)
{
    if (v->status == LG_VERIFY_NONE)
        return;
    lg_json_key(j, "verification");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "status", lg_verify_status_name(v->status));
    lg_json_kstr(j, "provider", v->provider);
    lg_json_kstr(j, "identity", v->identity);
    lg_json_kstr(j, "checked_at", v->checked_at[0] ? v->checked_at : NULL);
    if (v->detail)
        lg_json_kstr(j, "detail", v->detail);
    lg_json_obj_end(j);
}

int lg_report_write_finding(struct lg_json *j, const struct lg_finding *f,
                            bool show_secrets)
{
    const struct lg_rule *r = lg_report_rule(f);
    struct lg_buf snip;
    const char *s;
    size_t n;
    int rc;

    lg_buf_init(&snip, LG_REPORT_ITEM_MAX);
    rc = lg_finding_snippet(f, show_secrets, &snip);
    if (rc < 0)
        goto out;
    lg_json_kstr(j, "rule_id", r->id);
    lg_json_kstr(j, "rule_name", r->name);
    lg_json_kstr(j, "severity", lg_severity_name(r->severity));
    lg_json_kstr(j, "confidence", lg_confidence_name(r->confidence));
    lg_json_kstr(j, "fingerprint", f->fingerprint);
    lg_report_secret(f, show_secrets, &s, &n);
    lg_json_key(j, "secret");
    lg_json_strn(j, s, n);
    lg_json_kstr(j, "path", f->path);
    lg_json_kuint(j, "line", f->line);
    lg_json_kuint(j, "column", f->column);
    lg_json_kuint(j, "end_line", f->end_line);
    lg_json_kuint(j, "end_column", f->end_column);
    lg_json_kstr(j, "decoded", f->decoded);
    if (f->identity)
        lg_json_kstr(j, "identity", f->identity);
    lg_report_write_verification(j, &f->verification);
    lg_json_kdouble(j, "entropy", f->entropy);
    lg_json_key(j, "snippet");
    lg_json_strn(j, snip.data ? snip.data : "", snip.len);
    lg_json_key(j, "tags");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < r->tags.n; i++)
        lg_json_str(j, r->tags.v[i]);
    lg_json_arr_end(j);
    if (f->git.commit)
        write_git(j, &f->git);
    if (f->part) {
        const struct lg_finding_part *pt = f->part;
        lg_json_key(j, "pair");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "rule_id", pt->rule->rule.id);
        lg_json_key(j, "secret");
        if (show_secrets)
            lg_json_strn(j, pt->secret, pt->secret_len);
        else
            lg_json_str(j, pt->redacted);
        lg_json_kstr(j, "fingerprint", pt->fingerprint);
        lg_json_kuint(j, "line", pt->line);
        lg_json_kuint(j, "column", pt->column);
        lg_json_obj_end(j);
    }
    if (f->n_locations) {
        lg_json_key(j, "locations");
        lg_json_arr_begin(j);
        for (size_t i = 0; i < f->n_locations; i++) {
            const struct lg_finding *o = &f->locations[i];
            lg_json_obj_begin(j);
            lg_json_kstr(j, "path", o->path);
            lg_json_kuint(j, "line", o->line);
            lg_json_kuint(j, "column", o->column);
            lg_json_kuint(j, "end_line", o->end_line);
            lg_json_kuint(j, "end_column", o->end_column);
            lg_json_kstr(j, "decoded", o->decoded);
            if (o->git.commit)
                write_git(j, &o->git);
            lg_json_obj_end(j);
        }
        lg_json_arr_end(j);
    }
out:
    lg_buf_release(&snip);
    return rc;
}

void lg_report_write_summary(struct lg_json *j,
                             const struct lg_run_summary *sum)
{
    lg_json_kuint(j, "objects_scanned", sum->objects_scanned);
    lg_json_kuint(j, "bytes_scanned", sum->bytes_scanned);
    lg_json_kuint(j, "objects_skipped", sum->objects_skipped);
    lg_json_kuint(j, "objects_failed", sum->objects_failed);
    lg_json_kuint(j, "objects_limited", sum->objects_limited);
    lg_json_kuint(j, "findings", sum->findings);
    lg_json_kuint(j, "suppressed", sum->suppressed);
    lg_json_kuint(j, "rules", sum->rules);
    lg_json_kdouble(j, "seconds", sum->seconds);
    lg_json_kbool(j, "interrupted", sum->interrupted);
    lg_json_key(j, "by_reason");
    lg_json_obj_begin(j);
    for (size_t i = 0; i < sum->n_reasons && i < LG_MAX_REASONS; i++)
        lg_json_kuint(j, sum->reason[i] ? sum->reason[i] : "unknown",
                      sum->reason_count[i]);
    lg_json_obj_end(j);
}

int lg_report_flush(FILE *out, struct lg_buf *b)
{
    int rc = LG_OK;

    if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
        rc = LG_EIO;
    lg_buf_release(b);
    return rc;
}
