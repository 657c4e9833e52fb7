/* OneSpan Sign: plans (dry runs), revocation and containment.
 *
 * OneSpan has no public API to delete a client app, an OAuth client or an
 * API key, so "revoke" for those is: verify (to learn whether and where it
 * is live), then print the exact manual steps and record that in the audit
 * log.  What the API does allow:
 *   - callback key rotation: GET /api/callback, then POST /api/callback
 *     with the same url and events and a fresh random key (admin key);
 *   - containment of a leaked API key, opt-in (--contain): lock its sender,
 *     POST /api/account/senders/{uid} {"status":"LOCKED"} (admin key), after
 *     which the leaked key is refused.
 * Plans describe exactly these calls with credentials redacted and make no
 * request. */
#include "verify/onespan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/text.h"

#define NEW_KEY_LEN 32

static void put_urls(struct lg_buf *out, const struct lg_vctx *cx)
{
    for (size_t i = 0; i < cx->n_urls; i++)
        lg_buf_printf(out, "%s%s", i ? ", " : "", cx->urls[i]);
}

/* "  would call GET {each URL}/api/session (Authorization: Basic AbCd…(36))
 *   on each configured OneSpan URL until one accepts it: …" */
static void plan_probe(struct lg_buf *out, const struct lg_vctx *cx,
                       const char *call, const char *auth_desc)
{
    lg_buf_printf(out, "  check: %s  (%s)\n", call, auth_desc);
    lg_buf_puts(out, "    on each configured OneSpan URL until one accepts "
                     "it: ");
    put_urls(out, cx);
    lg_buf_putc(out, '\n');
}

static void redact_finding(const struct lg_finding *f, char r[LG_REDACT_MAX])
{
    lg_vredact(f->secret, f->secret_len, r);
}

/* ------------------------------------------------------------------ */
/* Manual steps                                                         */

static void steps_api_key(struct lg_buf *out, const char *host, const char *uid)
{
    lg_buf_printf(
        out,
        "  OneSpan Sign has no API to revoke or rotate an API key. To stop "
        "its use:\n"
        "    1. Sign in to %s as the account owner or an administrator.\n"
        "    2. Admin > API Access shows the API key of user id %s; it "
        "cannot be\n"
        "       regenerated there: ask OneSpan Support to regenerate it.\n"
        "    3. Until then, lock that sender (Admin > Users > the user > "
        "Lock), or run\n"
        "       'leakguard revoke --contain --yes' with "
        "LEAKGUARD_ONESPAN_ADMIN_KEY set to\n"
        "       another administrator's API key.\n"
        "    4. Move the integration to a Client App (Admin > API Access > "
        "Client Apps),\n"
        "       which can be rotated and deleted.\n",
        host, uid[0] ? uid : "(see the report's identity)");
}

static void steps_client(struct lg_buf *out, const char *host,
                         const char *id_redacted, bool oauth)
{
    if (oauth)
        lg_buf_printf(
            out,
            "  OneSpan Sign has no public API to delete an OAuth client. In "
            "the web UI:\n"
            "    1. Sign in to %s as an account administrator.\n"
            "    2. Admin > API Access > OAuth 2.0 clients.\n"
            "    3. Delete the client whose Client ID starts as %s (full id "
            "in the report),\n"
            "       or regenerate its secret.\n",
            host, id_redacted);
    else
        lg_buf_printf(
            out,
            "  OneSpan Sign has no public API to delete a client app. In "
            "the web UI:\n"
            "    1. Sign in to %s as an account administrator.\n"
            "    2. Admin > API Access > Client Apps.\n"
            "    3. Delete the client app whose Client ID starts as %s "
            "(full id in the\n"
            "       report); its secret and the tokens it minted stop "
            "working.\n",
            host, id_redacted);
    lg_buf_puts(
        out, "    4. If the integration still needs access, create a new one "
             "there and keep\n"
             "       its secret in a secret manager.\n"
             "    5. Run 'leakguard verify' on the report: it should now say "
             "'invalid'.\n");
}

/* Outcome for a credential whose check did not find it live. */
static bool not_live(const struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out)
{
    const struct lg_verification *v = &out->check;

    if (v->status == LG_VERIFY_LIVE || v->status == LG_VERIFY_RESTRICTED)
        return false;
    if (v->status == LG_VERIFY_INVALID) {
        out->outcome = LG_REVOKE_SKIPPED;
        lg_buf_printf(&out->text, "  not live (%s): nothing to revoke\n",
                      v->detail ? v->detail : "rejected");
    } else {
        out->outcome = LG_REVOKE_FAILED;
        lg_buf_printf(&out->text,
                      "  cannot tell whether it is live (%s); "
                      "nothing changed\n",
                      v->detail ? v->detail : "no answer");
    }
    lg_vctx_audit((struct lg_vctx *)cx, it, "revoke", NULL,
                  lg_revoke_outcome_name(out->outcome), NULL);
    return true;
}

