/* Archive expansion tests: every archive is written at test time with
 * libarchive's write API into memory and scanned through the content
 * pipeline (lg_content_scan) from a memory reader, seekable or not.  Each
 * test checks findings (path, secret), and that every object — members and
 * containers — is reported exactly once, with the expected kind/reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/scanner.h"
#include "report/report.h"
#include "rule/ruleset.h"
#include "scan/content.h"
#include "source/archive.h"

static const char RULES[] =
    "rules:\n"
    "  - id: tok\n"
    "    name: token\n"
    "    pattern: '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b'\n"
    "    keywords: [tk_]\n"
    "    max_len: 30\n"
    "    examples: ['tk_aB3dE5fG7hJ9kL1mN3pQ']\n"
    "    negative_examples: ['tk_short']\n";

#define SECRET1 "tk_Q7w9E2r4T6y8U1i3O5pA"
#define SECRET2 "tk_Z8x6C4v2B1n3M5l7K9jH"
#define ENV1 "# config\nAPI_TOKEN=" SECRET1 "\n"
#define ENV2 "x=1\ny=2\nTOKEN=" SECRET2 "\n"

/* ---- memory buffers and archive writers ------------------------------- */

struct mem {
    unsigned char *p;
    size_t n, cap;
};

static void mem_put(struct mem *m, const void *p, size_t n)
{
    if (m->n + n > m->cap) {
        m->cap = (m->n + n) * 2 + 4096;
        m->p = realloc(m->p, m->cap);
        assert_non_null(m->p);
    }
    memcpy(m->p + m->n, p, n);
    m->n += n;
}

static la_ssize_t mem_write(struct archive *a, void *data, const void *buf,
                            size_t n)
{
    (void)a;
    mem_put(data, buf, n);
    return (la_ssize_t)n;
}

struct item {
    const char *name;
    const void *data;
    size_t len;
    unsigned type;    /* AE_IFREG if 0 */
    const char *link; /* symlink target / hardlink target */
};

#define ITEM(n, s)                                                             \
    {                                                                          \
        n, s, sizeof(s) - 1, 0, NULL                                           \
    }

/* An archive of `format` (+ `filter`, options, passphrase) in memory.
 * Written in a UTF-8 locale, so that UTF-8 names are taken as such. */
static struct mem make(const char *format, const char *filter, const char *opts,
                       const char *pass, const struct item *it, size_t n)
{
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = uselocale(utf8);
    struct archive *a = archive_write_new();
    struct mem m = {0};

    assert_non_null(a);
    assert_int_equal(archive_write_set_format_by_name(a, format), ARCHIVE_OK);
    if (filter)
        assert_int_equal(archive_write_add_filter_by_name(a, filter),
                         ARCHIVE_OK);
    if (opts)
        assert_int_equal(archive_write_set_options(a, opts), ARCHIVE_OK);
    if (pass)
        assert_int_equal(archive_write_set_passphrase(a, pass), ARCHIVE_OK);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open2(a, &m, NULL, mem_write, NULL, NULL),
                     ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        unsigned type = it[i].type ? it[i].type : AE_IFREG;

        archive_entry_set_pathname(e, it[i].name);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1700000000, 0);
        if (type == AE_IFLNK)
            archive_entry_set_symlink(e, it[i].link);
        else if (it[i].link)
            archive_entry_set_hardlink(e, it[i].link);
        if (type == AE_IFREG && !it[i].link)
            archive_entry_set_size(e, (la_int64_t)it[i].len);
        if (type == AE_IFCHR)
            archive_entry_set_rdev(e, 0x0101);
        assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
        if (type == AE_IFREG && !it[i].link && it[i].len)
            assert_int_equal(archive_write_data(a, it[i].data, it[i].len),
                             (la_ssize_t)it[i].len);
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    uselocale(old);
    freelocale(utf8);
    return m;
}

static struct mem make1(const char *format, const char *filter,
                        const char *name, const struct mem *data)
{
    struct item it = {name, data->p, data->n, 0, NULL};

    return make(format, filter, NULL, NULL, &it, 1);
}

/* ---- scanning and recording ---------------------------------------------- */

struct result {
    char path[512];
    int kind;
    char reason[32];
    bool limited;
    char message[256];
};

struct found {
    char path[512];
    char secret[64];
    uint64_t line;
};

