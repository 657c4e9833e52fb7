/* Blob jobs of the git source: provenance, repository handles, batches
 * and pack-order runs.
 *
 * The walker queues blobs.  The history's packed blobs wait for a run in
 * pack order (see "Pack-order runs" below); the others are grouped in
 * batches of up to BATCH_MAX (one session job each), because a job per
 * blob costs two thread wake-ups per blob, which on a long history costs
 * more than the blobs' reading.  A job runs on a worker thread with a
 * repository handle taken from a pool: a libgit2 repository (and its
 * object database) and a pack reader (git_pack.h) are used by one thread
 * at a time, and the pool never holds more handles than there are
 * workers.  Each blob is read whole (its size checked from the headers
 * first), fed to lg_worker_scan through a memory reader, and for range
 * modes diffed against its old versions with no context, so that `accept`
 * keeps only findings on the lines it adds. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/session.h"
#include "source/git_priv.h"

#define FIELD_CAP 256 /* author, e-mail, message first line */
#define BATCH_MAX 32  /* blobs a job */
#define READER_CACHE ((size_t)24 * 1024 * 1024) /* a worker's delta bases */

struct lg_git_handle {
    git_repository *repo;
    git_odb *odb;
    struct lg_pack_reader *pr; /* NULL: libgit2 reads everything */
};

struct lg_git_prov {
    atomic_uint refs;
    struct lg_provenance p; /* strings in buf */
    char buf[];
};

struct item {
    struct lg_git_prov *prov; /* a reference, or NULL */
    char *path;               /* owned */
    git_oid id;
    git_oid old[LG_GIT_MAX_PARENTS];
    unsigned n_old;
    bool added_only;
};

struct lg_git_batch {
    struct lg_git_drv *d;
    size_t n;
    struct item item[BATCH_MAX];
};

void lg_git_notice(struct lg_git_drv *d, enum lg_notice_kind kind,
                   const char *reason, const char *path, const char *what,
                   const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1], msg[256];
    const git_error *e = git_error_last();

    git_oid_tostr(hex, sizeof(hex), id);
    snprintf(msg, sizeof(msg), "%s %s: %s", what, hex,
             e && e->message ? e->message : "libgit2 error");
    lg_session_notice(d->s, kind, reason, path, msg);
}

/* ------------------------------------------------------------------ */
/* Provenance                                                           */

/* Length of the first line of s, trimmed, at most cap. */
static size_t first_line(const char *s, size_t cap)
{
    size_t n = strcspn(s, "\r\n");

    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n < cap ? n : cap;
}

static void iso_date(char *out, size_t outsz, const git_time *when)
{
    time_t t = (time_t)(when->time + (git_time_t)when->offset * 60);
    int off = when->offset < 0 ? -when->offset : when->offset;
    struct tm tm;
    char base[32];

    if (!gmtime_r(&t, &tm) ||
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
        snprintf(out, outsz, "%s", "1970-01-01T00:00:00+00:00");
        return;
    }
    snprintf(out, outsz, "%s%c%02d:%02d", base, when->offset < 0 ? '-' : '+',
             off / 60, off % 60);
}

struct lg_git_prov *lg_git_prov_new(const git_commit *c)
{
    const git_signature *a = git_commit_author(c);
    const char *msg = git_commit_message(c);
    const char *name = a && a->name ? a->name : "";
    const char *email = a && a->email ? a->email : "";
    char id[GIT_OID_HEXSZ + 1], date[48] = "";
    size_t n_id, n_name, n_email, n_date, n_msg;
    struct lg_git_prov *p;
    char *at;

