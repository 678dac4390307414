#!/usr/bin/env bats
# The ledger file: creation, lookup, refusal of other files, append-only,
# tamper evidence, locking, keyed chains (DESIGN §3, §4, §9).

load helper

# 'tok1' in PRAGMA application_id.
APP_ID=$((0x746f6b31))

# Five earnings, txid 1 to 5: w1 1.00 ... w5 5.00.
five() {
	local i
	for i in 1 2 3 4 5; do
		earn --ref r$i --memo "memo $i" w$i $i
	done
}

# The schema row of a ledger as tok made it.
SCHEMA_OK="^schema	ok		$SCHEMA_SUMMARY\$"

# hold_lock [SQL]: takes the ledger's write lock from the background
# (BEGIN IMMEDIATE on SQLite, tok's advisory lock on PostgreSQL), runs
# SQL inside, and holds it until $T/release appears (10 s at most), then
# rolls back.  $T/locked appears once the lock is held; HOLDER is its pid.
hold_lock() {
	if on_pg; then
		( echo 'BEGIN;'; echo "SELECT pg_advisory_xact_lock($APP_ID);"
		  echo "${1:-}"
		  echo "\\! touch $T/locked"
		  for _ in $(seq 100); do [ -e "$T/release" ] && break; sleep 0.1; done
		  echo 'ROLLBACK;' ) |
		    psql -X -q -v ON_ERROR_STOP=1 -d "$TOK_DB" >/dev/null 2>&1 3>&- &
	else
		# .timeout: the holder itself never loses the race for the lock.
		( echo '.timeout 5000'; echo 'BEGIN IMMEDIATE;'
		  echo "${1:-}"
		  echo ".system touch $T/locked"
		  for _ in $(seq 100); do [ -e "$T/release" ] && break; sleep 0.1; done
		  echo 'ROLLBACK;' ) | sqlite3 -batch "$TOK_DB" >/dev/null 2>&1 3>&- &
	fi
	HOLDER=$!
	for _ in $(seq 50); do
		[ -e "$T/locked" ] && break
		sleep 0.1
	done
	[ -e "$T/locked" ] || fail "could not take the lock"
}

@test "ledger: created on first write with mode 0600, in WAL, schema 4, tok's application id" {
	sqlite_only "the mode, journal and PRAGMAs of the ledger file"
	umask 000
	t tok-earn --ref r1 alice 1
	umask 022
	assert_success
	assert_equal "$(stat -c %a "$TOK_DB")" 600
	assert_equal "$(q 'PRAGMA journal_mode')" wal
	assert_equal "$(q 'PRAGMA user_version')" 4
	assert_equal "$(q 'PRAGMA application_id')" "$APP_ID"
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'decimals'")" 2
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'chain'")" sha256
	assert_equal "$(q 'PRAGMA integrity_check')" ok
	# The ledger's own files are never readable by others either.
	local f
	for f in "$TOK_DB"-wal "$TOK_DB"-shm; do
		[ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ] ||
		    fail "$f has mode $(stat -c %a "$f")"
	done
}

@test "ledger: without TOK_DB it lives in \$XDG_DATA_HOME/tok, else ~/.local/share/tok" {
	unset TOK_DB
	export XDG_DATA_HOME="$T/xdg"
	t tok-earn --ref r1 alice 1
	assert_success
	[ -f "$XDG_DATA_HOME/tok/ledger.db" ] || fail "no $XDG_DATA_HOME/tok/ledger.db"
	assert_equal "$(stat -c %a "$XDG_DATA_HOME/tok/ledger.db")" 600
	[ ! -e "$HOME/.local/share/tok/ledger.db" ] || fail "made one in HOME too"
	t tok-report balance alice
	assert_success
	assert_line --index 1 "$(printf 'alice\t1.00')"

	unset XDG_DATA_HOME
	t tok-earn --ref r2 bob 2
	assert_success
	[ -f "$HOME/.local/share/tok/ledger.db" ] || fail "no ~/.local/share/tok/ledger.db"
	t tok-report balances
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	bob|2.00
	EOF
	# A relative XDG_DATA_HOME is ignored (XDG Base Directory spec).
	export XDG_DATA_HOME=relative
	t tok-report balances
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	bob|2.00
	EOF
	[ ! -e relative ] || fail "a relative XDG_DATA_HOME was used"
}

