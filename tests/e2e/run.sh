#!/usr/bin/env bash
# Data-driven end-to-end tests for the leakguard binary.
#
#   tests/e2e/run.sh BINARY [CASE...]     CASE: a case directory name or a
#                                         substring of one (default: all)
#
# Each case is a directory tests/e2e/cases/NNN-name/ holding:
#   args             leakguard's arguments on one line, shell-quoted
#   input/           optional: the working directory (else the case dir)
#   stdin            optional: fed on standard input (else /dev/null)
#   setup            optional: bash script run first, in the case's temp copy
#                    ($LEAKGUARD_BIN is the binary under test)
#                    (generates inputs that must not be committed)
#   exit             expected exit status (default 0)
#   stdout           optional: the exact expected standard output
#   stdout.contains  optional: fixed strings (one a line) that must appear
#   stderr.contains
#   stdout.absent    optional: fixed strings that must NOT appear (e.g. the
#   stderr.absent    raw secret, to prove that output is redacted)
#   env              optional: NAME=VALUE lines exported for leakguard (may
#                    be written by setup, e.g. a stub server's URL)
#   teardown         optional: bash script run at the very end, also after a
#                    failed setup (e.g. stops a server that setup started)
#   check            optional: bash script run last, in the working directory,
#                    as `check STDOUT-FILE STDERR-FILE` ($LEAKGUARD_BIN is the
#                    binary, $LEAKGUARD_SRC the source tree): parses the
#                    output (python3) or runs more commands; a non-zero exit
#                    fails the case and its output is shown
#
# Every case runs in a fresh temp copy (nothing is written into the repo),
# with NO_COLOR=1, LC_ALL=C, HOME in a temp directory and one XDG_CACHE_HOME
# for the whole run (the compiled rule database is built once, not per case).
# Sanitizer reports on stderr fail a case whatever its exit status (ASan and
# LSan exit with 1 by default, which is also the "findings" status).
set -uo pipefail

