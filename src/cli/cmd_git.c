/* leakguard git: resolve options into a session driven by the git source,
 * run it, map the outcome to an exit status (as for scan). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run.h"
#include "report/report.h"
#include "scan/ignore.h"
#include "scan/session.h"
#include "source/git.h"

/* The helpers below mirror cmd_scan.c's (static there). */

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
 * written even after a failure).  Returns LG_OK or the exit status of a
 * failure of the history walk itself. */
static int run(struct lg_cli_run *r, const char *repo,
               const struct lg_git_opts *o, int *rc, struct lg_error *err)
{
    struct lg_error gerr;
    int grc = LG_OK;

    lg_error_clear(&gerr);
    *rc = lg_session_begin(r->s, err);
    if (*rc == LG_OK)
        grc = lg_git_scan(r->s, repo, o, &gerr);
    if (lg_session_end(r->s, *rc < 0 ? NULL : err) < 0 && *rc == LG_OK)
        *rc = err->code ? err->code : LG_EINTERNAL;
    if (grc < 0 && !lg_cli_interrupted()) { /* a stop is not a failure */
        lg_cli_error("%s", gerr.msg);
        return grc == LG_EINVAL || grc == LG_ENOTFOUND ? LG_EXIT_USAGE
                                                       : LG_EXIT_ERROR;
    }
    return LG_OK;
}

int lg_cmd_git(struct lg_cli *c)
{
    const char *git_dir = getenv("GIT_DIR"); /* set when git runs a hook */
    const char *repo = c->n_args             ? c->args[0]
                       : git_dir && *git_dir ? git_dir
                                             : ".";
    struct lg_git_opts o = {0};
    struct lg_cli_run r;
    struct lg_error err;
    int status, rc = LG_OK;

    lg_error_clear(&err);
    memset(&r, 0, sizeof(r));
    if (resolve_mode(c, &o) < 0)
        return LG_EXIT_USAGE;
    if (lg_git_init(&err) < 0) {
        lg_cli_error("%s", err.msg);
        return LG_EXIT_ERROR;
    }
    status = lg_cli_run_begin(&r, c, "git", &repo, 1);
    if (status == LG_OK) {
        o.excludes = &r.excludes;
        status = run(&r, repo, &o, &rc, &err);
        if (status == LG_OK)
            status = lg_cli_run_finish(&r, rc, &err);
    }
    /* The session's workers hold libgit2 handles: free it before libgit2
     * shuts down (see lg_git_init). */
    lg_session_free(r.s);
    r.s = NULL;
    lg_git_shutdown();
    lg_cli_run_release(&r);
    return status;
}
