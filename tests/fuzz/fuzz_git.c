/* Fuzz target: the git source (source/git.h) on repositories built per
 * input with libgit2 in a temp directory and scanned through a session,
 * as `leakguard git` does.
 *
 * The first input byte picks what the rest becomes:
 *   0  the content of a blob in an ordinary commit (blob scanning path)
 *   1  a raw tree object, the tree of a commit on refs/heads/main
 *      (our own tree parser reads it: entries, modes, names, ids)
 *   2  a raw commit object on refs/heads/main
 *   3  a raw tag object on refs/tags/t
 *   4  a raw tree object named directly by refs/tags/t
 *   5  a good commit whose blob's loose object file is then damaged: cut
 *      to a length, or bytes flipped, as the next input bytes say
 * Every repository also holds a known blob (KNOWN below) that raw trees
 * can point at.
 *
 * Oracles: lg_git_scan returns a documented code, with a message when it
 * fails; the session ends cleanly; nothing is lost — in mode 5 a blob that
 * libgit2 cannot read is reported as a failed object.
 *
 * Known libgit2 bugs (Debian 12 ships 1.5.1) that damaged loose objects
 * trigger inside git_odb_read, whoever calls it:
 *   - a zlib stream cut short makes it loop forever (libgit2 #7342, fixed
 *     by PR #7346);
 *   - a header that declares fewer bytes than the body holds makes it
 *     write past its buffer (libgit2 #7177, fixed by PR #7178).
 * Such inputs are recognised here with zlib and not scanned, so that the
 * fuzzer looks for leakguard's own bugs.  With LG_FUZZ_GIT_LIBGIT2_BUGS=1
 * in the environment they are scanned (and this file does not read them
 * itself): a check of a leakguard-side guard against those bugs.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fuzz.h"
#include "report/report.h"
#include "rule/ruleset.h"
#include "scan/session.h"
#include "source/git.h"
#include "source/git_priv.h"

#define KNOWN "token = tk_aB3dE5fG7hJ9kL1mN3pQ\n"
#define SIG "Fuzz <fuzz@example.test> 1700000000 +0000"

/* ---- a reporter that keeps nothing ------------------------------------- */

static int nop_begin(void *ctx, const struct lg_report_env *env)
{
    (void)ctx;
    (void)env;
    return LG_OK;
}

static int nop_finding(void *ctx, const struct lg_finding *f)
{
    (void)ctx;
    LG_FUZZ_CHECK(f->path != NULL);
    return LG_OK;
}

static int nop_notice(void *ctx, const struct lg_notice *n)
{
    (void)ctx;
    LG_FUZZ_CHECK(n->reason && n->message);
    return LG_OK;
}

static int nop_end(void *ctx, const struct lg_run_summary *sum)
{
    (void)ctx;
    (void)sum;
    return LG_OK;
}

static const struct lg_reporter_ops nop_ops = {.name = "fuzz",
                                               .ctx_size = 1,
                                               .begin = nop_begin,
                                               .finding = nop_finding,
                                               .notice = nop_notice,
                                               .end = nop_end};

/* ---- building the repository ------------------------------------------- */

static int write_obj(git_oid *id, git_repository *repo, const void *data,
                     size_t n, git_object_t type)
{
    git_odb *odb;
    int rc;

    if (git_repository_odb(&odb, repo) < 0)
        return -1;
    rc = git_odb_write(id, odb, data, n, type);
    git_odb_free(odb);
    return rc;
}

/* A tree with one entry, name -> blob. */
static int tree_of(git_oid *tree, git_repository *repo, const char *name,
                   const git_oid *blob)
{
    git_treebuilder *tb;
    int rc;

    if (git_treebuilder_new(&tb, repo, NULL) < 0)
        return -1;
    rc = git_treebuilder_insert(NULL, tb, name, blob, GIT_FILEMODE_BLOB);
    if (rc == 0)
        rc = git_treebuilder_write(tree, tb);
    git_treebuilder_free(tb);
    return rc;
}

static int commit_of(git_oid *commit, git_repository *repo, const git_oid *tree)
{
    char text[256], hex[GIT_OID_HEXSZ + 1];

    git_oid_tostr(hex, sizeof(hex), tree);
    snprintf(text, sizeof(text),
             "tree %s\nauthor " SIG "\ncommitter " SIG "\n\nfuzz\n", hex);
    return write_obj(commit, repo, text, strlen(text), GIT_OBJECT_COMMIT);
}

