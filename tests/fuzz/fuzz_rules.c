/* Fuzz target: rule files (rule/rule.h, rule/ruleset.h) — the YAML parser,
 * then, for what parses, compilation (PCRE2 + Vectorscan), lint, and a
 * scan of every example with the compiled rules (patterns that backtrack
 * badly must stay within the engine's match limits).
 *
 * Oracles: a parse either appends rules or leaves the list untouched and
 * says where ("name:line:col: ..."); the same text parses the same way
 * twice; a parsed rule has a valid id, a pattern, max_len within its limit
 * and a position in the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/scanner.h"
#include "fuzz.h"
#include "rule/rule.h"
#include "rule/ruleset.h"

static void lint_cb(const char *msg, void *payload)
{
    (void)payload;
    LG_FUZZ_CHECK(msg && *msg);
}

static int count_cb(const struct lg_finding *f, void *payload)
{
    (void)f;
    ++*(size_t *)payload;
    return LG_OK;
}

static bool id_ok(const char *id)
{
    if (!id || !((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9')))
        return false;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') ||
              *id == '-'))
            return false;
    return true;
}

static void scan_text(struct lg_scanner *sc, const char *text)
{
    size_t n = 0;

    if (lg_scanner_begin(sc, "example", count_cb, &n) < 0)
        return;
    if (lg_scanner_feed(sc, text, strlen(text)) < 0) {
        lg_scanner_abort(sc);
        return;
    }
    (void)lg_scanner_end(sc);
}

/* Compile what parsed, lint it and scan each rule's examples. */
static void compile_and_scan(const char *text, size_t size)
{
    struct lg_scan_opts o = {.allow_comments = true, .max_decode_depth = 1};
    struct lg_ruleset *rs = NULL;
    struct lg_scanner *sc = NULL;
    struct lg_error err;

    if (lg_ruleset_new(&rs) < 0)
        return;
    if (lg_ruleset_add_text(rs, "fuzz.yml", text, size, &err) < 0)
        lg_fuzz_fail("lg_ruleset_add_text refuses what lg_rules_parse "
                     "accepted: %s",
                     err.msg);
    if (lg_ruleset_compile(rs, &err) < 0) {
        LG_FUZZ_CHECK(err.msg[0] != '\0');
        goto out;
    }
    LG_FUZZ_CHECK(lg_ruleset_lint(rs, lint_cb, NULL) >= 0);
    if (lg_scanner_new(&sc, rs, &o, &err) < 0)
        goto out;
    for (size_t i = 0; i < rs->n; i++) {
        const struct lg_rule *r = &rs->rules[i].rule;
        LG_FUZZ_CHECK(lg_ruleset_find(rs, r->id) == (long)i);
        for (size_t k = 0; k < r->n_examples; k++)
            scan_text(sc, r->examples[k].text);
        for (size_t k = 0; k < r->n_negatives; k++)
            scan_text(sc, r->negatives[k].text);
    }
out:
    lg_scanner_free(sc);
    lg_ruleset_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct lg_rule_list a, b;
    struct lg_error err;
    int rc, rc2;

    lg_rule_list_init(&a);
    lg_rule_list_init(&b);
    lg_error_clear(&err);
    rc = lg_rules_parse(&a, "fuzz.yml", text, size, &err);
    rc2 = lg_rules_parse(&b, "fuzz.yml", text, size, NULL);
    LG_FUZZ_CHECK(rc == rc2 && a.n == b.n);
    if (rc < 0) {
        LG_FUZZ_CHECK(a.n == 0);
        if (rc != LG_ENOMEM && strncmp(err.msg, "fuzz.yml:", 9) != 0)
            lg_fuzz_fail("parse error without a position: %s", err.msg);
        goto out;
    }
    for (size_t i = 0; i < a.n; i++) {
        const struct lg_rule *r = &a.v[i];
        LG_FUZZ_CHECK(id_ok(r->id) && r->name && r->pattern);
        LG_FUZZ_CHECK(r->max_len > 0 && r->max_len <= LG_RULE_MAX_LEN_LIMIT);
        LG_FUZZ_CHECK(r->pos.file && r->pos.line > 0);
        LG_FUZZ_CHECK(strcmp(r->id, b.v[i].id) == 0 &&
                      strcmp(r->pattern, b.v[i].pattern) == 0);
    }
    if (a.n)
        compile_and_scan(text, size);
out:
    lg_rule_list_release(&a);
    lg_rule_list_release(&b);
    return 0;
}
