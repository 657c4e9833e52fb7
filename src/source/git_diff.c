/* Range modes: what a set of commits (or the index) added.
 *
 * Each selected commit is diffed against its first parent (with rename
 * detection, so that a moved file reports only what changed); every added,
 * modified, renamed or copied blob is queued whole, with the old versions
 * whose diff decides which lines are "added".  For a merge, a path whose
 * blob equals one of the other parents' came from that side and is not
 * new; otherwise a finding must be on a line added relative to every
 * parent that has the file, which is what a conflict resolution adds.
 *
 * --range A..B walks B minus A, A...B both sides minus their merge base,
 * --since REV is REV..HEAD, --staged diffs the index against HEAD (or the
 * empty tree), and --pre-push walks each pushed local sha minus what the
 * remote is known to have (the remote sha when we have it, and the
 * remote-tracking refs of --remote). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/session.h"
#include "source/git_index.h"
#include "source/git_priv.h"

#define LINE_MAX_PRE_PUSH 4096

static bool is_blob_mode(uint32_t mode)
{
    return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

/* The commit in which a change was made, for its provenance. */
struct change_ctx {
    const git_commit *commit;            /* NULL for the index */
    struct lg_git_prov *prov;            /* made on the first blob queued */
    git_tree *other[LG_GIT_MAX_PARENTS]; /* parents 2.. of a merge */
    size_t n_other;
};

static int on_delta(struct lg_git_drv *d, struct change_ctx *cx,
                    const git_diff_delta *dl)
{
    const git_diff_file *nf = &dl->new_file, *of = &dl->old_file;
    git_oid old[LG_GIT_MAX_PARENTS];
    size_t n_old = 0;

    switch (dl->status) {
    case GIT_DELTA_ADDED:
    case GIT_DELTA_MODIFIED:
    case GIT_DELTA_RENAMED:
    case GIT_DELTA_COPIED:
    case GIT_DELTA_TYPECHANGE: break;
    default: return LG_OK;
    }
    if (dl->status != GIT_DELTA_ADDED && is_blob_mode(of->mode)) {
        if (git_oid_equal(&of->id, &nf->id))
            return LG_OK; /* a pure rename or copy adds nothing */
        git_oid_cpy(&old[n_old++], &of->id);
    }
    if (!lg_git_admit(d, nf->mode, &nf->id, nf->path))
        return LG_OK;
    for (size_t i = 0; i < cx->n_other; i++) {
        git_tree_entry *e;
        bool same;
        if (git_tree_entry_bypath(&e, cx->other[i], nf->path) < 0)
            continue; /* that parent lacks it: every line is new to it */
        same = git_oid_equal(git_tree_entry_id(e), &nf->id);
        if (!same && is_blob_mode((uint32_t)git_tree_entry_filemode(e)) &&
            n_old < LG_GIT_MAX_PARENTS)
            git_oid_cpy(&old[n_old++], git_tree_entry_id(e));
        git_tree_entry_free(e);
        if (same)
            return LG_OK; /* merged unchanged from that side */
    }
    if (!cx->prov && cx->commit) {
        cx->prov = lg_git_prov_new(cx->commit);
        if (!cx->prov)
            return LG_ENOMEM;
    }
    return lg_git_queue(d, &nf->id, nf->path, cx->prov, true, old, n_old);
}

