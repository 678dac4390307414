#!/bin/sh
# tests/bench/run.sh - `make bench`: tok's speed and memory beside the limit
# set by the SQLite underneath it (the sqlite3 shell doing the same inserts
# or reads on the same schema, with the same PRAGMAs).  Not part of
# `make check`; the figures depend on the machine and on what else runs.
#
#   sh tests/bench/run.sh                  N = 1,000,000 (about 5-10 minutes)
#   BENCH_N=100000 sh tests/bench/run.sh   a quick run
#
# Environment:
#   BENCH_N            batch size for figures 1 and 4 (default 1000000)
#   BENCH_N_SMALL      second batch size for the RSS figure (default N/10)
#   BENCH_RUNS         runs of the tok and .import batch loads, median taken
#                      (default 3)
#   BENCH_SQL_RUNS     runs of the slow SQL-text load (default 1 when
#                      N > 200000, else BENCH_RUNS)
#   BENCH_SINGLE_RUNS  runs of the single-earning figure (default 50)
#   BENCH_READ_RUNS    runs of each report (default 3)
#   BENCH_KEEP=1       keep the work directory under tests/bench/out/
#   BENCH_NO_HYPERFINE=1, BENCH_NO_TIME=1   act as if they were missing
#   TOK_BIN            where tok-earn and tok-report are (default bin/)
#   BENCH_PG_N         batch size on PostgreSQL (default 100000; the
#                      growth row checks that time stays linear in N)
#   BENCH_PG_RUNS      runs of each PostgreSQL batch load (default BENCH_RUNS)
#   BENCH_NO_PG=1      skip the PostgreSQL part
#
# Then the same figures on PostgreSQL (tok --db postgresql://...), beside
# psql on the same rows, on a throwaway server of tests/pg/server.sh (fsync
# on, the server's defaults otherwise), stopped and removed at the end;
# skipped with a note when PostgreSQL's server or client is not installed.
#
# Needs sqlite3 and awk.  Uses hyperfine and /usr/bin/time (Debian package
# `time`) when present and says so when not.  No python.

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bindir=${TOK_BIN:-$root/bin}

N=${BENCH_N:-1000000}
NSMALL=${BENCH_N_SMALL:-$((N / 10))}
[ "$NSMALL" -ge 1000 ] || NSMALL=1000
BENCH_RUNS=${BENCH_RUNS:-3}
[ "$BENCH_RUNS" -ge 1 ] || BENCH_RUNS=1
if [ -z "${BENCH_SQL_RUNS:-}" ]; then
	if [ "$N" -gt 200000 ]; then BENCH_SQL_RUNS=1; else BENCH_SQL_RUNS=$BENCH_RUNS; fi
fi
[ "$BENCH_SQL_RUNS" -ge 1 ] || BENCH_SQL_RUNS=1
PG_N=${BENCH_PG_N:-100000}
[ "$PG_N" -ge 2 ] || PG_N=2
PG_N2=$((PG_N / 2))      # the batch that shows how time grows with N
PG_RUNS=${BENCH_PG_RUNS:-$BENCH_RUNS}
[ "$PG_RUNS" -ge 1 ] || PG_RUNS=1
SINGLE_RUNS=${BENCH_SINGLE_RUNS:-50}
READ_RUNS=${BENCH_READ_RUNS:-3}
BASE_TXNS=1000           # the ledger the single earnings go into

NOW=2026-11-01T12:00:00Z # TOK_NOW: the same date and time in tok and sqlite3
TODAY=2026-11-01
HASH=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

command -v sqlite3 >/dev/null 2>&1 || die "sqlite3 is not installed"
for t in tok-earn tok-report; do
	[ -x "$bindir/$t" ] || die "$bindir/$t missing; run make first"
done

mkdir -p "$here/out" || die "cannot create $here/out"
work=$(mktemp -d "$here/out/run.XXXXXX") || die "mktemp failed"
pgdir=   # the PostgreSQL server's directory, once started
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	if [ -n "$pgdir" ]; then
		sh "$root/tests/pg/server.sh" stop "$pgdir" >/dev/null 2>&1
		rm -rf "$pgdir"
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		say "bench: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A snapshot of the binaries, so that a rebuild during the run does not
# mix two builds in one table.
mkdir "$work/bin"
cp "$bindir/tok-earn" "$bindir/tok-report" "$work/bin/" || die "cannot copy binaries"
EARN=$work/bin/tok-earn
REPORT=$work/bin/tok-report

# tok reads no config of the user's, and uses a fixed clock.
unset TOK_DB TOK_CONFIG
XDG_CONFIG_HOME=$work/config
XDG_DATA_HOME=$work/data
TOK_NOW=$NOW
export XDG_CONFIG_HOME XDG_DATA_HOME TOK_NOW
ACTOR=$(id -un 2>/dev/null || echo "uid:$(id -u)")

# -------------------------------------------------------------- measuring

TIME=
if [ "${BENCH_NO_TIME:-0}" != 1 ] && [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIME=/usr/bin/time
fi
HYPERFINE=
if [ "${BENCH_NO_HYPERFINE:-0}" != 1 ] && command -v hyperfine >/dev/null 2>&1; then
	HYPERFINE=$(command -v hyperfine)
fi

now_ns() {
	t=$(date +%s%N)
	case $t in
	*N) echo "$(date +%s)000000000" ;;
	*) echo "$t" ;;
	esac
}

