#!/usr/bin/env python3
"""Pre-sign Twilio inbound webhooks for tools/bench: one file per wrk
thread, one request per line ("<X-Twilio-Signature>\\t<form body>"), each
with a fresh MessageSid, signed the way Twilio signs (HMAC-SHA1 over the
URL and the sorted form fields, base64).

usage: twilio_sign.py URL AUTH_TOKEN ACCOUNT_SID TO FROM COUNT THREADS OUTPREFIX
"""
import base64
import hashlib
import hmac
import sys
import urllib.parse


def main():
    url, token, account, to, sender, count, threads, prefix = sys.argv[1:9]
    count, threads = int(count), int(threads)
    key = token.encode()
    for t in range(threads):
        with open(f"{prefix}-{t + 1}.txt", "w") as out:
            for i in range(count):
                sid = f"SMbench{t:02d}{i:026d}"
                fields = {
                    "MessageSid": sid, "AccountSid": account, "From": sender, "To": to,
                    "Body": f"Bench message {t}-{i}", "NumMedia": "0",
                }
                signed = url + "".join(k + fields[k] for k in sorted(fields))
                sig = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha1).digest())
                out.write(sig.decode() + "\t" + urllib.parse.urlencode(fields) + "\n")


if __name__ == "__main__":
    main()
