/* Directory walk.
 *
 * The walk is iterative: an explicit stack holds one frame per directory on
 * the current path, so a tree thousands of levels deep costs heap, never C
 * stack.  Each frame reads its whole directory up front (readdir + qsort by
 * byte order), which gives stable output and lets the DIR stream be closed
 * at once.
 *
 * Everything is opened relative to the parent directory's descriptor
 * (openat/fstatat), so paths longer than PATH_MAX are walked fine; the
 * display path lives in a growable buffer.  Holding one descriptor per level
 * would run out of descriptors on deep trees, so only the first FD_KEEP
 * frames and the top frame keep theirs; a deeper parent is reopened on the
 * way back up through the child's "..", checked by (dev, ino), and if that
 * does not lead back (the child was reached through a followed symlink) by
 * re-descending from the nearest ancestor that still has its descriptor.
 *
 * Directory loops (followed symlinks, bind mounts) are caught by comparing
 * (dev, ino) with every directory on the current path.  Regular files are
 * only stat'ed, never opened: the scanner opens them.  FIFOs, sockets and
 * devices are never opened at all (opening a FIFO blocks). */
#include "source/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "util/buf.h"
#include "util/text.h"

#define WALK_DEFAULT_DEPTH 4096u


/* Frames below this depth keep their descriptor for the whole walk. */
#define FD_KEEP 32
/* Caps on input-derived buffers: the display path and one directory's
 * listing (names and NULs). */
#define PATH_MAX_BYTES ((size_t)64 << 20)
#define LISTING_MAX_BYTES ((size_t)256 << 20)

struct frame {
    int fd; /* -1 while closed to stay under the fd budget */
    dev_t dev;
    ino_t ino;
    struct lg_buf names; /* entry names, each NUL-terminated */
    char **v;            /* sorted pointers into names.data */
    size_t n, next;      /* entries, next one to visit */
    size_t path_len;     /* display path length, including the final '/' */
};

struct walker {
    const struct lg_walk_opts *opts;
    unsigned max_depth;
    lg_walk_cb cb;
    void *payload;
    struct lg_error *err;
    const char *root;   /* as given, for messages */
    struct lg_buf path; /* display path of the current entry */
    size_t prefix_len;  /* bytes of path taken by the root prefix */
    struct frame *st;   /* stack; st[i] is at depth i (root = 0) */
    size_t n, cap;
};

/* Out of memory: the message is set once, here. */
static int nomem(struct walker *w)
{
    return lg_error_set(w->err, LG_ENOMEM, "out of memory while walking '%s'",
                        w->root);
}

static int call(struct walker *w, const struct lg_walk_entry *e)
{
    int rc = w->cb(e, w->payload);

    return rc < 0 ? rc : LG_OK;
}

static int emit_skip(struct walker *w, const char *path, const char *reason,
                     const char *msg, bool is_error)
{
    struct lg_walk_entry e = {
        .kind = LG_WALK_SKIP,
        .path = path,
        .reason = reason,
        .message = msg,
        .is_error = is_error,
    };

    return call(w, &e);
}

bool lg_walk_too_large(uint64_t size, uint64_t limit, char *msg, size_t cap)
{
    if (!limit || size <= limit)
        return false;
    snprintf(msg, cap, "file is %llu bytes, limit %llu",
             (unsigned long long)size, (unsigned long long)limit);
    return true;
}

static int emit_file(struct walker *w, const char *path, const struct stat *st)
{
    struct lg_walk_entry e = {.kind = LG_WALK_FILE, .path = path};
    char msg[96];
    uint64_t size = st->st_size > 0 ? (uint64_t)st->st_size : 0;

    if (lg_walk_too_large(size, w->opts->max_file_size, msg, sizeof(msg)))
        return emit_skip(w, path, LG_REASON_TOO_LARGE, msg, false);
    e.size = size;
    return call(w, &e);
}

static const char *special_kind(mode_t m)
{
    if (S_ISFIFO(m))
        return "fifo";
    if (S_ISSOCK(m))
        return "socket";
    if (S_ISCHR(m))
        return "character device";
    if (S_ISBLK(m))
        return "block device";
    return "not a regular file or directory";
}

static void set_path_len(struct walker *w, size_t len)
{
    w->path.len = len;
    if (w->path.data)
        w->path.data[len] = '\0';
}

/* --exclude globs.  The path relative to the root is always tried; the
 * display path only for patterns anchored with an inner '/', so that a
 * component pattern like "tmp*" cannot match the root's own components
 * and exclude everything. */
