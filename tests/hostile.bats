#!/usr/bin/env bats
# Hostile input (DESIGN §9): bad numbers, names, dates, refs, records,
# options and files across tok-earn, tok-spend, tok-price, tok-vote and
# tok-report;
# configuration bombs; edits made behind the tools' back.  Every bad case
# gets one clear message naming the tool, its documented exit status, and
# leaves the ledger byte for byte as it was.

load helper

STRESS=$BATS_TEST_DIRNAME/stress

# A ledger with a bit of everything: earnings, a service, a task rate,
# the exchange rate, a hold and a payout; and the files the cases use.
fixture() {
	earn --ref s1 alice 50
	earn --ref s2 bob 20
	{
		tok-price set service search 3 &&
		    tok-price set task translation 0.05 --per word &&
		    tok-price set exchange EUR 0.01 &&
		    tok-spend hold --ref h1 bob search 2 &&
		    tok-spend cashout --ref c1 alice 5
	} </dev/null >/dev/null 2>"$T/.fixture.err" ||
	    fail "fixture: $(cat "$T/.fixture.err")"
	LONG65=$(printf 'a%.0s' $(seq 65))
	LONG129=$(printf 'r%.0s' $(seq 129))
	LONG1025=$(printf 'm%.0s' $(seq 1025))
	mkdir "$T/adir"
	: >"$T/empty"
	printf 'not a ledger, just text\n' >"$T/text.db"
	sqlite3 "$T/other.db" 'CREATE TABLE t(x)'
	earn --db "$T/ww.db" --ref w1 alice 1
	chmod 666 "$T/ww.db"
	chmod 600 "$T/other.db" "$T/text.db"
}

