/* OneSpan Sign: verification of API keys, client apps and OAuth clients,
 * bearer tokens and callback keys, and the provider tables.
 *
 * A credential carries no region, so each check walks the configured base
 * URLs (the one named next to the finding first) until one host accepts
 * it; a 401 from every host means invalid, a transport or server error
 * anywhere (and no acceptance) means error.  A client secret is checked
 * with the nearest client id of the same file: as a client app when the
 * secret has the client-app shape ("hydra" prefix), as an OAuth client
 * when its context says OAuth, otherwise as a client app and then as an
 * OAuth client.  Identities come from GET /api/session (user and
 * account); the token minted to learn them is discarded. */
#include "verify/onespan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/json.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

enum lg_verify_status os_classify_session(long s)
{
    if (s == 200)
        return LG_VERIFY_LIVE;
    if (s == 403)
        return LG_VERIFY_RESTRICTED;
    if (s == 401)
        return LG_VERIFY_INVALID;
    return LG_VERIFY_ERROR;
}

/* Minting calls: any refusal (4xx but 429) means "not live". */
static enum lg_verify_status classify_mint(long s)
{
    if (s == 200)
        return LG_VERIFY_LIVE;
    if (s == 0 || s == 429 || s >= 500)
        return LG_VERIFY_ERROR;
    return s >= 400 ? LG_VERIFY_INVALID : LG_VERIFY_ERROR;
}

static int b64_encode(struct lg_buf *out, const unsigned char *s, size_t n)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = LG_OK;

    for (size_t i = 0; i < n && rc == LG_OK; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        char q[4];

        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        q[0] = a[(v >> 18) & 63];
        q[1] = a[(v >> 12) & 63];
        q[2] = i + 1 < n ? a[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? a[v & 63] : '=';
        rc = lg_buf_append(out, q, 4);
    }
    return rc;
}

int os_auth(struct lg_buf *out, const char *scheme, const char *cred, size_t n)
{
    int rc = lg_buf_printf(out, "%s ", scheme);

    return rc == LG_OK ? lg_buf_append(out, cred, n) : rc;
}

int os_auth_pair(struct lg_buf *out, const char *id, const char *secret)
{
    struct lg_buf pair;
    int rc;

    lg_buf_init(&pair, 64 * 1024);
    rc = lg_buf_printf(&pair, "%s:%s", id, secret);
    if (rc == LG_OK)
        rc = lg_buf_puts(out, "Basic ");
    if (rc == LG_OK)
        rc = b64_encode(out, (const unsigned char *)pair.data, pair.len);
    if (pair.data)
        memset(pair.data, 0, pair.len);
    lg_buf_release(&pair);
    return rc;
}

bool os_api_key_uid(const char *key, size_t n, char uid[OS_UID_MAX])
{
    unsigned char dec[256];
    size_t len = 0;
    unsigned char *colon;
    bool ok = false;

    if (n <= 300 &&
        lg_base64_decode(key, n, dec, sizeof(dec), &len, false) == LG_OK &&
        (colon = memchr(dec, ':', len)) && colon > dec &&
        (size_t)(colon - dec) < OS_UID_MAX) {
        size_t k = (size_t)(colon - dec);

        ok = true;
        for (size_t i = 0; i < k; i++) /* ids are letters and digits */
            if (!((dec[i] >= '0' && dec[i] <= '9') ||
                  ((dec[i] | 0x20) >= 'a' && (dec[i] | 0x20) <= 'z') ||
                  dec[i] == '-' || dec[i] == '_' || dec[i] == '.'))
                ok = false;
        if (ok) {
            memcpy(uid, dec, k);
            uid[k] = '\0';
        }
    }
    memset(dec, 0, sizeof(dec));
    return ok;
}

