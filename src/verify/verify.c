/* The verify driver: configuration, provider lookup, pairing, dedupe, a
 * small thread pool for checks, sequential revocation.
 *
 * Findings are first turned into jobs: one per distinct credential
 * (provider table + secret fingerprint + partner fingerprint), so a secret
 * that occurs in twenty files is sent once.  Checks run on up to
 * `parallel` threads, each with its own HTTP client; the per-provider rate
 * limit is shared.  Results are then copied back to every finding of the
 * job and to its partner (a partner used by several jobs keeps the most
 * significant status: live > restricted > invalid > error > unknown).
 * Revocation runs on the calling thread, one job after the other, because
 * its output is a sequence of human-readable steps and because destructive
 * calls should not race each other. */
#include "verify/verify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule/ruleset.h"
#include "util/text.h"
#include "verify/provider.h"

#define DEFAULT_PARALLEL 4
#define MAX_PARALLEL 32
#define DEFAULT_RATE_MS 100
#define MAX_URLS 32

static const char onespan_default_urls[] =
    "https://apps.esignlive.com,https://sandbox.esignlive.com,"
    "https://apps.e-signlive.com,https://sandbox.e-signlive.com,"
    "https://apps.e-signlive.ca,https://sandbox.e-signlive.ca,"
    "https://apps.esignlive.eu,https://apps.esignlive.com.au,"
    "https://signer-gov.esignlive.com,"
    "https://signer-sandbox-gov.esignlive.com,https://preview.esignlive.com";

const struct lg_provider_ops *const lg_providers[] = {
    &lg_onespan_api_key,
    &lg_onespan_client,
    &lg_onespan_bearer,
    &lg_onespan_callback,
    &lg_github_token,
    &lg_slack_token,
    NULL,
};

static bool in_list(const char *const *list, const char *id)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], id) == 0)
            return true;
    return false;
}

const struct lg_provider_ops *lg_provider_for_rule(const char *rule_id)
{
    for (size_t i = 0; rule_id && lg_providers[i]; i++)
        if (in_list(lg_providers[i]->rules, rule_id))
            return lg_providers[i];
    return NULL;
}

const struct lg_provider_ops *lg_provider_for_partner(const char *rule_id)
{
    for (size_t i = 0; rule_id && lg_providers[i]; i++)
        if (in_list(lg_providers[i]->partners, rule_id))
            return lg_providers[i];
    return NULL;
}

const char *lg_revoke_outcome_name(enum lg_revoke_outcome o)
{
    static const char *const names[] = {
        [LG_REVOKE_PLANNED] = "planned",
        [LG_REVOKE_DONE] = "revoked",
        [LG_REVOKE_MANUAL] = "manual",
        [LG_REVOKE_SKIPPED] = "skipped",
        [LG_REVOKE_FAILED] = "failed",
        [LG_REVOKE_UNSUPPORTED] = "unsupported",
    };

    return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o]
                                                          : "unknown";
}

void lg_revoke_result_init(struct lg_revoke_result *r)
{
    memset(r, 0, sizeof(*r));
    lg_buf_init(&r->text, 256 * 1024);
}

static void verification_release(struct lg_verification *v)
{
    free(v->provider);
    free(v->identity);
    free(v->detail);
    memset(v, 0, sizeof(*v));
}

