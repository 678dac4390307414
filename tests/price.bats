#!/usr/bin/env bats
# tok-price: the price book, its history, and the guardrails on changing it
# (DESIGN §7): notice, a cap per rolling window, a vote above it.

load helper

RECEIPT='kind|name|price|per|min_tier|effective|previous|change|status'
LIST='kind|name|price|per|min_tier|effective'
UPCOMING='kind|name|price|per|min_tier|effective|previous|change|reason'
HISTORY='kind|name|price|per|min_tier|effective|change|recorded|actor|reason|proposal'
QUOTE='kind|name|units|price|per|amount|currency|effective|status'

# Today (2026-11-28) + notice_days (30): the earliest an increase may start.
EARLIEST=2026-12-28

# policy [ABOVE_CAP [DECREASES]]: the config of these tests, written out in
# full so that no default decides an outcome.
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
	    multiplier: 1.05
	  - name: gold
	    min_earned: 2000
	    multiplier: 1.1
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: ${1:-vote}
	  decreases: ${2:-immediate}
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
}

# price ...: a tok-price that must succeed; for building fixtures.
price() {
	tok-price "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/.price.err" ||
	    fail "fixture: tok-price $* failed: $(cat "$BATS_TEST_TMPDIR/.price.err")"
}

# book FILE: writes stdin to FILE (YAML, so no "|" translation).
book() {
	cat >"$1"
}

changes() {
	q 'SELECT count(*) FROM price_change'
}

@test "price: a new entry lands at once, without guardrails; the same terms again are exists" {
	t tok-price set task translation 0.05 --per word --reason launch
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.05|word||$TODAY||new|new
	EOF
	assert_equal "$(q 'SELECT kind, name, price, per, unit_decimals, min_tier,
	    effective, recorded, actor, reason, proposal FROM price_change')" \
	    "task|translation|5000000|word|0||$TODAY|$NOW|$ME|launch|"
	snapshot
	t tok-price set task translation 0.05 --per word
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.05|word||$TODAY||new|exists
	EOF
	# Omitted terms are kept, so the bare price is the same terms too.
	t tok-price set task translation 0.050
	assert_success
	assert_line --index 1 --regexp '	exists$'
	assert_unchanged
	# A new entry may start later, and has no cap: 1000 tokens at once.
	t tok-price set service vip 1000 --per month --effective 2027-06-01
	assert_success
	assert_line --index 1 "$(printf 'service\tvip\t1000.00\tmonth\t\t2027-06-01\t\tnew\tnew')"
	assert_equal "$(changes)" 2
}

@test "price: an increase without --effective is scheduled at the end of the notice, in force from then" {
	price set task translation 0.05 --per word
	t tok-price set task translation 0.053 --reason 'market rate'
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.053|word||$EARLIEST|0.05|+6.00%|new
	EOF
	# Setting it again finds the scheduled change.
	t tok-price set task translation 0.053
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.053\tword\t\t%s\t0.05\t+6.00%%\texists' "$EARLIEST")"
	t tok-price list
	assert_success
	assert_tsv <<-EOF
	$LIST
	task|translation|0.05|word||$TODAY
	EOF
	t tok-price list --as-of 2026-12-27
	assert_success
	assert_tsv <<-EOF
	$LIST
	task|translation|0.05|word||$TODAY
	EOF
	t tok-price list --as-of "$EARLIEST"
	assert_success
	assert_tsv <<-EOF
	$LIST
	task|translation|0.053|word||$EARLIEST
	EOF
	# Before any entry, the book is empty.
	t tok-price list --as-of 2026-11-27
	assert_success
	assert_tsv <<<"$LIST"
	# The clock moves: not yet on the last second before, in force at
	# midnight, and no longer upcoming.
	TOK_NOW=2026-12-27T23:59:59Z t tok-price list
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.05\tword\t\t%s' "$TODAY")"
	TOK_NOW=2026-12-28T00:00:00Z t tok-price list
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.053\tword\t\t%s' "$EARLIEST")"
	TOK_NOW=2026-12-28T00:00:00Z t tok-price upcoming
	assert_success
	assert_tsv <<<"$UPCOMING"
}

