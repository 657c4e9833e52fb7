#!/bin/sh
# Stage `make install` into a temporary DESTDIR, check what it installed and
# that the installed binary scans with its embedded rules (from outside the
# source tree, with no rule files around), then `make uninstall` and check
# that nothing is left.
#
#   tests/install-check.sh [BUILD-DIR]     default: build
#
# Not part of `make test` (it runs make itself); run it after a build.
set -u

cd "$(dirname "$0")/.." || exit 2
BUILD=${1:-build}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakguard-install.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
DEST=$WORK/dest
PREFIX=/usr
fail=0

bad()
{
    echo "install-check: $*" >&2
    fail=1
}

make --no-print-directory BUILD="$BUILD" install DESTDIR="$DEST" \
    PREFIX="$PREFIX" >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; bad "make install failed"; exit 1; }

root=$DEST$PREFIX
for f in bin/leakguard share/man/man1/leakguard.1 \
    share/bash-completion/completions/leakguard \
    share/zsh/site-functions/_leakguard; do
    [ -f "$root/$f" ] || bad "missing $PREFIX/$f"
done
[ -x "$root/bin/leakguard" ] || bad "$PREFIX/bin/leakguard is not executable"
for h in pre-commit pre-push; do
    [ -x "$root/share/leakguard/hooks/$h" ] ||
        bad "missing or not executable: $PREFIX/share/leakguard/hooks/$h"
done
n=$(find "$root/share/leakguard/rules" -name '*.yml' | wc -l)
[ "$n" -gt 0 ] || bad "no rule files in $PREFIX/share/leakguard/rules"

# A synthetic token in a scratch directory outside the source tree.
mkdir -p "$WORK/project" "$WORK/home"
python3 -c '
import random, string
r = random.Random(5)
print("GITHUB_TOKEN=ghp_" + "".join(r.choice(string.ascii_letters + string.digits) for _ in range(36)))
' >"$WORK/project/.env"
(cd "$WORK/project" && HOME=$WORK/home XDG_CACHE_HOME=$WORK/home/cache \
    "$root/bin/leakguard" scan -q -f json . >"$WORK/scan.json")
rc=$?
[ "$rc" = 1 ] || bad "installed binary: exit $rc, expected 1 (findings)"
grep -q '"rule_id": "github-pat"' "$WORK/scan.json" ||
    bad "installed binary did not report the token"
rules=$(HOME=$WORK/home "$root/bin/leakguard" rules list | wc -l)
[ "$rules" -gt 0 ] || bad "installed binary lists no rules"
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$root/share/man/man1/leakguard.1" >/dev/null 2>&1 ||
        bad "the installed manual page does not render"
fi
bash -n "$root/share/bash-completion/completions/leakguard" ||
    bad "bash completion does not parse"

make --no-print-directory BUILD="$BUILD" uninstall DESTDIR="$DEST" \
    PREFIX="$PREFIX" >"$WORK/uninstall.log" 2>&1 || bad "make uninstall failed"
left=$(find "$DEST" -type f | sed "s|^$DEST||")
[ -z "$left" ] || bad "left after uninstall: $left"

if [ "$fail" -eq 0 ]; then
    echo "install-check: ok ($PREFIX: binary, manual, completions, hooks," \
        "$n rule files; the installed binary found the token with its" \
        "$rules embedded rules; uninstall removed everything)"
fi
exit "$fail"
