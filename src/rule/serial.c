/* Rule-list serialization (the layout is in serial.h).
 *
 * The writer keeps its first error and ignores later calls, so the field
 * walk reads like the layout.  The reader checks every length and count
 * against the bytes left before it allocates or copies, so a corrupt blob
 * can neither read out of bounds nor ask for more memory than its own size
 * justifies, and it checks what the engine relies on (required strings,
 * enums and numbers in range, file indices).  Rules and file names are
 * appended to the caller's list as they are read and rolled back on
 * failure, as the YAML loader does; strings, string lists and example
 * arrays are allocated the way the loader allocates them, so that
 * lg_rule_list_release and lg_strlist_push work on the result. */
#include "rule/serial.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "LGRULES" /* with its NUL: 8 bytes */
#define MAGIC_LEN 8
#define NONE UINT32_MAX /* a NULL string; no file */

/* Fewest bytes an item can take, to bound counts by the bytes left. */
#define STR_MIN 4
#define POS_SIZE 12
#define EXAMPLE_MIN (2 * STR_MIN + POS_SIZE)
#define RULE_MIN (8 * STR_MIN + 5 * 4 + 8 + 8 + 4 * 4 + 2 * 4 + POS_SIZE)

/* The loader's invariants, checked on both sides; idx is 0-based. */
static int check_rule(const struct lg_rule *r, size_t idx, int code,
                      struct lg_error *err)
{
    const char *bad = NULL;

    if (!r->id || !r->name || !r->pattern)
        bad = "id, name or pattern missing";
    else if (r->max_len < 1 || r->max_len > LG_RULE_MAX_LEN_LIMIT)
        bad = "max_len out of range";
    else if (!isfinite(r->min_entropy) || r->min_entropy < 0.0 ||
             r->min_entropy > 8.0)
        bad = "min_entropy out of range";
    else if ((unsigned)r->severity > LG_SEV_CRITICAL ||
             (unsigned)r->confidence > LG_CONF_HIGH)
        bad = "unknown severity or confidence";
    else if (r->context_lines > LG_CONTEXT_LINES_MAX ||
             r->pair_lines > LG_CONTEXT_LINES_MAX)
        bad = "context_lines or pair_lines out of range";
    for (size_t i = 0; !bad && i < r->n_examples; i++)
        if (!r->examples[i].text)
            bad = "example without text";
    for (size_t i = 0; !bad && i < r->n_negatives; i++)
        if (!r->negatives[i].text)
            bad = "negative example without text";
    if (bad)
        return lg_error_set(err, code, "rule blob: rule %zu: %s", idx + 1, bad);
    return LG_OK;
}

/* ---- writing ----------------------------------------------------------- */

struct wr {
    struct lg_buf *b;
    const struct lg_rule_list *l;
    struct lg_error *err;
    int rc;
};

static void __attribute__((format(printf, 3, 4)))
wfail(struct wr *w, int code, const char *fmt, ...)
{
    char msg[LG_ERROR_MSG_MAX];
    va_list ap;

    if (w->rc < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w->rc = lg_error_set(w->err, code, "rule blob: %s", msg);
}

static void put_bytes(struct wr *w, const void *p, size_t n)
{
    int rc;

    if (w->rc < 0 || n == 0)
        return;
    rc = lg_buf_append(w->b, p, n);
    if (rc < 0)
        wfail(w, rc, "cannot grow the output: %s", lg_strerror(rc));
}

static void put_u32(struct wr *w, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
                          (unsigned char)(v >> 16), (unsigned char)(v >> 24)};

    put_bytes(w, b, sizeof(b));
}

static void put_u64(struct wr *w, uint64_t v)
{
    put_u32(w, (uint32_t)v);
    put_u32(w, (uint32_t)(v >> 32));
}

static void put_count(struct wr *w, size_t n, const char *what)
{
    if (n >= NONE)
        wfail(w, LG_ELIMIT, "too many %s (%zu)", what, n);
    put_u32(w, (uint32_t)n);
}

static void put_str(struct wr *w, const char *s)
{
    size_t n;

    if (!s) {
        put_u32(w, NONE);
        return;
    }
    n = strlen(s);
    if (n >= NONE)
        wfail(w, LG_ELIMIT, "string of %zu bytes", n);
    put_u32(w, (uint32_t)n);
    put_bytes(w, s, n);
}

static void put_list(struct wr *w, const struct lg_strlist *l)
{
    put_count(w, l->n, "list items");
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i])
            wfail(w, LG_EINVAL, "NULL string in a list");
        put_str(w, l->v[i]);
    }
}

