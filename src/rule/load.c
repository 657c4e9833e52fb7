/* Rule-file loader: YAML text -> validated struct lg_rule values.
 *
 * libyaml's document API builds the node graph; we walk it with a fixed
 * schema: top mapping -> `rules` sequence -> rule mappings -> scalars,
 * string sequences and example items.  Every key a rule may have is listed
 * once in rule_fields[] (name, required or not, how to store it); that
 * table drives parsing and the unknown / duplicate / missing key checks, so
 * a typo can never pass silently.
 *
 * The first problem stops the parse and is reported as "file:line:col:
 * message" (1-based, at the offending node).  Work and memory stay linear
 * in the input: a file is capped at LG_RULEFILE_MAX bytes, and an event
 * pass before the document is built rejects deep nesting and aliases (see
 * check_events).  Rules are appended to the caller's list as they are
 * built and rolled back on failure, so a failed parse appends nothing; a
 * directory or the builtin set is loaded all or nothing the same way.
 *
 * Longer than the usual ~800 lines because the schema walk, the libyaml
 * error mapping and file discovery share struct ctx and the rollback; if it
 * grows, file discovery (load_file .. lg_rules_load_path) is the cut.  The
 * built-in rules are not parsed here at run time: see builtin.c. */
#include "rule/rule.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "util/buf.h"

#define LG_RULEFILE_MAX ((size_t)4 * 1024 * 1024) /* bytes per rule file */
#define LG_RULES_PER_FILE_MAX 10000
#define LG_RULE_FILES_PER_DIR_MAX 10000
#define LG_RULEFILE_DEPTH_MAX 16 /* the schema itself needs 5 levels */
#define LG_RULE_ID_MAX 64
#define LG_RULE_CONTEXT_LINES_DEFAULT 3
#define SUBJECT_MAX 64 /* characters of input quoted in a message */

struct ctx {
    yaml_document_t *doc;
    const char *name; /* file name for messages */
    const char *file; /* pos.file: owned by the list being built */
    struct lg_error *err;
    char label[LG_RULE_ID_MAX + 32]; /* "rule 'id': ", "rule 3: " or "" */
    unsigned seen;                   /* rule_fields[] bits of this rule */
    bool has_ctx_lines;              /* context_lines given, and where */
    yaml_mark_t ctx_lines_mark;
};

static unsigned to_1based(size_t v)
{
    return v >= UINT_MAX ? UINT_MAX : (unsigned)v + 1;
}

static int vfail(struct ctx *c, int code, unsigned line, unsigned col,
                 const char *fmt, va_list ap)
{
    char msg[LG_ERROR_MSG_MAX];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    return lg_error_set(c->err, code, "%s:%u:%u: %s%s", c->name, line, col,
                        c->label, msg);
}

