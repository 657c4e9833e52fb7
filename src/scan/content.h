/* The content pipeline shared by every source: bytes of one object from a
 * file descriptor → sniff (binary? UTF-16 BOM?) → the scanner, reading
 * straight into the scanner's window when no transcoding is needed. */
#ifndef LG_SCAN_CONTENT_H
#define LG_SCAN_CONTENT_H

#include <stdbool.h>

#include "engine/scanner.h"
#include "report/report.h"

#define LG_SNIFF_BYTES 8192 /* a NUL in these bytes means binary */

struct lg_content {
    struct lg_scanner *sc;     /* borrowed */
    unsigned char *tbuf;       /* transcoding buffer, owned */
    bool binary;               /* scan binary objects too */
};

int lg_content_init(struct lg_content *c, struct lg_scanner *sc, bool binary);
void lg_content_release(struct lg_content *c);

/* Outcome of one object. */
struct lg_content_result {
    enum { LG_CONTENT_SCANNED, LG_CONTENT_SKIPPED, LG_CONTENT_FAILED } kind;
    const char *reason;  /* LG_REASON_* when not scanned, or for a limit */
    char message[256];   /* one line, no secrets */
    bool limited;        /* scanned, but a limit cut part of it */
    uint64_t bytes;
};

/* Scan everything readable from fd as the object `path` (borrowed for the
 * scan), reporting findings to cb. */
void lg_content_scan_fd(struct lg_content *c, int fd, const char *path,
                        lg_finding_cb cb, void *payload,
                        struct lg_content_result *res);

#endif
