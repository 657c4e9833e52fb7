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
    char ctx[LG_ERROR_MSG_MAX], old[LG_ERROR_MSG_MAX];
    va_list ap;

    if (!err)
        return;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof(old));
    snprintf(err->msg, sizeof(err->msg), "%s: %s", ctx, old);
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