@test "price: an increase effective before the notice ends is refused (exit 1) naming the earliest date" {
	price set task translation 0.05 --per word
	price set service search 3 --per month
	snapshot
	t tok-price set task translation 0.053 --effective 2026-12-27
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line "^tok-price: .*\"translation\".*no sooner than $EARLIEST.*notice_days: 30"
	t tok-price set task translation 0.053 --effective "$TODAY"
	assert_failure 1
	assert_stderr_line "no sooner than $EARLIEST"
	# Not only the price: a change of unit, of unit decimals or of the
	# minimum tier needs the same notice, even at the same price.
	t tok-price set task translation 0.05 --per hour --effective 2026-12-01
	assert_failure 1
	assert_no_stdout
	assert_stderr_line "no sooner than $EARLIEST"
	t tok-price set task translation 0.05 --unit-decimals 2 --effective 2026-12-01
	assert_failure 1
	assert_stderr_line "no sooner than $EARLIEST"
	t tok-price set service search 3 --min-tier silver --effective 2026-12-01
	assert_failure 1
	assert_stderr_line "no sooner than $EARLIEST"
	# -n refuses the same way.
	t tok-price -n set task translation 0.053 --effective 2026-12-27
	assert_failure 1
	assert_no_stdout
	assert_unchanged
	# On the earliest day itself it is fine.
	t tok-price set task translation 0.053 --effective "$EARLIEST"
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.053\tword\t\t%s\t0.05\t+6.00%%\tnew' "$EARLIEST")"
}

@test "price: without --effective, a change of unit or minimum tier is scheduled after the notice" {
	price set task training 40 --per hour
	price set service ai-tools 12 --per month
	t tok-price set task training 40 --unit-decimals 2
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	task|training|40.00|hour||$EARLIEST|40.00|+0.00%|new
	EOF
	t tok-price set service ai-tools 12 --min-tier silver
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	service|ai-tools|12.00|month|silver|$EARLIEST|12.00|+0.00%|new
	EOF
	assert_equal "$(q "SELECT unit_decimals FROM price_change
	    WHERE name = 'training' ORDER BY id")" "0
2"
}

@test "price: an effective date in the past is refused, for a new entry and a change alike" {
	price set task translation 0.05 --per word
	snapshot
	t tok-price set task translation 0.04 --effective 2026-11-27
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-price: .*2026-11-27.*past'
	t tok-price set task proofreading 0.02 --effective 2025-01-01
	assert_failure 1
	assert_stderr_line '^tok-price: .*2025-01-01.*past'
	assert_unchanged
}

@test "price: the cap: one increase past it is refused naming the cap and the most it allows" {
	price set service search 1 --per month
	snapshot
	t tok-price set service search 1.11
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: service "search": \+11\.00% .*cap of 10%.*at most 1\.10'
	assert_unchanged
	# Exactly the cap is allowed.
	t tok-price set service search 1.10
	assert_success
	assert_line --index 1 "$(printf 'service\tsearch\t1.10\tmonth\t\t%s\t1.00\t+10.00%%\tnew' "$EARLIEST")"
}

@test "price: the cap: two increases inside one window that together pass it, the second refused" {
	price set service search 100 --per month
	# +6%: fine on its own.
	t tok-price set service search 106
	assert_success
	assert_line --index 1 "$(printf 'service\tsearch\t106.00\tmonth\t\t%s\t100.00\t+6.00%%\tnew' "$EARLIEST")"
	snapshot
	# +6% again a month later: +12.36% on the 100 in force within the
	# 90 days before it.
	t tok-price set service search 112.36 --effective 2027-01-27
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: service "search": \+12\.36% within 90 days \(from 100\.00\).*cap of 10%.*at most 110\.00'
	# The window still reaches back to 2026-12-27, when 100 was in force.
	t tok-price set service search 112.36 --effective 2027-03-27
	assert_failure 1
	assert_stderr_line 'from 100\.00'
	assert_unchanged
	# Up to the cap is what is left.
	t tok-price set service search 110 --effective 2027-01-27
	assert_success
	assert_line --index 1 "$(printf 'service\tsearch\t110.00\tmonth\t\t2027-01-27\t106.00\t+3.77%%\tnew')"
	# 90 days after the first increase the window no longer holds 100.
	t tok-price set service search 112.36 --effective 2027-03-28
	assert_success
	assert_line --index 1 --regexp "^service	search	112\.36	month		2027-03-28	110\.00	"
}

