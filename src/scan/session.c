/* Session driver.
 *
 * The calling thread walks the roots and pushes jobs (paths) into a bounded
 * queue; `threads` workers pop them, each with its own scanner over the
 * shared read-only ruleset, and push findings and notices into the sink
 * under one mutex.  Streaming reporters get findings as they are found;
 * the others get them at the end, sorted, so that output is deterministic
 * whatever the thread timing. */
#include "scan/session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/scanner.h"
#include "scan/content.h"
#include "source/walk.h"
#include "util/buf.h"

#define QUEUE_CAP 1024
#define MAX_THREADS 256

struct job {
    lg_job_fn fn;
    void *arg;
    void (*free_arg)(void *);
};

struct sink {
    struct lg_finding *v;
    size_t n, cap;
    struct lg_notice *notices;
    size_t n_notices, cap_notices;
};

struct lg_session {
    const struct lg_ruleset *rs;
    const struct lg_scan_config *cfg;
    const struct lg_reporter_ops *rep;
    const struct lg_report_env *env;
    void *rep_ctx;
    lg_notice_cb on_notice;
    void *payload;

    pthread_mutex_t mu;
    pthread_cond_t not_empty, not_full;
    struct job queue[QUEUE_CAP];
    size_t q_head, q_len;
    bool closing;      /* no more jobs will come */
    bool began;        /* reporter begun, not yet ended */
    int status;        /* first fatal error (e.g. reporter failed) */

    struct sink sink;
    struct lg_run_summary sum;
    struct lg_worker *workers;
    unsigned n_workers;
    uint64_t dropped;  /* queued jobs not run after an interrupt */
    struct timespec t0;
};

struct lg_worker {
    struct lg_session *s;
    struct lg_scanner *sc;
    struct lg_content content;
    const struct lg_object_ctx *ctx; /* of the object being scanned */
    pthread_t tid;
    bool started;
};

/* ------------------------------------------------------------------ */
/* Sink (callers hold s->mu)                                            */

static void count_reason_n(struct lg_run_summary *sum, const char *reason,
                           uint64_t n)
{
    size_t i;

    for (i = 0; i < sum->n_reasons; i++)
        if (strcmp(sum->reason[i], reason) == 0)
            break;
    if (i == sum->n_reasons) {
        if (i == LG_MAX_REASONS)
            return;
        sum->reason[i] = reason;
        sum->reason_count[i] = 0;
        sum->n_reasons++;
    }
    sum->reason_count[i] += n;
}

static void count_reason(struct lg_run_summary *sum, const char *reason)
{
    count_reason_n(sum, reason, 1);
}

static void fatal(struct lg_session *s, int rc)
{
    if (s->status == LG_OK)
        s->status = rc;
}

static void add_notice(struct lg_session *s, enum lg_notice_kind kind,
                       const char *reason, const char *path,
                       const char *message)
{
    struct lg_notice n = {kind, reason, NULL, NULL};

    if (kind == LG_NOTICE_SKIPPED) {
        s->sum.objects_skipped++;
        count_reason(&s->sum, reason);
    } else if (kind == LG_NOTICE_FAILED) {
        s->sum.objects_failed++;
        count_reason(&s->sum, reason);
    } else if (kind == LG_NOTICE_LIMIT) {
        s->sum.objects_limited++;
        count_reason(&s->sum, reason);
    }
    /* Exclusions the user asked for are counted, not announced. */
    if (strcmp(reason, LG_REASON_EXCLUDED) == 0)
        return;
    n.path = path ? strdup(path) : NULL;
    n.message = strdup(message ? message : "");
    if ((path && !n.path) || !n.message)
        goto nomem;
    if (s->on_notice)
        s->on_notice(&n, s->payload);
    if (s->rep->streaming) {
        int rc = s->rep->notice(s->rep_ctx, &n);
        if (rc < 0)
            fatal(s, rc);
    }
    if (s->sink.n_notices == s->sink.cap_notices) {
        size_t ncap = s->sink.cap_notices ? 2 * s->sink.cap_notices : 64;
        struct lg_notice *v =
            realloc(s->sink.notices, ncap * sizeof(*v));
        if (!v)
            goto nomem;
        s->sink.notices = v;
        s->sink.cap_notices = ncap;
    }
    s->sink.notices[s->sink.n_notices++] = n;
    return;
nomem:
    free(n.path);
    free(n.message);
    fatal(s, LG_ENOMEM);
}

