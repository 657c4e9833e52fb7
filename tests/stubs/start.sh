#!/usr/bin/env bash
# Start a stub server in the background, in the current directory, and wait
# until it listens.  Writes NAME.port, NAME.pid, NAME.log (request log, one
# JSON line per request) and NAME.out (its stderr); prints the port.
#
#   start.sh NAME STUB.py [--port N] [--lifetime SECONDS]
#
# The stub exits by itself after --lifetime seconds (default 120 here), so a
# test that dies cannot leave it running; stop.sh NAME stops it sooner.
set -euo pipefail
name=$1
script=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -f "$name.port"
python3 "$here/$script" --port-file "$PWD/$name.port" --log "$PWD/$name.log" \
    --lifetime 120 "$@" >"$name.out" 2>&1 </dev/null &
echo $! >"$name.pid"
for _ in $(seq 1 200); do
    [ -s "$name.port" ] && break
    sleep 0.05
done
if [ ! -s "$name.port" ]; then
    echo "start.sh: $script did not start" >&2
    cat "$name.out" >&2
    exit 1
fi
cat "$name.port"
