/* Unit tests for rule/validate.c and util/base64.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <string.h>

#include "rule/validate.h"
#include "util/base64.h"
#include "util/error.h"

/* Run validator `name` on a C string; identity (may be NULL) receives the
 * reported identity. */
static bool run(const char *name, const char *secret, char *identity,
                size_t idcap)
{
    const struct lg_validator *v = lg_validator_find(name);
    struct lg_validated out;
    bool ok;

    assert_non_null(v);
    memset(&out, 0x55, sizeof(out));
    out.identity[0] = '\0';
    ok = v->check((const unsigned char *)secret, strlen(secret), &out);
    if (identity) {
        assert_true(strlen(out.identity) < idcap);
        memcpy(identity, out.identity, strlen(out.identity) + 1);
    }
    return ok;
}

static bool ok(const char *name, const char *secret)
{
    return run(name, secret, NULL, 0);
}

/* ---- base64 ---------------------------------------------------------- */

static int dec(const char *in, bool url, char *out, size_t cap, size_t *n)
{
    return lg_base64_decode(in, strlen(in), (unsigned char *)out, cap, n, url);
}

static void test_base64_vectors(void **state)
{
    /* RFC 4648 section 10. */
    static const char *const in[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *const want[] = {"",     "f",     "fo",    "foo",
                                       "foob", "fooba", "foobar"};
    char out[16];
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        assert_int_equal(dec(in[i], false, out, sizeof(out), &n), LG_OK);
        assert_int_equal(n, strlen(want[i]));
        assert_memory_equal(out, want[i], n);
    }
}

static void test_base64_unpadded_and_urlsafe(void **state)
{
    char out[16];
    size_t n;

    (void)state;
    assert_int_equal(dec("Zm9vYg", false, out, sizeof(out), &n), LG_OK);
    assert_int_equal(n, 4);
    assert_int_equal(dec("Zm9vYmE", true, out, sizeof(out), &n), LG_OK);
    assert_int_equal(n, 5);
    /* 0xfb 0xff: "+/8" standard, "-_8" url-safe. */
    assert_int_equal(dec("-_8", true, out, sizeof(out), &n), LG_OK);
    assert_int_equal(n, 2);
    assert_int_equal((unsigned char)out[0], 0xfb);
    assert_int_equal((unsigned char)out[1], 0xff);
    assert_int_equal(dec("+/8=", false, out, sizeof(out), &n), LG_OK);
    assert_int_equal(dec("-_8", false, out, sizeof(out), &n), LG_ESYNTAX);
    assert_int_equal(dec("+/8=", true, out, sizeof(out), &n), LG_ESYNTAX);
}

static void test_base64_rejects(void **state)
{
    static const char *const bad[] = {
        "Z",        /* dangling sextet */
        "Zm9vY",    /* 5 chars */
        "Zg=",      /* padding not completing a quantum */
        "Zg===",    /* excess padding */
        "====",     /* padding only */
        "Zm9v====", /* a whole quantum of padding */
        "Zm=v",     /* padding in the middle */
        "Zm9 v",    /* whitespace */
        "Zm9v\n",   /* newline */
        "Zh==",     /* non-zero trailing bits */
        "Zm9=",     /* non-zero trailing bits */
        "Zm9vZ*==", /* outside the alphabet */
    };
    char out[16];
    size_t n = 12345;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(dec(bad[i], false, out, sizeof(out), &n), LG_ESYNTAX);
        assert_int_equal(n, 12345); /* untouched on failure */
    }
}

static void test_base64_capacity(void **state)
{
    char out[8];
    size_t n;

    (void)state;
    assert_int_equal(dec("Zm9vYmFy", false, out, 5, &n), LG_ELIMIT);
    assert_int_equal(dec("Zm9vYmFy", false, out, 6, &n), LG_OK);
    assert_int_equal(n, 6);
    /* Validate-only call. */
    assert_int_equal(lg_base64_decode("", 0, NULL, 0, &n, false), LG_OK);
    assert_int_equal(n, 0);
    assert_true(LG_BASE64_DECODED_MAX(8) >= 6);
    assert_true(lg_base64_is_alpha('+', false));
    assert_false(lg_base64_is_alpha('+', true));
    assert_false(lg_base64_is_alpha('=', false));
}

/* ---- table ------------------------------------------------------------ */

static void test_table(void **state)
{
    size_t count = 0;

    (void)state;
    for (const struct lg_validator *v = lg_validators; v->name; v++) {
        assert_non_null(v->summary);
        assert_non_null(v->check);
        assert_ptr_equal(lg_validator_find(v->name), v);
        count++;
    }
    assert_true(count >= 4);
    assert_null(lg_validator_find("no-such-validator"));
    assert_null(lg_validator_find(NULL));
    assert_null(lg_validator_find(""));
}