static int on_finding(const struct lg_finding *found, void *payload)
{
    struct lg_worker *w = payload;
    struct lg_session *s = w->s;
    struct lg_finding local;
    const struct lg_finding *f = found;
    int rc = LG_OK;

    if (w->ctx && w->ctx->accept && !w->ctx->accept(found, w->ctx->accept_arg))
        return LG_OK;
    if (lg_ignore_has_fingerprint(s->cfg->ignore, found->fingerprint)) {
        pthread_mutex_lock(&s->mu);
        s->sum.suppressed++;
        pthread_mutex_unlock(&s->mu);
        return LG_OK;
    }
    if (w->ctx && w->ctx->git) {
        local = *found;
        local.git = *w->ctx->git;
        f = &local;
    }
    pthread_mutex_lock(&s->mu);
    void *v =
        lg_grow(s->sink.v, &s->sink.cap, s->sink.n, sizeof(*s->sink.v), 64);
    if (!v) {
        rc = LG_ENOMEM;
        goto out;
    }
    s->sink.v = v;
    rc = lg_finding_copy(&s->sink.v[s->sink.n], f);
    if (rc < 0)
        goto out;
    s->sink.n++;
    s->sum.findings++;
    if (s->rep->streaming && !s->cfg->verify) /* verify: held to the end */
        rc = s->rep->finding(s->rep_ctx, f);
out:
    if (rc < 0)
        fatal(s, rc);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Workers                                                              */

static void on_result(const char *path, const struct lg_content_result *res,
                      void *payload)
{
    struct lg_worker *w = payload;
    struct lg_session *s = w->s;

    pthread_mutex_lock(&s->mu);
    switch (res->kind) {
    case LG_CONTENT_SCANNED:
        s->sum.objects_scanned++;
        s->sum.bytes_scanned += res->bytes;
        if (res->limited)
            add_notice(s, LG_NOTICE_LIMIT, res->reason, path, res->message);
        break;
    case LG_CONTENT_SKIPPED:
        add_notice(s, LG_NOTICE_SKIPPED, res->reason, path, res->message);
        break;
    case LG_CONTENT_FAILED:
        add_notice(s, LG_NOTICE_FAILED, res->reason, path, res->message);
        break;
    }
    pthread_mutex_unlock(&s->mu);
}

void lg_worker_scan(struct lg_worker *w, struct lg_reader *r,
                    const char *path, const struct lg_object_ctx *ctx)
{
    struct lg_content_sink sink = {on_finding, on_result, w};

    w->ctx = ctx;
    lg_content_scan(&w->content, r, path, &sink);
    w->ctx = NULL;
}

struct lg_session *lg_worker_session(struct lg_worker *w)
{
    return w->s;
}

void lg_session_notice(struct lg_session *s, enum lg_notice_kind kind,
                       const char *reason, const char *path,
                       const char *message)
{
    pthread_mutex_lock(&s->mu);
    add_notice(s, kind, reason, path, message);
    pthread_mutex_unlock(&s->mu);
}

/* A file job of the directory driver; arg is the path ("-": stdin). */
static void file_job(struct lg_worker *w, void *arg)
{
    const char *path = arg;
    struct lg_reader r;
    struct stat st;
    char msg[300];
    int fd;

    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
        lg_reader_fd(&r, &fd, 0);
        lg_worker_scan(w, &r, "(stdin)", NULL);
        return;
    }
    /* O_NONBLOCK: a path swapped for a FIFO after the walk must not hang
     * the scan (on regular files the flag changes nothing). */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        snprintf(msg, sizeof(msg), "cannot open '%s': %s", path,
                 strerror(errno));
        lg_session_notice(w->s, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, path,
                          msg);
        return;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        lg_session_notice(w->s, LG_NOTICE_SKIPPED, LG_REASON_SPECIAL, path,
                          "not a regular file");
        close(fd);
        return;
    }
    /* The walk does not stat files readdir() calls regular (trust_dtype):
     * the size limit is applied here. */
    if (lg_walk_too_large((uint64_t)st.st_size, w->s->cfg->max_file_size,
                          msg, sizeof(msg))) {
        lg_session_notice(w->s, LG_NOTICE_SKIPPED, LG_REASON_TOO_LARGE, path,
                          msg);
        close(fd);
        return;
    }
    lg_reader_fd(&r, &fd, (uint64_t)st.st_size);
    lg_worker_scan(w, &r, path, NULL);
    close(fd);
}

static bool stopped(const struct lg_session *s)
{
    return s->cfg->stop && *s->cfg->stop;
}

