/* Unit tests for the git source: the object id set, history attribution
 * (deleted secrets, branches, tags, merges, renames, submodules, symlinks,
 * size limit), range / staged / pre-push modes (added lines only), the
 * hooks directory, and the embedded hook texts.
 *
 * Repositories are built at test time with libgit2 under mkdtemp
 * directories (fixed signatures and dates, so commit ids are stable within
 * a run) and removed afterwards.  Scans run through a real session with a
 * recording reporter and a tiny rule set. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <ftw.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "rule/ruleset.h"
#include "scan/session.h"
#include "source/git.h"
#include "source/oidset.h"
#include "util/buf.h"

static const char RULES[] =
    "rules:\n"
    "  - id: tok\n"
    "    name: token\n"
    "    pattern: '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b'\n"
    "    keywords: [tk_]\n"
    "    max_len: 30\n"
    "    examples: ['tk_aB3dE5fG7hJ9kL1mN3pQ']\n"
    "    negative_examples: ['tk_short']\n";

#define SECRET1 "tk_aB3dE5fG7hJ9kL1mN3pQ"
#define SECRET2 "tk_Zx8Cv7Bn6Mq5Wr4Ty3Up"
#define SECRET3 "tk_Hj2Kl3Mn4Pq5Rs6Tu7Vw"

/* ---- recording reporter ------------------------------------------------ */

struct rec {
    char path[128], commit[48], message[64], secret[32];
    uint64_t line;
};

struct note {
    char path[128], reason[32];
    enum lg_notice_kind kind;
};

static struct {
    struct rec f[64];
    size_t n;
    struct note notes[64];
    size_t n_notes;
} got;

static int rec_begin(void *ctx, const struct lg_report_env *env)
{
    (void)ctx;
    (void)env;
    return LG_OK;
}

static int rec_finding(void *ctx, const struct lg_finding *f)
{
    struct rec *r;

    (void)ctx;
    assert_true(got.n < 64);
    r = &got.f[got.n++];
    snprintf(r->path, sizeof(r->path), "%s", f->path);
    snprintf(r->commit, sizeof(r->commit), "%s",
             f->git.commit ? f->git.commit : "");
    snprintf(r->message, sizeof(r->message), "%s",
             f->git.message ? f->git.message : "");
    snprintf(r->secret, sizeof(r->secret), "%.*s", (int)f->secret_len,
             f->secret);
    r->line = f->line;
    return LG_OK;
}

static int rec_notice(void *ctx, const struct lg_notice *n)
{
    (void)ctx;
    (void)n;
    return LG_OK;
}

static int rec_end(void *ctx, const struct lg_run_summary *sum)
{
    (void)ctx;
    (void)sum;
    return LG_OK;
}

static const struct lg_reporter_ops rec_ops = {.name = "rec",
                                               .ctx_size = 1,
                                               .begin = rec_begin,
                                               .finding = rec_finding,
                                               .notice = rec_notice,
                                               .end = rec_end};

/* Called under the session's lock. */
static void on_notice(const struct lg_notice *n, void *payload)
{
    struct note *x;

    (void)payload;
    if (got.n_notes == 64)
        return;
    x = &got.notes[got.n_notes++];
    snprintf(x->path, sizeof(x->path), "%s", n->path ? n->path : "");
    snprintf(x->reason, sizeof(x->reason), "%s", n->reason);
    x->kind = n->kind;
}

static const struct rec *find_secret(const char *secret)
{
    for (size_t i = 0; i < got.n; i++)
        if (strcmp(got.f[i].secret, secret) == 0)
            return &got.f[i];
    return NULL;
}

static size_t count_secret(const char *secret)
{
    size_t n = 0;

    for (size_t i = 0; i < got.n; i++)
        n += strcmp(got.f[i].secret, secret) == 0;
    return n;
}

static size_t count_reason(const char *reason)
{
    size_t n = 0;

    for (size_t i = 0; i < got.n_notes; i++)
        n += strcmp(got.notes[i].reason, reason) == 0;
    return n;
}

/* ---- repositories ------------------------------------------------------ */

struct fix {
    char dir[64];
    git_repository *repo;
    struct lg_ruleset *rs;
    git_time_t when;
};

