/* leakguard notify --flush: re-send the event notifications that earlier
 * runs could not deliver (kept in the spool, see verify/notify.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/verify_cli.h"

int lg_cmd_notify(struct lg_cli *c)
{
    const char *key =
        c->vfy.notify_key ? c->vfy.notify_key : getenv("LEAKGUARD_NOTIFY_KEY");
    size_t sent = 0, left = 0;
    struct lg_error err;
    char *spool;
    int rc;

    if (!c->vfy.flush || c->n_args) {
        lg_cli_error("usage: leakguard notify --flush [--notify-url URL] "
                     "[--notify-key KEY]");
        return LG_EXIT_USAGE;
    }
    spool = lg_cli_state_path("notify-spool.jsonl");
    if (!spool)
        return LG_EXIT_USAGE;
    lg_error_clear(&err);
    rc = lg_notify_flush(spool, c->vfy.notify_url, key && *key ? key : NULL,
                         NULL, &sent, &left, &err);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    if (!c->quiet || left)
        fprintf(stderr,
                "leakguard: notify: %zu event%s delivered, %zu left "
                "in '%s'\n",
                sent, sent == 1 ? "" : "s", left, spool);
    free(spool);
    if (rc == LG_EINVAL)
        return LG_EXIT_USAGE;
    return rc < 0 || left ? LG_EXIT_ERROR : LG_EXIT_CLEAN;
}
