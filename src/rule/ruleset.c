/* Ruleset compilation.
 *
 * Each rule gets a JIT-compiled PCRE2 code (the exact matcher, run only on
 * windows around candidates) and contributes one or more expressions to a
 * single Vectorscan streaming database (the candidate finder, one pass over
 * every byte).  A rule's Vectorscan expressions are its keywords as caseless
 * literals when it has keywords, else its pattern in prefilter mode, where
 * Vectorscan approximates what it cannot do exactly (look-arounds, back
 * references) by something that matches at least as much.  Every expression
 * carries the rule's index as its id.
 *
 * Candidates report where a keyword or prefilter match *ends*; the engine
 * confirms with PCRE2 in [end - max_len, end + max_len], so a rule is exact
 * as long as every match it can make contains a keyword and is at most
 * max_len bytes long.  `rules lint` checks both on the examples, and checks
 * that Vectorscan finds the pattern bounded by max_len. */
#include "rule/ruleset.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <hs/hs.h>
#include <pcre2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/dbcache.h"
#include "rule/validate.h"
#include "rule/watchlist.h"
#include "util/buf.h"

/* A rule's JIT-compiled copy.  The copy, not the pattern itself, is
 * compiled, so threads matching with the interpreted pattern meanwhile
 * never see it change; the first thread to claim the slot compiles it. */
struct lg_jit_slot {
    _Atomic(pcre2_code *) code;
    atomic_bool claimed;
};

/* An encoded value is looked for where values are: after '=', ':', a
 * quote or '>' and at most four blanks.  Measured on source code and on
 * random Base64: a bare class repeat runs at ~2 GB/s but reports at every
 * byte of a long run (a callback per byte: 50 MB/s on Base64 text), and a
 * repeat with a terminator after it drops to ~0.7 GB/s; this form runs at
 * ~2 GB/s on code and ~30 GB/s on Base64 text, and reports once per value.
 * Still, its leading class is so frequent in code that the Base64 and hex
 * forms cost Vectorscan more than all the rules' keywords: only the
 * percent one goes into the database, engine/runends.c finds the others.
 * The scanner finds the run's end by looking ahead. */
const char *const lg_decode_hs_expr[LG_DEC_KINDS] = {
    "[=:\"'>][ \t]{0,4}[A-Za-z0-9+/]{20}", /* Base64, 15+ bytes */
    "[=:\"'>][ \t]{0,4}[0-9A-Fa-f]{32}",   /* hex, 16+ bytes */
    "%[0-9A-Fa-f]{2}",                      /* one percent-escape */
};

int lg_ruleset_new(struct lg_ruleset **out)
{
    struct lg_ruleset *rs = calloc(1, sizeof(*rs));

    *out = NULL;
    if (!rs)
        return LG_ENOMEM;
    lg_rule_list_init(&rs->parsed);
    *out = rs;
    return LG_OK;
}

static void crule_release(struct lg_crule *c)
{
    pcre2_code_free(c->re);
    pcre2_code_free(c->context_re);
    if (c->allow_re) {
        for (size_t i = 0; i < c->rule.allow.n; i++)
            pcre2_code_free(c->allow_re[i]);
        free(c->allow_re);
    }
    lg_rule_release(&c->rule);
}

void lg_ruleset_free(struct lg_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        crule_release(&rs->rules[i]);
    free(rs->rules);
    for (size_t i = 0; rs->jit && i < rs->n; i++)
        pcre2_code_free(atomic_load(&rs->jit[i].code));
    free(rs->jit);
    lg_rule_list_release(&rs->parsed);
    lg_strlist_release(&rs->disabled_ids);
    lg_strlist_release(&rs->allow_in);
    lg_strlist_release(&rs->stopwords);
    for (size_t i = 0; i < rs->n_global_allow; i++)
        pcre2_code_free(rs->global_allow_re[i]);
    free(rs->global_allow_re);
    free(rs->cache_dir);
    hs_free_database(rs->hs_db);
    free(rs);
}

int lg_ruleset_add_builtin(struct lg_ruleset *rs, struct lg_error *err)
{
    return lg_rules_load_builtin(&rs->parsed, err);
}

int lg_ruleset_add_path(struct lg_ruleset *rs, const char *path,
                        struct lg_error *err)
{
    return lg_rules_load_path(&rs->parsed, path, err);
}

int lg_ruleset_add_text(struct lg_ruleset *rs, const char *name,
                        const char *text, size_t len, struct lg_error *err)
{
    return lg_rules_parse(&rs->parsed, name, text, len, err);
}

