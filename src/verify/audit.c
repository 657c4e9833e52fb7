/* Append-only JSONL audit log (see audit.h). */
#include "verify/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/json.h"
#include "util/text.h"

#define AUDIT_LINE_MAX (64 * 1024)

struct lg_audit {
    int fd;
    char *path;
    pthread_mutex_t mu;
};

void lg_time_iso(char *out, size_t n, bool ms)
{
    struct timespec ts;
    struct tm tm;
    char base[24];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    if (ms)
        snprintf(out, n, "%s.%03ldZ", base, ts.tv_nsec / 1000000L);
    else
        snprintf(out, n, "%sZ", base);
}

int lg_mkdir_parents(const char *path, struct lg_error *err)
{
    char *p = lg_strndup(path, strlen(path));
    int rc = LG_OK;

    if (!p)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) {
            rc = lg_error_set(err, LG_EIO, "cannot create '%s': %s", p,
                              strerror(errno));
            break;
        }
        *s = '/';
    }
    free(p);
    return rc;
}

int lg_audit_open(struct lg_audit **out, const char *path, struct lg_error *err)
{
    struct lg_audit *a;
    int rc;

    *out = NULL;
    rc = lg_mkdir_parents(path, err);
    if (rc < 0)
        return rc;
    a = calloc(1, sizeof(*a));
    if (!a)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    a->path = lg_strndup(path, strlen(path));
    a->fd =
        open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (!a->path || a->fd < 0) {
        rc = a->path ? lg_error_set(err, LG_EIO,
                                    "cannot open the audit log '%s': %s", path,
                                    strerror(errno))
                     : lg_error_set(err, LG_ENOMEM, "out of memory");
        if (a->fd >= 0)
            close(a->fd);
        free(a->path);
        free(a);
        return rc;
    }
    pthread_mutex_init(&a->mu, NULL);
    *out = a;
    return LG_OK;
}

void lg_audit_close(struct lg_audit *a)
{
    if (!a)
        return;
    close(a->fd);
    pthread_mutex_destroy(&a->mu);
    free(a->path);
    free(a);
}

int lg_audit_write(struct lg_audit *a, const struct lg_audit_rec *r)
{
    struct lg_buf b;
    struct lg_json j;
    char now[32];
    int rc;

    if (!a)
        return LG_OK;
    lg_time_iso(now, sizeof(now), true);
    lg_buf_init(&b, AUDIT_LINE_MAX);
    lg_json_init(&j, &b, false);
    lg_json_obj_begin(&j);
    lg_json_kstr(&j, "time", now);
    lg_json_kstr(&j, "action", r->action);
    lg_json_kstr(&j, "provider", r->provider);
    lg_json_kstr(&j, "rule", r->rule);
    lg_json_kstr(&j, "fingerprint", r->fingerprint);
    lg_json_kstr(&j, "host", r->host);
    if (r->http_status)
        lg_json_kint(&j, "http_status", r->http_status);
    lg_json_kstr(&j, "outcome", r->outcome);
    if (r->detail)
        lg_json_kstr(&j, "detail", r->detail);
    lg_json_obj_end(&j);
    rc = lg_json_status(&j);
    if (rc == LG_OK)
        rc = lg_buf_putc(&b, '\n');
    if (rc == LG_OK) {
        pthread_mutex_lock(&a->mu);
        rc = lg_write_all(a->fd, b.data, b.len);
        pthread_mutex_unlock(&a->mu);
    }
    lg_buf_release(&b);
    return rc;
}
