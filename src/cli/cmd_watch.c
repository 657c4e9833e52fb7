/* leakguard watch add | list | remove: the DLP watch list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rule/watchlist.h"

/* One line from standard input, without echo on a terminal. */
static int read_secret(char *buf, size_t cap, size_t *len)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    size_t n = 0;
    int c;

    if (tty) {
        fputs("credential to watch (not echoed): ", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    while ((c = getchar()) != EOF && c != '\n') {
        if (n + 1 >= cap) {
            n = cap; /* too long */
            break;
        }
        buf[n++] = (char)c;
    }
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    while (n && n < cap && buf[n - 1] == '\r')
        n--;
    *len = n;
    return n >= cap ? LG_ELIMIT : LG_OK;
}

static char *list_path(const struct lg_cli *c)
{
    return c->watchlist ? strdup(c->watchlist) : lg_watchlist_default_path();
}

int lg_cmd_watch(struct lg_cli *c)
{
    const char *sub = c->n_args ? c->args[0] : "";
    struct lg_watchlist wl;
    struct lg_error err;
    char *path = list_path(c);
    char secret[LG_WATCH_MAX_LEN + 2];
    size_t n;
    int status = LG_EXIT_USAGE;

    lg_watchlist_init(&wl);
    lg_error_clear(&err);
    if (!path) {
        lg_cli_error("no watch list path: set HOME or XDG_CONFIG_HOME, or "
                     "use --watchlist FILE");
        return LG_EXIT_USAGE;
    }
    if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "remove")) {
        lg_cli_error("'watch' wants one of: add, list, remove");
        goto out;
    }
    if (lg_watchlist_load(&wl, path, false, &err) < 0) {
        lg_cli_error("%s", err.msg);
        goto out;
    }
    if (strcmp(sub, "list") == 0) {
        for (size_t i = 0; i < wl.n; i++) {
            printf("%3zu bytes  ", wl.v[i].len);
            for (int k = 0; k < 8; k++)
                printf("%02x", wl.v[i].mac[k]);
            printf("  %s\n", wl.v[i].label);
        }
        status = 0;
    } else if (strcmp(sub, "remove") == 0) {
        size_t removed;
        if (c->n_args != 2) {
            lg_cli_error("usage: leakguard watch remove LABEL|FINGERPRINT");
            goto out;
        }
        removed = lg_watchlist_remove(&wl, c->args[1]);
        if (!removed) {
            lg_cli_error("nothing on the watch list matches '%s'",
                         c->args[1]);
            status = 1;
            goto out;
        }
        status = lg_watchlist_save(&wl, path, &err) < 0 ? LG_EXIT_ERROR : 0;
        if (status)
            lg_cli_error("%s", err.msg);
        else
            fprintf(stderr, "leakguard: removed %zu entr%s\n", removed,
                    removed == 1 ? "y" : "ies");
    } else {
        if (read_secret(secret, sizeof(secret), &n) < 0 ||
            lg_watchlist_add(&wl, secret, n, c->label, &err) < 0 ||
            lg_watchlist_save(&wl, path, &err) < 0) {
            lg_cli_error("%s", err.msg[0] ? err.msg
                                          : "the credential is too long");
            status = err.code == LG_EIO ? LG_EXIT_ERROR : LG_EXIT_USAGE;
        } else {
            fprintf(stderr, "leakguard: watching %zu credential%s in %s\n",
                    wl.n, wl.n == 1 ? "" : "s", path);
            status = 0;
        }
        memset(secret, 0, sizeof(secret));
    }
out:
    lg_watchlist_release(&wl);
    free(path);
    return status;
}

int lg_cli_load_watchlist(struct lg_cli *c)
{
    struct lg_error err;
    char *path = list_path(c);
    int rc;

    lg_error_clear(&err);
    if (!path)
        return LG_OK;
    c->watch = calloc(1, sizeof(*c->watch));
    if (!c->watch) {
        free(path);
        return LG_ENOMEM;
    }
    lg_watchlist_init(c->watch);
    rc = lg_watchlist_load(c->watch, path, c->watchlist != NULL, &err);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    free(path);
    return rc;
}
