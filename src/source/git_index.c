/* What the index stages, without reading the whole index into libgit2.
 *
 * `git --staged` runs in the pre-commit hook.  libgit2 1.5 reads an index
 * by hashing all of it (SHA-1 with collision detection), allocating every
 * entry, and then diffs it against every tree of HEAD: 25 ms for 40,000
 * files.  git itself uses the cache-tree (the index's TREE extension): a
 * directory whose cached tree id equals HEAD's has nothing staged.  So do
 * we: parse the entries in place, walk HEAD's trees only where the cache
 * tree is invalid or differs, and hand libgit2 two small in-memory indexes
 * (HEAD's side and the index's side of the paths that differ) to diff with
 * rename detection as before.
 *
 * Anything this reader does not know — index versions other than 2-4,
 * unmerged or intent-to-add entries, a required extension (split index,
 * sparse directories), a malformed file — makes it decline, and the
 * caller uses libgit2's full read, which is always right.  The index
 * checksum is not verified, as git does not verify it on reads either. */
#include "source/git_index.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source/git_priv.h"
#include "util/buf.h"
#include "util/bytes.h"

#define IDX_MAX_BYTES (1u << 30)   /* refuse to slurp more: decline */
#define IDX_MAX_DEPTH 4096         /* directory nesting followed */
#define OID_RAW 20

struct ientry {
    const char *path; /* NUL-terminated: in the file (v2/v3) or paths */
    size_t len;
    uint32_t mode;
    const unsigned char *oid;
};

struct ctree {            /* a cache-tree node */
    const char *name;     /* component, not NUL-terminated */
    size_t len;
    long count;           /* entries covered; -1 = invalid */
    size_t nsub;
    const unsigned char *oid; /* when count >= 0 */
    size_t first_child;   /* index of the first child in nodes[] */
    size_t span;          /* nodes in this subtree, itself included */
};

struct reader {
    git_repository *repo;
    unsigned char *file;
    size_t size;
    struct ientry *e;
    size_t n;
    char *paths;          /* v4: decompressed paths */
    struct ctree *nodes;
    size_t n_nodes, cap_nodes;
    git_index *old_side, *new_side;
    int fail;             /* LG_ENOMEM or libgit2 failure: decline */
};

/* Map the index read-only, faulted in at once: it is read end to end. */
static int map_index(const char *path, unsigned char **out, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    void *m;

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 12 ||
        (uint64_t)st.st_size > IDX_MAX_BYTES) {
        close(fd);
        return -1;
    }
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
             fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return -1;
    *out = m;
    *size = (size_t)st.st_size;
    return 0;
}

/* git's offset varint (v4 path prefix lengths). */
static bool varint(const unsigned char **p, const unsigned char *end,
                   size_t *out)
{
    size_t v;
    unsigned char c;

    if (*p >= end)
        return false;
    c = *(*p)++;
    v = c & 127;
    while (c & 128) {
        if (*p >= end || v > (SIZE_MAX >> 8))
            return false;
        c = *(*p)++;
        v = ((v + 1) << 7) | (c & 127);
    }
    *out = v;
    return true;
}

