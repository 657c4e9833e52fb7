/* The audit log: an append-only JSONL file with one line per action that
 * sent a credential somewhere or changed something at a provider.
 *
 * Each line: {"time", "action", "provider", "rule", "fingerprint", "host",
 * "http_status", "outcome", "detail"}.  The secret itself never appears —
 * the fingerprint identifies it.  The file is opened with O_APPEND and each
 * line is written with one write(2), under a mutex, so lines from threads
 * and from concurrent runs never interleave.  Parent directories are
 * created (0700), the file is created 0600. */
#ifndef LG_VERIFY_AUDIT_H
#define LG_VERIFY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct lg_audit;

struct lg_audit_rec {
    const char *action;      /* "verify", "revoke", "rotate", "lock", ... */
    const char *provider;    /* "onespan", "github", "slack" */
    const char *rule;        /* rule id */
    const char *fingerprint; /* of the secret */
    const char *host;        /* host[:port] called, or NULL */
    long http_status;        /* 0 when no response / no request */
    const char *outcome;     /* "live", "invalid", "revoked", "failed"... */
    const char *detail;      /* short, no secrets; may be NULL */
};

int lg_audit_open(struct lg_audit **out, const char *path,
                  struct lg_error *err);
void lg_audit_close(struct lg_audit *a);

/* Append one record (a may be NULL: nothing is written).  Returns LG_OK or
 * LG_EIO. */
int lg_audit_write(struct lg_audit *a, const struct lg_audit_rec *r);

/* Now, UTC, ISO 8601: "2025-01-31T12:34:56Z", or with ".789" milliseconds
 * when ms.  n >= 32 always suffices. */
void lg_time_iso(char *out, size_t n, bool ms);

/* Create the parent directories of `path` (mode 0700) when missing. */
int lg_mkdir_parents(const char *path, struct lg_error *err);

#endif
