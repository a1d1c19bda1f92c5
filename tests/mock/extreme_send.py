#!/usr/bin/env python3
"""Plays the Extreme v2 gateway's side of an inbound SMS, for Ibiki's tests.

Posts {"id","from","to","message","usemodem","port","timestamp"} as JSON to
<url>/extreme/incoming with the X-Extreme-Token header, prints the HTTP
status and the response body, and exits 0 on a 2xx answer, 1 otherwise.
Importable too: send(url, token, payload) -> (status, body).
"""

import argparse
import json
import secrets
import ssl
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone

INCOMING_PATH = "/extreme/incoming"


def tls_context(insecure, cafile):
    if insecure:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False  # must be off before verify_mode can be
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    return ssl.create_default_context(cafile=cafile)


def send(url, token, payload, insecure=True, cafile=None, timeout=30):
    """POST payload to <url>/extreme/incoming; url is the base (scheme,
    host, port).  Returns (HTTP status, body text); non-2xx answers are
    returned, not raised.  Connection failures raise OSError.  TLS is
    verified when insecure is false or a cafile is given."""
    request = urllib.request.Request(
        url.rstrip("/") + INCOMING_PATH,
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Extreme-Token": token})
    context = tls_context(insecure and not cafile, cafile) if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as resp:
            return resp.status, resp.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as err:  # a non-2xx answer is still an answer
        return err.code, err.read().decode("utf-8", errors="replace")


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", required=True, help="Ibiki's base URL, e.g. https://127.0.0.1:8443")
    p.add_argument("--token", required=True, help="sent as X-Extreme-Token")
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--message", required=True)
    p.add_argument("--usemodem", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--id", default=None, help='default: random "ext-in-<hex>"')
    p.add_argument("--timestamp", default=None, help="default: now, ISO 8601 UTC")
    tls = p.add_mutually_exclusive_group()
    tls.add_argument("--insecure", action="store_true", help="skip TLS verification")
    tls.add_argument("--cafile", help="CA bundle to verify the server with")
    return p.parse_args(argv)


def payload_from(args):
    return {
        "id": args.id or "ext-in-" + secrets.token_hex(16),
        "from": args.sender,
        "to": args.to,
        "message": args.message,
        "usemodem": args.usemodem,
        "port": args.port,
        "timestamp": args.timestamp or now_iso(),
    }


def main(argv=None):
    args = parse_args(argv)
    try:
        status, body = send(args.url, args.token, payload_from(args),
                            insecure=args.insecure, cafile=args.cafile)
    except OSError as err:  # includes URLError and TLS failures
        print(f"request failed: {err}", file=sys.stderr)
        return 1
    print(status)
    print(body)
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