/* Report a problem at (1-based) line:col, prefixed with the rule label. */
static int __attribute__((format(printf, 5, 6)))
fail_at(struct ctx *c, int code, unsigned line, unsigned col, const char *fmt,
        ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(c, code, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

/* Report a syntax problem at a node's start. */
static int __attribute__((format(printf, 3, 4)))
fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(c, LG_ESYNTAX, to_1based(n->start_mark.line),
               to_1based(n->start_mark.column), fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(struct ctx *c)
{
    return lg_error_set(c->err, LG_ENOMEM, "%s: out of memory", c->name);
}

/* Input quoted in a message: printable ASCII only and short, so that a
 * message stays one line whatever the file holds. */
static const char *subject(char buf[SUBJECT_MAX + 4], const yaml_node_t *n)
{
    const unsigned char *s = n->data.scalar.value;
    size_t len = n->data.scalar.length, i;

    for (i = 0; i < len && i < SUBJECT_MAX; i++)
        buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
    if (i < len)
        for (int k = 0; k < 3; k++)
            buf[i++] = '.';
    buf[i] = '\0';
    return buf;
}

/* Node ids come from libyaml's loader and are always valid. */
static yaml_node_t *node(const struct ctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
    size_t len = strlen(s);

    return n->type == YAML_SCALAR_NODE && n->data.scalar.length == len &&
           memcmp(n->data.scalar.value, s, len) == 0;
}

static bool is_null(const yaml_node_t *n)
{
    return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (n->data.scalar.length == 0 || scalar_is(n, "~") ||
            scalar_is(n, "null") || scalar_is(n, "Null") ||
            scalar_is(n, "NULL"));
}

/* A non-empty string without NUL bytes; `what` names it, e.g. "'name'". */
static int check_str(struct ctx *c, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE)
        return fail(c, n, "%s must be a string", what);
    if (n->data.scalar.length == 0 || is_null(n))
        return fail(c, n, "%s must not be empty", what);
    if (memchr(n->data.scalar.value, '\0', n->data.scalar.length))
        return fail(c, n, "%s contains a nul byte", what);
    return LG_OK;
}

static int dup_str(struct ctx *c, const yaml_node_t *n, const char *what,
                   char **out)
{
    int rc = check_str(c, n, what);

    if (rc < 0)
        return rc;
    *out = malloc(n->data.scalar.length + 1);
    if (!*out)
        return nomem(c);
    memcpy(*out, n->data.scalar.value, n->data.scalar.length + 1);
    return LG_OK;
}

/* Numbers must be plain scalars consumed entirely by strtoul / strtod: no
 * sign, blanks, quotes, hex or YAML extras such as `1_000` or `.inf`. */
static bool parse_ulong(const yaml_node_t *n, unsigned long *out)
{
    const char *s = (const char *)n->data.scalar.value;
    char *end;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && end == s + n->data.scalar.length;
}

static bool parse_double(const yaml_node_t *n, double *out)
{
    const char *s = (const char *)n->data.scalar.value;
    char *end;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !(isdigit((unsigned char)s[0]) || s[0] == '.') ||
        strspn(s, "0123456789.eE+-") != n->data.scalar.length)
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end == s + n->data.scalar.length && isfinite(*out);
}

/* ---- rule keys ---------------------------------------------------------
 * One handler per kind of value; `off` locates the member it fills. */

struct field;
typedef int (*field_fn)(struct ctx *c, const struct field *f,
                        const yaml_node_t *v, struct lg_rule *r);

struct field {
    const char *key;
    field_fn parse;
    size_t off; /* offset of the member in struct lg_rule */
    bool required;
};

#define MEMBER(r, f, type) ((type *)((char *)(r) + (f)->off))

static int set_str(struct ctx *c, const struct field *f, const yaml_node_t *v,
                   struct lg_rule *r)
{
    char what[64];

    snprintf(what, sizeof(what), "'%s'", f->key);
    return dup_str(c, v, what, MEMBER(r, f, char *));
}

static bool id_valid(const yaml_node_t *n)
{
    const unsigned char *s;
    size_t len;

    if (n->type != YAML_SCALAR_NODE)
        return false;
    s = n->data.scalar.value;
    len = n->data.scalar.length;
    if (len == 0 || len > LG_RULE_ID_MAX || s[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return false;
    return true;
}

static int set_id(struct ctx *c, const struct field *f, const yaml_node_t *v,
                  struct lg_rule *r)
{
    char q[SUBJECT_MAX + 4];

    if (v->type != YAML_SCALAR_NODE)
        return fail(c, v, "'id' must be a string");
    if (!id_valid(v))
        return fail(c, v,
                    "invalid id '%s' (expected [a-z0-9][a-z0-9-]*, at most "
                    "%d characters)",
                    subject(q, v), LG_RULE_ID_MAX);
    return set_str(c, f, v, r);
}

static int set_list(struct ctx *c, const struct field *f, const yaml_node_t *v,
                    struct lg_rule *r)
{
    struct lg_strlist *l = MEMBER(r, f, struct lg_strlist);
    char what[64];
    int rc = LG_OK;

    if (v->type != YAML_SEQUENCE_NODE)
        return fail(c, v, "'%s' must be a sequence of strings", f->key);
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = node(c, *it);

        snprintf(what, sizeof(what), "'%s' item %zu", f->key,
                 (size_t)(it - v->data.sequence.items.start) + 1);
        rc = check_str(c, item, what);
        if (rc < 0)
            break;
        if (lg_strlist_push(l, (const char *)item->data.scalar.value) < 0) {
            rc = nomem(c);
            break;
        }
    }
    return rc;
}

static int set_max_len(struct ctx *c, const struct field *f,
                       const yaml_node_t *v, struct lg_rule *r)
{
    unsigned long n;

    (void)f;
    if (!parse_ulong(v, &n) || n < 1 || n > LG_RULE_MAX_LEN_LIMIT)
        return fail(c, v, "'max_len' must be an integer from 1 to %d",
                    LG_RULE_MAX_LEN_LIMIT);
    r->max_len = n;
    return LG_OK;
}

static int set_context_lines(struct ctx *c, const struct field *f,
                             const yaml_node_t *v, struct lg_rule *r)
{
    unsigned long n;

    (void)f;
    if (!parse_ulong(v, &n) || n > LG_CONTEXT_LINES_MAX)
        return fail(c, v, "'context_lines' must be an integer from 0 to %d",
                    LG_CONTEXT_LINES_MAX);
    r->context_lines = (unsigned)n;
    c->has_ctx_lines = true;
    c->ctx_lines_mark = v->start_mark;
    return LG_OK;
}

static int set_pair_lines(struct ctx *c, const struct field *f,
                          const yaml_node_t *v, struct lg_rule *r)
{
    unsigned long n;

    (void)f;
    if (!parse_ulong(v, &n) || n < 1 || n > LG_CONTEXT_LINES_MAX)
        return fail(c, v, "'pair_lines' must be an integer from 1 to %d",
                    LG_CONTEXT_LINES_MAX);
    r->pair_lines = (unsigned)n;
    return LG_OK;
}

static int set_pair_with(struct ctx *c, const struct field *f,
                         const yaml_node_t *v, struct lg_rule *r)
{
    char q[SUBJECT_MAX + 4];

    if (!id_valid(v))
        return fail(c, v, "'pair_with' must be a rule id, not '%s'",
                    subject(q, v));
    return set_str(c, f, v, r);
}

static int set_min_entropy(struct ctx *c, const struct field *f,
                           const yaml_node_t *v, struct lg_rule *r)
{
    double d;

    (void)f;
    if (!parse_double(v, &d) || d < 0.0 || d > 8.0)
        return fail(c, v, "'min_entropy' must be a number from 0 to 8");
    r->min_entropy = d;
    return LG_OK;
}

static int set_severity(struct ctx *c, const struct field *f,
                        const yaml_node_t *v, struct lg_rule *r)
{
    char q[SUBJECT_MAX + 4];
    int rc = check_str(c, v, "'severity'");

    (void)f;
    if (rc < 0)
        return rc;
    if (lg_severity_parse((const char *)v->data.scalar.value, &r->severity))
        return fail(c, v,
                    "unknown severity '%s' (expected info, low, medium, "
                    "high or critical)",
                    subject(q, v));
    return LG_OK;
}

static int set_confidence(struct ctx *c, const struct field *f,
                          const yaml_node_t *v, struct lg_rule *r)
{
    char q[SUBJECT_MAX + 4];
    int rc = check_str(c, v, "'confidence'");

    (void)f;
    if (rc < 0)
        return rc;
    if (lg_confidence_parse((const char *)v->data.scalar.value, &r->confidence))
        return fail(c, v,
                    "unknown confidence '%s' (expected low, medium or high)",
                    subject(q, v));
    return LG_OK;
}

/* ---- examples ---------------------------------------------------------- */

/* An item is a string (the text) or a mapping {text, secret}; negative
 * examples have no expected secret, so `secret` is unknown there. */
static int parse_example_map(struct ctx *c, const yaml_node_t *m,
                             const char *what, bool positive,
                             struct lg_example *ex)
{
    char q[SUBJECT_MAX + 4], sub[96];
    int rc = LG_OK;

    for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
         p < m->data.mapping.pairs.top && rc == LG_OK; p++) {
        yaml_node_t *k = node(c, p->key);
        char **dst;

        if (scalar_is(k, "text"))
            dst = &ex->text;
        else if (positive && scalar_is(k, "secret"))
            dst = &ex->secret;
        else if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, "%s: keys must be strings", what);
        else
            return fail(c, k, "%s: unknown key '%s'", what, subject(q, k));
        if (*dst)
            return fail(c, k, "%s: duplicate key '%s'", what, subject(q, k));
        snprintf(sub, sizeof(sub), "%s: '%s'", what, subject(q, k));
        rc = dup_str(c, node(c, p->value), sub, dst);
    }
    if (rc == LG_OK && !ex->text)
        rc = fail(c, m, "%s: missing key 'text'", what);
    return rc;
}