/* Queue what `diff` adds. */
static int queue_diff(struct lg_git_drv *d, struct change_ctx *cx,
                      git_diff *diff, struct lg_error *err)
{
    git_diff_find_options fo;
    int rc = LG_OK;

    git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
    fo.flags = GIT_DIFF_FIND_RENAMES;
    if (git_diff_find_similar(diff, &fo) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot detect renames");
    for (size_t i = 0, n = git_diff_num_deltas(diff); i < n && rc == LG_OK; i++)
        rc = on_delta(d, cx, git_diff_get_delta(diff, i));
    if (rc < 0)
        lg_error_set(err, rc, "out of memory");
    return rc;
}

static void diff_opts(git_diff_options *o)
{
    git_diff_options_init(o, GIT_DIFF_OPTIONS_VERSION);
    /* Only ids and modes are needed here; jobs read the contents. */
    o->flags = GIT_DIFF_SKIP_BINARY_CHECK | GIT_DIFF_INCLUDE_TYPECHANGE;
}

static git_tree *parent_tree(const git_commit *c, unsigned i)
{
    git_commit *p;
    git_tree *t = NULL;

    if (git_commit_parent(&p, c, i) < 0)
        return NULL; /* e.g. a shallow clone: the parent is not here */
    if (git_commit_tree(&t, p) < 0)
        t = NULL;
    git_commit_free(p);
    return t;
}

static int scan_commit(struct lg_git_drv *d, const git_commit *c,
                       struct lg_error *err)
{
    struct change_ctx cx = {c, NULL, {NULL}, 0};
    unsigned np = git_commit_parentcount(c);
    git_tree *tree = NULL, *first = NULL;
    git_diff_options opts;
    git_diff *diff = NULL;
    int rc = LG_OK;

    diff_opts(&opts);
    if (git_commit_tree(&tree, c) < 0) {
        char what[80], hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
        snprintf(what, sizeof(what), "cannot read the tree of commit %s", hex);
        return lg_git_fail(err, LG_EINTERNAL, what);
    }
    if (np)
        first = parent_tree(c, 0);
    for (unsigned i = 1; i < np && cx.n_other < LG_GIT_MAX_PARENTS; i++) {
        git_tree *t = parent_tree(c, i);
        if (t)
            cx.other[cx.n_other++] = t;
    }
    if (git_diff_tree_to_tree(&diff, d->repo, first, tree, &opts) < 0)
        rc = lg_git_fail(err, LG_EINTERNAL, "cannot diff a commit");
    else
        rc = queue_diff(d, &cx, diff, err);
    git_diff_free(diff);
    for (size_t i = 0; i < cx.n_other; i++)
        git_tree_free(cx.other[i]);
    git_tree_free(first);
    git_tree_free(tree);
    lg_git_prov_unref(cx.prov);
    return rc;
}

static int scan_walk(struct lg_git_drv *d, git_revwalk *walk,
                     struct lg_error *err)
{
    git_oid id;
    int rc = LG_OK, grc = GIT_ITEROVER;

    while (rc == LG_OK && (grc = git_revwalk_next(&id, walk)) == 0) {
        git_commit *c;
        if (git_commit_lookup(&c, d->repo, &id) < 0)
            return lg_git_fail(err, LG_EINTERNAL, "cannot read a commit");
        rc = scan_commit(d, c, err);
        git_commit_free(c);
    }
    if (rc == LG_OK && grc != GIT_ITEROVER)
        rc = lg_git_fail(err, LG_EINTERNAL, "cannot walk the range");
    return rc;
}

/* ------------------------------------------------------------------ */
/* Selecting commits                                                    */

static int resolve(git_oid *out, git_repository *repo, const char *rev,
                   const char *opt, struct lg_error *err)
{
    git_object *obj = NULL, *c = NULL;
    int rc = LG_OK;

    if (git_revparse_single(&obj, repo, rev) < 0 ||
        git_object_peel(&c, obj, GIT_OBJECT_COMMIT) < 0)
        rc = lg_error_set(err, LG_EINVAL, "unknown revision '%s' (%s)", rev,
                          opt);
    else
        git_oid_cpy(out, git_object_id(c));
    git_object_free(c);
    git_object_free(obj);
    return rc;
}

static int select_range(struct lg_git_drv *d, git_revwalk *walk,
                        struct lg_error *err)
{
    const char *spec = d->o->range;
    const char *dots = spec ? strstr(spec, "..") : NULL;
    git_oid from, to, base;
    char *left = NULL;
    bool sym;
    int rc;

    if (!spec) { /* --since REV: REV..HEAD */
        rc = resolve(&from, d->repo, d->o->since, "--since", err);
        if (rc == LG_OK)
            rc = resolve(&to, d->repo, "HEAD", "--since", err);
        if (rc == LG_OK && (git_revwalk_push(walk, &to) < 0 ||
                            git_revwalk_hide(walk, &from) < 0))
            rc = lg_git_fail(err, LG_EINTERNAL, "cannot walk the range");
        return rc;
    }
    if (!dots)
        return lg_error_set(err, LG_EINVAL,
                            "--range wants A..B or A...B, not '%s'", spec);
    sym = dots[2] == '.';
    left = malloc((size_t)(dots - spec) + 1);
    if (!left)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    memcpy(left, spec, (size_t)(dots - spec));
    left[dots - spec] = '\0';
    /* An empty side means HEAD, as in git. */
    rc = resolve(&from, d->repo, *left ? left : "HEAD", "--range", err);
    if (rc == LG_OK)
        rc = resolve(&to, d->repo,
                     dots[sym ? 3 : 2] ? dots + (sym ? 3 : 2) : "HEAD",
                     "--range", err);
    free(left);
    if (rc < 0)
        return rc;
    if (git_revwalk_push(walk, &to) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot walk the range");
    if (!sym)
        return git_revwalk_hide(walk, &from) < 0
                   ? lg_git_fail(err, LG_EINTERNAL, "cannot walk the range")
                   : LG_OK;
    if (git_revwalk_push(walk, &from) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot walk the range");
    if (git_merge_base(&base, d->repo, &from, &to) == 0 &&
        git_revwalk_hide(walk, &base) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot walk the range");
    git_error_clear();
    return LG_OK;
}

static bool all_zero(const char *hex)
{
    return hex[strspn(hex, "0")] == '\0';
}

/* One line "<local ref> <local sha> <remote ref> <remote sha>". */
static int pre_push_line(struct lg_git_drv *d, git_revwalk *walk, char *line,
                         struct lg_error *err)
{
    char *f[4], *p = line;
    git_oid local, remote;
    git_odb *odb;
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < 4 && *p) {
        f[n++] = p;
        p += strcspn(p, " ");
        if (*p)
            *p++ = '\0';
    }
    if (n == 0)
        return LG_OK; /* blank line */
    if (n != 4 || *p || strlen(f[1]) != GIT_OID_HEXSZ ||
        strlen(f[3]) != GIT_OID_HEXSZ || git_oid_fromstr(&local, f[1]) < 0 ||
        git_oid_fromstr(&remote, f[3]) < 0)
        return lg_error_set(err, LG_EINVAL,
                            "--pre-push: not a pre-push line (want '<local "
                            "ref> <local sha> <remote ref> <remote sha>')");
    if (all_zero(f[1]))
        return LG_OK; /* a deletion pushes no content */
    if (git_revwalk_push(walk, &local) < 0)
        return lg_git_fail(err, LG_EINVAL,
                           "--pre-push: cannot walk from "
                           "the local sha");
    if (all_zero(f[3]) || git_repository_odb(&odb, d->repo) < 0)
        return LG_OK;
    /* A remote sha we do not have (someone else pushed): the remote-tracking
     * refs stand for what the remote has. */
    if (git_odb_exists(odb, &remote))
        git_revwalk_hide(walk, &remote);
    git_odb_free(odb);
    git_error_clear();
    return LG_OK;
}

static int select_pre_push(struct lg_git_drv *d, git_revwalk *walk,
                           struct lg_error *err)
{
    const char *remote = d->o->remote;
    char *line = NULL, glob[300];
    size_t cap = 0;
    ssize_t n;
    int rc = LG_OK, valid = 0;

    if (!d->o->pre_push_in)
        return lg_error_set(err, LG_EINVAL, "--pre-push: no input");
    while (rc == LG_OK && (n = getline(&line, &cap, d->o->pre_push_in)) > 0) {
        if (n > LINE_MAX_PRE_PUSH)
            rc = lg_error_set(err, LG_EINVAL, "--pre-push: line too long");
        else
            rc = pre_push_line(d, walk, line, err);
    }
    free(line);
    if (rc < 0 || !remote)
        return rc;
    /* A URL instead of a name (push to an unnamed remote) has no
     * remote-tracking refs: nothing more is known to be there. */
    if (git_remote_name_is_valid(&valid, remote) < 0 || !valid ||
        strlen(remote) > 200)
        return LG_OK;
    snprintf(glob, sizeof(glob), "refs/remotes/%s/*", remote);
    if (git_revwalk_hide_glob(walk, glob) < 0)
        return lg_git_fail(err, LG_EINTERNAL,
                           "--pre-push: cannot read the "
                           "remote-tracking refs");
    return LG_OK;
}

/* The index file git uses: GIT_INDEX_FILE, else the repository's. */
static char *index_path(const struct lg_git_drv *d)
{
    const char *dir = git_repository_path(d->repo);
    size_t n;
    char *p;

    if (d->o->index_file)
        return strdup(d->o->index_file);
    n = strlen(dir) + sizeof("index");
    if ((p = malloc(n)))
        snprintf(p, n, "%sindex", dir);
    return p;
}

static int scan_staged(struct lg_git_drv *d, struct lg_error *err)
{
    struct change_ctx cx = {NULL, NULL, {NULL}, 0};
    git_object *head = NULL;
    git_index *index = NULL, *old_side = NULL, *new_side = NULL;
    git_diff *diff = NULL;
    git_diff_options opts;
    char *path;
    int rc;

    if (git_repository_is_bare(d->repo))
        return lg_error_set(err, LG_EINVAL,
                            "--staged needs a work tree; '%s' is a bare "
                            "repository",
                            git_repository_path(d->repo));
    /* No commit yet: everything staged is new (against the empty tree). */
    if (git_revparse_single(&head, d->repo, "HEAD^{tree}") < 0)
        head = NULL;
    git_error_clear();
    diff_opts(&opts);
    if (!(path = index_path(d))) {
        git_object_free(head);
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    }
    /* The cache-tree reader diffs only what differs; when it declines,
     * libgit2 reads the whole index. */
    rc = lg_git_staged_sides(d->repo, path, (const git_tree *)head, &old_side,
                             &new_side);
    free(path);
    if (rc == LG_OK) {
        if (git_diff_index_to_index(&diff, d->repo, old_side, new_side,
                                    &opts) < 0)
            rc = lg_git_fail(err, LG_EINTERNAL, "cannot diff the index");
    } else if (rc == LG_EUNSUPPORTED) {
        if ((d->o->index_file ? git_index_open(&index, d->o->index_file)
                              : git_repository_index(&index, d->repo)) < 0)
            rc = lg_git_fail(err, LG_EINTERNAL, "cannot read the index");
        else if (git_diff_tree_to_index(&diff, d->repo, (git_tree *)head,
                                        index, &opts) < 0)
            rc = lg_git_fail(err, LG_EINTERNAL, "cannot diff the index");
        else
            rc = LG_OK;
    } else {
        rc = lg_error_set(err, rc, "out of memory");
    }
    if (rc == LG_OK)
        rc = queue_diff(d, &cx, diff, err);
    git_diff_free(diff);
    git_object_free(head);
    git_index_free(index);
    git_index_free(old_side);
    git_index_free(new_side);
    return rc;
}

int lg_git_scan_changes(struct lg_git_drv *d, struct lg_error *err)
{
    git_revwalk *walk;
    int rc;

    if (d->o->mode == LG_GIT_STAGED)
        return scan_staged(d, err);
    if (git_revwalk_new(&walk, d->repo) < 0)
        return lg_git_fail(err, LG_EINTERNAL, "cannot walk history");
    git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    rc = d->o->mode == LG_GIT_PRE_PUSH ? select_pre_push(d, walk, err)
                                       : select_range(d, walk, err);
    if (rc == LG_OK)
        rc = scan_walk(d, walk, err);
    git_revwalk_free(walk);
    return rc;
}
