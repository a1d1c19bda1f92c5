#!/usr/bin/env bash
# Self-test for the Ibiki test mocks: starts each mock on a free port,
# drives it with curl (and extreme_send.py against the webhook receiver),
# checks the answers and the control API, then stops it with SIGTERM.
# Needs only bash, curl, python3 and openssl.  Exits non-zero when any
# check fails.
set -uo pipefail # no -e: a failed check is counted, not fatal

HERE=$(cd "$(dirname "$0")" && pwd)
export PYTHONDONTWRITEBYTECODE=1 # importing the mocks must not litter the tree
TMP=$(mktemp -d)
FAILS=0
declare -A PID # mock name -> pid

cleanup() {
	local name
	for name in "${!PID[@]}"; do kill -TERM "${PID[$name]}" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
check() { # check DESC COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# jtest FILE PYEXPR: PYEXPR holds for d = the JSON in FILE (re is imported).
# The parentheses let PYEXPR span lines.
jtest() {
	python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" 2>/dev/null
}

# expect DESC STATUS PYEXPR CURL-ARGS...: the answer has STATUS and, unless
# PYEXPR is empty, its JSON body d satisfies PYEXPR.  Headers land in
# $TMP/head, the body in $TMP/body.
expect() {
	local what=$1 want=$2 expr=$3 got
	shift 3
	got=$(curl -sS -D "$TMP/head" -o "$TMP/body" -w '%{http_code}' "$@" 2>"$TMP/curl.err")
	if [[ $got == "$want" ]] && { [[ -z $expr ]] || jtest "$TMP/body" "$expr"; }; then
		ok "$what"
	else
		bad "$what (HTTP $got: $(head -c 300 "$TMP/body" 2>/dev/null) $(cat "$TMP/curl.err"))"
	fi
}

fge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; } # float a >= b
has_header() { grep -qi "^$1: $2"$'\r'"\?$" "$TMP/head"; }     # has_header NAME VALUE
rand() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }

# start_mock NAME SCRIPT ARGS...: run a mock on a free port; sets PORT.
start_mock() {
	local name=$1 script=$2 word port _
	shift 2
	python3 "$HERE/$script" --host 127.0.0.1 --port 0 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	PID[$name]=$!
	for _ in $(seq 300); do
		word='' port=''
		read -r word port 2>/dev/null <"$TMP/$name.out" # may not exist yet
		if [[ $word == READY && -n $port ]]; then
			PORT=$port
			return 0
		fi
		kill -0 "${PID[$name]}" 2>/dev/null || break
		sleep 0.1
	done
	bad "$name did not start: $(cat "$TMP/$name.err")"
	exit 1
}

# stop_mock NAME SECRET: SIGTERM must end it cleanly, stdout must hold only
# the READY line, and stderr must not mention SECRET.
stop_mock() {
	local name=$1 secret=$2 rc=0
	kill -TERM "${PID[$name]}"
	wait "${PID[$name]}" || rc=$?
	unset "PID[$name]"
	check "$name: exits 0 on SIGTERM" test "$rc" -eq 0
	check "$name: stdout is one READY line" grep -qx 'READY [0-9]*' "$TMP/$name.out"
	check "$name: stdout has nothing else" test "$(wc -l <"$TMP/$name.out")" -eq 1
	check "$name: secret never logged" test "$(grep -cF -- "$secret" "$TMP/$name.err")" -eq 0
}

# ---------------------------------------------------------------- twilio ----

