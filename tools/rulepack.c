/* Build-time helper: parse rule files with the normal loader and write the
 * serialized rule list (rule/serial.h) that becomes the built-in rules.
 * usage: rulepack OUT.bin FILE...
 * A rule file that does not load is reported as the loader reports it
 * ("file:line:col: message") and fails the build.  OUT is written to a
 * temporary name and renamed, so a failed run leaves no stale blob. */
#include <stdio.h>
#include <stdlib.h>

#include "rule/rule.h"
#include "rule/serial.h"
#include "util/buf.h"

#define BLOB_MAX ((size_t)256 * 1024 * 1024)

static int write_file(const char *path, const struct lg_buf *b)
{
    char tmp[4096];
    FILE *f;
    int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        fprintf(stderr, "rulepack: path too long: %s\n", path);
        return -1;
    }
    f = fopen(tmp, "wb");
    if (!f) {
        perror(tmp);
        return -1;
    }
    if (fwrite(b->data, 1, b->len, f) != b->len) {
        perror(tmp);
        fclose(f);
        remove(tmp);
        return -1;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        perror(path);
        remove(tmp);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct lg_rule_list l;
    struct lg_buf out;
    struct lg_error err;
    int status = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: rulepack OUT.bin FILE...\n");
        return 2;
    }
    lg_rule_list_init(&l);
    lg_buf_init(&out, BLOB_MAX);
    lg_error_clear(&err);
    for (int i = 2; i < argc; i++) {
        if (lg_rules_load_path(&l, argv[i], &err) < 0) {
            fprintf(stderr, "%s\n", err.msg);
            goto out;
        }
    }
    if (lg_rules_serialize(&l, &out, &err) < 0) {
        fprintf(stderr, "rulepack: %s\n", err.msg);
        goto out;
    }
    if (write_file(argv[1], &out) == 0)
        status = 0;
out:
    lg_buf_release(&out);
    lg_rule_list_release(&l);
    return status;
}
