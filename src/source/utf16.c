/* Streaming UTF-16 → UTF-8.
 *
 * State between calls is at most one odd byte (t->pending, n_pending <= 1)
 * and one high surrogate waiting for its low half (t->hi).  Every code unit
 * goes through the same path whether its bytes arrived in one call or two,
 * so splitting the input anywhere gives identical output.
 *
 * Output bound: each 2-byte unit emits at most 3 bytes, except that a unit
 * that finds an unpaired high surrogate before it also emits that
 * surrogate's U+FFFD (3 more), and a completed pair emits 4 for 2 units.
 * With one carried byte that is <= 3 * (n + 1) / 2 + 3 <= 2n + 8.
 *
 * The BOM is not stripped here: the caller skips the two bytes that
 * lg_utf16_detect recognised. */
#include "source/utf16.h"

#include <stdint.h>

#include "util/utf8.h"

static const unsigned char replacement[3] = {0xEF, 0xBF, 0xBD}; /* FFFD */

static size_t put_replacement(unsigned char *out)
{
    out[0] = replacement[0];
    out[1] = replacement[1];
    out[2] = replacement[2];
    return 3;
}

int lg_utf16_detect(const unsigned char *p, size_t n)
{
    if (n < 2)
        return 0;
    if (p[0] == 0xFF && p[1] == 0xFE)
        return 2;
    if (p[0] == 0xFE && p[1] == 0xFF)
        return 3;
    return 0;
}

void lg_utf16_init(struct lg_utf16 *t, bool big_endian)
{
    t->big_endian = big_endian;
    t->pending[0] = t->pending[1] = t->pending[2] = 0;
    t->n_pending = 0;
    t->hi = 0;
}

/* Feed one code unit; returns bytes written to out (at most 6). */
static size_t unit(struct lg_utf16 *t, unsigned u, unsigned char *out)
{
    size_t k = 0;

    if (u >= 0xDC00 && u <= 0xDFFF && t->hi) {
        uint32_t cp = 0x10000u + (((uint32_t)t->hi - 0xD800u) << 10) +
                      ((uint32_t)u - 0xDC00u);
        t->hi = 0;
        return lg_utf8_encode(cp, out);
    }
    if (t->hi) {
        k += put_replacement(out); /* high surrogate not followed by a low */
        t->hi = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        t->hi = u;
        return k;
    }
    if (u >= 0xDC00 && u <= 0xDFFF)
        return k + put_replacement(out + k); /* lone low surrogate */
    return k + lg_utf8_encode(u, out + k);
}

static unsigned make_unit(const struct lg_utf16 *t, unsigned char a,
                          unsigned char b)
{
    return t->big_endian ? (unsigned)a << 8 | b : (unsigned)b << 8 | a;
}

size_t lg_utf16_convert(struct lg_utf16 *t, const unsigned char *in, size_t n,
                        unsigned char *out)
{
    size_t i = 0, k = 0;

    if (n == 0)
        return 0;
    if (t->n_pending) {
        k += unit(t, make_unit(t, t->pending[0], in[0]), out);
        t->n_pending = 0;
        i = 1;
    }
    for (; i + 1 < n; i += 2)
        k += unit(t, make_unit(t, in[i], in[i + 1]), out + k);
    if (i < n) {
        t->pending[0] = in[i];
        t->n_pending = 1;
    }
    return k;
}

size_t lg_utf16_finish(struct lg_utf16 *t, unsigned char *out)
{
    size_t k = 0;

    if (t->hi) {
        k += put_replacement(out);
        t->hi = 0;
    }
    if (t->n_pending) {
        k += put_replacement(out + k); /* odd trailing byte */
        t->n_pending = 0;
    }
    return k;
}
