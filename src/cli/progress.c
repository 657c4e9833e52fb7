/* The progress line: a thread that wakes every TICK_MS, snapshots the
 * session's counters and redraws "\r<line>\033[K" on the terminal.
 *
 * The line is ASCII only and cut to the terminal's width minus one, so it
 * never wraps (a wrapped line could not be redrawn in place).  The first
 * draw waits for the first tick, so scans shorter than that never show a
 * line at all.  Writes go straight to the descriptor with write(2):
 * stderr is unbuffered anyway, and a half-written line is harmless. */
#include "cli/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 250
#define LINE_MAX_BYTES 256
#define ERASE "\r\033[K"

struct lg_progress {
    int fd;
    const struct lg_session *s;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    pthread_t tid;
    bool started;
    bool done;      /* finish() called: never draw again */
    unsigned pause; /* pause() calls without their resume() */
    bool drawn;     /* a line is on the screen */
    struct timespec t0;
};

bool lg_progress_wanted(enum lg_progress_mode mode, bool quiet, int fd)
{
    const char *term = getenv("TERM");

    if (mode == LG_PROGRESS_ALWAYS)
        return true;
    if (mode == LG_PROGRESS_NEVER || quiet)
        return false;
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

static void put(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* a display problem must not stop the scan */
        s += w;
        n -= (size_t)w;
    }
}

/* Callers hold p->mu. */
static void erase(struct lg_progress *p)
{
    if (p->drawn)
        put(p->fd, ERASE, sizeof(ERASE) - 1);
    p->drawn = false;
}

static double since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) +
           (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "12.3 MiB" */
static void human(char *out, size_t n, double bytes)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;

    while (bytes >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
        bytes /= 1024;
        u++;
    }
    snprintf(out, n, u ? "%.1f %s" : "%.0f %s", bytes, unit[u]);
}

static size_t columns(int fd)
{
    struct winsize ws;

    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
        return ws.ws_col;
    return 80;
}

