/* The streaming scanner.
 *
 * Two stages.  Vectorscan, in streaming mode, runs once over every byte
 * with all rules' prefilter expressions and reports candidates (rule, end
 * offset) in increasing offset order; it keeps its own state across chunks,
 * so the candidates do not depend on how the object was split.  PCRE2 then
 * confirms each rule only around its candidates: a candidate c of a rule
 * with max_len L admits matches starting in [c - L, c], and candidates
 * closer than 2L are merged into one interval, searched left to right for
 * leftmost, non-overlapping matches exactly as a whole-object search would
 * find them (a match that contains a candidate lies inside that candidate's
 * window, so no match can straddle two intervals).
 *
 * Streaming.  The window holds the bytes from `base` to `base + len`.  After
 * each chunk, PCRE2 may only try start positions below the commit point
 * K = end - L_max - MARGIN, where every attempt still sees all the bytes it
 * can read (patterns are bounded by max_len; MARGIN covers look-ahead, the
 * context and the inline-allow scans).  An interval not finished below K
 * keeps a resume position and continues in the next window.  Bytes below
 * K - look-behind - CONTEXT are then dropped, after the line counter has
 * passed them.  Memory is therefore the chunk size plus a few max_len,
 * whatever the object size, and results are identical however the input is
 * chunked (tests split at every byte).
 *
 * Matches of one window are sorted by offset before line numbers are
 * computed, so the line counter only moves forward (SWAR newline count). */
/* memmem and memrchr are GNU extensions; glibc and musl have them. */
#define _GNU_SOURCE
#include "engine/scanner.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/filter.h"
#include "rule/validate.h"
#include "util/text.h"

#define CTX_BACK 4096          /* bytes kept before K for context/allow */
#define MARGIN (4096 + 256)    /* bytes needed after a match end */
#define LINE_SNIP 120          /* line_before / line_after caps */
#define MATCH_LIMIT 2000000
#define HEAP_LIMIT_KIB (32 * 1024)

struct interval {
    uint32_t rule;
    bool open;          /* may still grow with new candidates */
    uint64_t resume;    /* next start position to try */
    uint64_t c_last;    /* last candidate end in the interval */
};

struct hit {
    uint32_t rule;
    uint64_t start, end;   /* whole match */
    uint64_t sstart, send; /* secret */
};

struct rstate {
    long open;          /* index in iv of the rule's open interval, or -1 */
    uint64_t last_end;  /* end of the rule's last accepted match */
};

struct linectr {
    uint64_t pos;        /* bytes before pos have been counted */
    uint64_t line;       /* 1-based line number at pos */
    uint64_t line_start; /* absolute offset where that line starts */
};

struct lg_scanner {
    const struct lg_ruleset *rs;
    struct lg_scan_opts opts;
    hs_scratch_t *scratch;
    hs_stream_t *stream;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    size_t L;            /* ruleset max_len */
    size_t keep_back;    /* look-behind + CTX_BACK */

    unsigned char *win;
    size_t cap, len;
    uint64_t base;

    struct rstate *rst;
    struct interval *iv;
    size_t n_iv, cap_iv;
    struct hit *hits;
    size_t n_hits, cap_hits;
    struct linectr lc;

    const char *path;
    lg_finding_cb cb;
    void *payload;
    int status;
    bool in_object;
    struct lg_scan_counts counts;
    char errmsg[256];
    char secret_buf[LG_RULE_MAX_LEN_LIMIT + 1];
};

/* ------------------------------------------------------------------ */
/* Line counting                                                        */

/* Number of '\n' bytes in p[0..n): 8 bytes at a time (exact SWAR test for
 * zero bytes after xor with '\n'). */
static uint64_t count_newlines(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n';
    const uint64_t low7 = ones * 0x7f;
    uint64_t count = 0;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t w, x, t;
        memcpy(&w, p + i, 8);
        x = w ^ nl;
        t = ((x & low7) + low7) | x;
        count += (uint64_t)__builtin_popcountll(~t & (ones << 7));
    }
    for (; i < n; i++)
        count += p[i] == '\n';
    return count;
}

