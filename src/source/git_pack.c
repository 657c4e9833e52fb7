/* Packed git objects read without libgit2 (see git_pack.h).
 *
 * A pack is an array of objects, each a small header (type and size in a
 * varint) and a zlib stream; a delta object's header also names its base,
 * by a backwards offset in the same pack (OFS_DELTA) or by id (REF_DELTA),
 * and its stream inflates to a delta: the sizes of base and result, then
 * instructions to copy ranges of the base or insert literal bytes.  The
 * .idx file maps sorted ids to offsets (a 256-entry fan-out table, the
 * ids, CRCs, 31-bit offsets and a table of 64-bit ones).
 *
 * Reading the object at the end of a delta chain walks the chain down to
 * the first object found in the reader's cache (or to a whole object),
 * then applies the deltas upwards, caching each result: consecutive
 * versions of a file are neighbours in a chain, so the walk's next read
 * usually finds its base cached.  The cache is a hash table over
 * (pack, offset) with a least-recently-used list and a byte budget.
 *
 * Streams are inflated raw, after checking the two-byte zlib header: the
 * Adler-32 of every object would cost 2-3% of a history scan, and the
 * exact output size and the end of the stream are checked instead (hash
 * verification is already off: we scan, we do not check repositories).
 *
 * Packs are mapped.  Small ones (up to the map_max bytes given to
 * lg_packs_open, in all) are read through the mapping.  Larger ones are
 * read with pread(), one call per object (its header and stream are
 * contiguous, and the index tells where the next object starts): through
 * a mapping, every page a read touches (and the 64 KiB the kernel maps
 * around each fault) would stay resident, up to the whole pack, and
 * dropping pages now and then thrashes when reads are spread over the
 * pack.  Their mapping serves only the count of deltas when the pack is
 * opened, which gives the pages back as it goes. */
#include "source/git_pack.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/buf.h"
#include "util/bytes.h"
#include "util/error.h"

#define OFS_DELTA 6
#define REF_DELTA 7
#define TRAILER 20                                /* the pack's checksum */
#define MAX_CHAIN 100000                          /* longer chains: damaged */
#define RESIDENT_MAX ((uint64_t)32 * 1024 * 1024) /* count_deps gives back */
#define CACHE_ENTRIES 8192
#define CACHE_BUCKETS 16384 /* a power of two */
#define DEFLATE_RATIO 1032  /* deflate expands at most ~1032:1 */
#define DELTA_RATIO 0x10000 /* a one-byte copy op yields 64 KiB */

/* ------------------------------------------------------------------ */
/* Objects                                                              */

struct lg_gobj *lg_gobj_new(int type, size_t size)
{
    struct lg_gobj *o;

    if (size > SIZE_MAX - sizeof(*o) - 1 ||
        !(o = malloc(sizeof(*o) + size + 1)))
        return NULL;
    o->refs = 1;
    o->type = type;
    o->size = size;
    o->data = o->buf;
    o->owner = NULL;
    o->release = NULL;
    o->buf[size] = '\0';
    return o;
}

struct lg_gobj *lg_gobj_wrap(int type, const void *data, size_t size,
                             void *owner, void (*release)(void *))
{
    struct lg_gobj *o = malloc(sizeof(*o));

    if (!o)
        return NULL;
    o->refs = 1;
    o->type = type;
    o->size = size;
    o->data = data;
    o->owner = owner;
    o->release = release;
    return o;
}

void lg_gobj_unref(struct lg_gobj *o)
{
    if (!o || --o->refs)
        return;
    if (o->release)
        o->release(o->owner);
    free(o);
}

/* ------------------------------------------------------------------ */
/* Packs                                                                */

struct pack {
    const unsigned char *idx, *data; /* NULL idx: read by offset only */
    size_t idx_len, len;
    bool by_map; /* read through data (in memory, or a small pack file) */
    int fd;      /* the mapped pack file, for pread; -1 in memory */
    uint32_t n;  /* objects in the index */
    const unsigned char *ids;   /* n * 20 bytes, sorted */
    const unsigned char *off32; /* n * 4 */
    const unsigned char *off64; /* n64 * 8 */
    size_t n64;
    uint64_t *order; /* the n offsets, sorted */
    uint16_t *deps;  /* for each, how many deltas have it as base */
};

