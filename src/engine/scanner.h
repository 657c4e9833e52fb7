/* The streaming scanner: one per worker thread.
 *
 * An object (a file, an archive member, a blob) is scanned with
 *     lg_scanner_begin → (lg_scanner_feed | reserve/commit)* → lg_scanner_end
 * in chunks of any size.  Findings do not depend on how the bytes were split
 * (the unit tests split at every byte).  Each confirmed, unfiltered finding
 * is passed to the callback given to begin; its pointers are valid only
 * during the call.  A scanner holds Vectorscan scratch + stream state, PCRE2
 * match data and the sliding window; it never allocates per byte and its
 * memory is bounded by the ruleset's max_len and the chunk size, whatever
 * the object size. */
#ifndef LG_ENGINE_SCANNER_H
#define LG_ENGINE_SCANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/finding.h"
#include "rule/ruleset.h"
#include "util/error.h"

/* What the filters drop; counted per object. */
struct lg_scan_counts {
    uint64_t bytes;
    uint64_t candidates;   /* prefilter hits */
    uint64_t matches;      /* PCRE2-confirmed matches */
    uint64_t findings;     /* reported */
    uint64_t filtered;     /* dropped by entropy/stop words/allow/... */
};

struct lg_scan_opts {
    bool allow_comments;   /* honour inline `leakguard:allow` (default on) */
    unsigned max_decode_depth; /* nested decodes of encoded runs; 0 = off */
    uint64_t max_decoded_bytes; /* per object; 0 = LG_SCAN_DECODE_BUDGET */
    bool keep_overlaps;    /* report overlapping findings of different rules
                              (rules test: each rule judged on its own) */
    bool explain;          /* say on stderr why each dropped candidate was
                              dropped (rule, offset, reason; never the text) */
};

#define LG_SCAN_DECODE_BUDGET (64u * 1024 * 1024)

/* Return LG_OK to go on, LG_ESTOP to stop scanning this object, negative
 * to fail. */
typedef int (*lg_finding_cb)(const struct lg_finding *f, void *payload);

struct lg_scanner;

/* rs must be compiled and outlive the scanner. */
int lg_scanner_new(struct lg_scanner **out, const struct lg_ruleset *rs,
                   const struct lg_scan_opts *opts, struct lg_error *err);
void lg_scanner_free(struct lg_scanner *s);

/* Start an object.  `path` (borrowed until end) is put in findings and
 * matched against rules' allow_paths. */
int lg_scanner_begin(struct lg_scanner *s, const char *path,
                     lg_finding_cb cb, void *payload);
int lg_scanner_feed(struct lg_scanner *s, const void *data, size_t len);
/* Zero-copy feeding: get room for up to *cap bytes at *ptr, fill n of them,
 * then commit n. */
int lg_scanner_reserve(struct lg_scanner *s, void **ptr, size_t *cap);
int lg_scanner_commit(struct lg_scanner *s, size_t n);
/* Finish the object: flushes pending matches.  Returns the first error a
 * callback or the engine reported since begin. */
int lg_scanner_end(struct lg_scanner *s);
/* Abandon the current object without reporting pending matches. */
void lg_scanner_abort(struct lg_scanner *s);

const struct lg_scan_counts *lg_scanner_counts(const struct lg_scanner *s);
/* Message of the last engine error (e.g. match limit) for notices. */
const char *lg_scanner_errmsg(const struct lg_scanner *s);

/* Default chunk size for reserve() (bytes). */
#define LG_SCAN_CHUNK (256 * 1024)

#endif