static bool excluded(const struct walker *w)
{
    const struct lg_strlist *ex = w->opts->excludes;
    const char *rel = w->path.data + w->prefix_len;

    if (!ex)
        return false;
    for (size_t i = 0; i < ex->n; i++) {
        const char *pat = ex->v[i];
        const char *slash = strchr(pat, '/');

        if (lg_glob_match(pat, rel))
            return true;
        if (w->prefix_len && slash && slash[1] &&
            lg_glob_match(pat, w->path.data))
            return true;
    }
    return false;
}

static void frame_release(struct frame *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    lg_buf_release(&f->names);
    free(f->v);
    f->v = NULL;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read and sort the names in directory `fd` (which stays open) into f.
 * Returns LG_OK, LG_ENOMEM, LG_ELIMIT, or LG_EIO with errno set. */
static int read_listing(struct frame *f, int fd)
{
    struct dirent *de;
    DIR *d = NULL;
    int dfd, rc = LG_OK, saved = 0;
    size_t i, n = 0;
    unsigned char type;
    char *p;

    dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dfd < 0)
        return LG_EIO;
    d = fdopendir(dfd);
    if (!d) {
        saved = errno;
        close(dfd);
        rc = LG_EIO;
        goto out;
    }
    rewinddir(d); /* the duplicate shares fd's offset */
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno) {
                saved = errno;
                rc = LG_EIO;
            }
            break;
        }
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        /* each name is preceded by its d_type byte */
        type = (unsigned char)de->d_type;
        rc = lg_buf_append(&f->names, &type, 1);
        if (rc == LG_OK)
            rc = lg_buf_append(&f->names, de->d_name, strlen(de->d_name) + 1);
        if (rc < 0)
            goto out;
        n++;
    }
    if (rc < 0 || n == 0)
        goto out;
    f->v = malloc(n * sizeof(*f->v)); /* n <= names.len: cannot overflow */
    if (!f->v) {
        rc = LG_ENOMEM;
        goto out;
    }
    for (i = 0, p = f->names.data + 1; i < n; i++, p += strlen(p) + 2)
        f->v[i] = p;
    qsort(f->v, n, sizeof(*f->v), cmp_names);
    f->n = n;
out:
    if (d)
        closedir(d);
    if (saved)
        errno = saved;
    return rc;
}

static bool on_stack(const struct walker *w, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->st[i].dev == dev && w->st[i].ino == ino)
            return true;
    return false;
}

/* Report a directory that is not entered.  Its display path is `label`
 * when given (the root as typed), else the current path without the final
 * '/' that enter_dir added. */
static int dir_skip(struct walker *w, const char *label, const char *reason,
                    const char *msg, bool is_error)
{
    if (label)
        return emit_skip(w, label, reason, msg, is_error);
    set_path_len(w, w->path.len - 1);
    return emit_skip(w, w->path.data, reason, msg, is_error);
}

/* Push a frame for the directory open on `fd` (always taken over: pushed
 * or closed) whose display path, with its final '/', is the current path.
 * A directory already on the path or that cannot be listed is reported
 * and not pushed. */
static int push_dir(struct walker *w, int fd, const struct stat *st,
                    const char *label)
{
    struct frame f = {.fd = fd, .dev = st->st_dev, .ino = st->st_ino};
    char msg[128];
    int rc;

    lg_buf_init(&f.names, LISTING_MAX_BYTES);
    f.path_len = w->path.len;
    if (on_stack(w, st->st_dev, st->st_ino)) {
        rc = dir_skip(w, label, LG_REASON_LOOP,
                      "directory already on the current path", false);
        goto out;
    }
    void *nst = lg_grow(w->st, &w->cap, w->n, sizeof(*w->st), 64);
    if (!nst) {
        rc = nomem(w);
        goto out;
    }
    w->st = nst;
    rc = read_listing(&f, fd);
    if (rc == LG_EIO) {
        snprintf(msg, sizeof(msg), "%s", strerror(errno));
        rc = dir_skip(w, label, LG_REASON_UNREADABLE, msg, true);
        goto out;
    }
    if (rc == LG_ELIMIT) {
        snprintf(msg, sizeof(msg), "directory listing exceeds %zu bytes",
                 (size_t)LISTING_MAX_BYTES);
        rc = dir_skip(w, label, LG_REASON_TOO_LARGE, msg, false);
        goto out;
    }
    if (rc < 0) {
        rc = nomem(w);
        goto out;
    }
    w->st[w->n++] = f;
    f.fd = -1;
    f.v = NULL;
    lg_buf_init(&f.names, LISTING_MAX_BYTES);
    /* Stay within the descriptor budget: the parent gets reopened later. */
    if (w->n >= 2 && w->n - 2 >= FD_KEEP && w->st[w->n - 2].fd >= 0) {
        close(w->st[w->n - 2].fd);
        w->st[w->n - 2].fd = -1;
    }
out:
    frame_release(&f);
    return rc;
}