struct log {
    struct result r[256];
    size_t nr;
    struct found f[64];
    size_t nf;
};

static int on_finding(const struct lg_finding *f, void *payload)
{
    struct log *l = payload;
    struct found *x;

    assert_true(l->nf < 64);
    x = &l->f[l->nf++];
    snprintf(x->path, sizeof(x->path), "%s", f->path);
    snprintf(x->secret, sizeof(x->secret), "%.*s", (int)f->secret_len,
             f->secret);
    x->line = f->line;
    return LG_OK;
}

static void on_result(const char *path, const struct lg_content_result *res,
                      void *payload)
{
    struct log *l = payload;
    struct result *x;

    if (l->nr == 256)
        return; /* big member lists: only the first ones are checked */
    x = &l->r[l->nr++];
    snprintf(x->path, sizeof(x->path), "%s", path);
    x->kind = res->kind;
    snprintf(x->reason, sizeof(x->reason), "%s",
             res->reason ? res->reason : "");
    x->limited = res->limited;
    snprintf(x->message, sizeof(x->message), "%s", res->message);
}

struct memrd {
    const unsigned char *p;
    size_t n, off;
};

static ssize_t mr_read(void *ctx, void *buf, size_t n)
{
    struct memrd *m = ctx;

    if (n > m->n - m->off)
        n = m->n - m->off;
    if (n > 100000) /* short reads, as from a pipe */
        n = 100000;
    memcpy(buf, m->p + m->off, n);
    m->off += n;
    return (ssize_t)n;
}

struct fix {
    struct lg_ruleset *rs;
    struct lg_scanner *sc;
    struct lg_content c;
    bool no_archives;
    struct log log;
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    struct lg_scan_opts o = {.allow_comments = true};
    struct lg_error err;

