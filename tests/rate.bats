#!/usr/bin/env bats
# Earning by rate: tok-earn --kind/--units and the kind/units columns, at
# the task rate of the business date times the worker's tier multiplier;
# tok-report tiers (DESIGN §5, §7, §10).

load helper

RECEIPT='txid|type|account|amount|ref|date|status|kind|units|rate|multiplier'
TIERS='worker|tier|earned|next_tier|to_next'

# policy [SILVER-MULTIPLIER]: the config of these tests, written out in
# full: tiers bronze (0), silver (500, x1.05), gold (2000, x1.1).
policy() {
	cat >"$TOK_CONFIG" <<-EOF
	currency:
	  code: EUR
	  decimals: 2
	token:
	  decimals: 2
	tiers:
	  - name: bronze
	    min_earned: 0
	  - name: silver
	    min_earned: 500
	    multiplier: ${1:-1.05}
	  - name: gold
	    min_earned: 2000
	    multiplier: 1.1
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: vote
	  decreases: immediate
	EOF
	chmod 600 "$TOK_CONFIG"
}

# price ...: a tok-price that must succeed; for building fixtures.
price() {
	tok-price "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/.price.err" ||
	    fail "fixture: tok-price $* failed: $(cat "$BATS_TEST_TMPDIR/.price.err")"
}

# The book: translation 0.05 a word (whole words), training 40 an hour
# (to 2 decimals), bonus 100 a unit, a service and the exchange rate.
setup() {
	tok_setup
	policy
	price set task translation 0.05 --per word
	price set task training 40 --per hour --unit-decimals 2
	price set task bonus 100 --per bonus
	price set service ai-tools 12 --per month
	price set exchange EUR 0.0125
}

@test "rate: --kind --units credits rate x units, the receipt tells how" {
	t tok-earn --kind translation --units 1000 --ref t1 alice
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|50.00|t1|$TODAY|new|translation|1000|0.05|1.00
	EOF
	assert_equal "$(q 'SELECT seq, account, amount FROM posting ORDER BY seq')" \
	    "1|platform:issued|-5000
2|alice|5000"
	assert_equal "$(q 'SELECT type, date FROM txn')" "earn|$TODAY"
	snapshot
	t tok-earn --kind translation --units 1000 --ref t1 alice
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|50.00|t1|$TODAY|exists|translation|1000|0.05|1.00
	EOF
	assert_unchanged
	# A plain earning keeps the plain receipt.
	t tok-earn --ref p1 bob 3
	assert_success
	assert_line --index 0 "$(printf 'txid\ttype\taccount\tamount\tref\tdate\tstatus')"
}

@test "rate: the rate of the business date is used, not today's" {
	# 0.055 from 2026-12-28, a month from now.
	price set task translation 0.055
	t tok-earn --kind translation --units 1000 --ref t1 alice
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t50.00\tt1\t%s\tnew\ttranslation\t1000\t0.05\t1.00' "$TODAY")"
	t tok-earn --kind translation --units 1000 --ref t2 --date 2026-12-27 alice
	assert_success
	assert_line --index 1 "$(printf '2\tearn\talice\t50.00\tt2\t2026-12-27\tnew\ttranslation\t1000\t0.05\t1.00')"
	t tok-earn --kind translation --units 1000 --ref t3 --date 2026-12-28 alice
	assert_success
	assert_line --index 1 "$(printf '3\tearn\talice\t55.00\tt3\t2026-12-28\tnew\ttranslation\t1000\t0.055\t1.00')"
	# Later on, an earning dated before the change still gets the old rate.
	TOK_NOW=2027-01-05T09:00:00Z t tok-earn --kind translation --units 1000 \
	    --ref t4 --date 2026-12-01 bob
	assert_success
	assert_line --index 1 "$(printf '4\tearn\tbob\t50.00\tt4\t2026-12-01\tnew\ttranslation\t1000\t0.05\t1.00')"
	TOK_NOW=2027-01-05T09:00:00Z t tok-earn --kind translation --units 1000 \
	    --ref t5 bob
	assert_success
	assert_line --index 1 "$(printf '5\tearn\tbob\t55.00\tt5\t2027-01-05\tnew\ttranslation\t1000\t0.055\t1.00')"
}

