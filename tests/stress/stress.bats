#!/usr/bin/env bats
# The bank race, short (DESIGN §3 "No overdraft"): many writers, one
# reader, a checker that must also be able to fail.  `make stress` runs
# the long version (tests/stress/run.sh).

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${TOK_BIN:=$ROOT/bin}"
load ../helper

# The deliberately broken build (make BROKEN=1): TOK_BROKEN_BIN, else
# built apart into bin-broken/ (never over bin/).
broken_bin() {
	if [ -n "${TOK_BROKEN_BIN:-}" ]; then
		echo "$TOK_BROKEN_BIN"
		return
	fi
	make -s -C "$ROOT" BROKEN=1 OBJDIR=obj-broken BINDIR_BUILD=bin-broken \
	    all >&2 || return 1
	echo "$ROOT/bin-broken"
}

@test "stress: the bank race: 8 processes x 200 operations, a reader every 100 ms: no anomaly" {
	run --separate-stderr sh "$BATS_TEST_DIRNAME/bank.sh" -p 8 -n 200 \
	    -w 20 -s 11 -b "$TOK_BIN" -d "$T/bank"
	[ "$status" -eq 0 ] || fail "bank.sh: exit $status
$output
$stderr"
	[[ $output =~ ^bank\ procs=8\ workers=20\ ops=([0-9]+)\ commits=([0-9]+)\ refusals=([0-9]+)\ busy=[0-9]+\ reads=([0-9]+)\ .*anomalies=0 ]] ||
	    fail "figures: $output"
	# Every planned operation ran; the balances covered only part of
	# the spending, so some were refused; the reader read.
	[ "${BASH_REMATCH[1]}" -ge 1600 ] || fail "ops: $output"
	[ "${BASH_REMATCH[2]}" -gt 0 ] || fail "no commits: $output"
	[ "${BASH_REMATCH[3]}" -gt 0 ] || fail "no refusals: $output"
	[ "${BASH_REMATCH[4]}" -gt 0 ] || fail "no reads: $output"
}

@test "stress: the checker finds the overdrafts of the broken build (make BROKEN=1)" {
	local bin seed
	bin=$(broken_bin) || fail "cannot build the broken variant"
	[ -x "$bin/tok-spend" ] || fail "no broken build in $bin"
	# A race: a few rounds, so that a quiet machine cannot hide it.
	for seed in 1 2 3 4 5; do
		run --separate-stderr sh "$BATS_TEST_DIRNAME/bank.sh" -p 8 -n 40 \
		    -w 4 -s "$seed" -b "$bin" -d "$T/broken$seed"
		[[ $output =~ anomalies=([0-9]+) ]] || fail "figures: $output
$stderr"
		[ "${BASH_REMATCH[1]}" -gt 0 ] && break
	done
	assert_failure 1
	[ "${BASH_REMATCH[1]}" -gt 0 ] || fail "no anomaly found: $output"
	# Among them, a worker below zero, seen by the reader or at the end.
	[[ $stderr =~ (below\ zero|verify) ]] || fail "no overdraft named:
$stderr"
}
