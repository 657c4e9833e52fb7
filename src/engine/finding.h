/* A finding: one occurrence of one rule's secret in one object.
 *
 * The engine hands out findings whose pointers are borrowed (valid during the
 * callback only); lg_finding_copy() makes an owned copy that the session keeps
 * and the reporters read.  `secret` is the raw secret: reporters must print
 * `redacted` unless the user asked for --show-secrets. */
#ifndef LG_ENGINE_FINDING_H
#define LG_ENGINE_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/text.h"

struct lg_crule;

/* Git provenance, filled by the git source (all NULL otherwise). */
struct lg_provenance {
    char *commit, *author, *email, *date, *message;
};

/* Liveness of a finding's credential, filled by --verify (src/verify/). */
enum lg_verify_status {
    LG_VERIFY_NONE = 0,   /* not checked */
    LG_VERIFY_LIVE,       /* the provider accepted it */
    LG_VERIFY_INVALID,    /* the provider rejected it (revoked, wrong) */
    LG_VERIFY_RESTRICTED, /* accepted but not allowed (e.g. HTTP 403) */
    LG_VERIFY_UNKNOWN,    /* cannot be checked (no provider, no partner) */
    LG_VERIFY_ERROR       /* the check failed (network, server error) */
};

#define LG_CHECKED_AT_MAX 24 /* "2025-01-31T12:34:56Z" + NUL */

struct lg_verification {
    enum lg_verify_status status;
    char *provider;  /* "onespan", "github", "slack"; NULL if none */
    char *identity;  /* whose credential it is (never the secret), or NULL */
    char *detail;    /* short reason, e.g. "HTTP 401 from HOST", or NULL */
    char checked_at[LG_CHECKED_AT_MAX]; /* UTC, ISO 8601; "" if unchecked */
};

/* "live", "invalid", "restricted", "unknown", "error"; NULL for NONE. */
const char *lg_verify_status_name(enum lg_verify_status s);

/* The finding of a rule's pair_with rule next to this one (e.g. a OneSpan
 * client secret's client id): the two are one credential. */
struct lg_finding_part {
    const struct lg_crule *rule;
    char *secret;                 /* raw, secret_len bytes + NUL */
    size_t secret_len;
    char redacted[LG_REDACT_MAX];
    char fingerprint[LG_FINGERPRINT_LEN + 1];
    uint64_t line, column;
};

struct lg_finding {
    const struct lg_crule *rule;  /* borrowed from the ruleset */
    char *path;                   /* display path; archive members use '!' */
    char *secret;                 /* raw bytes + NUL, secret_len long */
    size_t secret_len;
    char redacted[LG_REDACT_MAX];
    char fingerprint[LG_FINGERPRINT_LEN + 1];
    uint64_t offset;              /* byte offset of the secret in the object */
    uint64_t line, column;        /* 1-based, of the secret's first byte */
    uint64_t end_line, end_column;/* 1-based, inclusive last byte */
    char *line_before;            /* text on the secret's line before it */
    char *line_after;             /* ... and after it (each <= 120 bytes) */
    const char *decoded;          /* static: "base64", "hex", ... or NULL */
    char *identity;               /* validator identity (non-secret) or NULL */
    double entropy;
    struct lg_provenance git;
    /* Further occurrences of the same secret (same fingerprint), in
     * location order; set by the session on the findings it reports, not
     * copied by lg_finding_copy. */
    const struct lg_finding *locations;
    size_t n_locations;
    struct lg_finding_part *part; /* owned, or NULL (set by the session) */
    struct lg_verification verification; /* copied by lg_finding_copy */
};

/* Deep copy; returns LG_OK or LG_ENOMEM. */
int lg_finding_copy(struct lg_finding *dst, const struct lg_finding *src);
/* Attach the paired rule's finding (copies the secret; replaces a part
 * already attached).  LG_OK or LG_ENOMEM. */
int lg_finding_set_part(struct lg_finding *f, const struct lg_crule *rule,
                        const char *secret, size_t len, uint64_t line,
                        uint64_t column);

/* Free what lg_finding_copy allocated (dst itself is not freed). */
void lg_finding_release(struct lg_finding *f);

/* A redacted one-line snippet for display: the text around the secret with
 * the secret replaced by its redacted form (or shown, if show_secret).
 * Control characters are replaced by spaces. */
int lg_finding_snippet(const struct lg_finding *f, bool show_secret,
                       struct lg_buf *out);

#endif
