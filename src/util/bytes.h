/* Big-endian integers in byte buffers (git's index and pack formats). */
#ifndef LG_UTIL_BYTES_H
#define LG_UTIL_BYTES_H

#include <stdint.h>

static inline uint32_t lg_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint64_t lg_be64(const unsigned char *p)
{
    return (uint64_t)lg_be32(p) << 32 | lg_be32(p + 4);
}

#endif
