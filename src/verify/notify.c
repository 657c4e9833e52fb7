/* Event notifications and their spool (see notify.h).
 *
 * The spool is JSONL; one line per undelivered event:
 *   {"url": "...", "auth": true, "event": "finding", "body": "<the JSON>"}
 * The body is kept as a string so that a flush re-sends exactly the bytes
 * the receiver would have got.  Appends and flushes take an exclusive
 * flock on the spool, so concurrent runs neither interleave lines nor lose
 * an event appended while a flush rewrites the file (the flush rewrites it
 * in place, under the lock, instead of renaming a new file over it). */
#include "verify/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include "util/buf.h"

#include "rule/ruleset.h"
#include "util/json.h"
#include "util/json_parse.h"
#include "util/text.h"
#include "verify/audit.h"

#define BODY_MAX (1024 * 1024)
#define SPOOL_MAX ((size_t)256 * 1024 * 1024)

static const char *const event_names[] = {"finding", "verified", "revoked",
                                          "scan_completed"};

struct lg_notifier {
    char *url, *key, *spool;
    unsigned events;
    char scan_id[33];
    struct lg_http *http;
    bool down; /* a delivery failed: spool the rest */
    size_t delivered, spooled;
};

int lg_notify_parse_events(const char *list, unsigned *mask,
                           struct lg_error *err)
{
    const char *s = list;

    *mask = 0;
    while (*s) {
        size_t n = strcspn(s, ", ");
        unsigned bit = 0;

        if (n == 3 && strncmp(s, "all", 3) == 0)
            bit = LG_EVENT_ALL;
        for (unsigned i = 0; i < 4 && !bit; i++)
            if (strlen(event_names[i]) == n &&
                strncmp(s, event_names[i], n) == 0)
                bit = 1u << i;
        if (n && !bit)
            return lg_error_set(err, LG_EINVAL,
                                "unknown event '%.*s' (finding, verified, "
                                "revoked, scan_completed, all)",
                                (int)(n > 40 ? 40 : n), s);
        *mask |= bit;
        s += n;
        s += strspn(s, ", ");
    }
    return LG_OK;
}

static char *dup_opt(const char *s)
{
    return s ? lg_strndup(s, strlen(s)) : NULL;
}

int lg_notifier_new(struct lg_notifier **out,
                    const struct lg_notify_config *cfg, struct lg_error *err)
{
    struct lg_notifier *n = calloc(1, sizeof(*n));
    unsigned char r[16];
    int rc;

    *out = NULL;
    if (!n)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    n->url = dup_opt(cfg->url);
    n->key = dup_opt(cfg->key);
    n->spool = dup_opt(cfg->spool);
    n->events = cfg->events;
    if (!n->url || !n->spool || (cfg->key && !n->key)) {
        rc = lg_error_set(err, LG_ENOMEM, "out of memory");
        goto fail;
    }
    rc = lg_http_global_init(err); /* first: a missing libcurl is the error */
    if (rc < 0)
        goto fail;
    rc = lg_http_check_url(n->url, err);
    if (rc < 0) {
        lg_error_prefix(err, "--notify-url");
        goto fail;
    }
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        rc = lg_error_set(err, LG_EIO, "no random bytes for a scan id");
        goto fail;
    }
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(n->scan_id + 2 * i, 3, "%02x", r[i]);
    rc = lg_http_new(&n->http, &cfg->http, err);
    if (rc == LG_OK) {
        *out = n;
        return LG_OK;
    }
fail:
    lg_notifier_free(n);
    return rc;
}

void lg_notifier_free(struct lg_notifier *n)
{
    if (!n)
        return;
    lg_http_free(n->http);
    free(n->url);
    if (n->key)
        memset(n->key, 0, strlen(n->key));
    free(n->key);
    free(n->spool);
    free(n);
}

const char *lg_notify_scan_id(const struct lg_notifier *n)
{
    return n->scan_id;
}

