/* SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), for the watch list's
 * keyed fingerprints.  Small and dependency-free; not a hot path. */
#ifndef LG_UTIL_SHA256_H
#define LG_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define LG_SHA256_LEN 32

struct lg_sha256 {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
};

void lg_sha256_init(struct lg_sha256 *c);
void lg_sha256_update(struct lg_sha256 *c, const void *data, size_t n);
void lg_sha256_final(struct lg_sha256 *c, unsigned char out[LG_SHA256_LEN]);

void lg_hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
                    unsigned char out[LG_SHA256_LEN]);

#endif
