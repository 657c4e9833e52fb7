/* leakguard scan: resolve options into a session, run it, map the outcome
 * to an exit status. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "report/report.h"
#include "scan/ignore.h"
#include "scan/session.h"

#include <sys/stat.h>

struct lg_ruleset *lg_cli_load_rules(const struct lg_cli *c)
{
    struct lg_ruleset *rs = NULL;
    struct lg_error err;
    int rc;

    lg_error_clear(&err);
    rc = lg_ruleset_new(&rs);
    if (rc < 0) {
        lg_cli_error("out of memory");
        return NULL;
    }
    if (!c->no_cache) {
        char *dir = lg_ruleset_default_cache_dir();
        rc = lg_ruleset_set_cache(rs, dir);
        free(dir);
    }
    if (rc == LG_OK && !c->no_default_rules)
        rc = lg_ruleset_add_builtin(rs, &err);
    for (size_t i = 0; rc == LG_OK && i < c->rules.n; i++)
        rc = lg_ruleset_add_path(rs, c->rules.v[i], &err);
    for (size_t i = 0; rc == LG_OK && i < c->disable.n; i++)
        rc = lg_ruleset_disable(rs, c->disable.v[i]);
    if (rc == LG_OK && c->watch)
        rc = lg_ruleset_set_watchlist(rs, c->watch);
    if (rc == LG_OK)
        rc = lg_ruleset_compile(rs, &err);
    if (rc < 0) {
        lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        lg_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

int lg_cli_suppressions(const struct lg_cli *c, const char *const *roots,
                        size_t n_roots, struct lg_ignore *ig,
                        struct lg_strlist *excludes)
{
    struct lg_error err;
    int rc = LG_OK;

    lg_error_clear(&err);
    for (size_t i = 0; rc == LG_OK && i < c->ignore_files.n; i++)
        rc = lg_ignore_load_file(ig, c->ignore_files.v[i], true, &err);
    if (rc == LG_OK && c->ignore_files.n == 0) {
        rc = lg_ignore_load_file(ig, ".leakguardignore", false, &err);
        for (size_t i = 0; rc == LG_OK && i < n_roots; i++) {
            struct stat st;
            struct lg_buf p;

            if (strcmp(roots[i], ".") == 0 || stat(roots[i], &st) != 0 ||
                !S_ISDIR(st.st_mode))
                continue;
            lg_buf_init(&p, 1 << 20);
            rc = lg_buf_printf(&p, "%s/.leakguardignore", roots[i]);
            if (rc == LG_OK)
                rc = lg_ignore_load_file(ig, p.data, false, &err);
            lg_buf_release(&p);
        }
    }
    for (size_t i = 0; rc == LG_OK && i < c->baselines.n; i++)
        rc = lg_ignore_load_baseline(ig, c->baselines.v[i], &err);
    for (size_t i = 0; rc == LG_OK && i < c->excludes.n; i++)
        rc = lg_strlist_push(excludes, c->excludes.v[i]);
    for (size_t i = 0; rc == LG_OK && i < ig->globs.n; i++)
        rc = lg_strlist_push(excludes, ig->globs.v[i]);
    if (rc < 0) {
        lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        return rc;
    }
    lg_ignore_seal(ig);
    return LG_OK;
}

static void print_notice(const struct lg_notice *n, void *payload)
{
    const struct lg_cli *c = payload;

    if (c->quiet)
        return;
    fprintf(stderr, "leakguard: %s: %s%s%s%s\n", lg_notice_kind_name(n->kind),
            n->path ? "'" : "", n->path ? n->path : "", n->path ? "': " : "",
            n->message);
}

static bool use_color(const struct lg_cli *c, FILE *out)
{
    const char *nc = getenv("NO_COLOR");

    if (c->color && strcmp(c->color, "always") == 0)
        return true;
    if (c->color && strcmp(c->color, "never") == 0)
        return false;
    if (nc && *nc)
        return false;
    return out == stdout && isatty(STDOUT_FILENO);
}

static void print_summary(const struct lg_run_summary *s)
{
    fprintf(stderr,
            "leakguard: %llu finding%s in %llu object%s (%llu bytes), %llu "
            "skipped, %llu failed, %.2f s\n",
            (unsigned long long)s->findings, s->findings == 1 ? "" : "s",
            (unsigned long long)s->objects_scanned,
            s->objects_scanned == 1 ? "" : "s",
            (unsigned long long)s->bytes_scanned,
            (unsigned long long)s->objects_skipped,
            (unsigned long long)s->objects_failed, s->seconds);
}

/* argv joined for SARIF invocations; secrets are never on the command
 * line (the CLI takes none). */
