#!/usr/bin/env python3
"""Malformed raw HTTP requests against a running Ibiki, over TLS sockets.

Sends several hundred requests that no HTTP client library would send --
NUL and control bytes in the target, dot segments, encoded dots, a 20 KB
target, a 20 KB header, an unknown HTTP version, broken request lines,
broken Content-Length and Transfer-Encoding, folded and malformed headers,
internal locations -- each on its own connection, exactly as written, and
checks every answer: never a 5xx (each of these is the client's fault, or
harmless), and every 4xx a JSON object with "error" and "message" (nginx's
own answers included).  Some are odd but valid (a doubled slash, a
fragment, two spaces in the request line) and may succeed: a 2xx or 3xx is
allowed unless the case names its statuses.  A connection closed without
an answer counts as a failure.

Then, with --conn-limit N (nginx's limit_conn per IP), it holds N
slow-body requests open and checks that one more is refused with 429 JSON
at once, and that the server answers again when they are gone.

  raw_requests.py --url https://127.0.0.1:8443 [--conn-limit N] [--verbose]

Prints one line per failure and a summary; exits 1 on any failure.  Used
by tools/stack test (issue: every error body is JSON).
"""

import argparse
import json
import socket
import ssl
import sys
from urllib.parse import urlsplit

PATHS = ["/", "/health", "/api/users", "/api/v2/sms/inbox", "/twilio/incoming",
         "/api/admin/clients/1", "/api/web/inbox/%2B12025550100"]


