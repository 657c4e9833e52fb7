/* leakguard git: resolve options into a session driven by the git source,
 * run it, map the outcome to an exit status (as for scan). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "scan/ignore.h"
#include "scan/session.h"
#include "source/git.h"

/* The helpers below mirror cmd_scan.c's (static there). */

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
            "leakguard: %llu finding%s in %llu blob%s (%llu bytes), %llu "
            "skipped, %llu failed, %.2f s\n",
            (unsigned long long)s->findings, s->findings == 1 ? "" : "s",
            (unsigned long long)s->objects_scanned,
            s->objects_scanned == 1 ? "" : "s",
            (unsigned long long)s->bytes_scanned,
            (unsigned long long)s->objects_skipped,
            (unsigned long long)s->objects_failed, s->seconds);
}

/* The options that select what is scanned, for SARIF invocations (no
 * secrets are ever on the command line). */
static char *command_line(const struct lg_cli *c)
{
    struct lg_buf b;

    lg_buf_init(&b, 64 * 1024);
    lg_buf_puts(&b, "leakguard git");
    for (size_t i = 0; i < c->branches.n; i++)
        lg_buf_printf(&b, " --branch %s", c->branches.v[i]);
    if (c->range)
        lg_buf_printf(&b, " --range %s", c->range);
    if (c->since)
        lg_buf_printf(&b, " --since %s", c->since);
    if (c->staged)
        lg_buf_puts(&b, " --staged");
    if (c->pre_push)
        lg_buf_puts(&b, " --pre-push");
    for (int i = 0; i < c->n_args; i++) {
        lg_buf_putc(&b, ' ');
        lg_buf_puts(&b, c->args[i]);
    }
    return lg_buf_detach(&b);
}

/* Check the combination of options; fills o's mode fields. */
static int resolve_mode(const struct lg_cli *c, struct lg_git_opts *o)
{
    int modes = !!c->range + !!c->since + c->staged + c->pre_push;

    if (c->n_args > 1) {
        lg_cli_error("'git' takes one repository, not %d (see 'leakguard "
                     "git --help')",
                     c->n_args);
        return -1;
    }
    if (modes > 1) {
        lg_cli_error("choose one of --range, --since, --staged and "
                     "--pre-push");
        return -1;
    }
    if (modes && (c->branches.n || c->all_refs)) {
        lg_cli_error("--branch and --all select history to walk; they do "
                     "not go with --range, --since, --staged or --pre-push");
        return -1;
    }
    if (c->branches.n && c->all_refs) {
        lg_cli_error("--branch and --all exclude each other");
        return -1;
    }
    if (c->remote && !c->pre_push) {
        lg_cli_error("--remote goes with --pre-push");
        return -1;
    }
    o->mode = c->range || c->since ? LG_GIT_RANGE
              : c->staged          ? LG_GIT_STAGED
              : c->pre_push        ? LG_GIT_PRE_PUSH
                                   : LG_GIT_HISTORY;
    o->branches = &c->branches;
    o->range = c->range;
    o->since = c->since;
    o->remote = c->remote;
    o->pre_push_in = stdin;
    /* In a pre-commit hook, git names the index being committed (a
     * temporary one for 'commit -a' or 'commit PATH'). */
    if (c->staged)
        o->index_file = getenv("GIT_INDEX_FILE");
    o->max_blob_size = c->max_file_size;
    return 0;
}

/* Begin the session, queue the repository's blobs, end it (the report is
 * written even after a failure).  Returns the exit status. */
static int run(struct lg_session *s, const struct lg_cli *c, const char *repo,
               const struct lg_git_opts *o, const struct lg_reporter_ops *rep,
               FILE *out)
{
    struct lg_error err, gerr;
    int rc, grc = LG_OK;

    lg_error_clear(&err);
    lg_error_clear(&gerr);
    rc = lg_session_begin(s, &err);
    if (rc == LG_OK)
        grc = lg_git_scan(s, repo, o, &gerr);
    if (lg_session_end(s, rc < 0 ? NULL : &err) < 0 && rc == LG_OK)
        rc = err.code ? err.code : LG_EINTERNAL;
    if (fflush(out) != 0 || ferror(out)) {
        if (rc == LG_OK)
            rc = lg_error_set(&err, LG_EIO, "cannot write the report: %s",
                              strerror(errno));
    }
    if (grc < 0) {
        lg_cli_error("%s", gerr.msg);
        return grc == LG_EINVAL || grc == LG_ENOTFOUND ? LG_EXIT_USAGE
                                                       : LG_EXIT_ERROR;
    }
    if (rc < 0) {
        lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        return LG_EXIT_ERROR;
    }
    if (!c->quiet && rep != &lg_report_text)
        print_summary(lg_session_summary(s));
    return lg_session_summary(s)->findings ? c->exit_code : LG_EXIT_CLEAN;
}

int lg_cmd_git(struct lg_cli *c)
{
    const struct lg_reporter_ops *rep =
        lg_reporter_find(c->format ? c->format : "text");
    const char *git_dir = getenv("GIT_DIR"); /* set when git runs a hook */
    const char *repo = c->n_args             ? c->args[0]
                       : git_dir && *git_dir ? git_dir
                                             : ".";
    struct lg_git_opts o = {0};
    struct lg_scan_config cfg = {0};
    struct lg_strlist excludes = {0};
    struct lg_report_env env = {0};
    struct lg_session *s = NULL;
    struct lg_ruleset *rs = NULL;
    struct lg_ignore ig;
    struct lg_error err;
    char cwd[PATH_MAX];
    char *cmdline = NULL;
    FILE *out = stdout;
    int status = LG_EXIT_USAGE;

    lg_error_clear(&err);
    lg_ignore_init(&ig);
    if (resolve_mode(c, &o) < 0)
        goto out;
    if (lg_cli_load_watchlist(c) < 0)
        goto out;
    rs = lg_cli_load_rules(c);
    if (!rs || lg_cli_suppressions(c, &repo, 1, &ig, &excludes) < 0)
        goto out;
    if (c->output && !(out = fopen(c->output, "w"))) {
        lg_cli_error("cannot open '%s' for writing: %s", c->output,
                     strerror(errno));
        out = stdout;
        goto out;
    }
    o.excludes = &excludes;
    cfg.threads = c->threads;
    cfg.binary = c->binary;
    cfg.allow_comments = !c->no_inline_allow;
    cfg.max_decode_depth = c->max_decode_depth;
    cfg.max_file_size = c->max_file_size;
    cfg.no_archives = c->no_archives; /* archives committed to the repo */
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
    if (lg_git_init(&err) < 0) {
        lg_cli_error("%s", err.msg);
        status = LG_EXIT_ERROR;
        goto out;
    }
    if (lg_session_new(&s, rs, &cfg, rep, &env, print_notice, c, &err) < 0) {
        lg_cli_error("%s", err.msg);
        status = LG_EXIT_ERROR;
    } else {
        status = run(s, c, repo, &o, rep, out);
    }
    /* After the workers have ended (see lg_git_init). */
    lg_session_free(s);
    s = NULL;
    lg_git_shutdown();
out:
    if (out != stdout && fclose(out) != 0 && status != LG_EXIT_USAGE) {
        lg_cli_error("cannot write '%s': %s", c->output, strerror(errno));
        status = LG_EXIT_ERROR;
    }
    lg_session_free(s);
    lg_ruleset_free(rs);
    lg_ignore_release(&ig);
    lg_strlist_release(&excludes);
    free(cmdline);
    return status;
}
