/* What provider implementations (onespan.c, github.c, slack.c) get from
 * the verify driver: the call context and small shared helpers.  Internal
 * to src/verify/. */
#ifndef LG_VERIFY_PROVIDER_H
#define LG_VERIFY_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/json_parse.h"
#include "verify/audit.h"
#include "verify/http.h"
#include "verify/verify.h"

#define LG_IDENTITY_MAX 200 /* bytes of an identity taken from a response */

/* Base URLs that gave no response at all (after retries) in this run:
 * later calls to them fail at once instead of waiting out the retries
 * again for every credential.  Shared by threads. */
struct lg_downset {
    pthread_mutex_t mu;
    const char *v[64]; /* borrowed base URLs */
    size_t n;
};

/* One provider call: everything a provider may use.  The URLs are the
 * configured base URLs of ops->name (no trailing '/'), the one hinted by
 * the finding's context first. */
struct lg_vctx {
    const struct lg_provider_ops *ops;
    struct lg_http *http;   /* this thread's client */
    struct lg_rate *rate;   /* the provider's rate limit */
    struct lg_audit *audit; /* may be NULL */
    const char *const *urls;
    size_t n_urls;
    const char *admin_key;   /* OneSpan admin key, or NULL */
    bool contain;            /* destructive containment allowed */
    struct lg_downset *down; /* may be NULL */
};

/* Request base+path for item `it` as part of `action`, with req's method,
 * auth and body (req->url is set here), and append an audit record (host,
 * HTTP status or the transport error).  Returns what lg_http_do returns. */
int lg_vctx_call(struct lg_vctx *cx, const struct lg_vitem *it,
                 const char *action, const char *base, const char *path,
                 struct lg_http_req *req, struct lg_http_resp *resp);

/* An audit record for item `it` that is not a request (e.g. manual steps
 * printed). base may be NULL. */
void lg_vctx_audit(struct lg_vctx *cx, const struct lg_vitem *it,
                   const char *action, const char *base, const char *outcome,
                   const char *detail);

/* Fill a verification: status, provider = cx->ops->name, identity (copied,
 * control characters dropped, capped), detail (printf), checked_at = now.
 * Returns LG_OK or LG_ENOMEM. */
int lg_vset(struct lg_verification *out, const struct lg_vctx *cx,
            enum lg_verify_status st, const char *identity, const char *fmt,
            ...) __attribute__((format(printf, 5, 6)));

/* Parse a response body as JSON (NULL when it is not JSON). */
struct lg_jnode *lg_vparse(const struct lg_http_resp *resp);

/* "HTTP 401 from host" / "cannot connect ...": a short description of a
 * response for details and plans. */
void lg_vdescribe(const char *base, const struct lg_http_resp *resp, char *out,
                  size_t n);

/* The redacted form of a secret. */
void lg_vredact(const char *s, size_t n, char out[LG_REDACT_MAX]);

/* n random characters from [A-Za-z0-9] (getrandom), NUL-terminated in
 * out[n].  Returns LG_OK or LG_EIO. */
int lg_vrandom_key(char *out, size_t n);

/* Constant-time comparison of two byte strings. */
bool lg_vequal(const char *a, size_t an, const char *b, size_t bn);

/* Whether s (NUL-terminated, may be NULL) contains `word`, ignoring case. */
bool lg_vcontains(const char *s, const char *word);

/* Provider tables (defined in onespan.c, github.c, slack.c). */
extern const struct lg_provider_ops lg_onespan_api_key, lg_onespan_client,
    lg_onespan_bearer, lg_onespan_callback, lg_github_token, lg_slack_token;

#endif