@test "price: above_cap refuse: refused, with or without --proposal" {
	policy refuse
	price set task training 40 --per hour
	snapshot
	t tok-price set task training 48
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: task "training": \+20\.00% .*cap of 10%.*at most 44\.00.*refuse'
	t tok-price set task training 48 --proposal p-1 --effective 2027-01-15
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'cap of 10%.*refuse'
	assert_unchanged
}

@test "price: above_cap vote: refused without --proposal; with one, refused as unknown" {
	policy vote
	price set task training 40 --per hour
	snapshot
	t tok-price set task training 48
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: task "training": \+20\.00% .*cap of 10%.*at most 44\.00.*--proposal'
	t tok-price set task training 48 --proposal p-7
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line 'proposal "p-7": unknown'
	assert_unchanged
}

@test "price: a --proposal that names no proposal is refused, even within the cap" {
	# No proposals exist yet (tok-vote): a change must not be recorded as
	# authorised by one, or history would cite a vote that never was.
	price set service search 10 --per month
	snapshot
	t tok-price set service search 10.5 --proposal p-99
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'proposal "p-99": unknown'
	assert_unchanged
}

@test "price: a decrease applies at once by default" {
	price set task translation 0.05 --per word
	t tok-price set task translation 0.04 --reason 'lower demand'
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.04|word||$TODAY|0.05|-20.00%|new
	EOF
	t tok-price list
	assert_line --index 1 "$(printf 'task\ttranslation\t0.04\tword\t\t%s' "$TODAY")"
	t tok-price upcoming
	assert_tsv <<<"$UPCOMING"
	# A later start may still be chosen.
	t tok-price set task translation 0.03 --effective 2026-12-05
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.03\tword\t\t2026-12-05\t0.04\t-25.00%%\tnew')"
	# A lower price for another unit is not a plain decrease: notice.
	t tok-price set task translation 0.02 --per hour
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.02\thour\t\t%s\t0.03\t-33.33%%\tnew' "$EARLIEST")"
}

@test "price: with decreases: notice, a decrease waits for the notice too" {
	policy vote notice
	price set task translation 0.05 --per word
	snapshot
	t tok-price set task translation 0.04 --effective "$TODAY"
	assert_failure 1
	assert_no_stdout
	assert_stderr_line "no sooner than $EARLIEST"
	assert_unchanged
	t tok-price set task translation 0.04
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.04|word||$EARLIEST|0.05|-20.00%|new
	EOF
	t tok-price list
	assert_line --index 1 "$(printf 'task\ttranslation\t0.05\tword\t\t%s' "$TODAY")"
}

@test "price: a name keeps its kind; the exchange rate is named by the currency" {
	price set task translation 0.05 --per word
	snapshot
	t tok-price set service translation 0.05
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '"translation" is a task'
	t tok-price set exchange USD 0.01
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'USD.*EUR'
	t tok-price set service ai-tools 12 --min-tier platinum
	assert_failure 3
	assert_stderr_line 'platinum'
	t tok-price set task coding 30 --min-tier silver
	assert_failure 3
	assert_stderr_line 'tier'
	assert_unchanged
}

@test "price: names and units follow the rules of names; a reason is 256 bytes at most" {
	price set task translation 0.05 --per word
	snapshot
	t tok-price set task 'a b' 1
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '"a b"'
	t tok-price set task words 1 --per 'per word'
	assert_failure 3
	assert_stderr_line '"per word"'
	t tok-price set service search 1 --unit-decimals 2
	assert_failure 3
	assert_stderr_line 'unit decimals'
	t tok-price set task long 1 --reason "$(printf 'r%.0s' {1..257})"
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'reason'
	assert_unchanged
	t tok-price set task long 1 --reason "$(printf 'ü%.0s' {1..128})"
	assert_success
}

