#!/usr/bin/env bats
# tok-spend: purchases, holds (post, void, timeout), refunds, purchase
# batches, and many buyers at once (DESIGN §3, §5, §6, §9).

load helper

BUY='txid|type|account|amount|ref|date|status|service|units|price'

# policy: the config of these tests, in full so that no default decides.
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
	  - name: gold
	    min_earned: 2000
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: refuse
	  decreases: immediate
	EOF
	chmod 600 "$TOK_CONFIG"
}

# The price book, imported as new entries (which have no guardrails).
book() {
	cat >book.yaml <<-EOF
	prices:
	  - kind: service
	    name: search
	    price: 3
	    per: month
	  - kind: service
	    name: ai-tools
	    price: 12
	    per: month
	    min_tier: silver
	  - kind: service
	    name: third
	    price: 0.333
	  - kind: service
	    name: tiny
	    price: 0.001
	  - kind: task
	    name: translation
	    price: 0.05
	    per: word
	EOF
	tok-price import book.yaml </dev/null >/dev/null 2>"$T/.price.err" ||
	    fail "fixture: tok-price import failed: $(cat "$T/.price.err")"
}

setup() {
	tok_setup
	policy
	book
}

# price ...: a tok-price that must succeed; for building fixtures.
price() {
	tok-price "$@" </dev/null >/dev/null 2>"$T/.price.err" ||
	    fail "fixture: tok-price $* failed: $(cat "$T/.price.err")"
}

# spend ...: a tok-spend that must succeed; for building fixtures.
spend() {
	tok-spend "$@" </dev/null >/dev/null 2>"$T/.spend.err" ||
	    fail "fixture: tok-spend $* failed: $(cat "$T/.spend.err")"
}

# bal ACCOUNT: its balance in units, from the postings.
bal() {
	q "SELECT coalesce(sum(amount), 0) FROM posting WHERE account = '$1'"
}

# verify_ok: tok-report verify passes (leaves $output alone).
verify_ok() {
	local out

	out=$(tok-report verify </dev/null 2>&1) ||
	    fail "tok-report verify failed: $out"
}

# ---------------------------------------------------------------- buy

@test "spend: buy debits price x units to platform:revenue and prints a receipt" {
	earn --ref task-1 alice 100
	t tok-spend buy --ref order-1 alice search 2
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	2|buy|alice|6.00|order-1|$TODAY|new|search|2|3.00
	EOF
	assert_equal "$(q 'SELECT ref, type, date, recorded, actor, memo,
	    CASE WHEN reverses IS NULL THEN 1 ELSE 0 END FROM txn WHERE txid = 2')" \
	    "order-1|buy|$TODAY|$NOW|$ME|search x 2 at 3.00 per month|1"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 2 ORDER BY seq')" "1|alice|-600
2|platform:revenue|600"
	assert_equal "$(bal alice)" 9400
	assert_equal "$(ledger_zero)" 0
	t tok-report balance alice
	assert_tsv <<-EOF
	worker|amount
	alice|94.00
	EOF
	verify_ok
}

@test "spend: units default to 1; a price finer than the token rounds the cost down" {
	earn --ref task-1 alice 10
	t tok-spend buy --ref o1 alice search
	assert_success
	assert_line --index 1 "$(printf '2\tbuy\talice\t3.00\to1\t%s\tnew\tsearch\t1\t3.00' "$TODAY")"
	# 0.333 x 10 = 3.33; 0.333 x 1 = 0.333 -> 0.33; 0.001 x 10 = 0.01.
	t tok-spend buy --ref o2 alice third 10
	assert_success
	assert_line --index 1 "$(printf '3\tbuy\talice\t3.33\to2\t%s\tnew\tthird\t10\t0.333' "$TODAY")"
	t tok-spend buy --ref o3 alice third
	assert_success
	assert_line --index 1 --regexp '^4	buy	alice	0\.33	o3	'
	t tok-spend buy --ref o4 alice tiny 10
	assert_success
	assert_line --index 1 --regexp '^5	buy	alice	0\.01	o4	'
	assert_equal "$(bal alice)" $((1000 - 300 - 333 - 33 - 1))
	assert_equal "$(bal platform:revenue)" $((300 + 333 + 33 + 1))
	verify_ok
}

@test "spend: a purchase that rounds down to nothing is refused (exit 3)" {
	earn --ref task-1 alice 10
	snapshot
	t tok-spend buy --ref o1 alice tiny 9
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: .*tiny.*nothing'
	assert_unchanged
}

