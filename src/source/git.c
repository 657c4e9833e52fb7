/* The git source: repository handles, blob jobs and the history walk.
 *
 * History.  Diffing every commit against its parents costs a tree diff per
 * commit and a blob comparison per change, and still meets each blob many
 * times.  We instead walk the commits of all refs oldest first (reverse
 * topological order) and, for each commit, descend its tree, skipping every
 * subtree whose id was already met: a tree seen once had all its blobs
 * attributed then.  Within a new tree, the entries equal to those of the
 * tree walked last at the same path (usually the parent's version) are
 * skipped by a merge of the two sorted entry lists, without a lookup in
 * the set: a tree walked before had every entry met.  The first time a
 * blob id is met, the current commit is
 * the first (in that order) to hold it, at the current path, so it
 * introduced it there; the blob is queued once, with that commit's
 * provenance.  Each tree and each blob is read once; the only whole-history
 * structure is the set of ids met (~27-54 bytes an object), plus libgit2's
 * list of commits for the topological sort.
 *
 * Blobs are read and scanned on the worker threads, in pack order
 * (git_job.c); packed objects are read with git_pack.h, the rest with
 * libgit2.  Range modes are in git_diff.c. */
#include "source/git.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "scan/session.h"
#include "source/git_priv.h"
#include "util/buf.h"
#include "util/text.h"

#define PATH_CAP (64 * 1024) /* longest path handed out */
#define MEMO_BYTES ((size_t)64 * 1024 * 1024) /* trees kept by the memo */
#define MAX_DEPTH 1024       /* deepest tree descended into */

/* libgit2 tuning for one pass over a whole object database: no hash
 * check on every read (we only scan), pack windows small and few so that
 * mapped pack files do not dominate peak RSS, a small object cache (each
 * tree and commit is looked up once); in history mode, where libgit2
 * reads only commits, each once, a tiny one (85,000-commit history: peak
 * RSS 304 -> 251 MiB, time unchanged within noise). */
#define MWINDOW_SIZE ((size_t)32 * 1024 * 1024)
#define MWINDOW_LIMIT ((size_t)128 * 1024 * 1024)
#define CACHE_MAX ((ssize_t)16 * 1024 * 1024)
#define CACHE_MAX_HISTORY ((ssize_t)2 * 1024 * 1024)
#define WALKER_CACHE ((size_t)16 * 1024 * 1024) /* trees' delta bases */
/* Packs read through their mapping (faster than pread, but every page
 * read stays resident), in all; larger ones are read with pread. */
#define PACKS_MAPPED ((uint64_t)64 * 1024 * 1024)

int lg_git_fail(struct lg_error *err, int code, const char *what)
{
    const git_error *e = git_error_last();

    return lg_error_set(err, code, "%s: %s", what,
                        e && e->message ? e->message : "libgit2 error");
}

/* ------------------------------------------------------------------ */
/* What to scan                                                         */

static bool excluded(const struct lg_git_drv *d, const char *path)
{
    const struct lg_strlist *ex = d->o->excludes;

    for (size_t i = 0; ex && i < ex->n; i++)
        if (lg_glob_match(ex->v[i], path))
            return true;
    return false;
}

/* One notice per submodule path, however many commits it had. */
static bool first_notice(struct lg_git_drv *d, const char *path)
{
    XXH128_hash_t h = XXH3_128bits(path, strlen(path));
    unsigned char key[LG_OID_RAWSZ];

    memcpy(key, &h.low64, 8);
    memcpy(key + 8, &h.high64, 8);
    memset(key + 16, 0xff, 4);
    return lg_oidset_insert(&d->noticed, key) != 0;
}

bool lg_git_admit(struct lg_git_drv *d, uint32_t mode, const git_oid *id,
                  const char *path)
{
    switch (mode) {
    case GIT_FILEMODE_BLOB:
    case GIT_FILEMODE_BLOB_EXECUTABLE:
        if (!excluded(d, path))
            return true;
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_EXCLUDED, path,
                          "excluded");
        return false;
    case GIT_FILEMODE_LINK:
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_SYMLINK, path,
                          "symbolic link not scanned (its blob is a path)");
        return false;
    case GIT_FILEMODE_COMMIT:
        if (first_notice(d, path)) {
            char hex[GIT_OID_HEXSZ + 1], msg[160];
            git_oid_tostr(hex, sizeof(hex), id);
            snprintf(msg, sizeof(msg),
                     "submodule (commit %s) not scanned: scan its own "
                     "repository",
                     hex);
            lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_GIT_REASON_SUBMODULE,
                              path, msg);
        }
        return false;
    default: return false;
    }
}

