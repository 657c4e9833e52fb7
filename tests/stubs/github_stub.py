#!/usr/bin/env python3
"""GitHub API stub for leakguard's tests (127.0.0.1 only).

  GET  /user                 Authorization: token T -> 200 {"login"} for a
                             live token, 401 otherwise
  POST /credentials/revoke   {"credentials": [T, ...]} -> 202; the tokens
                             stop working
Live tokens (synthetic): ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 (octocat-test).
Control: POST /__stub/tokens {"token", "login"} adds one; see stubbase.py.
"""

import sys

import stubbase


class GitHub(stubbase.Stub):
    name = "github"

    def reset(self):
        self.tokens = {"ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8": "octocat-test"}

    def handle(self, req):
        if req.path == "/user" and req.method == "GET":
            scheme, _, tok = (req.headers.get("Authorization") or "").partition(" ")
            login = self.tokens.get(tok) if scheme in ("token", "Bearer") else None
            if not login:
                return 401, {"message": "Bad credentials"}
            return 200, {"login": login, "id": 1}
        if req.path == "/credentials/revoke" and req.method == "POST":
            body = req.json() or {}
            creds = body.get("credentials")
            if not isinstance(creds, list) or not creds:
                return 422, {"message": "Validation Failed"}
            for t in creds:
                self.tokens.pop(t, None)
            return 202, {}
        return 404, {"message": "Not Found"}

    def handle_control(self, req, action):
        if action == "tokens":
            b = req.json() or {}
            self.tokens[b["token"]] = b.get("login", "someone")
            return 200, {"ok": True}
        return None


if __name__ == "__main__":
    sys.exit(stubbase.main(GitHub()))