void lg_notify_counts(const struct lg_notifier *n, size_t *delivered,
                      size_t *spooled)
{
    *delivered = n->delivered;
    *spooled = n->spooled;
}

/* ------------------------------------------------------------------ */
/* Delivery and spool                                                   */

/* POST body to url; true when a 2xx came back. */
static bool deliver(struct lg_http *h, const char *url, const char *key,
                    const char *body, size_t len)
{
    struct lg_buf auth;
    struct lg_http_req req = {
        "POST", url, NULL, "application/json; charset=utf-8", body, len};
    struct lg_http_resp resp;
    bool ok;

    lg_buf_init(&auth, 64 * 1024);
    if (key && lg_buf_printf(&auth, "Basic %s", key) == LG_OK)
        req.auth = auth.data;
    lg_http_resp_init(&resp);
    ok = (!key || req.auth) && lg_http_do(h, &req, NULL, &resp) == LG_OK &&
         resp.status >= 200 && resp.status < 300;
    lg_http_resp_release(&resp);
    if (auth.data)
        memset(auth.data, 0, auth.len);
    lg_buf_release(&auth);
    return ok;
}

static int spool_append(const char *path, const char *url, bool auth,
                        const char *event, const char *body,
                        struct lg_error *err)
{
    struct lg_buf line;
    struct lg_json j;
    int fd, rc;

    rc = lg_mkdir_parents(path, err);
    if (rc < 0)
        return rc;
    lg_buf_init(&line, 2 * BODY_MAX + 4096);
    lg_json_init(&j, &line, false);
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "url", url);
    lg_json_kbool(&j, "auth", auth);
    lg_json_kstr(&j, "event", event);
    lg_json_kstr(&j, "body", body);
    lg_json_obj_end(&j);
    rc = lg_json_status(&j);
    if (rc == LG_OK)
        rc = lg_buf_putc(&line, '\n');
    fd = rc == LG_OK
             ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)
             : -1;
    if (fd < 0 && rc == LG_OK)
        rc = lg_error_set(err, LG_EIO,
                          "cannot open the notification spool "
                          "'%s': %s",
                          path, strerror(errno));
    if (fd >= 0) {
        flock(fd, LOCK_EX);
        rc = lg_write_all(fd, line.data, line.len);
        flock(fd, LOCK_UN);
        if (close(fd) < 0 || rc < 0)
            rc = lg_error_set(err, LG_EIO,
                              "cannot write the notification "
                              "spool '%s'",
                              path);
    } else if (rc < 0 && rc != LG_EIO) {
        rc =
            lg_error_set(err, rc, "cannot spool an event: %s", lg_strerror(rc));
    }
    lg_buf_release(&line);
    return rc;
}

static int send_event(struct lg_notifier *n, const char *event,
                      struct lg_buf *body, struct lg_error *err)
{
    int rc = LG_OK;

    if (!n->down && deliver(n->http, n->url, n->key, body->data, body->len)) {
        n->delivered++;
    } else {
        n->down = true;
        rc = spool_append(n->spool, n->url, n->key != NULL, event, body->data,
                          err);
        if (rc == LG_OK)
            n->spooled++;
    }
    lg_buf_release(body);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Events                                                               */

static void begin_event(struct lg_notifier *n, struct lg_json *j,
                        struct lg_buf *b, const char *event)
{
    char now[32];

