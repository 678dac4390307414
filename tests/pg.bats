#!/usr/bin/env bats
# A ledger in a PostgreSQL database: connecting, what is and is not a
# ledger there, passwords kept out of sight, the same hashes as SQLite,
# append-only rules in the database, and the writers' lock.  Run with
# tests/pg/check.sh; without TOK_TEST_PG every test skips.

load helper

# The key of the writers' advisory lock: tok's application id, 'tok1'.
LOCK_KEY=$((0x746f6b31))

# A socket directory with no server behind it.
NOWHERE='postgresql:///nodb?host=/nonexistent'

# refute_secret: stderr does not show the password "secret".
refute_secret() {
	[[ $stderr != *secret* ]] || fail "stderr shows the password: $stderr"
}

# must TOOL ARGS...: a tool that must succeed; for building fixtures.
must() {
	"$@" </dev/null >/dev/null 2>"$T/.must.err" ||
	    fail "fixture: $* failed: $(cat "$T/.must.err")"
}

# lock_holders: how many sessions hold the writers' lock on the ledger.
lock_holders() {
	q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND
	    database = (SELECT oid FROM pg_database WHERE datname =
	    current_database()) AND classid = 0 AND objid = $LOCK_KEY AND
	    granted"
}

# hold_lock: a session that takes the writers' lock and keeps it until
# release_lock; $holder is its pid.
hold_lock() {
	local i

	psql -X -q -d "$TOK_DB" -c "BEGIN; SELECT pg_advisory_xact_lock($LOCK_KEY);
	    SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 3>&- &
	holder=$!
	for i in $(seq 100); do
		[ "$(lock_holders)" = 1 ] && return 0
		sleep 0.05
	done
	fail "the lock was never taken"
}

release_lock() {
	q "SELECT pg_cancel_backend(pid) FROM pg_locks WHERE
	    locktype = 'advisory' AND objid = $LOCK_KEY AND granted" >/dev/null
	wait "$holder" || true
}

# ------------------------------------------------------- connecting

@test "pg: no server at the URL: cannot connect (exit 4), the URL named" {
	on_pg || skip "PostgreSQL only"
	t tok-report --db "$NOWHERE" balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line "^tok-report: postgresql:///nodb\\?host=/nonexistent: cannot connect: "
	t tok-earn --db "$NOWHERE" --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-earn: postgresql:///nodb\\?host=/nonexistent: cannot connect: "
	TOK_DB=$NOWHERE t tok-vote list
	assert_failure 4
	assert_stderr_line "^tok-vote: postgresql:///nodb\\?host=/nonexistent: cannot connect: "
	# postgres:// is the same thing.
	t tok-price --db 'postgres:///nodb?host=/nonexistent' list
	assert_failure 4
	assert_stderr_line "^tok-price: postgres:///nodb\\?host=/nonexistent: cannot connect: "
}

@test "pg: a database with another application's tables is not a ledger (exit 4), untouched" {
	on_pg || skip "PostgreSQL only"
	q 'CREATE TABLE users(id integer PRIMARY KEY, name text)'
	q "INSERT INTO users VALUES (1, 'ann')"
	snapshot
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-report: postgresql:///$PG_NAME\\?host=.*: not a tok ledger \\(a PostgreSQL database with other tables\\)\$"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line ': not a tok ledger '
	t tok-earn -n --ref r1 alice 1
	assert_failure 4
	assert_unchanged
	assert_no_ledger
}

@test "pg: reading an empty database: no ledger there (exit 4), nothing made" {
	on_pg || skip "PostgreSQL only"
	local cmd

	for cmd in 'tok-report balances' 'tok-report verify' \
	    'tok-price list' 'tok-vote list'; do
		t $cmd
		assert_failure 4
		assert_no_stdout
		assert_stderr_lines 1
		assert_stderr_line "^tok-[a-z]+: postgresql:///$PG_NAME\\?host=.*: no ledger there \\(the first write creates it; see --db\\)\$"
	done
	assert_no_ledger
	assert_equal "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
}

# -------------------------------------------------------- passwords

