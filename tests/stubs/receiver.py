#!/usr/bin/env python3
"""Event notification receiver for leakguard's tests (127.0.0.1 only).

Logs every POST (method, path, Authorization, body) like the other stubs
and answers 200 (or the status set with POST /__stub/status {"status"}).
Use --port to come back on the port of a receiver that was down.
"""

import sys

import stubbase


class Receiver(stubbase.Stub):
    name = "receiver"

    def reset(self):
        self.status = 200

    def handle(self, req):
        return self.status, {"ok": self.status == 200}

    def handle_control(self, req, action):
        if action == "status":
            self.status = int((req.json() or {}).get("status", 200))
            return 200, {"ok": True}
        return None


if __name__ == "__main__":
    sys.exit(stubbase.main(Receiver()))
