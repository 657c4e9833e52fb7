/* Unit tests for the directory walk.  Every tree is built under a fresh
 * mkdtemp directory at test time and removed afterwards (by descriptor, so
 * trees deeper than PATH_MAX are removed too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* needs the four headers above */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "report/report.h"
#include "source/walk.h"

/* ---- recording callback ------------------------------------------------ */

struct rec {
    enum lg_walk_kind kind;
    char *path;
    char reason[32];
    char message[128];
    bool is_error;
    uint64_t size;
};

struct log {
    struct rec *v;
    size_t n, cap;
    size_t stop_after; /* 0 = never */
    int stop_code;
};

static int record(const struct lg_walk_entry *e, void *payload)
{
    struct log *l = payload;
    struct rec *r;

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        assert_non_null(l->v);
    }
    r = &l->v[l->n++];
    memset(r, 0, sizeof(*r));
    r->kind = e->kind;
    r->path = strdup(e->path);
    assert_non_null(r->path);
    r->is_error = e->is_error;
    r->size = e->size;
    if (e->kind == LG_WALK_SKIP) {
        assert_non_null(e->reason);
        assert_non_null(e->message);
        snprintf(r->reason, sizeof(r->reason), "%s", e->reason);
        snprintf(r->message, sizeof(r->message), "%s", e->message);
    }
    if (l->stop_after && l->n >= l->stop_after)
        return l->stop_code;
    return LG_OK;
}

static void log_free(struct log *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static const struct rec *find(const struct log *l, const char *path)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].path, path))
            return &l->v[i];
    return NULL;
}

static size_t count_kind(const struct log *l, enum lg_walk_kind k)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        n += l->v[i].kind == k;
    return n;
}

/* ---- tree building ------------------------------------------------------ */

struct fixture {
    char root[64];
    char path[512]; /* scratch for root-joined paths */
};

static const char *at(struct fixture *fx, const char *rel)
{
    snprintf(fx->path, sizeof(fx->path), "%s/%s", fx->root, rel);
    return fx->path;
}

static void mk_dir(struct fixture *fx, const char *rel)
{
    assert_int_equal(mkdir(at(fx, rel), 0755), 0);
}

