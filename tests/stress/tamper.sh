#!/bin/sh
# tamper.sh - edits behind the tools' back (DESIGN.md section 3, "Tamper
# evidence").
#
# Builds a ledger of every kind of transaction, then makes EDITS random
# edits to copies of it with sqlite3, as an attacker with write access to
# the file would (dropping the append-only triggers first, and putting
# them back as they were after): amounts, accounts, other fields, hashes,
# deleted, inserted, forged and reordered rows, the balance cache, the
# price book.  tok-report verify must fail each (exit 5) and name the
# first affected transaction: the one edited, or for a deletion the one
# after the gap; its schema check must pass, the triggers being back.
# One more kind of edit drops a trigger and does nothing else: the schema
# check must fail.
#
# With -H, RECOMPUTE more trials play the attacker who also recomputes
# every plain SHA-256 hash from the edit to the head, and puts the
# triggers back: a plain ledger cannot tell (verify passes, as it must:
# that is what the key is for), a ledger keyed with an HMAC key file must
# still fail naming the edit.
#
# usage: tamper.sh [-k] [-n EDITS] [-H RECOMPUTE] [-x KIND] [-s SEED]
#                  [-b BINDIR] [-d DIR]
# -x KIND leaves a kind out of the mix (may be repeated).
#
# Prints a line of figures, "tamper edits=... caught=... missed=...
# anomalies=0" with the misses by kind; each anomaly is described on
# stderr.  Exits 0 when there were none, 1 when there were, 2 when the run
# could not be set up.
set -u

edits=30 recompute=0 seed=1 keep=0 dir= bindir= exclude=
here=$(cd "$(dirname "$0")" && pwd)
while getopts kn:H:x:s:b:d: opt; do
	case $opt in
	k) keep=1 ;;
	n) edits=$OPTARG ;;
	H) recompute=$OPTARG ;;
	x) exclude="$exclude $OPTARG" ;;
	s) seed=$OPTARG ;;
	b) bindir=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: tamper.sh [-k] [-n EDITS] [-H RECOMPUTE] [-x KIND]" \
	    "[-s SEED] [-b BINDIR] [-d DIR]" >&2; exit 2 ;;
	esac
done
: "${bindir:=${TOK_BIN:-$here/../../bin}}"
bindir=$(cd "$bindir" && pwd) || exit 2
[ -x "$bindir/tok-report" ] || { echo "tamper.sh: no tools in $bindir" >&2; exit 2; }
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${STRESS_TMP:-/tmp}/tok-tamper.XXXXXX") || exit 2
else
	mkdir -p "$dir" || exit 2
fi
PATH=$bindir:$PATH
export PATH TOK_NOW=2026-11-28T12:00:00Z LC_ALL=C
unset TOK_DB TOK_CONFIG XDG_CONFIG_HOME XDG_DATA_HOME
: >"$dir/plain.yaml"
head -c 32 /dev/urandom >"$dir/chain.key"
chmod 600 "$dir/plain.yaml" "$dir/chain.key"
printf 'ledger:\n  hmac_key_file: %s\n' "$dir/chain.key" >"$dir/keyed.yaml"
chmod 600 "$dir/keyed.yaml"