static int parse_examples(struct ctx *c, const char *key, const yaml_node_t *v,
                          bool positive, struct lg_example **out, size_t *n)
{
    yaml_node_item_t *start;
    size_t count;
    int rc = LG_OK;

    if (v->type != YAML_SEQUENCE_NODE)
        return fail(c, v, "'%s' must be a sequence", key);
    start = v->data.sequence.items.start;
    count = (size_t)(v->data.sequence.items.top - start);
    if (count == 0)
        return fail(c, v, "'%s' must not be empty", key);
    *out = calloc(count, sizeof(**out));
    if (!*out)
        return nomem(c);
    *n = count; /* zero-filled entries are safe to release */
    for (size_t i = 0; i < count && rc == LG_OK; i++) {
        struct lg_example *ex = &(*out)[i];
        yaml_node_t *item = node(c, start[i]);
        char what[64];

        snprintf(what, sizeof(what), "'%s' item %zu", key, i + 1);
        ex->pos.file = c->file;
        ex->pos.line = to_1based(item->start_mark.line);
        ex->pos.col = to_1based(item->start_mark.column);
        if (item->type == YAML_SCALAR_NODE)
            rc = dup_str(c, item, what, &ex->text);
        else if (item->type == YAML_MAPPING_NODE)
            rc = parse_example_map(c, item, what, positive, ex);
        else
            rc = fail(c, item, "%s must be a string or a mapping", what);
    }
    return rc;
}