static void mk_file(struct fixture *fx, const char *rel, size_t size)
{
    int fd = open(at(fx, rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(fd >= 0);
    for (size_t i = 0; i < size; i++)
        assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
}

static void mk_link(struct fixture *fx, const char *target, const char *rel)
{
    assert_int_equal(symlink(target, at(fx, rel)), 0);
}

/* Remove a tree without recursion and without building long paths: go down
 * by openat, come back up through "..", one directory open at a time. */
static void rm_tree(const char *path)
{
    char **names = NULL;
    size_t depth = 0, cap = 0;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

    if (fd < 0) {
        unlink(path);
        return;
    }
    for (;;) {
        DIR *d = fdopendir(dup(fd));
        char *sub = NULL;
        struct dirent *de;

        assert_non_null(d);
        rewinddir(d);
        while ((de = readdir(d))) {
            struct stat st;

            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISDIR(st.st_mode)) {
                fchmodat(fd, de->d_name, 0700, 0);
                sub = strdup(de->d_name);
                break;
            }
            unlinkat(fd, de->d_name, 0);
        }
        closedir(d);
        if (sub) {
            int nfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

            assert_true(nfd >= 0);
            close(fd);
            fd = nfd;
            if (depth == cap) {
                cap = cap ? cap * 2 : 64;
                names = realloc(names, cap * sizeof(*names));
                assert_non_null(names);
            }
            names[depth++] = sub;
            continue;
        }
        if (depth == 0)
            break;
        {
            int pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY);

            assert_true(pfd >= 0);
            close(fd);
            fd = pfd;
            depth--;
            assert_int_equal(unlinkat(fd, names[depth], AT_REMOVEDIR), 0);
            free(names[depth]);
        }
    }
    close(fd);
    free(names);
    assert_int_equal(rmdir(path), 0);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    if (!fx)
        return -1;
    snprintf(fx->root, sizeof(fx->root), "/tmp/lgwalk.XXXXXX");
    if (!mkdtemp(fx->root)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    rm_tree(fx->root);
    free(fx);
    return 0;
}

static int count_open_fds(void)
{
    int n = 0;

    for (int fd = 0; fd < 4096; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

/* Walk with `o` (NULL: defaults) and check no descriptor is left open. */
static int walk(const char *root, const struct lg_walk_opts *o, struct log *l)
{
    struct lg_walk_opts def = {0};
    struct lg_error err;
    int before = count_open_fds(), rc;

    lg_error_clear(&err);
    rc = lg_walk(root, o ? o : &def, record, l, &err);
    assert_int_equal(count_open_fds(), before);
    return rc;
}

static void expect_skip(const struct log *l, const char *path,
                        const char *reason, bool is_error)
{
    const struct rec *r = find(l, path);

    if (!r)
        fail_msg("no entry for '%s'", path);
    assert_int_equal(r->kind, LG_WALK_SKIP);
    assert_string_equal(r->reason, reason);
    assert_int_equal(r->is_error, is_error);
    assert_true(r->message[0] != '\0');
}

static void expect_file(const struct log *l, const char *path, uint64_t size)
{
    const struct rec *r = find(l, path);

    if (!r)
        fail_msg("no entry for '%s'", path);
    assert_int_equal(r->kind, LG_WALK_FILE);
    assert_int_equal(r->size, size);
}

/* ---- tests -------------------------------------------------------------- */

static void test_order_and_paths(void **state)
{
    struct fixture *fx = *state;
    static const char *const want[] = {
        "B", "a/x", "a.txt", "b.txt", "c/a", "c/z",
    };
    char cwd[PATH_MAX], root_slash[128], p[256];
    struct log l = {0};

    mk_file(fx, "b.txt", 1);
    mk_file(fx, "a.txt", 2);
    mk_file(fx, "B", 3);
    mk_dir(fx, "a");
    mk_file(fx, "a/x", 0);
    mk_dir(fx, "c");
    mk_file(fx, "c/z", 0);
    mk_file(fx, "c/a", 0);

    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    assert_int_equal(l.n, 6);
    for (size_t i = 0; i < 6; i++) {
        snprintf(p, sizeof(p), "%s/%s", fx->root, want[i]);
        assert_string_equal(l.v[i].path, p);
        assert_int_equal(l.v[i].kind, LG_WALK_FILE);
    }
    expect_file(&l, at(fx, "a.txt"), 2);
    log_free(&l);

    /* "dir/" and "dir//" do not double the slash */
    snprintf(root_slash, sizeof(root_slash), "%s//", fx->root);
    assert_int_equal(walk(root_slash, NULL, &l), LG_OK);
    assert_string_equal(l.v[0].path, at(fx, "B"));
    log_free(&l);

    /* root "." gives bare relative paths, "./c" keeps its spelling */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(fx->root), 0);
    assert_int_equal(walk(".", NULL, &l), LG_OK);
    assert_int_equal(l.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(l.v[i].path, want[i]);
    log_free(&l);
    assert_int_equal(walk("./", NULL, &l), LG_OK);
    assert_string_equal(l.v[1].path, "a/x");
    log_free(&l);
    assert_int_equal(walk("./c", NULL, &l), LG_OK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].path, "./c/a");
    log_free(&l);

    /* a root that is a regular file is one entry, path as given */
    assert_int_equal(walk("c/z", NULL, &l), LG_OK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].path, "c/z");
    assert_int_equal(l.v[0].kind, LG_WALK_FILE);
    log_free(&l);
    assert_int_equal(chdir(cwd), 0);
}

static void test_missing_root(void **state)
{
    struct fixture *fx = *state;
    struct log l = {0};

    assert_int_equal(walk(at(fx, "nope"), NULL, &l), LG_OK);
    assert_int_equal(l.n, 1);
    expect_skip(&l, at(fx, "nope"), LG_REASON_UNREADABLE, true);
    log_free(&l);
}

static void test_excludes(void **state)
{
    struct fixture *fx = *state;
    char p1[] = "*.log", p2[] = "build/", p3[] = "**/node_modules/**";
    char p4[] = "proj/web/**";
    char *pats[] = {p1, p2, p3};
    struct lg_strlist ex = {pats, 3};
    struct lg_walk_opts o = {.excludes = &ex};
    char cwd[PATH_MAX], *anchored[] = {p4};
    struct lg_strlist ex2 = {anchored, 1};
    struct log l = {0};

    mk_file(fx, "app.log", 1);
    mk_dir(fx, "src");
    mk_file(fx, "src/main.c", 1);
    mk_file(fx, "src/debug.log", 1);
    mk_dir(fx, "src/build");
    mk_file(fx, "src/build/gen.c", 1);
    mk_dir(fx, "build");
    mk_file(fx, "build/out.o", 1);
    mk_dir(fx, "build/sub");
    mk_file(fx, "build/sub/x", 1);
    mk_file(fx, "buildinfo", 1); /* a file: "build/" is for directories */
    mk_dir(fx, "web");
    mk_file(fx, "web/app.js", 1);
    mk_dir(fx, "web/node_modules");
    mk_dir(fx, "web/node_modules/pkg");
    mk_file(fx, "web/node_modules/pkg/index.js", 1);
    mk_dir(fx, "node_modules");
    mk_file(fx, "node_modules/a.js", 1);

    assert_int_equal(walk(fx->root, &o, &l), LG_OK);
    expect_file(&l, at(fx, "src/main.c"), 1);
    expect_file(&l, at(fx, "web/app.js"), 1);
    expect_file(&l, at(fx, "buildinfo"), 1);
    assert_int_equal(count_kind(&l, LG_WALK_FILE), 3);
    expect_skip(&l, at(fx, "app.log"), LG_REASON_EXCLUDED, false);
    expect_skip(&l, at(fx, "src/debug.log"), LG_REASON_EXCLUDED, false);
    expect_skip(&l, at(fx, "src/build"), LG_REASON_EXCLUDED, false);
    expect_skip(&l, at(fx, "build"), LG_REASON_EXCLUDED, false);
    expect_skip(&l, at(fx, "web/node_modules"), LG_REASON_EXCLUDED, false);
    expect_skip(&l, at(fx, "node_modules"), LG_REASON_EXCLUDED, false);
    /* an excluded directory is one skip, its contents are not visited */
    assert_int_equal(l.n, 9);
    assert_null(find(&l, at(fx, "build/out.o")));
    log_free(&l);

    /* a pattern with an inner '/' is also matched against the display path */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(fx->root), 0);
    assert_int_equal(mkdir("proj", 0755), 0);
    assert_int_equal(mkdir("proj/web", 0755), 0);
    assert_int_equal(rename("web/app.js", "proj/web/app.js"), 0);
    assert_int_equal(rename("src/main.c", "proj/main.c"), 0);
    o.excludes = &ex2;
    assert_int_equal(walk("proj", &o, &l), LG_OK);
    assert_int_equal(l.n, 2);
    expect_file(&l, "proj/main.c", 1);
    expect_skip(&l, "proj/web", LG_REASON_EXCLUDED, false);
    log_free(&l);
    assert_int_equal(chdir(cwd), 0);
}

