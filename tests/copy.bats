#!/usr/bin/env bats
# tok-report copy: a whole ledger into a new one, on either engine, every
# row with its ids and hashes, verified before it commits.  The source is
# the test's own ledger (an SQLite file, or a PostgreSQL database under
# tests/pg/check.sh); the destinations are files and, on PostgreSQL, a
# second database.

load helper

# The copy's receipt for the economy below: every table has rows.
COUNTS='table|rows
meta|3
txn|11
posting|23
price_change|4
hold|1
payout|2
settlement|2
proposal|2
vote|4
outcome|1'

# The tables copy writes, and the balance cache it makes again.
TABLES='meta txn posting account_balance price_change hold payout
settlement proposal vote outcome'

policy() {
	cat >"$TOK_CONFIG" <<-'EOF'
	currency:
	  code: EUR
	  decimals: 2
	token:
	  decimals: 2
	tiers:
	  - name: bronze
	    min_earned: 0
	  - name: silver
	    min_earned: 100
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: vote
	  decreases: immediate
	prices:
	  - kind: task
	    name: translation
	    price: 0.05
	    per: word
	  - kind: service
	    name: search
	    price: 3
	    per: month
	  - kind: exchange
	    name: EUR
	    price: 0.0125
	    reason: Launch rate
	governance:
	  quorum_pct: 20
	  threshold_pct: 50
	  days: 7
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
}

# must TOOL ARGS...: a tool that must succeed; for building fixtures.
must() {
	"$@" </dev/null >/dev/null 2>"$T/.must.err" ||
	    fail "fixture: $* failed: $(cat "$T/.must.err")"
}

# must_in TEXT TOOL ARGS...: the same, reading TEXT ("|" for a tab).
must_in() {
	local in=$1

	shift
	tr '|' '\t' <<<"$in" >"$T/.must.in"
	"$@" <"$T/.must.in" >/dev/null 2>"$T/.must.err" ||
	    fail "fixture: $* failed: $(cat "$T/.must.err")"
}

# economy [OPTS...]: a ledger with rows in every table: earnings (one
# dated, one by rate), the price book, a purchase and its refund, a hold
# posted in part, two cash-outs (one paid, one failed and given back), a
# passed proposal whose rise is applied, and one still open.  OPTS go to
# every tool (--db, --config).
economy() {
	must tok-earn "$@" --ref a1 alice 100
	must tok-earn "$@" --ref b1 --memo 'Top reviewer ünïcode' bob 50.25
	must tok-earn "$@" --ref c1 --date 2026-07-01 carol 20
	must tok-price "$@" import "$TOK_CONFIG"
	must tok-earn "$@" --kind translation --units 300 --ref t1 alice
	must tok-spend "$@" buy --ref o1 bob search 2
	must tok-spend "$@" refund --reason 'wrong plan' 5
	must tok-spend "$@" hold --ref h1 --timeout 72h carol search 1
	must tok-spend "$@" post h1 2
	must tok-spend "$@" cashout --ref p1 alice 40
	must tok-spend "$@" cashout --ref p2 bob 10
	must_in 'payout|status|provider_ref
1|paid|SEPA-1
2|failed|SEPA-2' tok-spend "$@" settle -
	must tok-vote "$@" propose 'search at 4' --ref prop1 \
	    --action 'service search 4'
	must_in 'proposal|worker|choice
1|alice|yes
1|bob|no
1|carol|yes' tok-vote "$@" cast -
	must tok-vote "$@" cast 1 bob yes
	TOK_NOW=2026-12-05T12:00:00Z must tok-vote "$@" close --due
	TOK_NOW=2026-12-05T12:00:00Z must tok-vote "$@" propose 'A longer week' \
	    --ref prop2
}

# other_db NAME: a new, empty place for a ledger on the test's own engine:
# a database on the test server, else a file.
other_db() {
	if on_pg; then
		createdb -h "$TOK_TEST_PG" "${PG_NAME}_$1" >&2 || return 1
		echo "postgresql:///${PG_NAME}_$1?host=$TOK_TEST_PG"
	else
		echo "$T/$1.db"
	fi
}

