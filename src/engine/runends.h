/* Ends of the Base64 and hex runs the decoders look at, found without
 * Vectorscan (see runends.c for why).
 *
 * lg_runends_find() reports exactly the (kind, end offset) pairs at which
 * the expressions lg_decode_hs_expr[LG_DEC_BASE64] and [LG_DEC_HEX] match:
 * a value marker (one of = : " ' >), at most four blanks (space, tab), then
 * 20 Base64 (A-Z a-z 0-9 + /) or 32 hex characters; the end is the offset
 * just past them, as Vectorscan reports it.  The unit tests compare it
 * with Vectorscan on random input. */
#ifndef LG_ENGINE_RUNENDS_H
#define LG_ENGINE_RUNENDS_H

#include <stddef.h>

/* Return 0 to go on, anything else to stop (returned by find). */
typedef int (*lg_runends_cb)(unsigned kind, size_t end, void *payload);

/* Report, in increasing order of end, every match of the two expressions
 * over the bytes buf[lo..hi) whose end lies in (from, hi], with lo <= from
 * <= hi.  buf[lo] must be the first byte of the object, or at least
 * LG_RUNENDS_BACK bytes must lie between lo and from: a match may start
 * that far before its end's chunk.  Returns 0 or the callback's value. */
int lg_runends_find(const unsigned char *buf, size_t lo, size_t from, size_t hi,
                    lg_runends_cb cb, void *payload);

/* Marker, four blanks and a hex run: the furthest back a match reaches. */
#define LG_RUNENDS_BACK (1 + 4 + 32)

#endif
