#!/usr/bin/env bats
# Many writers on one ledger, and a writer killed halfway (DESIGN §3, §6).

load helper

# batch J N: N distinct records for batch J in b$J.tsv; amounts vary from
# 1.00 to 7.99 over 50 workers, refs b$J-$i.
batch() {
	awk -v j="$1" -v n="$2" 'BEGIN {
		print "worker\tamount\tref"
		for (i = 1; i <= n; i++)
			printf "w%02d\t%d.%02d\tb%d-%d\n", i % 50, i % 7 + 1, i % 100, j, i
	}' >"b$1.tsv"
}

# The sum of a batch file's amounts, in units, computed apart from tok.
units_of() {
	awk -F'\t' 'NR > 1 { split($2, p, "."); s += p[1] * 100 + p[2] }
	    END { printf "%d\n", s }' "$@"
}

# run_parallel: runs tok-earn b$J.tsv for J = 1..4 at once;
# their outputs in o$J, e$J and exit statuses in rc$J.
run_parallel() {
	local j pids=()
	for j in 1 2 3 4; do
		tok-earn --wait 120 "b$j.tsv" </dev/null >"o$j" 2>"e$j" 3>&- &
		pids+=($!)
	done
	for j in 1 2 3 4; do
		wait "${pids[j-1]}"
		echo $? >"rc$j"
	done
}

@test "concurrency: four batches of 2,000 at once: all land, exactly" {
	local j
	for j in 1 2 3 4; do
		batch "$j" 2000
	done
	run_parallel
	for j in 1 2 3 4; do
		assert_equal "$(cat "rc$j")" 0
		[ ! -s "e$j" ] || fail "batch $j: $(cat "e$j")"
		assert_equal "$(wc -l <"o$j")" 2001
		assert_equal "$(grep -c '	new$' "o$j")" 2000
	done
	assert_equal "$(txn_count)" 8000
	assert_equal "$(q 'SELECT count(DISTINCT ref) FROM txn')" 8000
	assert_equal "$(q "SELECT min(txid) || '-' || max(txid) FROM txn")" 1-8000
	assert_equal "$(ledger_sum)" "$(units_of b1.tsv b2.tsv b3.tsv b4.tsv)"
	assert_equal "$(ledger_zero)" 0
	# Every receipt's txids are the ledger's for those refs.
	cat o1 o2 o3 o4 | awk -F'\t' 'NR > 1 && $1 != "txid" { print $5 "|" $1 }' |
	    sort >receipts
	q "SELECT ref || '|' || txid FROM txn" | sort >ledger
	cmp receipts ledger || fail "receipts and ledger disagree"
	t tok-report verify
	assert_success
	assert_line --index 4 --regexp '^chain	ok		8000 transactions, 16000 postings'
}

@test "concurrency: the same four batches again at once: all exist, nothing changes" {
	local j
	for j in 1 2 3 4; do
		batch "$j" 2000
		earn "b$j.tsv"
	done
	snapshot
	run_parallel
	for j in 1 2 3 4; do
		assert_equal "$(cat "rc$j")" 0
		[ ! -s "e$j" ] || fail "batch $j: $(cat "e$j")"
		assert_equal "$(grep -c '	exists$' "o$j")" 2000
	done
	assert_unchanged
	assert_equal "$(txn_count)" 8000
}

@test "concurrency: eight single earnings at once: eight transactions" {
	local i pids=()
	for i in 1 2 3 4 5 6 7 8; do
		tok-earn --wait 60 --ref s$i w$i $i </dev/null >"o$i" 2>"e$i" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4 5 6 7 8; do
		wait "${pids[i-1]}" || fail "earning $i failed: $(cat "e$i")"
		assert_equal "$(sed -n '2p' "o$i" | cut -f3-5,7)" \
		    "$(printf 'w%d\t%d.00\ts%d\tnew' "$i" "$i" "$i")"
	done
	assert_equal "$(txn_count)" 8
	assert_equal "$(q_join , 'SELECT txid FROM txn ORDER BY txid')" \
	    1,2,3,4,5,6,7,8
	assert_equal "$(ledger_sum)" 3600
	# Each receipt names its own txid.
	assert_equal "$(for i in 1 2 3 4 5 6 7 8; do sed -n '2p' "o$i" | cut -f1; done |
	    sort -n | tr '\n' ' ')" "1 2 3 4 5 6 7 8 "
	t tok-report verify
	assert_success
}

@test "concurrency: eight of the same earning at once: one new, seven exist" {
	local i pids=()
	for i in 1 2 3 4 5 6 7 8; do
		tok-earn --wait 60 --ref same alice 5 </dev/null >"o$i" 2>"e$i" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4 5 6 7 8; do
		wait "${pids[i-1]}" || fail "earning $i failed: $(cat "e$i")"
	done
	assert_equal "$(cat o1 o2 o3 o4 o5 o6 o7 o8 | grep -c '	new$')" 1
	assert_equal "$(cat o1 o2 o3 o4 o5 o6 o7 o8 | grep -c '	exists$')" 7
	assert_equal "$(txn_count)" 1
	assert_equal "$(ledger_sum)" 500
}

@test "concurrency: kill -9 halfway through a 100,000-record batch: nothing or everything" {
	local n=100000
	awk -v n="$n" 'BEGIN {
		print "worker\tamount\tref"
		for (i = 1; i <= n; i++)
			printf "w%03d\t1.%02d\tbig-%d\n", i % 500, i % 100, i
	}' >big.tsv
	earn --ref seed alice 1
	tok-earn big.tsv </dev/null >/dev/null 2>&1 3>&- &
	local pid=$! i size
	if on_pg; then
		# Until the batch holds the write lock (or 4 s have passed),
		# and then a moment more, for it to be well into its rows.
		for i in $(seq 80); do
			[ "$(q "SELECT count(*) FROM pg_locks
			    WHERE locktype = 'advisory' AND granted")" -gt 0 ] &&
			    break
			sleep 0.05
		done
		sleep 1
	else
		# Until the batch is writing pages into the WAL (or 4 s have
		# passed).
		for i in $(seq 80); do
			size=$(stat -c %s "$TOK_DB-wal" 2>/dev/null || echo 0)
			[ "$size" -gt 1048576 ] && break
			sleep 0.05
		done
	fi
	kill -9 "$pid"
	wait "$pid" || true
	on_pg || assert_equal "$(q 'PRAGMA integrity_check')" ok
	local count
	count=$(txn_count)
	[ "$count" -eq 1 ] || [ "$count" -eq $((n + 1)) ] ||
	    fail "after kill -9: $count transactions, neither 1 nor $((n + 1))"
	# The re-run completes it.
	t tok-earn big.tsv
	assert_success
	assert_no_stderr
	assert_equal "${#lines[@]}" $((n + 1))
	assert_equal "$(txn_count)" $((n + 1))
	assert_equal "$(ledger_sum)" $((100 + $(units_of big.tsv)))
	t tok-report verify
	assert_success
	assert_line --index 4 --regexp "^chain	ok		$((n + 1)) transactions"
}
