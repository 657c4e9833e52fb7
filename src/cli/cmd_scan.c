/* leakguard scan: resolve options into a session, run it, map the outcome
 * to an exit status. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "report/report.h"
#include "cli/run.h"
#include "scan/ignore.h"
#include "scan/session.h"

#include <sys/stat.h>

struct lg_ruleset *lg_cli_load_rules(const struct lg_cli *c)
{
    struct lg_ruleset *rs = NULL;
    struct lg_error err;
    int rc;

    lg_error_clear(&err);
    rc = lg_ruleset_new(&rs);
    if (rc < 0) {
        lg_cli_error("out of memory");
        return NULL;
    }
    if (!c->no_cache) {
        char *dir = lg_ruleset_default_cache_dir();
        rc = lg_ruleset_set_cache(rs, dir);
        free(dir);
    }
    /* a hook's few changed lines are confirmed as fast without JIT */
    lg_ruleset_set_jit(rs, !(c->staged || c->pre_push));
    if (rc == LG_OK && !c->no_default_rules)
        rc = lg_ruleset_add_builtin(rs, &err);
    for (size_t i = 0; rc == LG_OK && i < c->rules.n; i++)
        rc = lg_ruleset_add_path(rs, c->rules.v[i], &err);
    for (size_t i = 0; rc == LG_OK && i < c->disable.n; i++)
        rc = lg_ruleset_disable(rs, c->disable.v[i]);
    for (size_t i = 0; rc == LG_OK && i < c->config_allow.n; i++) {
        /* "rule\tkind\tvalue" from the configuration file */
        char *e = c->config_allow.v[i], *t1 = strchr(e, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        char id[128], kind[16];

        if (!t2 || (size_t)(t1 - e) >= sizeof(id) ||
            (size_t)(t2 - t1 - 1) >= sizeof(kind))
            continue;
        memcpy(id, e, (size_t)(t1 - e));
        id[t1 - e] = '\0';
        memcpy(kind, t1 + 1, (size_t)(t2 - t1 - 1));
        kind[t2 - t1 - 1] = '\0';
        rc = lg_ruleset_allow(rs, id, kind, t2 + 1);
    }
    if (rc == LG_OK && c->watch)
        rc = lg_ruleset_set_watchlist(rs, c->watch);
    if (rc == LG_OK)
        rc = lg_ruleset_compile(rs, &err);
    if (rc < 0) {
        lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        lg_ruleset_free(rs);
        return NULL;
    }
    return rs;
}

int lg_cli_suppressions(const struct lg_cli *c, const char *const *roots,
                        size_t n_roots, struct lg_ignore *ig,
                        struct lg_strlist *excludes)
{
    struct lg_error err;
    int rc = LG_OK;

    lg_error_clear(&err);
    for (size_t i = 0; rc == LG_OK && i < c->ignore_files.n; i++)
        rc = lg_ignore_load_file(ig, c->ignore_files.v[i], true, &err);
    if (rc == LG_OK && c->ignore_files.n == 0) {
        rc = lg_ignore_load_file(ig, ".leakguardignore", false, &err);
        for (size_t i = 0; rc == LG_OK && i < n_roots; i++) {
            struct stat st;
            struct lg_buf p;

            if (strcmp(roots[i], ".") == 0 || stat(roots[i], &st) != 0 ||
                !S_ISDIR(st.st_mode))
                continue;
            lg_buf_init(&p, 1 << 20);
            rc = lg_buf_printf(&p, "%s/.leakguardignore", roots[i]);
            if (rc == LG_OK)
                rc = lg_ignore_load_file(ig, p.data, false, &err);
            lg_buf_release(&p);
        }
    }
    for (size_t i = 0; rc == LG_OK && i < c->baselines.n; i++)
        rc = lg_ignore_load_baseline(ig, c->baselines.v[i], &err);
    for (size_t i = 0; rc == LG_OK && i < c->excludes.n; i++)
        rc = lg_strlist_push(excludes, c->excludes.v[i]);
    for (size_t i = 0; rc == LG_OK && i < ig->globs.n; i++)
        rc = lg_strlist_push(excludes, ig->globs.v[i]);
    if (rc < 0) {
        lg_cli_error("%s", err.msg[0] ? err.msg : lg_strerror(rc));
        return rc;
    }
    lg_ignore_seal(ig);
    return LG_OK;
}

int lg_cmd_scan(struct lg_cli *c)
{
    static const char *const here[] = {"."};
    const char *const *roots = c->n_args ? (const char *const *)c->args : here;
    size_t n_roots = c->n_args ? (size_t)c->n_args : 1;
    struct lg_cli_run r;
    struct lg_error err;
    int status;

    lg_error_clear(&err);
    status = lg_cli_run_begin(&r, c, "scan", roots, n_roots);
    if (status == LG_OK)
        status = lg_cli_run_finish(
            &r, lg_session_run(r.s, roots, n_roots, &err), &err);
    lg_cli_run_release(&r);
    return status;
}
