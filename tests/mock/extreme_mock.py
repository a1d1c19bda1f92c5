#!/usr/bin/env python3
"""Mock of the "Extreme v2" modem-pool SMS gateway, for Ibiki's tests.

Serves POST /api/v2/sms/sendsingle (JSON {"to","message","usemodem","port"},
Authorization: Bearer <api-key>) the way the Extreme v2 gateway does.  Magic
destination numbers provoke a rejected number, a 200 that is not a success
("modem offline"), a server error and a hanging gateway; every other send
succeeds.  Every request is recorded and can be read back (and cleared)
through the control API under /_mock/.  See README.md in this directory.
"""

import argparse
import hmac
import json
import signal
import socketserver
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

SEND_PATH = "/api/v2/sms/sendsingle"
REQUIRED_FIELDS = {"to": str, "message": str, "usemodem": int, "port": int}

# Magic "to" numbers that never succeed: to -> (HTTP status, message).
MAGIC_ERRORS = {
    "+15005550001": (400, "invalid destination number"),
    "+15005550002": (200, "modem offline"),  # a 200 that is not a success
    "+15005550500": (500, "internal error"),
}
HANG_TO = "+15005550009"  # answers only after --hang-seconds


def extreme_error(message):
    return {"status": "error", "message": message}


def parse_payload(raw):
    """The body as parsed JSON, or None when it is not JSON."""
    try:
        return json.loads(raw)
    except ValueError:  # includes JSONDecodeError and UnicodeDecodeError
        return None


def payload_problem(payload):
    """Why the payload cannot be sent, or None when it is well-formed."""
    if not isinstance(payload, dict):
        return "body must be a JSON object"
    for name, kind in REQUIRED_FIELDS.items():
        if name not in payload:
            return f"missing field: {name}"
        value = payload[name]
        # bool is an int subclass in Python, but JSON true is no modem number.
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"field {name} must be {'an integer' if kind is int else 'a string'}"
    return None


def parse_query(query):
    """Query string to dict, keeping '+' literal: callers write ?to=+1555...
    and parse_qs would turn that '+' into a space."""
    out = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            out[unquote(name)] = unquote(value)
    return out


def header_dict(headers):
    """Request headers as {lower-case name: value}, credentials redacted."""
    out = {}
    for name, value in headers.items():
        name = name.lower()
        if name == "authorization":
            # Keep the scheme so tests can see it; auth_ok tells the rest.
            value = value.split(" ", 1)[0] + " <redacted>"
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


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
    daemon_threads = True  # hanging requests must not delay shutdown

    def __init__(self, address, args):
        self.args = args
        self.recorder = Recorder()
        super().__init__(address, Handler)

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall
        # for seconds without DNS; we never use the name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # Clients hanging up mid-request is routine in tests; stay quiet.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has Content-Length
    server_version = "extreme-mock/1"

    def do_GET(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if body is None:
            return
        if url.path.startswith("/_mock/"):
            self.control(url)
        else:
            self.api(url, body)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def read_body(self):
        """The request body, or None once an unreadable one was answered."""
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                # Ibiki (libcurl) always sends Content-Length; chunked
                # uploads are not worth supporting here.
                self.close_connection = True
                self.send_json(411, extreme_error("Content-Length required"))
                return None
            return b""
        if not length.isdigit():
            self.close_connection = True
            self.send_json(400, extreme_error("bad Content-Length"))
            return None
        return self.rfile.read(int(length))

    def send_json(self, status, obj):
        self.send_json_text(status, json.dumps(obj))

    def send_json_text(self, status, text):
        body = text.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client went away

    # --- control API -----------------------------------------------------

    def control(self, url):
        if self.command == "GET" and url.path == "/_mock/requests":
            filters = parse_query(url.query)
            unknown = set(filters) - {"path", "to"}
            if unknown:
                return self.send_json(400, {"ok": False, "error": f"unknown filter: {sorted(unknown)[0]}"})
            return self.send_json_text(200, self.server.recorder.dump(lambda r: matches(r, filters)))
        if self.command == "POST" and url.path == "/_mock/reset":
            self.server.recorder.reset()
            return self.send_json(200, {"ok": True})
        self.send_json(404, {"ok": False, "error": "unknown control endpoint"})

    # --- Extreme API -----------------------------------------------------

    def api(self, url, raw):
        payload = parse_payload(raw)
        auth_ok = self.bearer_ok()
        record = self.server.recorder.add(
            method=self.command, path=url.path, query=url.query,
            headers=header_dict(self.headers), body=raw.decode("utf-8", errors="replace"),
            json=payload, auth_ok=auth_ok, answered_status=None, id=None)
        if self.command != "POST" or url.path != SEND_PATH:
            return self.answer(record, 404, extreme_error("not found"))
        if not auth_ok:
            return self.answer(record, 401, extreme_error("unauthorized"))
        problem = payload_problem(payload)
        if problem:
            return self.answer(record, 400, extreme_error(problem))
        failure = self.magic_outcome(payload["to"])
        if failure:
            return self.answer(record, failure[0], extreme_error(failure[1]))
        message_id = "ext-" + uuid.uuid4().hex
        self.server.recorder.update(record, id=message_id)
        self.answer(record, 200, {"status": "success", "id": message_id})

    def bearer_ok(self):
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self.server.args.api_key.encode())

    def magic_outcome(self, to):
        """(status, message) for a magic failing number, else None.
        Sleeps first when it is the hanging number."""
        if to in MAGIC_ERRORS:
            return MAGIC_ERRORS[to]
        if to == HANG_TO:
            time.sleep(self.server.args.hang_seconds)
        return None

    def answer(self, record, status, obj):
        # Record first, so a test reading /_mock/requests right after the
        # answer arrives always sees the final status.
        self.server.recorder.update(record, answered_status=status)
        self.send_json(status, obj)


def matches(record, filters):
    if "path" in filters and record["path"] != filters["path"]:
        return False
    if "to" in filters:
        payload = record["json"]
        if not isinstance(payload, dict) or payload.get("to") != filters["to"]:
            return False
    return True


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--api-key", required=True)
    p.add_argument("--hang-seconds", type=float, default=30.0)
    return p.parse_args(argv)


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


def main(argv=None):
    args = parse_args(argv)
    run(MockServer((args.host, args.port), args))


if __name__ == "__main__":
    main()