# rows [DB]: every row of every table, in key order; the same text on
# both engines (psql -A and sqlite3 both print "a|b", NULL as nothing).
rows() {
	local t

	for t in $TABLES; do
		echo "== $t"
		DB=${1:-$TOK_DB} q "SELECT * FROM $t ORDER BY 1, 2"
	done
}

# report TOOL --db DB ARGS...: its output, or a FAILED line.
report() {
	"$@" </dev/null 2>&1 || echo "FAILED ($?): $1 ${*:4}"
}

# reports [DB]: what the tools show of a ledger's content.  The lists go
# by kind, status and state: unfiltered, they fail on PostgreSQL (see
# pg.bats, "BUG").
reports() {
	local db=${1:-$TOK_DB} w k

	report tok-report --db "$db" balances
	report tok-report --db "$db" journal
	for w in alice bob carol; do
		report tok-report --db "$db" statement "$w"
	done
	for k in pending paid failed; do
		report tok-report --db "$db" payouts --status "$k"
	done
	report tok-report --db "$db" tiers
	report tok-report --db "$db" supply
	report tok-report --db "$db" concentration
	for k in task service exchange; do
		report tok-price --db "$db" list --kind "$k"
	done
	report tok-price --db "$db" upcoming
	report tok-price --db "$db" history search
	for k in open passed rejected no-quorum applied; do
		report tok-vote --db "$db" list --state "$k"
	done
	report tok-vote --db "$db" show 1
	report tok-vote --db "$db" show 2
}

# verify_line CHECK [OPTS...]: verify's row for CHECK (chain, prices),
# which must pass; OPTS go to tok-report (--db, --config).
verify_line() {
	local check=$1 out

	shift
	out=$(tok-report "$@" verify </dev/null 2>&1) ||
	    fail "verify $* failed: $out"
	grep "^$check	" <<<"$out"
}

# refute_secret: stderr does not show the password "secret".
refute_secret() {
	[[ $stderr != *secret* ]] || fail "stderr shows the password: $stderr"
}

# assert_same_ledger DEST: DEST holds what the source holds, row for row,
# and verifies with the same chains; every report reads the same.
assert_same_ledger() {
	local dest=$1

	t tok-report --db "$dest" verify
	assert_success
	assert_no_stderr
	assert_line --index 4 "$(verify_line chain)"
	assert_line --index 5 "$(verify_line prices)"
	assert_line --index 6 --regexp '^schema	ok	'
	diff -u <(rows) <(rows "$dest") ||
	    fail "the copy's rows differ from the source's"
	reports >"$T/source.reports"
	reports "$dest" >"$T/dest.reports"
	! grep FAILED "$T/source.reports" "$T/dest.reports" ||
	    fail "a report failed"
	[ "$(wc -l <"$T/source.reports")" -gt 80 ] ||
	    fail "too few lines of reports: $(cat "$T/source.reports")"
	diff -u "$T/source.reports" "$T/dest.reports" ||
	    fail "the copy's reports differ from the source's"
}

# forge_memo: changes a memo behind tok's back, its append-only trigger
# dropped and put back, so that only verify's chain check can see it.
forge_memo() {
	local sql

	if on_pg; then
		q "BEGIN; DROP TRIGGER txn_no_update ON txn;
		    UPDATE txn SET memo = 'forged' WHERE txid = 2;
		    CREATE TRIGGER txn_no_update BEFORE UPDATE ON txn
		    FOR EACH ROW EXECUTE FUNCTION tok_append_only(); COMMIT"
	else
		sql=$(q "SELECT sql FROM sqlite_master WHERE name = 'txn_no_update'")
		q "DROP TRIGGER txn_no_update;
		    UPDATE txn SET memo = 'forged' WHERE txid = 2; $sql;"
	fi
}