# build DB CONFIG: a ledger of every kind of transaction: earnings (one
# and a batch), purchases, a refund, holds posted in full, in part and
# voided, cash-outs paid and failed (returned), price changes.
build() {
	export TOK_DB="$1" TOK_CONFIG="$2"
	awk 'BEGIN {
		print "worker\tamount\tref\tmemo"
		for (i = 1; i <= 60; i++)
			printf "w%02d\t%d.%02d\ttask-%d\tTask %d, caf\303\251\n",
			    i % 12, 20 + i % 30, i % 100, i, i
	}' >"$dir/earn.tsv"
	{
		tok-price set service search 3 &&
		    tok-price set exchange EUR 0.01 &&
		    tok-price set service search 2.50 --reason cheaper &&
		    tok-earn "$dir/earn.tsv" &&
		    tok-earn --ref bonus-1 --memo 'A bonus' --date 2026-11-20 w01 5
	} >/dev/null || return 1
	i=0
	while [ "$i" -lt 12 ]; do
		w=$(printf 'w%02d' "$i")
		tok-spend buy --ref order-$i "$w" search $((i % 3 + 1)) &&
		    tok-spend hold --ref bid-$i "$w" search 1 &&
		    case $((i % 3)) in
		    0) tok-spend post bid-$i ;;
		    1) tok-spend post bid-$i 1.00 ;;
		    2) tok-spend void bid-$i ;;
		    esac &&
		    tok-spend cashout --ref pay-$i "$w" 5 || return 1
		i=$((i + 1))
	done >/dev/null
	tok-spend refund --reason 'not delivered' 62 >/dev/null &&
	    printf 'payout\tstatus\tprovider_ref\n1\tpaid\tP1\n2\tfailed\tP2\n' |
	    tok-spend settle - >/dev/null &&
	    tok-report verify >/dev/null
}
build "$dir/plain.db" "$dir/plain.yaml" ||
    { echo "tamper.sh: cannot build the plain ledger" >&2; exit 2; }
build "$dir/keyed.db" "$dir/keyed.yaml" ||
    { echo "tamper.sh: cannot build the keyed ledger" >&2; exit 2; }
unset TOK_DB TOK_CONFIG

# What the edits are drawn from.
sqlite3 -batch -separator ' ' "$dir/plain.db" "
	SELECT 'P', txid, seq, account, amount FROM posting ORDER BY txid, seq;
	SELECT 'N', max(txid) FROM txn;
	SELECT 'C', count(*) FROM price_change;
	SELECT 'T', name, sql FROM sqlite_master WHERE type = 'trigger';" \
    >"$dir/shape" ||
    { echo "tamper.sh: cannot read the ledger" >&2; exit 2; }

