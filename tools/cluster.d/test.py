#!/usr/bin/env python3
"""tools/cluster test: a throwaway cluster (three Galera nodes, two hosts'
pools and dispatchers, one nginx) takes a bounded stream of signed Twilio
inbounds through nginx, for a client in push mode with a registered user
behind every message, while

  (a) Galera node 1 is killed with SIGKILL and later rejoins (IST),
  (b) host B's pool (its master and workers) is killed, later started,
  (c) host A's dispatcher (its loop and ibiki-dispatch) is killed, later
      started.

Afterwards: every webhook that got 200 is stored exactly once (on every
node); every push was delivered at least once, with one webhook-id per
event, and no two deliveries of one event overlapped in time (the
receiver, tools/cluster.d/receiver.py, records start and end); every
acknowledgement SMS reached the mock Twilio exactly once; a poller that
followed the v2 cursor through the whole run saw every message exactly
once.  Python 3 standard library only; mocks from tests/mock/.

usage: tools/cluster test [--messages N] [--seconds S] [--keep]
  (defaults: IBIKI_CLUSTER_TEST_MESSAGES or 3000, IBIKI_CLUSTER_TEST_SECONDS
  or 60: the stream's length; IBIKI_TEST_KEEP=1 is --keep)
"""
import argparse
import base64
import getpass
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLUSTER = os.path.join(ROOT, "tools", "cluster")
MOCKS = os.path.join(ROOT, "tests", "mock")
HOOK_PATH = "/hooks/cluster"
HOOK_SECRET = "whsec_" + base64.b64encode(os.urandom(24)).decode()
T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", flush=True)


def step(msg):
    print(f"==> {msg}", flush=True)


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def node_port_base():
    """A base such that base+10..base+33 (the nodes' ports) are free."""
    for _ in range(200):
        base = random.randrange(20000, 50000, 100)
        if all(port_free(base + 10 * n + k) for n in (1, 2, 3) for k in range(4)):
            return base
    raise SystemExit("no free ports for the Galera nodes")