    lg_time_iso(now, sizeof(now), true);
    lg_buf_init(b, BODY_MAX);
    lg_json_init(j, b, false);
    lg_json_obj_begin(j);
    lg_json_kstr(j, "event", event);
    lg_json_kstr(j, "time", now);
    lg_json_kstr(j, "scan_id", n->scan_id);
}

/* The redacted finding: never the raw secret. */
static void write_finding(struct lg_json *j, const struct lg_finding *f)
{
    const struct lg_verification *v = &f->verification;

    lg_json_key(j, "finding");
    lg_json_obj_begin(j);
    lg_json_kstr(j, "rule_id", f->rule ? f->rule->rule.id : NULL);
    lg_json_kstr(j, "rule_name", f->rule ? f->rule->rule.name : NULL);
    lg_json_kstr(j, "severity",
                 f->rule ? lg_severity_name(f->rule->rule.severity) : NULL);
    lg_json_kstr(j, "fingerprint", f->fingerprint);
    lg_json_kstr(j, "secret", f->redacted);
    lg_json_kstr(j, "path", f->path);
    lg_json_kuint(j, "line", f->line);
    lg_json_kuint(j, "column", f->column);
    if (f->identity)
        lg_json_kstr(j, "identity", f->identity);
    if (f->git.commit)
        lg_json_kstr(j, "commit", f->git.commit);
    if (v->status != LG_VERIFY_NONE) {
        lg_json_key(j, "verification");
        lg_json_obj_begin(j);
        lg_json_kstr(j, "status", lg_verify_status_name(v->status));
        lg_json_kstr(j, "provider", v->provider);
        lg_json_kstr(j, "identity", v->identity);
        lg_json_kstr(j, "checked_at", v->checked_at);
        lg_json_obj_end(j);
    }
    lg_json_obj_end(j);
}

static int finish(struct lg_notifier *n, struct lg_json *j, struct lg_buf *b,
                  const char *event, struct lg_error *err)
{
    int rc;

    lg_json_obj_end(j);
    rc = lg_json_status(j);
    if (rc < 0) {
        lg_buf_release(b);
        return lg_error_set(err, rc, "cannot build the '%s' event: %s", event,
                            lg_strerror(rc));
    }
    return send_event(n, event, b, err);
}

static int finding_event(struct lg_notifier *n, unsigned bit, const char *event,
                         const struct lg_finding *f, struct lg_error *err)
{
    struct lg_buf b;
    struct lg_json j;

    if (!(n->events & bit))
        return LG_OK;
    begin_event(n, &j, &b, event);
    write_finding(&j, f);
    return finish(n, &j, &b, event, err);
}

int lg_notify_finding(struct lg_notifier *n, const struct lg_finding *f,
                      struct lg_error *err)
{
    return finding_event(n, LG_EVENT_FINDING, "finding", f, err);
}

int lg_notify_verified(struct lg_notifier *n, const struct lg_finding *f,
                       struct lg_error *err)
{
    return finding_event(n, LG_EVENT_VERIFIED, "verified", f, err);
}

int lg_notify_revoked(struct lg_notifier *n, const struct lg_finding *f,
                      const char *outcome, const char *provider,
                      struct lg_error *err)
{
    struct lg_buf b;
    struct lg_json j;

    if (!(n->events & LG_EVENT_REVOKED))
        return LG_OK;
    begin_event(n, &j, &b, "revoked");
    write_finding(&j, f);
    lg_json_key(&j, "revocation");
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "outcome", outcome);
    lg_json_kstr(&j, "provider", provider);
    lg_json_obj_end(&j);
    return finish(n, &j, &b, "revoked", err);
}

int lg_notify_scan_completed(struct lg_notifier *n,
                             const struct lg_notify_summary *s,
                             struct lg_error *err)
{
    struct lg_buf b;
    struct lg_json j;

    if (!(n->events & LG_EVENT_SCAN_COMPLETED))
        return LG_OK;
    begin_event(n, &j, &b, "scan_completed");
    lg_json_key(&j, "summary");
    lg_json_obj_begin(&j);
    lg_json_kuint(&j, "findings", s->findings);
    lg_json_kuint(&j, "live", s->live);
    lg_json_kuint(&j, "objects_scanned", s->objects_scanned);
    lg_json_kuint(&j, "objects_skipped", s->objects_skipped);
    lg_json_kuint(&j, "objects_failed", s->objects_failed);
    lg_json_kuint(&j, "bytes_scanned", s->bytes_scanned);
    lg_json_kdouble(&j, "seconds", s->seconds);
    lg_json_obj_end(&j);
    return finish(n, &j, &b, "scan_completed", err);
}