# measure CMD...: runs CMD with stdout thrown away (stdin as the caller
# gives it) and sets WALL (s), CPU (user + system s) and RSS (peak KB,
# or "n/a" without /usr/bin/time).  Dies when CMD fails.
measure() {
	: > "$work/err"
	t0=$(now_ns)
	if [ -n "$TIME" ]; then
		"$TIME" -f '%U %S %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/err"
		rc=$?
	else
		"$@" >/dev/null 2>"$work/err"
		rc=$?
	fi
	t1=$(now_ns)
	if [ "$rc" -ne 0 ]; then
		cat "$work/err" >&2
		die "failed (exit $rc): $*"
	fi
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	if [ -n "$TIME" ]; then
		read -r tu ts tm < "$work/time.out"
		CPU=$(awk -v u="$tu" -v s="$ts" 'BEGIN { printf "%.2f", u + s }')
		RSS=$tm
	else
		CPU=n/a
		RSS=n/a
	fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
	else if (NR % 2) print v[(NR + 1) / 2];
	else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# calc EXPR [name=value...]: prints EXPR computed by awk.
calc() {
	e=$1
	shift
	awk "$@" "BEGIN { print $e }" /dev/null
}

rm_db() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# Rows of the final table: figure, tok, limit, ratio, target, ok.
TABLE=$work/table
: > "$TABLE"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$TABLE"; }

# ratio_ok RATIO MAX: yes when RATIO <= MAX.
ratio_ok() {
	case $1 in n/a) echo n/a; return ;; esac
	awk -v r="$1" -v m="$2" 'BEGIN { print (r <= m) ? "yes" : "NO" }'
}

human() {    # a count for labels: 1000000 -> 1M, 100000 -> 100k
	awk -v n="$1" 'BEGIN { if (n % 1000000 == 0) printf "%dM", n / 1e6;
	    else if (n % 1000 == 0) printf "%dk", n / 1e3; else printf "%d", n }'
}

# ---------------------------------------------------------- the limit's SQL

# tok's own schema, taken from a ledger tok made, so that the limit is
# measured on exactly the tables, indexes and triggers tok writes.
"$EARN" --db "$work/template.db" --ref init x 1 >/dev/null ||
	die "tok-earn cannot create a ledger"
sqlite3 "$work/template.db" .schema > "$work/schema.sql" ||
	die "cannot read the schema"
rm_db "$work/template.db"

# The PRAGMAs tok sets on a write connection: journal_mode=WAL and
# synchronous=FULL by design (DESIGN.md 4); cache_size and temp_store as
# common/ledger.c sets them today, so the limit gets the same cache.
pragma_of() {
	sed -n "s/.*PRAGMA $1 *= *\([-A-Za-z0-9]*\).*/\1/p" \
	    "$root/common/ledger.c" 2>/dev/null | head -n 1
}
CACHE=$(pragma_of cache_size)
TEMP=$(pragma_of temp_store)
PRAGMAS="PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
[ -n "$CACHE" ] && PRAGMAS="$PRAGMAS PRAGMA cache_size=$CACHE;"
[ -n "$TEMP" ] && PRAGMAS="$PRAGMAS PRAGMA temp_store=$TEMP;"

# (a) SQL text: per record an INSERT into txn and two into posting, as
#     awk writes them, in one BEGIN IMMEDIATE..COMMIT.  The sqlite3 shell
#     parses and prepares each statement, which tok does not.
make_sql_load() {   # TSV -> SQL file
	{
		echo "$PRAGMAS"
		cat "$work/schema.sql"
		echo "BEGIN IMMEDIATE;"
		awk -v date="$TODAY" -v recorded="$NOW" -v actor="$ACTOR" \
		    -f "$here/sql.awk" "$1"
		echo "COMMIT;"
	} > "$2"
}

# (b) The same rows through one prepared statement: `.import` inserts each
#     record into a view whose INSTEAD OF trigger inserts the txn row and
#     its two postings, with the same txid, ref, date, actor and amounts.
#     No SQL parsing per record: the fastest the sqlite3 shell gets.
make_import_load() {   # TSV -> SQL script
	cat > "$2" <<EOF
$PRAGMAS
$(cat "$work/schema.sql")
CREATE TEMP VIEW stage(worker, amount, ref) AS SELECT NULL, NULL, NULL;
CREATE TEMP TRIGGER stage_load INSTEAD OF INSERT ON stage BEGIN
  INSERT INTO txn(txid, ref, type, date, recorded, actor, memo, reverses,
    prev_hash, hash)
  VALUES ((SELECT coalesce(max(txid), 0) + 1 FROM txn), new.ref, 'earn',
    '$TODAY', '$NOW', '$ACTOR', '', NULL, '$HASH', '$HASH');
  INSERT INTO posting(txid, seq, account, amount)
  VALUES ((SELECT max(txid) FROM txn), 1, 'platform:issued',
    -CAST(replace(new.amount, '.', '') AS INTEGER));
  INSERT INTO posting(txid, seq, account, amount)
  VALUES ((SELECT max(txid) FROM txn), 2, new.worker,
    CAST(replace(new.amount, '.', '') AS INTEGER));
END;
.mode tabs
BEGIN IMMEDIATE;
.import --skip 1 "$1" stage
COMMIT;
EOF
}

# ------------------------------------------------------------------- header

NH=$(human "$N")
NSH=$(human "$NSMALL")
say "bench: N=$N (RSS also at $NSMALL), $BENCH_RUNS batch run(s), $SINGLE_RUNS single runs"
say "bench: binaries from $bindir; work in $work"
say "bench: sqlite3 $(sqlite3 -version | cut -d' ' -f1); limit PRAGMAs: $PRAGMAS"
[ -n "$TIME" ] || say "bench: /usr/bin/time missing (apt-get install time): no peak RSS, no CPU time"
[ -n "$HYPERFINE" ] || say "bench: hyperfine missing (apt-get install hyperfine): timing single runs with a loop"
LOAD0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
NCPU=$(nproc 2>/dev/null || echo "?")
say "bench: load average $LOAD0 on $NCPU CPUs at start"
[ "${BENCH_NO_PG:-0}" = 1 ] ||
    say "bench: then PostgreSQL: N=$PG_N (time growth from $PG_N2), $PG_RUNS batch run(s)"

