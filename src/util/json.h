/* Streaming JSON writer into a struct lg_buf.
 *
 * The writer tracks nesting and inserts commas itself; strings are escaped
 * per RFC 8259, and bytes that are not valid UTF-8 are written as U+FFFD so
 * that output always parses, whatever the scanned input held.  Errors
 * (allocation, nesting deeper than LG_JSON_MAX_DEPTH) are sticky: check
 * lg_json_status() once at the end. */
#ifndef LG_UTIL_JSON_H
#define LG_UTIL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define LG_JSON_MAX_DEPTH 64

struct lg_json {
    struct lg_buf *out;  /* borrowed */
    int depth;
    int status;          /* first error, LG_OK if none */
    bool pretty;
    bool after_key;
    unsigned char count[LG_JSON_MAX_DEPTH]; /* 0 = nothing written yet */
};

void lg_json_init(struct lg_json *j, struct lg_buf *out, bool pretty);
int lg_json_status(const struct lg_json *j);

void lg_json_obj_begin(struct lg_json *j);
void lg_json_obj_end(struct lg_json *j);
void lg_json_arr_begin(struct lg_json *j);
void lg_json_arr_end(struct lg_json *j);
void lg_json_key(struct lg_json *j, const char *key);
void lg_json_str(struct lg_json *j, const char *s);         /* NULL → null */
void lg_json_strn(struct lg_json *j, const char *s, size_t n);
void lg_json_int(struct lg_json *j, int64_t v);
void lg_json_uint(struct lg_json *j, uint64_t v);
void lg_json_double(struct lg_json *j, double v);
void lg_json_bool(struct lg_json *j, bool v);
void lg_json_null(struct lg_json *j);

/* Convenience: key + value. */
void lg_json_kstr(struct lg_json *j, const char *key, const char *s);
void lg_json_kint(struct lg_json *j, const char *key, int64_t v);
void lg_json_kuint(struct lg_json *j, const char *key, uint64_t v);
void lg_json_kbool(struct lg_json *j, const char *key, bool v);
void lg_json_kdouble(struct lg_json *j, const char *key, double v);

/* Append `s` (n bytes) escaped as JSON string contents (no quotes) to b.
 * Invalid UTF-8 becomes U+FFFD. */
int lg_json_escape(struct lg_buf *b, const char *s, size_t n);

#endif
