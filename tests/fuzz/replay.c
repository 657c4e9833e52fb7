/* Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on files,
 * without libFuzzer, so that `make test` (any compiler, with or without
 * sanitizers) replays the seed corpora and saved crash reproducers.
 *
 *   replay_TARGET PATH...    PATH: an input file, or a directory whose
 *                            regular files are replayed in name order
 *
 * Each input is read into a buffer of exactly its size (so that a
 * sanitizer sees reads past its end).  A target that finds a problem
 * aborts; otherwise the driver prints how many inputs it ran and exits 0,
 * or 2 when a path cannot be read or nothing was replayed. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util/buf.h"

#define INPUT_MAX ((size_t)64 << 20)

static int replay_file(const char *path)
{
    struct lg_buf b;
    struct lg_error err;
    uint8_t *copy;
    int rc;

    lg_buf_init(&b, INPUT_MAX);
    rc = lg_buf_read_path(&b, path, &err);
    if (rc < 0) {
        fprintf(stderr, "replay: %s\n", err.msg);
        lg_buf_release(&b);
        return -1;
    }
    copy = malloc(b.len ? b.len : 1);
    if (!copy) {
        lg_buf_release(&b);
        return -1;
    }
    if (b.len)
        memcpy(copy, b.data, b.len);
    LLVMFuzzerTestOneInput(copy, b.len);
    free(copy);
    lg_buf_release(&b);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir; returns the count or -1. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    long count = 0;

    if (!d) {
        fprintf(stderr, "replay: cannot open '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d))) {
        struct lg_buf p;
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        lg_buf_init(&p, 4096);
        if (lg_buf_printf(&p, "%s/%s", dir, e->d_name) < 0 ||
            stat(p.data, &st) != 0 || !S_ISREG(st.st_mode)) {
            lg_buf_release(&p);
            continue;
        }
        void *v = lg_grow(names, &cap, n, sizeof(*names), 64);
        if (!v) {
            lg_buf_release(&p);
            count = -1;
            break;
        }
        names = v;
        names[n++] = lg_buf_detach(&p);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        if (count >= 0 && replay_file(names[i]) < 0)
            count = -1;
        else if (count >= 0)
            count++;
        free(names[i]);
    }
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    long total = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long n;

        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: cannot open '%s': %s\n", argv[i],
                    strerror(errno));
            return 2;
        }
        n = S_ISDIR(st.st_mode) ? replay_dir(argv[i])
                                : (replay_file(argv[i]) < 0 ? -1 : 1);
        if (n < 0)
            return 2;
        total += n;
    }
    if (total == 0) {
        fprintf(stderr, "replay: no inputs in the given paths\n");
        return 2;
    }
    printf("%s: %ld inputs replayed\n", argv[0], total);
    return 0;
}
