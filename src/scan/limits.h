/* Limits on archive expansion, as data (STYLE rule 8).
 *
 * All but the depth apply per top-level object (a file, a blob, stdin):
 * everything its archives expand to, at every nesting level, counts
 * towards them.  Hitting one never fails the scan: the member or subtree
 * it cut is reported as a limit notice (with the reason codes below), what
 * was scanned before is kept, and the scan goes on with the next object.
 * A field left 0 takes its default (lg_limits_resolve), so a zeroed struct
 * means "the defaults".
 *
 * Defaults and why:
 *   max_archive_depth     8       nested archives expanded; the 9th level
 *                                 is reported, not opened
 *   max_archive_entries   100000  members (all levels), e.g. a fat jar of
 *                                 jars holds tens of thousands
 *   max_expanded_bytes    4 GiB   member bytes (all levels); at scanner
 *                                 speed this is seconds
 *   max_expansion_ratio   200     expanded bytes per byte read from the
 *                                 object, checked once more than
 *                                 ratio_grace bytes (1 MiB) have been
 *                                 expanded.  Text compresses 3-20:1, very
 *                                 repetitive logs rarely beyond 100:1;
 *                                 deflate of zeros is ~1030:1, nested or
 *                                 xz/zstd bombs and sparse files far more
 *   max_seconds           300     wall time spent expanding one object
 *   max_buffered_bytes    64 MiB  memory for 7z archives found inside
 *                                 another archive or a stream (7z needs to
 *                                 seek, so such a 7z is read into memory);
 *                                 shared by all levels of one object */
#ifndef LG_SCAN_LIMITS_H
#define LG_SCAN_LIMITS_H

#include <stdint.h>

struct lg_limits {
    unsigned max_archive_depth;
    uint64_t max_archive_entries;
    uint64_t max_expanded_bytes;
    uint64_t max_expansion_ratio;
    uint64_t ratio_grace;
    unsigned max_seconds;
    uint64_t max_buffered_bytes;
};

#define LG_DEFAULT_ARCHIVE_DEPTH 8u
#define LG_DEFAULT_ARCHIVE_ENTRIES 100000u
#define LG_DEFAULT_EXPANDED_BYTES ((uint64_t)4 << 30)
#define LG_DEFAULT_EXPANSION_RATIO 200u
#define LG_DEFAULT_RATIO_GRACE ((uint64_t)1 << 20)
#define LG_DEFAULT_MAX_SECONDS 300u
#define LG_DEFAULT_BUFFERED_BYTES ((uint64_t)64 << 20)
#define LG_MAX_ARCHIVE_DEPTH 64u /* hard cap: recursion uses the C stack */

/* Limit reasons (notice reason codes). */
#define LG_REASON_ARCHIVE_DEPTH "archive-depth"
#define LG_REASON_ARCHIVE_ENTRIES "archive-entries"
#define LG_REASON_EXPANDED_BYTES "expanded-bytes"
#define LG_REASON_EXPANSION_RATIO "expansion-ratio"
#define LG_REASON_TIME "time"

/* Copy `in` (may be NULL: all defaults) to *out with every 0 field set to
 * its default and the depth capped at LG_MAX_ARCHIVE_DEPTH. */
static inline void lg_limits_resolve(struct lg_limits *out,
                                     const struct lg_limits *in)
{
    static const struct lg_limits none = {0, 0, 0, 0, 0, 0, 0};

    *out = in ? *in : none;
    if (!out->max_archive_depth)
        out->max_archive_depth = LG_DEFAULT_ARCHIVE_DEPTH;
    if (out->max_archive_depth > LG_MAX_ARCHIVE_DEPTH)
        out->max_archive_depth = LG_MAX_ARCHIVE_DEPTH;
    if (!out->max_archive_entries)
        out->max_archive_entries = LG_DEFAULT_ARCHIVE_ENTRIES;
    if (!out->max_expanded_bytes)
        out->max_expanded_bytes = LG_DEFAULT_EXPANDED_BYTES;
    if (!out->max_expansion_ratio)
        out->max_expansion_ratio = LG_DEFAULT_EXPANSION_RATIO;
    if (!out->ratio_grace)
        out->ratio_grace = LG_DEFAULT_RATIO_GRACE;
    if (!out->max_seconds)
        out->max_seconds = LG_DEFAULT_MAX_SECONDS;
    if (!out->max_buffered_bytes)
        out->max_buffered_bytes = LG_DEFAULT_BUFFERED_BYTES;
}

#endif
