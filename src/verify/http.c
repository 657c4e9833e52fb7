/* libcurl wrapper with the safety rules of http.h.
 *
 * libcurl is not linked: every call goes through the table of curl_dl.h,
 * loaded by whichever entry point comes first (global init, a new handle,
 * a URL check).
 *
 * Each request resets the easy handle and sets every option again, so no
 * state (headers, bodies, methods) leaks from one request into the next;
 * the connection cache survives the reset, which is what makes repeated
 * calls to one host cheap.  Retries wait max(backoff, Retry-After) and the
 * backoff doubles each time; waits longer than max_wait_ms end the retries
 * and the last response is returned as it is (e.g. a 429), so the caller
 * reports it instead of the run stalling. */
#include "verify/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "verify/curl_dl.h"

#ifndef LG_VERSION
#define LG_VERSION "dev"
#endif

struct lg_http {
    const struct lg_curl *cu;
    CURL *curl;
    struct lg_http_opts o;
    char errbuf[CURL_ERROR_SIZE];
};

/* ------------------------------------------------------------------ */
/* Rate limit                                                           */

void lg_rate_init(struct lg_rate *r, long interval_ms)
{
    pthread_mutex_init(&r->mu, NULL);
    clock_gettime(CLOCK_MONOTONIC, &r->next);
    r->interval_ms = interval_ms;
}

void lg_rate_release(struct lg_rate *r)
{
    if (r)
        pthread_mutex_destroy(&r->mu);
}

static void ts_add_ms(struct timespec *t, long ms)
{
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void sleep_ms(long ms)
{
    struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&d, &d) < 0 && errno == EINTR)
        ;
}

void lg_rate_wait(struct lg_rate *r)
{
    struct timespec now, slot;

    if (!r || r->interval_ms <= 0)
        return;
    /* Reserve the next slot under the lock, sleep outside it. */
    pthread_mutex_lock(&r->mu);
    clock_gettime(CLOCK_MONOTONIC, &now);
    slot = ts_before(&r->next, &now) ? now : r->next;
    r->next = slot;
    ts_add_ms(&r->next, r->interval_ms);
    pthread_mutex_unlock(&r->mu);
    if (ts_before(&now, &slot)) {
        struct timespec d = {slot.tv_sec - now.tv_sec,
                             slot.tv_nsec - now.tv_nsec};
        if (d.tv_nsec < 0) {
            d.tv_sec--;
            d.tv_nsec += 1000000000L;
        }
        while (nanosleep(&d, &d) < 0 && errno == EINTR)
            ;
    }
}

/* ------------------------------------------------------------------ */
/* URLs                                                                 */

bool lg_http_is_loopback(const char *host)
{
    unsigned char a4[4], a6[16];
    char h[64];
    size_t n = strlen(host);

    if (strcasecmp(host, "localhost") == 0 ||
        strcasecmp(host, "localhost.") == 0)
        return true;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
        host++;
        n -= 2;
    }
    if (n >= sizeof(h))
        return false;
    memcpy(h, host, n);
    h[n] = '\0';
    if (inet_pton(AF_INET, h, a4) == 1)
        return a4[0] == 127;
    if (inet_pton(AF_INET6, h, a6) == 1) {
        static const unsigned char one[16] = {[15] = 1};
        return memcmp(a6, one, 16) == 0;
    }
    return false;
}

