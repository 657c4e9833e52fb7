/* A scan session: the roots to scan → directory walk → a bounded job queue
 * → worker threads (one scanner each, shared read-only ruleset) → the sink
 * (findings and notices, under one mutex) → the reporter.
 *
 * Nothing here prints: findings go to the reporter, notices also to the
 * on_notice callback (the CLI prints them on stderr as they happen). */
#ifndef LG_SCAN_SESSION_H
#define LG_SCAN_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "report/report.h"
#include "rule/ruleset.h"
#include "util/error.h"

struct lg_scan_config {
    unsigned threads;          /* 0 = number of online CPUs */
    bool binary;               /* scan files that look binary */
    bool follow_symlinks;
    bool allow_comments;       /* honour inline leakguard:allow */
    uint64_t max_file_size;    /* 0 = unlimited */
    struct lg_strlist excludes;/* globs (borrowed) */
};

typedef void (*lg_notice_cb)(const struct lg_notice *n, void *payload);

struct lg_session;

/* rs, cfg, rep and env are borrowed and must outlive the session. */
int lg_session_new(struct lg_session **out, const struct lg_ruleset *rs,
                   const struct lg_scan_config *cfg,
                   const struct lg_reporter_ops *rep,
                   const struct lg_report_env *env, lg_notice_cb on_notice,
                   void *payload, struct lg_error *err);
void lg_session_free(struct lg_session *s);

/* Scan every root ("-" is standard input) and write the report.  Returns
 * LG_OK when the report was written (whatever was found or skipped),
 * negative when the run itself failed (e.g. the output could not be
 * written). */
int lg_session_run(struct lg_session *s, const char *const *roots,
                   size_t n_roots, struct lg_error *err);

const struct lg_run_summary *lg_session_summary(const struct lg_session *s);

#endif