    assert_non_null(f);
    assert_int_equal(lg_ruleset_new(&f->rs), LG_OK);
    if (lg_ruleset_add_text(f->rs, "t.yml", RULES, sizeof(RULES) - 1, &err) ||
        lg_ruleset_compile(f->rs, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        fail();
    }
    assert_int_equal(lg_scanner_new(&f->sc, f->rs, &o, &err), LG_OK);
    assert_int_equal(lg_content_init(&f->c, f->sc, false), LG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    lg_content_release(&f->c);
    lg_scanner_free(f->sc);
    lg_ruleset_free(f->rs);
    free(f);
    return 0;
}

/* Scan the bytes as object `path`; limits NULL = defaults.  Seekable:
 * from a temporary file through lg_reader_fd (as files are read), else from
 * memory in short reads (as from a pipe or an outer archive). */
static struct log *scan(struct fix *f, const struct mem *m, const char *path,
                        bool seekable, const struct lg_limits *lim)
{
    struct memrd mr = {m->p, m->n, 0};
    struct lg_reader rd = {mr_read, &mr, 0, 0};
    struct lg_content_sink sink = {on_finding, on_result, &f->log};
    FILE *tmp = NULL;
    int fd = -1;

    if (seekable) {
        tmp = tmpfile();
        assert_non_null(tmp);
        assert_int_equal(fwrite(m->p, 1, m->n, tmp), m->n);
        assert_int_equal(fflush(tmp), 0);
        fd = fileno(tmp);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        lg_reader_fd(&rd, &fd, (uint64_t)m->n);
    }
    memset(&f->log, 0, sizeof(f->log));
    lg_content_configure(&f->c, lim, f->no_archives);
    lg_content_scan(&f->c, &rd, path, &sink);
    if (tmp)
        fclose(tmp);
    return &f->log;
}

/* The one result for path (fails on none or several). */
static const struct result *result_of(const struct log *l, const char *path)
{
    const struct result *hit = NULL;

    for (size_t i = 0; i < l->nr; i++) {
        if (strcmp(l->r[i].path, path) != 0)
            continue;
        if (hit)
            fail_msg("'%s' reported twice", path);
        hit = &l->r[i];
    }
    if (!hit) {
        for (size_t i = 0; i < l->nr; i++)
            fprintf(stderr, "  result: %s (%d %s) %s\n", l->r[i].path,
                    l->r[i].kind, l->r[i].reason, l->r[i].message);
        fail_msg("no result for '%s'", path);
    }
    return hit;
}

/* kind and reason; a scanned result is limited iff reason is given. */
static void expect(const struct log *l, const char *path, int kind,
                   const char *reason)
{
    const struct result *r = result_of(l, path);
    bool limited = kind == LG_CONTENT_SCANNED && reason;

    if (r->kind != kind || strcmp(r->reason, reason ? reason : "") != 0 ||
        r->limited != limited)
        fail_msg("'%s': kind %d limited %d reason '%s' (%s), want %d '%s'",
                 path, r->kind, r->limited, r->reason, r->message, kind,
                 reason ? reason : "");
}

#define expect_limit(l, path, reason)                                          \
    expect(l, path, LG_CONTENT_SCANNED, reason)
#define expect_clean(l, path) expect(l, path, LG_CONTENT_SCANNED, NULL)

static bool has_finding(const struct log *l, const char *path,
                        const char *secret)
{
    for (size_t i = 0; i < l->nf; i++)
        if (strcmp(l->f[i].path, path) == 0 &&
            strcmp(l->f[i].secret, secret) == 0)
            return true;
    for (size_t i = 0; i < l->nf; i++)
        fprintf(stderr, "  finding: %s %s\n", l->f[i].path, l->f[i].secret);
    return false;
}

/* Pseudo-random printable text (does not compress much). */
static char *noise(size_t n)
{
    char *p = malloc(n + 1);
    uint32_t x = 2463534242u;

    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (i % 64 == 63) ? '\n' : (char)('a' + (x >> 16) % 26);
    }
    p[n] = '\0';
    return p;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_detect(void **state)
{
    static const char text[] = "just text\nAPI_TOKEN=" SECRET1 "\n";
    static const char lookalikes[][64] = {
        "070707 is a number\nAPI_TOKEN=" SECRET1 "\n",
        "BZh9 starts bzip2 files\nTOKEN " SECRET1 "\n",
        "PK is not a zip\nTOKEN " SECRET1 "\n",
    };
    struct item it[] = {ITEM("a.env", ENV1)};
    struct mem zip = make("zip", NULL, NULL, NULL, it, 1);
    struct mem tar = make("ustar", NULL, NULL, NULL, it, 1);
    struct mem gz = make("raw", "gzip", NULL, NULL, it, 1);
    struct fix *f = *state;

    assert_false(lg_archive_detect(text, sizeof(text) - 1));
    assert_false(lg_archive_detect("", 0));
    assert_true(lg_archive_detect(zip.p, zip.n));
    assert_true(lg_archive_detect(tar.p, tar.n));
    assert_true(lg_archive_detect(gz.p, gz.n));
    /* Text that starts like an archive is scanned as text. */
    for (size_t i = 0; i < sizeof(lookalikes) / sizeof(lookalikes[0]); i++) {
        struct mem m = {(unsigned char *)lookalikes[i], strlen(lookalikes[i]),
                        0};
        struct log *l = scan(f, &m, "look.txt", false, NULL);

        assert_false(lg_archive_detect(m.p, m.n));
        expect_clean(l, "look.txt");
        assert_true(has_finding(l, "look.txt", SECRET1));
    }
    free(zip.p);
    free(tar.p);
    free(gz.p);
}

/* Every writable format, with and without a seekable reader. */
static void test_formats(void **state)
{
    static const struct {
        const char *format, *filter;
        bool flat; /* ar: no directories */
    } t[] = {
        {"zip", NULL, false},     {"pax", NULL, false},
        {"ustar", "gzip", false}, {"gnutar", "bzip2", false},
        {"pax", "xz", false},     {"pax", "zstd", false},
        {"pax", "lz4", false},    {"pax", "lzip", false},
        {"pax", "lzma", false},   {"ustar", "compress", false},
        {"7zip", NULL, false},    {"cpio", NULL, false},
        {"newc", "gzip", false},  {"arsvr4", NULL, true},
        {"iso9660", NULL, false},
    };
    struct item deep[] = {ITEM("dir/a.env", ENV1), ITEM("b.env", ENV2)};
    struct item flat[] = {ITEM("a.env", ENV1), ITEM("b.env", ENV2)};
    struct fix *f = *state;

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        struct mem m = make(t[i].format, t[i].filter, NULL, NULL,
                            t[i].flat ? flat : deep, 2);
        const char *a = t[i].flat ? "x.bin!a.env" : "x.bin!dir/a.env";

        for (int seek = 0; seek < 2; seek++) {
            struct log *l = scan(f, &m, "x.bin", seek, NULL);

            if (!has_finding(l, a, SECRET1) ||
                !has_finding(l, "x.bin!b.env", SECRET2))
                fail_msg("%s+%s seek=%d", t[i].format,
                         t[i].filter ? t[i].filter : "-", seek);
            expect_clean(l, "x.bin");
            expect_clean(l, a);
            expect_clean(l, "x.bin!b.env");
        }
        free(m.p);
    }
}

/* A compressed single file holds one member named after it. */
static void test_single_file(void **state)
{
    static const char *const filters[] = {"gzip", "bzip2", "xz", "zstd", "lz4"};
    static const char *const names[] = {"app.log.gz", "app.log.bz2",
                                        "app.log.xz", "app.log.zst",
                                        "app.log.lz4"};
    struct item it[] = {ITEM("ignored", ENV1)};
    struct fix *f = *state;

    for (size_t i = 0; i < 5; i++) {
        struct mem m = make("raw", filters[i], NULL, NULL, it, 1);
        char path[64], member[80];
        struct log *l;

        snprintf(path, sizeof(path), "logs/%s", names[i]);
        snprintf(member, sizeof(member), "%s!app.log", path);
        l = scan(f, &m, path, false, NULL);
        assert_true(has_finding(l, member, SECRET1));
        expect_clean(l, path);
        expect_clean(l, member);
        assert_int_equal(l->nr, 2);
        free(m.p);
    }
}

static void test_nested(void **state)
{
    struct item in[] = {ITEM("app/.env", ENV1)};
    struct mem zip = make("zip", NULL, NULL, NULL, in, 1);
    struct mem tgz = make1("pax", "gzip", "b/c.zip", &zip);
    struct item out[] = {{"a/in.tar.gz", tgz.p, tgz.n, 0, NULL},
                         ITEM("top.env", ENV2)};
    struct mem o = make("zip", NULL, NULL, NULL, out, 2);
    struct fix *f = *state;

    for (int seek = 0; seek < 2; seek++) {
        struct log *l = scan(f, &o, "o.zip", seek, NULL);

        assert_true(
            has_finding(l, "o.zip!a/in.tar.gz!b/c.zip!app/.env", SECRET1));
        assert_true(has_finding(l, "o.zip!top.env", SECRET2));
        expect_clean(l, "o.zip");
        expect_clean(l, "o.zip!a/in.tar.gz");
        expect_clean(l, "o.zip!a/in.tar.gz!b/c.zip");
        expect_clean(l, "o.zip!a/in.tar.gz!b/c.zip!app/.env");
        assert_int_equal(l->nr, 5);
    }
    free(zip.p);
    free(tgz.p);
    free(o.p);
}

/* deep.bin is archive level 1; it holds n9.bin (level 2) ... n1.bin
 * (level 10), which holds secret.env. */
static void test_depth(void **state)
{
    struct item in[] = {ITEM("secret.env", ENV1)};
    struct mem cur = make("zip", NULL, NULL, NULL, in, 1);
    struct lg_limits lim = {0};
    struct fix *f = *state;
    char path[512] = "deep.bin";
    struct log *l;

    for (int k = 1; k <= 9; k++) {
        char name[32];
        struct mem next;

        snprintf(name, sizeof(name), "n%d.bin", k);
        next = make1(k % 2 ? "pax" : "zip", k % 2 ? "gzip" : NULL, name, &cur);
        free(cur.p);
        cur = next;
    }
    l = scan(f, &cur, "deep.bin", false, NULL);
    assert_int_equal(l->nf, 0);
    for (int k = 9; k >= 2; k--) {
        size_t n = strlen(path);
        snprintf(path + n, sizeof(path) - n, "!n%d.bin", k);
    }
    expect_limit(l, path, LG_REASON_ARCHIVE_DEPTH);
    expect_clean(l, "deep.bin");

    lim.max_archive_depth = 12;
    l = scan(f, &cur, "deep.bin", true, &lim);
    snprintf(path + strlen(path), sizeof(path) - strlen(path),
             "!n1.bin!secret.env");
    assert_true(has_finding(l, path, SECRET1));
    expect_clean(l, path);
    lim.max_archive_depth = 10; /* exactly deep enough */
    l = scan(f, &cur, "deep.bin", false, &lim);
    assert_true(has_finding(l, path, SECRET1));
    free(cur.p);
}

/* A zip cut short: what came before the cut is scanned, both the damaged
 * member and the container are reported as failed. */
static void test_truncated(void **state)
{
    char *big = noise(300000);
    struct item it[] = {ITEM("a.env", ENV1),
                        {"big.txt", big, 300000, 0, NULL},
                        ITEM("b.env", ENV2)};
    struct mem m = make("zip", NULL, NULL, NULL, it, 3);
    struct fix *f = *state;

    m.n = m.n * 6 / 10;
    for (int seek = 0; seek < 2; seek++) {
        struct log *l = scan(f, &m, "cut.zip", seek, NULL);

        assert_true(has_finding(l, "cut.zip!a.env", SECRET1));
        expect_clean(l, "cut.zip!a.env");
        expect(l, "cut.zip!big.txt", LG_CONTENT_FAILED, LG_REASON_CORRUPT);
        expect(l, "cut.zip", LG_CONTENT_FAILED, LG_REASON_CORRUPT);
        assert_int_equal(l->nr, 3);
    }
    /* A tar.gz cut short: the member keeps what was read before. */
    {
        struct item one[] = {ITEM("y", ENV1), {"x", big, 300000, 0, NULL}};
        struct mem t = make("ustar", "gzip", NULL, NULL, one, 2);
        struct log *l;

        t.n -= 40;
        l = scan(f, &t, "t.tgz", false, NULL);
        assert_true(has_finding(l, "t.tgz!y", SECRET1));
        expect(l, "t.tgz", LG_CONTENT_FAILED, LG_REASON_CORRUPT);
        free(t.p);
    }
    free(m.p);
    free(big);
}

static void test_encrypted(void **state)
{
    struct item it[] = {ITEM("a.env", ENV1), ITEM("b.env", ENV2)};
    struct mem m = make("zip", NULL, "zip:encryption=zipcrypt", "pw", it, 2);
    struct fix *f = *state;

    for (int seek = 0; seek < 2; seek++) {
        struct log *l = scan(f, &m, "enc.zip", seek, NULL);

        assert_int_equal(l->nf, 0);
        expect(l, "enc.zip!a.env", LG_CONTENT_SKIPPED, LG_REASON_ENCRYPTED);
        expect(l, "enc.zip!b.env", LG_CONTENT_SKIPPED, LG_REASON_ENCRYPTED);
        expect_clean(l, "enc.zip");
    }
    free(m.p);
}

/* 1 GiB of zeros as 1024 concatenated gzip members of 1 MiB each (built
 * in a millisecond): the expansion ratio stops it after ~200 MiB. */
static void test_gzip_bomb(void **state)
{
    unsigned char *zeros = calloc(1, 1 << 20);
    struct item it[] = {{"z", zeros, 1 << 20, 0, NULL}};
    struct mem one = make("raw", "gzip", NULL, NULL, it, 1);
    struct mem bomb = {0};
    struct fix *f = *state;
    struct log *l;
    time_t t0;

    for (int i = 0; i < 1024; i++)
        mem_put(&bomb, one.p, one.n);
    /* Zeros are binary: skipped after the first chunk. */
    t0 = time(NULL);
    l = scan(f, &bomb, "bomb.gz", false, NULL);
    expect(l, "bomb.gz!bomb", LG_CONTENT_SKIPPED, LG_REASON_BINARY);
    assert_true(time(NULL) - t0 < 5.0);
    /* Scanned as binary too, the ratio stops it. */
    f->c.binary = true;
    t0 = time(NULL);
    l = scan(f, &bomb, "bomb.gz", false, NULL);
    f->c.binary = false;
    expect_limit(l, "bomb.gz!bomb", LG_REASON_EXPANSION_RATIO);
    expect_clean(l, "bomb.gz");
    assert_true(time(NULL) - t0 < 20.0);
    free(one.p);
    free(bomb.p);
    free(zeros);
}

/* A sparse member declared 20 GiB: the holes read as zeros, the ratio
 * cuts it at once. */
static void test_sparse(void **state)
{
    const la_int64_t size = (la_int64_t)20 << 30;
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    char data[8192];
    struct mem m = {0};
    struct fix *f = *state;
    struct log *l;
    time_t t0;

    memset(data, 'x', sizeof(data));
    memcpy(data + 100, "\nTOKEN=" SECRET1 "\n", 32);
    archive_write_set_format_pax(a);
    archive_write_set_bytes_in_last_block(a, 1);
    assert_int_equal(archive_write_open2(a, &m, NULL, mem_write, NULL, NULL),
                     ARCHIVE_OK);
    archive_entry_set_pathname(e, "disk.img");
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, size);
    archive_entry_sparse_add_entry(e, 0, 4096);
    archive_entry_sparse_add_entry(e, size - 4096, 4096);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    assert_int_equal(archive_write_data(a, data, sizeof(data)),
                     (la_ssize_t)sizeof(data));
    archive_write_close(a);
    archive_write_free(a);
    archive_entry_free(e);