# The edits: edit.I.sql for each, and a manifest line "I KIND EXPECT"
# where EXPECT is the txid verify must name first, or the check that
# must fail when no transaction is touched (cache, prices, schema).
mkdir -p "$dir/edits"
awk -v n="$edits" -v seed="$seed" -v exclude="$exclude" -v d="$dir/edits" '
$1 == "P" { acct[$2, $3] = $4; amt[$2, $3] = $5; np[$2] = $3; next }
$1 == "N" { last = $2; next }
$1 == "C" { prices = $2; next }
# A trigger and its SQL (one line: the migrations have no newlines).
$1 == "T" { tsql[$2] = substr($0, length($1 " " $2 " ") + 1); next }
function pick(lo, hi) { return lo + int(rand() * (hi - lo + 1)) }
function q(s) { gsub(/\047/, "\047\047", s); return "\047" s "\047" }
END {
	srand(seed)
	nk = split("amount amount2 account field hash prev delete delpost " \
	    "insert forge swap seq cache price trigger", kinds, " ")
	split(exclude, ex, " ")
	for (i in ex)
		for (j = 1; j <= nk; j++)
			if (kinds[j] == ex[i])
				kinds[j] = ""
	# The triggers in the way of the edits, dropped before and put back
	# as they were after.
	nu = split("txn_no_update txn_no_delete posting_no_update " \
	    "posting_no_delete price_no_update", unlocked, " ")
	unlock = relock = ""
	for (i = 1; i <= nu; i++) {
		unlock = unlock "DROP TRIGGER " unlocked[i] "; "
		relock = relock "\n" tsql[unlocked[i]] ";"
	}
	unlock = unlock "\n"
	split("txn_no_update txn_no_delete posting_no_update " \
	    "posting_no_delete balance_no_delete price_no_update " \
	    "price_no_delete hold_no_update payout_no_delete", triggers, " ")
	for (e = 1; e <= n; e++) {
		do kind = kinds[pick(1, nk)]; while (kind == "")
		k = pick(1, last - 1)
		f = d "/edit." e ".sql"
		sql = unlock
		expect = k
		lock = relock
		if (kind == "amount") {
			s = pick(1, np[k])
			delta = amt[k, s] == 1 ? 1 : -1
			sql = sql sprintf("UPDATE posting SET amount = amount + %d" \
			    " WHERE txid = %d AND seq = %d;", delta, k, s)
		} else if (kind == "amount2") {
			# The sum kept at zero, the cache made to agree: only
			# the chain can tell.
			for (s = 1; s <= np[k]; s++)
				if (acct[k, s] !~ /^platform:/)
					break
			if (s > np[k])
				s = 1
			t = s == 1 ? 2 : 1
			sql = sql sprintf("UPDATE posting SET amount = amount + 100" \
			    " WHERE txid = %d AND seq = %d; UPDATE posting SET" \
			    " amount = amount - 100 WHERE txid = %d AND seq = %d;" \
			    " UPDATE account_balance SET amount = amount + 100" \
			    " WHERE account = %s; UPDATE account_balance SET" \
			    " amount = amount - 100 WHERE account = %s;", k, s, k, t,
			    q(acct[k, s]), q(acct[k, t]))
		} else if (kind == "account") {
			s = pick(1, np[k])
			sql = sql sprintf("UPDATE posting SET account = %s WHERE" \
			    " txid = %d AND seq = %d;", q(acct[k, s] == "w07" ? \
			    "w08" : "w07"), k, s)
		} else if (kind == "field") {
			split("ref memo date recorded actor type", fields, " ")
			fl = fields[pick(1, 6)]
			sql = sql sprintf("UPDATE txn SET %s = %s || \047x\047" \
			    " WHERE txid = %d;", fl, fl, k)
		} else if (kind == "hash" || kind == "prev") {
			sql = sql sprintf("UPDATE txn SET %s = (SELECT hash FROM" \
			    " txn WHERE txid = %d) WHERE txid = %d;",
			    kind == "hash" ? "hash" : "prev_hash", k + 1, k)
		} else if (kind == "delete") {
			sql = sql sprintf("DELETE FROM posting WHERE txid = %d;" \
			    " DELETE FROM txn WHERE txid = %d;", k, k)
			expect = k + 1
		} else if (kind == "delpost") {
			sql = sql sprintf("DELETE FROM posting WHERE txid = %d" \
			    " AND seq = %d;", k, pick(1, np[k]))
		} else if (kind == "insert") {
			sql = sql sprintf("INSERT INTO posting(txid, seq, account," \
			    " amount) VALUES (%d, 9, \047w03\047, 100), (%d, 10," \
			    " \047platform:issued\047, -100);", k, k)
		} else if (kind == "forge") {
			sql = sql sprintf("INSERT INTO txn SELECT txid + 1," \
			    " \047forged\047, type, date, recorded, actor, memo," \
			    " NULL, hash, hash FROM txn WHERE txid = %d;" \
			    " INSERT INTO posting VALUES (%d, 1," \
			    " \047platform:issued\047, -100000), (%d, 2, \047w05\047," \
			    " 100000);", last, last + 1, last + 1)
			expect = last + 1
		} else if (kind == "swap") {
			j = pick(k + 1, last)
			sql = sql sprintf("UPDATE txn SET txid = -1 WHERE txid = %d;" \
			    " UPDATE posting SET txid = -1 WHERE txid = %d;" \
			    " UPDATE txn SET txid = %d WHERE txid = %d;" \
			    " UPDATE posting SET txid = %d WHERE txid = %d;" \
			    " UPDATE txn SET txid = %d WHERE txid = -1;" \
			    " UPDATE posting SET txid = %d WHERE txid = -1;",
			    k, k, k, j, k, j, j, j)
		} else if (kind == "seq") {
			sql = sql sprintf("UPDATE posting SET seq = -seq WHERE" \
			    " txid = %d; UPDATE posting SET seq = CASE -seq WHEN 1" \
			    " THEN 2 WHEN 2 THEN 1 ELSE -seq END WHERE txid = %d;",
			    k, k)
		} else if (kind == "cache") {
			sql = sprintf("UPDATE account_balance SET amount = amount" \
			    " + 1 WHERE account = \047w%02d\047;", pick(0, 11))
			expect = "cache"
			lock = ""
		} else if (kind == "price") {
			sql = sql sprintf("UPDATE price_change SET price = price" \
			    " + 1 WHERE id = %d;", pick(1, prices))
			expect = "prices"
		} else if (kind == "trigger") {
			sql = sprintf("DROP TRIGGER %s;", triggers[pick(1, 9)])
			expect = "schema"
			lock = ""
		}
		print sql lock > f
		close(f)
		print e, kind, expect
	}
}' "$dir/shape" >"$dir/manifest"

