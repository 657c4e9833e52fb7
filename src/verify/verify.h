/* Verification, revocation and containment of found credentials through
 * their providers' APIs (DESIGN §6).
 *
 * Providers are `const struct lg_provider_ops` tables in a list; a finding
 * goes to the provider whose `rules` name its rule id.  One provider name
 * ("onespan") can have several tables, one per credential kind (API key,
 * client app, bearer token, callback key), that share its base URLs and
 * rate limit.
 *
 * Safety (the contract of this module):
 *   - nothing here touches the network unless the caller made a verifier,
 *     and the CLI makes one only for --verify, `verify` and `revoke`;
 *   - a credential is sent only to its provider's configured base URLs
 *     (built-in defaults, or the overrides in struct lg_verify_config) —
 *     never to a host named in scanned content; a OneSpan host seen next
 *     to a finding only moves that configured URL to the front;
 *   - https with certificate verification, or http to loopback only
 *     (verify/http.h); redirects are not followed;
 *   - revocation is planned (dry run) unless the caller asks to execute;
 *     destructive containment (locking a OneSpan sender) additionally
 *     needs `contain` and an admin key;
 *   - every request is recorded in the audit log with the fingerprint,
 *     never the secret; messages and details never hold secrets.
 *
 * Credentials that need two findings (a OneSpan client secret and its
 * client id) are paired: the nearest finding of a `partners` rule in the
 * same file completes the credential, and the partner gets the same
 * verification result. */
#ifndef LG_VERIFY_VERIFY_H
#define LG_VERIFY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/finding.h"
#include "util/buf.h"
#include "util/error.h"

struct lg_audit;
struct lg_vctx; /* a provider call's context, see verify/provider.h */

struct lg_verify_config {
    const char *onespan_urls; /* comma-separated base URLs; NULL: defaults */
    const char *github_url;   /* NULL: https://api.github.com */
    const char *slack_url;    /* NULL: https://slack.com/api */
    const char *onespan_admin_key; /* admin API key (callback rotation,
                                      sender lock); NULL if none */
    unsigned parallel;             /* concurrent checks; 0 = 4 */
    long timeout_ms;               /* per request; 0 = 15 s */
    unsigned max_attempts;         /* per request, retries included; 0 = 4 */
    long backoff_ms;               /* first retry delay; 0 = 500 ms */
    long rate_interval_ms;         /* min spacing per provider; 0 = 100 ms,
                                 negative = none */
    bool contain;                  /* revoke: destructive containment allowed */
    struct lg_audit *audit;        /* borrowed; NULL = no audit log */
};

/* A credential as a provider sees it. */
struct lg_vitem {
    const char *rule_id;
    const struct lg_finding *f;       /* the secret (raw bytes needed) */
    const struct lg_finding *partner; /* e.g. the client id, or NULL */
};

enum lg_revoke_outcome {
    LG_REVOKE_PLANNED,    /* dry run: `text` says what would be done */
    LG_REVOKE_DONE,       /* revoked, rotated or contained */
    LG_REVOKE_MANUAL,     /* no API: `text` holds the manual steps */
    LG_REVOKE_SKIPPED,    /* nothing to do (e.g. already invalid) */
    LG_REVOKE_FAILED,     /* a call failed; `text` says which */
    LG_REVOKE_UNSUPPORTED /* no provider for this rule */
};

/* "planned", "revoked", "manual", "skipped", "failed", "unsupported". */
const char *lg_revoke_outcome_name(enum lg_revoke_outcome o);

struct lg_revoke_result {
    enum lg_revoke_outcome outcome;
    struct lg_buf text; /* lines for the user, redacted (no secrets) */
    char *new_secret;   /* a freshly generated secret (e.g. a rotated
                            callback key) or NULL: show it only when the
                            user asked for secrets; wiped on release */
    struct lg_verification check; /* the verification done first, if any */
};

void lg_revoke_result_init(struct lg_revoke_result *r);
void lg_revoke_result_release(struct lg_revoke_result *r);

struct lg_provider_ops {
    const char *name;         /* provider, as reported ("onespan"); also selects
                          the base URLs and the rate limit */
    const char *kind;         /* credential kind, for messages ("API key") */
    const char *const *rules; /* rule ids handled; NULL-terminated */
    const char *const *partners; /* rule ids completing a credential of
                                    these rules, or NULL */
    /* Check liveness; fill out (status, identity, detail).  Returns LG_OK
     * (whatever the status) or LG_ENOMEM. */
    int (*verify)(struct lg_vctx *cx, const struct lg_vitem *it,
                  struct lg_verification *out);
    /* Describe, without any request, what revoke() would do: the exact
     * calls with redacted credentials, or the manual steps. */
    int (*plan)(struct lg_vctx *cx, const struct lg_vitem *it,
                struct lg_buf *out);
    /* Do it; out->outcome and out->text say what happened. */
    int (*revoke)(struct lg_vctx *cx, const struct lg_vitem *it,
                  struct lg_revoke_result *out);
};

/* Every provider table, NULL-terminated, and lookup by rule id. */
extern const struct lg_provider_ops *const lg_providers[];
const struct lg_provider_ops *lg_provider_for_rule(const char *rule_id);
/* The provider table for which rule_id is a partner rule, or NULL. */
const struct lg_provider_ops *lg_provider_for_partner(const char *rule_id);

struct lg_verifier;

/* Validate the configuration (every base URL must pass lg_http_check_url)
 * and initialise libcurl.  Call on the main thread. */
int lg_verifier_new(struct lg_verifier **out,
                    const struct lg_verify_config *cfg, struct lg_error *err);
void lg_verifier_free(struct lg_verifier *v);

/* Set f[i]->verification for every finding: a finding without a provider
 * gets "unknown" with a detail.  Identical credentials are checked once;
 * up to cfg->parallel checks run at once.  Returns LG_OK or LG_ENOMEM. */
int lg_verify_findings(struct lg_verifier *v, struct lg_finding *const *f,
                       size_t n, struct lg_error *err);

/* Called by lg_revoke_findings for each credential handled. */
typedef int (*lg_revoke_cb)(const struct lg_finding *f,
                            const struct lg_revoke_result *r, void *payload);

/* Plan (dry_run) or carry out the revocation of every finding whose rule
 * a provider handles (partners are used, not revoked; one call per
 * distinct credential), sequentially, in the given order.  cb gets every
 * result, also for findings without a provider (LG_REVOKE_UNSUPPORTED).
 * A dry run makes no request at all.  Returns LG_OK, the callback's
 * negative code, or LG_ENOMEM. */
int lg_revoke_findings(struct lg_verifier *v, struct lg_finding *const *f,
                       size_t n, bool dry_run, lg_revoke_cb cb, void *payload,
                       struct lg_error *err);

#endif
