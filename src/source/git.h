/* The git source: which blobs of a repository to scan, and whose they are.
 *
 * History (the default) walks every commit reachable from the chosen refs,
 * oldest first, and queues each distinct blob once, attributed to the first
 * commit (in that order) whose tree holds it, at the path it had there.
 * Range modes (--range, --since, --staged, --pre-push) queue the blobs that
 * the selected commits (or the index) changed, scan them whole, and keep
 * only the findings on lines those changes added.
 *
 * Blobs are read and scanned on the session's worker threads, each reading
 * through a repository handle of its own (libgit2 objects are not shared
 * across threads).  Objects that are not scanned (submodules, symlinks,
 * blobs over the size limit, unreadable objects) are reported as notices. */
#ifndef LG_SOURCE_GIT_H
#define LG_SOURCE_GIT_H

#include <stdint.h>
#include <stdio.h>

#include "rule/rule.h"
#include "util/error.h"

struct lg_session;

/* Default blob size limit when the session sets none (--max-file-size):
 * blobs are read whole into memory (libgit2 cannot stream packed objects).
 * GitHub refuses files over 100 MB, so larger blobs are rare. */
#define LG_GIT_BLOB_MAX (100ULL * 1024 * 1024)

enum lg_git_mode {
    LG_GIT_HISTORY, /* every commit reachable from the refs */
    LG_GIT_RANGE,   /* commits of range (or since..HEAD), added lines */
    LG_GIT_STAGED,  /* the index against HEAD, added lines */
    LG_GIT_PRE_PUSH /* git's pre-push lines from pre_push_in */
};

/* What to scan.  Pointers are borrowed for the call. */
struct lg_git_opts {
    enum lg_git_mode mode;
    /* HISTORY: revisions to walk from; NULL or empty: every ref. */
    const struct lg_strlist *branches;
    const char *range;  /* RANGE: "A..B" or "A...B" */
    const char *since;  /* RANGE: REV, meaning REV..HEAD */
    const char *remote; /* PRE_PUSH: the remote's name, or NULL */
    /* PRE_PUSH: git's lines "<lref> <lsha> <rref> <rsha>". */
    FILE *pre_push_in;
    /* STAGED: the index being committed (GIT_INDEX_FILE in a hook), or
     * NULL for the repository's. */
    const char *index_file;
    uint64_t max_blob_size;            /* 0: LG_GIT_BLOB_MAX */
    const struct lg_strlist *excludes; /* path globs, may be NULL */
};

/* libgit2's global state, counted (calls nest).  lg_git_scan and
 * lg_git_hooks_dir take a reference of their own, but the caller of
 * lg_git_scan must hold one from before the session starts its workers
 * until after they have ended: libgit2 frees a thread's state when the
 * thread exits only while it is initialized. */
int lg_git_init(struct lg_error *err);
void lg_git_shutdown(void);

/* Queue the blobs `o` selects in the repository at or above `repo` (a
 * work tree, a .git directory or a bare repository) into the session,
 * which must have been begun, and wait until every queued job has run.
 * Borrowed arguments must stay valid for the call.
 *
 * Returns LG_OK; LG_ENOTFOUND when there is no repository there;
 * LG_EINVAL for a revision, range or pre-push line that cannot be
 * resolved or a mode the repository cannot do (--staged in a bare one);
 * LG_EINTERNAL when libgit2 fails; each with a message in err. */
int lg_git_scan(struct lg_session *s, const char *repo,
                const struct lg_git_opts *o, struct lg_error *err);

/* The directory git runs the repository's hooks from: core.hooksPath when
 * set (relative to the work tree, or the git directory when bare), else
 * <git-common-dir>/hooks.  *out is malloc'd (caller frees).  Returns
 * LG_OK, LG_ENOTFOUND (no repository) or LG_EINTERNAL. */
int lg_git_hooks_dir(char **out, const char *repo, struct lg_error *err);

/* The text of leakguard's git hook `name` ("pre-commit" or "pre-push"), or
 * NULL.  Each holds LG_GIT_HOOK_MARK, by which install-hooks recognizes a
 * hook it installed (and may update) from one it must not overwrite. */
#define LG_GIT_HOOK_MARK "# leakguard-hook v"
const char *lg_git_hook_text(const char *name);

#endif