# verdict EXPECT: reads verify's exit status (rc) and output; prints
# "caught", "missed" (exit 0) or "X why".  The schema check must fail
# when EXPECT is schema, and pass otherwise: the attacker put the
# triggers back.
verdict() {
	if [ "$rc" -eq 0 ]; then
		echo missed
		return
	fi
	[ "$rc" -eq 5 ] || { echo "X exit $rc: $(head -n 1 "$dir/v.err")"; return; }
	awk -F'\t' -v want="$1" '
	NR > 1 && $2 == "failed" {
		failed[$1] = $4
		if ($3 != "" && (first == "" || $3 + 0 < first + 0))
			first = $3
	}
	END {
		if (want != "schema" && ("schema" in failed))
			print "X schema check failed: " failed["schema"]
		else if ((want in failed) ||
		    (want ~ /^[0-9]+$/ && first == want))
			print "caught"
		else
			printf "X names %s, not %s\n",
			    first == "" ? "no transaction" : "txid " first, want
	}' "$dir/v.out"
}

# recompute DB K: rewrites every hash from txid K to the head with plain
# SHA-256 over the canonical encoding (tok-txn-1, then each field as
# LENGTH:BYTES,), as an attacker who knows the format would.
recompute() {
	sqlite3 -batch -separator "$(printf '\037')" "$1" "
	    SELECT 'H', hash FROM txn WHERE txid = $2 - 1;
	    SELECT 'T', txid, ref, type, date, recorded, actor, memo,
	        coalesce(reverses, 0), (SELECT count(*) FROM posting p
	        WHERE p.txid = t.txid) FROM txn t WHERE txid >= $2
	        ORDER BY txid;
	    SELECT 'P', txid, account, amount FROM posting WHERE txid >= $2
	        ORDER BY txid, seq;" | awk -F '\037' -v tmp="$dir/sha" '
	function f(s) { return length(s) ":" s "," }
	$1 == "H" { prev = $2; next }
	$1 == "T" { n++; row[n] = $0; next }
	$1 == "P" { pp[$2] = pp[$2] f($3) f($4); next }
	END {
		if (prev == "")
			prev = sprintf("%064d", 0)
		print "DROP TRIGGER txn_no_update;"
		for (i = 1; i <= n; i++) {
			split(row[i], t, "\037")
			s = f("tok-txn-1") f(prev) f(t[2]) f(t[3]) f(t[4]) \
			    f(t[5]) f(t[6]) f(t[7]) f(t[8]) f(t[9]) f(t[10]) pp[t[2]]
			cmd = "sha256sum >" tmp
			printf "%s", s | cmd
			close(cmd)
			getline line <tmp
			close(tmp)
			h = substr(line, 1, 64)
			printf "UPDATE txn SET prev_hash = \047%s\047, hash = " \
			    "\047%s\047 WHERE txid = %s;\n", prev, h, t[2]
			prev = h
		}
	}' >"$dir/rehash.sql" && sqlite3 -batch "$1" <"$dir/rehash.sql"
}

start=$(date +%s)
while read -r i kind expect; do
	cp "$dir/plain.db" "$dir/t.db"
	if ! sqlite3 -batch "$dir/t.db" <"$dir/edits/edit.$i.sql" \
	    >"$dir/e.err" 2>&1; then
		echo "X $kind: edit $i did not apply: $(head -n 1 "$dir/e.err")"
		continue
	fi
	tok-report --db "$dir/t.db" --config "$dir/plain.yaml" verify \
	    </dev/null >"$dir/v.out" 2>"$dir/v.err"
	rc=$?
	echo "$kind $(verdict "$expect")" | sed 's/^\([a-z0-9]*\) X /X \1: edit '"$i"': /'
done <"$dir/manifest" >"$dir/results"

