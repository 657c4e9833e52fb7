#!/usr/bin/env python3
"""Regenerate the seed corpora under tests/fuzz/corpus/<target>/.

    tests/fuzz/gen_corpus.py [OUTDIR]       default: the corpus dir here

Every seed is small and synthetic (the tokens are made up, in the formats
the rules look for).  Each target's input layout is described at the top of
its tests/fuzz/fuzz_<target>.c; this script follows it.  Compressed seeds use
the python standard library, plus the zstd / lz4 tools when installed.
Output is deterministic (fixed timestamps), so rerunning changes nothing.
"""
import base64
import bz2
import gzip
import hashlib
import io
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'corpus')

GHP = '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'
TK = 'tk_aB3dE5fG7hJ9kL1mN3pQ'
AWS = 'AKIAZ5JH3XQ7LMN2RT4W'
TEXT = ('# config\nGITHUB_TOKEN=%s\ntoken: %s\npassword=Harbor#4407copperw7L\n'
        'QQ9183746502QQ\nhost esignlive\ncid=k3j4h5g6f7d8\n'
        'aws_access_key_id = %s\n' % (GHP, TK, AWS))


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, 9, mtime=0)


def tool(cmd, data):
    if not shutil.which(cmd[0]):
        return None
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                          check=True).stdout


# ---- rules ------------------------------------------------------------------

RULE = """rules:
  - id: fz-tok
    name: token with a prefix
    pattern: '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b'
    keywords: [tk_]
    max_len: 30
    severity: high
    confidence: medium
    examples: ['tk_aB3dE5fG7hJ9kL1mN3pQ']
    negative_examples: ['tk_short']
"""

FULL = """rules:
  - id: fz-full
    name: every field
    description: >
      All the optional fields at once.
    pattern: '(?i)key\\s*[=:]\\s*(?<secret>[A-Za-z0-9]{16,40})'
    secret: secret
    keywords: ['key=', 'key:']
    max_len: 60
    min_entropy: 3.0
    severity: critical
    confidence: high
    context: 'prod|live'
    context_lines: 3
    validate: mixed-alnum
    allow: ['^EXAMPLE', 'dead']
    allow_paths: ['**/testdata/**', '*.md']
    tags: [generic, test]
    references: [https://example.test/rules]
    examples:
      - text: "env prod\\nkey=Ab3dE5fG7hJ9kL1mN3pQ"
        secret: Ab3dE5fG7hJ9kL1mN3pQ
    negative_examples: ['key=EXAMPLEKEY0123456789']
"""

CATASTROPHIC = """rules:
  - id: fz-evil
    name: catastrophic backtracking
    pattern: '(?<secret>(a+)+$)'
    max_len: 4096
    examples: ['aaaa']
    negative_examples: ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab']
"""

BROKEN = [
    "rules:\n  - id: Bad_ID\n    name: x\n    pattern: 'a'\n",
    "rules:\n  - id: x\n    name: x\n    pattern: '(unclosed'\n    max_len: 5\n"
    "    examples: ['a']\n    negative_examples: ['b']\n",
    "rules: [\n",
    "rules:\n  - &a {id: x}\n  - *a\n",
    "rules:\n  - id: x\n    max_len: 99999999999999999999\n",
    "rules:\n  - {id: a, name: b, pattern: c, max_len: 1, examples: [c], "
    "negative_examples: [d], unknown: 1}\n",
    "\xef\xbb\xbfrules: []\n",
    "%YAML 1.1\n---\nrules:\n  - !!binary aGVsbG8=\n",
]


def gen_rules():
    put('rules', 'minimal.yml', RULE)
    put('rules', 'full.yml', FULL)
    put('rules', 'catastrophic.yml', CATASTROPHIC)
    for i, text in enumerate(BROKEN):
        put('rules', 'broken%d.yml' % i, text)
    with open(os.path.join(HERE, '..', '..', 'rules', 'linear.yml'), 'rb') as f:
        put('rules', 'builtin-linear.yml', f.read())


