/* Base64 decoding, see base64.h.
 *
 * A strict decoder on purpose: callers use it to decide whether a run of
 * text *is* Base64 (a OneSpan API key, a JWT segment, a docker `auth`
 * value), so it refuses anything an encoder would not have produced rather
 * than skipping over it. */
#include "util/base64.h"

#include "util/error.h"

/* Value of c in the alphabet, or -1. */
static int sextet(unsigned char c, bool urlsafe)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (urlsafe ? '-' : '+'))
        return 62;
    if (c == (urlsafe ? '_' : '/'))
        return 63;
    return -1;
}

bool lg_base64_is_alpha(unsigned char c, bool urlsafe)
{
    return sextet(c, urlsafe) >= 0;
}

int lg_base64_decode(const char *in, size_t n, unsigned char *out,
                     size_t outcap, size_t *outlen, bool urlsafe)
{
    const unsigned char *p = (const unsigned char *)in;
    size_t data = n, pad = 0, need, o = 0;
    unsigned long acc = 0;
    unsigned bits = 0;

    /* Strip padding: at most two '=', and only to complete a quantum. */
    while (data > 0 && p[data - 1] == '=' && pad < 3) {
        data--;
        pad++;
    }
    if (pad > 0 && (pad > 2 || n % 4 != 0))
        return LG_ESYNTAX;
    if (data % 4 == 1)
        return LG_ESYNTAX;
    /* Padding must say exactly how many characters the last quantum lacks. */
    if (pad > 0 && pad != 4 - data % 4)
        return LG_ESYNTAX;

    need = data / 4 * 3 + (data % 4 ? data % 4 - 1 : 0);
    if (need > outcap)
        return LG_ELIMIT;

    for (size_t i = 0; i < data; i++) {
        int v = sextet(p[i], urlsafe);

        if (v < 0)
            return LG_ESYNTAX;
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1ul << bits) - 1;
        }
    }
    /* Leftover bits (2 or 4) must be zero in a canonical encoding. */
    if (acc != 0)
        return LG_ESYNTAX;
    *outlen = o;
    return LG_OK;
}
