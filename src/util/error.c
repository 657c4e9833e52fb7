#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lg_error_clear(struct lg_error *err)
{
    if (!err)
        return;
    err->code = LG_OK;
    err->msg[0] = '\0';
}

int lg_error_set(struct lg_error *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void lg_error_prefix(struct lg_error *err, const char *fmt, ...)
{
    char old[LG_ERROR_MSG_MAX];
    size_t n;
    va_list ap;

    if (!err)
        return;
    memcpy(old, err->msg, sizeof(old));
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    n = strlen(err->msg);
    if (n + 2 < sizeof(err->msg)) {
        size_t rest = strnlen(old, sizeof(old) - 1);
        if (rest > sizeof(err->msg) - n - 3)
            rest = sizeof(err->msg) - n - 3;
        memcpy(err->msg + n, ": ", 2);
        memcpy(err->msg + n + 2, old, rest);
        err->msg[n + 2 + rest] = '\0';
    }
}

const char *lg_strerror(int code)
{
    switch (code) {
    case LG_OK: return "success";
    case LG_ENOMEM: return "out of memory";
    case LG_EIO: return "input/output error";
    case LG_EINVAL: return "invalid argument";
    case LG_ESYNTAX: return "syntax error";
    case LG_ELIMIT: return "limit exceeded";
    case LG_ESTOP: return "stopped";
    case LG_EINTERNAL: return "internal error";
    case LG_ENOTFOUND: return "not found";
    case LG_EUNSUPPORTED: return "unsupported";
    default: return "unknown error";
    }
}
