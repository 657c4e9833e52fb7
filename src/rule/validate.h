/* Named structural validators a rule can ask for with `validate: NAME`.
 * They look at the extracted secret (and the whole match) and say whether it
 * has the structure the credential must have — e.g. a OneSpan API key must
 * be Base64 of "<id>:<secret>".  Pure functions; safe from any thread. */
#ifndef LG_RULE_VALIDATE_H
#define LG_RULE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

struct lg_validated {
    /* Optional non-secret identity to report (e.g. a decoded user id),
     * NUL-terminated; empty when none. */
    char identity[96];
};

struct lg_validator {
    const char *name;
    const char *summary;
    bool (*check)(const unsigned char *secret, size_t len,
                  struct lg_validated *out);
};

/* NULL when no validator has that name. */
const struct lg_validator *lg_validator_find(const char *name);

/* The table, terminated by an entry with name == NULL. */
extern const struct lg_validator lg_validators[];

#endif
