#!/usr/bin/env python3
"""Print a free loopback TCP port (nothing listens on it afterwards)."""
import socket

s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
