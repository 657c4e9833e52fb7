/* The command line: the only code that sees argv, the environment, the
 * choice of stdout/stderr and the exit status.
 *
 * Commands are a table; each has an option table that drives parsing and
 * its --help text.  Options are parsed into a struct lg_cli, resolved (and
 * checked) before any work starts, then read-only. */
#ifndef LG_CLI_CLI_H
#define LG_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rule/rule.h"
#include "scan/limits.h"
#include "util/error.h"

/* Exit statuses (the contract scripts rely on). */
enum {
    LG_EXIT_CLEAN = 0,    /* nothing found */
    LG_EXIT_FINDINGS = 1, /* findings (changeable with --exit-code) */
    LG_EXIT_USAGE = 2,    /* usage, configuration or rule error */
    LG_EXIT_ERROR = 3     /* the scan itself failed */
};

struct lg_cli {
    const char *prog;
    const char *format;          /* NULL = text */
    const char *output;          /* NULL = stdout */
    struct lg_strlist rules;     /* --rules PATH */
    struct lg_strlist disable;   /* --disable-rule ID */
    struct lg_strlist excludes;  /* --exclude GLOB */
    struct lg_strlist baselines; /* --baseline FILE */
    struct lg_strlist ignore_files; /* --ignore-file FILE */
    unsigned max_decode_depth;   /* --max-decode-depth N (default 2) */
    bool no_default_rules;
    bool no_cache;               /* --no-cache */
    const char *watchlist;       /* --watchlist FILE */
    const char *stats;           /* --stats FILE */
    const char *config;          /* --config FILE */
    char *config_used;           /* the configuration file read, owned */
    struct lg_strlist config_allow; /* "rule\tkind\tvalue" from it */
    bool strict;                 /* --strict */
    const char *label;           /* watch add --label */
    struct lg_watchlist *watch;  /* loaded for scans, owned */
    bool show_secrets;
    bool binary;
    bool follow_symlinks;
    bool no_inline_allow;
    bool explain;                /* --explain */
    bool quiet;
    int progress;                /* enum lg_progress_mode (cli/progress.h) */
    bool validators;             /* rules list --validators */
    int exit_code;               /* exit status when findings; default 1 */
    unsigned threads;
    uint64_t max_file_size;
    bool no_archives;            /* --no-archives */
    struct lg_limits limits;     /* --max-archive-depth ... (0 = default) */
    const char *color;           /* auto | always | never */
    /* git and install-hooks (cli/cmd_git.c, cli/cmd_hooks.c) */
    struct lg_strlist branches;  /* git --branch REV */
    const char *range;           /* git --range A..B */
    const char *since;           /* git --since REV */
    const char *remote;          /* git --remote NAME */
    bool all_refs;               /* git --all */
    bool staged;                 /* git --staged */
    bool pre_push;               /* git --pre-push; install-hooks --pre-push */
    bool pre_commit;             /* install-hooks --pre-commit */
    bool force, chain;           /* install-hooks --force / --chain */
    /* verify, revoke, notify (cli/cmd_verify.c, cmd_revoke.c,
     * cmd_notify.c) */
    struct lg_cli_verify_opts {
        bool verify;             /* scan --verify */
        bool only_live;          /* verify --only-live */
        const char *report;      /* verify/revoke --report FILE|- */
        struct lg_strlist rule_ids; /* revoke --rule ID */
        bool dry_run, yes;       /* revoke --dry-run / --yes */
        bool contain;            /* revoke --contain */
        bool flush;              /* notify --flush */
        const char *audit_log;   /* --audit-log FILE */
        const char *notify_url;  /* --notify-url URL */
        const char *notify_key;  /* --notify-key KEY */
        const char *notify_events; /* --notify-events LIST */
    } vfy;
    char **args;                 /* positional arguments */
    int n_args;
};

struct lg_opt {
    const char *name;    /* long name without "--" */
    char short_name;     /* 0 if none */
    const char *metavar; /* NULL for flags */
    const char *help;
    int (*set)(struct lg_cli *c, const char *value, struct lg_error *err);
};

struct lg_command {
    const char *name;
    const char *usage;   /* after "leakguard NAME " */
    const char *summary;
    const struct lg_opt *const *opts; /* NULL-terminated, may be NULL */
    int (*run)(struct lg_cli *c);
};

/* Parse argv[first..argc) with the command's options; positional
 * arguments go to c->args.  Returns LG_OK, or LG_EINVAL with a message. */
int lg_cli_parse(struct lg_cli *c, const struct lg_command *cmd, int argc,
                 char **argv, int first, struct lg_error *err);
void lg_cli_release(struct lg_cli *c);
void lg_cli_help(const struct lg_command *cmd, FILE *out);

