/* SARIF 2.1.0 reporter (one run), for GitHub code scanning and other SARIF
 * consumers.
 *
 * Layout: tool.driver.rules lists every enabled rule with its help text and
 * GitHub's `security-severity`; each finding is a result whose location is a
 * relative, percent-encoded URI against %SRCROOT% (the working directory,
 * given in originalUriBaseIds) or a file:// URI for absolute paths.  The
 * region is the secret itself (SARIF endColumn is exclusive, ours inclusive)
 * with the redacted secret as its snippet; the redacted line goes into
 * contextRegion.  partialFingerprints carries our fingerprint so that
 * results keep their identity when lines move.  Columns are byte columns,
 * equal to the default utf16CodeUnits for ASCII text.
 *
 * Results are streamed out as they come; notices arrive before end() but
 * belong in invocations[0], written after the results, so they are kept
 * (copied, up to NOTE_MAX; beyond that only counted and said so).
 *
 * Archive members ("outer.zip!dir/in.tgz!app/.env") are nested artifacts:
 * run.artifacts lists the outer file (uri as for results) and each member
 * with its name inside its container as uri and parentIndex pointing at the
 * container; the result's artifactLocation keeps the whole display path as
 * uri (consumers that ignore artifacts still see it) and adds the member's
 * index.  Member names never hold a raw '!' (the archive source escapes
 * it), so only the outer file's own name could be split wrongly. */
#include "report/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/fields.h"
#include "util/buf.h"

#ifndef LG_REPORT_INFO_URI
#define LG_REPORT_INFO_URI "https://github.com/leakguard/leakguard"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define SRCROOT "%SRCROOT%"
#define NOTE_MAX 10000 /* notifications listed; the summary counts all */

struct sarif_note {
    enum lg_notice_kind kind;
    char *reason, *path, *message;
};

struct sarif_artifact {
    char *name;  /* outer path, or member name inside its parent */
    long parent; /* index, -1 for the outer file */
};

struct sarif_ctx {
    const struct lg_report_env *env;
    struct sarif_artifact *arts;
    size_t n_arts, cap_arts;
    struct lg_buf buf;
    struct lg_json j;
    struct sarif_note *notes;
    size_t n_notes, cap_notes;
    uint64_t dropped; /* notices beyond NOTE_MAX */
};

static const char *const sev_level[] = {
    [LG_SEV_INFO] = "note",      [LG_SEV_LOW] = "note",
    [LG_SEV_MEDIUM] = "warning", [LG_SEV_HIGH] = "error",
    [LG_SEV_CRITICAL] = "error",
};
/* GitHub's security-severity: >= 9 critical, >= 7 high, >= 4 medium. */
static const char *const sev_score[] = {
    [LG_SEV_INFO] = "1.0", [LG_SEV_LOW] = "3.0",      [LG_SEV_MEDIUM] = "5.0",
    [LG_SEV_HIGH] = "7.5", [LG_SEV_CRITICAL] = "9.0",
};
static const char *const precision[] = {
    [LG_CONF_LOW] = "low",
    [LG_CONF_MEDIUM] = "medium",
    [LG_CONF_HIGH] = "high",
};

#define LOOKUP(table, i, dflt)                                                 \
    ((size_t)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : (dflt))

/* Append path as a URI: RFC 3986 unreserved characters and '/' stay, every
 * other byte is percent-encoded. */
static int put_uri_path(struct lg_buf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = LG_OK;

    for (const unsigned char *p = (const unsigned char *)path;
         *p && rc == LG_OK; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            rc = lg_buf_putc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            rc = lg_buf_append(b, e, 3);
        }
    }
    return rc;
}

/* key: {uri, uriBaseId[, index]} for a display path; a member's name
 * inside its container (nested) has a bare relative uri. */
static void put_location(struct lg_json *j, const char *key,
                         const char *path, bool nested, long index)
{
    struct lg_buf uri;
    bool absolute = path[0] == '/' && !nested;
    int rc;

    while (!nested && path[0] == '.' && path[1] == '/')
        path += 2;
    lg_buf_init(&uri, LG_REPORT_ITEM_MAX);
    rc = absolute ? lg_buf_puts(&uri, "file://") : LG_OK;
    if (rc == LG_OK)
        rc = put_uri_path(&uri, path);
    if (rc < 0 && j->status == LG_OK)
        j->status = rc;
    lg_json_key(j, key);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "uri", uri.data ? uri.data : "");
    if (!absolute && !nested)
        lg_json_kstr(j, "uriBaseId", SRCROOT);
    if (index >= 0)
        lg_json_kint(j, "index", index);
    lg_json_obj_end(j);
    lg_buf_release(&uri);
}

