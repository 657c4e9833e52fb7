/* libarchive backend.
 *
 * Detection runs in two steps so that plain text costs next to nothing:
 * a signature check on the head (zip, gzip, xz, 7z, ustar, a valid v7 tar
 * checksum, "CD001" at 32 KiB ...), then, only for heads that pass it, a
 * libarchive reader over the head alone decides (the object is not touched,
 * so a false alarm costs no bytes).  libarchive's "raw" format with no
 * compression filter is any file at all: it is never an archive.
 *
 * Reading: libarchive pulls blocks through io_read, which serves the
 * caller's head first and then BLOCK-sized reads from the caller's I/O
 * table.  When that table can seek, seeking is offered to libarchive too;
 * positions are the object's own (the head is its first bytes), tracked in
 * `pos`, so a seek simply drops the rest of the head.  A 7z on a stream
 * that cannot seek is first read whole into memory (slurp, capped), and
 * then served as a head that is the whole object, seekable.
 *
 * A compressed stream whose content starts like an empty tar (zero blocks:
 * a gzip bomb of zeros) would end the tar reader at once and leave the rest
 * unread; such a stream is read as one file instead (probe's raw_only).
 *
 * Member names: libarchive converts them to the charset of the calling
 * thread's locale, and a name it cannot convert (UTF-8 names in the "C"
 * locale the CLI runs in) comes out empty.  So headers are read with the
 * thread switched to C.UTF-8 (uselocale, per thread, nothing global):
 * UTF-8 names stay as they are, other bytes pass through and are escaped.
 *
 * libarchive messages are sanitised (no control characters) and kept short;
 * they never hold member data, only names and offsets. */
#include "source/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

#define BLOCK (64 * 1024)
#define RETRIES 16 /* ARCHIVE_RETRY in a row before giving up */
#define NAME_CAP (4 * LG_ARCHIVE_NAME_MAX + 16) /* escaped display name */
#define ISO_MAGIC_AT 32769 /* "CD001" of the first volume descriptor */

struct lg_archive {
    struct archive *ar;
    const unsigned char *head;
    size_t head_len, head_off;
    struct lg_archive_io io;
    bool can_seek;
    int64_t pos; /* object offset of the next byte served */
    unsigned char *block;
    unsigned char *mem; /* the whole object, when buffered (7z) */
    bool io_failed;     /* our reader returned -1 */
    int io_errno;
    bool broken;   /* ARCHIVE_FATAL: nothing more to read */
    bool raw;      /* a compressed single file */
    locale_t utf8; /* C.UTF-8 for reading names, or 0 */
    const char *reason;
    char errmsg[LG_ERROR_MSG_MAX];
    char cause[320]; /* errmsg without its first words */
    struct lg_buf name;
    struct lg_buf raw_name;
    struct lg_archive_member m;
};

/* ------------------------------------------------------------------ */
/* Reader set-up                                                        */

/* Formats and filters we read; see the header for what is left out.
 * raw_only: the content is one file (see probe()). */
static struct archive *new_reader(bool raw_only)
{
    struct archive *ar = archive_read_new();

    if (!ar)
        return NULL;
    /* A filter whose library is missing would fall back to running an
     * external program: enable only the built-in ones. */
    if (archive_zlib_version())
        archive_read_support_filter_gzip(ar);
    if (archive_bzlib_version())
        archive_read_support_filter_bzip2(ar);
    if (archive_liblzma_version()) {
        archive_read_support_filter_xz(ar);
        archive_read_support_filter_lzma(ar);
        archive_read_support_filter_lzip(ar);
    }
    if (archive_liblz4_version())
        archive_read_support_filter_lz4(ar);
    if (archive_libzstd_version())
        archive_read_support_filter_zstd(ar);
    archive_read_support_filter_compress(ar);
    archive_read_support_filter_rpm(ar);
    archive_read_support_format_raw(ar);
    if (raw_only)
        return ar;
    archive_read_support_format_7zip(ar);
    archive_read_support_format_ar(ar);
    archive_read_support_format_cab(ar);
    archive_read_support_format_cpio(ar);
    archive_read_support_format_iso9660(ar);
    archive_read_support_format_lha(ar);
    archive_read_support_format_rar(ar);
    archive_read_support_format_rar5(ar);
    archive_read_support_format_tar(ar);
    archive_read_support_format_xar(ar);
    archive_read_support_format_zip(ar);
    return ar;
}

