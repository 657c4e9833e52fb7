#include "scan/content.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/utf16.h"

/* UTF-16 → UTF-8 writes at most 2n + 8 bytes for n input bytes. */
#define OUT_CAP (2 * LG_SCAN_CHUNK + 16)

int lg_content_init(struct lg_content *c, struct lg_scanner *sc, bool binary)
{
    c->sc = sc;
    c->binary = binary;
    /* [0, OUT_CAP): transcoded output; then LG_SCAN_CHUNK of input */
    c->tbuf = malloc(OUT_CAP + LG_SCAN_CHUNK);
    return c->tbuf ? LG_OK : LG_ENOMEM;
}

void lg_content_release(struct lg_content *c)
{
    free(c->tbuf);
    c->tbuf = NULL;
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

void lg_reader_fd(struct lg_reader *r, int *fd)
{
    r->read = fd_read;
    r->ctx = fd;
}

static ssize_t read_some(struct lg_reader *r, void *buf, size_t n)
{
    return r->read(r->ctx, buf, n);
}

/* Read until `n` bytes or end of input (a first read may be short on
 * pipes; the sniff wants a full prefix). */
static ssize_t read_full(struct lg_reader *rd, unsigned char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read_some(rd, buf + got, n - got);
        if (r < 0)
            return got ? (ssize_t)got : -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static void fail(struct lg_content_result *res, const char *reason,
                 const char *path, const char *what)
{
    res->kind = LG_CONTENT_FAILED;
    res->reason = reason;
    snprintf(res->message, sizeof(res->message), "cannot read '%s': %s",
             path, what);
}

/* UTF-16 text: the first chunk (already read, at tbuf + OUT_CAP) and the
 * rest of the stream are transcoded into tbuf and fed. */
static int scan_utf16(struct lg_content *c, struct lg_reader *rd, size_t n,
                      bool big_endian,
                      struct lg_content_result *res)
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

static void scan_object(struct lg_content *c, struct lg_reader *rd,
                        const char *path, lg_finding_cb cb, void *payload,
                        struct lg_content_result *res)
{
    void *room;
    size_t cap;
    ssize_t n;
    int rc, bom;

    memset(res, 0, sizeof(*res));
    res->kind = LG_CONTENT_SCANNED;
    lg_scanner_begin(c->sc, path, cb, payload);
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
    bom = lg_utf16_detect(room, (size_t)n);
    if (bom) {
        /* feed() reuses the window: move the first chunk aside */
        memcpy(c->tbuf + OUT_CAP, room, (size_t)n);
        rc = scan_utf16(c, rd, (size_t)n, bom & 1, res);
        if (rc == LG_EIO) {
            lg_scanner_abort(c->sc);
            fail(res, LG_REASON_UNREADABLE, path, strerror(errno));
            return;
        }
        goto finish;
    }
    if (!c->binary &&
        memchr(room, 0, (size_t)n < LG_SNIFF_BYTES ? (size_t)n
                                                   : LG_SNIFF_BYTES)) {
        lg_scanner_abort(c->sc);
        res->kind = LG_CONTENT_SKIPPED;
        res->reason = LG_REASON_BINARY;
        snprintf(res->message, sizeof(res->message),
                 "binary file not scanned (use --binary to scan it)");
        return;
    }
    rc = lg_scanner_commit(c->sc, (size_t)n);
    while (rc == LG_OK && n > 0) {
        rc = lg_scanner_reserve(c->sc, &room, &cap);
        if (rc < 0)
            break;
        n = read_some(rd, room, cap);
        if (n < 0) {
            lg_scanner_abort(c->sc);
            fail(res, LG_REASON_UNREADABLE, path, strerror(errno));
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
             path, lg_scanner_errmsg(c->sc)[0] ? lg_scanner_errmsg(c->sc)
                                               : lg_strerror(rc));
}

void lg_content_scan(struct lg_content *c, struct lg_reader *r,
                     const char *path, const struct lg_content_sink *sink)
{
    struct lg_content_result res;

    scan_object(c, r, path, sink->on_finding, sink->payload, &res);
    sink->on_result(path, &res, sink->payload);
}
