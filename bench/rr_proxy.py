"""A loopback round-robin HTTP proxy in front of several Odoo servers, as a
load balancer (nginx, HAProxy) stands in front of several Odoo hosts.

Each request, not each connection, goes to the next server in turn (clients
keep their connections alive, which would pin them to one server). The proxy
adds what Odoo's ``--proxy-mode`` reads: the client's address appended to
``X-Forwarded-For`` (Odoo takes the last one), ``X-Forwarded-Host`` (without
it Odoo ignores the other headers) and ``X-Forwarded-Proto``. It counts the
requests each server answered.

Usage (in a bench):
    proxy = RoundRobinProxy([18160, 18162], port=18164).start()
    ... requests to proxy.url ...
    proxy.counts  # requests per server port
    proxy.stop()
"""

import http.client
import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Hop-by-hop headers (RFC 9110, 7.6.1): not forwarded in either direction.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
TIMEOUT = 120  # seconds: a label run can be long


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive towards the clients

    def log_message(self, format, *args):
        pass

    def _forward(self):
        proxy = self.server.proxy
        port = proxy.next_port()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP
            and not name.lower().startswith("x-forwarded-")
        }
        forwarded = self.headers.get("X-Forwarded-For")
        client = self.client_address[0]
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        headers["X-Forwarded-Host"] = self.headers.get("Host") or proxy.host
        headers["X-Forwarded-Proto"] = "http"
        # a connection per request: Odoo's workers close theirs after each
        # answer (HTTP/1.0), so there is nothing to keep alive
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException):
            self.send_error(502, f"server {port} did not answer")
            return
        finally:
            connection.close()
        proxy.count(port)
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        # which server answered (the benches check where requests went)
        self.send_header("X-Upstream", str(port))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _forward


class RoundRobinProxy:
    def __init__(self, ports, host="127.0.0.1", port=0):
        self.ports = list(ports)
        self.host, self.port = host, port
        self._cycle = itertools.cycle(self.ports)
        self._lock = threading.Lock()
        self.counts = dict.fromkeys(self.ports, 0)
        self._httpd = None

    def next_port(self):
        with self._lock:
            return next(self._cycle)

    def count(self, port):
        with self._lock:
            self.counts[port] += 1

    def reset_counts(self):
        with self._lock:
            self.counts = dict.fromkeys(self.ports, 0)

    def start(self):
        self._httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.proxy = self
        self.port = self._httpd.server_address[1]
        threading.Thread(
            target=self._httpd.serve_forever, name="rr-proxy", daemon=True
        ).start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"
