/* Fuzz target: serialized rule lists (rule/serial.h), the form the
 * built-in rules are embedded in.
 *
 * Input: the blob itself.
 *
 * Oracles: a blob either appends all its rules and file names or nothing
 * and says why ("rule blob: ..."); an accepted blob holds the loader's
 * invariants, its positions point into the list's own file table, it
 * serializes back to exactly the input (the format has one encoding), and
 * appending it again to the same list gives the same rules with positions
 * in the second copy of the file table. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rule/rule.h"
#include "rule/serial.h"
#include "util/buf.h"

static long file_index(const struct lg_rule_list *l, const char *file)
{
    if (!file)
        return -1;
    for (size_t i = 0; i < l->n_files; i++)
        if (l->files[i] == file)
            return (long)i;
    lg_fuzz_fail("position outside the list's file table");
}

static void check_rule(const struct lg_rule_list *l, const struct lg_rule *r)
{
    LG_FUZZ_CHECK(r->id && r->name && r->pattern);
    LG_FUZZ_CHECK(r->max_len > 0 && r->max_len <= LG_RULE_MAX_LEN_LIMIT);
    (void)file_index(l, r->pos.file);
    for (size_t k = 0; k < r->n_examples; k++) {
        LG_FUZZ_CHECK(r->examples[k].text);
        (void)file_index(l, r->examples[k].pos.file);
    }
    for (size_t k = 0; k < r->n_negatives; k++) {
        LG_FUZZ_CHECK(r->negatives[k].text);
        (void)file_index(l, r->negatives[k].pos.file);
    }
}

/* The second copy's positions are the first's, shifted by nf files. */
static void check_shifted(const struct lg_rule_list *l,
                          const struct lg_srcpos *a, const struct lg_srcpos *b,
                          size_t nf)
{
    long ia = file_index(l, a->file), ib = file_index(l, b->file);

    LG_FUZZ_CHECK(a->line == b->line && a->col == b->col);
    LG_FUZZ_CHECK(ia < 0 ? ib < 0 : ib == ia + (long)nf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lg_rule_list l;
    struct lg_buf b;
    struct lg_error err;
    size_t n, nf;
    int rc;

    lg_rule_list_init(&l);
    lg_buf_init(&b, (size_t)64 << 20);
    lg_error_clear(&err);
    rc = lg_rules_deserialize(&l, data, size, &err);
    if (rc < 0) {
        LG_FUZZ_CHECK(l.n == 0 && l.n_files == 0 && err.code == rc);
        if (strncmp(err.msg, "rule blob: ", 11) != 0)
            lg_fuzz_fail("error without context: %s", err.msg);
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        check_rule(&l, &l.v[i]);
    if (lg_rules_serialize(&l, &b, &err) < 0)
        lg_fuzz_fail("accepted blob does not serialize: %s", err.msg);
    LG_FUZZ_CHECK(b.len == size && memcmp(b.data, data, size) == 0);
    n = l.n;
    nf = l.n_files;
    LG_FUZZ_CHECK(lg_rules_deserialize(&l, data, size, NULL) == LG_OK);
    LG_FUZZ_CHECK(l.n == 2 * n && l.n_files == 2 * nf);
    for (size_t i = 0; i < n; i++) {
        const struct lg_rule *x = &l.v[i], *y = &l.v[n + i];

        LG_FUZZ_CHECK(strcmp(x->id, y->id) == 0);
        check_shifted(&l, &x->pos, &y->pos, nf);
        for (size_t k = 0; k < x->n_examples; k++)
            check_shifted(&l, &x->examples[k].pos, &y->examples[k].pos, nf);
        for (size_t k = 0; k < x->n_negatives; k++)
            check_shifted(&l, &x->negatives[k].pos, &y->negatives[k].pos, nf);
    }
out:
    lg_buf_release(&b);
    lg_rule_list_release(&l);
    return 0;
}
