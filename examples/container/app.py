"""A stand-in worker for the container example: serves its instance number.

Instance i listens on 127.0.0.1:(PORT_BASE + i), PORT_BASE defaults to 8000.
"""
import http.server
import os

instance = int(os.environ.get("DAEMONIZE_INSTANCE", "0"))
port = int(os.environ.get("PORT_BASE", "8000")) + instance


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("instance %d\n" % instance).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
