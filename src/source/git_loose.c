/* A guard in front of libgit2 for loose objects.
 *
 * libgit2 1.5.1, the version Debian 12 ships, spins forever on a truncated
 * loose object (libgit2 issue #7342, fixed upstream by #7346) and writes
 * past its buffer when a loose object's header states a smaller size than
 * its body holds (#7177, fixed by #7178).  A secret scanner reads
 * repositories it does not trust, so before libgit2 reads an object that
 * is stored loose, we inflate the file ourselves and check that the zlib
 * stream ends and that the body is exactly as long as its header says.
 * Packed objects are not affected.  The cost is one extra inflate of loose
 * objects, which are few in most repositories. */
#include "source/git_priv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define LOOSE_MAX ((uint64_t)1 << 32) /* larger stated sizes are refused */

/* Parse "<type> <size>\0" at the start of the inflated object. */
static bool header_size(const unsigned char *p, size_t n, size_t *hlen,
                        uint64_t *size)
{
    size_t i = 0;
    uint64_t v = 0;

    while (i < n && i < 16 && p[i] != ' ')
        i++;
    if (i == n || p[i] != ' ')
        return false;
    for (i++; i < n && p[i] >= '0' && p[i] <= '9' && i < 40; i++) {
        v = v * 10 + (uint64_t)(p[i] - '0');
        if (v > LOOSE_MAX)
            return false;
    }
    if (i == n || p[i] != '\0')
        return false;
    *hlen = i + 1;
    *size = v;
    return true;
}

/* Inflate the whole file; true when it is a well-formed object. */
static bool check_file(int fd)
{
    unsigned char in[16384], out[16384];
    z_stream z;
    uint64_t total = 0, want = 0;
    bool have_header = false, ok = false;
    int zr = Z_OK;

    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return false;
    while (zr != Z_STREAM_END) {
        ssize_t n = read(fd, in, sizeof(in));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the stream ended early: truncated */
        z.next_in = in;
        z.avail_in = (uInt)n;
        while (z.avail_in && zr != Z_STREAM_END) {
            size_t got;
            z.next_out = out;
            z.avail_out = sizeof(out);
            zr = inflate(&z, Z_NO_FLUSH);
            if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
                goto done;
            got = sizeof(out) - z.avail_out;
            if (!have_header && got) {
                size_t hlen;
                if (!header_size(out, got, &hlen, &want))
                    goto done;
                want += hlen;
                have_header = true;
            }
            total += got;
            if (have_header && total > want)
                goto done; /* more body than the header admits */
            if (zr == Z_BUF_ERROR && !got)
                break;
        }
    }
    ok = zr == Z_STREAM_END && have_header && total == want;
done:
    inflateEnd(&z);
    return ok;
}

bool lg_git_loose_file_ok(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok;

    if (fd < 0)
        return true; /* not loose (packed, or alternates) */
    ok = check_file(fd);
    close(fd);
    return ok;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                : -1;
}

void lg_git_loose_init(struct lg_git_drv *d)
{
    char path[4096];
    struct dirent *de;
    DIR *dir;
    int n = snprintf(path, sizeof(path), "%sobjects", d->gitdir);

    memset(d->loose_dirs, 0xff, sizeof(d->loose_dirs));
    if (n < 0 || (size_t)n >= sizeof(path) || !(dir = opendir(path)))
        return; /* unknown: every object may be loose */
    memset(d->loose_dirs, 0, sizeof(d->loose_dirs));
    while ((de = readdir(dir))) {
        int hi = hexval(de->d_name[0]), lo = hi < 0 ? -1 : hexval(de->d_name[1]);
        if (lo >= 0 && de->d_name[2] == '\0')
            d->loose_dirs[(hi * 16 + lo) / 8] |= (unsigned char)(1u << ((hi * 16 + lo) % 8));
    }
    closedir(dir);
}

bool lg_git_loose_ok(const struct lg_git_drv *d, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1], path[4096];
    unsigned b = id->id[0];
    int n;

    if (!(d->loose_dirs[b / 8] & (1u << (b % 8))))
        return true; /* no such fan-out directory: not loose */
    git_oid_tostr(hex, sizeof(hex), id);
    n = snprintf(path, sizeof(path), "%sobjects/%.2s/%s", d->gitdir, hex,
                 hex + 2);
    if (n < 0 || (size_t)n >= sizeof(path))
        return true; /* not a path we can check: leave it to libgit2 */
    return lg_git_loose_file_ok(path);
}
