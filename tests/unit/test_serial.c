/* Unit tests for rule-list serialization (rule/serial.c) and the built-in
 * rules it carries (rule/builtin.c). */
/* cmocka needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule.h"
#include "rule/serial.h"
#include "util/buf.h"

#define BLOB_MAX ((size_t)64 * 1024 * 1024)

/* One rule using every key, one with the optional ones left out. */
/* clang-format off */
static const char two_rules[] =
    "rules:\n"
    "  - id: full\n"
    "    name: Every key\n"
    "    description: Some help.\n"
    "    pattern: '\\b(?<secret>tok_[a-z]{8})\\b'\n"
    "    secret_group: secret\n"
    "    keywords: [tok_, k2, k3, k4, k5]\n"
    "    max_len: 80\n"
    "    min_entropy: 3.14159\n"
    "    severity: critical\n"
    "    confidence: low\n"
    "    context: '(?i)token'\n"
    "    context_lines: 7\n"
    "    validate: jwt\n"
    "    pair_with: bare\n"
    "    pair_lines: 2\n"
    "    allow: ['(?i)example']\n"
    "    allow_paths: ['docs/*']\n"
    "    tags: [t]\n"
    "    references: [https://example.com/x]\n"
    "    examples:\n"
    "      - text: 'x = tok_abcdefgh'\n"
    "        secret: tok_abcdefgh\n"
    "      - 'tok_zzzzzzzz'\n"
    "    negative_examples: [tok_]\n"
    "  - id: bare\n"
    "    name: Few keys\n"
    "    pattern: 'bare_[0-9]+'\n"
    "    max_len: 20\n"
    "    examples: [bare_1]\n"
    "    negative_examples: [bare_]\n";
/* clang-format on */

static void parse_text(struct lg_rule_list *l, const char *name,
                       const char *text)
{
    struct lg_error err;

    lg_error_clear(&err);
    if (lg_rules_parse(l, name, text, strlen(text), &err) < 0)
        fail_msg("%s", err.msg);
}

/* The built-in rules parsed from their embedded YAML, as before. */
static void parse_builtin_yaml(struct lg_rule_list *l)
{
    struct lg_error err;

    for (size_t i = 0; i < lg_builtin_rules_count; i++) {
        const struct lg_builtin_file *f = &lg_builtin_rules[i];

        if (lg_rules_parse(l, f->name, f->text, f->len, &err) < 0)
            fail_msg("%s", err.msg);
    }
}

static void serialize(const struct lg_rule_list *l, struct lg_buf *b)
{
    struct lg_error err;

    lg_buf_init(b, BLOB_MAX);
    if (lg_rules_serialize(l, b, &err) < 0)
        fail_msg("%s", err.msg);
}

static void assert_str_opt(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_list(const struct lg_strlist *a, const struct lg_strlist *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        assert_string_equal(a->v[i], b->v[i]);
}

static long file_index(const struct lg_rule_list *l, const char *file)
{
    for (size_t i = 0; i < l->n_files; i++)
        if (l->files[i] == file)
            return (long)i;
    return -1;
}

/* Same position; b's file must be one of lb's own names (by pointer). */
static void assert_pos(const struct lg_rule_list *la, const struct lg_srcpos *a,
                       const struct lg_rule_list *lb, const struct lg_srcpos *b,
                       size_t b_file_base)
{
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->col, b->col);
    if (!a->file) {
        assert_null(b->file);
        return;
    }
    assert_int_equal(file_index(la, a->file) + (long)b_file_base,
                     file_index(lb, b->file));
    assert_string_equal(a->file, b->file);
}

static void assert_examples(const struct lg_rule_list *la,
                            const struct lg_example *a, size_t na,
                            const struct lg_rule_list *lb,
                            const struct lg_example *b, size_t nb, size_t base)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(a[i].text, b[i].text);
        assert_str_opt(a[i].secret, b[i].secret);
        assert_pos(la, &a[i].pos, lb, &b[i].pos, base);
    }
}