@test "ledger: --db overrides TOK_DB" {
	t tok-earn --db "$T/opt.db" --ref r1 alice 1
	assert_success
	[ -f "$T/opt.db" ] || fail "no opt.db"
	assert_no_ledger
	t tok-report --db "$T/opt.db" balances
	assert_success
	assert_line --index 1 "$(printf 'alice\t1.00')"
	t tok-report balances
	assert_failure 4
	assert_no_ledger
}

@test "ledger: an SQLite file of another application is refused and left untouched" {
	sqlite3 "$T/foo.db" "CREATE TABLE foo(x); INSERT INTO foo VALUES (42);"
	local before
	before=$(file_hash "$T/foo.db")
	t tok-earn --db "$T/foo.db" --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*foo\.db: not a tok ledger'
	t tok-report --db "$T/foo.db" balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'not a tok ledger'
	assert_equal "$(file_hash "$T/foo.db")" "$before"
	for f in "$T/foo.db-wal" "$T/foo.db-shm" "$T/foo.db-journal"; do
		[ ! -e "$f" ] || fail "$f was created"
	done
}

@test "ledger: a tok ledger of a newer schema is refused untouched" {
	earn --ref r1 alice 1
	if on_pg; then
		q 'UPDATE tok_ledger SET version = 99'
	else
		q 'PRAGMA user_version = 99' >/dev/null
	fi
	snapshot
	t tok-earn --ref r2 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '99'
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_unchanged
}

@test "ledger: a file that is not SQLite is refused byte for byte untouched, no -wal/-shm" {
	head -c 8192 /dev/urandom >"$T/garbage.db"
	printf 'worker\tamount\n' >"$T/text.db"
	local g t2
	g=$(file_hash "$T/garbage.db")
	t2=$(file_hash "$T/text.db")
	for db in garbage.db text.db; do
		t tok-earn --db "$T/$db" --ref r1 alice 1
		assert_failure 4
		assert_no_stdout
		assert_stderr_line "^tok-earn: .*$db: not a tok ledger"
		t tok-report --db "$T/$db" verify
		assert_failure 4
		assert_no_stdout
		for f in "$T/$db-wal" "$T/$db-shm" "$T/$db-journal"; do
			[ ! -e "$f" ] || fail "$f was created"
		done
	done
	assert_equal "$(file_hash "$T/garbage.db")" "$g"
	assert_equal "$(file_hash "$T/text.db")" "$t2"
}

@test "ledger: a world-writable ledger is refused and left untouched" {
	sqlite_only "the mode of the ledger file"
	earn --ref r1 alice 1
	chmod 666 "$TOK_DB"
	snapshot
	t tok-earn --ref r2 bob 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*world-writable'
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-report: .*world-writable'
	assert_unchanged
	assert_equal "$(stat -c %a "$TOK_DB")" 666
}

@test "ledger: append-only: UPDATE and DELETE are refused by the schema itself" {
	five
	snapshot
	local sql
	for sql in "UPDATE posting SET amount = 1" "DELETE FROM txn" \
	    "DELETE FROM posting" "UPDATE txn SET memo = 'x'" \
	    "DELETE FROM account_balance"; do
		run q "$sql"
		[ "$status" -ne 0 ] || fail "'$sql' was allowed"
		[[ $output == *append-only* ]] || fail "'$sql': $output"
	done
	assert_unchanged
	t tok-report verify
	assert_success
}

@test "ledger: tamper: a posting's amount changed in txid 2 fails verify (exit 5) naming txid 2" {
	five
	# The attacker leaves the trigger dropped: the schema check names it
	# beside what the data checks find.
	drop_trigger posting_no_update posting
	q "UPDATE posting SET amount = amount + 100 WHERE txid = 2 AND seq = 2"
	t tok-report verify
	assert_failure 5
	assert_line --index 0 "$(printf 'check\tstatus\ttxid\tdetail')"
	assert_line --index 1 --regexp "^sum	failed	2	."
	assert_line --index 2 "$(printf 'nonnegative\tok\t\t')"
	# The cache names an account, not a transaction.
	assert_line --index 3 --regexp "^cache	failed		.*w2"
	assert_line --index 4 --regexp "^chain	failed	2	."
	assert_line --index 5 --regexp "^prices	ok		0 price changes"
	# The schema check names an object, not a transaction.
	assert_line --index 6 "$(printf 'schema\tfailed\t\t%s' \
	    "$(trigger_missing posting_no_update posting)")"
	assert_equal "${#lines[@]}" 7
	# One line per failed check.
	assert_stderr_line '^tok-report: verify: sum: txid 2: '
	assert_stderr_line '^tok-report: verify: cache: .*w2'
	assert_stderr_line '^tok-report: verify: chain: txid 2: '
	assert_stderr_line "^tok-report: verify: schema: $(trigger_missing \
	    posting_no_update posting)\$"
	assert_stderr_lines 4
}

