#!/usr/bin/env python3
"""Write a git fast-import stream of a long synthetic history to stdout.

usage: gen-history.py COMMITS [FILES [DIRS]]

Each commit edits a few files of a source tree of FILES files (lines of
code-like text), now and then adds a (synthetic) credential.  The files
are in one flat directory (src/), or with DIRS > 0 spread over DIRS
directories two levels deep (src/dNN/sub/, the shape of a project such as
git itself).  Deterministic (seeded)."""
import random
import sys

commits = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
nfiles = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
ndirs = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rnd = random.Random(42)
out = sys.stdout.buffer
words = ("static int return struct const char void for while if else case "
         "buffer length offset error config value token client server "
         "request response handler result status index count").split()


def line():
    n = rnd.randint(3, 12)
    return ("    " * rnd.randint(0, 3) + " ".join(rnd.choice(words)
            for _ in range(n)) + ";\n")


def blob(lines):
    data = "".join(lines).encode()
    out.write(b"blob\ndata %d\n" % len(data))
    out.write(data)
    out.write(b"\n")


def secret():
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "GITHUB_TOKEN=ghp_" + "".join(rnd.choice(alpha) for _ in range(36))




def name(i):
    if not ndirs:
        return "src/f%04d.c" % i
    d = i % ndirs
    return "src/d%02d/s%d/f%04d.c" % (d, (i // ndirs) % 4, i)


files = {name(i): [line() for _ in range(rnd.randint(20, 120))]
         for i in range(nfiles)}
mark = 0
t = 1500000000
for c in range(commits):
    changed = rnd.sample(sorted(files), k=min(3, len(files)))
    ops = []
    for path in changed:
        lines = files[path]
        for _ in range(rnd.randint(1, 5)):
            lines.insert(rnd.randint(0, len(lines)), line())
        if rnd.random() < 0.002:
            lines.insert(rnd.randint(0, len(lines)), secret() + "\n")
        mark += 1
        out.write(b"blob\nmark :%d\n" % mark)
        data = "".join(lines).encode()
        out.write(b"data %d\n" % len(data))
        out.write(data)
        out.write(b"\n")
        ops.append(b"M 100644 :%d %s\n" % (mark, path.encode()))
    t += rnd.randint(60, 7200)
    msg = b"change %d\n" % c
    out.write(b"commit refs/heads/main\n")
    out.write(b"author Dev <dev@example.com> %d +0000\n" % t)
    out.write(b"committer Dev <dev@example.com> %d +0000\n" % t)
    out.write(b"data %d\n" % len(msg))
    out.write(msg)
    if c == 0:
        out.write(b"deleteall\n")
        for path, lines in files.items():
            mark += 1
            out.write(b"M 100644 inline %s\n" % path.encode())
            data = "".join(lines).encode()
            out.write(b"data %d\n" % len(data))
            out.write(data)
            out.write(b"\n")
    for o in ops:
        out.write(o)
    out.write(b"\n")
out.write(b"done\n")