static int rm_entry(const char *p, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    struct lg_error err;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "%s", "/tmp/lg-test-git.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    git_libgit2_init();
    assert_int_equal(git_repository_init(&f->repo, f->dir, 0), 0);
    assert_int_equal(lg_ruleset_new(&f->rs), LG_OK);
    if (lg_ruleset_add_text(f->rs, "t.yml", RULES, sizeof(RULES) - 1, &err) ||
        lg_ruleset_compile(f->rs, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        fail();
    }
    f->when = 1700000000;
    memset(&got, 0, sizeof(got));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    git_repository_free(f->repo);
    git_libgit2_shutdown();
    lg_ruleset_free(f->rs);
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* Files are "path", "content" pairs ending with NULL; a content starting
 * with "@link:" makes a symlink, "@commit:" a submodule entry. */
static void build_tree(struct fix *f, git_oid *tree, const char *const *files)
{
    git_index *idx;

    assert_int_equal(git_index_new(&idx), 0);
    for (size_t i = 0; files && files[i]; i += 2) {
        const char *c = files[i + 1];
        git_index_entry e;

        memset(&e, 0, sizeof(e));
        e.path = files[i];
        e.mode = GIT_FILEMODE_BLOB;
        if (strncmp(c, "@commit:", 8) == 0) {
            e.mode = GIT_FILEMODE_COMMIT;
            assert_int_equal(git_oid_fromstr(&e.id, c + 8), 0);
        } else {
            if (strncmp(c, "@link:", 6) == 0) {
                e.mode = GIT_FILEMODE_LINK;
                c += 6;
            }
            assert_int_equal(
                git_blob_create_from_buffer(&e.id, f->repo, c, strlen(c)), 0);
        }
        assert_int_equal(git_index_add(idx, &e), 0);
    }
    assert_int_equal(git_index_write_tree_to(tree, idx, f->repo), 0);
    git_index_free(idx);
}

/* A commit of `files` with the given parents; ref (if any) is moved to
 * it. */
static git_oid commit(struct fix *f, const char *ref, const char *msg,
                      const char *const *files, const git_oid *p1,
                      const git_oid *p2)
{
    git_signature *sig;
    git_commit *parents[2] = {NULL, NULL};
    git_reference *r = NULL;
    git_tree *tree;
    git_oid tid, id;
    size_t np = 0;

    build_tree(f, &tid, files);
    assert_int_equal(git_tree_lookup(&tree, f->repo, &tid), 0);
    if (p1)
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p1), 0);
    if (p2)
        assert_int_equal(git_commit_lookup(&parents[np++], f->repo, p2), 0);
    assert_int_equal(
        git_signature_new(&sig, "Dev", "dev@example.test", f->when += 60, 0),
        0);
    assert_int_equal(git_commit_create(&id, f->repo, NULL, sig, sig, NULL, msg,
                                       tree, np, (const git_commit **)parents),
                     0);
    if (ref) {
        assert_int_equal(git_reference_create(&r, f->repo, ref, &id, 1, "t"),
                         0);
        git_reference_free(r);
    }
    for (size_t i = 0; i < np; i++)
        git_commit_free(parents[i]);
    git_tree_free(tree);
    git_signature_free(sig);
    return id;
}

static void hex(char *out, const git_oid *id)
{
    git_oid_tostr(out, GIT_OID_HEXSZ + 1, id);
}

/* Run a git scan of f's repository; returns lg_git_scan's status. */
static int scan(struct fix *f, const struct lg_git_opts *o)
{
    struct lg_scan_config cfg = {.threads = 3, .allow_comments = true};
    struct lg_report_env env = {.out = stdout, .rs = f->rs};
    struct lg_session *s;
    struct lg_error err;
    int rc;

    memset(&got, 0, sizeof(got));
    assert_int_equal(
        lg_session_new(&s, f->rs, &cfg, &rec_ops, &env, on_notice, NULL, &err),
        LG_OK);
    assert_int_equal(lg_session_begin(s, &err), LG_OK);
    rc = lg_git_scan(s, f->dir, o, &err);
    if (rc < 0)
        fprintf(stderr, "# lg_git_scan: %s\n", err.msg);
    assert_int_equal(lg_session_end(s, &err), LG_OK);
    lg_session_free(s);
    return rc;
}

