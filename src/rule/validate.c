/* Named structural validators (see validate.h).
 *
 * A regex can say what characters a credential has, not what it *is*: a
 * OneSpan API key is Base64 of "<id>:<secret>", a JWT's first segment is a
 * JSON header, a client id embeds its creation time.  Each check here looks
 * at the extracted secret only, allocates nothing, and does work bounded by
 * a small constant times its length (decoded sizes are capped by fixed
 * stack buffers: anything larger is refused, not truncated).
 *
 * Every validator returns true when the secret has the expected structure
 * (keep the finding) and false otherwise (drop it). */
#include "rule/validate.h"

#include <stdint.h>
#include <string.h>

#include "util/base64.h"
#include "util/error.h"

/* ---- small helpers -------------------------------------------------- */

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static bool is_lhex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_hex(unsigned char c)
{
    return is_lhex(c) || (c >= 'A' && c <= 'F');
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Case-insensitive search of a lower-case needle. */
static bool contains_ci(const unsigned char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);

    for (size_t i = 0; m <= n && i <= n - m; i++) {
        size_t j = 0;

        while (j < m && lower(s[i + j]) == (unsigned char)needle[j])
            j++;
        if (j == m)
            return true;
    }
    return false;
}

static bool has_prefix(const unsigned char *s, size_t n, const char *prefix)
{
    size_t m = strlen(prefix);

    return n >= m && memcmp(s, prefix, m) == 0;
}

static bool all_same(const unsigned char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] != s[0])
            return false;
    return true;
}

static bool all_of(const unsigned char *s, size_t n,
                   bool (*pred)(unsigned char))
{
    for (size_t i = 0; i < n; i++)
        if (!pred(s[i]))
            return false;
    return true;
}

/* Copy s[0..n) into out->identity when the caller asked for one. */
static void set_identity(struct lg_validated *out, const unsigned char *s,
                         size_t n)
{
    if (!out)
        return;
    if (n >= sizeof(out->identity))
        n = sizeof(out->identity) - 1;
    memcpy(out->identity, s, n);
    out->identity[n] = '\0';
}

static bool is_uuid(const unsigned char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

/* Lockfile / module integrity values (npm, go.sum). */
static bool is_integrity(const unsigned char *s, size_t n)
{
    static const char *const prefixes[] = {"sha512-", "sha384-", "sha256-",
                                           "sha1-", "h1:"};

    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (has_prefix(s, n, prefixes[i]))
            return true;
    return false;
}

/* A half of a credential that someone left as a placeholder. */
static bool placeholder_part(const unsigned char *s, size_t n)
{
    static const char *const words[] = {"your",   "example", "apikey",
                                        "secret", "fake",    "dummy"};

    if (n == 0 || all_same(s, n) || s[0] == '<')
        return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (contains_ci(s, n, words[i]))
            return true;
    return false;
}

/* ---- onespan-api-key ------------------------------------------------ */

/* Longest accepted decoding: a 40-char id, ':' and a 40-char secret. */
#define API_KEY_PART_MIN 6
#define API_KEY_PART_MAX 40
#define API_KEY_DECODED_MAX (2 * API_KEY_PART_MAX + 1)

static bool check_onespan_api_key(const unsigned char *secret, size_t len,
                                  struct lg_validated *out)
{
    unsigned char dec[API_KEY_DECODED_MAX];
    size_t n, colon;

    /* The SDKs always emit padded standard Base64. */
    if (len % 4 != 0 || lg_base64_decode((const char *)secret, len, dec,
                                         sizeof(dec), &n, false) != LG_OK)
        return false;
    for (colon = 0; colon < n && dec[colon] != ':'; colon++)
        if (!is_alnum(dec[colon]))
            return false;
    if (colon == n)
        return false;
    if (colon < API_KEY_PART_MIN || colon > API_KEY_PART_MAX)
        return false;
    if (n - colon - 1 < API_KEY_PART_MIN || n - colon - 1 > API_KEY_PART_MAX)
        return false;
    if (!all_of(dec + colon + 1, n - colon - 1, is_alnum))
        return false;
    if (placeholder_part(dec, colon) ||
        placeholder_part(dec + colon + 1, n - colon - 1))
        return false;
    /* Report who the key belongs to; the secret half never leaves here. */
    set_identity(out, dec, colon);
    return true;
}

/* ---- onespan-client-id-time ----------------------------------------- */

#define CLIENT_ID_LEN 27
#define CLIENT_ID_TIME_DIGITS 11
#define CLIENT_ID_TIME_MIN 1590969600000ull /* 2020-06-01T00:00:00Z, ms */
#define CLIENT_ID_TIME_MAX 1830297600000ull /* 2028-01-01T00:00:00Z, ms */

static unsigned hexval(unsigned char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)(lower(c) - 'a' + 10);
}

