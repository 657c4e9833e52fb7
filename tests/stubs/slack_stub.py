#!/usr/bin/env python3
"""Slack Web API stub for leakguard's tests (127.0.0.1 only).

  POST /auth.test    Authorization: Bearer T -> {"ok": true, "user", "team"}
                     or {"ok": false, "error": "invalid_auth"}
  POST /auth.revoke  -> {"ok": true, "revoked": true}; the token stops working
Live token (synthetic): xoxb-482915736021-7305918264473-Qw8ErT5yUi2OpA9sDf4GhJ6k.
"""

import sys

import stubbase


class Slack(stubbase.Stub):
    name = "slack"

    def reset(self):
        self.tokens = {"xoxb-482915736021-7305918264473-Qw8ErT5yUi2OpA9sDf4GhJ6k":
                       ("leakbot", "Acme Test")}

    def handle(self, req):
        scheme, _, tok = (req.headers.get("Authorization") or "").partition(" ")
        tok = tok if scheme == "Bearer" else req.form().get("token", "")
        who = self.tokens.get(tok)
        if req.path not in ("/auth.test", "/auth.revoke"):
            return 404, {"ok": False, "error": "unknown_method"}
        if not who:
            return 200, {"ok": False, "error": "invalid_auth"}
        if req.path == "/auth.test":
            return 200, {"ok": True, "user": who[0], "team": who[1],
                         "user_id": "U0001", "team_id": "T0001"}
        del self.tokens[tok]
        return 200, {"ok": True, "revoked": True}


if __name__ == "__main__":
    sys.exit(stubbase.main(Slack()))