/* Some compression filter is in the chain. */
static bool filtered(struct archive *ar)
{
    for (int i = 0; i < archive_filter_count(ar); i++)
        if (archive_filter_code(ar, i) != ARCHIVE_FILTER_NONE)
            return true;
    return false;
}

/* An archive we expand: any format but raw, or raw under a filter. */
static bool expandable(struct archive *ar)
{
    int fmt = archive_format(ar);

    if (fmt == 0)
        return false;
    if ((fmt & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_RAW)
        return true;
    return filtered(ar);
}

/* ------------------------------------------------------------------ */
/* Detection                                                            */

static bool at(const unsigned char *p, size_t n, size_t off, const char *sig,
               size_t len)
{
    return n >= off + len && memcmp(p + off, sig, len) == 0;
}

/* A v7/ustar header block: its checksum field matches its bytes. */
static bool tar_checksum_ok(const unsigned char *p, size_t n)
{
    unsigned long want = 0, sum = 0;
    size_t i = 148;
    bool digits = false;

    if (n < 512)
        return false;
    while (i < 156 && p[i] == ' ')
        i++;
    for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++) {
        want = want * 8 + (unsigned long)(p[i] - '0');
        digits = true;
    }
    if (!digits || (i < 156 && p[i] != ' ' && p[i] != '\0'))
        return false;
    for (i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : p[i];
    return sum == want && p[0] != '\0';
}

static bool has_signature(const unsigned char *p, size_t n)
{
    static const struct {
        const char *sig;
        size_t len;
    } magic[] = {
        {"PK\3\4", 4},
        {"PK\5\6", 4},
        {"PK\7\x08", 4},
        {"PK00PK", 6},
        {"\x1f\x8b", 2},
        {"\x1f\x9d", 2},
        {"BZh", 3},
        {"\xfd"
         "7zXZ\0",
         6},
        {"LZIP", 4},
        {"\x28\xb5\x2f\xfd", 4},
        {"\x04\x22\x4d\x18", 4},
        {"\x02\x21\x4c\x18", 4},
        {"7z\xbc\xaf\x27\x1c", 6},
        {"Rar!\x1a\x07", 6},
        {"MSCF\0\0\0\0", 8},
        {"xar!", 4},
        {"!<arch>\n", 8},
        {"070707", 6},
        {"070701", 6},
        {"070702", 6},
        {"\xc7\x71", 2},
        {"\x71\xc7", 2},
        {"\xed\xab\xee\xdb", 4},
    };

    for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
        if (at(p, n, 0, magic[i].sig, magic[i].len))
            return true;
    if (n >= 13 && p[0] == 0x5d && p[1] == 0 && p[2] == 0) /* lzma alone */
        return true;
    if (at(p, n, 2, "-lh", 3) || at(p, n, 2, "-lz", 3)) /* lha */
        return true;
    if (at(p, n, 257, "ustar", 5) || tar_checksum_ok(p, n))
        return true;
    return at(p, n, ISO_MAGIC_AT, "CD001", 5);
}

struct probe {
    const void *p;
    size_t n;
    bool done;
};

static la_ssize_t probe_read(struct archive *ar, void *data, const void **buf)
{
    struct probe *pr = data;

    (void)ar;
    if (pr->done)
        return 0;
    pr->done = true;
    *buf = pr->p;
    return (la_ssize_t)pr->n;
}

/* Formats whose signature alone is proof enough: a first header that does
 * not parse makes a damaged archive (reported), not text. */
static bool strong_format(int fmt)
{
    switch (fmt & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_ZIP:
    case ARCHIVE_FORMAT_7ZIP:
    case ARCHIVE_FORMAT_ISO9660:
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5:
    case ARCHIVE_FORMAT_CAB:
    case ARCHIVE_FORMAT_XAR: return true;
    default: return false;
    }
}

/* Decide on the head alone.  *raw_only: a compressed stream whose content
 * reads as an empty tar (it starts with zero blocks, e.g. a gzip bomb of
 * zeros): the tar reader would stop there without reading the rest, so the
 * content is read as a single file instead. */
static bool probe(const void *head, size_t n, bool *raw_only)
{
    struct probe pr = {head, n, false};
    struct archive_entry *e;
    struct archive *ar;
    bool yes = false;
    int r, fmt;

    *raw_only = false;
    if (n == 0 || !has_signature(head, n))
        return false;
    ar = new_reader(false);
    if (!ar)
        return false;
    archive_read_set_read_callback(ar, probe_read);
    archive_read_set_callback_data(ar, &pr);
    if (archive_read_open1(ar) == ARCHIVE_OK) {
        r = archive_read_next_header(ar, &e);
        fmt = archive_format(ar);
        if (r == ARCHIVE_EOF && filtered(ar) &&
            (fmt & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR)
            *raw_only = yes = true;
        else if (r == ARCHIVE_OK || r == ARCHIVE_WARN || r == ARCHIVE_EOF)
            yes = expandable(ar);
        else /* a head cut short, a 7z that wants to seek, damage */
            yes = fmt != 0 && (strong_format(fmt) || filtered(ar));
    }
    archive_read_free(ar);
    return yes;
}

bool lg_archive_detect(const void *head, size_t n)
{
    bool raw_only;

    return probe(head, n, &raw_only);
}

/* ------------------------------------------------------------------ */
/* I/O callbacks                                                        */

static la_ssize_t io_read(struct archive *ar, void *data, const void **buf)
{
    struct lg_archive *a = data;
    ssize_t r;

    (void)ar;
    if (a->head_off < a->head_len) {
        size_t n = a->head_len - a->head_off;

        *buf = a->head + a->head_off;
        a->head_off = a->head_len;
        a->pos += (int64_t)n;
        return (la_ssize_t)n;
    }
    if (a->mem)
        return 0;
    r = a->io.read(a->io.ctx, a->block, BLOCK);
    if (r < 0) {
        a->io_failed = true;
        a->io_errno = errno;
        archive_set_error(ar, EIO, "read error");
        return ARCHIVE_FATAL;
    }
    *buf = a->block;
    a->pos += r;
    return (la_ssize_t)r;
}

static la_int64_t io_seek(struct archive *ar, void *data, la_int64_t off,
                          int whence)
{
    struct lg_archive *a = data;
    int64_t r;

    (void)ar;
    if (whence == SEEK_CUR) {
        off += a->pos;
        whence = SEEK_SET;
    }
    if (a->mem) { /* the head is the whole object */
        r = whence == SEEK_END ? (int64_t)a->head_len + off : off;
        if (r < 0)
            return ARCHIVE_FATAL;
        a->pos = r < (int64_t)a->head_len ? r : (int64_t)a->head_len;
        a->head_off = (size_t)a->pos;
        return a->pos;
    }
    r = a->io.seek(a->io.ctx, off, whence);
    if (r < 0)
        return ARCHIVE_FATAL;
    a->pos = r;
    a->head_off = a->head_len; /* later reads come from io */
    return r;
}

/* ------------------------------------------------------------------ */
/* Errors and names                                                     */

/* Record the current libarchive error as a one-line message and reason. */
static int fail(struct lg_archive *a, struct lg_error *err, const char *what)
{
    const char *msg = archive_error_string(a->ar);
    const char *fmt = archive_format_name(a->ar);
    char clean[200];
    size_t i;
    int code = LG_ESYNTAX;

    if (msg)
        snprintf(clean, sizeof(clean), "%s", msg);
    else /* libarchive gave up without a message: say where */
        snprintf(clean, sizeof(clean),
                 "failed after %lld bytes without a reason from libarchive",
                 (long long)archive_filter_bytes(a->ar, -1));
    for (i = 0; clean[i]; i++)
        if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
            clean[i] = '?';
    a->reason = LG_REASON_CORRUPT;
    if (a->io_failed) {
        a->reason = "unreadable";
        code = LG_EIO;
        snprintf(clean, sizeof(clean), "%s", strerror(a->io_errno));
    } else if (strstr(clean, "ncrypt") || strstr(clean, "assphrase")) {
        a->reason = LG_REASON_ENCRYPTED;
        code = LG_EUNSUPPORTED;
    } else if (archive_format(a->ar) == ARCHIVE_FORMAT_7ZIP && !a->can_seek) {
        a->reason = LG_REASON_UNSUPPORTED;
        code = LG_EUNSUPPORTED;
        snprintf(clean, sizeof(clean),
                 "7-Zip needs to seek, which a nested stream cannot");
    } else if (strstr(clean, "nsupported") || strstr(clean, "not supported")) {
        a->reason = LG_REASON_UNSUPPORTED;
        code = LG_EUNSUPPORTED;
    }
    if (fmt)
        snprintf(a->cause, sizeof(a->cause), "(%s): %s", fmt, clean);
    else
        snprintf(a->cause, sizeof(a->cause), ": %s", clean);
    snprintf(a->errmsg, sizeof(a->errmsg), "%s%s%s", what, fmt ? " " : "",
             a->cause);
    return lg_error_set(err, code, "%s", a->errmsg);
}

/* Append one byte as "\xNN". */
static int put_escaped(struct lg_buf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};

    return lg_buf_append(b, e, 4);
}

/* Code points that would garble or spoof a terminal line: C1 controls,
 * line/paragraph separators, bidirectional overrides and isolates. */
static bool spoofing(const unsigned char *p, size_t k)
{
    if (k == 2 && p[0] == 0xc2 && p[1] < 0xa0)
        return true;
    if (k == 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae)
        return true;
    return k == 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
           p[2] <= 0xa9;
}

/* ".." as a whole component (either separator). */
static bool has_dotdot(const char *s)
{
    for (const char *p = s; (p = strstr(p, "..")) != NULL; p += 2) {
        bool start = p == s || p[-1] == '/' || p[-1] == '\\';
        bool end = p[2] == '\0' || p[2] == '/' || p[2] == '\\';
        if (start && end)
            return true;
    }
    return false;
}

/* Display name of a raw member name; see the header for the rules. */
static int display_name(struct lg_buf *b, const char *raw, bool *unsafe)
{
    const unsigned char *p = (const unsigned char *)raw;
    size_t n = strnlen(raw, LG_ARCHIVE_NAME_MAX);
    int rc = LG_OK;

    lg_buf_clear(b);
    *unsafe = raw[0] == '/' || raw[0] == '\\' || has_dotdot(raw) ||
              (n >= 2 && raw[1] == ':');
    while (n >= 2 && p[0] == '.' && p[1] == '/') {
        p += 2;
        n -= 2;
    }
    /* ".//etc/x" reads as an absolute name once "./" is gone */
    if (n && (p[0] == '/' || p[0] == '\\'))
        *unsafe = true;
    while (n && rc == LG_OK) {
        size_t k = lg_utf8_valid_prefix(p, n);

        if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f)) || spoofing(p, k)) {
            *unsafe = true;
            for (size_t i = 0; i < (k ? k : 1) && rc == LG_OK; i++)
                rc = put_escaped(b, p[i]);
            k = k ? k : 1;
        } else if (*p == '!') {
            rc = put_escaped(b, *p);
        } else {
            rc = lg_buf_append(b, p, k);
        }
        p += k;
        n -= k;
    }
    if (rc == LG_OK && b->len == 0)
        rc = lg_buf_puts(b, "(unnamed)");
    return rc;
}

