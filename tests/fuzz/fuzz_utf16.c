/* Fuzz target: the streaming UTF-16 → UTF-8 transcoder
 * (source/utf16.h).
 *
 * Oracles: the output is valid UTF-8, within the documented bounds
 * (2n + 8 per call, 8 for finish), identical however the input is split,
 * and equal to what a plain reference decoder written here produces.
 *
 * Input: flags (bit 0: big-endian), a chunking seed, then the data. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "source/utf16.h"
#include "util/utf8.h"

/* Reference: whole input at once, U+FFFD for every unpaired surrogate and
 * for an odd trailing byte. */
static size_t reference(const unsigned char *in, size_t n, bool be,
                        unsigned char *out)
{
    size_t o = 0, i = 0;

    for (; i + 1 < n; i += 2) {
        unsigned u = be ? (unsigned)in[i] << 8 | in[i + 1]
                        : (unsigned)in[i + 1] << 8 | in[i];
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            unsigned v = be ? (unsigned)in[i + 2] << 8 | in[i + 3]
                            : (unsigned)in[i + 3] << 8 | in[i + 2];
            if (v >= 0xDC00 && v <= 0xDFFF) {
                uint32_t cp =
                    0x10000u + ((uint32_t)(u - 0xD800) << 10) + (v - 0xDC00);
                o += lg_utf8_encode(cp, out + o);
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            u = 0xFFFD;
        o += lg_utf8_encode(u, out + o);
    }
    if (i < n)
        o += lg_utf8_encode(0xFFFD, out + o);
    return o;
}

/* Convert in chunks (sizes from seed; 0-byte calls included). */
static size_t chunked(const unsigned char *in, size_t n, bool be, uint32_t seed,
                      unsigned char *out)
{
    struct lg_utf16 t;
    size_t at = 0, o = 0, k;

    lg_utf16_init(&t, be);
    while (at < n) {
        size_t len = lg_fuzz_xorshift(&seed, 0x2545F491u) % 6;
        if (len > n - at)
            len = n - at;
        k = lg_utf16_convert(&t, in + at, len, out + o);
        LG_FUZZ_CHECK(k <= 2 * len + 8);
        o += k;
        at += len;
    }
    k = lg_utf16_finish(&t, out + o);
    LG_FUZZ_CHECK(k <= 8);
    return o + k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_fuzz_in in = {data, size};
    bool be = lg_fuzz_u8(&in) & 1;
    uint32_t seed = lg_fuzz_u32(&in);
    size_t room = 2 * in.n + 16, n1, n2, n3, k;
    unsigned char *a = malloc(room), *b = malloc(room), *c = malloc(room);
    struct lg_utf16 t;
    int bom = lg_utf16_detect(in.p, in.n);

    LG_FUZZ_CHECK(bom == 0 || bom == 2 || bom == 3);
    if (!a || !b || !c)
        goto done;
    lg_utf16_init(&t, be);
    n1 = lg_utf16_convert(&t, in.p, in.n, a);
    LG_FUZZ_CHECK(n1 <= 2 * in.n + 8);
    k = lg_utf16_finish(&t, a + n1);
    LG_FUZZ_CHECK(k <= 8);
    n1 += k;
    n2 = chunked(in.p, in.n, be, seed, b);
    n3 = reference(in.p, in.n, be, c);
    if (!lg_fuzz_utf8_valid(a, n1))
        lg_fuzz_fail("utf16: output is not valid UTF-8");
    if (n1 != n2 || memcmp(a, b, n1) != 0)
        lg_fuzz_fail("utf16: chunked output differs (%zu vs %zu bytes)", n1,
                     n2);
    if (n1 != n3 || memcmp(a, c, n1) != 0)
        lg_fuzz_fail("utf16: output differs from the reference (%zu vs %zu "
                     "bytes)",
                     n1, n3);
done:
    free(a);
    free(b);
    free(c);
    return 0;
}
