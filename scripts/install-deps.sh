#!/bin/sh
# Install leakguard's build and test dependencies on Debian 12 when missing.
#
#   scripts/install-deps.sh          install what is missing (quiet if none)
#   scripts/install-deps.sh --check  only report what is missing; exit 1 if any
#
# What is "present" is decided by pkg-config modules and tools on PATH, not by
# package names, so a machine that provides them some other way passes too.
# When something is missing the whole Debian package list is installed:
# apt-get skips what is already there, so running this twice is harmless.
set -eu

PC_MODULES="libpcre2-8 libhs libarchive libgit2 libxxhash yaml-0.1 libcurl zlib cmocka"
TOOLS="cc make pkg-config python3 git"
DEB_PACKAGES="build-essential pkg-config libpcre2-dev libvectorscan-dev \
libarchive-dev libgit2-dev libxxhash-dev libyaml-dev libcurl4-openssl-dev zlib1g-dev \
libcmocka-dev python3 git"

prog=${0##*/}
mode=install
case "${1-}" in
"") ;;
--check) mode=check ;;
-h | --help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "$prog: unknown option '$1' (try --check or --help)" >&2
    exit 2
    ;;
esac

# Prints the missing modules and tools, one word each, space-separated.
find_missing()
{
    missing=""
    for t in $TOOLS; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    if command -v pkg-config >/dev/null 2>&1; then
        for m in $PC_MODULES; do
            pkg-config --exists "$m" 2>/dev/null || missing="$missing $m"
        done
    else
        missing="$missing $PC_MODULES"
    fi
    echo "${missing# }"
}

missing=$(find_missing)
[ -z "$missing" ] && exit 0

if [ "$mode" = check ]; then
    echo "$prog: missing dependencies: $missing" >&2
    echo "$prog: run 'scripts/install-deps.sh' (or 'make deps') to install them" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "$prog: missing dependencies: $missing" >&2
    echo "$prog: apt-get not found; this script supports Debian 12 only." >&2
    echo "$prog: install the equivalents of: $DEB_PACKAGES" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "$prog: missing dependencies: $missing" >&2
    echo "$prog: not root and sudo is not installed; as root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends $DEB_PACKAGES" >&2
    exit 1
fi

echo "$prog: missing: $missing" >&2
echo "$prog: installing Debian packages (apt-get)..." >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of SUDO and the package list is intended
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $DEB_PACKAGES >/dev/null

missing=$(find_missing)
if [ -n "$missing" ]; then
    echo "$prog: still missing after install: $missing" >&2
    case "$missing" in
    *libhs*)
        echo "$prog: libhs comes from libvectorscan-dev, which Debian builds" \
            "for amd64 only" >&2
        ;;
    esac
    exit 1
fi
echo "$prog: dependencies installed" >&2
