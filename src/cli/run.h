/* What `scan` and `git` share: resolving options into a session, running
 * it, and turning the outcome into an exit status.
 *
 *     lg_cli_run_begin → (lg_session_run | git driver) → lg_cli_run_finish
 *
 * begin loads the watch list, rules and suppressions, sets up --verify /
 * --notify, opens the output, wraps the reporter with the progress line,
 * installs the SIGINT/SIGTERM handler and creates the session.  finish
 * flushes the report, prints the stderr summary, writes --stats, and maps
 * findings, --strict and interruption to the exit status. */
#ifndef LG_CLI_RUN_H
#define LG_CLI_RUN_H

#include <limits.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "scan/ignore.h"
#include "scan/session.h"

struct lg_cli_run {
    struct lg_cli *c;
    const struct lg_reporter_ops *rep;
    struct lg_scan_config cfg;
    struct lg_report_env env;
    struct lg_progress_reporter pw;
    struct lg_ignore ig;
    struct lg_strlist excludes;
    struct lg_ruleset *rs;
    double rules_seconds;       /* loading and compiling them (--stats) */
    struct lg_cli_extras *extras;
    struct lg_session *s;
    FILE *out;
    char *cmdline;
    char cwd[PATH_MAX];
    unsigned long notices[LG_MAX_REASONS + 1]; /* printed, per reason */
    unsigned missing_roots;     /* command-line paths that do not exist */
    const char *reasons[LG_MAX_REASONS];
};

/* Returns LG_OK, or an exit status (> 0) after printing the error. */
int lg_cli_run_begin(struct lg_cli_run *r, struct lg_cli *c,
                     const char *command, const char *const *roots,
                     size_t n_roots);
/* rc/err: the outcome of running the session.  Returns the exit status. */
int lg_cli_run_finish(struct lg_cli_run *r, int rc, const struct lg_error *err);
void lg_cli_run_release(struct lg_cli_run *r);

#endif
