/* .leakguard.yml: a project's defaults for scan and git.
 *
 *     rules: [extra/rules.yml]          # added like --rules
 *     disable: [generic-password]       # like --disable-rule
 *     format: sarif                     # default --format
 *     exclude: [vendor/, '*.min.js']    # like --exclude
 *     allow:                            # nothing matching is reported
 *       paths: [tests/fixtures/]        #   path globs (not scanned)
 *       secrets: ['(?i)^acme-demo-']    #   regexes on the secret
 *       stopwords: [acme-sample]        #   substrings of the secret
 *     rule_allow:                       # the same, for one rule
 *       generic-api-key: {paths: [...], secrets: [...]}
 *     limits: {max_file_size: 100M, max_decode_depth: 2,
 *              max_archive_depth: 8, max_archive_entries: 100000,
 *              max_expanded_bytes: 4G}
 *
 * Found with --config FILE, else as .leakguard.yml in the current
 * directory, else in the first directory scanned.  Command-line options
 * win over the file: lists are added to, single values only fill what the
 * command line left unset.  Errors are reported as file:line:col. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "cli/cli.h"
#include "report/report.h"
#include "util/buf.h"

#define CONFIG_MAX (1u << 20)

struct cfg_parse {
    const char *file;
    yaml_document_t doc;
    struct lg_error *err;
    struct lg_cli *c;
};

__attribute__((format(printf, 3, 4))) static int fail(struct cfg_parse *p,
                                                      const yaml_node_t *n,
                                                      const char *fmt, ...)
{
    char msg[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return lg_error_set(p->err, LG_ESYNTAX, "%s:%lu:%lu: %s", p->file,
                        n ? (unsigned long)n->start_mark.line + 1 : 0,
                        n ? (unsigned long)n->start_mark.column + 1 : 0, msg);
}

static yaml_node_t *node(struct cfg_parse *p, int id)
{
    return yaml_document_get_node(&p->doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

/* A sequence of strings, appended to *l. */
static int str_list(struct cfg_parse *p, const yaml_node_t *v, const char *key,
                    struct lg_strlist *l)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(p, v, "'%s' must be a list of strings", key);
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        const yaml_node_t *item = node(p, *it);
        const char *s = scalar(item);

        if (!s || !*s)
            return fail(p, item, "'%s' items must be non-empty strings", key);
        if (lg_strlist_push(l, s) < 0)
            return lg_error_set(p->err, LG_ENOMEM, "out of memory");
    }
    return LG_OK;
}

/* allow: / rule_allow.ID: {paths, secrets, stopwords} */
static int allow_block(struct cfg_parse *p, const yaml_node_t *v,
                       const char *rule)
{
    struct lg_cli *c = p->c;

    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, "'allow' must be a mapping of paths, secrets, "
                          "stopwords");
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start;
         kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = node(p, kv->key), *val = node(p, kv->value);
        const char *key = scalar(k);
        struct lg_strlist tmp = {0};
        int rc;

        if (!key || (strcmp(key, "paths") && strcmp(key, "secrets") &&
                     (rule || strcmp(key, "stopwords"))))
            return fail(p, k, "unknown key '%s' in %s", key ? key : "?",
                        rule ? "rule_allow" : "allow");
        rc = str_list(p, val, key, &tmp);
        if (!rule && !strcmp(key, "paths")) { /* not scanned at all */
            for (size_t i = 0; rc == LG_OK && i < tmp.n; i++)
                if (lg_strlist_push(&c->excludes, tmp.v[i]) < 0)
                    rc = lg_error_set(p->err, LG_ENOMEM, "out of memory");
            lg_strlist_release(&tmp);
            if (rc < 0)
                return rc;
            continue;
        }
        for (size_t i = 0; rc == LG_OK && i < tmp.n; i++) {
            struct lg_buf b;
            lg_buf_init(&b, 64 * 1024);
            /* "rule\tkind\tvalue", resolved when the rules are loaded */
            lg_buf_printf(&b, "%s\t%s\t%s", rule ? rule : "", key, tmp.v[i]);
            rc = b.data && lg_strlist_push(&c->config_allow, b.data) == 0
                     ? LG_OK
                     : lg_error_set(p->err, LG_ENOMEM, "out of memory");
            lg_buf_release(&b);
        }
        lg_strlist_release(&tmp);
        if (rc < 0)
            return rc;
    }
    return LG_OK;
}

