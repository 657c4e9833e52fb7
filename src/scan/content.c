/* The content pipeline: reader → sniff → scanner, and archive expansion.
 *
 * The first read of an object lands in the scanner's window.  If it starts
 * an archive (source/archive.h), the head is copied aside, the scanner is
 * released, and the archive is read from the head plus the rest of the
 * reader; each member is then scanned by scan_object() again, one level
 * deeper, through a reader over the archive (members are decompressed
 * straight into the scanner's window).  One scanner is enough however
 * deep the nesting: only leaves are scanned, one at a time.  Memory per
 * level: the head (<= LG_SCAN_CHUNK), libarchive's buffers and decoder
 * state.
 *
 * Limits (scan/limits.h) are checked where bytes and members appear:
 * member_read() accounts expanded bytes, the ratio and time; the member
 * loop counts entries; expand() checks the depth.  A limit "trips" once per
 * top-level object: reading stops (members see end of data, loops stop),
 * and the innermost object being read is reported as limited with the
 * reason; the others finish as scanned. */
#include "scan/content.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source/archive.h"
#include "source/utf16.h"

/* UTF-16 → UTF-8 writes at most 2n + 8 bytes for n input bytes. */
#define OUT_CAP (2 * LG_SCAN_CHUNK + 16)
/* Display path of a member: its container's path, '!', its name. */
#define MEMBER_PATH_MAX ((size_t)256 << 10)

int lg_content_init(struct lg_content *c, struct lg_scanner *sc, bool binary)
{
    c->sc = sc;
    c->binary = binary;
    c->no_archives = false;
    lg_limits_resolve(&c->limits, NULL);
    /* [0, OUT_CAP): transcoded output; then LG_SCAN_CHUNK of input */
    c->tbuf = malloc(OUT_CAP + LG_SCAN_CHUNK);
    return c->tbuf ? LG_OK : LG_ENOMEM;
}

void lg_content_release(struct lg_content *c)
{
    free(c->tbuf);
    c->tbuf = NULL;
}

void lg_content_configure(struct lg_content *c, const struct lg_limits *lim,
                          bool no_archives)
{
    lg_limits_resolve(&c->limits, lim);
    c->no_archives = no_archives;
}

static ssize_t fd_read(void *ctx, void *buf, size_t n)
{
    int fd = *(int *)ctx;

    for (;;) {
        ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

void lg_reader_fd(struct lg_reader *r, int *fd, uint64_t size)
{
    r->read = fd_read;
    r->ctx = fd;
    r->size = size;
    r->done = 0;
}

/* Readers are known to seek by their read function (a seek member in
 * struct lg_reader would be left uninitialised by readers filled in field
 * by field). */
static bool can_seek(const struct lg_reader *r)
{
    return r->read == fd_read;
}

/* ------------------------------------------------------------------ */
/* Expansion state and limits                                           */

/* One per top-level object. */
struct expand {
    const struct lg_limits *lim;
    uint64_t read;      /* bytes read from the top-level object */
    uint64_t expanded;  /* member bytes at every level */
    uint64_t entries;   /* members at every level */
    uint64_t buffered;  /* bytes of open archives held in memory (7z) */
    struct timespec t0; /* first archive opened */
    const char *trip;   /* the limit that stopped expansion, or NULL */
    char trip_msg[200];
    bool trip_told; /* reported on an object already */
};

/* What the recursion carries. */
struct walk {
    struct lg_content *c;
    struct expand *x;
    const struct lg_content_sink *sink;
};

static void trip(struct expand *x, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void trip(struct expand *x, const char *reason, const char *fmt, ...)
{
    va_list ap;

    if (x->trip)
        return;
    x->trip = reason;
    va_start(ap, fmt);
    vsnprintf(x->trip_msg, sizeof(x->trip_msg), fmt, ap);
    va_end(ap);
}

/* "512 B", "10.0 KiB", "4.0 GiB" into buf. */
static const char *human(char *buf, size_t size, uint64_t n)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = -1;

    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        u++;
    }
    if (u < 0)
        snprintf(buf, size, "%llu B", (unsigned long long)n);
    else
        snprintf(buf, size, "%.1f %s", v, unit[u]);
    return buf;
}

static bool out_of_time(struct expand *x)
{
    struct timespec now;

    if (x->trip)
        return true;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - x->t0.tv_sec < (time_t)x->lim->max_seconds)
        return false;
    trip(x, LG_REASON_TIME,
         "archive expansion stopped after %u s (time "
         "budget per object)",
         x->lim->max_seconds);
    return true;
}

