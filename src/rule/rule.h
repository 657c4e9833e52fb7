/* The rule model: what a rule file says, validated, before compilation.
 *
 * A rule file (YAML, see rules/README.md) holds a mapping with a `rules:`
 * sequence.  lg_rules_parse() turns it into struct lg_rule values with every
 * field checked and every problem reported as "file:line:col: message".
 * Compilation into matchers is the ruleset's job (rule/ruleset.h). */
#ifndef LG_RULE_RULE_H
#define LG_RULE_RULE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum lg_severity {
    LG_SEV_INFO = 0,
    LG_SEV_LOW,
    LG_SEV_MEDIUM,
    LG_SEV_HIGH,
    LG_SEV_CRITICAL
};

enum lg_confidence { LG_CONF_LOW = 0, LG_CONF_MEDIUM, LG_CONF_HIGH };

const char *lg_severity_name(enum lg_severity s);     /* "high" */
const char *lg_confidence_name(enum lg_confidence c); /* "medium" */
/* Parse a name; returns LG_OK or LG_EINVAL. */
int lg_severity_parse(const char *s, enum lg_severity *out);
int lg_confidence_parse(const char *s, enum lg_confidence *out);

struct lg_strlist {
    char **v;
    size_t n;
};

void lg_strlist_release(struct lg_strlist *l);
int lg_strlist_push(struct lg_strlist *l, const char *s); /* copies s */

/* Where something came from in a rule file (1-based; 0 when unknown). */
struct lg_srcpos {
    const char *file; /* borrowed from the rule set's file-name table */
    unsigned line, col;
};

struct lg_example {
    char *text;   /* the input to scan */
    char *secret; /* expected secret, or NULL: any match will do */
    struct lg_srcpos pos;
};

#define LG_RULE_MAX_LEN_LIMIT (64 * 1024) /* largest max_len accepted */
#define LG_CONTEXT_LINES_MAX 20
#define LG_PAIR_LINES_DEFAULT 5

struct lg_rule {
    char *id;          /* [a-z0-9][a-z0-9-]*, unique in a ruleset */
    char *name;        /* human title */
    char *description; /* help text; may be NULL */
    char *pattern;     /* PCRE2 pattern (compiled multiline, no UTF mode) */
    char *secret_group;/* group name or number as text; NULL = default */
    struct lg_strlist keywords;   /* prefilter literals, matched caselessly */
    size_t max_len;               /* longest match, bytes */
    double min_entropy;           /* of the secret, bits/byte; 0 = no check */
    enum lg_severity severity;
    enum lg_confidence confidence;
    char *context;                /* regex that must match near the finding */
    unsigned context_lines;       /* lines before/after searched for context */
    char *validate;               /* named structural validator, or NULL */
    char *pair_with;              /* id of the rule this one pairs with */
    unsigned pair_lines;          /* ... within this many lines */
    struct lg_strlist allow;      /* secret regexes that suppress a finding */
    struct lg_strlist allow_paths;/* path globs where the rule is silent */
    struct lg_strlist tags;
    struct lg_strlist references;
    struct lg_example *examples;
    size_t n_examples;
    struct lg_example *negatives;
    size_t n_negatives;
    struct lg_srcpos pos;         /* where the rule starts */
};

void lg_rule_release(struct lg_rule *r);

/* A growable list of parsed rules plus the file names they point to. */
struct lg_rule_list {
    struct lg_rule *v;
    size_t n, cap;
    char **files; /* owned file names referenced by lg_srcpos.file */
    size_t n_files;
};

void lg_rule_list_init(struct lg_rule_list *l);
void lg_rule_list_release(struct lg_rule_list *l);

/* Parse one rule file's text and append its rules to *out.  `name` is used
 * in messages and positions.  On error nothing is appended and *err holds
 * "name:line:col: message". */
int lg_rules_parse(struct lg_rule_list *out, const char *name,
                   const char *text, size_t len, struct lg_error *err);

/* Read and parse a rule file, or every *.yml / *.yaml file of a directory in
 * name order. */
int lg_rules_load_path(struct lg_rule_list *out, const char *path,
                       struct lg_error *err);

/* The rule files embedded in the binary at build time. */
struct lg_builtin_file {
    const char *name; /* e.g. "rules/onespan.yml" */
    const char *text;
    size_t len;
};
extern const struct lg_builtin_file lg_builtin_rules[];
extern const size_t lg_builtin_rules_count;

/* Append the built-in rules (all or nothing): the files above, parsed at
 * build time and embedded pre-parsed (rule/serial.h, rule/builtin.c). */
int lg_rules_load_builtin(struct lg_rule_list *out, struct lg_error *err);

#endif
