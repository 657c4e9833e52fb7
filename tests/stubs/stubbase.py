"""Shared machinery of the test stub servers (python3 stdlib only).

A stub listens on 127.0.0.1 only (never another interface), on a free port
it picks itself (or --port), and writes that port to --port-file once it is
ready, so tests never collide.  Every request except the control ones is
appended to an in-memory log and, with --log FILE, to FILE as one JSON line
({"time", "method", "path", "query", "auth", "content_type", "body"}), so a test can
assert exactly which calls a program made.  It exits on
POST /__stub/shutdown or after --lifetime seconds (a backstop: a test that
dies cannot leave it running).

Control API (not logged), under /__stub/:
  GET  /__stub/log       the request log as a JSON array
  POST /__stub/reset     provider state back to its defaults, log emptied
  POST /__stub/fail      {"path": P, "status": S, "count": N,
                          "retry_after": SECONDS}: the next N requests to P
                          get S (with Retry-After when given)
  POST /__stub/shutdown  stop
Providers add their own control routes (handle_control).
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stub:
    """Base class: subclasses implement reset() and handle()."""

    name = "stub"

    def __init__(self):
        self.lock = threading.Lock()
        self.log = []
        self.log_file = None
        self.failures = []
        self.reset()

    def reset(self):
        pass

    def handle(self, req):
        """Return (status, body) where body is a dict/list (JSON) or str."""
        return 404, {"code": 404, "message": "not found"}

    def handle_control(self, req, action):
        return None

    def record(self, req):
        entry = {
            "time": time.time(),
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "auth": req.headers.get("Authorization"),
            "content_type": req.headers.get("Content-Type"),
            "body": req.body.decode("utf-8", "replace"),
        }
        self.log.append(entry)
        if self.log_file:
            with open(self.log_file, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def injected(self, req):
        for f in self.failures:
            if f["path"] == req.path and f["count"] > 0:
                f["count"] -= 1
                return f
        return None


class Request:
    def __init__(self, method, raw_path, headers, body):
        parts = urllib.parse.urlsplit(raw_path)
        self.method = method
        self.path = parts.path
        self.query = parts.query
        self.params = dict(urllib.parse.parse_qsl(parts.query))
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def form(self):
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8", "replace")))


def make_handler(stub, server_ref):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet
            pass

        def _serve(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n) if n else b""
            req = Request(self.command, self.path, self.headers, body)
            extra = {}
            with stub.lock:
                if req.path.startswith("/__stub/"):
                    status, out = self._control(req)
                else:
                    stub.record(req)
                    fail = stub.injected(req)
                    if fail:
                        status = fail["status"]
                        out = {"code": status, "message": "injected"}
                        if fail.get("retry_after") is not None:
                            extra["Retry-After"] = str(fail["retry_after"])
                    else:
                        try:
                            status, out = stub.handle(req)
                        except Exception as e:  # a stub bug: say so
                            status, out = 500, {"message": "stub error: %r" % e}
            data = out if isinstance(out, (bytes, str)) else json.dumps(out)
            if isinstance(data, str):
                data = data.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            if req.path == "/__stub/shutdown":
                threading.Thread(target=server_ref[0].shutdown).start()

        def _control(self, req):
            action = req.path[len("/__stub/"):]
            if action == "log":
                return 200, stub.log
            if action == "reset":
                stub.log.clear()
                stub.failures.clear()
                stub.reset()
                return 200, {"ok": True}
            if action == "fail":
                spec = req.json() or {}
                spec.setdefault("count", 1)
                stub.failures.append(spec)
                return 200, {"ok": True}
            if action == "shutdown":
                return 200, {"ok": True}
            res = stub.handle_control(req, action)
            return res if res else (404, {"message": "unknown control"})

        do_GET = do_POST = do_DELETE = do_PUT = _serve

    return Handler


def main(stub, argv=None):
    ap = argparse.ArgumentParser(description=stub.name + " test stub")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300.0)
    args = ap.parse_args(argv)
    stub.log_file = args.log
    ref = [None]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(stub, ref))
    server.daemon_threads = True
    ref[0] = server
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    else:
        print(port, flush=True)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit("stubbase is a module")
