#include "engine/decode.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "util/base64.h"

static const char *const names[LG_DEC_KINDS] = {"base64", "hex", "percent"};

const char *lg_decode_name(enum lg_decode_kind k)
{
    return (unsigned)k < LG_DEC_KINDS ? names[k] : "unknown";
}

const char *lg_decode_chain(enum lg_decode_kind outer, const char *inner)
{
    static const char *const chain[LG_DEC_KINDS][LG_DEC_KINDS] = {
        {"base64+base64", "base64+hex", "base64+percent"},
        {"hex+base64", "hex+hex", "hex+percent"},
        {"percent+base64", "percent+hex", "percent+percent"},
    };

    if (!inner)
        return lg_decode_name(outer);
    for (int i = 0; i < LG_DEC_KINDS; i++)
        if (strncmp(inner, names[i], strlen(names[i])) == 0)
            return chain[outer][i];
    return lg_decode_name(outer);
}

/* Byte classes: bit k set when the byte belongs to kind k's runs. */
static unsigned char alphabet[256];

static void init_alphabet(void)
{
    static const char pct[] = "%-._~:/?#[]@!$&()*+,;=";

    for (int c = 0; c < 256; c++) {
        unsigned char m = 0;
        if (isalnum(c) || c == '+' || c == '/' || c == '=')
            m |= 1u << LG_DEC_BASE64;
        if (isxdigit(c))
            m |= 1u << LG_DEC_HEX;
        if (isalnum(c) || (c && strchr(pct, c)))
            m |= 1u << LG_DEC_PERCENT;
        alphabet[c] = m;
    }
}

static bool in_alphabet(enum lg_decode_kind k, unsigned char c)
{
    return alphabet[c] >> k & 1;
}

static size_t max_run(enum lg_decode_kind k)
{
    return k == LG_DEC_PERCENT ? LG_DECODE_MAX_PCT : LG_DECODE_MAX_RUN;
}

bool lg_decode_find_run(enum lg_decode_kind k, const unsigned char *buf,
                        size_t lo, size_t hi, size_t to, bool lo_is_start,
                        bool hi_is_end, size_t *start, size_t *end)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    size_t s = to, e = to, max = max_run(k);

    pthread_once(&once, init_alphabet);
    while (e < hi && in_alphabet(k, buf[e]))
        if (++e - to > max)
            return false;
    if (e == hi && !hi_is_end)
        return false;
    while (s > lo && in_alphabet(k, buf[s - 1]))
        if (e - --s > max)
            return false;
    if (s == lo && !lo_is_start)
        return false;
    if (k == LG_DEC_BASE64) {
        /* '=' is padding only at the end: in "KEY=c2VjcmV0", the run is
         * what follows the last inner '=' */
        for (size_t i = e; i > s; i--)
            if (buf[i - 1] == '=' && i < e && buf[i] != '=') {
                s = i;
                break;
            }
    }
    *start = s;
    *end = e;
    return e > s;
}

/* Mostly printable text: no NUL, >= 90% printable ASCII or UTF-8 bytes. */
static bool looks_like_text(const unsigned char *p, size_t n)
{
    size_t bad = 0;

    if (n < LG_DECODE_MIN_TEXT)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == 0)
            return false;
        if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t' &&
            c < 0x80)
            bad++;
    }
    return bad * 10 <= n;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

size_t lg_decode_run(enum lg_decode_kind k, const unsigned char *in, size_t n,
                     unsigned char *out)
{
    size_t o = 0;

    switch (k) {
    case LG_DEC_BASE64:
        if (lg_base64_decode((const char *)in, n, out, n, &o, false) != 0)
            return 0;
        break;
    case LG_DEC_HEX:
        if (n % 2)
            return 0;
        for (size_t i = 0; i < n; i += 2)
            out[o++] = (unsigned char)(hexval(in[i]) << 4 | hexval(in[i + 1]));
        break;
    case LG_DEC_PERCENT: {
        size_t escapes = 0;
        for (size_t i = 0; i < n; i++) {
            if (in[i] == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 &&
                hexval(in[i + 2]) >= 0) {
                out[o++] = (unsigned char)(hexval(in[i + 1]) << 4 |
                                           hexval(in[i + 2]));
                i += 2;
                escapes++;
            } else {
                out[o++] = in[i];
            }
        }
        if (!escapes)
            return 0;
        break;
    }
    default:
        return 0;
    }
    return looks_like_text(out, o) ? o : 0;
}
