/* Status codes and error messages.
 *
 * Every fallible function returns LG_OK (0) or a negative LG_E* code; when it
 * has a `struct lg_error *err` parameter it also writes a one-line, lower-case
 * message there, once, where the problem is detected.  Callers add context on
 * the way up with lg_error_prefix().  Messages never contain matched bytes or
 * secrets.  "Found a secret" is never a status: findings travel through
 * callbacks. */
#ifndef LG_UTIL_ERROR_H
#define LG_UTIL_ERROR_H

#include <stddef.h>

enum {
    LG_OK = 0,
    LG_ENOMEM = -1,      /* allocation failed */
    LG_EIO = -2,         /* read/write/open failed */
    LG_EINVAL = -3,      /* bad argument or configuration */
    LG_ESYNTAX = -4,     /* malformed input (rule file, pattern, JSON) */
    LG_ELIMIT = -5,      /* a configured limit was hit */
    LG_ESTOP = -6,       /* a callback asked to stop; not an error upstream */
    LG_EINTERNAL = -7,   /* a library we call failed unexpectedly */
    LG_ENOTFOUND = -8,   /* no such object */
    LG_EUNSUPPORTED = -9 /* a feature or format we do not handle */
};

#define LG_ERROR_MSG_MAX 512

struct lg_error {
    int code;
    char msg[LG_ERROR_MSG_MAX];
};

/* Clear *err (may be NULL). */
void lg_error_clear(struct lg_error *err);

/* Record `code` with a printf-style message in *err (which may be NULL) and
 * return `code`, so that `return lg_error_set(err, LG_EIO, "...")` reads
 * naturally. */
int lg_error_set(struct lg_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepend "<context>: " to the message already in *err. */
void lg_error_prefix(struct lg_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A short constant name for a status code ("out of memory", ...). */
const char *lg_strerror(int code);

#endif
