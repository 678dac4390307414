#!/bin/sh
# valgrind.sh - a representative part of the bats suite with every tool
# run under valgrind --error-exitcode=1 --leak-check=full: writes, batches
# and idempotency (earn.bats), cash-outs and settlements (payout.bats),
# every report and verify (report.bats), bad records and configuration
# bombs (hostile.bats).  Each tool invocation logs to its own file; any
# report (an error or a definite or possible leak) makes a log non-empty
# and the run fail, as does a test that fails.
#
# usage: valgrind.sh [-b BINDIR] [-d DIR] [-l KINDS]
# -l KINDS are the leak kinds that count (valgrind's
# --errors-for-leak-kinds; default definite,possible as with
# --leak-check=full alone).
#
# Prints "valgrind runs=N reports=0 tests=P/T".
set -u

bindir= dir= kinds=definite,possible
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/..
while getopts b:d:l: opt; do
	case $opt in
	b) bindir=$OPTARG ;;
	l) kinds=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: valgrind.sh [-b BINDIR] [-d DIR] [-l KINDS]" >&2; exit 2 ;;
	esac
done
: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
command -v valgrind >/dev/null || { echo "valgrind.sh: needs valgrind" >&2; exit 2; }
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-valgrind.XXXXXX") || exit 2
else
	mkdir -p "$dir" || exit 2
fi
mkdir -p "$dir/bin" "$dir/log"
for tool in "$bindir"/tok-*; do
	cat >"$dir/bin/$(basename "$tool")" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=1 --leak-check=full \\
    --errors-for-leak-kinds=$kinds --show-leak-kinds=$kinds \\
    --log-file="$dir/log/$(basename "$tool").%p" "$tool" "\$@"
EOF
	chmod +x "$dir/bin/$(basename "$tool")"
done

# Three bats runs at once: the machine has at least two cores.
start=$(date +%s)
TOK_BIN=$dir/bin bats --tap "$tests/earn.bats" "$tests/payout.bats" \
    >"$dir/tap.1" 2>&1 &
p1=$!
TOK_BIN=$dir/bin bats --tap "$tests/report.bats" >"$dir/tap.2" 2>&1 &
p2=$!
TOK_BIN=$dir/bin bats --tap -f 'bad records|YAML bombs in the config' \
    "$tests/hostile.bats" >"$dir/tap.3" 2>&1
wait "$p1" "$p2"
seconds=$(($(date +%s) - start))

runs=$(find "$dir/log" -type f | wc -l)
reports=$(find "$dir/log" -type f -size +0 | wc -l)
passed=$(cat "$dir"/tap.* | grep -c '^ok ')
failed=$(cat "$dir"/tap.* | grep -c '^not ok ')
for f in $(find "$dir/log" -type f -size +0 | head -n 5); do
	echo "valgrind: $f:" >&2
	head -n 30 "$f" >&2
done
grep -h -A 8 '^not ok ' "$dir"/tap.* >&2
echo "valgrind runs=$runs reports=$reports tests=$passed/$((passed + failed))" \
    "seconds=$seconds"
if [ "$reports" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]; then
	rm -rf "$dir"
	exit 0
fi
echo "valgrind: logs kept in $dir" >&2
exit 1
