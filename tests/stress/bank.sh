#!/bin/sh
# bank.sh - the bank race (DESIGN.md section 3, "No overdraft").
#
# PROCS processes run OPS operations each (earn, buy, cashout, hold then
# post or void) on WORKERS workers whose balances cover only part of the
# spending, while a reader checks the ledger every 100 ms: tok-report
# balances (and now and then verify) and sqlite3 on the file itself.  At
# the end every operation that exited 0 must be in the ledger by its ref,
# with its worker and amount; every refused one absent; each worker's
# balance what the logs add up to; the ledger whole.
#
# usage: bank.sh [-k] [-p PROCS] [-n OPS] [-w WORKERS] [-s SEED]
#                [-W WAIT] [-b BINDIR] [-d DIR]
#
# Prints one line of figures, "bank procs=8 ops=... anomalies=0 ...";
# each anomaly is described on stderr.  Exits 0 when there were none, 1
# when there were, 2 when the run could not be set up.  -k keeps DIR.
set -u

procs=8 ops=200 workers=20 seed=1 wait=0.02 keep=0 dir= bindir=
here=$(cd "$(dirname "$0")" && pwd)
while getopts kp:n:w:s:W:b:d: opt; do
	case $opt in
	k) keep=1 ;;
	p) procs=$OPTARG ;;
	n) ops=$OPTARG ;;
	w) workers=$OPTARG ;;
	s) seed=$OPTARG ;;
	W) wait=$OPTARG ;;
	b) bindir=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: bank.sh [-k] [-p PROCS] [-n OPS] [-w WORKERS]" \
	    "[-s SEED] [-W WAIT] [-b BINDIR] [-d DIR]" >&2; exit 2 ;;
	esac
done
: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
[ -x "$bindir/tok-spend" ] || { echo "bank.sh: no tools in $bindir" >&2; exit 2; }
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-bank.XXXXXX") || exit 2
else
	mkdir -p "$dir" || exit 2
fi
PATH=$bindir:$PATH
export PATH TOK_DB="$dir/ledger.db" TOK_CONFIG="$dir/tok.yaml" \
    TOK_NOW=2026-11-28T12:00:00Z LC_ALL=C
unset TOK_KEY XDG_CONFIG_HOME XDG_DATA_HOME
: >"$TOK_CONFIG"
chmod 600 "$TOK_CONFIG"

# Every worker starts with 10.00; a unit of the service costs 3.00.
awk -v w="$workers" 'BEGIN {
	print "worker\tamount\tref"
	for (i = 1; i <= w; i++)
		printf "w%02d\t10.00\tseed-%d\n", i, i
}' >"$dir/seed.tsv"
if ! tok-price set service search 3 >/dev/null ||
    ! tok-price set exchange EUR 0.01 >/dev/null ||
    ! tok-earn "$dir/seed.tsv" >/dev/null; then
	echo "bank.sh: cannot set up the ledger in $dir" >&2
	exit 2
fi

# plan P: the operations of process P, one a line: OP WORKER ARG REF
# [THEN].  Spending outweighs earning about four to one.
plan() {
	awk -v p="$1" -v n="$ops" -v w="$workers" -v seed="$seed" 'BEGIN {
		srand(seed * 1000 + p)
		for (i = 1; i <= n; i++) {
			r = rand()
			wk = sprintf("w%02d", 1 + int(rand() * w))
			ref = sprintf("p%d-%d", p, i)
			if (r < .30)
				printf "earn %s %d.%02d %s\n", wk,
				    int(rand() * 4), 1 + int(rand() * 99), ref
			else if (r < .60)
				printf "buy %s %d %s\n", wk, 1 + int(rand() * 3), ref
			else if (r < .75)
				printf "cashout %s %d.00 %s\n", wk,
				    1 + int(rand() * 8), ref
			else {
				t = rand()
				printf "hold %s %d %s %s\n", wk, 1 + int(rand() * 2),
				    ref, t < .4 ? "void" : t < .7 ? "post" : "part"
			}
		}
	}'
}