test_twilio() {
	local sid=AC$(rand) token=tok$(rand) base msg st t started
	start_mock twilio twilio_mock.py --account-sid "$sid" --auth-token "$token" --hang-seconds 2
	base=http://127.0.0.1:$PORT
	msg=$base/2010-04-01/Accounts/$sid/Messages.json

	tw_send() { # tw_send DESC STATUS PYEXPR TO [CURL-ARGS...]
		local what=$1 want=$2 expr=$3 to=$4
		shift 4
		expect "twilio: $what" "$want" "$expr" -u "$sid:$token" --data-urlencode "To=$to" \
			--data-urlencode From=+15550001111 --data-urlencode Body=hello "$@" "$msg"
	}
	tw_code() { echo "d['code'] == $1 and d['status'] == $2 and d['more_info'].endswith('/$1')"; }

	tw_send "send succeeds" 201 "re.fullmatch('SM[0-9a-f]{32}', d['sid']) and d['status'] == 'queued'
		and d['to'] == '+15551234567' and d['from'] == '+15550001111' and d['body'] == 'hello'
		and d['account_sid'] == '$sid' and d['uri'] == '/2010-04-01/Accounts/$sid/Messages/' + d['sid'] + '.json'
		and d['date_created'].endswith('+0000') and d['date_sent'] is None and d['num_segments'] == '1'" \
		+15551234567 --data-urlencode StatusCallback=https://cb.example/status
	check "twilio: answers application/json" has_header content-type application/json
	expect "twilio: wrong token is 401/20003" 401 "$(tw_code 20003 401) and d['message'] == 'Authenticate'" \
		-u "$sid:wrong" --data-urlencode To=+15551234567 --data-urlencode From=+1555 --data-urlencode Body=x "$msg"
	expect "twilio: no auth is 401" 401 "d['code'] == 20003" --data-urlencode To=+15551234567 "$msg"
	expect "twilio: foreign AccountSid in path is 401" 401 "d['code'] == 20003" -u "$sid:$token" \
		--data-urlencode To=+15551234567 --data-urlencode From=+1555 --data-urlencode Body=x \
		"$base/2010-04-01/Accounts/ACother/Messages.json"
	expect "twilio: missing To is 21604" 400 "d == {'code': 21604, 'message': \"A 'To' phone number is required.\",
		'more_info': 'https://www.twilio.com/docs/errors/21604', 'status': 400}" \
		-u "$sid:$token" --data-urlencode From=+1555 --data-urlencode Body=x "$msg"
	expect "twilio: empty To is 21604" 400 "d['code'] == 21604" -u "$sid:$token" \
		--data-urlencode To= --data-urlencode From=+1555 --data-urlencode Body=x "$msg"
	expect "twilio: missing To and Body is 21604" 400 "d['code'] == 21604" -u "$sid:$token" \
		--data-urlencode From=+1555 "$msg"
	expect "twilio: missing Body is 21602" 400 "$(tw_code 21602 400) and d['message'] == 'Message body is required.'" \
		-u "$sid:$token" --data-urlencode To=+15551234567 --data-urlencode From=+1555 "$msg"
	expect "twilio: empty Body is 21602" 400 "d['code'] == 21602" -u "$sid:$token" \
		--data-urlencode To=+15551234567 --data-urlencode From=+1555 --data-urlencode Body= "$msg"
	expect "twilio: missing From is 21603" 400 "$(tw_code 21603 400) and d['message'] == \"A 'From' phone number is required.\"" \
		-u "$sid:$token" --data-urlencode To=+15551234567 --data-urlencode Body=x "$msg"
	tw_send "+15005550001 is 21211" 400 "$(tw_code 21211 400) and d['message'] == \"The 'To' number +15005550001 is not a valid phone number.\"" +15005550001
	tw_send "+15005550003 is 21610" 400 "$(tw_code 21610 400) and d['message'] == 'Attempt to send to unsubscribed recipient'" +15005550003
	tw_send "+15005550402 is 20005" 400 "$(tw_code 20005 400) and d['message'] == 'Account has insufficient credit'" +15005550402
	tw_send "+15005550429 is 429" 429 "$(tw_code 20429 429) and d['message'] == 'Too Many Requests'" +15005550429
	tw_send "+15005550500 is 500" 500 "$(tw_code 20500 500)" +15005550500
	tw_send "+15005550430 first is 429" 429 "d['code'] == 20429" +15005550430
	tw_send "+15005550430 second is 429" 429 "d['code'] == 20429" +15005550430
	tw_send "+15005550430 third succeeds" 201 "d['status'] == 'queued'" +15005550430
	expect "twilio: unknown path is 404" 404 "d['code'] == 20404" -u "$sid:$token" "$base/2010-04-01/Accounts/$sid/Calls.json"

	# A hanging send must not hold up the others.
	curl -sS -o /dev/null -w '%{http_code} %{time_total}' -u "$sid:$token" --data-urlencode To=+15005550009 \
		--data-urlencode From=+1555 --data-urlencode Body=x "$msg" >"$TMP/hang" &
	sleep 0.3
	started=$EPOCHREALTIME
	tw_send "served while another request hangs" 201 "d['status'] == 'queued'" +15551234567
	check "twilio: ...and promptly" fge 1 "$(awk -v a="$EPOCHREALTIME" -v b="$started" 'BEGIN { print a - b }')"
	expect "twilio: hanging request is recorded, unanswered" 200 \
		"len(d) == 1 and d[0]['answered_status'] is None" "$base/_mock/requests?to=+15005550009"
	wait $!
	read -r st t <"$TMP/hang"
	check "twilio: +15005550009 answers 201 after --hang-seconds" test "$st" = 201
	check "twilio: ...which took 2s" fge "$t" 2

	expect "twilio: ?to= filter (literal +) and parsed fields" 200 \
		"[r['answered_status'] for r in d] == [429, 429, 201] and all(r['form']['To'] == ['+15005550430']
		and r['auth_ok'] and r['method'] == 'POST' for r in d) and d[2]['sid'].startswith('SM') and d[0]['sid'] is None" \
		"$base/_mock/requests?to=+15005550430"
	expect "twilio: StatusCallback recorded" 200 \
		"d[0]['form']['StatusCallback'] == ['https://cb.example/status'] and d[0]['headers']['content-type'].startswith('application/x-www-form-urlencoded')" \
		"$base/_mock/requests"
	expect "twilio: auth_ok false for a wrong token" 200 "d[1]['auth_ok'] is False and d[1]['answered_status'] == 401" \
		"$base/_mock/requests"
	expect "twilio: records ordered, no control requests, credentials redacted" 200 \
		"[r['seq'] for r in d] == list(range(1, len(d) + 1)) and len(d) == 21
		and not any(r['path'].startswith('/_mock/') for r in d)
		and all(r['headers'].get('authorization', 'Basic <redacted>') == 'Basic <redacted>' for r in d)
		and '$token' not in json.dumps(d) and all(isinstance(r['time'], float) for r in d)" \
		"$base/_mock/requests"
	expect "twilio: ?path= filter" 200 "len(d) == 1 and d[0]['answered_status'] == 401" \
		"$base/_mock/requests?path=/2010-04-01/Accounts/ACother/Messages.json"
	expect "twilio: unknown filter is 400" 400 "d['ok'] is False" "$base/_mock/requests?too=1"
	# The message list: what reconciling a lost send looks up.
	expect "twilio: GET Messages.json lists by To, newest first, with Twilio's paging" 200 \
		"[m['to'] for m in d['messages']] == ['+15005550430'] and d['messages'][0]['sid'].startswith('SM')
		and d['page'] == 0 and d['next_page_uri'] is None and d['first_page_uri'].startswith('/2010-04-01/')" \
		-u "$sid:$token" -G --data-urlencode To=+15005550430 "$msg"
	expect "twilio: GET Messages.json with From and DateSent>= (today)" 200 \
		"len(d['messages']) == 3 and all(m['from'] == '+15550001111' for m in d['messages'])" \
		-u "$sid:$token" -G --data-urlencode From=+15550001111 \
		--data-urlencode "DateSent>=$(date -u +%Y-%m-%d)" --data-urlencode PageSize=50 "$msg"
	expect "twilio: DateSent>= tomorrow lists nothing" 200 "d['messages'] == []" \
		-u "$sid:$token" -G --data-urlencode "DateSent>=$(date -u -d tomorrow +%Y-%m-%d)" "$msg"
	expect "twilio: GET with PageSize=1 pages" 200 "len(d['messages']) == 1 and d['next_page_uri'] is not None" \
		-u "$sid:$token" -G --data-urlencode PageSize=1 "$msg"
	expect "twilio: GET needs auth" 401 "d['code'] == 20003" -G "$msg"
	expect "twilio: reset" 200 "d == {'ok': True}" -X POST "$base/_mock/reset"
	expect "twilio: reset cleared the records" 200 "d == []" "$base/_mock/requests"
	tw_send "reset restarted the +15005550430 count" 429 "d['code'] == 20429" +15005550430
	stop_mock twilio "$token"
}

