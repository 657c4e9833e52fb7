/* Recursive-descent JSON parser.
 *
 * Recursion depth equals nesting depth, which the limit caps (64 by
 * default), so the C stack stays small whatever the input.  Arrays and
 * objects collect their children in a doubling array; the node counter
 * caps the total work and memory (each node is a fixed-size struct plus
 * its decoded string, and strings cannot be longer than the input).
 * Errors are positioned by line and column, computed only when one
 * happens. */
#include "util/json_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

struct parser {
    const char *start, *p, *end;
    unsigned depth, max_depth;
    size_t nodes, max_nodes;
    struct lg_error *err;
};

static int fail(struct parser *ps, int code, const char *what)
{
    unsigned line = 1, col = 1;

    for (const char *q = ps->start; q < ps->p && q < ps->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (code == LG_ENOMEM)
        return lg_error_set(ps->err, code, "out of memory");
    return lg_error_set(ps->err, code, "%s at line %u, column %u", what, line,
                        col);
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;

    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return LG_ESYNTAX;
    }
    *out = v;
    return LG_OK;
}

static int put_utf8(struct lg_buf *b, unsigned cp)
{
    char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return lg_buf_append(b, u, n);
}

/* \uXXXX at ps->p (after the backslash and 'u'); joins surrogate pairs. */
static int unicode_escape(struct parser *ps, struct lg_buf *b)
{
    unsigned cp, lo;

    if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0)
        return fail(ps, LG_ESYNTAX, "bad \\u escape");
    ps->p += 4;
    if (cp >= 0xd800 && cp <= 0xdbff && ps->end - ps->p >= 6 &&
        ps->p[0] == '\\' && ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 &&
        lo >= 0xdc00 && lo <= 0xdfff) {
        ps->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
        cp = 0xfffd; /* a lone surrogate has no UTF-8 form */
    }
    return put_utf8(b, cp) < 0 ? fail(ps, LG_ENOMEM, "") : LG_OK;
}

static int escape(struct parser *ps, struct lg_buf *b)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit;

    if (ps->p >= ps->end)
        return fail(ps, LG_ESYNTAX, "unterminated string");
    if (*ps->p == 'u') {
        ps->p++;
        return unicode_escape(ps, b);
    }
    hit = *ps->p ? strchr(from, *ps->p) : NULL;
    if (!hit)
        return fail(ps, LG_ESYNTAX, "bad escape in string");
    ps->p++;
    return lg_buf_putc(b, to[hit - from]) < 0 ? fail(ps, LG_ENOMEM, "") : LG_OK;
}

/* A string at ps->p (on the opening quote) into *s / *n (heap, NUL-ended). */
static int string(struct parser *ps, char **s, size_t *n)
{
    struct lg_buf b;
    int rc = LG_OK;

    lg_buf_init(&b, (size_t)(ps->end - ps->p) + 1);
    ps->p++;
    while (rc == LG_OK) {
        const char *run = ps->p;

        while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' &&
               (unsigned char)*ps->p >= 0x20)
            ps->p++;
        if (ps->p > run && lg_buf_append(&b, run, (size_t)(ps->p - run)) < 0)
            rc = fail(ps, LG_ENOMEM, "");
        else if (ps->p >= ps->end)
            rc = fail(ps, LG_ESYNTAX, "unterminated string");
        else if (*ps->p == '"')
            break;
        else if (*ps->p == '\\') {
            ps->p++;
            rc = escape(ps, &b);
        } else {
            rc = fail(ps, LG_ESYNTAX, "control character in string");
        }
    }
    if (rc < 0) {
        lg_buf_release(&b);
        return rc;
    }
    ps->p++;
    *n = b.len;
    *s = lg_buf_detach(&b);
    return LG_OK;
}

static size_t digits(struct parser *ps)
{
    const char *q = ps->p;

    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    return (size_t)(ps->p - q);
}

static int number(struct parser *ps, struct lg_jnode *v)
{
    const char *q = ps->p;
    char *end;

    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0')
        ps->p++;
    else if (digits(ps) == 0)
        return fail(ps, LG_ESYNTAX, "bad number");
    if (ps->p < ps->end && *ps->p == '.') {
        ps->p++;
        if (digits(ps) == 0)
            return fail(ps, LG_ESYNTAX, "bad number");
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (digits(ps) == 0)
            return fail(ps, LG_ESYNTAX, "bad number");
    }
    v->type = LG_JNUMBER;
    v->len = (size_t)(ps->p - q);
    v->str = lg_strndup(q, v->len);
    if (!v->str)
        return fail(ps, LG_ENOMEM, "");
    errno = 0;
    v->number = strtod(v->str, &end); /* the text is NUL-terminated */
    return LG_OK;
}

static int value(struct parser *ps, struct lg_jnode *v);

