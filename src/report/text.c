/* Human-readable report.
 *
 * Findings come sorted by path, so they are grouped under a path heading; a
 * finding is a block of aligned "Label: value" lines whose Location line is
 * "path:line:col" (what editors and terminals turn into a link).  A summary
 * line ends the report.  Notices are not printed here: the CLI shows them on
 * stderr, and the summary counts them.
 *
 * Everything printed may come from scanned input (paths, snippets, commit
 * messages), so control characters and invalid UTF-8 are escaped as \xNN:
 * scanned bytes never reach the terminal as escape sequences.  Colour is
 * used only when env->color. */
#include "report/report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields.h"
#include "util/utf8.h"

#define MESSAGE_MAX 120 /* bytes of a commit message's first line */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_DIM "\033[2m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_BOLDRED "\033[1;31m"

struct text_ctx {
    const struct lg_report_env *env;
    struct lg_buf buf;
    int rc;          /* first buffer error of the current item (sticky) */
    char *prev_path; /* heading printed last, owned */
    bool have_prev;
};

/* Buffer writes keep the first error, checked once per item. */
static void put(struct text_ctx *c, const char *s, size_t n)
{
    if (c->rc == LG_OK)
        c->rc = lg_buf_append(&c->buf, s, n);
}

static void puts_(struct text_ctx *c, const char *s)
{
    put(c, s, strlen(s));
}

static void putc_(struct text_ctx *c, char ch)
{
    put(c, &ch, 1);
}

__attribute__((format(printf, 2, 3))) static void pf(struct text_ctx *c,
                                                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (c->rc == LG_OK)
        c->rc = lg_buf_vprintf(&c->buf, fmt, ap);
    va_end(ap);
}

static void paint(struct text_ctx *c, const char *code)
{
    if (c->env->color)
        puts_(c, code);
}

/* Append s[0..n) with control characters and invalid UTF-8 escaped. */
static void put_safe(struct text_ctx *c, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t v = 1;
        bool ok;

        if (u[i] >= 0x80) {
            v = lg_utf8_valid_prefix(u + i, n - i);
            /* C1 controls (U+0080..U+009F) are escapes on some terminals */
            ok = v > 0 && !(u[i] == 0xc2 && u[i + 1] <= 0x9f);
        } else {
            ok = u[i] >= 0x20 && u[i] != 0x7f;
        }
        if (ok) {
            put(c, s + i, v);
            i += v;
            continue;
        }
        if (u[i] == '\n') {
            puts_(c, "\\n");
        } else if (u[i] == '\t') {
            puts_(c, "\\t");
        } else {
            char e[4] = {'\\', 'x', hex[u[i] >> 4], hex[u[i] & 15]};
            put(c, e, 4);
        }
        i++;
    }
}

static void put_str(struct text_ctx *c, const char *s)
{
    put_safe(c, s, strlen(s));
}

static const char *severity_color(enum lg_severity s)
{
    static const char *const colors[] = {
        [LG_SEV_INFO] = C_DIM,         [LG_SEV_LOW] = C_CYAN,
        [LG_SEV_MEDIUM] = C_YELLOW,    [LG_SEV_HIGH] = C_RED,
        [LG_SEV_CRITICAL] = C_BOLDRED,
    };

    return (unsigned)s < sizeof(colors) / sizeof(colors[0]) ? colors[s]
                                                            : C_RESET;
}

/* "  Label:       " with the label dimmed. */
static void label(struct text_ctx *c, const char *name)
{
    puts_(c, "  ");
    paint(c, C_DIM);
    pf(c, "%-13s", name);
    paint(c, C_RESET);
}

static void field(struct text_ctx *c, const char *name, const char *value)
{
    label(c, name);
    put_str(c, value);
    putc_(c, '\n');
}

/* Write out the item built in c->buf, unless it (rc) or a buffer write
 * failed; either way the buffer is emptied for the next item. */
