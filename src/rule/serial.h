/* Rule lists in a compact binary form, so that the built-in rules are parsed
 * from YAML once, at build time (tools/rulepack.c), not at every start.
 *
 * Layout (all integers little-endian, fixed width):
 *   header   "LGRULES\0", u32 format version (LG_RULES_BLOB_VERSION)
 *   files    u32 count, then one string per file name
 *   rules    u32 count, then per rule, in struct lg_rule order:
 *            id name description pattern secret_group (strings),
 *            keywords (list), max_len (u64), min_entropy (u64, the IEEE
 *            754 bits), severity confidence (u32), context (string),
 *            context_lines (u32), validate pair_with (strings),
 *            pair_lines (u32), allow allow_paths tags references (lists),
 *            examples, negative examples, pos
 *   string   u32 length then the bytes (no NUL); length 0xffffffff = NULL
 *   list     u32 count, then that many non-NULL strings
 *   examples u32 count, then per example: text secret (strings), pos
 *   pos      u32 file index (0xffffffff = no file), u32 line, u32 col
 * Nothing may follow the last rule. */
#ifndef LG_RULE_SERIAL_H
#define LG_RULE_SERIAL_H

#include <stddef.h>

#include "rule/rule.h"
#include "util/buf.h"
#include "util/error.h"

#define LG_RULES_BLOB_VERSION 1u

/* Append the serialized form of *l to *out.  Every lg_srcpos.file must be
 * NULL or one of l->files (by pointer, else by name).  Rules must hold the
 * loader's invariants (id, name, pattern and example texts set, enums and
 * numbers in range); LG_EINVAL otherwise, LG_ELIMIT when *out's cap is hit.
 * On error *out may hold a partial blob. */
int lg_rules_serialize(const struct lg_rule_list *l, struct lg_buf *out,
                       struct lg_error *err);

/* Append the rules and file names of a blob to *out; each deserialized
 * lg_srcpos.file points into out->files.  Every read is bounds-checked: a
 * truncated or corrupt blob fails with LG_ESYNTAX (LG_EUNSUPPORTED for
 * another format version) and a message giving the byte offset, and
 * appends nothing.  Counts are checked against the bytes left before
 * anything is allocated, so memory stays linear in len. */
int lg_rules_deserialize(struct lg_rule_list *out, const unsigned char *data,
                         size_t len, struct lg_error *err);

/* The built-in rules in this form, generated at build time from the files
 * of lg_builtin_rules[] (build/gen/builtin_blob.c). */
extern const unsigned char lg_builtin_rules_blob[];
extern const size_t lg_builtin_rules_blob_len;

#endif
