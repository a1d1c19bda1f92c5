#!/usr/bin/env python3
"""HTTPS client-webhook receiver for Ibiki's tests, with its own test CA.

Stands in for a client's webhook endpoint: every path outside /_mock/
accepts deliveries over HTTPS (a throwaway "Ibiki Test CA" and a localhost
certificate are created in --dir with the openssl CLI), records them with
the outcome of Ibiki's X-Ibiki-Signature and Standard Webhooks signature
checks, and answers with per-path scripted behaviours (status, headers,
body, delays, huge bodies) set through the control API under /_mock/.
See README.md in this directory.
"""

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import signal
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

DEFAULT_RESPONSES = [{"status": 200}]
FRESH_SECONDS = 300  # Standard Webhooks' recommended timestamp tolerance
HANDSHAKE_TIMEOUT = 10
CHUNK = b"x" * 65536  # huge bodies are streamed in pieces of this size
BEHAVIOUR_KEYS = {"status", "headers", "body", "hang", "huge"}

# --- signatures ------------------------------------------------------------


def ibiki_signature(secret, body):
    """X-Ibiki-Signature: lowercase hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_key(secret):
    """Standard Webhooks key: base64 after "whsec_", else the secret's bytes.
    None when a whsec_ secret does not decode."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[len("whsec_"):], validate=True)
        except binascii.Error:
            return None
    return secret.encode()


def standard_signature(secret, msg_id, timestamp, body):
    """Standard Webhooks signature: "v1," + base64 HMAC-SHA256 of
    "id.timestamp.body"; None when the secret has no usable key."""
    key = standard_key(secret)
    if key is None:
        return None
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def timestamp_fresh(stamp, now):
    try:
        return abs(now - int(stamp)) <= FRESH_SECONDS
    except ValueError:
        return False


def signature_checks(secret, headers, body, now):
    """The sig_ibiki_ok / sig_standard_ok / timestamp_fresh record fields."""
    stamp = headers.get("webhook-timestamp")
    fresh = None if stamp is None else timestamp_fresh(stamp, now)
    if secret is None:
        return {"sig_ibiki_ok": None, "sig_standard_ok": None, "timestamp_fresh": fresh}
    given = headers.get("x-ibiki-signature", "")
    ibiki_ok = hmac.compare_digest(given.encode(), ibiki_signature(secret, body).encode())
    standard_ok = False
    msg_id, sigs = headers.get("webhook-id"), headers.get("webhook-signature")
    if msg_id is not None and stamp is not None and sigs is not None:
        expected = standard_signature(secret, msg_id, stamp, body)
        # The header may carry several space-separated signatures (key
        # rotation); any one matching is enough.
        standard_ok = expected is not None and any(
            hmac.compare_digest(sig.encode(), expected.encode()) for sig in sigs.split())
    return {"sig_ibiki_ok": ibiki_ok, "sig_standard_ok": standard_ok, "timestamp_fresh": fresh}


def _check_standard_vector():
    """Refuse to run with a Standard Webhooks implementation that disagrees
    with the specification's published test vector."""
    got = standard_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                             "1614265330", b'{"test": 2432232314}')
    if got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=":
        raise RuntimeError(f"Standard Webhooks signature self-check failed: {got}")


_check_standard_vector()

# --- certificates ------------------------------------------------------------

