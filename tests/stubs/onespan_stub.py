#!/usr/bin/env python3
"""OneSpan Sign API stub for leakguard's tests (127.0.0.1 only).

Deterministic state (every value synthetic), restored by /__stub/reset:
  users     Tst0Usr1d0Ab jane@acme.test (sender), Rstr1ctdUsr1 (its key gets
            403), Adm1nUsr0001 (administrator)
  API keys  base64("<uid>:<secret>") of those users, sent as Basic
  client    19000c79c0007e3f1a9b2d4c5e8 / 6879647261d1428...529975 (live),
  apps      19000d1e7e0003c5a8f2b9e4d71 / 6879647261b6f0...  (a test may
            delete it with DELETE /__stub/apps/<id>)
  OAuth     oauthcl1ent7qz9x4k2m / Oa7hS3cretV4lue9xK2mP5rT8wY1zB4cQ
  callback  https://hooks.acme.test/esign, key 7z14cKuuBNf0gmUBUhWRQdIAUDFbxtBe,
            events PACKAGE_COMPLETE, SIGNER_COMPLETE
  auth mode "apikey": API keys and client-app tokens work, OAuth gets 401;
            "oauth" (POST /__stub/mode {"auth": "oauth"}): the reverse

API (as in shared/onespan.md):
  GET  /api/session                      Basic key | Bearer token
  GET  /api/packages                     fallback probe, same auth
  POST /apitoken/clientApp/accessToken   {"clientId","secret","type"}
  POST /oauth2/token                     Basic base64(id:secret), form
  GET  /api/callback, POST /api/callback {"url","key","events"} (validated)
  POST /api/account/senders/{uid}        {"status":"LOCKED"}, admin key only;
                                         a locked user's key then gets 401
Control (not logged): POST /__stub/apps {"clientId","secret","uid"},
  DELETE /__stub/apps/<id>, POST /__stub/mode {"auth"}, POST /__stub/clock
  {"advance": seconds} (tokens expire after 1800 s), GET /__stub/state,
  plus those of stubbase.py.
"""

import base64
import secrets
import sys
import time

import stubbase

EVENTS = {
    "PACKAGE_CREATE", "PACKAGE_ACTIVATE", "PACKAGE_DEACTIVATE",
    "PACKAGE_READY_FOR_COMPLETE", "PACKAGE_COMPLETE", "PACKAGE_EXPIRE",
    "PACKAGE_OPT_OUT", "PACKAGE_DECLINE", "PACKAGE_TRASH", "PACKAGE_RESTORE",
    "PACKAGE_DELETE", "PACKAGE_ARCHIVE", "PACKAGE_ATTACHMENT",
    "SIGNER_COMPLETE", "SIGNER_LOCKED", "DOCUMENT_SIGNED", "DOCUMENT_VIEWED",
    "ROLE_REASSIGN", "KBA_FAILURE", "EMAIL_BOUNCE", "TEMPLATE_CREATE",
}


def b64(s):
    return base64.b64encode(s.encode()).decode()


def error(code, key, message):
    return code, {"code": code, "messageKey": key, "message": message}


