#include "util/json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

void lg_json_init(struct lg_json *j, struct lg_buf *out, bool pretty)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
    j->pretty = pretty;
}

int lg_json_status(const struct lg_json *j)
{
    return j->depth != 0 && j->status == LG_OK ? LG_EINTERNAL : j->status;
}

static void put(struct lg_json *j, const char *s, size_t n)
{
    if (j->status == LG_OK)
        j->status = lg_buf_append(j->out, s, n);
}

static void newline(struct lg_json *j)
{
    if (!j->pretty)
        return;
    put(j, "\n", 1);
    for (int i = 0; i < j->depth; i++)
        put(j, "  ", 2);
}

/* Called before every value or key: separators and indentation. */
static void before_item(struct lg_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->count[j->depth - 1])
            put(j, ",", 1);
        j->count[j->depth - 1] = 1;
        newline(j);
    }
}

static void open_(struct lg_json *j, char c)
{
    before_item(j);
    put(j, &c, 1);
    if (j->depth >= LG_JSON_MAX_DEPTH) {
        if (j->status == LG_OK)
            j->status = LG_ELIMIT;
        return;
    }
    j->count[j->depth++] = 0;
}

static void close_(struct lg_json *j, char c)
{
    if (j->depth == 0) {
        if (j->status == LG_OK)
            j->status = LG_EINTERNAL;
        return;
    }
    j->depth--;
    if (j->count[j->depth])
        newline(j);
    put(j, &c, 1);
}

void lg_json_obj_begin(struct lg_json *j) { open_(j, '{'); }
void lg_json_obj_end(struct lg_json *j) { close_(j, '}'); }
void lg_json_arr_begin(struct lg_json *j) { open_(j, '['); }
void lg_json_arr_end(struct lg_json *j) { close_(j, ']'); }

int lg_json_escape(struct lg_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    int rc = LG_OK;

    while (i < n && rc == LG_OK) {
        unsigned char c = (unsigned char)s[i];
        size_t vlen;

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            run++;
            i++;
            continue;
        }
        if (run) {
            rc = lg_buf_append(b, s + i - run, run);
            run = 0;
            if (rc < 0)
                break;
        }
        if (c >= 0x80) {
            vlen = lg_utf8_valid_prefix((const unsigned char *)s + i, n - i);
            if (vlen) {
                rc = lg_buf_append(b, s + i, vlen);
                i += vlen;
            } else {
                rc = lg_buf_puts(b, "\\ufffd");
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': rc = lg_buf_puts(b, "\\\""); break;
        case '\\': rc = lg_buf_puts(b, "\\\\"); break;
        case '\n': rc = lg_buf_puts(b, "\\n"); break;
        case '\r': rc = lg_buf_puts(b, "\\r"); break;
        case '\t': rc = lg_buf_puts(b, "\\t"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc = lg_buf_append(b, u, 6);
        }
        }
        i++;
    }
    if (rc == LG_OK && run)
        rc = lg_buf_append(b, s + i - run, run);
    return rc;
}

void lg_json_strn(struct lg_json *j, const char *s, size_t n)
{
    before_item(j);
    put(j, "\"", 1);
    if (j->status == LG_OK)
        j->status = lg_json_escape(j->out, s, n);
    put(j, "\"", 1);
}

void lg_json_str(struct lg_json *j, const char *s)
{
    if (!s)
        lg_json_null(j);
    else
        lg_json_strn(j, s, strlen(s));
}

void lg_json_key(struct lg_json *j, const char *key)
{
    lg_json_strn(j, key, strlen(key));
    put(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
    j->after_key = true;
}

static void scalar(struct lg_json *j, const char *s)
{
    before_item(j);
    put(j, s, strlen(s));
}

void lg_json_int(struct lg_json *j, int64_t v)
{
    char t[32];
    snprintf(t, sizeof(t), "%lld", (long long)v);
    scalar(j, t);
}

void lg_json_uint(struct lg_json *j, uint64_t v)
{
    char t[32];
    snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
    scalar(j, t);
}

void lg_json_double(struct lg_json *j, double v)
{
    char t[64];
    if (!isfinite(v)) {
        lg_json_null(j);
        return;
    }
    snprintf(t, sizeof(t), "%.4g", v);
    scalar(j, t);
}

void lg_json_bool(struct lg_json *j, bool v) { scalar(j, v ? "true" : "false"); }
void lg_json_null(struct lg_json *j) { scalar(j, "null"); }

void lg_json_kstr(struct lg_json *j, const char *k, const char *s)
{
    lg_json_key(j, k);
    lg_json_str(j, s);
}
void lg_json_kint(struct lg_json *j, const char *k, int64_t v)
{
    lg_json_key(j, k);
    lg_json_int(j, v);
}
void lg_json_kuint(struct lg_json *j, const char *k, uint64_t v)
{
    lg_json_key(j, k);
    lg_json_uint(j, v);
}
void lg_json_kbool(struct lg_json *j, const char *k, bool v)
{
    lg_json_key(j, k);
    lg_json_bool(j, v);
}
void lg_json_kdouble(struct lg_json *j, const char *k, double v)
{
    lg_json_key(j, k);
    lg_json_double(j, v);
}