/* Point ref at id, writing the ref file by hand when libgit2 refuses. */
static int set_ref(git_repository *repo, const char *dir, const char *ref,
                   const git_oid *id)
{
    git_reference *r = NULL;
    char path[512], hex[GIT_OID_HEXSZ + 2];

    if (git_reference_create(&r, repo, ref, id, 1, "fuzz") == 0) {
        git_reference_free(r);
        return 0;
    }
    git_error_clear();
    git_oid_tostr(hex, GIT_OID_HEXSZ + 1, id);
    hex[GIT_OID_HEXSZ] = '\n';
    snprintf(path, sizeof(path), "%s/.git/%s", dir, ref);
    return lg_fuzz_write_file(path, hex, GIT_OID_HEXSZ + 1);
}

/* Which known libgit2 bug (see the top of the file) the loose object
 * buf[0..n) would trigger, or NULL. */
static const char *libgit2_bug(const unsigned char *buf, size_t n)
{
    static unsigned char out[(size_t)1 << 20];
    const unsigned char *nul;
    unsigned long declared = 0;
    size_t len, hdr;
    z_stream z;
    int zrc;

    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK)
        return NULL;
    z.next_in = (unsigned char *)buf;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = sizeof(out);
    do
        zrc = inflate(&z, Z_NO_FLUSH);
    while (zrc == Z_OK && z.avail_out);
    len = sizeof(out) - z.avail_out;
    inflateEnd(&z);
    if (zrc == Z_BUF_ERROR && z.avail_in == 0)
        return "#7342 (stream cut short: endless loop)";
    /* "<type> <decimal size>\0<body>" */
    nul = memchr(out, 0, len < 64 ? len : 64);
    if (!nul)
        return NULL;
    hdr = (size_t)(nul - out) + 1;
    for (const unsigned char *p = memchr(out, ' ', hdr); p && ++p < nul;) {
        if (*p < '0' || *p > '9' || declared > 0xFFFFFFFul)
            return NULL;
        declared = declared * 10 + (unsigned long)(*p - '0');
    }
    if (len - hdr > declared)
        return "#7177 (body longer than its header: write out of bounds)";
    return NULL;
}

/* Damage the loose object file of id; returns whether libgit2 can still
 * read it (through a fresh handle: no cache).  *skip is set when the
 * object would trigger a known libgit2 bug and is not to be scanned. */
static bool damage(const char *dir, const git_oid *id, struct lg_fuzz_in *in,
                   bool *skip)
{
    char hex[GIT_OID_HEXSZ + 1], path[512];
    git_repository *repo;
    git_odb_object *obj = NULL;
    git_odb *odb = NULL;
    unsigned char buf[4096];
    size_t n = 0;
    FILE *fp;
    bool readable;

    git_oid_tostr(hex, sizeof(hex), id);
    snprintf(path, sizeof(path), "%s/.git/objects/%.2s/%s", dir, hex, hex + 2);
    fp = fopen(path, "rb");
    if (fp) {
        n = fread(buf, 1, sizeof(buf), fp);
        fclose(fp);
    }
    if (lg_fuzz_u8(in) & 1) {
        n = n ? lg_fuzz_u16(in) % n : 0; /* truncate */
    } else {
        while (in->n >= 3 && n) { /* flip bytes */
            size_t at = lg_fuzz_u16(in) % n;
            buf[at] ^= lg_fuzz_u8(in) | 1;
        }
    }
    chmod(path, 0644);
    lg_fuzz_write_file(path, buf, n);
    *skip = false;
    if (libgit2_bug(buf, n)) {
        *skip = !getenv("LG_FUZZ_GIT_LIBGIT2_BUGS");
        return false;
    }
    /* leakguard does not let libgit2 read a loose object its guard
     * rejects (libgit2 1.5.1 can overflow on it): neither do we. */
    if (!lg_git_loose_file_ok(path))
        return false;
    if (git_repository_open(&repo, dir) < 0)
        return false;
    readable =
        git_repository_odb(&odb, repo) == 0 && git_odb_read(&obj, odb, id) == 0;
    if (readable)
        git_odb_object_free(obj);
    git_odb_free(odb); /* NULL when git_repository_odb failed */
    git_repository_free(repo);
    git_error_clear();
    return readable;
}

/* Builds the repository for the input; *blob_ok is false when mode 5 made
 * the blob unreadable.  Returns 0 when it is to be scanned. */