static int set_examples(struct ctx *c, const struct field *f,
                        const yaml_node_t *v, struct lg_rule *r)
{
    return parse_examples(c, f->key, v, true, &r->examples, &r->n_examples);
}

static int set_negatives(struct ctx *c, const struct field *f,
                         const yaml_node_t *v, struct lg_rule *r)
{
    return parse_examples(c, f->key, v, false, &r->negatives, &r->n_negatives);
}

/* clang-format off */
#define F(key, fn, member, req) \
    { key, fn, offsetof(struct lg_rule, member), req }
/* clang-format on */
static const struct field rule_fields[] = {
    F("id", set_id, id, true),
    F("name", set_str, name, true),
    F("description", set_str, description, false),
    F("pattern", set_str, pattern, true),
    F("secret_group", set_str, secret_group, false),
    F("keywords", set_list, keywords, false),
    F("max_len", set_max_len, max_len, true),
    F("min_entropy", set_min_entropy, min_entropy, false),
    F("severity", set_severity, severity, false),
    F("confidence", set_confidence, confidence, false),
    F("context", set_str, context, false),
    F("context_lines", set_context_lines, context_lines, false),
    F("validate", set_str, validate, false),
    F("pair_with", set_pair_with, pair_with, false),
    F("pair_lines", set_pair_lines, pair_lines, false),
    F("allow", set_list, allow, false),
    F("allow_paths", set_list, allow_paths, false),
    F("tags", set_list, tags, false),
    F("references", set_list, references, false),
    F("examples", set_examples, examples, true),
    F("negative_examples", set_negatives, negatives, true),
};
#undef F
#define N_FIELDS (sizeof(rule_fields) / sizeof(rule_fields[0]))
#define FIELD_BIT(i) (1u << (i))