static void artifact_location(struct lg_json *j, const char *path)
{
    put_location(j, "artifactLocation", path, false, -1);
}

/* Index of the artifact (parent, name[0..n)), added if new; -1 when out
 * of memory.  Findings come sorted by path, so the match is usually among
 * the last ones added. */
static long artifact_find(struct sarif_ctx *c, long parent, const char *name,
                          size_t n)
{
    struct sarif_artifact *a;

    for (size_t i = c->n_arts; i-- > 0;)
        if (c->arts[i].parent == parent &&
            strncmp(c->arts[i].name, name, n) == 0 &&
            c->arts[i].name[n] == '\0')
            return (long)i;
    void *v = lg_grow(c->arts, &c->cap_arts, c->n_arts, sizeof(*c->arts), 16);
    if (!v)
        return -1;
    c->arts = v;
    a = &c->arts[c->n_arts];
    a->name = lg_strndup(name, n);
    a->parent = parent;
    return a->name ? (long)c->n_arts++ : -1;
}

/* Artifact index of an archive member's display path (its containers are
 * added too), or -1 for a plain file. */
static long member_index(struct sarif_ctx *c, const char *path)
{
    long parent = -1;

    if (!strchr(path, '!'))
        return -1;
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    for (;;) {
        const char *bang = strchr(path, '!');
        size_t n = bang ? (size_t)(bang - path) : strlen(path);

        parent = artifact_find(c, parent, path, n);
        if (parent < 0) {
            if (c->j.status == LG_OK)
                c->j.status = LG_ENOMEM;
            return -1;
        }
        if (!bang)
            return parent;
        path = bang + 1;
    }
}

static void write_artifacts(struct sarif_ctx *c)
{
    struct lg_json *j = &c->j;

    if (!c->n_arts)
        return;
    lg_json_key(j, "artifacts");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < c->n_arts; i++) {
        const struct sarif_artifact *a = &c->arts[i];

        lg_json_obj_begin(j);
        put_location(j, "location", a->name, a->parent >= 0, -1);
        if (a->parent >= 0)
            lg_json_kint(j, "parentIndex", a->parent);
        lg_json_obj_end(j);
        free(a->name);
    }
    lg_json_arr_end(j);
    free(c->arts);
    c->arts = NULL;
    c->n_arts = c->cap_arts = 0;
}

static void text_obj(struct lg_json *j, const char *key, const char *text)
{
    lg_json_key(j, key);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "text", text);
    lg_json_obj_end(j);
}

/* A reference is used as helpUri only if it is a plain http(s) URI. */
static bool plain_uri(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
        return false;
    for (; *s; s++)
        if (*s <= 0x20 || *s >= 0x7f || strchr("\"<>\\^`{|}", *s))
            return false;
    return true;
}

static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);

    while (n && strchr(" \t\r\n", s[n - 1]))
        n--;
    return n;
}

/* help.text and help.markdown: description, then the references. */
static void rule_help(struct lg_json *j, const struct lg_rule *r)
{
    const char *desc = r->description ? r->description : r->name;
    struct lg_buf t, md;
    int rc;

    lg_buf_init(&t, LG_REPORT_ITEM_MAX);
    lg_buf_init(&md, LG_REPORT_ITEM_MAX);
    rc = lg_buf_append(&t, desc, trimmed_len(desc));
    if (rc == LG_OK)
        rc = lg_buf_printf(&md, "**%s**\n\n%s", r->name, t.data);
    for (size_t i = 0; i < r->references.n && rc == LG_OK; i++) {
        const char *ref = r->references.v[i];

        rc = lg_buf_printf(&t, "%s%s", i ? "\n" : "\n\nReferences:\n", ref);
        if (rc == LG_OK)
            rc = lg_buf_printf(&md, "%s- <%s>",
                               i ? "\n" : "\n\nReferences:\n\n", ref);
    }
    if (rc < 0 && j->status == LG_OK)
        j->status = rc;
    lg_json_key(j, "fullDescription");
    lg_json_obj_begin(j);
    lg_json_key(j, "text");
    lg_json_strn(j, desc, trimmed_len(desc));
    lg_json_obj_end(j);
    lg_json_key(j, "help");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "text", t.data ? t.data : "");
    lg_json_kstr(j, "markdown", md.data ? md.data : "");
    lg_json_obj_end(j);
    lg_buf_release(&t);
    lg_buf_release(&md);
}

