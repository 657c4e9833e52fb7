/* Finding filters that do not depend on a rule: placeholders, references to
 * variables, low-variety strings and well-known documentation values.
 * All take the raw secret bytes and are pure. */
#ifndef LG_ENGINE_FILTER_H
#define LG_ENGINE_FILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Does s[0..n) contain `lower` (a lower-case string), ignoring case? */
bool lg_contains_ci(const unsigned char *s, size_t n, const char *lower);

/* A reason code ("placeholder", "env-reference", "doc-example",
 * "low-variety") when the secret should not be reported, else NULL. */
const char *lg_filter_secret(const unsigned char *s, size_t n);

#endif
