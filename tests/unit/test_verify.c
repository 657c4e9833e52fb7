/* verify/: URL safety rules, provider lookup and pairing, dry-run plans,
 * the audit log, event parsing and the notification spool.  Nothing here
 * reaches a server: the only URLs used point at a closed loopback port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rule/ruleset.h"
#include "util/json_parse.h"
#include "verify/audit.h"
#include "verify/curl_dl.h"
#include "verify/http.h"
#include "verify/notify.h"
#include "verify/onespan.h"
#include "verify/verify.h"

#define CLOSED "http://127.0.0.1:9" /* nothing listens on the discard port */

static const char api_key[] = "VHN0MFVzcjFkMEFiOkZhazNTM2NyM3RYeQ==";
static const char app_secret[] =
    "6879647261d142880e8427abeec12975fd55911ea2cbd390b656a4d2bad821df997d5299"
    "75";

static void test_url_rules(void **state)
{
    static const char *const ok[] = {
        "https://apps.esignlive.com", "https://api.github.com/x?y=1",
        "http://127.0.0.1:8080",      "http://127.8.9.10/",
        "http://localhost:1/api",     "http://[::1]:9/",
    };
    static const char *const refused[] = {
        "http://apps.esignlive.com",
        "http://127.0.0.1.nip.io/",
        "http://10.0.0.1/",
        "ftp://127.0.0.1/",
        "https://user:pw@api.github.com",
        "file:///etc/passwd",
        "not a url",
        "http://[::2]/",
    };
    struct lg_error err;

    (void)state;
    assert_int_equal(lg_http_global_init(NULL), LG_OK);
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_int_equal(lg_http_check_url(ok[i], &err), LG_OK);
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        lg_error_clear(&err);
        assert_int_not_equal(lg_http_check_url(refused[i], &err), LG_OK);
        assert_true(err.msg[0] != '\0');
        assert_null(strstr(err.msg, "pw@")); /* user info never echoed */
    }
    assert_true(lg_http_is_loopback("LOCALHOST"));
    assert_false(lg_http_is_loopback("128.0.0.1"));
}

/* libcurl is loaded on first use; when it cannot be, the message names it,
 * says why (dlerror) and what to install, on one line. */
static void test_curl_load(void **state)
{
    const struct lg_curl *cu = NULL, *again = NULL;
    struct lg_curl t;
    struct lg_error err;

    (void)state;
    lg_error_clear(&err);
    assert_int_equal(lg_curl_open(&t, "libleakguard-no-such-curl.so.4", &err),
                     LG_EUNSUPPORTED);
    assert_null(t.easy_init);
    assert_non_null(strstr(err.msg, "need libcurl "
                                    "(libleakguard-no-such-curl.so.4): "));
    assert_non_null(strstr(err.msg, "cannot open shared object file"));
    assert_non_null(strstr(err.msg, "; install libcurl4"));
    assert_null(strchr(err.msg, '\n'));
    /* a library that loads but is not libcurl: the missing symbol */
    lg_error_clear(&err);
    assert_int_equal(lg_curl_open(&t, "libz.so.1", &err), LG_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "curl_global_init"));
    /* the real one, loaded once */
    assert_int_equal(lg_curl_load(&cu, NULL), LG_OK);
    assert_non_null(cu);
    assert_non_null(cu->easy_setopt);
    assert_int_equal(lg_curl_load(&again, NULL), LG_OK);
    assert_ptr_equal(cu, again);
}

static void test_verifier_config(void **state)
{
    struct lg_verify_config cfg = {.github_url = CLOSED, .slack_url = CLOSED};
    struct lg_verifier *v = NULL;
    struct lg_error err;

    (void)state;
    cfg.onespan_urls = " https://a.test/api/ , " CLOSED "/ ";
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_OK);
    lg_verifier_free(v);
    cfg.onespan_urls = "https://a.test,http://b.test";
    lg_error_clear(&err);
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_EINVAL);
    assert_non_null(strstr(err.msg, "onespan base URL"));
    cfg.onespan_urls = " , ";
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_EINVAL);
    cfg.onespan_urls = "https://a.test/?x=1";
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_EINVAL);
}