/* By pointer first: that is how the loader sets it. */
static void put_pos(struct wr *w, const struct lg_srcpos *pos)
{
    uint32_t idx = NONE;

    if (pos->file) {
        size_t i, n = w->l->n_files;

        for (i = 0; i < n && w->l->files[i] != pos->file; i++)
            ;
        if (i == n)
            for (i = 0; i < n && strcmp(w->l->files[i], pos->file) != 0; i++)
                ;
        if (i == n)
            wfail(w, LG_EINVAL,
                  "position in '%s', which is not in the "
                  "list's file table",
                  pos->file);
        idx = (uint32_t)i;
    }
    put_u32(w, idx);
    put_u32(w, pos->line);
    put_u32(w, pos->col);
}

static void put_examples(struct wr *w, const struct lg_example *v, size_t n)
{
    put_count(w, n, "examples");
    for (size_t i = 0; i < n; i++) {
        put_str(w, v[i].text);
        put_str(w, v[i].secret);
        put_pos(w, &v[i].pos);
    }
}

static void put_rule(struct wr *w, const struct lg_rule *r)
{
    uint64_t bits;

    memcpy(&bits, &r->min_entropy, sizeof(bits));
    put_str(w, r->id);
    put_str(w, r->name);
    put_str(w, r->description);
    put_str(w, r->pattern);
    put_str(w, r->secret_group);
    put_list(w, &r->keywords);
    put_u64(w, r->max_len);
    put_u64(w, bits);
    put_u32(w, (uint32_t)r->severity);
    put_u32(w, (uint32_t)r->confidence);
    put_str(w, r->context);
    put_u32(w, r->context_lines);
    put_str(w, r->validate);
    put_str(w, r->pair_with);
    put_u32(w, r->pair_lines);
    put_list(w, &r->allow);
    put_list(w, &r->allow_paths);
    put_list(w, &r->tags);
    put_list(w, &r->references);
    put_examples(w, r->examples, r->n_examples);
    put_examples(w, r->negatives, r->n_negatives);
    put_pos(w, &r->pos);
}

int lg_rules_serialize(const struct lg_rule_list *l, struct lg_buf *out,
                       struct lg_error *err)
{
    struct wr w = {.b = out, .l = l, .err = err, .rc = LG_OK};

    _Static_assert(sizeof(double) == sizeof(uint64_t), "IEEE 754 double");
    for (size_t i = 0; i < l->n; i++) {
        int rc = check_rule(&l->v[i], i, LG_EINVAL, err);

        if (rc < 0)
            return rc;
    }
    put_bytes(&w, MAGIC, MAGIC_LEN);
    put_u32(&w, LG_RULES_BLOB_VERSION);
    put_count(&w, l->n_files, "files");
    for (size_t i = 0; i < l->n_files; i++) {
        if (!l->files[i])
            wfail(&w, LG_EINVAL, "NULL file name");
        put_str(&w, l->files[i]);
    }
    put_count(&w, l->n, "rules");
    for (size_t i = 0; i < l->n; i++)
        put_rule(&w, &l->v[i]);
    return w.rc;
}

/* ---- reading ----------------------------------------------------------- */

struct rd {
    const unsigned char *p;
    size_t len, off;
    struct lg_rule_list *out;
    size_t f0, n_files; /* this blob's names: out->files[f0, f0 + n_files) */
    size_t rule;        /* 1-based rule being read, 0 outside rules */
    struct lg_error *err;
};

/* "rule blob: byte 123 (rule 4, pattern): <message>" */
static int __attribute__((format(printf, 4, 5)))
rfail(const struct rd *r, int code, const char *what, const char *fmt, ...)
{
    char msg[LG_ERROR_MSG_MAX], where[64] = "";
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (r->rule)
        snprintf(where, sizeof(where), "rule %zu, ", r->rule);
    return lg_error_set(r->err, code, "rule blob: byte %zu (%s%s): %s", r->off,
                        where, what, msg);
}

static int truncated(const struct rd *r, const char *what)
{
    return rfail(r, LG_ESYNTAX, what, "truncated");
}

static int nomem(const struct rd *r)
{
    return lg_error_set(r->err, LG_ENOMEM, "rule blob: out of memory");
}

static int get_u32(struct rd *r, const char *what, uint32_t *v)
{
    const unsigned char *p;

    *v = 0;
    if (r->len - r->off < 4)
        return truncated(r, what);
    p = r->p + r->off;
    *v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
    r->off += 4;
    return LG_OK;
}

static int get_u64(struct rd *r, const char *what, uint64_t *v)
{
    uint32_t lo, hi;
    int rc = get_u32(r, what, &lo);

    if (rc == LG_OK)
        rc = get_u32(r, what, &hi);
    if (rc == LG_OK)
        *v = (uint64_t)hi << 32 | lo;
    return rc;
}

/* A count of items of at least `min` bytes each, which must fit in what
 * is left, so that a corrupt count cannot cause a huge allocation. */