static int scan_history(struct fix *f)
{
    struct lg_git_opts o = {.mode = LG_GIT_HISTORY};

    return scan(f, &o);
}

/* ---- oidset ------------------------------------------------------------- */

static void test_oidset(void **state)
{
    struct lg_oidset s;
    unsigned char id[LG_OID_RAWSZ] = {0};

    (void)state;
    lg_oidset_init(&s);
    assert_false(lg_oidset_has(&s, id));
    assert_int_equal(lg_oidset_insert(&s, id), LG_EINVAL); /* all zero */
    for (uint32_t i = 1; i <= 100000; i++) {
        memcpy(id, &i, sizeof(i));
        memcpy(id + 12, &i, sizeof(i));
        assert_int_equal(lg_oidset_insert(&s, id), 1);
    }
    assert_int_equal(s.n, 100000);
    assert_true(4 * s.n <= 3 * s.cap);
    for (uint32_t i = 1; i <= 100000; i++) {
        memcpy(id, &i, sizeof(i));
        memcpy(id + 12, &i, sizeof(i));
        assert_true(lg_oidset_has(&s, id));
        assert_int_equal(lg_oidset_insert(&s, id), 0);
    }
    id[19] ^= 1;
    assert_false(lg_oidset_has(&s, id));
    lg_oidset_release(&s);
    assert_int_equal(s.cap, 0);
}

/* ---- history ------------------------------------------------------------ */

static void test_deleted_secret_attributed(void **state)
{
    struct fix *f = *state;
    const char *v1[] = {"README", "hello\n", NULL};
    const char *v2[] = {"README", "hello\n", "app/.env",
                        "A=1\nTOKEN=" SECRET1 "\n", NULL};
    const char *v3[] = {"README", "hello\n", NULL};
    git_oid c1, c2, c3;
    char want[GIT_OID_HEXSZ + 1];
    const struct rec *r;

    c1 = commit(f, NULL, "init", v1, NULL, NULL);
    c2 = commit(f, NULL, "add env\n\nbody", v2, &c1, NULL);
    c3 = commit(f, "refs/heads/main", "remove env", v3, &c2, NULL);
    (void)c3;
    assert_int_equal(scan_history(f), LG_OK);
    assert_int_equal(got.n, 1);
    r = find_secret(SECRET1);
    assert_non_null(r);
    hex(want, &c2);
    assert_string_equal(r->commit, want);
    assert_string_equal(r->path, "app/.env");
    assert_string_equal(r->message, "add env");
    assert_int_equal(r->line, 2);
}

static void test_branch_tag_and_rename(void **state)
{
    struct fix *f = *state;
    const char *base[] = {"a.txt", "x\n", NULL};
    const char *feat[] = {"a.txt", "x\n", "cfg/k", "k=" SECRET1 "\n", NULL};
    const char *moved[] = {"a.txt", "x\n", "conf/k", "k=" SECRET1 "\n", NULL};
    const char *tagged[] = {"a.txt", "x\n", "rel", SECRET2 "\n", NULL};
    git_oid c1, cf, cm, ct;
    git_object *obj;
    git_reference *ref;
    char want[GIT_OID_HEXSZ + 1];
    struct lg_strlist only_main = {0};
    struct lg_git_opts o = {.mode = LG_GIT_HISTORY, .branches = &only_main};

    c1 = commit(f, "refs/heads/main", "base", base, NULL, NULL);
    cf = commit(f, NULL, "feature", feat, &c1, NULL);
    cm = commit(f, "refs/heads/feature", "move", moved, &cf, NULL);
    ct = commit(f, NULL, "release", tagged, &c1, NULL);
    assert_int_equal(git_object_lookup(&obj, f->repo, &ct, GIT_OBJECT_ANY), 0);
    assert_int_equal(
        git_reference_create(&ref, f->repo, "refs/tags/v1", &ct, 1, "t"), 0);
    git_reference_free(ref);
    git_object_free(obj);
    (void)cm;

    assert_int_equal(scan_history(f), LG_OK);
    assert_int_equal(got.n, 2);
    assert_int_equal(count_secret(SECRET1),
                     1); /* the rename is the same blob */
    hex(want, &cf);
    assert_string_equal(find_secret(SECRET1)->commit, want);
    assert_string_equal(find_secret(SECRET1)->path, "cfg/k");
    hex(want, &ct);
    assert_string_equal(find_secret(SECRET2)->commit, want);

    assert_int_equal(lg_strlist_push(&only_main, "main"), LG_OK);
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 0);
    lg_strlist_release(&only_main);
    assert_int_equal(lg_strlist_push(&only_main, "nope"), LG_OK);
    assert_int_equal(scan(f, &o), LG_EINVAL);
    lg_strlist_release(&only_main);
}

