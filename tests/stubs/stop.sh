#!/usr/bin/env bash
# Stop stubs started by start.sh in the current directory: stop.sh NAME...
for name in "$@"; do
    [ -f "$name.pid" ] || continue
    kill "$(cat "$name.pid")" 2>/dev/null || true
    rm -f "$name.pid"
done
exit 0