static void test_provider_table(void **state)
{
    (void)state;
    assert_string_equal(lg_provider_for_rule("onespan-api-key")->name,
                        "onespan");
    assert_ptr_equal(lg_provider_for_rule("onespan-client-secret"),
                     lg_provider_for_rule("onespan-client-secret-assignment"));
    assert_string_equal(lg_provider_for_rule("github-pat")->name, "github");
    assert_string_equal(lg_provider_for_rule("slack-bot-token")->name, "slack");
    assert_string_equal(lg_provider_for_rule("slack-user-token")->name,
                        "slack");
    assert_null(lg_provider_for_rule("onespan-client-id"));
    assert_null(lg_provider_for_rule("aws-access-key-id"));
    assert_null(lg_provider_for_rule(NULL));
    assert_ptr_equal(lg_provider_for_partner("onespan-client-id"),
                     lg_provider_for_rule("onespan-client-secret"));
    for (size_t i = 0; lg_providers[i]; i++) {
        assert_non_null(lg_providers[i]->verify);
        assert_non_null(lg_providers[i]->plan);
        assert_non_null(lg_providers[i]->revoke);
    }
}

static void test_onespan_helpers(void **state)
{
    char uid[OS_UID_MAX], key[33];

    (void)state;
    assert_true(os_api_key_uid(api_key, strlen(api_key), uid));
    assert_string_equal(uid, "Tst0Usr1d0Ab");
    assert_false(os_api_key_uid("bm9jb2xvbg==", 12, uid)); /* "nocolon" */
    assert_true(os_is_app_secret(app_secret, strlen(app_secret)));
    assert_false(os_is_app_secret("6879647261", 10));
    assert_int_equal(lg_vrandom_key(key, 32), LG_OK);
    assert_int_equal(strlen(key), 32);
    for (size_t i = 0; i < 32; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
                               "rstuvwxyz0123456789",
                               key[i]));
    assert_true(lg_vequal("abc", 3, "abc", 3));
    assert_false(lg_vequal("abc", 3, "abd", 3));
    assert_false(lg_vequal("abc", 3, "ab", 2));
}

/* Findings with fake rules (only the id matters to the verifier). */
struct fixture {
    struct lg_crule rules[4];
    struct lg_finding f[4];
    struct lg_finding *p[4];
};

static void finding(struct fixture *x, size_t i, const char *rule,
                    const char *path, uint64_t line, const char *secret)
{
    x->rules[i].rule.id = (char *)rule;
    memset(&x->f[i], 0, sizeof(x->f[i]));
    x->f[i].rule = &x->rules[i];
    x->f[i].path = (char *)path;
    x->f[i].line = line;
    x->f[i].secret = (char *)secret;
    x->f[i].secret_len = strlen(secret);
    lg_redact(secret, strlen(secret), x->f[i].redacted, LG_REDACT_MAX);
    lg_fingerprint(rule, secret, strlen(secret), x->f[i].fingerprint);
    x->p[i] = &x->f[i];
}

static void make_fixture(struct fixture *x)
{
    memset(x, 0, sizeof(*x)); /* the fake rules' other fields are read */
    finding(x, 0, "onespan-client-secret", "a.env", 3, app_secret);
    finding(x, 1, "onespan-client-id", "a.env", 2,
            "19000c79c0007e3f1a9b2d4c5e8");
    finding(x, 2, "onespan-client-id", "b.env", 9,
            "19000d1e7e0003c5a8f2b9e4d71");
    finding(x, 3, "aws-access-key-id", "b.env", 1, "AKIAQYLPMN5HHHFPZAM2");
}

static void release_verifications(struct fixture *x)
{
    for (size_t i = 0; i < 4; i++) {
        free(x->f[i].verification.provider);
        free(x->f[i].verification.identity);
        free(x->f[i].verification.detail);
    }
}