@test "price: a refused change leaves no ledger behind where there was none" {

	t tok-price set task 'a b' 1
	assert_failure 3
	assert_no_ledger
	t tok-price set task x 1 --effective 2020-01-01
	assert_failure 1
	assert_no_ledger
	printf 'prices:\n  - kind: task\n    name: x\n    price: 1\n    effective: 2020-01-01\n' >past.yaml
	t tok-price import past.yaml
	assert_failure 1
	assert_no_ledger
}

@test "price: a reason with control characters or invalid UTF-8 is bad data" {

	snapshot
	t tok-price set task x 1 --reason "$(printf 'a\tb\001')"
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'reason'
	t tok-price set task y 1 --reason "$(printf 'bad\377')"
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'reason.*UTF-8'
	assert_unchanged
}

@test "price: the exchange rate is per token, on the command line as in a book" {

	snapshot
	t tok-price set exchange EUR 0.01 --per coin
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'token'
	assert_unchanged
}

@test "price: prices take up to 8 decimals, more than zero" {
	t tok-price set task tiny 0.00000001
	assert_success
	assert_line --index 1 --regexp '^task	tiny	0\.00000001	unit	'
	snapshot
	local p
	for p in 0.000000001 0 -1 1,5 abc ''; do
		t tok-price set task other -- "$p"
		[ "$status" -eq 3 ] || fail "price '$p': exit $status, not 3"
		[ -z "$output" ] || fail "price '$p': stdout: $output"
	done
	assert_unchanged
}

@test "price: history and upcoming agree with what was set" {
	price set task translation 0.05 --per word --reason launch
	price set service ai-tools 12 --per month --min-tier silver
	price set task translation 0.053 --reason 'market rate'
	TOK_NOW=2026-11-29T09:30:00Z price set service ai-tools 10 --reason promo
	TOK_NOW=2026-11-29T09:30:00Z price set service ai-tools 11 --effective 2027-01-10
	t tok-price history translation
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$HISTORY
	task|translation|0.05|word||$TODAY|new|$NOW|$ME|launch|
	task|translation|0.053|word||$EARLIEST|+6.00%|$NOW|$ME|market rate|
	EOF
	t tok-price history ai-tools
	assert_success
	assert_tsv <<-EOF
	$HISTORY
	service|ai-tools|12.00|month|silver|$TODAY|new|$NOW|$ME||
	service|ai-tools|10.00|month|silver|2026-11-29|-16.66%|2026-11-29T09:30:00Z|$ME|promo|
	service|ai-tools|11.00|month|silver|2027-01-10|+10.00%|2026-11-29T09:30:00Z|$ME||
	EOF
	TOK_NOW=2026-11-29T10:00:00Z t tok-price upcoming
	assert_success
	assert_tsv <<-EOF
	$UPCOMING
	task|translation|0.053|word||$EARLIEST|0.05|+6.00%|market rate
	service|ai-tools|11.00|month|silver|2027-01-10|10.00|+10.00%|
	EOF
}

@test "price: of two changes for one day the later wins: list, quote, history, earning" {
	price set task translation 0.05 --per word
	price set task translation 0.053
	# Replaced before it took effect: 0.052 instead, the same day.
	t tok-price set task translation 0.052 --effective "$EARLIEST"
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.052\tword\t\t%s\t0.053\t-1.88%%\tnew' "$EARLIEST")"
	t tok-price list --as-of "$EARLIEST"
	assert_success
	assert_line --index 1 "$(printf 'task\ttranslation\t0.052\tword\t\t%s' "$EARLIEST")"
	t tok-price quote translation 1000
	assert_success
	assert_tsv <<-EOF
	$QUOTE
	task|translation|1000|0.05|word|50.00|TOK|$TODAY|now
	task|translation|1000|0.052|word|52.00|TOK|$EARLIEST|scheduled
	EOF
	# The history keeps both, in the order they were made.
	t tok-price history translation
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f3,6,7)" \
	    "$(printf '0.05\t%s\tnew\n0.053\t%s\t+6.00%%\n0.052\t%s\t-1.88%%' \
	    "$TODAY" "$EARLIEST" "$EARLIEST")"
	TOK_NOW=2026-12-28T00:00:00Z t tok-earn --kind translation --units 1000 \
	    --ref t1 alice
	assert_success
	assert_line --index 1 --regexp '	alice	52\.00	t1	'
}