@test "ledger: tamper: a memo changed in txid 3 breaks the chain at 3" {
	five
	tamper "UPDATE txn SET memo = 'memo 33' WHERE txid = 3"
	t tok-report verify
	assert_failure 5
	assert_line --index 1 "$(printf 'sum\tok\t\t')"
	assert_line --index 2 "$(printf 'nonnegative\tok\t\t')"
	assert_line --index 3 "$(printf 'cache\tok\t\t')"
	assert_line --index 4 --regexp "^chain	failed	3	"
	# The trigger is back as it was: only the chain can tell.
	assert_line --index 6 --regexp "$SCHEMA_OK"
	assert_stderr_lines 1
	assert_stderr_line '^tok-report: verify: chain: txid 3'
}

@test "ledger: tamper: a re-hashed forgery still breaks the link to the next one" {
	five
	# Change txid 3 and give it a made-up hash: txid 4 no longer follows.
	tamper "UPDATE txn SET memo = 'forged', hash = '$(printf '%064d' 7)'
	    WHERE txid = 3"
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp "^chain	failed	3	"
	assert_line --index 6 --regexp "$SCHEMA_OK"
	assert_stderr_lines 1
}

@test "ledger: tamper: a transaction deleted in the middle is named by the next txid" {
	five
	tamper "DELETE FROM posting WHERE txid = 3; DELETE FROM txn WHERE txid = 3"
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp "^chain	failed	4	"
	assert_line --index 6 --regexp "$SCHEMA_OK"
	assert_stderr_line '^tok-report: verify: chain: txid 4'
}

@test "ledger: tamper: a worker's cached balance changed is caught by the cache check" {
	five
	q "UPDATE account_balance SET amount = 1 WHERE account = 'w5'"
	t tok-report verify
	assert_failure 5
	assert_line --index 1 "$(printf 'sum\tok\t\t')"
	assert_line --index 3 --regexp "^cache	failed		.*w5"
	assert_line --index 4 --regexp "^chain	ok		5 transactions"
	# No trigger stands in the way of that edit.
	assert_line --index 6 --regexp "$SCHEMA_OK"
	assert_stderr_line '^tok-report: verify: cache: .*w5'
	assert_stderr_lines 1
}

@test "ledger: a ledger locked by another writer: exit 4 after --wait, unchanged" {
	earn --ref r1 alice 1
	snapshot
	local start end
	hold_lock
	start=$(date +%s%N)
	t tok-earn --wait 0.5 --ref r2 bob 1
	end=$(date +%s%N)
	touch "$T/release"
	wait "$HOLDER"
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*locked'
	[ $(((end - start) / 1000000)) -ge 400 ] ||
	    fail "gave up after $(((end - start) / 1000000)) ms, before --wait 0.5"
	[ $(((end - start) / 1000000)) -lt 3000 ] ||
	    fail "took $(((end - start) / 1000000)) ms for --wait 0.5"
	assert_unchanged
	# Once free, the same earning lands.
	t tok-earn --wait 0.5 --ref r2 bob 1
	assert_success
	assert_equal "$(txn_count)" 2
}

@test "ledger: readers are not blocked by a writer holding the lock" {
	earn --ref r1 alice 1
	hold_lock "INSERT INTO meta VALUES ('x', 'y');"
	t tok-report --wait 0 balances
	touch "$T/release"
	wait "$HOLDER"
	assert_success
	assert_line --index 1 "$(printf 'alice\t1.00')"
}

# A config naming a key file.
keyed_config() {
	head -c 32 /dev/urandom >"$T/chain.key"
	chmod 600 "$T/chain.key"
	printf 'ledger:\n  hmac_key_file: %s\n' "$T/chain.key" >"$T/keyed.yaml"
	chmod 600 "$T/keyed.yaml"
}