/* reportingDescriptor.name is an identifier for people and must differ
 * from the id: "aws-access-key" becomes "AwsAccessKey".  Omitted when the
 * two would be the same but for case ("jwt"). */
static void rule_name(struct lg_json *j, const char *id)
{
    struct lg_buf name;
    bool up = true;
    int rc = LG_OK;

    lg_buf_init(&name, LG_REPORT_ITEM_MAX);
    for (const char *p = id; *p && rc == LG_OK; p++) {
        if (*p == '-' || *p == '_') {
            up = true;
            continue;
        }
        rc = lg_buf_putc(
            &name, up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
        up = false;
    }
    if (rc < 0 && j->status == LG_OK)
        j->status = rc;
    /* the SARIF validator compares them without regard to case */
    if (name.data && strcasecmp(name.data, id) != 0)
        lg_json_kstr(j, "name", name.data);
    lg_buf_release(&name);
}

static void write_rule(struct lg_json *j, const struct lg_rule *r)
{
    bool security = false;

    lg_json_obj_begin(j);
    lg_json_kstr(j, "id", r->id);
    rule_name(j, r->id);
    text_obj(j, "shortDescription", r->name);
    rule_help(j, r);
    if (r->references.n && plain_uri(r->references.v[0]))
        lg_json_kstr(j, "helpUri", r->references.v[0]);
    lg_json_key(j, "defaultConfiguration");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "level", LOOKUP(sev_level, r->severity, "warning"));
    lg_json_obj_end(j);
    lg_json_key(j, "properties");
    lg_json_obj_begin(j);
    lg_json_key(j, "tags");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < r->tags.n; i++) {
        lg_json_str(j, r->tags.v[i]);
        security = security || strcmp(r->tags.v[i], "security") == 0;
    }
    if (!security) /* GitHub uses security-severity only with this tag */
        lg_json_str(j, "security");
    lg_json_arr_end(j);
    lg_json_kstr(j, "security-severity", LOOKUP(sev_score, r->severity, "5.0"));
    lg_json_kstr(j, "precision", LOOKUP(precision, r->confidence, "medium"));
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static void write_driver(struct lg_json *j, const struct lg_report_env *env)
{
    const struct lg_ruleset *rs = env->rs;

    lg_json_key(j, "tool");
    lg_json_obj_begin(j);
    lg_json_key(j, "driver");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "name", "leakguard");
    if (env->tool_version) {
        lg_json_kstr(j, "version", env->tool_version);
        lg_json_kstr(j, "semanticVersion", env->tool_version);
    }
    lg_json_kstr(j, "informationUri", LG_REPORT_INFO_URI);
    lg_json_key(j, "rules");
    lg_json_arr_begin(j);
    for (size_t i = 0; rs && i < rs->n; i++)
        if (!rs->rules[i].disabled)
            write_rule(j, &rs->rules[i].rule);
    lg_json_arr_end(j);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static void write_base_ids(struct lg_json *j, const char *cwd)
{
    struct lg_buf uri;
    int rc;

    if (!cwd || cwd[0] != '/')
        return;
    lg_buf_init(&uri, LG_REPORT_ITEM_MAX);
    rc = lg_buf_puts(&uri, "file://");
    if (rc == LG_OK)
        rc = put_uri_path(&uri, cwd);
    if (rc == LG_OK && uri.data[uri.len - 1] != '/')
        rc = lg_buf_putc(&uri, '/');
    if (rc < 0 && j->status == LG_OK)
        j->status = rc;
    lg_json_key(j, "originalUriBaseIds");
    lg_json_obj_begin(j);
    lg_json_key(j, SRCROOT);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "uri", uri.data ? uri.data : "");
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_buf_release(&uri);
}

/* Write what is in the buffer.  The document stays open until end(), so the
 * writer's own status is read, not lg_json_status() (which calls an open
 * document an error). */
