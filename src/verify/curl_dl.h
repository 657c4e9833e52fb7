/* libcurl, loaded on first use.
 *
 * leakguard does not link libcurl.  Most runs — a pre-commit hook above all
 * — never touch the network, and libcurl's dependency tree (TLS, Kerberos,
 * LDAP, SSH, compressors) costs milliseconds of dynamic linking at every
 * start.  Verification, revocation and notifications reach libcurl through
 * the table below instead, filled by dlopen()/dlsym() the first time one of
 * them asks for it.  <curl/curl.h> still supplies the types and constants,
 * and each pointer has the prototype of the function it stands for (field
 * `x` is `curl_x`), so calls are still checked at compile time — except the
 * per-option checks that curl's typecheck-gcc.h macros add to
 * curl_easy_setopt()/curl_easy_getinfo(), which need the real names. */
#ifndef LG_VERIFY_CURL_DL_H
#define LG_VERIFY_CURL_DL_H

#include <curl/curl.h>

#include "util/error.h"

/* The library that lg_curl_load() opens. */
#define LG_CURL_SONAME "libcurl.so.4"

struct lg_curl {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    void (*easy_reset)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *curl);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list,
                                       const char *data);
    void (*slist_free_all)(struct curl_slist *list);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *handle);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart what, const char *part,
                         unsigned int flags);
    CURLUcode (*url_get)(CURLU *handle, CURLUPart what, char **part,
                         unsigned int flags);
    void (*free)(void *p);
};

/* Load LG_CURL_SONAME once per process (thread-safe) and point *out at its
 * function table, which lives as long as the process.  When the library or
 * one of its functions is missing, *out is NULL and every call returns
 * LG_EUNSUPPORTED with the same message, e.g. "verification and
 * notifications need libcurl (libcurl.so.4): <dlerror text>; install
 * libcurl4".  Does not call curl_global_init(). */
int lg_curl_load(const struct lg_curl **out, struct lg_error *err);

/* What lg_curl_load() does once, with the library name as a parameter (for
 * tests).  Fills *c on success; the library is never closed.  On failure
 * *c is left zeroed and nothing stays loaded. */
int lg_curl_open(struct lg_curl *c, const char *soname, struct lg_error *err);

#endif