/* Every field of la's rules equals lb's from index b0 (files from fb0). */
static void assert_rules_equal(const struct lg_rule_list *la,
                               const struct lg_rule_list *lb, size_t b0,
                               size_t fb0)
{
    assert_int_equal(la->n, lb->n - b0);
    assert_int_equal(la->n_files, lb->n_files - fb0);
    for (size_t i = 0; i < la->n_files; i++)
        assert_string_equal(la->files[i], lb->files[fb0 + i]);
    for (size_t i = 0; i < la->n; i++) {
        const struct lg_rule *a = &la->v[i], *b = &lb->v[b0 + i];

        assert_string_equal(a->id, b->id);
        assert_string_equal(a->name, b->name);
        assert_str_opt(a->description, b->description);
        assert_string_equal(a->pattern, b->pattern);
        assert_str_opt(a->secret_group, b->secret_group);
        assert_list(&a->keywords, &b->keywords);
        assert_int_equal(a->max_len, b->max_len);
        assert_memory_equal(&a->min_entropy, &b->min_entropy, sizeof(double));
        assert_int_equal(a->severity, b->severity);
        assert_int_equal(a->confidence, b->confidence);
        assert_str_opt(a->context, b->context);
        assert_int_equal(a->context_lines, b->context_lines);
        assert_str_opt(a->validate, b->validate);
        assert_str_opt(a->pair_with, b->pair_with);
        assert_int_equal(a->pair_lines, b->pair_lines);
        assert_list(&a->allow, &b->allow);
        assert_list(&a->allow_paths, &b->allow_paths);
        assert_list(&a->tags, &b->tags);
        assert_list(&a->references, &b->references);
        assert_examples(la, a->examples, a->n_examples, lb, b->examples,
                        b->n_examples, fb0);
        assert_examples(la, a->negatives, a->n_negatives, lb, b->negatives,
                        b->n_negatives, fb0);
        assert_pos(la, &a->pos, lb, &b->pos, fb0);
    }
}

/* ---- round trips ------------------------------------------------------- */

static void test_builtin_round_trip(void **state)
{
    struct lg_rule_list yaml, back;
    struct lg_buf b1, b2;
    struct lg_error err;

    (void)state;
    lg_rule_list_init(&yaml);
    lg_rule_list_init(&back);
    parse_builtin_yaml(&yaml);
    assert_true(yaml.n > 100);
    serialize(&yaml, &b1);
    /* The embedded blob is what the embedded YAML gives today. */
    assert_int_equal(b1.len, lg_builtin_rules_blob_len);
    assert_memory_equal(b1.data, lg_builtin_rules_blob, b1.len);
    assert_int_equal(lg_rules_deserialize(&back, (const unsigned char *)b1.data,
                                          b1.len, &err),
                     LG_OK);
    assert_rules_equal(&yaml, &back, 0, 0);
    serialize(&back, &b2);
    assert_int_equal(b1.len, b2.len);
    assert_memory_equal(b1.data, b2.data, b1.len);
    lg_buf_release(&b1);
    lg_buf_release(&b2);
    lg_rule_list_release(&yaml);
    lg_rule_list_release(&back);
}

static void test_load_builtin(void **state)
{
    struct lg_rule_list yaml, l;
    struct lg_error err;
    const struct lg_rule *r = NULL;

    (void)state;
    lg_rule_list_init(&yaml);
    lg_rule_list_init(&l);
    parse_builtin_yaml(&yaml);
    assert_int_equal(lg_rules_load_builtin(&l, &err), LG_OK);
    assert_rules_equal(&yaml, &l, 0, 0);
    /* Spot checks against rules/github.yml. */
    for (size_t i = 0; i < l.n && !r; i++)
        if (strcmp(l.v[i].id, "github-pat") == 0)
            r = &l.v[i];
    assert_non_null(r);
    assert_string_equal(r->pos.file, "rules/github.yml");
    assert_true(r->pos.line > 0 && r->pos.col > 0);
    assert_int_equal(r->severity, LG_SEV_CRITICAL);
    assert_true(r->n_examples > 0 && r->n_negatives > 0);
    assert_ptr_equal(r->examples[0].pos.file, r->pos.file);
    lg_rule_list_release(&yaml);
    lg_rule_list_release(&l);
}

