/* Helpers shared by the fuzz targets: failing loudly, reading parameters
 * from the input, a temp directory, and the embedded rule set. */
#define _XOPEN_SOURCE 700 /* nftw */

#include "fuzz.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rule/ruleset.h"

void lg_fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

uint8_t lg_fuzz_u8(struct lg_fuzz_in *in)
{
    uint8_t v;

    if (!in->n)
        return 0;
    v = in->p[0];
    in->p++;
    in->n--;
    return v;
}

uint16_t lg_fuzz_u16(struct lg_fuzz_in *in)
{
    uint16_t hi = lg_fuzz_u8(in);

    return (uint16_t)(hi << 8 | lg_fuzz_u8(in));
}

uint32_t lg_fuzz_u32(struct lg_fuzz_in *in)
{
    uint32_t hi = lg_fuzz_u16(in);

    return hi << 16 | lg_fuzz_u16(in);
}

uint32_t lg_fuzz_xorshift(uint32_t *state, uint32_t zero)
{
    uint32_t x = *state ? *state : zero;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

const uint8_t *lg_fuzz_bytes(struct lg_fuzz_in *in, size_t want, size_t *got)
{
    const uint8_t *p = in->p;

    *got = want < in->n ? want : in->n;
    in->p += *got;
    in->n -= *got;
    return p;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */

static char tmpdir[64];

static void remove_tmpdir(void)
{
    if (tmpdir[0])
        lg_fuzz_rmtree(tmpdir);
}

const char *lg_fuzz_tmpdir(void)
{
    const char *base;

    if (tmpdir[0])
        return tmpdir;
    base = getenv("TMPDIR");
    if (!base || !*base || strlen(base) > 40)
        base = "/tmp";
    snprintf(tmpdir, sizeof(tmpdir), "%s/lg-fuzz.XXXXXX", base);
    if (!mkdtemp(tmpdir))
        lg_fuzz_fail("cannot create a temp directory under %s", base);
    atexit(remove_tmpdir);
    return tmpdir;
}

int lg_fuzz_write_file(const char *path, const void *data, size_t n)
{
    const char *p = data;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0)
        return -1;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return close(fd);
}

static int rm_entry(const char *p, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

void lg_fuzz_rmtree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ */
/* Rules                                                                */

/* Small max_len values make the scanner's window slide on short inputs;
 * every rule's examples pass `leakguard rules test`. */
static const char RULES[] =
    "rules:\n"
    "  - id: fz-tok\n"
    "    name: token with a prefix\n"
    "    pattern: '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b'\n"
    "    keywords: [tk_]\n"
    "    max_len: 30\n"
    "    examples: ['tk_aB3dE5fG7hJ9kL1mN3pQ']\n"
    "    negative_examples: ['tk_short']\n"
    "  - id: fz-pw\n"
    "    name: password assignment\n"
    "    pattern: "
    "'(?i)password\\s{0,3}[=:]\\s{0,3}(?<secret>[A-Za-z0-9!#]{8,40})'\n"
    "    keywords: [password]\n"
    "    max_len: 60\n"
    "    min_entropy: 2.5\n"
    "    examples: ['password=Harbor#4407copperw7L']\n"
    "    negative_examples: ['password=aaaaaaaaaa']\n"
    "  - id: fz-nokw\n"
    "    name: prefiltered by its own pattern\n"
    "    pattern: 'QQ(?<secret>[0-9]{10})QQ'\n"
    "    max_len: 14\n"
    "    examples: ['QQ9183746502QQ']\n"
    "    negative_examples: ['QQ123QQ']\n"
    "  - id: fz-ctx\n"
    "    name: needs context\n"
    "    pattern: 'cid=(?<secret>[a-z0-9]{12})'\n"
    "    keywords: ['cid=']\n"
    "    max_len: 20\n"
    "    context: 'esignlive'\n"
    "    context_lines: 2\n"
    "    examples: [\"host esignlive\\ncid=k3j4h5g6f7d8\"]\n"
    "    negative_examples: ['cid=k3j4h5g6f7d8']\n"
    "  - id: fz-pem\n"
    "    name: multi-line block\n"
    "    pattern: '-----BEGIN KEY-----\\n(?<secret>[A-Za-z0-9+/=\\n]{16,3000}?)"
    "-----END KEY-----'\n"
    "    keywords: ['-----BEGIN KEY-----']\n"
    "    max_len: 3040\n"
    "    examples: [\"-----BEGIN KEY-----\\nMIIBOgIBAAJBAKj34GkxFhD9\\n"
    "-----END KEY-----\"]\n"
    "    negative_examples: ['-----BEGIN KEY-----']\n"
    "  - id: fz-allow\n"
    "    name: allow-listed values and a look-behind\n"
    "    pattern: '(?<![a-z])key:(?<secret>[a-z0-9]{16})\\b'\n"
    "    keywords: ['key:']\n"
    "    max_len: 20\n"
    "    allow: ['^0+$', 'dead']\n"
    "    examples: ['key:k3j4h5g6f7d8a9b0']\n"
    "    negative_examples: ['key:0000000000000000', "
    "'key:k3j4deadf7d8a9b0']\n"
    "  - id: fz-b64\n"
    "    name: validated Base64 text\n"
    "    pattern: 'b64=(?<secret>[A-Za-z0-9+/]{20,80}={0,2})'\n"
    "    keywords: ['b64=']\n"
    "    max_len: 90\n"
    "    validate: base64-text\n"
    "    examples: ['b64=Q29ycmVjdEhvcnNlQmF0dGVyeVN0YXBsZQ==']\n"
    "    negative_examples: ['b64=AAAAAAAAAAAAAAAAAAAAAAAA']\n";

static struct lg_ruleset *rulesets[2];

const struct lg_ruleset *lg_fuzz_ruleset(bool builtin)
{
    struct lg_ruleset **rs = &rulesets[builtin];
    struct lg_error err;

    if (*rs)
        return *rs;
    lg_error_clear(&err);
    if (lg_ruleset_new(rs) < 0 ||
        (builtin && lg_ruleset_add_builtin(*rs, &err) < 0) ||
        lg_ruleset_add_text(*rs, "fuzz.yml", RULES, sizeof(RULES) - 1, &err) <
            0 ||
        lg_ruleset_compile(*rs, &err) < 0)
        lg_fuzz_fail("cannot build the fuzz rule set: %s", err.msg);
    return *rs;
}
