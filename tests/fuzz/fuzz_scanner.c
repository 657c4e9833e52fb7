/* Fuzz target: the streaming scanner.  The engine promises identical
 * findings however an object is split into chunks (engine/scanner.h), so
 * each input is scanned once in one piece and once in chunks whose sizes
 * come from the input, through feed() and reserve()/commit(); the two
 * lists of findings must be equal, field by field.  Every finding is also
 * checked against the object itself: a plain secret lies at its offset,
 * and line and column agree with the newlines before it.
 *
 * Input: flags, a filler (size, byte, position: inserted into the data so
 * that short inputs still make the window slide and secrets straddle the
 * commit point), the chunking seed and size class, then the data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/scanner.h"
#include "fuzz.h"
#include "util/buf.h"

#define PAD_UNIT 1024 /* filler size unit; up to 63 units */

struct rec {
    const struct lg_crule *rule;
    uint64_t offset, line, column, end_line, end_column;
    char *secret;
    size_t secret_len;
    char *before, *after, *identity;
    const char *decoded;
    char fingerprint[LG_FINGERPRINT_LEN + 1];
};

struct recs {
    struct rec *v;
    size_t n, cap;
    const unsigned char *obj; /* the whole object, for the checks */
    size_t obj_len;
};

static char *dup_or_null(const char *s)
{
    return s ? lg_strndup(s, strlen(s)) : NULL;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The newline-derived position of offset `off` in the object. */
static void position(const struct recs *r, uint64_t off, uint64_t *line,
                     uint64_t *col)
{
    uint64_t l = 1, start = 0;

    for (uint64_t i = 0; i < off && i < r->obj_len; i++)
        if (r->obj[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = off - start + 1;
}

static int collect(const struct lg_finding *f, void *payload)
{
    struct recs *r = payload;
    struct rec *x;
    uint64_t line, col;

    void *v = lg_grow(r->v, &r->cap, r->n, sizeof(*r->v), 16);
    if (!v)
        return LG_ENOMEM;
    r->v = v;
    LG_FUZZ_CHECK(f->rule && f->secret && f->path);
    LG_FUZZ_CHECK(f->offset <= r->obj_len);
    if (!f->decoded) {
        LG_FUZZ_CHECK(f->secret_len <= r->obj_len - f->offset);
        LG_FUZZ_CHECK(memcmp(r->obj + f->offset, f->secret, f->secret_len) ==
                      0);
    }
    position(r, f->offset, &line, &col);
    if (line != f->line || col != f->column)
        lg_fuzz_fail("finding of %s at offset %llu: line %llu col %llu, "
                     "expected %llu:%llu",
                     f->rule->rule.id, (unsigned long long)f->offset,
                     (unsigned long long)f->line, (unsigned long long)f->column,
                     (unsigned long long)line, (unsigned long long)col);
    LG_FUZZ_CHECK(f->end_line > f->line ||
                  (f->end_line == f->line && f->end_column >= f->column));
    x = &r->v[r->n++];
    memset(x, 0, sizeof(*x));
    x->rule = f->rule;
    x->offset = f->offset;
    x->line = f->line;
    x->column = f->column;
    x->end_line = f->end_line;
    x->end_column = f->end_column;
    x->secret = lg_strndup(f->secret, f->secret_len);
    x->secret_len = f->secret_len;
    x->before = dup_or_null(f->line_before);
    x->after = dup_or_null(f->line_after);
    x->identity = dup_or_null(f->identity);
    x->decoded = f->decoded;
    memcpy(x->fingerprint, f->fingerprint, sizeof(x->fingerprint));
    if (!x->secret)
        return LG_ENOMEM;
    return LG_OK;
}

static void recs_release(struct recs *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].secret);
        free(r->v[i].before);
        free(r->v[i].after);
        free(r->v[i].identity);
    }
    free(r->v);
    memset(r, 0, sizeof(*r));
}

static bool rec_equal(const struct rec *a, const struct rec *b)
{
    return a->rule == b->rule && a->offset == b->offset && a->line == b->line &&
           a->column == b->column && a->end_line == b->end_line &&
           a->end_column == b->end_column && a->secret_len == b->secret_len &&
           memcmp(a->secret, b->secret, a->secret_len) == 0 &&
           same_str(a->before, b->before) && same_str(a->after, b->after) &&
           same_str(a->identity, b->identity) &&
           same_str(a->decoded, b->decoded) &&
           strcmp(a->fingerprint, b->fingerprint) == 0;
}