static void test_git_dir(void **state)
{
    struct fixture *fx = *state;
    struct log l = {0};
    const struct rec *r;

    mk_dir(fx, ".git");
    mk_file(fx, ".git/config", 1);
    mk_file(fx, ".gitignore", 1);
    mk_dir(fx, "sub");
    mk_dir(fx, "sub/.git");
    mk_file(fx, "sub/.git/HEAD", 1);
    mk_dir(fx, "mod");
    mk_file(fx, "mod/.git", 9); /* a gitlink file is ordinary text */

    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    expect_skip(&l, at(fx, ".git"), LG_REASON_EXCLUDED, false);
    r = find(&l, at(fx, ".git"));
    assert_string_equal(r->message, "git metadata directory");
    expect_skip(&l, at(fx, "sub/.git"), LG_REASON_EXCLUDED, false);
    expect_file(&l, at(fx, ".gitignore"), 1);
    expect_file(&l, at(fx, "mod/.git"), 9);
    assert_int_equal(l.n, 4);
    log_free(&l);
}

static void test_symlinks(void **state)
{
    struct fixture *fx = *state;
    struct lg_walk_opts follow = {.follow_symlinks = true};
    struct log l = {0};

    mk_dir(fx, "real");
    mk_file(fx, "real/f.txt", 4);
    mk_link(fx, "..", "real/up"); /* loops back to the root */
    mk_link(fx, "real", "ln");
    mk_link(fx, "real/f.txt", "lf");
    mk_link(fx, "nope", "dang");
    mk_link(fx, "self", "self");

    /* default: links are reported, not followed */
    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    expect_file(&l, at(fx, "real/f.txt"), 4);
    expect_skip(&l, at(fx, "real/up"), LG_REASON_SYMLINK, false);
    expect_skip(&l, at(fx, "ln"), LG_REASON_SYMLINK, false);
    expect_skip(&l, at(fx, "lf"), LG_REASON_SYMLINK, false);
    expect_skip(&l, at(fx, "dang"), LG_REASON_SYMLINK, false);
    expect_skip(&l, at(fx, "self"), LG_REASON_SYMLINK, false);
    assert_int_equal(l.n, 6);
    log_free(&l);

    /* followed, with loops caught */
    assert_int_equal(walk(fx->root, &follow, &l), LG_OK);
    expect_file(&l, at(fx, "real/f.txt"), 4);
    expect_file(&l, at(fx, "ln/f.txt"), 4);
    expect_file(&l, at(fx, "lf"), 4);
    expect_skip(&l, at(fx, "real/up"), "symlink-loop", false);
    expect_skip(&l, at(fx, "ln/up"), "symlink-loop", false);
    expect_skip(&l, at(fx, "dang"), LG_REASON_SYMLINK, false);
    expect_skip(&l, at(fx, "self"), "symlink-loop", false);
    assert_int_equal(l.n, 7);
    log_free(&l);

    /* an explicit root symlink is followed even by default (find -H) */
    assert_int_equal(walk(at(fx, "ln"), NULL, &l), LG_OK);
    expect_file(&l, at(fx, "ln/f.txt"), 4);
    expect_skip(&l, at(fx, "ln/up"), LG_REASON_SYMLINK, false);
    assert_int_equal(l.n, 2);
    log_free(&l);
}