@test "rate: a re-run on a later day, after the rate changed, finds the original" {
	price set task translation 0.055
	TOK_NOW=2026-12-27T18:00:00Z t tok-earn --kind translation --units 1000 \
	    --ref t1 alice
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t50.00\tt1\t2026-12-27\tnew\ttranslation\t1000\t0.05\t1.00')"
	snapshot
	# As a plain earning re-run on a later day does (earn.bats): the
	# same ref and the same work are the same earning.
	TOK_NOW=2026-12-28T06:00:00Z t tok-earn --kind translation --units 1000 \
	    --ref t1 alice
	assert_success
	assert_line --index 1 --regexp "^1	earn	alice	50\.00	t1	2026-12-27	exists	"
	assert_unchanged
}

@test "rate: whole units refuse a fraction; a rate to 2 decimals takes them" {
	snapshot
	t tok-earn --kind translation --units 1.5 --ref t1 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-earn: units "1\.5": .*translation.*word'
	t tok-earn --kind training --units 1.255 --ref t2 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: units "1\.255": .*training'
	local u
	for u in 0 -1 abc '' 1,5 0.00; do
		t tok-earn --kind training --units "$u" --ref t3 alice
		[ "$status" -eq 3 ] || fail "units '$u': exit $status, not 3"
		[ -z "$output" ] || fail "units '$u': stdout: $output"
	done
	assert_unchanged
	t tok-earn --kind training --units 1.25 --ref t4 alice
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t50.00\tt4\t%s\tnew\ttraining\t1.25\t40.00\t1.00' "$TODAY")"
}

@test "rate: an unknown kind, a service, the exchange rate, no rate on the date: bad data" {
	earn --ref seed alice 1
	snapshot
	t tok-earn --kind proofreading --units 1 --ref r1 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-earn: .*"proofreading"'
	t tok-earn --kind ai-tools --units 1 --ref r2 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"ai-tools".*service.*not a task'
	t tok-earn --kind EUR --units 1 --ref r3 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '"EUR".*exchange'
	# Before the book began there was no rate.
	t tok-earn --kind translation --units 10 --date 2026-11-27 --ref r4 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '"translation".*2026-11-27'
	assert_unchanged
}

@test "rate: units that earn less than the smallest amount are refused" {
	price set task micro 0.001 --per char
	snapshot
	# 0.001 x 9 = 0.009 tokens: nothing, rounded down.
	t tok-earn --kind micro --units 9 --ref m1 alice
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'nothing'
	assert_unchanged
	t tok-earn --kind micro --units 10 --ref m2 alice
	assert_success
	assert_line --index 1 --regexp "^1	earn	alice	0\.01	m2	"
}

@test "rate: the amount is rate x units x multiplier, rounded down once" {
	policy 1.1025
	earn --ref seed alice 500
	# 0.05 x 333 x 1.1025 = 18.356625: 18.35.
	t tok-earn --kind translation --units 333 --ref t1 alice
	assert_success
	assert_line --index 1 "$(printf '2\tearn\talice\t18.35\tt1\t%s\tnew\ttranslation\t333\t0.05\t1.1025' "$TODAY")"
	# 0.05 x 1 x 1.1025 = 0.055125: 0.05.
	t tok-earn --kind translation --units 1 --ref t2 alice
	assert_success
	assert_line --index 1 --regexp "^3	earn	alice	0\.05	t2	"
	# 40 x 1.01 x 1.1025 = 44.541: 44.54.
	t tok-earn --kind training --units 1.01 --ref t3 alice
	assert_success
	assert_line --index 1 "$(printf '4\tearn\talice\t44.54\tt3\t%s\tnew\ttraining\t1.01\t40.00\t1.1025' "$TODAY")"
}