bool os_is_app_secret(const char *s, size_t n)
{
    if (n != 74 || memcmp(s, "6879647261", 10) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

int os_probe_hosts(struct lg_vctx *cx, const struct lg_vitem *it,
                   const struct os_probe *p, struct os_result *r)
{
    char first_err[200] = "", last[200] = "";
    unsigned rejected = 0;

    memset(r, 0, sizeof(*r));
    lg_http_resp_init(&r->resp);
    r->st = LG_VERIFY_ERROR;
    for (size_t i = 0; i < cx->n_urls; i++) {
        struct lg_http_req req = {p->method, NULL,    p->auth,
                                  p->ctype,  p->body, p->body_len};
        enum lg_verify_status st;
        int rc;

        lg_http_resp_release(&r->resp);
        lg_http_resp_init(&r->resp);
        rc = lg_vctx_call(cx, it, p->action, cx->urls[i], p->path, &req,
                          &r->resp);
        if (rc == LG_ENOMEM)
            return rc;
        st = rc == LG_OK ? p->classify(r->resp.status) : LG_VERIFY_ERROR;
        lg_vdescribe(cx->urls[i], &r->resp, last, sizeof(last));
        r->url = i;
        if (st == LG_VERIFY_LIVE || st == LG_VERIFY_RESTRICTED) {
            r->st = st;
            snprintf(r->desc, sizeof(r->desc), "%s", last);
            return LG_OK;
        }
        if (st == LG_VERIFY_INVALID)
            rejected++;
        else if (!first_err[0])
            snprintf(first_err, sizeof(first_err), "%s", last);
    }
    if (first_err[0]) {
        r->st = LG_VERIFY_ERROR;
        snprintf(r->desc, sizeof(r->desc), "%s", first_err);
    } else {
        r->st = LG_VERIFY_INVALID;
        snprintf(r->desc, sizeof(r->desc), "rejected by %u host%s (%.150s)",
                 rejected, rejected == 1 ? "" : "s", last);
    }
    return LG_OK;
}

/* "jane@acme.test (account Acme)" from a /api/session body. */
static void session_identity(const struct lg_http_resp *resp, char *out,
                             size_t n)
{
    struct lg_jnode *j = lg_vparse(resp);
    const struct lg_jnode *user = lg_jget(j, "user"),
                          *acct = lg_jget(j, "account");
    const char *who = lg_jget_str(user, "email");
    const char *org = lg_jget_str(acct, "name");

    if (!who)
        who = lg_jget_str(user, "id");
    if (!org)
        org = lg_jget_str(acct, "id");
    out[0] = '\0';
    if (who && org)
        snprintf(out, n, "%s (account %s)", who, org);
    else if (who || org)
        snprintf(out, n, "%s", who ? who : org);
    lg_jnode_free(j);
}

/* ------------------------------------------------------------------ */
/* API keys and bearer tokens                                           */

static int verify_session(struct lg_vctx *cx, const struct lg_vitem *it,
                          const char *scheme, struct lg_verification *out,
                          size_t *url)
{
    struct lg_buf auth;
    struct os_result r;
    char ident[LG_IDENTITY_MAX + 1] = "", uid[OS_UID_MAX];
    struct os_probe p = {"verify", "GET", "/api/session",     NULL, NULL,
                         NULL,     0,     os_classify_session};
    int rc;

    lg_buf_init(&auth, 64 * 1024);
    rc = os_auth(&auth, scheme, it->f->secret, it->f->secret_len);
    if (rc < 0)
        goto out;
    p.auth = auth.data;
    rc = os_probe_hosts(cx, it, &p, &r);
    if (rc == LG_OK && r.st == LG_VERIFY_ERROR && r.resp.status == 404 &&
        strcmp(scheme, "Basic") == 0) {
        /* Deployments without /api/session: the documented fallback. */
        lg_http_resp_release(&r.resp);
        p.path = "/api/packages?query=DRAFT&from=1&to=1";
        rc = os_probe_hosts(cx, it, &p, &r);
    }
    if (rc == LG_OK) {
        if (r.st == LG_VERIFY_LIVE)
            session_identity(&r.resp, ident, sizeof(ident));
        if (!ident[0] && r.st != LG_VERIFY_INVALID &&
            strcmp(scheme, "Basic") == 0 &&
            os_api_key_uid(it->f->secret, it->f->secret_len, uid))
            snprintf(ident, sizeof(ident), "user id %s", uid);
        *url = r.url;
        rc = lg_vset(out, cx, r.st, ident, "%s", r.desc);
    }
    lg_http_resp_release(&r.resp);
out:
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    return rc;
}

int os_verify_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                      struct lg_verification *out, size_t *url)
{
    return verify_session(cx, it, "Basic", out, url);
}

int os_verify_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out, size_t *url)
{
    return verify_session(cx, it, "Bearer", out, url);
}

static int api_key_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                          struct lg_verification *out)
{
    size_t url;

    return verify_session(cx, it, "Basic", out, &url);
}

static int bearer_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                         struct lg_verification *out)
{
    size_t url;

    return verify_session(cx, it, "Bearer", out, &url);
}

/* ------------------------------------------------------------------ */
/* Client apps and OAuth clients                                        */

/* With a minted token, ask /api/session who it belongs to (one call on
 * the host that minted it; failure just leaves no identity). */
static void token_identity(struct lg_vctx *cx, const struct lg_vitem *it,
                           const char *base, const char *token, char *out,
                           size_t n)
{
    struct lg_buf auth;
    struct lg_http_resp resp;
    struct lg_http_req req = {"GET", NULL, NULL, NULL, NULL, 0};

    out[0] = '\0';
    lg_buf_init(&auth, 64 * 1024);
    lg_http_resp_init(&resp);
    if (os_auth(&auth, "Bearer", token, strlen(token)) == LG_OK) {
        req.auth = auth.data;
        if (lg_vctx_call(cx, it, "verify-identity", base, "/api/session", &req,
                         &resp) == LG_OK &&
            resp.status == 200)
            session_identity(&resp, out, n);
    }
    lg_http_resp_release(&resp);
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
}

