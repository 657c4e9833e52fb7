#include "scan/ignore.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

void lg_ignore_init(struct lg_ignore *ig)
{
    memset(ig, 0, sizeof(*ig));
}

void lg_ignore_release(struct lg_ignore *ig)
{
    free(ig->fps);
    lg_strlist_release(&ig->globs);
    lg_ignore_init(ig);
}

static bool is_fingerprint(const char *s, size_t n)
{
    if (n != LG_FINGERPRINT_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int add_fp(struct lg_ignore *ig, const char *s)
{
    void *v = lg_grow(ig->fps, &ig->cap, ig->n, sizeof(*ig->fps), 64);
    if (!v)
        return LG_ENOMEM;
    ig->fps = v;
    for (size_t i = 0; i < LG_FINGERPRINT_LEN; i++)
        ig->fps[ig->n][i] = (char)tolower((unsigned char)s[i]);
    ig->fps[ig->n][LG_FINGERPRINT_LEN] = '\0';
    ig->n++;
    ig->sealed = false;
    return LG_OK;
}

static int read_capped(struct lg_buf *b, const char *path, size_t max,
                       bool must_exist, bool *missing, struct lg_error *err)
{
    *missing = false;
    if (!must_exist && access(path, F_OK) != 0 && errno == ENOENT) {
        *missing = true;
        return LG_OK;
    }
    lg_buf_init(b, max);
    return lg_buf_read_path(b, path, err);
}

int lg_ignore_load_file(struct lg_ignore *ig, const char *path,
                        bool must_exist, struct lg_error *err)
{
    struct lg_buf b;
    bool missing;
    int rc = read_capped(&b, path, LG_IGNORE_FILE_MAX, must_exist, &missing,
                         err);
    char *line, *end;
    unsigned lineno = 0;

    if (missing)
        return LG_OK;
    if (rc < 0)
        goto out;
    for (line = b.data; rc == LG_OK && line && *line; line = end) {
        char *hash, *eol = strchr(line, '\n');
        size_t n;

        end = eol ? eol + 1 : NULL;
        if (eol)
            *eol = '\0';
        lineno++;
        if ((hash = strchr(line, '#')))
            *hash = '\0';
        while (*line && isspace((unsigned char)*line))
            line++;
        n = strlen(line);
        while (n && isspace((unsigned char)line[n - 1]))
            line[--n] = '\0';
        if (!n)
            continue;
        rc = is_fingerprint(line, n) ? add_fp(ig, line)
                                     : lg_strlist_push(&ig->globs, line);
        if (rc < 0)
            lg_error_set(err, rc, "%s:%u: %s", path, lineno, lg_strerror(rc));
    }
out:
    lg_buf_release(&b);
    return rc;
}

int lg_ignore_load_baseline(struct lg_ignore *ig, const char *path,
                            struct lg_error *err)
{
    static const char pat[] =
        "\"(?:fingerprint|leakguard/v1)\"\\s*:\\s*\"([0-9a-fA-F]{32})\"";
    pcre2_code *re = NULL;
    pcre2_match_data *md = NULL;
    struct lg_buf b;
    PCRE2_SIZE off = 0, eoff;
    size_t before = ig->n;
    int rc, ec;
    bool missing;

    rc = read_capped(&b, path, LG_BASELINE_MAX, true, &missing, err);
    if (rc < 0)
        goto out;
    re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, 0, &ec, &eoff,
                       NULL);
    md = re ? pcre2_match_data_create_from_pattern(re, NULL) : NULL;
    if (!md) {
        rc = lg_error_set(err, LG_EINTERNAL, "cannot read baseline '%s'",
                          path);
        goto out;
    }
    while (rc == LG_OK && off < b.len &&
           pcre2_match(re, (PCRE2_SPTR)b.data, b.len, off, 0, md, NULL) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        rc = add_fp(ig, b.data + ov[2]);
        off = ov[1];
    }
    if (rc == LG_OK && ig->n == before && b.len > 0 &&
        !strstr(b.data, "\"version\"") && b.data[0] != '[')
        rc = lg_error_set(err, LG_ESYNTAX,
                          "'%s' is not a leakguard JSON or SARIF report",
                          path);
out:
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    lg_buf_release(&b);
    return rc;
}

static int cmp_fp(const void *a, const void *b)
{
    return memcmp(a, b, LG_FINGERPRINT_LEN);
}

void lg_ignore_seal(struct lg_ignore *ig)
{
    if (ig->n > 1)
        qsort(ig->fps, ig->n, sizeof(*ig->fps), cmp_fp);
    ig->sealed = true;
}

bool lg_ignore_has_fingerprint(const struct lg_ignore *ig, const char *fp)
{
    if (!ig || !ig->n)
        return false;
    return bsearch(fp, ig->fps, ig->n, sizeof(*ig->fps), cmp_fp) != NULL;
}
