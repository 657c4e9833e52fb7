/* Unit tests for the rule-file loader (rule/rule.c, rule/load.c). */
/* cmocka needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rule/rule.h"

/* A rule whose body starts at line 3: lines 1-2 are HEAD, 3-6 CORE, so a
 * key appended after CORE is on line 7 (after CORE MAXLEN, line 8). */
#define HEAD "rules:\n  - id: r1\n"
#define CORE                                                                   \
    "    name: N\n"                                                            \
    "    pattern: 'x'\n"                                                       \
    "    examples: [a]\n"                                                      \
    "    negative_examples: [b]\n"
#define MAXLEN "    max_len: 10\n"
#define VALID HEAD CORE MAXLEN

static int parse(struct lg_rule_list *l, const char *text, struct lg_error *err)
{
    return lg_rules_parse(l, "t.yml", text, strlen(text), err);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* ---- the model --------------------------------------------------------- */

static void test_names(void **state)
{
    enum lg_severity s;
    enum lg_confidence c;

    (void)state;
    for (int i = LG_SEV_INFO; i <= LG_SEV_CRITICAL; i++) {
        assert_int_equal(lg_severity_parse(lg_severity_name(i), &s), LG_OK);
        assert_int_equal(s, i);
    }
    for (int i = LG_CONF_LOW; i <= LG_CONF_HIGH; i++) {
        assert_int_equal(lg_confidence_parse(lg_confidence_name(i), &c), LG_OK);
        assert_int_equal(c, i);
    }
    assert_string_equal(lg_severity_name(LG_SEV_HIGH), "high");
    assert_string_equal(lg_confidence_name(LG_CONF_MEDIUM), "medium");
    assert_string_equal(lg_severity_name((enum lg_severity)99), "unknown");
    assert_int_equal(lg_severity_parse("High", &s), LG_EINVAL);
    assert_int_equal(lg_severity_parse(NULL, &s), LG_EINVAL);
    assert_int_equal(lg_confidence_parse("", &c), LG_EINVAL);
}

static void test_strlist_and_null_release(void **state)
{
    struct lg_strlist l = {NULL, 0};
    char buf[16];

    (void)state;
    for (int i = 0; i < 100; i++) {
        snprintf(buf, sizeof(buf), "s%d", i);
        assert_int_equal(lg_strlist_push(&l, buf), LG_OK);
    }
    assert_int_equal(l.n, 100);
    assert_string_equal(l.v[0], "s0");
    assert_string_equal(l.v[99], "s99");
    assert_int_equal(lg_strlist_push(&l, NULL), LG_EINVAL);
    lg_strlist_release(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
    lg_strlist_release(NULL);
    lg_rule_release(NULL);
    lg_rule_list_release(NULL);
}

/* ---- valid files ------------------------------------------------------- */

static const char full_rule[] =
    "rules:\n"
    "  - id: github-pat\n"
    "    name: GitHub personal access token\n"
    "    description: >\n"
    "      Grants API access.\n"
    "    pattern: '\\b(?<secret>ghp_[A-Za-z0-9]{36})\\b'\n"
    "    secret_group: secret\n"
    "    keywords: [ghp_, gho_]\n"
    "    max_len: 80\n"
    "    min_entropy: 3.5\n"
    "    severity: critical\n"
    "    confidence: low\n"
    "    context: '(?i)github'\n"
    "    context_lines: 5\n"
    "    validate: jwt\n"
    "    allow: ['(?i)example']\n"
    "    allow_paths: ['**/testdata/**', 'docs/*']\n"
    "    tags: [vcs, github]\n"
    "    references: [https://docs.github.com/x]\n"
    "    examples:\n"
    "      - text: 'token = \"ghp_A\"'\n"
    "        secret: 'ghp_A'\n"
    "      - 'GITHUB_TOKEN=ghp_B'\n"
    "    negative_examples:\n"
    "      - 'ghp_xxxx'\n"
    "      - text: nothing here\n";

static void assert_pos(const struct lg_srcpos *p, const char *file,
                       unsigned line, unsigned col)
{
    assert_string_equal(p->file, file);
    assert_int_equal(p->line, line);
    assert_int_equal(p->col, col);
}

static void test_all_keys(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;
    const struct lg_rule *r;

    (void)state;
    lg_rule_list_init(&l);
    assert_int_equal(parse(&l, full_rule, &err), LG_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_files, 1);
    assert_string_equal(l.files[0], "t.yml");
    r = &l.v[0];
    assert_string_equal(r->id, "github-pat");
    assert_string_equal(r->name, "GitHub personal access token");
    assert_string_equal(r->description, "Grants API access.\n");
    assert_string_equal(r->pattern, "\\b(?<secret>ghp_[A-Za-z0-9]{36})\\b");
    assert_string_equal(r->secret_group, "secret");
    assert_int_equal(r->keywords.n, 2);
    assert_string_equal(r->keywords.v[0], "ghp_");
    assert_string_equal(r->keywords.v[1], "gho_");
    assert_int_equal(r->max_len, 80);
    assert_true(r->min_entropy == 3.5);
    assert_int_equal(r->severity, LG_SEV_CRITICAL);
    assert_int_equal(r->confidence, LG_CONF_LOW);
    assert_string_equal(r->context, "(?i)github");
    assert_int_equal(r->context_lines, 5);
    assert_string_equal(r->validate, "jwt");
    assert_int_equal(r->allow.n, 1);
    assert_string_equal(r->allow.v[0], "(?i)example");
    assert_int_equal(r->allow_paths.n, 2);
    assert_string_equal(r->allow_paths.v[0], "**/testdata/**");
    assert_string_equal(r->allow_paths.v[1], "docs/*");
    assert_int_equal(r->tags.n, 2);
    assert_string_equal(r->tags.v[1], "github");
    assert_int_equal(r->references.n, 1);
    assert_string_equal(r->references.v[0], "https://docs.github.com/x");
    assert_int_equal(r->n_examples, 2);
    assert_string_equal(r->examples[0].text, "token = \"ghp_A\"");
    assert_string_equal(r->examples[0].secret, "ghp_A");
    assert_pos(&r->examples[0].pos, "t.yml", 21, 9);
    assert_string_equal(r->examples[1].text, "GITHUB_TOKEN=ghp_B");
    assert_null(r->examples[1].secret);
    assert_pos(&r->examples[1].pos, "t.yml", 23, 9);
    assert_int_equal(r->n_negatives, 2);
    assert_string_equal(r->negatives[0].text, "ghp_xxxx");
    assert_null(r->negatives[0].secret);
    assert_pos(&r->negatives[0].pos, "t.yml", 25, 9);
    assert_string_equal(r->negatives[1].text, "nothing here");
    assert_pos(&r->negatives[1].pos, "t.yml", 26, 9);
    assert_pos(&r->pos, "t.yml", 2, 5);
    /* Positions borrow the list's file-name table. */
    assert_ptr_equal(r->pos.file, l.files[0]);
    assert_ptr_equal(r->examples[0].pos.file, l.files[0]);
    lg_rule_list_release(&l);
}

static void test_shorthand_and_defaults(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;
    const struct lg_rule *r;

    (void)state;
    lg_rule_list_init(&l);
    assert_int_equal(parse(&l,
                           VALID "  - id: r2\n" CORE MAXLEN "    context: 'k'\n"
                                 "  - id: 0-9\n" CORE MAXLEN
                                 "    min_entropy: .5\n"
                                 "    context: 'k'\n"
                                 "    context_lines: 0\n",
                           &err),
                     LG_OK);
    assert_int_equal(l.n, 3);
    r = &l.v[0];
    assert_string_equal(r->id, "r1");
    assert_int_equal(r->severity, LG_SEV_MEDIUM);
    assert_int_equal(r->confidence, LG_CONF_MEDIUM);
    assert_null(r->description);
    assert_null(r->secret_group);
    assert_null(r->context);
    assert_null(r->validate);
    assert_int_equal(r->context_lines, 0);
    assert_true(r->min_entropy == 0.0);
    assert_int_equal(r->keywords.n, 0);
    assert_int_equal(r->tags.n, 0);
    assert_int_equal(r->n_examples, 1);
    assert_string_equal(r->examples[0].text, "a");
    assert_null(r->examples[0].secret);
    assert_pos(&r->examples[0].pos, "t.yml", 5, 16);
    assert_int_equal(r->n_negatives, 1);
    assert_string_equal(r->negatives[0].text, "b");
    assert_int_equal(l.v[1].context_lines, 3); /* default with context */
    assert_pos(&l.v[1].pos, "t.yml", 8, 5);
    assert_string_equal(l.v[2].id, "0-9");
    assert_int_equal(l.v[2].context_lines, 0);
    assert_true(l.v[2].min_entropy == 0.5);
    lg_rule_list_release(&l);
}

static void test_empty_rules_and_appending(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;

    (void)state;
    lg_rule_list_init(&l);
    assert_int_equal(parse(&l, "rules: []\n", &err), LG_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.n_files, 1);
    assert_int_equal(parse(&l, VALID, &err), LG_OK);
    assert_int_equal(lg_rules_parse(&l, "u.yml", VALID, strlen(VALID), &err),
                     LG_OK);
    /* The same id in another call is not a duplicate: overriding is the
     * ruleset's business. */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.n_files, 3);
    assert_ptr_equal(l.v[0].pos.file, l.files[1]);
    assert_ptr_equal(l.v[1].pos.file, l.files[2]);
    assert_string_equal(l.v[1].pos.file, "u.yml");
    lg_rule_list_release(&l);
}

/* ---- rejections -------------------------------------------------------- */

struct bad_case {
    const char *yaml;
    int code;
    const char *msg;
};

#define ID65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define Q64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct bad_case bad_cases[] = {
    /* YAML itself */
    {"rules:\n  - id: a\n   name: b\n", LG_ESYNTAX,
     "t.yml:3:4: invalid yaml: did not find expected '-' indicator (while "
     "parsing a block collection at line 2 column 3)"},
    {"rules:\n\t- id: a\n", LG_ESYNTAX,
     "t.yml:2:1: invalid yaml: found character that cannot start any token "
     "(while scanning for the next token at line 2 column 1)"},
    {"rules: [a\n", LG_ESYNTAX,
     "t.yml:2:1: invalid yaml: did not find expected ',' or ']' (while "
     "parsing a flow sequence at line 1 column 8)"},
    {"rules:\n  - id: \xff\n", LG_ESYNTAX,
     "t.yml:2:9: invalid yaml: invalid leading UTF-8 octet"},
    {VALID "---\nrules: []\n", LG_ESYNTAX,
     "t.yml:8:1: more than one yaml document"},
    /* top level */
    {"", LG_ESYNTAX,
     "t.yml:1:1: empty rule file (expected a mapping with a 'rules' "
     "sequence)"},
    {"- a\n", LG_ESYNTAX,
     "t.yml:1:1: top level must be a mapping with a 'rules' sequence"},
    {"{}\n", LG_ESYNTAX, "t.yml:1:1: missing key 'rules'"},
    {"rule: []\n", LG_ESYNTAX, "t.yml:1:1: unknown key 'rule'"},
    {"rules: []\nrules: []\n", LG_ESYNTAX, "t.yml:2:1: duplicate key 'rules'"},
    {"rules: 3\n", LG_ESYNTAX, "t.yml:1:8: 'rules' must be a sequence"},
    {"rules:\n  - 3\n", LG_ESYNTAX, "t.yml:2:5: rule 1 must be a mapping"},
    {"? [a]\n: b\n", LG_ESYNTAX, "t.yml:1:3: keys must be strings"},
    /* keys */
    {VALID "    patern: y\n", LG_ESYNTAX,
     "t.yml:8:5: rule 'r1': unknown key 'patern'"},
    {VALID "    name: M\n", LG_ESYNTAX,
     "t.yml:8:5: rule 'r1': duplicate key 'name'"},
    {VALID "    [a]: b\n", LG_ESYNTAX,
     "t.yml:8:5: rule 'r1': keys must be strings"},
    {VALID "    \"a\\tb\": 1\n", LG_ESYNTAX,
     "t.yml:8:5: rule 'r1': unknown key 'a?b'"},
    {"rules:\n  - name: N\n    pattern: x\n    max_len: 1\n"
     "    examples: [a]\n    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:2:5: rule 1: missing key 'id'"},
    {HEAD "    pattern: x\n    max_len: 1\n    examples: [a]\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:2:5: rule 'r1': missing key 'name'"},
    {HEAD "    name: N\n    max_len: 1\n    examples: [a]\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:2:5: rule 'r1': missing key 'pattern'"},
    {HEAD CORE, LG_ESYNTAX, "t.yml:2:5: rule 'r1': missing key 'max_len'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:2:5: rule 'r1': missing key 'examples'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: [a]\n",
     LG_ESYNTAX, "t.yml:2:5: rule 'r1': missing key 'negative_examples'"},
    /* ids */
    {"rules:\n  - id: Bad_Id\n" CORE MAXLEN, LG_ESYNTAX,
     "t.yml:2:9: rule 1: invalid id 'Bad_Id' (expected [a-z0-9][a-z0-9-]*, "
     "at most 64 characters)"},
    {"rules:\n  - id: -a\n" CORE MAXLEN, LG_ESYNTAX,
     "t.yml:2:9: rule 1: invalid id '-a' (expected [a-z0-9][a-z0-9-]*, at "
     "most 64 characters)"},
    {"rules:\n  - id: ''\n" CORE MAXLEN, LG_ESYNTAX,
     "t.yml:2:9: rule 1: invalid id '' (expected [a-z0-9][a-z0-9-]*, at "
     "most 64 characters)"},
    {"rules:\n  - id: " ID65 "\n" CORE MAXLEN, LG_ESYNTAX,
     "t.yml:2:9: rule 1: invalid id '" Q64 "...' (expected "
     "[a-z0-9][a-z0-9-]*, at most 64 characters)"},
    {"rules:\n  - id: [a]\n" CORE MAXLEN, LG_ESYNTAX,
     "t.yml:2:9: rule 1: 'id' must be a string"},
    {VALID "  - id: r2\n" CORE MAXLEN "  - id: r1\n" CORE MAXLEN
           "  - id: r2\n" CORE MAXLEN,
     LG_ESYNTAX,
     /* the earliest repeat in file order is reported */
     "t.yml:14:5: rule 'r1': duplicate id 'r1' (first defined at line 2)"},
    /* numbers */
    {HEAD CORE "    max_len: 0\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: 65537\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: 99999999999999999999999999\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: 18446744073709551617\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: -1\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: '80'\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: 8.0\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: 0x10\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {HEAD CORE "    max_len: [1]\n", LG_ESYNTAX,
     "t.yml:7:14: rule 'r1': 'max_len' must be an integer from 1 to 65536"},
    {VALID "    min_entropy: 8.01\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'min_entropy' must be a number from 0 to 8"},
    {VALID "    min_entropy: -0.5\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'min_entropy' must be a number from 0 to 8"},
    {VALID "    min_entropy: .nan\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'min_entropy' must be a number from 0 to 8"},
    {VALID "    min_entropy: 1e999\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'min_entropy' must be a number from 0 to 8"},
    {VALID "    min_entropy: 3 bits\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'min_entropy' must be a number from 0 to 8"},
    {VALID "    context: k\n    context_lines: 21\n", LG_ESYNTAX,
     "t.yml:9:20: rule 'r1': 'context_lines' must be an integer from 0 to "
     "20"},
    {VALID "    context_lines: 2\n", LG_ESYNTAX,
     "t.yml:8:20: rule 'r1': 'context_lines' requires 'context'"},
    /* enumerations */
    {VALID "    severity: hgh\n", LG_ESYNTAX,
     "t.yml:8:15: rule 'r1': unknown severity 'hgh' (expected info, low, "
     "medium, high or critical)"},
    {VALID "    confidence: HIGH\n", LG_ESYNTAX,
     "t.yml:8:17: rule 'r1': unknown confidence 'HIGH' (expected low, medium "
     "or high)"},
    /* node types and empty values */
    {VALID "    description: [a]\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'description' must be a string"},
    {VALID "    description: {a: b}\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'description' must be a string"},
    {VALID "    validate:\n", LG_ESYNTAX,
     "t.yml:8:14: rule 'r1': 'validate' must not be empty"},
    {VALID "    context: ~\n", LG_ESYNTAX,
     "t.yml:8:14: rule 'r1': 'context' must not be empty"},
    {VALID "    secret_group: ''\n", LG_ESYNTAX,
     "t.yml:8:19: rule 'r1': 'secret_group' must not be empty"},
    {VALID "    description: \"a\\0b\"\n", LG_ESYNTAX,
     "t.yml:8:18: rule 'r1': 'description' contains a nul byte"},
    {VALID "    keywords: ghp_\n", LG_ESYNTAX,
     "t.yml:8:15: rule 'r1': 'keywords' must be a sequence of strings"},
    {VALID "    tags: [a, [b]]\n", LG_ESYNTAX,
     "t.yml:8:15: rule 'r1': 'tags' item 2 must be a string"},
    {VALID "    keywords: [a, '']\n", LG_ESYNTAX,
     "t.yml:8:19: rule 'r1': 'keywords' item 2 must not be empty"},
    /* examples */
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: []\n    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:6:15: rule 'r1': 'examples' must not be empty"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: [a]\n    negative_examples: []\n",
     LG_ESYNTAX,
     "t.yml:7:24: rule 'r1': 'negative_examples' must not be empty"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: a\n    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:6:15: rule 'r1': 'examples' must be a sequence"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: [a, [b]]\n    negative_examples: [b]\n",
     LG_ESYNTAX,
     "t.yml:6:19: rule 'r1': 'examples' item 2 must be a string or a "
     "mapping"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples:\n      - secret: s\n    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:7:9: rule 'r1': 'examples' item 1: missing key 'text'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples:\n      - text: t\n        secrt: s\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX,
     "t.yml:8:9: rule 'r1': 'examples' item 1: unknown key 'secrt'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples:\n      - text: t\n        text: u\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX,
     "t.yml:8:9: rule 'r1': 'examples' item 1: duplicate key 'text'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples:\n      - text: t\n        secret: [s]\n"
          "    negative_examples: [b]\n",
     LG_ESYNTAX,
     "t.yml:8:17: rule 'r1': 'examples' item 1: 'secret' must be a string"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: [a]\n"
          "    negative_examples:\n      - text: t\n        secret: s\n",
     LG_ESYNTAX,
     "t.yml:9:9: rule 'r1': 'negative_examples' item 1: unknown key "
     "'secret'"},
    {HEAD "    name: N\n    pattern: x\n    max_len: 1\n"
          "    examples: ['']\n    negative_examples: [b]\n",
     LG_ESYNTAX, "t.yml:6:16: rule 'r1': 'examples' item 1 must not be empty"},
    /* aliases would let a small file expand */
    {VALID "    tags: &t [a]\n  - id: r2\n" CORE MAXLEN "    tags: *t\n",
     LG_ESYNTAX, "t.yml:15:11: aliases are not supported"},
};