/* Entries; returns the offset of the extensions, or 0 to decline. */
static size_t parse_entries(struct reader *r, unsigned version)
{
    const unsigned char *p = r->file + 12, *end = r->file + r->size - OID_RAW;
    struct lg_buf pb;
    size_t prev_off = 0, prev_len = 0;
    size_t *offs = NULL; /* v4: path offsets into pb until it stops moving */

    lg_buf_init(&pb, SIZE_MAX / 2);
    if (version == 4 && !(offs = calloc(r->n ? r->n : 1, sizeof(*offs))))
        return 0;
    for (size_t i = 0; i < r->n; i++) {
        struct ientry *e = &r->e[i];
        uint16_t flags;
        size_t fixed;

        if ((size_t)(end - p) < 62)
            goto decline;
        e->mode = lg_be32(p + 24);
        e->oid = p + 40;
        flags = (uint16_t)(p[60] << 8 | p[61]);
        if (flags & 0x3000)
            goto decline; /* an unmerged entry (stage 1-3) */
        fixed = 62;
        if (flags & 0x4000) { /* extended flags (v3+) */
            if (version < 3 || (size_t)(end - p) < 64)
                goto decline;
            if (p[62] & 0x20) /* intent-to-add */
                goto decline;
            fixed = 64;
        }
        if (version == 4) {
            const unsigned char *q = p + fixed, *nul;
            size_t strip, slen;

            if (!varint(&q, end, &strip) || strip > prev_len ||
                !(nul = memchr(q, 0, (size_t)(end - q))))
                goto decline;
            slen = (size_t)(nul - q);
            offs[i] = pb.len;
            /* reserve first: the prefix is copied from pb itself */
            if (lg_buf_reserve(&pb, prev_len - strip + slen + 1) < 0) {
                r->fail = LG_ENOMEM;
                goto decline;
            }
            if (prev_len > strip)
                memcpy(pb.data + pb.len, pb.data + prev_off, prev_len - strip);
            memcpy(pb.data + pb.len + prev_len - strip, q, slen + 1);
            pb.len += prev_len - strip + slen + 1;
            prev_off = offs[i];
            prev_len = prev_len - strip + slen;
            e->len = prev_len;
            p = nul + 1;
        } else {
            const unsigned char *nul =
                memchr(p + fixed, 0, (size_t)(end - (p + fixed)));
            size_t size;

            if (!nul)
                goto decline;
            e->path = (const char *)p + fixed;
            e->len = (size_t)(nul - (p + fixed));
            size = (fixed + e->len + 8) & ~(size_t)7;
            if (size > (size_t)(end - p))
                goto decline;
            p += size;
        }
        if (e->len == 0)
            goto decline;
    }
    if (version == 4) {
        r->paths = (char *)pb.data; /* final address: set the pointers */
        for (size_t i = 0; i < r->n; i++)
            r->e[i].path = r->paths + offs[i];
        free(offs);
    }
    return (size_t)(p - r->file);
decline:
    free(offs);
    lg_buf_release(&pb);
    return 0;
}

static bool parse_decimal(const unsigned char **p, const unsigned char *end,
                          char stop, long *out)
{
    bool neg = false, any = false;
    long v = 0;

    if (*p < end && **p == '-') {
        neg = true;
        (*p)++;
    }
    while (*p < end && **p >= '0' && **p <= '9') {
        if (v > 100000000)
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
        any = true;
    }
    if (!any || *p >= end || **p != stop)
        return false;
    (*p)++;
    *out = neg ? -v : v;
    return true;
}

/* One node of the TREE extension and, recursively, its children; nodes
 * are stored in pre-order. */
static bool parse_tree_node(struct reader *r, const unsigned char **p,
                            const unsigned char *end, unsigned depth)
{
    const unsigned char *nul = memchr(*p, 0, (size_t)(end - *p));
    struct ctree *t;
    size_t self;
    long count, nsub;

    if (!nul || depth > IDX_MAX_DEPTH)
        return false;
    void *v =
        lg_grow(r->nodes, &r->cap_nodes, r->n_nodes, sizeof(*r->nodes), 64);
    if (!v) {
        r->fail = LG_ENOMEM;
        return false;
    }
    r->nodes = v;
    self = r->n_nodes++;
    t = &r->nodes[self];
    t->name = (const char *)*p;
    t->len = (size_t)(nul - *p);
    *p = nul + 1;
    if (!parse_decimal(p, end, ' ', &count) ||
        !parse_decimal(p, end, '\n', &nsub) || nsub < 0 || count < -1)
        return false;
    t->count = count;
    t->nsub = (size_t)nsub;
    t->oid = NULL;
    if (count >= 0) {
        if ((size_t)(end - *p) < OID_RAW)
            return false;
        t->oid = *p;
        *p += OID_RAW;
    }
    t->first_child = self + 1;
    for (size_t i = 0; i < (size_t)nsub; i++)
        if (!parse_tree_node(r, p, end, depth + 1))
            return false;
    r->nodes[self].span = r->n_nodes - self;
    return true;
}

/* Extensions from off to the checksum: only TREE is read; another optional
 * one (upper-case signature) is skipped; a required one declines. */
static bool parse_extensions(struct reader *r, size_t off)
{
    const unsigned char *p = r->file + off, *end = r->file + r->size - OID_RAW;

    while (p < end) {
        uint32_t size;

        if ((size_t)(end - p) < 8)
            return false;
        size = lg_be32(p + 4);
        if (size > (size_t)(end - p) - 8)
            return false;
        if (memcmp(p, "TREE", 4) == 0) {
            const unsigned char *q = p + 8, *qe = p + 8 + size;
            if (r->n_nodes == 0 && size > 0 && !parse_tree_node(r, &q, qe, 0))
                return false;
        } else if (p[0] < 'A' || p[0] > 'Z') {
            return false; /* "link" (split index), "sdir" (sparse) ... */
        }
        p += 8 + size;
    }
    return p == end;
}