@test "spend: without --ref the ref is auto:TXID and each run is a new purchase" {
	earn --ref task-1 alice 10
	t tok-spend buy alice search
	assert_success
	assert_line --index 1 "$(printf '2\tbuy\talice\t3.00\tauto:2\t%s\tnew\tsearch\t1\t3.00' "$TODAY")"
	t tok-spend buy alice search
	assert_success
	assert_line --index 1 --regexp '^3	buy	alice	3\.00	auto:3	'
	assert_equal "$(bal alice)" 400
	verify_ok
}

@test "spend: a short balance is refused (exit 1) saying by how much; exactly enough is fine" {
	earn --ref task-1 alice 10
	earn --ref task-2 bob 5
	snapshot
	t tok-spend buy --ref o1 alice search 4
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: worker alice: .*10\.00.*short by 2\.00'
	# A worker who never earned has nothing.
	t tok-spend buy --ref o2 nobody search
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'nobody.*short by 3\.00'
	assert_unchanged
	t tok-spend buy --ref o3 bob third 15
	assert_success
	assert_line --index 1 --regexp '^3	buy	bob	4\.99	o3	'
	t tok-spend buy --ref o4 alice search 3
	assert_success
	# 1.00 left; one more is 2.00 short.
	snapshot
	t tok-spend buy --ref o5 alice search
	assert_failure 1
	assert_stderr_line 'short by 2\.00'
	assert_unchanged
	assert_equal "$(bal alice)" 100
	assert_equal "$(bal bob)" 1
	verify_ok
}

@test "spend: a worker below the service's min_tier is refused (exit 1); tiers follow total earnings" {
	earn --ref task-1 alice 499.99
	snapshot
	t tok-spend buy --ref o1 alice ai-tools
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: worker alice: tier bronze is below .*ai-tools.*silver'
	assert_unchanged
	earn --ref task-2 alice 0.01
	t tok-spend buy --ref o1 alice ai-tools 2
	assert_success
	assert_line --index 1 "$(printf '3\tbuy\talice\t24.00\to1\t%s\tnew\tai-tools\t2\t12.00' "$TODAY")"
	# Spending does not lower the tier: earnings count, not the balance.
	t tok-spend buy --ref o2 alice ai-tools
	assert_success
	verify_ok
}

@test "spend: a worker in no tier at all is refused a service with a min_tier" {
	cat >"$TOK_CONFIG" <<-EOF
	tiers:
	  - name: bronze
	    min_earned: 100
	  - name: silver
	    min_earned: 500
	EOF
	earn --ref task-1 alice 50
	snapshot
	t tok-spend buy --ref o1 alice ai-tools
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: worker alice: tier .*none.* below'
	assert_unchanged
}

@test "spend: an unknown service, a task rate, or a service not yet in force is refused (exit 1)" {
	earn --ref task-1 alice 100
	price set service later 1 --effective 2026-12-05
	snapshot
	t tok-spend buy --ref o1 alice no-such-service
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: service "no-such-service": unknown'
	t tok-spend buy --ref o1 alice translation
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '"translation" is a task, not a service'
	t tok-spend buy --ref o1 alice later
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'service "later"'
	assert_unchanged
	TOK_NOW=2026-12-05T00:00:00Z t tok-spend buy --ref o1 alice later
	assert_success
	assert_line --index 1 --regexp '^2	buy	alice	1\.00	o1	2026-12-05	new	later	1	1\.00$'
	verify_ok
}

@test "spend: the same ref again is exists, even after the price changed; nothing is written" {
	earn --ref task-1 alice 100
	spend buy --ref order-1 alice search 2
	price set service search 2.50 --reason cheaper
	snapshot
	t tok-spend buy --ref order-1 alice search 2
	assert_success
	assert_no_stderr
	assert_line --index 0 "$(printf '%s' "$BUY" | tr '|' '\t')"
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-9)" \
	    "$(printf '2\tbuy\talice\t6.00\torder-1\t%s\texists\tsearch\t2' "$TODAY")"
	assert_equal "${#lines[@]}" 2
	# A later day, too.
	TOK_NOW=2026-12-20T09:00:00Z t tok-spend buy --ref order-1 alice search 2
	assert_success
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-7)" \
	    "$(printf '2\tbuy\talice\t6.00\torder-1\t%s\texists' "$TODAY")"
	assert_unchanged
	# A new purchase pays the new price.
	t tok-spend buy --ref order-2 alice search 2
	assert_success
	assert_line --index 1 --regexp '^3	buy	alice	5\.00	order-2	.*	new	search	2	2\.50$'
	verify_ok
}

