/* What cmd_verify.c, cmd_revoke.c, cmd_notify.c and report_load.c share:
 * resolving the verify/notify configuration from options and environment,
 * and reading a previous JSON/JSONL report back into findings. */
#ifndef LG_CLI_VERIFY_CLI_H
#define LG_CLI_VERIFY_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "engine/finding.h"
#include "verify/audit.h"
#include "verify/notify.h"
#include "verify/verify.h"

struct lg_ruleset;

/* Default state files: $XDG_STATE_HOME/leakguard/NAME, else
 * $HOME/.local/state/leakguard/NAME.  Returns a heap string or NULL (and
 * prints why). */
char *lg_cli_state_path(const char *name);

/* A verifier (and the audit log it writes to) configured from options and
 * LEAKGUARD_ONESPAN_URLS, LEAKGUARD_GITHUB_API_URL, LEAKGUARD_SLACK_API_URL,
 * LEAKGUARD_ONESPAN_ADMIN_KEY.  Prints errors; returns LG_OK or negative. */
struct lg_cli_verifier {
    struct lg_verifier *v;
    struct lg_audit *audit;
    char *audit_path;
};
int lg_cli_verifier_open(const struct lg_cli *c, struct lg_cli_verifier *cv);
void lg_cli_verifier_close(struct lg_cli_verifier *cv);

/* A notifier when --notify-url is given (*out stays NULL otherwise).  The
 * key comes from --notify-key or LEAKGUARD_NOTIFY_KEY.  Prints errors. */
int lg_cli_notifier_open(const struct lg_cli *c, struct lg_notifier **out);
/* Tell the user about events that were spooled (stderr). */
void lg_cli_notifier_report(const struct lg_notifier *n, bool quiet);

/* A report read back: findings with owned strings (secrets only when the
 * report holds them raw), borrowing rules from the ruleset. */
struct lg_loaded_report {
    struct lg_finding *v;     /* n findings (locations owned by each) */
    struct lg_finding **ptrs; /* n pointers into v */
    size_t n, cap;
    struct lg_strlist strings; /* "decoded" names the findings borrow */
    size_t redacted;           /* findings whose secret is redacted */
    size_t unknown_rules;      /* rule ids the ruleset does not know */
};

/* Read FILE ("-": stdin) written with -f json or -f jsonl.  Prints errors
 * (naming the file, never a secret); returns LG_OK or negative. */
int lg_cli_load_report(const char *path, const struct lg_ruleset *rs,
                       struct lg_loaded_report *out);
void lg_loaded_report_release(struct lg_loaded_report *r);

/* What verify and revoke start with: check --report was given, load the
 * rules and the report.  Returns the ruleset (the caller frees it and
 * releases *rep), or NULL after printing the error (a usage error). */
struct lg_ruleset *lg_cli_open_report(struct lg_cli *c, const char *command,
                                      struct lg_loaded_report *rep);

/* The message for a report whose secrets are redacted. */
void lg_cli_redacted_hint(const char *path, size_t redacted, size_t n);

#endif