int lg_ruleset_set_cache(struct lg_ruleset *rs, const char *dir)
{
    char *d = dir ? strdup(dir) : NULL;

    if (dir && !d)
        return LG_ENOMEM;
    free(rs->cache_dir);
    rs->cache_dir = d;
    return LG_OK;
}

char *lg_ruleset_default_cache_dir(void)
{
    return lg_xdg_path("XDG_CACHE_HOME", ".cache", "");
}

int lg_ruleset_allow(struct lg_ruleset *rs, const char *id, const char *kind,
                     const char *value)
{
    struct lg_buf b;
    int rc;

    lg_buf_init(&b, 1 << 16);
    rc = lg_buf_printf(&b, "%s\t%s\t%s", id ? id : "", kind, value);
    if (rc == LG_OK)
        rc = lg_strlist_push(&rs->allow_in, b.data);
    lg_buf_release(&b);
    return rc;
}

/* Resolve lg_ruleset_allow entries: per-rule ones join the rule's own
 * allow lists, global ones become global regexes and stop words. */
static int apply_allow(struct lg_ruleset *rs, struct lg_error *err)
{
    for (size_t i = 0; i < rs->allow_in.n; i++) {
        char *id = rs->allow_in.v[i], *kind = strchr(id, '\t'), *val;
        int rc = LG_OK;

        if (!kind || !(val = strchr(kind + 1, '\t')))
            continue;
        *kind++ = '\0';
        *val++ = '\0';
        if (*id) {
            long at = lg_ruleset_find(rs, id);
            struct lg_rule *r;

            if (at < 0)
                return lg_error_set(err, LG_EINVAL,
                                    "allowlist for rule '%s': there is no "
                                    "rule with that id", id);
            r = &rs->rules[at].rule;
            rc = strcmp(kind, "paths") == 0 ? lg_strlist_push(&r->allow_paths,
                                                              val)
                                            : lg_strlist_push(&r->allow, val);
        } else if (strcmp(kind, "stopwords") == 0) {
            for (char *p = val; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            rc = lg_strlist_push(&rs->stopwords, val);
        } else {
            void **v = realloc(rs->global_allow_re,
                               (rs->n_global_allow + 1) * sizeof(*v));
            int ec;
            PCRE2_SIZE off;

            if (!v)
                return lg_error_set(err, LG_ENOMEM, "out of memory");
            rs->global_allow_re = v;
            v[rs->n_global_allow] = pcre2_compile(
                (PCRE2_SPTR)val, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
            if (!v[rs->n_global_allow]) {
                PCRE2_UCHAR msg[200];
                pcre2_get_error_message(ec, msg, sizeof(msg));
                return lg_error_set(err, LG_ESYNTAX,
                                    "allowlist regex '%s': %s at offset %zu",
                                    val, (char *)msg, (size_t)off);
            }
            rs->n_global_allow++;
        }
        if (rc < 0)
            return lg_error_set(err, LG_ENOMEM, "out of memory");
    }
    return LG_OK;
}

void lg_ruleset_set_jit(struct lg_ruleset *rs, bool jit)
{
    rs->no_jit = !jit;
}

const void *lg_ruleset_code(const struct lg_ruleset *rs, size_t k)
{
    struct lg_jit_slot *j;
    pcre2_code *code;

    if (rs->no_jit)
        return rs->rules[k].re;
    j = &rs->jit[k];
    code = atomic_load_explicit(&j->code, memory_order_acquire);
    if (code)
        return code;
    if (atomic_exchange_explicit(&j->claimed, true, memory_order_acq_rel))
        return rs->rules[k].re; /* another thread is on it, or it failed */
    code = pcre2_code_copy(rs->rules[k].re);
    /* JIT is an optimisation: without it (e.g. no executable memory) the
     * interpreter gives the same results. */
    if (code && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(code);
        code = NULL;
    }
    if (!code)
        return rs->rules[k].re;
    atomic_store_explicit(&j->code, code, memory_order_release);
    return code;
}

int lg_ruleset_set_watchlist(struct lg_ruleset *rs,
                             const struct lg_watchlist *wl)
{
    static char id[] = "watchlist", name[] = "Watched credential",
                desc[] = "A credential on the organisation's watch list "
                         "(leakguard watch add), found by its keyed "
                         "fingerprint whatever its format.",
                tag[] = "watchlist";
    static char *tags[] = {tag};
    struct lg_rule *r = &rs->watch_rule.rule;

    rs->watch = wl && wl->n ? wl : NULL;
    memset(&rs->watch_rule, 0, sizeof(rs->watch_rule));
    r->id = id;
    r->name = name;
    r->description = desc;
    r->severity = LG_SEV_CRITICAL;
    r->confidence = LG_CONF_HIGH;
    r->max_len = LG_WATCH_MAX_LEN;
    r->tags.v = tags;
    r->tags.n = 1;
    rs->watch_rule.pair = -1;
    return LG_OK;
}

int lg_ruleset_disable(struct lg_ruleset *rs, const char *id)
{
    return lg_strlist_push(&rs->disabled_ids, id);
}

long lg_ruleset_find(const struct lg_ruleset *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].rule.id, id) == 0)
            return (long)i;
    return -1;
}

