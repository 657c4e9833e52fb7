/* Growable byte buffer with a mandatory cap.
 *
 * Every buffer fed by input has a maximum size set at init; growing past it
 * fails with LG_ELIMIT instead of exhausting memory.  `data` is always
 * NUL-terminated (one extra byte is kept) so text can be used as a C string.
 * Embedded: lg_buf_init / lg_buf_release; lg_buf_detach hands the memory to
 * the caller (free() it). */
#ifndef LG_UTIL_BUF_H
#define LG_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct lg_buf {
    char *data;  /* NULL until the first append; NUL-terminated after */
    size_t len;  /* bytes used, not counting the terminator */
    size_t cap;  /* bytes allocated, not counting the terminator */
    size_t max;  /* hard cap on len */
};

void lg_buf_init(struct lg_buf *b, size_t max);
void lg_buf_release(struct lg_buf *b);
void lg_buf_clear(struct lg_buf *b);                 /* len = 0, keeps memory */
int lg_buf_reserve(struct lg_buf *b, size_t extra);  /* LG_ENOMEM / LG_ELIMIT */
int lg_buf_append(struct lg_buf *b, const void *p, size_t n);
int lg_buf_puts(struct lg_buf *b, const char *s);
int lg_buf_putc(struct lg_buf *b, char c);
int lg_buf_printf(struct lg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int lg_buf_vprintf(struct lg_buf *b, const char *fmt, va_list ap);
/* Returns the data (never NULL: an empty buffer gives "") and resets *b. */
char *lg_buf_detach(struct lg_buf *b);

/* Room for element n of array v (cap elements of `size` bytes): v itself
 * while n < *cap, else v grown to twice *cap (or `first` elements) with
 * *cap updated.  NULL when out of memory or on overflow; v is then left as
 * it was.  Usage: if (!(t = lg_grow(a->v, &a->cap, a->n, sizeof(*a->v),
 * 16))) return LG_ENOMEM; a->v = t; */
void *lg_grow(void *v, size_t *cap, size_t n, size_t size, size_t first);

/* Read a whole file into *b (appending).  Fails with LG_ELIMIT when it is
 * larger than b->max, LG_EIO with a message naming `path` otherwise. */
int lg_buf_read_path(struct lg_buf *b, const char *path, struct lg_error *err);
/* Write all n bytes to fd (retrying EINTR and short writes); LG_OK or
 * LG_EIO with errno set. */
int lg_write_all(int fd, const void *p, size_t n);

/* Create the directories of path with mode 0700: every parent, and path
 * itself when `last`.  Existing ones are fine.  0 or -1 (errno set). */
int lg_mkdirs(const char *path, bool last);

/* leakguard's file under an XDG base directory: $VAR/leakguard/NAME when
 * VAR is set to an absolute path, else $HOME/HOME_DIR/leakguard/NAME (e.g.
 * VAR "XDG_CACHE_HOME", HOME_DIR ".cache"); NAME "" names the directory.
 * NULL when neither is usable or memory runs out.  Caller frees. */
char *lg_xdg_path(const char *var, const char *home_dir, const char *name);

/* Read a whole stream (e.g. stdin). */
int lg_buf_read_fd(struct lg_buf *b, int fd, const char *name,
                   struct lg_error *err);

#endif