static void test_merge_resolution(void **state)
{
    struct fix *f = *state;
    const char *base[] = {"conf", "a\n", NULL};
    const char *left[] = {"conf", "left\n", NULL};
    const char *right[] = {"conf", "right\n", NULL};
    const char *merged[] = {"conf", "left\nright\nkey=" SECRET3 "\n", NULL};
    git_oid b, l, r, m;
    char want[GIT_OID_HEXSZ + 1];
    struct lg_git_opts o = {.mode = LG_GIT_RANGE};

    b = commit(f, NULL, "base", base, NULL, NULL);
    l = commit(f, NULL, "left", left, &b, NULL);
    r = commit(f, "refs/heads/topic", "right", right, &b, NULL);
    m = commit(f, "refs/heads/main", "merge", merged, &l, &r);
    assert_int_equal(scan_history(f), LG_OK);
    assert_int_equal(got.n, 1);
    hex(want, &m);
    assert_string_equal(find_secret(SECRET3)->commit, want);
    assert_int_equal(find_secret(SECRET3)->line, 3);

    /* The merge's own line is added relative to both parents. */
    o.range = "topic..main";
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(find_secret(SECRET3)->commit, want);
}

static void test_submodule_symlink_and_limit(void **state)
{
    struct fix *f = *state;
    char big[4096];
    const char *v1[] = {
        "lib", "@commit:1111111111111111111111111111111111111111",
        "ln",  "@link:" SECRET1,
        "big", big,
        NULL};
    const char *v2[] = {
        "lib",   "@commit:2222222222222222222222222222222222222222",
        "ln",    "@link:" SECRET1,
        "big",   big,
        "small", "t=" SECRET2 "\n",
        NULL};
    git_oid c1;
    struct lg_git_opts o = {.mode = LG_GIT_HISTORY, .max_blob_size = 1024};

    memset(big, 'a', sizeof(big) - 40);
    snprintf(big + sizeof(big) - 40, 40, "\nx=%s\n", SECRET3);
    c1 = commit(f, NULL, "one", v1, NULL, NULL);
    commit(f, "refs/heads/main", "two", v2, &c1, NULL);
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 1); /* SECRET2 only */
    assert_non_null(find_secret(SECRET2));
    assert_int_equal(count_reason("submodule"), 1); /* once per path */
    assert_int_equal(count_reason(LG_REASON_SYMLINK), 1);
    assert_int_equal(count_reason(LG_REASON_TOO_LARGE), 1);
    /* Without the limit the big blob is scanned. */
    assert_int_equal(scan_history(f), LG_OK);
    assert_int_equal(got.n, 2);
}

/* ---- ranges ------------------------------------------------------------- */

