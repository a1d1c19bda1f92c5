#!/usr/bin/env python3
"""Mock of the "Extreme v2" modem-pool SMS gateway, for Ibiki's tests.

Serves POST /api/v2/sms/sendsingle (JSON {"to","message","usemodem","port"},
Authorization: Bearer <api-key>) the way the Extreme v2 gateway does.  Magic
destination numbers provoke a rejected number, a 200 that is not a success
("modem offline"), a server error and a hanging gateway; every other send
succeeds.  Every request is recorded and can be read back (and cleared)
through the control API under /_mock/.  See README.md in this directory.
"""

import hmac
import os
import sys
import time
import uuid

sys.dont_write_bytecode = True  # importing _common must not leave __pycache__ behind
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _common, from any cwd
from _common import MockHandler, MockServer, argument_parser, header_dict, parse_json, run  # noqa: E402

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


def payload_to(record):
    """The recorded payload's "to", or None."""
    payload = record["json"]
    return payload.get("to") if isinstance(payload, dict) else None


class Handler(MockHandler):
    server_version = "extreme-mock/1"
    filters = {**MockHandler.filters, "to": payload_to}

    def refuse(self, status, message):
        self.send_json(status, extreme_error(message))

    # --- Extreme API -----------------------------------------------------

    def api(self, url, raw):
        payload = parse_json(raw)
        auth_ok = self.bearer_ok()
        record = self.server.recorder.add(
            method=self.command, path=url.path, query=url.query,
            headers=header_dict(self.headers, redact_auth=True),
            body=raw.decode("utf-8", errors="replace"), json=payload,
            auth_ok=auth_ok, answered_status=None, id=None)
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


def parse_args(argv):
    p = argument_parser(__doc__)
    p.add_argument("--api-key", required=True)
    p.add_argument("--hang-seconds", type=float, default=30.0)
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run(MockServer((args.host, args.port), Handler, args))


if __name__ == "__main__":
    main()
