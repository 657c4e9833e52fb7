/* The rule model's small pieces: severity and confidence names, string
 * lists, and releasing rules and rule lists.  Parsing lives in load.c. */
#include "rule/rule.h"

#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = {
    [LG_SEV_INFO] = "info",         [LG_SEV_LOW] = "low",
    [LG_SEV_MEDIUM] = "medium",     [LG_SEV_HIGH] = "high",
    [LG_SEV_CRITICAL] = "critical",
};

static const char *const confidence_names[] = {
    [LG_CONF_LOW] = "low",
    [LG_CONF_MEDIUM] = "medium",
    [LG_CONF_HIGH] = "high",
};

#define N_SEVERITIES (sizeof(severity_names) / sizeof(severity_names[0]))
#define N_CONFIDENCES (sizeof(confidence_names) / sizeof(confidence_names[0]))

const char *lg_severity_name(enum lg_severity s)
{
    if ((size_t)s >= N_SEVERITIES)
        return "unknown";
    return severity_names[s];
}

const char *lg_confidence_name(enum lg_confidence c)
{
    if ((size_t)c >= N_CONFIDENCES)
        return "unknown";
    return confidence_names[c];
}

int lg_severity_parse(const char *s, enum lg_severity *out)
{
    if (!s)
        return LG_EINVAL;
    for (size_t i = 0; i < N_SEVERITIES; i++) {
        if (strcmp(s, severity_names[i]) == 0) {
            *out = (enum lg_severity)i;
            return LG_OK;
        }
    }
    return LG_EINVAL;
}

int lg_confidence_parse(const char *s, enum lg_confidence *out)
{
    if (!s)
        return LG_EINVAL;
    for (size_t i = 0; i < N_CONFIDENCES; i++) {
        if (strcmp(s, confidence_names[i]) == 0) {
            *out = (enum lg_confidence)i;
            return LG_OK;
        }
    }
    return LG_EINVAL;
}

void lg_strlist_release(struct lg_strlist *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* The list has no capacity field: the array is kept at the next power of
 * two >= n (minimum 4), so it only grows when n reaches such a size. */
int lg_strlist_push(struct lg_strlist *l, const char *s)
{
    size_t len;
    char *copy;

    if (!l || !s)
        return LG_EINVAL;
    if (l->n == 0 || (l->n >= 4 && (l->n & (l->n - 1)) == 0)) {
        size_t ncap = l->n < 4 ? 4 : l->n * 2;
        char **nv;

        if (ncap > ((size_t)-1) / sizeof(*nv))
            return LG_ENOMEM;
        nv = realloc(l->v, ncap * sizeof(*nv));
        if (!nv)
            return LG_ENOMEM;
        l->v = nv;
    }
    len = strlen(s);
    copy = malloc(len + 1);
    if (!copy)
        return LG_ENOMEM;
    memcpy(copy, s, len + 1);
    l->v[l->n++] = copy;
    return LG_OK;
}

static void examples_free(struct lg_example *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].text);
        free(v[i].secret);
    }
    free(v);
}

void lg_rule_release(struct lg_rule *r)
{
    if (!r)
        return;
    free(r->id);
    free(r->name);
    free(r->description);
    free(r->pattern);
    free(r->secret_group);
    free(r->context);
    free(r->validate);
    free(r->pair_with);
    lg_strlist_release(&r->keywords);
    lg_strlist_release(&r->allow);
    lg_strlist_release(&r->allow_paths);
    lg_strlist_release(&r->tags);
    lg_strlist_release(&r->references);
    examples_free(r->examples, r->n_examples);
    examples_free(r->negatives, r->n_negatives);
    memset(r, 0, sizeof(*r));
}

void lg_rule_list_init(struct lg_rule_list *l)
{
    memset(l, 0, sizeof(*l));
}

void lg_rule_list_release(struct lg_rule_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        lg_rule_release(&l->v[i]);
    free(l->v);
    for (size_t i = 0; i < l->n_files; i++)
        free(l->files[i]);
    free(l->files);
    lg_rule_list_init(l);
}