# --------------------------------------------------------------- extreme ----

test_extreme() {
	local key=key$(rand) base send st t started
	start_mock extreme extreme_mock.py --api-key "$key" --hang-seconds 2
	base=http://127.0.0.1:$PORT
	send=$base/api/v2/sms/sendsingle

	ex_send() { # ex_send DESC STATUS PYEXPR JSON-BODY [CURL-ARGS...]
		local what=$1 want=$2 expr=$3 body=$4
		shift 4
		expect "extreme: $what" "$want" "$expr" -H "Authorization: Bearer $key" \
			-H 'Content-Type: application/json' --data-binary "$body" "$@" "$send"
	}
	to() { printf '{"to":"%s","message":"hi there","usemodem":1,"port":2}' "$1"; }

	ex_send "send succeeds" 200 "d['status'] == 'success' and re.fullmatch('ext-[0-9a-f]{32}', d['id'])" "$(to +15551234567)"
	check "extreme: answers application/json" has_header content-type application/json
	expect "extreme: no auth is 401" 401 "d == {'status': 'error', 'message': 'unauthorized'}" \
		--data-binary "$(to +15551234567)" "$send"
	expect "extreme: wrong key is 401" 401 "d['message'] == 'unauthorized'" -H 'Authorization: Bearer nope' \
		--data-binary "$(to +15551234567)" "$send"
	ex_send "non-JSON body is 400" 400 "d['status'] == 'error' and d['message']" 'to=+1555'
	ex_send "missing port is 400" 400 "d['status'] == 'error' and 'port' in d['message']" \
		'{"to":"+15551234567","message":"x","usemodem":1}'
	ex_send "string usemodem is 400" 400 "'usemodem' in d['message']" \
		'{"to":"+15551234567","message":"x","usemodem":"1","port":2}'
	ex_send "+15005550001 is 400" 400 "d == {'status': 'error', 'message': 'invalid destination number'}" "$(to +15005550001)"
	ex_send "+15005550002 is a 200 error" 200 "d == {'status': 'error', 'message': 'modem offline'}" "$(to +15005550002)"
	ex_send "+15005550500 is 500" 500 "d == {'status': 'error', 'message': 'internal error'}" "$(to +15005550500)"
	expect "extreme: unknown path is 404" 404 "d['status'] == 'error'" "$base/api/v2/other"

	curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $key" \
		--data-binary "$(to +15005550009)" "$send" >"$TMP/hang" &
	sleep 0.3
	started=$EPOCHREALTIME
	ex_send "served while another request hangs" 200 "d['status'] == 'success'" "$(to +15551234567)"
	check "extreme: ...and promptly" fge 1 "$(awk -v a="$EPOCHREALTIME" -v b="$started" 'BEGIN { print a - b }')"
	wait $!
	read -r st t <"$TMP/hang"
	check "extreme: +15005550009 answers 200 after --hang-seconds" test "$st" = 200
	check "extreme: ...which took 2s" fge "$t" 2

	expect "extreme: ?to= filter and parsed fields" 200 \
		"len(d) == 1 and d[0]['json'] == {'to': '+15005550002', 'message': 'hi there', 'usemodem': 1, 'port': 2}
		and d[0]['auth_ok'] and d[0]['answered_status'] == 200 and d[0]['id'] is None" \
		"$base/_mock/requests?to=+15005550002"
	expect "extreme: success recorded with its id" 200 \
		"d[0]['id'].startswith('ext-') and d[0]['answered_status'] == 200 and d[1]['auth_ok'] is False
		and d[3]['json'] is None and d[3]['body'] == 'to=+1555'" "$base/_mock/requests"
	expect "extreme: no control requests recorded, key redacted" 200 \
		"len(d) == 12 and not any(r['path'].startswith('/_mock/') for r in d) and '$key' not in json.dumps(d)" \
		"$base/_mock/requests"
	expect "extreme: ?path= filter" 200 "len(d) == 1" "$base/_mock/requests?path=/api/v2/other"
	expect "extreme: reset" 200 "d == {'ok': True}" -X POST "$base/_mock/reset"
	expect "extreme: reset cleared the records" 200 "d == []" "$base/_mock/requests"
	stop_mock extreme "$key"
}