static size_t format_line(char *line, size_t cap,
                          const struct lg_run_summary *sum, double secs)
{
    char bytes[32], rate[32];
    int n;

    human(bytes, sizeof(bytes), (double)sum->bytes_scanned);
    human(rate, sizeof(rate), secs > 0 ? sum->bytes_scanned / secs : 0);
    n = snprintf(
        line, cap, "leakguard: %llu object%s, %s, %s/s, %llu finding%s",
        (unsigned long long)sum->objects_scanned,
        sum->objects_scanned == 1 ? "" : "s", bytes, rate,
        (unsigned long long)sum->findings, sum->findings == 1 ? "" : "s");
    if (n > 0 && (size_t)n < cap && sum->objects_skipped)
        n += snprintf(line + n, cap - (size_t)n, ", %llu skipped",
                      (unsigned long long)sum->objects_skipped);
    if (n > 0 && (size_t)n < cap && sum->objects_failed)
        n += snprintf(line + n, cap - (size_t)n, ", %llu failed",
                      (unsigned long long)sum->objects_failed);
    if (n > 0 && (size_t)n < cap)
        n += snprintf(line + n, cap - (size_t)n, ", %.0f s", secs);
    if (n < 0)
        return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

static void *draw_main(void *arg)
{
    struct lg_progress *p = arg;
    struct lg_run_summary sum;
    char line[LINE_MAX_BYTES + 8];

    pthread_mutex_lock(&p->mu);
    while (!p->done) {
        struct timespec until;
        size_t n, width;

        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!p->done &&
               pthread_cond_timedwait(&p->cond, &p->mu, &until) != ETIMEDOUT)
            ;
        if (p->done)
            break;
        /* never hold our lock while taking the session's */
        pthread_mutex_unlock(&p->mu);
        lg_session_progress(p->s, &sum);
        line[0] = '\r';
        n = format_line(line + 1, LINE_MAX_BYTES, &sum, since(&p->t0));
        width = columns(p->fd) - 1;
        if (n > width)
            n = width;
        memcpy(line + 1 + n, "\033[K", 3);
        pthread_mutex_lock(&p->mu);
        if (!p->done && !p->pause) {
            put(p->fd, line, n + 4);
            p->drawn = true;
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int lg_progress_new(struct lg_progress **out, int fd)
{
    struct lg_progress *p = calloc(1, sizeof(*p));
    pthread_condattr_t ca;

    *out = NULL;
    if (!p)
        return LG_ENOMEM;
    p->fd = fd;
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cond, &ca);
    pthread_condattr_destroy(&ca);
    *out = p;
    return LG_OK;
}

int lg_progress_start(struct lg_progress *p, const struct lg_session *s)
{
    if (!p || p->started)
        return LG_OK;
    p->s = s;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    if (pthread_create(&p->tid, NULL, draw_main, p) != 0)
        return LG_EINTERNAL;
    p->started = true;
    return LG_OK;
}

void lg_progress_pause(struct lg_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->pause++;
    erase(p);
    pthread_mutex_unlock(&p->mu);
}

void lg_progress_resume(struct lg_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    if (p->pause)
        p->pause--;
    pthread_mutex_unlock(&p->mu);
}

void lg_progress_finish(struct lg_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->done = true;
    erase(p);
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->mu);
}

void lg_progress_free(struct lg_progress *p)
{
    if (!p)
        return;
    lg_progress_finish(p);
    if (p->started)
        pthread_join(p->tid, NULL);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* ---- the reporter wrapper ---- */

/* The wrapper's context: a pointer back to the wrapper, then the inner
 * reporter's context at an offset aligned for any type. */
struct wrap_ctx {
    const struct lg_progress_reporter *w;
};
#define INNER_OFFSET                                                           \
    ((sizeof(struct wrap_ctx) + _Alignof(max_align_t) - 1) /                   \
     _Alignof(max_align_t) * _Alignof(max_align_t))

static void *inner_ctx(void *ctx)
{
    return (char *)ctx + INNER_OFFSET;
}

static int wrap_begin(void *ctx, const struct lg_report_env *env)
{
    /* env is &w->env, the wrapper's first member */
    const struct lg_progress_reporter *w =
        (const struct lg_progress_reporter *)(const void *)env;
    struct wrap_ctx *c = ctx;
    int rc;

    c->w = w;
    lg_progress_pause(w->p);
    rc = w->inner->begin(inner_ctx(ctx), env);
    lg_progress_resume(w->p);
    return rc;
}

static int wrap_finding(void *ctx, const struct lg_finding *f)
{
    const struct lg_progress_reporter *w = ((struct wrap_ctx *)ctx)->w;
    int rc;

    if (!w->inner->streaming) {
        lg_progress_finish(w->p); /* the scan is over: the report begins */
        return w->inner->finding(inner_ctx(ctx), f);
    }
    lg_progress_pause(w->p);
    rc = w->inner->finding(inner_ctx(ctx), f);
    lg_progress_resume(w->p);
    return rc;
}

static int wrap_notice(void *ctx, const struct lg_notice *n)
{
    const struct lg_progress_reporter *w = ((struct wrap_ctx *)ctx)->w;
    int rc;

    if (!w->inner->streaming) {
        lg_progress_finish(w->p);
        return w->inner->notice(inner_ctx(ctx), n);
    }
    lg_progress_pause(w->p);
    rc = w->inner->notice(inner_ctx(ctx), n);
    lg_progress_resume(w->p);
    return rc;
}

static int wrap_end(void *ctx, const struct lg_run_summary *sum)
{
    struct wrap_ctx *c = ctx;

    if (!c->w) /* never begun */
        return LG_OK;
    lg_progress_finish(c->w->p);
    return c->w->inner->end(inner_ctx(ctx), sum);
}

void lg_progress_wrap(struct lg_progress_reporter *w,
                      const struct lg_reporter_ops *inner,
                      const struct lg_report_env *env, lg_notice_cb on_notice,
                      void *payload, bool show, int fd)
{
    w->env = *env;
    w->inner = inner;
    w->on_notice = on_notice;
    w->payload = payload;
    w->p = NULL;
    if (show && lg_progress_new(&w->p, fd) < 0)
        w->p = NULL; /* no memory for a display: scan without one */
    w->ops = *inner;
    w->ops.ctx_size = INNER_OFFSET + inner->ctx_size;
    w->ops.begin = wrap_begin;
    w->ops.finding = wrap_finding;
    w->ops.notice = wrap_notice;
    w->ops.end = wrap_end;
}

void lg_progress_notice(const struct lg_notice *n, void *payload)
{
    const struct lg_progress_reporter *w = payload;

    if (!w->on_notice)
        return;
    lg_progress_pause(w->p);
    w->on_notice(n, w->payload);
    lg_progress_resume(w->p);
}