static void test_rejections(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const struct bad_case *bc = &bad_cases[i];
        struct lg_rule_list l;
        struct lg_error err;
        int rc;

        lg_rule_list_init(&l);
        lg_error_clear(&err);
        rc = parse(&l, bc->yaml, &err);
        if (rc != bc->code || strcmp(err.msg, bc->msg) != 0)
            print_message("case %zu: rc %d, got \"%s\"\n", i, rc, err.msg);
        assert_int_equal(rc, bc->code);
        assert_int_equal(err.code, bc->code);
        assert_string_equal(err.msg, bc->msg);
        assert_int_equal(l.n, 0);
        assert_int_equal(l.n_files, 0);
        lg_rule_list_release(&l);
    }
}

/* Huge inputs hit limits, not memory. */
static void test_limits(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;
    size_t n = 10001, size = 8 + n * 6 + 1, big = 4 * 1024 * 1024 + 1;
    char *text = malloc(size), *p = text;

    (void)state;
    assert_non_null(text);
    lg_rule_list_init(&l);
    p += snprintf(p, size, "rules:\n");
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, size - (size_t)(p - text), "  - 1\n");
    assert_int_equal(parse(&l, text, &err), LG_ELIMIT);
    assert_string_equal(err.msg, "t.yml:2:3: more than 10000 rules in one "
                                 "file");
    free(text);

    text = malloc(big);
    assert_non_null(text);
    memset(text, ' ', big);
    assert_int_equal(lg_rules_parse(&l, "t.yml", text, big, &err), LG_ELIMIT);
    assert_string_equal(err.msg, "'t.yml' is larger than 4194304 bytes");

    /* Deep flow nesting is quadratic in libyaml's scanner: stopped early. */
    memset(text, '[', big - 1);
    assert_int_equal(lg_rules_parse(&l, "t.yml", text, big - 1, &err),
                     LG_ELIMIT);
    assert_string_equal(err.msg, "t.yml:1:17: nesting deeper than 16 levels");
    free(text);
    assert_int_equal(
        parse(&l, "rules:\n- - - - - - - - - - - - - - - - x\n", &err),
        LG_ELIMIT);
    assert_string_equal(err.msg, "t.yml:2:31: nesting deeper than 16 levels");
    assert_int_equal(l.n, 0);
    assert_int_equal(l.n_files, 0);
    lg_rule_list_release(&l);
}

