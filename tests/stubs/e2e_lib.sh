# Helpers for e2e cases that use the stub servers; source it from a case's
# setup, check or teardown script (tests/e2e/run.sh sets LG_E2E_STUBS).
#
#   start_stub NAME STUB.py [ARGS]   start in the current dir, print port
#   stub_url NAME                    http://127.0.0.1:PORT of a started stub
#   stub_ctl NAME METHOD PATH [JSON] call its control API
#   stop_stubs NAME...               stop them (teardown)
STUBS=${LG_E2E_STUBS:?run this through tests/e2e/run.sh}

start_stub() { "$STUBS/start.sh" "$@"; }
stub_url() { echo "http://127.0.0.1:$(cat "$1.port")"; }
stub_ctl() { local n=$1; shift; python3 "$STUBS/ctl.py" "$n.port" "$@"; }
stop_stubs() { "$STUBS/stop.sh" "$@"; }
free_port() { python3 "$STUBS/freeport.py"; }