/* The single member of a compressed file is named after its container:
 * "x.log.gz" holds "x.log", "x.tgz" holds "x.tar". */
static int set_raw_name(struct lg_buf *b, const char *container)
{
    static const struct {
        const char *suffix, *repl;
    } map[] = {
        {".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"},
        {".txz", ".tar"}, {".tzst", ".tar"}, {".gz", ""},
        {".bz2", ""},     {".xz", ""},       {".zst", ""},
        {".lz4", ""},     {".lzma", ""},     {".lz", ""},
        {".Z", ""},       {".z", ""},
    };
    const char *base = container, *s;
    size_t n;

    for (s = container; *s; s++)
        if (*s == '/' || *s == '!')
            base = s + 1;
    n = strlen(base);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        size_t k = strlen(map[i].suffix);

        if (n > k && strcmp(base + n - k, map[i].suffix) == 0) {
            int rc = lg_buf_append(b, base, n - k);
            return rc == LG_OK ? lg_buf_puts(b, map[i].repl) : rc;
        }
    }
    return lg_buf_puts(b, n ? base : "data");
}

static enum lg_member_kind member_kind(struct archive_entry *e)
{
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR: return LG_MEMBER_DIR;
    case AE_IFLNK: return LG_MEMBER_SYMLINK;
    case AE_IFREG:
    case 0: break;
    default: return LG_MEMBER_SPECIAL;
    }
    if (archive_entry_symlink(e))
        return LG_MEMBER_SYMLINK;
    /* A hard link without data points at a member already read; with
     * data (the last link in cpio) it is the one that carries it. */
    if (archive_entry_hardlink(e) &&
        (!archive_entry_size_is_set(e) || archive_entry_size(e) == 0))
        return LG_MEMBER_HARDLINK;
    return LG_MEMBER_FILE;
}