/* A failed parse leaves what was there before, even when it fails after
 * many rules were built. */
static void test_nothing_appended_on_error(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;
    const char *bad =
        VALID "  - id: r2\n" CORE MAXLEN "  - id: r3\n" CORE MAXLEN
              "  - id: r2\n" CORE MAXLEN;

    (void)state;
    lg_rule_list_init(&l);
    assert_int_equal(parse(&l, full_rule, &err), LG_OK);
    assert_int_equal(parse(&l, bad, &err), LG_ESYNTAX);
    assert_int_equal(parse(&l, VALID "    oops: 1\n", &err), LG_ESYNTAX);
    assert_int_equal(parse(&l, "rules: [", &err), LG_ESYNTAX);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_files, 1);
    assert_string_equal(l.v[0].id, "github-pat");
    assert_ptr_equal(l.v[0].pos.file, l.files[0]);
    lg_rule_list_release(&l);
}

/* ---- files, directories, builtin --------------------------------------- */

struct tmpdir {
    char path[64];
};

static int dir_setup(void **state)
{
    struct tmpdir *t = malloc(sizeof(*t));

    if (!t)
        return -1;
    snprintf(t->path, sizeof(t->path), "/tmp/lg-rule-load-XXXXXX");
    if (!mkdtemp(t->path)) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int dir_teardown(void **state)
{
    struct tmpdir *t = *state;
    static const char *const names[] = {"b.yml",         "a.yaml", "c.txt",
                                        ".hidden.yml",   "z.yml",  "x.yml",
                                        "empty/none.txt"};
    char p[128];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", t->path, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/d.yml", t->path);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/empty", t->path);
    rmdir(p);
    rmdir(t->path);
    free(t);
    return 0;
}