@test "spend: the receipt of a purchase found again shows the price it was bought at" {
	earn --ref task-1 alice 100
	spend buy --ref order-1 alice search 2
	t tok-spend buy --ref order-1 alice search 2
	assert_success
	assert_tsv <<-EOF
	$BUY
	2|buy|alice|6.00|order-1|$TODAY|exists|search|2|3.00
	EOF
}

@test "spend: a different request under the same ref is a conflict (exit 1) naming it" {
	earn --ref task-1 alice 100
	earn --ref task-2 bob 100
	earn --ref task-3 alice 1000
	spend buy --ref order-1 alice search 2
	snapshot
	t tok-spend buy --ref order-1 alice search 3
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: ref "order-1": conflict'
	t tok-spend buy --ref order-1 bob search 2
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "order-1": conflict.*bob'
	t tok-spend buy --ref order-1 alice ai-tools 2
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "order-1": conflict'
	t tok-spend hold --ref order-1 alice search 2
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "order-1": conflict.*hold'
	# A ref of an earning is no purchase either.
	t tok-spend buy --ref task-2 bob search
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "task-2": conflict'
	assert_unchanged
	verify_ok
}

@test "spend: units that only share leading digits are a conflict, not the same request" {
	earn --ref task-1 alice 100
	spend buy --ref order-1 alice search 10
	spend hold --ref hold-1 alice search 10
	snapshot
	t tok-spend buy --ref order-1 alice search 1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: ref "order-1": conflict'
	t tok-spend hold --ref hold-1 alice search 1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: ref "hold-1": conflict'
	assert_unchanged
}

@test "spend: bad worker, units and refs are bad data (exit 3)" {
	earn --ref task-1 alice 100
	snapshot
	local u
	for u in x 1.5 0 1,0 ' 1' 99999999999999999999; do
		t tok-spend buy --ref o1 -- alice search "$u"
		[ "$status" -eq 3 ] || fail "units '$u': exit $status, not 3"
		[ -z "$output" ] || fail "units '$u': stdout: $output"
		[[ $stderr == "tok-spend: units \"$u\": "* ]] ||
		    fail "units '$u': $stderr"
	done
	t tok-spend buy --ref o1 -- alice search -1
	assert_failure 3
	t tok-spend buy --ref o1 'al/ice' search
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: worker "al/ice"'
	t tok-spend buy --ref o1 platform:revenue search
	assert_failure 3
	t tok-spend buy --ref auto:7 alice search
	assert_failure 3
	assert_stderr_line '^tok-spend: ref "auto:7": '
	t tok-spend buy --ref 'a b' alice search
	assert_failure 3
	assert_unchanged
}

@test "spend: buy --dry-run prints the receipt it would make and writes nothing" {
	earn --ref task-1 alice 100
	snapshot
	t tok-spend -n buy --ref o1 alice search 2
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	2|buy|alice|6.00|o1|$TODAY|new|search|2|3.00
	EOF
	t tok-spend --dry-run buy --ref o1 alice search 40
	assert_failure 1
	assert_no_stdout
	assert_unchanged
}

@test "spend: the receipt in json" {
	earn --ref task-1 alice 100
	t tok-spend --format json buy --ref o1 alice third 3
	assert_success
	echo "$output" | jq -e '.txid == 2 and .type == "buy" and
	    .account == "alice" and .amount == 0.99 and .ref == "o1" and
	    .status == "new" and .service == "third" and .units == 3' \
	    >/dev/null || fail "json receipt: $output"
}

# ------------------------------------------------------------- holds

@test "hold: reserves the cost in platform:holds; held tokens count as spent" {
	earn --ref task-1 alice 20
	t tok-spend hold --ref bid-1 alice search 5
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	2|hold|alice|15.00|bid-1|$TODAY|new|search|5|3.00
	EOF
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 2 ORDER BY seq')" "1|alice|-1500
2|platform:holds|1500"
	assert_equal "$(q 'SELECT txid, worker, service, units, amount, expires
	    FROM hold')" "2|alice|search|5|1500|2026-12-05T12:00:00Z"
	t tok-report balance alice
	assert_tsv <<-EOF
	worker|amount
	alice|5.00
	EOF
	# 5.00 left: a purchase of 6.00 or a second hold of 6.00 is short.
	snapshot
	t tok-spend buy --ref o1 alice search 2
	assert_failure 1
	assert_stderr_line 'short by 1\.00'
	t tok-spend hold --ref bid-2 alice search 2
	assert_failure 1
	assert_stderr_line 'short by 1\.00'
	assert_unchanged
	verify_ok
}