    l = scan(f, &m, "sparse.tar", false, NULL);
    expect(l, "sparse.tar!disk.img", LG_CONTENT_SKIPPED, LG_REASON_BINARY);
    f->c.binary = true;
    t0 = time(NULL);
    l = scan(f, &m, "sparse.tar", false, NULL);
    f->c.binary = false;
    assert_true(has_finding(l, "sparse.tar!disk.img", SECRET1));
    expect_limit(l, "sparse.tar!disk.img", LG_REASON_EXPANSION_RATIO);
    expect_clean(l, "sparse.tar");
    assert_true(time(NULL) - t0 < 10.0);
    free(m.p);
}

static void test_expanded_bytes(void **state)
{
    char *big = noise(2 << 20);
    struct item it[] = {ITEM("a.env", ENV1),
                        {"big.txt", big, 2 << 20, 0, NULL},
                        ITEM("b.env", ENV2)};
    struct mem m = make("zip", NULL, "zip:compression=store", NULL, it, 3);
    struct lg_limits lim = {.max_expanded_bytes = 1 << 20};
    struct fix *f = *state;
    struct log *l = scan(f, &m, "x.zip", true, &lim);

    assert_true(has_finding(l, "x.zip!a.env", SECRET1));
    expect_limit(l, "x.zip!big.txt", LG_REASON_EXPANDED_BYTES);
    expect_clean(l, "x.zip");
    assert_int_equal(l->nr, 3); /* b.env is never reached */
    assert_int_equal(l->nf, 1);
    free(m.p);
    free(big);
}

