/* A scan session: the roots to scan → directory walk → a bounded job queue
 * → worker threads (one scanner each, shared read-only ruleset) → the sink
 * (findings and notices, under one mutex) → the reporter.
 *
 * Nothing here prints: findings go to the reporter, notices also to the
 * on_notice callback (the CLI prints them on stderr as they happen). */
#ifndef LG_SCAN_SESSION_H
#define LG_SCAN_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "report/report.h"
#include "scan/content.h"
#include "scan/limits.h"
#include "scan/ignore.h"
#include "rule/ruleset.h"
#include "util/error.h"

struct lg_scan_config {
    unsigned threads;          /* 0 = number of online CPUs */
    bool binary;               /* scan files that look binary */
    bool follow_symlinks;
    bool allow_comments;       /* honour inline leakguard:allow */
    bool explain;              /* --explain: dropped candidates on stderr */
    unsigned max_decode_depth; /* nested decodes of encoded runs (0 = off) */
    uint64_t max_file_size;    /* 0 = unlimited */
    struct lg_strlist excludes;/* globs (borrowed) */
    const struct lg_ignore *ignore; /* suppressed fingerprints, or NULL */
    /* when *stop becomes nonzero (a signal), no more work is started, the
     * object being scanned is abandoned with a notice, and the report is
     * written and flagged as interrupted */
    const volatile sig_atomic_t *stop;
    bool no_archives;          /* archives are opaque (binary) objects */
    struct lg_limits limits;   /* archive expansion; 0 fields = defaults */
    /* Called once before the report is written, on the calling thread,
     * with the findings it will hold (one per secret, report order); it
     * may fill f->verification (--verify) or pass findings on (event
     * notifications).  A negative return fails the report.  When set,
     * streaming reporters also get their findings at the end.  NULL:
     * none. */
    int (*verify)(struct lg_finding *const *f, size_t n, void *payload);
    void *verify_payload;
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

/* Scan every root ("-" is standard input) and write the report:
 * lg_session_begin + lg_session_walk + lg_session_end.  Returns LG_OK when
 * the report was written (whatever was found or skipped), negative when the
 * run itself failed (e.g. the output could not be written). */
int lg_session_run(struct lg_session *s, const char *const *roots,
                   size_t n_roots, struct lg_error *err);

const struct lg_run_summary *lg_session_summary(const struct lg_session *s);

/* A consistent snapshot of the counters while the session runs (from any
 * thread, e.g. a progress display): the summary copied under the session's
 * lock.  `findings` counts every finding recorded so far, before the
 * grouping by fingerprint that the final summary reports; `seconds` is 0. */
void lg_session_progress(const struct lg_session *s,
                         struct lg_run_summary *out);

/* ---- Building blocks for other drivers (git history, archives) ---- */

struct lg_worker; /* one per thread: a scanner and a content pipeline */

/* Per-object context: provenance copied into each finding, and an optional
 * filter (e.g. "only findings on added lines"). */
struct lg_object_ctx {
    const struct lg_provenance *git; /* NULL for plain files */
    bool (*accept)(const struct lg_finding *f, void *arg);
    void *accept_arg;
};

typedef void (*lg_job_fn)(struct lg_worker *w, void *arg);

/* Start the reporter and the workers. */
int lg_session_begin(struct lg_session *s, struct lg_error *err);
/* Queue a job (blocks while the queue is full).  free_arg(arg), if given,
 * runs after the job.  Jobs run on worker threads in any order. */
int lg_session_push(struct lg_session *s, lg_job_fn fn, void *arg,
                    void (*free_arg)(void *));
/* The directory driver: walk roots and queue a job per file. */
int lg_session_walk(struct lg_session *s, const char *const *roots,
                    size_t n_roots, struct lg_error *err);
/* Wait for every job, then write the report (always, even after a
 * failure, so the reporter releases what it holds). */
int lg_session_end(struct lg_session *s, struct lg_error *err);

/* In a job: scan one object (every object ends up counted as scanned,
 * skipped or failed, with a notice unless scanned cleanly). */
void lg_worker_scan(struct lg_worker *w, struct lg_reader *r,
                    const char *path, const struct lg_object_ctx *ctx);
struct lg_session *lg_worker_session(struct lg_worker *w);
/* How many worker threads run jobs (after lg_session_begin). */
unsigned lg_session_workers(const struct lg_session *s);

/* Record a notice from any thread (counted in the summary; exclusions the
 * user asked for are counted but not announced). */
void lg_session_notice(struct lg_session *s, enum lg_notice_kind kind,
                       const char *reason, const char *path,
                       const char *message);

#endif