OPENSSL_CONFIG = """\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Ibiki Test CA
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


def openssl(*args):
    result = subprocess.run(["openssl", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.strip()}")


def new_ec_key(path):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)
    os.chmod(path, 0o600)


def make_ca(work, config):
    new_ec_key(f"{work}/ca.key")
    openssl("req", "-x509", "-new", "-config", config, "-extensions", "ca_ext",
            "-key", f"{work}/ca.key", "-sha256", "-days", "3650", "-out", f"{work}/ca.pem")


def make_server_cert(work, config, ca_pem, ca_key):
    new_ec_key(f"{work}/server.key")
    openssl("req", "-new", "-config", config, "-key", f"{work}/server.key",
            "-subj", "/CN=localhost", "-out", f"{work}/server.csr")
    # A random serial avoids leaving a ca.srl file behind.
    openssl("x509", "-req", "-in", f"{work}/server.csr", "-CA", ca_pem, "-CAkey", ca_key,
            "-set_serial", "0x" + secrets.token_hex(16), "-days", "825", "-sha256",
            "-extfile", config, "-extensions", "server_ext", "-out", f"{work}/server.pem")


def ensure_certs(directory):
    """Make sure DIR holds ca.pem, server.pem and server.key.  An existing
    CA (ca.pem + ca.key) is reused so clients that trust it keep working."""
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    os.makedirs(directory, exist_ok=True)
    if all(os.path.exists(path(n)) for n in ("ca.pem", "server.pem", "server.key")):
        return
    # Build in a scratch dir and move into place, so a concurrent starter
    # never sees half-written files.
    with tempfile.TemporaryDirectory(dir=directory) as work:
        config = os.path.join(work, "openssl.cnf")
        with open(config, "w") as f:
            f.write(OPENSSL_CONFIG)
        have_ca = os.path.exists(path("ca.pem")) and os.path.exists(path("ca.key"))
        if not have_ca:
            make_ca(work, config)
        ca_dir = directory if have_ca else work
        make_server_cert(work, config, f"{ca_dir}/ca.pem", f"{ca_dir}/ca.key")
        names = ["server.key", "server.pem"] + ([] if have_ca else ["ca.key", "ca.pem"])
        for name in names:
            os.replace(os.path.join(work, name), path(name))


def tls_context(directory):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(directory, "server.pem"), os.path.join(directory, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])  # we speak HTTP/1.1 only; say so up front
    return ctx

# --- configuration and records --------------------------------------------------


def behaviour_problem(b):
    """Why b is not a valid behaviour, or None."""
    if not isinstance(b, dict):
        return "each response must be an object"
    if set(b) - BEHAVIOUR_KEYS:
        return f"unknown response key: {sorted(set(b) - BEHAVIOUR_KEYS)[0]}"
    status = b.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
        return "status must be an integer from 200 to 599"
    headers = b.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, (str, int)) for v in headers.values()):
        return "headers must be an object of strings"
    if not isinstance(b.get("body", ""), str):
        return "body must be a string"
    for name in ("hang", "huge"):
        value = b.get(name, 0)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            return f"{name} must be a non-negative number"
    return None


def config_problem(cfg):
    """Why a /_mock/config document is invalid, or None."""
    if not isinstance(cfg, dict):
        return "config must be a JSON object"
    if set(cfg) - {"path", "secret", "responses"}:
        return f"unknown config key: {sorted(set(cfg) - {'path', 'secret', 'responses'})[0]}"
    path = cfg.get("path")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("/_mock/"):
        return "path must start with / and lie outside /_mock/"
    if cfg.get("secret") is not None and not isinstance(cfg["secret"], str):
        return "secret must be a string or null"
    responses = cfg.get("responses", DEFAULT_RESPONSES)
    if not isinstance(responses, list) or not responses:
        return "responses must be a non-empty list"
    return next(filter(None, map(behaviour_problem, responses)), None)


class Endpoints:
    """Per-path secret and scripted behaviours; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._paths = {}  # path -> {"secret", "responses", "next"}

    def configure(self, path, secret, responses):
        with self._lock:
            self._paths[path] = {"secret": secret, "responses": responses, "next": 0}

    def next_delivery(self, path):
        """(secret, behaviour) for the next delivery to path.  Behaviours are
        consumed in order; the last one repeats once they run out."""
        with self._lock:
            entry = self._paths.get(path)
            if entry is None:
                return None, DEFAULT_RESPONSES[0]
            responses, index = entry["responses"], entry["next"]
            entry["next"] = min(index + 1, len(responses) - 1)
            return entry["secret"], responses[index]

    def reset(self):
        with self._lock:
            self._paths.clear()


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


def parse_query(query):
    """Query string to dict, keeping '+' literal (parse_qs would make it a space)."""
    out = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            out[unquote(name)] = unquote(value)
    return out


def header_dict(headers):
    """Request headers as {lower-case name: value}; repeats are joined."""
    out = {}
    for name, value in headers.items():
        name = name.lower()
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def parse_json(raw):
    try:
        return json.loads(raw)
    except ValueError:  # includes JSONDecodeError and UnicodeDecodeError
        return None

