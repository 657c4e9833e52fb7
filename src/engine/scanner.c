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
 * Decoder candidates (where an encoded run ends) come from the same pass
 * for percent-escapes, and from a pass of their own over each chunk for
 * Base64 and hex runs (engine/runends.h, much cheaper than the same
 * expressions in Vectorscan); the two are merged in offset order.
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
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <inttypes.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/decode.h"
#include "engine/filter.h"
#include "engine/runends.h"
#include "rule/validate.h"
#include "rule/watchlist.h"
#include "util/buf.h"
#include "util/text.h"

#define CTX_BACK 4096          /* bytes kept before K for context/allow */
#define DEC_PREFIX 128         /* line text kept in front of decoded runs */
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
    int32_t dec;           /* index into s->dh for a decoded finding, or -1 */
    bool dropped;          /* overlaps a better finding */
    uint64_t start, end;   /* whole match */
    uint64_t sstart, send; /* secret */
};

/* A decoder candidate: the end of an encoded run of some kind. */
struct dcand {
    unsigned kind;
    uint64_t to;
};

/* A finding inside decoded text, located at its encoded run. */
struct dhit {
    const struct lg_crule *rule;
    size_t soff, slen;     /* secret bytes in s->darena */
    const char *decoded;   /* static name */
    char identity[96];
};

struct rstate {
    long open;          /* index in iv of the rule's open interval, or -1 */
    uint64_t last_end;  /* end of the rule's last accepted match */
    bool used;          /* listed in s->used (had a candidate) */
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
    pcre2_match_context *mctx_confirm; /* mctx + an offset limit */
    pcre2_jit_stack *jit;
    size_t L;            /* ruleset max_len */
    size_t keep_back;    /* look-behind + CTX_BACK */

    unsigned char *win;
    size_t cap, len;
    uint64_t base;

    struct rstate *rst;
    uint32_t *used;      /* rules with a candidate in this object: the
                            others' rst needs no reset (most objects have
                            candidates of a few rules out of hundreds) */
    size_t n_used;
    struct interval *iv;
    size_t n_iv, cap_iv;
    struct hit *hits;
    size_t n_hits, cap_hits;
    struct linectr lc;

    /* decoding: candidates, findings of this batch, budget */
    struct lg_scanner *sub; /* scans decoded text; NULL when off */
    struct dcand *dc;
    size_t n_dc, cap_dc;
    struct dcand *ends;     /* run ends of the chunk being scanned */
    size_t n_ends, cap_ends, next_end;
    struct dhit *dh;
    size_t n_dh, cap_dh;
    struct lg_buf darena;
    unsigned char *dbuf;    /* DEC_PREFIX + decoded run */
    uint64_t decoded_bytes;
    uint64_t last_run[LG_DEC_KINDS]; /* end+1 of the last run, per kind */
    uint64_t watch_pos;     /* watch list: tokens before this are done */
    struct {
        uint64_t a, b;      /* secret span of a finding already reported */
    } recent[8];
    size_t n_recent;
    size_t dc_last[LG_DEC_KINDS];    /* index of the kind's last candidate */
    size_t dec_prefix;      /* prefix length of the run being rescanned */
    unsigned dec_kind;
    uint64_t dec_start, dec_end;

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

/* Number of '\n' bytes in p[0..n).  Every byte of every object passes
 * here once (line numbers must survive the window sliding on), so it is
 * vectorised: SSE2 (baseline on x86-64) counts 16 bytes per step in byte
 * lanes flushed every 255 steps; elsewhere 8 bytes at a time with an exact
 * SWAR zero-byte test. */
static uint64_t count_newlines(const unsigned char *p, size_t n)
{
    uint64_t count = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

    while (i + 16 <= n) {
        __m128i acc = zero;
        size_t steps = (n - i) / 16;

        steps = steps > 255 ? 255 : steps;
        for (size_t k = 0; k < steps; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
        }
        acc = _mm_sad_epu8(acc, zero);
        count += (uint64_t)_mm_cvtsi128_si64(acc) +
                 (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc));
    }
#else
    const uint64_t ones = 0x0101010101010101ULL, nl = ones * '\n';
    const uint64_t low7 = ones * 0x7f;