# ---- serial -----------------------------------------------------------------
# The layout is documented in src/rule/serial.h.

NONE = 0xffffffff


def s32(v):
    return struct.pack('<I', v)


def sstr(s):
    if s is None:
        return s32(NONE)
    b = s.encode()
    return s32(len(b)) + b


def slist(items):
    return s32(len(items)) + b''.join(sstr(x) for x in items)


def spos(pos):
    f, line, col = pos
    return s32(NONE if f is None else f) + s32(line) + s32(col)


def sexamples(items):
    return s32(len(items)) + b''.join(
        sstr(text) + sstr(secret) + spos(pos) for text, secret, pos in items)


def srule(id, pattern, max_len=30, entropy=0.0, sev=2, conf=1, name='n',
          description=None, secret_group=None, keywords=(), context=None,
          context_lines=0, validate=None, pair_with=None, pair_lines=0,
          allow=(), allow_paths=(), tags=(), references=(),
          examples=(('x', None, (0, 8, 7)),),
          negatives=(('y', None, (0, 9, 7)),), pos=(0, 2, 5)):
    return (sstr(id) + sstr(name) + sstr(description) + sstr(pattern) +
            sstr(secret_group) + slist(keywords) + struct.pack('<Q', max_len) +
            struct.pack('<d', entropy) + s32(sev) + s32(conf) + sstr(context) +
            s32(context_lines) + sstr(validate) + sstr(pair_with) +
            s32(pair_lines) + slist(allow) + slist(allow_paths) + slist(tags) +
            slist(references) + sexamples(examples) + sexamples(negatives) +
            spos(pos))


def blob(files, rules, version=1):
    return (b'LGRULES\0' + s32(version) + s32(len(files)) +
            b''.join(sstr(f) for f in files) + s32(len(rules)) +
            b''.join(rules))


