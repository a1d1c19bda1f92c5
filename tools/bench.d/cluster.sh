#!/usr/bin/env bash
# tools/bench --cluster -- one node against three: ingest and dispatch on a
# single-node stack (tools/stack, its private MariaDB) and on the 3-node
# Galera cluster (tools/cluster), on this machine, in one run.
#
#   ingest    signed POST /twilio/incoming through nginx, wrk -t2 -c16 (4 s
#             of warm-up, then IBIKI_BENCH_SECONDS), the dispatchers stopped;
#             each message from another of 20,000 registered senders, and
#             again all from one (tools/bench's twilio_sign.py: one
#             conversation row that every commit updates): req/s, p50, p99
#             on each, the ratio cluster / single, and what the pools
#             answered 200 but spooled (the database refused it twice)
#   dispatch  IBIKI_BENCH_JOBS pending jobs (half ack_sms to tests/mock's
#             Twilio, half webhooks to its receiver: one inbound each, for a
#             client in push mode), queued with the dispatchers stopped, then
#             the dispatchers started and timed until none is pending, each
#             topology IBIKI_BENCH_ROUNDS times (cluster: in the order A B B A):
#               single      one dispatcher
#               2-nodes     two dispatchers on different nodes (tools/cluster's
#                           default: host A's on node 1, host B's on node 3)
#               same-node   two dispatchers on node 1 (host B's with
#                           IBIKI_DISPATCH_DATABASE_HOSTS node 1, 2, 3)
#             jobs/s; claim conflicts: ibiki_dispatch_claim_conflicts_total
#             (each host's [push] metrics_file), the 1213 lines the
#             dispatchers logged (any statement) and Galera's certification
#             failures and BF aborts, per second drained
#
# Everything runs under one temporary directory, on free ports, one
# measurement at a time; what it starts it stops (by pid file), and no
# other stack or cluster is touched.  No build: the binaries of
# IBIKI_BUILD_DIR (default build/) are used as they are.  Pushes: as in
# tools/bench, [push] max_in_flight and max_per_host 128 (one destination).
#
# Environment: IBIKI_BENCH_SECONDS (ingest, default 10), IBIKI_BENCH_JOBS
# (jobs per drain, default 6000), IBIKI_BENCH_ROUNDS (drains per topology,
# default 2), IBIKI_SERVER_WORKERS (per pool and host, default 4),
# IBIKI_DB_BUFFER_POOL (per MariaDB, default 256M), IBIKI_PUSH_MAX_IN_FLIGHT
# and IBIKI_PUSH_MAX_PER_HOST (128), IBIKI_BENCH_LOG_CONFLICTS=1 (the nodes
# log each conflict: wsrep_log_conflicts, cert.log_conflicts),
# IBIKI_BENCH_KINDS=ack_sms|webhook (drain jobs of one kind only: where the
# conflicts are; default both), IBIKI_BENCH_KEEP=1 (keep the
# directory, logs and data; the processes are stopped all the same).  Other
# IBIKI_* variables of the caller's shell are dropped: a sourced test
# stack's settings must not reach these stacks.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECS=${IBIKI_BENCH_SECONDS:-10}
JOBS=${IBIKI_BENCH_JOBS:-6000}
ROUNDS=${IBIKI_BENCH_ROUNDS:-2}
WARM=4
[[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -ge 1 ] || { echo "bench: IBIKI_BENCH_SECONDS must be a number" >&2; exit 2; }
[[ $ROUNDS =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || { echo "bench: IBIKI_BENCH_ROUNDS must be a number >= 1" >&2; exit 2; }
[[ $JOBS =~ ^[0-9]+$ ]] && [ "$JOBS" -ge 100 ] || { echo "bench: IBIKI_BENCH_JOBS must be a number >= 100" >&2; exit 2; }
# The drains' jobs: both kinds (each inbound an ack_sms and a webhook job),
# or only one (a diagnosis: where the conflicts are).
KINDS=${IBIKI_BENCH_KINDS:-both}
case $KINDS in
both) INBOUNDS=$(((JOBS + 1) / 2)) JOBS=$((INBOUNDS * 2)) ;;
ack_sms | webhook) INBOUNDS=$JOBS ;;
*) echo "bench: IBIKI_BENCH_KINDS is both, ack_sms or webhook" >&2; exit 2 ;;
esac

# Only our own settings pass: not a kept test stack's (IBIKI_STACK_DIR,
# IBIKI_DATABASE_*, IBIKI_PUSH_*, ...).
for v in $(compgen -e | grep '^IBIKI_' || true); do
	case $v in
	IBIKI_BENCH_SECONDS | IBIKI_BENCH_JOBS | IBIKI_BENCH_ROUNDS | IBIKI_BENCH_KINDS | IBIKI_BENCH_KEEP | IBIKI_BENCH_LOG_CONFLICTS | IBIKI_BUILD_DIR | IBIKI_SERVER_WORKERS | \
		IBIKI_DB_BUFFER_POOL | IBIKI_PUSH_MAX_IN_FLIGHT | IBIKI_PUSH_MAX_PER_HOST) ;;
	*) unset "$v" ;;
	esac