# ------------------------------------------- 1 and 3: the batch, and its RSS

say "bench: generating $N records"
awk -v n="$N" -f "$here/gen.awk" > "$work/in.tsv" || die "gen.awk failed"
make_sql_load "$work/in.tsv" "$work/load.sql"
make_import_load "$work/in.tsv" "$work/import.sql"

: > "$work/b.tok"; : > "$work/b.sql"; : > "$work/b.imp"
i=0
while [ "$i" -lt "$BENCH_RUNS" ]; do
	i=$((i + 1))
	# Interleaved, so that a busy machine hurts each side alike.
	rm_db "$work/big.db"
	say "bench: batch $i/$BENCH_RUNS: tok-earn $N records"
	measure "$EARN" --db "$work/big.db" "$work/in.tsv"
	echo "$WALL $CPU $RSS" >> "$work/b.tok"
	say "bench:   ${WALL}s wall, ${CPU}s cpu, ${RSS} KB"
	if [ "$i" -le "$BENCH_SQL_RUNS" ]; then
		rm_db "$work/raw.db"
		say "bench: batch $i/$BENCH_SQL_RUNS: sqlite3, SQL text"
		measure sqlite3 "$work/raw.db" < "$work/load.sql"
		echo "$WALL $CPU $RSS" >> "$work/b.sql"
		say "bench:   ${WALL}s wall, ${CPU}s cpu, ${RSS} KB"
	fi
	rm_db "$work/raw.db"
	say "bench: batch $i/$BENCH_RUNS: sqlite3, .import through a trigger"
	measure sqlite3 "$work/raw.db" < "$work/import.sql"
	echo "$WALL $CPU $RSS" >> "$work/b.imp"
	say "bench:   ${WALL}s wall, ${CPU}s cpu, ${RSS} KB"
	rm_db "$work/raw.db"
done
rm -f "$work/load.sql"

# The loads must agree: the same rows, the same balances.
n_tok=$(sqlite3 "$work/big.db" "SELECT count(*) FROM txn")
[ "$n_tok" = "$N" ] || die "tok-earn recorded $n_tok transactions, not $N"

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
T_TOK=$(col 1 "$work/b.tok"); C_TOK=$(col 2 "$work/b.tok"); M_TOK=$(col 3 "$work/b.tok")
T_SQL=$(col 1 "$work/b.sql")
T_IMP=$(col 1 "$work/b.imp"); C_IMP=$(col 2 "$work/b.imp"); M_IMP=$(col 3 "$work/b.imp")

rate() { calc 'sprintf("%d", n / t)' -v n="$N" -v t="$1"; }
R_TOK=$(rate "$T_TOK"); R_SQL=$(rate "$T_SQL"); R_IMP=$(rate "$T_IMP")
ratio() {   # tok figure / limit figure, for times and sizes
	case "$1$2" in *n/a*) echo n/a; return ;; esac
	calc 'sprintf("%.2f", a / b)' -v a="$1" -v b="$2"
}
X_SQL=$(ratio "$T_TOK" "$T_SQL"); X_IMP=$(ratio "$T_TOK" "$T_IMP")
row "batch $NH records/s (SQL text)" "$R_TOK" "$R_SQL" "$X_SQL" "<= 2x" \
    "$(ratio_ok "$X_SQL" 2)"
row "batch $NH records/s (.import)" "$R_TOK" "$R_IMP" "$X_IMP" "<= 2x" \
    "$(ratio_ok "$X_IMP" 2)"
X=$(ratio "$C_TOK" "$C_IMP")
row "batch $NH cpu s (.import)" "$C_TOK" "$C_IMP" "$X" "<= 2x" "$(ratio_ok "$X" 2)"

# RSS at the smaller N (one run each: peak RSS hardly varies).
awk -v n="$NSMALL" -f "$here/gen.awk" > "$work/small.tsv"
make_import_load "$work/small.tsv" "$work/small.sql"
rm_db "$work/small.db"
say "bench: tok-earn $NSMALL records (RSS)"
measure "$EARN" --db "$work/small.db" "$work/small.tsv"
M_TOK_S=$RSS
rm_db "$work/small.db"
measure sqlite3 "$work/small.db" < "$work/small.sql"
M_IMP_S=$RSS
rm_db "$work/small.db"

mb() { case $1 in n/a) echo n/a ;; *) calc 'sprintf("%.1f", k / 1024)' -v k="$1" ;; esac; }
under() {   # under KB MB -> yes/NO
	case $1 in n/a) echo n/a ;; *) calc '(k < m * 1024) ? "yes" : "NO"' -v k="$1" -v m="$2" ;; esac
}
row "peak RSS MB, batch $NSH" "$(mb "$M_TOK_S")" "$(mb "$M_IMP_S")" \
    "$(ratio "$M_TOK_S" "$M_IMP_S")" "< 32 MB" "$(under "$M_TOK_S" 32)"
row "peak RSS MB, batch $NH" "$(mb "$M_TOK")" "$(mb "$M_IMP")" \
    "$(ratio "$M_TOK" "$M_IMP")" "< 32 MB" "$(under "$M_TOK" 32)"
