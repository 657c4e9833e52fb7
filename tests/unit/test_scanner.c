/* Streaming engine tests: findings must not depend on how the input is
 * split, across window boundaries too; line/column accounting; filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/scanner.h"
#include "rule/ruleset.h"

static const char RULES[] =
    "rules:\n"
    "  - id: tok\n"
    "    name: token\n"
    "    pattern: '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b'\n"
    "    keywords: [tk_]\n"
    "    max_len: 30\n"
    "    examples: ['tk_aB3dE5fG7hJ9kL1mN3pQ']\n"
    "    negative_examples: ['tk_short']\n"
    "  - id: pw\n"
    "    name: password\n"
    "    pattern: '(?i)password\\s{0,3}[=:]\\s{0,3}(?<secret>[A-Za-z0-9!#]{8,40})'\n"
    "    keywords: [password]\n"
    "    max_len: 60\n"
    "    min_entropy: 2.5\n"
    "    examples: ['password=Harbor#4407copperw7L']\n"
    "    negative_examples: ['password=aaaaaaaaaa']\n"
    "  - id: nokw\n"
    "    name: prefiltered by its own pattern\n"
    "    pattern: 'QQ(?<secret>[0-9]{10})QQ'\n"
    "    max_len: 14\n"
    "    examples: ['QQ9183746502QQ']\n"
    "    negative_examples: ['QQ123QQ']\n"
    "  - id: ctx\n"
    "    name: needs context\n"
    "    pattern: 'cid=(?<secret>[a-z0-9]{12})'\n"
    "    keywords: ['cid=']\n"
    "    max_len: 20\n"
    "    context: 'esignlive'\n"
    "    context_lines: 2\n"
    "    examples: [\"host esignlive\\ncid=k3j4h5g6f7d8\"]\n"
    "    negative_examples: ['cid=k3j4h5g6f7d8']\n"
    "  - id: pem\n"
    "    name: multi-line block\n"
    "    pattern: '-----BEGIN KEY-----\\n(?<secret>[A-Za-z0-9+/=\\n]{16,3000}?)-----END KEY-----'\n"
    "    keywords: ['-----BEGIN KEY-----']\n"
    "    max_len: 3040\n"
    "    examples: [\"-----BEGIN KEY-----\\nMIIBOgIBAAJBAKj34GkxFhD9\\n-----END KEY-----\"]\n"
    "    negative_examples: ['-----BEGIN KEY-----']\n";

struct rec {
    char rule[16];
    uint64_t offset, line, column, end_line, end_column;
    char secret[64];
    char decoded[32];
};

struct recs {
    struct rec v[65536];
    size_t n;
};

static int collect(const struct lg_finding *f, void *payload)
{
    struct recs *r = payload;
    struct rec *x;

    assert_true(r->n < 65536);
    x = &r->v[r->n++];
    snprintf(x->rule, sizeof(x->rule), "%s", f->rule->rule.id);
    x->offset = f->offset;
    x->line = f->line;
    x->column = f->column;
    x->end_line = f->end_line;
    x->end_column = f->end_column;
    snprintf(x->secret, sizeof(x->secret), "%.*s", (int)f->secret_len,
             f->secret);
    snprintf(x->decoded, sizeof(x->decoded), "%s",
             f->decoded ? f->decoded : "");
    return LG_OK;
}

struct fix {
    struct lg_ruleset *rs;
    struct lg_scanner *sc;
    struct lg_scanner *dec; /* with decoding, depth 2 */
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    struct lg_scan_opts o = {.allow_comments = true};
    struct lg_error err;

    assert_non_null(f);
    assert_int_equal(lg_ruleset_new(&f->rs), LG_OK);
    if (lg_ruleset_add_text(f->rs, "t.yml", RULES, sizeof(RULES) - 1, &err) ||
        lg_ruleset_compile(f->rs, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        fail();
    }
    assert_int_equal(lg_scanner_new(&f->sc, f->rs, &o, &err), LG_OK);
    o.max_decode_depth = 2;
    assert_int_equal(lg_scanner_new(&f->dec, f->rs, &o, &err), LG_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    lg_scanner_free(f->sc);
    lg_scanner_free(f->dec);
    lg_ruleset_free(f->rs);
    free(f);
    return 0;
}

/* Scan `text` split into pieces at the given cut points. */
static void scan_cuts(struct lg_scanner *sc, const char *text, size_t n,
                      const size_t *cuts, size_t ncuts, struct recs *out)
{
    size_t at = 0;

    out->n = 0;
    assert_int_equal(lg_scanner_begin(sc, "t", collect, out), LG_OK);
    for (size_t i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : n;
        assert_int_equal(lg_scanner_feed(sc, text + at, to - at), LG_OK);
        at = to;
    }
    assert_int_equal(lg_scanner_end(sc), LG_OK);
}

static void scan_all(struct lg_scanner *sc, const char *text, size_t n,
                     struct recs *out)
{
    scan_cuts(sc, text, n, NULL, 0, out);
}

static void assert_same(const struct recs *a, const struct recs *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->v[i].rule, b->v[i].rule);
        assert_int_equal(a->v[i].offset, b->v[i].offset);
        assert_int_equal(a->v[i].line, b->v[i].line);
        assert_int_equal(a->v[i].column, b->v[i].column);
        assert_int_equal(a->v[i].end_line, b->v[i].end_line);
        assert_int_equal(a->v[i].end_column, b->v[i].end_column);
        assert_string_equal(a->v[i].secret, b->v[i].secret);
    }
}

