/* rules lint: what the engine needs of a rule beyond what parsing and
 * compiling already enforce.
 *
 * The streaming engine is exact only for rules whose matches are at most
 * max_len bytes and contain one of the rule's keywords (or, without
 * keywords, are found by the Vectorscan prefilter of the pattern).  Lint
 * checks this on the examples, asks Vectorscan for the pattern's maximum
 * width, and checks that the secret group takes part in every example's
 * match. */
#include "rule/ruleset.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <hs/hs.h>
#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct lint {
    lg_lint_cb cb;
    void *payload;
    long problems;
};

__attribute__((format(printf, 4, 5))) static void problem(
    struct lint *l, const struct lg_rule *r, const struct lg_srcpos *pos,
    const char *fmt, ...)
{
    char msg[512], line[700];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(line, sizeof(line), "%s:%u:%u: rule '%s': %s",
             pos->file ? pos->file : "?", pos->line, pos->col, r->id, msg);
    l->cb(line, l->payload);
    l->problems++;
}

static bool has_keyword(const struct lg_rule *r, const char *s, size_t n)
{
    for (size_t k = 0; k < r->keywords.n; k++) {
        size_t m = strlen(r->keywords.v[k]);
        for (size_t i = 0; m && i + m <= n; i++) {
            size_t j = 0;
            while (j < m && tolower((unsigned char)s[i + j]) ==
                                tolower((unsigned char)r->keywords.v[k][j]))
                j++;
            if (j == m)
                return true;
        }
    }
    return false;
}

static void lint_example(struct lint *l, const struct lg_crule *c,
                         const struct lg_example *e, size_t idx,
                         pcre2_match_data *md)
{
    const struct lg_rule *r = &c->rule;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    size_t n = strlen(e->text);
    int rc = pcre2_match(c->re, (PCRE2_SPTR)e->text, n, 0, 0, md, NULL);
    size_t len;

    if (rc < 0) {
        problem(l, r, &e->pos, "example %zu: the pattern does not match it",
                idx + 1);
        return;
    }
    len = ov[1] - ov[0];
    if (len > r->max_len)
        problem(l, r, &e->pos,
                "example %zu: max_len %zu is smaller than its %zu-byte match",
                idx + 1, r->max_len, len);
    if ((uint32_t)rc <= c->secret_group ||
        ov[2 * c->secret_group] == PCRE2_UNSET)
        problem(l, r, &e->pos,
                "example %zu: the secret group does not take part in the "
                "match",
                idx + 1);
    /* a keyword inside the match, or just after it (a lazy context
     * suffix): either way a candidate window covers the match */
    if (r->keywords.n &&
        !has_keyword(r, e->text + ov[0],
                     n - ov[0] < len + r->max_len ? n - ov[0]
                                                   : len + r->max_len))
        problem(l, r, &e->pos,
                "example %zu: no keyword lies inside the match or within "
                "max_len after it, so the prefilter would miss it",
                idx + 1);
}

static void lint_width(struct lint *l, const struct lg_crule *c)
{
    const struct lg_rule *r = &c->rule;
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *ce = NULL;

    if (hs_expression_info(r->pattern, HS_FLAG_PREFILTER | HS_FLAG_MULTILINE,
                           &info, &ce) != HS_SUCCESS) {
        problem(l, r, &r->pos, "vectorscan cannot prefilter the pattern: %s",
                ce ? ce->message : "unknown error");
        hs_free_compile_error(ce);
        return;
    }
    if (info->max_width == UINT_MAX)
        problem(l, r, &r->pos,
                "the pattern is unbounded: bound every repetition (e.g. "
                "{1,200}) so matches fit in max_len");
    else if (info->max_width > r->max_len)
        problem(l, r, &r->pos,
                "max_len %zu is smaller than the pattern's maximum width %u",
                r->max_len, info->max_width);
    free(info);
}

long lg_ruleset_lint(const struct lg_ruleset *rs, lg_lint_cb cb,
                     void *payload)
{
    struct lint l = {cb, payload, 0};
    pcre2_match_data *md = pcre2_match_data_create(256, NULL);

    if (!md)
        return LG_ENOMEM;
    for (size_t i = 0; i < rs->n; i++) {
        const struct lg_crule *c = &rs->rules[i];

        if (c->disabled)
            continue;
        if (c->rule.n_examples == 0)
            problem(&l, &c->rule, &c->rule.pos, "no examples");
        if (c->rule.n_negatives == 0)
            problem(&l, &c->rule, &c->rule.pos, "no negative examples");
        for (size_t k = 0; k < c->rule.n_examples; k++)
            lint_example(&l, c, &c->rule.examples[k], k, md);
        lint_width(&l, c);
    }
    pcre2_match_data_free(md);
    return l.problems;
}