@test "price: upcoming after a same-day replacement shows the change from the price in force" {

	price set task translation 0.05 --per word
	price set task translation 0.053
	price set task translation 0.052 --effective "$EARLIEST"
	# What workers will see: from 0.05, in force until then, to 0.052.
	t tok-price upcoming
	assert_success
	assert_tsv <<-EOF
	$UPCOMING
	task|translation|0.052|word||$EARLIEST|0.05|+4.00%|
	EOF
}

@test "price: history of a name not in the book is refused (exit 1), nothing on stdout" {
	price set task translation 0.05 --per word
	t tok-price history nothing
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: "nothing"'
	t tok-price history nothing --chart
	assert_failure 1
	assert_no_stdout
}

@test "price: history --chart draws each step of the price" {

	price set task translation 0.05 --per word
	price set task translation 0.055
	t tok-price history translation --chart --ascii
	assert_success
	assert_line --index 0 translation
	# The top of the chart is the highest price, 0.055: a step of a
	# tenth of a token per thousand words must not vanish.
	assert_output --partial '0.055'
	price set task training 40 --per hour
	price set task training 44
	t tok-price history training --chart --ascii
	assert_success
	assert_output --partial '44.00'
	[[ $output != *[![:print:][:space:]]* ]] || fail "--ascii drew non-ASCII"
}

@test "price: quote now and after the next change, rounded down" {
	price set exchange EUR 0.0125 --reason launch
	price set task training 40 --per hour --unit-decimals 2
	t tok-price quote EUR 1000.50
	assert_success
	assert_no_stderr
	# 0.0125 x 1000.50 = 12.50625 EUR: 12.50.
	assert_tsv <<-EOF
	$QUOTE
	exchange|EUR|1000.50|0.0125|token|12.50|EUR|$TODAY|now
	EOF
	# Without UNITS: one; 0.0125 EUR is 0.01.
	t tok-price quote EUR
	assert_success
	assert_line --index 1 "$(printf 'exchange\tEUR\t1\t0.0125\ttoken\t0.01\tEUR\t%s\tnow' "$TODAY")"
	price set exchange EUR 0.013
	t tok-price quote EUR 1000.50
	assert_success
	assert_tsv <<-EOF
	$QUOTE
	exchange|EUR|1000.50|0.0125|token|12.50|EUR|$TODAY|now
	exchange|EUR|1000.50|0.013|token|13.00|EUR|$EARLIEST|scheduled
	EOF
	# Tokens for 1.33 hours of training: 53.20.
	t tok-price quote training 1.33
	assert_success
	assert_tsv <<-EOF
	$QUOTE
	task|training|1.33|40.00|hour|53.20|TOK|$TODAY|now
	EOF
	# Units with more decimals than the entry allows: bad data.
	t tok-price quote EUR 1000.505
	assert_failure 3
	assert_no_stdout
	t tok-price quote training 1.333
	assert_failure 3
	assert_no_stdout
	t tok-price quote nothing 1
	assert_failure 1
	assert_no_stdout
}

@test "price: quote for a currency of 0 decimals rounds down to whole units" {
	cat >"$TOK_CONFIG" <<-'EOF'
	currency:
	  code: JPY
	  decimals: 0
	EOF
	chmod 600 "$TOK_CONFIG"
	price set exchange JPY 1.99
	t tok-price quote JPY 10.05
	assert_success
	# 1.99 x 10.05 = 19.9995 JPY: 19.
	assert_line --index 1 "$(printf 'exchange\tJPY\t10.05\t1.99\ttoken\t19\tJPY\t%s\tnow' "$TODAY")"
}