static const struct field *field_find(const yaml_node_t *k, size_t *idx)
{
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (scalar_is(k, rule_fields[i].key)) {
            *idx = i;
            return &rule_fields[i];
        }
    }
    return NULL;
}

/* ---- rules ------------------------------------------------------------- */

/* Messages about a rule name it by id when it has a valid one, else by its
 * 1-based position in the file. */
static void set_label(struct ctx *c, const yaml_node_t *m, size_t index)
{
    snprintf(c->label, sizeof(c->label), "rule %zu: ", index);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
         p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *v = node(c, p->value);

        if (scalar_is(node(c, p->key), "id")) {
            if (id_valid(v))
                snprintf(c->label, sizeof(c->label),
                         "rule '%s': ", (const char *)v->data.scalar.value);
            break;
        }
    }
}

static int parse_rule_keys(struct ctx *c, const yaml_node_t *m,
                           struct lg_rule *r)
{
    char q[SUBJECT_MAX + 4];
    int rc = LG_OK;

    for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
         p < m->data.mapping.pairs.top && rc == LG_OK; p++) {
        yaml_node_t *k = node(c, p->key);
        const struct field *f;
        size_t i;

        if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, "keys must be strings");
        f = field_find(k, &i);
        if (!f)
            return fail(c, k, "unknown key '%s'", subject(q, k));
        if (c->seen & FIELD_BIT(i))
            return fail(c, k, "duplicate key '%s'", f->key);
        c->seen |= FIELD_BIT(i);
        rc = f->parse(c, f, node(c, p->value), r);
    }
    return rc;
}

static int parse_rule(struct ctx *c, const yaml_node_t *m, size_t index,
                      struct lg_rule *r)
{
    int rc;

    if (m->type != YAML_MAPPING_NODE)
        return fail(c, m, "rule %zu must be a mapping", index);
    set_label(c, m, index);
    c->seen = 0;
    c->has_ctx_lines = false;
    r->severity = LG_SEV_MEDIUM;
    r->confidence = LG_CONF_MEDIUM;
    r->pos.file = c->file;
    r->pos.line = to_1based(m->start_mark.line);
    r->pos.col = to_1based(m->start_mark.column);
    rc = parse_rule_keys(c, m, r);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < N_FIELDS; i++)
        if (rule_fields[i].required && !(c->seen & FIELD_BIT(i)))
            return fail(c, m, "missing key '%s'", rule_fields[i].key);
    if (c->has_ctx_lines) {
        if (!r->context)
            return fail_at(c, LG_ESYNTAX, to_1based(c->ctx_lines_mark.line),
                           to_1based(c->ctx_lines_mark.column),
                           "'context_lines' requires 'context'");
    } else if (r->context) {
        r->context_lines = LG_RULE_CONTEXT_LINES_DEFAULT;
    }
    if (r->pair_lines && !r->pair_with)
        return fail(c, m, "'pair_lines' requires 'pair_with'");
    if (r->pair_with && !r->pair_lines)
        r->pair_lines = LG_PAIR_LINES_DEFAULT;
    return LG_OK;
}

static int cmp_rule_id(const void *a, const void *b)
{
    const struct lg_rule *x = *(const struct lg_rule *const *)a;
    const struct lg_rule *y = *(const struct lg_rule *const *)b;
    int d = strcmp(x->id, y->id);

    if (d)
        return d;
    return x < y ? -1 : x > y; /* same id: file order */
}

/* Sort by (id, position) and report the earliest second occurrence. */
static int check_dup_ids(struct ctx *c, const struct lg_rule *rules, size_t n)
{
    const struct lg_rule **v, *dup = NULL, *first = NULL;
    int rc = LG_OK;

    if (n < 2)
        return LG_OK;
    v = malloc(n * sizeof(*v));
    if (!v)
        return nomem(c);
    for (size_t i = 0; i < n; i++)
        v[i] = &rules[i];
    qsort(v, n, sizeof(*v), cmp_rule_id);
    for (size_t i = 1; i < n; i++) {
        bool group_start = i == 1 || strcmp(v[i - 2]->id, v[i - 1]->id) != 0;

        if (group_start && strcmp(v[i - 1]->id, v[i]->id) == 0 &&
            (!dup || v[i] < dup)) {
            dup = v[i];
            first = v[i - 1];
        }
    }
    if (dup) {
        snprintf(c->label, sizeof(c->label), "rule '%s': ", dup->id);
        rc = fail_at(c, LG_ESYNTAX, dup->pos.line, dup->pos.col,
                     "duplicate id '%s' (first defined at line %u)", dup->id,
                     first->pos.line);
    }
    free(v);
    return rc;
}