@test "ledger: hmac: a key file makes a keyed chain; verify passes with the key" {
	keyed_config
	t tok-earn --config "$T/keyed.yaml" --ref r1 alice 1
	assert_success
	t tok-earn --config "$T/keyed.yaml" --ref r2 bob 2
	assert_success
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'chain'")" hmac-sha256
	t tok-report --config "$T/keyed.yaml" verify
	assert_success
	assert_line --index 4 --regexp "^chain	ok		2 transactions, 4 postings, head $(chain_head)\$"
	# Another key is a failed verification, not a pass.
	head -c 32 /dev/urandom >"$T/chain.key"
	t tok-report --config "$T/keyed.yaml" verify
	assert_failure 5
	assert_line --index 4 --regexp "^chain	failed	1	"
}

@test "ledger: hmac: without the key a keyed ledger cannot be written or verified (exit 4)" {
	keyed_config
	earn --config "$T/keyed.yaml" --ref r1 alice 1
	snapshot
	t tok-report verify
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'hmac_key_file|key'
	t tok-earn --ref r2 bob 1
	assert_failure 4
	assert_no_stdout
	assert_unchanged
}

@test "ledger: hmac: a key file readable by others is refused (exit 4)" {
	keyed_config
	earn --config "$T/keyed.yaml" --ref r1 alice 1
	chmod 644 "$T/chain.key"
	snapshot
	t tok-report --config "$T/keyed.yaml" verify
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'chain\.key'
	t tok-earn --config "$T/keyed.yaml" --ref r2 bob 1
	assert_failure 4
	assert_no_stdout
	assert_unchanged
	# Nor is a new ledger made with it.
	t tok-earn --config "$T/keyed.yaml" --db "$T/new.db" --ref r1 alice 1
	assert_failure 4
	assert_no_ledger "$T/new.db"
}

@test "ledger: hmac: a plain ledger is not opened with a key configured" {
	earn --ref r1 alice 1
	keyed_config
	snapshot
	t tok-earn --config "$T/keyed.yaml" --ref r2 bob 1
	assert_failure 4
	assert_no_stdout
	assert_unchanged
}

@test "ledger: tamper: the last transaction deleted is caught by the balance cache" {
	five
	tamper "DELETE FROM posting WHERE txid = 5; DELETE FROM txn WHERE txid = 5"
	t tok-report verify
	assert_failure 5
	assert_line --index 3 --regexp "^cache	failed		"
	# The chain alone cannot see it (tok-report(1)): still a valid chain.
	assert_line --index 4 --regexp "^chain	ok		4 transactions"
	# Nor can the schema, the triggers put back.
	assert_line --index 6 --regexp "$SCHEMA_OK"
	assert_stderr_lines 1
}

@test "ledger: tamper: postings without their transaction fail the sum check" {
	five
	# PostgreSQL checks the foreign key to txn: the attacker drops it
	# (the schema check compares no constraints).
	! on_pg || q "ALTER TABLE posting DROP CONSTRAINT posting_txid_fkey"
	q "INSERT INTO posting(txid, seq, account, amount)
	    VALUES (99, 1, 'platform:issued', -100), (99, 2, 'w1', 100)"
	t tok-report verify
	assert_failure 5
	assert_line --index 1 --regexp "^sum	failed	99	"
	assert_stderr_line '^tok-report: verify: sum: txid 99: '
}

@test "ledger: tamper: a worker taken below zero fails the nonnegative check" {
	five
	# txid 6 takes 3.00 from w1, who has 1.00: balanced, chained, cached.
	tamper "INSERT INTO txn SELECT 6, 'steal', 'earn', date, recorded, actor, '',
	      NULL, hash, hash FROM txn WHERE txid = 5;
	    INSERT INTO posting VALUES (6, 1, 'w1', -300), (6, 2, 'platform:issued', 300);"
	t tok-report verify
	assert_failure 5
	assert_line --index 2 --regexp "^nonnegative	failed	6	.*w1"
	assert_line --index 6 --regexp "$SCHEMA_OK"
}

