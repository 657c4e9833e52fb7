/* The Vectorscan database cache.
 *
 * Compiling a few hundred patterns into one database takes long enough to
 * notice in a pre-commit hook, so the serialized database is kept under
 * the user's cache directory.  File layout: a 48-byte header — magic
 * "LGHSDB1\0", the 64-bit key, the payload length, the XXH64 of the
 * payload, 16 reserved bytes — then the payload from
 * hs_serialize_database().  The key hashes every expression with its flags
 * and id, the Vectorscan version string and the host platform, so a stale
 * or foreign file is simply not found; a damaged one fails the checksum or
 * the deserialization and is rebuilt.  Writes go to a temporary file that
 * is renamed into place, so readers never see half a file. */
#include "rule/dbcache.h"

#define XXH_STATIC_LINKING_ONLY
#include <errno.h>
#include <fcntl.h>
#include <hs/hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/buf.h"

#define MAGIC "LGHSDB1"
#define HEADER 48
#define MAX_DB (256u * 1024 * 1024)

uint64_t lg_dbcache_key(const char *const *expr, const unsigned *flags,
                        const unsigned *ids, size_t n, unsigned mode)
{
    XXH3_state_t st;
    hs_platform_info_t plat;

    XXH3_64bits_reset(&st);
    XXH3_64bits_update(&st, hs_version(), strlen(hs_version()) + 1);
    memset(&plat, 0, sizeof(plat));
    if (hs_populate_platform(&plat) == HS_SUCCESS)
        XXH3_64bits_update(&st, &plat, sizeof(plat));
    XXH3_64bits_update(&st, &mode, sizeof(mode));
    for (size_t i = 0; i < n; i++) {
        XXH3_64bits_update(&st, expr[i], strlen(expr[i]) + 1);
        XXH3_64bits_update(&st, &flags[i], sizeof(flags[i]));
        XXH3_64bits_update(&st, &ids[i], sizeof(ids[i]));
    }
    return XXH3_64bits_digest(&st);
}

static int cache_path(struct lg_buf *p, const char *dir, uint64_t key)
{
    return lg_buf_printf(p, "%s/hs-%016llx.db", dir, (unsigned long long)key);
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void *lg_dbcache_load(const char *dir, uint64_t key)
{
    struct lg_buf path, data;
    hs_database_t *db = NULL;
    const unsigned char *h;
    uint64_t len;

    lg_buf_init(&path, 8192);
    lg_buf_init(&data, MAX_DB + HEADER);
    if (cache_path(&path, dir, key) < 0 ||
        lg_buf_read_path(&data, path.data, NULL) < 0 || data.len < HEADER)
        goto out;
    h = (const unsigned char *)data.data;
    len = get64(h + 16);
    if (memcmp(h, MAGIC, 8) != 0 || get64(h + 8) != key ||
        len != data.len - HEADER ||
        get64(h + 24) != XXH64(data.data + HEADER, (size_t)len, 0))
        goto out;
    if (hs_deserialize_database(data.data + HEADER, (size_t)len, &db) !=
        HS_SUCCESS)
        db = NULL;
out:
    lg_buf_release(&path);
    lg_buf_release(&data);
    return db;
}

/* Best effort: a cache that cannot be written only costs time. */
void lg_dbcache_store(const char *dir, uint64_t key, const void *db)
{
    struct lg_buf path, tmp;
    unsigned char h[HEADER];
    char *bytes = NULL;
    size_t len = 0;
    int fd = -1;

    lg_buf_init(&path, 8192);
    lg_buf_init(&tmp, 8192);
    if (lg_mkdirs(dir, true) < 0 || cache_path(&path, dir, key) < 0 ||
        lg_buf_printf(&tmp, "%s.XXXXXX", path.data) < 0)
        goto out;
    if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
        goto out;
    memset(h, 0, sizeof(h));
    memcpy(h, MAGIC, 8);
    put64(h + 8, key);
    put64(h + 16, len);
    put64(h + 24, XXH64(bytes, len, 0));
    fd = mkstemp(tmp.data);
    if (fd < 0)
        goto out;
    if (lg_write_all(fd, h, sizeof(h)) < 0 || lg_write_all(fd, bytes, len) < 0 ||
        close(fd) < 0 || rename(tmp.data, path.data) < 0) {
        fd = -1;
        unlink(tmp.data);
        goto out;
    }
    fd = -1;
out:
    if (fd >= 0) {
        close(fd);
        unlink(tmp.data);
    }
    free(bytes);
    lg_buf_release(&path);
    lg_buf_release(&tmp);
}