static bool check_onespan_client_id_time(const unsigned char *secret,
                                         size_t len, struct lg_validated *out)
{
    uint64_t ms = 0;

    (void)out;
    if (len != CLIENT_ID_LEN || !all_of(secret, len, is_lhex))
        return false;
    for (size_t i = 0; i < CLIENT_ID_TIME_DIGITS; i++)
        ms = ms << 4 | hexval(secret[i]);
    return ms >= CLIENT_ID_TIME_MIN && ms < CLIENT_ID_TIME_MAX;
}

/* ---- jwt -------------------------------------------------------------- */

#define JWT_HEADER_MAX 1024 /* decoded header bytes we are willing to read */

static bool is_b64url(unsigned char c)
{
    return lg_base64_is_alpha(c, true);
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim JSON whitespace from both ends of d[0..*n); returns the start. */
static const unsigned char *trim(const unsigned char *d, size_t *n)
{
    while (*n > 0 && is_space(d[0])) {
        d++;
        (*n)--;
    }
    while (*n > 0 && is_space(d[*n - 1]))
        (*n)--;
    return d;
}

static bool check_jwt(const unsigned char *secret, size_t len,
                      struct lg_validated *out)
{
    unsigned char hdr[JWT_HEADER_MAX], head[6];
    const unsigned char *seg[3], *d;
    size_t seglen[3], nseg = 0, start = 0, n, k;

    (void)out;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && secret[i] != '.')
            continue;
        if (nseg == 3)
            return false; /* a fourth segment: JWE or not a JWT */
        seg[nseg] = secret + start;
        seglen[nseg++] = i - start;
        start = i + 1;
    }
    if (nseg != 3 || seglen[0] == 0 || seglen[1] == 0)
        return false;
    for (size_t s = 0; s < 3; s++)
        if (!all_of(seg[s], seglen[s], is_b64url) || seglen[s] % 4 == 1)
            return false;

    /* Header: a JSON object naming its algorithm. */
    if (lg_base64_decode((const char *)seg[0], seglen[0], hdr, sizeof(hdr), &n,
                         true) != LG_OK)
        return false;
    d = trim(hdr, &n);
    if (n < 2 || d[0] != '{' || d[n - 1] != '}' ||
        !contains_ci(d, n, "\"alg\""))
        return false;

    /* Claims: only the first bytes matter (payloads can be large), so
     * decode the first whole quanta; the charset was checked above. */
    k = seglen[1] < 8 ? seglen[1] : 8;
    if (k < seglen[1])
        k -= k % 4;
    if (lg_base64_decode((const char *)seg[1], k, head, sizeof(head), &n,
                         true) != LG_OK)
        return false;
    d = trim(head, &n);
    return n > 0 && d[0] == '{';
}

/* ---- not-uuid-or-hash ------------------------------------------------- */

static bool check_not_uuid_or_hash(const unsigned char *secret, size_t len,
                                   struct lg_validated *out)
{
    (void)out;
    if (is_uuid(secret, len) || is_integrity(secret, len))
        return false;
    return !((len == 32 || len == 40 || len == 64 || len == 128) &&
             all_of(secret, len, is_hex));
}

/* ---- onespan-auth-token ---------------------------------------------- */