# schema_fails_each: for each "SQL|MESSAGE" line of stdin, on the
# five-transaction ledger as it was: after SQL, verify fails the schema
# check alone, naming MESSAGE.
schema_fails_each() {
	save_ledger clean
	local sql want
	while IFS='|' read -r sql want; do
		restore_ledger clean
		q "$sql"
		t tok-report verify
		assert_failure 5
		# The data are as they were.
		assert_line --index 1 "$(printf 'sum\tok\t\t')"
		assert_line --index 4 --regexp "^chain	ok		5 transactions"
		assert_line --index 6 "$(printf 'schema\tfailed\t\t%s' "$want")"
		assert_stderr_line "^tok-report: verify: schema: $want\$"
		assert_stderr_lines 1
	done
}

@test "ledger: tamper: a table, view, index or trigger added fails the schema check naming it" {
	sqlite_only "the objects of sqlite_master (see the PostgreSQL test below)"
	five
	schema_fails_each <<-'EOF'
	CREATE TABLE notes(x)|table notes is not part of a tok ledger
	CREATE VIEW rich AS SELECT * FROM account_balance|view rich is not part of a tok ledger
	CREATE INDEX txn_memo ON txn(memo)|index txn_memo is not part of a tok ledger
	CREATE TRIGGER txn_log AFTER INSERT ON txn BEGIN SELECT 1; END|trigger txn_log is not part of a tok ledger
	EOF
	# Nor is it SQLite's own: its statistics (ANALYZE) are no difference.
	restore_ledger clean
	q "ANALYZE"
	assert_equal "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")" 1
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp "$SCHEMA_OK"
}

@test "ledger: tamper: a trigger replaced, an index or a table dropped: the schema check names it" {
	sqlite_only "the SQL of sqlite_master (see the PostgreSQL test below)"
	five
	save_ledger clean
	# An append-only trigger that no longer refuses: edits go through.
	q "DROP TRIGGER txn_no_update;
	    CREATE TRIGGER txn_no_update BEFORE UPDATE ON txn BEGIN SELECT 1; END;"
	q "UPDATE txn SET memo = memo WHERE txid = 3"
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp "^chain	ok		5 transactions"
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttrigger txn_no_update differs from the schema of version 4')"
	assert_stderr_line '^tok-report: verify: schema: trigger txn_no_update differs from the schema of version 4$'
	assert_stderr_lines 1
	# The same trigger with other spacing is other SQL too: the schema is
	# compared byte for byte.
	restore_ledger clean
	q "DROP TRIGGER txn_no_delete;
	    CREATE TRIGGER txn_no_delete BEFORE DELETE ON txn BEGIN
	    SELECT RAISE(ABORT, 'the tok ledger is append-only'); END;"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 --regexp '^schema	failed		trigger txn_no_delete differs '
	# The balance trigger of schema 1, put back in a schema 4 ledger.
	restore_ledger clean
	q "DROP TRIGGER posting_balance;
	    CREATE TRIGGER posting_balance AFTER INSERT ON posting BEGIN
	      INSERT INTO account_balance(account, amount)
	      VALUES (new.account, new.amount)
	      ON CONFLICT(account) DO UPDATE SET amount = amount + excluded.amount;
	    END;"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 --regexp '^schema	failed		trigger posting_balance differs '
	# An index dropped is missing.
	restore_ledger clean
	q "DROP INDEX posting_account"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\tindex posting_account is missing')"
	# Put back as it was, it passes.
	q "CREATE INDEX posting_account ON posting(account, txid, amount);"
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp "$SCHEMA_OK"
	# A table dropped, with its triggers: the table is named first.
	restore_ledger clean
	q "DROP TABLE settlement"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttable settlement is missing')"
	assert_stderr_lines 1
	# Without a table that verify reads there is nothing to verify: the
	# ledger is unusable.
	restore_ledger clean
	q "DROP TABLE txn"
	t tok-report verify
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-report: .*: reading transactions: no such table: txn$'
}