@test "hold: needs --ref (usage, exit 2); the same hold again is exists, another one a conflict" {
	earn --ref task-1 alice 100
	snapshot
	t tok-spend hold alice search
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-spend: .*--ref'
	assert_unchanged
	spend hold --ref bid-1 alice search 5
	snapshot
	t tok-spend hold --ref bid-1 alice search 5
	assert_success
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-9)" \
	    "$(printf '2\thold\talice\t15.00\tbid-1\t%s\texists\tsearch\t5' "$TODAY")"
	t tok-spend hold --ref bid-1 alice search 6
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: ref "bid-1": conflict'
	t tok-spend buy --ref bid-1 alice search 5
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "bid-1": conflict'
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM hold')" 1
}

@test "hold: post in full moves the hold to revenue, exactly once" {
	earn --ref task-1 alice 20
	spend hold --ref bid-1 alice search 5
	t tok-spend post bid-1
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	3|post|alice|15.00|auto:3|$TODAY|new|||
	EOF
	assert_equal "$(q 'SELECT type, reverses, memo FROM txn WHERE txid = 3')" \
	    "post|2|post of hold bid-1"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 3 ORDER BY seq')" "1|platform:holds|-1500
2|platform:revenue|1500"
	assert_equal "$(bal alice)" 500
	assert_equal "$(bal platform:holds)" 0
	snapshot
	# The same resolution again: exists; in full by amount too.
	t tok-spend post bid-1
	assert_success
	assert_tsv <<-EOF
	$BUY
	3|post|alice|15.00|auto:3|$TODAY|exists|||
	EOF
	t tok-spend post bid-1 15
	assert_success
	assert_line --index 1 --regexp '^3	post	alice	15\.00	auto:3	.*	exists	'
	# Another resolution: refused.
	t tok-spend void bid-1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: hold "bid-1": already settled by a post'
	t tok-spend post bid-1 10
	assert_failure 1
	assert_no_stdout
	assert_unchanged
	verify_ok
}

@test "hold: post in part spends that much and gives the rest back" {
	earn --ref task-1 alice 20
	spend hold --ref bid-1 alice search 5
	t tok-spend post bid-1 4.5
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	3|post|alice|4.50|auto:3|$TODAY|new|||
	EOF
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 3 ORDER BY seq')" "1|platform:holds|-1500
2|alice|1050
3|platform:revenue|450"
	assert_equal "$(bal alice)" 1550
	assert_equal "$(bal platform:holds)" 0
	assert_equal "$(bal platform:revenue)" 450
	snapshot
	t tok-spend post bid-1 4.50
	assert_success
	assert_line --index 1 --regexp '^3	post	alice	4\.50	auto:3	.*	exists	'
	t tok-spend post bid-1
	assert_failure 1
	assert_stderr_line 'already settled'
	t tok-spend post bid-1 5
	assert_failure 1
	t tok-spend void bid-1
	assert_failure 1
	assert_unchanged
	verify_ok
}

@test "hold: a post of nothing or of more than the hold is bad data (exit 3)" {
	earn --ref task-1 alice 20
	spend hold --ref bid-1 alice search 5
	snapshot
	t tok-spend post bid-1 15.01
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: hold "bid-1": '
	t tok-spend post bid-1 0
	assert_failure 3
	assert_no_stdout
	t tok-spend post bid-1 1,5
	assert_failure 3
	assert_stderr_line 'amount "1,5"'
	assert_unchanged
}

@test "hold: void gives it all back, exactly once" {
	earn --ref task-1 alice 20
	spend hold --ref bid-1 alice search 5
	t tok-spend void bid-1
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	3|void|alice|15.00|auto:3|$TODAY|new|||
	EOF
	assert_equal "$(q 'SELECT type, reverses, memo FROM txn WHERE txid = 3')" \
	    "void|2|void of hold bid-1"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 3 ORDER BY seq')" "1|platform:holds|-1500
2|alice|1500"
	assert_equal "$(bal alice)" 2000
	snapshot
	t tok-spend void bid-1
	assert_success
	assert_tsv <<-EOF
	$BUY
	3|void|alice|15.00|auto:3|$TODAY|exists|||
	EOF
	t tok-spend post bid-1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: hold "bid-1": already settled by a void'
	assert_unchanged
	verify_ok
}