class Mock:
    def __init__(self, name, argv, logdir):
        self.name = name
        self.err = open(os.path.join(logdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen([sys.executable, *argv, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=self.err, stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            raise SystemExit(f"mock {name} did not start (see {self.err.name})")
        self.port = int(line.split()[1])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.err.close()


# --- HTTP ------------------------------------------------------------------


class Client:
    """One keep-alive HTTPS connection (to nginx or a mock); reconnects."""

    def __init__(self, host, port, ctx, timeout=30):
        self.host, self.port, self.ctx, self.timeout = host, port, ctx, timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (1, 2):
            if self.conn is None:
                if self.ctx is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                else:
                    self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                            context=self.ctx)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method, path, body=None, headers=None):
        status, data = self.request(method, path, body, headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def twilio_signature(token, url, fields):
    signed = url + "".join(k + fields[k] for k in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


# --- the test ----------------------------------------------------------------


class Test:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="ibiki-cluster-test.", dir="/tmp")
        os.chmod(self.tmp, 0o755)
        self.cdir = os.path.join(self.tmp, "cluster")
        self.mocks = []
        self.checks = []  # (ok, text)
        self.events = []  # (t, text)
        self.lock = threading.Lock()

    # -- processes --

    def cluster(self, *argv, quiet=False, check=True):
        r = subprocess.run([CLUSTER, *argv], env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if not quiet or r.returncode != 0:
            for line in r.stdout.splitlines():
                print("    " + line, flush=True)
        if check and r.returncode != 0:
            raise SystemExit(f"tools/cluster {' '.join(argv)} failed ({r.returncode})")
        return r

    def sql(self, query, node=None):
        """Rows (lists of str) of query on node (default: the first that
        answers)."""
        for n in ([node] if node else [1, 2, 3]):
            sock = os.path.join(self.cdir, f"node{n}", "mysqld.sock")
            r = subprocess.run(["mariadb", "--no-defaults", "--connect-timeout=3", "-S", sock, "-u",
                                getpass.getuser(), "-N", "-B", "ibiki", "-e", query],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if r.returncode == 0:
                return [line.split("\t") for line in r.stdout.splitlines()]
        raise RuntimeError(f"no node answers: {query}")

    def wsrep(self, node, name):
        try:
            rows = self.sql(f"SHOW GLOBAL STATUS LIKE '{name}'", node)
            return rows[0][1] if rows else None
        except RuntimeError:
            return None

    def pidfile(self, host, name):
        with open(os.path.join(self.cdir, f"host-{host}", "run", name)) as f:
            return int(f.read().strip())

    def killgroup(self, host, name):
        """SIGKILL the process group of the process in run/NAME (started
        with setsid by tools/stack: the pool's master and workers, or the
        dispatcher loop and its ibiki-dispatch)."""
        pid = self.pidfile(host, name)
        if os.getpgid(pid) != pid:
            raise RuntimeError(f"{name}: pid {pid} leads no process group")
        os.killpg(pid, signal.SIGKILL)
        return pid

    # -- phases --

    def start(self):
        step(f"mocks, and a throwaway cluster in {self.cdir}")
        logdir = os.path.join(self.tmp, "mocks")
        os.makedirs(logdir)
        self.sid = "AC" + os.urandom(16).hex()
        self.token = "test-twilio-token-" + os.urandom(6).hex()
        self.twilio = Mock("twilio_mock", [os.path.join(MOCKS, "twilio_mock.py"), "--account-sid", self.sid,
                                           "--auth-token", self.token, "--hang-seconds", "8"], logdir)
        self.mocks.append(self.twilio)
        rdir = os.path.join(logdir, "receiver")
        self.receiver = Mock("receiver", [os.path.join(ROOT, "tools", "cluster.d", "receiver.py"),
                                          "--dir", rdir], logdir)
        self.mocks.append(self.receiver)
        self.port = free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("IBIKI_DATABASE_", "IBIKI_STACK_DIR", "IBIKI_DB_", "IBIKI_NO_NGINX",
                                    "IBIKI_NGINX_UPSTREAM_", "IBIKI_SKIP_MIGRATE", "IBIKI_DISPATCH_"))}
        env.update({
            "IBIKI_CLUSTER_DIR": self.cdir, "IBIKI_HTTPS_PORT": str(self.port),
            "IBIKI_CLUSTER_PORT": str(node_port_base()),
            "IBIKI_ADMIN_PASSWORD": "test-admin-" + os.urandom(8).hex(), "IBIKI_QUIET": "1",
            "IBIKI_TWILIO_ACCOUNT_SID": self.sid, "IBIKI_TWILIO_AUTH_TOKEN": self.token,
            "IBIKI_TWILIO_API_BASE": f"http://127.0.0.1:{self.twilio.port}", "IBIKI_TWILIO_TIMEOUT_S": "2",
            "IBIKI_PUSH_ALLOW_LOOPBACK": "true", "IBIKI_PUSH_CA_FILE": os.path.join(rdir, "ca.pem"),
            "IBIKI_PUSH_BACKOFF_BASE_S": "1", "IBIKI_PUSH_BACKOFF_MAX_S": "4", "IBIKI_PUSH_TIMEOUT_S": "3",
            "IBIKI_PUSH_CONNECT_TIMEOUT_S": "2", "IBIKI_PUSH_LEASE_S": "8", "IBIKI_PUSH_MAX_ATTEMPTS": "10",
            "IBIKI_UPSTREAM_RECONCILE_WINDOW_S": "3",
            "IBIKI_RATE_IP": "5000r/s", "IBIKI_RATE_HOOKS": "5000r/s",
            "IBIKI_DB_BUFFER_POOL": os.environ.get("IBIKI_DB_BUFFER_POOL", "128M"),
        })
        self.env = env
        self.admin_password = env["IBIKI_ADMIN_PASSWORD"]
        t = time.monotonic()
        self.cluster("up")
        log(f"tools/cluster up took {time.monotonic() - t:.1f} s")
        self.url = f"https://127.0.0.1:{self.port}"
        self.ctx = ssl.create_default_context(cafile=os.path.join(self.cdir, "host-a", "tls", "cert.pem"))

    def api(self):
        return Client("127.0.0.1", self.port, self.ctx)

    def setup(self):
        n = self.args.messages
        step(f"a push client, its webhook, route, API key and {n} registered senders")
        c = self.api()
        st, r = c.json("POST", "/api/auth/login", {"username": "admin", "password": self.admin_password})
        assert st == 200, (st, r)
        self.admin = {"Authorization": "Bearer " + r["token"]}
        st, r = c.json("POST", "/api/admin/clients", {"name": "cluster-test"}, self.admin)
        assert st in (200, 201), (st, r)
        self.client = r["id"]
        self.to = "+1202555%04d" % random.randrange(10000)
        st, r = c.json("POST", f"/api/admin/clients/{self.client}/routes",
                       {"provider": "twilio", "number": self.to}, self.admin)
        assert st == 201, (st, r)
        st, r = c.json("POST", f"/api/admin/clients/{self.client}/api-keys", None, self.admin)
        assert st in (200, 201), (st, r)
        self.key = {"Authorization": "Bearer " + r["key"]}
        rc = Client("127.0.0.1", self.receiver.port, ssl.create_default_context(
            cafile=self.env["IBIKI_PUSH_CA_FILE"]))
        st, r = rc.json("POST", "/_mock/config", {"path": HOOK_PATH, "secret": HOOK_SECRET,
                                                   "responses": [{"status": 200, "hang": 0.05}]})
        assert st == 200, (st, r)
        st, r = c.json("POST", f"/api/admin/clients/{self.client}/webhook",
                       {"url": f"https://127.0.0.1:{self.receiver.port}{HOOK_PATH}", "secret": HOOK_SECRET,
                        "events": ["sms.received"]}, self.admin)
        assert st == 200, (st, r)
        st, r = c.json("POST", f"/api/admin/clients/{self.client}/delivery-mode", {"mode": "push"}, self.admin)
        assert st == 200, (st, r)
        base = random.randrange(1000000, 8000000)
        self.senders = ["+1555%07d" % (base + i) for i in range(n)]
        self.sids = ["SMcl%s%06d" % (os.urandom(10).hex(), i) for i in range(n)]
        hdr = {**self.admin, "X-Ibiki-Client": str(self.client)}
        failed = []
        nexti = iter(range(n))
        lk = threading.Lock()

        def work():
            cl = self.api()
            while True:
                with lk:
                    i = next(nexti, None)
                if i is None:
                    return
                for _ in range(5):
                    try:
                        st, _r = cl.json("POST", "/api/users", {"phoneNumber": self.senders[i],
                                                                "name": f"Sender {i}"}, hdr)
                    except OSError:
                        st = None
                    if st in (201, 409):
                        break
                    time.sleep(0.5)
                else:
                    failed.append(i)
        t = time.monotonic()
        threads = [threading.Thread(target=work) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        if failed:
            raise SystemExit(f"{len(failed)} senders could not be registered")
        log(f"{n} users registered in {time.monotonic() - t:.1f} s")

    def event(self, text):
        with self.lock:
            self.events.append((time.monotonic() - self.t_stream, text))
        log(text)

    def chaos(self, seconds):
        """The failures, at fractions of the stream's length; each in its
        own thread so that a slow one (a node's rejoin) delays no other."""
        node1_log = os.path.join(self.cdir, "node1", "error.log")

        def kill_node():
            self.cluster("node", "1", "kill", quiet=True)
            self.event("(a) SIGKILL Galera node 1")

        def rejoin_node():
            self.node1_offset = os.path.getsize(node1_log)
            self.event("(a) node 1 restarting")
            self.cluster("node", "1", "start", quiet=True)
            with open(node1_log, errors="replace") as f:
                f.seek(self.node1_offset)
                text = f.read()
            self.node1_ist = "IST completed on joiner" in text or "IST received" in text
            self.node1_sst = "SST completed on joiner" in text
            self.event(f"(a) node 1 Synced again ({'IST' if self.node1_ist else 'SST' if self.node1_sst else '?'})")

        def kill_pool():
            pid = self.killgroup("b", "ibiki-fcgi.pid")
            self.event(f"(b) SIGKILL host B's pool (process group {pid})")

        def start_pool():
            self.cluster("host", "b", "up", quiet=True)
            self.event("(b) host B's pool started again")

        def kill_dispatcher():
            pid = self.killgroup("a", "dispatch-loop.pid")
            self.event(f"(c) SIGKILL host A's dispatcher (process group {pid})")

        def start_dispatcher():
            self.cluster("host", "a", "dispatcher", "start", quiet=True)
            self.event("(c) host A's dispatcher started again")

        plan = [(0.15, kill_node), (0.30, kill_pool), (0.40, rejoin_node), (0.50, kill_dispatcher),
                (0.65, start_pool), (0.80, start_dispatcher)]
        self.node1_ist = self.node1_sst = False
        threads = []

        def run(fn):
            try:
                fn()
            except Exception as e:  # noqa: BLE001 -- reported as a failed check
                self.event(f"FAILED: {fn.__name__}: {e}")
                self.chaos_errors.append(f"{fn.__name__}: {e}")
        self.chaos_errors = []
        for frac, fn in plan:
            delay = self.t_stream + frac * seconds - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            th = threading.Thread(target=run, args=(fn,))
            th.start()
            threads.append(th)
        for th in threads:
            th.join()

    def poller(self):
        """Follows the v2 cursor from msg_0 until told to stop."""
        c = self.api()
        cursor = "msg_0"
        while not self.poll_stop.is_set():
            try:
                st, r = c.json("GET", f"/api/v2/sms/inbox?after={cursor}&limit=1000", None, self.key)
            except OSError:
                st, r = None, None
            if st == 200:
                for m in r["messages"]:
                    self.seen.append(m["id"])
                cursor = r["next"] or cursor
                if r["count"] == 1000:
                    continue
            else:
                self.poll_errors[st] = self.poll_errors.get(st, 0) + 1
            self.poll_stop.wait(0.5)

    def stream(self):
        n, seconds = self.args.messages, self.args.seconds
        step(f"{n} signed Twilio inbounds through nginx in {seconds} s, while failures happen")
        self.status = {}  # sid -> final status
        self.tries = {}  # status -> count
        self.seen, self.poll_errors = [], {}
        self.poll_stop = threading.Event()
        poll = threading.Thread(target=self.poller)
        url = self.url + "/twilio/incoming"
        nexti = iter(range(n))
        lk = threading.Lock()
        self.t_stream = time.monotonic()
        give_up = self.t_stream + seconds + 120

        def work():
            cl = Client("127.0.0.1", self.port, self.ctx, timeout=30)
            while True:
                with lk:
                    i = next(nexti, None)
                if i is None:
                    return
                due = self.t_stream + i * seconds / n
                if due > time.monotonic():
                    time.sleep(due - time.monotonic())
                fields = {"MessageSid": self.sids[i], "AccountSid": self.sid, "From": self.senders[i],
                          "To": self.to, "Body": f"Cluster test message {i}", "NumMedia": "0"}
                body = urllib.parse.urlencode(fields)
                hdr = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": twilio_signature(self.token, url, fields)}
                st = None
                while time.monotonic() < give_up:
                    try:
                        st, _ = cl.request("POST", "/twilio/incoming", body, hdr)
                    except (OSError, http.client.HTTPException):
                        st = "error"
                    with lk:
                        self.tries[st] = self.tries.get(st, 0) + 1
                    if st == 200:
                        break
                    time.sleep(0.5)  # Twilio would retry later: soon, here
                with lk:
                    self.status[self.sids[i]] = st
        chaos = threading.Thread(target=self.chaos, args=(seconds,))
        poll.start()
        chaos.start()
        threads = [threading.Thread(target=work) for _ in range(16)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        log(f"stream done in {time.monotonic() - self.t_stream:.1f} s; answers: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(self.tries.items(), key=str)))
        chaos.join()
        self.poll = poll

    def drain(self):
        step("waiting for the outbox to drain and the poller to catch up")
        ok_sids = [s for s, st in self.status.items() if st == 200]
        deadline = time.monotonic() + 150
        while True:
            stored = int(self.sql(f"SELECT COUNT(*) FROM incoming_messages WHERE client_id = {self.client}")[0][0])
            pending = int(self.sql("SELECT COUNT(*) FROM push_outbox WHERE status = 'pending' "
                                   f"AND client_id = {self.client}")[0][0])
            if (stored >= len(ok_sids) and pending == 0) or time.monotonic() > deadline:
                break
            time.sleep(1)
        log(f"stored {stored}, outbox pending {pending}")
        deadline = time.monotonic() + 30
        while len(set(self.seen)) < stored and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # one more poll or two: a late duplicate would show
        self.poll_stop.set()
        self.poll.join()
        log(f"poller saw {len(self.seen)} messages ({len(set(self.seen))} distinct)")

    # -- checks --

    def check(self, ok, text):
        self.checks.append((bool(ok), text))
        print(f"{'ok  ' if ok else 'FAIL'} - {text}", flush=True)

    def verify(self):
        step("checks")
        n = self.args.messages
        ok_sids = {s for s, st in self.status.items() if st == 200}
        self.check(len(ok_sids) == n, f"every inbound was answered 200 at last ({len(ok_sids)} of {n}; "
                   f"the rest: {sorted({str(st) for st in self.status.values() if st != 200})})")
        rows = self.sql("SELECT provider_message_id, COUNT(*), MIN(id), MIN(from_number) FROM incoming_messages "
                        f"WHERE provider = 'twilio' AND provider_message_id LIKE 'SMcl%' GROUP BY 1")
        count = {r[0]: int(r[1]) for r in rows}
        msg_of = {r[0]: f"msg_{r[2]}" for r in rows}
        missing = [s for s in ok_sids if s not in count]
        doubled = [s for s, c in count.items() if c != 1]
        self.check(not missing and not doubled,
                   f"every webhook answered 200 is stored exactly once ({len(missing)} missing, "
                   f"{len(doubled)} stored twice)")
        routed = int(self.sql("SELECT COUNT(*) FROM incoming_messages WHERE provider_message_id LIKE 'SMcl%' "
                              f"AND client_id = {self.client} AND is_registered = 1")[0][0])
        self.check(routed == len(count), f"each is routed to the client, from a registered user ({routed})")
        per_node = {}
        for node in (1, 2, 3):
            try:
                per_node[node] = int(self.sql("SELECT COUNT(*) FROM incoming_messages "
                                              f"WHERE client_id = {self.client}", node)[0][0])
            except RuntimeError:
                per_node[node] = None
        self.check(len(set(per_node.values())) == 1, f"every node holds the same messages {per_node}")
        sizes = {node: self.wsrep(node, "wsrep_cluster_size") for node in (1, 2, 3)}
        states = {node: self.wsrep(node, "wsrep_local_state_comment") for node in (1, 2, 3)}
        self.check(set(sizes.values()) == {"3"} and set(states.values()) == {"Synced"},
                   f"all three nodes are back: wsrep_cluster_size {sizes}, {states}")
        self.check(self.node1_ist and not self.node1_sst, "the killed node rejoined by IST (not SST)")
        self.check(not self.chaos_errors, f"every failure was made as planned {self.chaos_errors or ''}")
        took, moved = {}, {"fcgi": 0, "dispatch": 0}
        for h in ("a", "b"):
            took[h] = 0
            try:
                with open(os.path.join(self.cdir, f"host-{h}", "log", "ibiki.log"), errors="replace") as f:
                    for line in f:
                        if '"path":"/twilio/incoming","status":200' in line:
                            took[h] += 1
                        elif h == "a" and '"msg":"now on node' in line:
                            for proc in moved:
                                if f'"proc":"{proc}"' in line:
                                    moved[proc] += 1
            except OSError:
                pass
        self.check(took["a"] > 0 and took["b"] > 0,
                   f"both hosts' pools took inbounds through nginx (A {took['a']}, B {took['b']})")
        self.check(moved["fcgi"] > 0 and moved["dispatch"] > 0,
                   f"host A's workers and dispatcher left the killed node ({moved['fcgi']} workers and "
                   f"{moved['dispatch']} dispatchers logged \"now on node\")")

        # Pushes.
        rc = Client("127.0.0.1", self.receiver.port, ssl.create_default_context(
            cafile=self.env["IBIKI_PUSH_CA_FILE"]), timeout=60)
        st, recs = rc.json("GET", f"/_mock/requests?path={HOOK_PATH}")
        assert st == 200
        by_msg, ids_of, msgs_of = {}, {}, {}
        bad_sig = 0
        for r in recs:
            wid = r["headers"].get("webhook-id")
            mid = ((r.get("json") or {}).get("data") or {}).get("id")
            by_msg.setdefault(mid, []).append(r)
            ids_of.setdefault(mid, set()).add(wid)
            msgs_of.setdefault(wid, set()).add(mid)
            if not (r.get("sig_standard_ok") and r.get("sig_ibiki_ok")):
                bad_sig += 1
        expected = set(msg_of.values())
        undelivered = [m for m in expected
                       if not any(r.get("answered_status") == 200 and r.get("end") for r in by_msg.get(m, []))]
        self.check(not undelivered, f"every message was pushed at least once ({len(recs)} deliveries for "
                   f"{len(expected)} messages; {len(undelivered)} never delivered)")
        unstable = [m for m in expected if len(ids_of.get(m, ())) > 1]
        shared = [w for w, ms in msgs_of.items() if len(ms) > 1]
        self.check(not unstable and not shared and None not in msgs_of,
                   f"one stable webhook-id per event ({len(unstable)} events with several, {len(shared)} ids "
                   f"shared by events)")
        self.check(bad_sig == 0, f"every delivery is signed (Standard Webhooks and X-Ibiki-Signature; "
                   f"{bad_sig} bad)")
        overlaps, repeats = 0, 0
        for m, rs in by_msg.items():
            rs = sorted(rs, key=lambda r: r["time"])
            repeats += len(rs) - 1
            for a, b in zip(rs, rs[1:]):
                if a.get("end") is None or b["time"] < a["end"]:
                    overlaps += 1
        self.check(overlaps == 0, f"no two deliveries of one event overlap in time ({repeats} redeliveries, "
                   f"{overlaps} overlapping)")
        pend = self.sql(f"SELECT kind, status, COUNT(*) FROM push_outbox WHERE client_id = {self.client} "
                        "GROUP BY kind, status")
        self.check(all(r[1] == "delivered" for r in pend), f"the outbox is settled: {pend}")

        # Acknowledgements.
        tc = Client("127.0.0.1", self.twilio.port, None, timeout=60)
        st, recs = tc.json("GET", "/_mock/requests?path=/2010-04-01/Accounts/%s/Messages.json" % self.sid)
        assert st == 200
        sent = {}
        for r in recs:
            if r["method"] == "POST" and r.get("answered_status") == 201:
                to = (r.get("form") or {}).get("To", [None])[0]
                sent[to] = sent.get(to, 0) + 1
        want = {r[3] for r in rows}
        missing = [t for t in want if sent.get(t, 0) == 0]
        twice = [t for t in want if sent.get(t, 0) > 1]
        stray = [t for t in sent if t not in want]
        self.check(not missing and not twice and not stray,
                   f"every acknowledgement SMS reached Twilio exactly once ({sum(sent.values())} sent; "
                   f"{len(missing)} missing, {len(twice)} sent twice, {len(stray)} to others)")

        # The poller.
        dup = len(self.seen) - len(set(self.seen))
        unseen = expected - set(self.seen)
        self.check(dup == 0 and not unseen,
                   f"the v2 cursor poller saw every message exactly once ({len(self.seen)} seen, {dup} twice, "
                   f"{len(unseen)} never; poll errors {self.poll_errors or 'none'})")

    def stop(self, keep):
        if not hasattr(self, "env"):
            for m in self.mocks:
                m.stop()
            print(f"kept: {self.tmp}")
            return
        step("tools/cluster down")
        t = time.monotonic()
        try:
            self.cluster("down", quiet=True, check=False)
        finally:
            for m in self.mocks:
                m.stop()
        log(f"tools/cluster down took {time.monotonic() - t:.1f} s")
        if keep:
            print(f"kept: {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=int(os.environ.get("IBIKI_CLUSTER_TEST_MESSAGES", 3000)))
    p.add_argument("--seconds", type=float, default=float(os.environ.get("IBIKI_CLUSTER_TEST_SECONDS", 60)))
    p.add_argument("--keep", action="store_true", default=bool(os.environ.get("IBIKI_TEST_KEEP")))
    args = p.parse_args()
    test = Test(args)
    failed = True
    try:
        test.start()
        test.setup()
        test.stream()
        test.drain()
        test.verify()
        failed = not test.checks or not all(ok for ok, _ in test.checks)
    finally:
        if failed:
            for h in ("a", "b"):
                for f in ("fcgi.out", "dispatch.out"):
                    path = os.path.join(test.cdir, f"host-{h}", "log", f)
                    if os.path.exists(path):
                        print(f"--- last lines of host {h.upper()}'s {f} ---")
                        with open(path, errors="replace") as fh:
                            print("".join(fh.readlines()[-8:]), end="")
        test.stop(args.keep or failed)
    passed = sum(1 for ok, _ in test.checks if ok)
    print(f"{passed} passed, {len(test.checks) - passed} failed")
    print(f"==> done in {time.monotonic() - T0:.0f} s: {'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
