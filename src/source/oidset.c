/* Object id set: ids are SHA-1 digests, so their first 8 bytes are already
 * a uniform hash; no mixing is needed. */
#include "source/oidset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define MIN_CAP 1024

static const unsigned char zero[LG_OID_RAWSZ];

/* 20-byte compares as three loads: this runs for every tree entry of a
 * history, and a library memcmp call costs more than the compare. */
static bool same(const unsigned char *a, const unsigned char *b)
{
    uint64_t a0, a1, b0, b1;
    uint32_t a2, b2;

    memcpy(&a0, a, 8);
    memcpy(&b0, b, 8);
    memcpy(&a1, a + 8, 8);
    memcpy(&b1, b + 8, 8);
    memcpy(&a2, a + 16, 4);
    memcpy(&b2, b + 16, 4);
    return ((a0 ^ b0) | (a1 ^ b1) | (uint64_t)(a2 ^ b2)) == 0;
}

void lg_oidset_init(struct lg_oidset *s)
{
    s->slot = NULL;
    s->cap = 0;
    s->n = 0;
}

void lg_oidset_release(struct lg_oidset *s)
{
    free(s->slot);
    lg_oidset_init(s);
}

static size_t home(const unsigned char *id, size_t cap)
{
    uint64_t h;

    memcpy(&h, id, sizeof(h));
    return (size_t)h & (cap - 1);
}

/* Index of id's slot, or of the empty slot where it would go. */
static size_t probe(const struct lg_oidset *s, const unsigned char *id)
{
    size_t i = home(id, s->cap);

    while (!same(s->slot[i], zero) && !same(s->slot[i], id))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static int grow(struct lg_oidset *s)
{
    size_t ncap = s->cap ? 2 * s->cap : MIN_CAP;
    struct lg_oidset bigger = {NULL, ncap, s->n};

    if (ncap < s->cap || ncap > SIZE_MAX / LG_OID_RAWSZ)
        return LG_ENOMEM;
    bigger.slot = calloc(ncap, LG_OID_RAWSZ);
    if (!bigger.slot)
        return LG_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (!same(s->slot[i], zero))
            memcpy(bigger.slot[probe(&bigger, s->slot[i])], s->slot[i],
                   LG_OID_RAWSZ);
    free(s->slot);
    *s = bigger;
    return LG_OK;
}

int lg_oidset_insert(struct lg_oidset *s, const unsigned char *id)
{
    size_t i;

    if (same(id, zero))
        return LG_EINVAL;
    if (4 * (s->n + 1) > 3 * s->cap) {
        /* Look first: a hit needs no room, and growing can fail. */
        if (s->cap && same(s->slot[probe(s, id)], id))
            return 0;
        if (grow(s) < 0)
            return LG_ENOMEM;
    }
    i = probe(s, id);
    if (same(s->slot[i], id))
        return 0;
    memcpy(s->slot[i], id, LG_OID_RAWSZ);
    s->n++;
    return 1;
}

bool lg_oidset_has(const struct lg_oidset *s, const unsigned char *id)
{
    if (!s->cap || same(id, zero))
        return false;
    return same(s->slot[probe(s, id)], id);
}
