/* Streaming UTF-16 → UTF-8 transcoder for text files that start with a
 * UTF-16 byte-order mark.  Unpaired surrogates become U+FFFD.  Feeding may
 * split code units and surrogate pairs anywhere. */
#ifndef LG_SOURCE_UTF16_H
#define LG_SOURCE_UTF16_H

#include <stdbool.h>
#include <stddef.h>

struct lg_utf16 {
    bool big_endian;
    unsigned char pending[3]; /* bytes of an incomplete unit/pair */
    size_t n_pending;
    unsigned hi;              /* pending high surrogate, 0 if none */
};

/* Returns 2 for a UTF-16LE BOM (FF FE), 3 for UTF-16BE (FE FF) — i.e.
 * nonzero with bit 0 set for big-endian — and 0 when there is no BOM. */
int lg_utf16_detect(const unsigned char *p, size_t n);

void lg_utf16_init(struct lg_utf16 *t, bool big_endian);
/* Convert `n` input bytes; writes at most 2*n+8 bytes into out (size it so)
 * and returns the number written. */
size_t lg_utf16_convert(struct lg_utf16 *t, const unsigned char *in,
                        size_t n, unsigned char *out);
/* Flush at end of input (an odd byte or lone surrogate → U+FFFD); out must
 * have room for 8 bytes. */
size_t lg_utf16_finish(struct lg_utf16 *t, unsigned char *out);

#endif
