#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void lg_buf_init(struct lg_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void lg_buf_release(struct lg_buf *b)
{
    free(b->data);
    lg_buf_init(b, b->max);
}

void lg_buf_clear(struct lg_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int lg_buf_reserve(struct lg_buf *b, size_t extra)
{
    size_t want, ncap;
    char *p;

    if (extra > b->max || b->len > b->max - extra)
        return LG_ELIMIT;
    want = b->len + extra;
    if (want <= b->cap && b->data)
        return LG_OK;
    ncap = b->cap ? b->cap : 64;
    while (ncap < want)
        ncap = ncap > ((size_t)-1) / 4 ? want : ncap * 2;
    if (ncap > b->max)
        ncap = b->max;
    p = realloc(b->data, ncap + 1);
    if (!p)
        return LG_ENOMEM;
    b->data = p;
    b->cap = ncap;
    b->data[b->len] = '\0';
    return LG_OK;
}

int lg_buf_append(struct lg_buf *b, const void *p, size_t n)
{
    int rc = lg_buf_reserve(b, n);

    if (rc < 0)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LG_OK;
}

int lg_buf_puts(struct lg_buf *b, const char *s)
{
    return lg_buf_append(b, s, strlen(s));
}

int lg_buf_putc(struct lg_buf *b, char c)
{
    return lg_buf_append(b, &c, 1);
}

int lg_buf_vprintf(struct lg_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n, rc;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return LG_EINVAL;
    rc = lg_buf_reserve(b, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return LG_OK;
}

int lg_buf_printf(struct lg_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = lg_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *lg_buf_detach(struct lg_buf *b)
{
    char *p = b->data;

    if (!p) {
        p = malloc(1);
        if (p)
            p[0] = '\0';
    }
    lg_buf_init(b, b->max);
    return p;
}

int lg_buf_read_fd(struct lg_buf *b, int fd, const char *name,
                   struct lg_error *err)
{
    for (;;) {
        ssize_t n;
        int rc = lg_buf_reserve(b, 65536);

        if (rc == LG_ELIMIT) {
            /* Allow a final partial chunk up to the cap. */
            if (b->len < b->max)
                rc = lg_buf_reserve(b, b->max - b->len);
            if (rc < 0)
                return lg_error_set(err, LG_ELIMIT,
                                    "'%s' is larger than %zu bytes", name,
                                    b->max);
        } else if (rc < 0) {
            return lg_error_set(err, rc, "cannot read '%s': %s", name,
                                lg_strerror(rc));
        }
        n = read(fd, b->data + b->len, b->cap - b->len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return lg_error_set(err, LG_EIO, "cannot read '%s': %s", name,
                                strerror(errno));
        }
        if (n == 0)
            break;
        b->len += (size_t)n;
        b->data[b->len] = '\0';
        if (b->len == b->max) {
            char probe;
            ssize_t m = read(fd, &probe, 1);
            if (m > 0)
                return lg_error_set(err, LG_ELIMIT,
                                    "'%s' is larger than %zu bytes", name,
                                    b->max);
            break;
        }
    }
    return LG_OK;
}

int lg_buf_read_path(struct lg_buf *b, const char *path, struct lg_error *err)
{
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lg_error_set(err, LG_EIO, "cannot open '%s': %s", path,
                            strerror(errno));
    rc = lg_buf_read_fd(b, fd, path, err);
    close(fd);
    return rc;
}

int lg_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return LG_EIO;
        c += w;
        n -= (size_t)w;
    }
    return LG_OK;
}

int lg_mkdirs(const char *path, bool last)
{
    char tmp[4096];
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return last && mkdir(tmp, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

char *lg_xdg_path(const char *var, const char *home_dir, const char *name)
{
    const char *x = getenv(var), *h = getenv("HOME");
    const char *sep = *name ? "/" : "";
    struct lg_buf b;
    int rc;

    lg_buf_init(&b, 8192);
    if (x && x[0] == '/')
        rc = lg_buf_printf(&b, "%s/leakguard%s%s", x, sep, name);
    else if (h && h[0] == '/')
        rc = lg_buf_printf(&b, "%s/%s/leakguard%s%s", h, home_dir, sep, name);
    else
        return NULL;
    if (rc < 0) {
        lg_buf_release(&b);
        return NULL;
    }
    return lg_buf_detach(&b);
}

void *lg_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
    size_t ncap;
    void *nv;

    if (n < *cap)
        return v;
    ncap = *cap ? 2 * *cap : first;
    if (ncap <= n || ncap > SIZE_MAX / size || !(nv = realloc(v, ncap * size)))
        return NULL;
    *cap = ncap;
    return nv;
}