static int limits_block(struct cfg_parse *p, const yaml_node_t *v)
{
    struct lg_cli *c = p->c;

    if (v->type != YAML_MAPPING_NODE)
        return fail(p, v, "'limits' must be a mapping");
    for (yaml_node_pair_t *kv = v->data.mapping.pairs.start;
         kv < v->data.mapping.pairs.top; kv++) {
        const yaml_node_t *k = node(p, kv->key), *val = node(p, kv->value);
        const char *key = scalar(k), *s = scalar(val);
        uint64_t n;

        if (!key || !s || lg_parse_size(s, &n) < 0)
            return fail(p, val, "'%s' wants a number or size (10M, 1G)",
                        key ? key : "?");
        if (!strcmp(key, "max_file_size")) {
            if (!c->max_file_size)
                c->max_file_size = n;
        } else if (!strcmp(key, "max_decode_depth")) {
            if (n > 4)
                return fail(p, val, "'max_decode_depth' is 0 to 4");
            if (c->max_decode_depth == LG_DECODE_DEPTH_UNSET)
                c->max_decode_depth = (unsigned)n;
        } else if (!strcmp(key, "max_archive_depth")) {
            if (!c->limits.max_archive_depth)
                c->limits.max_archive_depth = (unsigned)n;
        } else if (!strcmp(key, "max_archive_entries")) {
            if (!c->limits.max_archive_entries)
                c->limits.max_archive_entries = n;
        } else if (!strcmp(key, "max_expanded_bytes")) {
            if (!c->limits.max_expanded_bytes)
                c->limits.max_expanded_bytes = n;
        } else {
            return fail(p, k, "unknown limit '%s'", key);
        }
    }
    return LG_OK;
}

static int top_key(struct cfg_parse *p, const yaml_node_t *k,
                   const yaml_node_t *v)
{
    struct lg_cli *c = p->c;
    const char *key = scalar(k);

    if (!key)
        return fail(p, k, "keys must be strings");
    if (!strcmp(key, "rules"))
        return str_list(p, v, key, &c->rules);
    if (!strcmp(key, "disable"))
        return str_list(p, v, key, &c->disable);
    if (!strcmp(key, "exclude"))
        return str_list(p, v, key, &c->excludes);
    if (!strcmp(key, "allow"))
        return allow_block(p, v, NULL);
    if (!strcmp(key, "limits"))
        return limits_block(p, v);
    if (!strcmp(key, "format")) {
        const char *s = scalar(v);
        if (!s || !lg_reporter_find(s))
            return fail(p, v, "unknown format '%s'", s ? s : "?");
        if (!c->format)
            c->format = lg_reporter_find(s)->name; /* static storage */
        return LG_OK;
    }
    if (!strcmp(key, "rule_allow")) {
        if (v->type != YAML_MAPPING_NODE)
            return fail(p, v, "'rule_allow' maps rule ids to allowlists");
        for (yaml_node_pair_t *kv = v->data.mapping.pairs.start;
             kv < v->data.mapping.pairs.top; kv++) {
            const char *id = scalar(node(p, kv->key));
            int rc;
            if (!id)
                return fail(p, node(p, kv->key), "rule ids are strings");
            rc = allow_block(p, node(p, kv->value), id);
            if (rc < 0)
                return rc;
        }
        return LG_OK;
    }
    return fail(p, k, "unknown key '%s'", key);
}

