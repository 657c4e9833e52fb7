/* Unit tests for the pack reader (source/git_pack.h), against libgit2.
 *
 * A repository is built at test time under a mkdtemp directory: many
 * versions of a few files (small edits, so that the pack holds long delta
 * chains), their trees and commits, written to one pack with libgit2's
 * pack builder.  Every object is then read back with our reader — with a
 * cache too small to hold a chain, and in both cache modes, in id order
 * and in pack order — and compared with what libgit2 reads.  Then the
 * failure paths: size limit, absent ids, indexes we do not read, and
 * damaged packs (each read succeeds consistently or fails cleanly; no
 * out-of-bounds access, which ASan and UBSan check under `make asan`). */
#define _XOPEN_SOURCE 700 /* nftw */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <dirent.h>
#include <ftw.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source/git_pack.h"
#include "util/buf.h"
#include "util/bytes.h"
#include "util/error.h"

#define VERSIONS 120 /* of each file */
#define FILES 3

struct fix {
    char dir[64];
    git_repository *repo;
    git_odb *odb;
    git_oid *ids; /* every object of the pack */
    size_t n, cap;
    unsigned char *idx, *pack; /* the pack's files, read into memory */
    size_t idx_len, pack_len;
    size_t blob_bytes; /* sum of the blobs' sizes */
};

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Text of version v of file f: a fixed body with a few lines changed. */
static size_t version_text(char *out, size_t cap, unsigned f, unsigned v)
{
    size_t n = 0;

    for (unsigned line = 0; line < 150 && n + 80 < cap; line++) {
        unsigned x = line % 17 == v % 17 ? v * 7919u + line : line * 31u + f;
        n += (size_t)snprintf(out + n, cap - n,
                              "line %03u of file %u: value %u %s\n", line, f, x,
                              line % 5 ? "lorem ipsum dolor" : "sit amet");
    }
    return n;
}

