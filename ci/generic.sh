#!/bin/sh
# A CI step for any system that runs shell commands (Jenkins, Buildkite,
# Drone, Azure Pipelines, cron…): scan, keep the reports, fail on findings.
#
#   ci/generic.sh [PATH...]        default: the current directory
#
# Environment:
#   LEAKGUARD          the leakguard binary (default: leakguard on PATH)
#   LEAKGUARD_FORMATS  report formats to write (default: "sarif junit html");
#                      each is one scan, so drop the ones you do not use
#   LEAKGUARD_ARGS     more options for `leakguard scan`, split on spaces
#                      (e.g. "--exclude vendor/** --baseline base.json")
#   REPORT_DIR         where the reports go (default: leakguard-reports);
#                      keep it as a build artifact
#
# Writes REPORT_DIR/leakguard.FORMAT for each format (JUnit as
# leakguard.junit.xml).  Exit status, from the first scan: 0 clean, 1
# secrets found, 2 usage or rule error, 3 the scan failed.
set -u

LEAKGUARD=${LEAKGUARD:-leakguard}
FORMATS=${LEAKGUARD_FORMATS:-sarif junit html}
REPORT_DIR=${REPORT_DIR:-leakguard-reports}
[ $# -gt 0 ] || set -- .

mkdir -p "$REPORT_DIR" || exit 3
status=
quiet=
for fmt in $FORMATS; do
    out=$REPORT_DIR/leakguard.$fmt
    [ "$fmt" = junit ] && out=$REPORT_DIR/leakguard.junit.xml
    # shellcheck disable=SC2086 # LEAKGUARD_ARGS is split on purpose
    "$LEAKGUARD" scan $quiet ${LEAKGUARD_ARGS:-} -f "$fmt" -o "$out" "$@"
    rc=$?
    [ -n "$status" ] || status=$rc
    [ "$rc" -le 1 ] || { status=$rc; break; }
    quiet=-q # notices and the summary once are enough
done

case $status in
0) echo "leakguard: no secrets found; reports in $REPORT_DIR/" ;;
1) echo "leakguard: secrets found; reports in $REPORT_DIR/" >&2 ;;
*) echo "leakguard: the scan did not complete (exit status $status)" >&2 ;;
esac
exit "$status"
