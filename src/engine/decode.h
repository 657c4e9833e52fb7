/* Decoders for encoded runs: Base64 (standard and URL-safe), hex and
 * percent-encoding.
 *
 * The scanner learns where encoded runs are from the expressions of
 * lg_decode_hs_expr (rule/ruleset.h): percent-escapes in the Vectorscan
 * pass of the rules' candidates, Base64 and hex runs in a pass of their
 * own (engine/runends.h).  It then finds the run around each candidate,
 * decodes it, and rescans the result when it looks like text. */
#ifndef LG_ENGINE_DECODE_H
#define LG_ENGINE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "rule/ruleset.h" /* enum lg_decode_kind, lg_decode_hs_expr */

#define LG_DECODE_MAX_RUN (16 * 1024) /* longer runs are not decoded */
#define LG_DECODE_MAX_PCT 2048        /* percent-encoded tokens: each side */
#define LG_DECODE_MIN_TEXT 8          /* shortest decoded text rescanned */

const char *lg_decode_name(enum lg_decode_kind k); /* "base64", ... */
/* "base64+hex" etc. for a finding decoded twice (outer, inner). */
const char *lg_decode_chain(enum lg_decode_kind outer, const char *inner);

/* Find the run around a candidate ending at `to` (an offset into buf),
 * within buf[lo..hi).  lo_is_start / hi_is_end say whether lo and hi are
 * the ends of the object; a run reaching a bound that is not an end is
 * longer than the caller keeps, hence too long.  Returns false when there
 * is no run or it is longer than the kind's maximum. */
bool lg_decode_find_run(enum lg_decode_kind k, const unsigned char *buf,
                        size_t lo, size_t hi, size_t to, bool lo_is_start,
                        bool hi_is_end, size_t *start, size_t *end);

/* Decode in[0..n) into out (at least n bytes of room); returns the decoded
 * length, or 0 when the run does not decode to text worth rescanning. */
size_t lg_decode_run(enum lg_decode_kind k, const unsigned char *in, size_t n,
                     unsigned char *out);

#endif