/* ------------------------------------------------------------------ */
/* API keys                                                             */

int os_plan_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                    struct lg_buf *out)
{
    char r[LG_REDACT_MAX], uid[OS_UID_MAX] = "";
    char auth[64];

    redact_finding(it->f, r);
    os_api_key_uid(it->f->secret, it->f->secret_len, uid);
    snprintf(auth, sizeof(auth), "Authorization: Basic %s", r);
    plan_probe(out, cx, "GET {url}/api/session", auth);
    lg_buf_puts(out, "  then print the manual steps (no API revokes an "
                     "API key)\n");
    if (!cx->contain)
        return lg_buf_puts(out, "  containment (locking the sender) only "
                                "with --contain\n");
    if (!cx->admin_key)
        return lg_buf_puts(out, "  --contain needs LEAKGUARD_ONESPAN_ADMIN_KEY"
                                ": the sender would not be locked\n");
    lg_vredact(cx->admin_key, strlen(cx->admin_key), r);
    return lg_buf_printf(out,
                         "  contain: POST {url where live}/api/account/"
                         "senders/%s  (Authorization: Basic %s)  "
                         "{\"status\":\"LOCKED\"}\n",
                         uid[0] ? uid : "{user id}", r);
}

static int lock_sender(struct lg_vctx *cx, const struct lg_vitem *it,
                       size_t url, const char *uid,
                       struct lg_revoke_result *out)
{
    static const char body[] = "{\"status\":\"LOCKED\"}";
    struct lg_http_req req = {
        "POST", NULL, NULL, "application/json", body, sizeof(body) - 1};
    struct lg_http_resp resp;
    struct lg_buf auth, path;
    char desc[200];
    int rc;

    lg_buf_init(&auth, 64 * 1024);
    lg_buf_init(&path, 1024);
    lg_http_resp_init(&resp);
    rc = os_auth(&auth, "Basic", cx->admin_key, strlen(cx->admin_key));
    if (rc == LG_OK)
        rc = lg_buf_printf(&path, "/api/account/senders/%s", uid);
    req.auth = auth.data;
    if (rc == LG_OK)
        rc = lg_vctx_call(cx, it, "lock-sender", cx->urls[url], path.data, &req,
                          &resp);
    lg_vdescribe(cx->urls[url], &resp, desc, sizeof(desc));
    if (rc != LG_ENOMEM) {
        bool ok = rc == LG_OK && resp.status == 200;

        out->outcome = ok ? LG_REVOKE_DONE : LG_REVOKE_FAILED;
        rc = lg_buf_printf(&out->text,
                           ok ? "  contained: locked sender %s "
                                "(%s); its API key is now "
                                "refused\n"
                              : "  could not lock sender %s "
                                "(%s)\n",
                           uid, desc);
    }
    lg_http_resp_release(&resp);
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    lg_buf_release(&path);
    return rc;
}

int os_revoke_api_key(struct lg_vctx *cx, const struct lg_vitem *it,
                      struct lg_revoke_result *out)
{
    char uid[OS_UID_MAX] = "";
    size_t url = 0;
    int rc;

    os_api_key_uid(it->f->secret, it->f->secret_len, uid);
    rc = os_verify_api_key(cx, it, &out->check, &url);
    if (rc < 0 || not_live(cx, it, out))
        return rc;
    lg_buf_printf(&out->text, "  live on %s (%s)\n", cx->urls[url],
                  out->check.identity ? out->check.identity : "");
    steps_api_key(&out->text, cx->urls[url], uid);
    out->outcome = LG_REVOKE_MANUAL;
    lg_vctx_audit(cx, it, "revoke-manual", cx->urls[url],
                  "manual steps printed", NULL);
    if (!cx->contain)
        return LG_OK;
    if (!cx->admin_key)
        return lg_buf_puts(&out->text, "  not contained: --contain needs "
                                       "LEAKGUARD_ONESPAN_ADMIN_KEY\n");
    if (lg_vequal(cx->admin_key, strlen(cx->admin_key), it->f->secret,
                  it->f->secret_len) ||
        !uid[0]) {
        out->outcome = LG_REVOKE_FAILED;
        lg_vctx_audit(cx, it, "lock-sender", cx->urls[url], "refused",
                      uid[0] ? "the admin key is the leaked key"
                             : "no user id in the key");
        return lg_buf_puts(&out->text,
                           uid[0] ? "  not contained: the admin key is the "
                                    "leaked key itself; use another "
                                    "administrator's key\n"
                                  : "  not contained: the key does not "
                                    "decode to a user id\n");
    }
    return lock_sender(cx, it, url, uid, out);
}