/* ------------------------------------------------------------------ */
/* History walk                                                         */

struct walk {
    struct lg_git_drv *d;
    const git_commit *commit; /* NULL for trees named by a ref */
    struct lg_git_prov *prov; /* made on the first blob queued */
    struct lg_buf path;
};

/* One entry of a raw tree object: "<octal mode> <name>\0<20-byte id>". */
struct entry {
    uint32_t mode;
    const char *name;
    git_oid id;
};

/* Parse the entry at *p (end: the object's end); false when malformed. */
static bool next_entry(const unsigned char **p, const unsigned char *end,
                       struct entry *e)
{
    const unsigned char *q = *p, *nul;

    e->mode = 0;
    while (q < end && *q >= '0' && *q <= '7' && e->mode < 01000000)
        e->mode = e->mode * 8 + (uint32_t)(*q++ - '0');
    if (q == *p || q >= end || *q++ != ' ')
        return false;
    nul = memchr(q, '\0', (size_t)(end - q));
    if (!nul || nul == q || (size_t)(end - nul - 1) < LG_OID_RAWSZ)
        return false;
    e->name = (const char *)q;
    git_oid_fromraw(&e->id, nul + 1);
    *p = nul + 1 + LG_OID_RAWSZ;
    return true;
}

static int walk_tree(struct walk *wk, const git_oid *tree_id, unsigned depth);

/* The memo: for each directory path, the tree object walked last there
 * (a reference, no copy) and where each of its entries starts, up to
 * MEMO_BYTES of trees and tables. */
struct memo_slot {
    char *path; /* NULL: empty slot */
    uint64_t hash;
    struct lg_gobj *tree; /* NULL: not remembered (out of budget) */
    uint32_t *offs;       /* tree->data offset of each entry */
    size_t n_offs;
};

struct lg_tree_memo {
    struct memo_slot *v;
    size_t cap, n, bytes;
};

static void memo_free(struct lg_tree_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++) {
        free(m->v[i].path);
        free(m->v[i].offs);
        lg_gobj_unref(m->v[i].tree);
    }
    free(m->v);
    free(m);
}

static struct memo_slot *memo_find(struct lg_tree_memo *m, const char *path,
                                   size_t len, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);

    while (m->v[i].path &&
           !(m->v[i].hash == h && strncmp(m->v[i].path, path, len) == 0 &&
             m->v[i].path[len] == '\0'))
        i = (i + 1) & (m->cap - 1);
    return &m->v[i];
}

static int memo_grow(struct lg_tree_memo *m)
{
    struct lg_tree_memo big = {NULL, m->cap ? m->cap * 2 : 256, m->n,
                               m->bytes};

    big.v = calloc(big.cap, sizeof(*big.v));
    if (!big.v)
        return LG_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->v[i].path)
            *memo_find(&big, m->v[i].path, strlen(m->v[i].path),
                       m->v[i].hash) = m->v[i];
    free(m->v);
    *m = big;
    return LG_OK;
}

/* The slot of the tree walked last at path, or NULL.  Valid until the
 * next memo_put. */
static const struct memo_slot *memo_get(struct lg_tree_memo *m,
                                        const char *path, size_t len)
{
    const struct memo_slot *sl;

    if (!m || !m->cap)
        return NULL;
    sl = memo_find(m, path, len, XXH3_64bits(path, len));
    return sl->tree ? sl : NULL;
}

static size_t memo_cost(const struct memo_slot *sl)
{
    return sl->tree ? sl->tree->size + sl->n_offs * sizeof(*sl->offs) : 0;
}

/* Remember tree (a new reference is taken) and its entry table offs
 * (taken over) as the last ones at path; out of budget or memory, the
 * path is simply not remembered. */
