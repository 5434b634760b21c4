"""A small local reverse proxy for the conformance suite, which cannot send a bearer key itself.

    python bearer_proxy.py LISTEN_PORT UPSTREAM_URL KEY

Forwards every request to UPSTREAM_URL with ``Authorization: Bearer KEY`` added and the ``Host`` header
kept exactly as the client sent it (a reverse proxy in front of Odoo does the same), and streams the
answer back (Server-Sent Events included). Listens on 127.0.0.1 only.
"""
import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-connection", "content-length"}


class BearerProxy(BaseHTTPRequestHandler):
    # HTTP/1.0 towards the client: the end of a streamed answer is the end of the connection.
    protocol_version = "HTTP/1.0"
    upstream = None
    key = None

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"authorization"}}
        headers["Authorization"] = "Bearer %s" % self.key
        if body is not None:
            headers["Content-Length"] = str(len(body))
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=120)
        try:
            # skip_host: the Host header goes through as the client sent it.
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Connection", "close")
            self.end_headers()
            while True:
                chunk = response.read1(65536)
                if not chunk:
                    break
                self.wfile.write(chunk)
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            pass
        finally:
            connection.close()

    do_GET = do_POST = do_DELETE = do_OPTIONS = do_PUT = _forward

    def log_message(self, fmt, *args):
        pass


def main():
    port, upstream, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    BearerProxy.upstream = urlsplit(upstream)
    BearerProxy.key = key
    server = ThreadingHTTPServer(("127.0.0.1", port), BearerProxy)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
