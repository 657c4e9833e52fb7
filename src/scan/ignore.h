/* Suppressions: fingerprints and path globs from .leakguardignore files,
 * and fingerprints of a baseline report.
 *
 * .leakguardignore: one entry per line; '#' starts a comment; an entry of
 * 32 hex digits is a fingerprint, anything else a path glob (as --exclude).
 * A baseline is a previous leakguard JSON, JSONL or SARIF report: every
 * fingerprint it records ("fingerprint" fields, SARIF "leakguard/v1"
 * partial fingerprints) is suppressed, wherever the secret moved. */
#ifndef LG_SCAN_IGNORE_H
#define LG_SCAN_IGNORE_H

#include <stdbool.h>

#include "rule/rule.h"
#include "util/error.h"
#include "util/text.h"

#define LG_IGNORE_FILE_MAX (16u * 1024 * 1024)
#define LG_BASELINE_MAX (512u * 1024 * 1024)

struct lg_ignore {
    char (*fps)[LG_FINGERPRINT_LEN + 1]; /* sorted after lg_ignore_seal */
    size_t n, cap;
    struct lg_strlist globs;
    bool sealed;
};

void lg_ignore_init(struct lg_ignore *ig);
void lg_ignore_release(struct lg_ignore *ig);

/* Read a .leakguardignore file.  With must_exist false a missing file is
 * not an error. */
int lg_ignore_load_file(struct lg_ignore *ig, const char *path,
                        bool must_exist, struct lg_error *err);
/* Read the fingerprints of a baseline report. */
int lg_ignore_load_baseline(struct lg_ignore *ig, const char *path,
                            struct lg_error *err);
/* Sort for lookups; call once after loading. */
void lg_ignore_seal(struct lg_ignore *ig);

bool lg_ignore_has_fingerprint(const struct lg_ignore *ig, const char *fp);

#endif
