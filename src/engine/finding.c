/* Finding helpers: owned copies and the redacted display snippet.
 *
 * The snippet is what a human needs to recognise the spot: the text on the
 * secret's line around it, with the secret itself redacted.  It is capped at
 * SNIPPET_MAX bytes so that a minified file or a multi-kilobyte private key
 * cannot blow up a report line; the secret keeps its place in the middle and
 * the context on each side shares what is left, cut at UTF-8 boundaries with
 * "…" marking a cut.  Control characters (C0, DEL and the C1 range) become
 * spaces, so the snippet is one line and cannot drive a terminal. */
#include "engine/finding.h"

#include "rule/ruleset.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_MAX 240    /* bytes of text, without the "…" markers */
#define SNIPPET_SECRET 160 /* most bytes of a shown raw secret */
#define ELLIPSIS "\xe2\x80\xa6"

/* Duplicate a string field; NULL stays NULL, a failure sets *rc. */
int lg_finding_copy(struct lg_finding *dst, const struct lg_finding *src)
{
    int rc = LG_OK;

    *dst = *src; /* scalars and the borrowed `rule` and `decoded` */
    dst->secret = NULL;
    if (src->secret) {
        dst->secret = lg_strndup(src->secret, src->secret_len);
        if (!dst->secret)
            rc = LG_ENOMEM;
    }
    dst->path = lg_strdup_opt(src->path, &rc);
    dst->line_before = lg_strdup_opt(src->line_before, &rc);
    dst->line_after = lg_strdup_opt(src->line_after, &rc);
    dst->identity = lg_strdup_opt(src->identity, &rc);
    dst->git.commit = lg_strdup_opt(src->git.commit, &rc);
    dst->git.author = lg_strdup_opt(src->git.author, &rc);
    dst->git.email = lg_strdup_opt(src->git.email, &rc);
    dst->git.date = lg_strdup_opt(src->git.date, &rc);
    dst->git.message = lg_strdup_opt(src->git.message, &rc);
    dst->verification.provider = lg_strdup_opt(src->verification.provider, &rc);
    dst->verification.identity = lg_strdup_opt(src->verification.identity, &rc);
    dst->verification.detail = lg_strdup_opt(src->verification.detail, &rc);
    dst->part = NULL;
    if (src->part && rc == LG_OK)
        rc = lg_finding_set_part(dst, src->part->rule, src->part->secret,
                                 src->part->secret_len, src->part->line,
                                 src->part->column);
    if (rc < 0)
        lg_finding_release(dst);
    return rc;
}

int lg_finding_set_part(struct lg_finding *f, const struct lg_crule *rule,
                        const char *secret, size_t len, uint64_t line,
                        uint64_t column)
{
    struct lg_finding_part *p = calloc(1, sizeof(*p));

    if (!p || !(p->secret = lg_strndup(secret, len))) {
        free(p);
        return LG_ENOMEM;
    }
    p->rule = rule;
    p->secret_len = len;
    lg_redact(secret, len, p->redacted, sizeof(p->redacted));
    lg_fingerprint(rule->rule.id, secret, len, p->fingerprint);
    p->line = line;
    p->column = column;
    if (f->part) {
        memset(f->part->secret, 0, f->part->secret_len);
        free(f->part->secret);
        free(f->part);
    }
    f->part = p;
    return LG_OK;
}

void lg_finding_release(struct lg_finding *f)
{
    if (!f)
        return;
    free(f->path);
    if (f->secret) /* wipe: owned copies of secrets do not linger in memory */
        memset(f->secret, 0, f->secret_len);
    free(f->secret);
    free(f->line_before);
    free(f->line_after);
    free(f->identity);
    free(f->git.commit);
    free(f->git.author);
    free(f->git.email);
    free(f->git.date);
    free(f->git.message);
    f->path = f->secret = f->line_before = f->line_after = f->identity = NULL;
    f->git.commit = f->git.author = f->git.email = f->git.date = NULL;
    f->git.message = NULL;
    free(f->verification.provider);
    free(f->verification.identity);
    free(f->verification.detail);
    f->verification.provider = f->verification.identity = NULL;
    f->verification.detail = NULL;
    if (f->part) {
        memset(f->part->secret, 0, f->part->secret_len);
        free(f->part->secret);
        free(f->part);
        f->part = NULL;
    }
}