void lg_revoke_result_release(struct lg_revoke_result *r)
{
    if (!r)
        return;
    lg_buf_release(&r->text);
    if (r->new_secret) {
        memset(r->new_secret, 0, strlen(r->new_secret));
        free(r->new_secret);
    }
    verification_release(&r->check);
    r->new_secret = NULL;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

struct pstate {
    const char *name;
    char *urls[MAX_URLS];
    size_t n;
    struct lg_rate rate;
};

struct lg_verifier {
    struct lg_verify_config cfg;
    struct pstate ps[3]; /* onespan, github, slack */
    struct lg_http_opts hopts;
    struct lg_downset down;
};

/* Append one base URL (trimmed; trailing '/' and, for OneSpan, "/api"
 * removed) after checking it. */
static int add_url(struct pstate *p, const char *s, size_t n,
                   struct lg_error *err)
{
    char *u;
    int rc;

    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '/'))
        n--;
    if (strcmp(p->name, "onespan") == 0 && n >= 4 &&
        memcmp(s + n - 4, "/api", 4) == 0)
        n -= 4;
    if (n == 0)
        return LG_OK;
    if (p->n == MAX_URLS)
        return lg_error_set(err, LG_ELIMIT, "more than %d %s base URLs",
                            MAX_URLS, p->name);
    u = lg_strndup(s, n);
    if (!u)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    if (strpbrk(u, "?#")) {
        free(u);
        return lg_error_set(err, LG_EINVAL,
                            "%s base URL: no query or fragment allowed",
                            p->name);
    }
    rc = lg_http_check_url(u, err);
    if (rc < 0) {
        lg_error_prefix(err, "%s base URL", p->name);
        free(u);
        return rc;
    }
    p->urls[p->n++] = u;
    return LG_OK;
}

static int add_urls(struct pstate *p, const char *list, struct lg_error *err)
{
    const char *s = list;
    int rc = LG_OK;

    while (rc == LG_OK && *s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);

        rc = add_url(p, s, n, err);
        s += n + (comma ? 1 : 0);
    }
    if (rc == LG_OK && p->n == 0)
        rc = lg_error_set(err, LG_EINVAL, "no %s base URL configured", p->name);
    return rc;
}

int lg_verifier_new(struct lg_verifier **out,
                    const struct lg_verify_config *cfg, struct lg_error *err)
{
    static const char *const names[] = {"onespan", "github", "slack"};
    struct lg_verifier *v = calloc(1, sizeof(*v));
    const char *lists[3];
    long rate;
    int rc = LG_OK;

    *out = NULL;
    if (!v)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    v->cfg = *cfg;
    pthread_mutex_init(&v->down.mu, NULL);
    lists[0] = cfg->onespan_urls ? cfg->onespan_urls : onespan_default_urls;
    lists[1] = cfg->github_url ? cfg->github_url : "https://api.github.com";
    lists[2] = cfg->slack_url ? cfg->slack_url : "https://slack.com/api";
    rate = cfg->rate_interval_ms ? cfg->rate_interval_ms : DEFAULT_RATE_MS;
    for (size_t i = 0; i < 3; i++) {
        v->ps[i].name = names[i];
        lg_rate_init(&v->ps[i].rate, rate < 0 ? 0 : rate);
    }
    /* libcurl first: when it is missing, that is the error to report, not
     * a base URL that could not be checked without it. */
    rc = lg_http_global_init(err);
    for (size_t i = 0; i < 3 && rc == LG_OK; i++)
        rc = add_urls(&v->ps[i], lists[i], err);
    v->hopts.timeout_ms = cfg->timeout_ms;
    v->hopts.max_attempts = cfg->max_attempts;
    v->hopts.backoff_ms = cfg->backoff_ms;
    if (!v->cfg.parallel)
        v->cfg.parallel = DEFAULT_PARALLEL;
    if (v->cfg.parallel > MAX_PARALLEL)
        v->cfg.parallel = MAX_PARALLEL;
    if (rc < 0) {
        lg_verifier_free(v);
        return rc;
    }
    *out = v;
    return LG_OK;
}

void lg_verifier_free(struct lg_verifier *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < 3; i++) {
        for (size_t k = 0; k < v->ps[i].n; k++)
            free(v->ps[i].urls[k]);
        lg_rate_release(&v->ps[i].rate);
    }
    pthread_mutex_destroy(&v->down.mu);
    free(v);
}

