/* Fuzz target: archives — arbitrary bytes as an object of the content
 * pipeline (scan/content.h: sniff, archive expansion with limits, nested
 * members, scanning), and through the archive backend's own API
 * (source/archive.h) with a seekable reader, as a regular file is read.
 *
 * Oracles: nothing lost — every object ends in exactly one result, the
 * top-level one last, and every skipped or failed object has a reason and
 * a message; member display paths are "container!name" where the name is
 * never empty, holds no control byte, no raw '!' and only UTF-8, and a
 * name that is absolute or climbs with ".." is flagged unsafe.
 *
 * Input: one flags byte (archive depth limit, --binary, whether the
 * reader knows the object's size), then the object.  Limits are tightened so that
 * bombs stop quickly; everything else is the default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scan/content.h"
#include "source/archive.h"

#define TOP "fuzz.bin"
#define READ_BUDGET ((size_t)8 << 20) /* member bytes read by part 2 */
#define MEMBERS_MAX 2000

struct mem {
    const uint8_t *p;
    size_t n, pos;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    struct mem *m = ctx;

    if (n > m->n - m->pos)
        n = m->n - m->pos;
    memcpy(buf, m->p + m->pos, n);
    m->pos += n;
    return (ssize_t)n;
}

static int64_t mem_seek(void *ctx, int64_t off, int whence)
{
    struct mem *m = ctx;
    int64_t to = whence == SEEK_SET   ? off
                 : whence == SEEK_CUR ? (int64_t)m->pos + off
                                      : (int64_t)m->n + off;

    if (to < 0)
        return -1;
    m->pos = (size_t)to > m->n ? m->n : (size_t)to;
    return to;
}

/* ---- 1. the content pipeline ------------------------------------------ */

struct results {
    size_t n, top;
    bool top_last;
};

static int on_finding(const struct lg_finding *f, void *payload)
{
    (void)payload;
    LG_FUZZ_CHECK(f->path && strncmp(f->path, TOP, strlen(TOP)) == 0);
    return LG_OK;
}

static void on_result(const char *path, const struct lg_content_result *res,
                      void *payload)
{
    struct results *r = payload;
    bool top = strcmp(path, TOP) == 0;

    r->n++;
    r->top += top;
    r->top_last = top;
    if (!top && strncmp(path, TOP "!", strlen(TOP) + 1) != 0)
        lg_fuzz_fail("member path '%s' is not under its container", path);
    if (res->kind != LG_CONTENT_SCANNED && (!res->reason || !res->message[0]))
        lg_fuzz_fail("'%s' not scanned without a reason or message", path);
    if (res->limited && !res->reason)
        lg_fuzz_fail("'%s' limited without a reason", path);
    LG_FUZZ_CHECK(strchr(res->message, '\n') == NULL);
}

static void pipeline(const uint8_t *data, size_t size, uint8_t flags)
{
    static struct lg_scanner *sc;
    struct lg_limits lim = {0};
    struct lg_content c;
    struct results r = {0, 0, false};
    struct lg_content_sink sink = {on_finding, on_result, &r};
    struct mem m = {data, size, 0};
    struct lg_reader rd = {.read = mem_read, .ctx = &m};

    if (!sc) {
        struct lg_scan_opts o = {.allow_comments = true, .max_decode_depth = 1};
        struct lg_error err;
        if (lg_scanner_new(&sc, lg_fuzz_ruleset(false), &o, &err) < 0)
            lg_fuzz_fail("lg_scanner_new: %s", err.msg);
    }
    lim.max_archive_depth = 1 + flags % 8;
    lim.max_archive_entries = 500;
    lim.max_expanded_bytes = (uint64_t)16 << 20;
    lim.max_seconds = 10;
    lim.max_buffered_bytes = (uint64_t)4 << 20;
    if (flags & 16) /* the size is known, as for a regular file */
        rd.size = size;
    if (lg_content_init(&c, sc, flags & 8) < 0)
        return;
    lg_content_configure(&c, &lim, false);
    lg_content_scan(&c, &rd, TOP, &sink);
    lg_content_release(&c);
    if (r.top != 1 || !r.top_last)
        lg_fuzz_fail("the object got %zu results (last one %s)", r.top,
                     r.top_last ? "its own" : "a member's");
}

/* ---- 2. the backend's API ---------------------------------------------- */

static void check_member(const struct lg_archive_member *m)
{
    const char *s = m->name;
    size_t n;

    LG_FUZZ_CHECK(s && *s);
    n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '!')
            lg_fuzz_fail("member name holds byte 0x%02x unescaped", c);
    }
    if (!lg_fuzz_utf8_valid((const unsigned char *)s, n))
        lg_fuzz_fail("member name is not valid UTF-8");
    /* A leading "\xNN" is an escaped byte, not a '\' of the name. */
    if ((s[0] == '/' || (s[0] == '\\' && s[1] != 'x')) && !m->unsafe_name)
        lg_fuzz_fail("absolute member name '%s' not flagged unsafe", s);
    for (const char *p = s; (p = strstr(p, "..")) != NULL; p += 2) {
        bool start = p == s || p[-1] == '/' || p[-1] == '\\';
        bool end = p[2] == '\0' || p[2] == '/' || p[2] == '\\';
        if (start && end && !m->unsafe_name)
            lg_fuzz_fail("member name '%s' with '..' not flagged unsafe", s);
    }
}

static void backend(const uint8_t *data, size_t size)
{
    size_t head = size < 100 ? size : 100, budget = READ_BUDGET;
    struct mem m = {data, size, head};
    struct lg_archive_io io = {mem_read, mem_seek, &m, (size_t)1 << 20};
    const struct lg_archive_member *mb;
    struct lg_archive *a = NULL;
    struct lg_error err;
    static unsigned char buf[64 * 1024];
    int rc;

    if (!lg_archive_detect(data, size))
        return;
    lg_error_clear(&err);
    rc = lg_archive_open(&a, data, head, &io, TOP, &err);
    if (rc == LG_ENOMEM)
        return;
    LG_FUZZ_CHECK(a != NULL);
    if (rc < 0) {
        LG_FUZZ_CHECK(err.msg[0] && lg_archive_reason(a));
        goto out;
    }
    (void)lg_archive_format(a);
    for (int i = 0; i < MEMBERS_MAX; i++) {
        rc = lg_archive_next(a, &mb, &err);
        if (rc < 0) {
            LG_FUZZ_CHECK(err.msg[0] && lg_archive_reason(a));
            break;
        }
        if (!mb)
            break;
        check_member(mb);
        if (mb->kind != LG_MEMBER_FILE || mb->encrypted || mb->failed)
            continue;
        for (;;) {
            ssize_t r = lg_archive_read(a, buf, sizeof(buf), &err);
            if (r < 0) {
                LG_FUZZ_CHECK(err.msg[0] && lg_archive_reason(a));
                break;
            }
            if (r == 0 || (size_t)r >= budget)
                break;
            LG_FUZZ_CHECK((size_t)r <= sizeof(buf));
            budget -= (size_t)r;
        }
        if (budget <= sizeof(buf))
            break;
    }
out:
    lg_archive_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t flags = size ? data[0] : 0;

    if (size) {
        data++;
        size--;
    }
    pipeline(data, size, flags);
    backend(data, size);
    return 0;
}