static const char SMALL[] =
    "x password = Harbor#4407copperw7L\r\n"
    "tk_aB3dE5fG7hJ9kL1mN3pQ and tk_zZ9yY8xX7wW6vV5uU4tT\n"
    "esignlive config\n"
    "cid=k3j4h5g6f7d8 # ok\n"
    "QQ9183746502QQ QQ12345QQ\n"
    "-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\n"
    "tk_aB3dE5fG7hJ9kL1mN3pQ leakguard:allow\n"
    "password=changeme\n";

static void test_small_findings(void **state)
{
    struct fix *f = *state;
    static struct recs r;

    scan_all(f->sc, SMALL, sizeof(SMALL) - 1, &r);
    assert_int_equal(r.n, 6);
    assert_string_equal(r.v[0].rule, "pw");
    assert_int_equal(r.v[0].line, 1);
    assert_int_equal(r.v[0].column, 14);
    assert_string_equal(r.v[0].secret, "Harbor#4407copperw7L");
    assert_string_equal(r.v[1].rule, "tok");
    assert_int_equal(r.v[1].line, 2);
    assert_int_equal(r.v[1].column, 1);
    assert_int_equal(r.v[2].column, 29);
    assert_string_equal(r.v[3].rule, "ctx");
    assert_int_equal(r.v[3].line, 4);
    assert_string_equal(r.v[4].rule, "nokw");
    assert_string_equal(r.v[5].rule, "pem");
    assert_int_equal(r.v[5].line, 7);
    assert_int_equal(r.v[5].end_line, 7);
}