# -------------------------------------------------------------- receiver ----

# sign SECRET ID TIMESTAMP BODY: prints the X-Ibiki-Signature and the
# Standard Webhooks signature, computed independently of the receiver.
sign() {
	python3 -c 'import base64, hashlib, hmac, sys
secret, msg_id, ts, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
print(hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(), "v1," + base64.b64encode(mac).decode())' "$@"
}

test_receiver() {
	local dir=$TMP/certs base ca secret body now ib std wib wstd st t size rc out before f
	start_mock receiver webhook_receiver.py --dir "$dir"
	base=https://localhost:$PORT
	ca=(--cacert "$dir/ca.pem")
	for f in ca.pem server.pem server.key; do check "receiver: created $f" test -s "$dir/$f"; done
	check "receiver: CA is 'Ibiki Test CA'" grep -q 'CN *= *Ibiki Test CA' <(openssl x509 -in "$dir/ca.pem" -noout -subject)
	check "receiver: certificate verifies against the CA" grep -q ': OK$' \
		<(openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem")
	check "receiver: EC P-256 key" grep -q prime256v1 <(openssl pkey -in "$dir/server.key" -noout -text)

	check "receiver: Standard Webhooks vector (receiver)" python3 -c "import sys; sys.path.insert(0, '$HERE')
import webhook_receiver as w
assert w.standard_signature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', '1614265330',
	b'{\"test\": 2432232314}') == 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='"
	check "receiver: Standard Webhooks vector (selftest's signer)" test "$(sign whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \
		msg_p5jXN8AQM9LWM0D4loKWxJek 1614265330 '{"test": 2432232314}' | cut -d' ' -f2)" = \
		'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='

	expect "receiver: TLS by name, default answer 200" 200 "" "${ca[@]}" -d '{}' "$base/hooks/plain"
	expect "receiver: TLS by IP" 200 "" "${ca[@]}" -d '{}' "https://127.0.0.1:$PORT/hooks/plain"
	expect "receiver: plain HTTP refused" 000 "" "http://127.0.0.1:$PORT/hooks/plain"
	check "receiver: keep-alive reuses the connection" grep -qi 're-using existing connection' \
		<(curl -sv -o /dev/null -o /dev/null "${ca[@]}" "$base/hooks/plain" "$base/hooks/plain" 2>&1)

	# Signatures: one good delivery (among two offered signatures), one
	# signed with the wrong secret, one good but stale.
	secret=whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(24)).decode())')
	expect "receiver: configure /hooks/a" 200 "d == {'ok': True}" "${ca[@]}" \
		-d "{\"path\":\"/hooks/a\",\"secret\":\"$secret\",\"responses\":[{\"status\":200,\"body\":\"thanks\"}]}" \
		"$base/_mock/config"
	body='{"event":"message.received","id":"msg_1","text":"h\u00e9llo"}'
	now=$(date +%s)
	read -r ib std < <(sign "$secret" msg_1 "$now" "$body")
	read -r wib wstd < <(sign whsec_d3Jvbmd3cm9uZ3dyb25n msg_1 "$now" "$body")
	deliver() { # deliver IBIKI-SIG STANDARD-SIGS TIMESTAMP
		curl -sS -o "$TMP/body" -w '%{http_code}' "${ca[@]}" -H 'Content-Type: application/json' \
			-H "X-Ibiki-Signature: $1" -H 'webhook-id: msg_1' -H "webhook-timestamp: $3" \
			-H "webhook-signature: $2" --data-binary "$body" "$base/hooks/a"
	}
	check "receiver: correctly signed delivery answered 200" test "$(deliver "$ib" "v1,bm90IGl0 $std" "$now")" = 200
	check "receiver: scripted body returned" test "$(cat "$TMP/body")" = thanks
	check "receiver: wrongly signed delivery answered 200" test "$(deliver "$wib" "$wstd" "$now")" = 200
	read -r ib std < <(sign "$secret" msg_1 $((now - 1000)) "$body")
	check "receiver: stale delivery answered 200" test "$(deliver "$ib" "$std" $((now - 1000)))" = 200
	expect "receiver: signature checks recorded" 200 \
		"[(r['sig_ibiki_ok'], r['sig_standard_ok'], r['timestamp_fresh']) for r in d]
		== [(True, True, True), (False, False, True), (True, True, False)]
		and d[0]['json']['text'] == 'h\u00e9llo' and d[0]['headers']['webhook-id'] == 'msg_1'
		and d[0]['answered_status'] == 200 and d[0]['method'] == 'POST'" \
		"${ca[@]}" "$base/_mock/requests?path=/hooks/a"
	expect "receiver: no secret, no verdicts" 200 \
		"len(d) == 4 and all(r['sig_ibiki_ok'] is None and r['sig_standard_ok'] is None for r in d)" \
		"${ca[@]}" "$base/_mock/requests?path=/hooks/plain"

	# Scripted behaviours: consumed in order, the last one repeats.
	expect "receiver: configure /hooks/b" 200 "d['ok']" "${ca[@]}" \
		-d '{"path":"/hooks/b","responses":[{"status":429,"headers":{"Retry-After":"2"}},{"status":410}]}' \
		"$base/_mock/config"
	expect "receiver: first behaviour (429)" 429 "" "${ca[@]}" -d '{}' "$base/hooks/b"
	check "receiver: ...with Retry-After" has_header retry-after 2
	expect "receiver: second behaviour (410)" 410 "" "${ca[@]}" -d '{}' "$base/hooks/b"
	expect "receiver: last behaviour repeats" 410 "" "${ca[@]}" -d '{}' "$base/hooks/b"
	expect "receiver: configure a redirect" 200 "d['ok']" "${ca[@]}" \
		-d '{"path":"/hooks/c","responses":[{"status":302,"headers":{"Location":"https://127.0.0.1:1/elsewhere"}}]}' \
		"$base/_mock/config"
	expect "receiver: redirect answered" 302 "" "${ca[@]}" -d '{}' "$base/hooks/c"
	check "receiver: ...with its Location" has_header location 'https://127.0.0.1:1/elsewhere'
	expect "receiver: bad config refused" 400 "d['ok'] is False" "${ca[@]}" \
		-d '{"path":"/hooks/d","responses":[{"status":"soon"}]}' "$base/_mock/config"
	expect "receiver: config under /_mock/ refused" 400 "d['ok'] is False" "${ca[@]}" \
		-d '{"path":"/_mock/x"}' "$base/_mock/config"

	# Huge bodies, and a client giving up half-way through one.
	expect "receiver: configure huge bodies" 200 "d['ok']" "${ca[@]}" \
		-d '{"path":"/hooks/huge","responses":[{"status":200,"huge":5000000}]}' "$base/_mock/config"
	size=$(curl -sS -o /dev/null -w '%{size_download}' "${ca[@]}" -d '{}' "$base/hooks/huge")
	check "receiver: huge body delivered in full" test "$size" = 5000000
	curl -sS "${ca[@]}" -d '{}' "$base/hooks/huge" 2>/dev/null | head -c 1000 >/dev/null
	expect "receiver: survives a client hanging up mid-body" 200 "" "${ca[@]}" -d '{}' "$base/hooks/plain"

	# A hanging delivery is recorded at once and does not block others.
	expect "receiver: configure a hang" 200 "d['ok']" "${ca[@]}" \
		-d '{"path":"/hooks/slow","responses":[{"status":202,"hang":1.5}]}' "$base/_mock/config"
	curl -sS -o /dev/null -w '%{http_code} %{time_total}' "${ca[@]}" -d '{}' "$base/hooks/slow" >"$TMP/hang" &
	sleep 0.5
	expect "receiver: hanging delivery recorded, unanswered" 200 \
		"len(d) == 1 and d[0]['answered_status'] is None" "${ca[@]}" "$base/_mock/requests?path=/hooks/slow"
	wait $!
	read -r st t <"$TMP/hang"
	check "receiver: hanging delivery answered 202 after 1.5s" test "$st" = 202
	check "receiver: ...not before" fge "$t" 1.5

	# extreme_send.py against the receiver, standing in for Ibiki.
	expect "receiver: configure /extreme/incoming" 200 "d['ok']" "${ca[@]}" \
		-d '{"path":"/extreme/incoming","responses":[{"status":200,"body":"{\"ok\":true}"},{"status":403,"body":"bad token"}]}' \
		"$base/_mock/config"
	out=$(python3 "$HERE/extreme_send.py" --url "https://127.0.0.1:$PORT/" --cafile "$dir/ca.pem" --token tok-in \
		--from +15557654321 --to +15551234567 --message 'hi back' --usemodem 3 --port 7)
	rc=$?
	check "extreme_send: 2xx exits 0" test "$rc" -eq 0
	check "extreme_send: prints status and body" test "$out" = $'200\n{"ok":true}'
	expect "extreme_send: payload and token as specified" 200 \
		"len(d) == 1 and d[0]['headers']['x-extreme-token'] == 'tok-in'
		and d[0]['headers']['content-type'] == 'application/json' and set(d[0]['json'])
		== {'id', 'from', 'to', 'message', 'usemodem', 'port', 'timestamp'}
		and re.fullmatch('ext-in-[0-9a-f]+', d[0]['json']['id']) and d[0]['json']['from'] == '+15557654321'
		and d[0]['json']['usemodem'] == 3 and d[0]['json']['port'] == 7
		and re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', d[0]['json']['timestamp'])" \
		"${ca[@]}" "$base/_mock/requests?path=/extreme/incoming"
	out=$(python3 "$HERE/extreme_send.py" --url "https://127.0.0.1:$PORT" --insecure --token t --from +1 \
		--to +2 --message x --usemodem 1 --port 1 --id ext-in-fixed --timestamp 2024-01-01T00:00:00Z)
	rc=$?
	check "extreme_send: non-2xx exits 1" test "$rc" -eq 1
	check "extreme_send: prints 403 and body" test "$out" = $'403\nbad token'
	check "extreme_send: importable send()" python3 -c "import sys; sys.path.insert(0, '$HERE')