G=$(ratio "$M_TOK" "$M_TOK_S")
G_OK=$(ratio_ok "$G" 1.25)
# Below some 100k records SQLite's page cache (cache_size) is still filling,
# so growth from a smaller batch says nothing about a flat plateau.
[ "$NSMALL" -ge 100000 ] || G_OK="- (N<100k)"
case $G in n/a) ;; *) G=${G}x ;; esac
row "RSS growth $NSH -> $NH" "$G" "-" "-" "<= 1.25x" "$G_OK"

# ------------------------------------------------ 2: one earning, one process

say "bench: single earnings on a ledger of $BASE_TXNS transactions"
awk -v n="$BASE_TXNS" -v prefix=base- -f "$here/gen.awk" > "$work/base.tsv"
"$EARN" --db "$work/base.db" "$work/base.tsv" >/dev/null || die "base ledger"
rm -f "$work/base.db-wal" "$work/base.db-shm"

# Each timed run starts from a fresh copy of the base ledger, synced so
# that no writeback of the copy lands in the timed run; the ref is thus
# new every time.  sqlite3 does what tok-earn does: reads the chain head,
# inserts the txn and two postings in BEGIN IMMEDIATE..COMMIT (WAL,
# synchronous=FULL, foreign keys on).
cat > "$work/prep.sh" <<EOF
rm -f "$work/one.db-wal" "$work/one.db-shm"
cp "$work/base.db" "$work/one.db" && sync "$work/one.db" 2>/dev/null || sync
EOF
ONE_SQL="PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; BEGIN IMMEDIATE;
INSERT INTO txn(txid, ref, type, date, recorded, actor, memo, reverses,
 prev_hash, hash) SELECT txid + 1, 'single-1', 'earn', '$TODAY', '$NOW',
 '$ACTOR', '', NULL, hash, '$HASH' FROM txn ORDER BY txid DESC LIMIT 1;
INSERT INTO posting(txid, seq, account, amount)
 VALUES (last_insert_rowid(), 1, 'platform:issued', -1250);
INSERT INTO posting(txid, seq, account, amount)
 VALUES ((SELECT max(txid) FROM txn), 2, 'w00001', 1250);
COMMIT;"

# Check both once: each adds transaction BASE_TXNS + 1.
for who in tok sqlite3; do
	sh "$work/prep.sh"
	if [ $who = tok ]; then
		"$EARN" --db "$work/one.db" --ref single-1 w00001 12.50 >/dev/null
	else
		sqlite3 "$work/one.db" "$ONE_SQL"
	fi || die "single earning ($who) failed"
	got=$(sqlite3 "$work/one.db" "SELECT count(*) FROM txn")
	[ "$got" = $((BASE_TXNS + 1)) ] || die "single earning ($who): $got txns"
done

if [ -n "$HYPERFINE" ]; then
	SINGLE_HOW="hyperfine, $SINGLE_RUNS runs, median"
	"$HYPERFINE" -N --style none --warmup 3 --runs "$SINGLE_RUNS" \
	    --prepare "sh $work/prep.sh" --export-csv "$work/single.csv" \
	    -n tok "$EARN --db $work/one.db --ref single-1 w00001 12.50" \
	    -n sqlite3 "sqlite3 $work/one.db \"$ONE_SQL\"" >/dev/null 2>"$work/err" ||
	    { cat "$work/err" >&2; die "hyperfine failed"; }
	S_TOK=$(awk -F, '$1 == "tok" { print $4 }' "$work/single.csv")
	S_SQL=$(awk -F, '$1 == "sqlite3" { print $4 }' "$work/single.csv")
else
	SINGLE_HOW="loop of date +%s%N, $SINGLE_RUNS runs, median"
	: > "$work/s.tok"; : > "$work/s.sql"
	i=0
	while [ "$i" -lt "$SINGLE_RUNS" ]; do
		i=$((i + 1))
		sh "$work/prep.sh"
		t0=$(now_ns)
		"$EARN" --db "$work/one.db" --ref single-1 w00001 12.50 >/dev/null
		t1=$(now_ns)
		echo $((t1 - t0)) >> "$work/s.tok"
		sh "$work/prep.sh"
		t0=$(now_ns)
		sqlite3 "$work/one.db" "$ONE_SQL" >/dev/null
		t1=$(now_ns)
		echo $((t1 - t0)) >> "$work/s.sql"
	done
	S_TOK=$(median < "$work/s.tok" | awk '{ print $1 / 1e9 }')
	S_SQL=$(median < "$work/s.sql" | awk '{ print $1 / 1e9 }')
fi
ms() { calc 'sprintf("%.2f", s * 1000)' -v s="$1"; }
X=$(ratio "$S_TOK" "$S_SQL")
row "one earning, median ms" "$(ms "$S_TOK")" "$(ms "$S_SQL")" "$X" "<= 1.5x" \
    "$(ratio_ok "$X" 1.5)"

# ---------------------------------------- 4: reports on the N-record ledger

say "bench: reports on the $N-record ledger"
# The read side's limit: sqlite3 reading what the report reads.  For
# balances, the same query.  For verify, every txn column in txid order,
# every posting in (txid, seq) order, the per-account totals against the
# balance cache: verify's reads without its hashing.
BAL_SQL="SELECT account, amount FROM account_balance
 WHERE account NOT GLOB 'platform:*' AND amount >= 0 ORDER BY account;"
VER_SQL="SELECT count(*), sum(length(ref) + length(type) + length(date)
 + length(recorded) + length(actor) + length(memo) + coalesce(reverses, 0)
 + length(prev_hash) + length(hash)) FROM (SELECT * FROM txn ORDER BY txid);
SELECT count(*), sum(amount), sum(length(account))
 FROM (SELECT * FROM posting ORDER BY txid, seq);
SELECT count(*) FROM (SELECT account, sum(amount) AS total FROM posting
 GROUP BY account) p FULL JOIN account_balance b USING (account)
 WHERE p.total IS NOT b.amount;"