static int get_count(struct rd *r, const char *what, size_t min, size_t *n)
{
    uint32_t v;
    int rc = get_u32(r, what, &v);

    if (rc < 0)
        return rc;
    if (v > (r->len - r->off) / min)
        return rfail(r, LG_ESYNTAX, what,
                     "count %lu exceeds the %zu bytes left", (unsigned long)v,
                     r->len - r->off);
    *n = v;
    return LG_OK;
}

static int get_str(struct rd *r, const char *what, char **out)
{
    uint32_t n;
    int rc = get_u32(r, what, &n);

    if (rc < 0 || n == NONE)
        return rc;
    if (n > r->len - r->off)
        return truncated(r, what);
    if (memchr(r->p + r->off, '\0', n))
        return rfail(r, LG_ESYNTAX, what, "nul byte in a string");
    *out = malloc((size_t)n + 1);
    if (!*out)
        return nomem(r);
    memcpy(*out, r->p + r->off, n);
    (*out)[n] = '\0';
    r->off += n;
    return LG_OK;
}

static int get_str_required(struct rd *r, const char *what, char **out)
{
    int rc = get_str(r, what, out);

    if (rc == LG_OK && !*out)
        rc = rfail(r, LG_ESYNTAX, what, "NULL where a string is required");
    return rc;
}

/* lg_strlist_push keeps the array at max(4, next power of two >= n). */
static int get_list(struct rd *r, const char *what, struct lg_strlist *l)
{
    size_t n, cap = 4;
    int rc = get_count(r, what, STR_MIN, &n);

    if (rc < 0 || n == 0)
        return rc;
    while (cap < n)
        cap *= 2;
    l->v = malloc(cap * sizeof(*l->v));
    if (!l->v)
        return nomem(r);
    for (size_t i = 0; i < n && rc == LG_OK; i++) {
        char *s = NULL;

        rc = get_str_required(r, what, &s);
        if (rc == LG_OK)
            l->v[l->n++] = s;
    }
    return rc;
}

static int get_pos(struct rd *r, const char *what, struct lg_srcpos *pos)
{
    uint32_t idx;
    int rc = get_u32(r, what, &idx);

    if (rc == LG_OK && idx != NONE && idx >= r->n_files)
        rc = rfail(r, LG_ESYNTAX, what, "file index %lu of %zu files",
                   (unsigned long)idx, r->n_files);
    if (rc == LG_OK)
        rc = get_u32(r, what, &pos->line);
    if (rc == LG_OK)
        rc = get_u32(r, what, &pos->col);
    if (rc == LG_OK)
        pos->file = idx == NONE ? NULL : r->out->files[r->f0 + idx];
    return rc;
}

static int get_examples(struct rd *r, const char *what, struct lg_example **v,
                        size_t *n)
{
    size_t count;
    int rc = get_count(r, what, EXAMPLE_MIN, &count);

    if (rc < 0 || count == 0)
        return rc;
    *v = calloc(count, sizeof(**v));
    if (!*v)
        return nomem(r);
    *n = count; /* zero-filled entries are safe to release */
    for (size_t i = 0; i < count && rc == LG_OK; i++) {
        rc = get_str(r, what, &(*v)[i].text);
        if (rc == LG_OK)
            rc = get_str(r, what, &(*v)[i].secret);
        if (rc == LG_OK)
            rc = get_pos(r, what, &(*v)[i].pos);
    }
    return rc;
}

