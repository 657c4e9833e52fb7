#include "util/text.h"

#include "util/error.h"

#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

void lg_fingerprint(const char *rule_id, const void *secret, size_t len,
                    char out[LG_FINGERPRINT_LEN + 1])
{
    XXH3_state_t st;
    XXH128_hash_t h;
    XXH128_canonical_t c;
    static const char hex[] = "0123456789abcdef";

    XXH3_128bits_reset(&st);
    XXH3_128bits_update(&st, rule_id, strlen(rule_id) + 1); /* with NUL */
    XXH3_128bits_update(&st, secret, len);
    h = XXH3_128bits_digest(&st);
    XXH128_canonicalFromHash(&c, h);
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[c.digest[i] >> 4];
        out[2 * i + 1] = hex[c.digest[i] & 15];
    }
    out[LG_FINGERPRINT_LEN] = '\0';
}

void lg_redact(const void *secret, size_t len, char *out, size_t outsz)
{
    const unsigned char *s = secret;
    size_t show = len >= 16 ? 4 : len >= 8 ? 2 : 0, i, o = 0;
    char tail[24];

    if (outsz == 0)
        return;
    for (i = 0; i < show && o + 1 < outsz; i++) {
        if (s[i] < 0x21 || s[i] > 0x7e)
            break;
        out[o++] = (char)s[i];
    }
    snprintf(tail, sizeof(tail), "\xe2\x80\xa6(%zu)", len); /* "…(N)" */
    for (i = 0; tail[i] && o + 1 < outsz; i++)
        out[o++] = tail[i];
    out[o] = '\0';
}

double lg_entropy(const void *data, size_t len)
{
    const unsigned char *p = data;
    unsigned counts[256] = {0};
    double h = 0.0;

    if (len == 0)
        return 0.0;
    for (size_t i = 0; i < len; i++)
        counts[p[i]]++;
    for (int c = 0; c < 256; c++) {
        if (counts[c]) {
            double q = (double)counts[c] / (double)len;
            h -= q * log2(q);
        }
    }
    return h;
}

/* Match pattern components against path components, with '**'. */
static bool match_parts(const char *pat, const char *path)
{
    for (;;) {
        const char *pslash = strchr(pat, '/');
        size_t plen = pslash ? (size_t)(pslash - pat) : strlen(pat);

        if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
            const char *rest = pslash ? pslash + 1 : "";
            if (!*rest)
                return true;
            for (const char *q = path;; q++) {
                if ((q == path || q[-1] == '/') && match_parts(rest, q))
                    return true;
                if (!*q)
                    return false;
            }
        }
        {
            const char *xslash = strchr(path, '/');
            size_t xlen = xslash ? (size_t)(xslash - path) : strlen(path);
            char pc[1024], xc[1024];

            if (plen >= sizeof(pc) || xlen >= sizeof(xc))
                return false;
            memcpy(pc, pat, plen);
            pc[plen] = '\0';
            memcpy(xc, path, xlen);
            xc[xlen] = '\0';
            if (fnmatch(pc, xc, 0) != 0)
                return false;
            if (!pslash && !xslash)
                return true;
            if (!pslash)
                return true; /* a directory pattern covers what is below it */
            if (!xslash)
                return false;
            pat = pslash + 1;
            path = xslash + 1;
        }
    }
}

/* Does any '/'-separated component of path match pat (no '/' in pat)? */
static bool any_component(const char *pat, const char *path)
{
    for (const char *p = path;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        char comp[1024];

        if (len < sizeof(comp)) {
            memcpy(comp, p, len);
            comp[len] = '\0';
            if (fnmatch(pat, comp, 0) == 0)
                return true;
        }
        if (!slash)
            return false;
        p = slash + 1;
    }
}

bool lg_glob_match(const char *pattern, const char *path)
{
    char tmp[1024];
    size_t n;

    while (path[0] == '.' && path[1] == '/')
        path += 2;
    n = strlen(pattern);
    if (n == 0 || n >= sizeof(tmp) - 3)
        return false;
    if (pattern[n - 1] == '/') {
        /* "dir/": that directory and everything below it */
        memcpy(tmp, pattern, n - 1);
        tmp[n - 1] = '\0';
        if (!strchr(tmp, '/'))
            return any_component(tmp, path);
        return match_parts(tmp[0] == '/' ? tmp + 1 : tmp, path);
    }
    /* No slash: like .gitignore, match any single component. */
    if (!strchr(pattern, '/'))
        return any_component(pattern, path);
    if (pattern[0] == '/')
        pattern++;
    return match_parts(pattern, path);
}

char *lg_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *lg_strdup_opt(const char *s, int *rc)
{
    char *p;

    if (!s)
        return NULL;
    p = lg_strndup(s, strlen(s));
    if (!p)
        *rc = LG_ENOMEM;
    return p;
}