static void test_directory(void **state)
{
    struct tmpdir *t = *state;
    struct lg_rule_list l;
    struct lg_error err;
    char p[128], want[256], slash[128];

    lg_rule_list_init(&l);
    snprintf(p, sizeof(p), "%s/b.yml", t->path);
    write_file(p, "rules:\n  - id: from-b\n" CORE MAXLEN);
    snprintf(p, sizeof(p), "%s/a.yaml", t->path);
    write_file(p, "rules:\n  - id: from-a\n" CORE MAXLEN
                  "  - id: from-a2\n" CORE MAXLEN);
    snprintf(p, sizeof(p), "%s/c.txt", t->path);
    write_file(p, "not yaml: [");
    snprintf(p, sizeof(p), "%s/.hidden.yml", t->path);
    write_file(p, "not yaml: [");
    snprintf(p, sizeof(p), "%s/d.yml", t->path);
    assert_int_equal(mkdir(p, 0700), 0);

    assert_int_equal(lg_rules_load_path(&l, t->path, &err), LG_OK);
    assert_int_equal(l.n, 3);
    assert_int_equal(l.n_files, 2);
    assert_string_equal(l.v[0].id, "from-a");
    assert_string_equal(l.v[1].id, "from-a2");
    assert_string_equal(l.v[2].id, "from-b");
    snprintf(want, sizeof(want), "%s/a.yaml", t->path);
    assert_string_equal(l.files[0], want);
    assert_ptr_equal(l.v[1].pos.file, l.files[0]);
    assert_ptr_equal(l.v[2].pos.file, l.files[1]);

    /* A trailing slash gives the same names; a single file loads alone. */
    snprintf(slash, sizeof(slash), "%s/", t->path);
    assert_int_equal(lg_rules_load_path(&l, slash, &err), LG_OK);
    assert_int_equal(l.n, 6);
    assert_string_equal(l.files[2], want);
    assert_int_equal(lg_rules_load_path(&l, want, &err), LG_OK);
    assert_int_equal(l.n, 8);
    assert_string_equal(l.v[7].pos.file, want);

    /* One bad file: the directory loads nothing at all. */
    snprintf(p, sizeof(p), "%s/x.yml", t->path);
    write_file(p, "rules:\n  - id: x\n" CORE MAXLEN "    max_len: 2\n");
    assert_int_equal(lg_rules_load_path(&l, t->path, &err), LG_ESYNTAX);
    snprintf(want, sizeof(want),
             "%s/x.yml:8:5: rule 'x': duplicate key 'max_len'", t->path);
    assert_string_equal(err.msg, want);
    assert_int_equal(l.n, 8);
    assert_int_equal(l.n_files, 5);
    unlink(p);

    /* Directory with no rule files, and a missing path. */
    snprintf(p, sizeof(p), "%s/empty", t->path);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(want, sizeof(want), "%s/none.txt", p);
    write_file(want, "x");
    assert_int_equal(lg_rules_load_path(&l, p, &err), LG_ENOTFOUND);
    snprintf(want, sizeof(want), "no *.yml or *.yaml rule files in '%s'", p);
    assert_string_equal(err.msg, want);
    snprintf(p, sizeof(p), "%s/missing.yml", t->path);
    assert_int_equal(lg_rules_load_path(&l, p, &err), LG_EIO);
    snprintf(want, sizeof(want),
             "cannot open '%s/missing.yml': No such file or directory",
             t->path);
    assert_string_equal(err.msg, want);
    assert_int_equal(l.n, 8);
    lg_rule_list_release(&l);
}

static void test_builtin(void **state)
{
    struct lg_rule_list l;
    struct lg_error err;

    (void)state;
    lg_rule_list_init(&l);
    lg_error_clear(&err);
    assert_int_equal(lg_rules_load_builtin(&l, &err), LG_OK);
    assert_int_equal(l.n_files, lg_builtin_rules_count);
    for (size_t i = 0; i < l.n_files; i++)
        assert_string_equal(l.files[i], lg_builtin_rules[i].name);
    for (size_t i = 0; i < l.n; i++) {
        bool found = false;

        for (size_t k = 0; k < l.n_files; k++)
            found = found || l.v[i].pos.file == l.files[k];
        assert_true(found);
        assert_true(l.v[i].n_examples > 0);
    }
    lg_rule_list_release(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_strlist_and_null_release),
        cmocka_unit_test(test_all_keys),
        cmocka_unit_test(test_shorthand_and_defaults),
        cmocka_unit_test(test_empty_rules_and_appending),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nothing_appended_on_error),
        cmocka_unit_test_setup_teardown(test_directory, dir_setup,
                                        dir_teardown),
        cmocka_unit_test(test_builtin),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