/* ---- onespan-api-key ------------------------------------------------- */

static void test_onespan_api_key(void **state)
{
    char id[96];

    (void)state;
    /* Tst0Usr1d0Ab:Fak3S3cr3tXy */
    assert_true(run("onespan-api-key",
                    "VHN0MFVzcjFkMEFiOkZhazNTM2NyM3RYeQ==", id, sizeof(id)));
    assert_string_equal(id, "Tst0Usr1d0Ab");
    /* Q7mZ2kLp9xRtA:Hw4nB8vYc3Ds (13:12, one '=') */
    assert_true(run("onespan-api-key",
                    "UTdtWjJrTHA5eFJ0QTpIdzRuQjh2WWMzRHM=", id, sizeof(id)));
    assert_string_equal(id, "Q7mZ2kLp9xRtA");

    /* unpadded form of a valid key */
    assert_false(ok("onespan-api-key", "VHN0MFVzcjFkMEFiOkZhazNTM2NyM3RYeQ"));
    /* abc:defghijkl: id too short */
    assert_false(ok("onespan-api-key", "YWJjOmRlZmdoaWprbA=="));
    /* aaaaaaaaaaaa:... : one repeated character */
    assert_false(ok("onespan-api-key", "YWFhYWFhYWFhYWFhOkZhazNTM2NyM3RYeQ=="));
    /* YourUserId12:... : placeholder word */
    assert_false(ok("onespan-api-key", "WW91clVzZXJJZDEyOkZhazNTM2NyM3RYeQ=="));
    /* Tst0Usr1d0Ab:Fak3-3cr3tXy : '-' in the secret half */
    assert_false(ok("onespan-api-key", "VHN0MFVzcjFkMEFiOkZhazMtM2NyM3RYeQ=="));
    /* <apiKeyId>:<apiKeySecret> */
    assert_false(ok("onespan-api-key", "PGFwaUtleUlkPjo8YXBpS2V5U2VjcmV0Pg=="));
    /* your_api_key_id:your_secret */
    assert_false(ok("onespan-api-key", "eW91cl9hcGlfa2V5X2lkOnlvdXJfc2VjcmV0"));
    /* xxxxxxxxxxxx:xxxxxxxxxxxx */
    assert_false(ok("onespan-api-key", "eHh4eHh4eHh4eHh4Onh4eHh4eHh4eHh4eA=="));
    /* no colon: base64 of 36 hex-ish letters */
    assert_false(ok("onespan-api-key", "YWJjZGVmYWJjZGVmYWJjZGVmYWJjZGVm"));
    /* not base64 at all */
    assert_false(ok("onespan-api-key", "abcdefabcdefabcdefabcdefabcdefabcdef"));
    assert_false(ok("onespan-api-key", ""));
    /* longer than any accepted decoding */
    assert_false(ok("onespan-api-key",
                    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUF"
                    "BQUFBQUFBQUFBQUE6QkJCQkJCQkI="));
}

/* ---- onespan-client-id-time ------------------------------------------ */

static void test_onespan_client_id_time(void **state)
{
    (void)state;
    assert_true(ok("onespan-client-id-time", "19000c79c000123456789abcdef"));
    /* 0x17270000000 = 2020-06-01 13:09 UTC, just inside */
    assert_true(ok("onespan-client-id-time", "17270000000a1b2c3d4e5f60718"));
    /* 0x1726f000000 = 2020-06-01 08:29 UTC: inside too */
    assert_true(ok("onespan-client-id-time", "1726f000000a1b2c3d4e5f60718"));
    /* 0x1726d000000 < 2020-06-01 */
    assert_false(ok("onespan-client-id-time", "1726d000000a1b2c3d4e5f60718"));
    /* 0x1aa2a5cc800 = 2028-01-01 19:13 UTC, outside */
    assert_false(ok("onespan-client-id-time", "1aa2a5cc800a1b2c3d4e5f60718"));
    /* upper case, wrong length, non-hex */
    assert_false(ok("onespan-client-id-time", "19000C79C000123456789ABCDEF"));
    assert_false(ok("onespan-client-id-time", "19000c79c000123456789abcde"));
    assert_false(ok("onespan-client-id-time", "19000c79c000123456789abcdef0"));
    assert_false(ok("onespan-client-id-time", "19000c79c000123456789abcdeg"));
    assert_false(ok("onespan-client-id-time", "kh6fpggblognb733t8ynn116"));
}

/* ---- onespan-auth-token ----------------------------------------------- */