static int verify_app(struct lg_vctx *cx, const struct lg_vitem *it,
                      struct lg_verification *out, size_t *url)
{
    struct lg_buf body;
    struct lg_json j;
    struct os_result r;
    char ident[LG_IDENTITY_MAX + 1] = "";
    struct os_probe p = {"verify",
                         "POST",
                         "/apitoken/clientApp/accessToken",
                         NULL,
                         "application/json",
                         NULL,
                         0,
                         classify_mint};
    int rc;

    lg_buf_init(&body, 64 * 1024);
    lg_json_init(&j, &body, false);
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "clientId", it->partner->secret);
    lg_json_kstr(&j, "secret", it->f->secret);
    lg_json_kstr(&j, "type", "OWNER");
    lg_json_obj_end(&j);
    rc = lg_json_status(&j);
    p.body = body.data;
    p.body_len = body.len;
    if (rc < 0)
        goto out;
    rc = os_probe_hosts(cx, it, &p, &r);
    if (rc == LG_OK) {
        struct lg_jnode *t = r.st == LG_VERIFY_LIVE ? lg_vparse(&r.resp) : NULL;
        const char *token = lg_jget_str(t, "accessToken");

        if (token)
            token_identity(cx, it, cx->urls[r.url], token, ident,
                           sizeof(ident));
        lg_jnode_free(t);
        *url = r.url;
        rc = lg_vset(out, cx, r.st, ident, "client app: %s", r.desc);
    }
    lg_http_resp_release(&r.resp);
out:
    if (body.data)
        memset(body.data, 0, body.len);
    lg_buf_release(&body);
    return rc;
}

/* "sub" (or "email") of a JWT's payload, without checking it: only used
 * as a label for who the token was minted for. */
static void jwt_subject(const char *token, char *out, size_t n)
{
    const char *a = token ? strchr(token, '.') : NULL;
    const char *b = a ? strchr(a + 1, '.') : NULL;
    unsigned char dec[4096];
    size_t len;
    struct lg_jnode *j = NULL;
    const char *sub;

    out[0] = '\0';
    if (!b || (size_t)(b - a - 1) > 5000 ||
        lg_base64_decode(a + 1, (size_t)(b - a - 1), dec, sizeof(dec), &len,
                         true) < 0 ||
        lg_jparse(&j, (const char *)dec, len, NULL, NULL) < 0)
        return;
    sub = lg_jget_str(j, "email");
    if (!sub)
        sub = lg_jget_str(j, "sub");
    if (sub)
        snprintf(out, n, "%s", sub);
    lg_jnode_free(j);
}

static int verify_oauth(struct lg_vctx *cx, const struct lg_vitem *it,
                        struct lg_verification *out, size_t *url)
{
    static const char form[] = "grant_type=client_credentials";
    struct lg_buf auth;
    struct os_result r;
    char ident[LG_IDENTITY_MAX + 1] = "";
    struct os_probe p = {"verify",
                         "POST",
                         "/oauth2/token",
                         NULL,
                         "application/x-www-form-urlencoded",
                         form,
                         sizeof(form) - 1,
                         classify_mint};
    int rc;

    lg_buf_init(&auth, 64 * 1024);
    rc = os_auth_pair(&auth, it->partner->secret, it->f->secret);
    p.auth = auth.data;
    if (rc < 0)
        goto out;
    rc = os_probe_hosts(cx, it, &p, &r);
    if (rc == LG_OK) {
        struct lg_jnode *t = r.st == LG_VERIFY_LIVE ? lg_vparse(&r.resp) : NULL;

        jwt_subject(lg_jget_str(t, "access_token"), ident, sizeof(ident));
        lg_jnode_free(t);
        *url = r.url;
        rc = lg_vset(out, cx, r.st, ident, "OAuth client: %s", r.desc);
    }
    lg_http_resp_release(&r.resp);
out:
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    return rc;
}

int os_verify_client(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out, size_t *url, bool *oauth)
{
    bool app = os_is_app_secret(it->f->secret, it->f->secret_len);
    int rc;

    *oauth = false;
    if (!it->partner || !it->partner->secret)
        return lg_vset(out, cx, LG_VERIFY_UNKNOWN, NULL,
                       "no client id in the same file: a client secret is "
                       "checked together with its client id");
    if (app || !(lg_vcontains(it->f->line_before, "oauth") ||
                 lg_vcontains(it->partner->line_before, "oauth"))) {
        rc = verify_app(cx, it, out, url);
        if (rc < 0 || app || out->status != LG_VERIFY_INVALID)
            return rc;
    }
    *oauth = true;
    return verify_oauth(cx, it, out, url);
}

