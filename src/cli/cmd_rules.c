/* leakguard rules list | test | lint, and leakguard version. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <archive.h>
#include <git2.h>
#include <hs/hs.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/cli.h"
#include "engine/scanner.h"
#include "rule/ruleset.h"
#include "rule/validate.h"
#include "util/text.h"

static int rules_list(const struct lg_cli *c, const struct lg_ruleset *rs)
{
    if (c->validators) {
        for (size_t i = 0; lg_validators[i].name; i++)
            printf("%s\t%s\n", lg_validators[i].name,
                   lg_validators[i].summary);
        return 0;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct lg_rule *r = &rs->rules[i].rule;
        if (rs->rules[i].disabled)
            continue;
        printf("%s\t%s\t%s\t%s\n", r->id, lg_severity_name(r->severity),
               lg_confidence_name(r->confidence), r->name);
    }
    return 0;
}

/* Findings of one rule on one text, as (offset, secret) pairs. */
struct collected {
    const struct lg_crule *want;
    char *secrets[16];   /* owned copies of the first 16 */
    uint64_t offsets[16];
    size_t n, total;
};

static void collected_release(struct collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->secrets[i]);
    c->n = 0;
}

static int collect(const struct lg_finding *f, void *payload)
{
    struct collected *col = payload;

    if (f->rule != col->want)
        return LG_OK;
    if (col->n < 16) {
        col->secrets[col->n] = lg_strndup(f->secret, f->secret_len);
        if (!col->secrets[col->n])
            return LG_ENOMEM;
        col->offsets[col->n] = f->offset;
        col->n++;
    }
    col->total++;
    return LG_OK;
}

/* Scan text in one piece and byte by byte; the results must agree. */
static int run_example(struct lg_scanner *sc, const struct lg_crule *cr,
                       const char *text, struct collected *one,
                       bool *chunk_mismatch)
{
    struct collected bytewise;
    size_t n = strlen(text);
    int rc;

    collected_release(one);
    memset(one, 0, sizeof(*one));
    memset(&bytewise, 0, sizeof(bytewise));
    one->want = bytewise.want = cr;
    lg_scanner_begin(sc, "(example)", collect, one);
    rc = lg_scanner_feed(sc, text, n);
    if (rc == LG_OK)
        rc = lg_scanner_end(sc);
    if (rc < 0)
        return rc;
    lg_scanner_begin(sc, "(example)", collect, &bytewise);
    for (size_t i = 0; i < n && rc == LG_OK; i++)
        rc = lg_scanner_feed(sc, text + i, 1);
    if (rc == LG_OK)
        rc = lg_scanner_end(sc);
    *chunk_mismatch = one->total != bytewise.total ||
                      memcmp(one->offsets, bytewise.offsets,
                             sizeof(one->offsets)) != 0;
    for (size_t i = 0; !*chunk_mismatch && i < one->n && i < bytewise.n; i++)
        *chunk_mismatch = strcmp(one->secrets[i], bytewise.secrets[i]) != 0;
    collected_release(&bytewise);
    return rc < 0 ? rc : LG_OK;
}

static void fail_at(const struct lg_example *e, const struct lg_rule *r,
                    const char *kind, size_t idx, const char *what)
{
    printf("%s:%u:%u: rule '%s': %s %zu: %s\n", e->pos.file ? e->pos.file : "?",
           e->pos.line, e->pos.col, r->id, kind, idx + 1, what);
}

