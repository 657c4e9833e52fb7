/* Base64 decoding (RFC 4648), standard and URL-safe alphabets.
 *
 * Used by structural validators (rule/validate.c) and by the engine's
 * decoders, on untrusted bytes: every call is bounded by its input length
 * and output capacity, allocates nothing and keeps no state. */
#ifndef LG_UTIL_BASE64_H
#define LG_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes that decoding n input characters can produce at most. */
#define LG_BASE64_DECODED_MAX(n) (((n) / 4) * 3 + 2)

/* Decode the n characters at `in` into out[0..outcap) and store the number
 * of bytes written in *outlen.
 *
 * Alphabet: `+` `/` when !urlsafe, `-` `_` when urlsafe.  Padding `=` is
 * optional, but when present it must complete the last quantum (so the
 * total length is a multiple of 4) and only appear at the end.  Rejected
 * with LG_ESYNTAX: characters outside the alphabet (whitespace included),
 * a dangling single character (n % 4 == 1 without padding), misplaced or
 * excess padding, and non-canonical encodings whose unused trailing bits
 * are not zero — real encoders never produce them, and refusing them keeps
 * random text from "decoding".  An empty input decodes to zero bytes.
 *
 * Returns LG_OK, LG_ESYNTAX, or LG_ELIMIT when the result would not fit in
 * outcap bytes (LG_BASE64_DECODED_MAX(n) always fits).  *outlen is set only
 * on LG_OK.  `out` may be NULL when outcap is 0 (to validate and measure). */
int lg_base64_decode(const char *in, size_t n, unsigned char *out,
                     size_t outcap, size_t *outlen, bool urlsafe);

/* Whether c is in the (standard or URL-safe) alphabet, padding excluded. */
bool lg_base64_is_alpha(unsigned char c, bool urlsafe);

#endif
