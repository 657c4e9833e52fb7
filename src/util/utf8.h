/* UTF-8 and UTF-16 helpers for text that comes from scanned input. */
#ifndef LG_UTIL_UTF8_H
#define LG_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the valid UTF-8 sequence at s, or 0 if the bytes at s are
 * not a valid, shortest-form, non-surrogate sequence. */
size_t lg_utf8_valid_prefix(const unsigned char *s, size_t n);

/* Encode code point cp (<= 0x10FFFF, not a surrogate) into out[4]; returns
 * the number of bytes written. */
size_t lg_utf8_encode(uint32_t cp, unsigned char out[4]);

#endif