/* Every single cut point, then every pair of nearby cut points. */
static void test_split_every_byte(void **state)
{
    struct fix *f = *state;
    static struct recs ref, got;
    size_t n = sizeof(SMALL) - 1;

    scan_all(f->sc, SMALL, n, &ref);
    for (size_t i = 0; i <= n; i++) {
        size_t cut = i;
        scan_cuts(f->sc, SMALL, n, &cut, 1, &got);
        assert_same(&ref, &got);
    }
    for (size_t i = 0; i + 7 <= n; i += 3) {
        size_t cuts[2] = {i, i + 7};
        scan_cuts(f->sc, SMALL, n, cuts, 2, &got);
        assert_same(&ref, &got);
    }
    /* byte by byte */
    {
        size_t *cuts = malloc(n * sizeof(*cuts));
        assert_non_null(cuts);
        for (size_t i = 0; i < n; i++)
            cuts[i] = i;
        scan_cuts(f->sc, SMALL, n, cuts, n, &got);
        assert_same(&ref, &got);
        free(cuts);
    }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A few MB of text with secrets planted everywhere, including dense runs of
 * keywords that keep intervals open across windows. */
static char *make_big(size_t n, size_t *planted)
{
    static const char *const items[] = {
        "tk_aB3dE5fG7hJ9kL1mN3pQ", "password: Quartz!4022quartzgDO",
        "QQ5091827364QQ", "password password password=Orbit!5919sunset9vd",
        "tk_tk_tk_aB3dE5fG7hJ9kL1mN3pX",
        "-----BEGIN KEY-----\nAAAABBBBCCCCDDDDEEEEFFFF\n-----END KEY-----",
    };
    static const char alpha[] = "abcdefghij klmnop\nqrstuv wxyz=_-";
    char *t = malloc(n + 1);
    size_t i = 0;

    assert_non_null(t);
    *planted = 0;
    while (i < n) {
        if (rnd() % 200 == 0) {
            const char *it = items[rnd() % 6];
            size_t m = strlen(it);
            if (i + m >= n)
                break;
            memcpy(t + i, it, m);
            i += m;
            (*planted)++;
        } else {
            t[i++] = alpha[rnd() % (sizeof(alpha) - 1)];
        }
    }
    n = i;
    t[n] = '\0';
    return t;
}

static void test_random_chunking_big(void **state)
{
    struct fix *f = *state;
    static struct recs ref, got;
    size_t planted, n;
    char *t = make_big(3 * 1024 * 1024 + 17, &planted);

    n = strlen(t);
    scan_all(f->sc, t, n, &ref);
    assert_true(ref.n > 100);
    for (int round = 0; round < 6; round++) {
        size_t cuts[64], nc = 0, at = 0;
        while (nc < 64) {
            size_t step = round % 2 ? 1 + rnd() % 70000 : 1 + rnd() % 600000;
            if (at + step >= n)
                break;
            at += step;
            cuts[nc++] = at;
        }
        scan_cuts(f->sc, t, n, cuts, nc, &got);
        assert_same(&ref, &got);
    }
    free(t);
}

/* Line numbers far into a big object are right (the counter survives
 * window moves). */
static void test_lines_across_windows(void **state)
{
    struct fix *f = *state;
    static struct recs r;
    size_t lines = 200000, n = 0;
    char *t = malloc(lines * 8 + 64);

    assert_non_null(t);
    for (size_t i = 0; i < lines; i++) {
        memcpy(t + n, "abcdef\n", 7);
        n += 7;
    }
    memcpy(t + n, "  tk_aB3dE5fG7hJ9kL1mN3pQ\n", 26);
    n += 26;
    scan_all(f->sc, t, n, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.v[0].line, lines + 1);
    assert_int_equal(r.v[0].column, 3);
    free(t);
}

static void test_filters(void **state)
{
    struct fix *f = *state;
    static struct recs r;
    static const char t[] =
        "password=${DB_PASSWORD}\n"       /* reference */
        "password=xxxxxxxxxxxx\n"         /* low variety */
        "password=aaaaaaaaaaaaab\n"       /* entropy */
        "password=myexamplepw99\n"        /* stop word */
        "cid=k3j4h5g6f7d8\n"              /* no context nearby */
        "tk_aB3dE5fG7hJ9kL1mN3pQ // leakguard:allow\n";

    scan_all(f->sc, t, sizeof(t) - 1, &r);
    assert_int_equal(r.n, 0);
}

static void test_empty_and_reuse(void **state)
{
    struct fix *f = *state;
    static struct recs r;

    scan_all(f->sc, "", 0, &r);
    assert_int_equal(r.n, 0);
    /* an aborted object leaves nothing behind for the next */
    assert_int_equal(lg_scanner_begin(f->sc, "a", collect, &r), LG_OK);
    assert_int_equal(lg_scanner_feed(f->sc, "tk_aB3dE5fG7hJ9kL1m", 19), LG_OK);
    lg_scanner_abort(f->sc);
    scan_all(f->sc, "N3pQ tk_aB3dE5fG7hJ9kL1mN3pQ", 28, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.v[0].offset, 5);
    /* a rule's last match in one object does not hide an earlier match in
     * the next (per-rule state is reset for the rules that had
     * candidates) */
    {
        static char big[8000];
        memset(big, ' ', sizeof(big));
        memcpy(big + 7000, "tk_aB3dE5fG7hJ9kL1mN3pQ", 23);
        scan_all(f->sc, big, sizeof(big), &r);
        assert_int_equal(r.n, 1);
        scan_all(f->sc, "tk_aB3dE5fG7hJ9kL1mN3pQ", 23, &r);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.v[0].offset, 0);
    }
}