static void *worker_main(void *arg)
{
    struct lg_worker *w = arg;
    struct lg_session *s = w->s;

    for (;;) {
        struct job j;

        pthread_mutex_lock(&s->mu);
        while (s->q_len == 0 && !s->closing)
            pthread_cond_wait(&s->not_empty, &s->mu);
        if (s->q_len == 0) {
            pthread_mutex_unlock(&s->mu);
            break;
        }
        j = s->queue[s->q_head];
        s->q_head = (s->q_head + 1) % QUEUE_CAP;
        s->q_len--;
        /* A producer waits only on a full queue; wake it when the queue
         * is half empty, not on every pop, so that the two sides do not
         * trade a wake-up per job. */
        if (s->q_len == QUEUE_CAP / 2)
            pthread_cond_broadcast(&s->not_full);
        pthread_mutex_unlock(&s->mu);
        if (stopped(s)) {
            pthread_mutex_lock(&s->mu);
            s->dropped++;
            pthread_mutex_unlock(&s->mu);
        } else {
            j.fn(w, j.arg);
        }
        if (j.free_arg)
            j.free_arg(j.arg);
    }
    return NULL;
}

int lg_session_push(struct lg_session *s, lg_job_fn fn, void *arg,
                    void (*free_arg)(void *))
{
    if (stopped(s)) {
        if (free_arg)
            free_arg(arg);
        return LG_ESTOP;
    }
    pthread_mutex_lock(&s->mu);
    while (s->q_len == QUEUE_CAP)
        pthread_cond_wait(&s->not_full, &s->mu);
    s->queue[(s->q_head + s->q_len) % QUEUE_CAP] =
        (struct job){fn, arg, free_arg};
    s->q_len++;
    pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
    return LG_OK;
}

static int push_file(struct lg_session *s, const char *path)
{
    char *p = strdup(path);

    if (!p)
        return LG_ENOMEM;
    return lg_session_push(s, file_job, p, free);
}

static int on_walk(const struct lg_walk_entry *e, void *payload)
{
    struct lg_session *s = payload;

    if (e->kind == LG_WALK_FILE)
        return push_file(s, e->path);
    lg_session_notice(s, e->is_error ? LG_NOTICE_FAILED : LG_NOTICE_SKIPPED,
                      e->reason, e->path, e->message);
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* Session                                                              */

int lg_session_new(struct lg_session **out, const struct lg_ruleset *rs,
                   const struct lg_scan_config *cfg,
                   const struct lg_reporter_ops *rep,
                   const struct lg_report_env *env, lg_notice_cb on_notice,
                   void *payload, struct lg_error *err)
{
    struct lg_session *s = calloc(1, sizeof(*s));

    *out = NULL;
    if (!s)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    s->rep_ctx = calloc(1, rep->ctx_size ? rep->ctx_size : 1);
    if (!s->rep_ctx) {
        free(s);
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    }
    s->rs = rs;
    s->cfg = cfg;
    s->rep = rep;
    s->env = env;
    s->on_notice = on_notice;
    s->payload = payload;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->not_empty, NULL);
    pthread_cond_init(&s->not_full, NULL);
    s->sum.rules = rs->n_enabled;
    *out = s;
    return LG_OK;
}

void lg_session_free(struct lg_session *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->sink.n; i++)
        lg_finding_release(&s->sink.v[i]);
    free(s->sink.v);
    for (size_t i = 0; i < s->sink.n_notices; i++) {
        free(s->sink.notices[i].path);
        free(s->sink.notices[i].message);
    }
    free(s->sink.notices);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->not_empty);
    pthread_cond_destroy(&s->not_full);
    free(s->rep_ctx);
    free(s);
}

unsigned lg_session_workers(const struct lg_session *s)
{
    return s->n_workers;
}

const struct lg_run_summary *lg_session_summary(const struct lg_session *s)
{
    return &s->sum;
}

void lg_session_progress(const struct lg_session *s, struct lg_run_summary *out)
{
    /* the lock guards the counters, not the session's identity */
    pthread_mutex_t *mu = (pthread_mutex_t *)&s->mu;

    pthread_mutex_lock(mu);
    *out = s->sum;
    pthread_mutex_unlock(mu);
}

static int cmp_finding(const void *a, const void *b)
{
    const struct lg_finding *x = a, *y = b;
    int c = strcmp(x->path, y->path);

    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return strcmp(x->rule->rule.id, y->rule->rule.id);
}

/* Grouping order: same secret together, earliest occurrence first (the
 * oldest commit for history, else path and line). */
static int cmp_group(const void *a, const void *b)
{
    const struct lg_finding *x = a, *y = b;
    int c = strcmp(x->fingerprint, y->fingerprint);

    if (c)
        return c;
    if (x->git.date && y->git.date && (c = strcmp(x->git.date, y->git.date)))
        return c;
    return cmp_finding(a, b);
}