static void test_fields_and_append(void **state)
{
    struct lg_rule_list a, l;
    struct lg_buf b;
    struct lg_error err;
    const struct lg_rule *r;

    (void)state;
    lg_rule_list_init(&a);
    lg_rule_list_init(&l);
    parse_text(&a, "one.yml", two_rules);
    /* Positions without a file and numbers the YAML cannot spell. */
    a.v[1].pos.file = NULL;
    a.v[1].min_entropy = 0x1.fffffffffffffp+2; /* just under 8 */
    a.v[1].negatives[0].pos.file = NULL;
    serialize(&a, &b);
    /* Appended after rules already there, with file names of their own. */
    parse_text(&l, "zero.yml", two_rules);
    assert_int_equal(
        lg_rules_deserialize(&l, (const unsigned char *)b.data, b.len, &err),
        LG_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.n_files, 2);
    assert_rules_equal(&a, &l, 2, 1);
    r = &l.v[2];
    assert_ptr_equal(r->pos.file, l.files[1]);
    assert_ptr_equal(r->examples[1].pos.file, l.files[1]);
    assert_null(l.v[3].pos.file);
    assert_string_equal(r->description, "Some help.");
    assert_null(l.v[3].description);
    assert_null(l.v[3].secret_group);
    assert_null(r->examples[1].secret);
    assert_true(r->min_entropy == 3.14159);
    assert_true(l.v[3].min_entropy == 0x1.fffffffffffffp+2);
    assert_int_equal(r->pair_lines, 2);
    assert_int_equal(r->context_lines, 7);
    assert_int_equal(r->keywords.n, 5);
    /* Lists are sized as lg_strlist_push expects (ASan checks the rest). */
    for (int i = 0; i < 20; i++)
        assert_int_equal(lg_strlist_push(&l.v[2].keywords, "more"), LG_OK);
    assert_int_equal(lg_strlist_push(&l.v[3].tags, "new"), LG_OK);
    assert_string_equal(l.v[2].keywords.v[24], "more");
    lg_buf_release(&b);
    lg_rule_list_release(&a);
    lg_rule_list_release(&l);
}

static void test_empty_list(void **state)
{
    struct lg_rule_list a, l;
    struct lg_buf b;
    struct lg_error err;

    (void)state;
    lg_rule_list_init(&a);
    lg_rule_list_init(&l);
    serialize(&a, &b);
    assert_int_equal(b.len, 8 + 4 + 4 + 4);
    assert_int_equal(
        lg_rules_deserialize(&l, (const unsigned char *)b.data, b.len, &err),
        LG_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.n_files, 0);
    lg_buf_release(&b);
    lg_rule_list_release(&l);
}

/* ---- bad input --------------------------------------------------------- */

/* Deserialize into a list holding one rule: either all is appended or
 * nothing, and a failure says why. */
static int try_blob(const unsigned char *p, size_t n, struct lg_error *err)
{
    struct lg_rule_list l;
    int rc;

    lg_rule_list_init(&l);
    parse_text(&l, "pre.yml", two_rules);
    lg_error_clear(err);
    rc = lg_rules_deserialize(&l, p, n, err);
    if (rc < 0) {
        assert_int_equal(l.n, 2);
        assert_int_equal(l.n_files, 1);
        assert_true(err->msg[0] != '\0');
        assert_int_equal(err->code, rc);
    } else {
        struct lg_buf b;

        /* Whatever was accepted serializes again. */
        serialize(&l, &b);
        lg_buf_release(&b);
        for (size_t i = 0; i < l.n; i++)
            assert_true(l.v[i].pos.file == NULL ||
                        file_index(&l, l.v[i].pos.file) >= 0);
    }
    lg_rule_list_release(&l);
    return rc;
}

