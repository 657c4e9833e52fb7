/* DLP watch list: keyed fingerprints, persistence, matching, removal, and
 * HMAC-SHA256 against RFC 4231 vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rule/watchlist.h"
#include "util/sha256.h"

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", p[i]);
}

static void test_hmac_vectors(void **state)
{
    unsigned char key[20], mac[32];
    char h[65];

    (void)state;
    memset(key, 0x0b, sizeof(key)); /* RFC 4231 test case 1 */
    lg_hmac_sha256(key, sizeof(key), "Hi There", 8, mac);
    hex(mac, 32, h);
    assert_string_equal(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da7"
                           "26e9376c2e32cff7");
    lg_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
    hex(mac, 32, h);
    assert_string_equal(h, "5bdcc146bf60754e6a042426089575c75a003f089d273983"
                           "9dec58b964ec3843");
}

static void test_roundtrip(void **state)
{
    char dir[] = "/tmp/lg-wl-XXXXXX", path[128];
    struct lg_watchlist a, b;
    struct lg_error err;
    struct stat st;
    char *text;
    FILE *f;
    long n;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/sub/wl", dir);
    lg_watchlist_init(&a);
    assert_int_equal(lg_watchlist_add(&a, "S3cret-Value-0001", 17, "one", &err),
                     LG_OK);
    assert_int_equal(lg_watchlist_add(&a, "another-secret-2", 16, "two", &err),
                     LG_OK);
    assert_int_equal(lg_watchlist_add(&a, "S3cret-Value-0001", 17, "x", &err),
                     LG_EINVAL); /* already watched */
    assert_int_equal(lg_watchlist_add(&a, "short", 5, "x", &err), LG_EINVAL);
    assert_int_equal(lg_watchlist_save(&a, path, &err), LG_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* no plaintext on disk */
    f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_null(strstr(text, "S3cret"));
    assert_null(strstr(text, "another-secret"));
    free(text);

    lg_watchlist_init(&b);
    assert_int_equal(lg_watchlist_load(&b, path, true, &err), LG_OK);
    assert_int_equal(b.n, 2);
    assert_string_equal(lg_watchlist_match(&b, "S3cret-Value-0001", 17), "one");
    assert_null(lg_watchlist_match(&b, "S3cret-Value-0002", 17));
    assert_null(lg_watchlist_match(&b, "S3cret-Value-000", 16));
    assert_int_equal(lg_watchlist_remove(&b, "one"), 1);
    assert_null(lg_watchlist_match(&b, "S3cret-Value-0001", 17));
    assert_string_equal(lg_watchlist_match(&b, "another-secret-2", 16), "two");
    lg_watchlist_release(&a);
    lg_watchlist_release(&b);
    unlink(path);
    snprintf(path, sizeof(path), "%s/sub", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_bad_files(void **state)
{
    static const char *const bad[] = {
        "key zz\n",
        "key 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
        "5 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
        "17 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    };
    char path[] = "/tmp/lg-wlbad-XXXXXX";
    struct lg_watchlist wl;
    struct lg_error err;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, bad[i], strlen(bad[i])),
                         (ssize_t)strlen(bad[i]));
        close(fd);
        lg_watchlist_init(&wl);
        assert_int_equal(lg_watchlist_load(&wl, path, true, &err), LG_ESYNTAX);
        lg_watchlist_release(&wl);
        unlink(path);
        memcpy(path + strlen(path) - 6, "XXXXXX", 6);
    }
    lg_watchlist_init(&wl); /* a missing default list is an empty list */
    assert_int_equal(lg_watchlist_load(&wl, "/nonexistent/wl", false, &err),
                     LG_OK);
    assert_int_equal(wl.n, 0);
    lg_watchlist_release(&wl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_vectors),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests_name("watchlist", tests, NULL, NULL);
}
