#!/usr/bin/env python3
"""Twilio REST API mock for Ibiki's tests.

Speaks the part of Twilio's wire format that Ibiki's Twilio provider uses:
POST /2010-04-01/Accounts/{AccountSid}/Messages.json with a form-encoded
body and HTTP Basic auth.  Magic destination numbers provoke Twilio's error
answers, rate limiting, server errors and a hanging upstream; every other
send succeeds with a Message resource.  Every request is recorded and can be
read back (and cleared) through the control API under /_mock/.  See
README.md in this directory.
"""

import argparse
import base64
import binascii
import hmac
import json
import re
import signal
import socketserver
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")

# Magic To numbers that always fail: To -> (HTTP status, Twilio code, message).
MAGIC_ERRORS = {
    "+15005550001": (400, 21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550003": (400, 21610, "Attempt to send to unsubscribed recipient"),
    "+15005550402": (400, 20005, "Account has insufficient credit"),
    "+15005550429": (429, 20429, "Too Many Requests"),
    "+15005550500": (500, 20500, "Internal Server Error"),
}
FLAKY_TO = "+15005550430"  # rate limited FLAKY_TIMES times, then accepted
FLAKY_TIMES = 2
HANG_TO = "+15005550009"  # answers only after --hang-seconds


def twilio_error(status, code, message):
    """Twilio's error document."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def first(form, name):
    """First value of a form field, or None."""
    values = form.get(name)
    return values[0] if values else None


def validation_error(form):
    """The 400 answer for a form lacking required fields, or None."""
    if not first(form, "To") or not first(form, "Body"):
        return 400, 21602, "Message body is required."
    if not first(form, "From"):
        return 400, 21603, "A 'From' phone number is required."
    return None


def message_resource(account_sid, form):
    """A freshly queued Message resource, shaped like Twilio's."""
    sid = "SM" + uuid.uuid4().hex
    now = format_datetime(datetime.now(timezone.utc))
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": first(form, "To"),
        "from": first(form, "From"),
        "body": first(form, "Body"),
        "status": "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        "api_version": "2010-04-01",
        "messaging_service_sid": None,
    }


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
        self._lock = threading.Lock()
        self._attempts = {}  # To -> sends seen since the last reset
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

    def count_attempt(self, to):
        with self._lock:
            self._attempts[to] = self._attempts.get(to, 0) + 1
            return self._attempts[to]

    def reset(self):
        self.recorder.reset()
        with self._lock:
            self._attempts.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has Content-Length
    server_version = "twilio-mock/1"

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
                self.send_json(411, {"message": "Content-Length required"})
                return None
            return b""
        if not length.isdigit():
            self.close_connection = True
            self.send_json(400, {"message": "bad Content-Length"})
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
            self.server.reset()
            return self.send_json(200, {"ok": True})
        self.send_json(404, {"ok": False, "error": "unknown control endpoint"})

    # --- Twilio API ------------------------------------------------------

    def api(self, url, raw):
        text = raw.decode("utf-8", errors="replace")
        form = parse_qs(text, keep_blank_values=True)
        match = MESSAGES_PATH.match(url.path)
        auth_ok = self.credentials_ok() and (match is None or match.group(1) == self.server.args.account_sid)
        record = self.server.recorder.add(
            method=self.command, path=url.path, query=url.query,
            headers=header_dict(self.headers), body=text, form=form,
            auth_ok=auth_ok, answered_status=None, sid=None)
        if self.command != "POST" or match is None:
            return self.answer(record, *twilio_404(url.path))
        if not auth_ok:
            return self.answer(record, 401, twilio_error(401, 20003, "Authenticate"))
        failure = validation_error(form) or self.magic_outcome(first(form, "To"))
        if failure:
            return self.answer(record, failure[0], twilio_error(*failure))
        message = message_resource(match.group(1), form)
        self.server.recorder.update(record, sid=message["sid"])
        self.answer(record, 201, message)

    def credentials_ok(self):
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(token.strip(), validate=True)
        except binascii.Error:
            return False
        args = self.server.args
        return hmac.compare_digest(given, f"{args.account_sid}:{args.auth_token}".encode())

    def magic_outcome(self, to):
        """(status, code, message) for a magic failing To, else None.
        Sleeps first when To is the hanging number."""
        if to in MAGIC_ERRORS:
            return MAGIC_ERRORS[to]
        if to == FLAKY_TO and self.server.count_attempt(to) <= FLAKY_TIMES:
            return MAGIC_ERRORS["+15005550429"]
        if to == HANG_TO:
            time.sleep(self.server.args.hang_seconds)
        return None

    def answer(self, record, status, obj):
        # Record first, so a test reading /_mock/requests right after the
        # answer arrives always sees the final status.
        self.server.recorder.update(record, answered_status=status)
        self.send_json(status, obj)


def twilio_404(path):
    return 404, twilio_error(404, 20404, f"The requested resource {path} was not found")


def matches(record, filters):
    if "path" in filters and record["path"] != filters["path"]:
        return False
    if "to" in filters and first(record["form"], "To") != filters["to"]:
        return False
    return True


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--account-sid", required=True)
    p.add_argument("--auth-token", required=True)
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
