/* Fuzz target: every reporter (report/report.h) on synthetic findings,
 * notices and a summary whose strings come from the input — paths with
 * '!' members, control bytes, invalid UTF-8, git provenance, verification
 * results.
 *
 * Oracles: every call succeeds; json, sarif and gitlab output is one valid
 * JSON document and jsonl one valid document per line (strict validator:
 * valid UTF-8, no raw control bytes); and when secrets are redacted, no
 * format prints a secret that appears nowhere else in the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/finding.h"
#include "fuzz.h"
#include "report/report.h"
#include "rule/ruleset.h"
#include "util/text.h"

#define NSTR 24 /* strings taken from the input */

struct input {
    char *s[NSTR];
    size_t n[NSTR];
    uint8_t flags;
    uint32_t nums[8];
};

static void input_release(struct input *x)
{
    for (int i = 0; i < NSTR; i++)
        free(x->s[i]);
}

/* Strings are length-prefixed; the input may run out (empty strings). */
static int input_parse(struct input *x, struct lg_fuzz_in *in)
{
    memset(x, 0, sizeof(*x));
    x->flags = lg_fuzz_u8(in);
    for (int i = 0; i < 8; i++)
        x->nums[i] = lg_fuzz_u32(in);
    for (int i = 0; i < NSTR; i++) {
        size_t n;
        const uint8_t *p = lg_fuzz_bytes(in, lg_fuzz_u8(in), &n);
        x->s[i] = lg_strndup((const char *)p, n);
        x->n[i] = n;
        if (!x->s[i])
            return -1;
    }
    return 0;
}

/* A C string field: NULL when flagged so, else the input string (which
 * ends at its first NUL). */
static char *field(const struct input *x, int i)
{
    return (x->nums[7] >> (i % 32)) & 1 ? NULL : x->s[i];
}

static void make_finding(struct lg_finding *f, const struct input *x,
                         const struct lg_ruleset *rs, int k)
{
    static const char *const decoded[] = {NULL, "base64", "hex",
                                          "base64+percent"};
    uint32_t a = x->nums[k], b = x->nums[k + 2];

    memset(f, 0, sizeof(*f));
    f->rule = (a & 0x80000000u) ? NULL : &rs->rules[a % rs->n];
    f->path = x->s[k];
    f->secret = x->s[2];
    f->secret_len = x->n[2];
    lg_redact(f->secret, f->secret_len, f->redacted, sizeof(f->redacted));
    lg_fingerprint(f->rule ? f->rule->rule.id : "unknown", f->secret,
                   f->secret_len, f->fingerprint);
    f->offset = a;
    f->line = b % 100000;
    f->column = a % 5000;
    f->end_line = f->line + (b >> 20) % 4;
    f->end_column = (b >> 8) % 5000;
    f->line_before = field(x, 3 + k);
    f->line_after = field(x, 5 + k);
    f->decoded = decoded[b >> 30];
    f->identity = field(x, 7);
    f->entropy = (double)(a % 800) / 100.0;
    if (x->flags & 2) {
        f->git.commit = field(x, 8);
        f->git.author = field(x, 9);
        f->git.email = field(x, 10);
        f->git.date = field(x, 11);
        f->git.message = field(x, 12);
    }
    f->verification.status = (enum lg_verify_status)(b % 6);
    f->verification.provider = field(x, 13);
    f->verification.identity = field(x, 14);
    f->verification.detail = field(x, 15);
    snprintf(f->verification.checked_at, sizeof(f->verification.checked_at),
             "%.*s", (int)(sizeof(f->verification.checked_at) - 1), x->s[16]);
}

static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
    if (!m)
        return true;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

/* The secret is worth looking for in the output when it is long, plain
 * (escaping leaves it alone) and no other input string shares 8 bytes with
 * it: the redacted form shows its first 4 bytes, which a neighbouring
 * field's text could otherwise complete into the whole secret. */
