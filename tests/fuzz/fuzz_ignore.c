/* Fuzz target: suppressions (scan/ignore.h) — the .leakguardignore parser
 * and the baseline reader, on the input written to a file in a temp
 * directory.
 *
 * Oracles, from the header's contract restated here: an ignore file gives
 * one entry per non-blank line ('#' comments and surrounding blanks cut),
 * a fingerprint for 32 hex digits, a glob otherwise; a baseline gives every
 * "fingerprint" / "leakguard/v1" member with 32 hex digits, and is refused
 * only when it has none and does not look like a report.  After sealing,
 * every fingerprint read is found (case-folded). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scan/ignore.h"

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

static bool all_hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit(p[i]))
            return false;
    return true;
}

static void fold(char out[LG_FINGERPRINT_LEN + 1], const uint8_t *p)
{
    for (size_t i = 0; i < LG_FINGERPRINT_LEN; i++)
        out[i] = (char)tolower(p[i]);
    out[LG_FINGERPRINT_LEN] = '\0';
}

static void check_ignore_file(const char *path, const uint8_t *data,
                              size_t size)
{
    const uint8_t *end = memchr(data, 0, size);
    size_t len = end ? (size_t)(end - data) : size, fps = 0, globs = 0;
    struct lg_ignore ig;
    struct lg_error err;
    int rc;

    lg_ignore_init(&ig);
    rc = lg_ignore_load_file(&ig, path, true, &err);
    if (rc == LG_ENOMEM)
        goto out;
    if (rc != LG_OK)
        lg_fuzz_fail("ignore file refused: %s", err.msg);
    lg_ignore_seal(&ig);
    for (size_t at = 0; at < len;) {
        const uint8_t *nl = memchr(data + at, '\n', len - at);
        size_t e = nl ? (size_t)(nl - data) : len, s = at, t;
        const uint8_t *hash = memchr(data + s, '#', e - s);

        at = e + 1;
        t = hash ? (size_t)(hash - data) : e;
        while (s < t && is_space(data[s]))
            s++;
        while (t > s && is_space(data[t - 1]))
            t--;
        if (t == s)
            continue;
        if (t - s == LG_FINGERPRINT_LEN && all_hex(data + s, t - s)) {
            char fp[LG_FINGERPRINT_LEN + 1];
            fold(fp, data + s);
            if (!lg_ignore_has_fingerprint(&ig, fp))
                lg_fuzz_fail("ignore file: fingerprint %s not found", fp);
            fps++;
        } else {
            LG_FUZZ_CHECK(globs < ig.globs.n);
            LG_FUZZ_CHECK(strlen(ig.globs.v[globs]) == t - s &&
                          memcmp(ig.globs.v[globs], data + s, t - s) == 0);
            globs++;
        }
    }
    if (fps != ig.n || globs != ig.globs.n)
        lg_fuzz_fail("ignore file: %zu fingerprints and %zu globs read, "
                     "expected %zu and %zu",
                     ig.n, ig.globs.n, fps, globs);
out:
    lg_ignore_release(&ig);
}

/* The fingerprint of a baseline member starting at data[i], or NULL. */
static const uint8_t *member_at(const uint8_t *data, size_t size, size_t i,
                                size_t *end)
{
    static const char *const names[] = {"\"fingerprint\"", "\"leakguard/v1\""};

    for (int k = 0; k < 2; k++) {
        size_t m = strlen(names[k]), j = i + m;
        if (size - i < m || memcmp(data + i, names[k], m) != 0)
            continue;
        while (j < size && is_space(data[j]))
            j++;
        if (j == size || data[j++] != ':')
            continue;
        while (j < size && is_space(data[j]))
            j++;
        if (size - j < LG_FINGERPRINT_LEN + 2 || data[j] != '"' ||
            !all_hex(data + j + 1, LG_FINGERPRINT_LEN) ||
            data[j + 1 + LG_FINGERPRINT_LEN] != '"')
            continue;
        *end = j + LG_FINGERPRINT_LEN + 2;
        return data + j + 1;
    }
    return NULL;
}

static void check_baseline(const char *path, const uint8_t *data, size_t size)
{
    struct lg_ignore ig;
    struct lg_error err;
    size_t found = 0;
    bool report_like;
    int rc;

    lg_ignore_init(&ig);
    rc = lg_ignore_load_baseline(&ig, path, &err);
    if (rc == LG_ENOMEM)
        goto out;
    lg_ignore_seal(&ig);
    for (size_t i = 0; i < size;) {
        size_t end;
        const uint8_t *fp = member_at(data, size, i, &end);
        if (!fp) {
            i++;
            continue;
        }
        if (rc == LG_OK) {
            char want[LG_FINGERPRINT_LEN + 1];
            fold(want, fp);
            if (!lg_ignore_has_fingerprint(&ig, want))
                lg_fuzz_fail("baseline: fingerprint %s not found", want);
        }
        found++;
        i = end;
    }
    {
        char *text = lg_strndup((const char *)data, size);
        report_like =
            !text || strstr(text, "\"version\"") || (size && data[0] == '[');
        free(text);
    }
    if (found == 0 && size > 0 && !report_like) {
        LG_FUZZ_CHECK(rc == LG_ESYNTAX);
    } else {
        if (rc != LG_OK)
            lg_fuzz_fail("baseline refused: %s", err.msg);
        if (ig.n != found)
            lg_fuzz_fail("baseline: %zu fingerprints read, expected %zu", ig.n,
                         found);
    }
out:
    lg_ignore_release(&ig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128], missing[128];
    struct lg_ignore ig;
    struct lg_error err;

    snprintf(path, sizeof(path), "%s/input", lg_fuzz_tmpdir());
    snprintf(missing, sizeof(missing), "%s/absent", lg_fuzz_tmpdir());
    if (lg_fuzz_write_file(path, data, size) != 0)
        lg_fuzz_fail("cannot write %s", path);
    check_ignore_file(path, data, size);
    check_baseline(path, data, size);
    lg_ignore_init(&ig);
    LG_FUZZ_CHECK(lg_ignore_load_file(&ig, missing, false, &err) == LG_OK &&
                  ig.n == 0 && ig.globs.n == 0);
    lg_ignore_release(&ig);
    return 0;
}