static void test_range_added_lines_only(void **state)
{
    struct fix *f = *state;
    const char *v1[] = {"s", "old=" SECRET1 "\n", NULL};
    const char *v2[] = {"s", "old=" SECRET1 "\nnew=" SECRET2 "\n", NULL};
    const char *v3[] = {"s", "old=" SECRET1 "\nnew=" SECRET2 "\n", "t", "x\n",
                        NULL};
    git_oid c1, c2, c3;
    char want[GIT_OID_HEXSZ + 1], spec[128];
    struct lg_git_opts o = {.mode = LG_GIT_RANGE};

    c1 = commit(f, NULL, "one", v1, NULL, NULL);
    c2 = commit(f, NULL, "two", v2, &c1, NULL);
    c3 = commit(f, "refs/heads/main", "three", v3, &c2, NULL);
    hex(want, &c1);
    snprintf(spec, sizeof(spec), "%s..main", want);
    o.range = spec;
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 1);
    hex(want, &c2);
    assert_string_equal(find_secret(SECRET2)->commit, want);
    assert_int_equal(find_secret(SECRET2)->line, 2);

    o.range = NULL;
    o.since = want; /* c2..HEAD: nothing new */
    assert_int_equal(git_repository_set_head(f->repo, "refs/heads/main"), 0);
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 0);
    (void)c3;

    o.since = NULL;
    o.range = "main";
    assert_int_equal(scan(f, &o), LG_EINVAL);
    o.range = "nope..main";
    assert_int_equal(scan(f, &o), LG_EINVAL);
}

static void test_pre_push(void **state)
{
    struct fix *f = *state;
    const char *v1[] = {"s", "x\n", NULL};
    const char *v2[] = {"s", "x\ny=" SECRET1 "\n", NULL};
    git_oid c1, c2;
    git_reference *ref;
    char h1[GIT_OID_HEXSZ + 1], h2[GIT_OID_HEXSZ + 1], in[512];
    struct lg_git_opts o = {.mode = LG_GIT_PRE_PUSH, .remote = "origin"};
    static const char zeros[] = "0000000000000000000000000000000000000000";

    c1 = commit(f, NULL, "one", v1, NULL, NULL);
    c2 = commit(f, "refs/heads/main", "two", v2, &c1, NULL);
    hex(h1, &c1);
    hex(h2, &c2);

    /* Existing branch: only c1..c2. */
    snprintf(in, sizeof(in), "refs/heads/main %s refs/heads/main %s\n", h2, h1);
    o.pre_push_in = fmemopen(in, strlen(in), "r");
    assert_int_equal(scan(f, &o), LG_OK);
    fclose(o.pre_push_in);
    assert_int_equal(got.n, 1);
    assert_string_equal(find_secret(SECRET1)->commit, h2);

    /* New branch, the remote-tracking ref already has c2: nothing. */
    assert_int_equal(git_reference_create(&ref, f->repo,
                                          "refs/remotes/origin/main", &c2, 1,
                                          "t"),
                     0);
    git_reference_free(ref);
    snprintf(in, sizeof(in), "refs/heads/x %s refs/heads/x %s\n", h2, zeros);
    o.pre_push_in = fmemopen(in, strlen(in), "r");
    assert_int_equal(scan(f, &o), LG_OK);
    fclose(o.pre_push_in);
    assert_int_equal(got.n, 0);

    /* Deleted refs push nothing; blank lines are ignored. */
    snprintf(in, sizeof(in), "\n(delete) %s refs/heads/y %s\n", zeros, h2);
    o.pre_push_in = fmemopen(in, strlen(in), "r");
    assert_int_equal(scan(f, &o), LG_OK);
    fclose(o.pre_push_in);
    assert_int_equal(got.n, 0);

    snprintf(in, sizeof(in), "garbage\n");
    o.pre_push_in = fmemopen(in, strlen(in), "r");
    assert_int_equal(scan(f, &o), LG_EINVAL);
    fclose(o.pre_push_in);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[256];
    FILE *fp;

    snprintf(p, sizeof(p), "%s/%s", dir, name);
    fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void stage(struct fix *f, const char *name, bool add)
{
    git_index *idx;

    assert_int_equal(git_repository_index(&idx, f->repo), 0);
    if (add)
        assert_int_equal(git_index_add_bypath(idx, name), 0);
    else
        assert_int_equal(git_index_remove_bypath(idx, name), 0);
    assert_int_equal(git_index_write(idx), 0);
    git_index_free(idx);
}

static void test_staged(void **state)
{
    struct fix *f = *state;
    struct lg_git_opts o = {.mode = LG_GIT_STAGED};
    const char *v1[] = {"keep", "a=" SECRET1 "\n", NULL};
    git_oid c1;

    /* No commit yet: the index against the empty tree. */
    write_file(f->dir, "new", "k=" SECRET2 "\n");
    stage(f, "new", true);
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(find_secret(SECRET2)->path, "new");
    assert_string_equal(find_secret(SECRET2)->commit, "");
    stage(f, "new", false);
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 0);

    /* Against HEAD: the old secret is not on an added line.  The staged
     * content counts, not the work tree's. */
    c1 = commit(f, "refs/heads/master", "one", v1, NULL, NULL);
    (void)c1;
    write_file(f->dir, "keep", "a=" SECRET1 "\nb=2\n");
    stage(f, "keep", true);
    write_file(f->dir, "keep", "a=" SECRET1 "\nb=2\nc=" SECRET3 "\n");
    assert_int_equal(scan(f, &o), LG_OK);
    assert_int_equal(got.n, 0);
}

