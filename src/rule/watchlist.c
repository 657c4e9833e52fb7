#include "rule/watchlist.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

#define FILE_MAX (64u * 1024 * 1024)

void lg_watchlist_init(struct lg_watchlist *wl)
{
    memset(wl, 0, sizeof(*wl));
}

void lg_watchlist_release(struct lg_watchlist *wl)
{
    if (wl->v)
        memset(wl->v, 0, wl->cap * sizeof(*wl->v));
    free(wl->v);
    memset(wl->key, 0, sizeof(wl->key));
    lg_watchlist_init(wl);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_hex(const char *s, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int a = hexval((unsigned char)s[2 * i]), b;
        if (a < 0 || (b = hexval((unsigned char)s[2 * i + 1])) < 0)
            return false;
        out[i] = (unsigned char)(a << 4 | b);
    }
    return true;
}

static void put_hex(struct lg_buf *b, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        lg_buf_putc(b, hex[p[i] >> 4]);
        lg_buf_putc(b, hex[p[i] & 15]);
    }
}

static int push(struct lg_watchlist *wl, const struct lg_watch_entry *e)
{
    void *v = lg_grow(wl->v, &wl->cap, wl->n, sizeof(*wl->v), 16);
    if (!v)
        return LG_ENOMEM;
    wl->v = v;
    wl->v[wl->n++] = *e;
    wl->lengths[e->len / 64] |= 1ULL << (e->len % 64);
    return LG_OK;
}

/* One line of the file; returns LG_OK, or LG_ESYNTAX. */
static int parse_line(struct lg_watchlist *wl, char *line)
{
    struct lg_watch_entry e;
    char *end;
    unsigned long len;

    if (strncmp(line, "key ", 4) == 0) {
        if (strlen(line + 4) != 64 || !parse_hex(line + 4, wl->key, 32))
            return LG_ESYNTAX;
        wl->has_key = true;
        return LG_OK;
    }
    memset(&e, 0, sizeof(e));
    errno = 0;
    len = strtoul(line, &end, 10);
    if (errno || end == line || *end != ' ' || len < LG_WATCH_MIN_LEN ||
        len > LG_WATCH_MAX_LEN || strlen(end + 1) < 64 ||
        !parse_hex(end + 1, e.mac, LG_SHA256_LEN))
        return LG_ESYNTAX;
    e.len = len;
    end += 1 + 64;
    if (*end == ' ')
        snprintf(e.label, sizeof(e.label), "%s", end + 1);
    else if (*end)
        return LG_ESYNTAX;
    return push(wl, &e);
}

int lg_watchlist_load(struct lg_watchlist *wl, const char *path,
                      bool must_exist, struct lg_error *err)
{
    struct lg_buf b;
    unsigned lineno = 0;
    char *line, *next;
    int rc;

    if (!must_exist && access(path, F_OK) != 0 && errno == ENOENT)
        return LG_OK;
    lg_buf_init(&b, FILE_MAX);
    rc = lg_buf_read_path(&b, path, err);
    for (line = b.data; rc == LG_OK && line && *line; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        if (*line == '#' || *line == '\0')
            continue;
        rc = parse_line(wl, line);
        if (rc == LG_ESYNTAX)
            lg_error_set(err, rc, "%s:%u: not a watch list line", path,
                         lineno);
        else if (rc < 0)
            lg_error_set(err, rc, "%s: %s", path, lg_strerror(rc));
    }
    if (rc == LG_OK && wl->n && !wl->has_key)
        rc = lg_error_set(err, LG_ESYNTAX, "%s: watch list has no key",
                          path);
    lg_buf_release(&b);
    if (rc == LG_OK)
        lg_watchlist_seal(wl);
    return rc;
}

int lg_watchlist_save(const struct lg_watchlist *wl, const char *path,
                      struct lg_error *err)
{
    struct lg_buf b, tmp;
    int fd = -1, rc = LG_OK;