/* OneSpan authentication/session tokens: Base64 of a UUID's text. */
static bool check_onespan_auth_token(const unsigned char *secret, size_t len,
                                     struct lg_validated *out)
{
    unsigned char dec[40];
    size_t n;

    (void)out;
    if (len != 48 || lg_base64_decode((const char *)secret, len, dec,
                                      sizeof(dec), &n, false) != LG_OK)
        return false;
    if (!is_uuid(dec, n))
        return false;
    /* The nil UUID is a placeholder, not a session. */
    for (size_t i = 0; i < n; i++)
        if (dec[i] != '0' && dec[i] != '-')
            return true;
    return false;
}

/* ---- basic-auth ------------------------------------------------------- */

#define BASIC_DECODED_MAX 256

/* User names: letters, digits and the punctuation of e-mail addresses,
 * DOMAIN\user and service accounts; not quotes, braces or brackets, which
 * is what Base64 of a JSON object (a JWT header) would give. */
static bool is_user_char(unsigned char c)
{
    return is_alnum(c) || (c != 0 && strchr("._-@+\\$!#%~", c) != NULL);
}

/* Base64 of "user:password" as in HTTP Basic and docker's config.json
 * `auth`: a non-empty user name (see is_user_char), a printable password
 * of at least 4 bytes that is not a placeholder. */
static bool check_basic_auth(const unsigned char *secret, size_t len,
                             struct lg_validated *out)
{
    unsigned char dec[BASIC_DECODED_MAX];
    size_t n, colon;

    if (lg_base64_decode((const char *)secret, len, dec, sizeof(dec), &n,
                         false) != LG_OK)
        return false;
    for (colon = 0; colon < n && dec[colon] != ':'; colon++)
        if (!is_user_char(dec[colon]))
            return false;
    if (colon == 0 || colon == n || n - colon - 1 < 4)
        return false;
    for (size_t i = colon + 1; i < n; i++)
        if (dec[i] < 0x20 || dec[i] >= 0x7f)
            return false;
    if (placeholder_part(dec + colon + 1, n - colon - 1) ||
        contains_ci(dec + colon + 1, n - colon - 1, "password"))
        return false;
    set_identity(out, dec, colon);
    return true;
}

/* ---- generic-secret --------------------------------------------------- */

#define ENCODED_MAX 384 /* decoded bytes inspected for a wrapped placeholder */

/* Base64 that decodes to printable text holding a placeholder, e.g.
 * "<apiKeyId>:<apiKeySecret>" or "your_api_key_id:your_secret": people
 * encode placeholders too (Kubernetes secrets, Basic credentials). */
static bool encoded_placeholder(const unsigned char *s, size_t n)
{
    static const char *const words[] = {
        "your",     "example",    "placeholder", "changeme",
        "dummy",    "fake",       "sample",      "redacted",
        "xxxx",     "notreal",    "not_real",    "not my",
        "not real", "not a real", "${",          "{{"};
    unsigned char dec[ENCODED_MAX];
    size_t m, run = 1;

    if (n < 8 ||
        lg_base64_decode((const char *)s, n, dec, sizeof(dec), &m, false) !=
            LG_OK ||
        m == 0)
        return false;
    for (size_t i = 0; i < m; i++) {
        if (dec[i] < 0x20 || dec[i] >= 0x7f)
            return false; /* binary: not text someone typed */
        run = i > 0 && dec[i] == dec[i - 1] ? run + 1 : 1;
        if (run >= 6)
            return true;
    }
    if (memchr(dec, '<', m) || memchr(dec, '>', m))
        return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (contains_ci(dec, m, words[i]))
            return true;
    return false;
}

/* For values found only through a credential-like key name.  Hex digests
 * are kept on purpose: under a key called api_key or token they are
 * usually keys (many providers issue hex), and the key name is what told a
 * digest apart in the first place. */
static bool check_generic_secret(const unsigned char *secret, size_t len,
                                 struct lg_validated *out)
{
    (void)out;
    return !is_uuid(secret, len) && !is_integrity(secret, len) &&
           !encoded_placeholder(secret, len);
}

/* ---- base64-text ----------------------------------------------------- */