static void memo_put(struct lg_git_drv *d, const char *path, size_t len,
                     struct lg_gobj *tree, uint32_t *offs, size_t n_offs)
{
    struct lg_tree_memo *m = d->memo;
    uint64_t h = XXH3_64bits(path, len);
    size_t cost = tree->size + n_offs * sizeof(*offs);
    struct memo_slot *sl;

    if ((!m && !(m = d->memo = calloc(1, sizeof(*m)))) ||
        ((m->n + 1) * 2 > m->cap && memo_grow(m) < 0))
        goto drop;
    sl = memo_find(m, path, len, h);
    if (sl->path) { /* replace: the old tree's bytes are given back */
        m->bytes -= memo_cost(sl);
        lg_gobj_unref(sl->tree);
        free(sl->offs);
        sl->tree = NULL;
        sl->offs = NULL;
    }
    if (m->bytes + cost > MEMO_BYTES)
        goto drop; /* a slot replaced stays, without a tree */
    if (!sl->path) {
        if (!(sl->path = malloc(len + 1)))
            goto drop;
        memcpy(sl->path, path, len);
        sl->path[len] = '\0';
        sl->hash = h;
        m->n++;
    }
    sl->tree = lg_gobj_ref(tree);
    sl->offs = offs;
    sl->n_offs = n_offs;
    m->bytes += cost;
    return;
drop:
    free(offs);
}

int lg_git_name_cmp(const char *a, size_t al, bool adir, const char *b,
                    size_t bl, bool bdir)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    unsigned char ca, cb;

    if (c)
        return c;
    /* names hold no '/' or NUL: equal after the prefix only when equal */
    ca = al > n ? (unsigned char)a[n] : adir ? '/' : 0;
    cb = bl > n ? (unsigned char)b[n] : bdir ? '/' : 0;
    return ca < cb ? -1 : ca > cb;
}

static int entry_cmp(const struct entry *a, const struct entry *b)
{
    return lg_git_name_cmp(a->name, strlen(a->name),
                           a->mode == GIT_FILEMODE_TREE, b->name,
                           strlen(b->name), b->mode == GIT_FILEMODE_TREE);
}

static int walk_entry(struct walk *wk, const struct entry *e, unsigned depth)
{
    struct lg_git_drv *d = wk->d;
    size_t keep = wk->path.len;
    int rc = LG_OK;

    if (e->mode != GIT_FILEMODE_COMMIT) {
        rc = lg_oidset_insert(&d->seen, e->id.id);
        if (rc <= 0)
            return rc; /* met before, or out of memory */
        rc = LG_OK;
    }
    if ((keep && lg_buf_putc(&wk->path, '/') < 0) ||
        lg_buf_puts(&wk->path, e->name) < 0) {
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_TOO_DEEP,
                          wk->path.data, "path too long");
        goto out;
    }
    if (e->mode == GIT_FILEMODE_TREE) {
        rc = walk_tree(wk, &e->id, depth + 1);
    } else if (lg_git_admit(d, e->mode, &e->id, wk->path.data)) {
        if (!wk->prov && wk->commit) {
            wk->prov = lg_git_prov_new(wk->commit);
            if (!wk->prov) {
                rc = LG_ENOMEM;
                goto out;
            }
        }
        rc = lg_git_queue(d, &e->id, wk->path.data, wk->prov, false, NULL, 0);
    }
out:
    wk->path.len = keep;
    if (wk->path.data)
        wk->path.data[keep] = '\0';
    return rc;
}

