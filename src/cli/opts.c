/* Option table entries and the generic parser that reads them. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/progress.h"
#include "report/report.h"
#include "rule/watchlist.h"

void lg_cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("leakguard: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int lg_parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mul = 1;

    errno = 0;
    if (!*s || *s == '-')
        return LG_EINVAL;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return LG_EINVAL;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': mul = 1024ULL; end++; break;
    case 'm': case 'M': mul = 1024ULL * 1024; end++; break;
    case 'g': case 'G': mul = 1024ULL * 1024 * 1024; end++; break;
    default: return LG_EINVAL;
    }
    if (*end == 'i' || *end == 'B')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end || (v && mul > UINT64_MAX / v))
        return LG_EINVAL;
    *out = (uint64_t)v * mul;
    return LG_OK;
}

static int parse_uint(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return LG_EINVAL;
    *out = v;
    return LG_OK;
}

static int set_help(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)c; (void)v; (void)e;
    return LG_ESTOP; /* the parser prints help */
}
static int set_rules(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->rules, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}
static int set_disable(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->disable, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}
static int set_exclude(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->excludes, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}
static int set_no_default(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->no_default_rules = true;
    return LG_OK;
}
static int set_format(struct lg_cli *c, const char *v, struct lg_error *e)
{
    if (!lg_reporter_find(v))
        return lg_error_set(e, LG_EINVAL,
                            "unknown format '%s' (text, json, jsonl, sarif, "
                            "csv, junit, gitlab, html)",
                            v);
    c->format = v;
    return LG_OK;
}
static int set_output(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->output = v;
    return LG_OK;
}
static int set_show(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->show_secrets = true;
    return LG_OK;
}
static int set_exit_code(struct lg_cli *c, const char *v, struct lg_error *e)
{
    long n;
    if (parse_uint(v, 0, 255, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--exit-code wants a number from 0 to 255, not "
                            "'%s'", v);
    c->exit_code = (int)n;
    return LG_OK;
}
static int set_threads(struct lg_cli *c, const char *v, struct lg_error *e)
{
    long n;
    if (parse_uint(v, 0, 256, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--threads wants a number from 0 to 256, not "
                            "'%s'", v);
    c->threads = (unsigned)n;
    return LG_OK;
}
static int set_binary(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->binary = true;
    return LG_OK;
}
static int set_follow(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->follow_symlinks = true;
    return LG_OK;
}
static int set_max_size(struct lg_cli *c, const char *v, struct lg_error *e)
{
    if (lg_parse_size(v, &c->max_file_size) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-file-size wants a size such as 10M or "
                            "1G, not '%s'", v);
    return LG_OK;
}
static int set_quiet(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->quiet = true;
    return LG_OK;
}
static int set_color(struct lg_cli *c, const char *v, struct lg_error *e)
{
    if (strcmp(v, "auto") && strcmp(v, "always") && strcmp(v, "never"))
        return lg_error_set(e, LG_EINVAL,
                            "--color wants auto, always or never, not '%s'",
                            v);
    c->color = v;
    return LG_OK;
}
static int set_no_inline(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->no_inline_allow = true;
    return LG_OK;
}
static int set_explain(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->explain = true;
    return LG_OK;
}
static int set_validators(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->validators = true;
    return LG_OK;
}

const struct lg_opt lg_opt_help = {"help", 'h', NULL, "show this help",
                                   set_help};
const struct lg_opt lg_opt_rules = {
    "rules", 0, "PATH",
    "add rules from a YAML file or a directory of them (repeatable); a rule "
    "with an existing id replaces it", set_rules};
const struct lg_opt lg_opt_no_default_rules = {
    "no-default-rules", 0, NULL, "do not load the built-in rules",
    set_no_default};
const struct lg_opt lg_opt_disable_rule = {
    "disable-rule", 0, "ID", "turn off a rule by id (repeatable)",
    set_disable};
const struct lg_opt lg_opt_format = {
    "format", 'f', "FMT",
    "output format: text (default), json, jsonl, sarif, csv, junit, gitlab, "
    "html",
    set_format};
const struct lg_opt lg_opt_output = {
    "output", 'o', "FILE", "write the report to FILE instead of stdout",
    set_output};
const struct lg_opt lg_opt_show_secrets = {
    "show-secrets", 0, NULL,
    "print secrets in full (they are redacted by default)", set_show};
const struct lg_opt lg_opt_exit_code = {
    "exit-code", 0, "N", "exit status when something is found (default 1)",
    set_exit_code};
const struct lg_opt lg_opt_threads = {
    "threads", 'j', "N", "worker threads (default: number of CPUs)",
    set_threads};
const struct lg_opt lg_opt_exclude = {
    "exclude", 0, "GLOB",
    "skip paths matching GLOB ('*.min.js', 'vendor/', '**/testdata/**'; "
    "repeatable)", set_exclude};
const struct lg_opt lg_opt_binary = {
    "binary", 0, NULL, "also scan files that look binary", set_binary};
const struct lg_opt lg_opt_follow_symlinks = {
    "follow-symlinks", 0, NULL, "follow symbolic links while walking",
    set_follow};
const struct lg_opt lg_opt_max_file_size = {
    "max-file-size", 0, "SIZE", "skip files larger than SIZE (e.g. 100M)",
    set_max_size};
const struct lg_opt lg_opt_quiet = {
    "quiet", 'q', NULL, "no notices or summary on stderr", set_quiet};
const struct lg_opt lg_opt_color = {
    "color", 0, "WHEN", "colour text output: auto (default), always, never",
    set_color};
const struct lg_opt lg_opt_no_inline_allow = {
    "no-inline-allow", 0, NULL,
    "ignore 'leakguard:allow' comments in scanned files", set_no_inline};
const struct lg_opt lg_opt_explain = {
    "explain", 0, NULL,
    "say on stderr why each candidate match was dropped (rule, byte offset, "
    "filter; never the text)", set_explain};
const struct lg_opt lg_opt_validators = {
    "validators", 0, NULL, "list the named validators rules can use",
    set_validators};

static int set_baseline(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->baselines, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}
static int set_ignore_file(struct lg_cli *c, const char *v,
                           struct lg_error *e)
{
    return lg_strlist_push(&c->ignore_files, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}

static int set_decode_depth(struct lg_cli *c, const char *v,
                            struct lg_error *e)
{
    long n;
    if (parse_uint(v, 0, 4, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-decode-depth wants a number from 0 to 4, "
                            "not '%s'", v);
    c->max_decode_depth = (unsigned)n;
    return LG_OK;
}

const struct lg_opt lg_opt_max_decode_depth = {
    "max-decode-depth", 0, "N",
    "decode Base64, hex and percent-encoded runs and rescan them, N levels "
    "deep (default 2; 0 turns decoding off)", set_decode_depth};

const struct lg_opt lg_opt_baseline = {
    "baseline", 0, "FILE",
    "suppress findings whose fingerprint is in FILE, a previous JSON or "
    "SARIF report (repeatable)", set_baseline};
const struct lg_opt lg_opt_ignore_file = {
    "ignore-file", 0, "FILE",
    "read fingerprints and path globs to ignore from FILE (default: "
    ".leakguardignore in the current directory and in each directory "
    "scanned)", set_ignore_file};

/* ---- git and install-hooks ---- */

static int set_branch(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->branches, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory") : LG_OK;
}
static int set_all(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->all_refs = true;
    return LG_OK;
}
static int set_range(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->range = v;
    return LG_OK;
}
static int set_since(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->since = v;
    return LG_OK;
}
static int set_remote(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->remote = v;
    return LG_OK;
}
static int set_staged(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->staged = true;
    return LG_OK;
}
static int set_pre_push(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->pre_push = true;
    return LG_OK;
}
static int set_pre_commit(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->pre_commit = true;
    return LG_OK;
}
static int set_force(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->force = true;
    return LG_OK;
}
static int set_chain(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->chain = true;
    return LG_OK;
}

const struct lg_opt lg_opt_branch = {
    "branch", 0, "REV",
    "walk only the history of REV (a branch, tag or commit; repeatable)",
    set_branch};
const struct lg_opt lg_opt_all = {
    "all", 0, NULL,
    "walk every ref: branches, tags, remotes, stashes (the default)",
    set_all};
const struct lg_opt lg_opt_range = {
    "range", 0, "A..B",
    "only what the commits of A..B (or A...B) added", set_range};
const struct lg_opt lg_opt_since = {
    "since", 0, "REV", "only what the commits of REV..HEAD added",
    set_since};
const struct lg_opt lg_opt_staged = {
    "staged", 0, NULL,
    "only what the index adds to HEAD (for a pre-commit hook)", set_staged};
const struct lg_opt lg_opt_pre_push = {
    "pre-push", 0, NULL,
    "only what is being pushed, read as git's pre-push lines on stdin",
    set_pre_push};
const struct lg_opt lg_opt_remote = {
    "remote", 0, "NAME",
    "with --pre-push: the remote pushed to (its remote-tracking refs are "
    "not scanned again)", set_remote};
const struct lg_opt lg_opt_hook_pre_commit = {
    "pre-commit", 0, NULL, "install the pre-commit hook (git --staged)",
    set_pre_commit};
const struct lg_opt lg_opt_hook_pre_push = {
    "pre-push", 0, NULL, "install the pre-push hook (git --pre-push)",
    set_pre_push};
const struct lg_opt lg_opt_force = {
    "force", 0, NULL,
    "replace a hook that is not leakguard's (kept as HOOK.orig)", set_force};
const struct lg_opt lg_opt_chain = {
    "chain", 0, NULL,
    "keep a hook that is not leakguard's as HOOK.local and run it first",
    set_chain};

static int set_progress(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->progress = LG_PROGRESS_ALWAYS;
    return LG_OK;
}
static int set_no_progress(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v; (void)e;
    c->progress = LG_PROGRESS_NEVER;
    return LG_OK;
}

const struct lg_opt lg_opt_progress = {
    "progress", 0, NULL,
    "show a progress line on stderr even when it is not a terminal",
    set_progress};
const struct lg_opt lg_opt_no_progress = {
    "no-progress", 0, NULL,
    "no progress line (default: shown when stderr is a terminal)",
    set_no_progress};

/* Archive expansion: flags fill c->limits (scan/limits.h has the
 * defaults and why). */
static int set_no_archives(struct lg_cli *c, const char *v,
                           struct lg_error *e)
{
    (void)v; (void)e;
    c->no_archives = true;
    return LG_OK;
}
static int set_archive_depth(struct lg_cli *c, const char *v,
                             struct lg_error *e)
{
    long n;
    if (parse_uint(v, 1, LG_MAX_ARCHIVE_DEPTH, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-archive-depth wants a number from 1 to "
                            "%u, not '%s'", LG_MAX_ARCHIVE_DEPTH, v);
    c->limits.max_archive_depth = (unsigned)n;
    return LG_OK;
}
static int set_archive_entries(struct lg_cli *c, const char *v,
                               struct lg_error *e)
{
    long n;
    if (parse_uint(v, 1, 1000000000L, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-archive-entries wants a number from 1 to "
                            "1000000000, not '%s'", v);
    c->limits.max_archive_entries = (uint64_t)n;
    return LG_OK;
}
static int set_expanded_bytes(struct lg_cli *c, const char *v,
                              struct lg_error *e)
{
    uint64_t n;
    if (lg_parse_size(v, &n) < 0 || n == 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-expanded-bytes wants a size such as 512M "
                            "or 8G, not '%s'", v);
    c->limits.max_expanded_bytes = n;
    return LG_OK;
}
static int set_expansion_ratio(struct lg_cli *c, const char *v,
                               struct lg_error *e)
{
    long n;
    if (parse_uint(v, 1, 1000000000L, &n) < 0)
        return lg_error_set(e, LG_EINVAL,
                            "--max-expansion-ratio wants a number from 1 to "
                            "1000000000, not '%s'", v);
    c->limits.max_expansion_ratio = (uint64_t)n;
    return LG_OK;
}

const struct lg_opt lg_opt_no_archives = {
    "no-archives", 0, NULL,
    "do not open archives and compressed files (they are then binary)",
    set_no_archives};
const struct lg_opt lg_opt_max_archive_depth = {
    "max-archive-depth", 0, "N",
    "expand archives nested up to N levels deep (default 8)",
    set_archive_depth};
const struct lg_opt lg_opt_max_archive_entries = {
    "max-archive-entries", 0, "N",
    "stop expanding a file's archives after N members (default 100000)",
    set_archive_entries};
const struct lg_opt lg_opt_max_expanded_bytes = {
    "max-expanded-bytes", 0, "SIZE",
    "stop expanding a file's archives after SIZE bytes (default 4G)",
    set_expanded_bytes};
const struct lg_opt lg_opt_max_expansion_ratio = {
    "max-expansion-ratio", 0, "N",
    "stop expanding a file that inflates more than N:1 after its first MiB "
    "(default 200)", set_expansion_ratio};

static int set_no_cache(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->no_cache = true;
    return LG_OK;
}

static int set_watchlist(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->watchlist = v;
    return LG_OK;
}
static int set_label(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->label = v;
    return LG_OK;
}

static int set_stats(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->stats = v;
    return LG_OK;
}
static int set_strict(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->strict = true;
    return LG_OK;
}

static int set_config(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->config = v;
    return LG_OK;
}

const struct lg_opt lg_opt_config = {
    "config", 0, "FILE",
    "read project settings from FILE (default: .leakguard.yml in the "
    "current directory, else in the first directory scanned)", set_config};

const struct lg_opt lg_opt_stats = {
    "stats", 0, "FILE",
    "write the run summary (objects and bytes scanned, skipped and failed by "
    "reason, findings) to FILE as JSON", set_stats};
const struct lg_opt lg_opt_strict = {
    "strict", 0, NULL,
    "exit with status 3 when any object was skipped or failed (exclusions "
    "you asked for aside)", set_strict};

const struct lg_opt lg_opt_watchlist = {
    "watchlist", 0, "FILE",
    "the watch list of known credentials (default: "
    "$XDG_CONFIG_HOME/leakguard/watchlist, used by scans when it exists)",
    set_watchlist};
const struct lg_opt lg_opt_label = {
    "label", 0, "TEXT", "a label for the credential (watch add)", set_label};

const struct lg_opt lg_opt_no_cache = {
    "no-cache", 0, NULL,
    "compile the rules afresh instead of using the cached Vectorscan "
    "database ($XDG_CACHE_HOME/leakguard)", set_no_cache};

void lg_cli_release(struct lg_cli *c)
{
    if (c->watch) {
        lg_watchlist_release(c->watch);
        free(c->watch);
        c->watch = NULL;
    }
    lg_strlist_release(&c->branches);
    lg_strlist_release(&c->baselines);
    lg_strlist_release(&c->config_allow);
    free(c->config_used);
    c->config_used = NULL;
    lg_strlist_release(&c->ignore_files);
    lg_strlist_release(&c->rules);
    lg_strlist_release(&c->disable);
    lg_strlist_release(&c->excludes);
    lg_strlist_release(&c->vfy.rule_ids);
    free(c->args);
    c->args = NULL;
}

static const struct lg_opt *find_long(const struct lg_command *cmd,
                                      const char *name, size_t n)
{
    for (size_t i = 0; cmd->opts && cmd->opts[i]; i++)
        if (strlen(cmd->opts[i]->name) == n &&
            strncmp(cmd->opts[i]->name, name, n) == 0)
            return cmd->opts[i];
    return NULL;
}

static const struct lg_opt *find_short(const struct lg_command *cmd, char ch)
{
    for (size_t i = 0; cmd->opts && cmd->opts[i]; i++)
        if (cmd->opts[i]->short_name == ch)
            return cmd->opts[i];
    return NULL;
}

int lg_cli_parse(struct lg_cli *c, const struct lg_command *cmd, int argc,
                 char **argv, int first, struct lg_error *err)
{
    bool only_args = false;

    c->args = calloc((size_t)argc + 1, sizeof(*c->args));
    if (!c->args)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    for (int i = first; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        const struct lg_opt *o;
        int rc;

        if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
            c->args[c->n_args++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = true;
            continue;
        }
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            o = find_long(cmd, a + 2, n);
            if (!o)
                return lg_error_set(err, LG_EINVAL,
                                    "unknown option '%.*s' for '%s' (see "
                                    "'leakguard %s --help')",
                                    (int)(n + 2), a, cmd->name, cmd->name);
            if (eq)
                val = eq + 1;
        } else {
            o = find_short(cmd, a[1]);
            if (!o)
                return lg_error_set(err, LG_EINVAL,
                                    "unknown option '-%c' for '%s' (see "
                                    "'leakguard %s --help')",
                                    a[1], cmd->name, cmd->name);
            if (a[2])
                val = a + 2;
        }
        if (o->metavar && !val) {
            if (i + 1 >= argc)
                return lg_error_set(err, LG_EINVAL,
                                    "option '--%s' needs a value (%s)",
                                    o->name, o->metavar);
            val = argv[++i];
        } else if (!o->metavar && val) {
            return lg_error_set(err, LG_EINVAL,
                                "option '--%s' takes no value", o->name);
        }
        rc = o->set(c, val, err);
        if (rc < 0)
            return rc;
    }
    return LG_OK;
}

void lg_cli_help(const struct lg_command *cmd, FILE *out)
{
    fprintf(out, "usage: leakguard %s %s\n\n%s\n", cmd->name, cmd->usage,
            cmd->summary);
    if (!cmd->opts || !cmd->opts[0])
        return;
    fputs("\noptions:\n", out);
    for (size_t i = 0; cmd->opts[i]; i++) {
        const struct lg_opt *o = cmd->opts[i];
        char left[64];
        int n;

        if (o->short_name)
            n = snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name,
                         o->name, o->metavar ? " " : "",
                         o->metavar ? o->metavar : "");
        else
            n = snprintf(left, sizeof(left), "    --%s%s%s", o->name,
                         o->metavar ? " " : "", o->metavar ? o->metavar : "");
        if (n < 26)
            fprintf(out, "  %-26s %s\n", left, o->help);
        else
            fprintf(out, "  %s\n  %-26s %s\n", left, "", o->help);
    }
}