    for (; i + 8 <= n; i += 8) {
        uint64_t w, x, t;
        memcpy(&w, p + i, 8);
        x = w ^ nl;
        t = ((x & low7) + low7) | x;
        /* one bit per '\n' byte at bit 7 of the byte: sum them */
        count += (((~t & (ones << 7)) >> 7) * ones) >> 56;
    }
#endif
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
    s->keep_back = rs->max_lookbehind + CTX_BACK + LG_DECODE_MAX_RUN +
                   DEC_PREFIX;
    s->cap = LG_SCAN_CHUNK + 2 * s->L + MARGIN + s->keep_back + 64;
    if (opts && opts->max_decode_depth)
        s->cap += 2 * LG_DECODE_MAX_RUN; /* hits held for decoded overlaps */
    /* zeroed: PCRE2's JIT may read ahead of a subject's end (harmlessly,
     * within our buffer), which valgrind reports on uninitialised memory */
    s->win = calloc(1, s->cap);
    s->rst = calloc(rs->n ? rs->n : 1, sizeof(*s->rst));
    s->used = calloc(rs->n ? rs->n : 1, sizeof(*s->used));
    if (!s->win || !s->rst || !s->used)
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
    s->mctx_confirm = pcre2_match_context_copy(s->mctx);
    if (!s->mctx_confirm)
        goto fail;
    if (rs->hs_db) {
        if (hs_alloc_scratch(rs->hs_db, &s->scratch) != HS_SUCCESS ||
            hs_open_stream(rs->hs_db, 0, &s->stream) != HS_SUCCESS) {
            rc = lg_error_set(err, LG_EINTERNAL,
                              "cannot allocate vectorscan scratch space");
            goto fail;
        }
    }
    s->lc.line = 1;
    lg_buf_init(&s->darena, 64 * 1024 * 1024);
    if (s->opts.max_decode_depth > 0) {
        struct lg_scan_opts sub = s->opts;

        sub.max_decode_depth--;
        s->dbuf = calloc(1, DEC_PREFIX + LG_DECODE_MAX_RUN + 2);
        if (!s->dbuf)
            goto fail;
        rc = lg_scanner_new(&s->sub, rs, &sub, err);
        if (rc < 0)
            goto fail;
        if (!s->opts.max_decoded_bytes)
            s->opts.max_decoded_bytes = LG_SCAN_DECODE_BUDGET;
    }
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
    pcre2_match_context_free(s->mctx_confirm);
    pcre2_jit_stack_free(s->jit);
    free(s->win);
    free(s->rst);
    free(s->used);
    free(s->iv);
    free(s->hits);
    free(s->dc);
    free(s->ends);
    free(s->dh);
    free(s->dbuf);
    lg_buf_release(&s->darena);
    lg_scanner_free(s->sub);
    free(s);
}