sqlite3 "$work/big.db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null 2>&1
"$REPORT" --db "$work/big.db" verify > "$work/verify.out" 2>&1 ||
	{ cat "$work/verify.out" >&2; die "tok-report verify fails on the bench ledger"; }

time_reads() {   # FILE CMD... -> median wall s of READ_RUNS runs
	out=$1
	shift
	: > "$out"
	i=0
	while [ "$i" -lt "$READ_RUNS" ]; do
		i=$((i + 1))
		measure "$@"
		echo "$WALL" >> "$out"
	done
	median < "$out"
}
B_TOK=$(time_reads "$work/r1" "$REPORT" --db "$work/big.db" --format tsv balances)
B_SQL=$(time_reads "$work/r2" sqlite3 -readonly "$work/big.db" "$BAL_SQL")
V_TOK=$(time_reads "$work/r3" "$REPORT" --db "$work/big.db" verify)
V_SQL=$(time_reads "$work/r4" sqlite3 -readonly "$work/big.db" "$VER_SQL")
X=$(ratio "$B_TOK" "$B_SQL")
row "balances s, $NH-txn ledger" "$B_TOK" "$B_SQL" "$X" "-" "-"
X=$(ratio "$V_TOK" "$V_SQL")
row "verify s, $NH-txn ledger" "$V_TOK" "$V_SQL" "$X" "-" "-"
VR_TOK=$(rate "$V_TOK"); VR_SQL=$(rate "$V_SQL")
row "verify transactions/s" "$VR_TOK" "$VR_SQL" "$(ratio "$VR_SQL" "$VR_TOK")" \
    ">= 500000" "$(calc '(r >= 500000) ? "yes" : "NO"' -v r="$VR_TOK")"

# ------------------------------------ 5: the same on PostgreSQL, beside psql

# The limit on PostgreSQL is psql on the same server, on tok's own schema
# (pg_dump of a ledger tok made: tables, indexes, trigger functions), in
# one transaction that takes tok's advisory lock first, as tok does.
PG_NOTE=    # why the PostgreSQL part was skipped, when it was
if [ "${BENCH_NO_PG:-0}" = 1 ]; then
	PG_NOTE="BENCH_NO_PG=1"
else
	for t in psql createdb dropdb pg_dump; do
		command -v $t >/dev/null 2>&1 ||
		    PG_NOTE="no $t (apt-get install postgresql-client)"
	done
fi
if [ -z "$PG_NOTE" ]; then
	# Under /tmp, not $work: as root the server runs as postgres, which
	# must reach its socket directory.
	pgdir=$(mktemp -d /tmp/tok-bench-pg.XXXXXX) || die "mktemp failed"
	say "bench: starting a PostgreSQL server in $pgdir (fsync on)"
	if ! sh "$root/tests/pg/server.sh" start "$pgdir" >/dev/null 2>"$work/pg.err"; then
		PG_NOTE="tests/pg/server.sh start failed: $(head -n 1 "$work/pg.err" |
		    sed "s/^server\\.sh: //")"
		sh "$root/tests/pg/server.sh" stop "$pgdir" >/dev/null 2>&1
		rm -rf "$pgdir"
		pgdir=
	fi
fi
[ -z "$PG_NOTE" ] || say "bench: PostgreSQL part skipped: $PG_NOTE"