static void test_onespan_auth_token(void **state)
{
    (void)state;
    assert_true(ok("onespan-auth-token",
                   "M2YyYjhjMWUtOWQ0YS00YjdlLWExYzItNWU2ZjdhOGI5YzBk"));
    assert_true(ok("onespan-auth-token",
                   "MDAwMDAwMDAtMTExMS00MjIyLTgzMzMtNDQ0NDQ0NDQ0NDQ0"));
    /* nil UUID */
    assert_false(ok("onespan-auth-token",
                    "MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"));
    /* Base64 of 36 letters that are not a UUID */
    assert_false(ok("onespan-auth-token",
                    "YWJjZGVmYWJjZGVmYWJjZGVmYWJjZGVmYWJjZGVmYWJjZGVm"));
    assert_false(
        ok("onespan-auth-token", "VHN0MFVzcjFkMEFiOkZhazNTM2NyM3RYeQ=="));
}

/* ---- jwt --------------------------------------------------------------- */

#define JWT_HDR "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
#define JWT_PAY                                                                \
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvIiwiaWF0IjoxNTE2MjM5MDIyfQ"

static void test_jwt(void **state)
{
    (void)state;
    assert_true(ok("jwt", JWT_HDR
                   "." JWT_PAY ".Yk3nQ8vR2mXo1LpT9sWc4ZaE7uHbJ6dFgK0iNqVyOtU"));
    /* unsigned (alg none) token: empty signature */
    assert_true(ok("jwt", JWT_HDR "." JWT_PAY "."));

    /* header without "alg": {"typ":"JWT"} */
    assert_false(ok("jwt", "eyJ0eXAiOiJKV1QifQ." JWT_PAY ".c2ln"));
    /* header that is not an object: [1,2] */
    assert_false(ok("jwt", "WzEsMl0." JWT_PAY ".c2ln"));
    /* payload that is not an object */
    assert_false(ok("jwt", JWT_HDR ".WzEsMl0.c2ln"));
    /* padded (standard) segment, two segments, four segments */
    assert_false(ok("jwt", JWT_HDR "." JWT_PAY "==.c2ln"));
    assert_false(ok("jwt", JWT_HDR "." JWT_PAY));
    assert_false(ok("jwt", JWT_HDR "." JWT_PAY ".c2ln.c2ln"));
    /* bad characters in the signature, empty header */
    assert_false(ok("jwt", JWT_HDR "." JWT_PAY ".c2l+"));
    assert_false(ok("jwt", "." JWT_PAY ".c2ln"));
    assert_false(ok("jwt", ""));
}

/* ---- not-uuid-or-hash ------------------------------------------------ */

static void test_not_uuid_or_hash(void **state)
{
    (void)state;
    assert_true(ok("not-uuid-or-hash", "q8Zr2LmX0vTn4WcY7bKe1HsJ"));
    assert_true(
        ok("not-uuid-or-hash", "0123456789abcdef0123456789abcde")); /* 31 */
    assert_true(
        ok("not-uuid-or-hash", "3f2b8c1e9d4a4b7ea1c25e6f7a8b9c0d00")); /* 34 */

    assert_false(
        ok("not-uuid-or-hash", "fabfeaa9-6834-4d75-a901-9600f03f75c9"));
    assert_false(
        ok("not-uuid-or-hash", "FABFEAA9-6834-4D75-A901-9600F03F75C9"));
    assert_false(ok("not-uuid-or-hash", "125308492fca88dff43ea5c7e8e73e0e"));
    assert_false(
        ok("not-uuid-or-hash", "6ad2321f33b57f2aec717ee5d61fe3c3787e898f"));
    assert_false(ok("not-uuid-or-hash",
                    "9dafe093ba3e09e94ddae0b895d19bd7a6f2018b62b1bdbcc42b1f3f"
                    "d5300b79"));
    assert_false(ok("not-uuid-or-hash",
                    "9dafe093ba3e09e94ddae0b895d19bd7a6f2018b62b1bdbcc42b1f3f"
                    "d5300b799dafe093ba3e09e94ddae0b895d19bd7a6f2018b62b1bdbc"
                    "c42b1f3fd5300b79"));
    assert_false(ok("not-uuid-or-hash", "sha512-Qm9vZ2llV29vZ2llQm9vZ2ll"));
    assert_false(ok("not-uuid-or-hash", "sha256-Qm9vZ2llV29vZ2llQm9vZ2ll"));
    assert_false(ok("not-uuid-or-hash", "h1:Qm9vZ2llV29vZ2llQm9vZ2ll="));
}

/* ---- basic-auth and mixed-alnum ------------------------------------- */

