/* `leakguard verify`, `scan --verify` and the options of verification,
 * revocation and event notifications; the configuration they resolve from
 * the environment (base URLs, admin key, state files).
 *
 * Nothing here touches the network unless --verify, `verify`, `revoke` or
 * --notify-url asked for it: without them no verifier or notifier is made
 * and libcurl is never initialised. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/verify_cli.h"
#include "report/report.h"
#include "rule/ruleset.h"
#include "scan/session.h"
#include "util/text.h"

/* ------------------------------------------------------------------ */
/* Options                                                              */

static int set_verify(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->vfy.verify = true;
    return LG_OK;
}
static int set_only_live(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->vfy.only_live = true;
    return LG_OK;
}
static int set_report(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->vfy.report = v;
    return LG_OK;
}
static int set_rule(struct lg_cli *c, const char *v, struct lg_error *e)
{
    return lg_strlist_push(&c->vfy.rule_ids, v) < 0
               ? lg_error_set(e, LG_ENOMEM, "out of memory")
               : LG_OK;
}
static int set_dry_run(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    if (c->vfy.yes)
        return lg_error_set(e, LG_EINVAL,
                            "--dry-run and --yes exclude "
                            "each other");
    c->vfy.dry_run = true;
    return LG_OK;
}
static int set_yes(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    if (c->vfy.dry_run)
        return lg_error_set(e, LG_EINVAL,
                            "--dry-run and --yes exclude "
                            "each other");
    c->vfy.yes = true;
    return LG_OK;
}
static int set_contain(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->vfy.contain = true;
    return LG_OK;
}
static int set_flush(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)v;
    (void)e;
    c->vfy.flush = true;
    return LG_OK;
}
static int set_audit_log(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->vfy.audit_log = v;
    return LG_OK;
}
static int set_notify_url(struct lg_cli *c, const char *v, struct lg_error *e)
{
    int rc = lg_http_check_url(v, e);

    if (rc < 0) {
        lg_error_prefix(e, "--notify-url");
        return rc;
    }
    c->vfy.notify_url = v;
    return LG_OK;
}
static int set_notify_key(struct lg_cli *c, const char *v, struct lg_error *e)
{
    (void)e;
    c->vfy.notify_key = v;
    return LG_OK;
}
static int set_notify_events(struct lg_cli *c, const char *v,
                             struct lg_error *e)
{
    unsigned mask;
    int rc = lg_notify_parse_events(v, &mask, e);

    if (rc == LG_OK)
        c->vfy.notify_events = v;
    return rc;
}

const struct lg_opt lg_opt_verify = {
    "verify", 0, NULL,
    "check each finding with its provider's API (network: OneSpan, GitHub, "
    "Slack)",
    set_verify};
const struct lg_opt lg_opt_only_live = {
    "only-live", 0, NULL,
    "report only credentials the provider accepts (live or restricted)",
    set_only_live};
const struct lg_opt lg_opt_report = {
    "report", 0, "FILE",
    "a report written with -f json or -f jsonl and --show-secrets ('-': "
    "stdin)",
    set_report};
const struct lg_opt lg_opt_revoke_rule = {
    "rule", 0, "ID", "only findings of this rule (repeatable)", set_rule};
const struct lg_opt lg_opt_dry_run = {
    "dry-run", 0, NULL, "print the calls that would be made (the default)",
    set_dry_run};
const struct lg_opt lg_opt_yes = {"yes", 0, NULL, "really call the providers",
                                  set_yes};
const struct lg_opt lg_opt_contain = {
    "contain", 0, NULL,
    "also contain what cannot be revoked: lock the OneSpan sender of a "
    "leaked API key (needs LEAKGUARD_ONESPAN_ADMIN_KEY)",
    set_contain};
const struct lg_opt lg_opt_flush = {
    "flush", 0, NULL, "re-send the events waiting in the spool", set_flush};
const struct lg_opt lg_opt_audit_log = {
    "audit-log", 0, "FILE",
    "append provider calls to FILE (default: "
    "$XDG_STATE_HOME/leakguard/audit.jsonl)",
    set_audit_log};
const struct lg_opt lg_opt_notify_url = {"notify-url", 0, "URL",
                                         "POST chosen events to URL as JSON",
                                         set_notify_url};