/* Length of the common prefix of a and b (n bytes each at most). */
static size_t common_prefix(const unsigned char *a, const unsigned char *b,
                            size_t n)
{
    size_t i = 0;

    while (n - i >= 1024 && memcmp(a + i, b + i, 1024) == 0)
        i += 1024;
    while (n - i >= 32 && memcmp(a + i, b + i, 32) == 0)
        i += 32;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Offset of entry k of a tree of len bytes with n entries (k <= n). */
static size_t entry_off(const uint32_t *offs, size_t n, size_t k, size_t len)
{
    return k < n ? offs[k] : len;
}

/* Room for `more` entry offsets after the n in *offs. */
static int offs_room(uint32_t **offs, size_t *cap, size_t n, size_t more)
{
    uint32_t *t;
    size_t ncap;

    if (n + more <= *cap)
        return LG_OK;
    ncap = 2 * (n + more);
    if (!(t = realloc(*offs, ncap * sizeof(*t))))
        return LG_ENOMEM;
    *offs = t;
    *cap = ncap;
    return LG_OK;
}

/* Trees are parsed from the raw object: no tree object, no entry array,
 * since each tree is read once.
 *
 * The tree walked last at the same path (usually the parent commit's
 * version) is the reference: its entries were all met when it was walked.
 * Both trees are sorted, and between changes their bytes are equal, so the
 * walk alternates: skip the longest run of equal bytes, as whole entries
 * of the reference (found by binary search in its table of entry
 * offsets); then parse the entry where they differ and merge it with the
 * reference's entries by name.  A tree with a few changes among thousands
 * of entries costs a byte comparison and a few entry parses. */
static int walk_tree(struct walk *wk, const git_oid *tree_id, unsigned depth)
{
    const char *where = wk->path.len ? wk->path.data : "/";
    const unsigned char *base, *p, *end, *pbase = NULL;
    const uint32_t *poffs = NULL;
    const struct memo_slot *sl;
    struct lg_gobj *obj = NULL, *prev = NULL;
    uint32_t *offs = NULL;
    size_t pn = 0, plen = 0, k = 0, n = 0, cap = 0;
    bool remember = false;
    struct entry e, pe;
    uint64_t size;
    int rc;

    if (depth > MAX_DEPTH) {
        lg_session_notice(wk->d->s, LG_NOTICE_SKIPPED, LG_REASON_TOO_DEEP,
                          where, "trees nested too deep");
        return LG_OK;
    }
    rc = lg_git_read(wk->d, wk->d->walker_pr, wk->d->odb, tree_id, UINT64_MAX,
                     &obj, &size);
    if (rc == LG_ENOMEM)
        return rc;
    if (rc < 0 || obj->type != GIT_OBJECT_TREE) {
        lg_gobj_unref(obj); /* read, but not a tree */
        if (rc == LG_OK)
            git_error_set_str(GIT_ERROR_OBJECT, "the object is not a tree");
        lg_git_notice(wk->d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, where,
                      "cannot read tree", tree_id);
        return LG_OK;
    }
    rc = LG_OK;
    base = p = obj->data;
    end = p + obj->size;
    if (obj->size <= UINT32_MAX &&
        (sl = memo_get(wk->d->memo, wk->path.data ? wk->path.data : "",
                       wk->path.len))) {
        prev = lg_gobj_ref(sl->tree); /* slot and table: this level's */
        pbase = prev->data;
        plen = prev->size;
        poffs = sl->offs;
        pn = sl->n_offs;
    }
    while (rc == LG_OK && p < end) {
        int c = 1;

        if (k < pn) { /* skip the entries before the next difference */
            size_t at = poffs[k], lo = k, hi = pn, left = (size_t)(end - p);
            size_t run = common_prefix(p, pbase + at,
                                       left < plen - at ? left : plen - at);
            while (lo < hi) { /* the last entry starting by at + run */
                size_t mid = lo + (hi - lo + 1) / 2;
                if (entry_off(poffs, pn, mid, plen) <= at + run)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            if (lo > k) { /* entries k..lo-1 are equal in both */
                if ((rc = offs_room(&offs, &cap, n, lo - k)) < 0)
                    break;
                for (size_t j = k; j < lo; j++)
                    offs[n++] = (uint32_t)(poffs[j] - at + (size_t)(p - base));
                p += entry_off(poffs, pn, lo, plen) - at;
                k = lo;
                continue;
            }
        }
        if ((rc = offs_room(&offs, &cap, n, 1)) < 0)
            break;
        offs[n++] = (uint32_t)(p - base);
        if (!next_entry(&p, end, &e)) {
            lg_git_notice(wk->d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, where,
                          "malformed tree", tree_id);
            goto out; /* not remembered: its table is incomplete */
        }
        /* Pass the reference's entries that sort before e (gone). */
        for (; k < pn; k++) {
            const unsigned char *q = pbase + poffs[k];
            if (!next_entry(&q, pbase + plen, &pe) ||
                (c = entry_cmp(&pe, &e)) >= 0)
                break;
        }
        if (k < pn && c == 0 && pe.mode == e.mode &&
            git_oid_equal(&pe.id, &e.id)) {
            k++;
            continue; /* met when the reference was walked */
        }
        if (k < pn && c == 0)
            k++; /* the same name, changed */
        rc = walk_entry(wk, &e, depth);
    }
    /* entry offsets are 32-bit: a larger tree is walked, not remembered */
    remember = rc == LG_OK && obj->size <= UINT32_MAX;
out:
    lg_gobj_unref(prev);
    if (remember)
        memo_put(wk->d, wk->path.data ? wk->path.data : "", wk->path.len, obj,
                 offs, n);
    else
        free(offs);
    lg_gobj_unref(obj);
    return rc;
}

/* Walk a root tree (of a commit, or named by a ref) if not met yet. */
static int walk_root(struct lg_git_drv *d, const git_commit *c,
                     const git_oid *tree_id)
{
    struct walk wk = {d, c, NULL, {0}};
    int rc = lg_oidset_insert(&d->seen, tree_id->id);

    if (rc <= 0)
        return rc; /* met before, or out of memory */
    lg_buf_init(&wk.path, PATH_CAP);
    rc = walk_tree(&wk, tree_id, 0);
    lg_buf_release(&wk.path);
    lg_git_prov_unref(wk.prov);
    return rc;
}

/* Refs that name a tree or a blob (e.g. a tag of a public key file) are
 * scanned after every commit, so that commits get the attribution. */
struct loose {
    git_oid id[64];
    char *name[64];
    git_object_t type[64];
    size_t n;
};

static int start_from(struct lg_git_drv *d, git_revwalk *walk, struct loose *lo,
                      git_object *obj, const char *name)
{
    git_object_t type = git_object_type(obj);

    if (type == GIT_OBJECT_COMMIT) {
        if (git_revwalk_push(walk, git_object_id(obj)) < 0)
            lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, name,
                          "cannot walk from commit", git_object_id(obj));
        return LG_OK;
    }
    if (type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB)
        return LG_OK;
    if (lo->n == 64) {
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_UNREADABLE, name,
                          "too many refs name a tree or a blob; not scanned");
        return LG_OK;
    }
    lo->name[lo->n] = strdup(name);
    if (!lo->name[lo->n])
        return LG_ENOMEM;
    git_oid_cpy(&lo->id[lo->n], git_object_id(obj));
    lo->type[lo->n++] = type;
    return LG_OK;
}