#define BASE64_TEXT_MAX 3072 /* decoded bytes; a PEM key fits */

static bool check_mixed_alnum(const unsigned char *secret, size_t len,
                              struct lg_validated *out);

/* Values of a Kubernetes Secret's `data:` map and similar: standard Base64
 * (padding optional) of text someone typed or pasted — printable ASCII,
 * tabs and newlines — at least 4 bytes long and not a wrapped placeholder,
 * or of 24+ bytes of binary (keystores, DER keys) whose Base64 mixes upper
 * case, lower case and digits as encoded random bytes do.  Words that
 * happen to be valid Base64 decode to short binary and fail. */
static bool check_base64_text(const unsigned char *secret, size_t len,
                              struct lg_validated *out)
{
    unsigned char dec[BASE64_TEXT_MAX];
    size_t n;

    if (lg_base64_decode((const char *)secret, len, dec, sizeof(dec), &n,
                         false) != LG_OK ||
        n < 4)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((dec[i] < 0x20 || dec[i] >= 0x7f) && dec[i] != '\t' &&
            dec[i] != '\n' && dec[i] != '\r')
            return n >= 24 && check_mixed_alnum(secret, len, out);
    return !encoded_placeholder(secret, len);
}

/* ---- mixed-alnum ------------------------------------------------------ */

/* Random tokens drawn from [A-Za-z0-9] (plus a few symbols) almost always
 * mix upper case, lower case and digits once they are 16+ characters long;
 * identifiers, words and hex digests do not. */
static bool check_mixed_alnum(const unsigned char *secret, size_t len,
                              struct lg_validated *out)
{
    bool up = false, lo = false, dig = false;

    (void)out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = secret[i];

        up |= c >= 'A' && c <= 'Z';
        lo |= c >= 'a' && c <= 'z';
        dig |= c >= '0' && c <= '9';
    }
    return up && lo && dig;
}

/* ---- the table -------------------------------------------------------- */

const struct lg_validator lg_validators[] = {
    {"onespan-api-key",
     "standard padded Base64 of <id>:<secret>, each 6..40 [A-Za-z0-9] and "
     "not a placeholder (one repeated char; your, example, apikey, secret, "
     "fake, dummy); identity = the decoded user id",
     check_onespan_api_key},
    {"onespan-client-id-time",
     "27 lower-case hex whose first 11 digits, as epoch milliseconds, fall "
     "in 2020-06-01 .. 2028-01-01",
     check_onespan_client_id_time},
    {"onespan-auth-token",
     "Base64 (48 chars) of a UUID, as OneSpan authentication and session "
     "tokens are",
     check_onespan_auth_token},
    {"jwt",
     "three Base64url segments; the first decodes to a JSON object with "
     "\"alg\", the second to text starting with '{'",
     check_jwt},
    {"not-uuid-or-hash",
     "rejects UUIDs, 32/40/64/128-digit hex digests and lockfile integrity "
     "values (sha512-, sha256-, sha1-, h1:)",
     check_not_uuid_or_hash},
    {"basic-auth",
     "standard Base64 of user:password (user of letters, digits and "
     "._-@+\\$!#%~; printable password of 4+ bytes, not a placeholder); "
     "identity = the user",
     check_basic_auth},
    {"generic-secret",
     "rejects UUIDs, lockfile integrity values and Base64 that decodes to "
     "a placeholder (<...>, your_, example, xxxx ...); hex digests pass",
     check_generic_secret},
    {"base64-text",
     "standard Base64 of printable text (4+ bytes, tabs and newlines "
     "allowed) that is not a placeholder, or of 24+ bytes of binary, as "
     "Kubernetes Secret data is",
     check_base64_text},
    {"mixed-alnum",
     "the secret mixes upper case, lower case and digits, as random tokens "
     "do and words, identifiers and hex digests do not",
     check_mixed_alnum},
    {NULL, NULL, NULL},
};

const struct lg_validator *lg_validator_find(const char *name)
{
    if (!name)
        return NULL;
    for (const struct lg_validator *v = lg_validators; v->name; v++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}
