/* Packed git objects read without libgit2, for the history walk.
 *
 * libgit2 reads a packed object under locks shared by every thread that
 * reads the same pack (its pack cache is global), and allocates an object
 * and a cache entry per read; on a long history the walker and the blob
 * workers spent more time waking each other on those locks than
 * inflating.  This reader is per thread: the packs are mapped read-only
 * once and shared, and each reader keeps its own cache of reconstructed
 * delta bases, so that reading the next version of a file in the same
 * delta chain costs one inflate and one delta application.
 *
 * Formats: pack index v2 (.idx) and pack v2/v3 (.pack) with SHA-1 ids.
 * Anything else (index v1, an index that does not match its pack, a
 * REF_DELTA whose base is in no pack) is reported as "not here" or as
 * damaged, and the caller falls back to libgit2, which reads loose
 * objects, alternates and every other case, and names the failures.
 * Every length and offset read from a file is checked before use; the
 * fuzz target fuzz_pack feeds damaged indexes and packs. */
#ifndef LG_SOURCE_GIT_PACK_H
#define LG_SOURCE_GIT_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LG_PACK_OIDSZ 20
/* No object, delta or delta base larger than this is made (git's own
 * core.bigFileThreshold default): a few damaged bytes cannot make the
 * reader allocate more. */
#define LG_PACK_OBJECT_MAX ((uint64_t)512 * 1024 * 1024)

/* Object types, numbered as in the pack format (and in libgit2). */
enum { LG_OBJ_COMMIT = 1, LG_OBJ_TREE = 2, LG_OBJ_BLOB = 3, LG_OBJ_TAG = 4 };

/* An object read whole: data[size] is a NUL byte (trees, commits and
 * small files can be parsed as strings safely).  Reference-counted
 * without atomics: an object is used by the thread whose reader made it. */
struct lg_gobj {
    unsigned refs;
    int type;
    size_t size;
    const unsigned char *data;
    void *owner;                  /* holds data when not NULL */
    void (*release)(void *owner); /* frees owner */
    unsigned char buf[];          /* data, when owner is NULL */
};

/* A new object of size bytes (data == buf, NUL-terminated), refs 1. */
struct lg_gobj *lg_gobj_new(int type, size_t size);
/* An object whose bytes another library owns; release(owner) on the last
 * unref. */
struct lg_gobj *lg_gobj_wrap(int type, const void *data, size_t size,
                             void *owner, void (*release)(void *));
static inline struct lg_gobj *lg_gobj_ref(struct lg_gobj *o)
{
    o->refs++;
    return o;
}
void lg_gobj_unref(struct lg_gobj *o);

/* The packs of one object directory.  Read-only after opening: shared by
 * all readers without locks. */
struct lg_packs;

/* Map every usable objects/pack/pack-*.idx and its .pack under objdir.
 * Packs are read through their mapping up to map_max bytes of them in
 * all, the others with pread (which keeps no page of them resident).  A
 * pack that cannot be used is left to libgit2 (no error); *out is an
 * empty set when there are none.  LG_ENOMEM only. */
int lg_packs_open(struct lg_packs **out, const char *objdir, uint64_t map_max);
/* An empty set, to which lg_packs_add_memory adds packs (tests, fuzzing). */
int lg_packs_new(struct lg_packs **out);
/* Add a pack held in memory (not copied: it must outlive the set).  idx
 * may be NULL: the pack is then read by offset only.  LG_EUNSUPPORTED
 * when the index or the pack header is not one we read. */
int lg_packs_add_memory(struct lg_packs *ps, const void *idx, size_t idx_len,
                        const void *pack, size_t pack_len);
size_t lg_packs_count(const struct lg_packs *ps);
void lg_packs_close(struct lg_packs *ps);

/* One thread's reader, with a cache of at most cache_bytes of objects.
 * Objects are cached as read and evicted least recently used first; with
 * bases_only (for reads in pack order), an object is cached only while
 * deltas of it remain to be made, as counted from the pack's headers when
 * it was opened, so that the cache holds only the bases still needed. */
struct lg_pack_reader;
struct lg_pack_reader *lg_pack_reader_new(struct lg_packs *ps,
                                          size_t cache_bytes, bool bases_only);
void lg_pack_reader_free(struct lg_pack_reader *r);

/* Where id is packed: pack number and byte offset; false when in no pack
 * we read.  Sorting reads by (pack, offset) reads packs in their order,
 * in which a delta usually follows its base closely. */
bool lg_pack_find(struct lg_pack_reader *r, const unsigned char *id,
                  size_t *pack, uint64_t *off);

/* lg_pack_read's results besides errors (LG_ENOMEM; LG_ESYNTAX for a
 * damaged object, index or delta chain; LG_ELIMIT for a delta or base in
 * the chain over LG_PACK_OBJECT_MAX). */
enum {
    LG_PACK_ABSENT = 0, /* in no pack we read */
    LG_PACK_FOUND = 1,  /* *out is a new reference */
    LG_PACK_TOOBIG = 2  /* larger than max: *size says how large */
};

/* Read object id whole, unless it is larger than max bytes (or than
 * LG_PACK_OBJECT_MAX; checked from the headers before anything is
 * inflated).  *size gets the object's size in both cases. */
int lg_pack_read(struct lg_pack_reader *r, const unsigned char *id,
                 uint64_t max, struct lg_gobj **out, uint64_t *size);
/* The same for the object at a byte offset of pack number `pack` (in the
 * order added); LG_PACK_ABSENT for an offset outside the pack. */
int lg_pack_read_at(struct lg_pack_reader *r, size_t pack, uint64_t off,
                    uint64_t max, struct lg_gobj **out, uint64_t *size);

#endif
