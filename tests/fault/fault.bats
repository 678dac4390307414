#!/usr/bin/env bats
# Faults, short (DESIGN §6, §9): kill -9 during a batch, write and sync
# errors, a full disk.  `make stress` runs the long versions
# (tests/stress/run.sh).

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${TOK_BIN:=$ROOT/bin}"
load ../helper

# The failio.so shim: TOK_FAILIO (the Makefile builds obj/failio.so),
# else compiled here.
failio() {
	if [ -n "${TOK_FAILIO:-}" ]; then
		echo "$TOK_FAILIO"
		return
	fi
	[ -f "$BATS_FILE_TMPDIR/failio.so" ] ||
	    cc -shared -fPIC -O2 -o "$BATS_FILE_TMPDIR/failio.so" \
	    "$BATS_TEST_DIRNAME/failio.c" -ldl >&2 || return 1
	echo "$BATS_FILE_TMPDIR/failio.so"
}

# io ARGS...: io.sh with the shim; every figures line has anomalies=0.
io() {
	local so

	so=$(failio) || fail "cannot build failio.so"
	run --separate-stderr sh "$BATS_TEST_DIRNAME/io.sh" -b "$TOK_BIN" \
	    -f "$so" -d "$T/io" "$@"
	[ "$status" -eq 0 ] || fail "io.sh $*: exit $status
$output
$stderr"
	[ "${#lines[@]}" -ge 1 ] || fail "io.sh $*: no figures"
	for l in "${lines[@]}"; do
		[[ $l =~ failed=([0-9]+)\ unchanged=([0-9]+)\ landed=([0-9]+)\ .*anomalies=0$ ]] ||
		    fail "io.sh $*: $l"
		# Each point failed but the last; at most one, the sync of
		# the commit itself, left the whole transaction behind.
		[ "${BASH_REMATCH[1]}" -gt 0 ] || fail "no failure injected: $l"
		[ "${BASH_REMATCH[3]}" -le 1 ] || fail "$l"
	done
}

@test "fault: kill -9 at 10 random moments during a 20,000-record batch: all or nothing, and the re-run is a clean run" {
	run --separate-stderr sh "$BATS_TEST_DIRNAME/kill.sh" -t 10 -r 20000 \
	    -j 2 -s 5 -b "$TOK_BIN" -d "$T/kill"
	[ "$status" -eq 0 ] || fail "kill.sh: exit $status
$output
$stderr"
	[[ $output =~ ^kill\ trials=10\ .*anomalies=0 ]] || fail "$output"
}

@test "fault: the Nth write or sync fails once (EIO), N = 1, 2, ...: exit 4, one message, the ledger as before" {
	io -m once earn buy hold cashout price batch
}

@test "fault: every write and sync from the Nth on fails (EIO): exit 4, one message, the ledger as before" {
	io -m persistent earn buy batch
}

@test "fault: no space left (ENOSPC) on the Nth write: exit 4, one message, the ledger as before" {
	io -e ENOSPC earn cashout
}

@test "fault: a full disk (ulimit -f): exit 4, one message, the ledger as before" {
	io disk
}

@test "fault: a commit whose final sync failed says that it may have been recorded" {
	# Which sync is the commit's depends on the build's own I/O.
	[ -z "${SANITIZED_BUILD:-}" ] || skip "the sync count differs under ASan"
	local so
	so=$(failio)
	earn --ref s1 alice 10
	run --separate-stderr env FAILIO_MATCH=ledger.db FAILIO_OPS=fdatasync,fsync \
	    FAILIO_N=2 LD_PRELOAD="$so" tok-earn --ref e1 bob 5 </dev/null
	assert_failure 4
	assert_stderr_line 'may have been recorded|run it again'
}
