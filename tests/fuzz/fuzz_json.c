/* Fuzz target: JSON out and in.
 *
 * 1. The JSON writer (util/json.h) driven by the input: a well-formed
 *    sequence of containers, keys and values whose strings are arbitrary
 *    bytes.  The output must pass the strict validator (valid UTF-8, no raw
 *    control bytes), parse with lg_jparse, and give back the same tree,
 *    strings with invalid UTF-8 replaced by U+FFFD.
 * 2. lg_jparse (util/json_parse.h) on the raw input, compared with the
 *    strict validator: what the validator accepts within the limits must
 *    parse, and what lg_jparse accepts (without BOM, in valid UTF-8) must
 *    be valid JSON.
 * The reporters built on the writer are fuzzed by fuzz_report.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/json.h"
#include "util/json_parse.h"
#include "util/text.h"
#include "util/buf.h"

/* ------------------------------------------------------------------ */
/* 1. Writer round trip                                                 */

enum tok { T_OBJ, T_ARR, T_END, T_KEY, T_STR, T_NUM, T_BOOL, T_NULL };

struct token {
    enum tok t;
    char *s; /* T_KEY / T_STR: expected decoded bytes; T_NUM: text */
    size_t n;
    bool b;
};

struct tokens {
    struct token *v;
    size_t n, cap;
    bool oom;
};

static void push(struct tokens *ts, enum tok t, const char *s, size_t n, bool b)
{
    struct token *x;

    void *v = lg_grow(ts->v, &ts->cap, ts->n, sizeof(*ts->v), 64);
    if (!v) {
        ts->oom = true;
        return;
    }
    ts->v = v;
    x = &ts->v[ts->n++];
    x->t = t;
    x->n = n;
    x->b = b;
    x->s = s ? lg_strndup(s, n) : NULL;
    if (s && !x->s)
        ts->oom = true;
}

static void tokens_release(struct tokens *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        free(ts->v[i].s);
    free(ts->v);
    memset(ts, 0, sizeof(*ts));
}

/* What a string should read as after the writer and the parser: invalid
 * UTF-8 bytes each become U+FFFD.  Returns a malloc'd copy, length in *m. */
static char *expected_text(const unsigned char *s, size_t n, size_t *m)
{
    char *out = malloc(3 * n + 1);
    size_t o = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t k = s[i] < 0x80                    ? 1
                   : s[i] >= 0xC2 && s[i] <= 0xDF ? 2
                   : s[i] >= 0xE0 && s[i] <= 0xEF ? 3
                   : s[i] >= 0xF0 && s[i] <= 0xF4 ? 4
                                                  : 0;
        if (k && k <= n - i && lg_fuzz_utf8_valid(s + i, k)) {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    *m = o;
    return out;
}

static void push_text(struct tokens *ts, enum tok t, const uint8_t *s, size_t n)
{
    size_t m;
    char *e = expected_text(s, n, &m);

    if (!e) {
        ts->oom = true;
        return;
    }
    push(ts, t, e, m, false);
    free(e);
}

static void tree_tokens(struct tokens *ts, const struct lg_jnode *x)
{
    switch (x->type) {
    case LG_JOBJECT:
    case LG_JARRAY:
        push(ts, x->type == LG_JOBJECT ? T_OBJ : T_ARR, NULL, 0, false);
        for (size_t i = 0; i < x->n; i++) {
            if (x->type == LG_JOBJECT)
                push(ts, T_KEY, x->kids[i].key, x->kids[i].key_len, false);
            tree_tokens(ts, &x->kids[i]);
        }
        push(ts, T_END, NULL, 0, false);
        break;
    case LG_JSTRING: push(ts, T_STR, x->str, x->len, false); break;
    case LG_JNUMBER: push(ts, T_NUM, x->str, x->len, false); break;
    case LG_JBOOL: push(ts, T_BOOL, NULL, 0, x->boolean); break;
    case LG_JNULL: push(ts, T_NULL, NULL, 0, false); break;
    }
}

static bool same_tokens(const struct tokens *a, const struct tokens *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct token *x = &a->v[i], *y = &b->v[i];
        if (x->t != y->t || x->n != y->n || x->b != y->b ||
            (x->s && memcmp(x->s, y->s, x->n) != 0))
            return false;
    }
    return true;
}

/* A value of the kind op selects; containers are pushed on the stack. */
static void write_value(struct lg_json *j, struct tokens *ts,
                        struct lg_fuzz_in *in, unsigned op, bool *stack,
                        unsigned *depth, bool *too_deep)
{
    char num[64];
    size_t n;
    const uint8_t *p;

    switch (op) {
    case 0:
    case 1:
        if (op == 0)
            lg_json_obj_begin(j);
        else
            lg_json_arr_begin(j);
        push(ts, op == 0 ? T_OBJ : T_ARR, NULL, 0, false);
        if (*depth >= LG_JSON_MAX_DEPTH) {
            *too_deep = true;
            return;
        }
        stack[(*depth)++] = op == 0;
        break;
    case 2: {
        uint64_t u = (uint64_t)lg_fuzz_u32(in) << 32 | lg_fuzz_u32(in);
        int64_t v;
        memcpy(&v, &u, sizeof(v));
        lg_json_int(j, v);
        snprintf(num, sizeof(num), "%lld", (long long)v);
        push(ts, T_NUM, num, strlen(num), false);
        break;
    }
    case 3: {
        uint64_t v = (uint64_t)lg_fuzz_u32(in) << 32 | lg_fuzz_u32(in);
        lg_json_uint(j, v);
        snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
        push(ts, T_NUM, num, strlen(num), false);
        break;
    }
    case 4: {
        uint64_t bits = (uint64_t)lg_fuzz_u32(in) << 32 | lg_fuzz_u32(in);
        double d;
        memcpy(&d, &bits, sizeof(d));
        lg_json_double(j, d);
        if (isfinite(d)) {
            snprintf(num, sizeof(num), "%.4g", d);
            push(ts, T_NUM, num, strlen(num), false);
        } else {
            push(ts, T_NULL, NULL, 0, false);
        }
        break;
    }
    case 5:
        lg_json_bool(j, in->n && (in->p[0] & 1));
        push(ts, T_BOOL, NULL, 0, in->n && (in->p[0] & 1));
        lg_fuzz_u8(in);
        break;
    case 6:
        lg_json_null(j);
        push(ts, T_NULL, NULL, 0, false);
        break;
    default:
        p = lg_fuzz_bytes(in, lg_fuzz_u8(in), &n);
        lg_json_strn(j, (const char *)p, n);
        push_text(ts, T_STR, p, n);
    }
}