static int flush(struct sarif_ctx *c)
{
    int rc = c->j.status;

    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    rc = lg_report_flush(c->env->out, &c->buf);
    if (rc < 0)
        c->j.status = rc; /* sticky, like the writer's own errors */
    return rc;
}

static int sarif_begin(void *ctx, const struct lg_report_env *env)
{
    struct sarif_ctx *c = ctx;
    struct lg_json *j = &c->j;

    c->env = env;
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    lg_json_init(j, &c->buf, true);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "$schema", SARIF_SCHEMA);
    lg_json_kstr(j, "version", "2.1.0");
    lg_json_key(j, "runs");
    lg_json_arr_begin(j);
    lg_json_obj_begin(j);
    write_driver(j, env);
    write_base_ids(j, env->cwd);
    lg_json_kstr(j, "columnKind", "utf16CodeUnits");
    lg_json_key(j, "results");
    lg_json_arr_begin(j);
    return flush(c);
}

/* Index of f's rule in driver.rules (enabled rules only), or -1. */
static long rule_index(const struct lg_ruleset *rs, const struct lg_finding *f)
{
    long k = 0;

    for (size_t i = 0; rs && i < rs->n; i++) {
        if (&rs->rules[i] == f->rule)
            return rs->rules[i].disabled ? -1 : k;
        if (!rs->rules[i].disabled)
            k++;
    }
    return -1;
}

/* region: the secret's span; contextRegion: its line(s), with the redacted
 * snippet.  SARIF lines and columns start at 1, so unknown (0) positions are
 * left out. */
static void write_regions(struct lg_json *j, const struct lg_finding *f,
                          bool show, const struct lg_buf *snip)
{
    uint64_t end_line = f->end_line >= f->line ? f->end_line : f->line;
    const char *s;
    size_t n;

    if (f->line == 0)
        return;
    lg_json_key(j, "region");
    lg_json_obj_begin(j);
    lg_json_kuint(j, "startLine", f->line);
    if (f->column) {
        lg_json_kuint(j, "startColumn", f->column);
        lg_json_kuint(j, "endLine", end_line);
        if (f->end_column && (end_line > f->line || f->end_column >= f->column))
            lg_json_kuint(j, "endColumn", f->end_column + 1);
    }
    lg_report_secret(f, show, &s, &n);
    lg_json_key(j, "snippet");
    lg_json_obj_begin(j);
    lg_json_key(j, "text");
    lg_json_strn(j, s, n);
    lg_json_obj_end(j);
    lg_json_obj_end(j);

    lg_json_key(j, "contextRegion");
    lg_json_obj_begin(j);
    lg_json_kuint(j, "startLine", f->line);
    lg_json_kuint(j, "endLine", end_line);
    lg_json_key(j, "snippet");
    lg_json_obj_begin(j);
    lg_json_key(j, "text");
    lg_json_strn(j, snip->data ? snip->data : "", snip->len);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
}

static void write_location(struct sarif_ctx *c, const struct lg_finding *f,
                           bool show, const struct lg_buf *snip)
{
    struct lg_json *j = &c->j;

    if (!f->path)
        return;
    lg_json_key(j, "locations");
    lg_json_arr_begin(j);
    lg_json_obj_begin(j);
    lg_json_key(j, "physicalLocation");
    lg_json_obj_begin(j);
    put_location(j, "artifactLocation", f->path, false,
                 member_index(c, f->path));
    write_regions(j, f, show, snip);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_json_arr_end(j);
}

/* Further occurrences of the same secret. */
static void write_related(struct lg_json *j, const struct lg_finding *f)
{
    if (!f->n_locations)
        return;
    lg_json_key(j, "relatedLocations");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < f->n_locations; i++) {
        const struct lg_finding *o = &f->locations[i];

        if (!o->path)
            continue;
        lg_json_obj_begin(j);
        lg_json_kuint(j, "id", i + 1);
        lg_json_key(j, "physicalLocation");
        lg_json_obj_begin(j);
        artifact_location(j, o->path);
        lg_json_key(j, "region");
        lg_json_obj_begin(j);
        lg_json_kuint(j, "startLine", o->line);
        lg_json_kuint(j, "startColumn", o->column);
        lg_json_kuint(j, "endLine", o->end_line);
        lg_json_kuint(j, "endColumn", o->end_column + 1);
        lg_json_obj_end(j);
        lg_json_obj_end(j);
        lg_json_key(j, "message");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "text", o->git.commit ? "same secret, in a later "
                                                "commit"
                                              : "same secret");
        lg_json_obj_end(j);
        lg_json_obj_end(j);
    }
    lg_json_arr_end(j);
}