# The log of process P has one line per operation: C (exit 0), R
# (refused, exit 1) or X (anything else: an anomaly), then what it was.
# Exit 4 because the ledger was locked is retried and counted in B lines.
worker() {
	p=$1 out=$dir/out.$1 err=$dir/err.$1 busy=0
	exec >"$dir/log.$p"
	plan "$p" | while read -r op wk arg ref then; do
		case $op in
		earn) set -- tok-earn --wait "$wait" --ref "$ref" "$wk" "$arg" ;;
		buy) set -- tok-spend --wait "$wait" buy --ref "$ref" "$wk" \
		    search "$arg" ;;
		cashout) set -- tok-spend --wait "$wait" cashout --ref "$ref" \
		    "$wk" "$arg" ;;
		hold) set -- tok-spend --wait "$wait" hold --ref "$ref" "$wk" \
		    search "$arg" ;;
		esac
		attempt "$@"
		record "$op" "$wk" "$arg" "$ref"
		[ "$op" = hold ] && [ "$rc" -eq 0 ] || continue
		case $then in
		void) set -- tok-spend --wait "$wait" void "$ref" ;;
		post) set -- tok-spend --wait "$wait" post "$ref" ;;
		part) set -- tok-spend --wait "$wait" post "$ref" 1.00 ;;
		esac
		attempt "$@"
		# A resolution is never refused: its tokens are held.
		[ "$rc" -eq 1 ] && rc=9
		record "$then" "$wk" "$arg" "$ref"
	done
}

# attempt CMD...: runs CMD until it is not refused for a lock; rc, msg.
attempt() {
	while :; do
		"$@" </dev/null >"$out" 2>"$err"
		rc=$?
		msg=
		[ -s "$err" ] && IFS= read -r msg <"$err"
		case $rc:$msg in
		4:*"is locked"*) echo "B"; continue ;;
		esac
		return
	done
}

record() {
	case $rc:$msg in
	0:)
		echo "C $1 $2 $3 $4" ;;
	1:*" is short by "*)
		echo "R $1 $2 $3 $4" ;;
	*)
		echo "X $1 $2 $3 $4 exit $rc: $msg" ;;
	esac
}

# The reader: every 100 ms, until the writers are done.  A line per
# read: "ok", or "X what was wrong".
reader() {
	n=0
	exec >"$dir/reads"
	while [ ! -e "$dir/done" ]; do
		n=$((n + 1))
		if tok-report balances </dev/null >"$dir/r.out" 2>"$dir/r.err"
		then
			awk -F'\t' 'NR > 1 && $2 ~ /^-/ { print "X balances: " $0 }' \
			    "$dir/r.out"
		else
			echo "X tok-report balances: $(head -n 1 "$dir/r.err")"
		fi
		# One snapshot: postings sum to zero, no worker below zero
		# by its postings or in the balance cache.
		sqlite3 -batch "$TOK_DB" ".timeout 10000" "BEGIN;
		    SELECT coalesce(sum(amount), 0) FROM posting;
		    SELECT count(*) FROM (SELECT account FROM posting
		        WHERE account NOT GLOB 'platform:*' GROUP BY account
		        HAVING sum(amount) < 0);
		    SELECT count(*) FROM account_balance
		        WHERE account NOT GLOB 'platform:*' AND amount < 0;
		    COMMIT;" 2>&1 | tr '\n' ' ' | awk '
		    $1 != 0 { print "X sqlite3: postings sum to " $1 }
		    $2 != 0 { print "X sqlite3: " $2 " workers below zero" }
		    $3 != 0 { print "X sqlite3: " $3 " cached balances below zero" }
		    NF != 3 { print "X sqlite3: " $0 }'
		if [ $((n % 10)) -eq 0 ]; then
			tok-report verify </dev/null >/dev/null 2>"$dir/r.err" ||
			    echo "X tok-report verify: $(grep -v '^$' "$dir/r.err" |
			    head -n 1)"
			echo "V"
		fi
		echo "ok"
		sleep 0.1
	done
}

start=$(date +%s)
reader &
rpid=$!
pids=
i=1
while [ "$i" -le "$procs" ]; do
	worker "$i" &
	pids="$pids $!"
	i=$((i + 1))
done
for pid in $pids; do
	wait "$pid"
done
: >"$dir/done"
wait "$rpid"
seconds=$(($(date +%s) - start))