def gen_serial():
    minimal = srule('fz-tok', '\\b(?<secret>tk_[A-Za-z0-9]{20})\\b',
                    keywords=['tk_'], examples=((TK, None, (0, 9, 7)),))
    full = srule('fz-full', '(?i)key\\s*[=:]\\s*(?<secret>[A-Za-z0-9]{16,40})',
                 max_len=60, entropy=3.0, sev=4, conf=2, name='every field',
                 description='All the optional fields.\n',
                 secret_group='secret', keywords=['key=', 'key:'],
                 context='prod|live', context_lines=3, validate='mixed-alnum',
                 pair_with='fz-tok', pair_lines=5, allow=['^EXAMPLE', 'dead'],
                 allow_paths=['**/testdata/**', '*.md'],
                 tags=['generic', 'test'],
                 references=['https://example.test/rules'],
                 examples=(('env prod\nkey=Ab3dE5fG7hJ9kL1mN3pQ',
                            'Ab3dE5fG7hJ9kL1mN3pQ', (1, 22, 9)),
                           ('key: Zx9yW8vU7tS6rQ5pO4nM', None, (1, 24, 9))),
                 negatives=(('key=EXAMPLEKEY0123456789', None, (None, 0, 0)),),
                 pos=(1, 2, 5))
    put('serial', 'empty', blob([], []))
    put('serial', 'minimal', blob(['rules/a.yml'], [minimal]))
    put('serial', 'two-files', blob(['rules/a.yml', 'rules/b.yml'],
                                    [minimal, full]))
    whole = blob(['rules/a.yml', 'rules/b.yml'], [minimal, full])
    put('serial', 'truncated', whole[:len(whole) // 2])
    put('serial', 'trailing', blob(['a.yml'], [minimal]) + b'\0')
    put('serial', 'version2', blob(['a.yml'], [minimal], version=2))
    put('serial', 'bad-file-index',
        blob(['a.yml'], [srule('fz-x', 'x', pos=(7, 1, 1))]))
    put('serial', 'huge-count', b'LGRULES\0' + s32(1) + s32(0x7fffffff))


# ---- scanner ----------------------------------------------------------------

def scan_header(flags, pad_kib=0, fill=b' ', pad_at=0, seed=1, cls=4):
    return (bytes([flags, pad_kib, fill[0]]) + struct.pack('>H', pad_at) +
            struct.pack('>I', seed) + bytes([cls]))


def gen_scanner():
    b64 = base64.b64encode(('secret=%s\n' % GHP).encode()).decode()
    pem = ('-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n'
           'c2VjcmV0IHRleHQ=\n-----END KEY-----\n')
    put('scanner', 'plain', scan_header(0) + TEXT.encode())
    put('scanner', 'builtin', scan_header(1 | 16, seed=7) + TEXT.encode())
    put('scanner', 'decode', scan_header(1 | 4 | 8, seed=3, cls=2) +
        ('data: %s\nhex=%s\nurl=%s\n' % (
            b64, ('token=%s' % TK).encode().hex(),
            'token%3D' + TK)).encode())
    put('scanner', 'padded', scan_header(8 | 2, pad_kib=20, fill=b'a',
                                         pad_at=20, seed=9, cls=12) +
        ('password=Harbor#4407copperw7L %s\n' % TK).encode())
    put('scanner', 'newlines', scan_header(1 | 8, pad_kib=8, fill=b'\n',
                                           pad_at=3, seed=5, cls=9) +
        (pem + 'token=' + TK + ' # leakguard:allow\n').encode())
    put('scanner', 'binary', scan_header(16 | 2, seed=11, cls=0) +
        b'\x00\xff' + TK.encode() + b'\x00key:k3j4h5g6f7d8a9b0\xc3\x28')


# ---- decode -----------------------------------------------------------------

def gen_decode():
    params = bytes([0, 0, 0, 64, 0, 32, 3, 17])
    put('decode', 'b64', params + base64.b64encode(TEXT.encode()[:60]))
    put('decode', 'b64url', params + base64.urlsafe_b64encode(b'\xfb\xff' * 20))
    put('decode', 'b64pad', params + b'QUJDRA==')
    put('decode', 'b64bad', params + b'QUJDRA=A=')
    put('decode', 'hex', params + TEXT.encode()[:40].hex().encode())
    put('decode', 'pct', params + b'https://x.test/?t=token%3D' +
        TK.encode() + b'%26a%3Db')
    put('decode', 'mixed', bytes([0, 2, 0, 80, 0, 10, 1, 255]) +
        b'a=' + base64.b64encode(b'password=Harbor#4407copperw7L') +
        b' h=' + b'deadbeef' * 4 + b'%zz%4')


# ---- json -------------------------------------------------------------------

def gen_json():
    put('json', 'object', '{"a": [1, 2.5e-3, true, null], "b": {"c": "d\\u00e9"}}')
    put('json', 'array', '[{"rule_id":"x","fingerprint":"%s"}]' % ('ab' * 16))
    put('json', 'escapes', '"\\ud83d\\ude00 \\ud800 \\" \\\\ \\/ \\b\\f\\n\\r\\t"')
    put('json', 'deep', '[' * 70 + ']' * 70)
    put('json', 'bom', b'\xef\xbb\xbf{"k": -0.0}')
    put('json', 'invalid', '{"a": [1, 2,], "b": 01, \'c\': tru}')
    put('json', 'writer', bytes([1, 0, 7, 5, 0x41, 0x00, 0xff, 0x22, 0x5c,
                                 1, 4, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
                                 0xde, 0xf0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                 0, 3, 0x6b, 0x65, 0x79, 7, 2, 0xc3, 0xa9,
                                 9, 9]))


# ---- report -----------------------------------------------------------------

def report_input(flags, nums, strings):
    out = bytes([flags]) + b''.join(struct.pack('>I', n) for n in nums)
    for s in strings:
        s = s.encode() if isinstance(s, str) else s
        out += bytes([len(s)]) + s
    return out


def gen_report():
    strings = ['src/app/.env', 'outer.zip!inner.tar.gz!app/.env',
               'XyZ9kLmN0pQrStUv1234', 'GITHUB_TOKEN=', '  token: ',
               ' # end', ' more', 'octocat', 'a' * 40, 'Dev Name',
               'dev@example.test', '2024-01-02T03:04:05Z', 'add config\n',
               'github', 'octocat', 'HTTP 401 from api.example.test',
               '2024-05-06T07:08:09Z', '/home/dev/project',
               'leakguard scan -f sarif .', 'binary', 'corrupt-archive',
               'blob.bin', 'x.zip!y', 'archive is damaged']
    nums = [1, 7, 2, 3, 0, 1, 4, 0]
    put('report', 'plain', report_input(0, nums, strings))
    put('report', 'git-verified', report_input(2 | 8, [5, 99, 123456, 3,
                                                     2, 3, 3, 0], strings))
    odd = list(strings)
    odd[0] = b'dir/\xff\xfe\x01name!with\x1b[31m.env'
    odd[2] = b'sec\x00ret\xc3\x28\n"quote"\\'
    odd[17] = 'relative dir'
    put('report', 'odd-bytes', report_input(1 | 4 | 32, [0x80000000, 1, 2,
                                                        3, 4, 5, 6,
                                                        0xffffffff], odd))


# ---- ignore -----------------------------------------------------------------

def gen_ignore():
    fp = '0123456789abcdef0123456789ABCDEF'
    put('ignore', 'ignorefile', '# comment\n%s\n  vendor/**  # trailing\n'
        '\n*.min.js\r\nfixtures/\n\t%s\t\n' % (fp, fp.lower()))
    put('ignore', 'baseline.json', '[\n  {\n    "rule_id": "github-pat",\n'
        '    "fingerprint": "%s"\n  }\n]\n' % fp)
    put('ignore', 'baseline.jsonl', '{"type":"finding","fingerprint":"%s"}\n'
        '{"type":"summary"}\n' % fp.lower())
    put('ignore', 'baseline.sarif', '{"version": "2.1.0", "runs": [{"results":'
        ' [{"partialFingerprints": {"leakguard/v1" :\t"%s"}}]}]}' % fp)
    put('ignore', 'notareport', 'hello world\n')
    put('ignore', 'nul', b'%s\n\x00%s\n' % (fp.encode(), fp.encode()))


# ---- utf16 ------------------------------------------------------------------

def gen_utf16():
    text = 'token = %s \U0001F600 caf\u00e9\n' % TK
    put('utf16', 'le', b'\x00' + b'\x00\x00\x00\x07' + b'\xff\xfe' +
        text.encode('utf-16-le'))
    put('utf16', 'be', b'\x01' + b'\x00\x00\x01\x00' + b'\xfe\xff' +
        text.encode('utf-16-be'))
    put('utf16', 'surrogates', b'\x00' + b'\x12\x34\x56\x78' +
        b'\x00\xd8\x41\x00\x00\xdc\x00\xd8\x00\xd8\x00\xdc\x3d\xd8')
    put('utf16', 'odd', b'\x01' + b'\x00\x00\x00\x03' + b'\xfe\xff\x00A\x00')


# ---- archive ----------------------------------------------------------------

def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()


def tar_bytes(members, fmt=tarfile.GNU_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w', format=fmt) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    # Without the record padding: the end-of-archive blocks are enough.
    data = buf.getvalue().rstrip(b'\0')
    return data + b'\0' * (-len(data) % 512 + 1024)


def cpio_newc(members):
    out = b''
    for i, (name, data) in enumerate(members + [('TRAILER!!!', b'')]):
        n = name.encode() + b'\0'
        hdr = b'070701' + b''.join(b'%08X' % v for v in (
            i + 1, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0))
        out += hdr + n + b'\0' * ((4 - (len(hdr) + len(n)) % 4) % 4)
        out += data + b'\0' * ((4 - len(data) % 4) % 4)
    return out


def ar_bytes(members):
    out = b'!<arch>\n'
    for name, data in members:
        out += b'%-16s%-12s%-6s%-6s%-8s%-10d`\n' % (
            name.encode() + b'/', b'0', b'0', b'0', b'100644', len(data))
        out += data + (b'\n' if len(data) % 2 else b'')
    return out


def gen_archive():
    env = ('GITHUB_TOKEN=%s\ntoken = %s\n' % (GHP, TK)).encode()
    members = [('app/.env', env), ('README.txt', b'nothing here\n')]
    tar = tar_bytes(members)
    put('archive', 'zip', b'\x00' + zip_bytes(members))
    put('archive', 'zip-stored', b'\x08' + zip_bytes(members, zipfile.ZIP_STORED))
    put('archive', 'tar', b'\x00' + tar)
    put('archive', 'tgz', b'\x00' + gz(tar))
    put('archive', 'tbz2', b'\x00' + bz2.compress(tar, 9))
    put('archive', 'txz', b'\x00' + lzma.compress(tar))
    put('archive', 'gz-raw', b'\x00' + gz(env))
    put('archive', 'cpio', b'\x00' + cpio_newc(members))
    put('archive', 'ar', b'\x00' + ar_bytes(members))
    put('archive', 'nested', b'\x07' + zip_bytes(
        [('in.tar.gz', gz(tar_bytes([('deep.zip', zip_bytes(members))])))]))
    put('archive', 'evil-names', b'\x00' + tar_bytes(
        [('../../escaped.env', env), ('/etc/abs.env', env),
         ('ctl\x1b[31m.env', env), ('x!y.env', env)]))
    put('archive', 'pax-utf8', b'\x00' + tar_bytes(
        [('caf\u00e9/\u00fc.env', env)], fmt=tarfile.PAX_FORMAT))
    put('archive', 'truncated', b'\x00' + gz(tar)[:60])
    for name, cmd in (('zst', ['zstd', '-q', '-c']), ('lz4', ['lz4', '-q', '-c'])):
        data = tool(cmd, tar)
        if data:
            put('archive', name, b'\x00' + data)


# ---- git --------------------------------------------------------------------

KNOWN = 'token = %s\n' % TK


def oid(kind, data):
    return hashlib.sha1(b'%s %d\0' % (kind, len(data)) + data).digest()


def gen_git():
    known = oid(b'blob', KNOWN.encode())
    sig = b'Fuzz <fuzz@example.test> 1700000000 +0000'
    put('git', 'blob', b'\x00' + TEXT.encode())
    put('git', 'tree', b'\x01' + b'100644 a.txt\0' + known +
        b'100755 dir/b.sh\0' + known + b'120000 link\0' + known +
        b'160000 sub\0' + b'\x11' * 20 + b'40000 missing\0' + b'\x22' * 20)
    put('git', 'tree-bad', b'\x01' + b'100644 a.txt\0' + known[:7])
    put('git', 'commit', b'\x02' + b'tree ' + b'4b825dc642cb6eb9a060e54bf8d69288fbee4904' +
        b'\nparent ' + b'0' * 40 + b'\nauthor ' + sig + b'\ncommitter ' + sig +
        b'\n\nmsg\n')
    put('git', 'tag', b'\x03' + b'object ' + known.hex().encode() +
        b'\ntype blob\ntag t\ntagger ' + sig + b'\n\nkey file\n')
    put('git', 'tree-ref', b'\x04' + b'100644 k.txt\0' + known)
    put('git', 'damaged-cut', b'\x05' + TEXT.encode()[:32] + b'\x01\x00\x10')
    put('git', 'damaged-flip', b'\x05' + TEXT.encode()[:32] +
        b'\x00\x00\x05\x40\x00\x09\x01')


def pack_obj(kind, size, body, extra=b''):
    """A pack entry: type/size varint header, extra (delta base), zlib body."""
    c = (kind << 4) | (size & 15)
    size >>= 4
    out = bytearray()
    while size:
        out.append(c | 0x80)
        c = size & 0x7f
        size >>= 7
    out.append(c)
    return bytes(out) + extra + zlib.compress(body)


def ofs(n):
    """An OFS_DELTA's backwards offset."""
    out = [n & 0x7f]
    n >>= 7
    while n:
        n -= 1
        out.insert(0, 0x80 | (n & 0x7f))
        n >>= 7
    return bytes(out)


def delta(src, dst_parts):
    """A delta: sizes, then ('copy', off, n) / ('ins', bytes) ops."""
    def vint(v):
        out = bytearray()
        while True:
            b = v & 0x7f
            v >>= 7
            out.append(b | (0x80 if v else 0))
            if not v:
                return bytes(out)
    total = sum(p[2] if p[0] == 'copy' else len(p[1]) for p in dst_parts)
    out = vint(len(src)) + vint(total)
    for p in dst_parts:
        if p[0] == 'copy':
            out += bytes([0x80 | 0x01 | 0x10, p[1], p[2]])
        else:
            out += bytes([len(p[1])]) + p[1]
    return out


def pack_and_index(objects):
    """objects: (kind, body, base index or None, ref) -> (idx, pack)."""
    data = bytearray(b'PACK' + struct.pack('>II', 2, len(objects)))
    offs, ids, crcs = [], [], []
    for kind, body, base, ref, _ in objects:
        off = len(data)
        if base is None:
            ent = pack_obj(kind, len(body), body)
            full = body
        else:
            bkind, bfull = objects[base][0], objects[base][4]
            d = delta(bfull, body)
            full = b''.join(bfull[p[1]:p[1] + p[2]] if p[0] == 'copy'
                            else p[1] for p in body)
            if ref:
                ent = pack_obj(7, len(d), d, ids[base])
            else:
                ent = pack_obj(6, len(d), d, ofs(off - offs[base]))
            kind = bkind
        name = {1: b'commit', 2: b'tree', 3: b'blob', 4: b'tag'}[kind]
        ids.append(hashlib.sha1(name + b' %d\0' % len(full) + full).digest())
        offs.append(off)
        crcs.append(zlib.crc32(ent))
        data += ent
        objects[len(offs) - 1] = (kind, body, base, ref, full)
    data += hashlib.sha1(bytes(data)).digest()
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    fan = [0] * 256
    for i in order:
        fan[ids[i][0]] += 1
    idx = bytearray(b'\377tOc' + struct.pack('>I', 2))
    run = 0
    for v in fan:
        run += v
        idx += struct.pack('>I', run)
    for i in order:
        idx += ids[i]
    for i in order:
        idx += struct.pack('>I', crcs[i])
    for i in order:
        idx += struct.pack('>I', offs[i])
    idx += hashlib.sha1(bytes(data[-20:])).digest() * 2
    return bytes(idx), bytes(data)


def gen_pack():
    base = (TEXT * 3).encode()
    objs = [
        (3, base, None, False),
        (3, [('copy', 0, 100), ('ins', b'changed line\n'),
             ('copy', 120, 60)], 0, False),
        (3, [('copy', 10, 50), ('ins', b'again\n')], 1, False),
        (3, [('ins', b'ref delta\n'), ('copy', 0, 40)], 0, True),
        (2, b'100644 a.txt\0' + b'\x11' * 20, None, False),
    ]
    objs = [o + (None,) for o in objs]
    idx, data = pack_and_index(objs)
    put('pack', 'chain', struct.pack('>I', len(idx)) + idx + data)
    put('pack', 'no-index', struct.pack('>I', 0) + data)
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x40
    put('pack', 'flipped', struct.pack('>I', len(idx)) + idx + bytes(bad))
    put('pack', 'cut', struct.pack('>I', len(idx)) + idx + data[:len(data) // 2])


def main():
    for gen in (gen_rules, gen_scanner, gen_decode, gen_json, gen_report,
                gen_ignore, gen_utf16, gen_archive, gen_git, gen_serial,
                gen_pack):
        gen()


if __name__ == '__main__':
    main()