pg_bench() {
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGOPTIONS PGSERVICE
	PQ="psql -X -q -h $pgdir"   # for hyperfine: $pgdir has no spaces
	pg_url() { echo "postgresql:///$1?host=$pgdir"; }
	pq() { psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" "$@"; }
	fresh_db() {
		if ! dropdb -h "$pgdir" --if-exists "$1" 2>"$work/err" ||
		    ! createdb -h "$pgdir" "$1"; then
			cat "$work/err" >&2
			die "cannot make database $1"
		fi
	}
	# Before every timed load: nothing of an earlier load left to write.
	checkpoint() { pq -d postgres -c CHECKPOINT || die "CHECKPOINT failed"; }

	PG_VERSION=$(pq -d postgres -At -c "SHOW server_version" | cut -d' ' -f1)
	PG_SETTINGS=$(pq -d postgres -At -c "SELECT string_agg(name || '=' ||
	    current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE
	    name IN ('fsync', 'synchronous_commit', 'full_page_writes',
	    'wal_sync_method', 'wal_level', 'shared_buffers', 'max_wal_size',
	    'checkpoint_timeout')")
	say "bench: PostgreSQL $PG_VERSION: $PG_SETTINGS"

	# tok's schema, from a ledger tok made.  The dump empties search_path,
	# and the trigger functions name their tables unqualified: reset it.
	fresh_db pgtmpl
	"$EARN" --db "$(pg_url pgtmpl)" --ref init x 1 >/dev/null ||
	    die "tok-earn cannot create a ledger on PostgreSQL"
	APPID=$(pq -d pgtmpl -At -c "SELECT application_id FROM tok_ledger")
	pg_dump -h "$pgdir" -s -x -O pgtmpl > "$work/pg_schema.sql" ||
	    die "pg_dump failed"
	dropdb -h "$pgdir" pgtmpl
	LOCK="SELECT pg_advisory_xact_lock($APPID);"

	# (a) COPY: the rows as copy.awk writes them, by \copy into txn and
	#     posting (whose trigger keeps account_balance, as for tok).
	# (b) SQL text: sql.awk's INSERTs, one statement per round trip.
	# Both run with psql -1: the schema and the rows in one transaction.
	make_pg_loads() {   # TSV PREFIX -> PREFIX.copy.sql, PREFIX.text.sql
		awk -v txn="$2.txn" -v posting="$2.posting" -v date="$TODAY" \
		    -v recorded="$NOW" -v actor="$ACTOR" -f "$here/copy.awk" "$1" ||
		    die "copy.awk failed"
		{
			cat "$work/pg_schema.sql"
			echo "RESET search_path;"
			echo "$LOCK"
			# printf, not echo: dash's echo stops at "\c".
			printf '%s\n' "\\copy txn FROM '$2.txn'"
			printf '%s\n' "\\copy posting FROM '$2.posting'"
		} > "$2.copy.sql"
		{
			cat "$work/pg_schema.sql"
			echo "RESET search_path;"
			echo "$LOCK"
			awk -v date="$TODAY" -v recorded="$NOW" -v actor="$ACTOR" \
			    -f "$here/sql.awk" "$1"
		} > "$2.text.sql"
	}
	PNH=$(human "$PG_N")
	PNH2=$(human "$PG_N2")
	say "bench: generating $PG_N records for PostgreSQL"
	awk -v n="$PG_N" -f "$here/gen.awk" > "$work/pg_in.tsv" || die "gen.awk failed"
	awk -v n="$PG_N2" -f "$here/gen.awk" > "$work/pg_half.tsv" || die "gen.awk failed"
	make_pg_loads "$work/pg_in.tsv" "$work/pg_in"
	make_pg_loads "$work/pg_half.tsv" "$work/pg_half"

	: > "$work/p.tok"; : > "$work/p.copy"; : > "$work/p.text"
	i=0
	while [ "$i" -lt "$PG_RUNS" ]; do
		i=$((i + 1))
		fresh_db pgbig
		checkpoint
		say "bench: pg batch $i/$PG_RUNS: tok-earn $PG_N records"
		measure "$EARN" --db "$(pg_url pgbig)" "$work/pg_in.tsv"
		echo "$WALL $CPU $RSS" >> "$work/p.tok"
		say "bench:   ${WALL}s wall, ${CPU}s cpu (client), ${RSS} KB"
		fresh_db pglim
		checkpoint
		say "bench: pg batch $i/$PG_RUNS: psql, SQL text"
		measure psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -1 -d pglim \
		    -f "$work/pg_in.text.sql"
		echo "$WALL $CPU $RSS" >> "$work/p.text"
		say "bench:   ${WALL}s wall, ${CPU}s cpu (client), ${RSS} KB"
		fresh_db pglim
		checkpoint
		say "bench: pg batch $i/$PG_RUNS: psql, COPY"
		measure psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -1 -d pglim \
		    -f "$work/pg_in.copy.sql"
		echo "$WALL $CPU $RSS" >> "$work/p.copy"
		say "bench:   ${WALL}s wall, ${CPU}s cpu (client), ${RSS} KB"
	done

	# The loads must agree: the same rows, the same balances.
	sums="SELECT count(*), (SELECT count(*) FROM posting), (SELECT sum(amount)
	    FROM account_balance WHERE account NOT LIKE 'platform:%') FROM txn"
	got_tok=$(pq -d pgbig -At -c "$sums")
	got_lim=$(pq -d pglim -At -c "$sums")
	[ "${got_tok%%|*}" = "$PG_N" ] ||
	    die "tok-earn recorded ${got_tok%%|*} transactions on PostgreSQL, not $PG_N"
	[ "$got_tok" = "$got_lim" ] ||
	    die "tok and COPY disagree: $got_tok vs $got_lim (txns|postings|worker sum)"
	dropdb -h "$pgdir" pglim

	# How the time grows: the half batch, once each.
	fresh_db pghalf
	checkpoint
	say "bench: pg batch: tok-earn $PG_N2 records"
	measure "$EARN" --db "$(pg_url pghalf)" "$work/pg_half.tsv"
	H_TOK=$WALL
	fresh_db pghalf
	checkpoint
	say "bench: pg batch: psql, COPY of $PG_N2 records"
	measure psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -1 -d pghalf \
	    -f "$work/pg_half.copy.sql"
	H_COPY=$WALL
	dropdb -h "$pgdir" pghalf

	PT_TOK=$(col 1 "$work/p.tok"); PM_TOK=$(col 3 "$work/p.tok")
	PT_COPY=$(col 1 "$work/p.copy"); PM_COPY=$(col 3 "$work/p.copy")
	PT_TEXT=$(col 1 "$work/p.text")
	prate() { calc 'sprintf("%d", n / t)' -v n="$PG_N" -v t="$1"; }
	X=$(ratio "$PT_TOK" "$PT_COPY")
	row "pg batch $PNH records/s (COPY)" "$(prate "$PT_TOK")" \
	    "$(prate "$PT_COPY")" "$X" "-" "-"
	X=$(ratio "$PT_TOK" "$PT_TEXT")
	row "pg batch $PNH records/s (SQL text)" "$(prate "$PT_TOK")" \
	    "$(prate "$PT_TEXT")" "$X" "-" "-"
	G_TOK=$(ratio "$PT_TOK" "$H_TOK")
	G_COPY=$(ratio "$PT_COPY" "$H_COPY")
	row "pg batch time growth $PNH2 -> $PNH" "${G_TOK}x" "${G_COPY}x" "-" \
	    "<= 2.5x" "$(ratio_ok "$G_TOK" 2.5)"
	row "pg peak RSS MB, batch $PNH" "$(mb "$PM_TOK")" "$(mb "$PM_COPY")" \
	    "$(ratio "$PM_TOK" "$PM_COPY")" "< 32 MB" "$(under "$PM_TOK" 32)"

	# One earning: each run on a fresh copy (CREATE DATABASE ... TEMPLATE)
	# of a $BASE_TXNS-txn ledger tok made.  psql does in one round trip
	# what tok-earn does: the lock, the chain head, txn + 2 postings.
	say "bench: pg single earnings on a ledger of $BASE_TXNS transactions"
	fresh_db pgbase
	"$EARN" --db "$(pg_url pgbase)" "$work/base.tsv" >/dev/null || die "pg base ledger"
	pq -d pgbase -c "VACUUM ANALYZE" || die "VACUUM failed"
	cat > "$work/pgprep.sh" <<EOF
dropdb -h "$pgdir" --if-exists pgone 2>/dev/null && createdb -h "$pgdir" -T pgbase pgone
EOF
	PG_ONE_SQL="BEGIN; SET LOCAL lock_timeout = 5000; $LOCK
INSERT INTO txn(txid, ref, type, date, recorded, actor, memo, reverses,
 prev_hash, hash) SELECT txid + 1, 'single-1', 'earn', '$TODAY', '$NOW',
 '$ACTOR', '', NULL, hash, '$HASH' FROM txn ORDER BY txid DESC LIMIT 1;
INSERT INTO posting(txid, seq, account, amount)
 VALUES ((SELECT max(txid) FROM txn), 1, 'platform:issued', -1250);
INSERT INTO posting(txid, seq, account, amount)
 VALUES ((SELECT max(txid) FROM txn), 2, 'w00001', 1250);
COMMIT;"
	ONE_URL=$(pg_url pgone)
	for who in tok psql; do
		sh "$work/pgprep.sh" || die "cannot copy the pg base ledger"
		if [ $who = tok ]; then
			"$EARN" --db "$ONE_URL" --ref single-1 w00001 12.50 >/dev/null
		else
			pq -d pgone -c "$PG_ONE_SQL" >/dev/null
		fi || die "pg single earning ($who) failed"
		got=$(pq -d pgone -At -c "SELECT count(*) FROM txn")
		[ "$got" = $((BASE_TXNS + 1)) ] || die "pg single earning ($who): $got txns"
	done
	if [ -n "$HYPERFINE" ]; then
		"$HYPERFINE" -N --style none --warmup 3 --runs "$SINGLE_RUNS" \
		    --prepare "sh $work/pgprep.sh" --export-csv "$work/pgsingle.csv" \
		    -n tok "$EARN --db $ONE_URL --ref single-1 w00001 12.50" \
		    -n psql "$PQ -d pgone -c \"$PG_ONE_SQL\"" \
		    -n psql-select-1 "$PQ -d pgone -c \"SELECT 1\"" \
		    >/dev/null 2>"$work/err" ||
		    { cat "$work/err" >&2; die "hyperfine failed"; }
		PS_TOK=$(awk -F, '$1 == "tok" { print $4 }' "$work/pgsingle.csv")
		PS_SQL=$(awk -F, '$1 == "psql" { print $4 }' "$work/pgsingle.csv")
		PS_ONE=$(awk -F, '$1 == "psql-select-1" { print $4 }' "$work/pgsingle.csv")
	else
		: > "$work/ps.tok"; : > "$work/ps.sql"; : > "$work/ps.one"
		i=0
		while [ "$i" -lt "$SINGLE_RUNS" ]; do
			i=$((i + 1))
			sh "$work/pgprep.sh"
			t0=$(now_ns)
			"$EARN" --db "$ONE_URL" --ref single-1 w00001 12.50 >/dev/null
			t1=$(now_ns)
			echo $((t1 - t0)) >> "$work/ps.tok"
			sh "$work/pgprep.sh"
			t0=$(now_ns)
			pq -d pgone -c "$PG_ONE_SQL" >/dev/null
			t1=$(now_ns)
			echo $((t1 - t0)) >> "$work/ps.sql"
			t0=$(now_ns)
			pq -d pgone -c "SELECT 1" >/dev/null
			t1=$(now_ns)
			echo $((t1 - t0)) >> "$work/ps.one"
		done
		PS_TOK=$(median < "$work/ps.tok" | awk '{ print $1 / 1e9 }')
		PS_SQL=$(median < "$work/ps.sql" | awk '{ print $1 / 1e9 }')
		PS_ONE=$(median < "$work/ps.one" | awk '{ print $1 / 1e9 }')
	fi
	dropdb -h "$pgdir" --if-exists pgone
	dropdb -h "$pgdir" pgbase
	X=$(ratio "$PS_TOK" "$PS_SQL")
	row "pg one earning, median ms" "$(ms "$PS_TOK")" "$(ms "$PS_SQL")" "$X" \
	    "-" "-"
	# What psql alone costs: start, connect, one trivial query.
	row "pg psql -c 'SELECT 1', median ms" "-" "$(ms "$PS_ONE")" "-" "-" "-"

	# Reads on the $PG_N-record ledger tok made, vacuumed and analyzed
	# first (as autovacuum would leave it), the same queries as on SQLite.
	say "bench: pg reports on the $PG_N-record ledger"
	pq -d pgbig -c "VACUUM ANALYZE" || die "VACUUM failed"
	checkpoint
	BIG_URL=$(pg_url pgbig)
	"$REPORT" --db "$BIG_URL" verify > "$work/verify.out" 2>&1 ||
	    { cat "$work/verify.out" >&2; die "tok-report verify fails on the pg bench ledger"; }
	PG_BAL_SQL="SELECT account, amount FROM account_balance
	 WHERE account NOT LIKE 'platform:%' AND amount >= 0 ORDER BY account;"
	PG_VER_SQL="SELECT count(*), sum(length(ref) + length(type) + length(date)
	 + length(recorded) + length(actor) + length(memo) + coalesce(reverses, 0)
	 + length(prev_hash) + length(hash)) FROM (SELECT * FROM txn ORDER BY txid) t;
	SELECT count(*), sum(amount), sum(length(account))
	 FROM (SELECT * FROM posting ORDER BY txid, seq) p;
	SELECT count(*) FROM (SELECT account, sum(amount) AS total FROM posting
	 GROUP BY account) p FULL JOIN account_balance b USING (account)
	 WHERE p.total IS DISTINCT FROM b.amount;"
	PB_TOK=$(time_reads "$work/r5" "$REPORT" --db "$BIG_URL" --format tsv balances)
	PB_SQL=$(time_reads "$work/r6" \
	    psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -A -t -d pgbig -c "$PG_BAL_SQL")
	PV_TOK=$(time_reads "$work/r7" "$REPORT" --db "$BIG_URL" verify)
	PV_SQL=$(time_reads "$work/r8" \
	    psql -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -A -t -d pgbig -c "$PG_VER_SQL")
	X=$(ratio "$PB_TOK" "$PB_SQL")
	row "pg balances s, $PNH-txn ledger" "$PB_TOK" "$PB_SQL" "$X" "-" "-"
	X=$(ratio "$PV_TOK" "$PV_SQL")
	row "pg verify s, $PNH-txn ledger" "$PV_TOK" "$PV_SQL" "$X" "-" "-"
	PVR_TOK=$(prate "$PV_TOK"); PVR_SQL=$(prate "$PV_SQL")
	row "pg verify transactions/s" "$PVR_TOK" "$PVR_SQL" \
	    "$(ratio "$PVR_SQL" "$PVR_TOK")" "-" "-"
	dropdb -h "$pgdir" pgbig
}
[ -n "$PG_NOTE" ] || pg_bench