@test "price: set - takes records; a re-run is all exists" {
	records in.tsv <<-'EOF'
	kind|name|price|per|unit_decimals|min_tier|effective|reason
	task|translation|0.05|word||||launch
	task|training|40|hour|2|||
	service|ai-tools|12|month||silver||
	exchange|EUR|0.0125|||||launch rate
	service|search|3|month|||2026-12-01|
	EOF
	t_in in.tsv tok-price set -
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.05|word||$TODAY||new|new
	task|training|40.00|hour||$TODAY||new|new
	service|ai-tools|12.00|month|silver|$TODAY||new|new
	exchange|EUR|0.0125|token||$TODAY||new|new
	service|search|3.00|month||2026-12-01||new|new
	EOF
	assert_equal "$(q "SELECT unit_decimals FROM price_change WHERE name = 'training'")" 2
	snapshot
	t tok-price set in.tsv
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f9 | sort -u)" exists
	assert_unchanged
}

@test "price: set - with bad records: every bad line named, nothing lands" {
	price set task translation 0.05 --per word
	records in.tsv <<-'EOF'
	kind|name|price|per|unit_decimals|min_tier|effective|reason
	service|search|3|month||||
	service|vip|5|month||platinum||
	task|translation|0.5|||||
	task|coding|30|hour|7|||
	tusk|x|1|||||
	task|proof|0.02|word||||
	EOF
	snapshot
	t_in in.tsv tok-price set -
	assert_failure
	assert_no_stdout
	assert_stderr_line '^tok-price: stdin: line 3: .*platinum'
	assert_stderr_line '^tok-price: stdin: line 4: .*"translation".*cap of 10%'
	assert_stderr_line '^tok-price: stdin: line 5: unit_decimals "7"'
	assert_stderr_line '^tok-price: stdin: line 6: kind "tusk"'
	assert_stderr_line '4 of 6 records'
	assert_stderr_lines 5
	refute [ "$(printf '%s\n' "${stderr_lines[@]}" | grep -c 'line [27]:')" -gt 0 ]
	assert_unchanged
	t tok-price set in.tsv
	assert_failure
	assert_stderr_line '^tok-price: in\.tsv: line 3: '
	assert_unchanged
}

@test "price: import loads a book through the guardrails; again, all exists" {
	book prices.yaml <<-'EOF'
	prices:
	  - kind: task
	    name: translation
	    price: 0.05
	    per: word
	  - kind: task
	    name: training
	    price: 40
	    per: hour
	    unit_decimals: 2
	  - kind: service
	    name: ai-tools
	    price: 12
	    per: month
	    min_tier: silver
	  - kind: exchange
	    name: EUR
	    price: 0.0125
	    reason: "Launch rate"
	EOF
	t tok-price import prices.yaml
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.05|word||$TODAY||new|new
	task|training|40.00|hour||$TODAY||new|new
	service|ai-tools|12.00|month|silver|$TODAY||new|new
	exchange|EUR|0.0125|token||$TODAY||new|new
	EOF
	assert_equal "$(q "SELECT reason FROM price_change WHERE name = 'EUR'")" 'Launch rate'
	snapshot
	t tok-price import prices.yaml
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | cut -f9 | sort -u)" exists
	assert_unchanged
}

@test "price: import is all or nothing: one refused entry, nothing lands, named FILE:LINE" {
	price set task translation 0.05 --per word
	book more.yaml <<-'EOF'
	prices:
	  - kind: service
	    name: search
	    price: 3
	    per: month
	  - kind: task
	    name: translation
	    price: 0.07
	    effective: 2027-01-01
	  - kind: exchange
	    name: EUR
	    price: 0.0125
	EOF
	snapshot
	t tok-price import more.yaml
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-price: more\.yaml:6: task "translation": \+40\.00% .*cap of 10%'
	assert_stderr_line 'more\.yaml: 1 of 3 '
	assert_stderr_lines 2
	assert_unchanged
	t tok-price -n import more.yaml
	assert_failure 1
	assert_unchanged
}

@test "price: import cannot loosen the guardrails: the book's own pricing: is not the policy" {
	price set task translation 0.05 --per word
	book loose.yaml <<-'EOF'
	pricing:
	  notice_days: 0
	  max_increase_pct: 1000
	prices:
	  - kind: task
	    name: translation
	    price: 0.075
	EOF
	snapshot
	t tok-price import loose.yaml
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-price: loose\.yaml:5: .*cap of 10%'
	assert_unchanged
}