/* openat + fstat of a directory; -1 with errno set on failure. */
static int open_dir(int at, const char *name, int flags, struct stat *st)
{
    int fd = openat(at, name, flags | O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0 && fstat(fd, st) < 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        fd = -1;
    }
    return fd;
}

static bool same_dir(int fd, const struct frame *f)
{
    struct stat st;

    return fstat(fd, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino;
}

/* Descend again from the nearest ancestor of st[k] that kept its
 * descriptor, by the names recorded in the frames; -1 if that no longer
 * leads to the same directory. */
static int redescend(const struct walker *w, size_t k)
{
    int flags = w->opts->follow_symlinks ? 0 : O_NOFOLLOW;
    size_t a = k;
    int fd = -1;

    while (a > 0 && w->st[a].fd < 0)
        a--;
    for (size_t i = a + 1; i <= k; i++) {
        const struct frame *up = &w->st[i - 1];
        struct stat st;
        int nfd = open_dir(fd >= 0 ? fd : w->st[a].fd, up->v[up->next - 1],
                           flags, &st);

        if (fd >= 0)
            close(fd);
        fd = nfd;
        if (fd < 0)
            break;
    }
    if (fd >= 0 && !same_dir(fd, &w->st[k])) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Give st[k] its descriptor back: through ".." of st[k + 1] (which is
 * open), or when that leads elsewhere (st[k + 1] was reached through a
 * symlink) by descending again. */
static bool reopen(struct walker *w, size_t k)
{
    int fd = openat(w->st[k + 1].fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0 && !same_dir(fd, &w->st[k])) {
        close(fd);
        fd = -1;
    }
    if (fd < 0)
        fd = redescend(w, k);
    w->st[k].fd = fd;
    return fd >= 0;
}

/* Leave the top directory; the display path is cut back by the caller's
 * next entry. */
static int pop_dir(struct walker *w)
{
    struct frame *top = &w->st[w->n - 1];
    int rc = LG_OK;

    if (w->n >= 2 && w->st[w->n - 2].fd < 0 && !reopen(w, w->n - 2)) {
        struct frame *up = &w->st[w->n - 2];

        /* The parent moved or vanished under us: account for the rest of
         * it with one notice instead of walking somewhere else. */
        up->next = up->n;
        set_path_len(w, up->path_len - 1);
        rc = emit_skip(w, w->path.data, LG_REASON_UNREADABLE,
                       "directory changed during the walk", true);
    }
    frame_release(top);
    w->n--;
    return rc;
}

static int enter_dir(struct walker *w, int parent_fd, const char *name,
                     bool via_link)
{
    struct stat st;
    char msg[128];
    int fd, rc;

    if (!strcmp(name, ".git"))
        return emit_skip(w, w->path.data, LG_REASON_EXCLUDED,
                         "git metadata directory", false);
    if (w->n >= w->max_depth) {
        snprintf(msg, sizeof(msg), "directory nesting exceeds %u levels",
                 w->max_depth);
        return emit_skip(w, w->path.data, LG_REASON_TOO_DEEP, msg, false);
    }
    /* From here on the path carries the directory's final '/': "dir/"
     * patterns only match with it, and it is the children's prefix. */
    rc = lg_buf_putc(&w->path, '/');
    if (rc == LG_ELIMIT)
        return emit_skip(w, w->path.data, LG_REASON_TOO_DEEP, "path too long",
                         false);
    if (rc < 0)
        return nomem(w);
    if (excluded(w))
        return dir_skip(w, NULL, LG_REASON_EXCLUDED,
                        "matches an --exclude pattern", false);
    fd = open_dir(parent_fd, name, via_link ? 0 : O_NOFOLLOW, &st);
    if (fd < 0)
        return dir_skip(w, NULL, LG_REASON_UNREADABLE, strerror(errno), true);
    return push_dir(w, fd, &st, NULL);
}

/* Visit the next entry of the top frame. */
static int visit(struct walker *w)
{
    struct frame *f = &w->st[w->n - 1];
    const char *name = f->v[f->next++];
    int pfd = f->fd;
    bool via_link = false;
    struct stat st;
    char msg[128];
    int rc;

    set_path_len(w, f->path_len);
    rc = lg_buf_puts(&w->path, name);
    if (rc == LG_ELIMIT) {
        /* Report the directory whose names no longer fit, once. */
        set_path_len(w, f->path_len ? f->path_len - 1 : 0);
        snprintf(msg, sizeof(msg), "path longer than %zu bytes below here",
                 (size_t)PATH_MAX_BYTES);
        f->next = f->n;
        return emit_skip(w, w->path.len ? w->path.data : w->root,
                         LG_REASON_TOO_DEEP, msg, false);
    }
    if (rc < 0)
        return nomem(w);
    if (excluded(w))
        return emit_skip(w, w->path.data, LG_REASON_EXCLUDED,
                         "matches an --exclude pattern", false);
    if (w->opts->trust_dtype && (unsigned char)name[-1] == DT_REG) {
        struct lg_walk_entry e = {.kind = LG_WALK_FILE, .path = w->path.data,
                                  .size_unknown = true};
        return call(w, &e);
    }
    if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return emit_skip(w, w->path.data, LG_REASON_UNREADABLE, strerror(errno),
                         true);
    if (S_ISLNK(st.st_mode)) {
        if (!w->opts->follow_symlinks)
            return emit_skip(w, w->path.data, LG_REASON_SYMLINK,
                             "symbolic link not followed", false);
        if (fstatat(pfd, name, &st, 0) < 0) {
            if (errno == ELOOP)
                return emit_skip(w, w->path.data, LG_REASON_LOOP,
                                 "too many levels of symbolic links", false);
            if (errno == ENOENT)
                return emit_skip(w, w->path.data, LG_REASON_SYMLINK,
                                 "broken symbolic link", false);
            return emit_skip(w, w->path.data, LG_REASON_UNREADABLE,
                             strerror(errno), true);
        }
        via_link = true;
    }
    if (S_ISREG(st.st_mode))
        return emit_file(w, w->path.data, &st);
    if (S_ISDIR(st.st_mode))
        return enter_dir(w, pfd, name, via_link);
    return emit_skip(w, w->path.data, LG_REASON_SPECIAL,
                     special_kind(st.st_mode), false);
}

/* Display prefix for entries below `root`: "" when the root is "." (in
 * any spelling: "./", "././"), otherwise the root as given with its
 * trailing slashes folded into one ("dir" and "dir//" give "dir/"). */
static int set_prefix(struct walker *w, const char *root)
{
    const char *p = root;
    size_t n = strlen(root);
    int rc;

    while (p[0] == '.' && p[1] == '/') {
        for (p += 2; *p == '/'; p++)
            ;
    }
    if (!*p || !strcmp(p, "."))
        return LG_OK;
    while (n > 1 && root[n - 1] == '/')
        n--;
    rc = lg_buf_append(&w->path, root, n);
    if (rc == LG_OK && root[n - 1] != '/')
        rc = lg_buf_putc(&w->path, '/');
    w->prefix_len = w->path.len;
    if (rc == LG_ELIMIT)
        return lg_error_set(w->err, LG_EINVAL, "root path too long: '%s'",
                            root);
    return rc < 0 ? nomem(w) : LG_OK;
}

static int walk_root(struct walker *w, const char *root)
{
    struct stat st;
    int fd, rc;

    /* An explicit root is followed even when it is a symlink (find -H). */
    if (stat(root, &st) < 0)
        return emit_skip(w, root, LG_REASON_UNREADABLE, strerror(errno), true);
    if (S_ISREG(st.st_mode))
        return emit_file(w, root, &st);
    if (!S_ISDIR(st.st_mode))
        return emit_skip(w, root, LG_REASON_SPECIAL, special_kind(st.st_mode),
                         false);
    rc = set_prefix(w, root);
    if (rc < 0)
        return rc;
    fd = open_dir(AT_FDCWD, root, 0, &st);
    if (fd < 0)
        return emit_skip(w, root, LG_REASON_UNREADABLE, strerror(errno), true);
    rc = push_dir(w, fd, &st, root);
    while (rc == LG_OK && w->n > 0) {
        struct frame *top = &w->st[w->n - 1];

        rc = top->next < top->n ? visit(w) : pop_dir(w);
    }
    return rc;
}

int lg_walk(const char *root, const struct lg_walk_opts *opts, lg_walk_cb cb,
            void *payload, struct lg_error *err)
{
    struct walker w = {
        .opts = opts,
        .cb = cb,
        .payload = payload,
        .err = err,
        .root = root,
        .max_depth = opts->max_depth ? opts->max_depth : WALK_DEFAULT_DEPTH,
    };
    int rc;

    lg_buf_init(&w.path, PATH_MAX_BYTES);
    rc = walk_root(&w, root);
    while (w.n > 0)
        frame_release(&w.st[--w.n]);
    free(w.st);
    lg_buf_release(&w.path);
    return rc;
}
