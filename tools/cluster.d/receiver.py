#!/usr/bin/env python3
"""tests/mock/webhook_receiver.py, with each delivery's end recorded too:
`end` (unix float) is stamped once the answer has been written, so a test
can tell whether two deliveries of one event overlapped in time (`time`,
the mock's own field, is when the request arrived).  Same options, READY
line and control API as the mock (tests/mock/README.md).
"""
import os
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "mock"))

import _common  # noqa: E402
import webhook_receiver  # noqa: E402

_current = threading.local()
_add = _common.Recorder.add
_api = webhook_receiver.Handler.api


def add(self, **fields):
    record = _add(self, **fields)
    _current.record = record
    return record


def api(self, url, raw):
    _current.record = None
    try:
        _api(self, url, raw)
    finally:
        record = _current.record
        if record is not None:
            self.server.recorder.update(record, end=time.time())


_common.Recorder.add = add
webhook_receiver.Handler.api = api

if __name__ == "__main__":
    webhook_receiver.main()