@test "rate: tiers at exactly min_earned: 500.00 is silver, 499.99 bronze" {
	earn --ref a alice 500
	earn --ref b bob 499.99
	earn --ref c carol 2000
	earn --ref d dave 1999.99
	t tok-report tiers
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$TIERS
	alice|silver|500.00|gold|1500.00
	bob|bronze|499.99|silver|0.01
	carol|gold|2000.00||
	dave|silver|1999.99|gold|0.01
	EOF
	t tok-earn --kind translation --units 1000 --ref ta alice
	assert_success
	assert_line --index 1 "$(printf '5\tearn\talice\t52.50\tta\t%s\tnew\ttranslation\t1000\t0.05\t1.05' "$TODAY")"
	t tok-earn --kind translation --units 1000 --ref tb bob
	assert_success
	assert_line --index 1 "$(printf '6\tearn\tbob\t50.00\ttb\t%s\tnew\ttranslation\t1000\t0.05\t1.00' "$TODAY")"
	t tok-earn --kind translation --units 1000 --ref tc carol
	assert_success
	assert_line --index 1 "$(printf '7\tearn\tcarol\t55.00\ttc\t%s\tnew\ttranslation\t1000\t0.05\t1.10' "$TODAY")"
	t tok-earn --kind translation --units 1000 --ref td dave
	assert_success
	assert_line --index 1 "$(printf '8\tearn\tdave\t52.50\ttd\t%s\tnew\ttranslation\t1000\t0.05\t1.05' "$TODAY")"
}

@test "rate: the tier is taken before the earning: the one that reaches silver is paid at bronze" {
	earn --ref a erin 450
	t tok-earn --kind bonus --units 1 --ref b1 erin
	assert_success
	assert_line --index 1 "$(printf '2\tearn\terin\t100.00\tb1\t%s\tnew\tbonus\t1\t100.00\t1.00' "$TODAY")"
	t tok-earn --kind bonus --units 1 --ref b2 erin
	assert_success
	assert_line --index 1 "$(printf '3\tearn\terin\t105.00\tb2\t%s\tnew\tbonus\t1\t100.00\t1.05' "$TODAY")"
	# In one batch, each record sees the earnings of those before it.
	records in.tsv <<-'EOF'
	worker|amount|kind|units|ref
	finn|499.99|||f0
	finn||bonus|1|f1
	finn||bonus|1|f2
	EOF
	t tok-earn in.tsv
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	4|earn|finn|499.99|f0|$TODAY|new||||
	5|earn|finn|100.00|f1|$TODAY|new|bonus|1|100.00|1.00
	6|earn|finn|105.00|f2|$TODAY|new|bonus|1|100.00|1.05
	EOF
}

@test "rate: a re-run of an earning that raised the worker's tier is exists, not a conflict" {
	earn --ref a erin 1950
	t tok-earn --kind bonus --units 1 --ref bonus-erin erin
	assert_success
	assert_line --index 1 "$(printf '2\tearn\terin\t105.00\tbonus-erin\t%s\tnew\tbonus\t1\t100.00\t1.05' "$TODAY")"
	snapshot
	# erin is gold now, but the earning was made at silver: the same
	# earning again is the one already made.
	t tok-earn --kind bonus --units 1 --ref bonus-erin erin
	assert_success
	assert_line --index 1 --regexp "^2	earn	erin	105\.00	bonus-erin	$TODAY	exists	"
	assert_unchanged
}

@test "rate: the same ref with other units, worker or date is a conflict (exit 1)" {
	earn --kind translation --units 1000 --ref t1 alice
	snapshot
	t tok-earn --kind translation --units 1001 --ref t1 alice
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"t1".*conflict.*amount'
	t tok-earn --kind bonus --units 1 --ref t1 alice
	assert_failure 1
	assert_stderr_line '"t1".*conflict.*amount'
	t tok-earn --kind translation --units 1000 --ref t1 bob
	assert_failure 1
	assert_stderr_line '"t1".*conflict.*account'
	t tok-earn --kind translation --units 1000 --ref t1 --date 2026-12-01 alice
	assert_failure 1
	assert_stderr_line '"t1".*conflict.*date'
	assert_unchanged
}