done
BUILD=${IBIKI_BUILD_DIR:-$ROOT/build}
export IBIKI_BUILD_DIR=$BUILD
for b in ibiki-fcgi ibiki-dispatch ibikictl; do
	[ -x "$BUILD/$b" ] || { echo "bench: $BUILD/$b is missing (build first; this bench does not)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "bench: wrk is missing (tools/stack up installs it)" >&2; exit 2; }
export IBIKI_SERVER_WORKERS=${IBIKI_SERVER_WORKERS:-4}

STARTED=$SECONDS
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# A base such that base+10..base+33 (the Galera nodes' ports) are free.
node_port_base() {
	python3 - <<-'PY'
		import random, socket
		def free(p):
		    s = socket.socket()
		    try:
		        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		        s.bind(("127.0.0.1", p))
		        return True
		    except OSError:
		        return False
		    finally:
		        s.close()
		for _ in range(200):
		    b = random.randrange(20000, 50000, 100)
		    if all(free(b + 10 * n + k) for n in (1, 2, 3) for k in range(4)):
		        print(b)
		        break
		else:
		    raise SystemExit("no free ports for the Galera nodes")
	PY
}

TMP=$(mktemp -d /tmp/ibiki-bench-cluster.XXXXXX)
chmod 755 "$TMP"
mkdir -p "$TMP/mocks"
SINGLE_DIR=$TMP/single
CDIR=$TMP/cluster
SINGLE_PORT=$(free_port)
CLUSTER_PORT=$(free_port)
while [ "$CLUSTER_PORT" = "$SINGLE_PORT" ]; do CLUSTER_PORT=$(free_port); done
NODE_BASE=$(node_port_base)

# Both stacks' settings: rate limits lifted, access log off, no build,
# pushes allowed to the loopback receiver, its CA trusted.
export IBIKI_QUIET=1 IBIKI_SKIP_BUILD=1 IBIKI_NGINX_ACCESS_LOG=off
export IBIKI_ADMIN_PASSWORD=bench-admin-$(openssl rand -hex 8)
export IBIKI_RATE_IP=1000000r/s IBIKI_RATE_KEY=1000000r/s IBIKI_RATE_HOOKS=1000000r/s
export IBIKI_TWILIO_ACCOUNT_SID=ACbench0000000000000000000000000000
export IBIKI_TWILIO_AUTH_TOKEN=bench-token-$(openssl rand -hex 8)
export IBIKI_PUSH_ALLOW_LOOPBACK=true IBIKI_PUSH_CA_FILE=$TMP/mocks/receiver/ca.pem
# As tools/bench: 128 transfers per dispatcher, all of them may go to the
# one receiver (the default 8 per host would measure the cap, not the
# dispatchers: one client, one destination here).
export IBIKI_PUSH_MAX_IN_FLIGHT=${IBIKI_PUSH_MAX_IN_FLIGHT:-128}
export IBIKI_PUSH_MAX_PER_HOST=${IBIKI_PUSH_MAX_PER_HOST:-128}

MOCK_PIDS=()
SINGLE_UP='' CLUSTER_UP=
cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	if [ -n "$SINGLE_UP" ]; then
		IBIKI_STACK_DIR=$SINGLE_DIR IBIKI_HTTPS_PORT=$SINGLE_PORT "$ROOT/tools/stack" down >/dev/null 2>&1 || true
	fi
	if [ -n "$CLUSTER_UP" ]; then
		IBIKI_CLUSTER_DIR=$CDIR IBIKI_CLUSTER_PORT=$NODE_BASE IBIKI_HTTPS_PORT=$CLUSTER_PORT \
			"$ROOT/tools/cluster" down >/dev/null 2>&1 || true
	fi
	# The mocks, by their pid files (start_mock runs in a subshell).
	for p in "$TMP"/mocks/*.pid; do [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
	if [ -n "${IBIKI_BENCH_KEEP:-}" ]; then
		echo "kept: $TMP"
	else
		rm -rf "$TMP"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_mock NAME ARGS...: tests/mock/NAME.py on a free port; prints it
# (its pid in $TMP/mocks/NAME.pid).
start_mock() {
	local name=$1 port
	shift
	python3 "$ROOT/tests/mock/$name.py" --port 0 "$@" >"$TMP/mocks/$name.out" 2>"$TMP/mocks/$name.log" </dev/null &
	echo $! >"$TMP/mocks/$name.pid"
	for _ in $(seq 100); do
		port=$(awk '/^READY/ { print $2 }' "$TMP/mocks/$name.out" 2>/dev/null)
		[ -n "$port" ] && { echo "$port"; return 0; }
		sleep 0.1
	done
	echo "bench: mock $name did not start" >&2
	cat "$TMP/mocks/$name.log" >&2
	return 1
}
TW_PORT=$(start_mock twilio_mock --account-sid "$IBIKI_TWILIO_ACCOUNT_SID" --auth-token "$IBIKI_TWILIO_AUTH_TOKEN")
RECV_PORT=$(start_mock webhook_receiver --dir "$TMP/mocks/receiver")
TW_PID=$(cat "$TMP/mocks/twilio_mock.pid") RECV_PID=$(cat "$TMP/mocks/webhook_receiver.pid")
MOCK_PIDS=("$TW_PID" "$RECV_PID")
export IBIKI_TWILIO_API_BASE=http://127.0.0.1:$TW_PORT
echo "==> mocks: Twilio on $IBIKI_TWILIO_API_BASE, webhook receiver on https://127.0.0.1:$RECV_PORT"

to_ms() { # 312.00us | 1.25ms | 2.01s -> ms
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
now() { date +%s.%N; }
# CPU: ticks of a process (all its threads), and of the whole machine.
ticks() { [ -r "/proc/$1/stat" ] && awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" || echo 0; }
# The machine: total, idle (with iowait), and interrupts (loopback
# traffic's softirqs, ours, charged to no process).
machine() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6, $7 + $8 }' /proc/stat; }
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
# Others' CPU during a measurement: the machine's busy time less ours --
# every process whose command line names $TMP, their children (nginx's
# workers), the mocks, and this script with what it waited for (wrk, the
# clients).  snap FILE at the start; others_pct FILE at the end.
ours() {
	local p
	ps -eo pid=,ppid=,args= | awk -v t="$TMP" -v extra=" ${MOCK_PIDS[*]} " '
		{ pid[NR] = $1; pp[NR] = $2; if (index($0, t) || index(extra, " " $1 " ")) mine[$1] = 1 }
		END { for (i = 1; i <= NR; i++) if (mine[pid[i]] || mine[pp[i]]) print pid[i] }' |
		while read -r p; do echo "$p $(ticks "$p")"; done
	awk '{ sub(/^.*\) /, ""); print "self", $12 + $13 + $14 + $15 }' /proc/$$/stat
}
snap() { { machine; ours; } >"$1"; }
others_pct() {
	{ machine; ours; } | awk -v n="$NCPU" '
		FNR == 1 { if (NR == FNR) { t0 = $1; i0 = $2 + $3 } else { t1 = $1; i1 = $2 + $3 }; next }
		NR == FNR { a[$1] = $2; next }
		{ s += $2 - ($1 in a ? a[$1] : 0) }
		END { busy = (t1 - t0) - (i1 - i0); o = busy - s; if (o < 0) o = 0
		      printf "%.0f", (t1 > t0) ? 100 * o / (t1 - t0) : 0 }' "$1" -
}
# quiet NAME: how busy the machine is over 2 s with nothing of ours
# working (others' processes skew every figure here: said in the table).
declare -A BG
quiet() {
	local c0 i0 c1 i1
	read -r c0 i0 _ < <(machine)
	sleep 2
	read -r c1 i1 _ < <(machine)
	BG[$1]=$(awk -v c=$((c1 - c0)) -v i=$((i1 - i0)) 'BEGIN { printf "%.0f", c ? 100 * (c - i) / c : 0 }')
	[ "${BG[$1]}" -le 10 ] || echo "    note: the machine is ${BG[$1]}% busy with nothing of ours running: the figures are skewed"
}

# The environment under test: set by use_single / use_cluster.
#   URL, SQLSOCK (a node to read from), CTL, HOSTS_DIRS (each host's
#   stack directory), DB_PIDS (the MariaDB processes).
use_single() {
	URL=https://127.0.0.1:$SINGLE_PORT
	SQLSOCK=$SINGLE_DIR/run/mysqld.sock
	CTL=("$BUILD/ibikictl" -c "$SINGLE_DIR/ibiki.conf")
	HOST_DIRS=("$SINGLE_DIR")
	DB_PIDS=("$(cat "$SINGLE_DIR/run/mysqld.pid")")
	WSREP_SOCKS=()
}
node_sock() { echo "$CDIR/node$1/mysqld.sock"; }
hosts_list() { # the [database] hosts value for nodes N... in that order (as tools/cluster)
	local n out=""
	for n in "$@"; do out="$out${out:+, }unix:$(node_sock "$n")"; done
	echo "$out"
}
use_cluster() {
	URL=https://127.0.0.1:$CLUSTER_PORT
	SQLSOCK=$(node_sock 1)
	CTL=("$BUILD/ibikictl" -c "$CDIR/host-a/ibiki.conf")
	HOST_DIRS=("$CDIR/host-a" "$CDIR/host-b")
	DB_PIDS=("$(cat "$CDIR/run/node1.pid")" "$(cat "$CDIR/run/node2.pid")" "$(cat "$CDIR/run/node3.pid")")
	WSREP_SOCKS=("$(node_sock 1)" "$(node_sock 2)" "$(node_sock 3)")
	SQLPRE="SET SESSION wsrep_sync_wait = 1; "
}
single() { IBIKI_STACK_DIR=$SINGLE_DIR IBIKI_HTTPS_PORT=$SINGLE_PORT "$ROOT/tools/stack" "$@"; }
cluster() {
	IBIKI_CLUSTER_DIR=$CDIR IBIKI_CLUSTER_PORT=$NODE_BASE IBIKI_HTTPS_PORT=$CLUSTER_PORT \
		IBIKI_DB_BUFFER_POOL=${IBIKI_DB_BUFFER_POOL:-256M} "$ROOT/tools/cluster" "$@"
}
# Host B's dispatcher on node 1 first (node 1, 2, 3), as host A's: the
# rest of host B's settings as tools/cluster gives them.
host_b_dispatcher_on_node1() {
	env IBIKI_STACK_DIR="$CDIR/host-b" IBIKI_HTTPS_PORT="$CLUSTER_PORT" IBIKI_DB_EXTERNAL=1 \
		IBIKI_DATABASE_HOSTS="$(hosts_list 2 3 1)" IBIKI_DISPATCH_DATABASE_HOSTS="$(hosts_list 1 2 3)" \
		IBIKI_NO_NGINX=1 IBIKI_SKIP_MIGRATE=1 "$ROOT/tools/stack" dispatcher start
}

# On the cluster a read waits for what other nodes committed (wsrep_sync_wait).
SQLPRE=
sql() { mariadb --no-defaults --connect-timeout=5 --socket="$SQLSOCK" -u "$(id -un)" -N -B ibiki -e "$SQLPRE$1"; }
api() {
	local st
	st=$(curl -sk -o "$TMP/api.out" -w '%{http_code}' "$URL$1" -H "Authorization: Bearer $TOKEN" \
		-H "X-Ibiki-Client: $CLIENT" -H 'Content-Type: application/json' -d "$2")
	case $st in 2??) ;; *) echo "bench: POST $1: HTTP $st $(cat "$TMP/api.out")" >&2; return 1 ;; esac
}

# The push client: a Twilio route, registered senders (so that each
# inbound message is acknowledged: an ack_sms job), a webhook to the mock
# receiver for sms.received only, push mode (a webhook job).  Senders:
# tools/bench's one (BENCH_FROM) and SENDERS more (+1444 0000001...).
BENCH_TO=+15550000001 BENCH_FROM=+15550000002 SENDERS=20000
setup_client() {
	TOKEN=$("${CTL[@]}" token admin)
	CLIENT=$("${CTL[@]}" client add "Bench Co")
	"${CTL[@]}" route add "$CLIENT" twilio "$BENCH_TO" >/dev/null
	api /api/users "{\"phoneNumber\":\"$BENCH_FROM\",\"name\":\"Bench Sender\"}"
	sql "INSERT INTO users (client_id, phone, name)
		SELECT $CLIENT, CONCAT('+1444', LPAD(seq, 7, '0')), CONCAT('Bench Sender ', seq)
		FROM seq_1_to_$SENDERS"
	api "/api/admin/clients/$CLIENT/webhook" \
		"{\"url\":\"https://127.0.0.1:$RECV_PORT/hooks/bench\",\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\",\"events\":[\"sms.received\"]}"
	api "/api/admin/clients/$CLIENT/delivery-mode" '{"mode":"push"}'
}

# sign_many URL COUNT PREFIX: as tools/bench.d/twilio_sign.py (two files,
# one per wrk thread, for twilio_ingest.lua), each message from the next of
# the SENDERS registered senders: no two requests in flight update one
# conversation.
sign_many() {
	python3 - "$1" "$IBIKI_TWILIO_AUTH_TOKEN" "$IBIKI_TWILIO_ACCOUNT_SID" "$BENCH_TO" "$2" "$3" "$SENDERS" <<-'PY'
		import base64, hashlib, hmac, sys, urllib.parse
		url, token, account, to, count, prefix, senders = sys.argv[1:8]
		count, senders, key = int(count), int(senders), token.encode()
		for t in range(2):
		    with open(f"{prefix}-{t + 1}.txt", "w") as out:
		        for i in range(count):
		            fields = {"MessageSid": f"SMmany{t:02d}{i:026d}", "AccountSid": account,
		                      "From": "+1444%07d" % ((2 * i + t) % senders + 1), "To": to,
		                      "Body": f"Bench message {t}-{i}", "NumMedia": "0"}
		            signed = url + "".join(k + fields[k] for k in sorted(fields))
		            sig = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha1).digest())
		            out.write(sig.decode() + "\t" + urllib.parse.urlencode(fields) + "\n")
	PY
}

# The spool: what the pools answered 200 but could not store (their
# database refused the message twice: a 1213 on Galera) waits there for a
# dispatcher's import.  Counted after each ingest, then emptied, so that
# no drain imports another measurement's messages.
spooled() { local d n=0; for d in "${HOST_DIRS[@]}"; do n=$((n + $(find "$d/spool" -name '*.json' | wc -l))); done; echo $n; }
unspool() { local d; for d in "${HOST_DIRS[@]}"; do find "$d/spool" -name '*.json' -delete; done; }
log_sizes() { # each host's ibiki.log size, the offsets to count 1213 lines from
	local d out=()
	for d in "${HOST_DIRS[@]}"; do out+=("$(stat -c %s "$d/log/ibiki.log" 2>/dev/null || echo 0)"); done
	echo "${out[*]}"
}
log_1213() { # PROC OFFSETS: PROC's 1213 lines since, "total statement:count ..."
	local i=0 d off
	for d in "${HOST_DIRS[@]}"; do
		off=$(awk -v i=$((i + 1)) '{ print $i }' <<<"$2")
		tail -c +"$((off + 1))" "$d/log/ibiki.log" 2>/dev/null | grep "\"proc\":\"$1\"" |
			grep -o '"msg":"[A-Za-z_ ]*: 1213 ' || true
		i=$((i + 1))
	done | sed 's/"msg":"\([A-Za-z_ ]*\): 1213 /\1/; s/ /_/g' | sort | uniq -c |
		awk '{ t += $1; s = s sprintf(" %s:%d", $2, $1) } END { printf "%d%s\n", t, s }'
}

# --- ingest ------------------------------------------------------------------

declare -A RPS P50 P99 ERR STORED SPOOLED CONFL OTHERS
I_ORDER=()
# ingest ENV one|many: wrk's warm-up, then the measurement, the dispatchers
# stopped; each message one commit of the message and its two jobs.  one:
# every message from one sender (tools/bench's twilio_sign.py); many: from
# SENDERS senders in turn.
ingest() {
	local name=$1/$2 per=$(((SECS + WARM) * 5000)) out before non2xx sock l0 sig=$TMP/signed-$1-$2
	if [ "$2" = one ]; then
		echo "==> $1: signing $((per * 2)) Twilio webhooks from one sender"
		python3 "$ROOT/tools/bench.d/twilio_sign.py" "$URL/twilio/incoming" "$IBIKI_TWILIO_AUTH_TOKEN" \
			"$IBIKI_TWILIO_ACCOUNT_SID" "$BENCH_TO" "$BENCH_FROM" "$per" 2 "$sig"
	else
		echo "==> $1: signing $((per * 2)) Twilio webhooks from $SENDERS senders"
		sign_many "$URL/twilio/incoming" "$per" "$sig"
	fi
	export IBIKI_BENCH_SIGNED=$sig
	quiet "ingest $name"
	echo "==> $1: ingest ($2 sender$([ "$2" = one ] || echo s)), ${WARM} s warm-up, then ${SECS} s at 16 connections (wrk -t2)"
	wrk -t2 -c16 -d${WARM}s --timeout 5s -s "$ROOT/tools/bench.d/twilio_ingest.lua" "$URL/twilio/incoming" \
		>/dev/null 2>&1 || true
	unspool
	before=$(sql "SELECT COUNT(*) FROM incoming_messages")
	l0=$(log_sizes)
	snap "$TMP/snap"
	out=$(wrk -t2 -c16 -d"${SECS}s" --latency --timeout 5s -s "$ROOT/tools/bench.d/twilio_ingest.lua" \
		"$URL/twilio/incoming" 2>&1) || true
	OTHERS[$name]=$(others_pct "$TMP/snap")
	echo "$out" >"$TMP/wrk-$1-$2.txt"
	RPS[$name]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")
	P50[$name]=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
	P99[$name]=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
	non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
	sock=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
	ERR[$name]=$((${non2xx:-0} + ${sock:-0}))
	sleep 1
	STORED[$name]=$(($(sql "SELECT COUNT(*) FROM incoming_messages") - before))
	SPOOLED[$name]=$(spooled)
	CONFL[$name]=$(log_1213 fcgi "$l0")
	unspool
	I_ORDER+=("$name")
	printf '    %-13s %6s req/s  p50 %7s ms  p99 %7s ms  errors %s; %s stored, %s spooled; 1213s in the pools: %s; others'"'"' CPU %s%%\n' \
		"$name" "${RPS[$name]:-0}" "${P50[$name]}" "${P99[$name]}" "${ERR[$name]}" "${STORED[$name]}" \
		"${SPOOLED[$name]}" "${CONFL[$name]}" "${OTHERS[$name]}"
}

# --- dispatch ----------------------------------------------------------------

# clear_pending: the ingest run's jobs go (in slices, each one Galera
# writeset of bounded size): each drain starts from exactly its own.
clear_pending() {
	local n
	while :; do
		n=$(sql "DELETE FROM push_outbox WHERE status = 'pending' LIMIT 10000; SELECT ROW_COUNT()")
		[ "${n:-0}" -gt 0 ] || break
	done
}

# seed NAME: INBOUNDS signed inbounds through nginx (8 connections), each
# answered 200 and from another of the registered senders (+1444...), or
# of unregistered ones (+1445...: no acknowledgement) for KINDS=webhook;
# for KINDS=ack_sms the client polls (no webhook job).
seed() {
	local from=+1444
	[ "$KINDS" = webhook ] && from=+1445
	[ "$KINDS" = ack_sms ] && api "/api/admin/clients/$CLIENT/delivery-mode" '{"mode":"poll"}'
	python3 - "$URL" "$IBIKI_TWILIO_AUTH_TOKEN" "$IBIKI_TWILIO_ACCOUNT_SID" "$BENCH_TO" "$SENDERS" \
		"$INBOUNDS" "SMseed${1//[-#]/}" "$from" <<-'PY'
		import base64, hashlib, hmac, http.client, ssl, sys, threading, urllib.parse
		url, token, account, to, senders, n, prefix, sender_prefix = sys.argv[1:9]
		n, senders = int(n), int(senders)
		host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
		ctx = ssl._create_unverified_context()
		lock, nexti, bad = threading.Lock(), iter(range(n)), []
		def work():
		    conn = None
		    while True:
		        with lock:
		            i = next(nexti, None)
		        if i is None:
		            return
		        fields = {"MessageSid": f"{prefix}{i:020d}", "AccountSid": account, "To": to,
		                  "From": sender_prefix + "%07d" % (i % senders + 1),
		                  "Body": f"Dispatch bench message {i}", "NumMedia": "0"}
		        signed = url + "/twilio/incoming" + "".join(k + fields[k] for k in sorted(fields))
		        sig = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
		        body = urllib.parse.urlencode(fields)
		        for _ in range(5):
		            try:
		                if conn is None:
		                    conn = http.client.HTTPSConnection(host, port, timeout=30, context=ctx)
		                conn.request("POST", "/twilio/incoming", body, {
		                    "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": sig})
		                r = conn.getresponse()
		                r.read()
		                if r.status == 200:
		                    break
		            except (OSError, http.client.HTTPException):
		                if conn is not None:
		                    conn.close()
		                conn = None
		        else:
		            bad.append(i)
		threads = [threading.Thread(target=work) for _ in range(8)]
		for t in threads:
		    t.start()
		for t in threads:
		    t.join()
		if bad:
		    sys.exit(f"{len(bad)} of {n} inbounds were not answered 200")
	PY
}

metric_sum() { # the sum of ibiki_dispatch_claim_conflicts_total over the hosts' metrics files
	local d s=0 v
	for d in "${HOST_DIRS[@]}"; do
		v=$(awk '$1 == "ibiki_dispatch_claim_conflicts_total" { print $2 }' "$d/run/dispatch.prom" 2>/dev/null)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
wsrep_conflicts() { # Galera's own count: certification failures and BF aborts, all nodes
	local s=0 sock v
	for sock in "${WSREP_SOCKS[@]}"; do
		v=$(mariadb --no-defaults --socket="$sock" -u "$(id -un)" -N -B -e \
			"SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS
			 WHERE VARIABLE_NAME IN ('WSREP_LOCAL_CERT_FAILURES', 'WSREP_LOCAL_BF_ABORTS')" 2>/dev/null)
		s=$((s + ${v:-0}))
	done
	echo "$s"
}
db_ticks() { local p s=0; for p in "${DB_PIDS[@]}"; do s=$((s + $(ticks "$p"))); done; echo "$s"; }
conns_on() { # ibiki's connections on each node (which node a dispatcher is on)
	local sock out=""
	for sock in "${WSREP_SOCKS[@]}"; do
		out="$out $(mariadb --no-defaults --socket="$sock" -u "$(id -un)" -N -B -e \
			"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'ibiki'" 2>/dev/null)"
	done
	echo "${out# }"
}

# What the mocks received (reset before each drain): SMS answered 201 by
# the mock Twilio, deliveries answered 200 by the receiver, and how many
# distinct messages (To numbers, webhook-ids) they were for.
mock_reset() {
	curl -s -X POST "http://127.0.0.1:$TW_PORT/_mock/reset" -o /dev/null
	curl -sk -X POST "https://127.0.0.1:$RECV_PORT/_mock/reset" -o /dev/null
}
mock_counts() {
	python3 - "$TW_PORT" "$RECV_PORT" <<-'PY'
		import http.client, json, ssl, sys
		tw = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=60)
		tw.request("GET", "/_mock/requests")
		sms = [r for r in json.loads(tw.getresponse().read())
		       if r.get("method") == "POST" and r.get("answered_status") == 201]
		to = {((r.get("form") or {}).get("To") or [None])[0] for r in sms}
		rv = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[2]), timeout=60,
		                                 context=ssl._create_unverified_context())
		rv.request("GET", "/_mock/requests?path=/hooks/bench")
		hooks = [r for r in json.loads(rv.getresponse().read()) if r.get("answered_status") == 200]
		ids = {r["headers"].get("webhook-id") for r in hooks}
		print(f"{len(sms)} SMS for {len(to)} numbers, {len(hooks)} webhooks for {len(ids)} events")
	PY
}

declare -A D_OTHERS D_JOBS D_RATE D_MOCKS D_SECS D_DONE D_CONF D_LOG D_LOGBY D_WSREP D_CPU D_NOTE
D_ORDER=()
# drain NAME#ROUND START STOP: JOBS jobs seeded with the dispatchers stopped, then
# START (a function) starts the dispatchers, timed until none is pending;
# STOP stops them (their last metrics are written as they exit).
drain() {
	local name=$1 start=$2 stop=$3 first last t0 t1 tend m0 m1 l0 w0 w1 c0 c1 i0 i1 db0 db1 tw0 tw1 \
		rv0 rv1 pend n limit conns0="" conns1="" dt disp=0 p d sp range
	echo "==> $name: $JOBS jobs ($INBOUNDS inbounds, each from another sender; $KINDS), the dispatchers stopped"
	clear_pending
	first=$(sql "SELECT COALESCE(MAX(id), 0) FROM push_outbox")
	seed "$name"
	# Let the seed's commits reach every node and the disk settle a moment
	# (and see how busy the machine is without us).
	quiet "drain $name"
	sp=$(spooled)
	unspool
	last=$(sql "SELECT COALESCE(MAX(id), 0) FROM push_outbox")
	range="id > $first AND id <= $last"
	n=$(sql "SELECT COUNT(*) FROM push_outbox WHERE status = 'pending' AND $range")
	D_JOBS[$name]=$n
	[ "$n" = "$JOBS" ] || echo "    note: $n jobs pending, not $JOBS ($sp inbounds spooled by the pools, not stored)"
	[ ${#WSREP_SOCKS[@]} -eq 0 ] || conns0=$(conns_on)
	m0=$(metric_sum) l0=$(log_sizes) w0=$(wsrep_conflicts)
	db0=$(db_ticks) tw0=$(ticks "$TW_PID") rv0=$(ticks "$RECV_PID")
	mock_reset
	snap "$TMP/snap"
	read -r c0 i0 _ < <(machine)
	t0=$(now)
	"$start" >/dev/null
	limit=$((60 + JOBS / 20))
	while :; do
		pend=$(sql "SELECT COUNT(*) FROM push_outbox WHERE status = 'pending' AND $range" 2>/dev/null || echo "?")
		[ "$pend" = 0 ] && break
		if [ -z "$conns1" ] && [ ${#WSREP_SOCKS[@]} -gt 0 ] &&
			[ "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print (b - a > 1) }')" = 1 ]; then
			conns1=$(conns_on)
		fi
		if [ "$(awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { print (b - a > l) }')" = 1 ]; then
			D_NOTE[$name]="gave up after $limit s with $pend pending"
			break
		fi
		sleep 0.2
	done
	t1=$(now)
	read -r c1 i1 _ < <(machine)
	db1=$(db_ticks) tw1=$(ticks "$TW_PID") rv1=$(ticks "$RECV_PID")
	for d in "${HOST_DIRS[@]}"; do
		for p in $(ps -o pid= --ppid "$(cat "$d/run/dispatch-loop.pid" 2>/dev/null || echo 1)" 2>/dev/null); do
			grep -q ibiki-dispatch "/proc/$p/cmdline" 2>/dev/null && disp=$((disp + $(ticks "$p")))
		done
	done
	D_OTHERS[$name]=$(others_pct "$TMP/snap")
	"$stop" >/dev/null
	m1=$(metric_sum) w1=$(wsrep_conflicts)
	# The end: the last job's finish as the database recorded it (the poll
	# above only notices it up to 0.2 s late).
	tend=$(sql "SELECT UNIX_TIMESTAMP(MAX(finished_at)) FROM push_outbox WHERE $range")
	dt=$(awk -v a="$t0" -v b="${tend:-$t1}" -v c="$t1" 'BEGIN { d = b - a; if (d <= 0 || b > c + 1) d = c - a; printf "%.2f", d }')
	D_DONE[$name]=$(sql "SELECT COUNT(*) FROM push_outbox WHERE $range AND status = 'delivered'")
	D_MOCKS[$name]=$(mock_counts 2>&1 | tail -1)
	D_SECS[$name]=$dt
	D_RATE[$name]=$(awk -v n="${D_DONE[$name]}" -v d="$dt" 'BEGIN { printf "%.0f", n / d }')
	D_CONF[$name]=$((m1 - m0))
	D_LOGBY[$name]=$(log_1213 dispatch "$l0")
	D_LOG[$name]=${D_LOGBY[$name]%% *}
	D_WSREP[$name]=$((w1 - w0))
	D_CPU[$name]=$(awk -v c=$((c1 - c0)) -v i=$((i1 - i0)) -v db=$((db1 - db0)) -v tw=$((tw1 - tw0)) \
		-v rv=$((rv1 - rv0)) -v dp="$disp" -v hz="$HZ" -v n="$NCPU" -v s="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
		-v o="${D_OTHERS[$name]}" \
		'BEGIN { printf "machine %.0f%% of %d cores (others %s%%); CPU s: MariaDB %.1f, dispatchers %.1f, Twilio mock %.1f, receiver mock %.1f (over %.1f s)",
			c ? 100 * (c - i) / c : 0, n, o, db / hz, dp / hz, tw / hz, rv / hz, s }')
	D_ORDER+=("$name")
	printf '    %-10s %6s jobs/s  (%s of %s delivered in %s s)  conflicts: metric %s, 1213 log lines %s, Galera %s\n' \
		"$name" "${D_RATE[$name]}" "${D_DONE[$name]}" "$n" "$dt" "${D_CONF[$name]}" "${D_LOGBY[$name]}" \
		"${D_WSREP[$name]}"
	echo "               ${D_CPU[$name]}"
	[ -n "${conns0:-}" ] && echo "               ibiki connections on nodes 1 2 3: $conns0 stopped, ${conns1:-?} draining"
	[ -n "${D_NOTE[$name]:-}" ] && echo "               ${D_NOTE[$name]}"
	sql "SELECT kind, status, COUNT(*) FROM push_outbox WHERE $range GROUP BY kind, status" |
		awk '{ s = s sprintf("%s %s %s; ", $1, $2, $3) } END { print "               jobs: " s }'
	echo "               the mocks received: ${D_MOCKS[$name]}"
	return 0
}

single_start() { single dispatcher start; }
single_stop() { single dispatcher stop; }
two_nodes_start() { cluster host a dispatcher start && cluster host b dispatcher start; }
same_node_start() { cluster host a dispatcher start && host_b_dispatcher_on_node1; }
cluster_stop() { cluster host a dispatcher stop && cluster host b dispatcher stop; }

# --- the run -------------------------------------------------------------------

echo "==> single node: tools/stack up in $SINGLE_DIR on port $SINGLE_PORT"
SINGLE_UP=1
t=$SECONDS
single up >/dev/null
single dispatcher stop >/dev/null
echo "    up in $((SECONDS - t)) s"
use_single
setup_client
ingest single many
ingest single one
for r in $(seq "$ROUNDS"); do drain "single#$r" single_start single_stop; done
single down >/dev/null
SINGLE_UP=

echo "==> cluster: tools/cluster up in $CDIR on port $CLUSTER_PORT (nodes at $NODE_BASE+10N)"
CLUSTER_UP=1
t=$SECONDS
cluster up >"$TMP/cluster-up.log" 2>&1 || { tail -20 "$TMP/cluster-up.log" >&2; exit 1; }
cluster host a dispatcher stop >/dev/null
cluster host b dispatcher stop >/dev/null
echo "    up in $((SECONDS - t)) s"
use_cluster
if [ -n "${IBIKI_BENCH_LOG_CONFLICTS:-}" ]; then
	for sock in "${WSREP_SOCKS[@]}"; do
		mariadb --no-defaults --socket="$sock" -u "$(id -un)" -e "SET GLOBAL wsrep_log_conflicts = ON;
			SET GLOBAL wsrep_provider_options = 'cert.log_conflicts=yes'"
	done
fi
setup_client
ingest cluster many
ingest cluster one
# Rounds in the order A B B A ...: neither topology always drains the
# larger database or the warmer caches.
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		drain "2-nodes#$r" two_nodes_start cluster_stop
		drain "same-node#$r" same_node_start cluster_stop
	else
		drain "same-node#$r" same_node_start cluster_stop
		drain "2-nodes#$r" two_nodes_start cluster_stop
	fi
done
t=$SECONDS
cluster down >/dev/null
CLUSTER_UP=
echo "    down in $((SECONDS - t)) s"

# --- the table -----------------------------------------------------------------

ratio() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
per_s() { awk -v n="${1:-0}" -v d="${2:-0}" 'BEGIN { if (d > 0) printf "%.1f", n / d; else printf "-" }'; }
echo
printf '%-30s %7s %7s %7s %6s %7s %7s %6s %7s\n' "ingest (c=16, ${SECS} s)" req/s p50_ms p99_ms errors stored spooled 1213s others%
for v in many one; do
	for e in single cluster; do
		n=$e/$v
		printf '%-30s %7s %7s %7s %6s %7s %7s %6s %7s\n' \
			"$e, $([ $v = one ] && echo "one sender" || echo "$SENDERS senders")" "${RPS[$n]:-0}" \
			"${P50[$n]:-}" "${P99[$n]:-}" "${ERR[$n]:-}" "${STORED[$n]:-}" "${SPOOLED[$n]:-}" "${CONFL[$n]%% *}" \
			"${OTHERS[$n]:-}"
	done
	printf '%-30s %7s\n' "  cluster / single" "$(ratio "${RPS[cluster/$v]:-0}" "${RPS[single/$v]:-0}")"
done
echo
# Each topology over its rounds: jobs delivered / seconds drained, the
# rounds' range, conflicts per second drained.
declare -A A_JOBS A_DONE A_SECS A_CONF A_LOG A_WSREP A_MIN A_MAX A_N A_OTH
for k in "${D_ORDER[@]}"; do
	n=${k%#*}
	A_N[$n]=$((${A_N[$n]:-0} + 1))
	A_JOBS[$n]=$((${A_JOBS[$n]:-0} + D_JOBS[$k]))
	A_DONE[$n]=$((${A_DONE[$n]:-0} + D_DONE[$k]))
	A_SECS[$n]=$(awk -v a="${A_SECS[$n]:-0}" -v b="${D_SECS[$k]}" 'BEGIN { print a + b }')
	A_CONF[$n]=$((${A_CONF[$n]:-0} + D_CONF[$k]))
	A_LOG[$n]=$((${A_LOG[$n]:-0} + D_LOG[$k]))
	A_WSREP[$n]=$((${A_WSREP[$n]:-0} + D_WSREP[$k]))
	[ "${A_OTH[$n]:-0}" -ge "${D_OTHERS[$k]:-0}" ] || A_OTH[$n]=${D_OTHERS[$k]}
	[ -n "${A_MIN[$n]:-}" ] && [ "${A_MIN[$n]}" -le "${D_RATE[$k]}" ] || A_MIN[$n]=${D_RATE[$k]}
	[ -n "${A_MAX[$n]:-}" ] && [ "${A_MAX[$n]}" -ge "${D_RATE[$k]}" ] || A_MAX[$n]=${D_RATE[$k]}
done
rate() { awk -v n="${A_DONE[$1]:-0}" -v d="${A_SECS[$1]:-0}" 'BEGIN { if (d > 0) printf "%.0f", n / d; else printf "0" }'; }
printf '%-30s %6s %7s %9s %7s %9s %11s %8s %7s %9s %7s %7s\n' "dispatch ($ROUNDS round(s) each)" jobs jobs/s range drain_s \
	conflicts conflicts/s 1213s 1213/s "vs single" galera others%
for n in single 2-nodes same-node; do
	[ -n "${A_N[$n]:-}" ] || continue
	case $n in
	single) d="single node, 1 dispatcher" ;;
	2-nodes) d="cluster, 2 on nodes 1 and 3" ;;
	same-node) d="cluster, 2 on node 1" ;;
	esac
	printf '%-30s %6s %7s %9s %7s %9s %11s %8s %7s %9s %7s %7s\n' "$d" "${A_JOBS[$n]}" "$(rate "$n")" \
		"${A_MIN[$n]}-${A_MAX[$n]}" "$(awk -v s="${A_SECS[$n]}" 'BEGIN { printf "%.1f", s }')" "${A_CONF[$n]}" "$(per_s "${A_CONF[$n]}" "${A_SECS[$n]}")" \
		"${A_LOG[$n]}" "$(per_s "${A_LOG[$n]}" "${A_SECS[$n]}")" "$(ratio "$(rate "$n")" "$(rate single)")" \
		"${A_WSREP[$n]}" "${A_OTH[$n]:-0}"
done
echo
echo "ingest: signed POST /twilio/incoming through nginx, the dispatchers stopped; stored: new rows;"
echo "  spooled: answered 200 but left in the spool (the database refused them twice); 1213s: the"
echo "  pools' log lines of 1213 (on Galera: certification failures)."
echo "dispatch: $([ "$KINDS" = both ] && echo "half ack_sms (mock Twilio), half webhooks (mock receiver)" || echo "$KINDS jobs only"); conflicts:"
echo "  ibiki_dispatch_claim_conflicts_total, from the dispatchers' metrics files (claims rerun after a"
echo "  1213); 1213s: the dispatchers' log lines of 1213, any statement:"
for n in "${D_ORDER[@]}"; do echo "    $n: ${D_LOGBY[$n]}"; done
echo "  galera: wsrep_local_cert_failures + wsrep_local_bf_aborts over the nodes."
echo "what the mocks received (an SMS or a webhook more than once: a resend):"
for n in "${D_ORDER[@]}"; do echo "    $n: ${D_MOCKS[$n]} (${D_JOBS[$n]} jobs)"; done
echo "others%: the machine's CPU taken by processes not ours during the measurement (the worst round);"
echo "  above ~10% the figure is skewed low: run again on a quiet machine."
echo "background load (machine CPU busy over 2 s before each measurement, nothing of ours running):"
echo "   $(for k in "${!BG[@]}"; do printf ' %s %s%%;' "$k" "${BG[$k]}"; done)"
echo "tools/bench --cluster took $((SECONDS - STARTED)) s"
