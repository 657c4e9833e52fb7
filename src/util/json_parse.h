/* A small, bounded JSON parser (RFC 8259) that builds a tree.
 *
 * Used on untrusted text: provider API responses, reports written by an
 * earlier run, notification spools.  Every parse is bounded by the input
 * length the caller passes (cap it before reading), a nesting depth and a
 * node count (struct lg_jlimits); hitting a limit fails with LG_ELIMIT, bad
 * syntax with LG_ESYNTAX and a message giving line and column — never the
 * input bytes, which may be secrets.
 *
 * Strings are decoded (escapes, \uXXXX with surrogate pairs to UTF-8; a
 * lone surrogate becomes U+FFFD) into NUL-terminated copies that may hold
 * NUL bytes, so each keeps its length.  Bytes that are not valid UTF-8 are
 * kept as they are.  Duplicate member names are kept; lookups return the
 * first.  The tree is one heap object: lg_jnode_free() releases it all. */
#ifndef LG_UTIL_JSON_PARSE_H
#define LG_UTIL_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum lg_jtype {
    LG_JNULL,
    LG_JBOOL,
    LG_JNUMBER,
    LG_JSTRING,
    LG_JARRAY,
    LG_JOBJECT
};

struct lg_jnode {
    enum lg_jtype type;
    bool boolean;  /* LG_JBOOL */
    double number; /* LG_JNUMBER */
    char *str;     /* LG_JSTRING: decoded; LG_JNUMBER: its text */
    size_t len;    /* bytes of str, without the terminator */
    char *key;     /* member name when the parent is an object */
    size_t key_len;
    struct lg_jnode *kids; /* LG_JARRAY elements / LG_JOBJECT members */
    size_t n;
};

struct lg_jlimits {
    unsigned max_depth; /* nesting of arrays and objects; 0 = default */
    size_t max_nodes;   /* values in the whole document; 0 = default */
};

#define LG_JPARSE_DEPTH 64
#define LG_JPARSE_NODES ((size_t)1 << 22)

/* Parse text[0..len) (one JSON value, surrounding whitespace and a leading
 * UTF-8 BOM allowed) into a new tree stored in *out (caller frees it with
 * lg_jnode_free).  lim may be NULL for the defaults.  Returns LG_OK,
 * LG_ESYNTAX, LG_ELIMIT or LG_ENOMEM; *out is NULL on failure. */
int lg_jparse(struct lg_jnode **out, const char *text, size_t len,
              const struct lg_jlimits *lim, struct lg_error *err);

/* Free a tree returned by lg_jparse (NULL is fine). */
void lg_jnode_free(struct lg_jnode *root);

/* Lookups; every one accepts a NULL or mistyped node and returns NULL /
 * false then, so that chains need no checks in between. */
const struct lg_jnode *lg_jget(const struct lg_jnode *obj, const char *key);
/* The member's string value, or NULL when absent or not a string. */
const char *lg_jget_str(const struct lg_jnode *obj, const char *key);
/* The member's value as an integer (a JSON number without fraction or
 * exponent that fits int64_t). */
bool lg_jget_int(const struct lg_jnode *obj, const char *key, int64_t *out);
/* The member's boolean value. */
bool lg_jget_bool(const struct lg_jnode *obj, const char *key, bool *out);

#endif