static int flush_item(struct text_ctx *c, int rc)
{
    if (rc == LG_OK)
        rc = c->rc;
    c->rc = LG_OK;
    if (rc < 0) {
        lg_buf_release(&c->buf);
        return rc;
    }
    return lg_report_flush(c->env->out, &c->buf);
}

static int text_begin(void *ctx, const struct lg_report_env *env)
{
    struct text_ctx *c = ctx;

    c->env = env;
    lg_buf_init(&c->buf, LG_REPORT_ITEM_MAX);
    return LG_OK;
}

/* Print the path heading when the path changes. */
static int heading(struct text_ctx *c, const char *path)
{
    if (c->have_prev &&
        (c->prev_path == path ||
         (c->prev_path && path && strcmp(c->prev_path, path) == 0)))
        return LG_OK;
    free(c->prev_path);
    c->prev_path = NULL;
    if (path) {
        c->prev_path = lg_strndup(path, strlen(path));
        if (!c->prev_path)
            return LG_ENOMEM;
    }
    c->have_prev = true;
    paint(c, C_BOLD);
    put_str(c, path ? path : "(unknown)");
    paint(c, C_RESET);
    putc_(c, '\n');
    return LG_OK;
}

static void git_fields(struct text_ctx *c, const struct lg_provenance *g)
{
    label(c, "Commit:");
    put_str(c, g->commit);
    if (g->date) {
        puts_(c, "  ");
        put_str(c, g->date);
    }
    putc_(c, '\n');
    if (g->author || g->email) {
        label(c, "Author:");
        put_str(c, g->author ? g->author : "");
        if (g->email) {
            puts_(c, g->author ? " <" : "<");
            put_str(c, g->email);
            putc_(c, '>');
        }
        putc_(c, '\n');
    }
    if (g->message) {
        size_t n = strcspn(g->message, "\r\n");

        label(c, "Message:");
        put_safe(c, g->message, n < MESSAGE_MAX ? n : MESSAGE_MAX);
        if (n > MESSAGE_MAX)
            puts_(c, "\xe2\x80\xa6");
        putc_(c, '\n');
    }
}

/* "Verified:  live (onespan: jane@acme.test) at 2025-…Z — detail" */
static void verified(struct text_ctx *c, const struct lg_verification *v)
{
    label(c, "Verified:");
    paint(c, v->status == LG_VERIFY_LIVE ? C_BOLDRED : C_RESET);
    puts_(c, lg_verify_status_name(v->status));
    paint(c, C_RESET);
    if (v->provider || v->identity) {
        puts_(c, " (");
        put_str(c, v->provider ? v->provider : "");
        if (v->provider && v->identity)
            puts_(c, ": ");
        put_str(c, v->identity ? v->identity : "");
        putc_(c, ')');
    }
    if (v->checked_at[0]) {
        puts_(c, " at ");
        put_str(c, v->checked_at);
    }
    if (v->detail) {
        puts_(c, " \xe2\x80\x94 ");
        put_str(c, v->detail);
    }
    putc_(c, '\n');
}