@test "pg: a password in --db is refused (exit 2) and never shown" {
	on_pg || skip "PostgreSQL only"
	local url tool

	for url in "postgresql://$ME:secret@/$PG_NAME?host=$TOK_TEST_PG" \
	    "postgres:///$PG_NAME?host=$TOK_TEST_PG&password=secret" \
	    "postgresql:///$PG_NAME?password=secret&host=$TOK_TEST_PG"; do
		for tool in 'tok-report balances' 'tok-earn --ref r1 alice 1' \
		    'tok-price list' 'tok-vote list'; do
			t ${tool%% *} --db "$url" ${tool#* }
			assert_failure 2
			assert_no_stdout
			assert_stderr_lines 1
			assert_stderr_line ': a password on the command line shows in ps; put it in ~/\.pgpass \(or PGPASSFILE\), or the URL in TOK_DB$'
			refute_secret
		done
	done
	assert_no_ledger
}

@test "pg: a password in TOK_DB is used, and never shown" {
	on_pg || skip "PostgreSQL only"
	local url

	# The test server trusts its socket: any password connects.
	TOK_DB="postgresql://$ME:secret@/$PG_NAME?host=$TOK_TEST_PG" \
	    t tok-earn --ref r1 alice 1
	assert_success
	assert_no_stderr
	TOK_DB="postgresql:///$PG_NAME?host=$TOK_TEST_PG&password=secret" \
	    t tok-spend buy --ref o1 alice nothing
	assert_failure
	assert_stderr_line '^tok-spend: '
	refute_secret
	TOK_DB="postgresql://$ME:secret@/$PG_NAME?host=$TOK_TEST_PG" \
	    t tok-report balance nobody
	assert_failure 1
	refute_secret
	# Where there is no server, the message names the URL without it.
	for url in 'postgresql://u:secret@/db?host=/nonexistent' \
	    'postgresql:///db?host=/nonexistent&password=secret' \
	    'postgres:///db?password=secret&host=/nonexistent&user=u'; do
		TOK_DB=$url t tok-report balances
		assert_failure 4
		assert_no_stdout
		assert_stderr_line ': cannot connect: '
		refute_secret
		TOK_DB=$url t tok-earn --ref r2 bob 1
		assert_failure 4
		refute_secret
	done
	TOK_DB='postgresql://u:secret@/db?host=/nonexistent' t tok-report balances
	assert_stderr_line '^tok-report: postgresql://u@/db\?host=/nonexistent: cannot connect: '
	TOK_DB='postgresql:///db?host=/nonexistent&password=secret' t tok-report balances
	assert_stderr_line '^tok-report: postgresql:///db\?host=/nonexistent&password=\*\*\*: cannot connect: '
	assert_equal "$(txn_count)" 1
}

@test "pg: a URL libpq cannot parse never shows its password" {
	on_pg || skip "PostgreSQL only"
	t tok-report --db 'postgresql://u:secret@[::1/db' balances
	assert_failure 4
	assert_no_stdout
	refute_secret
	assert_stderr_line '^tok-report: postgresql://u@\[::1/db: not a URL libpq can read'
	t tok-report --db 'postgresql://u:sec%zzret@/db?host=/nonexistent' balances
	assert_failure
	[[ $stderr != *sec%zzret* ]] || fail "stderr shows the password: $stderr"
	TOK_DB='postgresql://u:secret@[::1/db' t tok-report balances
	assert_failure 4
	refute_secret
	TOK_DB='postgresql:///db?host=/nonexistent&password=sec%zzret' \
	    t tok-report balances
	assert_failure 4
	[[ $stderr != *sec%zzret* ]] || fail "stderr shows the password: $stderr"
}

# ------------------------------------------------------ both engines

@test "pg: the same transactions give the same hashes on PostgreSQL and SQLite" {
	on_pg || skip "PostgreSQL only"
	local db

	cat >"$TOK_CONFIG" <<-'EOF'
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  above_cap: refuse
	EOF
	for db in "$TOK_DB" "$T/l.db"; do
		must tok-earn --db "$db" --ref a1 alice 10
		must tok-earn --db "$db" --ref b1 --memo 'Top reviewer ünïcode' \
		    --date 2026-07-01 bob 12.5
		must tok-price --db "$db" set service search 3 --per month \
		    --reason 'first price'
		must tok-price --db "$db" set exchange EUR 0.0125
		must tok-spend --db "$db" buy --ref o1 alice search 2
		must tok-spend --db "$db" hold --ref h1 --timeout 24h bob search
		must tok-spend --db "$db" void h1
		must tok-spend --db "$db" cashout --ref p1 alice all
	done
	t tok-report verify
	assert_success
	local pg_chain=${lines[4]} pg_prices=${lines[5]}
	assert_regex "$pg_chain" '^chain	ok		6 transactions, '
	assert_regex "$pg_prices" '^prices	ok		2 price changes, '
	t tok-report --db "$T/l.db" verify
	assert_success
	assert_equal "${lines[4]}" "$pg_chain"
	assert_equal "${lines[5]}" "$pg_prices"
	assert_equal "$(q 'SELECT txid, prev_hash, hash FROM txn ORDER BY txid')" \
	    "$(DB=$T/l.db q 'SELECT txid, prev_hash, hash FROM txn ORDER BY txid')"
	assert_equal "$(q 'SELECT id, hash FROM price_change ORDER BY id')" \
	    "$(DB=$T/l.db q 'SELECT id, hash FROM price_change ORDER BY id')"
	assert_equal "$(q 'SELECT * FROM posting ORDER BY txid, seq')" \
	    "$(DB=$T/l.db q 'SELECT * FROM posting ORDER BY txid, seq')"
}

@test "pg: the lists without a filter work as with one" {
	on_pg || skip "PostgreSQL only"
	cat >"$TOK_CONFIG" <<-'EOF'
	pricing:
	  above_cap: vote
	EOF
	earn --ref a1 alice 100
	must tok-price set service search 3
	must tok-price set exchange EUR 0.0125
	must tok-spend cashout --ref p1 alice 10
	must tok-vote propose 'search at 4' --action 'service search 4'
	t tok-price list
	assert_success
	assert_no_stderr
	assert_equal "${#lines[@]}" 3
	assert_output "$(tok-price list --kind service </dev/null;
	    tok-price list --kind exchange </dev/null | tail -n +2)"
	t tok-report payouts
	assert_success
	assert_no_stderr
	assert_output "$(tok-report payouts --status pending </dev/null)"
	t tok-vote list
	assert_success
	assert_no_stderr
	assert_output "$(tok-vote list --state open </dev/null)"
}

