/* HTML reporter: one self-contained page for people who would rather look
 * than read.
 *
 * The page has totals by severity, bar charts (plain CSS) of findings by
 * severity, by rule and by directory, a findings table that a few lines of
 * inline JavaScript make sortable (click a column) and filterable (text
 * and severity), and the notices.  Nothing is loaded from anywhere: styles
 * and script are inline, and a Content-Security-Policy meta tag forbids
 * every other source (no network, no images, no frames, no forms), so the
 * page is safe to open from a CI artifact.  Without JavaScript the table is
 * still complete, only static.
 *
 * The totals come first on the page, so rows are built as findings arrive
 * and kept in memory (never in a temporary file: with --show-secrets they
 * hold secrets) until end(), up to ROWS_MAX bytes.  Every piece of text is
 * HTML-escaped, with invalid UTF-8 and control characters replaced;
 * nothing from the scan reaches the script or a URL. */
#include "report/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/fields.h"
#include "report/markup.h"

#define ROWS_MAX (512u * 1024 * 1024)
#define NOTE_MAX 1000 /* notices listed; the summary counts all */
#define ALSO_MAX 20   /* further locations listed per finding */
#define TOP_N 10      /* bars per chart */
#define DIR_MAX 1024  /* bytes of a directory name kept for grouping */
#define N_SEV (LG_SEV_CRITICAL + 1)

struct dir_count {
    char *dir;
    uint64_t n;
};

struct html_ctx {
    const struct lg_report_env *env;
    struct lg_buf rows, notes;
    uint64_t sev[N_SEV];
    uint64_t *by_rule; /* rs->n + 1 ("unknown") */
    size_t n_rules;
    struct dir_count *dirs; /* open addressing, cap a power of 2 */
    size_t n_dirs, cap_dirs;
    uint64_t n_notes, dropped;
    bool git; /* some finding has git provenance */
    int rc;   /* first error, sticky */
};

/* ---- small writers (errors stay in c->rc) ---- */

static void raw(struct html_ctx *c, struct lg_buf *b, const char *s)
{
    if (c->rc == LG_OK)
        c->rc = lg_buf_puts(b, s);
}

