/* HTTP client for provider calls and notifications (libcurl underneath,
 * loaded on first use: see curl_dl.h).
 *
 * The rules here are the safety contract of everything that talks to the
 * network:
 *   - TLS certificate and host verification are always on; there is no
 *     switch to turn them off.
 *   - Plain http:// is refused unless the host is a loopback address
 *     (127.0.0.0/8, ::1, localhost) — that is what test stubs use.  URLs
 *     with user info are refused.  Redirects are never followed, so a
 *     credential cannot be bounced to another host.
 *   - Every request has a connect timeout and a total timeout; a response
 *     body larger than the cap fails the request.
 *   - 429, 5xx and transport failures are retried with exponential backoff;
 *     a Retry-After header (seconds) is honoured up to a cap, beyond which
 *     the request fails rather than stalling the run.
 *   - A per-provider rate limit (struct lg_rate) spaces requests out, across
 *     threads.
 *   - The Authorization value and bodies are secrets: they are never put in
 *     an error message, and the buffers holding them are wiped.
 *
 * One struct lg_http per thread (it owns a curl easy handle); call
 * lg_http_global_init() once, on the main thread, before any is created. */
#ifndef LG_VERIFY_HTTP_H
#define LG_VERIFY_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/error.h"

struct lg_http_opts {
    long timeout_ms;         /* whole request; 0 = 15000 */
    long connect_timeout_ms; /* 0 = 5000 */
    unsigned max_attempts;   /* first try + retries; 0 = 4 */
    long backoff_ms;         /* delay before the first retry, doubled after
                                each; 0 = 500 */
    long max_wait_ms;        /* longest single wait (backoff or
                                Retry-After); 0 = 30000 */
    size_t max_body;         /* response body cap; 0 = 1 MiB */
};

/* Spaces requests of one provider at least interval_ms apart. */
struct lg_rate {
    pthread_mutex_t mu;
    struct timespec next; /* CLOCK_MONOTONIC time of the next free slot */
    long interval_ms;
};

void lg_rate_init(struct lg_rate *r, long interval_ms);
void lg_rate_release(struct lg_rate *r);
/* Block until this caller's slot comes (r may be NULL: no limit). */
void lg_rate_wait(struct lg_rate *r);

struct lg_http_req {
    const char *method;       /* "GET" or "POST" */
    const char *url;          /* absolute URL */
    const char *auth;         /* Authorization header value, or NULL */
    const char *content_type; /* of the body, or NULL */
    const char *body;         /* request body, or NULL */
    size_t body_len;
};

struct lg_http_resp {
    long status;        /* HTTP status; 0 when no response came back */
    struct lg_buf body; /* capped; wiped on release */
    unsigned attempts;  /* requests made */
    char error[160];    /* why no (usable) response, when status == 0 */
};

void lg_http_resp_init(struct lg_http_resp *r);
void lg_http_resp_release(struct lg_http_resp *r);

struct lg_http;

/* Once per process, before threads start.  Loads libcurl; when it cannot
 * be loaded, returns LG_EUNSUPPORTED with the message of lg_curl_load(). */
int lg_http_global_init(struct lg_error *err);

int lg_http_new(struct lg_http **out, const struct lg_http_opts *opts,
                struct lg_error *err);
void lg_http_free(struct lg_http *h);

/* Whether `url` may be used at all (scheme, loopback rule, no user info);
 * the message says why not.  Loads libcurl (its URL parser) if needed:
 * LG_EUNSUPPORTED when it cannot be loaded. */
int lg_http_check_url(const char *url, struct lg_error *err);

/* Copy the host (and ":port" when present) of url into out[0..n); "" if it
 * cannot be parsed (or libcurl cannot be loaded).  For logs and audit
 * records. */
void lg_http_url_host(const char *url, char *out, size_t n);

/* Whether `host` (as in a URL, IPv6 in brackets allowed) is loopback. */
bool lg_http_is_loopback(const char *host);

/* Perform req, with retries, waiting on `rate` before each attempt.
 * Returns LG_OK when a final response arrived (whatever its status: read
 * resp->status), LG_EIO when none did (resp->error says why, e.g. "cannot
 * connect to 127.0.0.1:9" or "rate limited"), LG_EINVAL when the URL is not
 * allowed, LG_ENOMEM. */
int lg_http_do(struct lg_http *h, const struct lg_http_req *req,
               struct lg_rate *rate, struct lg_http_resp *resp);

#endif
