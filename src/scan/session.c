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

#define QUEUE_CAP 1024
#define MAX_THREADS 256

struct job {
    char *path;    /* owned; "-" is standard input */
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
    int status;        /* first fatal error (e.g. reporter failed) */

    struct sink sink;
    struct lg_run_summary sum;
};

struct worker {
    struct lg_session *s;
    struct lg_scanner *sc;
    struct lg_content content;
    pthread_t tid;
    bool started;
};

/* ------------------------------------------------------------------ */
/* Sink (callers hold s->mu)                                            */

static void count_reason(struct lg_run_summary *sum, const char *reason)
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
    sum->reason_count[i]++;
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

static int on_finding(const struct lg_finding *f, void *payload)
{
    struct worker *w = payload;
    struct lg_session *s = w->s;
    int rc = LG_OK;

    pthread_mutex_lock(&s->mu);
    if (s->sink.n == s->sink.cap) {
        size_t ncap = s->sink.cap ? 2 * s->sink.cap : 64;
        struct lg_finding *v = realloc(s->sink.v, ncap * sizeof(*v));
        if (!v) {
            rc = LG_ENOMEM;
            goto out;
        }
        s->sink.v = v;
        s->sink.cap = ncap;
    }
    rc = lg_finding_copy(&s->sink.v[s->sink.n], f);
    if (rc < 0)
        goto out;
    s->sink.n++;
    s->sum.findings++;
    if (s->rep->streaming)
        rc = s->rep->finding(s->rep_ctx, f);
out:
    if (rc < 0)
        fatal(s, rc);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Workers                                                              */

static void scan_job(struct worker *w, const char *path)
{
    struct lg_session *s = w->s;
    struct lg_content_result res;
    struct stat st;
    int fd;
    bool is_stdin = strcmp(path, "-") == 0;

    if (is_stdin) {
        fd = STDIN_FILENO;
    } else {
        /* O_NONBLOCK: a path swapped for a FIFO after the walk must not
         * hang the scan; cleared below for regular files. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
            char msg[300];
            snprintf(msg, sizeof(msg), "cannot open '%s': %s", path,
                     strerror(errno));
            pthread_mutex_lock(&s->mu);
            add_notice(s, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, path, msg);
            pthread_mutex_unlock(&s->mu);
            return;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
            pthread_mutex_lock(&s->mu);
            add_notice(s, LG_NOTICE_SKIPPED, LG_REASON_SPECIAL, path,
                       "not a regular file");
            pthread_mutex_unlock(&s->mu);
            close(fd);
            return;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    lg_content_scan_fd(&w->content, fd, is_stdin ? "(stdin)" : path,
                       on_finding, w, &res);
    if (!is_stdin)
        close(fd);
    pthread_mutex_lock(&s->mu);
    s->sum.bytes_scanned += res.kind == LG_CONTENT_SCANNED ? res.bytes : 0;
    switch (res.kind) {
    case LG_CONTENT_SCANNED:
        s->sum.objects_scanned++;
        if (res.limited)
            add_notice(s, LG_NOTICE_LIMIT, res.reason, path, res.message);
        break;
    case LG_CONTENT_SKIPPED:
        add_notice(s, LG_NOTICE_SKIPPED, res.reason, path, res.message);
        break;
    case LG_CONTENT_FAILED:
        add_notice(s, LG_NOTICE_FAILED, res.reason, path, res.message);
        break;
    }
    pthread_mutex_unlock(&s->mu);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
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
        pthread_cond_signal(&s->not_full);
        pthread_mutex_unlock(&s->mu);
        scan_job(w, j.path);
        free(j.path);
    }
    return NULL;
}

static int push_job(struct lg_session *s, const char *path)
{
    char *p = strdup(path);

    if (!p)
        return LG_ENOMEM;
    pthread_mutex_lock(&s->mu);
    while (s->q_len == QUEUE_CAP)
        pthread_cond_wait(&s->not_full, &s->mu);
    s->queue[(s->q_head + s->q_len) % QUEUE_CAP].path = p;
    s->q_len++;
    pthread_cond_signal(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
    return LG_OK;
}

static int on_walk(const struct lg_walk_entry *e, void *payload)
{
    struct lg_session *s = payload;

    if (e->kind == LG_WALK_FILE)
        return push_job(s, e->path);
    pthread_mutex_lock(&s->mu);
    add_notice(s, e->is_error ? LG_NOTICE_FAILED : LG_NOTICE_SKIPPED,
               e->reason, e->path, e->message);
    pthread_mutex_unlock(&s->mu);
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

const struct lg_run_summary *lg_session_summary(const struct lg_session *s)
{
    return &s->sum;
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

static int start_workers(struct lg_session *s, struct worker *w, unsigned n,
                         struct lg_error *err)
{
    struct lg_scan_opts opts = {.allow_comments = s->cfg->allow_comments};

    for (unsigned i = 0; i < n; i++) {
        int rc;

        w[i].s = s;
        rc = lg_scanner_new(&w[i].sc, s->rs, &opts, err);
        if (rc < 0)
            return rc;
        rc = lg_content_init(&w[i].content, w[i].sc, s->cfg->binary);
        if (rc < 0)
            return lg_error_set(err, rc, "out of memory");
        if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
            return lg_error_set(err, LG_EINTERNAL,
                                "cannot start a worker thread");
        w[i].started = true;
    }
    return LG_OK;
}

static void stop_workers(struct lg_session *s, struct worker *w, unsigned n)
{
    pthread_mutex_lock(&s->mu);
    s->closing = true;
    pthread_cond_broadcast(&s->not_empty);
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < n; i++) {
        if (w[i].started)
            pthread_join(w[i].tid, NULL);
        lg_content_release(&w[i].content);
        lg_scanner_free(w[i].sc);
    }
}

static int walk_roots(struct lg_session *s, const char *const *roots,
                      size_t n_roots, struct lg_error *err)
{
    struct lg_walk_opts wo = {
        .follow_symlinks = s->cfg->follow_symlinks,
        .excludes = &s->cfg->excludes,
        .max_file_size = s->cfg->max_file_size,
    };

    for (size_t i = 0; i < n_roots; i++) {
        int rc = strcmp(roots[i], "-") == 0
                     ? push_job(s, "-")
                     : lg_walk(roots[i], &wo, on_walk, s, err);
        if (rc < 0)
            return rc;
    }
    return LG_OK;
}

static int write_report(struct lg_session *s)
{
    const struct lg_reporter_ops *r = s->rep;
    int rc = LG_OK;

    if (!r->streaming) {
        qsort(s->sink.v, s->sink.n, sizeof(*s->sink.v), cmp_finding);
        for (size_t i = 0; i < s->sink.n && rc == LG_OK; i++)
            rc = r->finding(s->rep_ctx, &s->sink.v[i]);
        qsort(s->sink.notices, s->sink.n_notices, sizeof(*s->sink.notices),
              cmp_notice);
        for (size_t i = 0; i < s->sink.n_notices && rc == LG_OK; i++)
            rc = r->notice(s->rep_ctx, &s->sink.notices[i]);
    }
    if (rc == LG_OK)
        rc = r->end(s->rep_ctx, &s->sum);
    return rc;
}

int lg_session_run(struct lg_session *s, const char *const *roots,
                   size_t n_roots, struct lg_error *err)
{
    unsigned n = worker_count(s->cfg);
    struct worker *w = calloc(n, sizeof(*w));
    struct timespec t0, t1;
    int rc;

    if (!w)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = s->rep->begin(s->rep_ctx, s->env);
    if (rc < 0) {
        lg_error_set(err, rc, "cannot write the report: %s", lg_strerror(rc));
        free(w);
        return rc;
    }
    rc = start_workers(s, w, n, err);
    if (rc == LG_OK)
        rc = walk_roots(s, roots, n_roots, err);
    stop_workers(s, w, n);
    free(w);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    s->sum.seconds = (double)(t1.tv_sec - t0.tv_sec) +
                     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (rc == LG_OK && s->status < 0)
        rc = lg_error_set(err, s->status, "scan failed: %s",
                          lg_strerror(s->status));
    /* The reporter is ended even after a failure: it owns buffers, and a
     * partial report beats none. */
    {
        int wrc = write_report(s);
        if (rc == LG_OK && wrc < 0)
            rc = lg_error_set(err, wrc, "cannot write the report: %s",
                              lg_strerror(wrc));
    }
    return rc;
}
