/* leakguard revoke: plan (by default) or carry out the revocation or
 * containment of the credentials in a previous report.
 *
 * A dry run prints, for each distinct credential, the exact calls that
 * --yes would make (credentials redacted) and makes no request.  With --yes
 * each provider verifies, then revokes (GitHub, Slack), rotates (OneSpan
 * callback keys), contains (OneSpan API keys, only with --contain) or
 * prints the manual steps (OneSpan client apps, OAuth clients, API keys).
 * A freshly generated secret is printed once, on stdout, only with
 * --show-secrets; it goes nowhere else (not the audit log, not events). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/verify_cli.h"
#include "rule/ruleset.h"

struct revoke_run {
    const struct lg_cli *c;
    struct lg_notifier *n;
    bool dry_run;
    size_t count[LG_REVOKE_UNSUPPORTED + 1];
    bool notify_failed;
};

static const char *rule_of(const struct lg_finding *f)
{
    return f->rule ? f->rule->rule.id : "unknown";
}

static int on_result(const struct lg_finding *f,
                     const struct lg_revoke_result *r, void *payload)
{
    struct revoke_run *rr = payload;
    const struct lg_provider_ops *ops = lg_provider_for_rule(rule_of(f));
    struct lg_error err;

    rr->count[r->outcome]++;
    printf("%s %s (%s)  %s:%llu  %s  fingerprint %s\n",
           lg_revoke_outcome_name(r->outcome), rule_of(f),
           ops ? ops->name : "no provider", f->path ? f->path : "(unknown)",
           (unsigned long long)f->line, f->redacted, f->fingerprint);
    if (r->text.len)
        fwrite(r->text.data, 1, r->text.len, stdout);
    if (r->new_secret && rr->c->show_secrets)
        printf("  new key (shown once): %s\n", r->new_secret);
    else if (r->new_secret)
        puts("  new key: not shown (run with --show-secrets to print it "
             "once)");
    putchar('\n');
    if (rr->n && !rr->dry_run &&
        (r->outcome == LG_REVOKE_DONE || r->outcome == LG_REVOKE_MANUAL)) {
        lg_error_clear(&err);
        if (lg_notify_revoked(rr->n, f, lg_revoke_outcome_name(r->outcome),
                              ops ? ops->name : NULL, &err) < 0) {
            lg_cli_error("%s", err.msg);
            rr->notify_failed = true;
        }
    }
    return LG_OK;
}

/* The findings selected by --rule (all when none is given). */
static size_t select_rules(const struct lg_cli *c, struct lg_loaded_report *rep)
{
    size_t k = 0;

    for (size_t i = 0; i < rep->n; i++) {
        bool keep = c->vfy.rule_ids.n == 0;

        for (size_t j = 0; !keep && j < c->vfy.rule_ids.n; j++)
            keep = strcmp(rule_of(rep->ptrs[i]), c->vfy.rule_ids.v[j]) == 0;
        if (keep)
            rep->ptrs[k++] = rep->ptrs[i];
    }
    return k;
}

static void summary(const struct revoke_run *rr, size_t n)
{
    const size_t *k = rr->count;

    if (rr->dry_run)
        fprintf(stderr,
                "leakguard: dry run: %zu finding%s, no request made; run "
                "again with --yes to do it\n",
                n, n == 1 ? "" : "s");
    else
        fprintf(stderr,
                "leakguard: revoke: %zu revoked, %zu manual, %zu skipped, "
                "%zu failed, %zu unsupported\n",
                k[LG_REVOKE_DONE], k[LG_REVOKE_MANUAL], k[LG_REVOKE_SKIPPED],
                k[LG_REVOKE_FAILED], k[LG_REVOKE_UNSUPPORTED]);
}

static int run_revoke(struct lg_cli *c, struct lg_loaded_report *rep, size_t n)
{
    struct revoke_run rr = {c, NULL, !c->vfy.yes, {0}, false};
    struct lg_cli_verifier cv;
    struct lg_error err;
    int rc;

    lg_error_clear(&err);
    if (lg_cli_notifier_open(c, &rr.n) < 0)
        return LG_EXIT_USAGE;
    if (lg_cli_verifier_open(c, &cv) < 0) {
        lg_notifier_free(rr.n);
        return LG_EXIT_USAGE;
    }
    rc = lg_revoke_findings(cv.v, rep->ptrs, n, rr.dry_run, on_result, &rr,
                            &err);
    fflush(stdout);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    else if (!c->quiet)
        summary(&rr, n);
    lg_cli_notifier_report(rr.n, c->quiet);
    lg_notifier_free(rr.n);
    lg_cli_verifier_close(&cv);
    if (rc < 0 || rr.notify_failed || rr.count[LG_REVOKE_FAILED])
        return LG_EXIT_ERROR;
    return LG_EXIT_CLEAN;
}

int lg_cmd_revoke(struct lg_cli *c)
{
    struct lg_loaded_report rep;
    struct lg_ruleset *rs;
    size_t n;
    int status;

    rs = lg_cli_open_report(c, "revoke", &rep);
    if (!rs)
        return LG_EXIT_USAGE;
    n = select_rules(c, &rep);
    if (rep.redacted)
        lg_cli_redacted_hint(c->vfy.report, rep.redacted, rep.n);
    if (rep.redacted && rep.redacted == rep.n)
        status = LG_EXIT_USAGE;
    else
        status = run_revoke(c, &rep, n);
    lg_loaded_report_release(&rep);
    lg_ruleset_free(rs);
    return status;
}