static void dump(const char *what, const struct recs *r)
{
    fprintf(stderr, "%s: %zu findings\n", what, r->n);
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "  %s off=%llu %llu:%llu-%llu:%llu len=%zu %s\n",
                r->v[i].rule->rule.id, (unsigned long long)r->v[i].offset,
                (unsigned long long)r->v[i].line,
                (unsigned long long)r->v[i].column,
                (unsigned long long)r->v[i].end_line,
                (unsigned long long)r->v[i].end_column, r->v[i].secret_len,
                r->v[i].decoded ? r->v[i].decoded : "-");
}

/* Feed obj in chunks of 1 .. 2^cls bytes; some through reserve/commit. */
static int feed_chunked(struct lg_scanner *sc, const unsigned char *obj,
                        size_t n, uint32_t seed, unsigned cls, bool zc)
{
    size_t at = 0;
    int rc = LG_OK;

    while (rc == LG_OK && at < n) {
        size_t len =
            1 + lg_fuzz_xorshift(&seed, 0x9E3779B9u) % ((size_t)1 << cls);
        if (len > n - at)
            len = n - at;
        if (zc && (seed & 0x100)) {
            void *room;
            size_t cap;
            rc = lg_scanner_reserve(sc, &room, &cap);
            if (rc < 0)
                break;
            LG_FUZZ_CHECK(cap > 0);
            if (len > cap)
                len = cap;
            memcpy(room, obj + at, len);
            rc = lg_scanner_commit(sc, len);
        } else {
            rc = lg_scanner_feed(sc, obj + at, len);
        }
        at += len;
    }
    return rc;
}

static int scan(struct lg_scanner *sc, const unsigned char *obj, size_t n,
                struct recs *out, bool chunked, uint32_t seed, unsigned cls,
                bool zc)
{
    int rc;

    out->obj = obj;
    out->obj_len = n;
    rc = lg_scanner_begin(sc, "fuzz/input.txt", collect, out);
    if (rc < 0)
        return rc;
    rc = chunked ? feed_chunked(sc, obj, n, seed, cls, zc)
                 : lg_scanner_feed(sc, obj, n);
    if (rc == LG_ESTOP)
        rc = LG_OK;
    if (rc < 0) {
        lg_scanner_abort(sc);
        return rc;
    }
    return lg_scanner_end(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct lg_scanner *scanners[2][3][2];
    struct lg_fuzz_in in = {data, size};
    uint8_t flags = lg_fuzz_u8(&in);
    size_t pad = (size_t)(lg_fuzz_u8(&in) & 63) * PAD_UNIT;
    uint8_t fill = lg_fuzz_u8(&in);
    uint16_t pad_at = lg_fuzz_u16(&in);
    uint32_t seed = lg_fuzz_u32(&in);
    unsigned cls = lg_fuzz_u8(&in) % 17;
    bool builtin = flags & 1, zc = flags & 8;
    unsigned depth = (flags >> 1 & 3) % 3;
    bool allow = flags & 16;
    struct lg_scanner **sc = &scanners[builtin][depth][allow];
    struct recs one = {0}, many = {0};
    unsigned char *obj;
    size_t n, at;
    int rc1, rc2;

    if (!*sc) {
        struct lg_scan_opts o = {.allow_comments = allow,
                                 .max_decode_depth = depth};
        struct lg_error err;
        if (lg_scanner_new(sc, lg_fuzz_ruleset(builtin), &o, &err) < 0)
            lg_fuzz_fail("lg_scanner_new: %s", err.msg);
    }
    n = in.n + pad;
    obj = malloc(n ? n : 1);
    if (!obj)
        return 0;
    at = in.n ? (size_t)pad_at % (in.n + 1) : 0;
    memcpy(obj, in.p, at);
    memset(obj + at, fill, pad);
    memcpy(obj + at + pad, in.p + at, in.n - at);

    rc1 = scan(*sc, obj, n, &one, false, 0, 0, false);
    rc2 = scan(*sc, obj, n, &many, true, seed, cls, zc);
    if (rc1 != rc2)
        lg_fuzz_fail("one-shot scan returned %d, chunked %d", rc1, rc2);
    if (rc1 == LG_OK) {
        bool same = one.n == many.n;
        for (size_t i = 0; same && i < one.n; i++)
            same = rec_equal(&one.v[i], &many.v[i]);
        if (!same) {
            dump("one-shot", &one);
            dump("chunked", &many);
            lg_fuzz_fail("chunked findings differ (seed %u, class %u)", seed,
                         cls);
        }
    }
    recs_release(&one);
    recs_release(&many);
    free(obj);
    return 0;
}