struct dec_case {
    const char *text, *rule, *secret, *decoded;
    uint64_t line, column;
};

static void test_decoders(void **state)
{
    struct fix *f = *state;
    static struct recs r;
    static const struct dec_case c[] = {
        /* the key on the run's line gives the decoded value its context */
        {"x\n  password: SGFyYm9yIzQ0MDdjb3BwZXJ3N0w=\n", "pw", "Harbor#4407copperw7L", "base64", 2, 13},
        {"v=746f6b656e20746b5f7a5a397959387858377757367656357555347454;\n", "tok", "tk_zZ9yY8xX7wW6vV5uU4tT", "hex", 1, 3},
        {"u=https://h/?password%3DOrbit%215919sunset9vd&x=1\n", "pw",
         "Orbit!5919sunset9vd", "percent", 1, 1},
        {"deep: ZEd0ZllVSXpaRVUxWmtjM2FFbzVhMHd4YlU0emNGRWdZVzVrSUcxdmNtVWdkR1Y0ZEE9PQ==\n", "tok", "tk_aB3dE5fG7hJ9kL1mN3pQ", "base64+base64", 1, 7},
    };

    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        const char *text = c[i].text;

        scan_all(f->dec, text, strlen(text), &r);
        if (r.n != 1)
            fail_msg("case %zu: %zu findings", i, r.n);
        assert_string_equal(r.v[0].rule, c[i].rule);
        assert_string_equal(r.v[0].secret, c[i].secret);
        assert_string_equal(r.v[0].decoded, c[i].decoded);
        assert_int_equal(r.v[0].line, c[i].line);
        assert_int_equal(r.v[0].column, c[i].column);
        /* without decoding, the decoded secret is not found */
        scan_all(f->sc, text, strlen(text), &r);
        for (size_t k = 0; k < r.n; k++)
            assert_string_not_equal(r.v[k].secret, c[i].secret);
    }
}

/* Decoded findings do not depend on chunking either. */
static void test_decoders_split(void **state)
{
    struct fix *f = *state;
    static struct recs ref, got;
    static const char t[] =
        "a: 1\n  password: SGFyYm9yIzQ0MDdjb3BwZXJ3N0w=\nb=746f6b656e20746b5f7a5a397959387858377757367656357555347454;\ndeep: ZEd0ZllVSXpaRVUxWmtjM2FFbzVhMHd4YlU0emNGRWdZVzVrSUcxdmNtVWdkR1Y0ZEE9PQ==\n";

    scan_all(f->dec, t, sizeof(t) - 1, &ref);
    assert_int_equal(ref.n, 3);
    for (size_t i = 0; i <= sizeof(t) - 1; i++) {
        size_t cut = i;
        scan_cuts(f->dec, t, sizeof(t) - 1, &cut, 1, &got);
        assert_same(&ref, &got);
    }
}

static void test_decoder_rejects_binary(void **state)
{
    struct fix *f = *state;
    static struct recs r;
    /* random bytes, base64-encoded: decodes, but not to text */
    static const char t[] = "blob: q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=\n";

    scan_all(f->dec, t, sizeof(t) - 1, &r);
    assert_int_equal(r.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_findings),
        cmocka_unit_test(test_split_every_byte),
        cmocka_unit_test(test_random_chunking_big),
        cmocka_unit_test(test_lines_across_windows),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_empty_and_reuse),
        cmocka_unit_test(test_decoders),
        cmocka_unit_test(test_decoders_split),
        cmocka_unit_test(test_decoder_rejects_binary),
    };
    return cmocka_run_group_tests_name("scanner", tests, setup, teardown);
}