/* ------------------------------------------------------------------ */
/* Client apps, OAuth clients, bearer tokens                            */

int os_plan_client(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out)
{
    char r[LG_REDACT_MAX], id[LG_REDACT_MAX], line[200];

    if (!it->partner)
        return lg_buf_puts(out, "  no client id in the same file: cannot "
                                "check or identify the client app\n");
    redact_finding(it->f, r);
    redact_finding(it->partner, id);
    snprintf(line, sizeof(line),
             "{\"clientId\":\"%s\",\"secret\":\"%s\","
             "\"type\":\"OWNER\"}",
             id, r);
    if (!os_is_app_secret(it->f->secret, it->f->secret_len))
        lg_buf_puts(out, "  (as an OAuth client if its context says OAuth "
                         "or the client app call refuses it:\n"
                         "   POST {url}/oauth2/token, Authorization: Basic "
                         "base64(id:secret), grant_type=client_credentials)"
                         "\n");
    plan_probe(out, cx, "POST {url}/apitoken/clientApp/accessToken", line);
    return lg_buf_puts(out, "  then print the manual steps (no public API "
                            "deletes a client app or OAuth client)\n");
}

int os_revoke_client(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out)
{
    char id[LG_REDACT_MAX];
    size_t url = 0;
    bool oauth;
    int rc;

    rc = os_verify_client(cx, it, &out->check, &url, &oauth);
    if (rc < 0 || not_live(cx, it, out))
        return rc;
    redact_finding(it->partner, id);
    lg_buf_printf(&out->text, "  live on %s as %s (%s)\n", cx->urls[url],
                  oauth ? "an OAuth client" : "a client app",
                  out->check.identity ? out->check.identity : "");
    steps_client(&out->text, cx->urls[url], id, oauth);
    out->outcome = LG_REVOKE_MANUAL;
    lg_vctx_audit(cx, it, "revoke-manual", cx->urls[url],
                  "manual steps printed",
                  oauth ? "OAuth client" : "client app");
    return LG_OK;
}

int os_plan_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out)
{
    char r[LG_REDACT_MAX], auth[64];

    redact_finding(it->f, r);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", r);
    plan_probe(out, cx, "GET {url}/api/session", auth);
    return lg_buf_puts(out, "  then explain: an API token cannot be revoked;"
                            " it expires about 30 minutes after it was "
                            "minted\n");
}

int os_revoke_bearer(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out)
{
    size_t url = 0;
    int rc = os_verify_bearer(cx, it, &out->check, &url);

    if (rc < 0 || not_live(cx, it, out))
        return rc;
    out->outcome = LG_REVOKE_MANUAL;
    lg_vctx_audit(cx, it, "revoke-manual", cx->urls[url],
                  "manual steps printed", NULL);
    return lg_buf_printf(
        &out->text,
        "  live on %s (%s)\n"
        "  An API token cannot be revoked by API; it expires about 30 "
        "minutes after it\n"
        "  was minted.  If it keeps appearing, delete the client app that "
        "mints it\n"
        "  (Admin > API Access > Client Apps on %s).\n",
        cx->urls[url], out->check.identity ? out->check.identity : "",
        cx->urls[url]);
}

/* ------------------------------------------------------------------ */
/* Callback keys                                                        */

int os_plan_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_buf *out)
{
    char r[LG_REDACT_MAX], auth[64];

    (void)it;
    if (!cx->admin_key)
        return lg_buf_puts(
            out,
            "  rotation needs LEAKGUARD_ONESPAN_ADMIN_KEY (an administrator's "
            "API key);\n"
            "  without it: Admin > Event Notifications > change the callback "
            "key\n");
    lg_vredact(cx->admin_key, strlen(cx->admin_key), r);
    snprintf(auth, sizeof(auth), "Authorization: Basic %s", r);
    plan_probe(out, cx, "GET {url}/api/callback", auth);
    return lg_buf_printf(
        out,
        "  rotate (only if the registered key is this one): POST "
        "{url}/api/callback  (%s)\n"
        "    {\"url\": <unchanged>, \"events\": <unchanged>, \"key\": "
        "<%d fresh random characters>}\n",
        auth, NEW_KEY_LEN);
}