# ------------------------------------------------------------------- report

LOAD1=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
cat <<EOF
tok bench: N = $N records (median of $BENCH_RUNS run(s), SQL text $BENCH_SQL_RUNS), sqlite3 $(sqlite3 -version | cut -d' ' -f1), $NCPU CPUs, load average $LOAD0 at start, $LOAD1 at end
Limit = the sqlite3 shell on tok's own schema (tables, indexes, triggers as
tok creates them), with $PRAGMAS
  batch (SQL text): per record INSERT txn + 2 INSERT posting as SQL text
      from awk, one BEGIN IMMEDIATE..COMMIT (constant 64-hex hashes: sqlite3
      cannot hash); the shell parses every statement, tok does not.
  batch (.import):  the same rows by .import into a view whose trigger does
      the 3 inserts: one prepared statement, one transaction.
  cpu s:            user + system CPU of tok vs the .import load (robust to
      other load on the machine; wall is not).
  peak RSS:         /usr/bin/time -f %M; the limit column is the .import load.
  one earning:      fresh copy of a $BASE_TXNS-txn ledger each run, new ref;
      sqlite3 reads the chain head and inserts txn + 2 postings in BEGIN
      IMMEDIATE..COMMIT ($SINGLE_HOW).
  balances:         the same SELECT on account_balance, output discarded.
  verify:           sqlite3 reading every txn and posting row in order and
      the per-account totals against the cache; no hashing.