static int text_finding(void *ctx, const struct lg_finding *f)
{
    struct text_ctx *c = ctx;
    const struct lg_rule *r = lg_report_rule(f);
    struct lg_buf snip;
    const char *s;
    size_t n;
    int rc;

    lg_buf_init(&snip, LG_REPORT_ITEM_MAX);
    rc = heading(c, f->path);
    if (rc == LG_OK)
        rc = lg_finding_snippet(f, c->env->show_secrets, &snip);
    if (rc < 0)
        goto out;

    label(c, "Finding:");
    paint(c, C_BOLD);
    put_str(c, r->name);
    paint(c, C_RESET);
    puts_(c, " (");
    put_str(c, r->id);
    puts_(c, ")  severity: ");
    paint(c, severity_color(r->severity));
    puts_(c, lg_severity_name(r->severity));
    paint(c, C_RESET);
    pf(c, "  confidence: %s\n", lg_confidence_name(r->confidence));

    label(c, "Secret:");
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    put_safe(c, s, n);
    putc_(c, '\n');
    label(c, "Location:");
    put_str(c, f->path ? f->path : "(unknown)");
    pf(c, ":%llu:%llu\n", (unsigned long long)f->line,
       (unsigned long long)f->column);
    if (snip.len)
        field(c, "Snippet:", snip.data);
    if (f->decoded)
        field(c, "Decoded:", f->decoded);
    if (f->identity)
        field(c, "Identity:", f->identity);
    if (f->verification.status != LG_VERIFY_NONE)
        verified(c, &f->verification);
    if (f->git.commit)
        git_fields(c, &f->git);
    if (f->part) {
        label(c, "Pair:");
        put_str(c, f->part->rule->rule.id);
        putc_(c, ' ');
        if (c->env->show_secrets)
            put_safe(c, f->part->secret, f->part->secret_len);
        else
            put_str(c, f->part->redacted);
        pf(c, " at line %llu\n", (unsigned long long)f->part->line);
    }
    for (size_t i = 0; i < f->n_locations; i++) {
        const struct lg_finding *o = &f->locations[i];
        label(c, i == 0 ? "Also at:" : "");
        put_str(c, o->path ? o->path : "(unknown)");
        pf(c, ":%llu:%llu", (unsigned long long)o->line,
           (unsigned long long)o->column);
        if (o->git.commit)
            pf(c, " (commit %.12s)", o->git.commit);
        putc_(c, '\n');
    }
    field(c, "Fingerprint:", f->fingerprint);
    putc_(c, '\n');
out:
    lg_buf_release(&snip);
    return flush_item(c, rc);
}

static int text_notice(void *ctx, const struct lg_notice *n)
{
    (void)ctx;
    (void)n;
    return LG_OK;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void reasons(struct text_ctx *c, const struct lg_run_summary *sum)
{
    size_t n =
        sum->n_reasons < LG_MAX_REASONS ? sum->n_reasons : LG_MAX_REASONS;

    if (n == 0)
        return;
    puts_(c, " (");
    for (size_t i = 0; i < n; i++) {
        if (i)
            puts_(c, ", ");
        put_str(c, sum->reason[i] ? sum->reason[i] : "unknown");
        pf(c, ": %llu", (unsigned long long)sum->reason_count[i]);
    }
    putc_(c, ')');
}

static int text_end(void *ctx, const struct lg_run_summary *sum)
{
    struct text_ctx *c = ctx;
    int rc;

    if (!c->env)
        return LG_OK;
    free(c->prev_path);
    c->prev_path = NULL;
    paint(c, sum->findings ? C_BOLDRED : C_GREEN);
    pf(c, "%llu %s", (unsigned long long)sum->findings,
       plural(sum->findings, "finding", "findings"));
    paint(c, C_RESET);
    pf(c, " in %llu %s (%llu %s) scanned, %llu skipped, %llu failed",
       (unsigned long long)sum->objects_scanned,
       plural(sum->objects_scanned, "object", "objects"),
       (unsigned long long)sum->bytes_scanned,
       plural(sum->bytes_scanned, "byte", "bytes"),
       (unsigned long long)sum->objects_skipped,
       (unsigned long long)sum->objects_failed);
    reasons(c, sum);
    pf(c, ", in %.2f s\n", sum->seconds);
    rc = flush_item(c, LG_OK);
    if (rc == LG_OK && fflush(c->env->out) != 0)
        rc = LG_EIO;
    return rc;
}

const struct lg_reporter_ops lg_report_text = {
    .name = "text",
    .summary = "human-readable findings grouped by file (default)",
    .ctx_size = sizeof(struct text_ctx),
    .streaming = false,
    .begin = text_begin,
    .finding = text_finding,
    .notice = text_notice,
    .end = text_end,
};
