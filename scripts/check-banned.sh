#!/bin/sh
# Fail if C code under src/ or tests/ calls a banned function (STYLE.md
# rule 13).  Prints file:line: name(...) for each call and exits 1.
#
#   scripts/check-banned.sh [DIR|FILE]...    default: src tests
#
# Comments and string/char literals are blanked before matching (roughly: a
# quote inside a comment or an odd macro can confuse it), and a name is a
# call only when it stands alone as a word followed by '('; member calls
# (x.system(), p->system()) are not counted.  VLAs are left to -Wvla.
set -eu

BANNED="sprintf vsprintf strcpy strcat strncpy strtok gets atoi atol sscanf \
system popen alloca"

if [ $# -eq 0 ]; then
    cd "$(dirname "$0")/.."
    set -- src tests
fi

files=$(find "$@" -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null |
    LC_ALL=C sort)
[ -n "$files" ] || exit 0

# shellcheck disable=SC2016 # the awk program is single-quoted on purpose
printf '%s\n' "$files" | LC_ALL=C xargs -d '\n' awk -v banned="$BANNED" '
BEGIN {
    n = split(banned, list, " ")
    for (i = 1; i <= n; i++)
        names[list[i]] = 1
    bad = 0
}
FNR == 1 { incomment = 0 }
{
    # Blank comments and literals, keeping everything else in place.
    s = $0; out = ""; i = 1; len = length(s)
    while (i <= len) {
        c = substr(s, i, 1); c2 = substr(s, i, 2)
        if (incomment) {
            if (c2 == "*/") { incomment = 0; i += 2 } else i++
            continue
        }
        if (c2 == "/*") { incomment = 1; i += 2; out = out " "; continue }
        if (c2 == "//") break
        if (c == "\"" || c == "\047") {
            q = c; i++
            while (i <= len) {
                c = substr(s, i, 1)
                if (c == "\\") { i += 2; continue }
                i++
                if (c == q) break
            }
            out = out " "
            continue
        }
        out = out c; i++
    }
    # Find identifier + optional blanks + "(".
    rest = out; col = 0
    while (match(rest, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
        word = substr(rest, RSTART, RLENGTH)
        sub(/[ \t]*\($/, "", word)
        before = substr(rest, 1, RSTART - 1)
        member = (before ~ /(\.|->)[ \t]*$/)
        if ((word in names) && !member) {
            printf "%s:%d: %s(...) is banned (STYLE.md rule 13)\n", \
                FILENAME, FNR, word
            bad = 1
        }
        rest = substr(rest, RSTART + RLENGTH)
    }
}
END { exit bad }
' || {
    echo "check-banned: use the lg_buf_* / snprintf / strtol family instead" >&2
    exit 1
}
