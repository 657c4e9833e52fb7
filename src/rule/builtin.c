/* The built-in rules: the YAML files under rules/, parsed and checked at
 * build time by tools/rulepack.c with the normal loader, embedded as a
 * serialized blob (rule/serial.h) and deserialized here, which costs far
 * less than parsing the YAML at every start.  The YAML text stays embedded
 * too (lg_builtin_rules[]). */
#include "rule/rule.h"

#include "rule/serial.h"

int lg_rules_load_builtin(struct lg_rule_list *out, struct lg_error *err)
{
    int rc = lg_rules_deserialize(out, lg_builtin_rules_blob,
                                  lg_builtin_rules_blob_len, err);

    if (rc < 0)
        lg_error_prefix(err, "built-in rules");
    return rc;
}