static struct pstate *pstate_for(struct lg_verifier *v, const char *name)
{
    for (size_t i = 0; i < 3; i++)
        if (strcmp(v->ps[i].name, name) == 0)
            return &v->ps[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Jobs                                                                 */

struct job {
    const struct lg_provider_ops *ops;
    struct lg_vitem it;
    struct pstate *ps;
    const char *urls[MAX_URLS]; /* ps->urls, the hinted ones first */
    size_t n_urls;
    struct lg_verification res;
};

static const char *rule_id(const struct lg_finding *f)
{
    return f->rule ? f->rule->rule.id : NULL;
}

/* Whether the text around f (or its partner) names host (case-blind). */
static bool hinted(const struct lg_vitem *it, const char *host)
{
    const struct lg_finding *fs[2] = {it->f, it->partner};

    for (size_t i = 0; i < 2; i++)
        if (fs[i] && (lg_vcontains(fs[i]->line_before, host) ||
                      lg_vcontains(fs[i]->line_after, host)))
            return true;
    return false;
}

/* Order the configured URLs: those whose host the context names first.
 * Only configured URLs are ever used; the context just reorders them. */
static void order_urls(struct job *j)
{
    size_t k = 0;

    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < j->ps->n; i++) {
            char host[256];
            char *colon;

            lg_http_url_host(j->ps->urls[i], host, sizeof(host));
            colon = strrchr(host, ':');
            if (colon && !strchr(host, ']'))
                *colon = '\0';
            if (hinted(&j->it, host) == (pass == 0))
                j->urls[k++] = j->ps->urls[i];
        }
    j->n_urls = k;
}

/* The nearest finding of a partner rule in the same file, or NULL. */
static const struct lg_finding *find_partner(const struct lg_provider_ops *ops,
                                             struct lg_finding *const *f,
                                             size_t n, size_t self)
{
    const struct lg_finding *best = NULL;
    uint64_t best_d = UINT64_MAX;

    for (size_t i = 0; i < n; i++) {
        const struct lg_finding *c = f[i];
        uint64_t d;

        if (i == self || !in_list(ops->partners, rule_id(c)) || !c->path ||
            !f[self]->path || strcmp(c->path, f[self]->path) != 0)
            continue;
        d = c->line > f[self]->line ? c->line - f[self]->line
                                    : f[self]->line - c->line;
        if (d < best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

static bool same_job(const struct job *j, const struct lg_provider_ops *ops,
                     const struct lg_finding *f,
                     const struct lg_finding *partner)
{
    if (j->ops != ops || strcmp(j->it.f->fingerprint, f->fingerprint) != 0)
        return false;
    if (!j->it.partner || !partner)
        return j->it.partner == partner;
    return strcmp(j->it.partner->fingerprint, partner->fingerprint) == 0;
}

/* Build the jobs; map[i] = job of finding i, or -1. */
static int make_jobs(struct lg_verifier *v, struct lg_finding *const *f,
                     size_t n, struct job **out, size_t *n_out, long *map)
{
    struct job *jobs = calloc(n ? n : 1, sizeof(*jobs));
    size_t nj = 0;

    if (!jobs)
        return LG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct lg_provider_ops *ops = lg_provider_for_rule(rule_id(f[i]));
        const struct lg_finding *partner;
        size_t k;

        map[i] = -1;
        if (!ops || !f[i]->secret)
            continue;
        partner = ops->partners ? find_partner(ops, f, n, i) : NULL;
        for (k = 0; k < nj && !same_job(&jobs[k], ops, f[i], partner); k++)
            ;
        if (k == nj) {
            jobs[k].ops = ops;
            jobs[k].it = (struct lg_vitem){rule_id(f[i]), f[i], partner};
            jobs[k].ps = pstate_for(v, ops->name);
            order_urls(&jobs[k]);
            nj++;
        }
        map[i] = (long)k;
    }
    *out = jobs;
    *n_out = nj;
    return LG_OK;
}

static void free_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; jobs && i < n; i++)
        verification_release(&jobs[i].res);
    free(jobs);
}

static void job_ctx(struct lg_verifier *v, struct job *j, struct lg_http *h,
                    struct lg_vctx *cx)
{
    *cx = (struct lg_vctx){
        .ops = j->ops,
        .http = h,
        .rate = &j->ps->rate,
        .audit = v->cfg.audit,
        .urls = j->urls,
        .n_urls = j->n_urls,
        .admin_key = v->cfg.onespan_admin_key,
        .contain = v->cfg.contain,
        .down = &v->down,
    };
}

/* ------------------------------------------------------------------ */
/* Verification                                                         */

struct pool {
    struct lg_verifier *v;
    struct job *jobs;
    size_t n, next;
    pthread_mutex_t mu;
    int rc;
};

static void *pool_main(void *arg)
{
    struct pool *p = arg;
    struct lg_http *h = NULL;
    int rc = lg_http_new(&h, &p->v->hopts, NULL);

    for (;;) {
        struct lg_vctx cx;
        struct job *j;

        pthread_mutex_lock(&p->mu);
        if (rc < 0 && p->rc == LG_OK)
            p->rc = rc;
        j = p->next < p->n && rc == LG_OK ? &p->jobs[p->next++] : NULL;
        pthread_mutex_unlock(&p->mu);
        if (!j)
            break;
        job_ctx(p->v, j, h, &cx);
        rc = j->ops->verify(&cx, &j->it, &j->res);
        if (rc == LG_OK && j->res.status == LG_VERIFY_NONE)
            rc = lg_vset(&j->res, &cx, LG_VERIFY_ERROR, NULL,
                         "the provider gave no result");
    }
    lg_http_free(h);
    return NULL;
}

static int run_pool(struct lg_verifier *v, struct job *jobs, size_t n)
{
    struct pool p = {v, jobs, n, 0, PTHREAD_MUTEX_INITIALIZER, LG_OK};
    pthread_t tid[MAX_PARALLEL];
    unsigned nt = v->cfg.parallel < n ? v->cfg.parallel : (unsigned)n, ok = 0;

    for (unsigned i = 0; i < nt; i++)
        if (pthread_create(&tid[ok], NULL, pool_main, &p) == 0)
            ok++;
    if (nt && !ok)
        pool_main(&p); /* no thread could start: do the work here */
    for (unsigned i = 0; i < ok; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&p.mu);
    return p.rc;
}

static int rank(enum lg_verify_status s)
{
    static const int r[] = {
        [LG_VERIFY_NONE] = 0,       [LG_VERIFY_UNKNOWN] = 1,
        [LG_VERIFY_ERROR] = 2,      [LG_VERIFY_INVALID] = 3,
        [LG_VERIFY_RESTRICTED] = 4, [LG_VERIFY_LIVE] = 5,
    };

    return (unsigned)s < sizeof(r) / sizeof(r[0]) ? r[s] : 0;
}

static int copy_verification(struct lg_verification *dst,
                             const struct lg_verification *src)
{
    struct lg_verification t = *src;

    t.provider =
        src->provider ? lg_strndup(src->provider, strlen(src->provider)) : NULL;
    t.identity =
        src->identity ? lg_strndup(src->identity, strlen(src->identity)) : NULL;
    t.detail =
        src->detail ? lg_strndup(src->detail, strlen(src->detail)) : NULL;
    verification_release(dst);
    *dst = t;
    if ((src->provider && !t.provider) || (src->identity && !t.identity) ||
        (src->detail && !t.detail))
        return LG_ENOMEM;
    return LG_OK;
}

/* "unknown" with a reason, for findings no provider checks. */
static int set_unknown(struct lg_finding *f, const char *provider,
                       const char *detail)
{
    struct lg_verification u = {.status = LG_VERIFY_UNKNOWN};

    u.provider = (char *)provider;
    u.detail = (char *)detail;
    lg_time_iso(u.checked_at, sizeof(u.checked_at), false);
    return copy_verification(&f->verification, &u);
}

static int deliver(struct lg_finding *const *f, size_t n, struct job *jobs,
                   const long *map)
{
    int rc = LG_OK;

    for (size_t i = 0; i < n && rc == LG_OK; i++) {
        const struct lg_provider_ops *pops;

        if (map[i] >= 0) {
            rc = copy_verification(&f[i]->verification, &jobs[map[i]].res);
            continue;
        }
        pops = lg_provider_for_partner(rule_id(f[i]));
        if (!pops) {
            rc = set_unknown(f[i], NULL,
                             f[i]->secret ? "no verifier for this rule"
                                          : "the report has no secret");
            continue;
        }
        rc = set_unknown(f[i], pops->name,
                         "checked together with a secret; none found in "
                         "the same file");
        for (size_t k = 0; k < n && rc == LG_OK; k++) {
            const struct job *j = map[k] >= 0 ? &jobs[map[k]] : NULL;

            if (j && j->it.partner == f[i] &&
                rank(j->res.status) > rank(f[i]->verification.status))
                rc = copy_verification(&f[i]->verification, &j->res);
        }
    }
    return rc;
}

int lg_verify_findings(struct lg_verifier *v, struct lg_finding *const *f,
                       size_t n, struct lg_error *err)
{
    long *map = calloc(n ? n : 1, sizeof(*map));
    struct job *jobs = NULL;
    size_t nj = 0;
    int rc = map ? make_jobs(v, f, n, &jobs, &nj, map) : LG_ENOMEM;

    if (rc == LG_OK)
        rc = run_pool(v, jobs, nj);
    if (rc == LG_OK)
        rc = deliver(f, n, jobs, map);
    free_jobs(jobs, nj);
    free(map);
    if (rc < 0)
        return lg_error_set(err, rc, "verification failed: %s",
                            lg_strerror(rc));
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* Revocation                                                           */

static bool first_of_job(const long *map, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (map[k] == map[i])
            return false;
    return true;
}

static bool used_as_partner(const struct job *jobs, size_t nj,
                            const struct lg_finding *f)
{
    for (size_t k = 0; k < nj; k++)
        if (jobs[k].it.partner == f)
            return true;
    return false;
}

static int revoke_one(struct lg_verifier *v, struct job *j, struct lg_http *h,
                      bool dry_run, struct lg_revoke_result *r)
{
    struct lg_vctx cx;

    job_ctx(v, j, h, &cx);
    if (!dry_run)
        return j->ops->revoke(&cx, &j->it, r);
    r->outcome = LG_REVOKE_PLANNED;
    return j->ops->plan(&cx, &j->it, &r->text);
}

int lg_revoke_findings(struct lg_verifier *v, struct lg_finding *const *f,
                       size_t n, bool dry_run, lg_revoke_cb cb, void *payload,
                       struct lg_error *err)
{
    long *map = calloc(n ? n : 1, sizeof(*map));
    struct lg_http *h = NULL;
    struct job *jobs = NULL;
    size_t nj = 0;
    int rc = map ? make_jobs(v, f, n, &jobs, &nj, map) : LG_ENOMEM;

    if (rc == LG_OK && !dry_run) /* a dry run never creates a client */
        rc = lg_http_new(&h, &v->hopts, err);
    for (size_t i = 0; i < n && rc == LG_OK; i++) {
        struct lg_revoke_result r;

        if (map[i] >= 0 && !first_of_job(map, i))
            continue;
        if (map[i] < 0 && used_as_partner(jobs, nj, f[i]))
            continue;
        lg_revoke_result_init(&r);
        if (map[i] >= 0) {
            rc = revoke_one(v, &jobs[map[i]], h, dry_run, &r);
        } else {
            r.outcome = LG_REVOKE_UNSUPPORTED;
            rc = lg_buf_puts(&r.text,
                             lg_provider_for_partner(rule_id(f[i]))
                                 ? "no secret found with this identifier in "
                                   "the same file; nothing to revoke\n"
                                 : "no provider can revoke this kind of "
                                   "credential; rotate it where it was "
                                   "issued\n");
        }
        if (rc == LG_OK)
            rc = cb(f[i], &r, payload);
        lg_revoke_result_release(&r);
    }
    lg_http_free(h);
    free_jobs(jobs, nj);
    free(map);
    if (rc < 0 && rc != LG_ESTOP && err && !err->msg[0])
        lg_error_set(err, rc, "revocation failed: %s", lg_strerror(rc));
    return rc == LG_ESTOP ? LG_OK : rc;
}
