/* Internals shared by the git source files (git.c: repository, blob jobs,
 * history walk; git_diff.c: ranges, staged, pre-push).  Not an API. */
#ifndef LG_SOURCE_GIT_PRIV_H
#define LG_SOURCE_GIT_PRIV_H

#include <git2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/finding.h"
#include "report/report.h"
#include "source/git.h"
#include "source/git_pack.h"
#include "source/oidset.h"

/* Parents whose versions of a file a merge's added lines are computed
 * against; an octopus merge's further parents are ignored (more findings,
 * never fewer). */
#define LG_GIT_MAX_PARENTS 8

#define LG_GIT_REASON_SUBMODULE "submodule"

struct lg_git_prov;   /* a commit's provenance, shared by its blobs */
struct lg_git_handle; /* a worker's repository handle */
struct lg_git_batch;  /* blobs queued, not yet pushed as a job */
struct lg_git_pend;   /* a history blob waiting for its run */
struct lg_tree_memo;  /* git.c */

struct lg_git_drv {
    struct lg_session *s;        /* borrowed */
    const struct lg_git_opts *o; /* borrowed */
    git_repository *repo;        /* the walker's own handle */
    git_odb *odb;                /* ... and its object database */
    char *gitdir;                /* where workers open theirs */
    /* objects/XX fan-out directories that existed when the scan started
     * (lg_git_loose_init): an object whose directory did not cannot be
     * loose, and is not looked for on disk by the guard */
    unsigned char loose_dirs[256 / 8];
    uint64_t max_blob;
    bool serial;               /* libgit2 without thread support */
    struct lg_oidset seen;     /* trees and blobs met (history) */
    struct lg_oidset noticed;  /* hashed paths of submodules noticed */
    struct lg_tree_memo *memo; /* history: last tree walked at each path */
    struct lg_packs *packs;    /* history: read by our own readers */
    struct lg_pack_reader *walker_pr; /* the walker's reader */
    struct lg_git_batch *batch;       /* the walker's batch being filled */
    /* History: blobs held back to be read in pack order (git_job.c). */
    struct lg_git_pend *pend;
    size_t n_pend, cap_pend, pend_bytes;

    pthread_mutex_t mu;         /* guards what follows */
    pthread_cond_t idle;        /* outstanding dropped to 0 */
    size_t outstanding;         /* queued jobs not yet freed */
    struct lg_git_handle *pool; /* idle worker handles */
    size_t n_pool, cap_pool;
    pthread_mutex_t serial_mu; /* taken around reads when serial */
};

/* "what: libgit2's message" into err; returns code. */
int lg_git_fail(struct lg_error *err, int code, const char *what);
/* A notice "<what> <id>: <libgit2's last error>". */
void lg_git_notice(struct lg_git_drv *d, enum lg_notice_kind kind,
                   const char *reason, const char *path, const char *what,
                   const git_oid *id);

/* Provenance of commit c (refcount 1), or NULL when out of memory. */
struct lg_git_prov *lg_git_prov_new(const git_commit *c);
void lg_git_prov_unref(struct lg_git_prov *p);

/* Decide what to do with a tree entry or a diff side of the given mode at
 * path: true for a blob to scan; false after counting it (submodules and
 * symlinks with a notice, excluded paths silently). */
bool lg_git_admit(struct lg_git_drv *d, uint32_t mode, const git_oid *id,
                  const char *path);

/* Read object id whole, with reader pr (may be NULL) when a pack we read
 * holds it, else through odb after the loose-object guard.  LG_OK with
 * *out (a new reference); LG_ELIMIT when it is larger than max (*size
 * says how large); LG_EUNSUPPORTED when the guard refused a damaged loose
 * object; LG_EIO when libgit2 failed (see git_error_last); LG_ENOMEM. */
int lg_git_read(struct lg_git_drv *d, struct lg_pack_reader *pr, git_odb *odb,
                const git_oid *id, uint64_t max, struct lg_gobj **out,
                uint64_t *size);

/* Queue blob `id` for scanning as `path` (copied) with provenance prov
 * (a reference is taken; may be NULL).  added_only: report only findings
 * on lines the blob adds relative to every blob of old[0..n_old) (with
 * n_old == 0, every line is added).  Blobs are pushed to the session in
 * batches: call lg_git_flush after the last one, then lg_git_wait before
 * releasing the driver (git_job.c).  Packed blobs of the history (not
 * added_only) are held back and read in pack order when flushed, or when
 * too many wait. */
int lg_git_queue(struct lg_git_drv *d, const git_oid *id, const char *path,
                 struct lg_git_prov *prov, bool added_only, const git_oid *old,
                 size_t n_old);
int lg_git_flush(struct lg_git_drv *d);
/* Wait until every pushed batch has run. */
void lg_git_wait(struct lg_git_drv *d);
/* Free the idle worker handles (after lg_git_wait). */
void lg_git_pool_release(struct lg_git_drv *d);

/* Range, staged and pre-push modes (git_diff.c). */
int lg_git_scan_changes(struct lg_git_drv *d, struct lg_error *err);

/* Order of two tree entry names as git sorts them, a tree's name counting
 * as "name/" (<0, 0, >0). */
int lg_git_name_cmp(const char *a, size_t al, bool adir, const char *b,
                    size_t bl, bool bdir);

/* False when the object is stored loose and its file is damaged in a way
 * that makes libgit2 1.5.1 hang or overflow (see git_loose.c). */
bool lg_git_loose_ok(const struct lg_git_drv *d, const git_oid *id);
/* Note which fan-out directories of d->gitdir/objects exist (all of them,
 * when the directory cannot be read). */
void lg_git_loose_init(struct lg_git_drv *d);
/* The same check on the file at path (true when there is none). */
bool lg_git_loose_file_ok(const char *path);

#endif