    git_oid_tostr(id, sizeof(id), git_commit_id(c));
    if (a)
        iso_date(date, sizeof(date), &a->when);
    if (!msg)
        msg = "";
    n_id = strlen(id);
    n_name = first_line(name, FIELD_CAP);
    n_email = first_line(email, FIELD_CAP);
    n_date = strlen(date);
    n_msg = first_line(msg, FIELD_CAP);
    p = malloc(sizeof(*p) + n_id + n_name + n_email + n_date + n_msg + 5);
    if (!p)
        return NULL;
    atomic_init(&p->refs, 1);
    at = p->buf;
#define PUT(field, src, n)                                                     \
    do {                                                                       \
        p->p.field = at;                                                       \
        memcpy(at, src, n);                                                    \
        at[n] = '\0';                                                          \
        at += (n) + 1;                                                         \
    } while (0)
    PUT(commit, id, n_id);
    PUT(author, name, n_name);
    PUT(email, email, n_email);
    PUT(date, date, n_date);
    PUT(message, msg, n_msg);
#undef PUT
    return p;
}

void lg_git_prov_unref(struct lg_git_prov *p)
{
    if (p && atomic_fetch_sub(&p->refs, 1) == 1)
        free(p);
}

/* ------------------------------------------------------------------ */
/* Handle pool                                                          */

static int handle_get(struct lg_git_drv *d, struct lg_git_handle *h)
{
    unsigned flags = GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE;

    pthread_mutex_lock(&d->mu);
    if (d->n_pool) {
        *h = d->pool[--d->n_pool];
        pthread_mutex_unlock(&d->mu);
        return LG_OK;
    }
    pthread_mutex_unlock(&d->mu);
    h->odb = NULL;
    h->pr = NULL;
    if (git_repository_open_ext(&h->repo, d->gitdir, flags, NULL) < 0)
        return LG_EINTERNAL;
    if (git_repository_odb(&h->odb, h->repo) < 0) {
        git_repository_free(h->repo);
        return LG_EINTERNAL;
    }
    /* without a reader (out of memory), libgit2 reads the packs too */
    if (d->packs)
        h->pr = lg_pack_reader_new(d->packs, READER_CACHE, true);
    return LG_OK;
}

static void handle_free(struct lg_git_handle *h)
{
    lg_pack_reader_free(h->pr);
    git_odb_free(h->odb);
    git_repository_free(h->repo);
}

static void handle_put(struct lg_git_drv *d, struct lg_git_handle *h)
{
    pthread_mutex_lock(&d->mu);
    if (d->n_pool == d->cap_pool) {
        size_t ncap = d->cap_pool ? 2 * d->cap_pool : 8;
        struct lg_git_handle *v = realloc(d->pool, ncap * sizeof(*v));
        if (!v) {
            pthread_mutex_unlock(&d->mu);
            handle_free(h);
            return;
        }
        d->pool = v;
        d->cap_pool = ncap;
    }
    d->pool[d->n_pool++] = *h;
    pthread_mutex_unlock(&d->mu);
}

void lg_git_pool_release(struct lg_git_drv *d)
{
    for (size_t i = 0; i < d->n_pool; i++)
        handle_free(&d->pool[i]);
    free(d->pool);
    d->pool = NULL;
    d->n_pool = d->cap_pool = 0;
}

/* ------------------------------------------------------------------ */
/* Added lines                                                          */

struct line_range {
    uint64_t lo, hi; /* 1-based, inclusive */
};

/* Lines the new blob adds, relative to each old blob; a side whose diff
 * could not be made (n < 0) constrains nothing. */
struct added {
    const char *path;
    struct line_range *r[LG_GIT_MAX_PARENTS];
    long n[LG_GIT_MAX_PARENTS];
    unsigned n_old;
};

/* Hunks of old → new with no context: new_start/new_lines are exactly the
 * added lines.  Returns the number of ranges, or -1. */