/* n bytes of member data appeared: returns how many may be used. */
static size_t account(struct expand *x, size_t n)
{
    const struct lg_limits *l = x->lim;
    uint64_t room = l->max_expanded_bytes - x->expanded;
    char a[32], b[32];

    if (n > room) {
        n = (size_t)room;
        trip(x, LG_REASON_EXPANDED_BYTES,
             "archive expansion stopped at "
             "%s expanded (--max-expanded-bytes)",
             human(a, sizeof(a), l->max_expanded_bytes));
    }
    x->expanded += n;
    if (x->expanded > l->ratio_grace &&
        x->expanded / l->max_expansion_ratio > x->read)
        trip(x, LG_REASON_EXPANSION_RATIO,
             "archive expansion stopped: "
             "%s expanded from %s read is more than %llu:1 "
             "(--max-expansion-ratio)",
             human(a, sizeof(a), x->expanded), human(b, sizeof(b), x->read),
             (unsigned long long)l->max_expansion_ratio);
    return n;
}

/* Report the trip on res if no object has been told yet. */
static void tell_trip(struct expand *x, struct lg_content_result *res)
{
    if (!x->trip || x->trip_told || res->kind != LG_CONTENT_SCANNED)
        return;
    x->trip_told = true;
    res->limited = true;
    res->reason = x->trip;
    snprintf(res->message, sizeof(res->message), "%s", x->trip_msg);
}

/* ------------------------------------------------------------------ */
/* Readers                                                              */

static ssize_t read_some(struct lg_reader *r, void *buf, size_t n)
{
    return r->read(r->ctx, buf, n);
}

/* Read until `n` bytes or the end of input, so that a short count means
 * the end (reads from pipes and archives may be short); -1 on an error. */
