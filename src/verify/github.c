/* GitHub tokens: GET /user to verify (login as identity), and the
 * credential revocation API, POST /credentials/revoke, which takes the
 * token itself in the body and needs no authentication. */
#include "verify/provider.h"

#include <stdio.h>
#include <string.h>

#include "util/json.h"

static int auth_token(struct lg_buf *b, const struct lg_finding *f)
{
    int rc = lg_buf_puts(b, "token ");

    return rc == LG_OK ? lg_buf_append(b, f->secret, f->secret_len) : rc;
}

static void wipe_release(struct lg_buf *b)
{
    if (b->data)
        memset(b->data, 0, b->len);
    lg_buf_release(b);
}

static int gh_verify(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_verification *out)
{
    struct lg_http_req req = {"GET", NULL, NULL, NULL, NULL, 0};
    struct lg_http_resp resp;
    struct lg_buf auth;
    struct lg_jnode *j = NULL;
    char desc[200];
    long s;
    int rc;

    lg_buf_init(&auth, 64 * 1024);
    lg_http_resp_init(&resp);
    rc = auth_token(&auth, it->f);
    req.auth = auth.data;
    if (rc == LG_OK)
        rc = lg_vctx_call(cx, it, "verify", cx->urls[0], "/user", &req, &resp);
    if (rc == LG_ENOMEM)
        goto out;
    lg_vdescribe(cx->urls[0], &resp, desc, sizeof(desc));
    s = rc == LG_OK ? resp.status : 0;
    j = s == 200 || s == 403 ? lg_vparse(&resp) : NULL;
    if (s == 200)
        rc = lg_vset(out, cx, LG_VERIFY_LIVE, lg_jget_str(j, "login"), "%s",
                     desc);
    else if (s == 401)
        rc = lg_vset(out, cx, LG_VERIFY_INVALID, NULL, "%s", desc);
    else if (s == 403 && !lg_vcontains(lg_jget_str(j, "message"), "rate limit"))
        rc = lg_vset(out, cx, LG_VERIFY_RESTRICTED, NULL, "%s", desc);
    else
        rc = lg_vset(out, cx, LG_VERIFY_ERROR, NULL, "%s", desc);
out:
    lg_jnode_free(j);
    lg_http_resp_release(&resp);
    wipe_release(&auth);
    return rc;
}

static int revoke_body(struct lg_buf *b, const struct lg_finding *f,
                       bool redact)
{
    char r[LG_REDACT_MAX];
    struct lg_json j;

    lg_json_init(&j, b, false);
    lg_json_obj_begin(&j);
    lg_json_key(&j, "credentials");
    lg_json_arr_begin(&j);
    if (redact) {
        lg_vredact(f->secret, f->secret_len, r);
        lg_json_str(&j, r);
    } else {
        lg_json_strn(&j, f->secret, f->secret_len);
    }
    lg_json_arr_end(&j);
    lg_json_obj_end(&j);
    return lg_json_status(&j);
}

static int gh_plan(struct lg_vctx *cx, const struct lg_vitem *it,
                   struct lg_buf *out)
{
    struct lg_buf body;
    int rc;

    lg_buf_init(&body, 4096);
    rc = revoke_body(&body, it->f, true);
    if (rc == LG_OK)
        rc = lg_buf_printf(out,
                           "  revoke: POST %s/credentials/revoke  %s\n"
                           "    (GitHub revokes the token and notifies "
                           "its owner)\n",
                           cx->urls[0], body.data);
    lg_buf_release(&body);
    return rc;
}

static int gh_revoke(struct lg_vctx *cx, const struct lg_vitem *it,
                     struct lg_revoke_result *out)
{
    struct lg_http_req req = {"POST", NULL, NULL, "application/json", NULL, 0};
    struct lg_http_resp resp;
    struct lg_buf body;
    char desc[200];
    int rc;

    lg_buf_init(&body, 64 * 1024);
    lg_http_resp_init(&resp);
    rc = revoke_body(&body, it->f, false);
    req.body = body.data;
    req.body_len = body.len;
    if (rc == LG_OK)
        rc = lg_vctx_call(cx, it, "revoke", cx->urls[0], "/credentials/revoke",
                          &req, &resp);
    if (rc != LG_ENOMEM) {
        bool ok = rc == LG_OK && (resp.status == 202 || resp.status == 200);

        lg_vdescribe(cx->urls[0], &resp, desc, sizeof(desc));
        out->outcome = ok ? LG_REVOKE_DONE : LG_REVOKE_FAILED;
        rc = lg_buf_printf(&out->text,
                           ok ? "  revoked: GitHub accepted the token for "
                                "revocation (%s)\n"
                              : "  revocation failed (%s)\n",
                           desc);
    }
    lg_http_resp_release(&resp);
    wipe_release(&body);
    return rc;
}

static const char *const gh_rules[] = {"github-pat", "github-fine-grained-pat",
                                       "github-oauth-token", "github-app-token",
                                       NULL};

const struct lg_provider_ops lg_github_token = {
    .name = "github",
    .kind = "token",
    .rules = gh_rules,
    .verify = gh_verify,
    .plan = gh_plan,
    .revoke = gh_revoke,
};
