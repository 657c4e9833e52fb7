/* Event notifications, modelled on OneSpan Sign's callbacks.
 *
 * Enabled only by a notification URL; events are chosen by name (none
 * unless named, or "all"): finding, verified, revoked, scan_completed.
 * Each is POSTed as JSON ({"event", "time", "scan_id", "finding": {…}}) with
 * `Content-Type: application/json; charset=utf-8` and, when a key is set,
 * `Authorization: Basic <key>` (the raw key, as OneSpan does).  Findings in
 * events are always redacted, whatever --show-secrets says.
 *
 * Delivery retries with backoff (verify/http.h).  An event that still
 * fails is appended to a spool file (JSONL: url, whether a key was used,
 * the body — never the key) and the notifier stops trying for the rest of
 * the run, spooling the remaining events straight away: a receiver that
 * is down costs one retry sequence, not one per event.  Nothing is dropped
 * silently: a spool that cannot be written is an error.
 * lg_notify_flush() re-sends the spool and keeps what still fails. */
#ifndef LG_VERIFY_NOTIFY_H
#define LG_VERIFY_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/finding.h"
#include "util/error.h"
#include "verify/http.h"

enum {
    LG_EVENT_FINDING = 1,
    LG_EVENT_VERIFIED = 2,
    LG_EVENT_REVOKED = 4,
    LG_EVENT_SCAN_COMPLETED = 8,
    LG_EVENT_ALL = 15
};

/* Parse "finding,verified" or "all" into a mask; unknown names fail with a
 * message listing the valid ones. */
int lg_notify_parse_events(const char *list, unsigned *mask,
                           struct lg_error *err);

struct lg_notify_config {
    const char *url;          /* receiver; https, or http to loopback */
    const char *key;          /* sent as Authorization: Basic KEY; or NULL */
    unsigned events;          /* LG_EVENT_* mask */
    const char *spool;        /* spool file path */
    struct lg_http_opts http; /* timeouts and retries (zero: defaults) */
};

/* What a scan_completed event reports. */
struct lg_notify_summary {
    uint64_t findings, objects_scanned, objects_skipped, objects_failed;
    uint64_t bytes_scanned;
    double seconds;
    uint64_t live; /* findings verified live */
};

struct lg_notifier;

/* cfg's strings are copied. Initialises libcurl (call on the main
 * thread). */
int lg_notifier_new(struct lg_notifier **out,
                    const struct lg_notify_config *cfg, struct lg_error *err);
void lg_notifier_free(struct lg_notifier *n);

const char *lg_notify_scan_id(const struct lg_notifier *n);
/* Events delivered and spooled so far. */
void lg_notify_counts(const struct lg_notifier *n, size_t *delivered,
                      size_t *spooled);

/* Send one event if it was chosen (else do nothing).  Returns LG_OK when
 * it was delivered or spooled, LG_EIO (with a message) when even the spool
 * could not be written, LG_ENOMEM. */
int lg_notify_finding(struct lg_notifier *n, const struct lg_finding *f,
                      struct lg_error *err);
int lg_notify_verified(struct lg_notifier *n, const struct lg_finding *f,
                       struct lg_error *err);
int lg_notify_revoked(struct lg_notifier *n, const struct lg_finding *f,
                      const char *outcome, const char *provider,
                      struct lg_error *err);
int lg_notify_scan_completed(struct lg_notifier *n,
                             const struct lg_notify_summary *s,
                             struct lg_error *err);

/* Re-send every spooled event (to url_override when given, else to the
 * URL it was meant for) with `key` (events first sent with a key are kept
 * back when key is NULL).  What still fails stays in the spool.  Sets
 * *delivered and *left.  A missing spool is an empty one. */
int lg_notify_flush(const char *spool, const char *url_override,
                    const char *key, const struct lg_http_opts *http,
                    size_t *delivered, size_t *left, struct lg_error *err);

#endif