/* Append a zeroed child to v->kids; returns it or NULL (ENOMEM). */
static struct lg_jnode *add_kid(struct lg_jnode *v, size_t *cap)
{
    void *k = lg_grow(v->kids, cap, v->n, sizeof(*v->kids), 4);
    if (!k)
        return NULL;
    v->kids = k;
    memset(&v->kids[v->n], 0, sizeof(v->kids[0]));
    return &v->kids[v->n++];
}

/* Array or object at ps->p (on '[' or '{'). */
static int container(struct parser *ps, struct lg_jnode *v, bool obj)
{
    char close = obj ? '}' : ']';
    size_t cap = 0;
    int rc;

    if (++ps->depth > ps->max_depth)
        return fail(ps, LG_ELIMIT, "nesting too deep");
    v->type = obj ? LG_JOBJECT : LG_JARRAY;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return LG_OK;
    }
    for (;;) {
        struct lg_jnode *k = add_kid(v, &cap);

        if (!k)
            return fail(ps, LG_ENOMEM, "");
        skip_ws(ps);
        if (obj) {
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, LG_ESYNTAX, "expected a member name");
            rc = string(ps, &k->key, &k->key_len);
            if (rc < 0)
                return rc;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, LG_ESYNTAX, "expected ':'");
            ps->p++;
        }
        rc = value(ps, k);
        if (rc < 0)
            return rc;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close)
            break;
        return fail(ps, LG_ESYNTAX,
                    obj ? "expected ',' or '}'" : "expected ',' or ']'");
    }
    ps->p++;
    ps->depth--;
    return LG_OK;
}

static int value(struct parser *ps, struct lg_jnode *v)
{
    skip_ws(ps);
    if (++ps->nodes > ps->max_nodes)
        return fail(ps, LG_ELIMIT, "too many values");
    if (ps->p >= ps->end)
        return fail(ps, LG_ESYNTAX, "unexpected end of input");
    switch (*ps->p) {
    case '{': return container(ps, v, true);
    case '[': return container(ps, v, false);
    case '"': v->type = LG_JSTRING; return string(ps, &v->str, &v->len);
    case 't':
    case 'f':
        v->type = LG_JBOOL;
        v->boolean = *ps->p == 't';
        if (literal(ps, v->boolean ? "true" : "false"))
            return LG_OK;
        break;
    case 'n':
        v->type = LG_JNULL;
        if (literal(ps, "null"))
            return LG_OK;
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return number(ps, v);
        break;
    }
    return fail(ps, LG_ESYNTAX, "unexpected character");
}

static void release(struct lg_jnode *v)
{
    for (size_t i = 0; i < v->n; i++)
        release(&v->kids[i]);
    free(v->kids);
    free(v->str);
    free(v->key);
}

void lg_jnode_free(struct lg_jnode *root)
{
    if (!root)
        return;
    release(root);
    free(root);
}

int lg_jparse(struct lg_jnode **out, const char *text, size_t len,
              const struct lg_jlimits *lim, struct lg_error *err)
{
    struct parser ps = {
        text, text, text + len, 0, LG_JPARSE_DEPTH, 0, LG_JPARSE_NODES, err};
    struct lg_jnode *root;
    int rc;

    *out = NULL;
    if (lim && lim->max_depth)
        ps.max_depth = lim->max_depth;
    if (lim && lim->max_nodes)
        ps.max_nodes = lim->max_nodes;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        ps.p += 3;
    root = calloc(1, sizeof(*root));
    if (!root)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    rc = value(&ps, root);
    if (rc == LG_OK) {
        skip_ws(&ps);
        if (ps.p != ps.end)
            rc = fail(&ps, LG_ESYNTAX, "trailing characters after the value");
    }
    if (rc < 0) {
        lg_jnode_free(root);
        return rc;
    }
    *out = root;
    return LG_OK;
}

const struct lg_jnode *lg_jget(const struct lg_jnode *obj, const char *key)
{
    size_t n;

    if (!obj || obj->type != LG_JOBJECT || !key)
        return NULL;
    n = strlen(key);
    for (size_t i = 0; i < obj->n; i++)
        if (obj->kids[i].key_len == n && memcmp(obj->kids[i].key, key, n) == 0)
            return &obj->kids[i];
    return NULL;
}

const char *lg_jget_str(const struct lg_jnode *obj, const char *key)
{
    const struct lg_jnode *v = lg_jget(obj, key);

    return v && v->type == LG_JSTRING ? v->str : NULL;
}

bool lg_jget_int(const struct lg_jnode *obj, const char *key, int64_t *out)
{
    const struct lg_jnode *v = lg_jget(obj, key);
    char *end;
    long long x;

    if (!v || v->type != LG_JNUMBER || strpbrk(v->str, ".eE"))
        return false;
    errno = 0;
    x = strtoll(v->str, &end, 10);
    if (errno || *end)
        return false;
    *out = (int64_t)x;
    return true;
}

bool lg_jget_bool(const struct lg_jnode *obj, const char *key, bool *out)
{
    const struct lg_jnode *v = lg_jget(obj, key);

    if (!v || v->type != LG_JBOOL)
        return false;
    *out = v->boolean;
    return true;
}