static const struct ctree *child_node(const struct reader *r,
                                      const struct ctree *t, const char *name,
                                      size_t len)
{
    size_t c;

    if (!t)
        return NULL;
    c = t->first_child;
    for (size_t i = 0; i < t->nsub && c < r->n_nodes; i++) {
        const struct ctree *k = &r->nodes[c];
        if (k->len == len && memcmp(k->name, name, len) == 0)
            return k;
        c += k->span;
    }
    return NULL;
}

static int add_entry(struct reader *r, git_index *idx, const char *path,
                     uint32_t mode, const git_oid *id)
{
    git_index_entry e;

    memset(&e, 0, sizeof(e));
    e.path = path;
    e.mode = mode;
    git_oid_cpy(&e.id, id);
    if (git_index_add(idx, &e) < 0) {
        r->fail = LG_EINTERNAL;
        return -1;
    }
    return 0;
}

struct deleted_ctx {
    struct reader *r;
    const char *prefix;
};

static int on_deleted_blob(const char *root, const git_tree_entry *te,
                           void *payload)
{
    struct deleted_ctx *dc = payload;
    struct lg_buf b;
    int rc = 0;

    if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
        return 0;
    lg_buf_init(&b, SIZE_MAX / 2);
    if (lg_buf_printf(&b, "%s%s%s", dc->prefix, root,
                      git_tree_entry_name(te)) < 0) {
        dc->r->fail = LG_ENOMEM;
        return -1;
    }
    rc = add_entry(dc->r, dc->r->old_side, (const char *)b.data,
                   (uint32_t)git_tree_entry_filemode(te), git_tree_entry_id(te));
    lg_buf_release(&b);
    return rc;
}

/* HEAD's entry te under prefix[0..plen) is not in the index. */
static int deleted(struct reader *r, const char *prefix, size_t plen,
                   const git_tree_entry *te)
{
    struct lg_buf b;
    int rc;

    lg_buf_init(&b, SIZE_MAX / 2);
    if (lg_buf_printf(&b, "%.*s%s", (int)plen, prefix,
                      git_tree_entry_name(te)) < 0) {
        r->fail = LG_ENOMEM;
        return -1;
    }
    if (git_tree_entry_type(te) == GIT_OBJECT_TREE) {
        git_tree *sub;
        struct deleted_ctx dc = {r, NULL};
        if (git_tree_lookup(&sub, r->repo, git_tree_entry_id(te)) < 0) {
            lg_buf_release(&b);
            r->fail = LG_EINTERNAL;
            return -1;
        }
        if (lg_buf_append(&b, "/", 1) < 0) {
            r->fail = LG_ENOMEM;
            rc = -1;
        } else {
            dc.prefix = (const char *)b.data;
            rc = git_tree_walk(sub, GIT_TREEWALK_PRE, on_deleted_blob, &dc);
        }
        git_tree_free(sub);
    } else {
        rc = add_entry(r, r->old_side, (const char *)b.data,
                       (uint32_t)git_tree_entry_filemode(te),
                       git_tree_entry_id(te));
    }
    lg_buf_release(&b);
    return rc < 0 ? -1 : 0;
}

/* Walk the index entries under `prefix` (from *i) against HEAD's tree for
 * that directory (NULL: HEAD lacks it) and the cache-tree node t (NULL:
 * none), putting what differs into the two sides. */