static void result_properties(struct lg_json *j, const struct lg_finding *f,
                              const struct lg_rule *r)
{
    lg_json_key(j, "properties");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "fingerprint", f->fingerprint);
    lg_json_kstr(j, "severity", lg_severity_name(r->severity));
    lg_json_kstr(j, "confidence", lg_confidence_name(r->confidence));
    if (f->decoded)
        lg_json_kstr(j, "decoded", f->decoded);
    if (f->identity)
        lg_json_kstr(j, "identity", f->identity);
    lg_report_write_verification(j, &f->verification);
    lg_json_kdouble(j, "entropy", f->entropy);
    if (f->part) {
        lg_json_key(j, "pair");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "ruleId", f->part->rule->rule.id);
        lg_json_kstr(j, "fingerprint", f->part->fingerprint);
        lg_json_kuint(j, "line", f->part->line);
        lg_json_kuint(j, "column", f->part->column);
        lg_json_obj_end(j);
    }
    if (f->git.commit) {
        lg_json_kstr(j, "commit", f->git.commit);
        lg_json_kstr(j, "author", f->git.author);
        lg_json_kstr(j, "email", f->git.email);
        lg_json_kstr(j, "date", f->git.date);
    }
    lg_json_obj_end(j);
}

static int sarif_finding(void *ctx, const struct lg_finding *f)
{
    struct sarif_ctx *c = ctx;
    struct lg_json *j = &c->j;
    const struct lg_rule *r = lg_report_rule(f);
    bool show = c->env->show_secrets;
    struct lg_buf snip, msg;
    long idx = rule_index(c->env->rs, f);
    const char *s;
    size_t n;
    int rc;

    lg_buf_init(&snip, LG_REPORT_ITEM_MAX);
    lg_buf_init(&msg, LG_REPORT_ITEM_MAX);
    lg_report_secret(f, show, &s, &n);
    rc = lg_finding_snippet(f, show, &snip);
    if (rc == LG_OK)
        rc = lg_buf_printf(&msg, "%s: ", r->name);
    if (rc == LG_OK)
        rc = lg_buf_append(&msg, s, n);
    if (rc < 0)
        goto out;

    lg_json_obj_begin(j);
    lg_json_kstr(j, "ruleId", r->id);
    if (idx >= 0)
        lg_json_kint(j, "ruleIndex", idx);
    lg_json_kstr(j, "level", LOOKUP(sev_level, r->severity, "warning"));
    lg_json_key(j, "message");
    lg_json_obj_begin(j);
    lg_json_key(j, "text");
    lg_json_strn(j, msg.data, msg.len);
    lg_json_obj_end(j);
    write_location(c, f, show, &snip);
    write_related(j, f);
    lg_json_key(j, "partialFingerprints");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "leakguard/v1", f->fingerprint);
    lg_json_obj_end(j);
    result_properties(j, f, r);
    lg_json_obj_end(j);
out:
    lg_buf_release(&snip);
    lg_buf_release(&msg);
    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    return flush(c);
}

static void note_release(struct sarif_note *n)
{
    free(n->reason);
    free(n->path);
    free(n->message);
}

static int sarif_notice(void *ctx, const struct lg_notice *n)
{
    struct sarif_ctx *c = ctx;
    struct sarif_note *note;
    int rc = LG_OK;

    if (c->n_notes >= NOTE_MAX) {
        c->dropped++;
        return LG_OK;
    }
    void *v =
        lg_grow(c->notes, &c->cap_notes, c->n_notes, sizeof(*c->notes), 16);
    if (!v)
        return LG_ENOMEM;
    c->notes = v;
    note = &c->notes[c->n_notes];
    note->kind = n->kind;
    note->reason = lg_strdup_opt(n->reason, &rc);
    note->path = lg_strdup_opt(n->path, &rc);
    note->message = lg_strdup_opt(n->message, &rc);
    if (rc < 0) {
        note_release(note);
        return rc;
    }
    c->n_notes++;
    return LG_OK;
}