static int reserve_rules(struct lg_rule_list *l, size_t extra)
{
    size_t need, ncap;
    struct lg_rule *nv;

    if (extra > SIZE_MAX / sizeof(*nv) - l->n)
        return LG_ENOMEM;
    need = l->n + extra;
    if (need <= l->cap)
        return LG_OK;
    ncap = l->cap > SIZE_MAX / sizeof(*nv) / 2 ? need : l->cap * 2;
    if (ncap < need)
        ncap = need;
    nv = realloc(l->v, ncap * sizeof(*nv));
    if (!nv)
        return LG_ENOMEM;
    l->v = nv;
    l->cap = ncap;
    return LG_OK;
}

static int parse_rules_seq(struct ctx *c, const yaml_node_t *seq,
                           struct lg_rule_list *l)
{
    yaml_node_item_t *start;
    size_t count, n0 = l->n;
    int rc = LG_OK;

    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(c, seq, "'rules' must be a sequence");
    start = seq->data.sequence.items.start;
    count = (size_t)(seq->data.sequence.items.top - start);
    if (count > LG_RULES_PER_FILE_MAX)
        return fail_at(c, LG_ELIMIT, to_1based(seq->start_mark.line),
                       to_1based(seq->start_mark.column),
                       "more than %d rules in one file", LG_RULES_PER_FILE_MAX);
    if (reserve_rules(l, count) < 0)
        return nomem(c);
    for (size_t i = 0; i < count && rc == LG_OK; i++) {
        c->label[0] = '\0';
        memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
        rc = parse_rule(c, node(c, start[i]), i + 1, &l->v[l->n]);
        l->n++; /* also on error: the caller's rollback releases it */
    }
    c->label[0] = '\0';
    if (rc == LG_OK && count > 0) /* l->v may still be NULL when empty */
        rc = check_dup_ids(c, l->v + n0, l->n - n0);
    return rc;
}

static int parse_top(struct ctx *c, struct lg_rule_list *l)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc), *rules = NULL;
    char q[SUBJECT_MAX + 4];

    if (!root)
        return fail_at(c, LG_ESYNTAX, 1, 1,
                       "empty rule file (expected a mapping with a 'rules' "
                       "sequence)");
    if (root->type != YAML_MAPPING_NODE)
        return fail(c, root,
                    "top level must be a mapping with a 'rules' sequence");
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(c, p->key);

        if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, "keys must be strings");
        if (!scalar_is(k, "rules"))
            return fail(c, k, "unknown key '%s'", subject(q, k));
        if (rules)
            return fail(c, k, "duplicate key 'rules'");
        rules = node(c, p->value);
    }
    if (!rules)
        return fail(c, root, "missing key 'rules'");
    return parse_rules_seq(c, rules, l);
}

/* ---- files ------------------------------------------------------------- */

static int yaml_failure(struct ctx *c, const yaml_parser_t *p, const char *text,
                        size_t len)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    unsigned line = 1, col = 1;

    if (p->error == YAML_MEMORY_ERROR)
        return nomem(c);
    if (p->error == YAML_READER_ERROR) {
        /* Encoding problems carry a byte offset, not a mark. */
        for (size_t i = 0; i < p->problem_offset && i < len; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return fail_at(c, LG_ESYNTAX, line, col, "invalid yaml: %s", problem);
    }
    line = to_1based(p->problem_mark.line);
    col = to_1based(p->problem_mark.column);
    if (p->context)
        return fail_at(c, LG_ESYNTAX, line, col,
                       "invalid yaml: %s (%s at line %u column %u)", problem,
                       p->context, to_1based(p->context_mark.line),
                       to_1based(p->context_mark.column));
    return fail_at(c, LG_ESYNTAX, line, col, "invalid yaml: %s", problem);
}

