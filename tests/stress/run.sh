#!/bin/sh
# run.sh - `make stress`: the long versions of the reliability and
# security checks, and a table of their figures.
#
#   bank    the bank race: STRESS_PROCS x STRESS_OPS operations
#   broken  the same checker against the BROKEN=1 build: it must find
#           anomalies
#   kill    kill -9 during a batch: KILL_TRIALS trials of KILL_RECORDS
#           records, and KILL_BIG_TRIALS of 100,000
#   io      EIO on the Nth write/sync (once, persistent), ENOSPC, a full
#           disk by ulimit -f
#   bombs   YAML bombs: time and memory of each refusal
#   tamper  TAMPER_EDITS random edits, TAMPER_REHASH recomputed chains
#
# Environment: TOK_BIN, TOK_BROKEN_BIN, TOK_FAILIO (the Makefile sets
# them), STRESS_TMP (where ledgers go; default /tmp), and the counts
# above.  STRESS_ONLY="bank kill" runs some parts only.  Exits 0 when
# every part passed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${TOK_BIN:-$root/bin}
broken=${TOK_BROKEN_BIN:-$root/bin-broken}
failio=${TOK_FAILIO:-$root/obj/failio.so}
parts=${STRESS_ONLY:-bank broken kill io bombs tamper}
out=$(mktemp "${TMPDIR:-/tmp}/tok-stress.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT

# part NAME CMD...: runs a part; its figures lines go to the table with
# its verdict, its messages to stderr.
part() {
	name=$1
	shift
	t0=$(date +%s)
	"$@" >"$out.part" 2>"$out.err"
	rc=$?
	secs=$(($(date +%s) - t0))
	if [ "$name" = broken ]; then
		# The checker passes when it fails the broken build.
		if [ "$rc" -eq 1 ] && grep -q 'anomalies=[1-9]' "$out.part"; then
			verdict="ok (anomalies found, as they must be)"
		else
			verdict="FAILED (the checker missed the broken build)"
		fi
	elif [ "$rc" -eq 0 ]; then
		verdict=ok
	else
		verdict="FAILED (exit $rc)"
	fi
	sed "s/^/$name|/" "$out.part" >>"$out"
	echo "$name|== $verdict, ${secs}s" >>"$out"
	printf '%-7s %s (%ss)\n' "$name" "$verdict" "$secs" >&2
	case $verdict in
	ok*) ;;
	*) sed -n '1,40p' "$out.err" >&2; failed=1 ;;
	esac
	rm -f "$out.part" "$out.err"
}

failed=0
start=$(date +%s)
for p in $parts; do
	case $p in
	bank) part bank sh "$here/bank.sh" -b "$bin" \
	    -p "${STRESS_PROCS:-8}" -n "${STRESS_OPS:-10000}" -w 20 ;;
	broken) part broken sh "$here/bank.sh" -b "$broken" -p 8 -n 200 -w 4 ;;
	kill)
		part kill sh "$here/../fault/kill.sh" -b "$bin" -j 2 \
		    -t "${KILL_TRIALS:-200}" -r "${KILL_RECORDS:-20000}"
		[ "${KILL_BIG_TRIALS:-60}" -gt 0 ] &&
		    part kill sh "$here/../fault/kill.sh" -b "$bin" -j 2 \
		    -t "${KILL_BIG_TRIALS:-60}" -r 100000 -s 2
		;;
	io)
		part io sh "$here/../fault/io.sh" -b "$bin" -f "$failio" -m once
		part io sh "$here/../fault/io.sh" -b "$bin" -f "$failio" \
		    -m persistent earn buy batch cashout
		part io sh "$here/../fault/io.sh" -b "$bin" -f "$failio" \
		    -e ENOSPC earn buy batch
		;;
	bombs) part bombs sh "$here/bombs.sh" -b "$bin" ;;
	tamper) part tamper sh "$here/tamper.sh" -b "$bin" \
	    -n "${TAMPER_EDITS:-1000}" -H "${TAMPER_REHASH:-20}" ;;
	*) echo "run.sh: no part $p" >&2; exit 2 ;;
	esac
done

echo
echo "tok stress: $(uname -sm), $(nproc 2>/dev/null || echo ?) cores," \
    "ledgers in ${STRESS_TMP:-/tmp}, $(($(date +%s) - start))s in all"
awk -F'|' '
{
	sub(/^(bank|kill|io|bomb|bombs|tamper) /, "", $2)
	printf "%-7s %s\n", $1 == last ? "" : $1, $2
	last = $1
}' "$out"
exit "$failed"
