/* Directory walk: turns a root path into the files to scan, and accounts
 * for everything it does not hand over.
 *
 * Symlinks are not followed unless asked (a followed link to a directory is
 * guarded against loops by (dev, ino)); `.git` directories are not entered;
 * --exclude globs are matched against the path relative to the root and
 * against the display path.  Everything not handed over as a file to scan
 * is reported through the same callback as a skip with a reason, so that
 * nothing is lost silently.  Entries are visited in name order (stable
 * output). */
#ifndef LG_SOURCE_WALK_H
#define LG_SOURCE_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "rule/rule.h"
#include "util/error.h"

struct lg_walk_opts {
    bool follow_symlinks;
    const struct lg_strlist *excludes; /* globs, may be NULL */
    uint64_t max_file_size;            /* 0 = no limit */
    unsigned max_depth;                /* 0 = default (4096) */
    /* Emit a directory entry that readdir() types as a regular file
     * without stat'ing it: its size is then unknown (size 0, size_unknown)
     * and the caller, which opens and fstat()s it anyway, applies
     * max_file_size.  Saves a system call a file. */
    bool trust_dtype;
};

enum lg_walk_kind {
    LG_WALK_FILE, /* a regular file to scan */
    LG_WALK_SKIP  /* not scanned: see reason/message */
};

struct lg_walk_entry {
    enum lg_walk_kind kind;
    const char *path;     /* path to open (root joined with relative path) */
    uint64_t size;        /* st_size for files */
    bool size_unknown;    /* trust_dtype: not stat'ed, size not checked */
    const char *reason;   /* LG_REASON_* for skips (report/report.h) */
    const char *message;  /* one line for skips, e.g. strerror text */
    bool is_error;        /* skip caused by an error (unreadable) */
};

/* True when size is over limit (0: no limit); msg then says so ("file is
 * N bytes, limit M"), for a caller that checks sizes itself (trust_dtype). */
bool lg_walk_too_large(uint64_t size, uint64_t limit, char *msg, size_t cap);

/* Return LG_OK to continue, LG_ESTOP to end the walk early, negative to
 * fail.  Pointers are valid during the call only. */
typedef int (*lg_walk_cb)(const struct lg_walk_entry *e, void *payload);

/* Walk `root`, which may be a file (reported as one entry) or a directory.
 * A root that cannot be stat'ed is reported as a skip (unreadable) through
 * the callback, not as an error return.  Returns LG_OK, a callback's
 * negative code, or LG_ENOMEM. */
int lg_walk(const char *root, const struct lg_walk_opts *opts, lg_walk_cb cb,
            void *payload, struct lg_error *err);

#endif
