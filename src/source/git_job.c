/* Blob jobs of the git source: provenance, repository handles, batches.
 *
 * The walker queues blobs; they are grouped in batches of up to BATCH_MAX
 * (one session job each), because a job per blob costs two thread wake-ups
 * per blob, which on a long history costs more than the blobs' reading.
 * A batch runs on a worker thread with a repository handle taken from a
 * pool: a libgit2 repository (and its object database) is used by one
 * thread at a time, and the pool never holds more handles than there are
 * workers.  Each blob is read whole (libgit2 cannot stream packed objects;
 * the size is checked from the object header first), fed to lg_worker_scan
 * through a memory reader, and for range modes diffed against its old
 * versions with no context, so that `accept` keeps only findings on the
 * lines it adds. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan/session.h"
#include "source/git_priv.h"

#define FIELD_CAP 256 /* author, e-mail, message first line */
#define BATCH_MAX 32  /* blobs a job */

struct lg_git_handle {
    git_repository *repo;
    git_odb *odb;
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
    if (git_repository_open_ext(&h->repo, d->gitdir, flags, NULL) < 0)
        return LG_EINTERNAL;
    if (git_repository_odb(&h->odb, h->repo) < 0) {
        git_repository_free(h->repo);
        return LG_EINTERNAL;
    }
    return LG_OK;
}

static void handle_free(struct lg_git_handle *h)
{
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

static void scan_item(struct lg_worker *w, struct lg_git_drv *d,
                      const struct item *it, git_odb *odb)
{
    struct added add = {it->path, {NULL}, {0}, 0};
    struct lg_object_ctx ctx = {it->prov ? &it->prov->p : NULL, NULL, NULL};
    git_odb_object *obj = NULL;
    struct lg_reader r;
    struct mem_src m;
    git_object_t type;
    size_t size;

    /* First: libgit2 must not even read the header of a damaged loose
     * object, whose header may also claim any size. */
    if (!lg_git_loose_ok(d, &it->id)) {
        git_error_clear(); /* not libgit2's failure: no stale message */
        lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, it->path,
                      "damaged loose object (truncated, or longer than its "
                      "header says): not read",
                      &it->id);
        return;
    }
    if (git_odb_read_header(&size, &type, odb, &it->id) < 0) {
        lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, it->path,
                      "cannot read blob", &it->id);
        return;
    }
    if (size > d->max_blob) {
        char msg[160];
        snprintf(msg, sizeof(msg),
                 "blob of %zu bytes is over the size limit (%llu bytes; "
                 "see --max-file-size)",
                 size, (unsigned long long)d->max_blob);
        lg_session_notice(d->s, LG_NOTICE_SKIPPED, LG_REASON_TOO_LARGE,
                          it->path, msg);
        return;
    }
    if (git_odb_read(&obj, odb, &it->id) < 0) {
        lg_git_notice(d, LG_NOTICE_FAILED, LG_REASON_UNREADABLE, it->path,
                      "cannot read blob", &it->id);
        return;
    }
    m.p = git_odb_object_data(obj);
    m.left = git_odb_object_size(obj);
    if (it->added_only && it->n_old) {
        add.n_old = it->n_old;
        for (unsigned i = 0; i < it->n_old; i++)
            add.n[i] = diff_ranges(&add.r[i], odb, &it->old[i], m.p, m.left,
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
    git_odb_object_free(obj);
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
            scan_item(w, d, &b->item[i], h.odb);
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

int lg_git_flush(struct lg_git_drv *d)
{
    struct lg_git_batch *b = d->batch;

    if (!b)
        return LG_OK;
    d->batch = NULL;
    pthread_mutex_lock(&d->mu);
    d->outstanding++;
    pthread_mutex_unlock(&d->mu);
    return lg_session_push(d->s, batch_run, b, batch_free);
}

int lg_git_queue(struct lg_git_drv *d, const git_oid *id, const char *path,
                 struct lg_git_prov *prov, bool added_only, const git_oid *old,
                 size_t n_old)
{
    struct item *it;

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