static long diff_ranges(struct line_range **out, git_odb *odb,
                        const git_oid *old_id, const void *data, size_t n,
                        uint64_t max_blob)
{
    git_diff_options opts;
    git_odb_object *old = NULL;
    git_patch *patch = NULL;
    struct line_range *r = NULL;
    size_t hunks, size;
    git_object_t type;
    long got = -1;

    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    opts.flags = GIT_DIFF_FORCE_TEXT;
    if (git_odb_read_header(&size, &type, odb, old_id) < 0 || size > max_blob ||
        git_odb_read(&old, odb, old_id) < 0)
        goto out;
    if (git_patch_from_buffers(&patch, git_odb_object_data(old),
                               git_odb_object_size(old), NULL, data, n, NULL,
                               &opts) < 0)
        goto out;
    hunks = git_patch_num_hunks(patch);
    r = malloc((hunks ? hunks : 1) * sizeof(*r));
    if (!r)
        goto out;
    got = 0;
    for (size_t i = 0; i < hunks; i++) {
        const git_diff_hunk *h;
        if (git_patch_get_hunk(&h, NULL, patch, i) < 0) {
            got = -1;
            break;
        }
        if (h->new_lines > 0) {
            r[got].lo = (uint64_t)h->new_start;
            r[got].hi = (uint64_t)h->new_start + (uint64_t)h->new_lines - 1;
            got++;
        }
    }
out:
    if (got < 0) {
        free(r);
        r = NULL;
    }
    *out = r;
    git_patch_free(patch);
    git_odb_object_free(old);
    git_error_clear();
    return got;
}

/* A finding is kept when, against every old version, one of its lines is
 * an added line.  Findings inside archive members carry the member's
 * lines, which the blob diff does not know: kept. */
static bool on_added_lines(const struct lg_finding *f, void *arg)
{
    const struct added *a = arg;
    uint64_t end = f->end_line ? f->end_line : f->line;

    if (strcmp(f->path, a->path) != 0)
        return true;
    for (unsigned i = 0; i < a->n_old; i++) {
        bool hit = a->n[i] < 0;
        for (long k = 0; !hit && k < a->n[i]; k++)
            hit = a->r[i][k].lo <= end && f->line <= a->r[i][k].hi;
        if (!hit)
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                 */

struct mem_src {
    const unsigned char *p;
    size_t left;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    struct mem_src *m = ctx;

    if (n > m->left)
        n = m->left;
    memcpy(buf, m->p, n);
    m->p += n;
    m->left -= n;
    return (ssize_t)n;
}

static void release_odb_object(void *o)
{
    git_odb_object_free(o);
}

int lg_git_read(struct lg_git_drv *d, struct lg_pack_reader *pr, git_odb *odb,
                const git_oid *id, uint64_t max, struct lg_gobj **out,
                uint64_t *size)
{
    git_odb_object *obj = NULL;
    git_object_t type;
    size_t n;
    int rc = pr ? lg_pack_read(pr, id->id, max, out, size) : LG_PACK_ABSENT;

    if (rc == LG_PACK_FOUND)
        return LG_OK;
    if (rc == LG_PACK_TOOBIG && *size > max) {
        git_error_set_str(GIT_ERROR_OBJECT, "object over the size limit");
        return LG_ELIMIT;
    }
    if (rc == LG_ENOMEM)
        return rc;
    /* Not in a pack we read, damaged there, or larger than our reader
     * makes objects: libgit2 reads it, or says what is wrong.  It must not
     * even read the header of a damaged loose object, whose header may
     * also claim any size. */
    if (!lg_git_loose_ok(d, id))
        return LG_EUNSUPPORTED;
    if (git_odb_read_header(&n, &type, odb, id) < 0)
        return LG_EIO;
    *size = n;
    if (n > max)
        return LG_ELIMIT;
    if (git_odb_read(&obj, odb, id) < 0)
        return LG_EIO;
    *out = lg_gobj_wrap((int)git_odb_object_type(obj), git_odb_object_data(obj),
                        git_odb_object_size(obj), obj, release_odb_object);
    if (!*out) {
        git_odb_object_free(obj);
        return LG_ENOMEM;
    }
    return LG_OK;
}

static void scan_item(struct lg_worker *w, struct lg_git_drv *d,
                      const struct item *it, const struct lg_git_handle *h)
{
    struct added add = {it->path, {NULL}, {0}, 0};
    struct lg_object_ctx ctx = {it->prov ? &it->prov->p : NULL, NULL, NULL};
    struct lg_gobj *obj = NULL;
    struct lg_reader r;
    struct mem_src m;
    uint64_t size = 0;
    int rc = lg_git_read(d, h->pr, h->odb, &it->id, d->max_blob, &obj, &size);

    if (rc == LG_EUNSUPPORTED) {
        git_error_clear(); /* not libgit2's failure: no stale message */
        lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, it->path,
                      "damaged loose object (truncated, or longer than its "
                      "header says): not read",
                      &it->id);
        return;
    }
    if (rc == LG_ELIMIT) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "blob of %llu bytes is over the size limit (%llu bytes; "
                 "see --max-file-size)",
                 (unsigned long long)size, (unsigned long long)d->max_blob);
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_TOO_LARGE,
                          it->path, msg);
        return;
    }
    if (rc < 0) {
        if (rc == LG_ENOMEM)
            git_error_set_oom();
        lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, it->path,
                      "cannot read blob", &it->id);
        return;
    }
    m.p = obj->data;
    m.left = obj->size;
    if (it->added_only && it->n_old) {
        add.n_old = it->n_old;
        for (unsigned i = 0; i < it->n_old; i++)
            add.n[i] = diff_ranges(&add.r[i], h->odb, &it->old[i], m.p, m.left,
                                   d->max_blob);
        ctx.accept = on_added_lines;
        ctx.accept_arg = &add;
    }
    r.read = mem_read;
    r.ctx = &m;
    r.size = m.left;
    r.done = 0;
    lg_worker_scan(w, &r, it->path, &ctx);
    for (unsigned i = 0; i < add.n_old; i++)
        free(add.r[i]);
    lg_gobj_unref(obj);
}