# canonical TXID: the encoding of tok(7), "The hash chain", of a stored
# transaction, built in the shell from its columns: each field as its
# length in bytes, ":", the field and ",".
canonical() {
	local f account amount

	field() {
		local LC_ALL=C

		printf '%d:%s,' "${#1}" "$1"
	}
	field tok-txn-1
	for f in prev_hash txid ref type date recorded actor memo \
	    'coalesce(reverses, 0)'; do
		field "$(q "SELECT $f FROM txn WHERE txid = $1")"
	done
	field "$(q "SELECT count(*) FROM posting WHERE txid = $1")"
	while IFS='|' read -r account amount; do
		field "$account"
		field "$amount"
	done < <(q "SELECT account, amount FROM posting WHERE txid = $1
	    ORDER BY seq")
}

@test "ledger: every stored hash is SHA-256 of the encoding documented in tok(7)" {
	five
	earn --ref 'r/6:x,' --memo "$(printf 'tab\there — ü, 12:34')" --date 2026-01-31 w6 0.01
	local i prev=0000000000000000000000000000000000000000000000000000000000000000
	for i in 1 2 3 4 5 6; do
		assert_equal "$(q "SELECT prev_hash FROM txn WHERE txid = $i")" "$prev"
		prev=$(canonical "$i" | sha256sum | cut -d' ' -f1)
		assert_equal "$(q "SELECT hash FROM txn WHERE txid = $i")" "$prev"
	done
	assert_equal "$(canonical 1)" \
	    "9:tok-txn-1,64:0000000000000000000000000000000000000000000000000000000000000000,1:1,2:r1,4:earn,10:$TODAY,20:$NOW,${#ME}:$ME,6:memo 1,1:0,1:2,15:platform:issued,4:-100,2:w1,3:100,"
}

@test "ledger: a keyed chain is HMAC-SHA-256 of the same encoding" {
	command -v openssl >/dev/null || skip "no openssl(1) to recompute HMACs"
	keyed_config
	earn --config "$T/keyed.yaml" --ref r1 alice 1
	earn --config "$T/keyed.yaml" --ref r2 bob 2
	local i key want
	key=$(od -An -v -tx1 "$T/chain.key" | tr -d ' \n')
	for i in 1 2; do
		want=$(canonical "$i" |
		    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" |
		    sed 's/.*= //')
		assert_equal "$(q "SELECT hash FROM txn WHERE txid = $i")" "$want"
	done
	# Not the plain SHA-256.
	refute [ "$(canonical 1 | sha256sum | cut -d' ' -f1)" = \
	    "$(q 'SELECT hash FROM txn WHERE txid = 1')" ]
}

@test "ledger: the default location's directories are made 0700" {
	unset TOK_DB
	t tok-earn --ref r1 alice 1
	assert_success
	assert_equal "$(stat -c %a "$HOME/.local/share/tok")" 700
	assert_equal "$(stat -c %a "$HOME/.local/share/tok/ledger.db")" 600
}

@test "ledger: a schema 1 ledger is migrated forward by the first write, in one go" {
	sqlite_only "the schema 1 fixture is an SQLite file; PostgreSQL ledgers begin at schema 4"
	sqlite3 -batch "$TOK_DB" <"$BATS_TEST_DIRNAME/data/ledger-v1.sql"
	chmod 600 "$TOK_DB"
	snapshot
	# A report does not write: it says how to migrate and leaves it be.
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'schema 1 is older'
	assert_unchanged
	t tok-earn --ref t-3 carol 1
	assert_success
	assert_equal "$(q 'PRAGMA user_version')" 4
	assert_equal "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'price_change'")" 1
	t tok-report balances
	assert_success
	assert_tsv <<-EOF
	worker|amount
	alice|10.00
	bob|2.50
	carol|1.00
	EOF
	t tok-report verify
	assert_success
	# Migrated, the schema is the one a new ledger gets, byte for byte.
	assert_line --index 6 --regexp "$SCHEMA_OK"
	local objects="SELECT type, name, tbl_name, sql FROM sqlite_master
	    ORDER BY name"
	earn --db "$T/new.db" --ref n-1 dave 1
	assert_equal "$(q "$objects")" "$(DB="$T/new.db" q "$objects")"
}

# ------------------------------------------------- PostgreSQL's own ledger

@test "ledger: PostgreSQL: created on first write in an empty database, marked as tok's, schema 4" {
	on_pg || skip "PostgreSQL only"
	t tok-earn --ref r1 alice 1
	assert_success
	assert_equal "$(q 'SELECT application_id, version FROM tok_ledger')" \
	    "$APP_ID|4"
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'decimals'")" 2
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'chain'")" sha256
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'created'")" "$NOW"
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp "$SCHEMA_OK"
}

