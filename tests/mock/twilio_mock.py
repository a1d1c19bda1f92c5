#!/usr/bin/env python3
"""Twilio REST API mock for Ibiki's tests.

Speaks the part of Twilio's wire format that Ibiki's Twilio provider uses:
POST /2010-04-01/Accounts/{AccountSid}/Messages.json with a form-encoded
body and HTTP Basic auth, and GET of the same path, the message list, with
Twilio's To, From and DateSent>= filters and its paging format.  Magic
destination numbers provoke Twilio's error answers, rate limiting, server
errors and a hanging upstream (which takes the message, then answers late
or never in time); every other send succeeds with a Message resource.
--latency-ms delays every answer (a far-away upstream, for tools/bench).
Every request is recorded and can be read back (and cleared) through the
control API under /_mock/.  See README.md in this directory.
"""

import base64
import binascii
import hmac
import os
import re
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs

sys.dont_write_bytecode = True  # importing _common must not leave __pycache__ behind
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _common, from any cwd
from _common import (MockHandler, MockServer, argument_parser, header_dict, parse_query,  # noqa: E402
                     run)

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
HANG_TO = "+15005550009"  # takes the message, answers only after --hang-seconds
PAGE_SIZE_MAX = 1000


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
    if not first(form, "To"):
        return 400, 21604, "A 'To' phone number is required."
    if not first(form, "Body"):
        return 400, 21602, "Message body is required."
    if not first(form, "From"):
        return 400, 21603, "A 'From' phone number is required."
    return None


def public(message):
    """A Message resource as Twilio shows it (without the mock's own keys)."""
    return {k: v for k, v in message.items() if not k.startswith("_")}


def message_resource(account_sid, form):
    """A freshly queued Message resource, shaped like Twilio's."""
    sid = "SM" + uuid.uuid4().hex
    when = datetime.now(timezone.utc)
    now = format_datetime(when)
    return {
        "_date": when.strftime("%Y-%m-%d"),
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


def date_sent_ok(message, since):
    """Twilio's DateSent>=YYYY-MM-DD filter: the message's day is not before."""
    return since is None or message["_date"] >= since


class TwilioServer(MockServer):
    def __init__(self, address, args):
        self._lock = threading.Lock()
        self._attempts = {}  # To -> sends seen since the last reset
        self._messages = []  # every Message resource created, oldest first
        super().__init__(address, Handler, args)

    def keep(self, message):
        with self._lock:
            self._messages.append(message)

    def messages(self, to, from_, since):
        """Created messages matching the filters, newest first (as Twilio)."""
        with self._lock:
            found = [m for m in self._messages
                     if (to is None or m["to"] == to) and (from_ is None or m["from"] == from_)
                     and date_sent_ok(m, since)]
        return list(reversed(found))

    def count_attempt(self, to):
        with self._lock:
            self._attempts[to] = self._attempts.get(to, 0) + 1
            return self._attempts[to]

    def reset(self):
        super().reset()
        with self._lock:
            self._attempts.clear()
            self._messages.clear()


class Handler(MockHandler):
    server_version = "twilio-mock/1"
    filters = {**MockHandler.filters, "to": lambda record: first(record["form"], "To")}

    # --- Twilio API ------------------------------------------------------

    def api(self, url, raw):
        text = raw.decode("utf-8", errors="replace")
        form = parse_qs(text, keep_blank_values=True)
        match = MESSAGES_PATH.match(url.path)
        auth_ok = self.credentials_ok() and (match is None or match.group(1) == self.server.args.account_sid)
        record = self.server.recorder.add(
            method=self.command, path=url.path, query=url.query,
            headers=header_dict(self.headers, redact_auth=True), body=text, form=form,
            auth_ok=auth_ok, answered_status=None, sid=None)
        if self.server.args.latency_ms > 0:
            time.sleep(self.server.args.latency_ms / 1000.0)
        if match is None or self.command not in ("POST", "GET"):
            return self.answer(record, *twilio_404(url.path))
        if not auth_ok:
            return self.answer(record, 401, twilio_error(401, 20003, "Authenticate"))
        if self.command == "GET":
            return self.answer(record, 200, self.message_list(match.group(1), url))
        to = first(form, "To")
        failure = validation_error(form) or self.magic_outcome(to)
        if failure:
            return self.answer(record, failure[0], twilio_error(*failure))
        message = message_resource(match.group(1), form)
        self.server.keep(message)
        self.server.recorder.update(record, sid=message["sid"])
        if to == HANG_TO:  # taken; the answer comes too late
            time.sleep(self.server.args.hang_seconds)
        self.answer(record, 201, public(message))

    def message_list(self, account_sid, url):
        """GET Messages.json: a page of Twilio's list resource."""
        q = parse_query(url.query)
        since = q.get("DateSent>")  # "DateSent>=2026-01-02" parses as name "DateSent>"
        try:
            size = max(1, min(PAGE_SIZE_MAX, int(q.get("PageSize", "50"))))
            page = max(0, int(q.get("Page", "0")))
        except ValueError:
            size, page = 50, 0
        found = self.server.messages(q.get("To"), q.get("From"), since)
        items = found[page * size:(page + 1) * size]
        base = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        keep = "&".join(f"{k}={v}" for k, v in (("To", q.get("To")), ("From", q.get("From")),
                                                  ("DateSent>", since)) if v)
        uri = lambda p: f"{base}?{keep + '&' if keep else ''}PageSize={size}&Page={p}"
        more = (page + 1) * size < len(found)
        return {
            "messages": [public(m) for m in items],
            "end": page * size + max(len(items), 1) - 1,
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if more else None,
            "previous_page_uri": uri(page - 1) if page > 0 else None,
            "page": page,
            "page_size": size,
            "start": page * size,
            "uri": uri(page),
        }

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
        (The hanging number is handled by the caller: it is taken first.)"""
        if to in MAGIC_ERRORS:
            return MAGIC_ERRORS[to]
        if to == FLAKY_TO and self.server.count_attempt(to) <= FLAKY_TIMES:
            return MAGIC_ERRORS["+15005550429"]
        return None


def twilio_404(path):
    return 404, twilio_error(404, 20404, f"The requested resource {path} was not found")


def parse_args(argv):
    p = argument_parser(__doc__)
    p.add_argument("--account-sid", required=True)
    p.add_argument("--auth-token", required=True)
    p.add_argument("--hang-seconds", type=float, default=30.0)
    p.add_argument("--latency-ms", type=float, default=0.0,
                   help="delay every answer by this long (a far-away upstream)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run(TwilioServer((args.host, args.port), args))


if __name__ == "__main__":
    main()
