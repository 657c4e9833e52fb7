/* A set of 20-byte object ids (SHA-1) for the git history walk: which
 * trees and blobs were already met.  Open addressing with linear probing
 * over a flat array (20 bytes a slot, load kept under 3/4), so memory is
 * about 27-54 bytes per object and there is no allocation per insert.
 * The all-zero id is not a valid member (git never names an object so).
 * Embedded: lg_oidset_init / lg_oidset_release.  Not thread-safe. */
#ifndef LG_SOURCE_OIDSET_H
#define LG_SOURCE_OIDSET_H

#include <stdbool.h>
#include <stddef.h>

#define LG_OID_RAWSZ 20

struct lg_oidset {
    unsigned char (*slot)[LG_OID_RAWSZ]; /* cap slots; zero = empty */
    size_t cap;                          /* a power of two, or 0 */
    size_t n;
};

void lg_oidset_init(struct lg_oidset *s);
void lg_oidset_release(struct lg_oidset *s);

/* Add id: returns 1 when it was new, 0 when already present, LG_ENOMEM
 * (the set is unchanged) or LG_EINVAL for the all-zero id. */
int lg_oidset_insert(struct lg_oidset *s, const unsigned char *id);
bool lg_oidset_has(const struct lg_oidset *s, const unsigned char *id);

#endif
