# helper.bash - the world every tok test runs in (STYLE.md item 12).
#
# Each test gets a fresh directory (BATS_TEST_TMPDIR) holding its ledger,
# an empty config (mode 600) and a HOME of its own, so that nothing
# outside it is read or written.  The tools come from $TOK_BIN (default:
# the build in ../bin); TOK_NOW fixes the clock so that receipts and
# reports are byte-for-byte predictable.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${TOK_BIN:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)/bin}"
export TOK_BIN

# The clock every test runs at, and its business date.
NOW=2026-11-28T12:00:00Z
TODAY=2026-11-28

tok_setup() {
	local v

	for v in $(compgen -v XDG_); do
		unset "$v"
	done
	for v in $(compgen -v TOK_); do
		[ "$v" = TOK_BIN ] || [ "$v" = TOK_TEST_PG ] || unset "$v"
	done
	unset COLUMNS TZ
	export LC_ALL=C.UTF-8
	export PATH="$TOK_BIN:$PATH"
	umask 022
	T=$BATS_TEST_TMPDIR
	export HOME="$T/home"
	mkdir -p "$HOME"
	if [ -n "${TOK_TEST_PG:-}" ]; then
		pg_ledger
	else
		export TOK_DB="$T/ledger.db"
	fi
	export TOK_CONFIG="$T/tok.yaml"
	: >"$TOK_CONFIG"
	chmod 600 "$TOK_CONFIG"
	export TOK_NOW=$NOW
	ME=$(id -un)
	cd "$T" || return 1
	[ -x "$TOK_BIN/tok-earn" ] && [ -x "$TOK_BIN/tok-report" ] ||
	    fail "no tok-earn/tok-report in $TOK_BIN: run make first"
}

setup() {
	tok_setup
}

# t CMD...: runs CMD with stdin from /dev/null; stdout lands in $output,
# stderr in $stderr, the exit status in $status.
t() {
	run --separate-stderr "$@" </dev/null
}

# t_in FILE CMD...: the same, with stdin from FILE.
t_in() {
	local in=$1

	shift
	run --separate-stderr "$@" <"$in"
}

# records FILE: writes stdin to FILE with every "|" turned into a tab.
records() {
	tr '|' '\t' >"$1"
}

# assert_tsv: stdout must be exactly stdin, "|" standing for a tab.
assert_tsv() {
	assert_output "$(tr '|' '\t')"
}

assert_no_stdout() {
	[ -z "$output" ] || fail "expected no output on stdout, got:
$output"
}

assert_no_stderr() {
	[ -z "$stderr" ] || fail "expected nothing on stderr, got:
$stderr"
}

# assert_stderr_line REGEX: some line of stderr matches the (bash) regex.
assert_stderr_line() {
	local l

	for l in "${stderr_lines[@]}"; do
		[[ $l =~ $1 ]] && return 0
	done
	fail "no line of stderr matches /$1/; stderr:
$stderr"
}

# assert_stderr_lines N: stderr has exactly N lines.
assert_stderr_lines() {
	[ "${#stderr_lines[@]}" -eq "$1" ] || fail "expected $1 line(s) on \
stderr, got ${#stderr_lines[@]}:
$stderr"
}

# With TOK_TEST_PG set to the socket directory of a throwaway server
# (tests/pg/check.sh), each test gets a database of its own instead of a
# file, and the helpers below look into it with psql.
pg_ledger() {
	local name

	name=t_$(basename "$BATS_TEST_TMPDIR" | tr -c 'a-zA-Z0-9\n' _ |
	    tr 'A-Z' 'a-z')_$$
	createdb -h "$TOK_TEST_PG" "$name" ||
	    fail "createdb $name failed"
	export TOK_DB="postgresql:///$name?host=$TOK_TEST_PG"
	PG_NAME=$name
}

# What verify's schema check reports of a healthy ledger: SQLite's
# compares every object of sqlite_master, PostgreSQL's the tables and
# triggers (indexes and constraints are not compared there).
if [ -n "${TOK_TEST_PG:-}" ]; then
	SCHEMA_SUMMARY='schema 4: 14 tables, 31 triggers'