const struct lg_opt lg_opt_notify_key = {
    "notify-key", 0, "KEY",
    "send 'Authorization: Basic KEY' with events (or LEAKGUARD_NOTIFY_KEY)",
    set_notify_key};
const struct lg_opt lg_opt_notify_events = {
    "notify-events", 0, "LIST",
    "events to send: finding, verified, revoked, scan_completed, all "
    "(default: none)",
    set_notify_events};

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

static const char *env_or_null(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

char *lg_cli_state_path(const char *name)
{
    char *p = lg_xdg_path("XDG_STATE_HOME", ".local/state", name);

    if (!p)
        lg_cli_error("no place for %s: set XDG_STATE_HOME or HOME", name);
    return p;
}

int lg_cli_verifier_open(const struct lg_cli *c, struct lg_cli_verifier *cv)
{
    struct lg_verify_config cfg = {0};
    struct lg_error err;
    int rc;

    memset(cv, 0, sizeof(*cv));
    lg_error_clear(&err);
    cv->audit_path = c->vfy.audit_log ? lg_strndup(c->vfy.audit_log,
                                                   strlen(c->vfy.audit_log))
                                      : lg_cli_state_path("audit.jsonl");
    if (!cv->audit_path)
        return LG_ENOMEM;
    rc = lg_audit_open(&cv->audit, cv->audit_path, &err);
    cfg.onespan_urls = env_or_null("LEAKGUARD_ONESPAN_URLS");
    cfg.github_url = env_or_null("LEAKGUARD_GITHUB_API_URL");
    cfg.slack_url = env_or_null("LEAKGUARD_SLACK_API_URL");
    cfg.onespan_admin_key = env_or_null("LEAKGUARD_ONESPAN_ADMIN_KEY");
    cfg.contain = c->vfy.contain;
    cfg.audit = cv->audit;
    if (rc == LG_OK)
        rc = lg_verifier_new(&cv->v, &cfg, &err);
    if (rc < 0) {
        lg_cli_error("%s", err.msg);
        lg_cli_verifier_close(cv);
    }
    return rc;
}

void lg_cli_verifier_close(struct lg_cli_verifier *cv)
{
    lg_verifier_free(cv->v);
    lg_audit_close(cv->audit);
    free(cv->audit_path);
    memset(cv, 0, sizeof(*cv));
}

int lg_cli_notifier_open(const struct lg_cli *c, struct lg_notifier **out)
{
    struct lg_notify_config cfg = {0};
    struct lg_error err;
    char *spool;
    int rc;

    *out = NULL;
    if (!c->vfy.notify_url) {
        if (c->vfy.notify_key || c->vfy.notify_events) {
            lg_cli_error("--notify-key and --notify-events need "
                         "--notify-url");
            return LG_EINVAL;
        }
        return LG_OK;
    }
    lg_error_clear(&err);
    spool = lg_cli_state_path("notify-spool.jsonl");
    if (!spool)
        return LG_ENOMEM;
    cfg.url = c->vfy.notify_url;
    cfg.key = c->vfy.notify_key ? c->vfy.notify_key
                                : env_or_null("LEAKGUARD_NOTIFY_KEY");
    cfg.spool = spool;
    if (c->vfy.notify_events)
        lg_notify_parse_events(c->vfy.notify_events, &cfg.events, NULL);
    rc = lg_notifier_new(out, &cfg, &err);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    else if (!cfg.events && !c->quiet)
        fputs("leakguard: notice: --notify-url without --notify-events: no "
              "event is chosen, none will be sent\n",
              stderr);
    free(spool);
    return rc;
}

void lg_cli_notifier_report(const struct lg_notifier *n, bool quiet)
{
    size_t sent, spooled;
    char *spool;

    if (!n)
        return;
    lg_notify_counts(n, &sent, &spooled);
    if (!spooled) {
        if (!quiet && sent)
            fprintf(stderr, "leakguard: %zu event%s delivered\n", sent,
                    sent == 1 ? "" : "s");
        return;
    }
    spool = lg_cli_state_path("notify-spool.jsonl");
    fprintf(stderr,
            "leakguard: warning: %zu event%s could not be delivered and %s "
            "kept in '%s'; send them with 'leakguard notify --flush'\n",
            spooled, spooled == 1 ? "" : "s", spooled == 1 ? "is" : "are",
            spool ? spool : "the spool");
    free(spool);
}

/* ------------------------------------------------------------------ */
/* scan --verify / --notify-*                                           */

struct lg_cli_extras {
    const struct lg_cli *c;
    struct lg_cli_verifier cv;
    bool verifying;
    struct lg_notifier *n;
    size_t count[LG_VERIFY_ERROR + 1];
    int failed; /* an event could not even be spooled */
};

static int notify_all(struct lg_notifier *n, struct lg_finding *const *f,
                      size_t k, bool verified)
{
    struct lg_error err;
    int failed = 0;

    for (size_t i = 0; n && i < k; i++) {
        lg_error_clear(&err);
        if (lg_notify_finding(n, f[i], &err) < 0 ||
            (verified && lg_notify_verified(n, f[i], &err) < 0)) {
            lg_cli_error("%s", err.msg);
            failed = 1;
        }
    }
    return failed;
}

static int scan_hook(struct lg_finding *const *f, size_t n, void *payload)
{
    struct lg_cli_extras *x = payload;
    struct lg_error err;

    lg_error_clear(&err);
    if (x->verifying && lg_verify_findings(x->cv.v, f, n, &err) < 0) {
        lg_cli_error("%s", err.msg);
        return LG_ENOMEM;
    }
    for (size_t i = 0; x->verifying && i < n; i++)
        if (f[i]->verification.status <= LG_VERIFY_ERROR)
            x->count[f[i]->verification.status]++;
    x->failed |= notify_all(x->n, f, n, x->verifying);
    return LG_OK;
}

int lg_cli_extras_begin(const struct lg_cli *c, struct lg_scan_config *cfg,
                        struct lg_cli_extras **out)
{
    struct lg_cli_extras *x;
    int rc;

    *out = NULL;
    if (!c->vfy.verify && !c->vfy.notify_url) {
        struct lg_notifier *none;
        return lg_cli_notifier_open(c, &none); /* option checks only */
    }
    x = calloc(1, sizeof(*x));
    if (!x) {
        lg_cli_error("out of memory");
        return LG_ENOMEM;
    }
    x->c = c;
    rc = lg_cli_notifier_open(c, &x->n);
    if (rc == LG_OK && c->vfy.verify) {
        rc = lg_cli_verifier_open(c, &x->cv);
        x->verifying = rc == LG_OK;
    }
    if (rc < 0) {
        lg_cli_extras_free(x);
        return rc;
    }
    cfg->verify = scan_hook;
    cfg->verify_payload = x;
    *out = x;
    return LG_OK;
}

static void print_counts(const size_t *count)
{
    fprintf(stderr,
            "leakguard: verified: %zu live, %zu restricted, %zu invalid, "
            "%zu unknown, %zu error\n",
            count[LG_VERIFY_LIVE], count[LG_VERIFY_RESTRICTED],
            count[LG_VERIFY_INVALID], count[LG_VERIFY_UNKNOWN],
            count[LG_VERIFY_ERROR]);
}

int lg_cli_extras_end(struct lg_cli_extras *x, const struct lg_run_summary *sum)
{
    struct lg_notify_summary ns = {0};
    struct lg_error err;

    if (!x)
        return LG_OK;
    if (x->verifying && !x->c->quiet)
        print_counts(x->count);
    if (x->n) {
        ns.findings = sum->findings;
        ns.objects_scanned = sum->objects_scanned;
        ns.objects_skipped = sum->objects_skipped;
        ns.objects_failed = sum->objects_failed;
        ns.bytes_scanned = sum->bytes_scanned;
        ns.seconds = sum->seconds;
        ns.live = x->count[LG_VERIFY_LIVE];
        lg_error_clear(&err);
        if (lg_notify_scan_completed(x->n, &ns, &err) < 0) {
            lg_cli_error("%s", err.msg);
            x->failed = 1;
        }
        lg_cli_notifier_report(x->n, x->c->quiet);
    }
    return x->failed ? LG_EIO : LG_OK;
}

void lg_cli_extras_free(struct lg_cli_extras *x)
{
    if (!x)
        return;
    lg_cli_verifier_close(&x->cv);
    lg_notifier_free(x->n);
    free(x);
}

/* ------------------------------------------------------------------ */
/* leakguard verify                                                     */

static bool accepted(const struct lg_finding *f)
{
    return f->verification.status == LG_VERIFY_LIVE ||
           f->verification.status == LG_VERIFY_RESTRICTED;
}

/* Write the findings (all, or only accepted ones) with the chosen format. */
static int write_verified(const struct lg_cli *c, const struct lg_ruleset *rs,
                          struct lg_finding *const *f, size_t n, FILE *out)
{
    const struct lg_reporter_ops *rep =
        lg_reporter_find(c->format ? c->format : "text");
    struct lg_report_env env = {0};
    struct lg_run_summary sum = {0};
    char cwd[PATH_MAX];
    void *ctx = calloc(1, rep->ctx_size ? rep->ctx_size : 1);
    int rc;

    if (!ctx)
        return LG_ENOMEM;
    env.out = out;
    env.show_secrets = c->show_secrets;
    env.color = c->color && strcmp(c->color, "always") == 0;
    env.rs = rs;
    env.tool_version = LG_VERSION;
    env.cwd = getcwd(cwd, sizeof(cwd)) ? cwd : "/";
    env.command_line = "leakguard verify";
    sum.rules = rs->n_enabled;
    rc = rep->begin(ctx, &env);
    for (size_t i = 0; rc == LG_OK && i < n; i++) {
        if (c->vfy.only_live && !accepted(f[i]))
            continue;
        sum.findings++;
        rc = rep->finding(ctx, f[i]);
    }
    if (rc == LG_OK)
        rc = rep->end(ctx, &sum);
    free(ctx);
    return rc;
}

static int run_verify(struct lg_cli *c, const struct lg_ruleset *rs,
                      struct lg_loaded_report *rep, FILE *out)
{
    struct lg_cli_verifier cv;
    struct lg_notifier *n = NULL;
    struct lg_error err;
    size_t count[LG_VERIFY_ERROR + 1] = {0};
    int status = LG_EXIT_CLEAN, rc;

    lg_error_clear(&err);
    if (lg_cli_notifier_open(c, &n) < 0)
        return LG_EXIT_USAGE;
    if (lg_cli_verifier_open(c, &cv) < 0) {
        lg_notifier_free(n);
        return LG_EXIT_USAGE;
    }
    rc = lg_verify_findings(cv.v, rep->ptrs, rep->n, &err);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    for (size_t i = 0; rc == LG_OK && i < rep->n; i++) {
        count[rep->ptrs[i]->verification.status]++;
        if (accepted(rep->ptrs[i]))
            status = c->exit_code;
        lg_error_clear(&err);
        if (n && lg_notify_verified(n, rep->ptrs[i], &err) < 0) {
            lg_cli_error("%s", err.msg);
            status = LG_EXIT_ERROR;
        }
    }
    if (rc == LG_OK && write_verified(c, rs, rep->ptrs, rep->n, out) < 0) {
        lg_cli_error("cannot write the report: %s", strerror(errno));
        rc = LG_EIO;
    }
    if (rc == LG_OK && !c->quiet)
        print_counts(count);
    lg_cli_notifier_report(n, c->quiet);
    lg_notifier_free(n);
    lg_cli_verifier_close(&cv);
    return rc < 0 ? LG_EXIT_ERROR : status;
}

int lg_cmd_verify(struct lg_cli *c)
{
    struct lg_loaded_report rep;
    struct lg_ruleset *rs;
    FILE *out = stdout;
    int status;

    rs = lg_cli_open_report(c, "verify", &rep);
    if (!rs)
        return LG_EXIT_USAGE;
    if (rep.redacted)
        lg_cli_redacted_hint(c->vfy.report, rep.redacted, rep.n);
    if (rep.redacted && rep.redacted == rep.n) {
        status = LG_EXIT_USAGE;
    } else if (c->output && !(out = fopen(c->output, "w"))) {
        lg_cli_error("cannot open '%s' for writing: %s", c->output,
                     strerror(errno));
        status = LG_EXIT_USAGE;
    } else {
        status = run_verify(c, rs, &rep, out);
        if (out != stdout && fclose(out) != 0) {
            lg_cli_error("cannot write '%s': %s", c->output, strerror(errno));
            status = LG_EXIT_ERROR;
        }
    }
    lg_loaded_report_release(&rep);
    lg_ruleset_free(rs);
    return status;
}