struct lg_packs {
    struct pack *v;
    size_t n, cap;
    uint64_t map_max, mapped; /* bytes of packs read through the mapping */
};

struct hdr {
    int type;
    uint64_t size; /* of the object, or of the delta stream */
    uint64_t data; /* offset of the zlib stream */
    uint64_t base; /* OFS_DELTA: offset of the base */
    unsigned char base_id[LG_PACK_OIDSZ]; /* REF_DELTA */
};

int lg_packs_new(struct lg_packs **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? LG_OK : LG_ENOMEM;
}

size_t lg_packs_count(const struct lg_packs *ps)
{
    return ps ? ps->n : 0;
}

/* Offset of the k-th object of the index; 0 for a damaged 64-bit entry
 * (no object starts before offset 12). */
static uint64_t idx_offset(const struct pack *p, uint32_t k)
{
    uint32_t o = lg_be32(p->off32 + (size_t)k * 4);

    if (!(o & 0x80000000u))
        return o;
    o &= 0x7fffffffu;
    return o < p->n64 ? lg_be64(p->off64 + (size_t)o * 8) : 0;
}

/* Check an index v2 against its pack; fill p's tables. */
static bool index_ok(struct pack *p)
{
    const unsigned char *x = p->idx;
    size_t fixed;
    uint32_t prev = 0;

    if (p->idx_len < 8 + 1024 + 40 || memcmp(x, "\377tOc", 4) != 0 ||
        lg_be32(x + 4) != 2)
        return false;
    for (int i = 0; i < 256; i++) {
        uint32_t v = lg_be32(x + 8 + 4 * i);
        if (v < prev)
            return false;
        prev = v;
    }
    p->n = prev;
    if (p->n != lg_be32(p->data + 8))
        return false;
    fixed = 8 + 1024 + (size_t)p->n * 28 + 40;
    if (p->idx_len < fixed || (p->idx_len - fixed) % 8)
        return false;
    p->ids = x + 8 + 1024;
    p->off32 = p->ids + (size_t)p->n * 24; /* after ids and CRCs */
    p->off64 = p->off32 + (size_t)p->n * 4;
    p->n64 = (p->idx_len - fixed) / 8;
    return true;
}