/* Print "leakguard: error: MSG" on stderr. */
void lg_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Shared option tables (cli/opts.c). */
extern const struct lg_opt lg_opt_help, lg_opt_rules, lg_opt_no_default_rules,
    lg_opt_disable_rule, lg_opt_format, lg_opt_output, lg_opt_show_secrets,
    lg_opt_exit_code, lg_opt_threads, lg_opt_exclude, lg_opt_binary,
    lg_opt_follow_symlinks, lg_opt_max_file_size, lg_opt_quiet, lg_opt_color,
    lg_opt_no_inline_allow, lg_opt_validators, lg_opt_explain;

/* Suppression options (cli/opts.c). */
extern const struct lg_opt lg_opt_baseline, lg_opt_ignore_file,
    lg_opt_max_decode_depth;

/* git and install-hooks options (cli/opts.c). */
extern const struct lg_opt lg_opt_branch, lg_opt_all, lg_opt_range,
    lg_opt_since, lg_opt_staged, lg_opt_pre_push, lg_opt_remote,
    lg_opt_hook_pre_commit, lg_opt_hook_pre_push, lg_opt_force, lg_opt_chain;

/* Archive expansion options (cli/opts.c). */
extern const struct lg_opt lg_opt_no_archives, lg_opt_max_archive_depth,
    lg_opt_max_archive_entries, lg_opt_max_expanded_bytes,
    lg_opt_max_expansion_ratio;

/* Progress options (cli/opts.c). */
extern const struct lg_opt lg_opt_progress, lg_opt_no_progress;
/* merge's --format (cli/cmd_merge.c): json or sarif. */
extern const struct lg_opt lg_opt_merge_format;

/* Verification, revocation and notification options (cli/cmd_verify.c). */
extern const struct lg_opt lg_opt_verify, lg_opt_only_live, lg_opt_report,
    lg_opt_revoke_rule, lg_opt_dry_run, lg_opt_yes, lg_opt_contain,
    lg_opt_audit_log, lg_opt_notify_url, lg_opt_notify_key,
    lg_opt_notify_events, lg_opt_flush;

/* --verify and --notify-* for drivers that run a session (scan, git):
 * begin sets cfg->verify when needed (else leaves it NULL: no network at
 * all) and prints errors; end sends scan_completed and reports spooled
 * events (call it after a successful run); free releases (NULL is fine). */
struct lg_scan_config;
struct lg_run_summary;
struct lg_cli_extras;
int lg_cli_extras_begin(const struct lg_cli *c, struct lg_scan_config *cfg,
                        struct lg_cli_extras **out);
int lg_cli_extras_end(struct lg_cli_extras *x,
                      const struct lg_run_summary *sum);
void lg_cli_extras_free(struct lg_cli_extras *x);

extern const struct lg_opt lg_opt_no_cache, lg_opt_watchlist, lg_opt_label,
    lg_opt_stats, lg_opt_strict;

extern const struct lg_opt lg_opt_config;

/* max_decode_depth before the command line or configuration set it */
#define LG_DECODE_DEPTH_UNSET 0xffffu
#define LG_DECODE_DEPTH_DEFAULT 2u

/* Read --config FILE, ./.leakguard.yml or ROOT/.leakguard.yml (if any)
 * into c, under what the command line set; prints the error. */
int lg_cli_load_config(struct lg_cli *c, const char *root);
int lg_cmd_config(struct lg_cli *c);

/* Whether SIGINT/SIGTERM arrived during a scan (cli/run.c). */
bool lg_cli_interrupted(void);

struct lg_watchlist;
int lg_cmd_watch(struct lg_cli *c);
/* Load --watchlist FILE (must exist) or the default watch list (if any)
 * into c->watch; prints the error. */
int lg_cli_load_watchlist(struct lg_cli *c);

/* Commands (cli/cmd_*.c). */
int lg_cmd_scan(struct lg_cli *c);
int lg_cmd_verify(struct lg_cli *c);
int lg_cmd_revoke(struct lg_cli *c);
int lg_cmd_notify(struct lg_cli *c);
int lg_cmd_rules(struct lg_cli *c);
int lg_cmd_version(struct lg_cli *c);
int lg_cmd_merge(struct lg_cli *c);
int lg_cmd_git(struct lg_cli *c);
int lg_cmd_install_hooks(struct lg_cli *c);

/* Load (builtin unless disabled, then --rules) and compile the ruleset;
 * prints the error and returns NULL on failure. */
struct lg_ruleset *lg_cli_load_rules(const struct lg_cli *c);

struct lg_ignore;
/* Load --ignore-file files (which must exist), .leakguardignore of the
 * current directory and of each root directory (if present) and --baseline
 * reports into *ig (sealed), and put --exclude globs plus the ignore files'
 * globs into *excludes.  Prints the error and returns negative on failure. */
int lg_cli_suppressions(const struct lg_cli *c, const char *const *roots,
                        size_t n_roots, struct lg_ignore *ig,
                        struct lg_strlist *excludes);

/* Parse "10M", "1G", "512K", "1000" (bytes). */
int lg_parse_size(const char *s, uint64_t *out);

#endif
