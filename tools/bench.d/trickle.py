#!/usr/bin/env python3
"""Send signed Twilio inbound webhooks at a steady rate (tools/bench's
latency trickle): one keep-alive TLS connection, fresh MessageSids, the
request times written to stdout as "<MessageSid> <unix seconds>".

usage: trickle.py URL AUTH_TOKEN ACCOUNT_SID TO FROM RATE SECONDS
"""
import base64
import hashlib
import hmac
import http.client
import ssl
import sys
import time
import urllib.parse
import uuid


def main():
    url, token, account, to, sender, rate, seconds = sys.argv[1:8]
    rate, seconds = float(rate), float(seconds)
    parts = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection(parts.hostname, parts.port, context=ctx)
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < seconds:
        due = start + n / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        sid = "SMtrickle" + uuid.uuid4().hex
        fields = {"MessageSid": sid, "AccountSid": account, "From": sender, "To": to,
                  "Body": f"trickle {n}", "NumMedia": "0"}
        signed = url + "".join(k + fields[k] for k in sorted(fields))
        sig = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest())
        body = urllib.parse.urlencode(fields)
        sent = time.time()
        conn.request("POST", parts.path, body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sig.decode()})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            print(f"error {resp.status}", file=sys.stderr)
        print(f"{sid} {sent:.6f}")
        n += 1


if __name__ == "__main__":
    main()