from extreme_send import send
assert send('https://127.0.0.1:$PORT', 't', {'id': 'x'}) == (403, 'bad token')"
	check "extreme_send: unverifiable TLS fails" test "$(python3 "$HERE/extreme_send.py" --url "$base" --token t \
		--from +1 --to +2 --message x --usemodem 1 --port 1 2>/dev/null; echo $?)" = 1

	expect "receiver: no control requests recorded" 200 \
		"len(d) > 0 and not any(r['path'].startswith('/_mock/') for r in d)" "${ca[@]}" "$base/_mock/requests"
	expect "receiver: reset" 200 "d == {'ok': True}" "${ca[@]}" -X POST "$base/_mock/reset"
	expect "receiver: reset cleared the records" 200 "d == []" "${ca[@]}" "$base/_mock/requests"
	expect "receiver: reset cleared the behaviours" 200 "" "${ca[@]}" -d '{}' "$base/hooks/b"
	stop_mock receiver "${secret#whsec_}"

	# A second start reuses the CA and certificate.
	before=$(openssl x509 -in "$dir/ca.pem" -noout -fingerprint)
	start_mock receiver2 webhook_receiver.py --dir "$dir"
	check "receiver: restart keeps the CA" test "$(openssl x509 -in "$dir/ca.pem" -noout -fingerprint)" = "$before"
	expect "receiver: restart serves with the kept certificate" 200 "" "${ca[@]}" "https://localhost:$PORT/x"
	stop_mock receiver2 "${secret#whsec_}"
}

# The mocks share _common.py; starting them must not leave __pycache__
# behind even without PYTHONDONTWRITEBYTECODE.
test_no_bytecode() {
	local script
	for script in twilio_mock.py extreme_mock.py webhook_receiver.py; do
		check "$script: imports _common from another cwd" bash -c \
			'cd / && env -u PYTHONDONTWRITEBYTECODE python3 "$1" --help >/dev/null' _ "$HERE/$script"
		check "$script: ...and writes no __pycache__" test ! -e "$HERE/__pycache__"
		rm -rf "$HERE/__pycache__" # only there if the check failed
	done
}

test_no_bytecode
test_twilio
test_extreme
test_receiver

if ((FAILS)); then
	echo "selftest: $FAILS check(s) failed"
	exit 1
fi
echo "selftest: all checks passed"