def cases():
    """(name, raw request bytes, allowed statuses or None for any < 500)."""
    out = []
    host = b"Host: localhost\r\n"
    close = b"Connection: close\r\n"

    def req(line, headers=b"", body=b""):
        return line + b"\r\n" + host + close + headers + b"\r\n" + body

    # The issue's own cases.
    out.append(("GET /health%00", req(b"GET /health%00 HTTP/1.1"), None))
    out.append(("GET /%00", req(b"GET /%00 HTTP/1.1"), None))
    out.append(("PATCH /api/users/%2B1202%00", req(b"PATCH /api/users/%2B1202%00 HTTP/1.1",
                                                   b"Content-Type: application/json\r\nContent-Length: 2\r\n", b"{}"), None))
    out.append(("raw dot segments", req(b"GET /../../etc/passwd HTTP/1.1"), None))
    out.append(("encoded dot segments", req(b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1"), None))
    out.append(("20 KB target", req(b"GET /" + b"a" * 20000 + b" HTTP/1.1"), {414}))
    out.append(("HTTP/9.9", req(b"GET /health HTTP/9.9"), {400}))
    out.append(("20 KB header", req(b"GET /health HTTP/1.1", b"X-Big: " + b"b" * 20000 + b"\r\n"), {431, 400}))
    # Control bytes (not CR or LF) in the target, raw and encoded, on each path.
    for c in list(range(0, 9)) + list(range(11, 13)) + list(range(14, 32)) + [127]:
        for p in PATHS[:4]:
            out.append((f"raw byte {c:#x} in {p}", req(b"GET " + p.encode() + bytes([c]) + b"x HTTP/1.1"), None))
        out.append((f"encoded byte %{c:02X}", req(b"GET /api/users/%" + f"{c:02X}".encode() + b" HTTP/1.1"), None))
    # Dot segments and odd targets on every path.
    for p in PATHS:
        for t in ["/../" + p, p + "/../../..", p + "/%2e%2e/%2e%2e/%2e%2e", p + "%", p + "%zz",
                  p + "%0", p + "%u0000", "//" + p, p + "?%00", p + "#frag", p + "\\..\\.."]:
            out.append((f"target {t!r}", req(b"GET " + t.encode() + b" HTTP/1.1"), None))
    # Broken request lines.
    for line in [b"GET", b"GET  /health HTTP/1.1", b"GET /health HTTP/1.1 extra",
                 b"G ET /health HTTP/1.1", b"get /health HTTP/1.1", b"GET\t/health HTTP/1.1",
                 b"GET health HTTP/1.1", b"GET /health HTTP/1", b"GET /health HTTP/1.x",
                 b"GET /health http/1.1", b"GET /health HTTP/0.8", b"GET /health HTTP/2.0",
                 b"GET /health HTTP/1.10", b"\x00GET /health HTTP/1.1", b"X" * 300 + b" /health HTTP/1.1",
                 b"GET /health HTTP/1.1\x00", b"\xff\xfe / HTTP/1.1", b"GET /health HTTP/3.0"]:
        out.append((f"request line {line[:40]!r}", req(line), None))
    # Broken framing on a body-taking route.
    for p in ["/api/users", "/api/auth/login", "/twilio/incoming", "/api/v2/sms/send"]:
        pb = p.encode()
        for name, hdrs, body in [
            ("negative Content-Length", b"Content-Length: -1\r\n", b""),
            ("non-numeric Content-Length", b"Content-Length: abc\r\n", b""),
            ("two Content-Lengths", b"Content-Length: 2\r\nContent-Length: 3\r\n", b"{}"),
            ("huge Content-Length", b"Content-Length: 99999999999999999999\r\n", b""),
            ("body over the limit", b"Content-Length: 200000\r\n", b""),
            ("bad chunk size", b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n"),
            ("unknown transfer coding", b"Transfer-Encoding: gzip\r\n", b""),
            ("chunked and Content-Length", b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", b"0\r\n\r\n"),
            ("header without colon", b"NoColonHere\r\n", b""),
            ("header with space before colon", b"Content-Type : application/json\r\n", b""),
            ("folded header", b"X-A: a\r\n folded\r\n", b""),
            ("NUL in a header value", b"X-A: a\x00b\r\n", b""),
            ("empty header name", b": value\r\n", b""),
            ("bad UTF-8 JSON body", b"Content-Type: application/json\r\nContent-Length: 4\r\n", b"\xff\xfe{}"),
            ("form body as JSON", b"Content-Type: application/json\r\nContent-Length: 3\r\n", b"a=b"),
        ]:
            out.append((f"POST {p}: {name}", req(b"POST " + pb + b" HTTP/1.1", hdrs, body), None))
    # Headers nginx refuses, on every path.
    for p in PATHS:
        pb = p.encode()
        out.append((f"{p}: no Host on HTTP/1.1", b"GET " + pb + b" HTTP/1.1\r\n" + close + b"\r\n", None))
        out.append((f"{p}: two Hosts", b"GET " + pb + b" HTTP/1.1\r\n" + host + host + close + b"\r\n", None))
        out.append((f"{p}: bad Host", b"GET " + pb + b" HTTP/1.1\r\nHost: a/b\r\n" + close + b"\r\n", None))
        out.append((f"{p}: 200 headers", req(b"GET " + pb + b" HTTP/1.1",
                                             b"".join(b"X-H%d: v\r\n" % i for i in range(200))), None))
        out.append((f"{p}: unknown method", req(b"BREW " + pb + b" HTTP/1.1"), None))
        out.append((f"{p}: TRACE", req(b"TRACE " + pb + b" HTTP/1.1"), None))
        out.append((f"{p}: CONNECT", req(b"CONNECT " + pb + b" HTTP/1.1"), None))
    # (A body shorter than its Content-Length is not here: nginx waits
    # client_body_timeout, 10 s, and closes the connection without an answer.)
    # Internal locations are not reachable from outside.
    for code in ["400", "404", "500", "503", "x"]:
        out.append((f"internal /_ibiki/error/{code}", req(b"GET /_ibiki/error/" + code.encode() + b" HTTP/1.1"), {404}))
    return out


def send(host, port, raw, ctx):
    with socket.create_connection((host, port), timeout=20) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as t:
            try:
                t.sendall(raw)
            except OSError:
                pass
            data = b""
            try:
                while True:
                    chunk = t.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            except (OSError, ssl.SSLError):
                pass
    return data


def check(data):
    """None if the answer is fine, else what is wrong with it."""
    if not data:
        return "no answer"
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return f"not an HTTP answer: {lines[0][:60]!r}"
    status = int(parts[1])
    headers = {}
    for h in lines[1:]:
        k, _, v = h.partition(b":")
        headers[k.strip().lower()] = v.strip()
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        body = out
    try:
        doc = json.loads(body)
    except ValueError:
        if status < 400:
            return status
        return f"{status}, body not JSON: {body[:60]!r}"
    if status < 400:
        return status
    if not isinstance(doc, dict) or not isinstance(doc.get("error"), str) or not isinstance(doc.get("message"), str):
        return f"{status}, JSON without error and message: {body[:80]!r}"
    return status


def slow_bodies(host, port, limit, ctx):
    """None if N held slow bodies make the next request 429 JSON, else why not."""
    held = []
    try:
        for _ in range(limit):
            s = ctx.wrap_socket(socket.create_connection((host, port), timeout=10),
                                server_hostname="localhost")
            s.sendall(b"POST /api/users HTTP/1.1\r\nHost: localhost\r\n"
                      b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
            held.append(s)
        got = check(send(host, port, b"GET /health HTTP/1.1\r\nHost: localhost\r\n"
                                      b"Connection: close\r\n\r\n", ctx))
        if got != 429:
            return f"with {limit} slow bodies held, the next request got {got}, want 429 JSON"
    finally:
        for s in held:
            s.close()
    import time
    for _ in range(50):
        if check(send(host, port, b"GET /health HTTP/1.1\r\nHost: localhost\r\n"
                                  b"Connection: close\r\n\r\n", ctx)) == 200:
            return None
        time.sleep(0.1)
    return "no 200 after the slow bodies were closed"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--conn-limit", type=int, default=0)
    args = ap.parse_args()
    u = urlsplit(args.url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    failures = 0
    statuses = {}
    all_cases = cases()
    for name, raw, allowed in all_cases:
        got = check(send(u.hostname, u.port or 443, raw, ctx))
        if isinstance(got, int):
            statuses[got] = statuses.get(got, 0) + 1
            if got >= 500 or (allowed is not None and got not in allowed):
                failures += 1
                print(f"FAIL {name}: status {got}" + (f", want {sorted(allowed)}" if allowed else ""))
            elif args.verbose:
                print(f"ok   {name}: {got}")
        else:
            failures += 1
            print(f"FAIL {name}: {got}")
    if args.conn_limit > 0:
        why = slow_bodies(u.hostname, u.port or 443, args.conn_limit, ctx)
        if why:
            failures += 1
            print(f"FAIL slow bodies: {why}")
        else:
            print(f"ok   {args.conn_limit} slow bodies held: the next request is 429 JSON")
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    print(f"raw requests: {len(all_cases)} sent, {failures} failed; statuses {summary}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