static void batch_run(struct lg_worker *w, void *arg)
{
    struct lg_git_batch *b = arg;
    struct lg_git_drv *d = b->d;
    struct lg_git_handle h;

    if (d->serial)
        pthread_mutex_lock(&d->serial_mu);
    if (handle_get(d, &h) < 0) {
        for (size_t i = 0; i < b->n; i++)
            lg_git_notice(
                d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, b->item[i].path,
                "cannot open the repository to read blob", &b->item[i].id);
    } else {
        for (size_t i = 0; i < b->n; i++)
            scan_item(w, d, &b->item[i], &h);
        handle_put(d, &h);
    }
    if (d->serial)
        pthread_mutex_unlock(&d->serial_mu);
}

static void batch_free(void *arg)
{
    struct lg_git_batch *b = arg;
    struct lg_git_drv *d = b->d;

    for (size_t i = 0; i < b->n; i++) {
        lg_git_prov_unref(b->item[i].prov);
        free(b->item[i].path);
    }
    free(b);
    pthread_mutex_lock(&d->mu);
    if (--d->outstanding == 0)
        pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->mu);
}

/* ------------------------------------------------------------------ */
/* Pack-order runs                                                      */

/* The walker meets blobs in commit order, oldest first, and a pack keeps
 * a file's versions newest first, each older one a delta of the next: in
 * commit order every read starts a delta chain from its base, and the
 * readers' caches would have to hold every file's chain at once.  So the
 * history's packed blobs are held back (PEND_MAX at most, or PEND_BYTES
 * of paths), sorted by pack offset, and read in that order: a delta's
 * base is then usually among the last objects read.  The sorted list is
 * cut in one contiguous range per worker; a worker that is done takes
 * chunks from the end of the range with the most left. */
#define PEND_MAX ((size_t)1 << 20)
#define PEND_BYTES ((size_t)64 * 1024 * 1024)
#define CHUNK 16 /* blobs taken at a time */
#define MAX_RANGES 64

struct lg_git_pend {
    uint64_t key; /* pack number << 48 | offset */
    struct lg_git_prov *prov;
    char *path;
    git_oid id;
};

struct run;

struct run_job {
    struct run *run;
    unsigned home; /* its range */
};