# The ledger as it ends: each txn with a ref of ours (worker posting
# included), each resolution of a hold, each worker's balance.
sqlite3 -batch -separator ' ' "$TOK_DB" "SELECT 'T', t.ref, t.type,
	    p.account, p.amount FROM txn t JOIN posting p USING (txid)
	    WHERE p.account NOT GLOB 'platform:*';
	SELECT 'H', h.ref, t.type FROM txn t JOIN txn h ON h.txid = t.reverses;
	SELECT 'W', account, sum(amount) FROM posting
	    WHERE account NOT GLOB 'platform:*' GROUP BY account;
	SELECT 'N', count(*) FROM txn;" >"$dir/ledger" 2>&1
{
	tok-report verify </dev/null >/dev/null 2>&1 ||
	    echo "X final: tok-report verify: exit $?"
	ic=$(sqlite3 -batch "$TOK_DB" 'PRAGMA integrity_check' 2>&1)
	[ "$ic" = ok ] || echo "X final: integrity_check: $ic"
	sqlite3 -batch "$TOK_DB" "SELECT 'X final: cache of ' || b.account ||
	    ' is ' || b.amount || ', its postings ' || coalesce(s.total, 0)
	    FROM account_balance b LEFT JOIN (SELECT account, sum(amount)
	    AS total FROM posting GROUP BY account) s USING (account)
	    WHERE b.amount IS NOT coalesce(s.total, 0);
	    SELECT 'X final: postings sum to ' || sum(amount) FROM posting
	    HAVING sum(amount) <> 0;" 2>&1
} >"$dir/final"

# The audit: logs against the ledger.
awk -v workers="$workers" -v procs="$procs" -v seconds="$seconds" '
function units(s,   a) {
	split(s, a, ".")
	return a[1] * 100 + substr(a[2] "00", 1, 2)
}
function bad(what) {
	print "bank: " what > "/dev/stderr"
	anomalies++
}
FILENAME ~ /ledger$/ {
	if ($1 == "T") {
		type[$2] = $3; acct[$2] = $4; amt[$2] = $5
	} else if ($1 == "H")
		res[$2] = $3
	else if ($1 == "W")
		bal[$2] = $3
	else if ($1 == "N")
		ntxn = $2
	else
		bad("ledger: " $0)
	next
}
FILENAME ~ /(reads|final)$/ {
	if ($1 == "X") {
		sub(/^X /, "")
		bad("read: " $0)
	} else if ($1 == "V")
		verifies++
	else
		reads++
	next
}
$1 == "B" { busy++; next }
{
	ops++
	op = $2; wk = $3; arg = $4; ref = $5
	if ($1 == "X") {
		sub(/^X /, "")
		bad("unexpected: " $0)
		next
	}
	if ($1 == "R") {
		refusals++
		if (ref in type)
			bad("refused " op " " ref " is in the ledger")
		next
	}
	commits++
	made++
	if (op == "earn")
		want = units(arg)
	else if (op == "cashout")
		want = -units(arg)
	else if (op == "buy" || op == "hold")
		want = -300 * arg
	else {
		# post, part, void: the hold resolved once, as asked
		if (!(ref in res))
			bad(op " of " ref ": no resolution in the ledger")
		else if (res[ref] != (op == "void" ? "void" : "post"))
			bad(op " of " ref ": resolved by a " res[ref])
		delta[wk] += op == "void" ? 300 * arg : op == "part" ? \
		    300 * arg - 100 : 0
		next
	}
	if (!(ref in type))
		bad(op " " ref " exited 0 but is not in the ledger")
	else if (type[ref] != op || acct[ref] != wk || amt[ref] != want)
		bad(op " " ref " " wk " " want ": the ledger has " type[ref] \
		    " " acct[ref] " " amt[ref])
	delta[wk] += want
}
END {
	for (i = 1; i <= workers; i++) {
		wk = sprintf("w%02d", i)
		if (bal[wk] + 0 != 1000 + delta[wk])
			bad(wk ": balance " bal[wk] + 0 ", the logs say " \
			    1000 + delta[wk])
	}
	# seed earnings, the two prices are not txns
	if (ntxn != workers + made)
		bad("ledger holds " ntxn " transactions, the logs " \
		    workers + made)
	printf "bank procs=%d workers=%d ops=%d commits=%d refusals=%d " \
	    "busy=%d reads=%d verifies=%d anomalies=%d seconds=%d\n", procs,
	    workers, ops, commits, refusals, busy, reads, verifies, anomalies,
	    seconds
	exit anomalies > 0
}' "$dir/ledger" "$dir/reads" "$dir/final" "$dir"/log.*
status=$?
if [ "$keep" -eq 0 ] && [ "$status" -eq 0 ]; then
	rm -rf "$dir"
else
	echo "bank: ledger and logs kept in $dir" >&2
fi
exit "$status"