# ---------------------------------------------------- the database

@test "pg: the database keeps txn and posting append-only" {
	on_pg || skip "PostgreSQL only"
	local sql

	earn --ref r1 alice 1
	earn --ref r2 bob 2
	snapshot
	for sql in "UPDATE txn SET memo = 'x' WHERE txid = 1" \
	    'DELETE FROM txn WHERE txid = 2' 'TRUNCATE txn CASCADE' \
	    'UPDATE posting SET amount = 5 WHERE txid = 1' \
	    'DELETE FROM posting WHERE txid = 2' 'TRUNCATE posting' \
	    'DELETE FROM account_balance' 'TRUNCATE account_balance'; do
		t q "$sql"
		assert_failure
		assert_stderr_line 'the tok ledger is append-only'
	done
	assert_unchanged
	t tok-report verify
	assert_success
}

@test "pg: a dry run on an empty database leaves no ledger" {
	on_pg || skip "PostgreSQL only"
	t tok-earn -n --ref r1 alice 1
	assert_success
	assert_no_stderr
	assert_line --index 1 --regexp '^1	earn	alice	1\.00	r1	'
	t tok-price set -n service search 3
	assert_success
	t tok-vote propose -n 'Hello'
	assert_success
	assert_no_ledger
	assert_equal "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
	assert_equal "$(q "SELECT count(*) FROM pg_proc p JOIN pg_namespace n
	    ON n.oid = p.pronamespace WHERE n.nspname = 'public'")" 0
	# And the first real write makes it.
	t tok-earn --ref r1 alice 1
	assert_success
	assert_equal "$(txn_count)" 1
}

@test "pg: eight writers creating the ledger at once all succeed" {
	on_pg || skip "PostgreSQL only"
	local i pids=() failed=0

	for i in 1 2 3 4 5 6 7 8; do
		tok-earn --ref "r$i" "w$i" "$i" </dev/null >"$T/out.$i" \
		    2>"$T/err.$i" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4 5 6 7 8; do
		wait "${pids[i - 1]}" || {
			failed=$((failed + 1))
			echo "writer $i: $(cat "$T/err.$i")" >&2
		}
	done
	assert_equal "$failed" 0
	assert_equal "$(txn_count)" 8
	assert_equal "$(q 'SELECT count(DISTINCT ref) FROM txn')" 8
	assert_equal "$(q "SELECT min(txid) || '-' || max(txid) FROM txn")" 1-8
	assert_equal "$(ledger_sum)" 3600
	t tok-report verify
	assert_success
	assert_line --index 4 --regexp '^chain	ok		8 transactions, 16 postings, '
}

@test "pg: a writer gives up at --wait while another holds the lock (exit 4), nothing written" {
	on_pg || skip "PostgreSQL only"
	earn --ref r1 alice 1
	snapshot
	hold_lock
	SECONDS=0
	t tok-earn --wait 0.5 --ref r2 bob 2
	assert_failure 4
	assert_no_stdout
	assert_stderr_line ': ledger is locked by another process \(try --wait SECONDS\)$'
	t tok-vote --wait 0.5 propose 'Hello'
	assert_failure 4
	assert_stderr_line 'locked by another process'
	[ "$SECONDS" -lt 10 ] || fail "the writers waited ${SECONDS}s"
	# Readers do not wait for writers.
	t tok-report --wait 0 balances
	assert_success
	release_lock
	assert_unchanged
	t tok-earn --wait 0.5 --ref r2 bob 2
	assert_success
	assert_equal "$(txn_count)" 2
}

@test "pg: a writer within --wait goes on once the lock is released" {
	on_pg || skip "PostgreSQL only"
	local writer

	earn --ref r1 alice 1
	hold_lock
	tok-earn --wait 30 --ref r2 bob 2 </dev/null >"$T/out" 2>"$T/err" 3>&- &
	writer=$!
	sleep 0.5
	assert_equal "$(txn_count)" 1
	release_lock
	wait "$writer" || fail "the writer failed: $(cat "$T/err")"
	assert_equal "$(txn_count)" 2
	t tok-report verify
	assert_success
}
