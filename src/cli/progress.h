/* Progress on long scans: one updating line on the terminal (stderr) with
 * objects and bytes scanned, throughput and findings so far.
 *
 * A thread redraws the line a few times a second from a snapshot of the
 * session's counters (lg_session_progress).  Anything else that writes to
 * the terminal while it runs pauses it first (lg_progress_pause: the line
 * is erased and stays away until lg_progress_resume), and the report is
 * written only after lg_progress_finish, which erases the line for good.
 * lg_progress_wrap does both for a reporter: it pauses around a streaming
 * reporter's output and finishes before the first output of any other.
 *
 * Lock order: the session's lock may be held while calling pause, resume
 * or finish (notices and streaming findings arrive under it); the drawing
 * thread never holds its own lock while it takes the session's. */
#ifndef LG_CLI_PROGRESS_H
#define LG_CLI_PROGRESS_H

#include <stdbool.h>

#include "report/report.h"
#include "scan/session.h"

enum lg_progress_mode {
    LG_PROGRESS_AUTO = 0, /* on when fd is a terminal and not --quiet */
    LG_PROGRESS_ALWAYS,   /* --progress */
    LG_PROGRESS_NEVER     /* --no-progress */
};

/* Whether to show progress on fd: ALWAYS yes, NEVER no; AUTO only when
 * fd is a terminal, TERM is not "dumb" and not quiet. */
bool lg_progress_wanted(enum lg_progress_mode mode, bool quiet, int fd);

struct lg_progress;

/* A display that will draw on fd (not owned).  Draws nothing before
 * lg_progress_start.  Returns LG_OK or LG_ENOMEM. */
int lg_progress_new(struct lg_progress **out, int fd);
/* Start the drawing thread on s's counters; s must outlive the display's
 * lg_progress_free.  Returns LG_OK or LG_EINTERNAL (no thread: the scan
 * goes on without progress). */
int lg_progress_start(struct lg_progress *p, const struct lg_session *s);
/* Erase the line and keep it away until the matching resume.  NULL is a
 * no-op, as for every call below. */
void lg_progress_pause(struct lg_progress *p);
void lg_progress_resume(struct lg_progress *p);
/* Erase the line and never draw again (does not wait for the thread, so
 * it may be called with the session's lock held). */
void lg_progress_finish(struct lg_progress *p);
/* Finish, wait for the thread and free. */
void lg_progress_free(struct lg_progress *p);

/* A reporter and a notice callback that forward to `inner` and
 * `on_notice` and keep the progress line out of what they print.  Hand
 * &w->ops, &w->env, lg_progress_notice and w to lg_session_new; `w` (with
 * what it points to) must outlive the session.  With `show`, w->p is a new
 * display on fd, to be started with lg_progress_start(w->p, session) and
 * freed with lg_progress_free(w->p); else (or when out of memory) w->p is
 * NULL and the wrapper only forwards. */
struct lg_progress_reporter {
    struct lg_report_env env; /* first: the wrapper finds itself from it */
    struct lg_reporter_ops ops;
    const struct lg_reporter_ops *inner;
    lg_notice_cb on_notice;
    void *payload;
    struct lg_progress *p;
};

void lg_progress_wrap(struct lg_progress_reporter *w,
                      const struct lg_reporter_ops *inner,
                      const struct lg_report_env *env, lg_notice_cb on_notice,
                      void *payload, bool show, int fd);
/* The notice callback to pass with w as its payload. */
void lg_progress_notice(const struct lg_notice *n, void *payload);

#endif