static void test_basic_auth(void **state)
{
    char id[96];

    (void)state;
    /* ci-bot:Harbor#4407copperw7L */
    assert_true(run("basic-auth", "Y2ktYm90OkhhcmJvciM0NDA3Y29wcGVydzdM", id,
                    sizeof(id)));
    assert_string_equal(id, "ci-bot");
    /* ci-bot:password */
    assert_false(ok("basic-auth", "Y2ktYm90OnBhc3N3b3Jk"));
    /* {"alg":"HS256","typ":"JWT"}: a JWT header, not a user */
    assert_false(ok("basic-auth", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"));
    /* CORP\\svc-build:Q7mZ2kLp9x */
    assert_true(run("basic-auth", "Q09SUFxzdmMtYnVpbGQ6UTdtWjJrTHA5eA==", id,
                    sizeof(id)));
    assert_string_equal(id, "CORP\\svc-build");
    /* user:pw (too short) */
    assert_false(ok("basic-auth", "dXNlcjpwdw=="));
    /* no colon: "foobar" */
    assert_false(ok("basic-auth", "Zm9vYmFy"));
    assert_false(ok("basic-auth", "not base64!"));
}

static void test_generic_secret(void **state)
{
    (void)state;
    assert_true(ok("generic-secret", "x67G872_b5hcLhQ8qzFPqIr6hVlF"));
    /* hex digests pass: the key name decided that this is a credential */
    assert_true(ok("generic-secret", "be810beacd557705a54b5edbbbe5ce7f"));
    /* Base64 of real-looking text passes */
    assert_true(ok("generic-secret", "VHN0MFVzcjFkMEFiOkZhazNTM2NyM3RYeQ=="));

    assert_false(ok("generic-secret", "6c2beec4-f817-44d5-ade0-54f45ead0fcb"));
    assert_false(ok("generic-secret", "sha512-Qm9vZ2llV29vZ2llQm9vZ2ll"));
    assert_false(ok("generic-secret", "h1:Qm9vZ2llV29vZ2llQm9vZ2ll="));
    /* <apiKeyId>:<apiKeySecret> */
    assert_false(ok("generic-secret", "PGFwaUtleUlkPjo8YXBpS2V5U2VjcmV0Pg=="));
    /* your_api_key_id:your_secret (unpadded) */
    assert_false(ok("generic-secret", "eW91cl9hcGlfa2V5X2lkOnlvdXJfc2VjcmV0"));
    /* AAAAAAAAAAAA:AAAAAAAAAAAA */
    assert_false(ok("generic-secret", "QUFBQUFBQUFBQUFBOkFBQUFBQUFBQUFBQQ=="));
    /* fakeAlKVtuGm:testVOldoLFS */
    assert_false(ok("generic-secret", "ZmFrZUFsS1Z0dUdtOnRlc3RWT2xkb0xGUw=="));
}

static void test_base64_text(void **state)
{
    (void)state;
    /* Harbor#4407copperw7L */
    assert_true(ok("base64-text", "SGFyYm9yIzQ0MDdjb3BwZXJ3N0w="));
    /* billing (unpadded) */
    assert_true(ok("base64-text", "YmlsbGluZw"));
    /* a line with a newline: "k=v\n" */
    assert_true(ok("base64-text", "az12Cg=="));

    assert_false(ok("base64-text", "PHBhc3N3b3JkPg=="));     /* <password> */
    assert_false(ok("base64-text", "eW91cl9wYXNzd29yZA==")); /* your_password */
    assert_false(ok("base64-text", "YWJj"));                 /* 3 bytes */
    assert_false(ok("base64-text", "frontend12"));           /* binary */
    assert_false(ok("base64-text", "not base64"));
}

static void test_mixed_alnum(void **state)
{
    (void)state;
    assert_true(ok("mixed-alnum", "q8Zr2LmX0vTn4WcY7bKe1HsJ"));
    assert_false(ok("mixed-alnum", "kh6fpggblognb733t8ynn116"));
    assert_false(ok("mixed-alnum", "ABCDEFGHIJKLMNOPQRST"));
    assert_false(ok("mixed-alnum", "ThisIsAnIdentifierName"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_vectors),
        cmocka_unit_test(test_base64_unpadded_and_urlsafe),
        cmocka_unit_test(test_base64_rejects),
        cmocka_unit_test(test_base64_capacity),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_onespan_api_key),
        cmocka_unit_test(test_onespan_client_id_time),
        cmocka_unit_test(test_onespan_auth_token),
        cmocka_unit_test(test_jwt),
        cmocka_unit_test(test_not_uuid_or_hash),
        cmocka_unit_test(test_basic_auth),
        cmocka_unit_test(test_generic_secret),
        cmocka_unit_test(test_base64_text),
        cmocka_unit_test(test_mixed_alnum),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