/* Fields in layout order; *x is zeroed and released by the caller. */
static int get_rule(struct rd *r, struct lg_rule *x)
{
    uint64_t max_len = 0, bits = 0;
    uint32_t sev = 0, conf = 0;
    int rc;

    rc = get_str_required(r, "id", &x->id);
    if (rc == LG_OK)
        rc = get_str_required(r, "name", &x->name);
    if (rc == LG_OK)
        rc = get_str(r, "description", &x->description);
    if (rc == LG_OK)
        rc = get_str_required(r, "pattern", &x->pattern);
    if (rc == LG_OK)
        rc = get_str(r, "secret_group", &x->secret_group);
    if (rc == LG_OK)
        rc = get_list(r, "keywords", &x->keywords);
    if (rc == LG_OK)
        rc = get_u64(r, "max_len", &max_len);
    if (rc == LG_OK)
        rc = get_u64(r, "min_entropy", &bits);
    if (rc == LG_OK)
        rc = get_u32(r, "severity", &sev);
    if (rc == LG_OK)
        rc = get_u32(r, "confidence", &conf);
    if (rc == LG_OK)
        rc = get_str(r, "context", &x->context);
    if (rc == LG_OK)
        rc = get_u32(r, "context_lines", &x->context_lines);
    if (rc == LG_OK)
        rc = get_str(r, "validate", &x->validate);
    if (rc == LG_OK)
        rc = get_str(r, "pair_with", &x->pair_with);
    if (rc == LG_OK)
        rc = get_u32(r, "pair_lines", &x->pair_lines);
    if (rc == LG_OK)
        rc = get_list(r, "allow", &x->allow);
    if (rc == LG_OK)
        rc = get_list(r, "allow_paths", &x->allow_paths);
    if (rc == LG_OK)
        rc = get_list(r, "tags", &x->tags);
    if (rc == LG_OK)
        rc = get_list(r, "references", &x->references);
    if (rc == LG_OK)
        rc = get_examples(r, "examples", &x->examples, &x->n_examples);
    if (rc == LG_OK)
        rc = get_examples(r, "negative_examples", &x->negatives,
                          &x->n_negatives);
    if (rc == LG_OK)
        rc = get_pos(r, "pos", &x->pos);
    if (rc < 0)
        return rc;
    /* Range-check before converting: the enum and size_t may be narrower. */
    if (max_len > LG_RULE_MAX_LEN_LIMIT || sev > LG_SEV_CRITICAL ||
        conf > LG_CONF_HIGH)
        return rfail(r, LG_ESYNTAX, "values",
                     "max_len, severity or confidence out of range");
    x->max_len = (size_t)max_len;
    x->severity = (enum lg_severity)sev;
    x->confidence = (enum lg_confidence)conf;
    memcpy(&x->min_entropy, &bits, sizeof(bits));
    return check_rule(x, r->rule - 1, LG_ESYNTAX, r->err);
}

/* v resized to have + extra items of `size` bytes, or NULL (v is kept). */
static void *grow(void *v, size_t have, size_t extra, size_t size)
{
    if (extra > SIZE_MAX / size - have)
        return NULL;
    return realloc(v, (have + extra) * size);
}

static int get_files(struct rd *r)
{
    struct lg_rule_list *l = r->out;
    size_t n;
    int rc = get_count(r, "file count", STR_MIN, &n);

    if (rc == LG_OK && n > 0) {
        char **nf = grow(l->files, l->n_files, n, sizeof(*l->files));

        if (!nf)
            return nomem(r);
        l->files = nf;
    }
    for (size_t i = 0; i < n && rc == LG_OK; i++) {
        char *s = NULL;

        rc = get_str_required(r, "file name", &s);
        if (rc == LG_OK)
            l->files[l->n_files++] = s;
    }
    r->n_files = l->n_files - r->f0;
    return rc;
}

static int get_rules(struct rd *r)
{
    struct lg_rule_list *l = r->out;
    size_t n;
    int rc = get_count(r, "rule count", RULE_MIN, &n);

    if (rc == LG_OK && n > l->cap - l->n) {
        struct lg_rule *nv = grow(l->v, l->n, n, sizeof(*l->v));

        if (!nv)
            return nomem(r);
        l->v = nv;
        l->cap = l->n + n;
    }
    for (size_t i = 0; i < n && rc == LG_OK; i++) {
        memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
        r->rule = i + 1;
        rc = get_rule(r, &l->v[l->n]);
        l->n++; /* also on error: the rollback releases it */
    }
    r->rule = 0;
    return rc;
}

int lg_rules_deserialize(struct lg_rule_list *out, const unsigned char *data,
                         size_t len, struct lg_error *err)
{
    struct rd r = {
        .p = data, .len = len, .out = out, .f0 = out->n_files, .err = err};
    size_t n0 = out->n;
    uint32_t version;
    int rc;

    if (!data)
        return lg_error_set(err, LG_EINVAL, "rule blob: no data");
    if (len < MAGIC_LEN || memcmp(data, MAGIC, MAGIC_LEN) != 0)
        return lg_error_set(err, LG_ESYNTAX, "rule blob: bad magic");
    r.off = MAGIC_LEN;
    rc = get_u32(&r, "format version", &version);
    if (rc == LG_OK && version != LG_RULES_BLOB_VERSION)
        rc = lg_error_set(err, LG_EUNSUPPORTED,
                          "rule blob: format version %lu, expected %u",
                          (unsigned long)version, LG_RULES_BLOB_VERSION);
    if (rc == LG_OK)
        rc = get_files(&r);
    if (rc == LG_OK)
        rc = get_rules(&r);
    if (rc == LG_OK && r.off != len)
        rc = rfail(&r, LG_ESYNTAX, "end", "%zu bytes after the last rule",
                   len - r.off);
    if (rc < 0) {
        while (out->n > n0)
            lg_rule_release(&out->v[--out->n]);
        while (out->n_files > r.f0)
            free(out->files[--out->n_files]);
    }
    return rc;
}
