/* Helpers shared by the provider implementations (see provider.h). */
#include "verify/provider.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "util/text.h"

static bool is_down(struct lg_downset *d, const char *base, bool add)
{
    bool found = false;

    if (!d)
        return false;
    pthread_mutex_lock(&d->mu);
    for (size_t i = 0; i < d->n && !found; i++)
        found = strcmp(d->v[i], base) == 0;
    if (!found && add && d->n < sizeof(d->v) / sizeof(d->v[0]))
        d->v[d->n++] = base;
    pthread_mutex_unlock(&d->mu);
    return found;
}

int lg_vctx_call(struct lg_vctx *cx, const struct lg_vitem *it,
                 const char *action, const char *base, const char *path,
                 struct lg_http_req *req, struct lg_http_resp *resp)
{
    struct lg_buf url;
    char host[256];
    int rc;

    lg_buf_init(&url, 8192);
    rc = lg_buf_puts(&url, base);
    if (rc == LG_OK)
        rc = lg_buf_puts(&url, path);
    if (rc < 0) {
        lg_buf_release(&url);
        snprintf(resp->error, sizeof(resp->error), "URL too long");
        return rc;
    }
    req->url = url.data;
    if (is_down(cx->down, base, false)) {
        rc = LG_EIO;
        snprintf(resp->error, sizeof(resp->error),
                 "no response earlier in this run");
    } else {
        rc = lg_http_do(cx->http, req, cx->rate, resp);
        if (rc == LG_EIO && resp->status == 0)
            is_down(cx->down, base, true);
    }
    req->url = NULL;
    lg_http_url_host(url.data, host, sizeof(host));
    if (cx->audit) {
        char outcome[200];
        struct lg_audit_rec rec = {
            action, cx->ops->name, it->rule_id, it->f->fingerprint,
            host,   resp->status,  outcome,     NULL,
        };
        if (rc == LG_OK)
            snprintf(outcome, sizeof(outcome), "http %ld", resp->status);
        else
            snprintf(outcome, sizeof(outcome), "failed: %s",
                     resp->error[0] ? resp->error : lg_strerror(rc));
        lg_audit_write(cx->audit, &rec);
    }
    lg_buf_release(&url);
    return rc;
}

void lg_vctx_audit(struct lg_vctx *cx, const struct lg_vitem *it,
                   const char *action, const char *base, const char *outcome,
                   const char *detail)
{
    char host[256] = "";
    struct lg_audit_rec rec = {
        action, cx->ops->name, it->rule_id, it->f->fingerprint, host,
        0,      outcome,       detail,
    };

    if (!cx->audit)
        return;
    if (base)
        lg_http_url_host(base, host, sizeof(host));
    if (!host[0])
        rec.host = NULL;
    lg_audit_write(cx->audit, &rec);
}

/* A copy of s without control characters, at most LG_IDENTITY_MAX bytes
 * (cut on a UTF-8 boundary). */
static char *clean_identity(const char *s)
{
    size_t n = strlen(s), k = 0;
    char *out;

    if (n > LG_IDENTITY_MAX) {
        n = LG_IDENTITY_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    out = malloc(n + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
            out[k++] = s[i];
    out[k] = '\0';
    return out;
}

int lg_vset(struct lg_verification *out, const struct lg_vctx *cx,
            enum lg_verify_status st, const char *identity, const char *fmt,
            ...)
{
    char detail[300];
    va_list ap;

    free(out->provider);
    free(out->identity);
    free(out->detail);
    memset(out, 0, sizeof(*out));
    out->status = st;
    lg_time_iso(out->checked_at, sizeof(out->checked_at), false);
    out->provider = lg_strndup(cx->ops->name, strlen(cx->ops->name));
    if (identity && *identity)
        out->identity = clean_identity(identity);
    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
        out->detail = lg_strndup(detail, strlen(detail));
    }
    if (!out->provider || (identity && *identity && !out->identity) ||
        (fmt && !out->detail))
        return LG_ENOMEM;
    return LG_OK;
}

struct lg_jnode *lg_vparse(const struct lg_http_resp *resp)
{
    struct lg_jlimits lim = {32, 100000};
    struct lg_jnode *v = NULL;

    if (!resp->body.data || !resp->body.len)
        return NULL;
    if (lg_jparse(&v, resp->body.data, resp->body.len, &lim, NULL) < 0)
        return NULL;
    return v;
}

void lg_vdescribe(const char *base, const struct lg_http_resp *resp, char *out,
                  size_t n)
{
    char host[256];

    lg_http_url_host(base, host, sizeof(host));
    if (resp->status)
        snprintf(out, n, "HTTP %ld from %s", resp->status, host);
    else
        snprintf(out, n, "%s: %s", host,
                 resp->error[0] ? resp->error : "no response");
}

void lg_vredact(const char *s, size_t n, char out[LG_REDACT_MAX])
{
    lg_redact(s, n, out, LG_REDACT_MAX);
}

int lg_vrandom_key(char *out, size_t n)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t k = 0;

    while (k < n) {
        unsigned char r[64];
        ssize_t got = getrandom(r, sizeof(r), 0);

        if (got <= 0)
            return LG_EIO;
        /* 62 * 4 = 248: rejecting bytes >= 248 keeps the draw uniform */
        for (ssize_t i = 0; i < got && k < n; i++)
            if (r[i] < 248)
                out[k++] = alpha[r[i] % 62];
        memset(r, 0, sizeof(r));
    }
    out[n] = '\0';
    return LG_OK;
}

bool lg_vequal(const char *a, size_t an, const char *b, size_t bn)
{
    unsigned char d = an != bn;
    size_t n = an < bn ? an : bn;

    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

bool lg_vcontains(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; s && *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}