static void test_entries(void **state)
{
    struct item it[30];
    char names[30][32];
    struct lg_limits lim = {.max_archive_entries = 10};
    struct fix *f = *state;
    struct mem m;
    struct log *l;

    for (int i = 0; i < 30; i++) {
        snprintf(names[i], sizeof(names[i]), "m%02d.env", i);
        it[i] = (struct item){names[i], ENV1, sizeof(ENV1) - 1, 0, NULL};
    }
    m = make("zip", NULL, NULL, NULL, it, 30);
    l = scan(f, &m, "many.zip", false, &lim);
    assert_int_equal(l->nr, 11);
    assert_int_equal(l->nf, 10);
    expect_clean(l, "many.zip!m09.env");
    expect_limit(l, "many.zip", LG_REASON_ARCHIVE_ENTRIES);
    free(m.p);
}

/* Names are displayed escaped and never used as paths. */
static void test_evil_names(void **state)
{
    static const char *const raw[] = {
        "../../etc/evil.env",   "/abs/evil.env", "ctl\001\033[31m.env",
        "bad\xff\xfe.env",      "x!y.env",       "./dot/ok.env",
        "bidi\xe2\x80\xae.env",
    };
    static const char *const shown[] = {
        "e.tar!../../etc/evil.env",
        "e.tar!/abs/evil.env",
        "e.tar!ctl\\x01\\x1b[31m.env",
        "e.tar!bad\\xff\\xfe.env",
        "e.tar!x\\x21y.env",
        "e.tar!dot/ok.env",
        "e.tar!bidi\\xe2\\x80\\xae.env",
    };
    struct item it[7];
    struct fix *f = *state;
    struct mem m;
    struct log *l;

    for (int i = 0; i < 7; i++)
        it[i] = (struct item){raw[i], ENV1, sizeof(ENV1) - 1, 0, NULL};
    m = make("gnutar", NULL, NULL, NULL, it, 7);
    l = scan(f, &m, "e.tar", false, NULL);
    for (int i = 0; i < 7; i++) {
        assert_true(has_finding(l, shown[i], SECRET1));
        expect_clean(l, shown[i]);
    }
    free(m.p);
    /* UTF-8 names survive the "C" locale this test runs in. */
    it[0].name = "caf\xc3\xa9/\xd0\xba\xd0\xbb.env";
    for (int i = 0; i < 3; i++) {
        static const char *const fmt[] = {"zip", "pax", "7zip"};

        m = make(fmt[i], NULL, NULL, NULL, it, 1);
        l = scan(f, &m, "u", true, NULL);
        assert_true(
            has_finding(l, "u!caf\xc3\xa9/\xd0\xba\xd0\xbb.env", SECRET1));
        free(m.p);
    }
}

