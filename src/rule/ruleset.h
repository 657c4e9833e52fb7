/* The compiled ruleset: immutable after lg_ruleset_compile(), shared
 * read-only by every scanner thread.
 *
 * Compilation turns each rule's pattern into a JIT-compiled PCRE2 code (the
 * exact matcher) and all rules' prefilter expressions into one Vectorscan
 * streaming database (the candidate finder).  A rule's prefilter is its
 * keywords (caseless literals) when it has some, else its own pattern in
 * HS_FLAG_PREFILTER mode.  See engine/scanner.c for how the two cooperate. */
#ifndef LG_RULE_RULESET_H
#define LG_RULE_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rule/rule.h"
#include "util/error.h"

struct lg_validator;  /* rule/validate.h */
struct lg_watchlist;  /* rule/watchlist.h */

/* Where the engine's decoders look for encoded runs: expression k of
 * lg_decode_hs_expr matches once at the end of each run of kind k.  The
 * percent one is in the Vectorscan database with id (number of rules + k);
 * the Base64 and hex ones are what engine/runends.h implements.  See
 * engine/decode.h. */
enum lg_decode_kind { LG_DEC_BASE64, LG_DEC_HEX, LG_DEC_PERCENT, LG_DEC_KINDS };
extern const char *const lg_decode_hs_expr[LG_DEC_KINDS];

/* One rule plus its compiled matchers. */
struct lg_crule {
    struct lg_rule rule;       /* owned */
    void *re;                  /* pcre2_code_8 * */
    void *context_re;          /* pcre2_code_8 * or NULL */
    void **allow_re;           /* pcre2_code_8 *[rule.allow.n] */
    uint32_t secret_group;     /* capture group number of the secret */
    size_t lookbehind;         /* PCRE2_INFO_MAXLOOKBEHIND */
    const struct lg_validator *validator; /* NULL if none */
    long pair;                 /* index of the pair_with rule, or -1 */
    bool disabled;             /* dropped by configuration */
};

struct lg_ruleset {
    struct lg_crule *rules;
    size_t n;
    struct lg_rule_list parsed; /* file names live here */
    void *hs_db;                /* hs_database_t *, streaming mode */
    size_t max_len;             /* max over rules of max_len */
    size_t max_lookbehind;      /* max PCRE2 look-behind over rules */
    size_t n_enabled;           /* rules not disabled */
    struct lg_strlist disabled_ids; /* from lg_ruleset_disable */
    char *cache_dir;            /* Vectorscan database cache, NULL = off */
    bool no_jit;                /* interpret patterns (small workloads) */
    struct lg_jit_slot *jit;    /* [n]: lazily JIT-compiled copies */
    struct lg_strlist allow_in; /* "rule\tkind\tvalue" from lg_ruleset_allow */
    void **global_allow_re;     /* pcre2_code_8 *: secrets never reported */
    size_t n_global_allow;
    struct lg_strlist stopwords;/* lower-case: secrets holding one are not */
    const struct lg_watchlist *watch; /* known credentials, or NULL */
    struct lg_crule watch_rule; /* rule `watchlist`, outside rules[] */
    bool cache_hit;             /* the database came from the cache */
    bool compiled;
};

int lg_ruleset_new(struct lg_ruleset **out);
void lg_ruleset_free(struct lg_ruleset *rs);

/* Adding rules (before compile).  A later rule with an id that already
 * exists replaces the earlier one, so --rules can override a default rule. */
int lg_ruleset_add_builtin(struct lg_ruleset *rs, struct lg_error *err);
int lg_ruleset_add_path(struct lg_ruleset *rs, const char *path,
                        struct lg_error *err);
int lg_ruleset_add_text(struct lg_ruleset *rs, const char *name,
                        const char *text, size_t len, struct lg_error *err);
/* Disable a rule by id (before compile); compiling fails on an unknown
 * id. */
int lg_ruleset_disable(struct lg_ruleset *rs, const char *id);

/* Cache the compiled Vectorscan database in `dir` (created 0700 when
 * missing; NULL turns caching off, the default).  The file is named by an
 * XXH3 hash of everything the database depends on — every expression, its
 * flags and id, the Vectorscan version and the platform — so a changed rule
 * or library never reuses a stale database; a file that fails its checksum
 * or does not deserialize is ignored and rewritten. */
int lg_ruleset_set_cache(struct lg_ruleset *rs, const char *dir);
/* Never JIT-compile the patterns.  By default a rule's pattern is
 * JIT-compiled the first time it is matched (lg_ruleset_code): ~25 us a
 * pattern, paid only by the rules whose keywords occur.  A pre-commit
 * hook's few kilobytes are confirmed as fast by the interpreter.  Results
 * are identical either way. */
void lg_ruleset_set_jit(struct lg_ruleset *rs, bool jit);

/* The compiled pattern (pcre2_code_8 *) to match rule k with: on the first
 * call for the rule, a JIT-compiled copy is made and published for every
 * thread; until then, or when JIT is off or fails, the interpreted one.
 * Thread-safe; rs must be compiled. */
const void *lg_ruleset_code(const struct lg_ruleset *rs, size_t k);

/* $XDG_CACHE_HOME/leakguard, else $HOME/.cache/leakguard; NULL if neither
 * is set.  Caller frees. */
char *lg_ruleset_default_cache_dir(void);

/* An allowlist entry (before compile): kind "secrets" (a regex on the
 * secret), "paths" (a glob; for one rule only — global path allowlists are
 * excludes) or "stopwords" (a substring, global only), for the rule `id`
 * or every rule (id NULL or "").  Compiling fails on an unknown id or an
 * invalid regex. */
int lg_ruleset_allow(struct lg_ruleset *rs, const char *id, const char *kind,
                     const char *value);

/* Report occurrences of the watch list's credentials as rule `watchlist`
 * (wl is borrowed; NULL or empty turns it off).  Call before compile. */
int lg_ruleset_set_watchlist(struct lg_ruleset *rs,
                             const struct lg_watchlist *wl);

/* The rule a finding's rule index refers to: rules[i], or the watch list
 * rule for index n. */
static inline const struct lg_crule *lg_ruleset_rule(
    const struct lg_ruleset *rs, size_t i)
{
    return i < rs->n ? &rs->rules[i] : &rs->watch_rule;
}

/* Compile every rule.  Errors name the rule and its file:line:col. */
int lg_ruleset_compile(struct lg_ruleset *rs, struct lg_error *err);

/* Index of a rule by id, or -1. */
long lg_ruleset_find(const struct lg_ruleset *rs, const char *id);

/* Problems `rules lint` reports beyond what parse and compile reject.
 * Calls cb once per problem with a "file:line:col: rule ID: message" text;
 * returns the number of problems (>= 0) or a negative error. */
typedef void (*lg_lint_cb)(const char *msg, void *payload);
long lg_ruleset_lint(const struct lg_ruleset *rs, lg_lint_cb cb,
                     void *payload);

#endif