@test "ledger: PostgreSQL: a database with other tables is not a tok ledger, left untouched" {
	on_pg || skip "PostgreSQL only"
	q "CREATE TABLE foo(x integer); INSERT INTO foo VALUES (42)"
	snapshot
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-earn: postgresql:.*: not a tok ledger \(a PostgreSQL database with other tables\)$'
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'not a tok ledger'
	assert_unchanged
	# Nor is one whose tok_ledger table bears another mark.
	fresh_ledger
	q "CREATE TABLE tok_ledger(application_id integer NOT NULL,
	    version integer NOT NULL); INSERT INTO tok_ledger VALUES (42, 4)"
	snapshot
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-earn: postgresql:.*: not a tok ledger \(its tok_ledger table has another mark\)$'
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'not a tok ledger'
	assert_unchanged
}

@test "ledger: PostgreSQL: TRUNCATE, which skips row triggers, is refused by the schema too" {
	on_pg || skip "PostgreSQL only"
	five
	snapshot
	local table
	for table in txn posting account_balance price_change hold payout \
	    settlement proposal vote outcome; do
		run q "TRUNCATE $table CASCADE"
		[ "$status" -ne 0 ] || fail "TRUNCATE $table was allowed"
		[[ $output == *append-only* ]] || fail "TRUNCATE $table: $output"
	done
	assert_unchanged
	t tok-report verify
	assert_success
}

@test "ledger: PostgreSQL: a table, view or trigger added fails the schema check naming it" {
	on_pg || skip "PostgreSQL only"
	five
	schema_fails_each <<-'EOF'
	CREATE TABLE notes(x integer)|table notes is not part of a tok ledger
	CREATE VIEW rich AS SELECT * FROM account_balance|table rich is not part of a tok ledger
	CREATE TRIGGER txn_log AFTER INSERT ON txn FOR EACH ROW EXECUTE FUNCTION tok_append_only()|trigger txn_log on txn is not part of a tok ledger
	EOF
	# Indexes are not compared on PostgreSQL, nor are the server's
	# statistics a difference.
	restore_ledger clean
	q "CREATE INDEX txn_memo ON txn(memo); ANALYZE"
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp "$SCHEMA_OK"
}

@test "ledger: PostgreSQL: a trigger dropped, disabled or replaced, a function or table changed: the schema check names it" {
	on_pg || skip "PostgreSQL only"
	five
	save_ledger clean
	# A trigger dropped: edits go through, and the check names it with
	# its table.
	drop_trigger txn_no_update txn
	q "UPDATE txn SET memo = memo WHERE txid = 3"
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp "^chain	ok		5 transactions"
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttrigger txn_no_update on txn is missing')"
	assert_stderr_line '^tok-report: verify: schema: trigger txn_no_update on txn is missing$'
	assert_stderr_lines 1
	# A trigger disabled is there, and does nothing.
	restore_ledger clean
	q "ALTER TABLE posting DISABLE TRIGGER posting_no_delete"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttrigger posting_no_delete is disabled')"
	assert_stderr_line '^tok-report: verify: schema: trigger posting_no_delete is disabled$'
	assert_stderr_lines 1
	# Enabled again, it passes.
	q "ALTER TABLE posting ENABLE TRIGGER posting_no_delete"
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp "$SCHEMA_OK"
	# A trigger put back calling another function.
	restore_ledger clean
	drop_trigger txn_no_delete txn
	q "CREATE TRIGGER txn_no_delete BEFORE DELETE ON txn
	    FOR EACH ROW EXECUTE FUNCTION tok_posting_balance()"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttrigger txn_no_delete calls tok_posting_balance, not tok_append_only')"
	# The append-only function made to let everything through.
	restore_ledger clean
	q 'CREATE OR REPLACE FUNCTION tok_append_only() RETURNS trigger
	    LANGUAGE plpgsql AS $$BEGIN RETURN OLD; END$$'
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\tfunction tok_append_only differs from the schema of version 4')"
	assert_stderr_lines 1
	# A table dropped is missing.
	restore_ledger clean
	q "DROP TABLE settlement"
	t tok-report verify
	assert_failure 5
	assert_line --index 6 "$(printf 'schema\tfailed\t\ttable settlement is missing')"
	assert_stderr_lines 1
}
