"""Shared plumbing for Ibiki's test mocks (twilio_mock.py, extreme_mock.py,
webhook_receiver.py).

It covers what every mock does the same way: recording requests
(seq/time/method/path/query/headers/body plus the mock's own fields), the
control API under /_mock/ (GET /_mock/requests with its filters, POST
/_mock/reset), HTTP/1.1 keep-alive answers that always carry a
Content-Length, the threaded server that never looks up its own name, the
common --host/--port options, the single READY line on stdout and a clean
exit on SIGTERM/SIGINT.  Each mock subclasses MockServer and MockHandler
and adds its own API, record fields and filters.  See README.md in this
directory.
"""

import argparse
import json
import signal
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


def parse_query(query):
    """Query string to dict, keeping '+' literal: callers write ?to=+1555...
    and parse_qs would turn that '+' into a space."""
    out = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            out[unquote(name)] = unquote(value)
    return out


def header_dict(headers, redact_auth=False):
    """Request headers as {lower-case name: value}; repeats are joined.
    With redact_auth the Authorization credentials become "<redacted>"."""
    out = {}
    for name, value in headers.items():
        name = name.lower()
        if redact_auth and name == "authorization":
            # Keep the scheme so tests can see it; auth_ok tells the rest.
            value = value.split(" ", 1)[0] + " <redacted>"
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def parse_json(raw):
    """The body as parsed JSON, or None when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:  # includes JSONDecodeError and UnicodeDecodeError
        return None


class Recorder:
    """Thread-safe log of received requests; seq restarts at 1 on reset."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records = []
        self._seq = 0

    def add(self, **fields):
        with self._lock:
            self._seq += 1
            record = {"seq": self._seq, "time": time.time(), **fields}
            self._records.append(record)
            return record

    def update(self, record, **fields):
        with self._lock:
            record.update(fields)

    def dump(self, keep):
        """JSON text of the records for which keep(record) holds."""
        with self._lock:
            return json.dumps([r for r in self._records if keep(r)])

    def reset(self):
        with self._lock:
            self._records.clear()
            self._seq = 0


class MockServer(ThreadingHTTPServer):
    """Threaded server with a Recorder; reset() is what POST /_mock/reset
    does, so mocks with more state extend it."""

    daemon_threads = True  # hanging requests must not delay shutdown
    request_queue_size = 1024  # a dispatcher opens hundreds of connections at once

    def __init__(self, address, handler, args=None):
        self.args = args
        self.recorder = Recorder()
        super().__init__(address, handler)

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall
        # for seconds without DNS; we never use the name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # Clients hanging up (or failing a TLS handshake) are routine in
        # tests; stay quiet.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def reset(self):
        self.recorder.reset()


class MockHandler(BaseHTTPRequestHandler):
    """Reads the body, serves /_mock/ and hands everything else to api().

    Subclasses set server_version, implement api(url, raw), may add
    filters (name -> record's value to compare) and may override refuse()
    (answer to an unreadable body) and control_other() (more /_mock/
    endpoints)."""

    protocol_version = "HTTP/1.1"  # keep-alive; every answer has Content-Length
    filters = {"path": lambda record: record["path"]}

    def do_GET(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if body is None:
            return
        if url.path.startswith("/_mock/"):
            self.control(url, body)
        else:
            self.api(url, body)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def api(self, url, raw):
        raise NotImplementedError

    def read_body(self):
        """The request body, or None once an unreadable one was answered."""
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                # Ibiki (libcurl) always sends Content-Length; chunked
                # uploads are not worth supporting here.
                self.close_connection = True
                self.refuse(411, "Content-Length required")
                return None
            return b""
        if not length.isdigit():
            self.close_connection = True
            self.refuse(400, "bad Content-Length")
            return None
        return self.rfile.read(int(length))

    def refuse(self, status, message):
        self.send_json(status, {"message": message})

    # --- answers -----------------------------------------------------------

    def send_head(self, status, headers, length, default_type):
        self.send_response(status)
        for name, value in headers.items():
            # We frame the body ourselves; a scripted length would lie.
            if name.lower() not in ("content-length", "transfer-encoding"):
                self.send_header(name, str(value))
        if length and not any(n.lower() == "content-type" for n in headers):
            self.send_header("Content-Type", default_type)
        # 204 and 304 answers must not announce a body (RFC 9110).
        if status not in (204, 304):
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def send_body(self, status, headers, body, default_type="text/plain; charset=utf-8"):
        if status in (204, 304):
            body = b""
        try:
            self.send_head(status, headers, len(body), default_type)
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client went away

    def send_json_text(self, status, text):
        self.send_body(status, {}, text.encode(), "application/json")

    def send_json(self, status, obj):
        self.send_json_text(status, json.dumps(obj))

    def answer(self, record, status, obj):
        # Record first, so a test reading /_mock/requests right after the
        # answer arrives always sees the final status.
        self.server.recorder.update(record, answered_status=status)
        self.send_json(status, obj)

    # --- control API -------------------------------------------------------

    def control(self, url, raw):
        if self.command == "GET" and url.path == "/_mock/requests":
            wanted = parse_query(url.query)
            unknown = set(wanted) - set(self.filters)
            if unknown:
                return self.send_json(400, {"ok": False, "error": f"unknown filter: {sorted(unknown)[0]}"})
            keep = lambda r: all(self.filters[n](r) == v for n, v in wanted.items())  # noqa: E731
            return self.send_json_text(200, self.server.recorder.dump(keep))
        if self.command == "POST" and url.path == "/_mock/reset":
            self.server.reset()
            return self.send_json(200, {"ok": True})
        self.control_other(url, raw)

    def control_other(self, url, raw):
        self.send_json(404, {"ok": False, "error": "unknown control endpoint"})


def argument_parser(doc):
    """An ArgumentParser with the common --host and --port options."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    return p


def run(server):
    """Announce the port, serve until SIGTERM/SIGINT, then close."""
    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