@test "hold: post or void of what is not a hold is refused (exit 1)" {
	earn --ref task-1 alice 20
	spend buy --ref order-1 alice search
	snapshot
	local r
	for r in no-such order-1 task-1; do
		t tok-spend post "$r"
		assert_failure 1
		assert_no_stdout
		assert_stderr_line "^tok-spend: hold \"$r\": no such hold"
		t tok-spend void "$r"
		assert_failure 1
		assert_stderr_line "^tok-spend: hold \"$r\": no such hold"
	done
	assert_unchanged
}

@test "hold: expire voids a hold at its timeout, not before, and only once (90m, 72h, default 7d)" {
	earn --ref task-1 alice 100
	spend hold --ref h-90m --timeout 90m alice search
	spend hold --ref h-72h --timeout 72h alice search
	spend hold --ref h-7d alice search 2
	spend hold --ref h-3600s --timeout 3600s alice search
	assert_equal "$(q_join ' ' 'SELECT expires FROM hold ORDER BY txid')" \
	    "2026-11-28T13:30:00Z 2026-12-01T12:00:00Z 2026-12-05T12:00:00Z 2026-11-28T13:00:00Z"
	assert_equal "$(bal alice)" 8500
	snapshot
	TOK_NOW=2026-11-28T12:59:59Z t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<<"$BUY"
	assert_unchanged
	TOK_NOW=2026-11-28T13:30:00Z t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	6|void|alice|3.00|auto:6|$TODAY|new|||
	7|void|alice|3.00|auto:7|$TODAY|new|||
	EOF
	assert_equal "$(q_join ' ' "SELECT reverses FROM txn
	    WHERE type = 'void' ORDER BY txid")" "2 5"
	snapshot
	TOK_NOW=2026-12-01T11:59:59Z t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
	TOK_NOW=2026-12-01T12:00:00Z t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	8|void|alice|3.00|auto:8|2026-12-01|new|||
	EOF
	TOK_NOW=2026-12-05T11:59:59Z t tok-spend expire
	assert_success
	assert_equal "${#lines[@]}" 1
	TOK_NOW=2026-12-05T12:00:00Z t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	9|void|alice|6.00|auto:9|2026-12-05|new|||
	EOF
	assert_equal "$(bal alice)" 10000
	assert_equal "$(bal platform:holds)" 0
	# Each is resolved once: a second run finds nothing; a void again
	# is the same resolution, a post another one.
	snapshot
	TOK_NOW=2027-01-01T00:00:00Z t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	t tok-spend void h-90m
	assert_success
	assert_line --index 1 --regexp '^6	void	alice	3\.00	auto:6	.*	exists	'
	t tok-spend post h-7d
	assert_failure 1
	assert_stderr_line 'already settled by a void'
	assert_unchanged
	verify_ok
}

@test "hold: a hold posted or voided before its timeout is left alone by expire" {
	earn --ref task-1 alice 100
	spend hold --ref h1 --timeout 90m alice search
	spend hold --ref h2 --timeout 90m alice search
	spend post h1
	spend void h2
	snapshot
	TOK_NOW=2026-12-30T00:00:00Z t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
}

@test "hold: bad --timeout values are usage errors (exit 2)" {
	earn --ref task-1 alice 100
	snapshot
	local d
	for d in 0m 90 5w d 1.5h -1d 3651d '' 7D; do
		t tok-spend hold --ref h1 --timeout "$d" alice search
		[ "$status" -eq 2 ] || fail "--timeout '$d': exit $status, not 2"
		[ -z "$output" ] || fail "--timeout '$d': stdout: $output"
		[[ $stderr == "tok-spend: --timeout \"$d\": "* ]] ||
		    fail "--timeout '$d': $stderr"
	done
	assert_unchanged
	t tok-spend hold --ref h1 --timeout 3650d alice search
	assert_success
	assert_equal "$(q 'SELECT expires FROM hold')" 2036-11-25T12:00:00Z
}

# ------------------------------------------------------------- refunds