# empty_tok_ledger DB: makes DB an empty tok ledger (schema and meta, no
# data): a batch of no records commits just that.
empty_tok_ledger() {
	local db=$1

	shift
	printf 'worker\tamount\tref\n' | tok-earn --db "$db" "$@" - >/dev/null \
	    2>&1 || fail "fixture: the empty batch should have landed"
	[ "$(DB=$db q "SELECT count(*) FROM meta")" = 3 ] ||
	    fail "fixture: $db is no fresh ledger"
}

# A config naming a key file.
keyed_config() {
	head -c 32 /dev/urandom >"$T/chain.key"
	chmod 600 "$T/chain.key"
	{ cat "$TOK_CONFIG"; printf 'ledger:\n  hmac_key_file: %s\n' \
	    "$T/chain.key"; } >"$T/keyed.yaml"
	chmod 600 "$T/keyed.yaml"
}

# ------------------------------------------------------------ copies

@test "copy: every table into a new SQLite file; the copy verifies with the same chains" {
	economy
	snapshot
	t tok-report copy "$T/copy.db"
	assert_success
	assert_no_stderr
	assert_tsv <<<"$COUNTS"
	assert_unchanged
	[ "$(stat -c %a "$T/copy.db")" = 600 ] ||
	    fail "the copy has mode $(stat -c %a "$T/copy.db")"
	assert_equal "$(DB=$T/copy.db q 'PRAGMA journal_mode')" wal
	assert_equal "$(DB=$T/copy.db q 'PRAGMA integrity_check')" ok
	assert_same_ledger "$T/copy.db"
}

@test "copy: every table into a second PostgreSQL database" {
	on_pg || skip "PostgreSQL only"
	local dest

	economy
	dest=$(other_db dest)
	snapshot
	t tok-report copy "$dest"
	assert_success
	assert_no_stderr
	assert_tsv <<<"$COUNTS"
	assert_unchanged
	assert_same_ledger "$dest"
	# The other way too: from the file back into PostgreSQL.
	must tok-report copy "$T/copy.db"
	dest=$(other_db back)
	t tok-report --db "$T/copy.db" copy "$dest"
	assert_success
	assert_tsv <<<"$COUNTS"
	assert_same_ledger "$dest"
}

@test "copy: --format json gives the same counts, one object a line" {
	economy
	t tok-report --format json copy "$T/copy.db"
	assert_success
	assert_equal "$(jq -r 'select(.rows | type == "number") |
	    "\(.table)|\(.rows)"' <<<"$output")" \
	    "$(tail -n +2 <<<"$COUNTS")"
}

@test "copy: a round trip gives an identical sqlite3 .dump" {
	local mid

	economy
	must tok-report copy "$T/a.db"
	mid=$(other_db mid)
	must tok-report --db "$T/a.db" copy "$mid"
	must tok-report --db "$mid" copy "$T/b.db"
	sqlite3 -batch "$T/a.db" .dump >"$T/a.dump"
	sqlite3 -batch "$T/b.db" .dump >"$T/b.dump"
	[ -s "$T/a.dump" ] || fail "no dump of a.db"
	diff -u "$T/a.dump" "$T/b.dump" ||
	    fail "a.db and its copy of a copy differ"
	if ! on_pg; then
		# From the original file itself, it is the original.
		sqlite3 -batch "$TOK_DB" .dump >"$T/orig.dump"
		diff -u "$T/orig.dump" "$T/a.dump" ||
		    fail "the copy's dump differs from the original's"
	fi
}

@test "copy: the copy goes on where the original left off, hash for hash" {
	local w

	economy
	must tok-report copy "$T/copy.db"
	# The same writes on both: each must chain to the same hashes.
	export TOK_NOW=2026-12-06T12:00:00Z
	for w in "$TOK_DB" "$T/copy.db"; do
		must tok-earn --db "$w" --ref later-1 dave 7
		must tok-price --db "$w" set service search 2.5 --reason cheaper
		must tok-spend --db "$w" cashout --ref p3 carol 5
		must tok-vote --db "$w" cast 2 alice yes
	done
	verify_line chain >"$T/orig.chain"
	verify_line chain --db "$T/copy.db" >"$T/copy.chain"
	diff -u "$T/orig.chain" "$T/copy.chain" || fail "the chains went apart"
	assert_equal "$(verify_line prices --db "$T/copy.db")" \
	    "$(verify_line prices)"
	grep -q '^chain	ok		13 transactions' "$T/orig.chain" ||
	    fail "$(cat "$T/orig.chain")"
	diff -u <(rows) <(rows "$T/copy.db") || fail "the rows went apart"
}