@test "price: import of a file of prices only uses the main config's currency and tiers" {
	cat >"$TOK_CONFIG" <<-'EOF'
	currency:
	  code: USD
	  decimals: 2
	tiers:
	  - name: basic
	    min_earned: 0
	  - name: pro
	    min_earned: 100
	EOF
	chmod 600 "$TOK_CONFIG"
	book prices.yaml <<-'EOF'
	prices:
	  - kind: exchange
	    name: USD
	    price: 0.02
	  - kind: service
	    name: ai-tools
	    price: 12
	    min_tier: pro
	EOF
	t tok-price import prices.yaml
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	exchange|USD|0.02|token||$TODAY||new|new
	service|ai-tools|12.00|unit|pro|$TODAY||new|new
	EOF
	# A tier or a currency that the main config does not have: refused
	# where it is written.
	book other.yaml <<-'EOF'
	prices:
	  - kind: service
	    name: vip
	    price: 1
	    min_tier: silver
	EOF
	snapshot
	t tok-price import other.yaml
	assert_failure
	assert_no_stdout
	assert_stderr_line '^tok-price: other\.yaml:5:[0-9]+: .*"silver"'
	book eur.yaml <<-'EOF'
	prices:
	  - kind: exchange
	    name: EUR
	    price: 0.01
	EOF
	t tok-price import eur.yaml
	assert_failure
	assert_no_stdout
	assert_stderr_line '^tok-price: eur\.yaml:3:[0-9]+: .*"EUR".*USD'
	assert_unchanged
}

@test "price: import of bad YAML is bad input (exit 3) naming line and column; nothing lands" {
	price set task translation 0.05 --per word
	printf 'prices:\n  - kind: task\n    name: x\n    price: [1\n' >bad.yaml
	snapshot
	t tok-price import bad.yaml
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-price: bad\.yaml:[0-9]+:[0-9]+: '
	book typo.yaml <<-'EOF'
	prices:
	  - kind: task
	    name: x
	    prise: 1
	EOF
	t tok-price import typo.yaml
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-price: typo\.yaml:4:5: .*prise'
	assert_unchanged
	t tok-price import no-such.yaml
	assert_failure
	assert_no_stdout
	assert_stderr_line 'no-such\.yaml'
	assert_unchanged
}

@test "price: a bad pricing: in the main config is unusable (exit 4), named file:line:column" {
	cat >"$TOK_CONFIG" <<-'EOF'
	pricing:
	  notice_days: 30
	  above_cap: ask
	EOF
	chmod 600 "$TOK_CONFIG"
	t tok-price set task translation 0.05
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'tok\.yaml:3:[0-9]+: .*ask'
	assert_no_ledger
}

@test "price: verify has a prices row; a price changed outside tok fails it (exit 5)" {
	price set task translation 0.05 --per word
	price set task translation 0.053
	earn --ref r1 alice 1
	t tok-report verify
	assert_success
	assert_line --index 0 "$(printf 'check\tstatus\ttxid\tdetail')"
	assert_line --index 5 --regexp "^prices	ok		2 price changes, head [0-9a-f]{64}$"
	assert_line --index 6 --regexp '^schema	ok		schema 4: '
	assert_equal "${#lines[@]}" 7
	# The attacker leaves the triggers as they were: only the price chain
	# can tell.
	tamper "UPDATE price_change SET price = 4000000 WHERE id = 2"
	t tok-report verify
	assert_failure 5
	assert_line --index 4 --regexp '^chain	ok		'
	assert_line --index 5 --regexp '^prices	failed		.*price change 2'
	assert_line --index 6 --regexp '^schema	ok		'
	assert_stderr_line '^tok-report: verify: prices: .*price change 2'
	assert_stderr_lines 1
}