# The attacker who recomputes the chain: an amount raised in txid K, the
# cache made to agree, every hash from K on recomputed.
i=1
last=$(sqlite3 -batch "$dir/plain.db" 'SELECT max(txid) FROM txn')
while [ "$i" -le "$recompute" ]; do
	k=$(awk -v s="$seed" -v i="$i" -v n="$last" 'BEGIN {
		srand(s * 7919 + i); print 1 + int(rand() * n) }')
	for which in plain keyed; do
		cp "$dir/$which.db" "$dir/t.db"
		# Up a worker (else a first account), down a platform one
		# (else another): the sum stays zero, no CHECK objects.
		worker=$(sqlite3 -batch "$dir/t.db" "SELECT account FROM posting
		    WHERE txid = $k ORDER BY account GLOB 'platform:*', seq
		    LIMIT 1")
		other=$(sqlite3 -batch "$dir/t.db" "SELECT account FROM posting
		    WHERE txid = $k AND account <> '$worker'
		    ORDER BY account NOT GLOB 'platform:*', seq LIMIT 1")
		# The triggers the edit and the rehash drop, to put back.
		restore=$(sqlite3 -batch "$dir/t.db" "SELECT sql || ';'
		    FROM sqlite_master WHERE name IN ('posting_no_update',
		    'txn_no_update')")
		if ! sqlite3 -batch "$dir/t.db" "DROP TRIGGER posting_no_update;
		    UPDATE posting SET amount = amount + 100000 WHERE txid = $k
		        AND account = '$worker';
		    UPDATE posting SET amount = amount - 100000 WHERE txid = $k
		        AND account = '$other';
		    UPDATE account_balance SET amount = amount + 100000
		        WHERE account = '$worker';
		    UPDATE account_balance SET amount = amount - 100000
		        WHERE account = '$other';" 2>"$dir/e.err" ||
		    ! recompute "$dir/t.db" "$k" 2>>"$dir/e.err" ||
		    ! sqlite3 -batch "$dir/t.db" "$restore" 2>>"$dir/e.err"; then
			echo "X rehash-$which: txid $k: $(head -n 1 "$dir/e.err")"
			continue
		fi
		tok-report --db "$dir/t.db" --config "$dir/$which.yaml" verify \
		    </dev/null >"$dir/v.out" 2>"$dir/v.err"
		rc=$?
		if [ "$which" = plain ]; then
			# Without a key, a consistent rewrite passes: the
			# attack is right, and only the key can catch it.
			[ "$rc" -eq 0 ] && echo "rehash-plain passes" ||
			    echo "X rehash-plain: txid $k: verify exit $rc; the" \
			    "attacker's recomputation is wrong"
		else
			echo "rehash-keyed $(verdict "$k")" |
			    sed 's/^\([a-z-]*\) X /X \1: txid '"$k"': /'
		fi
	done
	i=$((i + 1))
done >>"$dir/results"
seconds=$(($(date +%s) - start))

awk -v seconds="$seconds" '
$1 == "X" { sub(/^X /, ""); print "tamper: " $0 > "/dev/stderr"; anomalies++; next }
$2 == "passes" { passes++; next }
$1 ~ /^rehash/ { rehash++; if ($2 == "caught") rcaught++; next }
{
	edits++
	if ($2 == "caught")
		caught++
	else {
		missed++
		miss[$1]++
		print "tamper: " $1 ": verify passed (exit 0)" > "/dev/stderr"
	}
}
END {
	for (k in miss)
		by = by sprintf(" missed_%s=%d", k, miss[k])
	printf "tamper edits=%d caught=%d missed=%d%s rehash_keyed=%d " \
	    "rehash_keyed_caught=%d rehash_plain_undetected=%d anomalies=%d " \
	    "seconds=%d\n", edits, caught, missed, by, rehash, rcaught, passes,
	    anomalies + missed, seconds
	exit anomalies + missed > 0
}' "$dir/results"
status=$?
if [ "$keep" -eq 0 ] && [ "$status" -eq 0 ]; then
	rm -rf "$dir"
else
	echo "tamper: files kept in $dir" >&2
fi
exit "$status"
