#!/bin/sh
# bombs.sh - YAML bombs against the configuration loader (DESIGN.md
# section 4): a billion laughs, 10,000-deep nesting (flow sequences and
# flow mappings), a huge scalar (quoted and block), 100,000 anchors,
# 150,000 events, a 100 MB file.  Each must be refused (exit 4 as a
# configuration, 3 given to tok-price import) with a message that names
# the limit, in under a second and 64 MB, by every tool.
#
# usage: bombs.sh [-m DIR] [-s MB] [-b BINDIR]
# -m DIR only makes the bombs in DIR (for the bats suite); -s MB is the
# size of the huge file (default 100).
#
# Prints one line of figures per bomb, "bomb name=laughs bytes=...
# seconds=... max_kb=... refused=5/5 anomalies=0" (the worst time and
# resident size over the five runs, from /usr/bin/time), and a total
# line.  Exits 0 when there were no anomalies, 1 when there were.
set -u

make_only= mb=100 bindir=
here=$(cd "$(dirname "$0")" && pwd)
while getopts m:s:b: opt; do
	case $opt in
	m) make_only=$OPTARG ;;
	s) mb=$OPTARG ;;
	b) bindir=$OPTARG ;;
	*) echo "usage: bombs.sh [-m DIR] [-s MB] [-b BINDIR]" >&2; exit 2 ;;
	esac
done

# make DIR: writes NAME.yaml for each bomb, mode 600.
make_bombs() {
	mkdir -p "$1" || return 1
	cp "$here/../data/config/billion-laughs.yaml" "$1/laughs.yaml"
	awk 'BEGIN { printf "tiers: "; for (i = 0; i < 10000; i++) printf "["
	    for (i = 0; i < 10000; i++) printf "]"; print "" }' >"$1/deep.yaml"
	awk 'BEGIN { printf "currency: "; for (i = 0; i < 10000; i++)
	    printf "{a: "; printf "1"; for (i = 0; i < 10000; i++) printf "}"
	    print "" }' >"$1/deepmap.yaml"
	awk 'BEGIN { printf "currency: \""; for (i = 0; i < 900000; i++)
	    printf "x"; print "\"" }' >"$1/scalar.yaml"
	awk 'BEGIN { print "currency: |"; for (i = 0; i < 20000; i++)
	    print "  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }' >"$1/block.yaml"
	# 100,000 distinct anchors in 700 kB: names of three characters.
	awk 'BEGIN { a = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    printf "tiers: ["; for (i = 0; i < 100000; i++)
	    printf "%s&%s%s%s 0", i ? "," : "", substr(a, i % 62 + 1, 1),
	    substr(a, int(i / 62) % 62 + 1, 1), substr(a, int(i / 3844) % 62 + 1, 1)
	    print "]" }' >"$1/anchors.yaml"
	awk 'BEGIN { printf "tiers: ["; for (i = 0; i < 150000; i++)
	    printf "%s0", i ? "," : ""; print "]" }' >"$1/events.yaml"
	{ printf 'currency: '; head -c $((mb * 1048576)) /dev/zero | tr '\0' x; echo; } \
	    >"$1/huge.yaml"
	chmod 600 "$1"/*.yaml
}

if [ -n "$make_only" ]; then
	make_bombs "$make_only"
	exit
fi

: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
[ -x /usr/bin/time ] || { echo "bombs.sh: needs /usr/bin/time" >&2; exit 2; }
dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-bombs.XXXXXX") || exit 2
make_bombs "$dir" || exit 2
PATH=$bindir:$PATH
export PATH TOK_DB="$dir/ledger.db" TOK_CONFIG="$dir/tok.yaml" \
    TOK_NOW=2026-11-28T12:00:00Z LC_ALL=C
: >"$TOK_CONFIG"
chmod 600 "$TOK_CONFIG"
tok-earn --ref s1 alice 5 </dev/null >/dev/null || exit 2

status=0
for name in laughs deep deepmap scalar block anchors events huge; do
	f=$dir/$name.yaml
	case $name in
	laughs|anchors) limit='anchors and aliases are not allowed' ;;
	deep|deepmap) limit='nesting deeper than 32 levels' ;;
	scalar|block) limit='scalar longer than 4096 bytes' ;;
	events) limit='more than 100000 YAML events' ;;
	huge) limit='larger than 1048576 bytes' ;;
	esac
	for run in "4 tok-earn --config $f bob 1" \
	    "4 tok-spend --config $f buy alice search" \
	    "4 tok-price --config $f list" \
	    "4 tok-report --config $f balances" \
	    "3 tok-price import $f"; do
		# shellcheck disable=SC2086 # one word per argument
		set -- $run
		want=$1
		shift
		/usr/bin/time -o "$dir/time" -f '%e %M' "$@" </dev/null \
		    >"$dir/out" 2>"$dir/err"
		rc=$?
		# GNU time first says "Command exited with non-zero status N".
		tl=$(tail -n 1 "$dir/time")
		secs=${tl% *} kb=${tl#* }
		msg=$(head -n 1 "$dir/err")
		echo "$name $rc $want $secs $kb $(wc -c <"$f") $(wc -l <"$dir/err") $(wc -c <"$dir/out") $msg"
	done
done | awk '
function bad(what) { print "bombs: " $1 ": " what > "/dev/stderr"; anom[$1]++; total++ }
{
	name = $1; order[name] = ++seen[name] == 1 ? ++n : order[name]
	names[order[name]] = name
	bytes[name] = $6
	runs[name]++
	if (!(name in secs) || $4 + 0 > secs[name] + 0) secs[name] = $4
	if ($5 + 0 > kb[name] + 0) kb[name] = $5
	msg = $0
	for (i = 1; i <= 8; i++) sub(/^[^ ]* /, "", msg)
	if ($2 == $3 && $7 == 1 && $8 == 0) refused[name]++
	else bad("exit " $2 " (want " $3 "), " $7 " lines on stderr, " $8 " bytes on stdout: " msg)
	if ($4 + 0 >= 1) bad("took " $4 " s")
	if ($5 + 0 >= 65536) bad("used " $5 " KB")
	if (name ~ /laughs|anchors/ && msg !~ /anchors and aliases are not allowed/ ||
	    name ~ /deep/ && msg !~ /nesting deeper than 32 levels/ ||
	    name ~ /scalar|block/ && msg !~ /scalar longer than 4096 bytes/ ||
	    name == "events" && msg !~ /more than 100000 YAML events/ ||
	    name == "huge" && msg !~ /larger than 1048576 bytes/)
		bad("does not name the limit: " msg)
}
END {
	for (i = 1; i <= n; i++) {
		b = names[i]
		printf "bomb name=%s bytes=%d seconds=%s max_kb=%d refused=%d/%d " \
		    "anomalies=%d\n", b, bytes[b], secs[b], kb[b], refused[b],
		    runs[b], anom[b]
		if (i == 1 || secs[b] + 0 > ws + 0) ws = secs[b]
		if (kb[b] + 0 > wk + 0) wk = kb[b]
	}
	printf "bombs total worst_seconds=%s worst_kb=%d anomalies=%d\n", ws, wk,
	    total
	exit total > 0
}' || status=1
rm -rf "$dir"
exit "$status"