@test "copy: into an empty file, and into a fresh tok ledger of other decimals" {
	economy
	: >"$T/empty.db"
	chmod 600 "$T/empty.db"
	t tok-report copy "$T/empty.db"
	assert_success
	assert_tsv <<<"$COUNTS"
	assert_same_ledger "$T/empty.db"

	# An empty tok ledger takes the source's decimals, not its own.
	printf 'token:\n  decimals: 3\n' >"$T/d3.yaml"
	chmod 600 "$T/d3.yaml"
	empty_tok_ledger "$T/fresh.db" --config "$T/d3.yaml"
	assert_equal "$(DB=$T/fresh.db q "SELECT value FROM meta WHERE key = 'decimals'")" 3
	t tok-report copy "$T/fresh.db"
	assert_success
	assert_tsv <<<"$COUNTS"
	assert_same_ledger "$T/fresh.db"
	assert_equal "$(DB=$T/fresh.db q "SELECT value FROM meta WHERE key = 'decimals'")" 2
}

@test "copy: into a database that is a fresh tok ledger" {
	on_pg || skip "PostgreSQL only"
	local dest

	economy
	dest=$(other_db fresh)
	empty_tok_ledger "$dest"
	t tok-report copy "$dest"
	assert_success
	assert_tsv <<<"$COUNTS"
	assert_same_ledger "$dest"
}

@test "copy: a keyed chain copies with the same key, and stays keyed" {
	keyed_config
	economy --config "$T/keyed.yaml"
	t tok-report --config "$T/keyed.yaml" copy "$T/copy.db"
	assert_success
	assert_tsv <<<"$COUNTS"
	assert_equal "$(DB=$T/copy.db q "SELECT value FROM meta WHERE key = 'chain'")" \
	    hmac-sha256
	t tok-report --config "$T/keyed.yaml" --db "$T/copy.db" verify
	assert_success
	assert_line --index 4 "$(verify_line chain --config "$T/keyed.yaml")"
	assert_line --index 5 "$(verify_line prices --config "$T/keyed.yaml")"
	# Without the key the copy cannot be verified, like its original.
	t tok-report --db "$T/copy.db" verify
	assert_failure 4
	assert_stderr_line 'hmac_key_file'
}

# ---------------------------------------------------------- refusals

@test "copy: a DEST holding transactions, prices or proposals is refused (exit 1), unchanged" {
	local dest kind

	economy
	for kind in txn price proposal self; do
		case $kind in
		txn)
			dest=$(other_db "d_$kind")
			must tok-earn --db "$dest" --ref x zoe 1
			;;
		price)
			dest=$(other_db "d_$kind")
			must tok-price --db "$dest" set service search 3
			;;
		proposal)
			dest=$(other_db "d_$kind")
			must tok-vote --db "$dest" propose 'Hello' --ref x
			;;
		self)
			dest=$TOK_DB
			;;
		esac
		snapshot "$dest"
		t tok-report copy "$dest"
		assert_failure 1
		assert_no_stdout
		assert_stderr_lines 1
		assert_stderr_line "^tok-report: .*: already holds a ledger; copy goes into a new one\$"
		assert_unchanged "$dest"
	done
}