/* Parse url into its scheme and host (curl-allocated: cu->free). */
static int parse_url(const struct lg_curl *cu, const char *url, char **scheme,
                     char **host, bool *has_user)
{
    CURLU *u = cu->url();
    char *user = NULL;
    int rc = LG_OK;

    *scheme = *host = NULL;
    *has_user = false;
    if (!u)
        return LG_ENOMEM;
    if (cu->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        cu->url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
        cu->url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
        rc = LG_EINVAL;
    if (rc == LG_OK && cu->url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
        *has_user = true;
    cu->free(user);
    cu->url_cleanup(u);
    return rc;
}

int lg_http_check_url(const char *url, struct lg_error *err)
{
    const struct lg_curl *cu;
    char *scheme, *host;
    bool user;
    int rc = lg_curl_load(&cu, err);

    if (rc < 0)
        return rc;
    rc = parse_url(cu, url, &scheme, &host, &user);
    if (rc == LG_ENOMEM)
        rc = lg_error_set(err, rc, "out of memory");
    else if (rc < 0)
        rc = lg_error_set(err, rc, "not a valid URL");
    else if (user)
        rc = lg_error_set(err, LG_EINVAL,
                          "a URL with user info is not allowed (put "
                          "credentials in their own setting)");
    else if (strcasecmp(scheme, "https") == 0)
        rc = LG_OK;
    else if (strcasecmp(scheme, "http") == 0 && !lg_http_is_loopback(host))
        rc = lg_error_set(err, LG_EINVAL,
                          "'http://%s': plain http is only allowed to a "
                          "loopback address; use https",
                          host);
    else if (strcasecmp(scheme, "http") != 0)
        rc = lg_error_set(err, LG_EINVAL,
                          "'%s:' URLs are not supported (https only)", scheme);
    cu->free(scheme);
    cu->free(host);
    return rc;
}

void lg_http_url_host(const char *url, char *out, size_t n)
{
    const struct lg_curl *cu;
    CURLU *u;
    char *host = NULL, *port = NULL;

    if (n)
        out[0] = '\0';
    if (lg_curl_load(&cu, NULL) < 0 || !(u = cu->url()))
        return;
    if (cu->url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        cu->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        cu->url_get(u, CURLUPART_PORT, &port, 0);
        snprintf(out, n, "%s%s%s", host, port ? ":" : "", port ? port : "");
    }
    cu->free(host);
    cu->free(port);
    cu->url_cleanup(u);
}

/* ------------------------------------------------------------------ */
/* Requests                                                             */

void lg_http_resp_init(struct lg_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    lg_buf_init(&r->body, 1);
}

static void wipe_buf(struct lg_buf *b)
{
    if (b->data)
        memset(b->data, 0, b->cap);
}

void lg_http_resp_release(struct lg_http_resp *r)
{
    if (!r)
        return;
    wipe_buf(&r->body);
    lg_buf_release(&r->body);
}

int lg_http_global_init(struct lg_error *err)
{
    const struct lg_curl *cu;
    int rc = lg_curl_load(&cu, err);

    if (rc == LG_OK && cu->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        rc = lg_error_set(err, LG_EINTERNAL, "cannot initialise libcurl");
    return rc;
}

int lg_http_new(struct lg_http **out, const struct lg_http_opts *opts,
                struct lg_error *err)
{
    struct lg_http *h;
    const struct lg_curl *cu;
    int rc = lg_curl_load(&cu, err);

    *out = NULL;
    if (rc < 0)
        return rc;
    h = calloc(1, sizeof(*h));
    if (!h)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    h->cu = cu;
    if (opts)
        h->o = *opts;
    if (!h->o.timeout_ms)
        h->o.timeout_ms = 15000;
    if (!h->o.connect_timeout_ms)
        h->o.connect_timeout_ms = 5000;
    if (!h->o.max_attempts)
        h->o.max_attempts = 4;
    if (!h->o.backoff_ms)
        h->o.backoff_ms = 500;
    if (!h->o.max_wait_ms)
        h->o.max_wait_ms = 30000;
    if (!h->o.max_body)
        h->o.max_body = 1024 * 1024;
    h->curl = cu->easy_init();
    if (!h->curl) {
        free(h);
        return lg_error_set(err, LG_EINTERNAL, "cannot create a curl handle");
    }
    *out = h;
    return LG_OK;
}

void lg_http_free(struct lg_http *h)
{
    if (!h)
        return;
    h->cu->easy_cleanup(h->curl);
    free(h);
}

struct sink {
    struct lg_http_resp *resp;
    bool too_large;
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    struct sink *s = ud;
    size_t n = size * nmemb;

    if (lg_buf_append(&s->resp->body, p, n) < 0) {
        s->too_large = true;
        return 0;
    }
    return n;
}

/* Free a header list, wiping it first (it may hold Authorization). */
static void free_headers(const struct lg_curl *cu, struct curl_slist *l)
{
    for (struct curl_slist *p = l; p; p = p->next)
        memset(p->data, 0, strlen(p->data));
    cu->slist_free_all(l);
}

static int add_header(const struct lg_curl *cu, struct curl_slist **l,
                      const char *name, const char *value)
{
    struct lg_buf b;
    struct curl_slist *n;
    int rc;

    lg_buf_init(&b, 64 * 1024);
    rc = lg_buf_printf(&b, "%s: %s", name, value);
    n = rc == LG_OK ? cu->slist_append(*l, b.data) : NULL;
    wipe_buf(&b);
    lg_buf_release(&b);
    if (!n)
        return rc < 0 ? rc : LG_ENOMEM;
    *l = n;
    return LG_OK;
}

static int build_headers(const struct lg_curl *cu,
                         const struct lg_http_req *req, struct curl_slist **out)
{
    struct curl_slist *l = NULL;
    int rc = add_header(cu, &l, "Accept", "application/json");

    if (rc == LG_OK) /* no 100-continue round trip */
        rc = add_header(cu, &l, "Expect", "");
    if (rc == LG_OK && req->auth)
        rc = add_header(cu, &l, "Authorization", req->auth);
    if (rc == LG_OK && req->content_type)
        rc = add_header(cu, &l, "Content-Type", req->content_type);
    if (rc < 0) {
        free_headers(cu, l);
        l = NULL;
    }
    *out = l;
    return rc;
}

static void set_options(struct lg_http *h, const struct lg_http_req *req,
                        struct curl_slist *headers, struct sink *sink, bool tls)
{
    const struct lg_curl *cu = h->cu;
    CURL *c = h->curl;

    cu->easy_reset(c);
    cu->easy_setopt(c, CURLOPT_URL, req->url);
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "leakguard/" LG_VERSION);
    cu->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, sink);
    cu->easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
    if (!tls) /* loopback: never through a proxy */
        cu->easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (strcmp(req->method, "GET") == 0) {
        cu->easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        cu->easy_setopt(c, CURLOPT_POST, 1L);
        cu->easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        cu->easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t)(req->body ? req->body_len : 0));
        if (strcmp(req->method, "POST") != 0)
            cu->easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    }
}