static const char *note_level(enum lg_notice_kind k)
{
    static const char *const levels[] = {
        [LG_NOTICE_SKIPPED] = "note",
        [LG_NOTICE_FAILED] = "error",
        [LG_NOTICE_LIMIT] = "warning",
        [LG_NOTICE_INFO] = "note",
    };

    return LOOKUP(levels, k, "note");
}

static void write_note(struct lg_json *j, const struct sarif_note *n)
{
    const char *reason = n->reason ? n->reason : lg_notice_kind_name(n->kind);
    struct lg_buf text;
    int rc;

    lg_buf_init(&text, LG_REPORT_ITEM_MAX);
    rc = n->message ? lg_buf_printf(&text, "%s: %s", reason, n->message)
                    : lg_buf_puts(&text, reason);
    if (rc < 0 && j->status == LG_OK)
        j->status = rc;
    lg_json_obj_begin(j);
    lg_json_kstr(j, "level", note_level(n->kind));
    text_obj(j, "message", text.data ? text.data : "");
    if (n->path) {
        lg_json_key(j, "locations");
        lg_json_arr_begin(j);
        lg_json_obj_begin(j);
        lg_json_key(j, "physicalLocation");
        lg_json_obj_begin(j);
        artifact_location(j, n->path);
        lg_json_obj_end(j);
        lg_json_obj_end(j);
        lg_json_arr_end(j);
    }
    lg_json_key(j, "properties");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "kind", lg_notice_kind_name(n->kind));
    lg_json_kstr(j, "reason", reason);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_buf_release(&text);
}

static void write_invocation(struct sarif_ctx *c,
                             const struct lg_run_summary *sum)
{
    struct lg_json *j = &c->j;

    lg_json_key(j, "invocations");
    lg_json_arr_begin(j);
    lg_json_obj_begin(j);
    lg_json_kbool(j, "executionSuccessful", sum->objects_failed == 0);
    if (c->env->command_line)
        lg_json_kstr(j, "commandLine", c->env->command_line);
    lg_json_key(j, "toolExecutionNotifications");
    lg_json_arr_begin(j);
    for (size_t i = 0; i < c->n_notes; i++) {
        write_note(j, &c->notes[i]);
        if (c->buf.len > LG_REPORT_ITEM_MAX / 2 && flush(c) < 0)
            break; /* the error stays in c->j.status */
    }
    if (c->dropped) {
        char msg[96];

        snprintf(msg, sizeof(msg),
                 "%llu more notices not listed; the summary counts them",
                 (unsigned long long)c->dropped);
        lg_json_obj_begin(j);
        lg_json_kstr(j, "level", "note");
        text_obj(j, "message", msg);
        lg_json_obj_end(j);
    }
    lg_json_arr_end(j);
    lg_json_key(j, "properties");
    lg_json_obj_begin(j);
    lg_json_key(j, "summary");
    lg_json_obj_begin(j);
    lg_report_write_summary(j, sum);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_json_obj_end(j);
    lg_json_arr_end(j);
}

static int sarif_end(void *ctx, const struct lg_run_summary *sum)
{
    struct sarif_ctx *c = ctx;
    struct lg_json *j = &c->j;
    int rc;

    if (!c->env)
        return LG_OK;
    lg_json_arr_end(j); /* results */
    write_artifacts(c);
    write_invocation(c, sum);
    lg_json_obj_end(j); /* run */
    lg_json_arr_end(j); /* runs */
    lg_json_obj_end(j);
    rc = lg_json_status(j);
    if (rc == LG_OK)
        rc = lg_buf_putc(&c->buf, '\n');
    if (rc == LG_OK)
        rc = lg_report_flush(c->env->out, &c->buf);
    if (rc == LG_OK && fflush(c->env->out) != 0)
        rc = LG_EIO;
    lg_buf_release(&c->buf);
    for (size_t i = 0; i < c->n_notes; i++)
        note_release(&c->notes[i]);
    free(c->notes);
    c->notes = NULL;
    c->n_notes = c->cap_notes = 0;
    return rc;
}

const struct lg_reporter_ops lg_report_sarif = {
    .name = "sarif",
    .summary = "SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)",
    .ctx_size = sizeof(struct sarif_ctx),
    .streaming = false,
    .begin = sarif_begin,
    .finding = sarif_finding,
    .notice = sarif_notice,
    .end = sarif_end,
};