    lg_buf_init(&b, FILE_MAX);
    lg_buf_init(&tmp, 8192);
    lg_buf_puts(&b, "# leakguard watch list v1: HMAC-SHA256 fingerprints of "
                    "known credentials, no plaintext\nkey ");
    put_hex(&b, wl->key, sizeof(wl->key));
    lg_buf_putc(&b, '\n');
    for (size_t i = 0; i < wl->n; i++) {
        lg_buf_printf(&b, "%zu ", wl->v[i].len);
        put_hex(&b, wl->v[i].mac, LG_SHA256_LEN);
        if (wl->v[i].label[0])
            lg_buf_printf(&b, " %s", wl->v[i].label);
        lg_buf_putc(&b, '\n');
    }
    if (lg_mkdirs(path, false) < 0 || lg_buf_printf(&tmp, "%s.XXXXXX", path) < 0 ||
        (fd = mkstemp(tmp.data)) < 0) {
        rc = lg_error_set(err, LG_EIO, "cannot write '%s': %s", path,
                          strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) < 0 || write(fd, b.data, b.len) != (ssize_t)b.len ||
        fsync(fd) < 0 || close(fd) < 0) {
        rc = lg_error_set(err, LG_EIO, "cannot write '%s': %s", path,
                          strerror(errno));
        fd = -1;
        unlink(tmp.data);
        goto out;
    }
    fd = -1;
    if (rename(tmp.data, path) < 0) {
        rc = lg_error_set(err, LG_EIO, "cannot write '%s': %s", path,
                          strerror(errno));
        unlink(tmp.data);
    }
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp.data);
    }
    lg_buf_release(&b);
    lg_buf_release(&tmp);
    return rc;
}

int lg_watchlist_add(struct lg_watchlist *wl, const void *secret, size_t len,
                     const char *label, struct lg_error *err)
{
    struct lg_watch_entry e;

    if (len < LG_WATCH_MIN_LEN || len > LG_WATCH_MAX_LEN)
        return lg_error_set(err, LG_EINVAL,
                            "a watched credential has %d to %d bytes",
                            LG_WATCH_MIN_LEN, LG_WATCH_MAX_LEN);
    if (!wl->has_key) {
        if (getrandom(wl->key, sizeof(wl->key), 0) != (ssize_t)sizeof(wl->key))
            return lg_error_set(err, LG_EIO, "no randomness for the key: %s",
                                strerror(errno));
        wl->has_key = true;
    }
    if (lg_watchlist_match(wl, secret, len))
        return lg_error_set(err, LG_EINVAL, "that credential is watched "
                                            "already");
    memset(&e, 0, sizeof(e));
    e.len = len;
    lg_hmac_sha256(wl->key, sizeof(wl->key), secret, len, e.mac);
    snprintf(e.label, sizeof(e.label), "%s", label ? label : "");
    for (char *p = e.label; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' '; /* one line per entry */
    if (push(wl, &e) < 0)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    lg_watchlist_seal(wl);
    return LG_OK;
}

size_t lg_watchlist_remove(struct lg_watchlist *wl, const char *what)
{
    size_t w = 0, removed = 0, wn = strlen(what);

    for (size_t i = 0; i < wl->n; i++) {
        struct lg_buf hex;
        bool hit;

        lg_buf_init(&hex, 128);
        put_hex(&hex, wl->v[i].mac, LG_SHA256_LEN);
        hit = strcmp(wl->v[i].label, what) == 0 ||
              (wn >= 8 && hex.data && strncmp(hex.data, what, wn) == 0);
        lg_buf_release(&hex);
        if (hit)
            removed++;
        else
            wl->v[w++] = wl->v[i];
    }
    wl->n = w;
    memset(wl->lengths, 0, sizeof(wl->lengths));
    for (size_t i = 0; i < wl->n; i++)
        wl->lengths[wl->v[i].len / 64] |= 1ULL << (wl->v[i].len % 64);
    lg_watchlist_seal(wl);
    return removed;
}

static int cmp_entry(const void *a, const void *b)
{
    const struct lg_watch_entry *x = a, *y = b;

    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->mac, y->mac, LG_SHA256_LEN);
}

void lg_watchlist_seal(struct lg_watchlist *wl)
{
    if (wl->n > 1)
        qsort(wl->v, wl->n, sizeof(*wl->v), cmp_entry);
}

const char *lg_watchlist_match(const struct lg_watchlist *wl, const void *p,
                               size_t n)
{
    struct lg_watch_entry key;
    const struct lg_watch_entry *hit;

    if (!wl || !wl->n || n < LG_WATCH_MIN_LEN || n > LG_WATCH_MAX_LEN ||
        !(wl->lengths[n / 64] >> (n % 64) & 1))
        return NULL;
    key.len = n;
    lg_hmac_sha256(wl->key, sizeof(wl->key), p, n, key.mac);
    hit = bsearch(&key, wl->v, wl->n, sizeof(*wl->v), cmp_entry);
    return hit ? hit->label : NULL;
}

char *lg_watchlist_default_path(void)
{
    return lg_xdg_path("XDG_CONFIG_HOME", ".config", "watchlist");
}