static uint64_t find_in(const struct pack *p, const unsigned char *id);
static int parse_hdr(const struct pack *p, uint64_t off, struct hdr *h);

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* Index in p->order of the first object starting after pos, or p->n. */
static size_t order_after(const struct pack *p, uint64_t pos)
{
    size_t lo = 0, hi = p->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->order[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Index of the object at off in p->order, or p->n. */
static size_t order_index(const struct pack *p, uint64_t off)
{
    size_t k = order_after(p, off);

    return k && p->order[k - 1] == off ? k - 1 : p->n;
}

/* Count, for every object of p, the deltas in p whose base it is (a
 * base in another pack is not counted).  Objects whose header cannot be
 * parsed count nothing: reading them reports the damage.  This touches a
 * page of every header (and the kernel maps 64 KiB around each fault): in
 * a mapped pack, the pages behind are dropped every RESIDENT_MAX bytes. */
static int count_deps(struct pack *p)
{
    bool mapped = p->fd >= 0;
    uint64_t dropped = 0;

    if (!p->n)
        return LG_OK;
    p->order = malloc((size_t)p->n * sizeof(*p->order));
    p->deps = calloc(p->n, sizeof(*p->deps));
    if (!p->order || !p->deps)
        return LG_ENOMEM;
    for (uint32_t i = 0; i < p->n; i++)
        p->order[i] = idx_offset(p, i);
    qsort(p->order, p->n, sizeof(*p->order), cmp_u64);
    for (uint32_t i = 0; i < p->n; i++) {
        struct hdr h;
        uint64_t base = 0;
        size_t k;
        if (parse_hdr(p, p->order[i], &h) < 0)
            continue;
        if (h.type == OFS_DELTA)
            base = h.base;
        else if (h.type == REF_DELTA)
            base = find_in(p, h.base_id);
        if (base && (k = order_index(p, base)) < p->n &&
            p->deps[k] < UINT16_MAX)
            p->deps[k]++;
        if (mapped && p->order[i] < p->len &&
            p->order[i] - dropped > RESIDENT_MAX) {
            madvise((void *)p->data, (size_t)p->order[i] & ~(size_t)4095,
                    MADV_DONTNEED);
            dropped = p->order[i];
        }
    }
    if (mapped)
        madvise((void *)p->data, p->len, MADV_DONTNEED);
    return LG_OK;
}

static void pack_release(struct pack *p)
{
    free(p->order);
    free(p->deps);
    if (p->fd >= 0) {
        munmap((void *)p->idx, p->idx_len);
        munmap((void *)p->data, p->len);
        close(p->fd);
    }
}

/* fd: the open pack file, mapped at pack; -1 for a pack in memory.  A
 * pack file is read through its mapping while ps->map_max allows. */
static int add_pack(struct lg_packs *ps, const void *idx, size_t idx_len,
                    const void *pack, size_t pack_len, int fd)
{
    struct pack p = {.idx = idx,
                     .data = pack,
                     .idx_len = idx_len,
                     .len = pack_len,
                     .by_map = fd < 0 || ps->mapped + pack_len <= ps->map_max,
                     .fd = fd};
    struct pack *v;
    uint32_t ver;

    if (pack_len < 12 + TRAILER || memcmp(pack, "PACK", 4) != 0)
        return LG_EUNSUPPORTED;
    ver = lg_be32(p.data + 4);
    if ((ver != 2 && ver != 3) || (idx && !index_ok(&p)))
        return LG_EUNSUPPORTED;
    if (!(v = lg_grow(ps->v, &ps->cap, ps->n, sizeof(*v), 4)))
        return LG_ENOMEM;
    ps->v = v;
    if (idx && count_deps(&p) < 0) {
        free(p.order);
        free(p.deps);
        return LG_ENOMEM;
    }
    if (fd >= 0 && p.by_map)
        ps->mapped += pack_len;
    ps->v[ps->n++] = p;
    return LG_OK;
}

int lg_packs_add_memory(struct lg_packs *ps, const void *idx, size_t idx_len,
                        const void *pack, size_t pack_len)
{
    return add_pack(ps, idx, idx_len, pack, pack_len, -1);
}

/* Map the file at path; its descriptor goes to *keep (when not NULL),
 * else is closed. */
static const void *map_file(const char *path, size_t *len, int *keep)
{
    struct stat st;
    void *m;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    if (fstat(fd, &st) < 0 || st.st_size <= 0 ||
        (uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return NULL;
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED || !keep)
        close(fd);
    if (m == MAP_FAILED)
        return NULL;
    if (keep)
        *keep = fd;
    *len = (size_t)st.st_size;
    return m;
}

/* Map pack-<name>.idx and its .pack; unusable pairs are left alone. */
static int add_file(struct lg_packs *ps, const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name), il = 0, pl = 0;
    char *path = malloc(dl + nl + 8);
    const void *idx, *pack = NULL;
    int rc = LG_OK, fd = -1;

    if (!path)
        return LG_ENOMEM;
    snprintf(path, dl + nl + 8, "%s/%s", dir, name);
    idx = map_file(path, &il, NULL);
    memcpy(path + dl + 1 + nl - 4, ".pack", 6);
    if (idx)
        pack = map_file(path, &pl, &fd);
    free(path);
    if (idx && pack) {
        rc = add_pack(ps, idx, il, pack, pl, fd);
        if (rc == LG_OK)
            return LG_OK;
    }
    if (idx)
        munmap((void *)idx, il);
    if (pack) {
        munmap((void *)pack, pl);
        close(fd);
    }
    return rc == LG_ENOMEM ? rc : LG_OK;
}

int lg_packs_open(struct lg_packs **out, const char *objdir, uint64_t map_max)
{
    size_t len = strlen(objdir);
    char *dir = malloc(len + 6);
    struct dirent *de;
    DIR *dp;
    int rc;

    if (!dir)
        return LG_ENOMEM;
    snprintf(dir, len + 6, "%s/pack", objdir);
    rc = lg_packs_new(out);
    if (rc == LG_OK)
        (*out)->map_max = map_max;
    if (rc == LG_OK && (dp = opendir(dir))) {
        while (rc == LG_OK && (de = readdir(dp))) {
            size_t nl = strlen(de->d_name);
            if (nl > 9 && strncmp(de->d_name, "pack-", 5) == 0 &&
                strcmp(de->d_name + nl - 4, ".idx") == 0)
                rc = add_file(*out, dir, de->d_name);
        }
        closedir(dp);
    }
    free(dir);
    if (rc < 0) {
        lg_packs_close(*out);
        *out = NULL;
    }
    return rc;
}

void lg_packs_close(struct lg_packs *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->n; i++)
        pack_release(&ps->v[i]);
    free(ps->v);
    free(ps);
}

/* Offset of id in p, or 0 (no object starts before offset 12). */
static uint64_t find_in(const struct pack *p, const unsigned char *id)
{
    const unsigned char *fan = p->idx + 8;
    uint32_t lo = id[0] ? lg_be32(fan + 4 * (id[0] - 1)) : 0;
    uint32_t hi = lg_be32(fan + 4 * id[0]);

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(p->ids + (size_t)mid * LG_PACK_OIDSZ, id, LG_PACK_OIDSZ);
        if (c == 0)
            return idx_offset(p, mid);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reader and its cache                                                 */

struct centry {
    uint64_t off;
    uint32_t pack;
    uint32_t left; /* bases only: dependents still to be made from it */
    int32_t hnext, prev, next; /* bucket chain; LRU list (prev: newer) */
    struct lg_gobj *obj;       /* NULL: free */
};

struct link {
    uint32_t pack;
    uint64_t off, data, size; /* header at off; delta stream at data */
};

struct lg_pack_reader {
    struct lg_packs *ps;
    bool bases_only;
    unsigned char *win;       /* holds [win_off, win_off + win_len) */
    const struct pack *win_p; /* of this pack */
    uint64_t win_off;
    size_t win_len, win_cap;
    size_t budget, bytes;
    struct centry *e;
    int32_t bucket[CACHE_BUCKETS];
    int32_t free, newest, oldest;
    size_t last; /* pack of the last id found */
    z_stream z;
    unsigned char *scratch, *top; /* delta streams; the one read */
    size_t scratch_cap, top_cap;
    struct link *chain;
    size_t chain_cap;
};

static uint32_t bucket_of(uint32_t pack, uint64_t off)
{
    return (uint32_t)(((off ^ (uint64_t)pack << 56) * 0x9E3779B97F4A7C15u) >>
                      50) &
           (CACHE_BUCKETS - 1);
}

struct lg_pack_reader *lg_pack_reader_new(struct lg_packs *ps,
                                          size_t cache_bytes, bool bases_only)
{
    struct lg_pack_reader *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->e = calloc(CACHE_ENTRIES, sizeof(*r->e));
    if (!r->e || inflateInit2(&r->z, -15) != Z_OK) {
        free(r->e);
        free(r);
        return NULL;
    }
    r->ps = ps;
    r->budget = cache_bytes;
    r->bases_only = bases_only;
    for (int32_t i = 0; i < CACHE_ENTRIES; i++)
        r->e[i].hnext = i + 1 < CACHE_ENTRIES ? i + 1 : -1;
    r->free = 0;
    r->newest = r->oldest = -1;
    memset(r->bucket, 0xff, sizeof(r->bucket)); /* all -1 */
    return r;
}

static void lru_unlink(struct lg_pack_reader *r, int32_t i)
{
    struct centry *e = &r->e[i];

    if (e->prev >= 0)
        r->e[e->prev].next = e->next;
    else
        r->newest = e->next;
    if (e->next >= 0)
        r->e[e->next].prev = e->prev;
    else
        r->oldest = e->prev;
}

static void lru_front(struct lg_pack_reader *r, int32_t i)
{
    r->e[i].prev = -1;
    r->e[i].next = r->newest;
    if (r->newest >= 0)
        r->e[r->newest].prev = i;
    r->newest = i;
    if (r->oldest < 0)
        r->oldest = i;
}

static void evict(struct lg_pack_reader *r, int32_t i)
{
    struct centry *e = &r->e[i];
    int32_t *pp = &r->bucket[bucket_of(e->pack, e->off)];

    while (*pp != i)
        pp = &r->e[*pp].hnext;
    *pp = e->hnext;
    lru_unlink(r, i);
    r->bytes -= e->obj->size;
    lg_gobj_unref(e->obj);
    e->obj = NULL;
    e->hnext = r->free;
    r->free = i;
}

void lg_pack_reader_free(struct lg_pack_reader *r)
{
    if (!r)
        return;
    while (r->oldest >= 0)
        evict(r, r->oldest);
    inflateEnd(&r->z);
    free(r->e);
    free(r->scratch);
    free(r->top);
    free(r->win);
    free(r->chain);
    free(r);
}

static int32_t cache_find(struct lg_pack_reader *r, uint32_t pack, uint64_t off)
{
    for (int32_t i = r->bucket[bucket_of(pack, off)]; i >= 0; i = r->e[i].hnext)
        if (r->e[i].off == off && r->e[i].pack == pack)
            return i;
    return -1;
}

static struct lg_gobj *cache_get(struct lg_pack_reader *r, uint32_t pack,
                                 uint64_t off)
{
    int32_t i = cache_find(r, pack, off);

    if (i < 0)
        return NULL;
    lru_unlink(r, i);
    lru_front(r, i);
    return r->e[i].obj;
}

/* A delta was made from the object at (pack, off): with bases_only, it
 * leaves the cache when its last dependent is made. */
static void cache_used(struct lg_pack_reader *r, uint32_t pack, uint64_t off)
{
    int32_t i;

    if (r->bases_only && (i = cache_find(r, pack, off)) >= 0 &&
        --r->e[i].left == 0)
        evict(r, i);
}

/* Keep obj (a new reference) as the object at (pack, off), not there yet. */
static void cache_put(struct lg_pack_reader *r, uint32_t pack, uint64_t off,
                      struct lg_gobj *obj)
{
    uint32_t b = bucket_of(pack, off);
    uint32_t left = UINT32_MAX;
    int32_t i;

    if (r->bases_only) {
        const struct pack *p = &r->ps->v[pack];
        size_t k = p->deps ? order_index(p, off) : p->n;
        if (k == p->n || !(left = p->deps[k]))
            return; /* no delta is made from it */
    }
    if (obj->size > r->budget / 4)
        return;
    while (r->oldest >= 0 && (r->free < 0 || r->bytes + obj->size > r->budget))
        evict(r, r->oldest);
    i = r->free;
    r->free = r->e[i].hnext;
    r->e[i] = (struct centry){
        off, pack, left, r->bucket[b], -1, -1, lg_gobj_ref(obj)};
    r->bucket[b] = i;
    lru_front(r, i);
    r->bytes += obj->size;
}

/* ------------------------------------------------------------------ */
/* Objects in a pack                                                    */

/* Parse the header of the object at off from d, which holds the pack's
 * bytes [off, end). */
static int parse_bytes(const unsigned char *d, uint64_t off, uint64_t end,
                       struct hdr *h)
{
    uint64_t at = 0;
    unsigned shift = 4;
    unsigned char c;

    if (off < 12 || off >= end)
        return LG_ESYNTAX;
    end -= off; /* from here on, positions are relative to off */
    c = d[at++];
    h->type = (c >> 4) & 7;
    h->size = c & 15;
    while (c & 0x80) {
        if (at >= end || shift > 57)
            return LG_ESYNTAX;
        c = d[at++];
        h->size |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    }
    switch (h->type) {
    case LG_OBJ_COMMIT:
    case LG_OBJ_TREE:
    case LG_OBJ_BLOB:
    case LG_OBJ_TAG: break;
    case OFS_DELTA: {
        uint64_t ofs;
        if (at >= end)
            return LG_ESYNTAX;
        c = d[at++];
        ofs = c & 0x7f;
        while (c & 0x80) {
            if (at >= end || ofs > (UINT64_MAX >> 8))
                return LG_ESYNTAX;
            c = d[at++];
            ofs = ((ofs + 1) << 7) | (c & 0x7f);
        }
        if (ofs == 0 || ofs > off - 12)
            return LG_ESYNTAX;
        h->base = off - ofs;
        break;
    }
    case REF_DELTA:
        if (end - at < LG_PACK_OIDSZ)
            return LG_ESYNTAX;
        memcpy(h->base_id, d + at, LG_PACK_OIDSZ);
        at += LG_PACK_OIDSZ;
        break;
    default: return LG_ESYNTAX;
    }
    h->data = off + at;
    return LG_OK;
}

static int parse_hdr(const struct pack *p, uint64_t off, struct hdr *h)
{
    if (off < 12 || off >= p->len - TRAILER)
        return LG_ESYNTAX;
    return parse_bytes(p->data + off, off, p->len - TRAILER, h);
}

/* Is p read with pread (a large pack file, with an index)? */
static bool by_pread(const struct pack *p)
{
    return !p->by_map && p->order;
}

/* The bytes of p from `from` (inside the objects) to the end of the object
 * that holds it, where the next object starts; *end gets that end.  From
 * r's buffer, which always holds one object's bytes, or read into it with
 * pread.  NULL on a read error or out of memory; valid until the next
 * call. */
static const unsigned char *object_bytes(struct lg_pack_reader *r,
                                         const struct pack *p, uint64_t from,
                                         uint64_t *end)
{
    size_t k, n, got = 0;

    if (r->win_p == p && from >= r->win_off && from < r->win_off + r->win_len) {
        *end = r->win_off + r->win_len;
        return r->win + (from - r->win_off);
    }
    /* a damaged index may list offsets past the end */
    k = order_after(p, from);
    *end = k < p->n && p->order[k] < p->len - TRAILER ? p->order[k]
                                                      : p->len - TRAILER;
    n = (size_t)(*end - from);
    if (n > r->win_cap) {
        unsigned char *t = realloc(r->win, n);
        if (!t)
            return NULL;
        r->win = t;
        r->win_cap = n;
    }
    r->win_p = NULL;
    while (got < n) {
        ssize_t m = pread(p->fd, r->win + got, n - got, (off_t)(from + got));
        if (m <= 0)
            break;
        got += (size_t)m;
    }
    if (got < n)
        return NULL;
    r->win_p = p;
    r->win_off = from;
    r->win_len = got;
    return r->win;
}

/* parse_hdr through r, for packs read with pread. */
static int rparse_hdr(struct lg_pack_reader *r, const struct pack *p,
                      uint64_t off, struct hdr *h)
{
    const unsigned char *q;
    uint64_t end;

    if (!by_pread(p))
        return parse_hdr(p, off, h);
    if (off < 12 || off >= p->len - TRAILER)
        return LG_ESYNTAX;
    /* the whole object, header and stream: inflate_at finds it read */
    if (!(q = object_bytes(r, p, off, &end)))
        return LG_EIO;
    return parse_bytes(q, off, end, h);
}

/* Inflate the stream at p->data[pos] into out[0..size]; it must give
 * exactly size bytes (out has room for one more, to tell). */
static int inflate_at(struct lg_pack_reader *r, struct pack *p, uint64_t pos,
                      unsigned char *out, uint64_t size)
{
    uint64_t end = p->len - TRAILER, avail;
    const unsigned char *q;
    unsigned char b0, b1;
    int zr;

    if (pos >= end || end - pos < 2 || size >= UINT_MAX)
        return LG_ESYNTAX;
    q = p->data + pos;
    if (by_pread(p)) { /* the stream ends where the next object starts */
        if (!(q = object_bytes(r, p, pos, &end)))
            return LG_EIO;
        if (end - pos < 2)
            return LG_ESYNTAX;
    }
    b0 = q[0];
    b1 = q[1];
    if ((b0 & 0x0f) != 8 || (b0 >> 4) > 7 || ((unsigned)b0 << 8 | b1) % 31 ||
        (b1 & 0x20))
        return LG_ESYNTAX; /* not a zlib header, or a preset dictionary */
    avail = end - pos - 2;
    if (inflateReset(&r->z) != Z_OK)
        return LG_EINTERNAL;
    r->z.next_in = (unsigned char *)q + 2;
    r->z.avail_in = avail < UINT_MAX ? (unsigned)avail : UINT_MAX;
    r->z.next_out = out;
    r->z.avail_out = (unsigned)size + 1;
    zr = inflate(&r->z, Z_FINISH);
    return zr == Z_STREAM_END && r->z.total_out == size ? LG_OK : LG_ESYNTAX;
}

/* Can the stream at pos inflate to size bytes at all (LG_ESYNTAX), and
 * may we make that many (LG_ELIMIT)? */
static int stream_ok(const struct pack *p, uint64_t pos, uint64_t size)
{
    uint64_t end = p->len - TRAILER;

    if (pos >= end || size / DEFLATE_RATIO > end - pos)
        return LG_ESYNTAX;
    return size > LG_PACK_OBJECT_MAX ? LG_ELIMIT : LG_OK;
}

static bool is_delta(int type)
{
    return type == OFS_DELTA || type == REF_DELTA;
}

static bool varint(const unsigned char **p, const unsigned char *end,
                   uint64_t *v)
{
    unsigned shift = 0;
    unsigned char c;

    *v = 0;
    do {
        if (*p >= end || shift > 63)
            return false;
        c = *(*p)++;
        *v |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    } while (c & 0x80);
    return true;
}

/* Apply delta d[0..n) to base: a new object of base's type. */
static int apply(const struct lg_gobj *base, const unsigned char *d, size_t n,
                 struct lg_gobj **out)
{
    const unsigned char *end = d + n;
    uint64_t src, dst;
    unsigned char *o;
    size_t left;
    struct lg_gobj *res;

    if (!varint(&d, end, &src) || !varint(&d, end, &dst) || src != base->size ||
        dst / DELTA_RATIO > n)
        return LG_ESYNTAX;
    if (dst > LG_PACK_OBJECT_MAX)
        return LG_ELIMIT;
    if (!(res = lg_gobj_new(base->type, (size_t)dst)))
        return LG_ENOMEM;
    o = res->buf;
    left = (size_t)dst;
    while (d < end) {
        unsigned c = *d++;
        if (c & 0x80) {
            size_t off = 0, sz = 0;
            for (unsigned i = 0; i < 4; i++)
                if (c & (1u << i)) {
                    if (d == end)
                        goto bad;
                    off |= (size_t)*d++ << (8 * i);
                }
            for (unsigned i = 0; i < 3; i++)
                if (c & (0x10u << i)) {
                    if (d == end)
                        goto bad;
                    sz |= (size_t)*d++ << (8 * i);
                }
            if (!sz)
                sz = 0x10000;
            if (off > base->size || sz > base->size - off || sz > left)
                goto bad;
            memcpy(o, base->data + off, sz);
            o += sz;
            left -= sz;
        } else if (c) {
            if (c > (size_t)(end - d) || c > left)
                goto bad;
            memcpy(o, d, c);
            d += c;
            o += c;
            left -= c;
        } else {
            goto bad; /* reserved */
        }
    }
    if (left)
        goto bad;
    *out = res;
    return LG_OK;
bad:
    lg_gobj_unref(res);
    return LG_ESYNTAX;
}

/* Find id in any pack with an index: the pack's number and the offset. */
static bool locate(struct lg_pack_reader *r, const unsigned char *id,
                   uint32_t *pack, uint64_t *off)
{
    struct lg_packs *ps = r->ps;

    for (size_t k = 0; k < ps->n; k++) {
        size_t i = (r->last + k) % ps->n;
        if (ps->v[i].idx && (*off = find_in(&ps->v[i], id))) {
            r->last = i;
            *pack = (uint32_t)i;
            return true;
        }
    }
    return false;
}

static int whole(struct lg_pack_reader *r, struct pack *p, const struct hdr *h,
                 struct lg_gobj **out)
{
    struct lg_gobj *o;
    int rc = stream_ok(p, h->data, h->size);

    if (rc < 0)
        return rc;
    if (!(o = lg_gobj_new(h->type, h->size)))
        return LG_ENOMEM;
    if ((rc = inflate_at(r, p, h->data, o->buf, h->size)) < 0) {
        lg_gobj_unref(o);
        return rc;
    }
    *out = o;
    return LG_OK;
}

/* Inflate the delta stream of link l into *buf (grown to *cap). */
static int inflate_delta(struct lg_pack_reader *r, const struct link *l,
                         unsigned char **buf, size_t *cap)
{
    struct pack *p = &r->ps->v[l->pack];
    int rc = stream_ok(p, l->data, l->size);

    if (rc < 0)
        return rc;
    if (l->size + 1 > *cap) {
        unsigned char *s = realloc(*buf, l->size + 1);
        if (!s)
            return LG_ENOMEM;
        *buf = s;
        *cap = l->size + 1;
    }
    return inflate_at(r, p, l->data, *buf, l->size);
}

static int push_link(struct lg_pack_reader *r, size_t n, const struct link *l)
{
    struct link *v;

    if (n == MAX_CHAIN)
        return LG_ESYNTAX;
    if (!(v = lg_grow(r->chain, &r->chain_cap, n, sizeof(*v), 64)))
        return LG_ENOMEM;
    r->chain = v;
    r->chain[n] = *l;
    return LG_OK;
}

/* Reconstruct the delta object at r->chain[0], whose delta stream is
 * already inflated in r->top: walk down to a cached or whole base, then
 * apply the deltas upwards. */
static int reconstruct(struct lg_pack_reader *r, struct hdr h,
                       struct lg_gobj **out)
{
    struct lg_gobj *base = NULL, *res;
    uint32_t pack = r->chain[0].pack;
    uint64_t off;
    size_t n = 1;
    int rc;

    for (;;) {
        if (h.type == OFS_DELTA)
            off = h.base;
        else if (!locate(r, h.base_id, &pack, &off))
            return LG_PACK_ABSENT; /* the base is not packed: libgit2's */
        if ((base = cache_get(r, pack, off))) {
            lg_gobj_ref(base);
            break;
        }
        if ((rc = rparse_hdr(r, &r->ps->v[pack], off, &h)) < 0)
            return rc;
        if (!is_delta(h.type)) {
            if ((rc = whole(r, &r->ps->v[pack], &h, &base)) < 0)
                return rc;
            cache_put(r, pack, off, base);
            break;
        }
        if ((rc = push_link(r, n, &(struct link){pack, off, h.data, h.size})) <
            0)
            return rc;
        n++;
    }
    while (n--) {
        const struct link *l = &r->chain[n];
        const unsigned char *delta = r->top;
        if (n) {
            if ((rc = inflate_delta(r, l, &r->scratch, &r->scratch_cap)) < 0)
                goto fail;
            delta = r->scratch;
        }
        if ((rc = apply(base, delta, l->size, &res)) < 0)
            goto fail;
        lg_gobj_unref(base);
        cache_used(r, pack, off);
        base = res;
        pack = l->pack;
        off = l->off;
        cache_put(r, pack, off, base);
    }
    *out = base;
    return LG_PACK_FOUND;
fail:
    lg_gobj_unref(base);
    return rc;
}

int lg_pack_read_at(struct lg_pack_reader *r, size_t pack, uint64_t off,
                    uint64_t max, struct lg_gobj **out, uint64_t *size)
{
    const unsigned char *q, *qend;
    struct lg_gobj *c;
    struct pack *p;
    uint64_t src;
    struct hdr h;
    int rc;

    *out = NULL;
    if (max > LG_PACK_OBJECT_MAX)
        max = LG_PACK_OBJECT_MAX;
    if (pack >= r->ps->n)
        return LG_PACK_ABSENT;
    p = &r->ps->v[pack];
    if (off < 12 || off >= p->len - TRAILER)
        return LG_PACK_ABSENT;
    if ((c = cache_get(r, (uint32_t)pack, off))) {
        *size = c->size;
        if (c->size > max)
            return LG_PACK_TOOBIG;
        *out = lg_gobj_ref(c);
        return LG_PACK_FOUND;
    }
    if ((rc = rparse_hdr(r, p, off, &h)) < 0)
        return rc;
    if (!is_delta(h.type)) {
        *size = h.size;
        if (h.size > max)
            return LG_PACK_TOOBIG;
        if ((rc = whole(r, p, &h, out)) < 0)
            return rc;
        cache_put(r, (uint32_t)pack, off, *out);
        return LG_PACK_FOUND;
    }
    /* A delta: its stream starts with the result's size. */
    if ((rc = push_link(
             r, 0, &(struct link){(uint32_t)pack, off, h.data, h.size})) < 0 ||
        (rc = inflate_delta(r, &r->chain[0], &r->top, &r->top_cap)) < 0)
        return rc;
    q = r->top;
    qend = q + h.size;
    if (!varint(&q, qend, &src) || !varint(&q, qend, size))
        return LG_ESYNTAX;
    if (*size > max)
        return LG_PACK_TOOBIG;
    return reconstruct(r, h, out);
}

bool lg_pack_find(struct lg_pack_reader *r, const unsigned char *id,
                  size_t *pack, uint64_t *off)
{
    uint32_t p;

    if (!locate(r, id, &p, off))
        return false;
    *pack = p;
    return true;
}

int lg_pack_read(struct lg_pack_reader *r, const unsigned char *id,
                 uint64_t max, struct lg_gobj **out, uint64_t *size)
{
    uint32_t pack;
    uint64_t off;

    *out = NULL;
    if (!locate(r, id, &pack, &off))
        return LG_PACK_ABSENT;
    return lg_pack_read_at(r, pack, off, max, out, size);
}