static bool same_commit(const struct lg_finding *a, const struct lg_finding *b)
{
    if (!a->git.commit || !b->git.commit)
        return !a->git.commit && !b->git.commit;
    return strcmp(a->git.commit, b->git.commit) == 0;
}

/* Rules with pair_with get the nearest finding of their pair rule in the
 * same object, within pair_lines, attached as their part (a OneSpan client
 * secret and its client id are one credential).  Findings are sorted by
 * path and line first. */
static int pair_findings(struct lg_session *s)
{
    struct lg_finding *v = s->sink.v;
    size_t n = s->sink.n;

    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_finding);
    for (size_t i = 0; i < n; i++) {
        const struct lg_crule *c = v[i].rule, *want;
        const struct lg_finding *best = NULL;
        uint64_t bestd = UINT64_MAX, lines;

        if (!c || c->pair < 0)
            continue;
        want = &s->rs->rules[c->pair];
        lines = c->rule.pair_lines;
        for (size_t k = i; k-- > 0 && strcmp(v[k].path, v[i].path) == 0 &&
                           v[i].line - v[k].line <= lines;)
            if (v[k].rule == want && same_commit(&v[k], &v[i]) &&
                v[i].line - v[k].line < bestd) {
                best = &v[k];
                bestd = v[i].line - v[k].line;
            }
        for (size_t k = i + 1; k < n && strcmp(v[k].path, v[i].path) == 0 &&
                               v[k].line - v[i].line <= lines;
             k++)
            if (v[k].rule == want && same_commit(&v[k], &v[i]) &&
                v[k].line - v[i].line < bestd) {
                best = &v[k];
                bestd = v[k].line - v[i].line;
            }
        if (best && lg_finding_set_part(&v[i], best->rule, best->secret,
                                        best->secret_len, best->line,
                                        best->column) < 0)
            return LG_ENOMEM;
    }
    return LG_OK;
}

static int cmp_finding_ptr(const void *a, const void *b)
{
    return cmp_finding(*(const struct lg_finding *const *)a,
                       *(const struct lg_finding *const *)b);
}

