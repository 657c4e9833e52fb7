#!/usr/bin/env python3
"""Call a stub's control API: ctl.py PORTFILE METHOD PATH [JSON]

Prints the response body; exits 1 on an HTTP error.  Example:
  ctl.py os.port POST /__stub/mode '{"auth": "oauth"}'
"""
import sys
import urllib.error
import urllib.request

port = open(sys.argv[1]).read().strip()
method, path = sys.argv[2], sys.argv[3]
data = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request("http://127.0.0.1:%s%s" % (port, path),
                             data=data, method=method)
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        sys.stdout.write(r.read().decode())
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode())
    sys.exit(1)