/* A 7z cannot be read without seeking: read the rest of a stream into
 * memory (up to max bytes) and serve it from there. */
static int slurp(struct lg_archive *a, size_t max, struct lg_error *err)
{
    size_t len = a->head_len, cap = 0;
    unsigned char *p = NULL;
    ssize_t r = 1;

    while (len <= max && r > 0) {
        if (len == cap || !p) {
            /* one byte past max shows that the object is too big */
            size_t ncap = cap ? 2 * cap : (len > BLOCK ? 2 * len : BLOCK);
            unsigned char *q;

            ncap = ncap > max + 1 ? max + 1 : ncap;
            q = realloc(p, ncap);
            if (!q) {
                free(p);
                return lg_error_set(err, LG_ENOMEM, "out of memory");
            }
            if (!p)
                memcpy(q, a->head, len);
            p = q;
            cap = ncap;
        }
        r = a->io.read(a->io.ctx, p + len, cap - len);
        len += r > 0 ? (size_t)r : 0;
    }
    a->broken = r < 0 || len > max;
    if (r < 0) {
        a->io_failed = true;
        a->reason = "unreadable";
        snprintf(a->cause, sizeof(a->cause), ": %s", strerror(errno));
    } else if (len > max) {
        a->reason = LG_REASON_UNSUPPORTED;
        snprintf(a->cause, sizeof(a->cause),
                 "(7-Zip): over %.1f MiB inside another archive or a stream "
                 "(7-Zip needs to seek: only a 7z file can be that large)",
                 (double)max / 1048576.0);
    }
    if (a->broken) {
        free(p);
        return lg_error_set(err, a->io_failed ? LG_EIO : LG_EUNSUPPORTED,
                            "cannot read archive %s", a->cause);
    }
    a->mem = p;
    a->head = p;
    a->head_len = len;
    a->can_seek = true;
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* API                                                                  */

int lg_archive_open(struct lg_archive **out, const void *head, size_t n,
                    const struct lg_archive_io *io, const char *container,
                    struct lg_error *err)
{
    struct lg_archive *a = calloc(1, sizeof(*a));
    bool raw_only;

    *out = NULL;
    if (!a)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    a->head = head;
    a->head_len = n;
    a->io = *io;
    lg_buf_init(&a->name, NAME_CAP);
    lg_buf_init(&a->raw_name, NAME_CAP);
    a->block = malloc(BLOCK);
    a->utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    probe(head, n, &raw_only);
    a->ar = new_reader(raw_only);
    if (!a->block || !a->ar || set_raw_name(&a->raw_name, container) < 0) {
        lg_archive_free(a);
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    }
    *out = a;
    /* Seek only when the stream is where the head says it is. */
    a->can_seek = io->seek && io->seek(io->ctx, 0, SEEK_CUR) == (int64_t)n;
    if (!a->can_seek && io->buffer_max && n >= 6 &&
        memcmp(head, "7z\xbc\xaf\x27\x1c", 6) == 0) {
        int rc = slurp(a, io->buffer_max, err);
        if (rc < 0) {
            a->broken = true;
            return rc;
        }
    }
    archive_read_set_read_callback(a->ar, io_read);
    if (a->can_seek)
        archive_read_set_seek_callback(a->ar, io_seek);
    archive_read_set_callback_data(a->ar, a);
    if (archive_read_open1(a->ar) != ARCHIVE_OK) {
        a->broken = true;
        return fail(a, err, "cannot open archive");
    }
    return LG_OK;
}

void lg_archive_free(struct lg_archive *a)
{
    if (!a)
        return;
    if (a->ar)
        archive_read_free(a->ar);
    if (a->utf8)
        freelocale(a->utf8);
    free(a->mem);
    free(a->block);
    lg_buf_release(&a->name);
    lg_buf_release(&a->raw_name);
    free(a);
}

/* lg_archive_next() with the thread in the UTF-8 locale: LG_OK with a->m
 * filled, LG_ENOTFOUND at the end, or an error. */
static int next_member(struct lg_archive *a, struct lg_error *err)
{
    struct archive_entry *e = NULL;
    const char *raw;
    int r, tries = 0;

    do
        r = archive_read_next_header(a->ar, &e);
    while (r == ARCHIVE_RETRY && ++tries < RETRIES);
    if (r == ARCHIVE_EOF)
        return LG_ENOTFOUND;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY || !e) {
        a->broken = true;
        return fail(a, err, "cannot read archive");
    }
    a->raw = (archive_format(a->ar) & ARCHIVE_FORMAT_BASE_MASK) ==
             ARCHIVE_FORMAT_RAW;
    memset(&a->m, 0, sizeof(a->m));
    raw = a->raw ? a->raw_name.data : archive_entry_pathname_utf8(e);
    if (!raw)
        raw = archive_entry_pathname(e);
    if (display_name(&a->name, raw ? raw : "", &a->m.unsafe_name) < 0)
        return lg_error_set(err, LG_ENOMEM, "out of memory");
    a->m.name = a->name.data;
    a->m.kind = a->raw ? LG_MEMBER_FILE : member_kind(e);
    a->m.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    a->m.encrypted = archive_entry_is_data_encrypted(e) != 0;
    if (r == ARCHIVE_FAILED) {
        a->m.failed = true;
        fail(a, err, "cannot read member header");
    }
    return LG_OK;
}

