/* dlopen()/dlsym() loader behind curl_dl.h.
 *
 * The symbol list is a table of names and field offsets, so adding a
 * function is one field in struct lg_curl and one line here.  dlsym()
 * returns an object pointer; POSIX guarantees it converts to a function
 * pointer, and copying the bytes keeps ISO C (-Wpedantic) quiet about it.
 * The outcome of the first load, error message included, is kept: a later
 * caller gets the same answer without trying again. */
#include "verify/curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
               "function pointers must be as wide as void *");

#define SYM(field)                                                             \
    {                                                                          \
        "curl_" #field, offsetof(struct lg_curl, field)                        \
    }
static const struct {
    const char *name;
    size_t off;
} syms[] = {
    SYM(global_init),    SYM(easy_init),     SYM(easy_cleanup),
    SYM(easy_reset),     SYM(easy_setopt),   SYM(easy_perform),
    SYM(easy_getinfo),   SYM(easy_strerror), SYM(slist_append),
    SYM(slist_free_all), SYM(url),           SYM(url_cleanup),
    SYM(url_set),        SYM(url_get),       SYM(free),
};
#undef SYM

static int load_failed(struct lg_error *err, const char *soname,
                       const char *why)
{
    return lg_error_set(err, LG_EUNSUPPORTED,
                        "verification and notifications need libcurl (%s): "
                        "%s; install libcurl4",
                        soname, why ? why : "unknown dlopen error");
}

int lg_curl_open(struct lg_curl *c, const char *soname, struct lg_error *err)
{
    struct lg_curl t = {0};
    void *lib;

    memset(c, 0, sizeof(*c));
    lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return load_failed(err, soname, dlerror());
    for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
        void *p;

        dlerror();
        p = dlsym(lib, syms[i].name);
        if (!p) {
            int rc = load_failed(err, soname, dlerror());

            dlclose(lib);
            return rc;
        }
        memcpy((char *)&t + syms[i].off, &p, sizeof(p));
    }
    *c = t;
    return LG_OK;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct lg_curl curl;
static struct lg_error curl_err;
static int curl_rc;

static void load_once(void)
{
    lg_error_clear(&curl_err);
    curl_rc = lg_curl_open(&curl, LG_CURL_SONAME, &curl_err);
}

int lg_curl_load(const struct lg_curl **out, struct lg_error *err)
{
    pthread_once(&once, load_once);
    if (curl_rc < 0) {
        *out = NULL;
        return lg_error_set(err, curl_rc, "%s", curl_err.msg);
    }
    *out = &curl;
    return LG_OK;
}