static void reset_object(struct lg_scanner *s)
{
    s->base = 0;
    s->len = 0;
    s->n_iv = 0;
    s->n_hits = 0;
    s->n_dc = 0;
    s->n_dh = 0;
    lg_buf_clear(&s->darena);
    s->decoded_bytes = 0;
    s->watch_pos = 0;
    s->n_recent = 0;
    memset(s->last_run, 0, sizeof(s->last_run));
    for (unsigned k = 0; k < LG_DEC_KINDS; k++)
        s->dc_last[k] = SIZE_MAX;
    for (size_t i = 0; i < s->n_used; i++) {
        struct rstate *st = &s->rst[s->used[i]];
        st->open = -1;
        st->last_end = 0;
        st->used = false;
    }
    s->n_used = 0;
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

static int push_dcand(struct lg_scanner *s, unsigned kind, uint64_t to)
{
    if (!s->sub || s->decoded_bytes >= s->opts.max_decoded_bytes)
        return 0;
    /* a run is reported at each byte past its minimum length: extend the
     * last candidate of this kind instead of adding one */
    {
        size_t last = s->dc_last[kind];
        if (last < s->n_dc && s->dc[last].kind == kind &&
            s->dc[last].to + 1 == to) {
            s->dc[last].to = to;
            return 0;
        }
    }
    if (s->n_dc == s->cap_dc) {
        size_t ncap = s->cap_dc ? s->cap_dc * 2 : 64;
        struct dcand *v = realloc(s->dc, ncap * sizeof(*v));
        if (!v) {
            set_status(s, LG_ENOMEM, "out of memory");
            return 1;
        }
        s->dc = v;
        s->cap_dc = ncap;
    }
    s->dc[s->n_dc].kind = kind;
    s->dc[s->n_dc].to = to;
    s->dc_last[kind] = s->n_dc;
    s->n_dc++;
    return 0;
}

/* Run ends of the chunk, before Vectorscan scans it. */
static int collect_end(unsigned kind, size_t end, void *payload)
{
    struct lg_scanner *s = payload;
    struct dcand *v =
        lg_grow(s->ends, &s->cap_ends, s->n_ends, sizeof(*s->ends), 256);

    if (!v) {
        set_status(s, LG_ENOMEM, "out of memory");
        return 1;
    }
    s->ends = v;
    s->ends[s->n_ends].kind = kind;
    s->ends[s->n_ends].to = s->base + end;
    s->n_ends++;
    return 0;
}

/* Pass on the collected run ends before `to`, so that decoder candidates
 * stay in offset order. */
static int flush_ends(struct lg_scanner *s, uint64_t to)
{
    for (; s->next_end < s->n_ends && s->ends[s->next_end].to < to;
         s->next_end++)
        if (push_dcand(s, s->ends[s->next_end].kind, s->ends[s->next_end].to))
            return 1;
    return 0;
}

static int on_candidate(unsigned int id, unsigned long long from,
                        unsigned long long to, unsigned int flags, void *ctx)
{
    struct lg_scanner *s = ctx;
    const struct lg_crule *c;
    struct rstate *st;
    uint64_t L, lo;

    (void)from;
    (void)flags;
    if (id >= s->rs->n)
        return flush_ends(s, to) || push_dcand(s, id - (unsigned)s->rs->n, to);
    c = &s->rs->rules[id];
    st = &s->rst[id];
    if (!st->used) {
        st->used = true;
        s->used[s->n_used++] = id;
    }
    L = c->rule.max_len;
    lo = to > L ? to - L : 0;
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

static bool keep_hit(struct lg_scanner *s, const struct hit *h);
static void line_span(const struct lg_scanner *s, uint64_t start, uint64_t end,
                      unsigned lines, uint64_t *from, uint64_t *to);

/* Search interval v for matches starting below `limit_k` (the commit
 * point, or UINT64_MAX at end of object).  Returns true when the interval
 * is finished. */
static bool confirm_interval(struct lg_scanner *s, struct interval *v,
                             uint64_t limit_k, bool eof)
{
    const struct lg_crule *c = &s->rs->rules[v->rule];
    const pcre2_code *code = lg_ruleset_code(s->rs, v->rule);
    uint64_t end = s->base + s->len, L = c->rule.max_len;
    uint64_t limit = v->c_last + 1 < limit_k ? v->c_last + 1 : limit_k;
    uint64_t subj_end = v->c_last + L + MARGIN < end ? v->c_last + L + MARGIN
                                                     : end;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);

    if (v->resume < s->rst[v->rule].last_end)
        v->resume = s->rst[v->rule].last_end;
    /* A match starting at or after `limit` is not ours: the offset limit
     * stops the search there instead of trying every later start up to
     * subj_end (patterns are compiled with PCRE2_USE_OFFSET_LIMIT). */
    pcre2_set_offset_limit(s->mctx_confirm, (PCRE2_SIZE)(limit - 1 - s->base));
    while (v->resume < limit) {
        int n = pcre2_match(code, s->win, (PCRE2_SIZE)(subj_end - s->base),
                            (PCRE2_SIZE)(v->resume - s->base), 0, s->md,
                            s->mctx_confirm);
        struct hit h;

        if (n == PCRE2_ERROR_NOMATCH) {
            v->resume = limit;
            break;
        }
        if (n < 0) {
            PCRE2_UCHAR why[100];
            char msg[sizeof(s->errmsg)];

            if (pcre2_get_error_message(n, why, sizeof(why)) < 0)
                snprintf((char *)why, sizeof(why), "pcre2 error %d", n);
            snprintf(msg, sizeof(msg),
                     "rule '%s': %s near offset %llu; region skipped",
                     c->rule.id, (const char *)why,
                     (unsigned long long)v->resume);
            set_status(s, LG_ELIMIT, msg);
            v->resume = limit; /* skip the region, keep scanning */
            break;
        }
        h.rule = v->rule;
        h.dec = -1;
        h.dropped = false;
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
        s->rst[v->rule].last_end = h.end;
        v->resume = h.end > h.start ? h.end : h.start + 1;
        if (keep_hit(s, &h) && push_hit(s, &h) < 0) {
            set_status(s, LG_ENOMEM, "out of memory");
            return true;
        }
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
/* Watch list                                                           */

/* Bytes that end a token: blanks, quotes, brackets, ',' and ';'. */
/* A table, not strchr: this runs on every byte when a watch list is
 * loaded. */
static const bool token_punct[256] = {
    ['"'] = true, ['\''] = true, ['`'] = true, ['<'] = true, ['>'] = true,
    ['('] = true, [')'] = true, ['['] = true, [']'] = true, ['{'] = true,
    ['}'] = true, [','] = true, [';'] = true,
};

static bool is_delim(unsigned char c)
{
    return c <= ' ' || c == 0x7f || token_punct[c];
}

/* Inside a token, credentials sit between these (key=value, user:pass@host,
 * path/segments, query&pairs). */
static bool is_sep(unsigned char c)
{
    return c == '=' || c == ':' || c == '@' || c == '/' || c == '?' ||
           c == '&' || c == '#';
}

#define WATCH_MAX_SEPS 16

/* Every span of the token [t, e) between two separators (or its ends) of a
 * watched length is checked against the watch list. */
static void watch_token(struct lg_scanner *s, uint64_t t, uint64_t e)
{
    uint64_t cut[WATCH_MAX_SEPS + 2];
    size_t n = 0;

    cut[n++] = t;
    for (uint64_t p = t; p < e && n <= WATCH_MAX_SEPS; p++)
        if (is_sep(s->win[p - s->base]))
            cut[n++] = p;
    cut[n++] = e;
    for (size_t i = 0; i + 1 < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            uint64_t a = i == 0 ? cut[i] : cut[i] + 1, b = cut[j];
            struct hit h;
            uint64_t from, to;

            if (b <= a || b - a < LG_WATCH_MIN_LEN)
                continue;
            if (b - a > LG_WATCH_MAX_LEN)
                break;
            if (!lg_watchlist_match(s->rs->watch, s->win + (a - s->base),
                                    (size_t)(b - a)))
                continue;
            line_span(s, a, b, 0, &from, &to);
            if (s->opts.allow_comments &&
                memmem(s->win + (from - s->base), (size_t)(to - from),
                       "leakguard:allow", 15))
                continue;
            h.rule = (uint32_t)s->rs->n;
            h.dec = -1;
            h.dropped = false;
            h.start = h.sstart = a;
            h.end = h.send = b;
            if (push_hit(s, &h) < 0) {
                set_status(s, LG_ENOMEM, "out of memory");
                return;
            }
        }
    }
}

/* Look at the tokens that start below `limit`. */
static void watch_tokens(struct lg_scanner *s, uint64_t limit)
{
    uint64_t wend = s->base + s->len, p = s->watch_pos;

    if (!s->rs->watch)
        return;
    if (p < s->base)
        p = s->base;
    while (p < limit && p < wend) {
        uint64_t t;

        while (p < wend && p < limit && is_delim(s->win[p - s->base]))
            p++;
        if (p >= limit || p >= wend)
            break;
        t = p;
        while (p < wend && !is_delim(s->win[p - s->base]))
            p++;
        /* a token cut by the window end is longer than anything watched,
         * except at the end of the object */
        if (p < wend || limit == UINT64_MAX) {
            watch_token(s, t, p);
            /* "… is Hunter2-secret." : try without sentence punctuation */
            if (p - t > 1 && strchr(".!?:", s->win[p - 1 - s->base]))
                watch_token(s, t, p - 1);
        }
    }
    s->watch_pos = p;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                             */

/* A finding of the sub-scanner in decoded text: keep it if its secret lies
 * in the decoded part (the prefix is the encoded run's own line, scanned
 * already), located at the encoded run. */
static int on_decoded(const struct lg_finding *f, void *payload)
{
    struct lg_scanner *s = payload;
    struct dhit *d;
    struct hit h;

    if (f->offset < s->dec_prefix)
        return LG_OK;
    if (s->opts.allow_comments) {
        uint64_t from, to;
        line_span(s, s->dec_start, s->dec_end, 0, &from, &to);
        if (memmem(s->win + (from - s->base), (size_t)(to - from),
                   "leakguard:allow", 15)) {
            s->counts.filtered++;
            return LG_OK;
        }
    }
    if (s->n_dh == s->cap_dh) {
        size_t ncap = s->cap_dh ? s->cap_dh * 2 : 16;
        struct dhit *v = realloc(s->dh, ncap * sizeof(*v));
        if (!v)
            return LG_ENOMEM;
        s->dh = v;
        s->cap_dh = ncap;
    }
    d = &s->dh[s->n_dh];
    d->rule = f->rule;
    d->soff = s->darena.len;
    d->slen = f->secret_len;
    if (lg_buf_append(&s->darena, f->secret, f->secret_len) < 0)
        return LG_ENOMEM;
    d->decoded = lg_decode_chain(s->dec_kind, f->decoded);
    snprintf(d->identity, sizeof(d->identity), "%s",
             f->identity ? f->identity : "");
    h.rule = f->rule == &s->rs->watch_rule
                 ? (uint32_t)s->rs->n
                 : (uint32_t)(f->rule - s->rs->rules);
    h.dec = (int32_t)s->n_dh;
    h.dropped = false;
    h.start = h.sstart = s->dec_start;
    h.end = h.send = s->dec_end;
    s->n_dh++;
    return push_hit(s, &h);
}

/* Decode one run and rescan it with the sub-scanner. */
static void decode_run(struct lg_scanner *s, unsigned kind, uint64_t start,
                       uint64_t end)
{
    const unsigned char *run = s->win + (start - s->base);
    uint64_t ls = start, lo = start > DEC_PREFIX ? start - DEC_PREFIX : 0;
    size_t n, pre;
    int rc;

    if (lo < s->base)
        lo = s->base;
    while (ls > lo && s->win[ls - 1 - s->base] != '\n')
        ls--;
    pre = (size_t)(start - ls);
    memcpy(s->dbuf, s->win + (ls - s->base), pre);
    n = lg_decode_run(kind, run, (size_t)(end - start), s->dbuf + pre);
    if (!n)
        return;
    if (s->decoded_bytes + n > s->opts.max_decoded_bytes) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "decoding budget of %llu bytes spent; later encoded text "
                 "was not decoded",
                 (unsigned long long)s->opts.max_decoded_bytes);
        set_status(s, LG_ELIMIT, msg);
        s->decoded_bytes = s->opts.max_decoded_bytes;
        return;
    }
    s->decoded_bytes += n;
    s->dbuf[pre + n] = '\n';
    s->dec_prefix = pre;
    s->dec_kind = kind;
    s->dec_start = start;
    s->dec_end = end;
    lg_scanner_begin(s->sub, s->path, on_decoded, s);
    rc = lg_scanner_feed(s->sub, s->dbuf, pre + n + 1);
    if (rc == LG_OK)
        rc = lg_scanner_end(s->sub);
    else
        lg_scanner_abort(s->sub);
    if (rc < 0 && rc != LG_ELIMIT)
        set_status(s, rc, "decoding failed");
}

/* Handle decoder candidates whose run ends below `limit` (the line after
 * the run is then in the window). */
static void process_decodes(struct lg_scanner *s, uint64_t limit)
{
    uint64_t wend = s->base + s->len;
    size_t i;

    for (i = 0; i < s->n_dc && s->dc[i].to < limit; i++) {
        size_t st, en;
        unsigned k = s->dc[i].kind;
        uint64_t to = s->dc[i].to;

        if (s->decoded_bytes >= s->opts.max_decoded_bytes)
            continue;
        if (!lg_decode_find_run(k, s->win, 0, (size_t)(wend - s->base),
                                (size_t)(to - s->base), s->base == 0,
                                limit == UINT64_MAX, &st, &en))
            continue;
        if (s->base + en <= s->last_run[k])
            continue; /* the same run, seen through another candidate */
        s->last_run[k] = s->base + en;
        decode_run(s, k, s->base + st, s->base + en);
    }
    if (i == 0)
        return;
    memmove(s->dc, s->dc + i, (s->n_dc - i) * sizeof(*s->dc));
    s->n_dc -= i;
    for (unsigned k = 0; k < LG_DEC_KINDS; k++)
        s->dc_last[k] = s->dc_last[k] >= i ? s->dc_last[k] - i : SIZE_MAX;
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

/* Apply the rule and global filters: the reason the hit must be dropped,
 * or NULL to keep it. */
static const char *filtered(struct lg_scanner *s, const struct hit *h,
                            const struct lg_crule *c,
                            const unsigned char *sec, size_t slen,
                            struct lg_validated *val)
{
    const struct lg_rule *r = &c->rule;
    const char *why;
    uint64_t from, to;

    if (r->min_entropy > 0 && lg_entropy(sec, slen) < r->min_entropy)
        return "entropy below the rule's min_entropy";
    if ((why = lg_filter_secret(sec, slen)))
        return why;
    for (size_t i = 0; i < r->allow.n; i++)
        if (pcre2_match(c->allow_re[i], sec, slen, 0, 0, s->md, s->mctx) >= 0)
            return "rule allow regex";
    for (size_t i = 0; i < s->rs->n_global_allow; i++)
        if (pcre2_match(s->rs->global_allow_re[i], sec, slen, 0, 0, s->md,
                        s->mctx) >= 0)
            return "configured allow regex";
    for (size_t i = 0; i < s->rs->stopwords.n; i++)
        if (lg_contains_ci(sec, slen, s->rs->stopwords.v[i]))
            return "configured stop word";
    for (size_t i = 0; i < r->allow_paths.n; i++)
        if (s->path && lg_glob_match(r->allow_paths.v[i], s->path))
            return "rule allow_paths";
    if (c->validator && !c->validator->check(sec, slen, val))
        return "validator rejected the structure";
    if (s->opts.allow_comments) {
        line_span(s, h->start, h->end, 0, &from, &to);
        if (memmem(s->win + (from - s->base), (size_t)(to - from),
                   "leakguard:allow", 15))
            return "inline leakguard:allow";
    }
    if (c->context_re) {
        line_span(s, h->start, h->end, r->context_lines, &from, &to);
        if (!regex_in(s, c->context_re, from, to))
            return "no context match nearby";
    }
    return NULL;
}

/* Filters run when a hit is confirmed (its context is in the window then),
 * so that overlap resolution only weighs findings that will be reported. */
static bool keep_hit(struct lg_scanner *s, const struct hit *h)
{
    const struct lg_crule *c = &s->rs->rules[h->rule];
    const unsigned char *sec = s->win + (h->sstart - s->base);
    size_t slen = (size_t)(h->send - h->sstart);
    struct lg_validated val;
    const char *why;

    if (slen > LG_RULE_MAX_LEN_LIMIT) {
        set_status(s, LG_ELIMIT, "a secret longer than 64 KiB was skipped");
        return false;
    }
    if ((why = filtered(s, h, c, sec, slen, &val))) {
        s->counts.filtered++;
        if (s->opts.explain)
            fprintf(stderr,
                    "leakguard: explain: %s: byte %" PRIu64 ": rule %s: "
                    "candidate of %zu bytes dropped: %s\n",
                    s->path ? s->path : "-", h->sstart, c->rule.id, slen,
                    why);
        return false;
    }
    return true;
}

/* A span of secret text that a snippet must not show. */
struct mask {
    uint64_t a, b;
};

/* The secrets of other findings (of this batch, or recently reported)
 * that overlap [from, to). */
static size_t masks_in(const struct lg_scanner *s, const struct hit *self,
                       uint64_t from, uint64_t to, struct mask *m, size_t cap)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n_hits && n < cap; i++) {
        const struct hit *o = &s->hits[i];
        if (o != self && !o->dropped && o->sstart < to && o->send > from)
            m[n++] = (struct mask){o->sstart, o->send};
    }
    for (size_t i = 0; i < s->n_recent && i < 8 && n < cap; i++)
        if (s->recent[i].a < to && s->recent[i].b > from &&
            s->recent[i].a >= s->base)
            m[n++] = (struct mask){s->recent[i].a, s->recent[i].b};
    return n;
}