else
	SCHEMA_SUMMARY='schema 4: 11 tables, 6 indexes, 20 triggers'
fi

# on_pg: true when the suite runs against PostgreSQL.
on_pg() {
	[ -n "${TOK_TEST_PG:-}" ]
}

# sqlite_only [WHY]: skips a test of what only an SQLite file has.
sqlite_only() {
	! on_pg || skip "SQLite only: ${1:-file-level behaviour}"
}

# other_ledger NAME: prints the place of a second, empty ledger on the
# engine under test: a file in the test's directory, or a database of
# its own on the test server.
other_ledger() {
	if on_pg; then
		createdb -h "$TOK_TEST_PG" "${PG_NAME}_$1" ||
		    fail "createdb ${PG_NAME}_$1 failed"
		echo "postgresql:///${PG_NAME}_$1?host=$TOK_TEST_PG"
	else
		echo "$T/$1.db"
	fi
}

# fresh_ledger: no ledger at all again, as at the start of a test.
fresh_ledger() {
	if on_pg; then
		dropdb -h "$TOK_TEST_PG" "$PG_NAME" &&
		    createdb -h "$TOK_TEST_PG" "$PG_NAME" ||
		    fail "could not make $PG_NAME afresh"
	else
		rm -f "$TOK_DB" "$TOK_DB-wal" "$TOK_DB-shm" "$TOK_DB-journal"
	fi
}

# save_ledger NAME, restore_ledger NAME: a copy of the ledger as it is,
# and the ledger put back to that copy (a file, or a database made from
# the ledger's as a template).
save_ledger() {
	if on_pg; then
		createdb -h "$TOK_TEST_PG" -T "$PG_NAME" "${PG_NAME}_$1" ||
		    fail "could not copy $PG_NAME"
	else
		q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
		cp "$TOK_DB" "$T/$1.saved"
	fi
}

restore_ledger() {
	if on_pg; then
		dropdb -h "$TOK_TEST_PG" "$PG_NAME" &&
		    createdb -h "$TOK_TEST_PG" -T "${PG_NAME}_$1" "$PG_NAME" ||
		    fail "could not restore $PG_NAME"
	else
		cp "$T/$1.saved" "$TOK_DB"
		rm -f "$TOK_DB-wal" "$TOK_DB-shm"
	fi
}

# q SQL: one query on the ledger (or on $DB when set).
q() {
	local db=${DB:-$TOK_DB}

	case $db in
	postgres*://*) psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$1" ;;
	*) sqlite3 -batch "$db" "$1" ;;
	esac
}

# q_join SEP SQL: the rows of one query joined by SEP, as group_concat
# would join them (SQLite's; PostgreSQL has string_agg instead).
q_join() {
	local out

	out=$(q "$2") || return
	[ -z "$out" ] || printf '%s\n' "$out" |
	    awk -v sep="$1" 'NR > 1 { printf "%s", sep } { printf "%s", $0 }'
}

# q_bytes SQL: the bytes of the one value a query returns, without the
# newline that ends the row; for lengths in bytes and hex dumps.
q_bytes() {
	local out

	out=$(q "$1" && echo .) || return
	printf '%s' "${out%?.}"
}

