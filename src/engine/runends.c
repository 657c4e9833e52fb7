/* Ends of Base64 and hex runs, bit-parallel.
 *
 * The decoders' run detectors used to be two of the expressions in the
 * Vectorscan database.  Their leading class [=:"'>] is frequent in code
 * ('=', "->", quotes), and measured on drivers/net of Linux 6.1 (113 MB
 * of small files, block mode) they cost more than all the rules' keywords
 * together: 92 ms for the database with them, 38 ms without.  Here they
 * cost a classification of every byte instead.
 *
 * A match of either expression ends `n` bytes (20 Base64, 32 hex) after a
 * position p preceded by at most four blanks and a marker.  Neither blanks
 * nor markers are Base64 characters, so p starts a maximal run of Base64
 * characters at least 20 long; and hex characters are Base64 characters,
 * so a hex match starts such a run too.  Hence: mark every byte that is a
 * Base64 character (SSE2: 16 bytes per step), find in 64 bytes at a time,
 * with the previous 64 bytes' marks as history, the positions where a run
 * reaches 20 bytes (20 marks ending there, none just before them), and
 * check the rare hits one by one: the marker behind p, and for hex, 32
 * hex characters from p.  Every such position yields its Base64 end
 * p + 20, and its hex end p + 32 when the run is hex that far; the next
 * run starts after both, so ends come out in increasing order. */
#include "engine/runends.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rule/ruleset.h" /* enum lg_decode_kind */
#include "util/base64.h"

#define B64_RUN 20
#define HEX_RUN 32
#define MAX_BLANKS 4

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static bool is_marker(unsigned char c)
{
    return c == '=' || c == ':' || c == '"' || c == '\'' || c == '>';
}

#ifdef __SSE2__
/* Bit i set when p[i] is a Base64 character, for 16 bytes.  Signed
 * compares: bytes >= 0x80 are negative and fall outside both ranges;
 * c | 0x20 folds upper case onto lower case and maps no other byte into
 * a-z. */
static uint64_t b64_mask16(const unsigned char *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    const __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                  _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), l));
    __m128i digit = /* '/' and '0'..'9' */
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('/' - 1)),
                      _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
    __m128i in = _mm_or_si128(_mm_or_si128(alpha, digit),
                              _mm_cmpeq_epi8(v, _mm_set1_epi8('+')));

    return (uint16_t)_mm_movemask_epi8(in);
}
#endif

/* Bit i set when p[i] is a Base64 character, for 64 bytes. */
static uint64_t b64_mask(const unsigned char *p)
{
#ifdef __SSE2__
    return b64_mask16(p) | b64_mask16(p + 16) << 16 | b64_mask16(p + 32) << 32 |
           b64_mask16(p + 48) << 48;
#else
    uint64_t m = 0;

    for (int i = 0; i < 64; i++)
        m |= (uint64_t)lg_base64_is_alpha(p[i], false) << i;
    return m;
#endif
}

/* High half of the 128-bit value hi:lo shifted left by k (0 < k < 64). */
static uint64_t shl_hi(uint64_t hi, uint64_t lo, unsigned k)
{
    return hi << k | lo >> (64 - k);
}

/* Bit i set when marks i-19..i of cur are set and mark i-20 is not, prev
 * holding the marks of the 64 bytes before cur. */
static uint64_t run_reaches_20(uint64_t cur, uint64_t prev)
{
    /* tN: N marks ending at the bit (the low halves lose their first bits,
     * which no bit of the result depends on) */
    uint64_t t1 = cur & shl_hi(cur, prev, 1), l1 = prev & prev << 1;
    uint64_t t2 = t1 & shl_hi(t1, l1, 2), l2 = l1 & l1 << 2;
    uint64_t t4 = t2 & shl_hi(t2, l2, 4), l4 = l2 & l2 << 4;
    uint64_t t8 = t4 & shl_hi(t4, l4, 8);

    return t8 & shl_hi(t2, l2, 16) & ~shl_hi(cur, prev, B64_RUN);
}

/* A marker and at most four blanks just before p, from lo on. */
static bool marked(const unsigned char *buf, size_t lo, size_t p)
{
    for (unsigned blanks = 0; p > lo; blanks++) {
        unsigned char c = buf[--p];
        if (c != ' ' && c != '\t')
            return is_marker(c);
        if (blanks == MAX_BLANKS)
            return false;
    }
    return false;
}

static bool hex_run(const unsigned char *p)
{
    for (size_t i = 0; i < HEX_RUN; i++)
        if (!is_hex(p[i]))
            return false;
    return true;
}

/* The run of Base64 characters starting at p is 20 long (p > lo): report
 * its ends in (from, hi]. */
static int report(const unsigned char *buf, size_t lo, size_t from, size_t hi,
                  size_t p, lg_runends_cb cb, void *payload)
{
    int rc = 0;

    if (p + HEX_RUN <= from || !marked(buf, lo, p))
        return 0;
    if (p + B64_RUN > from)
        rc = cb(LG_DEC_BASE64, p + B64_RUN, payload);
    if (rc == 0 && p + HEX_RUN <= hi && hex_run(buf + p))
        rc = cb(LG_DEC_HEX, p + HEX_RUN, payload);
    return rc;
}

int lg_runends_find(const unsigned char *buf, size_t lo, size_t from, size_t hi,
                    lg_runends_cb cb, void *payload)
{
    /* the earliest start with an end past `from` is from - 31; its run
     * start test needs the mark before it */
    size_t start = from - lo > HEX_RUN ? from - HEX_RUN : lo;
    uint64_t prev = 0;

    for (size_t x = start; x < hi; x += 64) {
        unsigned char tail[64];
        const unsigned char *p = buf + x;
        uint64_t marks, hits;

        if (hi - x < 64) { /* the last bytes, padded with non-Base64 */
            memset(tail, 0, sizeof(tail));
            memcpy(tail, p, hi - x);
            p = tail;
        }
        marks = b64_mask(p);
        hits = run_reaches_20(marks, prev);
        prev = marks;
        while (hits) {
            size_t run = x + (size_t)__builtin_ctzll(hits) + 1 - B64_RUN;
            int rc;

            hits &= hits - 1;
            /* marks before `start` read as unset: a run that seems to
             * start at `start` may start earlier */
            if (run <= start)
                continue;
            rc = report(buf, lo, from, hi, run, cb, payload);
            if (rc)
                return rc;
        }
    }
    return 0;
}