static int build(const char *dir, struct lg_fuzz_in *in, bool *blob_ok)
{
    git_repository *repo;
    git_oid known, blob, tree, commit, id;
    unsigned mode = lg_fuzz_u8(in) % 6;
    int rc;

    *blob_ok = true;
    if (git_repository_init(&repo, dir, 0) < 0)
        return -1;
    rc = write_obj(&known, repo, KNOWN, strlen(KNOWN), GIT_OBJECT_BLOB);
    switch (mode) {
    case 0:
    case 5:
        if (rc == 0)
            rc = write_obj(&blob, repo, in->p, mode && in->n > 32 ? 32 : in->n,
                           GIT_OBJECT_BLOB);
        if (rc == 0)
            rc = tree_of(&tree, repo, "file.txt", &blob);
        if (rc == 0)
            rc = commit_of(&commit, repo, &tree);
        if (rc == 0)
            rc = set_ref(repo, dir, "refs/heads/main", &commit);
        break;
    case 1:
        if (rc == 0)
            rc = write_obj(&tree, repo, in->p, in->n, GIT_OBJECT_TREE);
        if (rc == 0)
            rc = commit_of(&commit, repo, &tree);
        if (rc == 0)
            rc = set_ref(repo, dir, "refs/heads/main", &commit);
        break;
    default:
        if (rc == 0)
            rc = write_obj(&id, repo, in->p, in->n,
                           mode == 2   ? GIT_OBJECT_COMMIT
                           : mode == 3 ? GIT_OBJECT_TAG
                                       : GIT_OBJECT_TREE);
        if (rc == 0)
            rc = set_ref(repo, dir,
                         mode == 2 ? "refs/heads/main" : "refs/tags/t", &id);
    }
    git_repository_free(repo);
    git_error_clear();
    if (rc == 0 && mode == 5) {
        struct lg_fuzz_in rest = *in;
        size_t used;
        bool skip;
        lg_fuzz_bytes(&rest, 32, &used); /* the blob's content */
        *blob_ok = damage(dir, &blob, &rest, &skip);
        if (skip)
            return 1; /* not scanned: see libgit2_bug() */
    }
    return rc;
}

/* ---- scanning ----------------------------------------------------------- */

static void scan(const char *dir, bool blob_ok)
{
    const struct lg_ruleset *rs = lg_fuzz_ruleset(false);
    struct lg_scan_config cfg = {
        .threads = 1, .allow_comments = true, .max_decode_depth = 1};
    struct lg_git_opts o = {.mode = LG_GIT_HISTORY};
    struct lg_report_env env = {.out = stdout, .rs = rs};
    const struct lg_run_summary *sum;
    struct lg_session *s;
    struct lg_error err;
    int rc;

    lg_error_clear(&err);
    if (lg_session_new(&s, rs, &cfg, &nop_ops, &env, NULL, NULL, &err) < 0)
        lg_fuzz_fail("lg_session_new: %s", err.msg);
    if (lg_session_begin(s, &err) < 0)
        lg_fuzz_fail("lg_session_begin: %s", err.msg);
    rc = lg_git_scan(s, dir, &o, &err);
    LG_FUZZ_CHECK(rc == LG_OK || rc == LG_ENOTFOUND || rc == LG_EINVAL ||
                  rc == LG_EINTERNAL || rc == LG_ENOMEM);
    if (rc < 0 && !err.msg[0])
        lg_fuzz_fail("lg_git_scan failed (%d) without a message", rc);
    if (lg_session_end(s, &err) < 0)
        lg_fuzz_fail("lg_session_end: %s", err.msg);
    sum = lg_session_summary(s);
    if (rc == LG_OK && !blob_ok && sum->objects_failed == 0)
        lg_fuzz_fail("an unreadable blob was not reported as failed "
                     "(%llu scanned, %llu skipped)",
                     (unsigned long long)sum->objects_scanned,
                     (unsigned long long)sum->objects_skipped);
    lg_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    struct lg_fuzz_in in = {data, size};
    char dir[256];
    bool blob_ok;

    if (!ready) {
        struct lg_error err;
        if (lg_git_init(&err) < 0)
            lg_fuzz_fail("lg_git_init: %s", err.msg);
        ready = true;
    }
    snprintf(dir, sizeof(dir), "%s/repo.XXXXXX", lg_fuzz_tmpdir());
    if (!mkdtemp(dir))
        lg_fuzz_fail("cannot create %s", dir);
    if (build(dir, &in, &blob_ok) == 0)
        scan(dir, blob_ok);
    lg_fuzz_rmtree(dir);
    return 0;
}