/* Copy window bytes [from, to) into out (cap bytes with the NUL), with
 * every other finding's secret on the way replaced by its redacted form:
 * a snippet never shows a secret, even one that shares the line.  When
 * the text is too long, keep its end (keep_tail) or its start. */
static void copy_masked(const struct lg_scanner *s, const struct hit *self,
                        uint64_t from, uint64_t to, char *out, size_t cap,
                        bool keep_tail)
{
    char tmp[4 * LINE_SNIP + 4 * LG_REDACT_MAX];
    struct mask m[8];
    size_t nm = masks_in(s, self, from, to, m, 8), n = 0, off = 0;

    for (uint64_t p = from; p < to && n + LG_REDACT_MAX < sizeof(tmp);) {
        size_t k;
        for (k = 0; k < nm; k++)
            if (m[k].a <= p && p < m[k].b)
                break;
        if (k < nm) {
            uint64_t a = m[k].a < s->base ? s->base : m[k].a;
            char r[LG_REDACT_MAX];
            lg_redact(s->win + (a - s->base), (size_t)(m[k].b - a), r,
                      sizeof(r));
            memcpy(tmp + n, r, strlen(r));
            n += strlen(r);
            p = m[k].b;
            continue;
        }
        tmp[n++] = (char)s->win[p - s->base];
        p++;
    }
    if (n >= cap) {
        off = keep_tail ? n - (cap - 1) : 0;
        n = cap - 1;
    }
    memcpy(out, tmp + off, n);
    out[n] = '\0';
}

