/* A tiny strict JSON validator (RFC 8259) for the fuzz targets: the
 * oracle that every document leakguard writes must satisfy, and the
 * reference lg_jparse is compared with.  Deliberately independent of
 * src/util/json_parse.c and stricter than it: no BOM, strings must be
 * valid UTF-8, escapes must be complete.  Recursion is bounded by
 * MAX_DEPTH; deeper documents are rejected (the caller learns the depth). */
#include "fuzz.h"

#define MAX_DEPTH 512

struct jv {
    const unsigned char *p, *end;
    unsigned depth, max_depth;
};

bool lg_fuzz_utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        uint32_t cp, min;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (n - i <= k)
            return false;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += k + 1;
    }
    return true;
}

static void ws(struct jv *v)
{
    while (v->p < v->end &&
           (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
        v->p++;
}

static bool lit(struct jv *v, const char *s)
{
    for (; *s; s++, v->p++)
        if (v->p == v->end || *v->p != (unsigned char)*s)
            return false;
    return true;
}

static int hex4(const unsigned char *p)
{
    int u = 0;

    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        u = u << 4 | d;
    }
    return u;
}

static bool string(struct jv *v)
{
    const unsigned char *run;

    v->p++; /* '"' */
    run = v->p;
    while (v->p < v->end && *v->p != '"') {
        if (*v->p < 0x20)
            return false;
        if (*v->p == '\\') {
            if (!lg_fuzz_utf8_valid(run, (size_t)(v->p - run)))
                return false;
            if (v->end - v->p < 2)
                return false;
            v->p++;
            if (*v->p == 'u') {
                if (v->end - v->p < 5 || hex4(v->p + 1) < 0)
                    return false;
                v->p += 4;
            } else if (!(*v->p == '"' || *v->p == '\\' || *v->p == '/' ||
                         *v->p == 'b' || *v->p == 'f' || *v->p == 'n' ||
                         *v->p == 'r' || *v->p == 't')) {
                return false;
            }
            run = v->p + 1;
        }
        v->p++;
    }
    if (v->p == v->end || !lg_fuzz_utf8_valid(run, (size_t)(v->p - run)))
        return false;
    v->p++;
    return true;
}

static bool digits(struct jv *v)
{
    const unsigned char *s = v->p;

    while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
        v->p++;
    return v->p > s;
}

static bool number(struct jv *v)
{
    if (*v->p == '-')
        v->p++;
    if (v->p < v->end && *v->p == '0')
        v->p++;
    else if (!digits(v))
        return false;
    if (v->p < v->end && *v->p == '.') {
        v->p++;
        if (!digits(v))
            return false;
    }
    if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
        v->p++;
        if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
            v->p++;
        if (!digits(v))
            return false;
    }
    return true;
}

static bool value(struct jv *v);

/* Arrays and objects: `close` ends the list; members need "key":. */
static bool list(struct jv *v, unsigned char close, bool members)
{
    if (++v->depth > MAX_DEPTH)
        return false;
    if (v->depth > v->max_depth)
        v->max_depth = v->depth;
    v->p++;
    ws(v);
    if (v->p < v->end && *v->p == close) {
        v->p++;
        v->depth--;
        return true;
    }
    for (;;) {
        if (members) {
            if (v->p == v->end || *v->p != '"' || !string(v))
                return false;
            ws(v);
            if (v->p == v->end || *v->p != ':')
                return false;
            v->p++;
        }
        if (!value(v))
            return false;
        if (v->p == v->end)
            return false;
        if (*v->p == close)
            break;
        if (*v->p != ',')
            return false;
        v->p++;
        ws(v);
    }
    v->p++;
    v->depth--;
    return true;
}

/* A value with the whitespace around it. */
static bool value(struct jv *v)
{
    bool ok;

    ws(v);
    if (v->p == v->end)
        return false;
    switch (*v->p) {
    case '{': ok = list(v, '}', true); break;
    case '[': ok = list(v, ']', false); break;
    case '"': ok = string(v); break;
    case 't': ok = lit(v, "true"); break;
    case 'f': ok = lit(v, "false"); break;
    case 'n': ok = lit(v, "null"); break;
    default: ok = (*v->p == '-' || (*v->p >= '0' && *v->p <= '9')) && number(v);
    }
    if (ok)
        ws(v);
    return ok;
}

bool lg_fuzz_json_valid(const char *text, size_t n, unsigned *depth)
{
    struct jv v = {(const unsigned char *)text, (const unsigned char *)text + n,
                   0, 0};
    bool ok = value(&v) && v.p == v.end;

    if (depth)
        *depth = v.max_depth;
    return ok;
}