static void test_links(void **state)
{
    struct item it[] = {
        ITEM("a.env", ENV1),
        {"d", NULL, 0, AE_IFDIR, NULL},
        {"sym.env", NULL, 0, AE_IFLNK, "a.env"},
        {"hard.env", NULL, 0, AE_IFREG, "a.env"},
        {"dev", NULL, 0, AE_IFCHR, NULL},
        {"fifo", NULL, 0, AE_IFIFO, NULL},
    };
    struct mem m = make("pax", NULL, NULL, NULL, it, 6);
    struct fix *f = *state;
    struct log *l = scan(f, &m, "l.tar", false, NULL);

    assert_true(has_finding(l, "l.tar!a.env", SECRET1));
    expect(l, "l.tar!sym.env", LG_CONTENT_SKIPPED, LG_REASON_SYMLINK);
    expect(l, "l.tar!hard.env", LG_CONTENT_SKIPPED, LG_REASON_HARDLINK);
    expect(l, "l.tar!dev", LG_CONTENT_SKIPPED, LG_REASON_SPECIAL);
    expect(l, "l.tar!fifo", LG_CONTENT_SKIPPED, LG_REASON_SPECIAL);
    assert_int_equal(l->nr, 6); /* directories are not objects */
    free(m.p);
}

static void test_no_archives(void **state)
{
    struct item it[] = {ITEM("a.env", ENV1)};
    struct mem m = make("zip", NULL, NULL, NULL, it, 1);
    struct fix *f = *state;
    struct log *l;

    f->no_archives = true;
    l = scan(f, &m, "x.zip", false, NULL);
    f->no_archives = false;
    expect(l, "x.zip", LG_CONTENT_SKIPPED, LG_REASON_BINARY);
    assert_int_equal(l->nr, 1);
    free(m.p);
}

