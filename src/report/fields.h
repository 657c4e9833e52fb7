/* Pieces shared by the reporters (internal to src/report/).
 *
 * The JSON, JSONL and SARIF reporters describe a finding and a run summary
 * with the same fields; they are written here once.  Writers emit object
 * *members* (key/value pairs) into an object the caller has opened, so a
 * caller can add its own members around them.  JSON errors are sticky in the
 * writer (check lg_json_status()). */
#ifndef LG_REPORT_FIELDS_H
#define LG_REPORT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/finding.h"
#include "report/report.h"
#include "rule/rule.h"
#include "util/buf.h"
#include "util/json.h"

/* Cap of the buffer one report item (a finding object, a line) is built in
 * before it is written out: far above a 64 KiB secret escaped six times. */
#define LG_REPORT_ITEM_MAX (16u * 1024 * 1024)

/* The rule of a finding; a stand-in ("unknown") if it has none, so that a
 * reporter never dereferences NULL.  Never NULL. */
const struct lg_rule *lg_report_rule(const struct lg_finding *f);

/* The secret as it may be shown: the raw bytes when `show`, else the
 * redacted form.  Sets *s and *n (the raw secret may hold NUL bytes). */
void lg_report_secret(const struct lg_finding *f, bool show, const char **s,
                      size_t *n);

/* Members of a finding object (DESIGN §8): rule_id … tags, git provenance
 * when f->git.commit.  Returns LG_OK or LG_ENOMEM/LG_ELIMIT (snippet). */
int lg_report_write_finding(struct lg_json *j, const struct lg_finding *f,
                            bool show_secrets);

/* The "verification" member (status, provider, identity, checked_at,
 * detail) when the finding was checked; nothing otherwise. */
void lg_report_write_verification(struct lg_json *j,
                                  const struct lg_verification *v);

/* Members of a run summary object: counts, seconds, by_reason {}. */
void lg_report_write_summary(struct lg_json *j,
                             const struct lg_run_summary *sum);

/* Write b to out and release b's memory (b stays usable), so that a reporter
 * holds no memory between calls.  Returns LG_OK or LG_EIO. */
int lg_report_flush(FILE *out, struct lg_buf *b);

#endif
