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

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # importing _common must not leave __pycache__ behind
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _common, from any cwd
from _common import MockHandler, MockServer, argument_parser, header_dict, parse_json, run  # noqa: E402

DEFAULT_RESPONSES = [{"status": 200}]
FRESH_SECONDS = 300  # Standard Webhooks' recommended timestamp tolerance
HANDSHAKE_TIMEOUT = 10
CHUNK = b"x" * 65536  # huge bodies are streamed in pieces of this size
BEHAVIOUR_KEYS = {"status", "headers", "body", "body_hex", "hang", "huge"}

# --- signatures --------------------------------------------------------------


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

# --- configuration -----------------------------------------------------------


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
    try:
        bytes.fromhex(b.get("body_hex", ""))
    except (TypeError, ValueError):
        return "body_hex must be a string of hex digits"
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


# --- server ------------------------------------------------------------------


class ReceiverServer(MockServer):
    def __init__(self, address, tls):
        self.tls = tls
        self.endpoints = Endpoints()
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread, so a
        # slow or broken client cannot stall the accept loop.
        request.settimeout(HANDSHAKE_TIMEOUT)
        conn = self.tls.wrap_socket(request, server_side=True)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            conn.close()

    def reset(self):
        super().reset()
        self.endpoints.reset()


class Handler(MockHandler):
    server_version = "webhook-receiver/1"
    timeout = 120  # idle keep-alive connections are dropped after this

    def refuse(self, status, message):
        self.send_body(status, {}, f"{message}\n".encode())

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

    # --- control API -----------------------------------------------------

    def control_other(self, url, raw):
        if self.command == "POST" and url.path == "/_mock/config":
            return self.configure(raw)
        super().control_other(url, raw)

    def configure(self, raw):
        cfg = parse_json(raw)
        problem = config_problem(cfg)
        if problem:
            return self.send_json(400, {"ok": False, "error": problem})
        self.server.endpoints.configure(cfg["path"], cfg.get("secret"),
                                        cfg.get("responses", DEFAULT_RESPONSES))
        self.send_json(200, {"ok": True})

    # --- deliveries --------------------------------------------------------

    def api(self, url, raw):
        """A delivery to a webhook endpoint."""
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
            body = (bytes.fromhex(behaviour["body_hex"]) if "body_hex" in behaviour
                    else behaviour.get("body", "").encode())
            self.send_body(behaviour["status"], extra, body)


def parse_args(argv):
    p = argument_parser(__doc__)
    p.add_argument("--dir", required=True, help="where the test CA and certificate live")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    ensure_certs(args.dir)
    run(ReceiverServer((args.host, args.port), tls_context(args.dir)))


if __name__ == "__main__":
    main()