/* A 7z inside a zip is read into memory (7z needs to seek), within the
 * buffer limit; beyond it, a notice and the other members still scanned. */
static void test_nested_7z(void **state)
{
    struct item in[] = {ITEM("a.env", ENV1)};
    struct mem sz = make("7zip", NULL, NULL, NULL, in, 1);
    struct item out[] = {{"in.7z", sz.p, sz.n, 0, NULL}, ITEM("b.env", ENV2)};
    struct mem z = make("zip", NULL, NULL, NULL, out, 2);
    struct lg_limits lim = {.max_buffered_bytes = 100};
    struct fix *f = *state;
    struct log *l = scan(f, &z, "o.zip", false, NULL);

    assert_true(has_finding(l, "o.zip!in.7z!a.env", SECRET1));
    expect_clean(l, "o.zip!in.7z");
    l = scan(f, &z, "o.zip", true, &lim);
    expect(l, "o.zip!in.7z", LG_CONTENT_FAILED, LG_REASON_UNSUPPORTED);
    assert_true(has_finding(l, "o.zip!b.env", SECRET2));
    expect_clean(l, "o.zip");
    /* Read from a stream, the top-level 7z is buffered too. */
    l = scan(f, &sz, "s.7z", false, NULL);
    assert_true(has_finding(l, "s.7z!a.env", SECRET1));
    free(sz.p);
    free(z.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_single_file),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_sparse),
        cmocka_unit_test(test_expanded_bytes),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_evil_names),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_no_archives),
        cmocka_unit_test(test_nested_7z),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