struct run {
    struct lg_git_drv *d;
    struct lg_git_pend *v;
    size_t n;
    struct run_job job[MAX_RANGES];
    pthread_mutex_t mu; /* guards what follows */
    size_t lo[MAX_RANGES], hi[MAX_RANGES];
    unsigned ranges, jobs; /* jobs not yet freed */
};

/* The next chunk [*from, *to) for the job whose range is home. */
static bool run_take(struct run *r, unsigned home, size_t *from, size_t *to)
{
    unsigned victim = home;
    bool got = true;

    pthread_mutex_lock(&r->mu);
    if (r->lo[home] < r->hi[home]) {
        *from = r->lo[home];
        *to = r->hi[home] - *from > CHUNK ? *from + CHUNK : r->hi[home];
        r->lo[home] = *to;
    } else {
        for (unsigned i = 0; i < r->ranges; i++)
            if (r->hi[i] - r->lo[i] > r->hi[victim] - r->lo[victim])
                victim = i;
        if (r->lo[victim] < r->hi[victim]) {
            *to = r->hi[victim];
            *from = *to - r->lo[victim] > CHUNK ? *to - CHUNK : r->lo[victim];
            r->hi[victim] = *from;
        } else {
            got = false;
        }
    }
    pthread_mutex_unlock(&r->mu);
    return got;
}

static void run_run(struct lg_worker *w, void *arg)
{
    struct run_job *j = arg;
    struct run *r = j->run;
    struct lg_git_drv *d = r->d;
    struct lg_git_handle h;
    size_t from, to;
    bool have = false;

    if (d->serial)
        pthread_mutex_lock(&d->serial_mu);
    while (run_take(r, j->home, &from, &to)) {
        if (!have && handle_get(d, &h) == LG_OK)
            have = true;
        for (size_t i = from; i < to; i++) {
            const struct lg_git_pend *pd = &r->v[i];
            struct item it = {.prov = pd->prov, .path = pd->path};
            git_oid_cpy(&it.id, &pd->id);
            if (have)
                scan_item(w, d, &it, &h);
            else
                lg_git_notice(
                    d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, pd->path,
                    "cannot open the repository to read blob", &pd->id);
        }
    }
    if (have)
        handle_put(d, &h);
    if (d->serial)
        pthread_mutex_unlock(&d->serial_mu);
}

static void pend_free(struct lg_git_pend *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        lg_git_prov_unref(v[i].prov);
        free(v[i].path);
    }
    free(v);
}

static void run_free(void *arg)
{
    struct run_job *j = arg;
    struct run *r = j->run;
    struct lg_git_drv *d = r->d;
    unsigned left;

    pthread_mutex_lock(&r->mu);
    left = --r->jobs;
    pthread_mutex_unlock(&r->mu);
    if (!left) {
        pend_free(r->v, r->n);
        pthread_mutex_destroy(&r->mu);
        free(r);
    }
    pthread_mutex_lock(&d->mu);
    if (--d->outstanding == 0)
        pthread_cond_broadcast(&d->idle);
    pthread_mutex_unlock(&d->mu);
}

static int cmp_pend(const void *a, const void *b)
{
    const struct lg_git_pend *x = a, *y = b;

    return x->key < y->key ? -1 : x->key > y->key;
}