static void small_blob(struct lg_buf *b)
{
    struct lg_rule_list a;

    lg_rule_list_init(&a);
    parse_text(&a, "a.yml", two_rules);
    parse_text(&a, "b.yml", two_rules); /* same ids, another file */
    serialize(&a, b);
    lg_rule_list_release(&a);
}

static void test_truncations(void **state)
{
    struct lg_buf b;
    struct lg_error err;

    (void)state;
    small_blob(&b);
    for (size_t n = 0; n < b.len; n++) {
        /* A copy of exactly n bytes, so that ASan sees reads past it. */
        unsigned char *p = malloc(n ? n : 1);

        assert_non_null(p);
        memcpy(p, b.data, n);
        assert_true(try_blob(p, n, &err) < 0);
        free(p);
    }
    assert_int_equal(try_blob((const unsigned char *)b.data, b.len, &err),
                     LG_OK);
    lg_buf_release(&b);
}

static void test_byte_flips(void **state)
{
    static const unsigned char flips[] = {0x01, 0x80, 0xff, 0x7f, 0x10};
    struct lg_buf b;
    struct lg_error err;
    size_t failed = 0, total = 0;
    unsigned char *p;

    (void)state;
    small_blob(&b);
    p = malloc(b.len);
    assert_non_null(p);
    for (size_t i = 0; i < b.len; i++) {
        for (size_t k = 0; k < sizeof(flips); k++) {
            memcpy(p, b.data, b.len);
            p[i] ^= flips[k];
            failed += try_blob(p, b.len, &err) < 0;
            total++;
        }
    }
    /* Flips inside strings are valid blobs; most others are not. */
    assert_true(failed > 0 && failed < total);
    free(p);
    lg_buf_release(&b);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void test_errors(void **state)
{
    unsigned char h[32];
    struct lg_buf b;
    struct lg_error err;
    unsigned char *p;

    (void)state;
    memcpy(h, "LGRULES\0", 8);
    put32(h + 8, LG_RULES_BLOB_VERSION);
    put32(h + 12, 0); /* files */
    put32(h + 16, 0); /* rules */
    assert_int_equal(try_blob(h, 20, &err), LG_OK);
    assert_int_equal(try_blob(h, 21, &err), LG_ESYNTAX);
    assert_string_equal(
        err.msg, "rule blob: byte 20 (end): 1 bytes after the last rule");
    put32(h + 8, LG_RULES_BLOB_VERSION + 1);
    assert_int_equal(try_blob(h, 20, &err), LG_EUNSUPPORTED);
    assert_string_equal(err.msg, "rule blob: format version 2, expected 1");
    put32(h + 8, LG_RULES_BLOB_VERSION);
    h[0] = 'X';
    assert_int_equal(try_blob(h, 20, &err), LG_ESYNTAX);
    assert_string_equal(err.msg, "rule blob: bad magic");
    h[0] = 'L';
    /* A count the bytes left cannot hold is refused before allocating. */
    put32(h + 12, 0xfffffff0u);
    assert_int_equal(try_blob(h, 20, &err), LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "count 4294967280 exceeds"));
    /* A NULL file name, then a name with a nul byte. */
    put32(h + 12, 1);
    put32(h + 16, 0xffffffffu);
    assert_int_equal(try_blob(h, 20, &err), LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "NULL where a string is required"));
    put32(h + 16, 1);
    h[20] = '\0';
    put32(h + 21, 0);
    assert_int_equal(try_blob(h, 25, &err), LG_ESYNTAX);
    assert_non_null(strstr(err.msg, "nul byte"));
    assert_int_equal(try_blob(NULL, 0, &err), LG_EINVAL);

    /* Out-of-range values in an otherwise good blob: the first rule's
     * severity follows its id..secret_group strings, keywords and two
     * u64s; find it by serializing a known rule. */
    small_blob(&b);
    p = malloc(b.len);
    assert_non_null(p);
    {
        /* header 8+4, files: 4 + (4+5) * 2 ("a.yml", "b.yml"), rules 4 */
        size_t off = 12 + 4 + 2 * (4 + 5) + 4;
        static const char *const strs[] = {"full", "Every key", "Some help.",
                                           "\\b(?<secret>tok_[a-z]{8})\\b",
                                           "secret"};
        static const char *const kw[] = {"tok_", "k2", "k3", "k4", "k5"};

        for (size_t i = 0; i < 5; i++)
            off += 4 + strlen(strs[i]);
        off += 4;
        for (size_t i = 0; i < 5; i++)
            off += 4 + strlen(kw[i]);
        /* max_len */
        memcpy(p, b.data, b.len);
        put32(p + off, LG_RULE_MAX_LEN_LIMIT + 1);
        assert_int_equal(try_blob(p, b.len, &err), LG_ESYNTAX);
        assert_non_null(strstr(err.msg, "rule 1"));
        /* min_entropy: NaN bits */
        memcpy(p, b.data, b.len);
        put32(p + off + 8, 0);
        put32(p + off + 12, 0x7ff80000u);
        assert_int_equal(try_blob(p, b.len, &err), LG_ESYNTAX);
        assert_non_null(strstr(err.msg, "min_entropy"));
        /* severity, confidence */
        memcpy(p, b.data, b.len);
        put32(p + off + 16, LG_SEV_CRITICAL + 1);
        assert_int_equal(try_blob(p, b.len, &err), LG_ESYNTAX);
        memcpy(p, b.data, b.len);
        put32(p + off + 20, 0xffffffffu);
        assert_int_equal(try_blob(p, b.len, &err), LG_ESYNTAX);
        /* the original still loads */
        memcpy(p, b.data, b.len);
        assert_int_equal(try_blob(p, b.len, &err), LG_OK);
    }
    free(p);
    lg_buf_release(&b);
}