@test "refund: reverses a purchase once; --reason lands in the memo" {
	earn --ref task-1 alice 100
	spend buy --ref order-1 alice search 2
	t tok-spend refund --reason 'double charge' 2
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	3|refund|alice|6.00|auto:3|$TODAY|new|||
	EOF
	assert_equal "$(q 'SELECT type, reverses, memo FROM txn WHERE txid = 3')" \
	    "refund|2|refund of txid 2: double charge"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 3 ORDER BY seq')" "1|platform:revenue|-600
2|alice|600"
	assert_equal "$(bal alice)" 10000
	assert_equal "$(bal platform:revenue)" 0
	snapshot
	t tok-spend refund 2
	assert_success
	assert_tsv <<-EOF
	$BUY
	3|refund|alice|6.00|auto:3|$TODAY|exists|||
	EOF
	t tok-spend refund --reason 'another reason' 2
	assert_success
	assert_line --index 1 --regexp '	exists	'
	assert_unchanged
	verify_ok
}

@test "refund: only purchases are refunded (exit 1); a bad txid is bad data (exit 3)" {
	earn --ref task-1 alice 100
	spend buy --ref order-1 alice search
	spend hold --ref bid-1 alice search
	spend post bid-1
	spend refund 2
	snapshot
	local id
	# An earning, a hold, a post, a refund, and no transaction at all.
	for id in 1 3 4 5 99; do
		t tok-spend refund "$id"
		[ "$status" -eq 1 ] || fail "refund $id: exit $status, not 1"
		[ -z "$output" ] || fail "refund $id: stdout: $output"
		[[ $stderr == "tok-spend: txid $id: not a purchase" ]] ||
		    fail "refund $id: $stderr"
	done
	for id in abc 0 -1 1.5 ''; do
		t tok-spend refund -- "$id"
		[ "$status" -eq 3 ] || fail "refund '$id': exit $status, not 3"
		[ -z "$output" ] || fail "refund '$id': stdout: $output"
	done
	assert_unchanged
}

@test "refund: the tokens come back even when the worker spent the rest meanwhile" {
	earn --ref task-1 alice 6
	spend buy --ref order-1 alice search
	spend buy --ref order-2 alice search
	assert_equal "$(bal alice)" 0
	t tok-spend refund 3
	assert_success
	assert_equal "$(bal alice)" 300
	verify_ok
}

# ------------------------------------------------------------- batches

@test "spend batch: buy - reads worker, service, units, ref; units default to 1" {
	earn --ref task-1 alice 100
	earn --ref task-2 bob 100
	records in.tsv <<-'EOF'
	worker|service|units|ref
	alice|search|2|o-1
	bob|third||o-2
	alice|third|10|o-3
	EOF
	t_in in.tsv tok-spend buy -
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	3|buy|alice|6.00|o-1|$TODAY|new|search|2|3.00
	4|buy|bob|0.33|o-2|$TODAY|new|third|1|0.333
	5|buy|alice|3.33|o-3|$TODAY|new|third|10|0.333
	EOF
	assert_equal "$(bal alice)" $((10000 - 600 - 333))
	assert_equal "$(bal bob)" $((10000 - 33))
	# Re-run, from the file this time: all exist, nothing changes.
	snapshot
	t tok-spend buy in.tsv
	assert_success
	assert_no_stderr
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -f1-7 | sed 1d)" \
	    "$(printf '3\tbuy\talice\t6.00\to-1\t%s\texists\n4\tbuy\tbob\t0.33\to-2\t%s\texists\n5\tbuy\talice\t3.33\to-3\t%s\texists' \
	    "$TODAY" "$TODAY" "$TODAY")"
	assert_unchanged
	verify_ok
}

@test "spend batch: without a ref column and without --ref-prefix it is refused (exit 3)" {
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|service|units
	alice|search|1
	EOF
	snapshot
	t tok-spend buy in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 1: .*ref'
	t tok-spend -n buy in.tsv
	assert_failure 3
	# A ref column with an empty ref is refused at its line.
	records in2.tsv <<-'EOF'
	worker|service|ref
	alice|search|o-1
	alice|search|
	EOF
	t tok-spend buy in2.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in2\.tsv: )?line 3: .*ref'
	assert_unchanged
}

@test "spend batch: --ref-prefix gives each record prefix + worker; a re-run is all exists" {
	earn --ref task-1 alice 100
	earn --ref task-2 bob 100
	records in.tsv <<-'EOF'
	worker|service
	alice|search
	bob|search
	EOF
	t tok-spend buy --ref-prefix nov-search- in.tsv
	assert_success
	assert_tsv <<-EOF
	$BUY
	3|buy|alice|3.00|nov-search-alice|$TODAY|new|search|1|3.00
	4|buy|bob|3.00|nov-search-bob|$TODAY|new|search|1|3.00
	EOF
	snapshot
	t_in in.tsv tok-spend buy --ref-prefix nov-search- -
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -f5,7 | sed 1d)" \
	    "$(printf 'nov-search-alice\texists\nnov-search-bob\texists')"
	assert_unchanged
	verify_ok
}

