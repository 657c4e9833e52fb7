/* Text helpers for the markup and table reporters (internal to
 * src/report/): XML/HTML escaping, CSV cells, UTC timestamps and report
 * item identifiers.
 *
 * Everything these write may come from scanned input (paths, snippets,
 * commit messages, secrets with --show-secrets), so every helper makes its
 * output well-formed whatever the bytes: invalid UTF-8 and characters the
 * target format forbids become U+FFFD. */
#ifndef LG_REPORT_MARKUP_H
#define LG_REPORT_MARKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "engine/finding.h"
#include "util/buf.h"

/* Append s[0..n) as XML 1.0 / HTML text: & < > " ' become entities; C0
 * controls other than tab, LF and CR, DEL, C1 controls, U+FFFE/U+FFFF and
 * invalid UTF-8 become U+FFFD.  With `attr`, tab, LF and CR are written as
 * character references so that attribute values keep them.  Returns LG_OK
 * or the buffer's error. */
int lg_report_xml_escape(struct lg_buf *b, const char *s, size_t n, bool attr);
int lg_report_xml_puts(struct lg_buf *b, const char *s, bool attr);

/* Append one RFC 4180 CSV cell (no separator): quoted when it holds a
 * comma, quote, CR or LF; a cell that a spreadsheet would read as a
 * formula (first character = + - @, tab or CR) gets a leading "'".
 * Invalid UTF-8 and NUL become U+FFFD. */
int lg_report_csv_cell(struct lg_buf *b, const char *s, size_t n);

/* "YYYY-MM-DDTHH:MM:SS" in UTC (no zone suffix, as GitLab's schema wants).
 * out must hold LG_REPORT_UTC_LEN + 1 bytes. */
#define LG_REPORT_UTC_LEN 19
void lg_report_utc(time_t t, char *out);

/* A stable identifier for one occurrence of a finding, shaped like a UUID
 * (8-4-4-4-12 hex digits): a hash of the fingerprint, path, line, column
 * and commit.  out must hold LG_REPORT_ID_LEN + 1 bytes. */
#define LG_REPORT_ID_LEN 36
void lg_report_occurrence_id(const struct lg_finding *f, char *out);

/* True when s is a plain http(s) URI, safe to use as a link target. */
bool lg_report_plain_uri(const char *s);

/* The directory part of a display path, for grouping ("." for a bare
 * file name; an archive member counts in its outer file's directory).
 * Returns the length of the prefix of `path` to use, or 0 for ".". */
size_t lg_report_dir_len(const char *path);

#endif
