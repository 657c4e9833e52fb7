/* Slack tokens: auth.test to verify (user and team as identity) and
 * auth.revoke to revoke, both with the token as a Bearer credential.
 * Slack answers HTTP 200 with {"ok": false, "error": "..."} for a bad
 * token, so the error code decides the status. */
#include "verify/provider.h"

#include <stdio.h>
#include <string.h>

static const char *const invalid_errors[] = {
    "invalid_auth",  "not_authed",       "token_revoked",
    "token_expired", "account_inactive", NULL};
static const char *const restricted_errors[] = {
    "missing_scope", "not_allowed_token_type", "no_permission",
    "ekm_access_denied", NULL};

static bool listed(const char *const *l, const char *s)
{
    for (size_t i = 0; s && l[i]; i++)
        if (strcmp(l[i], s) == 0)
            return true;
    return false;
}

/* POST {url}/method with the token; *j gets the parsed answer. */
static int call(struct lg_vctx *cx, const struct lg_vitem *it,
                const char *action, const char *path, struct lg_http_resp *resp,
                struct lg_jnode **j)
{
    struct lg_http_req req = {
        "POST", NULL, NULL, "application/x-www-form-urlencoded", "", 0};
    struct lg_buf auth;
    int rc;

    *j = NULL;
    lg_buf_init(&auth, 64 * 1024);
    rc = lg_buf_puts(&auth, "Bearer ");
    if (rc == LG_OK)
        rc = lg_buf_append(&auth, it->f->secret, it->f->secret_len);
    req.auth = auth.data;
    if (rc == LG_OK)
        rc = lg_vctx_call(cx, it, action, cx->urls[0], path, &req, resp);
    if (rc == LG_OK && resp->status == 200)
        *j = lg_vparse(resp);
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    return rc;
}

static int sl_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out)
{
    struct lg_http_resp resp;
    struct lg_jnode *j;
    char desc[200], ident[LG_IDENTITY_MAX + 1] = "";
    const char *e;
    bool ok = false;
    int rc;

    lg_http_resp_init(&resp);
    rc = call(cx, it, "verify", "/auth.test", &resp, &j);
    if (rc == LG_ENOMEM)
        goto out;
    lg_vdescribe(cx->urls[0], &resp, desc, sizeof(desc));
    e = lg_jget_str(j, "error");
    if (lg_jget_bool(j, "ok", &ok) && ok) {
        const char *u = lg_jget_str(j, "user"), *t = lg_jget_str(j, "team");
        snprintf(ident, sizeof(ident), "%s%s%s", u ? u : "",
                 u && t ? " @ " : "", t ? t : "");
        rc = lg_vset(out, cx, LG_VERIFY_LIVE, ident, "%s", desc);
    } else if (listed(invalid_errors, e)) {
        rc = lg_vset(out, cx, LG_VERIFY_INVALID, NULL, "%s: %s", desc, e);
    } else if (listed(restricted_errors, e)) {
        rc = lg_vset(out, cx, LG_VERIFY_RESTRICTED, NULL, "%s: %s", desc, e);
    } else {
        rc = lg_vset(out, cx, LG_VERIFY_ERROR, NULL, "%s%s%.40s", desc,
                     e ? ": " : "", e ? e : "");
    }
out:
    lg_jnode_free(j);
    lg_http_resp_release(&resp);
    return rc;
}

static int sl_plan(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out)
{
    char r[LG_REDACT_MAX];

    lg_vredact(it->f->secret, it->f->secret_len, r);
    return lg_buf_printf(out,
                         "  revoke: POST %s/auth.revoke  "
                         "(Authorization: Bearer %s)\n",
                         cx->urls[0], r);
}

static int sl_revoke(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out)
{
    struct lg_http_resp resp;
    struct lg_jnode *j;
    char desc[200];
    bool ok = false, revoked = false;
    const char *e;
    int rc;

    lg_http_resp_init(&resp);
    rc = call(cx, it, "revoke", "/auth.revoke", &resp, &j);
    if (rc != LG_ENOMEM) {
        lg_vdescribe(cx->urls[0], &resp, desc, sizeof(desc));
        e = lg_jget_str(j, "error");
        if (lg_jget_bool(j, "ok", &ok) && ok &&
            lg_jget_bool(j, "revoked", &revoked) && revoked) {
            out->outcome = LG_REVOKE_DONE;
            rc = lg_buf_printf(&out->text, "  revoked (%s)\n", desc);
        } else if (listed(invalid_errors, e)) {
            out->outcome = LG_REVOKE_SKIPPED;
            rc = lg_buf_printf(&out->text,
                               "  not live (%s: %s): nothing to "
                               "revoke\n",
                               desc, e);
        } else {
            out->outcome = LG_REVOKE_FAILED;
            rc = lg_buf_printf(&out->text,
                               "  revocation failed (%s%s%.40s)"
                               "\n",
                               desc, e ? ": " : "", e ? e : "");
        }
    }
    lg_jnode_free(j);
    lg_http_resp_release(&resp);
    return rc;
}

static const char *const sl_rules[] = {
    "slack-bot-token", "slack-user-token", "slack-legacy-token",
    "slack-app-token", "slack-config-access-token", NULL};

const struct lg_provider_ops lg_slack_token = {
    .name = "slack",
    .kind = "token",
    .rules = sl_rules,
    .verify = sl_verify,
    .plan = sl_plan,
    .revoke = sl_revoke,
};