static void test_special_files(void **state)
{
    struct fixture *fx = *state;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct log l = {0};
    int s;

    mk_file(fx, "f", 1);
    assert_int_equal(mkfifo(at(fx, "pipe"), 0644), 0);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", fx->root);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(s);

    alarm(20); /* opening the FIFO would block: fail loudly instead */
    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    alarm(0);
    expect_file(&l, at(fx, "f"), 1);
    expect_skip(&l, at(fx, "pipe"), LG_REASON_SPECIAL, false);
    assert_string_equal(find(&l, at(fx, "pipe"))->message, "fifo");
    expect_skip(&l, at(fx, "sock"), LG_REASON_SPECIAL, false);
    assert_int_equal(l.n, 3);
    log_free(&l);

    /* a FIFO given as the root is not opened either */
    alarm(20);
    assert_int_equal(walk(at(fx, "pipe"), NULL, &l), LG_OK);
    alarm(0);
    expect_skip(&l, at(fx, "pipe"), LG_REASON_SPECIAL, false);
    log_free(&l);
}

static void test_unreadable(void **state)
{
    struct fixture *fx = *state;
    char locked[128];
    struct log l = {0};

    mk_file(fx, "ok.txt", 1);
    mk_dir(fx, "locked");
    mk_file(fx, "locked/secret.txt", 1);
    mk_dir(fx, "listonly"); /* r-- : names can be read, not stat'ed */
    mk_file(fx, "listonly/f", 1);
    if (geteuid() == 0)
        skip(); /* root reads through any mode: nothing to assert here */
    assert_int_equal(chmod(at(fx, "locked"), 0), 0);
    assert_int_equal(chmod(at(fx, "listonly"), 0444), 0);
    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    expect_file(&l, at(fx, "ok.txt"), 1);
    expect_skip(&l, at(fx, "locked"), LG_REASON_UNREADABLE, true);
    assert_string_equal(find(&l, at(fx, "locked"))->message, strerror(EACCES));
    expect_skip(&l, at(fx, "listonly/f"), LG_REASON_UNREADABLE, true);
    assert_int_equal(l.n, 3);
    log_free(&l);

    /* an unreadable root is a skip with the root as typed */
    snprintf(locked, sizeof(locked), "%s/locked/", fx->root);
    assert_int_equal(walk(locked, NULL, &l), LG_OK);
    assert_int_equal(l.n, 1);
    expect_skip(&l, locked, LG_REASON_UNREADABLE, true);
    log_free(&l);
    assert_int_equal(chmod(at(fx, "locked"), 0755), 0);
    assert_int_equal(chmod(at(fx, "listonly"), 0755), 0);
}

