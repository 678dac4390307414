#!/bin/sh
# io.sh - write and sync failures under a write (DESIGN.md section 9: exit
# 4, and a failed command leaves the ledger exactly as it was).
#
# For each operation, the Nth write(), pwrite(), fsync() or fdatasync()
# on the ledger's files (the database, its WAL and shared memory) is made
# to fail with EIO by the failio.so shim, for N = 1, 2, ... until the
# operation succeeds; with -m persistent the Nth and every later call
# fail.  Each failure must print one clear message on stderr, exit 4, and
# leave the ledger as it was: the same sqlite3 .dump (hashed with sha256)
# and PRAGMA integrity_check ok.  The run that succeeds must give the
# ledger a clean run gives.  A full disk is then made with ulimit -f
# (SIGXFSZ ignored, so writes past the limit fail with EFBIG), at limits
# from the ledger's size up until the operation fits.
#
# usage: io.sh [-k] [-m once|persistent] [-e EIO|ENOSPC] [-b BINDIR]
#              [-f FAILIO_SO] [-d DIR] [OPERATION...]
# Operations: earn, batch, buy, hold, cashout, price, disk (the ulimit
# sweep); all by default.
#
# Prints one line of figures per operation, "io op=earn mode=once
# points=... failed=... unchanged=... landed=... anomalies=0"; "landed"
# counts failures (exit 4) after which the transaction is nevertheless
# in the ledger, whole: a commit whose final sync failed.  Exits 0 when
# there were no anomalies, 1 when there were, 2 on a setup failure.
set -u

mode=once errname=EIO keep=0 dir= bindir= failio=
here=$(cd "$(dirname "$0")" && pwd)
while getopts km:e:b:f:d: opt; do
	case $opt in
	k) keep=1 ;;
	m) mode=$OPTARG ;;
	e) errname=$OPTARG ;;
	b) bindir=$OPTARG ;;
	f) failio=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: io.sh [-k] [-m once|persistent] [-e EIO|ENOSPC]" \
	    "[-b BINDIR] [-f FAILIO_SO] [-d DIR] [OPERATION...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- earn batch buy hold cashout price disk
: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
: "${failio:=${TOK_FAILIO:-$here/../../obj/failio.so}}"
[ -x "$bindir/tok-earn" ] || { echo "io.sh: no tools in $bindir" >&2; exit 2; }
[ -f "$failio" ] || { echo "io.sh: no shim $failio (make $failio)" >&2; exit 2; }
failio=$(cd "$(dirname "$failio")" && pwd)/$(basename "$failio")
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-io.XXXXXX") || exit 2
else
	mkdir -p "$dir" || exit 2
fi
PATH=$bindir:$PATH
export PATH TOK_CONFIG="$dir/tok.yaml" TOK_DB="$dir/ledger.db" \
    TOK_NOW=2026-11-28T12:00:00Z LC_ALL=C
unset XDG_CONFIG_HOME XDG_DATA_HOME
# An ASan build (make SANITIZE=1) must not insist on coming first.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
: >"$TOK_CONFIG"
chmod 600 "$TOK_CONFIG"

# The ledger every attempt starts from: three workers, a service, a hold
# (for post), the exchange rate.
awk 'BEGIN {
	print "worker\tamount\tref"
	for (i = 1; i <= 200; i++)
		printf "b%03d\t%d.25\tio-batch-%d\n", i % 50, i % 9 + 1, i
}' >"$dir/batch.tsv"
if ! { tok-earn --ref s1 alice 50 && tok-earn --ref s2 bob 50 &&
    tok-price set service search 3 && tok-price set exchange EUR 0.01 &&
    tok-spend hold --ref h1 bob search 2; } </dev/null >/dev/null; then
	echo "io.sh: cannot set up the ledger in $dir" >&2
	exit 2
fi
mv "$TOK_DB" "$dir/base.db"

# op NAME: the command of operation NAME, in "$@" of the caller.
op() {
	case $1 in
	earn) echo "tok-earn --ref io-1 carol 7.50" ;;
	batch) echo "tok-earn $dir/batch.tsv" ;;
	buy) echo "tok-spend buy --ref io-2 alice search 2" ;;
	hold) echo "tok-spend post h1 4.00" ;;
	cashout) echo "tok-spend cashout --ref io-3 alice 12.00" ;;
	price) echo "tok-price set service search 2.50 --reason cheaper" ;;
	disk) echo "tok-earn $dir/big.tsv" ;;
	*) return 1 ;;
	esac
}

fresh() {
	rm -f "$TOK_DB" "$TOK_DB-wal" "$TOK_DB-shm"
	cp "$dir/base.db" "$TOK_DB"
}

dump_hash() {
	sqlite3 -batch "$TOK_DB" .dump 2>&1 | sha256sum | cut -d' ' -f1
}