@test "copy: a DEST that is not a ledger is refused (exit 4), untouched" {
	economy
	echo 'a shopping list' >"$T/list.txt"
	t tok-report copy "$T/list.txt"
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-report: $T/list.txt: not a tok ledger"
	assert_equal "$(cat "$T/list.txt")" 'a shopping list'
	# An SQLite database of another application.
	sqlite3 "$T/other.db" 'CREATE TABLE users(id integer)'
	t tok-report copy "$T/other.db"
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-report: $T/other.db: not a tok ledger"
	assert_equal "$(sqlite3 "$T/other.db" .schema)" \
	    'CREATE TABLE users(id integer);'
	# A directory.
	mkdir "$T/dir"
	t tok-report copy "$T/dir"
	assert_failure 4
	assert_stderr_line "not a regular file"
	assert_equal "$(ls -A "$T/dir")" ""
	if on_pg; then
		local dest
		dest=$(other_db other)
		DB=$dest q 'CREATE TABLE users(id integer)'
		t tok-report copy "$dest"
		assert_failure 4
		assert_no_stdout
		assert_stderr_line ': not a tok ledger \(a PostgreSQL database with other tables\)'
		assert_equal "$(DB=$dest q "SELECT to_regclass('tok_ledger') IS NULL")" t
	fi
}

@test "copy: a source that fails verify is refused (exit 5); no DEST is made" {
	local dest

	economy
	forge_memo
	t tok-report verify
	assert_failure 5
	snapshot
	t tok-report copy "$T/copy.db"
	assert_failure 5
	assert_no_stdout
	assert_stderr_line ': fails verify; a copy would carry the damage'
	assert_no_ledger "$T/copy.db"
	assert_unchanged
	if on_pg; then
		# A database keeps no data; it may be left an empty tok ledger,
		# which is still a fine DEST.
		dest=$(other_db dest)
		t tok-report copy "$dest"
		assert_failure 5
		assert_no_stdout
		if [ "$(DB=$dest q "SELECT to_regclass('txn') IS NULL")" = f ]; then
			assert_equal "$(DB=$dest q 'SELECT count(*) FROM txn')" 0
		fi
	fi
}

@test "copy: a missing source is refused (exit 4); no DEST is made" {
	t tok-report --db "$T/none.db" copy "$T/copy.db"
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-report: $T/none.db: no ledger there"
	assert_no_ledger "$T/none.db"
	assert_no_ledger "$T/copy.db"
	# The test's own ledger, not yet made (an empty database on PG).
	t tok-report copy "$T/copy.db"
	assert_failure 4
	assert_stderr_line ': no ledger there'
	assert_no_ledger
	assert_no_ledger "$T/copy.db"
}

@test "copy: takes exactly one DEST (exit 2)" {
	economy
	t tok-report copy
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^usage: tok-report '
	t tok-report copy "$T/a.db" "$T/b.db"
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^usage: tok-report '
	assert_no_ledger "$T/a.db"
	assert_no_ledger "$T/b.db"
	# Options of other reports do not go with it.
	t tok-report copy --min 1 "$T/a.db"
	assert_failure 2
	assert_stderr_line '^tok-report: --min goes with balances, not copy$'
	assert_no_ledger "$T/a.db"
}

@test "copy: a keyed source with a plain config, or the other way, is refused (exit 2); no DEST" {
	keyed_config
	economy --config "$T/keyed.yaml"
	# Without the key the source cannot be verified; copy refuses before.
	t tok-report verify
	assert_failure 4
	snapshot
	t tok-report copy "$T/copy.db"
	assert_failure 2
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line "'s chain is keyed and the copy's would be plain SHA-256: give both the same ledger.hmac_key_file\$"
	assert_no_ledger "$T/copy.db"
	assert_unchanged

	# A plain source with a key in the config.
	must tok-report --config "$T/keyed.yaml" copy "$T/keyed.db"
	t tok-report --db "$T/keyed.db" copy "$T/plain.db"
	assert_failure 2
	assert_no_ledger "$T/plain.db"
	assert_no_ledger "$T/copy.db"
	local plain=$T/plain-src.db
	economy --db "$plain"
	t tok-report --db "$plain" --config "$T/keyed.yaml" copy "$T/copy.db"
	assert_failure 2
	assert_stderr_line "'s chain is plain SHA-256 and the copy's would be keyed"
	assert_no_ledger "$T/copy.db"

	# A fresh plain ledger as DEST of a keyed source, with the key.
	empty_tok_ledger "$T/fresh.db"
	snapshot "$T/fresh.db"
	t tok-report --config "$T/keyed.yaml" copy "$T/fresh.db"
	assert_failure 2
	assert_stderr_line "'s chain is keyed and the copy's would be plain"
	assert_unchanged "$T/fresh.db"
}