static void test_verify_pairs_offline(void **state)
{
    struct lg_verify_config cfg = {CLOSED, CLOSED, CLOSED, NULL,  2,   2000,
                                   1,      10,     -1,     false, NULL};
    struct lg_verifier *v;
    struct fixture x;
    struct lg_error err;

    (void)state;
    make_fixture(&x);
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_OK);
    assert_int_equal(lg_verify_findings(v, x.p, 4, &err), LG_OK);
    /* the pair is one credential: same result on both, an error here */
    assert_int_equal(x.f[0].verification.status, LG_VERIFY_ERROR);
    assert_int_equal(x.f[1].verification.status, LG_VERIFY_ERROR);
    assert_string_equal(x.f[1].verification.provider, "onespan");
    assert_non_null(strstr(x.f[0].verification.detail, "127.0.0.1:9"));
    /* an id without its secret, a rule without a provider: unknown */
    assert_int_equal(x.f[2].verification.status, LG_VERIFY_UNKNOWN);
    assert_int_equal(x.f[3].verification.status, LG_VERIFY_UNKNOWN);
    assert_null(x.f[3].verification.provider);
    assert_string_equal(x.f[3].verification.detail,
                        "no verifier for this rule");
    assert_true(x.f[0].verification.checked_at[0] != '\0');
    release_verifications(&x);
    lg_verifier_free(v);
}

struct plans {
    char text[8192];
    size_t n, unsupported;
};

static int on_plan(const struct lg_finding *f, const struct lg_revoke_result *r,
                   void *payload)
{
    struct plans *p = payload;

    (void)f;
    if (r->outcome == LG_REVOKE_UNSUPPORTED)
        p->unsupported++;
    else
        assert_int_equal(r->outcome, LG_REVOKE_PLANNED);
    if (r->text.len && p->n + r->text.len < sizeof(p->text)) {
        memcpy(p->text + p->n, r->text.data, r->text.len);
        p->n += r->text.len;
        p->text[p->n] = '\0';
    }
    return LG_OK;
}

static void test_dry_run_plans(void **state)
{
    struct lg_verify_config cfg = {CLOSED, CLOSED, CLOSED, api_key, 0,   0,
                                   1,      0,      -1,     true,    NULL};
    struct lg_verifier *v;
    struct fixture x;
    struct plans p = {"", 0, 0};
    struct lg_error err;

    (void)state;
    make_fixture(&x);
    finding(&x, 2, "onespan-api-key", "b.env", 5, api_key);
    assert_int_equal(lg_verifier_new(&v, &cfg, &err), LG_OK);
    assert_int_equal(lg_revoke_findings(v, x.p, 4, true, on_plan, &p, &err),
                     LG_OK);
    assert_int_equal(p.unsupported, 1); /* the AWS key */
    assert_non_null(strstr(p.text, "/apitoken/clientApp/accessToken"));
    assert_non_null(strstr(p.text, "/api/account/senders/Tst0Usr1d0Ab"));
    assert_non_null(strstr(p.text, "VHN0\xe2\x80\xa6(36)"));
    assert_null(strstr(p.text, api_key)); /* redacted, also as admin */
    assert_null(strstr(p.text, app_secret));
    assert_null(strstr(p.text, "19000c79c0007e3f1a9b2d4c5e8"));
    lg_verifier_free(v);
}

static char dir[] = "/tmp/lg-test-verify.XXXXXX";
static bool made;

static char *temp_path(const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);

    if (!made) {
        assert_non_null(mkdtemp(dir));
        made = true;
    }
    assert_non_null(p);
    snprintf(p, strlen(dir) + strlen(name) + 2, "%s/%s", dir, name);
    return p;
}

static size_t count_lines(const char *path)
{
    FILE *fp = fopen(path, "r");
    size_t n = 0;
    int c;

    if (!fp)
        return 0;
    while ((c = getc(fp)) != EOF)
        n += c == '\n';
    fclose(fp);
    return n;
}