static int stash_cb(size_t index, const char *message, const git_oid *id,
                    void *payload)
{
    (void)index;
    (void)message;
    git_revwalk_push(payload, id);
    return 0;
}

static int start_all(struct lg_git_drv *d, git_revwalk *walk, struct loose *lo,
                     struct lg_error *err)
{
    git_reference_iterator *it;
    git_reference *ref;
    git_object *obj;
    int rc = LG_OK, grc;

    if (git_reference_iterator_new(&it, d->repo) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot list references");
    while (rc == LG_OK && (grc = git_reference_next(&ref, it)) == 0) {
        if (git_reference_peel(&obj, ref, GIT_OBJECT_ANY) < 0) {
            lg_session_notice(d->s, LG_NOTICE_FAILED, LG_REASON_UNREADABLE,
                              git_reference_name(ref),
                              "reference cannot be resolved; not walked");
        } else {
            rc = start_from(d, walk, lo, obj, git_reference_name(ref));
            git_object_free(obj);
        }
        git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    if (rc < 0)
        return lg_error_set(err, rc, "out of memory");
    /* A detached HEAD, and stashes older than refs/stash (in its log). */
    if (git_revparse_single(&obj, d->repo, "HEAD") == 0) {
        rc = start_from(d, walk, lo, obj, "HEAD");
        git_object_free(obj);
    }
    git_stash_foreach(d->repo, stash_cb, walk);
    git_error_clear();
    return rc < 0 ? lg_error_set(err, rc, "out of memory") : LG_OK;
}

static int start_revs(struct lg_git_drv *d, git_revwalk *walk, struct loose *lo,
                      struct lg_error *err)
{
    const struct lg_strlist *revs = d->o->branches;
    int rc = LG_OK;

    for (size_t i = 0; i < revs->n && rc == LG_OK; i++) {
        git_object *obj;
        if (git_revparse_single(&obj, d->repo, revs->v[i]) < 0)
            return lg_error_set(err, LG_EINVAL,
                                "unknown revision '%s' (--branch)", revs->v[i]);
        rc = start_from(d, walk, lo, obj, revs->v[i]);
        git_object_free(obj);
    }
    return rc < 0 ? lg_error_set(err, rc, "out of memory") : LG_OK;
}

static int walk_commits(struct lg_git_drv *d, git_revwalk *walk,
                        struct lg_error *err)
{
    git_oid id;
    int rc = LG_OK, grc = GIT_ITEROVER;

    while (rc == LG_OK && (grc = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c;
        if (git_commit_lookup(&c, d->repo, &id) < 0) {
            lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, NULL,
                          "cannot read commit", &id);
            continue;
        }
        rc = walk_root(d, c, git_commit_tree_id(c));
        git_commit_free(c);
    }
    if (rc < 0)
        return lg_error_set(err, rc, "history walk failed: %s",
                            lg_strerror(rc));
    if (grc != GIT_ITEROVER)
        return lg_git_fail(err, LG_EINTERNAL, "history walk failed");
    return LG_OK;
}

static int scan_history(struct lg_git_drv *d, struct lg_error *err)
{
    struct loose lo = {.n = 0};
    git_revwalk *walk;
    int rc;

    if (git_revwalk_new(&walk, d->repo) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot walk history");
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    rc = d->o->branches && d->o->branches->n ? start_revs(d, walk, &lo, err)
                                             : start_all(d, walk, &lo, err);
    if (rc == LG_OK)
        rc = walk_commits(d, walk, err);
    for (size_t i = 0; i < lo.n; i++) {
        if (rc == LG_OK && lo.type[i] == GIT_OBJECT_TREE)
            rc = walk_root(d, NULL, &lo.id[i]);
        else if (rc == LG_OK && lg_oidset_insert(&d->seen, lo.id[i].id) > 0)
            rc = lg_git_queue(d, &lo.id[i], lo.name[i], NULL, false, NULL, 0);
        free(lo.name[i]);
    }
    git_revwalk_free(walk);
    if (rc < 0 && !err->msg[0])
        lg_error_set(err, rc, "history walk failed: %s", lg_strerror(rc));
    return rc;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */

static int open_repo(git_repository **out, const char *path,
                     struct lg_error *err)
{
    int grc = git_repository_open_ext(out, path, 0, NULL);

    if (grc == GIT_ENOTFOUND)
        return lg_error_set(err, LG_ENOTFOUND,
                            "no git repository at or above '%s'", path);
    if (grc < 0) {
        char what[300];
        snprintf(what, sizeof(what), "cannot open the repository at '%s'",
                 path);
        return lg_git_fail(err, LG_EINTERNAL, what);
    }
    return LG_OK;
}

/* History reads packed objects with its own readers (git_pack.h): one
 * for the walker here, one per worker handle (git_job.c). */
static int open_packs(struct lg_git_drv *d, struct lg_error *err)
{
    const char *common = git_repository_commondir(d->repo);
    size_t n = strlen(common);
    char *objdir = malloc(n + 9);
    int rc;

    if (!objdir)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    snprintf(objdir, n + 9, "%s%sobjects", common,
             n && common[n - 1] == '/' ? "" : "/");
    rc = lg_packs_open(&d->packs, objdir, PACKS_MAPPED);
    free(objdir);
    if (rc == LG_OK) {
        d->walker_pr = lg_pack_reader_new(d->packs, WALKER_CACHE, false);
        if (!d->walker_pr)
            rc = LG_ENOMEM;
    }
    return rc < 0 ? lg_error_set(err, rc, "out of memory") : LG_OK;
}

static void tune(bool history)
{
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, MWINDOW_SIZE);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, MWINDOW_LIMIT);
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE,
                     history ? CACHE_MAX_HISTORY : CACHE_MAX);
}

int lg_git_init(struct lg_error *err)
{
    if (git_libgit2_init() < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot start libgit2");
    return LG_OK;
}

void lg_git_shutdown(void)
{
    git_libgit2_shutdown();
}

int lg_git_scan(struct lg_session *s, const char *repo,
                const struct lg_git_opts *o, struct lg_error *err)
{
    struct lg_git_drv d = {.s = s, .o = o};
    int rc;

    if (git_libgit2_init() < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot start libgit2");
    tune(o->mode == LG_GIT_HISTORY);
    d.max_blob = o->max_blob_size ? o->max_blob_size : LG_GIT_BLOB_MAX;
    d.serial = !(git_libgit2_features() & GIT_FEATURE_THREADS);
    lg_oidset_init(&d.seen);
    lg_oidset_init(&d.noticed);
    pthread_mutex_init(&d.mu, NULL);
    pthread_mutex_init(&d.serial_mu, NULL);
    pthread_cond_init(&d.idle, NULL);
    rc = open_repo(&d.repo, repo, err);
    if (rc < 0)
        goto out;
    if (git_repository_odb(&d.odb, d.repo) < 0) {
        rc = lg_git_fail(err, LG_EINTERNAL, "cannot open the object database");
        goto out;
    }
    d.gitdir = strdup(git_repository_path(d.repo));
    if (d.gitdir)
        lg_git_loose_init(&d);
    if (!d.gitdir) {
        rc = lg_error_set(err, LG_ENOMEM, "out of memory");
        goto out;
    }
    if (o->mode == LG_GIT_HISTORY && (rc = open_packs(&d, err)) < 0)
        goto out;
    rc = o->mode == LG_GIT_HISTORY ? scan_history(&d, err)
                                   : lg_git_scan_changes(&d, err);
    if (lg_git_flush(&d) < 0 && rc == LG_OK)
        rc = lg_error_set(err, LG_ENOMEM, "out of memory");
out:
    lg_git_wait(&d);
    lg_git_pool_release(&d);
    lg_pack_reader_free(d.walker_pr);
    lg_packs_close(d.packs);
    free(d.gitdir);
    git_odb_free(d.odb);
    git_repository_free(d.repo);
    lg_oidset_release(&d.seen);
    lg_oidset_release(&d.noticed);
    memo_free(d.memo);
    pthread_cond_destroy(&d.idle);
    pthread_mutex_destroy(&d.serial_mu);
    pthread_mutex_destroy(&d.mu);
    git_libgit2_shutdown();
    return rc;
}

int lg_git_hooks_dir(char **out, const char *repo, struct lg_error *err)
{
    git_repository *r = NULL;
    git_config *cfg = NULL;
    git_buf hp = GIT_BUF_INIT;
    struct lg_buf b;
    const char *base;
    int rc;

    *out = NULL;
    lg_buf_init(&b, PATH_CAP);
    if (git_libgit2_init() < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot start libgit2");
    rc = open_repo(&r, repo, err);
    if (rc < 0)
        goto out;
    if (git_repository_config_snapshot(&cfg, r) == 0 &&
        git_config_get_path(&hp, cfg, "core.hooksPath") == 0 && hp.size) {
        base = git_repository_is_bare(r) ? git_repository_path(r)
                                         : git_repository_workdir(r);
        if (hp.ptr[0] != '/' && base)
            rc =
                lg_buf_printf(&b, "%s%s%s", base,
                              base[strlen(base) - 1] == '/' ? "" : "/", hp.ptr);
        else
            rc = lg_buf_puts(&b, hp.ptr);
    } else {
        rc = lg_buf_printf(&b, "%shooks", git_repository_commondir(r));
    }
    if (rc < 0) {
        rc = lg_error_set(err, rc, "hooks path too long");
        goto out;
    }
    *out = lg_buf_detach(&b);
out:
    lg_buf_release(&b);
    git_buf_dispose(&hp);
    git_config_free(cfg);
    git_repository_free(r);
    git_libgit2_shutdown();
    return rc;
}