# judge NAME N: after an attempt (rc, $dir/err): prints a verdict.
judge() {
	after=$(dump_hash)
	ic=$(sqlite3 -batch "$TOK_DB" 'PRAGMA integrity_check' 2>&1)
	lines=$(grep -c . "$dir/err")
	first=$(head -n 1 "$dir/err")
	[ "$ic" = ok ] || echo "X $1 at $2: integrity_check: $ic"
	if [ "$rc" -eq 0 ]; then
		[ "$after" = "$clean" ] ||
		    echo "X $1 at $2: exit 0, but not the ledger of a clean run"
		echo "done"
		return
	fi
	[ "$rc" -eq 4 ] || echo "X $1 at $2: exit $rc, not 4: $first"
	[ "$lines" -eq 1 ] ||
	    echo "X $1 at $2: $lines lines on stderr, not one: $first"
	case $first in
	*"$TOK_DB"*"I/O error"* | *"$TOK_DB"*"disk is full"*) ;;
	# The receipt, spooled to a temporary file, can hit the limit first.
	*": write error: File too large") echo "spool" ;;
	*) echo "X $1 at $2: unclear message: $first" ;;
	esac
	if [ "$after" = "$before" ]; then
		echo "unchanged"
	elif [ "$after" = "$clean" ]; then
		echo "landed"
	else
		echo "X $1 at $2: exit $rc and the ledger changed: neither as" \
		    "before nor as a clean run leaves it"
	fi
}

# sweep NAME: N = 1, 2, ... until the operation succeeds.
sweep() {
	cmd=$(op "$1")
	fresh
	before=$(dump_hash)
	# shellcheck disable=SC2086 # one word per argument
	$cmd </dev/null >/dev/null 2>&1 || { echo "X $1: fails without faults"; return; }
	clean=$(dump_hash)
	n=1
	while [ "$n" -le 2000 ]; do
		fresh
		# shellcheck disable=SC2086
		FAILIO_MATCH=$(basename "$TOK_DB") FAILIO_N=$n FAILIO_MODE=$mode \
		    FAILIO_ERRNO=$errname FAILIO_REPORT="$dir/calls" \
		    LD_PRELOAD=$failio $cmd </dev/null >/dev/null 2>"$dir/err"
		rc=$?
		echo "point"
		v=$(judge "$1" "$n")
		echo "$v"
		case $v in
		*done*) return ;;
		esac
		n=$((n + 1))
	done
	echo "X $1: still failing at N = 2000"
}

# disk: the file size limit (ulimit -f, in KiB) from the ledger's size
# up, doubling the headroom until a batch of 5,000 records fits.
disk() {
	awk 'BEGIN {
		print "worker\tamount\tref"
		for (i = 1; i <= 5000; i++)
			printf "d%03d\t1.%02d\tdisk-%d\n", i % 300, i % 100, i
	}' >"$dir/big.tsv"
	fresh
	before=$(dump_hash)
	tok-earn "$dir/big.tsv" </dev/null >/dev/null 2>&1 ||
	    { echo "X disk: fails without a limit"; return; }
	clean=$(dump_hash)
	size=$(($(wc -c <"$dir/base.db") / 1024))
	extra=0
	while [ "$extra" -le 65536 ]; do
		fresh
		(
			trap '' XFSZ
			ulimit -f $((size + extra))
			exec tok-earn "$dir/big.tsv" </dev/null >/dev/null \
			    2>"$dir/err"
		)
		rc=$?
		echo "point"
		v=$(judge disk "$((size + extra))KiB")
		echo "$v"
		case $v in
		*done*) return ;;
		esac
		extra=$((extra * 3 / 2 + 4))
	done
	echo "X disk: still failing with 64 MiB of headroom"
}

status=0
for name in "$@"; do
	op "$name" >/dev/null || { echo "io.sh: no operation $name" >&2; exit 2; }
	if [ "$name" = disk ]; then
		disk
	else
		sweep "$name"
	fi | awk -v name="$name" -v mode="$mode" -v err="$errname" '
	$1 == "point" { points++; next }
	$1 == "done" { next }
	$1 == "spool" { spool++; next }
	$1 == "unchanged" { failed++; unchanged++; next }
	$1 == "landed" { failed++; landed++; next }
	{ sub(/^X /, ""); print "io: " $0 > "/dev/stderr"; anomalies++ }
	END {
		printf "io op=%s mode=%s errno=%s points=%d failed=%d " \
		    "unchanged=%d landed=%d spool=%d anomalies=%d\n", name,
		    name == "disk" ? "ulimit" : mode, name == "disk" ? "EFBIG" : \
		    err, points, failed, unchanged, landed, spool, anomalies
		exit anomalies > 0
	}' || status=1
done
if [ "$keep" -eq 0 ] && [ "$status" -eq 0 ]; then
	rm -rf "$dir"
else
	echo "io: files kept in $dir" >&2
fi
exit "$status"