static int client_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                         struct lg_verification *out)
{
    size_t url;
    bool oauth;

    return os_verify_client(cx, it, out, &url, &oauth);
}

/* ------------------------------------------------------------------ */
/* Callback keys                                                        */

int os_read_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                     const char *action, struct lg_jnode **reg, size_t *url,
                     char *desc, size_t desc_n)
{
    struct lg_buf auth;
    struct os_result r;
    struct os_probe p = {action, "GET", "/api/callback",    NULL, NULL,
                         NULL,   0,     os_classify_session};
    int rc;

    *reg = NULL;
    lg_buf_init(&auth, 64 * 1024);
    rc = os_auth(&auth, "Basic", cx->admin_key, strlen(cx->admin_key));
    p.auth = auth.data;
    if (rc < 0)
        goto out;
    rc = os_probe_hosts(cx, it, &p, &r);
    if (rc == LG_OK) {
        if (r.st == LG_VERIFY_LIVE)
            *reg = lg_vparse(&r.resp);
        if (*reg && (*reg)->type != LG_JOBJECT) {
            lg_jnode_free(*reg);
            *reg = NULL;
        }
        *url = r.url;
        if (r.st == LG_VERIFY_LIVE && !*reg)
            snprintf(desc, desc_n,
                     "unexpected callback registration from "
                     "%s",
                     r.desc);
        else if (r.st == LG_VERIFY_LIVE)
            snprintf(desc, desc_n, "%s", r.desc);
        else
            snprintf(desc, desc_n, "the admin key was not accepted (%s)",
                     r.desc);
    }
    lg_http_resp_release(&r.resp);
out:
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    return rc;
}

static int callback_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                           struct lg_verification *out)
{
    struct lg_jnode *reg;
    char desc[256];
    size_t url;
    const char *key, *cb_url;
    int rc;

    if (!cx->admin_key)
        return lg_vset(out, cx, LG_VERIFY_UNKNOWN, NULL,
                       "a callback key is checked against the account's "
                       "registration: set LEAKGUARD_ONESPAN_ADMIN_KEY");
    rc = os_read_callback(cx, it, "verify", &reg, &url, desc, sizeof(desc));
    if (rc < 0)
        return rc;
    key = lg_jget_str(reg, "key");
    cb_url = lg_jget_str(reg, "url");
    if (!reg)
        rc = lg_vset(out, cx, LG_VERIFY_ERROR, NULL, "%s", desc);
    else if (key &&
             lg_vequal(key, strlen(key), it->f->secret, it->f->secret_len))
        rc = lg_vset(out, cx, LG_VERIFY_LIVE, cb_url,
                     "the registered callback key (%s)", desc);
    else
        rc = lg_vset(out, cx, LG_VERIFY_UNKNOWN, cb_url,
                     "not the callback key registered for the admin key's "
                     "account (%s)",
                     desc);
    lg_jnode_free(reg);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Tables                                                               */

static const char *const api_key_rules[] = {"onespan-api-key",
                                            "onespan-api-key-context", NULL};
static const char *const client_rules[] = {
    "onespan-client-secret", "onespan-client-secret-assignment", NULL};
static const char *const client_partners[] = {"onespan-client-id", NULL};
static const char *const bearer_rules[] = {"onespan-api-token", NULL};
static const char *const callback_rules[] = {
    "onespan-callback-key", "onespan-callback-key-json",
    "onespan-callback-authorization", NULL};

const struct lg_provider_ops lg_onespan_api_key = {
    .name = "onespan",
    .kind = "API key",
    .rules = api_key_rules,
    .verify = api_key_verify,
    .plan = os_plan_api_key,
    .revoke = os_revoke_api_key,
};

const struct lg_provider_ops lg_onespan_client = {
    .name = "onespan",
    .kind = "client app or OAuth client",
    .rules = client_rules,
    .partners = client_partners,
    .verify = client_verify,
    .plan = os_plan_client,
    .revoke = os_revoke_client,
};

const struct lg_provider_ops lg_onespan_bearer = {
    .name = "onespan",
    .kind = "API token",
    .rules = bearer_rules,
    .verify = bearer_verify,
    .plan = os_plan_bearer,
    .revoke = os_revoke_bearer,
};

const struct lg_provider_ops lg_onespan_callback = {
    .name = "onespan",
    .kind = "callback key",
    .rules = callback_rules,
    .verify = callback_verify,
    .plan = os_plan_callback,
    .revoke = os_revoke_callback,
};