@test "rate: a batch with kind and units columns, plain and rated records mixed; re-run all exists" {
	records in.tsv <<-'EOF'
	worker|amount|kind|units|ref|date
	alice||translation|1200|w1|
	bob|7.5|||w2|
	carol||training|2.5|w3|2026-11-20
	EOF
	t tok-earn in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: in\.tsv: line 4: .*"training".*2026-11-20'
	# Dated before the book: replace with a date the book covers.
	records in.tsv <<-'EOF'
	worker|amount|kind|units|ref|date
	alice||translation|1200|w1|
	bob|7.5|||w2|
	carol||training|2.5|w3|2026-11-28
	EOF
	t tok-earn in.tsv
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|60.00|w1|$TODAY|new|translation|1200|0.05|1.00
	2|earn|bob|7.50|w2|$TODAY|new||||
	3|earn|carol|100.00|w3|$TODAY|new|training|2.5|40.00|1.00
	EOF
	snapshot
	t tok-earn in.tsv
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f7 | sort -u)" exists
	assert_unchanged
}

@test "rate: a date column picks each record's rate" {
	price set task translation 0.055
	records in.tsv <<-'EOF'
	worker|kind|units|ref|date
	alice|translation|100|d1|2026-12-27
	alice|translation|100|d2|2026-12-28
	alice|translation|100|d3|
	EOF
	t tok-earn --date 2027-01-01 in.tsv
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|5.00|d1|2026-12-27|new|translation|100|0.05|1.00
	2|earn|alice|5.50|d2|2026-12-28|new|translation|100|0.055|1.00
	3|earn|alice|5.50|d3|2027-01-01|new|translation|100|0.055|1.00
	EOF
}

@test "rate: --kind and --units fill the records that lack them" {
	records in.tsv <<-'EOF'
	worker|kind|units|ref
	alice|||f1
	bob|translation||f2
	carol||3|f3
	dave|training|0.5|f4
	EOF
	t tok-earn --kind bonus --units 1 in.tsv
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|100.00|f1|$TODAY|new|bonus|1|100.00|1.00
	2|earn|bob|0.05|f2|$TODAY|new|translation|1|0.05|1.00
	3|earn|carol|300.00|f3|$TODAY|new|bonus|3|100.00|1.00
	4|earn|dave|20.00|f4|$TODAY|new|training|0.5|40.00|1.00
	EOF
	# Records with no kind nor units column at all.
	records w.tsv <<-'EOF'
	worker
	erin
	finn
	EOF
	t tok-earn --kind bonus --units 2 --ref-prefix b- w.tsv
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	5|earn|erin|200.00|b-erin|$TODAY|new|bonus|2|100.00|1.00
	6|earn|finn|200.00|b-finn|$TODAY|new|bonus|2|100.00|1.00
	EOF
}

@test "rate: a record with both an amount and a kind is bad data naming its line" {

	earn --ref seed alice 1
	records in.tsv <<-'EOF'
	worker|amount|kind|units|ref
	bob||translation|100|r1
	carol|7|translation|100|r2
	dave|3|||r3
	EOF
	snapshot
	t tok-earn in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: in\.tsv: line 3: .*amount.*kind'
	assert_stderr_line '1 of 3 records'
	assert_stderr_lines 2
	assert_unchanged
	# One earning: an amount and --kind together are a usage error.
	t tok-earn --kind translation --units 100 --ref r4 alice 5
	assert_failure 2
	assert_no_stdout
	assert_unchanged
}