@test "copy: a copy that fails its own verify is rolled back (exit 5)" {
	local dest

	economy
	# A DEST whose balance trigger is gone: the copy's cache stays empty.
	dest=$(other_db dest)
	empty_tok_ledger "$dest"
	if on_pg; then
		DB=$dest q 'DROP TRIGGER posting_balance ON posting'
	else
		DB=$dest q 'DROP TRIGGER posting_balance'
	fi
	snapshot "$dest"
	t tok-report copy "$dest"
	assert_failure 5
	assert_no_stdout
	assert_stderr_line ': the copy fails verify$'
	assert_unchanged "$dest"
	assert_equal "$(DB=$dest q 'SELECT count(*) FROM txn')" 0
}

@test "copy: a DEST database that does not exist cannot be reached (exit 4)" {
	on_pg || skip "PostgreSQL only"
	economy
	t tok-report copy "postgresql:///${PG_NAME}_none?host=$TOK_TEST_PG"
	assert_failure 4
	assert_no_stdout
	assert_stderr_line "^tok-report: postgresql:///${PG_NAME}_none\\?host=.*: cannot connect: .*does not exist"
}

@test "copy: a DEST locked by a writer past --wait (exit 4); nothing copied" {
	local dest holder i

	economy
	dest=$(other_db dest)
	empty_tok_ledger "$dest"
	if on_pg; then
		psql -X -q -d "$dest" -c "BEGIN;
		    SELECT pg_advisory_xact_lock($((0x746f6b31)));
		    SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 3>&- &
		holder=$!
		for i in $(seq 100); do
			[ "$(DB=$dest q "SELECT count(*) FROM pg_locks WHERE
			    locktype = 'advisory' AND granted")" = 1 ] &&
			    touch "$T/locked" && break
			sleep 0.05
		done
	else
		( echo '.timeout 5000'; echo 'BEGIN IMMEDIATE;'
		  echo "INSERT INTO meta VALUES ('x', 'y');"
		  echo ".system touch $T/locked"
		  for _ in $(seq 100); do
			[ -e "$T/release" ] && break
			sleep 0.1
		  done
		  echo 'ROLLBACK;' ) | sqlite3 -batch "$dest" >/dev/null 2>&1 3>&- &
		holder=$!
		for i in $(seq 50); do
			[ -e "$T/locked" ] && break
			sleep 0.1
		done
	fi
	[ -e "$T/locked" ] || fail "could not take the lock"
	t tok-report --wait 0.5 copy "$dest"
	if on_pg; then
		DB=$dest q "SELECT pg_cancel_backend(pid) FROM pg_locks WHERE
		    locktype = 'advisory' AND granted" >/dev/null
	else
		touch "$T/release"
	fi
	wait "$holder" || true
	assert_failure 4
	assert_no_stdout
	assert_stderr_line ': ledger is locked by another process'
	assert_equal "$(DB=$dest q 'SELECT count(*) FROM txn')" 0
	# Once free, the copy goes in.
	t tok-report --wait 0.5 copy "$dest"
	assert_success
	assert_tsv <<<"$COUNTS"
}

@test "copy: a password in a DEST URL is refused (exit 2) and never shown" {
	economy
	t tok-report copy 'postgresql://u:secret@/db?host=/nonexistent'
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '~/\.pgpass.*PGPASSFILE.*TOK_DB'
	refute_secret
	t tok-report copy 'postgres:///db?host=/nonexistent&password=secret'
	assert_failure 2
	assert_no_stdout
	assert_stderr_line 'password=\*\*\*'
	refute_secret
	# Without a password: a DEST that cannot be reached.
	t tok-report copy 'postgresql:///db?host=/nonexistent'
	assert_failure 4
	assert_no_stdout
	assert_stderr_line '^tok-report: postgresql:///db\?host=/nonexistent: cannot connect'
}