int lg_archive_next(struct lg_archive *a, const struct lg_archive_member **out,
                    struct lg_error *err)
{
    locale_t old = (locale_t)0;
    int rc;

    *out = NULL;
    if (a->broken)
        return lg_error_set(err, LG_ESYNTAX, "cannot read archive%s%s",
                            a->cause[0] == '(' ? " " : "", a->cause);
    if (a->utf8)
        old = uselocale(a->utf8);
    rc = next_member(a, err);
    if (old)
        uselocale(old);
    if (rc == LG_ENOTFOUND)
        return LG_OK; /* the end */
    if (rc == LG_OK)
        *out = &a->m;
    return rc;
}

ssize_t lg_archive_read(struct lg_archive *a, void *buf, size_t n,
                        struct lg_error *err)
{
    la_ssize_t r;
    int tries = 0;

    if (a->broken) {
        lg_error_set(err, LG_ESYNTAX, "%s", a->errmsg);
        return -1;
    }
    do
        r = archive_read_data(a->ar, buf, n);
    while (r == ARCHIVE_RETRY && ++tries < RETRIES);
    if (r >= 0)
        return (ssize_t)r;
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY)
        a->broken = true;
    fail(a, err, "cannot read member");
    return -1;
}

size_t lg_archive_buffered(const struct lg_archive *a)
{
    return a && a->mem ? a->head_len : 0;
}

const char *lg_archive_reason(const struct lg_archive *a)
{
    return a ? a->reason : NULL;
}

const char *lg_archive_format(const struct lg_archive *a)
{
    const char *name = a ? archive_format_name(a->ar) : NULL;

    return name ? name : "unknown";
}