static int cmp_notice(const void *a, const void *b)
{
    const struct lg_notice *x = a, *y = b;

    return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

static unsigned worker_count(const struct lg_scan_config *cfg)
{
    long n = cfg->threads ? (long)cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static int start_workers(struct lg_session *s, struct lg_error *err)
{
    struct lg_scan_opts opts = {.allow_comments = s->cfg->allow_comments,
                                .max_decode_depth = s->cfg->max_decode_depth,
                                .explain = s->cfg->explain};
    unsigned n = worker_count(s->cfg);

    s->workers = calloc(n, sizeof(*s->workers));
    if (!s->workers)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    s->n_workers = n;
    for (unsigned i = 0; i < n; i++) {
        struct lg_worker *w = &s->workers[i];
        int rc;

        w->s = s;
        rc = lg_scanner_new(&w->sc, s->rs, &opts, err);
        if (rc < 0)
            return rc;
        rc = lg_content_init(&w->content, w->sc, s->cfg->binary);
        if (rc < 0)
            return lg_error_set(err, rc, "out of memory");
        lg_content_configure(&w->content, &s->cfg->limits,
                             s->cfg->no_archives);
        w->content.stop = s->cfg->stop;
        if (pthread_create(&w->tid, NULL, worker_main, w) != 0)
            return lg_error_set(err, LG_EINTERNAL,
                                "cannot start a worker thread");
        w->started = true;
    }
    return LG_OK;
}

static void stop_workers(struct lg_session *s)
{
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_broadcast(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->n_workers; i++) {
        struct lg_worker *w = &s->workers[i];
        if (w->started)
            pthread_join(w->tid, NULL);
        lg_content_release(&w->content);
        lg_scanner_free(w->sc);
    }
    free(s->workers);
    s->workers = NULL;
    s->n_workers = 0;
}

int lg_session_walk(struct lg_session *s, const char *const *roots,
                    size_t n_roots, struct lg_error *err)
{
    struct lg_walk_opts wo = {
        .follow_symlinks = s->cfg->follow_symlinks,
        .excludes = &s->cfg->excludes,
        .max_file_size = s->cfg->max_file_size,
        .trust_dtype = true,
    };

    for (size_t i = 0; i < n_roots; i++) {
        int rc = strcmp(roots[i], "-") == 0
                     ? push_file(s, "-")
                     : lg_walk(roots[i], &wo, on_walk, s, err);
        if (rc == LG_ESTOP || stopped(s))
            break; /* interrupted: what was queued is accounted for */
        if (rc < 0)
            return rc;
    }
    return LG_OK;
}

static int write_report(struct lg_session *s)
{
    const struct lg_reporter_ops *r = s->rep;
    int rc = LG_OK;

    if (!r->streaming || s->cfg->verify) {
        struct lg_finding **prim = NULL;
        size_t np = 0;

        if (pair_findings(s) < 0)
            return LG_ENOMEM;
        /* One finding per secret: occurrences of one fingerprint become the
         * first one's `locations`. */
        if (s->sink.n > 1)
            qsort(s->sink.v, s->sink.n, sizeof(*s->sink.v), cmp_group);
        prim = malloc((s->sink.n ? s->sink.n : 1) * sizeof(*prim));
        if (!prim)
            return LG_ENOMEM;
        for (size_t i = 0, k; i < s->sink.n; i = k) {
            for (k = i + 1; k < s->sink.n && strcmp(s->sink.v[k].fingerprint,
                                                    s->sink.v[i].fingerprint) == 0;
                 k++)
                ;
            s->sink.v[i].locations = k > i + 1 ? &s->sink.v[i + 1] : NULL;
            s->sink.v[i].n_locations = k - i - 1;
            prim[np++] = &s->sink.v[i];
        }
        s->sum.findings = np;
        if (np > 1)
            qsort(prim, np, sizeof(*prim), cmp_finding_ptr);
        if (s->cfg->verify) /* e.g. --verify: fills f->verification */
            rc = s->cfg->verify(prim, np, s->cfg->verify_payload);
        for (size_t i = 0; i < np && rc == LG_OK; i++)
            rc = r->finding(s->rep_ctx, prim[i]);
        free(prim);
    }
    if (!r->streaming) {
        if (s->sink.n_notices > 1)
            qsort(s->sink.notices, s->sink.n_notices,
                  sizeof(*s->sink.notices), cmp_notice);
        for (size_t i = 0; i < s->sink.n_notices && rc == LG_OK; i++)
            rc = r->notice(s->rep_ctx, &s->sink.notices[i]);
    }
    if (rc == LG_OK)
        rc = r->end(s->rep_ctx, &s->sum);
    return rc;
}

int lg_session_begin(struct lg_session *s, struct lg_error *err)
{
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &s->t0);
    rc = s->rep->begin(s->rep_ctx, s->env);
    if (rc < 0)
        return lg_error_set(err, rc, "cannot write the report: %s",
                            lg_strerror(rc));
    s->began = true;
    rc = start_workers(s, err);
    if (rc < 0)
        stop_workers(s);
    return rc;
}

int lg_session_end(struct lg_session *s, struct lg_error *err)
{
    struct timespec t1;
    int rc = LG_OK, wrc;

    stop_workers(s);
    if (stopped(s)) {
        char msg[160];
        s->sum.interrupted = true;
        snprintf(msg, sizeof(msg),
                 "scan interrupted: %llu queued object%s not scanned, the "
                 "report is partial",
                 (unsigned long long)s->dropped, s->dropped == 1 ? "" : "s");
        add_notice(s, LG_NOTICE_INFO, LG_REASON_INTERRUPTED, NULL, msg);
        s->sum.objects_skipped += s->dropped;
        count_reason_n(&s->sum, LG_REASON_INTERRUPTED, s->dropped);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->sum.seconds = (double)(t1.tv_sec - s->t0.tv_sec) +
                     (double)(t1.tv_nsec - s->t0.tv_nsec) / 1e9;
    if (s->status < 0)
        rc = lg_error_set(err, s->status, "scan failed: %s",
                          lg_strerror(s->status));
    if (!s->began)
        return rc;
    /* The reporter is ended even after a failure: it owns buffers, and a
     * partial report beats none. */
    s->began = false;
    wrc = write_report(s);
    if (rc == LG_OK && wrc < 0)
        rc = lg_error_set(err, wrc, "cannot write the report: %s",
                          lg_strerror(wrc));
    return rc;
}

int lg_session_run(struct lg_session *s, const char *const *roots,
                   size_t n_roots, struct lg_error *err)
{
    struct lg_error werr;
    int rc = lg_session_begin(s, err), erc;

    if (rc < 0) {
        lg_session_end(s, NULL);
        return rc;
    }
    lg_error_clear(&werr);
    rc = lg_session_walk(s, roots, n_roots, &werr);
    erc = lg_session_end(s, err);
    if (rc < 0)
        return lg_error_set(err, rc, "%s", werr.msg[0] ? werr.msg
                                                        : lg_strerror(rc));
    return erc;
}
