/* OneSpan Sign provider internals shared by onespan.c (verification) and
 * onespan_revoke.c (plans, revocation, containment).  See
 * shared/onespan.md for the calls and the credential shapes. */
#ifndef LG_VERIFY_ONESPAN_H
#define LG_VERIFY_ONESPAN_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/provider.h"

#define OS_UID_MAX 128

/* How one response maps to a status. */
typedef enum lg_verify_status (*os_classify)(long http_status);

/* One kind of call, tried on the configured URLs in order. */
struct os_probe {
    const char *action; /* audit action, e.g. "verify" */
    const char *method;
    const char *path;
    const char *auth;  /* Authorization value (secret) */
    const char *ctype; /* body content type, or NULL */
    const char *body;
    size_t body_len;
    os_classify classify;
};

struct os_result {
    enum lg_verify_status st; /* LIVE/RESTRICTED, INVALID or ERROR */
    size_t url;               /* index in cx->urls of the deciding host */
    struct lg_http_resp resp; /* the deciding response (release it) */
    char desc[200];           /* e.g. "HTTP 401 from 4 hosts" */
};

/* Try p on every configured URL until one says live or restricted.
 * r->resp is initialised here; release it with lg_http_resp_release. */
int os_probe_hosts(struct lg_vctx *cx, const struct lg_vitem *it,
                   const struct os_probe *p, struct os_result *r);

/* 200 live, 403 restricted, 401 invalid, anything else an error. */
enum lg_verify_status os_classify_session(long http_status);

/* "Basic <key>" / "Bearer <t>" / "Basic base64(id:secret)" into out. */
int os_auth(struct lg_buf *out, const char *scheme, const char *cred, size_t n);
int os_auth_pair(struct lg_buf *out, const char *id, const char *secret);

/* The user id (left half) of an API key, decoded; false if it is not
 * Base64 of "id:secret". */
bool os_api_key_uid(const char *key, size_t n, char uid[OS_UID_MAX]);

/* Whether a client secret/id pair is a client app (else maybe OAuth). */
bool os_is_app_secret(const char *s, size_t n);

/* Verification of each credential kind; the host that accepted it is
 * left in *url when the status is live or restricted. */
int os_verify_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                      struct lg_verification *out, size_t *url);
int os_verify_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out, size_t *url);
int os_verify_client(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out, size_t *url, bool *oauth);
/* Read the callback registration with the admin key: *reg gets the parsed
 * body (caller frees) and *url the host, when found. */
int os_read_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                     const char *action, struct lg_jnode **reg, size_t *url,
                     char *desc, size_t desc_n);

/* Plans and revocations (onespan_revoke.c). */
int os_plan_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                    struct lg_buf *out);
int os_revoke_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                      struct lg_revoke_result *out);
int os_plan_client(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out);
int os_revoke_client(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out);
int os_plan_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out);
int os_revoke_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out);
int os_plan_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_buf *out);
int os_revoke_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                       struct lg_revoke_result *out);

#endif