EOF
if [ -z "$PG_NOTE" ]; then
	cat <<EOF
PostgreSQL ("pg" rows): N = $PG_N records (median of $PG_RUNS run(s)), server
$PG_VERSION of tests/pg/server.sh on a Unix socket, each batch into a fresh
database after a CHECKPOINT; settings:
$(printf "%s\n" "$PG_SETTINGS" | fold -s -w 72 | sed "s/^/    /; s/ *$//")
Limit = psql on the same server, on tok's schema as pg_dump gives it, in one
transaction (psql -1) that takes tok's advisory lock first:
  batch (COPY):     \\copy of the same txn and posting rows (copy.awk); the
      posting trigger keeps account_balance, as for tok.
  batch (SQL text): the INSERTs of sql.awk, one statement per round trip;
      tok-earn makes several per record (6 when this was written).
  time growth:      wall time at N / at N/2, one run at N/2 (linear = 2x):
      the trigger updates platform:issued's row once per record in one
      transaction, and PostgreSQL walks every version of it made so far.
  cpu s:            not given: the work is the server's, not the client's.
  one earning:      fresh copy (CREATE DATABASE .. TEMPLATE) of a
      $BASE_TXNS-txn ledger each run; psql -c does the lock, the chain head
      and txn + 2 postings in one round trip ($SINGLE_HOW).
  psql -c SELECT 1: psql starting, connecting and asking one trivial
      query: the floor under the limit of one earning.
  balances, verify: as above, on the $PG_N-txn ledger tok made, after VACUUM
      ANALYZE; psql -c, output discarded.
EOF
else
	printf '%s\n' "PostgreSQL: skipped ($PG_NOTE)."
fi
cat <<EOF
ratio = tok time (or size) / limit; for rates, limit rate / tok rate.

EOF
[ -n "$TIME" ] || printf "%s\n\n" "no /usr/bin/time (Debian package time): no peak RSS or cpu figures."
awk -F '\t' '
BEGIN { printf "%-34s %12s %17s %7s %10s  %s\n", "figure", "tok",
    "limit", "ratio", "target", "ok" }
{ printf "%-34s %12s %17s %7s %10s  %s\n", $1, $2, $3, $4, $5, $6 }' "$TABLE"
[ "$LOAD0" = "?" ] || awk -v l="$LOAD0" -v c="$NCPU" 'BEGIN { if (c != "?" && l + 0 > c * 0.5)
    print "\nnote: the machine was busy at the start (load " l " on " c \
    " CPUs); wall times and their ratios are noisy, cpu s is not." }'
exit 0
