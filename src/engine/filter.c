/* Placeholder and documentation-value detection.
 *
 * These are the values people write where a credential would go when they
 * do not mean one: references to variables or secret stores, template
 * markers, masked or repeated characters, the words of documentation, and a
 * short list of values published in vendors' documentation.  Each test is
 * deliberately narrow — a real random token does not contain `${`, a run of
 * six equal characters or the word "example" — so recall does not suffer. */
/* memmem and memrchr are GNU extensions; glibc and musl have them. */
#define _GNU_SOURCE
#include "engine/filter.h"

#include <ctype.h>
#include <string.h>

/* Values published in vendor documentation and SDK tests. */
static const char *const doc_values[] = {
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAI44QH8DHBEXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "amVua2luc1VzZXJJZDpCc2JwMnlzSUFEZ0g=",
    "xoxb-not-a-real-token-this-will-not-work",
    /* Google API keys that Google publishes in the Firebase SDKs' own tests
     * (firebase-js-sdk precondition checks, firebase-android-sdk messaging
     * test constants): public, and on every copy of those repositories. */
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
    /* RFC 6749 examples */
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    NULL,
};

/* Substrings of the jwt.io and similar documentation tokens. */
static const char *const doc_fragments[] = {
    /* {"alg":"HS256","typ":"JWT"}.{"sub":"1234567890","name":"John Doe" —
     * the jwt.io example token, whatever its signature */
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIi",
    NULL,
};

static const char *const stop_words[] = {
    "example", "placeholder", "changeme", "change_me", "change-me",
    "your_",   "your-",       "yourkey",  "yourtoken", "yoursecret",
    "dummy",   "redacted",    "sample",   "insert",    "replace_me",
    "replaceme", "notreal",   "not_real", "not-a-real", "xxxxx",
    "fake",
    NULL,
};

bool lg_contains_ci(const unsigned char *s, size_t n, const char *w)
{
    size_t m = strlen(w);

    if (m > n)
        return false;
    for (size_t i = 0; i + m <= n; i++) {
        size_t k = 0;
        while (k < m && tolower(s[i + k]) == w[k])
            k++;
        if (k == m)
            return true;
    }
    return false;
}

/* w (lower case) occurs in s written as people write a word: lower case,
 * upper case or capitalised.  "FaKe" inside a random token is noise, not
 * the word. */
static bool has_word(const unsigned char *s, size_t n, const char *w)
{
    size_t m = strlen(w);

    for (size_t i = 0; m <= n && i <= n - m; i++) {
        size_t k = 0, up = 0, letters = 0;
        bool first_up = false;

        while (k < m && tolower(s[i + k]) == w[k]) {
            if (isalpha(s[i + k])) {
                if (isupper(s[i + k])) {
                    up++;
                    first_up |= letters == 0;
                }
                letters++;
            }
            k++;
        }
        if (k == m && (up == 0 || up == letters || (up == 1 && first_up)))
            return true;
    }
    return false;
}

static bool is_reference(const unsigned char *s, size_t n)
{
    if (n == 0)
        return true;
    if (memmem(s, n, "${", 2) || memmem(s, n, "$(", 2) ||
        memmem(s, n, "{{", 2) || memmem(s, n, "}}", 2) ||
        memmem(s, n, "#{", 2))
        return true;
    if (s[0] == '<' || s[n - 1] == '>')
        return true;
    if (n >= 3 && s[0] == '%' && s[n - 1] == '%')
        return true;
    /* $VAR / $env:VAR */
    if (s[0] == '$' && n > 1) {
        size_t i = 1;
        while (i < n && (isupper(s[i]) || isdigit(s[i]) || s[i] == '_'))
            i++;
        if (i == n && !isdigit(s[1]))
            return true;
    }
    if (n > 5 && memcmp(s, "$env:", 5) == 0)
        return true;
    return false;
}

/* A run of equal bytes (xxxxxx, 000000, ******) or of ascending neighbours
 * (abcdefgh, 12345678) does not happen in random tokens: 6 equal or 8
 * ascending bytes in a row has odds below 1e-4 even for 74 hex digits.
 * Long secrets (keys, certificates) legitimately hold runs (OpenSSH keys
 * have "AAAAAAAA"), so the threshold grows with the length. */
static bool low_variety(const unsigned char *s, size_t n)
{
    size_t same = 1, asc = 1;
    size_t same_max = n < 64 ? 6 : 6 + n / 16, asc_max = same_max + 2;

    for (size_t i = 1; i < n; i++) {
        same = s[i] == s[i - 1] ? same + 1 : 1;
        asc = isalnum(s[i]) && s[i] == s[i - 1] + 1 ? asc + 1 : 1;
        if (same >= same_max || asc >= asc_max)
            return true;
    }
    for (size_t i = 0; i < n; i++)
        if (s[i] != '*' && s[i] != '.' && s[i] != '-')
            return false;
    return true; /* masked: ****, ..., --- */
}

const char *lg_filter_secret(const unsigned char *s, size_t n)
{
    for (size_t i = 0; doc_values[i]; i++)
        if (strlen(doc_values[i]) == n && memcmp(doc_values[i], s, n) == 0)
            return "doc-example";
    for (size_t i = 0; doc_fragments[i]; i++)
        if (memmem(s, n, doc_fragments[i], strlen(doc_fragments[i])))
            return "doc-example";
    if (is_reference(s, n))
        return "env-reference";
    /* leakguard's own redacted output ("Prod…(25)") */
    if (memmem(s, n, "\xe2\x80\xa6(", 4))
        return "redacted";
    for (size_t i = 0; stop_words[i]; i++)
        if (has_word(s, n, stop_words[i]))
            return "placeholder";
    if (low_variety(s, n))
        return "low-variety";
    return NULL;
}