static int rule_error(struct lg_error *err, const struct lg_rule *r, int code,
                      const char *what, const char *detail)
{
    return lg_error_set(err, code, "%s:%u:%u: rule '%s': %s: %s",
                        r->pos.file ? r->pos.file : "?", r->pos.line,
                        r->pos.col, r->id, what, detail);
}

static int compile_re(const struct lg_rule *r, const char *what,
                      const char *pattern, uint32_t opts, pcre2_code **out,
                      struct lg_error *err)
{
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re;

    re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &ec,
                       &off, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        char detail[320];

        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(detail, sizeof(detail), "%s at offset %zu", (char *)msg,
                 (size_t)off);
        return rule_error(err, r, LG_ESYNTAX, what, detail);
    }
    *out = re;
    return LG_OK;
}

/* Which capture group holds the secret. */
static int resolve_secret_group(struct lg_crule *c, struct lg_error *err)
{
    const struct lg_rule *r = &c->rule;
    uint32_t ncap = 0;
    int n;

    pcre2_pattern_info(c->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
    if (r->secret_group) {
        char *end;
        unsigned long v = strtoul(r->secret_group, &end, 10);

        if (*r->secret_group && !*end) {
            if (v > ncap)
                return rule_error(err, r, LG_ESYNTAX, "secret_group",
                                  "no such capture group");
            c->secret_group = (uint32_t)v;
            return LG_OK;
        }
        n = pcre2_substring_number_from_name(
            c->re, (PCRE2_SPTR)r->secret_group);
        if (n < 0)
            return rule_error(err, r, LG_ESYNTAX, "secret_group",
                              "no capture group of that name");
        c->secret_group = (uint32_t)n;
        return LG_OK;
    }
    n = pcre2_substring_number_from_name(c->re, (PCRE2_SPTR) "secret");
    c->secret_group = n > 0 ? (uint32_t)n : (ncap >= 1 ? 1 : 0);
    return LG_OK;
}

static int compile_rule(struct lg_crule *c, struct lg_error *err)
{
    const struct lg_rule *r = &c->rule;
    uint32_t lb = 0;
    int rc;

    /* The engine bounds where a match may start (pcre2_set_offset_limit). */
    rc = compile_re(r, "pattern", r->pattern,
                    PCRE2_MULTILINE | PCRE2_USE_OFFSET_LIMIT,
                    (pcre2_code **)&c->re, err);
    if (rc < 0)
        return rc;
    rc = resolve_secret_group(c, err);
    if (rc < 0)
        return rc;
    pcre2_pattern_info(c->re, PCRE2_INFO_MAXLOOKBEHIND, &lb);
    c->lookbehind = lb;
    if (r->context) {
        rc = compile_re(r, "context", r->context, PCRE2_MULTILINE,
                        (pcre2_code **)&c->context_re, err);
        if (rc < 0)
            return rc;
    }
    if (r->allow.n) {
        c->allow_re = calloc(r->allow.n, sizeof(*c->allow_re));
        if (!c->allow_re)
            return LG_ENOMEM;
        for (size_t i = 0; i < r->allow.n; i++) {
            rc = compile_re(r, "allow", r->allow.v[i], 0,
                            (pcre2_code **)&c->allow_re[i], err);
            if (rc < 0)
                return rc;
        }
    }
    if (r->validate) {
        c->validator = lg_validator_find(r->validate);
        if (!c->validator)
            return rule_error(err, r, LG_ESYNTAX, "validate",
                              "unknown validator");
    }
    return LG_OK;
}

/* Escape a literal keyword for Vectorscan as \xNN sequences: exact, and
 * immune to any metacharacter. */
static int literal_expr(struct lg_buf *b, const char *kw)
{
    static const char hex[] = "0123456789abcdef";
    int rc = LG_OK;

    for (const unsigned char *p = (const unsigned char *)kw; *p && rc == LG_OK;
         p++) {
        char e[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
        rc = lg_buf_append(b, e, 4);
    }
    return rc;
}

struct hs_exprs {
    char **expr;
    unsigned *flags, *ids;
    size_t n, cap;
};

static int exprs_push(struct hs_exprs *x, char *expr, unsigned flags,
                      unsigned id)
{
    if (x->n == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 256;
        char **e = realloc(x->expr, ncap * sizeof(*e));
        unsigned *f, *i;

        if (!e)
            return LG_ENOMEM;
        x->expr = e;
        f = realloc(x->flags, ncap * sizeof(*f));
        if (!f)
            return LG_ENOMEM;
        x->flags = f;
        i = realloc(x->ids, ncap * sizeof(*i));
        if (!i)
            return LG_ENOMEM;
        x->ids = i;
        x->cap = ncap;
    }
    x->expr[x->n] = expr;
    x->flags[x->n] = flags;
    x->ids[x->n] = id;
    x->n++;
    return LG_OK;
}

static void exprs_release(struct hs_exprs *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->expr[i]);
    free(x->expr);
    free(x->flags);
    free(x->ids);
}

/* Add rule i's prefilter expressions. */
static int add_prefilter(struct hs_exprs *x, const struct lg_crule *c,
                         unsigned id)
{
    const struct lg_rule *r = &c->rule;
    int rc = LG_OK;

    if (r->keywords.n == 0) {
        char *e = strdup(r->pattern);
        if (!e)
            return LG_ENOMEM;
        rc = exprs_push(x, e, HS_FLAG_PREFILTER | HS_FLAG_MULTILINE, id);
        if (rc < 0)
            free(e);
        return rc;
    }
    for (size_t k = 0; k < r->keywords.n && rc == LG_OK; k++) {
        struct lg_buf b;

        lg_buf_init(&b, 4096);
        rc = literal_expr(&b, r->keywords.v[k]);
        if (rc == LG_OK) {
            char *e = lg_buf_detach(&b);
            if (!e)
                return LG_ENOMEM;
            rc = exprs_push(x, e, HS_FLAG_CASELESS, id);
            if (rc < 0)
                free(e);
        }
        lg_buf_release(&b);
    }
    return rc;
}

static int build_database(struct lg_ruleset *rs, struct lg_error *err)
{
    struct hs_exprs x = {0};
    hs_compile_error_t *ce = NULL;
    hs_database_t *db = NULL;
    uint64_t key = 0;
    int rc = LG_OK;

    for (size_t i = 0; i < rs->n && rc == LG_OK; i++)
        if (!rs->rules[i].disabled)
            rc = add_prefilter(&x, &rs->rules[i], (unsigned)i);
    /* The percent-escape detector shares the pass, its id following the
     * rules' (see engine/decode.h); Base64 and hex runs are found by a
     * faster pass of their own (engine/runends.h). */
    for (unsigned k = LG_DEC_PERCENT; k < LG_DEC_KINDS && rc == LG_OK && x.n;
         k++) {
        char *e = strdup(lg_decode_hs_expr[k]);
        if (!e) {
            rc = LG_ENOMEM;
            break;
        }
        rc = exprs_push(&x, e, 0, (unsigned)rs->n + k);
        if (rc < 0)
            free(e);
    }
    if (rc < 0)
        goto out;
    if (x.n == 0) {
        rs->hs_db = NULL; /* no rules: nothing to find */
        goto out;
    }
    if (rs->cache_dir) {
        key = lg_dbcache_key((const char *const *)x.expr, x.flags, x.ids, x.n,
                             HS_MODE_STREAM);
        db = lg_dbcache_load(rs->cache_dir, key);
        if (db) {
            rs->hs_db = db;
            rs->cache_hit = true;
            goto out;
        }
    }
    if (hs_compile_multi((const char *const *)x.expr, x.flags, x.ids,
                         (unsigned)x.n, HS_MODE_STREAM, NULL, &db,
                         &ce) != HS_SUCCESS) {
        if (ce && ce->expression >= 0 && (size_t)ce->expression < x.n) {
            const struct lg_crule *c =
                &rs->rules[x.ids[ce->expression] < rs->n
                               ? x.ids[ce->expression]
                               : 0];
            rc = rule_error(err, &c->rule, LG_ESYNTAX,
                            "vectorscan cannot prefilter the pattern "
                            "(give the rule keywords)",
                            ce->message);
        } else {
            rc = lg_error_set(err, LG_EINTERNAL,
                              "cannot build the vectorscan database: %s",
                              ce ? ce->message : "unknown error");
        }
        hs_free_compile_error(ce);
        goto out;
    }
    rs->hs_db = db;
    if (rs->cache_dir)
        lg_dbcache_store(rs->cache_dir, key, db);
out:
    exprs_release(&x);
    return rc;
}

/* Move parsed rules into rs->rules; a later rule replaces an earlier one
 * with the same id. */
static int collect_rules(struct lg_ruleset *rs)
{
    struct lg_rule_list *p = &rs->parsed;

    rs->rules = calloc(p->n ? p->n : 1, sizeof(*rs->rules));
    rs->jit = calloc(p->n ? p->n : 1, sizeof(*rs->jit));
    if (!rs->rules || !rs->jit)
        return LG_ENOMEM;
    for (size_t i = 0; i < (p->n ? p->n : 1); i++) {
        atomic_init(&rs->jit[i].code, NULL);
        atomic_init(&rs->jit[i].claimed, false);
    }
    for (size_t i = 0; i < p->n; i++) {
        long at = lg_ruleset_find(rs, p->v[i].id);

        if (at >= 0) {
            lg_rule_release(&rs->rules[at].rule);
            rs->rules[at].rule = p->v[i];
        } else {
            rs->rules[rs->n++].rule = p->v[i];
        }
        memset(&p->v[i], 0, sizeof(p->v[i]));
    }
    p->n = 0;
    for (size_t i = 0; i < rs->disabled_ids.n; i++) {
        long at = lg_ruleset_find(rs, rs->disabled_ids.v[i]);
        if (at < 0)
            return LG_ENOTFOUND; /* the caller names the id */
        rs->rules[at].disabled = true;
    }
    return LG_OK;
}

int lg_ruleset_compile(struct lg_ruleset *rs, struct lg_error *err)
{
    int rc;

    if (rs->compiled)
        return lg_error_set(err, LG_EINVAL, "ruleset already compiled");
    rc = collect_rules(rs);
    if (rc == LG_OK) {
        rc = apply_allow(rs, err);
        if (rc < 0)
            return rc;
    }
    if (rc == LG_ENOTFOUND) {
        for (size_t i = 0; i < rs->disabled_ids.n; i++)
            if (lg_ruleset_find(rs, rs->disabled_ids.v[i]) < 0)
                return lg_error_set(err, LG_EINVAL,
                                    "cannot disable rule '%s': there is no "
                                    "rule with that id",
                                    rs->disabled_ids.v[i]);
    }
    if (rc < 0)
        return lg_error_set(err, rc, "cannot compile rules: %s",
                            lg_strerror(rc));
    for (size_t i = 0; i < rs->n; i++) {
        struct lg_crule *c = &rs->rules[i];

        if (c->disabled)
            continue;
        rc = compile_rule(c, err);
        if (rc == LG_ENOMEM)
            return lg_error_set(err, rc, "cannot compile rules: %s",
                                lg_strerror(rc));
        if (rc < 0)
            return rc;
        if (c->rule.max_len > rs->max_len)
            rs->max_len = c->rule.max_len;
        if (c->lookbehind > rs->max_lookbehind)
            rs->max_lookbehind = c->lookbehind;
        rs->n_enabled++;
    }
    if (rs->watch && rs->max_len < LG_WATCH_MAX_LEN)
        rs->max_len = LG_WATCH_MAX_LEN;
    for (size_t i = 0; i < rs->n; i++) {
        struct lg_crule *c = &rs->rules[i];
        c->pair = -1;
        if (c->disabled || !c->rule.pair_with)
            continue;
        c->pair = lg_ruleset_find(rs, c->rule.pair_with);
        if (c->pair < 0 || (size_t)c->pair == i)
            return rule_error(err, &c->rule, LG_ESYNTAX, "pair_with",
                              "names no other rule");
        if (rs->rules[c->pair].disabled)
            c->pair = -1; /* pairing is optional: nothing to pair with */
    }
    rc = build_database(rs, err);
    if (rc < 0)
        return rc;
    rs->compiled = true;
    return LG_OK;
}