/* The new registration: the old one's url and events, the new key. */
static int callback_body(struct lg_buf *b, const struct lg_jnode *reg,
                         const char *key)
{
    const struct lg_jnode *ev = lg_jget(reg, "events");
    struct lg_json j;

    lg_json_init(&j, b, false);
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "url", lg_jget_str(reg, "url"));
    lg_json_kstr(&j, "key", key);
    lg_json_key(&j, "events");
    lg_json_arr_begin(&j);
    for (size_t i = 0; ev && ev->type == LG_JARRAY && i < ev->n; i++)
        if (ev->kids[i].type == LG_JSTRING)
            lg_json_strn(&j, ev->kids[i].str, ev->kids[i].len);
    lg_json_arr_end(&j);
    lg_json_obj_end(&j);
    return lg_json_status(&j);
}

static int post_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                         size_t url, const struct lg_jnode *reg,
                         struct lg_revoke_result *out)
{
    struct lg_http_req req = {"POST", NULL, NULL, "application/json", NULL, 0};
    struct lg_http_resp resp;
    struct lg_buf auth, body;
    char key[NEW_KEY_LEN + 1], desc[200];
    int rc;

    lg_buf_init(&auth, 64 * 1024);
    lg_buf_init(&body, 256 * 1024);
    lg_http_resp_init(&resp);
    rc = lg_vrandom_key(key, NEW_KEY_LEN);
    if (rc == LG_OK)
        rc = os_auth(&auth, "Basic", cx->admin_key, strlen(cx->admin_key));
    if (rc == LG_OK)
        rc = callback_body(&body, reg, key);
    req.auth = auth.data;
    req.body = body.data;
    req.body_len = body.len;
    if (rc == LG_OK)
        rc = lg_vctx_call(cx, it, "rotate-callback", cx->urls[url],
                          "/api/callback", &req, &resp);
    lg_vdescribe(cx->urls[url], &resp, desc, sizeof(desc));
    if (rc == LG_OK && resp.status == 200) {
        out->outcome = LG_REVOKE_DONE;
        out->new_secret = lg_strndup(key, NEW_KEY_LEN);
        rc = out->new_secret ? LG_OK : LG_ENOMEM;
        lg_buf_printf(&out->text,
                      "  rotated: the callback key of %s is now a new "
                      "random key (%s);\n"
                      "  give the receiver the new key (printed below only "
                      "with --show-secrets;\n"
                      "  GET /api/callback returns it too)\n",
                      lg_jget_str(reg, "url") ? lg_jget_str(reg, "url")
                                              : "the callback",
                      desc);
    } else if (rc != LG_ENOMEM) {
        out->outcome = LG_REVOKE_FAILED;
        rc = lg_buf_printf(&out->text, "  rotation failed (%s)\n", desc);
    }
    memset(key, 0, sizeof(key));
    if (body.data)
        memset(body.data, 0, body.len);
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&body);
    lg_buf_release(&auth);
    lg_http_resp_release(&resp);
    return rc;
}

int os_revoke_callback(struct lg_vctx *cx, const struct lg_vitem *it,
                       struct lg_revoke_result *out)
{
    struct lg_jnode *reg = NULL;
    const char *key;
    char desc[256];
    size_t url = 0;
    int rc;

    if (!cx->admin_key) {
        out->outcome = LG_REVOKE_MANUAL;
        lg_vctx_audit(cx, it, "revoke-manual", NULL, "manual steps printed",
                      "no admin key");
        return lg_buf_puts(
            &out->text,
            "  rotation needs LEAKGUARD_ONESPAN_ADMIN_KEY; in the web UI: "
            "Admin > Event\n"
            "  Notifications > set a new callback key, then give it to the "
            "receiver\n");
    }
    rc = os_read_callback(cx, it, "read-callback", &reg, &url, desc,
                          sizeof(desc));
    if (rc < 0)
        return rc;
    key = lg_jget_str(reg, "key");
    if (!reg) {
        out->outcome = LG_REVOKE_FAILED;
        rc = lg_buf_printf(&out->text,
                           "  cannot read the callback "
                           "registration: %s\n",
                           desc);
    } else if (!key ||
               !lg_vequal(key, strlen(key), it->f->secret, it->f->secret_len)) {
        out->outcome = LG_REVOKE_SKIPPED;
        rc = lg_buf_puts(&out->text, "  the registered callback key is not "
                                     "this one (already rotated, or another "
                                     "account): nothing changed\n");
    } else {
        rc = post_callback(cx, it, url, reg, out);
    }
    if (out->outcome != LG_REVOKE_DONE && out->outcome != LG_REVOKE_FAILED)
        lg_vctx_audit(cx, it, "revoke", cx->urls[url],
                      lg_revoke_outcome_name(out->outcome), NULL);
    lg_jnode_free(reg);
    return rc;
}
