#!/bin/sh
# kill.sh - kill -9 at a random moment during a batch (DESIGN.md section
# 6: all of a batch lands or none of it).
#
# Each trial copies a one-transaction ledger, starts tok-earn on a batch
# of RECORDS records, kills it with SIGKILL after a random delay (up to a
# quarter more than a clean run takes), and checks: PRAGMA integrity_check
# is ok; the ledger holds the seed alone or the seed and the whole batch;
# running the batch again exits 0 and gives a ledger identical to one
# clean run: the same balances and the same chain head (TOK_NOW is fixed,
# so the hashes are reproducible).
#
# usage: kill.sh [-k] [-t TRIALS] [-r RECORDS] [-j LANES] [-s SEED]
#                [-b BINDIR] [-d DIR]
#
# Prints one line of figures, "kill trials=... anomalies=0 ..."; each
# anomaly is described on stderr.  Exits 0 when there were none, 1 when
# there were, 2 when the run could not be set up.
set -u

trials=10 records=100000 lanes=1 seed=1 keep=0 dir= bindir=
here=$(cd "$(dirname "$0")" && pwd)
while getopts kt:r:j:s:b:d: opt; do
	case $opt in
	k) keep=1 ;;
	t) trials=$OPTARG ;;
	r) records=$OPTARG ;;
	j) lanes=$OPTARG ;;
	s) seed=$OPTARG ;;
	b) bindir=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: kill.sh [-k] [-t TRIALS] [-r RECORDS] [-j LANES]" \
	    "[-s SEED] [-b BINDIR] [-d DIR]" >&2; exit 2 ;;
	esac
done
: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
[ -x "$bindir/tok-earn" ] || { echo "kill.sh: no tools in $bindir" >&2; exit 2; }
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-kill.XXXXXX") || exit 2
else
	mkdir -p "$dir" || exit 2
fi
PATH=$bindir:$PATH
export PATH TOK_CONFIG="$dir/tok.yaml" TOK_NOW=2026-11-28T12:00:00Z LC_ALL=C
unset TOK_DB XDG_CONFIG_HOME XDG_DATA_HOME
: >"$TOK_CONFIG"
chmod 600 "$TOK_CONFIG"

awk -v n="$records" 'BEGIN {
	print "worker\tamount\tref"
	for (i = 1; i <= n; i++)
		printf "w%03d\t1.%02d\tbig-%d\n", i % 500, i % 100, i
}' >"$dir/big.tsv"

# now_ms: milliseconds since the epoch (GNU date), for timing the run.
now_ms() {
	date +%s%3N
}

# state DB: the balances and the chain head, as the tools report them.
state() {
	tok-report --db "$1" balances </dev/null &&
	    tok-report --db "$1" verify </dev/null |
	    sed -n 's/.*head \([0-9a-f]\{64\}\).*/head \1/p' | head -n 1
}

tok-earn --db "$dir/base.db" --ref seed alice 1 </dev/null >/dev/null ||
    { echo "kill.sh: cannot make the seed ledger" >&2; exit 2; }
cp "$dir/base.db" "$dir/clean.db"
t0=$(now_ms)
tok-earn --db "$dir/clean.db" "$dir/big.tsv" </dev/null >/dev/null ||
    { echo "kill.sh: the clean run failed" >&2; exit 2; }
clean_ms=$(($(now_ms) - t0))
state "$dir/clean.db" >"$dir/clean.state"
grep -q '^head ' "$dir/clean.state" ||
    { echo "kill.sh: no chain head from the clean run" >&2; exit 2; }

# trial LANE I: one kill; prints "none", "whole" or "X what went wrong",
# and "W bytes" for the WAL at the moment of the kill.
trial() {
	db=$dir/lane$1.db
	rm -f "$db" "$db-wal" "$db-shm"
	cp "$dir/base.db" "$db"
	delay=$(awk -v s="$seed" -v i="$2" -v ms="$clean_ms" 'BEGIN {
		srand(s * 100003 + i)
		printf "%.3f\n", rand() * ms * 1.25 / 1000
	}')
	tok-earn --db "$db" "$dir/big.tsv" </dev/null >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	wal=$( { wc -c <"$db-wal"; } 2>/dev/null || echo 0)
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "W $wal"
	ic=$(sqlite3 -batch "$db" 'PRAGMA integrity_check' 2>&1)
	[ "$ic" = ok ] || echo "X trial $2 (kill at ${delay}s): integrity_check: $ic"
	n=$(sqlite3 -batch "$db" 'SELECT count(*) FROM txn' 2>&1)
	case $n in
	1) echo none ;;
	$((records + 1))) echo whole ;;
	*) echo "X trial $2 (kill at ${delay}s): $n transactions, neither 1" \
	    "nor $((records + 1))" ;;
	esac
	if ! tok-earn --db "$db" "$dir/big.tsv" </dev/null >/dev/null \
	    2>"$dir/lane$1.err"; then
		echo "X trial $2: the re-run failed: $(head -n 1 "$dir/lane$1.err")"
	elif ! state "$db" | cmp -s - "$dir/clean.state"; then
		echo "X trial $2 (kill at ${delay}s): balances or chain head" \
		    "differ from a clean run"
	fi
}

lane() {
	i=$1
	while [ "$i" -le "$trials" ]; do
		trial "$1" "$i"
		i=$((i + lanes))
	done >"$dir/lane$1.log"
}

start=$(date +%s)
pids=
l=1
while [ "$l" -le "$lanes" ]; do
	lane "$l" &
	pids="$pids $!"
	l=$((l + 1))
done
for pid in $pids; do
	wait "$pid"
done
seconds=$(($(date +%s) - start))

cat "$dir"/lane*.log | awk -v trials="$trials" -v records="$records" \
    -v ms="$clean_ms" -v seconds="$seconds" '
$1 == "W" { if ($2 > 0) inwal++; next }
$1 == "none" { none++; next }
$1 == "whole" { whole++; next }
{ sub(/^X /, ""); print "kill: " $0 > "/dev/stderr"; anomalies++ }
END {
	printf "kill trials=%d records=%d clean_ms=%d none=%d whole=%d " \
	    "wal_at_kill=%d anomalies=%d seconds=%d\n", trials, records, ms,
	    none, whole, inwal, anomalies, seconds
	exit anomalies > 0 || none + whole != trials
}'
status=$?
if [ "$keep" -eq 0 ] && [ "$status" -eq 0 ]; then
	rm -rf "$dir"
else
	echo "kill: files kept in $dir" >&2
fi
exit "$status"
