#!/usr/bin/env python3
"""Keep the option lists of man/leakguard.1 true to the binary.

    man/update-options.py BINARY [MANPAGE]          rewrite the lists
    man/update-options.py --check BINARY [MANPAGE]  exit 1 if out of date

Each command's options in the manual sit between the comment lines
`.\\" options: COMMAND` and `.\\" end options`; this script fills them from
`BINARY COMMAND --help`, the output that the command's option table
generates, so that the manual lists exactly the options that exist.  With
--check it also fails when a command listed by `BINARY --help` has no
section in the manual.  Everything else in the manual is written by hand.
"""
import difflib
import os
import re
import subprocess
import sys

OPT = re.compile(r"^\s+(?:-(\S), )?\s*--([a-z0-9-]+)(?: (\S+))?(?:\s{2,}(.+))?$")
BEGIN = re.compile(r'^\.\\" options: (\S+)$')
END = '.\\" end options'


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True,
                          check=True).stdout


def commands(binary):
    out, on = [], False
    for line in run(binary, "--help").splitlines():
        if line.startswith("commands:"):
            on = True
        elif on and not line.strip():
            break
        elif on:
            out.append(line.split()[0])
    return out


def options(binary, cmd):
    """(short, long, metavar, help) for each option, in table order."""
    lines = run(binary, cmd, "--help").splitlines()
    lines = lines[lines.index("options:") + 1:] if "options:" in lines else []
    opts = []
    for line in lines:
        m = OPT.match(line)
        if m:
            opts.append(list(m.groups()))
        elif opts and line.strip() and opts[-1][3] is None:
            opts[-1][3] = line.strip()  # help on its own line
    return opts


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def entry(short, long, meta, help_):
    names = ([f"\\-{short}", '", "'] if short else []) + [
        "\\-\\-" + roff(long)]
    if meta:
        names.append(f'" \\fI{roff(meta)}\\fR"')
    head = (".BR " if len(names) > 1 else ".B ") + " ".join(names)
    return [".TP", head, roff(help_ or "")]


def update(page, binary):
    out, skip, seen = [], False, []
    for line in page.splitlines():
        m = BEGIN.match(line)
        if m:
            out.append(line)
            seen.append(m.group(1))
            for o in options(binary, m.group(1)):
                out.extend(entry(*o))
            skip = True
        elif line == END:
            out.append(line)
            skip = False
        elif not skip:
            out.append(line)
    return "\n".join(out) + "\n", seen


def main(argv):
    check = "--check" in argv
    argv = [a for a in argv if a != "--check"]
    if not 1 <= len(argv) <= 2:
        sys.exit(__doc__)
    binary = argv[0]
    path = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "leakguard.1")
    page = open(path, encoding="utf-8").read()
    new, seen = update(page, binary)
    missing = [c for c in commands(binary) if c not in seen]
    if not check:
        open(path, "w", encoding="utf-8").write(new)
        if missing:
            print("no options section for:", *missing, file=sys.stderr)
        return 1 if missing else 0
    bad = False
    if new != page:
        sys.stdout.writelines(difflib.unified_diff(
            page.splitlines(True), new.splitlines(True), path, "updated"))
        print(f"{path}: option lists out of date: run man/update-options.py "
              f"{binary}", file=sys.stderr)
        bad = True
    if missing:
        print(f"{path}: no section for commands: {' '.join(missing)}",
              file=sys.stderr)
        bad = True
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