static bool retryable_transport(CURLcode cc)
{
    return cc == CURLE_COULDNT_CONNECT || cc == CURLE_OPERATION_TIMEDOUT ||
           cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR ||
           cc == CURLE_GOT_NOTHING || cc == CURLE_PARTIAL_FILE;
}

/* One attempt.  Returns the curl code; fills resp->status / error. */
static CURLcode attempt(struct lg_http *h, const struct lg_http_req *req,
                        struct curl_slist *headers, bool tls,
                        struct lg_http_resp *resp, long *retry_after_ms)
{
    const struct lg_curl *cu = h->cu;
    struct sink sink = {resp, false};
    curl_off_t ra = -1;
    CURLcode cc;

    wipe_buf(&resp->body);
    lg_buf_release(&resp->body);
    lg_buf_init(&resp->body, h->o.max_body);
    resp->status = 0;
    resp->error[0] = '\0';
    h->errbuf[0] = '\0';
    set_options(h, req, headers, &sink, tls);
    resp->attempts++;
    cc = cu->easy_perform(h->curl);
    *retry_after_ms = -1;
    if (cc == CURLE_OK) {
        cu->easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &resp->status);
        if (cu->easy_getinfo(h->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
            ra >= 0)
            *retry_after_ms = ra > 86400 ? 86400000L : (long)ra * 1000;
    } else if (sink.too_large) {
        snprintf(resp->error, sizeof(resp->error),
                 "response larger than %zu bytes", h->o.max_body);
    } else {
        snprintf(resp->error, sizeof(resp->error), "%.150s",
                 h->errbuf[0] ? h->errbuf : cu->easy_strerror(cc));
    }
    return cc;
}

int lg_http_do(struct lg_http *h, const struct lg_http_req *req,
               struct lg_rate *rate, struct lg_http_resp *resp)
{
    struct curl_slist *headers = NULL;
    char *scheme = NULL, *host = NULL;
    bool user, tls;
    long backoff = h->o.backoff_ms;
    int rc;

    rc = parse_url(h->cu, req->url, &scheme, &host, &user);
    if (rc == LG_OK && (user || (strcasecmp(scheme, "https") != 0 &&
                                 (strcasecmp(scheme, "http") != 0 ||
                                  !lg_http_is_loopback(host)))))
        rc = LG_EINVAL; /* checked at configuration; this is the backstop */
    tls = rc == LG_OK && strcasecmp(scheme, "https") == 0;
    h->cu->free(scheme);
    h->cu->free(host);
    if (rc == LG_OK)
        rc = build_headers(h->cu, req, &headers);
    if (rc < 0) {
        snprintf(resp->error, sizeof(resp->error), "%s",
                 rc == LG_EINVAL ? "URL not allowed" : "out of memory");
        return rc;
    }
    for (;;) {
        long ra, wait;
        CURLcode cc;
        bool again;

        lg_rate_wait(rate);
        cc = attempt(h, req, headers, tls, resp, &ra);
        again = cc == CURLE_OK ? resp->status == 429 || resp->status >= 500
                               : retryable_transport(cc);
        wait = ra > backoff ? ra : backoff;
        if (!again || resp->attempts >= h->o.max_attempts ||
            wait > h->o.max_wait_ms) {
            rc = cc == CURLE_OK ? LG_OK : LG_EIO;
            break;
        }
        sleep_ms(wait);
        backoff *= 2;
    }
    free_headers(h->cu, headers);
    return rc;
}