const char *lg_verify_status_name(enum lg_verify_status s)
{
    static const char *const names[] = {
        [LG_VERIFY_NONE] = NULL,          [LG_VERIFY_LIVE] = "live",
        [LG_VERIFY_INVALID] = "invalid",  [LG_VERIFY_RESTRICTED] = "restricted",
        [LG_VERIFY_UNKNOWN] = "unknown",  [LG_VERIFY_ERROR] = "error",
    };

    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

/* Length of the control sequence at s: 1 for C0 and DEL, 2 for a UTF-8
 * encoded C1 control (U+0080..U+009F), 0 for anything else. */
static size_t control_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x20 || s[0] == 0x7f)
        return 1;
    if (s[0] == 0xc2 && n > 1 && s[1] >= 0x80 && s[1] <= 0x9f)
        return 2;
    return 0;
}

/* Append s[0..n) with control characters turned into single spaces. */
static int put_clean(struct lg_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;
    int rc = LG_OK;

    while (i < n && rc == LG_OK) {
        size_t c = control_len(u + i, n - i);

        if (!c) {
            run++;
            i++;
            continue;
        }
        rc = lg_buf_append(out, s + i - run, run);
        if (rc == LG_OK)
            rc = lg_buf_putc(out, ' ');
        run = 0;
        i += c;
    }
    if (rc == LG_OK && run)
        rc = lg_buf_append(out, s + i - run, run);
    return rc;
}

static bool is_cont(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* Space or an ASCII control character. */
static bool is_blank(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

/* Longest prefix of s[0..n) of at most max bytes that ends on a character
 * boundary. */
static size_t head_len(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && is_cont((unsigned char)s[max]))
        max--;
    return max;
}

/* Start of the longest suffix of s[0..n) of at most max bytes that starts on
 * a character boundary. */
static size_t tail_start(const char *s, size_t n, size_t max)
{
    size_t start;

    if (n <= max)
        return 0;
    start = n - max;
    while (start < n && is_cont((unsigned char)s[start]))
        start++;
    return start;
}

int lg_finding_snippet(const struct lg_finding *f, bool show_secret,
                       struct lg_buf *out)
{
    const char *before = f->line_before ? f->line_before : "";
    const char *after = f->line_after ? f->line_after : "";
    size_t nb = strlen(before), na = strlen(after);
    const char *mid;
    size_t nm, budget, kb, ka, bstart;
    bool mid_cut = false;
    int rc;

    /* Leading indentation says nothing; trailing blanks and line ends
     * neither. */
    while (nb && is_blank((unsigned char)before[0])) {
        before++;
        nb--;
    }
    while (na && is_blank((unsigned char)after[na - 1]))
        na--;

    if (show_secret && f->secret) {
        mid = f->secret;
        nm = head_len(f->secret, f->secret_len, SNIPPET_SECRET);
        mid_cut = nm < f->secret_len;
    } else {
        mid = f->redacted;
        nm = strlen(f->redacted);
    }

    /* Context shares what the secret leaves; a short side gives its unused
     * share to the other. */
    budget = SNIPPET_MAX > nm ? SNIPPET_MAX - nm : 0;
    kb = nb < budget / 2 ? nb : budget / 2;
    ka = na < budget - kb ? na : budget - kb;
    if (kb < nb && ka == na)
        kb = nb < budget - ka ? nb : budget - ka;
    bstart = tail_start(before, nb, kb);
    ka = head_len(after, na, ka);

    rc = bstart > 0 ? lg_buf_puts(out, ELLIPSIS) : LG_OK;
    if (rc == LG_OK)
        rc = put_clean(out, before + bstart, nb - bstart);
    if (rc == LG_OK)
        rc = put_clean(out, mid, nm);
    if (rc == LG_OK && mid_cut)
        rc = lg_buf_puts(out, ELLIPSIS);
    if (rc == LG_OK)
        rc = put_clean(out, after, ka);
    if (rc == LG_OK && ka < na)
        rc = lg_buf_puts(out, ELLIPSIS);
    return rc;
}