# --- server ----------------------------------------------------------------------


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True  # hanging deliveries must not delay shutdown

    def __init__(self, address, tls):
        self.tls = tls
        self.recorder = Recorder()
        self.endpoints = Endpoints()
        super().__init__(address, Handler)

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall
        # for seconds without DNS; we never use the name.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread, so a
        # slow or broken client cannot stall the accept loop.
        request.settimeout(HANDSHAKE_TIMEOUT)
        conn = self.tls.wrap_socket(request, server_side=True)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            conn.close()

    def handle_error(self, request, client_address):
        # Failed handshakes and clients hanging up are routine; stay quiet.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has Content-Length
    server_version = "webhook-receiver/1"
    timeout = 120  # idle keep-alive connections are dropped after this

    def do_GET(self):
        url = urlsplit(self.path)
        body = self.read_body()
        if body is None:
            return
        if url.path.startswith("/_mock/"):
            self.control(url, body)
        else:
            self.deliver(url, body)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def read_body(self):
        """The request body, or None once an unreadable one was answered."""
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                # Ibiki (libcurl) always sends Content-Length; chunked
                # uploads are not worth supporting here.
                self.close_connection = True
                self.send_body(411, {}, b"Content-Length required\n")
                return None
            return b""
        if not length.isdigit():
            self.close_connection = True
            self.send_body(400, {}, b"bad Content-Length\n")
            return None
        return self.rfile.read(int(length))

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

    def send_huge(self, status, headers, size):
        try:
            self.send_head(status, headers, size, "application/octet-stream")
            view = memoryview(CHUNK)
            while size > 0:
                n = min(size, len(CHUNK))
                self.wfile.write(view[:n])
                size -= n
        except OSError:  # BrokenPipe, resets, TLS errors: the client gave up
            self.close_connection = True

    def send_json(self, status, obj):
        self.send_body(status, {}, json.dumps(obj).encode(), "application/json")

    # --- control API -----------------------------------------------------

    def control(self, url, raw):
        if self.command == "GET" and url.path == "/_mock/requests":
            filters = parse_query(url.query)
            if set(filters) - {"path"}:
                return self.send_json(400, {"ok": False, "error": "only ?path= is supported"})
            keep = lambda r: "path" not in filters or r["path"] == filters["path"]  # noqa: E731
            return self.send_body(200, {}, self.server.recorder.dump(keep).encode(), "application/json")
        if self.command == "POST" and url.path == "/_mock/reset":
            self.server.recorder.reset()
            self.server.endpoints.reset()
            return self.send_json(200, {"ok": True})
        if self.command == "POST" and url.path == "/_mock/config":
            return self.configure(raw)
        self.send_json(404, {"ok": False, "error": "unknown control endpoint"})

    def configure(self, raw):
        cfg = parse_json(raw)
        problem = config_problem(cfg)
        if problem:
            return self.send_json(400, {"ok": False, "error": problem})
        self.server.endpoints.configure(cfg["path"], cfg.get("secret"),
                                        cfg.get("responses", DEFAULT_RESPONSES))
        self.send_json(200, {"ok": True})

    # --- deliveries --------------------------------------------------------

    def deliver(self, url, raw):
        secret, behaviour = self.server.endpoints.next_delivery(url.path)
        headers = header_dict(self.headers)
        record = self.server.recorder.add(
            method=self.command, path=url.path, query=url.query, headers=headers,
            body=raw.decode("utf-8", errors="replace"), json=parse_json(raw),
            **signature_checks(secret, headers, raw, time.time()),
            behaviour=behaviour, answered_status=None)
        if behaviour.get("hang"):
            time.sleep(behaviour["hang"])
        # Record first, so a test reading /_mock/requests right after the
        # answer arrives always sees the final status.
        self.server.recorder.update(record, answered_status=behaviour["status"])
        extra = behaviour.get("headers", {})
        if "huge" in behaviour:
            self.send_huge(behaviour["status"], extra, int(behaviour["huge"]))
        else:
            self.send_body(behaviour["status"], extra, behaviour.get("body", "").encode())


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--dir", required=True, help="where the test CA and certificate live")
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
    ensure_certs(args.dir)
    run(ReceiverServer((args.host, args.port), tls_context(args.dir)))


if __name__ == "__main__":
    main()
