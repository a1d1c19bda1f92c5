# Sourced by tools/stack test: starts the outside world's mocks (Twilio,
# Extreme, a client's webhook receiver) for the integration tests, exports
# where they are as IBIKI_* overrides that point the stack at them, and
# stops them in test_env_teardown.

MOCKS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../mock" && pwd)

# start_mock NAME ARGS...: run tests/mock/NAME.py, wait for READY, print port.
start_mock() {
	local name=$1 dir=$IBIKI_TEST_DIR/mocks i port
	shift
	python3 "$MOCKS/$name.py" --port 0 "$@" >"$dir/$name.out" 2>"$dir/$name.log" </dev/null &
	echo $! >>"$dir/pids"
	for i in $(seq 100); do
		port=$(awk '/^READY/ { print $2 }' "$dir/$name.out" 2>/dev/null)
		[ -n "$port" ] && { echo "$port"; return 0; }
		sleep 0.1
	done
	echo "mock $name did not start" >&2
	cat "$dir/$name.log" >&2
	return 1
}

test_env_setup() {
	local dir=$1 port
	mkdir -p "$dir/mocks"
	: >"$dir/mocks/pids"

	export IBIKI_TWILIO_ACCOUNT_SID=AC0123456789abcdef0123456789abcdef
	export IBIKI_TWILIO_AUTH_TOKEN=test-twilio-token-$(openssl rand -hex 6)
	port=$(start_mock twilio_mock --account-sid "$IBIKI_TWILIO_ACCOUNT_SID" \
		--auth-token "$IBIKI_TWILIO_AUTH_TOKEN" --hang-seconds 8) || return 1
	export IBIKI_TWILIO_API_BASE=http://127.0.0.1:$port IBIKI_TEST_TWILIO=http://127.0.0.1:$port
	# Short, so the "hangs past the timeout" case is quick.
	export IBIKI_TWILIO_TIMEOUT_S=2

	export IBIKI_EXTREME_API_KEY=test-extreme-key-$(openssl rand -hex 6)
	export IBIKI_EXTREME_INBOUND_TOKEN=test-extreme-inbound-$(openssl rand -hex 6)
	port=$(start_mock extreme_mock --api-key "$IBIKI_EXTREME_API_KEY" --hang-seconds 8) || return 1
	export IBIKI_EXTREME_API_BASE=http://127.0.0.1:$port IBIKI_TEST_EXTREME=http://127.0.0.1:$port
	export IBIKI_EXTREME_TIMEOUT_S=2

	# A client's webhook receiver, HTTPS with its own test CA, on loopback:
	# the test stack allows loopback destinations (never the default).
	port=$(start_mock webhook_receiver --dir "$dir/mocks/receiver") || return 1
	export IBIKI_TEST_RECEIVER=https://127.0.0.1:$port IBIKI_TEST_RECEIVER_CA=$dir/mocks/receiver/ca.pem
	export IBIKI_PUSH_ALLOW_LOOPBACK=true IBIKI_PUSH_CA_FILE=$dir/mocks/receiver/ca.pem
	# Quick retries and timeouts, so retry and hang cases take seconds.
	export IBIKI_PUSH_BACKOFF_BASE_S=1 IBIKI_PUSH_BACKOFF_MAX_S=4 IBIKI_PUSH_TIMEOUT_S=3
	export IBIKI_PUSH_CONNECT_TIMEOUT_S=2 IBIKI_PUSH_LEASE_S=8
	# A lost send is looked up for 3 s before its one resend.
	export IBIKI_UPSTREAM_RECONCILE_WINDOW_S=3
}

test_env_teardown() {
	local dir=$1 pid
	[ -f "$dir/mocks/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$dir/mocks/pids"
	: >"$dir/mocks/pids"
}