static void writer_roundtrip(struct lg_fuzz_in in)
{
    bool stack[LG_JSON_MAX_DEPTH];
    unsigned depth = 0;
    bool too_deep = false, pretty = lg_fuzz_u8(&in) & 1;
    struct tokens want = {0}, got = {0};
    struct lg_jnode *root = NULL;
    struct lg_error err;
    struct lg_buf out;
    struct lg_json j;
    int rc;

    lg_buf_init(&out, (size_t)16 << 20);
    lg_json_init(&j, &out, pretty);
    write_value(&j, &want, &in, lg_fuzz_u8(&in) & 1, stack, &depth, &too_deep);
    while (in.n && depth && !too_deep) {
        unsigned op = lg_fuzz_u8(&in) % 10;
        if (op == 9) { /* close the innermost container */
            if (stack[--depth])
                lg_json_obj_end(&j);
            else
                lg_json_arr_end(&j);
            push(&want, T_END, NULL, 0, false);
            continue;
        }
        if (stack[depth - 1]) { /* in an object: a key first */
            char key[32];
            size_t n;
            const uint8_t *p = lg_fuzz_bytes(&in, lg_fuzz_u8(&in) % 32, &n);
            memcpy(key, p, n);
            key[n < sizeof(key) ? n : sizeof(key) - 1] = '\0';
            lg_json_key(&j, key);
            push_text(&want, T_KEY, (const uint8_t *)key, strlen(key));
        }
        write_value(&j, &want, &in, op, stack, &depth, &too_deep);
    }
    while (depth && !too_deep) {
        if (stack[--depth])
            lg_json_obj_end(&j);
        else
            lg_json_arr_end(&j);
        push(&want, T_END, NULL, 0, false);
    }
    rc = lg_json_status(&j);
    if (too_deep) {
        LG_FUZZ_CHECK(rc == LG_ELIMIT);
        goto done;
    }
    if (rc != LG_OK || want.oom)
        goto done; /* out of memory or over the buffer cap */
    if (!lg_fuzz_json_valid(out.data, out.len, NULL))
        lg_fuzz_fail("json writer: output is not valid JSON:\n%s", out.data);
    rc = lg_jparse(&root, out.data, out.len, NULL, &err);
    if (rc != LG_OK)
        lg_fuzz_fail("json writer: lg_jparse rejects its output: %s", err.msg);
    tree_tokens(&got, root);
    if (!got.oom && !same_tokens(&want, &got))
        lg_fuzz_fail("json writer: the parsed tree differs from what was "
                     "written:\n%s",
                     out.data);
done:
    lg_jnode_free(root);
    tokens_release(&want);
    tokens_release(&got);
    lg_buf_release(&out);
}

/* ------------------------------------------------------------------ */
/* 2. Parser                                                            */

static void parser(const uint8_t *data, size_t size)
{
    struct lg_jlimits lim = {0, 0};
    struct lg_jnode *root = NULL;
    struct lg_error err;
    unsigned depth = 0;
    bool strict = lg_fuzz_json_valid((const char *)data, size, &depth);
    bool bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    int64_t iv;
    bool bv;
    int rc;

    rc = lg_jparse(&root, (const char *)data, size, &lim, &err);
    LG_FUZZ_CHECK(rc == LG_OK || rc == LG_ESYNTAX || rc == LG_ELIMIT ||
                  rc == LG_ENOMEM);
    LG_FUZZ_CHECK((rc == LG_OK) == (root != NULL));
    if (strict && depth <= LG_JPARSE_DEPTH && rc == LG_ESYNTAX)
        lg_fuzz_fail("lg_jparse rejects valid JSON: %s", err.msg);
    if (rc == LG_OK && !bom && lg_fuzz_utf8_valid(data, size) && !strict)
        lg_fuzz_fail("lg_jparse accepts text that is not JSON");
    /* Lookups on whatever came out (NULL-safe by contract). */
    (void)lg_jget_str(root, "fingerprint");
    (void)lg_jget_int(root, "version", &iv);
    (void)lg_jget_bool(root, "ok", &bv);
    if (root && root->type == LG_JARRAY && root->n)
        (void)lg_jget(&root->kids[0], "rule_id");
    lg_jnode_free(root);
    /* A tight limit must fail cleanly. */
    lim.max_depth = 2;
    lim.max_nodes = 8;
    rc = lg_jparse(&root, (const char *)data, size, &lim, &err);
    LG_FUZZ_CHECK(rc == LG_OK || rc == LG_ESYNTAX || rc == LG_ELIMIT ||
                  rc == LG_ENOMEM);
    lg_jnode_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_fuzz_in in = {data, size};

    writer_roundtrip(in);
    parser(data, size);
    return 0;
}