static void lc_advance(struct linectr *lc, const unsigned char *win,
                       uint64_t base, uint64_t to)
{
    const unsigned char *p, *last;
    size_t n;

    if (to <= lc->pos)
        return;
    p = win + (lc->pos - base);
    n = (size_t)(to - lc->pos);
    lc->line += count_newlines(p, n);
    last = memrchr(p, '\n', n);
    if (last)
        lc->line_start = base + (uint64_t)(last - win) + 1;
    lc->pos = to;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                           */

int lg_scanner_new(struct lg_scanner **out, const struct lg_ruleset *rs,
                   const struct lg_scan_opts *opts, struct lg_error *err)
{
    struct lg_scanner *s;
    uint32_t maxcap = 0;
    int rc = LG_ENOMEM;

    *out = NULL;
    if (!rs->compiled)
        return lg_error_set(err, LG_EINVAL, "ruleset is not compiled");
    s = calloc(1, sizeof(*s));
    if (!s)
        goto fail;
    s->rs = rs;
    if (opts)
        s->opts = *opts;
    s->L = rs->max_len ? rs->max_len : 1;
    s->keep_back = rs->max_lookbehind + CTX_BACK;
    s->cap = LG_SCAN_CHUNK + 2 * s->L + MARGIN + s->keep_back + 64;
    s->win = malloc(s->cap);
    s->rst = calloc(rs->n ? rs->n : 1, sizeof(*s->rst));
    if (!s->win || !s->rst)
        goto fail;
    for (size_t i = 0; i < rs->n; i++) {
        uint32_t c = 0;
        if (rs->rules[i].re)
            pcre2_pattern_info(rs->rules[i].re, PCRE2_INFO_CAPTURECOUNT, &c);
        if (c > maxcap)
            maxcap = c;
        s->rst[i].open = -1;
    }
    s->md = pcre2_match_data_create(maxcap + 1, NULL);
    s->mctx = pcre2_match_context_create(NULL);
    s->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
    if (!s->md || !s->mctx || !s->jit)
        goto fail;
    pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
    pcre2_set_heap_limit(s->mctx, HEAP_LIMIT_KIB);
    pcre2_jit_stack_assign(s->mctx, NULL, s->jit);
    if (rs->hs_db) {
        if (hs_alloc_scratch(rs->hs_db, &s->scratch) != HS_SUCCESS ||
            hs_open_stream(rs->hs_db, 0, &s->stream) != HS_SUCCESS) {
            rc = lg_error_set(err, LG_EINTERNAL,
                              "cannot allocate vectorscan scratch space");
            goto fail;
        }
    }
    s->lc.line = 1;
    *out = s;
    return LG_OK;
fail:
    lg_scanner_free(s);
    if (rc == LG_ENOMEM)
        lg_error_set(err, rc, "cannot create a scanner: out of memory");
    return rc;
}

void lg_scanner_free(struct lg_scanner *s)
{
    if (!s)
        return;
    if (s->stream)
        hs_close_stream(s->stream, s->scratch, NULL, NULL);
    hs_free_scratch(s->scratch);
    pcre2_match_data_free(s->md);
    pcre2_match_context_free(s->mctx);
    pcre2_jit_stack_free(s->jit);
    free(s->win);
    free(s->rst);
    free(s->iv);
    free(s->hits);
    free(s);
}

static void reset_object(struct lg_scanner *s)
{
    s->base = 0;
    s->len = 0;
    s->n_iv = 0;
    s->n_hits = 0;
    for (size_t i = 0; i < s->rs->n; i++) {
        s->rst[i].open = -1;
        s->rst[i].last_end = 0;
    }
    s->lc.pos = 0;
    s->lc.line = 1;
    s->lc.line_start = 0;
    s->in_object = false;
}

int lg_scanner_begin(struct lg_scanner *s, const char *path, lg_finding_cb cb,
                     void *payload)
{
    if (s->in_object)
        lg_scanner_abort(s);
    reset_object(s);
    s->path = path;
    s->cb = cb;
    s->payload = payload;
    s->status = LG_OK;
    s->errmsg[0] = '\0';
    memset(&s->counts, 0, sizeof(s->counts));
    s->in_object = true;
    return LG_OK;
}

const struct lg_scan_counts *lg_scanner_counts(const struct lg_scanner *s)
{
    return &s->counts;
}

const char *lg_scanner_errmsg(const struct lg_scanner *s)
{
    return s->errmsg;
}

static void set_status(struct lg_scanner *s, int rc, const char *msg)
{
    if (s->status != LG_OK)
        return;
    s->status = rc;
    if (msg)
        snprintf(s->errmsg, sizeof(s->errmsg), "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Candidates                                                           */

static int push_interval(struct lg_scanner *s, uint32_t rule, uint64_t lo,
                         uint64_t c)
{
    struct interval *v;

    if (s->n_iv == s->cap_iv) {
        size_t ncap = s->cap_iv ? s->cap_iv * 2 : 64;
        v = realloc(s->iv, ncap * sizeof(*v));
        if (!v)
            return LG_ENOMEM;
        s->iv = v;
        s->cap_iv = ncap;
    }
    v = &s->iv[s->n_iv];
    v->rule = rule;
    v->open = true;
    v->resume = lo > s->rst[rule].last_end ? lo : s->rst[rule].last_end;
    v->c_last = c;
    s->rst[rule].open = (long)s->n_iv;
    s->n_iv++;
    return LG_OK;
}

static int on_candidate(unsigned int id, unsigned long long from,
                        unsigned long long to, unsigned int flags, void *ctx)
{
    struct lg_scanner *s = ctx;
    const struct lg_crule *c = &s->rs->rules[id];
    struct rstate *st = &s->rst[id];
    uint64_t L = c->rule.max_len, lo = to > L ? to - L : 0;

    (void)from;
    (void)flags;
    s->counts.candidates++;
    if (st->open >= 0) {
        struct interval *v = &s->iv[st->open];
        if (lo <= v->c_last + L) {
            if (to > v->c_last)
                v->c_last = to;
            return 0;
        }
        v->open = false;
        st->open = -1;
    }
    if (push_interval(s, id, lo, to) < 0) {
        set_status(s, LG_ENOMEM, "out of memory");
        return 1; /* stop the scan */
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Confirmation                                                         */

static int push_hit(struct lg_scanner *s, const struct hit *h)
{
    if (s->n_hits == s->cap_hits) {
        size_t ncap = s->cap_hits ? s->cap_hits * 2 : 64;
        struct hit *v = realloc(s->hits, ncap * sizeof(*v));
        if (!v)
            return LG_ENOMEM;
        s->hits = v;
        s->cap_hits = ncap;
    }
    s->hits[s->n_hits++] = *h;
    return LG_OK;
}

/* Search interval v for matches starting below `limit_k` (the commit
 * point, or UINT64_MAX at end of object).  Returns true when the interval
 * is finished. */
static bool confirm_interval(struct lg_scanner *s, struct interval *v,
                             uint64_t limit_k, bool eof)
{
    const struct lg_crule *c = &s->rs->rules[v->rule];
    uint64_t end = s->base + s->len, L = c->rule.max_len;
    uint64_t limit = v->c_last + 1 < limit_k ? v->c_last + 1 : limit_k;
    uint64_t subj_end = v->c_last + L + MARGIN < end ? v->c_last + L + MARGIN
                                                     : end;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

    if (v->resume < s->rst[v->rule].last_end)
        v->resume = s->rst[v->rule].last_end;
    while (v->resume < limit) {
        int n = pcre2_match(c->re, s->win, (PCRE2_SIZE)(subj_end - s->base),
                            (PCRE2_SIZE)(v->resume - s->base), 0, s->md,
                            s->mctx);
        struct hit h;

        if (n == PCRE2_ERROR_NOMATCH) {
            v->resume = limit;
            break;
        }
        if (n < 0) {
            char msg[200];
            snprintf(msg, sizeof(msg),
                     "rule '%s': pcre2 error %d near offset %llu; region "
                     "skipped",
                     c->rule.id, n, (unsigned long long)v->resume);
            set_status(s, LG_ELIMIT, msg);
            v->resume = limit; /* skip the region, keep scanning */
            break;
        }
        h.rule = v->rule;
        h.start = s->base + ov[0];
        h.end = s->base + ov[1];
        if (h.start >= limit) {
            v->resume = limit;
            break;
        }
        if ((uint32_t)n > c->secret_group &&
            ov[2 * c->secret_group] != PCRE2_UNSET) {
            h.sstart = s->base + ov[2 * c->secret_group];
            h.send = s->base + ov[2 * c->secret_group + 1];
        } else {
            h.sstart = h.start; /* unset group: report the whole match */
            h.send = h.end;
        }
        s->counts.matches++;
        if (push_hit(s, &h) < 0) {
            set_status(s, LG_ENOMEM, "out of memory");
            return true;
        }
        s->rst[v->rule].last_end = h.end;
        v->resume = h.end > h.start ? h.end : h.start + 1;
    }
    return (!v->open || eof) && v->resume > v->c_last;
}

/* Run the confirm stage for everything below limit_k. */
static void confirm(struct lg_scanner *s, uint64_t limit_k, bool eof)
{
    uint64_t end = s->base + s->len;
    size_t w = 0;

    for (size_t r = 0; r < s->n_iv; r++) {
        struct interval v = s->iv[r];
        uint64_t L = s->rs->rules[v.rule].rule.max_len;
        bool done;

        /* Vectorscan has scanned to `end`; a future candidate ends after
         * it and merges only if it is within 2L of c_last. */
        if (v.open && v.c_last + 2 * L < end) {
            v.open = false;
            if (s->rst[v.rule].open == (long)r)
                s->rst[v.rule].open = -1;
        }
        done = confirm_interval(s, &v, limit_k, eof);

        if (s->rst[v.rule].open == (long)r)
            s->rst[v.rule].open = done ? -1 : (long)w;
        if (!done)
            s->iv[w++] = v;
    }
    s->n_iv = w;
}

/* ------------------------------------------------------------------ */
/* Findings                                                             */

static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;

    if (x->sstart != y->sstart)
        return x->sstart < y->sstart ? -1 : 1;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    return 0;
}

/* [from, to) of the lines around [start, end): `lines` whole lines before
 * and after the lines the span touches, capped to CTX_BACK bytes before and
 * MARGIN - 256 after, which the window is guaranteed to hold. */
static void line_span(const struct lg_scanner *s, uint64_t start, uint64_t end,
                      unsigned lines, uint64_t *from, uint64_t *to)
{
    uint64_t wend = s->base + s->len;
    uint64_t lo = start > s->base + CTX_BACK ? start - CTX_BACK : s->base;
    uint64_t hi = end + (MARGIN - 256) < wend ? end + (MARGIN - 256) : wend;
    uint64_t f = start, t = end;

    *from = lo;
    for (unsigned k = 0; k <= lines && f > lo; k++) {
        const unsigned char *p = memrchr(s->win + (lo - s->base), '\n',
                                         (size_t)(f - lo));
        if (!p)
            break;
        f = s->base + (uint64_t)(p - s->win);
        if (k == lines)
            *from = f + 1;
    }
    *to = hi;
    for (unsigned k = 0; k <= lines && t < hi; k++) {
        const unsigned char *p = memchr(s->win + (t - s->base), '\n',
                                        (size_t)(hi - t));
        if (!p)
            break;
        if (k == lines)
            *to = s->base + (uint64_t)(p - s->win);
        t = s->base + (uint64_t)(p - s->win) + 1;
    }
}

static bool regex_in(const struct lg_scanner *s, void *re, uint64_t from,
                     uint64_t to)
{
    int n = pcre2_match(re, s->win + (from - s->base),
                        (PCRE2_SIZE)(to - from), 0, 0, s->md, s->mctx);
    return n >= 0;
}

/* Apply the rule and global filters; true when the hit must be dropped. */
static bool filtered(struct lg_scanner *s, const struct hit *h,
                     const struct lg_crule *c, const unsigned char *sec,
                     size_t slen, struct lg_validated *val)
{
    const struct lg_rule *r = &c->rule;
    uint64_t from, to;

    if (r->min_entropy > 0 && lg_entropy(sec, slen) < r->min_entropy)
        return true;
    if (lg_filter_secret(sec, slen))
        return true;
    for (size_t i = 0; i < r->allow.n; i++)
        if (pcre2_match(c->allow_re[i], sec, slen, 0, 0, s->md, s->mctx) >= 0)
            return true;
    for (size_t i = 0; i < r->allow_paths.n; i++)
        if (s->path && lg_glob_match(r->allow_paths.v[i], s->path))
            return true;
    if (c->validator && !c->validator->check(sec, slen, val))
        return true;
    if (s->opts.allow_comments) {
        line_span(s, h->start, h->end, 0, &from, &to);
        if (memmem(s->win + (from - s->base), (size_t)(to - from),
                   "leakguard:allow", 15))
            return true;
    }
    if (c->context_re) {
        line_span(s, h->start, h->end, r->context_lines, &from, &to);
        if (!regex_in(s, c->context_re, from, to))
            return true;
    }
    return false;
}

static void copy_snip(char *dst, const unsigned char *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int report_hit(struct lg_scanner *s, const struct hit *h,
                      struct linectr *cur)
{
    const struct lg_crule *c = &s->rs->rules[h->rule];
    const unsigned char *sec = s->win + (h->sstart - s->base);
    size_t slen = (size_t)(h->send - h->sstart);
    struct lg_validated val = {{0}};
    struct lg_finding f;
    struct linectr end;
    char before[LINE_SNIP + 1], after[LINE_SNIP + 1];
    uint64_t from, to;
    size_t nb, na;

    if (slen > LG_RULE_MAX_LEN_LIMIT) {
        set_status(s, LG_ELIMIT, "a secret longer than 64 KiB was skipped");
        return LG_OK;
    }
    if (filtered(s, h, c, sec, slen, &val)) {
        s->counts.filtered++;
        return LG_OK;
    }
    memset(&f, 0, sizeof(f));
    f.rule = c;
    f.path = (char *)s->path;
    copy_snip(s->secret_buf, sec, slen);
    f.secret = s->secret_buf;
    f.secret_len = slen;
    lg_redact(sec, slen, f.redacted, sizeof(f.redacted));
    lg_fingerprint(c->rule.id, sec, slen, f.fingerprint);
    f.offset = h->sstart;
    lc_advance(cur, s->win, s->base, h->sstart);
    f.line = cur->line;
    f.column = h->sstart - cur->line_start + 1;
    end = *cur;
    lc_advance(&end, s->win, s->base, h->send > h->sstart ? h->send - 1
                                                            : h->sstart);
    f.end_line = end.line;
    f.end_column = (h->send > h->sstart ? h->send - 1 : h->sstart) -
                   end.line_start + 1;
    line_span(s, h->sstart, h->send, 0, &from, &to);
    nb = (size_t)(h->sstart - from);
    nb = nb > LINE_SNIP ? LINE_SNIP : nb;
    copy_snip(before, sec - nb, nb);
    na = (size_t)(to > h->send ? to - h->send : 0);
    na = na > LINE_SNIP ? LINE_SNIP : na;
    copy_snip(after, s->win + (h->send - s->base), na);
    f.line_before = before;
    f.line_after = after;
    f.identity = val.identity[0] ? val.identity : NULL;
    f.entropy = lg_entropy(sec, slen);
    s->counts.findings++;
    return s->cb ? s->cb(&f, s->payload) : LG_OK;
}

/* Report the hits of one batch in offset order.  Line numbers come from a
 * cursor that starts at the persistent counter, which never passes a
 * position a later batch may still report from. */
static void report_hits(struct lg_scanner *s)
{
    struct linectr cur = s->lc;

    if (s->n_hits > 1)
        qsort(s->hits, s->n_hits, sizeof(*s->hits), cmp_hit);
    for (size_t i = 0; i < s->n_hits; i++) {
        int rc = report_hit(s, &s->hits[i], &cur);
        if (rc == LG_ESTOP) {
            set_status(s, LG_ESTOP, NULL);
            break;
        }
        if (rc < 0) {
            set_status(s, rc, "the finding callback failed");
            break;
        }
    }
    s->n_hits = 0;
}

/* ------------------------------------------------------------------ */
/* Feeding                                                              */

/* Confirm below the commit point, report, then drop what is no longer
 * needed from the front of the window. */
static void advance(struct lg_scanner *s)
{
    uint64_t end = s->base + s->len, k, keep;
    size_t drop;

    if (end <= s->L + MARGIN)
        return;
    k = end - s->L - MARGIN;
    confirm(s, k, false);
    report_hits(s);
    keep = k;
    for (size_t i = 0; i < s->n_iv; i++)
        if (s->iv[i].resume < keep)
            keep = s->iv[i].resume;
    keep = keep > s->keep_back ? keep - s->keep_back : 0;
    if (keep <= s->base)
        return;
    lc_advance(&s->lc, s->win, s->base, keep);
    drop = (size_t)(keep - s->base);
    memmove(s->win, s->win + drop, s->len - drop);
    s->len -= drop;
    s->base = keep;
}

int lg_scanner_reserve(struct lg_scanner *s, void **ptr, size_t *cap)
{
    if (s->len + LG_SCAN_CHUNK > s->cap)
        return LG_EINTERNAL; /* cannot happen: advance() keeps room */
    *ptr = s->win + s->len;
    *cap = LG_SCAN_CHUNK;
    return LG_OK;
}

int lg_scanner_commit(struct lg_scanner *s, size_t n)
{
    if (!s->in_object || n > LG_SCAN_CHUNK || s->len + n > s->cap)
        return LG_EINVAL;
    if (s->status < 0 && s->status != LG_ELIMIT)
        return s->status;
    if (n == 0)
        return LG_OK;
    if (s->stream &&
        hs_scan_stream(s->stream, (const char *)s->win + s->len,
                       (unsigned)n, 0, s->scratch, on_candidate,
                       s) != HS_SUCCESS &&
        s->status == LG_OK)
        set_status(s, LG_EINTERNAL, "vectorscan scan failed");
    s->len += n;
    s->counts.bytes += n;
    advance(s);
    if (s->status == LG_ESTOP)
        return LG_ESTOP;
    return s->status == LG_ELIMIT ? LG_OK : s->status;
}

int lg_scanner_feed(struct lg_scanner *s, const void *data, size_t len)
{
    const unsigned char *p = data;

    while (len) {
        void *dst;
        size_t room;
        int rc = lg_scanner_reserve(s, &dst, &room);

        if (rc < 0)
            return rc;
        if (room > len)
            room = len;
        memcpy(dst, p, room);
        rc = lg_scanner_commit(s, room);
        if (rc < 0)
            return rc;
        p += room;
        len -= room;
    }
    return LG_OK;
}

int lg_scanner_end(struct lg_scanner *s)
{
    int rc;

    if (!s->in_object)
        return LG_EINVAL;
    if (s->stream &&
        hs_reset_stream(s->stream, 0, s->scratch, on_candidate, s) !=
            HS_SUCCESS &&
        s->status == LG_OK)
        set_status(s, LG_EINTERNAL, "vectorscan stream reset failed");
    if (s->status >= 0 || s->status == LG_ELIMIT) {
        for (size_t i = 0; i < s->n_iv; i++)
            s->iv[i].open = false;
        confirm(s, UINT64_MAX, true);
        report_hits(s);
    }
    rc = s->status;
    reset_object(s);
    return rc == LG_ESTOP ? LG_OK : rc;
}

void lg_scanner_abort(struct lg_scanner *s)
{
    if (s->stream && s->in_object)
        hs_reset_stream(s->stream, 0, s->scratch, NULL, NULL);
    reset_object(s);
}
