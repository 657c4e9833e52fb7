/* Fuzz target: the engine's decoders (engine/decode.h) and the Base64
 * util (util/base64.h).
 *
 * Oracles: a Base64 decode that succeeds re-encodes to its input (the
 * decoder refuses non-canonical text), fits LG_BASE64_DECODED_MAX and
 * honours the output capacity; any bytes encoded here decode back to
 * themselves; a run found by lg_decode_find_run lies within the bounds
 * given and holds only its alphabet; decoded text is never longer than its
 * input and holds no NUL.
 *
 * Input: flags, the find_run bounds (lo, hi, to), a capacity byte, then
 * the data. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/decode.h"
#include "fuzz.h"
#include "util/base64.h"
#include "util/error.h"

static const char STD[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char URL[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Reference encoder (RFC 4648); returns the length written to out. */
static size_t encode(const unsigned char *in, size_t n, char *out, bool urlsafe,
                     bool pad)
{
    const char *a = urlsafe ? URL : STD;
    size_t o = 0, i = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v =
            (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        out[o++] = a[v >> 6 & 63];
        out[o++] = a[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        if (pad) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = a[v >> 18 & 63];
        out[o++] = a[v >> 12 & 63];
        out[o++] = a[v >> 6 & 63];
        if (pad)
            out[o++] = '=';
    }
    return o;
}

static void check_base64(const char *s, size_t n, bool urlsafe, size_t cap)
{
    size_t max = LG_BASE64_DECODED_MAX(n), len = 0, len2 = 0, enc_len;
    unsigned char *out = malloc(max + 1), *out2 = malloc(max + 1);
    char *enc = malloc(n + 4);
    size_t bare = n;
    int rc;

    if (!out || !out2 || !enc)
        goto done;
    rc = lg_base64_decode(s, n, out, max, &len, urlsafe);
    LG_FUZZ_CHECK(rc == LG_OK || rc == LG_ESYNTAX);
    if (rc == LG_OK) {
        LG_FUZZ_CHECK(len <= max);
        while (bare && s[bare - 1] == '=')
            bare--;
        if (bare < n) /* padding completes the last quantum */
            LG_FUZZ_CHECK(n % 4 == 0 && n - bare <= 2);
        enc_len = encode(out, len, enc, urlsafe, false);
        if (enc_len != bare || memcmp(enc, s, bare) != 0)
            lg_fuzz_fail("base64 (%s) accepted %zu chars that do not "
                         "re-encode to themselves",
                         urlsafe ? "url" : "std", n);
        /* The same result with an exact fit; LG_ELIMIT one byte short. */
        rc = lg_base64_decode(s, n, out2, len, &len2, urlsafe);
        LG_FUZZ_CHECK(rc == LG_OK && len2 == len &&
                      memcmp(out, out2, len) == 0);
        if (len) {
            rc = lg_base64_decode(s, n, out2, len - 1, &len2, urlsafe);
            LG_FUZZ_CHECK(rc == LG_ELIMIT);
        }
    }
    /* Any capacity (out NULL when 0): no write past it, known codes. */
    if (cap > max)
        cap = max;
    rc = lg_base64_decode(s, n, cap ? out2 : NULL, cap, &len2, urlsafe);
    LG_FUZZ_CHECK(rc == LG_OK || rc == LG_ESYNTAX || rc == LG_ELIMIT);
    if (rc == LG_OK)
        LG_FUZZ_CHECK(len2 <= cap);
done:
    free(out);
    free(out2);
    free(enc);
}

/* Bytes → Base64 (each alphabet, with and without padding) → bytes. */
static void check_roundtrip(const unsigned char *p, size_t n)
{
    char *enc = malloc(4 * (n / 3) + 8);
    unsigned char *dec = malloc(n + 4);

    if (!enc || !dec)
        goto done;
    for (int v = 0; v < 4; v++) {
        bool url = v & 1, pad = v & 2;
        size_t e = encode(p, n, enc, url, pad), d = 0;
        int rc = lg_base64_decode(enc, e, dec, n + 4, &d, url);
        if (rc != LG_OK || d != n || memcmp(dec, p, n) != 0)
            lg_fuzz_fail("base64 round trip failed (%zu bytes, %s, %s): %d", n,
                         url ? "url" : "std", pad ? "padded" : "bare", rc);
        LG_FUZZ_CHECK(lg_base64_is_alpha((unsigned char)enc[0], url) || e == 0);
    }
done:
    free(enc);
    free(dec);
}

/* The alphabets of engine/decode.c, restated. */
static bool in_alphabet(enum lg_decode_kind k, unsigned char c)
{
    switch (k) {
    case LG_DEC_BASE64: return isalnum(c) || c == '+' || c == '/' || c == '=';
    case LG_DEC_HEX: return isxdigit(c);
    default: return isalnum(c) || (c && strchr("%-._~:/?#[]@!$&()*+,;=", c));
    }
}

static void check_decoded(enum lg_decode_kind k, const unsigned char *in,
                          size_t n)
{
    unsigned char *out = malloc(n ? n : 1);
    size_t len;

    if (!out)
        return;
    len = lg_decode_run(k, in, n, out);
    LG_FUZZ_CHECK(len <= n);
    LG_FUZZ_CHECK(len == 0 || len >= LG_DECODE_MIN_TEXT);
    LG_FUZZ_CHECK(!memchr(out, 0, len));
    free(out);
}

static void check_runs(const unsigned char *p, size_t n, struct lg_fuzz_in *prm)
{
    size_t lo = lg_fuzz_u16(prm), hi = lg_fuzz_u16(prm);
    size_t to = lg_fuzz_u16(prm);
    uint8_t ends = lg_fuzz_u8(prm);
    bool lo_is_start = ends & 1, hi_is_end = ends & 2;

    if (n == 0)
        return;
    lo %= n + 1;
    hi = lo + hi % (n - lo + 1);
    to = lo + to % (hi - lo + 1);
    for (unsigned k = 0; k < LG_DEC_KINDS; k++) {
        size_t start = 0, end = 0;
        size_t max =
            k == LG_DEC_PERCENT ? LG_DECODE_MAX_PCT : LG_DECODE_MAX_RUN;

        if (!lg_decode_find_run(k, p, lo, hi, to, lo_is_start, hi_is_end,
                                &start, &end))
            continue;
        /* A maximal run of the alphabet around `to`, within the bounds,
         * touching a bound only where the object ends.  Base64 runs start
         * after the last '=' that is not trailing padding ("KEY=c2Vj"). */
        LG_FUZZ_CHECK(lo <= start && start < end && end <= hi);
        LG_FUZZ_CHECK(to <= end && (start <= to || k == LG_DEC_BASE64));
        LG_FUZZ_CHECK(end - start <= max);
        for (size_t i = start; i < end; i++)
            LG_FUZZ_CHECK(in_alphabet(k, p[i]));
        if (k == LG_DEC_BASE64)
            for (size_t i = start; i + 1 < end; i++)
                LG_FUZZ_CHECK(p[i] != '=' || p[i + 1] == '=');
        if (start > lo)
            LG_FUZZ_CHECK(!in_alphabet(k, p[start - 1]) ||
                          (k == LG_DEC_BASE64 && p[start - 1] == '='));
        else
            LG_FUZZ_CHECK(lo_is_start);
        LG_FUZZ_CHECK(end < hi ? !in_alphabet(k, p[end]) : hi_is_end);
        check_decoded(k, p + start, end - start);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_fuzz_in prm = {data, size > 8 ? 8 : size};
    struct lg_fuzz_in in = {data, size};
    size_t skip, cap;
    const uint8_t *p;
    bool hex = true;

    p = lg_fuzz_bytes(&in, 8, &skip);
    (void)p;
    cap = lg_fuzz_u8(&prm);
    p = in.p;
    check_base64((const char *)p, in.n, false, cap);
    check_base64((const char *)p, in.n, true, cap);
    check_roundtrip(p, in.n);
    check_runs(p, in.n, &prm);
    /* Base64 and percent decode any bytes; hex only its alphabet. */
    check_decoded(LG_DEC_BASE64, p, in.n);
    check_decoded(LG_DEC_PERCENT, p, in.n);
    for (size_t i = 0; i < in.n; i++)
        hex = hex && isxdigit(p[i]);
    if (hex)
        check_decoded(LG_DEC_HEX, p, in.n);
    for (unsigned k = 0; k < LG_DEC_KINDS; k++) {
        char inner[16];
        size_t m = in.n < sizeof(inner) - 1 ? in.n : sizeof(inner) - 1;
        memcpy(inner, p, m);
        inner[m] = '\0';
        LG_FUZZ_CHECK(lg_decode_name(k) && lg_decode_chain(k, inner) &&
                      lg_decode_chain(k, NULL));
    }
    return 0;
}