/* ------------------------------------------------------------------ */
/* Flush                                                                */

struct flush {
    struct lg_http *http;
    const char *url_override, *key;
    struct lg_buf keep; /* lines that stay in the spool */
    size_t delivered, left, need_key;
    bool down;
};

static int flush_line(struct flush *fl, const char *line, size_t len)
{
    struct lg_jnode *v = NULL;
    const char *url, *body;
    bool auth = false, sent = false;

    if (lg_jparse(&v, line, len, NULL, NULL) == LG_OK) {
        url = fl->url_override ? fl->url_override : lg_jget_str(v, "url");
        body = lg_jget_str(v, "body");
        lg_jget_bool(v, "auth", &auth);
        if (auth && !fl->key)
            fl->need_key++;
        else if (url && body && !fl->down &&
                 lg_http_check_url(url, NULL) == LG_OK) {
            sent = deliver(fl->http, url, fl->key, body, strlen(body));
            fl->down = !sent;
        }
    }
    lg_jnode_free(v); /* a line that does not parse is kept as it is */
    if (sent) {
        fl->delivered++;
        return LG_OK;
    }
    fl->left++;
    if (lg_buf_append(&fl->keep, line, len) < 0 ||
        lg_buf_putc(&fl->keep, '\n') < 0)
        return LG_ENOMEM;
    return LG_OK;
}

static int rewrite(int fd, const struct lg_buf *keep)
{
    size_t off = 0;

    while (off < keep->len) {
        ssize_t w = pwrite(fd, keep->data + off, keep->len - off, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return LG_EIO;
        off += (size_t)w;
    }
    return ftruncate(fd, (off_t)keep->len) < 0 ? LG_EIO : LG_OK;
}

int lg_notify_flush(const char *spool, const char *url_override,
                    const char *key, const struct lg_http_opts *http,
                    size_t *delivered, size_t *left, struct lg_error *err)
{
    struct flush fl = {.url_override = url_override, .key = key};
    struct lg_buf text;
    int fd, rc;

    *delivered = *left = 0;
    fd = open(spool, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? LG_OK
                               : lg_error_set(err, LG_EIO,
                                              "cannot open the "
                                              "notification spool '%s': %s",
                                              spool, strerror(errno));
    flock(fd, LOCK_EX);
    lg_buf_init(&text, SPOOL_MAX);
    lg_buf_init(&fl.keep, SPOOL_MAX);
    rc = lg_buf_read_fd(&text, fd, spool, err);
    if (rc == LG_OK)
        rc = lg_http_global_init(err);
    if (rc == LG_OK)
        rc = lg_http_new(&fl.http, http, err);
    for (size_t i = 0; rc == LG_OK && i < text.len;) {
        const char *nl = memchr(text.data + i, '\n', text.len - i);
        size_t n = nl ? (size_t)(nl - text.data) - i : text.len - i;

        if (n)
            rc = flush_line(&fl, text.data + i, n);
        i += n + 1;
    }
    if (rc == LG_OK && rewrite(fd, &fl.keep) < 0)
        rc = lg_error_set(err, LG_EIO,
                          "cannot rewrite the notification "
                          "spool '%s'",
                          spool);
    else if (rc == LG_OK && fl.need_key)
        rc = lg_error_set(err, LG_EINVAL,
                          "%zu spooled event%s were sent "
                          "with a key: pass --notify-key to deliver them",
                          fl.need_key, fl.need_key == 1 ? "" : "s");
    flock(fd, LOCK_UN);
    close(fd);
    lg_http_free(fl.http);
    lg_buf_release(&text);
    lg_buf_release(&fl.keep);
    *delivered = fl.delivered;
    *left = fl.left;
    return rc;
}