class OneSpan(stubbase.Stub):
    name = "onespan"

    def reset(self):
        self.clock = 0.0
        self.mode = "apikey"
        self.users = {
            "Tst0Usr1d0Ab": {"email": "jane@acme.test", "role": "sender",
                             "locked": False, "secret": "Fak3S3cr3tXy"},
            "Rstr1ctdUsr1": {"email": "rita@acme.test", "role": "restricted",
                             "locked": False, "secret": "Fak3S3cr3tRr"},
            "Adm1nUsr0001": {"email": "admin@acme.test", "role": "admin",
                             "locked": False, "secret": "Adm1nS3cr3tX"},
        }
        self.apps = {
            "19000c79c0007e3f1a9b2d4c5e8": {
                "secret": "6879647261d142880e8427abeec12975fd55911ea2cbd390"
                          "b656a4d2bad821df997d529975",
                "uid": "Tst0Usr1d0Ab"},
            "19000d1e7e0003c5a8f2b9e4d71": {
                "secret": "6879647261b6f03a9c5e7d21f4a8b0c6e9d3f5a7b1c2e4d6"
                          "f8a0b3c5d7e9f1a2b4c6d8e0f1",
                "uid": "Tst0Usr1d0Ab"},
        }
        self.oauth = {"oauthcl1ent7qz9x4k2m": "Oa7hS3cretV4lue9xK2mP5rT8wY1zB4cQ"}
        self.tokens = {}
        self.callback = {"url": "https://hooks.acme.test/esign",
                         "key": "7z14cKuuBNf0gmUBUhWRQdIAUDFbxtBe",
                         "events": ["PACKAGE_COMPLETE", "SIGNER_COMPLETE"]}

    # -- auth -------------------------------------------------------------

    def now(self):
        return time.time() + self.clock

    def key_user(self, key):
        """uid of a valid Basic API key, or None."""
        try:
            uid, secret = base64.b64decode(key, validate=True).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        u = self.users.get(uid)
        if not u or u["secret"] != secret or u["locked"]:
            return None
        return uid

    def caller(self, req):
        """(uid, None) for a valid credential of this account's auth mode,
        or (None, (status, body))."""
        auth = req.headers.get("Authorization") or ""
        scheme, _, cred = auth.partition(" ")
        uid = None
        if scheme == "Basic" and self.mode == "apikey":
            uid = self.key_user(cred)
        elif scheme == "Bearer":
            t = self.tokens.get(cred)
            if t and t["exp"] > self.now() and t["kind"] == self.mode \
                    and not self.users[t["uid"]]["locked"]:
                uid = t["uid"]
        if not uid:
            return None, error(401, "error.unauthorised.noSession",
                               "Authentication failed")
        if self.users[uid]["role"] == "restricted":
            return None, error(403, "error.forbidden.accessDenied",
                               "Access denied")
        return uid, None

    def mint(self, uid, kind):
        tok = secrets.token_urlsafe(30)
        self.tokens[tok] = {"uid": uid, "exp": self.now() + 1800, "kind": kind}
        return tok

    # -- routes -------------------------------------------------------------

    def handle(self, req):
        p, m = req.path, req.method
        if p in ("/api/session", "/api/packages") and m == "GET":
            uid, err = self.caller(req)
            if err:
                return err
            if p == "/api/packages":
                return 200, {"count": 0, "results": []}
            u = self.users[uid]
            return 200, {"user": {"id": uid, "email": u["email"]},
                         "account": {"id": "acc0001", "name": "Acme Test"}}
        if p == "/apitoken/clientApp/accessToken" and m == "POST":
            return self.client_app(req)
        if p == "/oauth2/token" and m == "POST":
            return self.oauth_token(req)
        if p == "/api/callback":
            return self.callback_route(req)
        if p.startswith("/api/account/senders/") and m == "POST":
            return self.lock_sender(req, p[len("/api/account/senders/"):])
        return error(404, "error.notFound", "not found")

    def client_app(self, req):
        body = req.json() or {}
        app = self.apps.get(body.get("clientId"))
        if self.mode != "apikey" or not app or app["secret"] != body.get("secret") \
                or body.get("type") not in ("OWNER", "SENDER"):
            return error(401, "error.unauthorised.invalidClientApp",
                         "Invalid client credentials")
        if self.users[app["uid"]]["locked"]:
            return error(401, "error.unauthorised.lockedUser", "Locked")
        return 200, {"accessToken": self.mint(app["uid"], "apikey"),
                     "expiresAt": int((self.now() + 1800) * 1000)}

    def oauth_token(self, req):
        auth = req.headers.get("Authorization") or ""
        try:
            cid, secret = base64.b64decode(auth.partition(" ")[2]).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            cid = secret = None
        if self.mode != "oauth" or self.oauth.get(cid) != secret or \
                req.form().get("grant_type") != "client_credentials":
            return 401, {"error": "invalid_client"}
        tok = self.mint("Tst0Usr1d0Ab", "oauth")
        claims = b64('{"sub":"%s","scope":"api"}' % cid).rstrip("=") \
            .replace("+", "-").replace("/", "_")
        return 200, {"access_token": "eyJhbGciOiJub25lIn0.%s.%s" % (claims, tok),
                     "token_type": "Bearer", "expires_in": 299, "scope": "api"}

    def callback_route(self, req):
        uid, err = self.caller(req)
        if err:
            return err
        if req.method == "GET":
            return 200, self.callback
        body = req.json()
        if not isinstance(body, dict) or not isinstance(body.get("url"), str):
            return error(400, "error.validation.callback.url", "url required")
        events = body.get("events") or []
        if not isinstance(events, list) or any(e not in EVENTS for e in events):
            return error(400, "error.validation.callback.invalidEvent",
                         "unknown event name")
        key = body.get("key")
        if key is not None and not isinstance(key, str):
            return error(400, "error.validation.callback.key", "bad key")
        self.callback = {"url": body["url"], "key": key, "events": events}
        return 200, self.callback

    def lock_sender(self, req, uid):
        auth = (req.headers.get("Authorization") or "").partition(" ")
        admin = self.key_user(auth[2]) if auth[0] == "Basic" else None
        if not admin:
            return error(401, "error.unauthorised.noSession", "Authentication failed")
        if self.users[admin]["role"] != "admin":
            return error(403, "error.forbidden.accessDenied", "Access denied")
        if uid not in self.users:
            return error(404, "error.notFound.user", "no such sender")
        if (req.json() or {}).get("status") != "LOCKED":
            return error(400, "error.validation.status", "status must be LOCKED")
        self.users[uid]["locked"] = True
        return 200, {"id": uid, "status": "LOCKED"}

    def handle_control(self, req, action):
        if action == "apps" and req.method == "POST":
            b = req.json() or {}
            self.apps[b["clientId"]] = {"secret": b["secret"],
                                        "uid": b.get("uid", "Tst0Usr1d0Ab")}
            return 200, {"ok": True}
        if action.startswith("apps/") and req.method == "DELETE":
            gone = self.apps.pop(action[len("apps/"):], None)
            return (200, {"ok": True}) if gone else (404, {"ok": False})
        if action == "mode":
            self.mode = (req.json() or {}).get("auth", "apikey")
            return 200, {"ok": True, "auth": self.mode}
        if action == "clock":
            self.clock += float((req.json() or {}).get("advance", 0))
            return 200, {"ok": True}
        if action == "state":
            return 200, {"mode": self.mode, "callback": self.callback,
                         "locked": sorted(u for u, v in self.users.items()
                                          if v["locked"]),
                         "apps": sorted(self.apps)}
        return None


if __name__ == "__main__":
    sys.exit(stubbase.main(OneSpan()))
