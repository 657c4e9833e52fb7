/* Small text utilities shared by the engine and the reporters: secret
 * fingerprints, redaction, Shannon entropy, path globs. */
#ifndef LG_UTIL_TEXT_H
#define LG_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define LG_FINGERPRINT_LEN 32 /* hex characters, without terminator */

/* XXH3-128 of (rule_id, NUL, secret) as 32 lower-case hex digits + NUL:
 * stable when lines move or files are renamed. */
void lg_fingerprint(const char *rule_id, const void *secret, size_t len,
                    char out[LG_FINGERPRINT_LEN + 1]);

/* Redacted form of a secret: a short prefix, "…" and the length, e.g.
 * "AKIA…(20)".  Prefix: 4 bytes for secrets of 16+ bytes, 2 for 8..15,
 * none below; bytes that are not printable ASCII are not shown.
 * Writes at most outsz bytes including the terminator. */
void lg_redact(const void *secret, size_t len, char *out, size_t outsz);
#define LG_REDACT_MAX 32

/* Shannon entropy of the bytes, in bits per byte (0 .. 8). */
double lg_entropy(const void *data, size_t len);

/* Glob match of a '/'-separated path: '*' and '?' do not cross '/', '**'
 * matches any number of path components, '[...]' classes as in fnmatch.
 * A pattern without '/' matches the last component (like .gitignore). */
bool lg_glob_match(const char *pattern, const char *path);

/* Duplicate an optional string: NULL stays NULL; on allocation failure
 * returns NULL and sets *rc to LG_ENOMEM. */
char *lg_strdup_opt(const char *s, int *rc);

/* Duplicate n bytes as a NUL-terminated string; NULL on allocation failure. */
char *lg_strndup(const char *s, size_t n);

#endif
