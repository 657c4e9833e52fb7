/* leakguard install-hooks: write leakguard's pre-commit and pre-push hooks
 * into a repository's hooks directory without ever losing a hook that is
 * already there.
 *
 * A hook carrying LG_GIT_HOOK_MARK is ours and is updated in place.  Any
 * other hook is refused unless the user chose: --chain renames it to
 * HOOK.local, which our hook runs first (with the same arguments and
 * input) and whose failure stops the commit or push; --force renames it to
 * HOOK.orig.  Neither overwrites an existing .local or .orig.  Every
 * selected hook is checked before any is written, so a refusal leaves the
 * directory as it was.  Files are written to a temporary name and renamed
 * into place (never half-written), mode 0755. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "source/git.h"
#include "util/buf.h"

#define HOOK_READ_MAX (1024 * 1024)

enum plan { PLAN_NEW, PLAN_UPDATE, PLAN_CHAIN, PLAN_FORCE };

struct hook {
    const char *name;
    char *path, *aside; /* aside: HOOK.local or HOOK.orig */
    enum plan plan;
};

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

static bool is_ours(const char *path)
{
    struct lg_buf b;
    bool ours;

    lg_buf_init(&b, HOOK_READ_MAX);
    ours = lg_buf_read_path(&b, path, NULL) == LG_OK && b.data &&
           strstr(b.data, LG_GIT_HOOK_MARK) != NULL;
    lg_buf_release(&b);
    return ours;
}

static char *cat(const char *a, const char *b, const char *c)
{
    struct lg_buf buf;

    lg_buf_init(&buf, 64 * 1024);
    if (lg_buf_printf(&buf, "%s%s%s", a, b, c) < 0) {
        lg_buf_release(&buf);
        return NULL;
    }
    return lg_buf_detach(&buf);
}

/* Decide what to do with one hook; prints why and returns -1 to refuse. */
static int plan(struct hook *h, const struct lg_cli *c)
{
    const char *suffix = c->chain ? ".local" : ".orig";

    if (!exists(h->path)) {
        h->plan = PLAN_NEW;
        return 0;
    }
    if (is_ours(h->path)) {
        h->plan = PLAN_UPDATE;
        return 0;
    }
    if (!c->chain && !c->force) {
        lg_cli_error("'%s' exists and is not leakguard's; run again with "
                     "--chain to keep it (as %s.local, run before "
                     "leakguard) or with --force to replace it (kept as "
                     "%s.orig)",
                     h->path, h->name, h->name);
        return -1;
    }
    h->aside = cat(h->path, suffix, "");
    if (!h->aside) {
        lg_cli_error("out of memory");
        return -1;
    }
    if (exists(h->aside)) {
        lg_cli_error("'%s' exists and is not leakguard's, and '%s' exists "
                     "too: merge them by hand",
                     h->path, h->aside);
        return -1;
    }
    h->plan = c->chain ? PLAN_CHAIN : PLAN_FORCE;
    return 0;
}

/* Write text to path atomically (temporary file + rename), mode 0755. */
static int write_hook(const char *path, const char *text)
{
    char *tmp = cat(path, ".XXXXXX", "");
    size_t len = strlen(text), off = 0;
    int fd, ok = -1;

    if (!tmp || (fd = mkstemp(tmp)) < 0) {
        lg_cli_error("cannot create a file next to '%s': %s", path,
                     tmp ? strerror(errno) : "out of memory");
        free(tmp);
        return -1;
    }
    while (off < len) {
        ssize_t n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    if (off == len && fchmod(fd, 0755) == 0 && close(fd) == 0) {
        fd = -1;
        ok = rename(tmp, path);
    }
    if (ok < 0) {
        lg_cli_error("cannot write '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

static int install(const struct hook *h)
{
    static const char *const done[] = {"installed", "updated",
                                       "installed (chained)", "installed"};

    if ((h->plan == PLAN_CHAIN || h->plan == PLAN_FORCE) &&
        rename(h->path, h->aside) < 0) {
        lg_cli_error("cannot rename '%s' to '%s': %s", h->path, h->aside,
                     strerror(errno));
        return -1;
    }
    if (write_hook(h->path, lg_git_hook_text(h->name)) < 0)
        return -1;
    printf("%s %s hook: %s\n", done[h->plan], h->name, h->path);
    if (h->plan == PLAN_CHAIN)
        printf("  the hook that was there is now '%s' and runs first\n",
               h->aside);
    else if (h->plan == PLAN_FORCE)
        printf("  the hook that was there is kept as '%s'\n", h->aside);
    return 0;
}

/* mkdir -p: core.hooksPath may name a directory that does not exist. */
static int make_dirs(char *dir)
{
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char keep = *p;
        *p = '\0';
        if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
            lg_cli_error("cannot create '%s': %s", dir, strerror(errno));
            *p = keep;
            return -1;
        }
        *p = keep;
        if (!keep)
            return 0;
    }
}

int lg_cmd_install_hooks(struct lg_cli *c)
{
    struct hook hooks[2] = {{"pre-commit", NULL, NULL, PLAN_NEW},
                            {"pre-push", NULL, NULL, PLAN_NEW}};
    bool both = !c->pre_commit && !c->pre_push;
    bool want[2] = {both || c->pre_commit, both || c->pre_push};
    char *dir = NULL;
    struct lg_error err;
    int status = LG_EXIT_USAGE, rc;

    lg_error_clear(&err);
    if (c->n_args > 1) {
        lg_cli_error("'install-hooks' takes one repository, not %d", c->n_args);
        return LG_EXIT_USAGE;
    }
    if (c->chain && c->force) {
        lg_cli_error("--chain and --force exclude each other");
        return LG_EXIT_USAGE;
    }
    rc = lg_git_hooks_dir(&dir, c->n_args ? c->args[0] : ".", &err);
    if (rc < 0) {
        lg_cli_error("%s", err.msg);
        return rc == LG_ENOTFOUND ? LG_EXIT_USAGE : LG_EXIT_ERROR;
    }
    for (int i = 0; i < 2; i++) {
        if (!want[i])
            continue;
        hooks[i].path = cat(dir, "/", hooks[i].name);
        if (!hooks[i].path || plan(&hooks[i], c) < 0)
            goto out;
    }
    status = LG_EXIT_ERROR;
    if (make_dirs(dir) < 0)
        goto out;
    for (int i = 0; i < 2; i++)
        if (want[i] && install(&hooks[i]) < 0)
            goto out;
    status = LG_EXIT_CLEAN;
out:
    for (int i = 0; i < 2; i++) {
        free(hooks[i].path);
        free(hooks[i].aside);
    }
    free(dir);
    return status;
}