static char *command_line(const struct lg_cli *c)
{
    struct lg_buf b;

    lg_buf_init(&b, 64 * 1024);
    lg_buf_puts(&b, "leakguard scan");
    for (int i = 0; i < c->n_args; i++) {
        lg_buf_putc(&b, ' ');
        lg_buf_puts(&b, c->args[i]);
    }
    return lg_buf_detach(&b);
}

int lg_cmd_scan(struct lg_cli *c)
{
    const struct lg_reporter_ops *rep =
        lg_reporter_find(c->format ? c->format : "text");
    static const char *const here[] = {"."};
    struct lg_scan_config cfg = {0};
    struct lg_ignore ig;
    struct lg_strlist excludes = {0};
    const char *const *roots = c->n_args ? (const char *const *)c->args : here;
    size_t n_roots = c->n_args ? (size_t)c->n_args : 1;
    struct lg_report_env env = {0};
    struct lg_progress_reporter pw;
    struct lg_session *s = NULL;
    struct lg_cli_extras *extras = NULL;
    struct lg_ruleset *rs;
    struct lg_error err;
    char cwd[PATH_MAX];
    char *cmdline = NULL;
    FILE *out = stdout;
    int status = LG_EXIT_ERROR, rc;

    lg_error_clear(&err);
    lg_ignore_init(&ig);
    if (lg_cli_load_watchlist(c) < 0)
        return LG_EXIT_USAGE;
    rs = lg_cli_load_rules(c);
    if (!rs)
        return LG_EXIT_USAGE;
    if (lg_cli_suppressions(c, roots, n_roots, &ig, &excludes) < 0 ||
        lg_cli_extras_begin(c, &cfg, &extras) < 0) { /* --verify, --notify */
        lg_ignore_release(&ig);
        lg_strlist_release(&excludes);
        lg_ruleset_free(rs);
        return LG_EXIT_USAGE;
    }
    if (c->output) {
        out = fopen(c->output, "w");
        if (!out) {
            lg_cli_error("cannot open '%s' for writing: %s", c->output,
                         strerror(errno));
            lg_ignore_release(&ig);
            lg_strlist_release(&excludes);
            lg_ruleset_free(rs);
            return LG_EXIT_USAGE;
        }
    }
    cfg.threads = c->threads;
    cfg.binary = c->binary;
    cfg.follow_symlinks = c->follow_symlinks;
    cfg.allow_comments = !c->no_inline_allow;
    cfg.max_decode_depth = c->max_decode_depth;
    cfg.max_file_size = c->max_file_size;
    cfg.no_archives = c->no_archives;
    cfg.limits = c->limits;
    cfg.excludes = excludes;
    cfg.ignore = &ig;
    cmdline = command_line(c);
    env.out = out;
    env.show_secrets = c->show_secrets;
    env.color = use_color(c, out);
    env.rs = rs;
    env.tool_version = LG_VERSION;
    env.cwd = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
    env.command_line = cmdline;
    /* the progress line stays out of notices and the report */
    lg_progress_wrap(&pw, rep, &env, print_notice, c,
                     lg_progress_wanted(c->progress, c->quiet, STDERR_FILENO),
                     STDERR_FILENO);
    rc = lg_session_new(&s, rs, &cfg, &pw.ops, &pw.env, lg_progress_notice, &pw,
                        &err);
    if (rc == LG_OK)
        lg_progress_start(pw.p, s);
    if (rc == LG_OK)
        rc = lg_session_run(s, roots, n_roots, &err);
    lg_progress_free(pw.p);
    if (fflush(out) != 0 || ferror(out)) {
        if (rc == LG_OK)
            rc = lg_error_set(&err, LG_EIO, "cannot write the report: %s",
                              strerror(errno));
    }
    if (rc < 0) {
        lg_cli_error("%s", err.msg);
    } else {
        const struct lg_run_summary *sum = lg_session_summary(s);
        if (!c->quiet && rep != &lg_report_text)
            print_summary(sum);
        status = sum->findings ? c->exit_code : LG_EXIT_CLEAN;
        if (lg_cli_extras_end(extras, sum) < 0)
            status = LG_EXIT_ERROR;
    }
    if (out != stdout && fclose(out) != 0 && rc == LG_OK) {
        lg_cli_error("cannot write '%s': %s", c->output, strerror(errno));
        status = LG_EXIT_ERROR;
    }
    lg_session_free(s);
    lg_cli_extras_free(extras);
    lg_ruleset_free(rs);
    lg_ignore_release(&ig);
    lg_strlist_release(&excludes);
    free(cmdline);
    return status;
}