@test "spend batch: one bad record refuses the whole batch and every bad line is named" {
	earn --ref task-1 alice 100
	earn --ref task-2 bob 2
	records in.tsv <<-'EOF'
	worker|service|units|ref
	alice|search|1|b-1
	alice|no-such|1|b-2
	bob|search|1|b-3
	a/b|search|1|b-4
	alice|search|x|b-5
	alice|ai-tools|1|b-6
	alice|search|1|b-7
	EOF
	snapshot
	t tok-spend buy in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 3: service "no-such"'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 4: worker bob: .*short by 1\.00'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 5: worker "a/b"'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 6: units "x"'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 7: worker alice: tier'
	assert_stderr_line '5 of 7 records'
	assert_stderr_lines 6
	assert_unchanged
	# Refusals only (no bad data): exit 1.
	records in2.tsv <<-'EOF'
	worker|service|ref
	alice|search|c-1
	bob|search|c-2
	EOF
	t tok-spend buy in2.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'line 3: worker bob: .*short'
	assert_unchanged
}

@test "spend batch: the balance is spent record by record; the first record it does not cover is named" {
	earn --ref task-1 alice 10
	records in.tsv <<-'EOF'
	worker|service|units|ref
	alice|search|2|o-1
	alice|search|1|o-2
	alice|search|1|o-3
	EOF
	snapshot
	t tok-spend buy in.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 4: worker alice: balance 1\.00 is short by 2\.00'
	assert_stderr_lines 2
	assert_unchanged
	# --skip-invalid lands the two it covers and keeps the third.
	t tok-spend buy --skip-invalid --rejects rej.tsv in.tsv
	assert_success
	assert_tsv <<-EOF
	$BUY
	2|buy|alice|6.00|o-1|$TODAY|new|search|2|3.00
	3|buy|alice|3.00|o-2|$TODAY|new|search|1|3.00
	EOF
	assert_stderr_line 'line 4: '
	assert_stderr_line '1 of 3 records.*rej\.tsv'
	sed -n '1p;4p' in.tsv >want.tsv
	cmp want.tsv rej.tsv || fail "rejects differ: $(cat -A rej.tsv)"
	assert_equal "$(bal alice)" 100
	# Once alice earns more, the rejects land.
	earn --ref task-2 alice 2
	t tok-spend buy rej.tsv
	assert_success
	assert_line --index 1 --regexp '^5	buy	alice	3\.00	o-3	'
	assert_equal "$(bal alice)" 0
	verify_ok
}

@test "spend batch: --dry-run prints the receipt and writes nothing" {
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|service|units|ref
	alice|search|2|o-1
	alice|third|3|o-2
	EOF
	snapshot
	t tok-spend -n buy in.tsv
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	2|buy|alice|6.00|o-1|$TODAY|new|search|2|3.00
	3|buy|alice|0.99|o-2|$TODAY|new|third|3|0.333
	EOF
	assert_unchanged
}

@test "spend batch: a missing service column is refused (exit 3)" {
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|units|ref
	alice|1|o-1
	EOF
	snapshot
	t tok-spend buy in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'line 1: .*"service"'
	assert_unchanged
}

@test "spend batch: the same ref twice in one batch is refused at the later line" {
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|service|ref
	alice|search|d-1
	alice|search|d-1
	EOF
	snapshot
	t tok-spend buy in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 3: ref "d-1"'
	assert_unchanged
}

# ---------------------------------------------------------------- usage