@test "rate: bad rated records: every bad line named, nothing lands" {
	earn --ref seed alice 1
	records in.tsv <<-'EOF'
	worker|kind|units|ref|date
	bob|translation|100|r1|
	carol|proofreading|1|r2|
	dave|translation|1.5|r3|
	erin|ai-tools|1|r4|
	finn|translation|10|r5|2026-01-01
	gus|translation||r6|
	hal|training|2|r7|
	EOF
	snapshot
	t tok-earn in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: in\.tsv: line 3: .*"proofreading"'
	assert_stderr_line '^tok-earn: in\.tsv: line 4: units "1\.5"'
	assert_stderr_line '^tok-earn: in\.tsv: line 5: .*"ai-tools"'
	assert_stderr_line '^tok-earn: in\.tsv: line 6: .*2026-01-01'
	assert_stderr_line '^tok-earn: in\.tsv: line 7: .*units'
	assert_stderr_line '5 of 7 records'
	assert_stderr_lines 6
	assert_unchanged
}

@test "rate: --dry-run prints the rated receipt and writes nothing" {
	earn --ref seed alice 500
	snapshot
	t tok-earn -n --kind translation --units 1000 --ref t1 alice
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	2|earn|alice|52.50|t1|$TODAY|new|translation|1000|0.05|1.05
	EOF
	assert_unchanged
}

@test "rate: usage errors exit 2 and write nothing" {
	earn --ref seed alice 1
	snapshot
	t tok-earn --units 3 --ref r1 alice
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-earn: --units goes with --kind'
	t tok-earn --kind translation --ref r1 alice
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-earn: --kind needs --units'
	t tok-earn --kind translation --units 3 --ref r1 alice bob
	assert_failure 2
	assert_no_stdout
	t tok-earn --kind
	assert_failure 2
	assert_no_stdout
	assert_unchanged
}

@test "rate: tok-report tiers: worker tier earned next_tier to_next; --tier picks one tier" {
	earn --ref a alice 500
	earn --ref b bob 10
	earn --ref c carol 2500
	earn --ref c2 --date 2026-01-01 dave 1000
	earn --ref d dave 1000.5
	t tok-report tiers
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$TIERS
	alice|silver|500.00|gold|1500.00
	bob|bronze|10.00|silver|490.00
	carol|gold|2500.00||
	dave|gold|2000.50||
	EOF
	t tok-report tiers --tier gold
	assert_success
	assert_tsv <<-EOF
	$TIERS
	carol|gold|2500.00||
	dave|gold|2000.50||
	EOF
	t tok-report tiers --tier silver
	assert_success
	assert_tsv <<-EOF
	$TIERS
	alice|silver|500.00|gold|1500.00
	EOF
	t tok-report tiers --tier platinum
	assert_failure 2
	assert_no_stdout
	assert_stderr_line 'platinum'
	t tok-report tiers extra
	assert_failure 2
	assert_no_stdout
	t tok-report balances --tier gold
	assert_failure 2
	assert_no_stdout
	t tok-report --format json tiers
	assert_success
	echo "$output" | jq -se 'length == 4 and .[0].earned == 500 and
	    .[0].to_next == 1500 and .[2].to_next == null and
	    .[2].next_tier == ""' >/dev/null || fail "json tiers: $output"
}

@test "rate: spending does not lower the tier: lifetime earnings count earn transactions only" {
	earn --ref a alice 500
	tok-spend buy --ref o1 alice ai-tools 1 </dev/null >/dev/null ||
	    fail "fixture: tok-spend buy failed"
	t tok-report balance alice
	assert_line --index 1 "$(printf 'alice\t488.00')"
	t tok-report tiers
	assert_success
	assert_tsv <<-EOF
	$TIERS
	alice|silver|500.00|gold|1500.00
	EOF
	t tok-earn --kind bonus --units 1 --ref b1 alice
	assert_success
	assert_line --index 1 "$(printf '3\tearn\talice\t105.00\tb1\t%s\tnew\tbonus\t1\t100.00\t1.05' "$TODAY")"
}