static void test_serialize_rejects(void **state)
{
    struct lg_rule_list a;
    struct lg_buf b;
    struct lg_error err;
    static const char elsewhere[] = "elsewhere.yml";
    char *id;

    (void)state;
    lg_rule_list_init(&a);
    parse_text(&a, "a.yml", two_rules);
    lg_buf_init(&b, BLOB_MAX);
    /* A file found by name, not pointer, is fine. */
    a.v[0].pos.file = "a.yml";
    assert_int_equal(lg_rules_serialize(&a, &b, &err), LG_OK);
    lg_buf_clear(&b);
    a.v[0].pos.file = elsewhere;
    assert_int_equal(lg_rules_serialize(&a, &b, &err), LG_EINVAL);
    assert_non_null(strstr(err.msg, "elsewhere.yml"));
    a.v[0].pos.file = a.files[0];
    lg_buf_clear(&b);
    id = a.v[1].id;
    a.v[1].id = NULL;
    assert_int_equal(lg_rules_serialize(&a, &b, &err), LG_EINVAL);
    assert_string_equal(err.msg,
                        "rule blob: rule 2: id, name or pattern missing");
    a.v[1].id = id;
    /* The output cap is honoured. */
    lg_buf_release(&b);
    lg_buf_init(&b, 100);
    assert_int_equal(lg_rules_serialize(&a, &b, &err), LG_ELIMIT);
    lg_buf_release(&b);
    lg_rule_list_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_round_trip),
        cmocka_unit_test(test_load_builtin),
        cmocka_unit_test(test_fields_and_append),
        cmocka_unit_test(test_empty_list),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_byte_flips),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_serialize_rejects),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
