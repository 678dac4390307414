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

# on_pg: true when the suite runs against PostgreSQL.
on_pg() {
	[ -n "${TOK_TEST_PG:-}" ]
}

# sqlite_only [WHY]: skips a test of what only an SQLite file has.
sqlite_only() {
	! on_pg || skip "SQLite only: ${1:-file-level behaviour}"
}

# q SQL: one query on the ledger (or on $DB when set).
q() {
	local db=${DB:-$TOK_DB}

	case $db in
	postgres*://*) psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" -c "$1" ;;
	*) sqlite3 -batch "$db" "$1" ;;
	esac
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