static void read_file(const char *path, unsigned char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n > 0);
    rewind(fp);
    *out = malloc((size_t)n);
    assert_non_null(*out);
    assert_int_equal(fread(*out, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
}

static void collect(const git_oid *id, struct fix *f)
{
    git_oid *t = lg_grow(f->ids, &f->cap, f->n, sizeof(*t), 256);

    assert_non_null(t);
    f->ids = t;
    git_oid_cpy(&f->ids[f->n++], id);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    git_signature *sig;
    git_oid parent, commit, tree;
    git_packbuilder *pb;
    char text[16384], path[160];
    struct dirent *de;
    DIR *dp;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/lg-test-pack.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    git_libgit2_init();
    assert_int_equal(git_repository_init(&f->repo, f->dir, 1), 0);
    assert_int_equal(git_repository_odb(&f->odb, f->repo), 0);
    assert_int_equal(
        git_signature_new(&sig, "T", "t@example.test", 1700000000, 0), 0);
    for (unsigned v = 0; v < VERSIONS; v++) {
        git_treebuilder *tb;
        assert_int_equal(git_treebuilder_new(&tb, f->repo, NULL), 0);
        for (unsigned k = 0; k < FILES; k++) {
            git_oid blob;
            char name[32];
            size_t n = version_text(text, sizeof(text), k, v);
            assert_int_equal(
                git_blob_create_from_buffer(&blob, f->repo, text, n), 0);
            f->blob_bytes += n;
            snprintf(name, sizeof(name), "file%u.txt", k);
            assert_int_equal(git_treebuilder_insert(NULL, tb, name, &blob,
                                                    GIT_FILEMODE_BLOB),
                             0);
        }
        assert_int_equal(git_treebuilder_write(&tree, tb), 0);
        git_treebuilder_free(tb);
        {
            git_tree *t;
            git_commit *pc = NULL;
            const git_commit *parents[1];
            assert_int_equal(git_tree_lookup(&t, f->repo, &tree), 0);
            if (v)
                assert_int_equal(git_commit_lookup(&pc, f->repo, &parent), 0);
            parents[0] = pc;
            assert_int_equal(
                git_commit_create(&commit, f->repo, "refs/heads/main", sig, sig,
                                  NULL, "version", t, v ? 1 : 0, parents),
                0);
            git_commit_free(pc);
            git_tree_free(t);
        }
        git_oid_cpy(&parent, &commit);
    }
    git_signature_free(sig);
    /* One pack of everything, with deltas; the loose objects stay, and
     * the reader is given the pack alone. */
    assert_int_equal(git_packbuilder_new(&pb, f->repo), 0);
    {
        git_revwalk *w;
        assert_int_equal(git_revwalk_new(&w, f->repo), 0);
        assert_int_equal(git_revwalk_push(w, &commit), 0);
        assert_int_equal(git_packbuilder_insert_walk(pb, w), 0);
        git_revwalk_free(w);
    }
    snprintf(path, sizeof(path), "%s/objects/pack", f->dir);
    assert_int_equal(git_packbuilder_write(pb, path, 0, NULL, NULL), 0);
    git_packbuilder_free(pb);
    assert_non_null(dp = opendir(path));
    while ((de = readdir(dp))) {
        char full[512];
        size_t nl = strlen(de->d_name);
        snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
        if (nl > 4 && strcmp(de->d_name + nl - 4, ".idx") == 0)
            read_file(full, &f->idx, &f->idx_len);
        else if (nl > 5 && strcmp(de->d_name + nl - 5, ".pack") == 0)
            read_file(full, &f->pack, &f->pack_len);
    }
    closedir(dp);
    assert_non_null(f->idx);
    assert_non_null(f->pack);
    /* The pack's ids, from its index (the loose copies are the same). */
    {
        size_t n = lg_be32(f->idx + 8 + 255 * 4);
        assert_true(f->idx_len > 8 + 1024 + n * 28);
        for (size_t i = 0; i < n; i++) {
            git_oid id;
            git_oid_fromraw(&id, f->idx + 8 + 1024 + i * LG_PACK_OIDSZ);
            collect(&id, f);
        }
    }
    assert_true(f->n >= VERSIONS * (FILES + 2) / 2); /* blobs, trees, commits */
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    free(f->ids);
    free(f->idx);
    free(f->pack);
    git_odb_free(f->odb);
    git_repository_free(f->repo);
    git_libgit2_shutdown();
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Read every object with r and compare it with libgit2's copy. */
static void read_all(struct fix *f, struct lg_pack_reader *r,
                     const git_oid *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        git_odb_object *want;
        struct lg_gobj *got;
        uint64_t size = 0;
        int rc = lg_pack_read(r, ids[i].id, UINT64_MAX, &got, &size);

        assert_int_equal(rc, LG_PACK_FOUND);
        assert_int_equal(git_odb_read(&want, f->odb, &ids[i]), 0);
        assert_int_equal(got->type, (int)git_odb_object_type(want));
        assert_int_equal(got->size, git_odb_object_size(want));
        assert_int_equal(size, got->size);
        assert_memory_equal(got->data, git_odb_object_data(want), got->size);
        assert_int_equal(got->data[got->size], '\0');
        git_odb_object_free(want);
        lg_gobj_unref(got);
    }
}

static struct lg_packs *packs_of(struct fix *f)
{
    struct lg_packs *ps;

    assert_int_equal(lg_packs_new(&ps), LG_OK);
    assert_int_equal(
        lg_packs_add_memory(ps, f->idx, f->idx_len, f->pack, f->pack_len),
        LG_OK);
    return ps;
}

static void test_reads_match_libgit2(void **state)
{
    struct fix *f = *state;
    struct lg_packs *ps = packs_of(f);
    size_t caches[] = {0, 16 * 1024, 64 * 1024 * 1024};

    /* Deltas there are: the pack is far smaller than its blobs. */
    assert_true(f->pack_len * 4 < f->blob_bytes);
    for (size_t c = 0; c < sizeof(caches) / sizeof(*caches); c++)
        for (int bases_only = 0; bases_only < 2; bases_only++) {
            struct lg_pack_reader *r =
                lg_pack_reader_new(ps, caches[c], bases_only);
            assert_non_null(r);
            read_all(f, r, f->ids, f->n);
            read_all(f, r, f->ids, f->n); /* again, from a warm cache */
            lg_pack_reader_free(r);
        }
    lg_packs_close(ps);
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* The same through lg_packs_open on the repository's objects directory,
 * read through the mapping and (map_max 0) with pread: in pack order with
 * a bases-only cache (the history's blob runs), then in id order with a
 * small cache (its walker). */
static void test_open_and_pack_order(void **state)
{
    struct fix *f = *state;
    uint64_t *key = calloc(f->n, sizeof(*key));
    git_oid *sorted = calloc(f->n, sizeof(*sorted));
    uint64_t map_max[] = {UINT64_MAX, 0};
    char objdir[128];

    assert_non_null(key);
    assert_non_null(sorted);
    snprintf(objdir, sizeof(objdir), "%s/objects", f->dir);
    for (size_t m = 0; m < 2; m++) {
        struct lg_packs *ps;
        struct lg_pack_reader *r;
        assert_int_equal(lg_packs_open(&ps, objdir, map_max[m]), LG_OK);
        assert_int_equal(lg_packs_count(ps), 1);
        r = lg_pack_reader_new(ps, 1024 * 1024, true);
        assert_non_null(r);
        for (size_t i = 0; i < f->n; i++) {
            size_t pack;
            uint64_t off;
            assert_true(lg_pack_find(r, f->ids[i].id, &pack, &off));
            assert_int_equal(pack, 0);
            assert_true(off >= 12 && off < f->pack_len);
            key[i] = off << 24 | i; /* fewer than 2^24 objects */
        }
        qsort(key, f->n, sizeof(*key), cmp_key);
        for (size_t i = 0; i < f->n; i++)
            git_oid_cpy(&sorted[i], &f->ids[key[i] & 0xffffff]);
        read_all(f, r, sorted, f->n);
        lg_pack_reader_free(r);
        r = lg_pack_reader_new(ps, 64 * 1024, false);
        assert_non_null(r);
        read_all(f, r, f->ids, f->n);
        read_all(f, r, sorted, f->n);
        lg_pack_reader_free(r);
        lg_packs_close(ps);
    }
    free(key);
    free(sorted);
}

static void test_limits_and_absent(void **state)
{
    struct fix *f = *state;
    struct lg_packs *ps = packs_of(f);
    struct lg_pack_reader *r = lg_pack_reader_new(ps, 1024 * 1024, false);
    unsigned char none[LG_PACK_OIDSZ];
    struct lg_gobj *o;
    uint64_t size;
    size_t pack;

    assert_non_null(r);
    for (size_t i = 0; i < f->n; i++) {
        git_odb_object *want;
        assert_int_equal(git_odb_read(&want, f->odb, &f->ids[i]), 0);
        size = 0;
        if (git_odb_object_size(want) > 0) {
            assert_int_equal(lg_pack_read(r, f->ids[i].id,
                                          git_odb_object_size(want) - 1, &o,
                                          &size),
                             LG_PACK_TOOBIG);
            assert_null(o);
            assert_int_equal(size, git_odb_object_size(want));
        }
        git_odb_object_free(want);
    }
    memset(none, 0xab, sizeof(none));
    assert_int_equal(lg_pack_read(r, none, UINT64_MAX, &o, &size),
                     LG_PACK_ABSENT);
    assert_false(lg_pack_find(r, none, &pack, &size));
    /* Offsets outside the pack, and a pack number that does not exist. */
    assert_int_equal(lg_pack_read_at(r, 0, 3, UINT64_MAX, &o, &size),
                     LG_PACK_ABSENT);
    assert_int_equal(lg_pack_read_at(r, 0, f->pack_len, UINT64_MAX, &o, &size),
                     LG_PACK_ABSENT);
    assert_int_equal(lg_pack_read_at(r, 7, 12, UINT64_MAX, &o, &size),
                     LG_PACK_ABSENT);
    lg_pack_reader_free(r);
    lg_packs_close(ps);
}

static void test_unsupported_index(void **state)
{
    struct fix *f = *state;
    struct lg_packs *ps;
    unsigned char *idx = malloc(f->idx_len);

    assert_non_null(idx);
    assert_int_equal(lg_packs_new(&ps), LG_OK);
    memcpy(idx, f->idx, f->idx_len);
    idx[7] = 1; /* version 1 */
    assert_int_equal(
        lg_packs_add_memory(ps, idx, f->idx_len, f->pack, f->pack_len),
        LG_EUNSUPPORTED);
    memcpy(idx, f->idx, f->idx_len);
    assert_int_equal(
        lg_packs_add_memory(ps, idx, f->idx_len - 9, f->pack, f->pack_len),
        LG_EUNSUPPORTED);        /* truncated */
    idx[8 + 4 * 10 + 3] ^= 0x40; /* fan-out no longer sorted */
    assert_int_equal(
        lg_packs_add_memory(ps, idx, f->idx_len, f->pack, f->pack_len),
        LG_EUNSUPPORTED);
    assert_int_equal(lg_packs_add_memory(ps, f->idx, f->idx_len, f->pack, 20),
                     LG_EUNSUPPORTED); /* no pack header */
    assert_int_equal(lg_packs_count(ps), 0);
    lg_packs_close(ps);
    free(idx);
}

/* Damage the pack at many places: each read either fails with a code or
 * gives an object whose size is the one announced and which holds its
 * terminating NUL.  Without the checksums (which we skip, as libgit2 does
 * with hash verification off), a flipped bit in a literal run of a
 * deflate stream gives different bytes of the right size: not checked.
 * Over all rounds both outcomes must occur. */
static void test_damaged_pack(void **state)
{
    struct fix *f = *state;
    unsigned char *pack = malloc(f->pack_len);
    unsigned seed = 12345;
    size_t ok = 0, bad = 0;

    assert_non_null(pack);
    for (unsigned round = 0; round < 40; round++) {
        struct lg_packs *ps;
        struct lg_pack_reader *r;
        memcpy(pack, f->pack, f->pack_len);
        for (unsigned k = 0; k < 1 + round % 4; k++) {
            size_t at;
            seed = seed * 1103515245u + 12345u;
            at = 12 + (seed >> 8) % (f->pack_len - 32);
            pack[at] ^= (unsigned char)(1u << (seed % 8));
        }
        assert_int_equal(lg_packs_new(&ps), LG_OK);
        assert_int_equal(
            lg_packs_add_memory(ps, f->idx, f->idx_len, pack, f->pack_len),
            LG_OK);
        r = lg_pack_reader_new(ps, round % 2 ? 8192 : 1024 * 1024,
                               round % 3 != 0);
        assert_non_null(r);
        for (size_t i = 0; i < f->n; i++) {
            struct lg_gobj *got;
            uint64_t size = 0;
            int rc = lg_pack_read(r, f->ids[i].id, UINT64_MAX, &got, &size);
            if (rc != LG_PACK_FOUND) {
                assert_true(rc == LG_ESYNTAX || rc == LG_PACK_ABSENT ||
                            rc == LG_ENOMEM);
                assert_null(got);
                bad++;
                continue;
            }
            assert_int_equal(size, got->size);
            assert_int_equal(got->data[got->size], '\0');
            ok++;
            lg_gobj_unref(got);
        }
        lg_pack_reader_free(r);
        lg_packs_close(ps);
    }
    assert_true(ok > 0);
    assert_true(bad > 0);
    free(pack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reads_match_libgit2, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_and_pack_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_limits_and_absent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unsupported_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damaged_pack, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