static void test_staged_bare_refused(void **state)
{
    struct fix *f = *state;
    struct lg_git_opts o = {.mode = LG_GIT_STAGED};
    char bare[80];
    git_repository *r;
    struct lg_scan_config cfg = {.threads = 1};
    struct lg_report_env env = {.out = stdout, .rs = f->rs};
    struct lg_session *s;
    struct lg_error err;

    snprintf(bare, sizeof(bare), "%s/b.git", f->dir);
    assert_int_equal(git_repository_init(&r, bare, 1), 0);
    git_repository_free(r);
    assert_int_equal(
        lg_session_new(&s, f->rs, &cfg, &rec_ops, &env, NULL, NULL, &err),
        LG_OK);
    assert_int_equal(lg_session_begin(s, &err), LG_OK);
    assert_int_equal(lg_git_scan(s, bare, &o, &err), LG_EINVAL);
    assert_non_null(strstr(err.msg, "bare"));
    assert_int_equal(lg_git_scan(s, "/nonexistent/x", &o, &err), LG_ENOTFOUND);
    lg_session_end(s, NULL);
    lg_session_free(s);
}

/* ---- hooks -------------------------------------------------------------- */

static void test_hooks_dir(void **state)
{
    struct fix *f = *state;
    struct lg_error err;
    git_config *cfg;
    char *dir, want[256];

    assert_int_equal(lg_git_hooks_dir(&dir, f->dir, &err), LG_OK);
    snprintf(want, sizeof(want), "%s/.git/hooks", f->dir);
    assert_string_equal(dir, want);
    free(dir);
    assert_int_equal(git_repository_config(&cfg, f->repo), 0);
    assert_int_equal(git_config_set_string(cfg, "core.hooksPath", "ci/hooks"),
                     0);
    git_config_free(cfg);
    assert_int_equal(lg_git_hooks_dir(&dir, f->dir, &err), LG_OK);
    snprintf(want, sizeof(want), "%s/ci/hooks", f->dir);
    assert_string_equal(dir, want);
    free(dir);
}

/* The embedded hooks are the files of hooks/ (run from the source root,
 * as `make test` does; skipped elsewhere). */
static void test_hook_texts_match_files(void **state)
{
    static const char *const names[] = {"pre-commit", "pre-push"};

    (void)state;
    for (int i = 0; i < 2; i++) {
        struct lg_buf b;
        char p[64];

        snprintf(p, sizeof(p), "hooks/%s", names[i]);
        if (access(p, R_OK) != 0)
            skip();
        lg_buf_init(&b, 1 << 20);
        assert_int_equal(lg_buf_read_path(&b, p, NULL), LG_OK);
        assert_non_null(lg_git_hook_text(names[i]));
        assert_string_equal(b.data, lg_git_hook_text(names[i]));
        assert_non_null(strstr(b.data, LG_GIT_HOOK_MARK));
        lg_buf_release(&b);
    }
    assert_null(lg_git_hook_text("post-commit"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oidset),
        cmocka_unit_test_setup_teardown(test_deleted_secret_attributed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_branch_tag_and_rename, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_merge_resolution, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submodule_symlink_and_limit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_range_added_lines_only, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pre_push, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_staged_bare_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_hooks_dir, setup, teardown),
        cmocka_unit_test(test_hook_texts_match_files),
    };

    int rc;

    /* Repositories under test must not read the user's or the system's
     * configuration (kept for the whole run by one init). */
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
    git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    git_libgit2_shutdown();
    return rc;
}
