/* Archives over libarchive: recognised by content, read as a stream, their
 * members handed out one at a time as byte streams.
 *
 * Formats: zip (jar, war, apk, whl, docx, xlsx, pptx, odt ...), tar, 7z,
 * cpio, iso9660, ar (deb), rpm, cab, lha, rar, xar; compression filters
 * gzip, bzip2, xz, lzma, lzip, zstd, lz4 and compress(1) around any of
 * them, and around a single file ("raw": x.log.gz holds one member, x.log).
 * Only filters built into libarchive are enabled: nothing ever starts an
 * external decompressor.  Text formats libarchive also reads (mtree, warc,
 * uuencode) are left to the text scanner; mtree would open the files it
 * names.
 *
 * The object's first bytes, already read by the caller, are given to
 * lg_archive_open() together with an I/O table that yields the rest: no
 * temporary file, no seeking required.  When the I/O table can seek (a
 * regular file), libarchive may use it (the zip central directory, 7z);
 * without it zip is read with the streaming reader, and a 7z (which cannot
 * be read without seeking) is read into memory up to io->buffer_max bytes,
 * or refused as unsupported when larger.
 *
 * Member names are never used to touch the file system.  They are turned
 * into display names: a leading "./" is dropped, control characters, '!'
 * (the member separator of display paths) and bytes that are not valid
 * UTF-8 become "\xNN"; names with "..", absolute names and the escaped ones
 * are flagged `unsafe_name`. */
#ifndef LG_SOURCE_ARCHIVE_H
#define LG_SOURCE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* Reasons (short codes for notices) for members and containers that could
 * not be read. */
#define LG_REASON_CORRUPT "corrupt-archive" /* damaged or truncated */
#define LG_REASON_ENCRYPTED "encrypted"     /* needs a passphrase */
#define LG_REASON_UNSUPPORTED "unsupported" /* format/feature not readable */
#define LG_REASON_HARDLINK "hardlink"

#define LG_ARCHIVE_NAME_MAX 4096 /* bytes of a member name kept for display */

/* Where the rest of the object comes from.  read: like read(2), returns
 * the count, 0 at the end, -1 on error.  seek: like lseek(2) on the object
 * (offset 0 = its first byte), returns the new offset or -1; NULL when the
 * stream cannot seek. */
struct lg_archive_io {
    ssize_t (*read)(void *ctx, void *buf, size_t n);
    int64_t (*seek)(void *ctx, int64_t off, int whence);
    void *ctx;
    size_t buffer_max; /* bytes a 7z stream may take in memory (0: none) */
};

/* True when head (the first n bytes of an object, or all of it) holds an
 * archive or a compressed file that lg_archive_open() will expand.  Plain
 * text is never an archive.  Cheap for the common case: only heads that
 * start with a known signature are handed to libarchive. */
bool lg_archive_detect(const void *head, size_t n);

enum lg_member_kind {
    LG_MEMBER_FILE,
    LG_MEMBER_DIR,
    LG_MEMBER_SYMLINK,
    LG_MEMBER_HARDLINK,
    LG_MEMBER_SPECIAL /* device, FIFO, socket */
};

struct lg_archive_member {
    enum lg_member_kind kind;
    const char *name; /* display name (see above), never empty */
    int64_t size;     /* -1 when the archive does not say */
    bool encrypted;   /* data needs a passphrase: do not read it */
    bool unsafe_name; /* "..", absolute, escaped bytes */
    bool failed;      /* the header is damaged: err says why, skip it */
};

struct lg_archive;

/* Open the archive whose first n bytes are head (borrowed; must stay valid
 * until lg_archive_free) and whose remaining bytes come from io (borrowed
 * likewise).  `container` is the display path of the object (borrowed for
 * the call); it names the single member of a compressed file.  Returns
 * LG_OK, LG_ENOMEM, or LG_EUNSUPPORTED / LG_ESYNTAX / LG_EIO with a
 * message and lg_archive_reason() set when out is still returned for it
 * (*out is always set unless LG_ENOMEM; free it). */
int lg_archive_open(struct lg_archive **out, const void *head, size_t n,
                    const struct lg_archive_io *io, const char *container,
                    struct lg_error *err);
void lg_archive_free(struct lg_archive *a);

/* The next member: *out points at it (valid until the next call), or is
 * NULL at the end.  Returns LG_OK, or a negative code with a message in
 * err when the archive cannot be read further (see lg_archive_reason). */
int lg_archive_next(struct lg_archive *a, const struct lg_archive_member **out,
                    struct lg_error *err);

/* Read the current member's data: returns the count, 0 at its end, -1 with
 * a message in err (and lg_archive_reason) on a damaged member. */
ssize_t lg_archive_read(struct lg_archive *a, void *buf, size_t n,
                        struct lg_error *err);

/* Bytes of the object held in memory (a 7z read from a stream), else 0. */
size_t lg_archive_buffered(const struct lg_archive *a);

/* Reason code (LG_REASON_CORRUPT, _ENCRYPTED, _UNSUPPORTED or "unreadable")
 * of the last error, NULL if none. */
const char *lg_archive_reason(const struct lg_archive *a);
/* Format name as libarchive says it ("ZIP 2.0 (deflation)", "GNU tar
 * format", "raw"), for messages. */
const char *lg_archive_format(const struct lg_archive *a);

#endif