/* A cheap event pass before the document is built, for what the loader
 * cannot be trusted with:
 * - nesting: libyaml's scanner is quadratic in flow depth ("[[[[...") and
 *   its loader has no depth limit; our schema needs 5 levels;
 * - aliases: the loader resolves `*a` to the anchored node itself, so a few
 *   bytes could repeat a large scalar or list many times over (and the
 *   alias's own position would be lost);
 * - documents after the first, which yaml_parser_load would ignore. */
static int check_events(struct ctx *c, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int depth = 0, docs = 0, rc = LG_OK;

    if (!yaml_parser_initialize(&p))
        return nomem(c);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (rc == LG_OK) {
        yaml_mark_t m;
        yaml_event_type_t type;

        if (!yaml_parser_parse(&p, &ev)) {
            rc = yaml_failure(c, &p, text, len);
            break;
        }
        type = ev.type;
        m = ev.start_mark;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            break;
        if (type == YAML_SEQUENCE_START_EVENT ||
            type == YAML_MAPPING_START_EVENT) {
            if (++depth > LG_RULEFILE_DEPTH_MAX)
                rc = fail_at(
                    c, LG_ELIMIT, to_1based(m.line), to_1based(m.column),
                    "nesting deeper than %d levels", LG_RULEFILE_DEPTH_MAX);
        } else if (type == YAML_SEQUENCE_END_EVENT ||
                   type == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (type == YAML_ALIAS_EVENT) {
            rc = fail_at(c, LG_ESYNTAX, to_1based(m.line), to_1based(m.column),
                         "aliases are not supported");
        } else if (type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
            rc = fail_at(c, LG_ESYNTAX, to_1based(m.line), to_1based(m.column),
                         "more than one yaml document");
        }
    }
    yaml_parser_delete(&p);
    return rc;
}

/* Undo appends: keep the first n rules and n_files file names. */
static void list_truncate(struct lg_rule_list *l, size_t n, size_t n_files)
{
    while (l->n > n)
        lg_rule_release(&l->v[--l->n]);
    while (l->n_files > n_files)
        free(l->files[--l->n_files]);
}

static int push_file_name(struct lg_rule_list *l, const char *name)
{
    size_t len = strlen(name);
    char **nf, *copy;

    if (l->n_files >= SIZE_MAX / sizeof(*nf))
        return LG_ENOMEM;
    nf = realloc(l->files, (l->n_files + 1) * sizeof(*nf));
    if (!nf)
        return LG_ENOMEM;
    l->files = nf;
    copy = malloc(len + 1);
    if (!copy)
        return LG_ENOMEM;
    memcpy(copy, name, len + 1);
    l->files[l->n_files++] = copy;
    return LG_OK;
}

int lg_rules_parse(struct lg_rule_list *out, const char *name, const char *text,
                   size_t len, struct lg_error *err)
{
    struct ctx c = {.name = name, .label = "", .err = err};
    size_t n0 = out->n, f0 = out->n_files;
    yaml_parser_t parser;
    yaml_document_t doc;
    bool have_parser = false, have_doc = false;
    int rc;

    if (!text && len > 0) {
        rc = lg_error_set(err, LG_EINVAL, "%s: no text", name);
        goto out;
    }
    text = text ? text : "";
    if (len > LG_RULEFILE_MAX) {
        rc = lg_error_set(err, LG_ELIMIT, "'%s' is larger than %zu bytes", name,
                          LG_RULEFILE_MAX);
        goto out;
    }
    rc = check_events(&c, text, len);
    if (rc < 0)
        goto out;
    if (push_file_name(out, name) < 0 || !yaml_parser_initialize(&parser)) {
        rc = nomem(&c);
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = yaml_failure(&c, &parser, text, len);
        goto out;
    }
    have_doc = true;
    c.doc = &doc;
    c.file = out->files[out->n_files - 1];
    rc = parse_top(&c, out);
out:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    if (rc < 0)
        list_truncate(out, n0, f0);
    return rc;
}

static int load_file(struct lg_rule_list *out, const char *path,
                     struct lg_error *err)
{
    struct lg_buf text;
    int rc;

    lg_buf_init(&text, LG_RULEFILE_MAX);
    rc = lg_buf_read_path(&text, path, err);
    if (rc < 0)
        goto out;
    rc = lg_rules_parse(out, path, text.data ? text.data : "", text.len, err);
out:
    lg_buf_release(&text);
    return rc;
}

static bool is_rule_file_name(const char *s)
{
    size_t len = strlen(s);

    if (s[0] == '.') /* hidden files, editor backups */
        return false;
    return (len > 4 && strcmp(s + len - 4, ".yml") == 0) ||
           (len > 5 && strcmp(s + len - 5, ".yaml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yml / *.yaml names of a directory, sorted bytewise. */
static int list_dir(struct lg_strlist *names, const char *dir,
                    struct lg_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = LG_OK;

    if (!d)
        return lg_error_set(err, LG_EIO, "cannot open directory '%s': %s", dir,
                            strerror(errno));
    for (;;) {
        errno = 0;
        e = readdir(d);
        if (!e) {
            if (errno)
                rc = lg_error_set(err, LG_EIO, "cannot read directory '%s': %s",
                                  dir, strerror(errno));
            break;
        }
        if (!is_rule_file_name(e->d_name))
            continue;
        if (names->n >= LG_RULE_FILES_PER_DIR_MAX) {
            rc = lg_error_set(err, LG_ELIMIT,
                              "'%s' holds more than %d rule files", dir,
                              LG_RULE_FILES_PER_DIR_MAX);
            break;
        }
        if (lg_strlist_push(names, e->d_name) < 0) {
            rc = lg_error_set(err, LG_ENOMEM, "%s: out of memory", dir);
            break;
        }
    }
    closedir(d);
    if (rc == LG_OK && names->n > 1)
        qsort(names->v, names->n, sizeof(*names->v), cmp_str);
    return rc;
}

/* All or nothing: a bad file drops the rules of the files before it. */
static int load_dir(struct lg_rule_list *out, const char *dir,
                    struct lg_error *err)
{
    struct lg_strlist names = {NULL, 0};
    struct lg_buf path;
    const char *sep = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
    size_t n0 = out->n, f0 = out->n_files, loaded = 0;
    int rc;

    lg_buf_init(&path, PATH_MAX);
    rc = list_dir(&names, dir, err);
    for (size_t i = 0; i < names.n && rc == LG_OK; i++) {
        struct stat st;

        lg_buf_clear(&path);
        if (lg_buf_printf(&path, "%s%s%s", dir, sep, names.v[i]) < 0) {
            rc = lg_error_set(err, LG_ELIMIT, "path too long: '%s%s%s'", dir,
                              sep, names.v[i]);
        } else if (stat(path.data, &st) != 0) {
            rc = lg_error_set(err, LG_EIO, "cannot open '%s': %s", path.data,
                              strerror(errno));
        } else if (S_ISREG(st.st_mode)) { /* not dirs, fifos, ... */
            rc = load_file(out, path.data, err);
            loaded++;
        }
    }
    if (rc == LG_OK && loaded == 0)
        rc = lg_error_set(err, LG_ENOTFOUND,
                          "no *.yml or *.yaml rule files in '%s'", dir);
    if (rc < 0)
        list_truncate(out, n0, f0);
    lg_buf_release(&path);
    lg_strlist_release(&names);
    return rc;
}

int lg_rules_load_path(struct lg_rule_list *out, const char *path,
                       struct lg_error *err)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return lg_error_set(err, LG_EIO, "cannot open '%s': %s", path,
                            strerror(errno));
    if (S_ISDIR(st.st_mode))
        return load_dir(out, path, err);
    return load_file(out, path, err);
}