static int walk(struct reader *r, const char *prefix, size_t plen,
                const git_tree *head, const struct ctree *t, size_t *i,
                unsigned depth)
{
    size_t k = 0, nh = head ? git_tree_entrycount(head) : 0;

    if (depth > IDX_MAX_DEPTH)
        return -1;
    for (;;) {
        const struct ientry *e = NULL;
        const git_tree_entry *he = k < nh ? git_tree_entry_byindex(head, k)
                                          : NULL;
        const char *name = NULL, *slash = NULL, *hname = NULL;
        size_t nlen = 0, hlen = 0;
        bool edir = false, hdir = false;
        int c;

        if (*i < r->n && r->e[*i].len > plen &&
            memcmp(r->e[*i].path, prefix, plen) == 0) {
            e = &r->e[*i];
            name = e->path + plen;
            slash = memchr(name, '/', e->len - plen);
            nlen = slash ? (size_t)(slash - name) : e->len - plen;
            edir = slash != NULL;
        }
        if (he) {
            hname = git_tree_entry_name(he);
            hlen = strlen(hname);
            hdir = git_tree_entry_type(he) == GIT_OBJECT_TREE;
        }
        if (!e && !he)
            return 0;
        c = !e    ? 1
            : !he ? -1
                  : lg_git_name_cmp(name, nlen, edir, hname, hlen, hdir);
        if (c > 0) { /* only in HEAD */
            if (deleted(r, prefix, plen, he) < 0)
                return -1;
            k++;
            continue;
        }
        if (!edir) { /* a file of the index */
            git_oid id;
            git_oid_fromraw(&id, e->oid);
            if (c < 0 || git_tree_entry_filemode(he) != (git_filemode_t)e->mode ||
                !git_oid_equal(&id, git_tree_entry_id(he))) {
                if (c == 0 &&
                    add_entry(r, r->old_side, e->path,
                              (uint32_t)git_tree_entry_filemode(he),
                              git_tree_entry_id(he)) < 0)
                    return -1;
                if (add_entry(r, r->new_side, e->path, e->mode, &id) < 0)
                    return -1;
            }
            (*i)++;
            k += c == 0;
            continue;
        }
        /* a directory of the index */
        {
            const struct ctree *sub = child_node(r, t, name, nlen);
            git_tree *htree = NULL;
            size_t sublen = plen + nlen + 1;
            int rc;

            if (c == 0 && sub && sub->count > 0 && sub->oid &&
                memcmp(sub->oid, git_tree_entry_id(he)->id, OID_RAW) == 0 &&
                *i + (size_t)sub->count <= r->n) {
                /* Same tree as HEAD's, if the count covers exactly the
                 * entries under name/ (else the cache is stale: walk). */
                const struct ientry *last = &r->e[*i + (size_t)sub->count - 1];
                const struct ientry *next = *i + (size_t)sub->count < r->n
                    ? &r->e[*i + (size_t)sub->count] : NULL;
                bool in_last = last->len > sublen &&
                               memcmp(last->path, e->path, sublen) == 0;
                bool in_next = next && next->len > sublen &&
                               memcmp(next->path, e->path, sublen) == 0;
                if (in_last && !in_next) {
                    *i += (size_t)sub->count;
                    k++;
                    continue;
                }
            }
            if (c == 0 && git_tree_lookup(&htree, r->repo,
                                          git_tree_entry_id(he)) < 0) {
                r->fail = LG_EINTERNAL;
                return -1;
            }
            rc = walk(r, e->path, sublen, htree, sub, i, depth + 1);
            git_tree_free(htree);
            if (rc < 0)
                return -1;
            k += c == 0;
        }
    }
}

int lg_git_staged_sides(git_repository *repo, const char *index_path,
                        const git_tree *head, git_index **old_side,
                        git_index **new_side)
{
    struct reader r;
    unsigned version;
    size_t ext, i = 0;
    int rc = LG_EUNSUPPORTED;

    memset(&r, 0, sizeof(r));
    r.repo = repo;
    *old_side = *new_side = NULL;
    if (!head || map_index(index_path, &r.file, &r.size) < 0)
        return LG_EUNSUPPORTED;
    if (r.size < 12 + OID_RAW || memcmp(r.file, "DIRC", 4) != 0)
        goto out;
    version = lg_be32(r.file + 4);
    r.n = lg_be32(r.file + 8);
    if (version < 2 || version > 4 || r.n > r.size / 62)
        goto out;
    if (!(r.e = calloc(r.n ? r.n : 1, sizeof(*r.e)))) {
        rc = LG_ENOMEM;
        goto out;
    }
    if (!(ext = parse_entries(&r, version)) || !parse_extensions(&r, ext))
        goto out;
    for (size_t j = 1; j < r.n; j++) /* sorted, no duplicates */
        if (strcmp(r.e[j - 1].path, r.e[j].path) >= 0)
            goto out;
    if (git_index_new(&r.old_side) < 0 || git_index_new(&r.new_side) < 0)
        goto out;
    /* When the whole cache tree is HEAD's tree, nothing is staged. */
    if (!(r.n_nodes && r.nodes[0].count == (long)r.n && r.nodes[0].oid &&
          memcmp(r.nodes[0].oid, git_tree_id(head)->id, OID_RAW) == 0) &&
        (walk(&r, "", 0, head, r.n_nodes ? &r.nodes[0] : NULL, &i, 0) < 0 ||
         i != r.n))
        goto out;
    *old_side = r.old_side;
    *new_side = r.new_side;
    r.old_side = r.new_side = NULL;
    rc = LG_OK;
out:
    if (rc == LG_EUNSUPPORTED && r.fail == LG_ENOMEM)
        rc = LG_ENOMEM;
    git_index_free(r.old_side);
    git_index_free(r.new_side);
    free(r.nodes);
    free(r.paths);
    free(r.e);
    if (r.file)
        munmap(r.file, r.size);
    return rc;
}
