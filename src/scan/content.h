/* The content pipeline shared by every source: the bytes of one object,
 * pulled through a reader → sniff (archive? UTF-16 BOM? binary?) → the
 * scanner, reading straight into the scanner's window when no transcoding
 * is needed.
 *
 * An archive (recognised by content, source/archive.h) is not scanned as
 * bytes: each member is pulled through this same pipeline as an object of
 * its own, named "container!member" ("outer.zip!dir/inner.tar.gz!app/.env"),
 * recursively, under the limits of scan/limits.h.
 *
 * Every object handed to lg_content_scan() ends in exactly one call of
 * sink->on_result (scanned, skipped or failed, with a reason), so that the
 * session can account for everything; so does every archive member (before
 * its container's), except directories, which are not objects.  A limit
 * that cut an object is reported once, on the innermost object it cut, as
 * a scanned result with `limited` set and the limit's reason. */
#ifndef LG_SCAN_CONTENT_H
#define LG_SCAN_CONTENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/scanner.h"
#include "report/report.h"
#include "scan/limits.h"

#define LG_SNIFF_BYTES 8192 /* a NUL in these bytes means binary */

/* Pull-style byte source: read up to n bytes into buf; returns the count,
 * 0 at end, or -1 with errno set. */
struct lg_reader {
    ssize_t (*read)(void *ctx, void *buf, size_t n);
    void *ctx;
    uint64_t size; /* bytes expected, when known (saves the read that would
                      only see the end); 0 = unknown */
    uint64_t done; /* bytes read so far (the pipeline keeps it) */
};

/* A reader over a file descriptor (retries EINTR).  An archive read through
 * it may also be read with lseek(2) when the descriptor allows it (a
 * regular file: zip central directory, 7z); every other reader is read as
 * a stream.  size as in struct lg_reader (0 = unknown). */
void lg_reader_fd(struct lg_reader *r, int *fd, uint64_t size);

/* Outcome of one object. */
struct lg_content_result {
    enum { LG_CONTENT_SCANNED, LG_CONTENT_SKIPPED, LG_CONTENT_FAILED } kind;
    const char *reason; /* LG_REASON_* when not scanned, or for a limit */
    char message[256];  /* one line, no secrets */
    bool limited;       /* scanned, but a limit cut part of it */
    uint64_t bytes;     /* bytes read from the object */
};

struct lg_content_sink {
    lg_finding_cb on_finding;
    void (*on_result)(const char *path, const struct lg_content_result *res,
                      void *payload);
    void *payload;
};

struct lg_content {
    struct lg_scanner *sc;   /* borrowed */
    unsigned char *tbuf;     /* transcoding buffer, owned */
    bool binary;             /* scan binary objects too */
    bool no_archives;        /* archives are opaque (binary) objects */
    struct lg_limits limits; /* resolved: no zero fields */
    const volatile sig_atomic_t *stop; /* set: abandon the object */
};

/* Archives are expanded with the default limits unless configured. */
int lg_content_init(struct lg_content *c, struct lg_scanner *sc, bool binary);
void lg_content_release(struct lg_content *c);
/* Set the limits (NULL or 0 fields: defaults) and the --no-archives switch;
 * call before scanning. */
void lg_content_configure(struct lg_content *c, const struct lg_limits *lim,
                          bool no_archives);

/* Scan everything r yields as the object `path` (borrowed for the call). */
void lg_content_scan(struct lg_content *c, struct lg_reader *r,
                     const char *path, const struct lg_content_sink *sink);

#endif
