/* Escaping for XML, HTML and CSV reports, timestamps and occurrence ids.
 *
 * The escapers walk the input once, copy runs of safe bytes in one append
 * and decide per UTF-8 sequence: a report must stay well-formed whatever
 * bytes a scanned file held. */
#include "report/markup.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "util/utf8.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

/* Length of the UTF-8 sequence at u[0..n) if it is a character XML and
 * HTML accept as text, else 0.  Tab, LF and CR count as acceptable. */
static size_t xml_char(const unsigned char *u, size_t n)
{
    size_t v;

    if (u[0] < 0x80) {
        if (u[0] == '\t' || u[0] == '\n' || u[0] == '\r')
            return 1;
        return u[0] >= 0x20 && u[0] != 0x7f ? 1 : 0;
    }
    v = lg_utf8_valid_prefix(u, n);
    if (v == 2 && u[0] == 0xc2 && u[1] <= 0x9f)
        return 0; /* C1 controls */
    if (v == 3 && u[0] == 0xef && u[1] == 0xbf && u[2] >= 0xbe)
        return 0; /* U+FFFE, U+FFFF */
    return v;
}

int lg_report_xml_escape(struct lg_buf *b, const char *s, size_t n, bool attr)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;
    int rc = LG_OK;

    while (i < n && rc == LG_OK) {
        size_t v = xml_char(u + i, n - i);
        const char *ent = NULL;

        switch (v == 1 ? u[i] : 0) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\t': ent = attr ? "&#9;" : NULL; break;
        case '\n': ent = attr ? "&#10;" : NULL; break;
        case '\r': ent = attr ? "&#13;" : NULL; break;
        default: break;
        }
        if (v && !ent) {
            run += v;
            i += v;
            continue;
        }
        if (run)
            rc = lg_buf_append(b, s + i - run, run);
        run = 0;
        if (rc == LG_OK)
            rc = lg_buf_puts(b, ent ? ent : REPLACEMENT);
        if (!v) /* a refused character (C1, U+FFFE) is one replacement */
            v = lg_utf8_valid_prefix(u + i, n - i);
        i += v ? v : 1;
    }
    if (rc == LG_OK && run)
        rc = lg_buf_append(b, s + i - run, run);
    return rc;
}

int lg_report_xml_puts(struct lg_buf *b, const char *s, bool attr)
{
    return s ? lg_report_xml_escape(b, s, strlen(s), attr) : LG_OK;
}

int lg_report_csv_cell(struct lg_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    bool quote = false;
    int rc = LG_OK;

    for (size_t i = 0; i < n && !quote; i++)
        quote = u[i] == ',' || u[i] == '"' || u[i] == '\r' || u[i] == '\n';
    if (quote)
        rc = lg_buf_putc(b, '"');
    /* OWASP "CSV injection": these start a formula in spreadsheets. */
    if (rc == LG_OK && n && strchr("=+-@\t\r", s[0]))
        rc = lg_buf_putc(b, '\'');
    for (size_t i = 0; i < n && rc == LG_OK;) {
        size_t v =
            u[i] < 0x80 ? (u[i] ? 1 : 0) : lg_utf8_valid_prefix(u + i, n - i);

        if (v == 0) {
            rc = lg_buf_puts(b, REPLACEMENT);
            i++;
        } else if (u[i] == '"') {
            rc = lg_buf_append(b, "\"\"", 2);
            i++;
        } else {
            rc = lg_buf_append(b, s + i, v);
            i += v;
        }
    }
    if (rc == LG_OK && quote)
        rc = lg_buf_putc(b, '"');
    return rc;
}

void lg_report_utc(time_t t, char *out)
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) ||
        strftime(out, LG_REPORT_UTC_LEN + 1, "%Y-%m-%dT%H:%M:%S", &tm) !=
            LG_REPORT_UTC_LEN)
        memcpy(out, "1970-01-01T00:00:00", LG_REPORT_UTC_LEN + 1);
}

void lg_report_occurrence_id(const struct lg_finding *f, char *out)
{
    char key[4096], hex[LG_FINGERPRINT_LEN + 1];
    int n;

    n = snprintf(key, sizeof(key), "%s%c%llu%c%llu%c%s", f->path ? f->path : "",
                 0, (unsigned long long)f->line, 0,
                 (unsigned long long)f->column, 0,
                 f->git.commit ? f->git.commit : "");
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(key))
        n = sizeof(key) - 1; /* a very long path: hash its first 4 KiB */
    lg_fingerprint(f->fingerprint, key, (size_t)n, hex);
    snprintf(out, LG_REPORT_ID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
             hex + 8, hex + 12, hex + 16, hex + 20);
}

size_t lg_report_dir_len(const char *path)
{
    size_t n = strcspn(path, "!"); /* an archive member: its outer file */

    while (n && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 1 && path[0] == '.')
        return 0;
    if (n == 2 && path[0] == '.' && path[1] == '/')
        return 0;
    return n;
}

bool lg_report_plain_uri(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
        return false;
    for (; *s; s++)
        if (*s <= 0x20 || *s >= 0x7f || strchr("\"<>\\^`{|}", *s))
            return false;
    return true;
}
