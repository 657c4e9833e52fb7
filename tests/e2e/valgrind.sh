#!/usr/bin/env bash
# The end-to-end suite under valgrind's memcheck (make valgrind).
#
#   tests/e2e/valgrind.sh BINARY [CASE...]
#
# Every leakguard run of every case goes through a wrapper that runs it
# under memcheck; an invalid read or write, a use of uninitialised memory
# or a definite leak makes that run exit 99 (so the case fails) and is
# logged with its command line in $LG_VALGRIND_LOG (default:
# build/valgrind.log).  Cases get LG_E2E_TIMEOUT=1800 s by default.
# valgrind.supp holds the one report that is not ours (glibc).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BINARY [CASE...]" >&2; exit 2; }
command -v valgrind >/dev/null ||
    { echo "make valgrind needs valgrind (apt-get install valgrind)" >&2; exit 2; }
bin=$(realpath "$1")
shift
log=$(realpath -m "${LG_VALGRIND_LOG:-build/valgrind.log}")
: >"$log"
supp=$(realpath "$(dirname "${BASH_SOURCE[0]}")/valgrind.supp")
wrap=$(mktemp -d "${TMPDIR:-/tmp}/leakguard-vg.XXXXXX")
trap 'rm -rf "$wrap"' EXIT
cat >"$wrap/leakguard" <<WRAP
#!/bin/sh
out=\$(mktemp "$wrap/run.XXXXXX")
valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --suppressions="$supp" --log-file="\$out" "$bin" "\$@"
rc=\$?
if [ -s "\$out" ]; then
    { echo "== \$PWD: leakguard \$*"; cat "\$out"; } >>"$log"
fi
rm -f "\$out"
exit \$rc
WRAP
chmod +x "$wrap/leakguard"
rc=0
LG_E2E_TIMEOUT=${LG_E2E_TIMEOUT:-1800} \
    "$(dirname "${BASH_SOURCE[0]}")/run.sh" "$wrap/leakguard" "$@" || rc=$?
if [ -s "$log" ]; then
    echo "valgrind: reports in $log:" >&2
    grep -c '^== ' "$log" | sed 's/^/  runs with a report: /' >&2
    exit 1
fi
echo "valgrind: no memcheck reports"
exit $rc