@test "rate: a worker below the lowest tier has none, and earns at 1" {
	cat >"$TOK_CONFIG" <<-'EOF'
	tiers:
	  - name: member
	    min_earned: 100
	    multiplier: 1.5
	EOF
	chmod 600 "$TOK_CONFIG"
	earn --ref a alice 99.99
	earn --ref b bob 100
	t tok-report tiers
	assert_success
	assert_tsv <<-EOF
	$TIERS
	alice||99.99|member|0.01
	bob|member|100.00||
	EOF
	t tok-report tiers --tier member
	assert_success
	assert_tsv <<-EOF
	$TIERS
	bob|member|100.00||
	EOF
	t tok-earn --kind bonus --units 1 --ref r1 alice
	assert_success
	assert_line --index 1 --regexp "	alice	100\.00	r1	.*	1\.00$"
	t tok-earn --kind bonus --units 1 --ref r2 bob
	assert_success
	assert_line --index 1 --regexp "	bob	150\.00	r2	.*	1\.50$"
}

@test "rate: tiers | tok-earn --kind bonus --units 1 --ref-prefix (DESIGN §5); a re-run is all exists" {
	earn --ref a alice 500
	earn --ref b bob 10
	earn --ref c carol 2500
	earn --ref d dave 2000
	run --separate-stderr bash -c 'set -o pipefail; tok-report tiers --tier gold |
	    tok-earn --kind bonus --units 1 --ref-prefix bonus-2026-11- -' </dev/null
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	5|earn|carol|110.00|bonus-2026-11-carol|$TODAY|new|bonus|1|100.00|1.10
	6|earn|dave|110.00|bonus-2026-11-dave|$TODAY|new|bonus|1|100.00|1.10
	EOF
	snapshot
	run --separate-stderr bash -c 'set -o pipefail; tok-report tiers --tier gold |
	    tok-earn --kind bonus --units 1 --ref-prefix bonus-2026-11- -' </dev/null
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	5|earn|carol|110.00|bonus-2026-11-carol|$TODAY|exists|bonus|1|100.00|1.10
	6|earn|dave|110.00|bonus-2026-11-dave|$TODAY|exists|bonus|1|100.00|1.10
	EOF
	assert_unchanged
}

@test "rate: the whole tiers report piped to a bonus, and re-run, is all exists" {
	# bob's bonus takes him from silver to gold; the re-run must still
	# find it rather than price it at gold and call it a conflict.
	earn --ref a alice 100
	earn --ref b bob 1950
	run --separate-stderr bash -c 'set -o pipefail; tok-report tiers |
	    tok-earn --kind bonus --units 1 --ref-prefix bonus-2026-11- -' </dev/null
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	3|earn|alice|100.00|bonus-2026-11-alice|$TODAY|new|bonus|1|100.00|1.00
	4|earn|bob|105.00|bonus-2026-11-bob|$TODAY|new|bonus|1|100.00|1.05
	EOF
	snapshot
	run --separate-stderr bash -c 'set -o pipefail; tok-report tiers |
	    tok-earn --kind bonus --units 1 --ref-prefix bonus-2026-11- -' </dev/null
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f7 | sort -u)" exists
	assert_unchanged
}

@test "rate: the rated receipt in json parses with jq" {
	t tok-earn --format json --kind training --units 1.5 --ref t1 alice
	assert_success
	echo "$output" | jq -e '.amount == 60 and .kind == "training" and
	    .units == 1.5 and .rate == 40 and .multiplier == 1 and
	    .status == "new"' >/dev/null || fail "json receipt: $output"
}

@test "rate: rated earnings keep the ledger balanced and verify passes" {
	earn --ref a alice 500
	earn --kind translation --units 1001 --ref t1 alice
	earn --kind training --units 0.33 --ref t2 bob
	assert_equal "$(ledger_zero)" 0
	assert_equal "$(ledger_sum)" "$((50000 + 5255 + 1320))"
	t tok-report verify
	assert_success
	assert_line --index 5 --regexp '^prices	ok		5 price changes'
}