static int rules_test(const struct lg_ruleset *rs)
{
    struct lg_scan_opts opts = {.allow_comments = true,
                                .max_decode_depth = 2,
                                .keep_overlaps = true};
    struct lg_scanner *sc = NULL;
    struct lg_error err;
    size_t passed = 0, failed = 0;

    lg_error_clear(&err);
    if (lg_scanner_new(&sc, rs, &opts, &err) < 0) {
        lg_cli_error("%s", err.msg);
        return LG_EXIT_ERROR;
    }
    for (size_t i = 0; i < rs->n; i++) {
        const struct lg_crule *cr = &rs->rules[i];
        const struct lg_rule *r = &cr->rule;
        struct collected col = {0};
        bool mismatch = false;

        if (cr->disabled)
            continue;
        for (size_t k = 0; k < r->n_examples; k++) {
            const struct lg_example *e = &r->examples[k];
            bool ok = run_example(sc, cr, e->text, &col, &mismatch) == LG_OK;
            char msg[400];

            msg[0] = '\0';
            if (!ok)
                snprintf(msg, sizeof(msg), "the engine failed");
            else if (col.total == 0)
                snprintf(msg, sizeof(msg), "does not match");
            else if (mismatch)
                snprintf(msg, sizeof(msg),
                         "results differ when fed byte by byte");
            else if (e->secret) {
                bool found = false;
                for (size_t m = 0; m < col.n; m++)
                    found |= strcmp(col.secrets[m], e->secret) == 0;
                if (!found)
                    snprintf(msg, sizeof(msg),
                             "extracted a %zu-byte secret at offset %llu, "
                             "expected the %zu-byte one given",
                             col.n ? strlen(col.secrets[0]) : (size_t)0,
                             (unsigned long long)col.offsets[0],
                             strlen(e->secret));
            }
            if (msg[0]) {
                fail_at(e, r, "example", k, msg);
                failed++;
            } else {
                passed++;
            }
            collected_release(&col);
        }
        for (size_t k = 0; k < r->n_negatives; k++) {
            const struct lg_example *e = &r->negatives[k];
            bool ok = run_example(sc, cr, e->text, &col, &mismatch) == LG_OK;

            collected_release(&col);
            if (!ok || col.total || mismatch) {
                fail_at(e, r, "negative example", k,
                        !ok ? "the engine failed"
                            : col.total ? "is reported"
                                        : "results differ when fed byte by "
                                          "byte");
                failed++;
            } else {
                passed++;
            }
        }
    }
    lg_scanner_free(sc);
    printf("rules test: %zu rules\n%zu passed, %zu failed\n", rs->n_enabled,
           passed, failed);
    return failed ? 1 : 0;
}

static void print_lint(const char *msg, void *payload)
{
    (void)payload;
    printf("%s\n", msg);
}

int lg_cmd_rules(struct lg_cli *c)
{
    struct lg_ruleset *rs;
    const char *sub = c->n_args ? c->args[0] : NULL;
    int rc;

    if (!sub || (strcmp(sub, "list") && strcmp(sub, "test") &&
                 strcmp(sub, "lint"))) {
        lg_cli_error("'rules' wants one of: list, test, lint");
        return LG_EXIT_USAGE;
    }
    if (c->n_args > 1) {
        lg_cli_error("unexpected argument '%s' (use --rules PATH)",
                     c->args[1]);
        return LG_EXIT_USAGE;
    }
    rs = lg_cli_load_rules(c);
    if (!rs)
        return strcmp(sub, "lint") == 0 ? 1 : LG_EXIT_USAGE;
    if (strcmp(sub, "list") == 0) {
        rc = rules_list(c, rs);
    } else if (strcmp(sub, "test") == 0) {
        rc = rules_test(rs);
    } else {
        long n = lg_ruleset_lint(rs, print_lint, NULL);
        printf("rules lint: %zu rules, %ld problem%s\n", rs->n_enabled,
               n < 0 ? 0 : n, n == 1 ? "" : "s");
        rc = n == 0 ? 0 : 1;
    }
    lg_ruleset_free(rs);
    return rc;
}

int lg_cmd_version(struct lg_cli *c)
{
    char pcre[64] = "";
    int major, minor, rev;

    (void)c;
    pcre2_config(PCRE2_CONFIG_VERSION, pcre);
    git_libgit2_version(&major, &minor, &rev);
    printf("leakguard %s\n", LG_VERSION);
    printf("pcre2 %s, vectorscan %s, libyaml %s, %s, libgit2 %d.%d.%d\n",
           pcre, hs_version(), yaml_get_version_string(),
           archive_version_string(), major, minor, rev);
    return 0;
}