/* Sort the blobs held back and push their run: one job per range. */
static int run_flush(struct lg_git_drv *d)
{
    unsigned ranges = lg_session_workers(d->s);
    struct run *r;
    int rc = LG_OK;

    if (!d->n_pend)
        return LG_OK;
    if (!(r = calloc(1, sizeof(*r)))) {
        pend_free(d->pend, d->n_pend);
        rc = LG_ENOMEM;
        goto out;
    }
    qsort(d->pend, d->n_pend, sizeof(*d->pend), cmp_pend);
    r->d = d;
    r->v = d->pend;
    r->n = d->n_pend;
    if (ranges < 1)
        ranges = 1;
    if (ranges > MAX_RANGES)
        ranges = MAX_RANGES;
    if (ranges > r->n)
        ranges = (unsigned)r->n;
    for (unsigned i = 0; i < ranges; i++) {
        r->lo[i] = r->n * i / ranges;
        r->hi[i] = r->n * (i + 1) / ranges;
    }
    r->ranges = r->jobs = ranges;
    pthread_mutex_init(&r->mu, NULL);
    pthread_mutex_lock(&d->mu);
    d->outstanding += ranges;
    pthread_mutex_unlock(&d->mu);
    for (unsigned i = 0; i < ranges; i++) {
        int prc;
        r->job[i] = (struct run_job){r, i};
        prc = lg_session_push(d->s, run_run, &r->job[i], run_free);
        if (prc < 0 && rc == LG_OK)
            rc = prc;
    }
out:
    d->pend = NULL;
    d->n_pend = d->cap_pend = d->pend_bytes = 0;
    return rc;
}

/* Hold a packed history blob back for the next run. */
static int pend(struct lg_git_drv *d, size_t pack, uint64_t off,
                const git_oid *id, const char *path, struct lg_git_prov *prov)
{
    struct lg_git_pend *v, *pd;
    size_t len = strlen(path);

    if (!(v = lg_grow(d->pend, &d->cap_pend, d->n_pend, sizeof(*v), 1024)))
        return LG_ENOMEM;
    d->pend = v;
    pd = &v[d->n_pend];
    if (!(pd->path = malloc(len + 1)))
        return LG_ENOMEM;
    memcpy(pd->path, path, len + 1);
    pd->key = (uint64_t)pack << 48 | off;
    pd->prov = prov;
    if (prov)
        atomic_fetch_add(&prov->refs, 1);
    git_oid_cpy(&pd->id, id);
    d->n_pend++;
    d->pend_bytes += len + 1;
    if (d->n_pend == PEND_MAX || d->pend_bytes >= PEND_BYTES)
        return run_flush(d);
    return LG_OK;
}

int lg_git_flush(struct lg_git_drv *d)
{
    struct lg_git_batch *b = d->batch;
    int rc = run_flush(d), prc;

    if (!b)
        return rc;
    d->batch = NULL;
    pthread_mutex_lock(&d->mu);
    d->outstanding++;
    pthread_mutex_unlock(&d->mu);
    prc = lg_session_push(d->s, batch_run, b, batch_free);
    return prc < 0 ? prc : rc;
}

int lg_git_queue(struct lg_git_drv *d, const git_oid *id, const char *path,
                 struct lg_git_prov *prov, bool added_only, const git_oid *old,
                 size_t n_old)
{
    struct item *it;
    size_t pack;
    uint64_t off;

    if (d->walker_pr && !added_only && !n_old &&
        lg_pack_find(d->walker_pr, id->id, &pack, &off) && pack < 0xffff &&
        off < ((uint64_t)1 << 48))
        return pend(d, pack, off, id, path, prov);

    if (!d->batch) {
        d->batch = malloc(sizeof(*d->batch));
        if (!d->batch)
            return LG_ENOMEM;
        d->batch->d = d;
        d->batch->n = 0;
    }
    it = &d->batch->item[d->batch->n];
    it->path = strdup(path);
    if (!it->path)
        return LG_ENOMEM;
    it->prov = prov;
    if (prov)
        atomic_fetch_add(&prov->refs, 1);
    git_oid_cpy(&it->id, id);
    if (n_old > LG_GIT_MAX_PARENTS)
        n_old = LG_GIT_MAX_PARENTS;
    for (size_t i = 0; i < n_old; i++)
        git_oid_cpy(&it->old[i], &old[i]);
    it->n_old = (unsigned)n_old;
    it->added_only = added_only;
    if (++d->batch->n == BATCH_MAX)
        return lg_git_flush(d);
    return LG_OK;
}

void lg_git_wait(struct lg_git_drv *d)
{
    pthread_mutex_lock(&d->mu);
    while (d->outstanding)
        pthread_cond_wait(&d->idle, &d->mu);
    pthread_mutex_unlock(&d->mu);
}
