/* Fuzz target: the pack reader (source/git_pack.h), on damaged pack
 * indexes and packs.
 *
 * Input: a u32 (big-endian) length L, then L bytes of .idx, then the
 * .pack.  L = 0 adds the pack without an index (read by offset only).
 *
 * Oracles: no out-of-bounds access (ASan/UBSan); an accepted index gives
 * every id it lists to lg_pack_read, and each read either fails with a
 * code or gives an object of the size it announced with its NUL after the
 * end; with a limit one byte under that size the same read says TOOBIG
 * with the same size; a second reader in the other cache mode gives the
 * same bytes (the cache does not change what is read); reads by offset
 * at the first bytes of the pack obey the same rules.  The index and pack
 * are also written to files and opened with lg_packs_open(map_max 0), so
 * read with pread: whatever it reads, the in-memory reader reads the same
 * (pread stops each stream where the index says the next object starts,
 * so it may fail where the mapping reads on, never the reverse). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "source/git_pack.h"
#include "util/bytes.h"
#include "util/error.h"

#define OFFSETS 64 /* offsets tried by lg_pack_read_at */

/* rc and o from a read with no limit: check them, and compare with the
 * same read on the other reader and with a limit. */
static void check(int rc, struct lg_gobj *o, uint64_t size, int again,
                  struct lg_gobj *o2, uint64_t size2)
{
    if (rc != LG_PACK_FOUND) {
        LG_FUZZ_CHECK(rc == LG_PACK_ABSENT || rc == LG_PACK_TOOBIG ||
                      rc == LG_ESYNTAX || rc == LG_ELIMIT || rc == LG_ENOMEM ||
                      rc == LG_EINTERNAL);
        LG_FUZZ_CHECK(!o);
        return;
    }
    LG_FUZZ_CHECK(o && o->size == size && o->data[o->size] == '\0');
    LG_FUZZ_CHECK(o->type >= LG_OBJ_COMMIT && o->type <= LG_OBJ_TAG);
    if (again == LG_PACK_FOUND) {
        LG_FUZZ_CHECK(o2->size == o->size && o2->type == o->type);
        LG_FUZZ_CHECK(memcmp(o2->data, o->data, o->size) == 0);
    } else {
        LG_FUZZ_CHECK(again == LG_ENOMEM); /* the other could, this must */
    }
    (void)size2;
}

/* Open idx and pack written to files, read every id of the index with
 * pread, and check each object the in-memory reader mem also gives. */
static void check_files(const uint8_t *idx, size_t idx_len, const uint8_t *pack,
                        size_t pack_len, size_t n, struct lg_pack_reader *mem)
{
    static char dir[512];
    char path[600];
    struct lg_packs *ps;
    struct lg_pack_reader *r;

    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "%s/objects", lg_fuzz_tmpdir());
        mkdir(dir, 0700);
        snprintf(path, sizeof(path), "%s/pack", dir);
        mkdir(path, 0700);
    }
    snprintf(path, sizeof(path), "%s/pack/pack-f.idx", dir);
    if (lg_fuzz_write_file(path, idx, idx_len) < 0)
        return;
    snprintf(path, sizeof(path), "%s/pack/pack-f.pack", dir);
    if (lg_fuzz_write_file(path, pack, pack_len) < 0)
        return;
    if (lg_packs_open(&ps, dir, 0) < 0)
        return;
    LG_FUZZ_CHECK(lg_packs_count(ps) == 1); /* accepted in memory */
    if ((r = lg_pack_reader_new(ps, 1 << 16, false)))
        for (size_t i = 0; i < n && i < 256; i++) {
            const uint8_t *id = idx + 8 + 1024 + i * LG_PACK_OIDSZ;
            struct lg_gobj *o = NULL, *o2 = NULL;
            uint64_t s1 = 0, s2 = 0;
            if (lg_pack_read(r, id, UINT64_MAX, &o, &s1) == LG_PACK_FOUND) {
                int rc = lg_pack_read(mem, id, UINT64_MAX, &o2, &s2);
                LG_FUZZ_CHECK(o->size == s1 && o->data[s1] == '\0');
                if (rc != LG_ENOMEM) {
                    LG_FUZZ_CHECK(rc == LG_PACK_FOUND);
                    LG_FUZZ_CHECK(o2->size == o->size && o2->type == o->type);
                    LG_FUZZ_CHECK(memcmp(o2->data, o->data, o->size) == 0);
                }
            }
            lg_gobj_unref(o);
            lg_gobj_unref(o2);
        }
    lg_pack_reader_free(r);
    lg_packs_close(ps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_packs *ps;
    struct lg_pack_reader *a, *b;
    const uint8_t *idx = NULL;
    size_t idx_len = 0, n = 0;

    if (size < 4)
        return 0;
    idx_len = lg_be32(data);
    if (idx_len > size - 4)
        return 0;
    if (idx_len)
        idx = data + 4;
    if (lg_packs_new(&ps) < 0)
        return 0;
    if (lg_packs_add_memory(ps, idx, idx_len, data + 4 + idx_len,
                            size - 4 - idx_len) < 0) {
        LG_FUZZ_CHECK(lg_packs_count(ps) == 0);
        lg_packs_close(ps);
        return 0;
    }
    a = lg_pack_reader_new(ps, 4096, false);
    b = lg_pack_reader_new(ps, 1 << 20, true);
    if (!a || !b)
        goto out;
    if (idx) /* accepted: the fan-out's last entry is the count */
        n = lg_be32(idx + 8 + 255 * 4);
    for (size_t i = 0; i < n && i < 256; i++) {
        const uint8_t *id = idx + 8 + 1024 + i * LG_PACK_OIDSZ;
        struct lg_gobj *o = NULL, *o2 = NULL, *o3 = NULL;
        uint64_t s1 = 0, s2 = 0, s3 = 0;
        int rc = lg_pack_read(a, id, UINT64_MAX, &o, &s1);
        int rc2 = lg_pack_read(b, id, UINT64_MAX, &o2, &s2);
        check(rc, o, s1, rc2, o2, s2);
        if (rc == LG_PACK_FOUND && s1 > 0) {
            int rc3 = lg_pack_read(b, id, s1 - 1, &o3, &s3);
            LG_FUZZ_CHECK(rc3 == LG_PACK_TOOBIG && !o3 && s3 == s1);
        }
        lg_gobj_unref(o);
        lg_gobj_unref(o2);
    }
    if (idx)
        check_files(idx, idx_len, data + 4 + idx_len, size - 4 - idx_len, n, a);
    for (uint64_t off = 0; off < OFFSETS; off++) {
        struct lg_gobj *o = NULL, *o2 = NULL;
        uint64_t s1 = 0, s2 = 0;
        int rc = lg_pack_read_at(a, 0, 12 + off, UINT64_MAX, &o, &s1);
        int rc2 = lg_pack_read_at(b, 0, 12 + off, UINT64_MAX, &o2, &s2);
        check(rc, o, s1, rc2, o2, s2);
        lg_gobj_unref(o);
        lg_gobj_unref(o2);
    }
out:
    lg_pack_reader_free(a);
    lg_pack_reader_free(b);
    lg_packs_close(ps);
    return 0;
}