# matrix: runs the cases on stdin, one a line: STATUS, a tab, a regex
# the first line of stderr must match, a tab, a shell command ("#"
# starts a comment).  Each must exit STATUS, print nothing on stdout,
# print messages that start with the tool's name (or a usage), and leave
# the ledger unchanged.
matrix() {
	local want re cmd n=0 l

	snapshot
	while IFS=$'\t' read -r want re cmd; do
		[[ -z $want || $want == \#* ]] && continue
		n=$((n + 1))
		run --separate-stderr eval "$cmd" </dev/null
		[ "$status" -eq "$want" ] || fail "case: $cmd
exit $status, not $want; stderr:
$stderr"
		[ -z "$output" ] || fail "case: $cmd
printed on stdout: $output"
		[ "${#stderr_lines[@]}" -ge 1 ] || fail "case: $cmd
no message on stderr"
		[[ ${stderr_lines[0]} =~ $re ]] || fail "case: $cmd
first line of stderr does not match /$re/:
$stderr"
		for l in "${stderr_lines[@]}"; do
			[[ $l =~ ^(tok-(earn|spend|price|vote|report):\ |usage:\ |\ {7}|common\ options:\ |\ {16}) ]] ||
			    fail "case: $cmd
a line of stderr that names no tool: $l"
		done
		assert_unchanged
	done
	[ "$n" -gt 0 ] || fail "no cases"
	echo "$n cases" >"$T/.cases"
}

@test "hostile: tok-earn: bad numbers, names, refs, dates, memos, options" {
	fixture
	matrix <<'EOF'
# numbers
3	amount "12,5": not a number \(the decimal separator	tok-earn alice 12,5
3	amount "1e3": not a number	tok-earn alice 1e3
3	amount "0": must be more than zero	tok-earn alice 0
3	amount "1.234": more than 2 decimals	tok-earn alice 1.234
3	too large	tok-earn alice 99999999999999999999
3	too large	tok-earn alice 92233720368547758.08
3	amount "": empty	tok-earn alice ''
3	amount " 5": not a number	tok-earn alice ' 5'
3	amount "0x10": not a number	tok-earn alice 0x10
3	amount "5.": not a number	tok-earn alice 5.
3	amount "-5": must not be negative	tok-earn -- alice -5
3	not a number	tok-earn alice $'\xef\xbc\x95'
2	invalid option	tok-earn alice -5
# names
3	worker "al ice": not a worker name	tok-earn 'al ice' 5
3	worker name is empty	tok-earn '' 5
3	worker "platform:issued": not a worker name	tok-earn platform:issued 5
3	worker "a{64}\.\.\.": not a worker name	tok-earn "$LONG65" 5
3	not a worker name	tok-earn 'alice;drop table txn' 5
3	not a worker name	tok-earn $'al\xc3\xa9' 5
3	not a worker name	tok-earn $'al\tice' 5
# refs
3	ref "a b": not a ref	tok-earn --ref 'a b' alice 5
3	reserved for refs tok makes itself	tok-earn --ref auto:1 alice 5
3	reserved for refs tok makes itself	tok-earn --ref expire:w1 alice 5
3	ref "r{128}\.\.\.": not a ref	tok-earn --ref "$LONG129" alice 5
3	not a ref	tok-earn --ref $'a\tb' alice 5
3	not a ref	tok-earn --ref $'caf\xc3\xa9' alice 5
1	ref "s1": conflict: amount 6.00 differs from txid 1	tok-earn --ref s1 alice 6
1	ref "s1": conflict	tok-earn --ref s1 bob 50
# dates
2	--date: date "2026-02-30": not a date	tok-earn --date 2026-02-30 alice 5
2	--date: date "2026-13-01": not a date	tok-earn --date 2026-13-01 alice 5
2	--date: date "26-11-28": not a date	tok-earn --date 26-11-28 alice 5
2	--date: date "2026-11-28T00:00:00Z"	tok-earn --date 2026-11-28T00:00:00Z alice 5
2	--date: date "": not a date	tok-earn --date '' alice 5
3	TOK_NOW: time "yesterday": not an ISO 8601	TOK_NOW=yesterday tok-earn alice 5
3	TOK_NOW: time "2026-11-28T25:00:00Z"	TOK_NOW=2026-11-28T25:00:00Z tok-earn alice 5
# memos
3	memo: invalid UTF-8 at byte 1	tok-earn --memo $'\xff\xfe' alice 5
3	memo: invalid UTF-8	tok-earn --memo $'\xed\xa0\x80' alice 5
3	memo longer than 1024 bytes	tok-earn --memo "$LONG1025" alice 5
# options
2	--format "xml": not one of table, tsv, csv, json	tok-earn --format xml alice 5
2	--wait "-1": not a number of seconds	tok-earn --wait -1 alice 5
2	--wait "abc": not a number of seconds	tok-earn --wait abc alice 5
2	--wait "86401": not a number of seconds	tok-earn --wait 86401 alice 5
2	--wait "nan": not a number of seconds	tok-earn --wait nan alice 5
2	unrecognized option '--bogus'	tok-earn --bogus alice 5
2	^usage: tok-earn	tok-earn a b c
2	--units goes with --kind	tok-earn --units 3 alice
2	--kind needs --units	tok-earn --kind translation alice
2	--ref goes with one earning	tok-earn --ref x b.tsv
2	--skip-invalid needs --rejects FILE	tok-earn --skip-invalid b.tsv
2	go with a batch	tok-earn --ref-prefix p alice 5
# kinds
3	kind: "nosuch": no price in force	tok-earn --kind nosuch --units 3 alice
3	kind "search": a service, not a task rate	tok-earn --kind search --units 1 alice
3	units "1.5": more than 0 decimals	tok-earn --kind translation --units 1.5 alice
3	units "0": must be more than zero	tok-earn --kind translation --units 0 alice
EOF
}

@test "hostile: tok-spend: bad units, amounts, holds, refunds, cash-outs, options" {
	fixture
	matrix <<'EOF'
3	units "0": must be more than zero	tok-spend buy alice search 0
3	units "1.5": more than 0 decimals	tok-spend buy alice search 1.5
3	units "99999999999999999999": too large	tok-spend buy alice search 99999999999999999999
3	units "abc": not a number	tok-spend buy alice search abc
1	out of range	tok-spend buy alice search 4000000000000000000
1	worker alice: balance 45.00 is short by 255.00	tok-spend buy alice search 100
1	worker carol: balance 0.00 is short by 3.00	tok-spend buy carol search 1
3	worker "a b": not a worker name	tok-spend buy 'a b' search
1	service "nosuch": unknown, or no price in force	tok-spend buy alice nosuch
1	"translation" is a task, not a service	tok-spend buy alice translation
3	ref "a b": not a ref	tok-spend buy --ref 'a b' alice search
1	ref "h1": conflict	tok-spend buy --ref h1 alice search
2	a hold needs --ref REF	tok-spend hold alice search
2	--timeout "0m": not a duration	tok-spend hold --ref h9 --timeout 0m alice search
2	--timeout "3651d": not a duration	tok-spend hold --ref h9 --timeout 3651d alice search
2	--timeout "10x": not a duration	tok-spend hold --ref h9 --timeout 10x alice search
2	--timeout "99999999999999999999s"	tok-spend hold --ref h9 --timeout 99999999999999999999s alice search
1	ref "h1": conflict: worker alice differs	tok-spend hold --ref h1 alice search 1
1	hold "nosuch": no such hold	tok-spend post nosuch
1	hold "s1": no such hold	tok-spend post s1
3	amount "0": must be more than zero	tok-spend post h1 0
3	hold "h1": can post more than zero and at most what it holds	tok-spend post h1 7
3	amount "abc": not a number	tok-spend post h1 abc
1	hold "nosuch": no such hold	tok-spend void nosuch
3	txid "0": not a transaction id	tok-spend refund 0
3	txid "abc": not a transaction id	tok-spend refund abc
3	txid "99999999999999999999": not a transaction id	tok-spend refund 99999999999999999999
1	txid 1: not a purchase	tok-spend refund 1
1	txid 999: not a purchase	tok-spend refund 999
3	amount "0": must be more than zero	tok-spend cashout alice 0
3	amount "0.001": more than 2 decimals	tok-spend cashout alice 0.001
1	worker alice: balance 45.00 is short by 955.00	tok-spend cashout alice 1000
1	ref "c1": conflict	tok-spend cashout --ref c1 alice 6
1	worker "nobody": no such account	tok-spend cashout nobody all
2	unknown command "frobnicate"	tok-spend frobnicate
2	^usage: tok-spend	tok-spend
2	^usage: tok-spend	tok-spend expire extra
2	--as-of: date "2026-02-30": not a date	tok-spend expire --as-of 2026-02-30
2	--reason does not go with buy	tok-spend buy --reason x alice search
2	--skip-invalid/--rejects does not go with buy	tok-spend buy --skip-invalid alice search
2	--timeout does not go with buy	tok-spend buy --timeout 1d alice search
3	TOK_NOW: time "now": not an ISO 8601	TOK_NOW=now tok-spend buy alice search
EOF
}

@test "hostile: tok-price: bad kinds, names, prices, dates, reasons, options" {
	fixture
	matrix <<'EOF'
3	price: amount "0": must be more than zero	tok-price set service search 0
3	price: amount "1.123456789": more than 8 decimals	tok-price set service search 1.123456789
3	price: amount "99999999999999": too large	tok-price set service new1 99999999999999
3	price: amount "abc": not a number	tok-price set service new1 abc
2	invalid option	tok-price set service search -3
3	service "bad name": not a service name	tok-price set service 'bad name' 3
3	unit "per unit": not a unit name	tok-price set service search 3 --per 'per unit'
3	kind "widget": not one of task, service, exchange	tok-price set widget x 3
2	--effective: date "2026-02-30": not a date	tok-price set service search 3 --effective 2026-02-30
1	effective 2020-01-01 is in the past	tok-price set service search 3 --effective 2020-01-01
2	--unit-decimals "9": not 0 to 4	tok-price set task t2 3 --unit-decimals 9
3	tier "nosuch": not a tier of the config	tok-price set service new1 3 --min-tier nosuch
3	reason: control character at byte 2	tok-price set service new1 3 --reason $'a\e[31m'
3	reason: invalid UTF-8 at byte 1	tok-price set service new1 3 --reason $'\xff'
3	exchange "USD": the exchange rate is named by the currency, EUR	tok-price set exchange USD 0.01
1	service "search": .* past the cap of 10%	tok-price set service search 300
1	"nosuch": not in the price book	tok-price history nosuch
1	"nosuch": no price in force	tok-price quote nosuch
3	units "abc": not a number	tok-price quote search abc
2	--kind: kind "bogus": not one of	tok-price list --kind bogus
2	--as-of: date "2026-02-30": not a date	tok-price list --as-of 2026-02-30
2	unknown command "frob"	tok-price frob
3	/nonexistent.yaml: No such file or directory	tok-price import /nonexistent.yaml
3	adir	tok-price import adir
EOF
}

@test "hostile: tok-vote: bad proposal ids, names, choices, titles, actions, dates, numbers, options" {
	fixture
	# Proposal 1 open now, until 2026-12-05T12:00:00Z, alice's vote in
	# it; proposal 2 opening later.  carol holds nothing.
	{
		tok-vote propose --ref p1 Tokens &&
		    tok-vote propose --ref p2 --opens 2026-12-01 Later &&
		    tok-vote cast 1 alice yes
	} </dev/null >/dev/null 2>"$T/.fixture.err" ||
	    fail "fixture: $(cat "$T/.fixture.err")"
	LONG257=$(printf 't%.0s' $(seq 257))
	printf 'proposal|worker\n1|bob\n' | rec nochoice.tsv
	printf 'proposal|worker|choice\n1|bob|maybe\nx|bob|yes\n' | rec votes.tsv
	printf 'proposal|worker|choice\n1|bob|yes\n1|bob|no\n' | rec twice.tsv
	printf 'proposal|worker|choice\n1|bob|yes\n1|carol|yes\n' | rec noweight.tsv
	matrix <<'EOF'
# proposal ids: anything but a recorded number is unknown (exit 1)
1	^tok-vote: proposal "7": unknown \(no such proposal\)$	tok-vote cast 7 bob yes
1	proposal "abc": unknown \(no such proposal\)	tok-vote cast abc bob yes
1	proposal "": unknown	tok-vote cast '' bob yes
1	proposal "0": unknown	tok-vote show 0
1	proposal "01": unknown	tok-vote show 01
1	proposal "-1": unknown	tok-vote close -- -1
1	proposal "99999999999999999999": unknown	tok-vote close 99999999999999999999
1	proposal "1 ": unknown	tok-vote cast '1 ' bob yes
2	invalid option -- '1'	tok-vote cast -1 bob yes
# names
3	worker "a b": not a worker name	tok-vote cast 1 'a b' yes
3	worker name is empty	tok-vote cast 1 '' yes
3	worker "platform:issued": not a worker name	tok-vote cast 1 platform:issued yes
3	worker "a{64}\.\.\.": not a worker name	tok-vote cast 1 "$LONG65" yes
3	not a worker name	tok-vote cast 1 $'al\xc3\xa9' yes
3	not a worker name	tok-vote cast 1 'bob;drop table vote' yes
1	worker carol: no weight in proposal 1 \(no balance when it opened, 2026-11-28T12:00:00Z\)	tok-vote cast 1 carol yes
# choices
3	choice "maybe": not one of yes, no, abstain	tok-vote cast 1 bob maybe
3	choice "YES": not one of yes, no, abstain	tok-vote cast 1 bob YES
3	choice "": not one of yes, no, abstain	tok-vote cast 1 bob ''
# the voting time
1	proposal 2: voting opens 2026-12-01T00:00:00Z	tok-vote cast 2 bob yes
1	proposal 1: voting closed 2026-12-05T12:00:00Z	TOK_NOW=2026-12-05T12:00:00Z tok-vote cast 1 bob yes
1	proposal 1: open until 2026-12-05T12:00:00Z; it can be closed from then on	tok-vote close 1
# titles and refs
3	title is empty	tok-vote propose ''
3	title longer than 256 bytes	tok-vote propose "$LONG257"
3	title: control character at byte 2	tok-vote propose $'a\e[31m'
3	title: control character	tok-vote propose $'a\xc2\x9b31m'
3	title: invalid UTF-8 at byte 1	tok-vote propose $'\xff'
3	ref "a b": not a ref	tok-vote propose T --ref 'a b'
3	ref is empty	tok-vote propose T --ref ''
3	reserved for refs tok makes itself	tok-vote propose T --ref auto:9
3	ref "r{128}\.\.\.": not a ref	tok-vote propose T --ref "$LONG129"
1	ref "p1": conflict: title differs from proposal 1	tok-vote propose Other --ref p1
1	ref "p1": conflict: quorum differs from proposal 1	tok-vote propose Tokens --ref p1 --quorum 50
# actions
3	action "": not KIND NAME PRICE \[--per UNIT\] \[--effective DATE\]	tok-vote propose T --action ''
3	action "service search": not KIND NAME PRICE	tok-vote propose T --action 'service search'
3	action "service search 3 --per": not KIND NAME PRICE	tok-vote propose T --action 'service search 3 --per'
3	action "widget x 3": kind "widget": not one of task, service, exchange	tok-vote propose T --action 'widget x 3'
3	action "service bad,name 3": service "bad,name": not a service name	tok-vote propose T --action 'service bad,name 3'
3	action "service search abc": price "abc": not a number	tok-vote propose T --action 'service search abc'
3	action "service search 0": price "0": must be more than zero	tok-vote propose T --action 'service search 0'
3	action "service search 1.123456789": price "1.123456789": more than 8 decimals	tok-vote propose T --action 'service search 1.123456789'
3	action "service search 3 --bogus x": "--bogus": not --per UNIT or --effective DATE	tok-vote propose T --action 'service search 3 --bogus x'
3	action "service search 3 --per a --per b": "--per": not --per UNIT or --effective DATE \(each at most once\)	tok-vote propose T --action 'service search 3 --per a --per b'
3	action "service search 3 --per a,b": unit "a,b": not a unit name	tok-vote propose T --action 'service search 3 --per a,b'
3	action "service search 4 --effective 2026-02-30": date "2026-02-30": not a date	tok-vote propose T --action 'service search 4 --effective 2026-02-30'
3	action "exchange USD 0.01": exchange "USD": the exchange rate is named by the currency, EUR	tok-vote propose T --action 'exchange USD 0.01'
3	action "task search 4.00": "search" is a service, not a task	tok-vote propose T --action 'task search 4'
1	action "service search 3.00", applied when the vote closes \(2026-12-05\): these terms are in force already	tok-vote propose T --action 'service search 3'
1	action "service search 4.00 --effective 2020-01-01", applied when the vote closes \(2026-12-05\): effective 2020-01-01 is in the past	tok-vote propose T --action 'service search 4 --effective 2020-01-01'
# dates and times
2	--opens: time "2026-02-30": not an ISO 8601 UTC time	tok-vote propose T --opens 2026-02-30
2	--opens: time "yesterday": not an ISO 8601 UTC time	tok-vote propose T --opens yesterday
2	--opens: time "2026-12-01T24:00:00Z": not an ISO 8601 UTC time	tok-vote propose T --opens 2026-12-01T24:00:00Z
2	--closes: time "2026-13-01": not an ISO 8601 UTC time	tok-vote propose T --closes 2026-13-01
2	--closes: time "": not an ISO 8601 UTC time	tok-vote propose T --closes ''
1	opens 2026-11-28T11:59:59Z is in the past \(now 2026-11-28T12:00:00Z\)	tok-vote propose T --opens 2026-11-28T11:59:59Z
3	closes 2026-11-28T12:00:00Z is not after opens	tok-vote propose T --closes 2026-11-28T12:00:00Z
3	closes 10000-01-07T00:00:00Z is past the year 9999	tok-vote propose T --opens 9999-12-31
3	TOK_NOW: time "yesterday": not an ISO 8601	TOK_NOW=yesterday tok-vote cast 1 bob yes
# numbers
2	--days "0": not 1 to 365	tok-vote propose T --days 0
2	--days "366": not 1 to 365	tok-vote propose T --days 366
2	--days "1.5": not 1 to 365	tok-vote propose T --days 1.5
2	--days "-1": not 1 to 365	tok-vote propose T --days -1
2	--days "99999999999999999999": not 1 to 365	tok-vote propose T --days 99999999999999999999
2	--quorum "101": not a percentage from 0 to 100	tok-vote propose T --quorum 101
2	--quorum "-1": not a percentage from 0 to 100	tok-vote propose T --quorum -1
2	--quorum "12.5": not a percentage from 0 to 100	tok-vote propose T --quorum 12.5
2	--quorum "": not a percentage from 0 to 100	tok-vote propose T --quorum ''
2	--threshold "0": not a percentage from 1 to 100	tok-vote propose T --threshold 0
2	--threshold "50x": not a percentage from 1 to 100	tok-vote propose T --threshold 50x
2	--wait "-1": not a number of seconds	tok-vote --wait -1 cast 1 bob yes
# options
2	--method: method "bogus": not one of token, member, quadratic	tok-vote propose T --method bogus
2	--method: method "TOKEN": not one of token, member, quadratic	tok-vote propose T --method TOKEN
2	--state: state "bogus": not one of open, passed, rejected, no-quorum, applied	tok-vote list --state bogus
2	--format "xml": not one of table, tsv, csv, json	tok-vote list --format xml
2	--closes and --days: give one of them	tok-vote propose T --closes 2026-12-30 --days 3
2	--ascii goes with --chart	tok-vote show 1 --ascii
2	--skip-invalid needs --rejects FILE	tok-vote cast --skip-invalid votes.tsv
2	--rejects goes with a batch of votes \(cast FILE or -\)	tok-vote cast --rejects rej.tsv 1 bob yes
2	--skip-invalid goes with a batch of votes	tok-vote propose --skip-invalid --rejects rej.tsv T
2	--action does not go with cast	tok-vote cast --action 'service search 4' 1 bob yes
2	--quorum does not go with close	tok-vote close --quorum 5 1
2	--ref does not go with show	tok-vote show --ref p1 1
2	--state does not go with show	tok-vote show 1 --state open
2	--chart does not go with list	tok-vote list --chart
2	--due does not go with cast	tok-vote cast --due 1 bob yes
2	-n does not go with show	tok-vote show -n 1
2	unrecognized option '--bogus'	tok-vote list --bogus
2	option '--state' requires an argument	tok-vote list --state
2	terminal too narrow for a chart \(5 columns\)	COLUMNS=5 tok-vote show 1 --chart
# missing arguments, unknown commands
2	^usage: tok-vote	tok-vote
2	^usage: tok-vote	tok-vote propose
2	^usage: tok-vote	tok-vote propose a b
2	^usage: tok-vote	tok-vote list extra
2	^usage: tok-vote	tok-vote show
2	^usage: tok-vote	tok-vote cast
2	^usage: tok-vote	tok-vote cast 1 bob
2	^usage: tok-vote	tok-vote cast 1 bob yes extra
2	^usage: tok-vote	tok-vote close
2	^usage: tok-vote	tok-vote close 1 --due
2	unknown command "tally" \(propose, list, show, cast, close\)	tok-vote tally 1
2	unknown command "frob"	tok-vote frob --chart --ref x
2	unknown command "CAST"	tok-vote CAST 1 bob yes
# batches
3	nochoice.tsv: line 1: missing column "choice"	tok-vote cast nochoice.tsv
3	votes.tsv: line 2: choice "maybe": not one of yes, no, abstain	tok-vote cast votes.tsv
3	twice.tsv: line 3: worker bob: votes twice on proposal 1 in this batch	tok-vote cast twice.tsv
1	noweight.tsv: line 3: worker carol: no weight in proposal 1	tok-vote cast noweight.tsv
3	/nonexistent.tsv: No such file or directory	tok-vote cast /nonexistent.tsv
3	adir: read error: Is a directory	tok-vote cast adir
3	stdin: no header line \(empty input\)	tok-vote cast -
4	no/rej.tsv: No such file or directory	tok-vote cast --skip-invalid --rejects "$T/no/rej.tsv" votes.tsv
# ledgers and configurations
4	/nonexistent.db: no ledger there	tok-vote --db /nonexistent.db list
4	/nonexistent.db: no ledger there	tok-vote --db /nonexistent.db show 1
4	text.db: not a tok ledger	tok-vote --db "$T/text.db" cast 1 bob yes
4	other.db: not a tok ledger	tok-vote --db "$T/other.db" list
4	ww.db: world-writable	tok-vote --db "$T/ww.db" propose T
4	/nonexistent.yaml: No such file or directory	tok-vote --config /nonexistent.yaml list
EOF
	# A batch refused names every bad line, then the count.
	t tok-vote cast votes.tsv
	assert_failure 3
	assert_stderr_lines 3
	assert_stderr_line '^tok-vote: votes\.tsv: line 3: proposal "x": unknown \(no such proposal\)$'
	assert_stderr_line '^tok-vote: votes\.tsv: 2 of 2 records bad; nothing written$'
}

@test "hostile: tok-report: bad workers, amounts, dates, options, ledgers" {
	fixture
	matrix <<'EOF'
3	worker "a b": not a worker name	tok-report balance 'a b'
1	worker "nobody": no such account	tok-report balance nobody
1	worker "nobody": no such account	tok-report statement nobody
2	--min: amount "-1": must not be negative	tok-report balances --min -1
2	--min: amount "abc": not a number	tok-report balances --min abc
2	--min: amount "1.001": more than 2 decimals	tok-report balances --min 1.001
2	--min: amount "99999999999999999999": too large	tok-report balances --min 99999999999999999999
2	--as-of: date "2026-02-30": not a date	tok-report balances --as-of 2026-02-30
2	--from: date "2026-13-01": not a date	tok-report statement alice --from 2026-13-01
2	--tier "gold": not a tier of the config	tok-report tiers --tier gold
2	--status "weird": not pending, paid or failed	tok-report payouts --status weird
2	--within "-1": not a number of days	tok-report expiring --within -1
2	--within "36501": not a number of days	tok-report expiring --within 36501
2	unknown report "frob"	tok-report frob
2	^usage: tok-report	tok-report balances extra
2	--format "xml": not one of	tok-report --format xml balances
2	--from goes with	tok-report balances --from 2026-01-01
2	--wait "1e9": not a number of seconds	tok-report verify --wait 1e9
3	TOK_NOW: time "2026-11-28Z": not an ISO 8601	TOK_NOW=2026-11-28Z tok-report balances
4	/nonexistent.db: no ledger there	tok-report --db /nonexistent.db balances
4	text.db: not a tok ledger \(not an SQLite database\)	tok-report --db "$T/text.db" balances
4	other.db: not a tok ledger \(an SQLite database of another application\)	tok-report --db "$T/other.db" balances
4	adir: not a regular file	tok-report --db "$T/adir" balances
4	empty: empty file, not yet a ledger	tok-report --db "$T/empty" balances
4	ww.db: world-writable; refusing it	tok-report --db "$T/ww.db" balances
4	text.db: not a tok ledger	tok-earn --db "$T/text.db" alice 1
4	other.db: not a tok ledger	tok-spend --db "$T/other.db" buy alice search
4	ww.db: world-writable	tok-price --db "$T/ww.db" set service search 2
4	adir: Is a directory	tok-report --config "$T/adir" balances
4	/nonexistent.yaml: No such file or directory	tok-report --config /nonexistent.yaml balances
4	no ledger: give --db FILE or set TOK_DB	env -u TOK_DB HOME= tok-report balances
EOF
}

# records FILE: stdin with "|" for a tab, into $T/FILE.
rec() {
	tr '|' '\t' >"$T/$1"
}

@test "hostile: bad records and files: every bad line named, nothing written" {
	fixture
	printf 'worker|amount|ref\nalice|5|b1\nbob|x|b2\n' | rec amount.tsv
	printf 'worker|amount|ref\nalice|5|b1\nbob|3|b1\n' | rec dupref.tsv
	printf 'worker|amount|ref|colour\nalice|5|b1|red\n' | rec unknown.tsv
	printf 'worker|worker|amount|ref\nalice|alice|5|b1\n' | rec dupcol.tsv
	printf 'alice|5|b1\n' | rec noheader.tsv
	printf 'worker|amount|ref\nal\0ice|5|b1\n' | rec nul.tsv
	printf 'worker|amount|ref|memo\nalice|5|b1|\377\376\n' | rec utf8.tsv
	printf 'worker|amount|ref\nalice|5\n' | rec short.tsv
	printf 'worker|amount|ref\nalice|5|b1|extra\n' | rec long.tsv
	printf 'worker|amount|ref|memo\nalice|5|b1|bad\\qescape\n' | rec escape.tsv
	printf 'worker|amount|ref|date\nalice|5|b1|2026-02-30\n' | rec date.tsv
	printf 'worker|amount\nalice|5\n' | rec noref.tsv
	printf 'worker|service\nalice|search\n' | rec buynoref.tsv
	printf 'worker|service|ref\nalice|search|q1\nalice|search|q1\n' | rec buydup.tsv
	printf 'worker|amount|ref\nalice|1|z1\nalice|999|z2\n' | rec cashshort.tsv
	printf 'payout|status\nabc|paid\n' | rec settle1.tsv
	printf 'payout|status\n1|maybe\n' | rec settle2.tsv
	printf 'payout|status\n99|paid\n' | rec settle3.tsv
	printf 'kind|name|price\nservice|bad name|3\n' | rec price.tsv
	awk 'BEGIN { printf "worker\tamount\tref\tmemo\nalice\t5\tb1\t"
	    for (i = 0; i < 100000; i++) printf "m"; print "" }' >"$T/longline.tsv"
	head -c 200000 /dev/zero | tr '\0' w >"$T/longheader.tsv"
	printf 'worker|amount|ref\nalice|5|ok1\nbob|-3|bad1\nerin|1.234|bad2\n|2|bad3\n' |
	    rec several.tsv
	matrix <<'EOF'
3	amount.tsv: line 3: amount "x": not a number	tok-earn amount.tsv
3	dupref.tsv: line 3: ref "b1": used twice in this batch	tok-earn dupref.tsv
3	unknown.tsv: line 1: column 4 "colour": unknown column	tok-earn unknown.tsv
3	dupcol.tsv: line 1: column 2 "worker": duplicate column	tok-earn dupcol.tsv
3	noheader.tsv: line 1: no header line	tok-earn noheader.tsv
3	nul.tsv: line 2: column 1 \(worker\): NUL byte	tok-earn nul.tsv
3	utf8.tsv: line 2: column 4 \(memo\): invalid UTF-8	tok-earn utf8.tsv
3	short.tsv: line 2: 2 fields, header has 3	tok-earn short.tsv
3	long.tsv: line 2: 4 fields, header has 3	tok-earn long.tsv
3	escape.tsv: line 2: column 4 \(memo\): bad escape "\\q"	tok-earn escape.tsv
3	date.tsv: line 2: date "2026-02-30": not a date	tok-earn date.tsv
3	noref.tsv: line 1: missing column "ref"	tok-earn noref.tsv
3	longline.tsv: line 2: longer than 65536 bytes	tok-earn longline.tsv
3	longheader.tsv: line 1: longer than 65536 bytes	tok-earn longheader.tsv
3	empty: no header line \(empty input\)	tok-earn "$T/empty"
3	stdin: no header line \(empty input\)	tok-earn -
3	/dev/null: no header line	tok-earn /dev/null
3	adir: read error: Is a directory	tok-earn adir
3	/nonexistent.tsv: No such file or directory	tok-earn /nonexistent.tsv
3	buynoref.tsv: line 1: missing column "ref"	tok-spend buy buynoref.tsv
3	buydup.tsv: line 3: ref "q1": used twice in this batch	tok-spend buy buydup.tsv
1	cashshort.tsv: line 3: worker alice: balance 44.00 is short by 955.00	tok-spend cashout cashshort.tsv
3	settle1.tsv: line 2: payout "abc": not a payout id	tok-spend settle settle1.tsv
3	settle2.tsv: line 2: status "maybe": not paid or failed	tok-spend settle settle2.tsv
1	settle3.tsv: line 2: payout 99: no such payout	tok-spend settle settle3.tsv
3	price.tsv: line 2: service "bad name": not a service name	tok-price set price.tsv
3	several.tsv: line 3: amount "-3": must not be negative	tok-earn several.tsv
EOF
	# Every bad line is named, then the count; nothing was written.
	t tok-earn several.tsv
	assert_failure 3
	assert_stderr_lines 4
	assert_stderr_line '^tok-earn: several.tsv: line 4: amount "1.234": more than 2 decimals$'
	assert_stderr_line '^tok-earn: several.tsv: line 5: worker name is empty$'
	assert_stderr_line '^tok-earn: several.tsv: 3 of 4 records bad; nothing written$'
}

# The bombs of tests/stress/bombs.sh, made in $T/bombs.
make_bombs() {
	sh "$STRESS/bombs.sh" -m "$T/bombs" -s 2 >/dev/null ||
	    fail "cannot make the YAML bombs"
}

@test "hostile: YAML bombs in the config: each refused at once, naming its limit (exit 4)" {
	fixture
	make_bombs
	local f want tool
	snapshot
	while read -r f want; do
		for tool in "tok-earn alice 1" "tok-spend buy alice search" \
		    "tok-price list" "tok-report balances"; do
			# shellcheck disable=SC2086 # the tool and its operands
			t $tool --config "$T/bombs/$f.yaml"
			[ "$status" -eq 4 ] ||
			    fail "$tool with $f.yaml: exit $status, not 4: $stderr"
			assert_no_stdout
			assert_stderr_lines 1
			assert_stderr_line "^tok-[a-z]+: $T/bombs/$f\.yaml(:[0-9]+:[0-9]+)?: $want"
		done
		assert_unchanged
	done <<'EOF'
laughs anchors and aliases are not allowed
anchors anchors and aliases are not allowed
deep nesting deeper than 32 levels
deepmap nesting deeper than 32 levels
scalar scalar longer than 4096 bytes
block scalar longer than 4096 bytes
events more than 100000 YAML events
huge larger than 1048576 bytes \(1 MiB\); refusing it
EOF
}

@test "hostile: YAML bombs given to tok-price import: each refused, naming its limit (exit 3)" {
	fixture
	make_bombs
	local f
	snapshot
	for f in laughs anchors deep scalar events huge; do
		t tok-price import "$T/bombs/$f.yaml"
		assert_failure 3
		assert_no_stdout
		assert_stderr_line "^tok-price: $T/bombs/$f\.yaml.*(not allowed|deeper than 32|longer than 4096|more than 100000|larger than 1048576)"
		assert_unchanged
	done
}

@test "hostile: an input line that never ends is refused without reading it all" {
	fixture
	snapshot
	# A header line that never ends: refused before the ledger is opened.
	run --separate-stderr timeout 20 tok-earn /dev/zero </dev/null
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-earn: /dev/zero: line 1: longer than 65536 bytes$'
	assert_unchanged
	# A record line that never ends, read with the write lock held, by
	# each tool that takes a batch: reading stops at its 65537th byte.
	# The records after it cannot be found, so the whole input is
	# refused, --skip-invalid or not: nothing of it lands, and the
	# rejects hold the bad lines before it only.
	printf 'worker|amount|ref\nalice|1|n1\nbob|x|n2\n' | rec earn.head
	printf 'worker|service|ref\n' | rec buy.head
	printf 'kind|name|price\n' | rec price.head
	printf 'payout|status\n' | rec settle.head
	printf 'proposal|worker|choice\n' | rec cast.head
	local head cmd
	while IFS='|' read -r head cmd; do
		run --separate-stderr timeout 20 sh -c \
		    "cat $head /dev/zero | $cmd -" </dev/null
		[ "$status" -ne 124 ] || fail "$cmd: still reading after 20 s"
		[ "$status" -eq 3 ] || fail "$cmd: exit $status, not 3: $stderr"
		assert_no_stdout
		assert_stderr_line "^tok-[a-z]+: stdin: line [0-9]+: longer than 65536 bytes$"
		assert_stderr_line "^tok-[a-z]+: stdin: the input cannot be read past line [0-9]+; nothing written$"
		assert_unchanged
	done <<'EOF'
earn.head|tok-earn
earn.head|tok-earn --skip-invalid --rejects rej.tsv
buy.head|tok-spend buy --ref-prefix q-
buy.head|tok-spend buy --ref-prefix q- --skip-invalid --rejects rej.tsv
price.head|tok-price set
settle.head|tok-spend settle
cast.head|tok-vote cast --skip-invalid --rejects rej.tsv
EOF
	# The last rejects: the header alone.  tok-earn's: its bad line too.
	cmp cast.head rej.tsv || fail "rejects: $(cat -A rej.tsv)"
	run --separate-stderr timeout 20 sh -c \
	    "cat earn.head /dev/zero | tok-earn --skip-invalid --rejects rej.tsv -" </dev/null
	assert_failure 3
	assert_stderr_lines 3
	assert_stderr_line '^tok-earn: stdin: line 3: amount "x": not a number$'
	assert_stderr_line '^tok-earn: stdin: line 4: longer than 65536 bytes$'
	assert_stderr_line '^tok-earn: stdin: the input cannot be read past line 4; nothing written$'
	printf 'worker|amount|ref\nbob|x|n2\n' | rec want.tsv
	cmp want.tsv rej.tsv || fail "rejects: $(cat -A rej.tsv)"
	assert_unchanged
	# The lock went with the run.
	t tok-earn --ref n3 alice 1
	assert_success
}

@test "hostile: tamper: 30 random edits behind tok's back, each caught by verify naming the first affected transaction" {
	# A trigger dropped and nothing else is one of the edits: the schema
	# check must fail.
	run --separate-stderr sh "$STRESS/tamper.sh" -n 30 -H 3 -s 7
	[ "$status" -eq 0 ] || fail "tamper.sh: exit $status
$output
$stderr"
	[[ $output =~ edits=30\ caught=30\ missed=0 ]] || fail "$output"
	[[ $output =~ rehash_keyed=3\ rehash_keyed_caught=3\ rehash_plain_undetected=3 ]] ||
	    fail "$output"
}

@test "hostile: tamper: with an HMAC key, recomputed plain SHA-256 hashes are caught at the edit" {
	head -c 32 /dev/urandom >"$T/chain.key"
	chmod 600 "$T/chain.key"
	printf 'ledger:\n  hmac_key_file: %s\n' "$T/chain.key" >"$TOK_CONFIG"
	earn --ref r1 alice 10
	earn --ref r2 bob 20
	earn --ref r3 carol 30
	# The attacker raises bob's earning in txid 2, fixes the cache, and
	# recomputes both hashes from 2 on as plain SHA-256 of the encoding.
	canon() {
		q "SELECT txid, ref, type, date, recorded, actor, memo,
		    coalesce(reverses, 0) FROM txn WHERE txid = $1" |
		    awk -F'|' -v prev="$2" -v p="$(q "SELECT account || '|' ||
		    amount FROM posting WHERE txid = $1 ORDER BY seq" |
		    tr '\n' '|')" '
		function f(s) { return length(s) ":" s "," }
		{
			n = split(p, a, "|") - 1
			s = f("tok-txn-1") f(prev)
			for (i = 1; i <= 8; i++)
				s = s f($i)
			s = s f(n / 2)
			for (i = 1; i <= n; i++)
				s = s f(a[i])
			printf "%s", s
		}' | sha256sum | cut -d' ' -f1
	}
	# The append-only triggers are out of the way for the edits only
	# (tamper): the schema check passes, and the attack is the same on
	# both ledgers.
	attack() {
		local prev h2 h3

		prev=$(q "SELECT hash FROM txn WHERE txid = 1")
		tamper "UPDATE posting SET amount = 200000
		        WHERE txid = 2 AND account = 'bob';
		    UPDATE posting SET amount = -200000 WHERE txid = 2 AND seq = 1;
		    UPDATE account_balance SET amount = 200000 WHERE account = 'bob';
		    UPDATE account_balance SET amount = amount - 198000
		        WHERE account = 'platform:issued';"
		h2=$(canon 2 "$prev")
		tamper "UPDATE txn SET prev_hash = '$prev', hash = '$h2'
		    WHERE txid = 2"
		h3=$(canon 3 "$h2")
		tamper "UPDATE txn SET prev_hash = '$h2', hash = '$h3'
		    WHERE txid = 3"
	}
	attack
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp '^chain	failed	2	hash does not match'
	assert_line --index 6 --regexp '^schema	ok		'
	assert_stderr_line '^tok-report: verify: chain: txid 2: '
	assert_stderr_lines 1
	# The same rewrite of a plain ledger passes: the attack is right,
	# and only the key tells it apart.
	: >"$TOK_CONFIG"
	fresh_ledger
	earn --ref r1 alice 10
	earn --ref r2 bob 20
	earn --ref r3 carol 30
	attack
	t tok-report verify
	assert_success
	assert_line --index 6 --regexp '^schema	ok		'
}

@test "hostile: tamper: a dropped append-only trigger is caught by verify" {
	earn --ref r1 alice 10
	drop_trigger txn_no_update txn
	t tok-report verify
	assert_failure 5
	# The data are untouched: only the schema check fails, naming the
	# trigger where the others name a transaction.
	assert_line --index 0 "$(printf 'check\tstatus\ttxid\tdetail')"
	assert_line --index 1 "$(printf 'sum\tok\t\t')"
	assert_line --index 4 --regexp '^chain	ok		1 transaction, 2 postings'
	assert_line --index 6 "$(printf 'schema\tfailed\t\t%s' \
	    "$(trigger_missing txn_no_update txn)")"
	assert_equal "${#lines[@]}" 7
	assert_stderr_line "^tok-report: verify: schema: $(trigger_missing \
	    txn_no_update txn)\$"
	assert_stderr_lines 1
}