# q_hex SQL: that value in upper-case hex, as SQLite's hex() shows it.
q_hex() {
	q_bytes "$1" | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# drop_trigger NAME TABLE: drops one of the ledger's triggers, as an
# attacker would (PostgreSQL names a trigger by its table too).
drop_trigger() {
	if on_pg; then
		q "DROP TRIGGER $1 ON $2"
	else
		q "DROP TRIGGER $1"
	fi
}

# trigger_missing NAME TABLE: what verify's schema check says of it then.
trigger_missing() {
	if on_pg; then
		echo "trigger $1 on $2 is missing"
	else
		echo "trigger $1 is missing"
	fi
}

# tamper SQL: runs SQL as an attacker with write access to the store,
# the append-only triggers out of the way, and leaves the schema as it
# was, so that only verify's data checks can see the edit.  SQLite: every
# trigger dropped, then put back as it was, in one transaction.
# PostgreSQL: the session skips triggers (and so foreign keys).
tamper() {
	local triggers

	if on_pg; then
		q "SET session_replication_role = replica; $1"
		return
	fi
	triggers=$(q "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master
	    WHERE type = 'trigger'") || return
	q "BEGIN; $triggers $1;
	    $(q "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'")
	    COMMIT;"
}

# The tokens held by workers (platform accounts excluded), in units.
ledger_sum() {
	q "SELECT coalesce(sum(amount), 0) FROM posting
	    WHERE account NOT LIKE 'platform:%'"
}

# The sum of every posting: 0 in any double-entry ledger.
ledger_zero() {
	q "SELECT coalesce(sum(amount), 0) FROM posting"
}

txn_count() {
	q "SELECT count(*) FROM txn"
}

# earn ...: a tok-earn that must succeed; for building fixtures.
earn() {
	tok-earn "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/.earn.err" ||
	    fail "fixture: tok-earn $* failed: $(cat "$BATS_TEST_TMPDIR/.earn.err")"
}

# file_hash FILE: sha256 of FILE, "absent" when it does not exist.
file_hash() {
	if [ -e "$1" ]; then
		sha256sum <"$1" | cut -d' ' -f1
	else
		echo absent
	fi
}

# The raw state of a ledger: hashes of the file and of its WAL (an absent
# or empty WAL holds no frames: both read "no-wal"), taken before anything
# opens the ledger, so that no checkpoint can hide a change.
_ledger_files() {
	local db=$1

	case $db in
	postgres*://*) echo "server"; return 0 ;;
	esac
	echo "db $(file_hash "$db")"
	if [ -s "$db-wal" ]; then
		echo "wal $(file_hash "$db-wal")"
	else
		echo "wal no-wal"
	fi
}

# _ledger_dump DB: the ledger's content; nothing when there is no file
# (sqlite3 would create one).
_ledger_dump() {
	case $1 in
	postgres*://*)
		pg_dump --no-owner "$1" 2>&1 | grep -v '^-- Dumped\|^\\\(un\)\?restrict '
		;;
	*)
		[ -e "$1" ] && sqlite3 -batch "$1" .dump 2>&1
		;;
	esac
	return 0
}

# snapshot [DB]: records the ledger's state for assert_unchanged.
snapshot() {
	local db=${1:-$TOK_DB}

	# A first dump settles the ledger: its connection checkpoints any
	# WAL an earlier process left, so the hashes describe the file alone.
	_ledger_dump "$db" >/dev/null
	_ledger_files "$db" >"$BATS_TEST_TMPDIR/.snap.files"
	_ledger_dump "$db" >"$BATS_TEST_TMPDIR/.snap.dump"
}

# assert_unchanged [DB]: the ledger is byte for byte what snapshot saw
# (or still absent).
assert_unchanged() {
	local db=${1:-$TOK_DB} files

	files=$(_ledger_files "$db")
	_ledger_dump "$db" >"$BATS_TEST_TMPDIR/.now.dump"
	diff -u "$BATS_TEST_TMPDIR/.snap.dump" "$BATS_TEST_TMPDIR/.now.dump" ||
	    fail "the ledger's content changed (diff of .dump above)"
	[ "$files" = "$(cat "$BATS_TEST_TMPDIR/.snap.files")" ] ||
	    fail "the ledger's files changed:
before: $(cat "$BATS_TEST_TMPDIR/.snap.files")
after:  $files"
}

# assert_no_ledger [DB]: no ledger file (nor its WAL or SHM) was made.
assert_no_ledger() {
	local db=${1:-$TOK_DB} f

	case $db in
	postgres*://*)
		[ -z "$(DB=$db q "SELECT to_regclass('tok_ledger')")" ] ||
		    fail "a ledger was made in $db"
		return 0
		;;
	esac
	for f in "$db" "$db-wal" "$db-shm" "$db-journal"; do
		[ ! -e "$f" ] || fail "$f was created"
	done
}

# The head hash of the chain, as verify reports it.
chain_head() {
	q "SELECT hash FROM txn ORDER BY txid DESC LIMIT 1"
}