static int parse(struct lg_cli *c, const char *file, const char *text,
                 size_t len, struct lg_error *err)
{
    struct cfg_parse p;
    yaml_parser_t parser;
    const yaml_node_t *root;
    int rc = LG_OK;

    memset(&p, 0, sizeof(p));
    p.file = file;
    p.err = err;
    p.c = c;
    if (!yaml_parser_initialize(&parser))
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &p.doc)) {
        rc = lg_error_set(err, LG_ESYNTAX, "%s:%lu:%lu: %s", file,
                          (unsigned long)parser.problem_mark.line + 1,
                          (unsigned long)parser.problem_mark.column + 1,
                          parser.problem ? parser.problem : "invalid YAML");
        yaml_parser_delete(&parser);
        return rc;
    }
    root = yaml_document_get_root_node(&p.doc);
    if (root && root->type != YAML_MAPPING_NODE)
        rc = fail(&p, root, "the configuration must be a mapping");
    for (yaml_node_pair_t *kv = root && rc == LG_OK
                                    ? root->data.mapping.pairs.start
                                    : NULL;
         kv && kv < root->data.mapping.pairs.top && rc == LG_OK; kv++)
        rc = top_key(&p, node(&p, kv->key), node(&p, kv->value));
    yaml_document_delete(&p.doc);
    yaml_parser_delete(&parser);
    return rc;
}

/* Which file: --config, ./.leakguard.yml, ROOT/.leakguard.yml. */
static char *find_config(const struct lg_cli *c, const char *root)
{
    struct stat st;
    struct lg_buf b;

    if (c->config)
        return strdup(c->config);
    if (access(".leakguard.yml", F_OK) == 0)
        return strdup(".leakguard.yml");
    if (!root || stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    lg_buf_init(&b, 1 << 16);
    if (lg_buf_printf(&b, "%s/.leakguard.yml", root) < 0 ||
        access(b.data, F_OK) != 0) {
        lg_buf_release(&b);
        return NULL;
    }
    return lg_buf_detach(&b);
}

int lg_cli_load_config(struct lg_cli *c, const char *root)
{
    char *path = find_config(c, root);
    struct lg_error err;
    struct lg_buf text;
    int rc = LG_OK;

    lg_error_clear(&err);
    if (!path)
        return LG_OK;
    lg_buf_init(&text, CONFIG_MAX);
    rc = lg_buf_read_path(&text, path, &err);
    if (rc == LG_OK)
        rc = parse(c, path, text.data ? text.data : "", text.len, &err);
    if (rc < 0)
        lg_cli_error("%s", err.msg);
    else
        c->config_used = path, path = NULL;
    lg_buf_release(&text);
    free(path);
    return rc;
}

int lg_cmd_config(struct lg_cli *c)
{
    const char *sub = c->n_args ? c->args[0] : "";
    struct lg_ruleset *rs;

    if (strcmp(sub, "check") != 0 || c->n_args > 2) {
        lg_cli_error("usage: leakguard config check [--config FILE] [ROOT]");
        return LG_EXIT_USAGE;
    }
    if (lg_cli_load_config(c, c->n_args > 1 ? c->args[1] : NULL) < 0)
        return LG_EXIT_USAGE;
    if (!c->config_used) {
        printf("no configuration file (.leakguard.yml) found\n");
        return 0;
    }
    rs = lg_cli_load_rules(c); /* rules, disable and allowlists resolve */
    if (!rs)
        return LG_EXIT_USAGE;
    printf("%s: ok\n", c->config_used);
    printf("  rules enabled:  %zu\n", rs->n_enabled);
    printf("  extra rules:    %zu path(s)\n", c->rules.n);
    printf("  disabled rules: %zu\n", c->disable.n);
    printf("  exclude globs:  %zu\n", c->excludes.n);
    printf("  allowlists:     %zu entr%s\n", c->config_allow.n,
           c->config_allow.n == 1 ? "y" : "ies");
    printf("  format:         %s\n", c->format ? c->format : "text");
    lg_ruleset_free(rs);
    return 0;
}
