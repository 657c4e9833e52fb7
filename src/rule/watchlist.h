/* The DLP watch list: an organisation's own known credentials, stored only
 * as keyed fingerprints.
 *
 * File (text, mode 0600):
 *     # leakguard watch list v1 …
 *     key <64 hex digits>                  random HMAC key of this list
 *     <length> <64 hex digits> <label>     HMAC-SHA256(key, credential)
 * The plaintext never touches disk.  A scan looks at every token of the
 * text (and of decoded text) whose length is one of the watched lengths,
 * and reports a match as rule `watchlist`, whatever rule would or would not
 * have matched it. */
#ifndef LG_RULE_WATCHLIST_H
#define LG_RULE_WATCHLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/sha256.h"

#define LG_WATCH_MIN_LEN 8
#define LG_WATCH_MAX_LEN 256
#define LG_WATCH_LABEL_MAX 128

struct lg_watch_entry {
    size_t len;
    unsigned char mac[LG_SHA256_LEN];
    char label[LG_WATCH_LABEL_MAX];
};

struct lg_watchlist {
    unsigned char key[32];
    bool has_key;
    struct lg_watch_entry *v; /* sorted by (len, mac) once sealed */
    size_t n, cap;
    uint64_t lengths[(LG_WATCH_MAX_LEN + 64) / 64]; /* bitmap of lengths */
};

void lg_watchlist_init(struct lg_watchlist *wl);
void lg_watchlist_release(struct lg_watchlist *wl);

/* Load `path`; a missing file is an empty list unless must_exist. */
int lg_watchlist_load(struct lg_watchlist *wl, const char *path,
                      bool must_exist, struct lg_error *err);
/* Write atomically (temp file + rename), mode 0600, creating the directory
 * with mode 0700. */
int lg_watchlist_save(const struct lg_watchlist *wl, const char *path,
                      struct lg_error *err);
/* Add a credential (LG_WATCH_MIN_LEN..LG_WATCH_MAX_LEN bytes); makes the key
 * on first use.  LG_EINVAL if it is already watched. */
int lg_watchlist_add(struct lg_watchlist *wl, const void *secret, size_t len,
                     const char *label, struct lg_error *err);
/* Remove entries whose label is `what` or whose MAC starts with the hex
 * digits in `what` (at least 8); returns how many were removed. */
size_t lg_watchlist_remove(struct lg_watchlist *wl, const char *what);
/* Sort for lookups (after load/add/remove). */
void lg_watchlist_seal(struct lg_watchlist *wl);

/* Is this exact byte string watched?  Returns its label or NULL.  Cheap
 * when the length is not a watched length. */
const char *lg_watchlist_match(const struct lg_watchlist *wl, const void *p,
                               size_t n);

/* $XDG_CONFIG_HOME/leakguard/watchlist, else ~/.config/…; NULL when
 * neither variable is set.  Caller frees. */
char *lg_watchlist_default_path(void);

#endif