static void test_too_large(void **state)
{
    struct fixture *fx = *state;
    struct lg_walk_opts o = {.max_file_size = 10};
    struct log l = {0};

    mk_file(fx, "small", 5);
    mk_file(fx, "exact", 10);
    mk_file(fx, "big", 11);
    assert_int_equal(walk(fx->root, &o, &l), LG_OK);
    expect_file(&l, at(fx, "small"), 5);
    expect_file(&l, at(fx, "exact"), 10);
    expect_skip(&l, at(fx, "big"), LG_REASON_TOO_LARGE, false);
    log_free(&l);
    /* the limit applies to a file root too */
    assert_int_equal(walk(at(fx, "big"), &o, &l), LG_OK);
    expect_skip(&l, at(fx, "big"), LG_REASON_TOO_LARGE, false);
    log_free(&l);
}

#define DEEP_LEVELS 2000
#define DEEP_NAME "level-directory-0123456789" /* 2000 of these > PATH_MAX */

/* root/D/D/.../D (levels deep), every directory holding "zz.txt", which
 * sorts after D so it is visited after coming back up. */
static void mk_chain(struct fixture *fx, size_t levels)
{
    int fd = open(fx->root, O_RDONLY | O_DIRECTORY);

    assert_true(fd >= 0);
    for (size_t i = 0; i <= levels; i++) {
        int f = openat(fd, "zz.txt", O_WRONLY | O_CREAT, 0644), nfd;

        assert_true(f >= 0);
        close(f);
        if (i == levels)
            break;
        assert_int_equal(mkdirat(fd, DEEP_NAME, 0755), 0);
        nfd = openat(fd, DEEP_NAME, O_RDONLY | O_DIRECTORY);
        assert_true(nfd >= 0);
        close(fd);
        fd = nfd;
    }
    close(fd);
}

