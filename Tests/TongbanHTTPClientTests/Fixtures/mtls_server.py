#!/usr/bin/env python3
"""A partner that requires mutual TLS, for TongbanHTTPClientTests (standard library only).

Usage: mtls_server.py CERT KEY CLIENT_CA [MAX_TLS_VERSION]

MAX_TLS_VERSION is 1.2 or 1.3 (the default): a missing client certificate surfaces in a
different place of the client's handshake in each.

Listens on 127.0.0.1 on a port of the kernel's choosing and prints, one line each, flushed:
  port <n>                      once, when it listens
  refused <reason>              for each connection whose TLS handshake failed
  request <method> <path> <cn>  for each request it answered, with the client certificate's CN
Every request is answered 200 with the client certificate's CN in `X-Client-CN` and the body.
It exits when its standard input closes or its parent process changes, so it never outlives the
test process that started it, even one that crashed.
"""
import http.server
import os
import socketserver
import ssl
import sys
import threading
import time

cert, key, client_ca = sys.argv[1:4]
max_version = sys.argv[4] if len(sys.argv) > 4 else "1.3"
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
context.verify_mode = ssl.CERT_REQUIRED
context.load_verify_locations(client_ca)
context.maximum_version = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[max_version]
output = threading.Lock()


def say(line):
    with output:
        print(line.replace("\n", " "), flush=True)


def common_name(certificate):
    for entry in (certificate or {}).get("subject", ()):
        for name, value in entry:
            if name == "commonName":
                return value
    return "-"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        cn = common_name(self.connection.getpeercert())
        say(f"request {self.command} {self.path} {cn}")
        body = cn.encode()
        self.send_response(200)
        self.send_header("X-Client-CN", cn)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, format, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def finish_request(self, request, client_address):
        # The handshake runs here, on the connection's own thread, rather than in accept(): a
        # client that stalls mid-handshake cannot block the others.
        request.settimeout(10)
        try:
            connection = context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            say(f"refused {error}")
            return
        try:
            Handler(connection, client_address, self)
        finally:
            connection.close()


server = Server(("127.0.0.1", 0), Handler)
say(f"port {server.server_address[1]}")
threading.Thread(target=server.serve_forever, daemon=True).start()


def watch_parent(parent=os.getppid()):
    # A crashed test process closes our standard input too, unless a sibling it started
    # inherited the pipe; being re-parented is the sure sign.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=watch_parent, daemon=True).start()
sys.stdin.read()
