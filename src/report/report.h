/* Reporters: output formats as ops tables chosen by name.
 *
 * The session calls begin once, then finding() for every finding (sorted by
 * path, line, column, rule id — or as found, for streaming reporters), then
 * notice() for every notice (skipped or failed objects, limits hit), then
 * end() once with the run summary.  A reporter writes only to env->out; it
 * prints the secret only when env->show_secrets, else f->redacted. */
#ifndef LG_REPORT_REPORT_H
#define LG_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/finding.h"
#include "rule/ruleset.h"

enum lg_notice_kind {
    LG_NOTICE_SKIPPED, /* object deliberately not scanned (binary, symlink…) */
    LG_NOTICE_FAILED,  /* object could not be (fully) scanned: an error */
    LG_NOTICE_LIMIT,   /* a configured limit cut the scan of an object */
    LG_NOTICE_INFO     /* anything else worth telling */
};

/* Skip/failure reasons used as short machine-readable codes. */
#define LG_REASON_BINARY "binary"
#define LG_REASON_TOO_LARGE "too-large"
#define LG_REASON_SYMLINK "symlink"
#define LG_REASON_SPECIAL "special-file"
#define LG_REASON_UNREADABLE "unreadable"
#define LG_REASON_EXCLUDED "excluded"
#define LG_REASON_ENGINE "engine-error"
#define LG_REASON_TOO_DEEP "too-deep"
#define LG_REASON_LOOP "symlink-loop"
#define LG_REASON_INTERRUPTED "interrupted"

struct lg_notice {
    enum lg_notice_kind kind;
    const char *reason;  /* one of LG_REASON_* or another short code */
    char *path;          /* object display path, may be NULL */
    char *message;       /* one line, no secrets */
};

const char *lg_notice_kind_name(enum lg_notice_kind k); /* "skipped" … */

#define LG_MAX_REASONS 16

struct lg_run_summary {
    uint64_t objects_scanned;
    uint64_t bytes_scanned;
    uint64_t objects_skipped;
    uint64_t objects_failed;
    uint64_t objects_limited;  /* scanned in part: a limit cut them */
    uint64_t findings;       /* reported (one per secret when grouped) */
    uint64_t suppressed;     /* dropped by a baseline or ignore file */
    uint64_t rules;          /* enabled rules */
    double seconds;
    bool interrupted;        /* SIGINT/SIGTERM: the report is partial */
    /* skipped/failed counts by reason code */
    const char *reason[LG_MAX_REASONS];
    uint64_t reason_count[LG_MAX_REASONS];
    size_t n_reasons;
};

struct lg_report_env {
    FILE *out;
    bool show_secrets;
    bool color;                    /* text only: ANSI colours */
    const struct lg_ruleset *rs;   /* for rule metadata (SARIF driver) */
    const char *tool_version;
    const char *cwd;               /* absolute, for SARIF uriBaseId */
    const char *command_line;      /* for SARIF invocations, may be NULL */
};

struct lg_reporter_ops {
    const char *name;
    const char *summary;
    size_t ctx_size;   /* bytes of zeroed context the session allocates */
    bool streaming;    /* findings delivered as found, unsorted */
    int (*begin)(void *ctx, const struct lg_report_env *env);
    int (*finding)(void *ctx, const struct lg_finding *f);
    int (*notice)(void *ctx, const struct lg_notice *n);
    int (*end)(void *ctx, const struct lg_run_summary *sum);
};

extern const struct lg_reporter_ops lg_report_text;
extern const struct lg_reporter_ops lg_report_json;
extern const struct lg_reporter_ops lg_report_jsonl;
extern const struct lg_reporter_ops lg_report_sarif;
extern const struct lg_reporter_ops lg_report_csv;
extern const struct lg_reporter_ops lg_report_junit;
extern const struct lg_reporter_ops lg_report_gitlab;
extern const struct lg_reporter_ops lg_report_html;

/* NULL-terminated list of all reporters, and lookup by name. */
extern const struct lg_reporter_ops *const lg_reporters[];
const struct lg_reporter_ops *lg_reporter_find(const char *name);

#endif