static void copy_snip(char *dst, const unsigned char *src, size_t n)
{
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int report_hit(struct lg_scanner *s, const struct hit *h,
                      struct linectr *cur)
{
    const struct lg_crule *c = lg_ruleset_rule(s->rs, h->rule);
    const struct dhit *d = h->dec >= 0 ? &s->dh[h->dec] : NULL;
    const unsigned char *sec =
        d ? (const unsigned char *)s->darena.data + d->soff
          : s->win + (h->sstart - s->base);
    size_t slen = d ? d->slen : (size_t)(h->send - h->sstart);
    struct lg_validated val = {{0}};
    struct lg_finding f;
    struct linectr end;
    char before[LINE_SNIP + 1], after[LINE_SNIP + 1];
    uint64_t from, to;
    size_t nb, na;

    if (d) {
        snprintf(val.identity, sizeof(val.identity), "%s", d->identity);
    } else if (h->rule == s->rs->n) {
        const char *label = lg_watchlist_match(s->rs->watch, sec, slen);
        snprintf(val.identity, sizeof(val.identity), "%s",
                 label && *label ? label : "watched");
    } else if (c->validator) {
        c->validator->check(sec, slen, &val); /* passed in keep_hit */
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
    copy_masked(s, h, h->sstart - nb, h->sstart, before, sizeof(before),
                true);
    na = (size_t)(to > h->send ? to - h->send : 0);
    na = na > LINE_SNIP ? LINE_SNIP : na;
    copy_masked(s, h, h->send, h->send + na, after, sizeof(after), false);
    s->recent[s->n_recent % 8].a = h->sstart;
    s->recent[s->n_recent % 8].b = h->send;
    s->n_recent++;
    f.line_before = before;
    f.line_after = after;
    f.decoded = d ? d->decoded : NULL;
    f.identity = val.identity[0] ? val.identity : NULL;
    f.entropy = lg_entropy(sec, slen);
    s->counts.findings++;
    return s->cb ? s->cb(&f, s->payload) : LG_OK;
}

static bool is_generic(const struct lg_rule *r)
{
    for (size_t i = 0; i < r->tags.n; i++)
        if (strcmp(r->tags.v[i], "generic") == 0)
            return true;
    return false;
}

/* Of two findings whose secrets overlap, which one to keep: a specific
 * rule over a generic one, then higher confidence, then higher severity,
 * then the decoded form of a run over the run itself, then the longer
 * secret, then the earlier rule.  A strict order, so the outcome does not
 * depend on the order hits are met in. */
static bool better(const struct lg_scanner *s, const struct hit *a,
                   const struct hit *b)
{
    const struct lg_rule *ra = &lg_ruleset_rule(s->rs, a->rule)->rule;
    const struct lg_rule *rb = &lg_ruleset_rule(s->rs, b->rule)->rule;
    bool ga = is_generic(ra), gb = is_generic(rb);

    if (ga != gb)
        return gb;
    if (ra->confidence != rb->confidence)
        return ra->confidence > rb->confidence;
    if (ra->severity != rb->severity)
        return ra->severity > rb->severity;
    if ((a->dec >= 0) != (b->dec >= 0))
        return a->dec >= 0;
    if (a->send - a->sstart != b->send - b->sstart)
        return a->send - a->sstart > b->send - b->sstart;
    if (a->rule != b->rule)
        return a->rule < b->rule;
    return a->sstart < b->sstart;
}

/* One finding per stretch of text: drop every hit that overlaps a better
 * one.  Hits are sorted by secret start. */
static void resolve_overlaps(struct lg_scanner *s)
{
    for (size_t i = 0; i < s->n_hits; i++) {
        for (size_t k = i + 1; k < s->n_hits; k++) {
            struct hit *a = &s->hits[i], *b = &s->hits[k];

            if (b->sstart >= a->send)
                break;
            if (a->rule == b->rule && a->dec < 0 && b->dec < 0)
                continue; /* a rule's own matches never overlap */
            if (a->rule == s->rs->n || b->rule == s->rs->n)
                continue; /* a watched credential is reported as such */
            if (better(s, a, b))
                b->dropped = true;
            else
                a->dropped = true;
        }
    }
}

/* Report, in offset order, the hits that start below `limit`; later ones
 * wait for the next batch, because a hit that overlaps them may still be
 * found.  Line numbers come from a cursor that starts at the persistent
 * counter, which never passes a position a later batch may report from. */
static void report_hits(struct lg_scanner *s, uint64_t limit)
{
    struct linectr cur = s->lc;
    size_t i, w = 0;

    if (s->n_hits > 1)
        qsort(s->hits, s->n_hits, sizeof(*s->hits), cmp_hit);
    if (!s->opts.keep_overlaps)
        resolve_overlaps(s);
    for (i = 0; i < s->n_hits; i++) {
        int rc;

        if (s->hits[i].start >= limit) {
            s->hits[w++] = s->hits[i];
            continue;
        }
        if (s->hits[i].dropped)
            continue;
        rc = report_hit(s, &s->hits[i], &cur);
        if (rc == LG_ESTOP) {
            set_status(s, LG_ESTOP, NULL);
            break;
        }
        if (rc < 0) {
            set_status(s, rc, "the finding callback failed");
            break;
        }
    }
    s->n_hits = w;
    if (w == 0) { /* held hits may point into the decoded arena */
        s->n_dh = 0;
        lg_buf_clear(&s->darena);
    }
}

/* ------------------------------------------------------------------ */
/* Feeding                                                              */

/* Confirm below the commit point, report, then drop what is no longer
 * needed from the front of the window. */
static void advance(struct lg_scanner *s)
{
    uint64_t end = s->base + s->len, k, keep, limit;
    size_t drop;

    if (end <= s->L + MARGIN)
        return;
    k = end - s->L - MARGIN;
    confirm(s, k, false);
    watch_tokens(s, k);
    /* a run may extend LG_DECODE_MAX_RUN past its candidate */
    process_decodes(s, k > LG_DECODE_MAX_RUN ? k - LG_DECODE_MAX_RUN : 0);
    /* A hit is reported once every hit that may overlap it is known: plain
     * hits up to L after it, decoded ones from runs whose candidates wait
     * up to 2 * LG_DECODE_MAX_RUN behind k. */
    limit = k > s->L ? k - s->L : 0;
    if (s->sub) {
        uint64_t d = k > 2 * LG_DECODE_MAX_RUN ? k - 2 * LG_DECODE_MAX_RUN : 0;
        if (d < limit)
            limit = d;
    }
    report_hits(s, limit);
    keep = limit;
    for (size_t i = 0; i < s->n_hits; i++)
        if (s->hits[i].start < keep)
            keep = s->hits[i].start;
    if (s->n_dc && s->dc[0].to < keep + 64) /* run and prefix still needed */
        keep = s->dc[0].to > 64 ? s->dc[0].to - 64 : 0;
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
    /* lo = 0 is the object's start, or far more than LG_RUNENDS_BACK bytes
     * before the chunk once the window has slid (see advance) */
    s->n_ends = s->next_end = 0;
    if (s->stream && s->sub && s->decoded_bytes < s->opts.max_decoded_bytes)
        lg_runends_find(s->win, 0, s->len, s->len + n, collect_end, s);
    if (s->stream &&
        hs_scan_stream(s->stream, (const char *)s->win + s->len,
                       (unsigned)n, 0, s->scratch, on_candidate,
                       s) != HS_SUCCESS &&
        s->status == LG_OK)
        set_status(s, LG_EINTERNAL, "vectorscan scan failed");
    flush_ends(s, UINT64_MAX);
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
        watch_tokens(s, UINT64_MAX);
        process_decodes(s, UINT64_MAX);
        report_hits(s, UINT64_MAX);
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