@test "spend: usage errors exit 2 and write nothing" {
	earn --ref task-1 alice 100
	spend hold --ref bid-1 alice search
	snapshot
	local args
	for args in "" "frobnicate" "buy" "buy a b 1 2" "post" "post a 1 2" \
	    "void" "void a b" "refund" "refund 1 2" "settle" "settle a b" \
	    "expire now" "cashout a b c" "hold alice" "--no-such buy alice search" \
	    "--timeout 1d buy alice search" "--reason x buy alice search" \
	    "--as-of 2026-11-01 buy alice search" \
	    "--ref-prefix p- buy alice search" "--ref r post bid-1" \
	    "--ref r void bid-1" "--skip-invalid buy -" \
	    "--skip-invalid --rejects r.tsv buy alice search" \
	    "--as-of 2026-02-30 expire" "--format xml buy alice search" \
	    "--wait soon buy alice search" "--timeout 1d post bid-1" \
	    "--ref-prefix p- settle -" "--ref r refund 2"; do
		# shellcheck disable=SC2086
		t tok-spend $args
		[ "$status" -eq 2 ] || fail "tok-spend $args: exit $status, not 2"
		[ -z "$output" ] || fail "tok-spend $args: stdout: $output"
		[ -n "$stderr" ] || fail "tok-spend $args: no message"
	done
	[ ! -e r.tsv ] || fail "r.tsv was created"
	t tok-spend
	assert_stderr_line '^usage: tok-spend'
	t tok-spend frobnicate
	assert_stderr_line '^tok-spend: unknown command "frobnicate"'
	assert_unchanged
}

@test "spend: --help prints the usage to stdout and exits 0" {
	t tok-spend --help
	assert_success
	assert_no_stderr
	assert_line --index 0 --regexp '^usage: tok-spend '
	assert_output --partial 'cashout'
	assert_output --partial 'settle'
	assert_output --partial 'expire'
}

# ---------------------------------------------------------------- load

@test "spend: sixteen buyers at once, 2,000 purchases, balances for 400: exactly 400 land" {
	# 4 workers, each with 150.50 tokens: exactly 100 purchases at 1.50,
	# 0.50 left over.  Sixteen processes (sixteen connections on
	# PostgreSQL) try 125 each, round the workers, so that most of them
	# race for the last tokens of the same balances.
	price set service bid 1.5
	local w j i rc
	for w in 1 2 3 4; do
		earn --ref seed-$w "w$w" 150.50
	done
	for j in $(seq 16); do
		(
			for i in $(seq 125); do
				rc=0
				tok-spend --wait 120 buy --ref "j$j-$i" \
				    "w$(( (i + j) % 4 + 1 ))" bid \
				    </dev/null >/dev/null 2>>"err-$j" || rc=$?
				echo "$rc"
			done >"rc-$j"
		) 3>&- &
	done
	wait
	# Every attempt either landed (0) or was short (1); nothing else,
	# and as many landed as the balances allowed.
	local allowed=$((4 * (15050 / 150)))
	assert_equal "$allowed" 400
	assert_equal "$(cat rc-* | sort | uniq -c | awk '{ print $2 "=" $1 }' |
	    tr '\n' ' ')" "0=$allowed 1=$((2000 - allowed)) "
	assert_equal "$(cat err-* | grep -vc 'short by')" 0
	assert_equal "$(q "SELECT count(*) FROM txn WHERE type = 'buy'")" \
	    "$allowed"
	for w in 1 2 3 4; do
		assert_equal "$(bal "w$w")" 50
		assert_equal "$(q "SELECT count(*) FROM posting p JOIN txn t
		    USING (txid) WHERE t.type = 'buy' AND p.account = 'w$w'")" 100
	done
	# No balance below zero, by the postings or by the cache.
	assert_equal "$(q "SELECT count(*) FROM (SELECT account FROM posting
	    WHERE account NOT LIKE 'platform:%' GROUP BY account
	    HAVING sum(amount) < 0) AS below")" 0
	assert_equal "$(q "SELECT count(*) FROM account_balance
	    WHERE account NOT LIKE 'platform:%' AND amount < 0")" 0
	# The postings sum to zero; revenue is what landed.
	assert_equal "$(ledger_zero)" 0
	assert_equal "$(bal platform:revenue)" 60000
	t tok-report verify
	assert_success
	assert_line --index 1 --regexp '^sum	ok'
	assert_line --index 2 --regexp '^nonnegative	ok'
	assert_line --index 3 --regexp '^cache	ok'
	assert_line --index 4 --regexp '^chain	ok		404 transactions'
}

@test "hold: past its timeout a hold cannot be posted, only voided by expire" {
	earn --ref task-1 alice 100
	spend hold --ref h1 --timeout 90m alice search
	snapshot
	TOK_NOW=2026-11-28T13:30:00Z t tok-spend post h1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'hold "h1": timed out at 2026-11-28T13:30:00Z'
	assert_unchanged
	TOK_NOW=2026-11-28T13:29:59Z t tok-spend post h1
	assert_success
	verify_ok
}