@test "price: verify catches a price change deleted from the middle of the chain" {
	price set task translation 0.05 --per word
	price set task translation 0.053
	price set task translation 0.055 --effective 2027-01-10
	# The trigger left dropped: the schema check names it as well.
	local trigger=price_no_delete
	! on_pg || trigger=price_change_no_delete
	drop_trigger "$trigger" price_change
	q "DELETE FROM price_change WHERE id = 2"
	t tok-report verify
	assert_failure 5
	assert_line --index 5 --regexp '^prices	failed		.*price change 3'
	assert_line --index 6 "$(printf 'schema\tfailed\t\t%s' \
	    "$(trigger_missing "$trigger" price_change)")"
	assert_stderr_line '^tok-report: verify: prices: .*price change 3'
	assert_stderr_line "^tok-report: verify: schema: $(trigger_missing \
	    "$trigger" price_change)\$"
	assert_stderr_lines 2
}

@test "price: UPDATE and DELETE of the price book are refused by the schema" {
	price set task translation 0.05 --per word
	snapshot
	local sql
	for sql in "UPDATE price_change SET price = 1" "DELETE FROM price_change"; do
		run q "$sql"
		[ "$status" -ne 0 ] || fail "'$sql' was allowed"
		[[ $output == *append-only* ]] || fail "'$sql': $output"
	done
	assert_unchanged
}

@test "price: json output parses with jq: list, receipt, upcoming, history, quote" {
	t tok-price --format json set exchange EUR 0.0125 --reason launch
	assert_success
	echo "$output" | jq -e '.kind == "exchange" and .price == 0.0125 and
	    .status == "new"' >/dev/null || fail "json receipt: $output"
	price set task translation 0.05 --per word
	price set task translation 0.053
	t tok-price --format json list
	assert_success
	[ "$(echo "$output" | jq -s 'length')" -eq 2 ] || fail "list: $output"
	echo "$output" | jq -se '.[0].name == "translation" and .[0].price == 0.05
	    and .[1].name == "EUR"' >/dev/null || fail "json list: $output"
	t tok-price --format json upcoming
	assert_success
	echo "$output" | jq -e '.price == 0.053 and .previous == 0.05' >/dev/null ||
	    fail "json upcoming: $output"
	t tok-price --format json history translation
	assert_success
	echo "$output" | jq -se 'length == 2 and .[1].actor == "'"$ME"'"' >/dev/null ||
	    fail "json history: $output"
	t tok-price --format json quote EUR 1000.50
	assert_success
	echo "$output" | jq -e '.amount == 12.5 and .units == 1000.5 and
	    .currency == "EUR"' >/dev/null || fail "json quote: $output"
}

@test "price: -n prints the receipt it would make and writes nothing" {
	price set task translation 0.05 --per word
	snapshot
	t tok-price -n set task translation 0.053
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	task|translation|0.053|word||$EARLIEST|0.05|+6.00%|new
	EOF
	assert_unchanged
}

@test "price: usage errors exit 2 and write nothing" {
	price set task translation 0.05 --per word
	snapshot
	local args
	for args in '' 'frob' 'list extra' 'set' 'set task x' 'set task x 1 2' \
	    'history' 'quote' 'quote a 1 2' 'import' 'upcoming now' \
	    'list --kind bogus' 'list --as-of tomorrow' \
	    'set task x 1 --effective 2026-13-01' \
	    'set task x 1 --unit-decimals 5' 'set task x 1 --unit-decimals x' \
	    'upcoming --per word' 'list --effective 2026-12-30' \
	    'quote translation --reason x' 'history translation --ascii' \
	    'list --chart' 'upcoming -n' 'list --format xml' \
	    'list --no-such-option' 'set task x 1 --per'; do
		# shellcheck disable=SC2086
		t tok-price $args
		[ "$status" -eq 2 ] ||
		    fail "tok-price $args: exit $status, not 2 (stderr: $stderr)"
		[ -z "$output" ] || fail "tok-price $args: stdout: $output"
		[ -n "$stderr" ] || fail "tok-price $args: nothing on stderr"
	done
	assert_unchanged
}

@test "price: --help and --version print to stdout and exit 0" {
	t tok-price --help
	assert_success
	assert_no_stderr
	assert_line --index 0 --regexp '^usage: tok-price '
	t tok-price --version
	assert_success
	assert_output --regexp '^tok-price [0-9]+\.[0-9]+\.[0-9]+$'
	assert_no_ledger
}