usage()
{
    echo "usage: $0 BINARY [CASE...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
BIN=$1
shift
case "$BIN" in
/*) ;;
*) BIN=$PWD/$BIN ;;
esac
if [ ! -x "$BIN" ]; then
    echo "run.sh: '$BIN' is not an executable file" >&2
    exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CASES=$HERE/cases
TIMEOUT=${LG_E2E_TIMEOUT:-120}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakguard-e2e.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT

# Run without any LEAKGUARD_* settings from the caller's environment.
while IFS= read -r var; do
    unset "$var"
done < <(compgen -e | grep '^LEAKGUARD_' || true)
unset XDG_STATE_HOME # state (audit log, spools) goes under the temp HOME
# Stub servers for cases that talk to (fake) provider APIs.
export LG_E2E_STUBS="$HERE/../stubs"
export NO_COLOR=1 LC_ALL=C
# Our defaults first so that a caller's own options win; a distinct exit
# code keeps a sanitizer abort from passing as "findings" (1).
export ASAN_OPTIONS="exitcode=86${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:exitcode=87${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

passed=0
failed=0
failures=()

# Lines of a pattern file, without CR and without empty lines.
pattern_lines()
{
    tr -d '\r' <"$1" | grep -v '^$' || true
}

# teardown_case: the case's optional teardown (uses run_case's $dir, $tmp).
teardown_case()
{
    [ -f "$dir/teardown" ] || return 0
    (cd "$dir" && HOME=$tmp/home bash ./teardown) >>"$tmp/teardown.log" 2>&1
    return 0
}

# run_case DIR: runs one case; prints diagnostics; returns 0 on pass.
run_case()
{
    local src=$1 name tmp dir wd expect_exit rc line ok=0 argline
    name=$(basename "$src")
    tmp=$WORK/$name
    dir=$tmp/case
    mkdir -p "$tmp/home" "$tmp/cache" "$dir"
    cp -R "$src/." "$dir/"

    if [ -f "$dir/setup" ]; then
        if ! (cd "$dir" && HOME=$tmp/home LEAKGUARD_BIN="$BIN" bash ./setup) >"$tmp/setup.log" 2>&1; then
            echo "  setup failed:"
            sed 's/^/    /' "$tmp/setup.log"
            teardown_case
            return 1
        fi
    fi
    if [ ! -f "$dir/args" ]; then
        echo "  missing 'args' file"
        return 1
    fi
    wd=$dir
    [ -d "$dir/input" ] && wd=$dir/input
    argline=$(tr -d '\r' <"$dir/args")
    expect_exit=0
    [ -f "$dir/exit" ] && expect_exit=$(tr -d ' \r\n' <"$dir/exit")

    (
        cd "$wd" || exit 125
        eval "set -- $argline" || exit 125
        export HOME=$tmp/home XDG_CACHE_HOME=$WORK/cache
        if [ -f "$dir/env" ]; then
            set -a
            . "$dir/env" || exit 125
            set +a
        fi
        if [ -f "$dir/stdin" ]; then
            exec timeout -k 10 "$TIMEOUT" "$BIN" "$@" <"$dir/stdin"
        else
            exec timeout -k 10 "$TIMEOUT" "$BIN" "$@" </dev/null
        fi
    ) >"$tmp/out" 2>"$tmp/err"
    rc=$?

    if [ "$rc" != "$expect_exit" ]; then
        case $rc in
        124) echo "  timed out after ${TIMEOUT}s" ;;
        125) echo "  could not run (bad args line or input dir?)" ;;
        *) echo "  exit status $rc, expected $expect_exit" ;;
        esac
        ok=1
    fi
    if grep -Eq '^==[0-9]+==ERROR: |^SUMMARY: (Address|Leak|Undefined)|: runtime error: ' \
        "$tmp/err"; then
        echo "  sanitizer report on stderr"
        ok=1
    fi
    if [ -f "$dir/stdout" ] && ! cmp -s "$dir/stdout" "$tmp/out"; then
        echo "  stdout differs (--- expected, +++ actual):"
        diff -u "$dir/stdout" "$tmp/out" | tail -n +3 | head -n 60 |
            sed 's/^/    /'
        ok=1
    fi
    if [ -f "$dir/check" ] &&
        ! (cd "$wd" && HOME=$tmp/home XDG_CACHE_HOME=$WORK/cache \
            LEAKGUARD_BIN="$BIN" LEAKGUARD_SRC="$HERE/../.." \
            timeout "$TIMEOUT" bash "$dir/check" \
            "$tmp/out" "$tmp/err") >"$tmp/check.log" 2>&1; then
        echo "  check failed:"
        head -n 40 "$tmp/check.log" | sed 's/^/    /'
        ok=1
    fi
    local stream kind file
    for stream in stdout stderr; do
        file=$tmp/out
        [ "$stream" = stderr ] && file=$tmp/err
        for kind in contains absent; do
            [ -f "$dir/$stream.$kind" ] || continue
            while IFS= read -r line; do
                if grep -qF -e "$line" "$file"; then
                    [ "$kind" = absent ] || continue
                    echo "  $stream must not contain: $line"
                else
                    [ "$kind" = contains ] || continue
                    echo "  $stream lacks: $line"
                fi
                ok=1
            done < <(pattern_lines "$dir/$stream.$kind")
        done
    done
    if [ "$ok" -ne 0 ]; then
        local where="case dir"
        [ "$wd" = "$dir" ] || where="input/"
        echo "  command: leakguard $argline   (cwd: $where)"
        if [ -s "$tmp/err" ]; then
            echo "  stderr:"
            head -n 30 "$tmp/err" | sed 's/^/    /'
        fi
        if [ ! -f "$dir/stdout" ] && [ -s "$tmp/out" ]; then
            echo "  stdout:"
            head -n 30 "$tmp/out" | sed 's/^/    /'
        fi
    fi
    teardown_case
    return "$ok"
}

selected()
{
    local name=$1 want
    [ $# -gt 1 ] || return 0
    shift
    for want in "$@"; do
        case "$name" in *"$want"*) return 0 ;; esac
    done
    return 1
}

for src in "$CASES"/*/; do
    src=${src%/}
    [ -d "$src" ] || continue
    name=$(basename "$src")
    selected "$name" "$@" || continue
    if out=$(run_case "$src" 2>&1); then
        echo "ok   $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        printf '%s\n' "$out"
        failed=$((failed + 1))
        failures+=("$name")
    fi
done

if [ $((passed + failed)) -eq 0 ]; then
    echo "run.sh: no e2e cases found under $CASES" >&2
    exit 1
fi
[ "$failed" -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
