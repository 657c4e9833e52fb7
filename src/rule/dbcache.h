/* On-disk cache of compiled Vectorscan databases (see dbcache.c). */
#ifndef LG_RULE_DBCACHE_H
#define LG_RULE_DBCACHE_H

#include <stddef.h>
#include <stdint.h>

/* Key of the database compiled from these expressions in this mode. */
uint64_t lg_dbcache_key(const char *const *expr, const unsigned *flags,
                        const unsigned *ids, size_t n, unsigned mode);
/* The cached hs_database_t * for key, or NULL (missing, stale, damaged). */
void *lg_dbcache_load(const char *dir, uint64_t key);
/* Store db under key; failures are ignored (the cache is an optimisation). */
void lg_dbcache_store(const char *dir, uint64_t key, const void *db);

#endif