static ssize_t read_full(struct lg_reader *rd, unsigned char *buf, size_t n)
{
    size_t got = 0;

    /* a known size ends the object without a read that returns 0 */
    if (rd->size && rd->size - rd->done < n)
        n = (size_t)(rd->size - rd->done);
    while (got < n) {
        ssize_t r = read_some(rd, buf + got, n - got);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    rd->done += got;
    return (ssize_t)got;
}

/* A member's data, as a reader. */
struct member_rd {
    struct lg_archive *a;
    struct expand *x;
    struct lg_error err;
    bool failed;
};

static ssize_t member_read(void *ctx, void *buf, size_t n)
{
    struct member_rd *mr = ctx;
    ssize_t r;

    if (out_of_time(mr->x))
        return 0;
    r = lg_archive_read(mr->a, buf, n, &mr->err);
    if (r < 0) {
        mr->failed = true;
        errno = EIO;
        return -1;
    }
    return (ssize_t)account(mr->x, (size_t)r);
}

/* The rest of a container, for libarchive; counts what it reads. */
struct level_io {
    struct lg_reader *rd;
    uint64_t count;
    uint64_t *total; /* the top-level object's count, or NULL */
};

static ssize_t level_read(void *ctx, void *buf, size_t n)
{
    struct level_io *l = ctx;
    ssize_t r = read_some(l->rd, buf, n);

    if (r > 0) {
        l->count += (uint64_t)r;
        if (l->total)
            *l->total += (uint64_t)r;
    }
    return r;
}

static int64_t level_seek(void *ctx, int64_t off, int whence)
{
    struct level_io *l = ctx;

    return (int64_t)lseek(*(int *)l->rd->ctx, (off_t)off, whence);
}

/* ------------------------------------------------------------------ */
/* Objects                                                              */

static void fail(struct lg_content_result *res, const char *reason,
                 const char *path, const char *what)
{
    res->kind = LG_CONTENT_FAILED;
    res->reason = reason;
    snprintf(res->message, sizeof(res->message), "cannot read '%s': %s", path,
             what);
}

/* A read error after some bytes were fed: keep what was found so far. */
static void fail_mid(struct lg_content *c, struct lg_content_result *res,
                     const char *path)
{
    int e = errno;

    lg_scanner_end(c->sc);
    fail(res, LG_REASON_UNREADABLE, path, strerror(e));
}

static void set_result(struct lg_content_result *res, int kind,
                       const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_result(struct lg_content_result *res, int kind,
                       const char *reason, const char *fmt, ...)
{
    va_list ap;

    res->kind = kind;
    res->reason = reason;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
}

/* UTF-16 text: the first chunk (already read, at tbuf + OUT_CAP) and the
 * rest of the stream are transcoded into tbuf and fed. */
static int scan_utf16(struct lg_content *c, struct lg_reader *rd, size_t n,
                      bool big_endian, struct lg_content_result *res)
{
    unsigned char *in = c->tbuf + OUT_CAP;
    struct lg_utf16 t;
    size_t out;
    int rc;

    lg_utf16_init(&t, big_endian);
    out = lg_utf16_convert(&t, in + 2, n - 2, c->tbuf); /* skip the BOM */
    rc = lg_scanner_feed(c->sc, c->tbuf, out);
    while (rc == LG_OK) {
        ssize_t r = read_some(rd, in, LG_SCAN_CHUNK);
        if (r < 0)
            return LG_EIO;
        if (r == 0)
            break;
        res->bytes += (uint64_t)r;
        out = lg_utf16_convert(&t, in, (size_t)r, c->tbuf);
        rc = lg_scanner_feed(c->sc, c->tbuf, out);
    }
    if (rc == LG_OK) {
        out = lg_utf16_finish(&t, c->tbuf);
        rc = lg_scanner_feed(c->sc, c->tbuf, out);
    }
    return rc;
}

static void scan_object(struct walk *w, struct lg_reader *rd, const char *path,
                        unsigned depth, struct lg_content_result *res);

/* One member of an open archive: scanned as an object one level deeper,
 * or skipped with a reason; then reported. */
static void scan_member(struct walk *w, struct lg_archive *a,
                        const struct lg_archive_member *m,
                        const struct lg_error *herr, struct lg_buf *mpath,
                        const char *container, unsigned depth)
{
    struct member_rd mr = {a, w->x, {0, ""}, false};
    struct lg_reader rd = {member_read, &mr, 0, 0};
    struct lg_content_result res;

    memset(&res, 0, sizeof(res));
    lg_buf_clear(mpath);
    if (lg_buf_printf(mpath, "%s!%s", container, m->name) < 0) {
        lg_buf_clear(mpath);
        if (lg_buf_printf(mpath, "%s!(name too long)", container) < 0)
            return; /* out of memory: the container says it failed */
        set_result(&res, LG_CONTENT_FAILED, "path-too-long",
                   "member path longer than %zu bytes not scanned",
                   (size_t)MEMBER_PATH_MAX);
    } else if (m->encrypted ||
               (m->failed && lg_archive_reason(a) &&
                strcmp(lg_archive_reason(a), LG_REASON_ENCRYPTED) == 0)) {
        set_result(&res, LG_CONTENT_SKIPPED, LG_REASON_ENCRYPTED,
                   "encrypted archive member not scanned (no passphrase)");
    } else if (m->failed) {
        set_result(&res, LG_CONTENT_FAILED, lg_archive_reason(a), "%s",
                   herr->msg);
    } else if (m->kind == LG_MEMBER_SYMLINK) {
        set_result(&res, LG_CONTENT_SKIPPED, LG_REASON_SYMLINK,
                   "symbolic link in an archive, not followed");
    } else if (m->kind == LG_MEMBER_HARDLINK) {
        set_result(&res, LG_CONTENT_SKIPPED, LG_REASON_HARDLINK,
                   "hard link in an archive (its target is scanned)");
    } else if (m->kind == LG_MEMBER_SPECIAL) {
        set_result(&res, LG_CONTENT_SKIPPED, LG_REASON_SPECIAL,
                   "device, FIFO or socket in an archive");
    } else {
        scan_object(w, &rd, mpath->data, depth + 1, &res);
        if (mr.failed) /* the archive's own word, not "I/O error" */
            set_result(&res, LG_CONTENT_FAILED,
                       lg_archive_reason(a) ? lg_archive_reason(a)
                                            : LG_REASON_CORRUPT,
                       "%s", mr.err.msg);
        tell_trip(w->x, &res);
    }
    w->sink->on_result(mpath->data, &res, w->sink->payload);
}

/* The object at `path` is an archive whose first n bytes are head (in the
 * scanner's window, begun for path).  Expand it into res. */
static void expand(struct walk *w, struct lg_reader *rd, const void *head,
                   size_t n, const char *path, unsigned depth,
                   struct lg_content_result *res)
{
    struct expand *x = w->x;
    struct level_io lio = {rd, 0, depth == 0 ? &x->read : NULL};
    struct lg_archive_io io = {level_read, can_seek(rd) ? level_seek : NULL,
                               &lio, 0};
    const struct lg_archive_member *m;
    struct lg_archive *a = NULL;
    unsigned char *copy = NULL;
    struct lg_buf mpath;
    struct lg_error err;
    int rc;

    lg_buf_init(&mpath, MEMBER_PATH_MAX);
    lg_error_clear(&err);
    if (depth == 0) {
        x->read = n;
        clock_gettime(CLOCK_MONOTONIC, &x->t0);
    }
    if (depth + 1 > x->lim->max_archive_depth) {
        lg_scanner_abort(w->c->sc);
        res->limited = true;
        set_result(res, LG_CONTENT_SCANNED, LG_REASON_ARCHIVE_DEPTH,
                   "archive nested deeper than %u levels not expanded "
                   "(--max-archive-depth)",
                   x->lim->max_archive_depth);
        return;
    }
    /* Members reuse the scanner's window: keep the head elsewhere. */
    copy = malloc(n);
    lg_scanner_abort(w->c->sc);
    if (!copy) {
        set_result(res, LG_CONTENT_FAILED, LG_REASON_ENGINE, "out of memory");
        return;
    }
    memcpy(copy, head, n);
    io.buffer_max = (size_t)(x->lim->max_buffered_bytes - x->buffered);
    rc = lg_archive_open(&a, copy, n, &io, path, &err);
    x->buffered += lg_archive_buffered(a);
    while (rc == LG_OK && !out_of_time(x)) {
        rc = lg_archive_next(a, &m, &err);
        if (rc < 0 || !m)
            break;
        if (x->entries >= x->lim->max_archive_entries) {
            trip(x, LG_REASON_ARCHIVE_ENTRIES,
                 "archive expansion stopped "
                 "after %llu members (--max-archive-entries)",
                 (unsigned long long)x->entries);
            break;
        }
        x->entries++;
        if (m->kind != LG_MEMBER_DIR)
            scan_member(w, a, m, &err, &mpath, path, depth);
        lg_error_clear(&err);
    }
    res->bytes = n + lio.count;
    if (rc == LG_ENOMEM)
        set_result(res, LG_CONTENT_FAILED, LG_REASON_ENGINE, "out of memory");
    else if (rc < 0)
        set_result(res, LG_CONTENT_FAILED,
                   lg_archive_reason(a) ? lg_archive_reason(a)
                                        : LG_REASON_CORRUPT,
                   "%s", err.msg);
    tell_trip(x, res);
    x->buffered -= lg_archive_buffered(a);
    lg_archive_free(a);
    free(copy);
    lg_buf_release(&mpath);
}

/* Scan one object (depth: how many archives enclose it) into res. */
static void scan_object(struct walk *w, struct lg_reader *rd, const char *path,
                        unsigned depth, struct lg_content_result *res)
{
    struct lg_content *c = w->c;
    void *room;
    size_t cap;
    ssize_t n;
    int rc, bom;

    memset(res, 0, sizeof(*res));
    res->kind = LG_CONTENT_SCANNED;
    lg_scanner_begin(c->sc, path, w->sink->on_finding, w->sink->payload);
    rc = lg_scanner_reserve(c->sc, &room, &cap);
    if (rc < 0)
        goto engine;
    /* The first read lands in the scanner's window; it is committed only
     * once the sniff says it is text. */
    n = read_full(rd, room, cap);
    if (n < 0) {
        lg_scanner_abort(c->sc);
        fail(res, LG_REASON_UNREADABLE, path, strerror(errno));
        return;
    }
    res->bytes = (uint64_t)n;
    /* Before the binary check: archives are binary. */
    if (!c->no_archives && lg_archive_detect(room, (size_t)n)) {
        expand(w, rd, room, (size_t)n, path, depth, res);
        return;
    }
    bom = lg_utf16_detect(room, (size_t)n);
    if (bom) {
        /* feed() reuses the window: move the first chunk aside */
        memcpy(c->tbuf + OUT_CAP, room, (size_t)n);
        rc = scan_utf16(c, rd, (size_t)n, bom & 1, res);
        if (rc == LG_EIO) {
            fail_mid(c, res, path);
            return;
        }
        goto finish;
    }
    if (!c->binary &&
        memchr(room, 0,
               (size_t)n < LG_SNIFF_BYTES ? (size_t)n : LG_SNIFF_BYTES)) {
        lg_scanner_abort(c->sc);
        res->kind = LG_CONTENT_SKIPPED;
        res->reason = LG_REASON_BINARY;
        snprintf(res->message, sizeof(res->message),
                 "binary file not scanned (use --binary to scan it)");
        return;
    }
    rc = lg_scanner_commit(c->sc, (size_t)n);
    /* read_full stops short only at the end: a small file needs no more
     * reads */
    while (rc == LG_OK && n > 0 && (size_t)n == cap) {
        if (c->stop && *c->stop) {
            lg_scanner_abort(c->sc);
            res->kind = LG_CONTENT_FAILED;
            res->reason = LG_REASON_INTERRUPTED;
            snprintf(res->message, sizeof(res->message),
                     "scan interrupted before the end of the object");
            return;
        }
        rc = lg_scanner_reserve(c->sc, &room, &cap);
        if (rc < 0)
            break;
        n = read_full(rd, room, cap);
        if (n < 0) {
            fail_mid(c, res, path);
            return;
        }
        res->bytes += (uint64_t)n;
        rc = lg_scanner_commit(c->sc, (size_t)n);
    }
finish:
    if (rc == LG_ESTOP)
        rc = LG_OK;
    if (rc == LG_OK) {
        rc = lg_scanner_end(c->sc);
        if (rc == LG_ELIMIT) {
            res->limited = true;
            res->reason = LG_REASON_ENGINE;
            snprintf(res->message, sizeof(res->message), "%s",
                     lg_scanner_errmsg(c->sc));
            return;
        }
        if (rc == LG_OK)
            return;
    }
engine:
    lg_scanner_abort(c->sc);
    res->kind = LG_CONTENT_FAILED;
    res->reason = LG_REASON_ENGINE;
    snprintf(res->message, sizeof(res->message), "scan of '%s' failed: %s",
             path,
             lg_scanner_errmsg(c->sc)[0] ? lg_scanner_errmsg(c->sc)
                                         : lg_strerror(rc));
}

void lg_content_scan(struct lg_content *c, struct lg_reader *r,
                     const char *path, const struct lg_content_sink *sink)
{
    struct lg_content_result res;
    struct expand x;
    struct walk w = {c, &x, sink};

    memset(&x, 0, sizeof(x));
    x.lim = &c->limits;
    scan_object(&w, r, path, 0, &res);
    sink->on_result(path, &res, sink->payload);
}