static bool distinctive_secret(const struct input *x)
{
    const char *sec = x->s[2];
    size_t n = x->n[2];

    if (n < 12 || strlen(sec) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = sec[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return false;
    }
    for (int i = 0; i < NSTR; i++)
        for (size_t k = 0; i != 2 && k + 8 <= n; k++)
            if (contains(x->s[i], x->n[i], sec + k, 8))
                return false;
    return true;
}

static void check_json(const char *name, const char *out, size_t n)
{
    if (strcmp(name, "jsonl") == 0) {
        const char *line = out, *end = out + n;
        while (line < end) {
            const char *nl = memchr(line, '\n', (size_t)(end - line));
            size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);
            if (!lg_fuzz_json_valid(line, len, NULL))
                lg_fuzz_fail("jsonl: line is not valid JSON: %.*s", (int)len,
                             line);
            line += len + 1;
        }
    } else if (strcmp(name, "json") == 0 || strcmp(name, "sarif") == 0 ||
               strcmp(name, "gitlab") == 0) {
        if (!lg_fuzz_json_valid(out, n, NULL))
            lg_fuzz_fail("%s: output is not valid JSON:\n%s", name, out);
    }
}

static void run_reporter(const struct lg_reporter_ops *ops,
                         const struct input *x, struct lg_finding *fs,
                         size_t nf, const struct lg_notice *notes, size_t nn,
                         const struct lg_run_summary *sum,
                         const struct lg_ruleset *rs)
{
    struct lg_report_env env;
    char *out = NULL;
    size_t len = 0;
    void *ctx = calloc(1, ops->ctx_size ? ops->ctx_size : 1);
    int rc;

    if (!ctx)
        return;
    memset(&env, 0, sizeof(env));
    env.out = open_memstream(&out, &len);
    if (!env.out) {
        free(ctx);
        return;
    }
    env.show_secrets = x->flags & 1;
    env.color = x->flags & 4;
    env.rs = rs;
    env.tool_version = "0.0.0-fuzz";
    env.cwd = x->s[17][0] ? x->s[17] : "/";
    env.command_line = field(x, 18);
    rc = ops->begin(ctx, &env);
    for (size_t i = 0; rc == LG_OK && i < nf; i++)
        rc = ops->finding(ctx, &fs[i]);
    for (size_t i = 0; rc == LG_OK && i < nn; i++)
        rc = ops->notice(ctx, &notes[i]);
    if (rc == LG_OK)
        rc = ops->end(ctx, sum);
    else
        ops->end(ctx, sum); /* lets the reporter release what it holds */
    fclose(env.out);
    if (rc != LG_OK)
        lg_fuzz_fail("reporter %s failed: %s", ops->name, lg_strerror(rc));
    check_json(ops->name, out, len);
    if (!env.show_secrets && distinctive_secret(x) &&
        contains(out, len, x->s[2], x->n[2]))
        lg_fuzz_fail("reporter %s printed a redacted secret", ops->name);
    free(out);
    free(ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const reasons[] = {"binary", "corrupt-archive",
                                          "too-large", "expansion-ratio"};
    const struct lg_ruleset *rs = lg_fuzz_ruleset(false);
    struct lg_fuzz_in in = {data, size};
    struct lg_finding fs[2];
    struct lg_notice notes[2];
    struct lg_run_summary sum;
    struct input x;

    if (input_parse(&x, &in) < 0)
        goto done;
    make_finding(&fs[0], &x, rs, 0);
    make_finding(&fs[1], &x, rs, 1);
    if (x.flags & 8) { /* the second is a further location of the first */
        fs[0].locations = &fs[1];
        fs[0].n_locations = 1;
    }
    for (int i = 0; i < 2; i++) {
        notes[i].kind = (enum lg_notice_kind)(x.nums[4 + i] % 4);
        notes[i].reason = x.s[19 + i];
        notes[i].path = field(&x, 21 + i);
        notes[i].message = x.s[23 - i];
    }
    memset(&sum, 0, sizeof(sum));
    sum.objects_scanned = x.nums[0];
    sum.bytes_scanned = (uint64_t)x.nums[1] << 20;
    sum.objects_skipped = x.nums[2] % 7;
    sum.objects_failed = x.nums[3] % 3;
    sum.findings = 2;
    sum.rules = rs->n;
    sum.seconds = (double)(x.nums[6] % 100000) / 1000.0;
    sum.n_reasons = x.nums[6] % 5;
    for (size_t i = 0; i < sum.n_reasons; i++) {
        sum.reason[i] = reasons[i % 4];
        sum.reason_count[i] = i + 1;
    }
    for (size_t i = 0; lg_reporters[i]; i++)
        run_reporter(lg_reporters[i], &x, fs, (x.flags & 16) ? 1 : 2, notes,
                     (x.flags & 32) ? 0 : 2, &sum, rs);
done:
    input_release(&x);
    return 0;
}