__attribute__((format(printf, 3, 4))) static void
pf(struct html_ctx *c, struct lg_buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (c->rc == LG_OK)
        c->rc = lg_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

static void esc(struct html_ctx *c, struct lg_buf *b, const char *s)
{
    if (c->rc == LG_OK && s)
        c->rc = lg_report_xml_puts(b, s, true);
}

static void escn(struct html_ctx *c, struct lg_buf *b, const char *s, size_t n)
{
    if (c->rc == LG_OK)
        c->rc = lg_report_xml_escape(b, s, n, true);
}

/* ---- directory counts: a small string → count hash table ---- */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static struct dir_count *dir_slot(struct dir_count *t, size_t cap,
                                  const char *s, size_t n)
{
    size_t i = (size_t)hash(s, n) & (cap - 1);

    while (t[i].dir && !(strlen(t[i].dir) == n && memcmp(t[i].dir, s, n) == 0))
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static int dir_grow(struct html_ctx *c)
{
    size_t cap = c->cap_dirs ? 2 * c->cap_dirs : 64;
    struct dir_count *t = calloc(cap, sizeof(*t));

    if (!t)
        return LG_ENOMEM;
    for (size_t i = 0; i < c->cap_dirs; i++)
        if (c->dirs[i].dir)
            *dir_slot(t, cap, c->dirs[i].dir, strlen(c->dirs[i].dir)) =
                c->dirs[i];
    free(c->dirs);
    c->dirs = t;
    c->cap_dirs = cap;
    return LG_OK;
}

static int count_dir(struct html_ctx *c, const char *path)
{
    size_t n = path ? lg_report_dir_len(path) : 0;
    const char *d = n ? path : ".";
    struct dir_count *slot;

    if (!n)
        n = 1;
    if (n > DIR_MAX)
        n = DIR_MAX;
    if ((c->n_dirs + 1) * 10 > c->cap_dirs * 7 && dir_grow(c) < 0)
        return LG_ENOMEM;
    slot = dir_slot(c->dirs, c->cap_dirs, d, n);
    if (!slot->dir) {
        slot->dir = lg_strndup(d, n);
        if (!slot->dir)
            return LG_ENOMEM;
        c->n_dirs++;
    }
    slot->n++;
    return LG_OK;
}

/* ---- rows ---- */

static int html_begin(void *ctx, const struct lg_report_env *env)
{
    struct html_ctx *c = ctx;

    c->env = env;
    lg_buf_init(&c->rows, ROWS_MAX);
    lg_buf_init(&c->notes, LG_REPORT_ITEM_MAX);
    c->n_rules = (env->rs ? env->rs->n : 0) + 1;
    c->by_rule = calloc(c->n_rules, sizeof(*c->by_rule));
    return c->by_rule ? LG_OK : LG_ENOMEM;
}

static void location(struct html_ctx *c, struct lg_buf *b,
                     const struct lg_finding *at)
{
    esc(c, b, at->path ? at->path : "(unknown)");
    pf(c, b, ":%" PRIu64 ":%" PRIu64, at->line, at->column);
}

static void git_cells(struct html_ctx *c, struct lg_buf *b,
                      const struct lg_provenance *g)
{
    raw(c, b, "<td class=\"git\" data-v=\"");
    esc(c, b, g->commit);
    raw(c, b, "\"><code title=\"");
    esc(c, b, g->commit);
    if (g->message) { /* its first line, as a tooltip */
        raw(c, b, "&#10;");
        escn(c, b, g->message, strcspn(g->message, "\r\n"));
    }
    raw(c, b, "\">");
    if (g->commit)
        escn(c, b, g->commit, strnlen(g->commit, 12));
    raw(c, b, "</code></td><td class=\"git\">");
    esc(c, b, g->author);
    if (g->email) {
        raw(c, b, " <small>&lt;");
        esc(c, b, g->email);
        raw(c, b, "&gt;</small>");
    }
    raw(c, b, "</td><td class=\"git\">");
    esc(c, b, g->date);
    raw(c, b, "</td>");
}

static void also_at(struct html_ctx *c, struct lg_buf *b,
                    const struct lg_finding *f)
{
    for (size_t i = 0; i < f->n_locations && i < ALSO_MAX; i++) {
        const struct lg_finding *o = &f->locations[i];

        raw(c, b, "<div class=\"also\">also at ");
        location(c, b, o);
        if (o->git.commit) {
            raw(c, b, " (commit ");
            escn(c, b, o->git.commit, strnlen(o->git.commit, 12));
            raw(c, b, ")");
        }
        raw(c, b, "</div>");
    }
    if (f->n_locations > ALSO_MAX)
        pf(c, b, "<div class=\"also\">and %zu more places</div>",
           f->n_locations - ALSO_MAX);
}

static int html_finding(void *ctx, const struct lg_finding *f)
{
    struct html_ctx *c = ctx;
    const struct lg_rule *r = lg_report_rule(f);
    const struct lg_ruleset *rs = c->env->rs;
    struct lg_buf *b = &c->rows, snip;
    unsigned sev = (unsigned)r->severity < N_SEV ? (unsigned)r->severity : 2;
    const char *s;
    size_t n;

    c->sev[sev]++;
    if (rs && f->rule >= rs->rules && f->rule < rs->rules + rs->n)
        c->by_rule[f->rule - rs->rules]++;
    else
        c->by_rule[c->n_rules - 1]++;
    if (c->rc == LG_OK)
        c->rc = count_dir(c, f->path);
    c->git = c->git || f->git.commit;

    pf(c, b, "<tr data-sev=\"%u\"><td data-v=\"%u\"><span class=\"sev s%u\">",
       sev, sev, sev);
    raw(c, b, lg_severity_name(r->severity));
    raw(c, b, "</span></td><td data-v=\"");
    esc(c, b, r->name);
    raw(c, b, "\">");
    esc(c, b, r->name);
    raw(c, b, "<br><small>");
    esc(c, b, r->id);
    pf(c, b, " · %s confidence</small></td><td data-v=\"",
       lg_confidence_name(r->confidence));
    esc(c, b, f->path);
    pf(c, b, ":%010" PRIu64 "\"><span class=\"loc\">", f->line);
    location(c, b, f);
    raw(c, b, "</span>");
    lg_buf_init(&snip, LG_REPORT_ITEM_MAX);
    if (c->rc == LG_OK)
        c->rc = lg_finding_snippet(f, c->env->show_secrets, &snip);
    if (snip.len) {
        raw(c, b, "<div class=\"snip\"><code>");
        escn(c, b, snip.data, snip.len);
        raw(c, b, "</code></div>");
    }
    lg_buf_release(&snip);
    also_at(c, b, f);
    raw(c, b, "</td><td><code class=\"secret\">");
    lg_report_secret(f, c->env->show_secrets, &s, &n);
    escn(c, b, s, n);
    raw(c, b, "</code>");
    if (f->decoded) {
        raw(c, b, "<br><small>decoded from ");
        esc(c, b, f->decoded);
        raw(c, b, "</small>");
    }
    raw(c, b, "</td>");
    git_cells(c, b, &f->git);
    raw(c, b, "<td><code title=\"");
    esc(c, b, f->fingerprint);
    raw(c, b, "\">");
    escn(c, b, f->fingerprint, strnlen(f->fingerprint, 12));
    raw(c, b, "</code></td></tr>\n");
    return c->rc;
}

static int html_notice(void *ctx, const struct lg_notice *n)
{
    struct html_ctx *c = ctx;
    struct lg_buf *b = &c->notes;

    if (c->n_notes >= NOTE_MAX) {
        c->dropped++;
        return LG_OK;
    }
    c->n_notes++;
    pf(c, b, "<li class=\"n-%s\"><b>%s</b> ", lg_notice_kind_name(n->kind),
       lg_notice_kind_name(n->kind));
    if (n->path) {
        raw(c, b, "<code>");
        esc(c, b, n->path);
        raw(c, b, "</code>: ");
    }
    esc(c, b, n->message && *n->message ? n->message : n->reason);
    raw(c, b, "</li>\n");
    return c->rc;
}

/* ---- the page ---- */

static const char *const sev_label[N_SEV] = {"info", "low", "medium", "high",
                                             "critical"};

static const char STYLE[] =
    "<style>\n"
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#dde1e8;--bg:#f6f7f9;"
    "--s0:#78909c;--s1:#1e88e5;--s2:#f9a825;--s3:#e53935;--s4:#8e24aa}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
    "header,main{max-width:1400px;margin:0 auto;padding:16px 24px}\n"
    "header{border-bottom:1px solid var(--line);background:#fff;"
    "max-width:none}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}\n"
    ".meta{color:var(--muted);margin:0}\n"
    ".cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}\n"
    ".card{background:#fff;border:1px solid var(--line);border-radius:8px;"
    "padding:10px 16px;min-width:120px;border-top:4px solid var(--c)}\n"
    ".card b{display:block;font-size:24px}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(320px,1fr));gap:16px}\n"
    "figure{margin:0;background:#fff;border:1px solid var(--line);"
    "border-radius:8px;padding:12px 16px}\n"
    "figcaption{font-weight:600;margin-bottom:8px}\n"
    ".bar{display:grid;grid-template-columns:minmax(0,40%) 1fr 3.5em;"
    "gap:8px;align-items:center;margin:3px 0}\n"
    ".bar span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}\n"
    ".bar i{display:block;height:14px;border-radius:3px;"
    "background:var(--c,#5c6bc0);min-width:2px}\n"
    ".bar em{font-style:normal;text-align:right;color:var(--muted)}\n"
    ".empty{color:var(--muted)}\n"
    ".controls{display:flex;gap:8px;align-items:center;margin:8px 0;"
    "flex-wrap:wrap}\n"
    ".controls input{flex:1;min-width:200px;padding:6px 8px;"
    "border:1px solid var(--line);border-radius:6px}\n"
    ".controls select{padding:6px;border:1px solid var(--line);"
    "border-radius:6px}\n"
    "#count{color:var(--muted)}\n"
    "table{width:100%;border-collapse:collapse;background:#fff;"
    "border:1px solid var(--line)}\n"
    "th,td{padding:6px 8px;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:top}\n"
    "th{background:#eef0f4;position:sticky;top:0}\n"
    "th button{all:unset;cursor:pointer;font-weight:600}\n"
    "th[aria-sort=ascending] button::after{content:' \\25B2'}\n"
    "th[aria-sort=descending] button::after{content:' \\25BC'}\n"
    "table.nogit .git{display:none}\n"
    "code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"
    "monospace;word-break:break-all}\n"
    ".loc{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "word-break:break-all}\n"
    ".snip,.also{color:var(--muted);font-size:12px;margin-top:2px}\n"
    "code.secret{white-space:nowrap;word-break:normal}\n"
    "small{color:var(--muted)}\n"
    ".sev{display:inline-block;padding:1px 8px;border-radius:10px;"
    "color:#fff;font-size:12px;font-weight:600}\n"
    ".s0{background:var(--s0)}.s1{background:var(--s1)}"
    ".s2{background:var(--s2);color:#222}.s3{background:var(--s3)}"
    ".s4{background:var(--s4)}\n"
    ".notes li{margin:2px 0}.n-failed b{color:var(--s3)}\n"
    "</style>\n";

static const char SCRIPT[] =
    "<script>\n"
    "(function () {\n"
    "  'use strict';\n"
    "  var table = document.getElementById('findings');\n"
    "  if (!table) return;\n"
    "  var body = table.tBodies[0];\n"
    "  var rows = Array.prototype.slice.call(body.rows);\n"
    "  var q = document.getElementById('q');\n"
    "  var sev = document.getElementById('sev');\n"
    "  var count = document.getElementById('count');\n"
    "  function apply() {\n"
    "    var text = q.value.toLowerCase(), s = sev.value, shown = 0;\n"
    "    rows.forEach(function (r) {\n"
    "      var ok = (!s || r.getAttribute('data-sev') === s) &&\n"
    "        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);\n"
    "      r.hidden = !ok;\n"
    "      if (ok) shown++;\n"
    "    });\n"
    "    count.textContent = shown + ' of ' + rows.length + ' shown';\n"
    "  }\n"
    "  function key(r, i) {\n"
    "    var cell = r.cells[i];\n"
    "    var v = cell.getAttribute('data-v');\n"
    "    return v === null ? cell.textContent : v;\n"
    "  }\n"
    "  var heads = table.tHead.rows[0].cells;\n"
    "  Array.prototype.forEach.call(heads, function (th, i) {\n"
    "    var button = th.querySelector('button');\n"
    "    if (!button) return;\n"
    "    button.addEventListener('click', function () {\n"
    "      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;\n"
    "      var num = th.getAttribute('data-type') === 'num';\n"
    "      Array.prototype.forEach.call(heads, function (h) {\n"
    "        h.removeAttribute('aria-sort');\n"
    "      });\n"
    "      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : "
    "'descending');\n"
    "      rows.sort(function (a, b) {\n"
    "        var x = key(a, i), y = key(b, i);\n"
    "        var d = num ? parseFloat(x) - parseFloat(y)\n"
    "                    : (x < y ? -1 : x > y ? 1 : 0);\n"
    "        return d * dir;\n"
    "      });\n"
    "      rows.forEach(function (r) { body.appendChild(r); });\n"
    "    });\n"
    "  });\n"
    "  q.addEventListener('input', apply);\n"
    "  sev.addEventListener('change', apply);\n"
    "  apply();\n"
    "})();\n"
    "</script>\n";

static void head(struct html_ctx *c, struct lg_buf *b,
                 const struct lg_run_summary *sum)
{
    char when[LG_REPORT_UTC_LEN + 1];

    lg_report_utc(time(NULL), when);
    raw(c, b,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
        "\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "base-uri 'none'; form-action 'none'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<title>leakguard report</title>\n");
    raw(c, b, STYLE);
    raw(c, b,
        "</head>\n<body>\n<header>\n<h1>leakguard report</h1>\n"
        "<p class=\"meta\">");
    pf(c, b,
       "%" PRIu64 " finding%s in %" PRIu64 " object%s (%" PRIu64
       " bytes) scanned, %" PRIu64 " skipped, %" PRIu64 " failed, %" PRIu64
       " rules, %.2f s · ",
       sum->findings, sum->findings == 1 ? "" : "s", sum->objects_scanned,
       sum->objects_scanned == 1 ? "" : "s", sum->bytes_scanned,
       sum->objects_skipped, sum->objects_failed, sum->rules, sum->seconds);
    raw(c, b, "leakguard ");
    esc(c, b, c->env->tool_version ? c->env->tool_version : "");
    pf(c, b, " · %s UTC</p>\n</header>\n<main>\n", when);
}

static void cards(struct html_ctx *c, struct lg_buf *b)
{
    raw(c, b, "<section class=\"cards\" aria-label=\"totals\">\n");
    for (int s = N_SEV - 1; s >= 0; s--)
        pf(c, b,
           "<div class=\"card\" style=\"--c:var(--s%d)\"><b>%" PRIu64
           "</b>%s</div>\n",
           s, c->sev[s], sev_label[s]);
    raw(c, b, "</section>\n");
}

/* One bar: label (escaped, full text as tooltip), width, count. */
static void bar(struct html_ctx *c, struct lg_buf *b, const char *label,
                size_t label_len, uint64_t n, uint64_t max, int color)
{
    raw(c, b, "<div class=\"bar\"><span title=\"");
    escn(c, b, label, label_len);
    raw(c, b, "\">");
    escn(c, b, label, label_len);
    pf(c, b, "</span><i style=\"width:%.1f%%", max ? 100.0 * n / max : 0.0);
    if (color >= 0)
        pf(c, b, ";--c:var(--s%d)", color);
    pf(c, b, "\"></i><em>%" PRIu64 "</em></div>\n", n);
}

static void figure_open(struct html_ctx *c, struct lg_buf *b, const char *title)
{
    raw(c, b, "<figure><figcaption>");
    raw(c, b, title);
    raw(c, b, "</figcaption>\n");
}

/* Index of the largest count not yet taken (taken[i] marks), or -1; ties
 * go to the smaller name when names are given, else to the lower index. */
static long next_top(const uint64_t *v, size_t n, bool *taken,
                     const struct dir_count *names)
{
    long best = -1;

    for (size_t i = 0; i < n; i++) {
        if (taken[i] || !v[i])
            continue;
        if (best < 0 || v[i] > v[best] ||
            (names && v[i] == v[best] &&
             strcmp(names[i].dir, names[best].dir) < 0))
            best = (long)i;
    }
    if (best >= 0)
        taken[best] = true;
    return best;
}

static void rule_chart(struct html_ctx *c, struct lg_buf *b)
{
    const struct lg_ruleset *rs = c->env->rs;
    bool *taken = calloc(c->n_rules, sizeof(*taken));
    uint64_t max = 0;

    figure_open(c, b, "Findings by rule");
    if (!taken) {
        c->rc = c->rc ? c->rc : LG_ENOMEM;
        return;
    }
    for (int k = 0; k < TOP_N; k++) {
        long i = next_top(c->by_rule, c->n_rules, taken, NULL);
        const char *name;

        if (i < 0)
            break;
        name = (size_t)i + 1 < c->n_rules ? rs->rules[i].rule.name
                                          : "unknown rule";
        if (k == 0)
            max = c->by_rule[i];
        bar(c, b, name, strlen(name), c->by_rule[i], max, -1);
    }
    if (max == 0)
        raw(c, b, "<p class=\"empty\">no findings</p>\n");
    raw(c, b, "</figure>\n");
    free(taken);
}

static void dir_chart(struct html_ctx *c, struct lg_buf *b)
{
    uint64_t *v = calloc(c->cap_dirs ? c->cap_dirs : 1, sizeof(*v));
    bool *taken = calloc(c->cap_dirs ? c->cap_dirs : 1, sizeof(*taken));
    uint64_t max = 0;

    figure_open(c, b, "Top directories");
    if (!v || !taken) {
        c->rc = c->rc ? c->rc : LG_ENOMEM;
        free(v);
        free(taken);
        return;
    }
    for (size_t i = 0; i < c->cap_dirs; i++)
        v[i] = c->dirs[i].dir ? c->dirs[i].n : 0;
    for (int k = 0; k < TOP_N; k++) {
        long i = next_top(v, c->cap_dirs, taken, c->dirs);

        if (i < 0)
            break;
        if (k == 0)
            max = v[i];
        bar(c, b, c->dirs[i].dir, strlen(c->dirs[i].dir), v[i], max, -1);
    }
    if (max == 0)
        raw(c, b, "<p class=\"empty\">no findings</p>\n");
    raw(c, b, "</figure>\n");
    free(v);
    free(taken);
}

static void charts(struct html_ctx *c, struct lg_buf *b)
{
    uint64_t max = 0;

    for (int s = 0; s < N_SEV; s++)
        max = c->sev[s] > max ? c->sev[s] : max;
    raw(c, b, "<section class=\"charts\">\n");
    figure_open(c, b, "Findings by severity");
    for (int s = N_SEV - 1; s >= 0; s--)
        bar(c, b, sev_label[s], strlen(sev_label[s]), c->sev[s], max, s);
    raw(c, b, "</figure>\n");
    rule_chart(c, b);
    dir_chart(c, b);
    raw(c, b, "</section>\n");
}

static void table_head(struct html_ctx *c, struct lg_buf *b,
                       const struct lg_run_summary *sum)
{
    pf(c, b, "<h2>Findings (%" PRIu64 ")</h2>\n", sum->findings);
    raw(c, b,
        "<div class=\"controls\"><input id=\"q\" type=\"search\" "
        "placeholder=\"Filter by rule, path, secret, author…\" "
        "aria-label=\"filter\"><select id=\"sev\" aria-label=\"severity\">"
        "<option value=\"\">all severities</option>");
    for (int s = N_SEV - 1; s >= 0; s--)
        pf(c, b, "<option value=\"%d\">%s</option>", s, sev_label[s]);
    raw(c, b, "</select><span id=\"count\"></span></div>\n");
    pf(c, b, "<table id=\"findings\"%s>\n<thead><tr>",
       c->git ? "" : " class=\"nogit\"");
    raw(c, b,
        "<th data-type=\"num\"><button type=\"button\">Severity</button></th>"
        "<th><button type=\"button\">Rule</button></th>"
        "<th><button type=\"button\">Location</button></th>"
        "<th><button type=\"button\">Secret</button></th>"
        "<th class=\"git\"><button type=\"button\">Commit</button></th>"
        "<th class=\"git\"><button type=\"button\">Author</button></th>"
        "<th class=\"git\"><button type=\"button\">Date</button></th>"
        "<th><button type=\"button\">Fingerprint</button></th>"
        "</tr></thead>\n<tbody>\n");
}

static int write_page(struct html_ctx *c, const struct lg_run_summary *sum)
{
    FILE *out = c->env->out;
    struct lg_buf b;

    lg_buf_init(&b, LG_REPORT_ITEM_MAX);
    head(c, &b, sum);
    cards(c, &b);
    charts(c, &b);
    table_head(c, &b, sum);
    if (c->rc == LG_OK)
        c->rc = lg_report_flush(out, &b);
    if (c->rc == LG_OK)
        c->rc = lg_report_flush(out, &c->rows);
    raw(c, &b, "</tbody>\n</table>\n");
    if (c->n_notes) {
        raw(c, &b, "<h2>Notices</h2>\n<ul class=\"notes\">\n");
        if (c->rc == LG_OK)
            c->rc = lg_report_flush(out, &b);
        if (c->rc == LG_OK)
            c->rc = lg_report_flush(out, &c->notes);
        if (c->dropped)
            pf(c, &b, "<li>%" PRIu64 " more notices not listed</li>\n",
               c->dropped);
        raw(c, &b, "</ul>\n");
    }
    raw(c, &b, "</main>\n");
    raw(c, &b, SCRIPT);
    raw(c, &b, "</body>\n</html>\n");
    if (c->rc == LG_OK)
        c->rc = lg_report_flush(out, &b);
    lg_buf_release(&b);
    return c->rc;
}

static int html_end(void *ctx, const struct lg_run_summary *sum)
{
    struct html_ctx *c = ctx;
    int rc;

    if (!c->env)
        return LG_OK;
    rc = c->rc == LG_OK ? write_page(c, sum) : c->rc;
    if (rc == LG_OK && fflush(c->env->out) != 0)
        rc = LG_EIO;
    lg_buf_release(&c->rows);
    lg_buf_release(&c->notes);
    for (size_t i = 0; i < c->cap_dirs; i++)
        free(c->dirs[i].dir);
    free(c->dirs);
    free(c->by_rule);
    c->dirs = NULL;
    c->by_rule = NULL;
    c->cap_dirs = c->n_dirs = 0;
    return rc;
}

const struct lg_reporter_ops lg_report_html = {
    .name = "html",
    .summary = "one self-contained HTML page with charts and a table",
    .ctx_size = sizeof(struct html_ctx),
    .streaming = false,
    .begin = html_begin,
    .finding = html_finding,
    .notice = html_notice,
    .end = html_end,
};