static void test_deep_tree(void **state)
{
    struct fixture *fx = *state;
    struct lg_walk_opts shallow = {.max_depth = 10};
    size_t prefix = strlen(fx->root) + 1, step = strlen(DEEP_NAME) + 1;
    struct log l = {0};

    mk_chain(fx, DEEP_LEVELS);
    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    assert_int_equal(l.n, DEEP_LEVELS + 1);
    assert_int_equal(count_kind(&l, LG_WALK_FILE), DEEP_LEVELS + 1);
    /* deepest first, then each level on the way back up */
    for (size_t i = 0; i <= DEEP_LEVELS; i++) {
        const char *p = l.v[i].path;
        size_t depth = DEEP_LEVELS - i;

        assert_int_equal(strlen(p), prefix + depth * step + strlen("zz.txt"));
        assert_string_equal(p + prefix + depth * step, "zz.txt");
    }
    assert_true(strlen(l.v[0].path) > PATH_MAX);
    log_free(&l);

    /* a depth cap turns the rest into one notice */
    assert_int_equal(walk(fx->root, &shallow, &l), LG_OK);
    assert_int_equal(count_kind(&l, LG_WALK_FILE), 10);
    assert_int_equal(count_kind(&l, LG_WALK_SKIP), 1);
    assert_string_equal(l.v[0].reason, "too-deep");
    assert_int_equal(strlen(l.v[0].path), prefix + 10 * step - 1);
    log_free(&l);
}

/* A followed symlink below the descriptor budget: coming back up through
 * its ".." leads elsewhere, so the walk must find its way back. */
static void test_deep_symlink_return(void **state)
{
    struct fixture *fx = *state;
    struct lg_walk_opts follow = {.follow_symlinks = true};
    char target[128], link_path[64 * 32], *p;
    int fd;
    struct log l = {0};

    mk_dir(fx, "target");
    mk_file(fx, "target/t.txt", 3);
    mk_dir(fx, "chain");
    snprintf(target, sizeof(target), "%s/target", fx->root);
    p = link_path +
        snprintf(link_path, sizeof(link_path), "%s/chain", fx->root);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(mkdir(link_path, 0755) == 0 || errno == EEXIST, 1);
        p += snprintf(p, 8, "/d");
    }
    assert_int_equal(mkdir(link_path, 0755), 0);
    fd = open(link_path, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(symlinkat(target, fd, "link"), 0);
    close(fd);
    fd = open(link_path, O_RDONLY | O_DIRECTORY);
    close(openat(fd, "zz.txt", O_WRONLY | O_CREAT, 0644));
    close(fd);

    assert_int_equal(walk(at(fx, "chain"), &follow, &l), LG_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].kind, LG_WALK_FILE);
    assert_int_equal(l.v[0].size, 3);
    assert_non_null(strstr(l.v[0].path, "/d/link/t.txt"));
    assert_int_equal(l.v[1].kind, LG_WALK_FILE);
    assert_non_null(strstr(l.v[1].path, "/d/zz.txt"));
    log_free(&l);
}

static void test_odd_names(void **state)
{
    struct fixture *fx = *state;
    char longname[256], rel[300];
    struct log l = {0};

    memset(longname, 'n', 255);
    longname[255] = '\0';
    mk_file(fx, "new\nline", 1);
    mk_file(fx, "bad\xff\xfe.txt", 2);
    mk_dir(fx, "sp ace");
    snprintf(rel, sizeof(rel), "sp ace/%s", longname);
    mk_file(fx, rel, 3);

    assert_int_equal(walk(fx->root, NULL, &l), LG_OK);
    assert_int_equal(l.n, 3);
    expect_file(&l, at(fx, "new\nline"), 1);
    expect_file(&l, at(fx, "bad\xff\xfe.txt"), 2);
    expect_file(&l, at(fx, rel), 3);
    log_free(&l);
}

static void test_callback_stops(void **state)
{
    struct fixture *fx = *state;
    struct log l = {.stop_after = 1, .stop_code = LG_ESTOP};
    struct lg_walk_opts o = {0};
    struct lg_error err;

    mk_file(fx, "a", 1);
    mk_dir(fx, "b");
    mk_file(fx, "b/c", 1);
    assert_int_equal(walk(fx->root, NULL, &l), LG_ESTOP);
    assert_int_equal(l.n, 1);
    log_free(&l);

    l.stop_after = 2;
    l.stop_code = LG_EIO;
    lg_error_clear(&err);
    assert_int_equal(lg_walk(fx->root, &o, record, &l, &err), LG_EIO);
    assert_int_equal(l.n, 2);
    log_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excludes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_git_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_special_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_symlink_return, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_odd_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callback_stops, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