static void test_audit_log(void **state)
{
    char *path = temp_path("state/leakguard/audit.jsonl");
    struct lg_audit *a;
    struct lg_audit_rec r = {
        "verify",         "github",
        "github-pat",     "d1a272109f295ba86ed18eee8c4cafad",
        "api.github.com", 200,
        "http 200",       NULL};
    struct lg_buf b;
    struct lg_jnode *v;

    (void)state;
    assert_int_equal(lg_audit_open(&a, path, NULL), LG_OK);
    assert_int_equal(lg_audit_write(a, &r), LG_OK);
    assert_int_equal(lg_audit_write(a, &r), LG_OK);
    lg_audit_close(a);
    assert_int_equal(lg_audit_write(NULL, &r), LG_OK);
    assert_int_equal(count_lines(path), 2);
    lg_buf_init(&b, 1 << 20);
    assert_int_equal(lg_buf_read_path(&b, path, NULL), LG_OK);
    *strchr(b.data, '\n') = '\0';
    assert_int_equal(lg_jparse(&v, b.data, strlen(b.data), NULL, NULL), LG_OK);
    assert_string_equal(lg_jget_str(v, "action"), "verify");
    assert_string_equal(lg_jget_str(v, "fingerprint"), r.fingerprint);
    assert_non_null(lg_jget_str(v, "time"));
    lg_jnode_free(v);
    lg_buf_release(&b);
    free(path);
}

static void test_notify_events(void **state)
{
    unsigned m;
    struct lg_error err;

    (void)state;
    assert_int_equal(lg_notify_parse_events("finding,verified", &m, &err),
                     LG_OK);
    assert_int_equal(m, LG_EVENT_FINDING | LG_EVENT_VERIFIED);
    assert_int_equal(lg_notify_parse_events("all", &m, &err), LG_OK);
    assert_int_equal(m, LG_EVENT_ALL);
    assert_int_equal(lg_notify_parse_events("", &m, &err), LG_OK);
    assert_int_equal(m, 0);
    assert_int_equal(lg_notify_parse_events("finding,oops", &m, &err),
                     LG_EINVAL);
    assert_non_null(strstr(err.msg, "'oops'"));
}

static void test_notify_spool(void **state)
{
    char *spool = temp_path("spool/notify.jsonl");
    struct lg_notify_config cfg = {
        CLOSED "/hook", "a2V5", LG_EVENT_ALL, spool, {2000, 1000, 1, 10, 0, 0}};
    struct lg_notify_summary sum = {1, 1, 0, 0, 10, 0.5, 0};
    struct lg_notifier *n;
    struct fixture x;
    size_t sent, spooled, left;
    struct lg_error err;

    (void)state;
    make_fixture(&x);
    assert_int_equal(lg_notifier_new(&n, &cfg, &err), LG_OK);
    assert_int_equal(strlen(lg_notify_scan_id(n)), 32);
    assert_int_equal(lg_notify_finding(n, &x.f[0], &err), LG_OK);
    assert_int_equal(lg_notify_verified(n, &x.f[0], &err), LG_OK);
    assert_int_equal(lg_notify_scan_completed(n, &sum, &err), LG_OK);
    lg_notify_counts(n, &sent, &spooled);
    assert_int_equal(sent, 0);
    assert_int_equal(spooled, 3);
    lg_notifier_free(n);
    assert_int_equal(count_lines(spool), 3);
    /* still down: everything stays */
    assert_int_equal(
        lg_notify_flush(spool, NULL, "a2V5", &cfg.http, &sent, &left, &err),
        LG_OK);
    assert_int_equal(sent, 0);
    assert_int_equal(left, 3);
    assert_int_equal(count_lines(spool), 3);
    /* without the key they were sent with: kept, and said so */
    assert_int_equal(
        lg_notify_flush(spool, NULL, NULL, &cfg.http, &sent, &left, &err),
        LG_EINVAL);
    assert_int_equal(left, 3);
    free(spool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curl_load),
        cmocka_unit_test(test_url_rules),
        cmocka_unit_test(test_verifier_config),
        cmocka_unit_test(test_provider_table),
        cmocka_unit_test(test_onespan_helpers),
        cmocka_unit_test(test_verify_pairs_offline),
        cmocka_unit_test(test_dry_run_plans),
        cmocka_unit_test(test_audit_log),
        cmocka_unit_test(test_notify_events),
        cmocka_unit_test(test_notify_spool),
    };

    static const char *const made_files[] = {"state/leakguard/audit.jsonl",
                                             "state/leakguard", "state",
                                             "spool/notify.jsonl", "spool"};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    for (size_t i = 0; made && i < sizeof(made_files) / sizeof(*made_files);
         i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s/%s", dir, made_files[i]);
        if (unlink(p) < 0)
            rmdir(p);
    }
    if (made)
        rmdir(dir);
    return rc;
}
