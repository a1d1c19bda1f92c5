#!/usr/bin/env bash
# tools/bench --scale N -- the cost of Ibiki's reads at N messages.
#
# Starts a throwaway stack (its own directory and port, rate limits
# lifted, access log off), seeds one client with N inbound and N outbound
# messages (and N delivered webhook jobs) in SQL -- INSERT ... SELECT from
# MariaDB's sequence engine, spread over 20,000 phone numbers with a few
# heavy ones (the heaviest has about 0.7 % of the messages), spanning N
# seconds -- then measures, one request at a time over TLS through nginx
# (wrk -c1, keep-alive), p50 and p99 of every list endpoint the dashboard
# and client systems use, /metrics and the admin client view; and signed
# Twilio ingest at 16 connections.
#
# Environment: IBIKI_BENCH_SECONDS (per endpoint, default 5),
# IBIKI_SERVER_WORKERS (default 4), IBIKI_DB_BUFFER_POOL (the stack's
# default), IBIKI_SCALE_DIR (keep the stack and its data there: a second
# run with the same directory and N starts it again with the current
# build, applies any new migration and measures without seeding).
set -euo pipefail

N=${1:?usage: tools/bench --scale N}
[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 100 ] || { echo "bench: N must be a number >= 100" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${IBIKI_BUILD_DIR:-$ROOT/build}
SECS=${IBIKI_BENCH_SECONDS:-5}
export IBIKI_SERVER_WORKERS=${IBIKI_SERVER_WORKERS:-4}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
KEEP=${IBIKI_SCALE_DIR:-}
if [ -n "$KEEP" ]; then
	mkdir -p "$KEEP"
	TMP=$(cd "$KEEP" && pwd)
else
	TMP=$(mktemp -d /tmp/ibiki-scale.XXXXXX)
fi
chmod 755 "$TMP"
# The stack's settings, written once: a kept stack restarts with the same.
if [ ! -f "$TMP/env" ]; then
	cat >"$TMP/env" <<-ENV
		export IBIKI_STACK_DIR=$TMP/stack IBIKI_HTTPS_PORT=$(free_port)
		export IBIKI_ADMIN_PASSWORD=bench-admin-$(openssl rand -hex 8) IBIKI_QUIET=1
		export IBIKI_RATE_IP=1000000r/s IBIKI_RATE_KEY=1000000r/s IBIKI_RATE_HOOKS=1000000r/s
		export IBIKI_NGINX_ACCESS_LOG=off
		export IBIKI_TWILIO_ACCOUNT_SID=ACbench0000000000000000000000000000
		export IBIKI_TWILIO_AUTH_TOKEN=bench-token-$(openssl rand -hex 8)
	ENV
fi
# shellcheck disable=SC1091
. "$TMP/env"
URL=https://127.0.0.1:$IBIKI_HTTPS_PORT
RUN=$IBIKI_STACK_DIR/run
cleanup() {
	"$ROOT/tools/stack" down >/dev/null 2>&1 || true
	[ -n "$KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT

echo "==> starting a throwaway stack on $URL"
"$ROOT/tools/stack" up >/dev/null
"$ROOT/tools/stack" dispatcher stop >/dev/null
CTL=("$BUILD/ibikictl" -c "$IBIKI_STACK_DIR/ibiki.conf")
sql() { mariadb --no-defaults --socket="$RUN/mysqld.sock" -u "$(id -un)" -N -B ibiki -e "$1"; }
ADMIN=$("${CTL[@]}" token admin)
TO=+15550000001 FROM=+15550000002
SEEDED=$(cat "$TMP/seeded" 2>/dev/null || true)
if [ -n "$SEEDED" ] && [ "$SEEDED" != "$N" ]; then
	echo "bench: $TMP holds $SEEDED messages, not $N" >&2
	exit 2
fi
if [ -z "$SEEDED" ]; then
	CLIENT=$("${CTL[@]}" client add "Scale Co")
	"${CTL[@]}" route add "$CLIENT" twilio "$TO" >/dev/null
	echo "scale-operator-$(openssl rand -hex 8)" | "${CTL[@]}" operator add scale-op "$CLIENT" >/dev/null
else
	CLIENT=$(sql "SELECT id FROM client_profiles WHERE name = 'Scale Co' ORDER BY id LIMIT 1")
fi
OP=$("${CTL[@]}" token scale-op)
KEY=$("${CTL[@]}" key issue "$CLIENT" 2>/dev/null)
ROUTE=$(sql "SELECT id FROM client_routes WHERE client_id = $CLIENT")

if [ -z "$SEEDED" ]; then
	echo "==> seeding $N inbound, $N outbound messages and $N webhook jobs"
	t0=$SECONDS
	# The summary is rebuilt once after the seed, not row by row by its
	# triggers.
	sql "DROP TRIGGER IF EXISTS tr_incoming_conversation; DROP TRIGGER IF EXISTS tr_outgoing_conversation"
	PHONE="CONCAT('+1444', LPAD(FLOOR(POW(RAND(seq), 2) * 20000), 7, '0'))"
	# In chunks of 500,000: no transaction holds millions of rows.
	CHUNK=500000
	for ((lo = 1; lo <= N; lo += CHUNK)); do
		hi=$((lo + CHUNK - 1 < N ? lo + CHUNK - 1 : N))
		last=$(sql "SELECT COALESCE(MAX(id), 0) FROM incoming_messages")
		sql "
		INSERT INTO incoming_messages (provider, provider_message_id, client_id, from_number,
			to_number, body, is_registered, response_sent, received_at, read_at)
		SELECT 'twilio', CONCAT('SMscale', seq), $CLIENT, $PHONE, '$TO',
			CONCAT('Seeded inbound message ', seq, ', of an ordinary length for a text.'),
			seq % 10 <> 0, 0, NOW(3) - INTERVAL ($N - seq) SECOND,
			IF(seq > $N * 0.99, NULL, NOW(3) - INTERVAL ($N - seq) SECOND)
		FROM seq_1_to_$N WHERE seq BETWEEN $lo AND $hi"
		sql "
		INSERT INTO outgoing_messages (client_id, provider, to_number, from_number, body, segments,
			encoding, sent_by, operator_id, operator_name, status, status_rank, provider_message_id,
			route_id, queued_at, sent_at)
		SELECT $CLIENT, 'twilio', CONCAT('+1444', LPAD(FLOOR(POW(RAND(seq + $N), 2) * 20000), 7, '0')),
			'$TO', CONCAT('Seeded reply ', seq, ', as an operator would write it.'), 1, 'GSM-7',
			'operator', CONCAT('op', seq % 5), 'Seeded Operator',
			IF(seq % 100 = 0, 'failed', 'delivered'), IF(seq % 100 = 0, 3, 4),
			CONCAT('SMout', seq), $ROUTE, NOW(3) - INTERVAL ($N - seq) SECOND + INTERVAL 500000 MICROSECOND,
			NOW(3) - INTERVAL ($N - seq) SECOND + INTERVAL 1 SECOND
		FROM seq_1_to_$N WHERE seq BETWEEN $lo AND $hi"
		sql "
		INSERT INTO push_outbox (event_id, kind, client_id, incoming_id, status, attempts,
			finished_at)
		SELECT CONCAT('evt_scale', id), 'webhook', $CLIENT, id, 'delivered', 1,
			received_at + INTERVAL 1 SECOND
		FROM incoming_messages WHERE id > $last AND client_id = $CLIENT"
	done
	# 006 again (it is safe to run twice): its triggers back, its backfill.
	sql "DELETE FROM schema_migrations WHERE name = '006_conversations.sql'"
	IBIKI_SQL_DIR=$ROOT/sql "${CTL[@]}" migrate >/dev/null
	sql "ANALYZE TABLE incoming_messages, outgoing_messages, push_outbox, conversations" >/dev/null
	echo "    seeded in $((SECONDS - t0)) s; $(sql "SELECT COUNT(*) FROM conversations WHERE client_id = $CLIENT") conversations"
	echo "$N" >"$TMP/seeded"
else
	echo "==> reusing $N seeded messages in $TMP"
fi

# Measure a settled server, not the seed's aftermath: its dirty pages
# written and its undo purged (up to 10 minutes).
settled() {
	sql "SELECT (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
		WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'),
		(SELECT COUNT FROM information_schema.INNODB_METRICS WHERE NAME = 'trx_rseg_history_len')"
}
PCT=$(sql "SELECT @@GLOBAL.innodb_max_dirty_pages_pct")
sql "SET GLOBAL innodb_max_dirty_pages_pct = 0"
t0=$SECONDS
while read -r dirty hist < <(settled) && [ $((dirty > 500 || hist > 5000)) = 1 ] &&
	[ $((SECONDS - t0)) -lt 600 ]; do
	sleep 2
done
sql "SET GLOBAL innodb_max_dirty_pages_pct = $PCT"
echo "    settled in $((SECONDS - t0)) s: $dirty dirty pages, history length $hist"

HEAVY=$(sql "SELECT phone FROM conversations WHERE client_id = $CLIENT ORDER BY messages DESC LIMIT 1")
HEAVY_N=$(sql "SELECT messages FROM conversations WHERE client_id = $CLIENT AND phone = '$HEAVY'")
MID=$(sql "SELECT id FROM incoming_messages WHERE client_id = $CLIENT ORDER BY id LIMIT 1 OFFSET $((N / 2))")
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

to_ms() {
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
# latency NAME PATH TOKEN: p50 and p99 of one request at a time.
latency() {
	local name=$1 path=$2 tok=$3 out status
	status=$(curl -sk -o /dev/null -w '%{http_code}' "$URL$path" -H "Authorization: Bearer $tok")
	# One second to warm the pages it reads, then the measurement.
	wrk -t1 -c1 -d1s --timeout 70s -H "Authorization: Bearer $tok" "$URL$path" >/dev/null 2>&1 || true
	out=$(wrk -t1 -c1 -d"${SECS}s" --latency --timeout 70s -H "Authorization: Bearer $tok" \
		"$URL$path" 2>&1) || true
	printf '    %-34s %8s ms p50 %8s ms p99  %7s req  HTTP %s\n' "$name" \
		"$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")" \
		"$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")" \
		"$(awk '/requests in/ { print $1 }' <<<"$out")" "$status"
}

echo "==> one request at a time, ${SECS}s each (heaviest phone: $HEAVY_N messages)"
latency "GET /api/web/inbox" "/api/web/inbox" "$OP"
latency "GET /api/web/inbox/{heaviest phone}" "/api/web/inbox/$(enc "$HEAVY")" "$OP"
latency "GET /api/messages/incoming" "/api/messages/incoming" "$OP"
latency "GET /api/messages/incoming?isRegistered=false" "/api/messages/incoming?isRegistered=false" "$OP"
latency "GET /api/messages/outgoing?operatorId=<none>" "/api/messages/outgoing?operatorId=nobody" "$OP"
latency "GET /api/messages/outgoing?status=failed" "/api/messages/outgoing?status=failed" "$OP"
latency "GET /api/v2/sms/inbox?after=<middle>" "/api/v2/sms/inbox?after=msg_$MID" "$KEY"
latency "GET /api/v2/sms/outbox" "/api/v2/sms/outbox" "$KEY"
latency "GET /api/v2/webhooks/status" "/api/v2/webhooks/status" "$KEY"
latency "GET /api/admin/clients/{id}" "/api/admin/clients/$CLIENT" "$ADMIN"
latency "GET /metrics" "/metrics" "$ADMIN"

echo "==> signed Twilio ingest, 16 connections, ${SECS}s"
# Each inbound message checks two unique indexes at random places (the
# provider's message id, the event id): read them into the buffer pool
# first, as a server taking traffic has them, so that the figure is the
# steady state rather than the disk's.
t0=$SECONDS
sql "SELECT COUNT(*) FROM incoming_messages FORCE INDEX (uq_incoming_provider_id);
	SELECT COUNT(*) FROM push_outbox FORCE INDEX (uq_outbox_event)" >/dev/null
echo "    unique indexes read in $((SECONDS - t0)) s"
python3 "$ROOT/tools/bench.d/twilio_sign.py" "$URL/twilio/incoming" "$IBIKI_TWILIO_AUTH_TOKEN" \
	"$IBIKI_TWILIO_ACCOUNT_SID" "$TO" "$FROM" $(((SECS + 3) * 3000)) 2 "$TMP/signed"
export IBIKI_BENCH_SIGNED=$TMP/signed
wrk -t2 -c16 -d2s -s "$ROOT/tools/bench.d/twilio_ingest.lua" "$URL/twilio/incoming" >/dev/null 2>&1 || true
out=$(wrk -t2 -c16 -d"${SECS}s" --latency -s "$ROOT/tools/bench.d/twilio_ingest.lua" \
	"$URL/twilio/incoming" 2>&1) || true
printf '    %-34s %8s req/s  p99 %s ms\n' "POST /twilio/incoming (c=16)" \
	"$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")" \
	"$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"

# The plans of the statements behind those endpoints (docs/operations.md,
# "Query plans"): table, access type, index, estimated rows.
echo "==> EXPLAIN (table type key rows)"
explain() {
	printf '    %s\n' "$1"
	sql "EXPLAIN $2" | awk -F'\t' '{ printf "        %-20s %-7s %-28s %s\n", $3, $4, $6, $9 }'
}
explain "conversation list" "SELECT phone FROM conversations WHERE client_id = $CLIENT
	ORDER BY last_at DESC, phone DESC LIMIT 100"
explain "thread, newest page" "SELECT * FROM (
	(SELECT id, received_at AS at FROM incoming_messages FORCE INDEX (ix_incoming_thread)
	 WHERE client_id = $CLIENT AND from_number = '$HEAVY' AND received_at <= '9999-12-31'
	 AND (received_at < '9999-12-31' OR id < 1) ORDER BY received_at DESC, id DESC LIMIT 101)
	UNION ALL
	(SELECT id, queued_at FROM outgoing_messages FORCE INDEX (ix_outgoing_thread)
	 WHERE client_id = $CLIENT AND to_number = '$HEAVY' AND queued_at <= '9999-12-31'
	 AND (queued_at < '9999-12-31' OR id < 1) ORDER BY queued_at DESC, id DESC LIMIT 101)
	) t ORDER BY at DESC, id DESC LIMIT 101"
explain "mark read" "UPDATE incoming_messages SET read_at = NOW(3)
	WHERE client_id = $CLIENT AND from_number = '$HEAVY' AND read_at IS NULL"
explain "outgoing by operator" "SELECT id FROM outgoing_messages FORCE INDEX (ix_outgoing_operator)
	WHERE client_id = $CLIENT AND operator_id = 'nobody' AND id < 9223372036854775807 AND id > -1
	ORDER BY id DESC LIMIT 101"
explain "outgoing by status" "SELECT id FROM outgoing_messages FORCE INDEX (ix_outgoing_client_status)
	WHERE client_id = $CLIENT AND status = 'failed' AND id < 9223372036854775807 AND id > -1
	ORDER BY id DESC LIMIT 101"
explain "incoming, not registered" "SELECT id FROM incoming_messages FORCE INDEX (ix_incoming_registered)
	WHERE client_id = $CLIENT AND is_registered = 0 AND id < 9223372036854775807 AND id > -1
	ORDER BY id DESC LIMIT 101"
explain "v2 inbox after a cursor" "SELECT id FROM incoming_messages FORCE INDEX (ix_incoming_client)
	WHERE client_id = $CLIENT AND id > $MID ORDER BY id ASC LIMIT 100"
