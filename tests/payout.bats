#!/usr/bin/env bats
# tok-spend cashout and settle, tok-report payouts: tokens into money at
# the exchange rate in force, and the payment provider's answer
# (DESIGN §3, §5, §6, §9).

load helper

CASH='txid|type|account|amount|ref|date|status|payout|money|currency|rate'
PAYOUTS='payout|worker|amount|money|currency|rate|status|date|ref|txid|provider_ref'

# policy [CODE DECIMALS]: the config of these tests, in full.
policy() {
	cat >"$TOK_CONFIG" <<-EOF
	currency:
	  code: ${1:-EUR}
	  decimals: ${2:-2}
	token:
	  decimals: 2
	tiers:
	  - name: bronze
	    min_earned: 0
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: refuse
	  decreases: immediate
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
	price set service search 3 --per month
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

# settle TSV-WITH-BARS: a settlement that must succeed.
settle() {
	records "$T/.settle.tsv"
	tok-spend settle "$T/.settle.tsv" </dev/null >/dev/null \
	    2>"$T/.spend.err" ||
	    fail "fixture: tok-spend settle failed: $(cat "$T/.spend.err")"
}

bal() {
	q "SELECT coalesce(sum(amount), 0) FROM posting WHERE account = '$1'"
}

verify_ok() {
	local out

	out=$(tok-report verify </dev/null 2>&1) ||
	    fail "tok-report verify failed: $out"
}

# ------------------------------------------------------------- cashout

@test "cashout: moves tokens to platform:cashout at the rate and opens a pending payout" {
	price set exchange EUR 0.0125 --reason launch
	earn --ref task-1 alice 2000.50
	t tok-spend cashout --ref pay-1 alice 1000.50
	assert_success
	assert_no_stderr
	# 1000.50 x 0.0125 = 12.50625: 12.50, rounded down.
	assert_tsv <<-EOF
	$CASH
	2|cashout|alice|1000.50|pay-1|$TODAY|new|1|12.50|EUR|0.0125
	EOF
	assert_equal "$(q 'SELECT ref, type, date, recorded, actor, memo FROM txn
	    WHERE txid = 2')" \
	    "pay-1|cashout|$TODAY|$NOW|$ME|payout 1: 12.50 EUR at 0.0125"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 2 ORDER BY seq')" "1|alice|-100050
2|platform:cashout|100050"
	assert_equal "$(q 'SELECT id, txid, worker, tokens, money, currency
	    FROM payout')" "1|2|alice|100050|1250|EUR"
	assert_equal "$(bal alice)" 100000
	t tok-report payouts
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$PAYOUTS
	1|alice|1000.50|12.50|EUR|0.0125|pending|$TODAY|pay-1|2|
	EOF
	verify_ok
}

@test "cashout: a rate with 8 decimals converts exactly and rounds the money down" {
	price set exchange EUR 0.01234567
	earn --ref task-1 alice 2000
	# 1000.50 x 0.01234567 = 12.3518428...; 0.82 x 0.01234567 = 0.0101...
	t tok-spend cashout --ref pay-1 alice 1000.50
	assert_success
	assert_line --index 1 "$(printf '2\tcashout\talice\t1000.50\tpay-1\t%s\tnew\t1\t12.35\tEUR\t0.01234567' "$TODAY")"
	t tok-spend cashout --ref pay-2 alice 0.82
	assert_success
	assert_line --index 1 --regexp '^3	cashout	alice	0\.82	pay-2	.*	2	0\.01	EUR	0\.01234567$'
	# 0.81 x 0.01234567 = 0.0099999...: less than a cent, refused.
	snapshot
	t tok-spend cashout --ref pay-3 alice 0.81
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: worker alice: 0\.81 tokens are worth less than one minor unit of EUR'
	assert_unchanged
	assert_equal "$(q_join ' ' 'SELECT money FROM payout ORDER BY id')" "1235 1"
	verify_ok
}

@test "cashout: a currency without minor units (JPY 0) rounds down to whole yen" {
	policy JPY 0
	price set exchange JPY 1.87654321
	earn --ref task-1 alice 500
	# 100.99 x 1.87654321 = 189.5120...
	t tok-spend cashout --ref pay-1 alice 100.99
	assert_success
	assert_line --index 1 "$(printf '2\tcashout\talice\t100.99\tpay-1\t%s\tnew\t1\t189\tJPY\t1.87654321' "$TODAY")"
	t tok-report payouts
	assert_tsv <<-EOF
	$PAYOUTS
	1|alice|100.99|189|JPY|1.87654321|pending|$TODAY|pay-1|2|
	EOF
	snapshot
	t tok-spend cashout --ref pay-2 alice 0.53
	assert_failure 1
	assert_stderr_line 'less than one minor unit of JPY'
	assert_unchanged
}

@test "cashout: refused (exit 1) without an exchange rate in force" {
	earn --ref task-1 alice 100
	snapshot
	t tok-spend cashout --ref pay-1 alice 10
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: no exchange rate for EUR .*tok-price set exchange EUR'
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM payout')" 0
	# A rate that starts later is not in force yet.
	price set exchange EUR 0.02 --effective 2026-12-01
	snapshot
	TOK_NOW=2026-11-30T23:59:59Z t tok-spend cashout --ref pay-1 alice 10
	assert_failure 1
	assert_stderr_line 'no exchange rate'
	assert_unchanged
	TOK_NOW=2026-12-01T00:00:00Z t tok-spend cashout --ref pay-1 alice 10
	assert_success
	assert_line --index 1 --regexp '^2	cashout	alice	10\.00	pay-1	2026-12-01	new	1	0\.20	EUR	0\.02$'
	verify_ok
}

@test "cashout: all is the whole balance, without the tokens on hold" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend hold --ref bid-1 alice search 2
	t tok-spend cashout --ref pay-1 alice all
	assert_success
	assert_line --index 1 "$(printf '3\tcashout\talice\t94.00\tpay-1\t%s\tnew\t1\t1.17\tEUR\t0.0125' "$TODAY")"
	assert_equal "$(bal alice)" 0
	assert_equal "$(bal platform:holds)" 600
	# Nothing left: all is refused, and so is any amount.
	snapshot
	t tok-spend cashout --ref pay-2 alice all
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: worker alice: nothing to cash out'
	t tok-spend cashout --ref pay-2 alice 1
	assert_failure 1
	assert_stderr_line 'short by 1\.00'
	t tok-spend cashout --ref pay-2 nobody all
	assert_failure 1
	assert_unchanged
	# The void brings the held tokens back, to be cashed out in turn.
	spend void bid-1
	t tok-spend cashout --ref pay-2 alice all
	assert_success
	assert_line --index 1 --regexp '^5	cashout	alice	6\.00	pay-2	.*	2	0\.07	EUR	0\.0125$'
	verify_ok
}

@test "cashout: more than the balance is refused (exit 1) saying by how much" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	snapshot
	t tok-spend cashout --ref pay-1 alice 100.01
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: worker alice: balance 100\.00 is short by 0\.01'
	assert_unchanged
}

@test "cashout: the same ref again is exists, at the original rate, even after the rate changed" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 3000
	earn --ref task-2 bob 100
	spend cashout --ref pay-1 alice 1000.50
	price set exchange EUR 0.01 --reason lower
	snapshot
	t tok-spend cashout --ref pay-1 alice 1000.50
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CASH
	3|cashout|alice|1000.50|pay-1|$TODAY|exists|1|12.50|EUR|0.0125
	EOF
	# "all" names no amount: the cash-out under that ref is found.
	t tok-spend cashout --ref pay-1 alice all
	assert_success
	assert_line --index 1 "$(printf '3\tcashout\talice\t1000.50\tpay-1\t%s\texists\t1\t12.50\tEUR\t0.0125' "$TODAY")"
	TOK_NOW=2026-12-15T08:00:00Z t tok-spend cashout --ref pay-1 alice 1000.50
	assert_success
	assert_line --index 1 --regexp '	exists	1	12\.50	EUR	0\.0125$'
	# Another amount, another worker, another kind: conflicts.
	t tok-spend cashout --ref pay-1 alice 1000
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: ref "pay-1": conflict'
	t tok-spend cashout --ref pay-1 bob 1000.50
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "pay-1": conflict'
	t tok-spend buy --ref pay-1 alice search
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "pay-1": conflict'
	t tok-spend cashout --ref task-2 bob 100
	assert_failure 1
	assert_stderr_line '^tok-spend: ref "task-2": conflict'
	assert_unchanged
	# A new cash-out is at the new rate.
	t tok-spend cashout --ref pay-2 alice 1000.50
	assert_success
	assert_line --index 1 --regexp '^4	cashout	alice	1000\.50	pay-2	.*	new	2	10\.00	EUR	0\.01$'
	verify_ok
}

@test "cashout: without --ref the ref is auto:TXID; bad amounts are bad data (exit 3)" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	t tok-spend cashout alice 8
	assert_success
	assert_line --index 1 "$(printf '2\tcashout\talice\t8.00\tauto:2\t%s\tnew\t1\t0.10\tEUR\t0.0125' "$TODAY")"
	snapshot
	local a
	for a in 1,5 0 0.001 ALL -1 x ''; do
		t tok-spend cashout --ref pay-x -- alice "$a"
		[ "$status" -eq 3 ] || fail "amount '$a': exit $status, not 3"
		[ -z "$output" ] || fail "amount '$a': stdout: $output"
		[[ $stderr == "tok-spend: amount \"$a\": "* ]] ||
		    fail "amount '$a': $stderr"
	done
	t tok-spend cashout --ref pay-x 'a b' 1
	assert_failure 3
	assert_stderr_line '^tok-spend: worker "a b"'
	assert_unchanged
}

@test "cashout: --dry-run prints the receipt and opens no payout" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	snapshot
	t tok-spend -n cashout --ref pay-1 alice 80
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CASH
	2|cashout|alice|80.00|pay-1|$TODAY|new|1|1.00|EUR|0.0125
	EOF
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM payout')" 0
}

# ------------------------------------------------------------- payouts

@test "payouts: --status lists pending, paid or failed ones; a bad status is a usage error" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	earn --ref task-2 bob 100
	spend cashout --ref pay-a alice 40
	spend cashout --ref pay-b bob 80
	spend cashout --ref pay-c alice 8
	settle <<-'EOF'
	payout|status|provider_ref
	1|paid|PP-0001
	2|failed|PP-0002
	EOF
	snapshot
	t tok-report payouts
	assert_success
	assert_tsv <<-EOF
	$PAYOUTS
	1|alice|40.00|0.50|EUR|0.0125|paid|$TODAY|pay-a|3|PP-0001
	2|bob|80.00|1.00|EUR|0.0125|failed|$TODAY|pay-b|4|PP-0002
	3|alice|8.00|0.10|EUR|0.0125|pending|$TODAY|pay-c|5|
	EOF
	t tok-report payouts --status pending
	assert_success
	assert_tsv <<-EOF
	$PAYOUTS
	3|alice|8.00|0.10|EUR|0.0125|pending|$TODAY|pay-c|5|
	EOF
	t tok-report payouts --status paid
	assert_tsv <<-EOF
	$PAYOUTS
	1|alice|40.00|0.50|EUR|0.0125|paid|$TODAY|pay-a|3|PP-0001
	EOF
	t tok-report payouts --status failed
	assert_tsv <<-EOF
	$PAYOUTS
	2|bob|80.00|1.00|EUR|0.0125|failed|$TODAY|pay-b|4|PP-0002
	EOF
	t tok-report --format json payouts --status pending
	assert_success
	echo "$output" | jq -e '.payout == 3 and .worker == "alice" and
	    .amount == 8 and .money == 0.1 and .status == "pending"' \
	    >/dev/null || fail "json: $output"
	local s
	for s in bogus PAID ''; do
		t tok-report payouts --status "$s"
		[ "$status" -eq 2 ] || fail "--status '$s': exit $status, not 2"
		[ -z "$output" ] || fail "--status '$s': stdout: $output"
	done
	t tok-report balances --status paid
	assert_failure 2
	assert_unchanged
}

# ------------------------------------------------------------- settle

@test "settle: paid closes the payout, records the provider's ref, moves no tokens; once" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 40
	records paid.tsv <<-'EOF'
	payout|status|provider_ref
	1|paid|PP-0001
	EOF
	t tok-spend settle paid.tsv
	assert_success
	assert_no_stderr
	assert_equal "${#lines[@]}" 2
	assert_line --index 0 "$(printf '%s' "$CASH" | tr '|' '\t')"
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f2,3,7,8)" \
	    "$(printf 'paid\talice\tnew\t1')"
	assert_equal "$(txn_count)" 2
	assert_equal "$(q 'SELECT payout, status, provider_ref, recorded, actor,
	    CASE WHEN txid IS NULL THEN 1 ELSE 0 END FROM settlement')" "1|paid|PP-0001|$NOW|$ME|1"
	assert_equal "$(bal platform:cashout)" 4000
	assert_equal "$(bal alice)" 6000
	# The same outcome again: exists; the other one: a conflict.
	snapshot
	t_in paid.tsv tok-spend settle -
	assert_success
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f2,3,7,8)" \
	    "$(printf 'paid\talice\texists\t1')"
	records failed.tsv <<-'EOF'
	payout|status
	1|failed
	EOF
	t tok-spend settle failed.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-spend: (failed\.tsv: )?line 2: payout 1: conflict: already settled as paid'
	assert_unchanged
	verify_ok
}

@test "settle: failed gives the tokens back to the worker, exactly once" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 40
	records failed.tsv <<-'EOF'
	payout|status|provider_ref
	1|failed|PP-0001
	EOF
	t tok-spend settle failed.tsv
	assert_success
	assert_no_stderr
	assert_equal "${#lines[@]}" 2
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-8)" \
	    "$(printf '3\tfailed\talice\t40.00\tauto:3\t%s\tnew\t1' "$TODAY")"
	assert_equal "$(q 'SELECT reverses, memo FROM txn WHERE txid = 3')" \
	    "2|payout 1 failed"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 3 ORDER BY seq')" "1|platform:cashout|-4000
2|alice|4000"
	assert_equal "$(q 'SELECT payout, status, provider_ref, txid
	    FROM settlement')" "1|failed|PP-0001|3"
	assert_equal "$(bal alice)" 10000
	assert_equal "$(bal platform:cashout)" 0
	# Again: exists, no second return; paid now: a conflict.
	snapshot
	t tok-spend settle failed.tsv
	assert_success
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-4,7,8)" \
	    "$(printf '3\tfailed\talice\t40.00\texists\t1')"
	printf 'payout\tstatus\n1\tpaid\n' >paid.tsv
	t tok-spend settle paid.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'payout 1: conflict: already settled as failed'
	assert_unchanged
	assert_equal "$(bal alice)" 10000
	# The tokens that came back can be cashed out again.
	t tok-spend cashout --ref pay-2 alice all
	assert_success
	assert_line --index 1 --regexp '^4	cashout	alice	100\.00	pay-2	.*	2	1\.25	EUR'
	verify_ok
}

@test "settle: a failed payout found again reports its return's txid, ref and date" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 40
	settle <<-'EOF'
	payout|status
	1|failed
	EOF
	printf 'payout\tstatus\n1\tfailed\n' >failed.tsv
	TOK_NOW=2026-12-02T10:00:00Z t tok-spend settle failed.tsv
	assert_success
	assert_equal "$(printf '%s\n' "${lines[1]}" | cut -f1-8)" \
	    "$(printf '3\tfailed\talice\t40.00\tauto:3\t%s\texists\t1' "$TODAY")"
}

@test "settle: the tokens of a failed payout come back as a return transaction" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 40
	settle <<-'EOF'
	payout|status
	1|failed
	EOF
	assert_equal "$(q 'SELECT type FROM txn WHERE txid = 3')" return
	t tok-report statement alice
	assert_line --index 3 --regexp "^$TODAY	3	return	"
}

@test "settle: a batch lands whole or not at all, naming every bad line" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 10
	spend cashout --ref pay-2 alice 10
	settle <<-'EOF'
	payout|status
	2|paid
	EOF
	records in.tsv <<-'EOF'
	payout|status|provider_ref
	1|paid|PP-1
	9|paid|PP-9
	x|paid|PP-x
	1|bounced|PP-1
	2|failed|PP-2
	0|paid|
	EOF
	snapshot
	t tok-spend settle in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 3: payout 9: no such payout'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 4: payout "x": '
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 5: status "bounced": '
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 6: payout 2: conflict'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 7: payout "0": '
	assert_stderr_line '5 of 6 records'
	assert_stderr_lines 6
	assert_unchanged
	# Only refusals: exit 1.
	records in2.tsv <<-'EOF'
	payout|status
	1|failed
	9|paid
	EOF
	t tok-spend settle in2.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'line 3: payout 9: no such payout'
	assert_unchanged
	# A missing column: bad data.
	records in3.tsv <<-'EOF'
	payout|provider_ref
	1|PP-1
	EOF
	t tok-spend settle in3.tsv
	assert_failure 3
	assert_stderr_line 'line 1: .*"status"'
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM settlement')" 1
}

@test "settle: --dry-run prints the receipt and settles nothing" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	spend cashout --ref pay-1 alice 10
	spend cashout --ref pay-2 alice 20
	records in.tsv <<-'EOF'
	payout|status
	1|paid
	2|failed
	EOF
	snapshot
	t tok-spend -n settle in.tsv
	assert_success
	assert_no_stderr
	assert_equal "${#lines[@]}" 3
	assert_equal "$(printf '%s\n' "${lines[2]}" | cut -f1-8)" \
	    "$(printf '4\tfailed\talice\t20.00\tauto:4\t%s\tnew\t2' "$TODAY")"
	assert_unchanged
	t tok-report payouts --status pending
	assert_equal "${#lines[@]}" 3
}

# --------------------------------------------------------- cashout batches

@test "cashout batch: balances --min 1000 | cashout --ref-prefix … - works as written; a re-run pays nobody twice" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 1500
	earn --ref task-2 bob 999.99
	earn --ref task-3 carol 2000.50
	earn --ref task-4 dave 1000
	run --separate-stderr bash -c 'tok-report balances --min 1000 |
	    tok-spend cashout --ref-prefix payout-2026-11- -' </dev/null
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CASH
	5|cashout|alice|1500.00|payout-2026-11-alice|$TODAY|new|1|18.75|EUR|0.0125
	6|cashout|carol|2000.50|payout-2026-11-carol|$TODAY|new|2|25.00|EUR|0.0125
	7|cashout|dave|1000.00|payout-2026-11-dave|$TODAY|new|3|12.50|EUR|0.0125
	EOF
	assert_equal "$(bal alice)$(bal carol)$(bal dave)" 000
	assert_equal "$(bal bob)" 99999
	# The same pipeline again finds nobody left to pay.
	snapshot
	run --separate-stderr bash -c 'tok-report balances --min 1000 |
	    tok-spend cashout --ref-prefix payout-2026-11- -' </dev/null
	assert_success
	assert_no_stderr
	assert_tsv <<<"$CASH"
	assert_unchanged
	# The balances as they were (a crash after the cash-out, a re-run
	# of the saved list): every payout exists, none is made twice.
	records saved.tsv <<-'EOF'
	worker|amount
	alice|1500.00
	carol|2000.50
	dave|1000.00
	EOF
	t_in saved.tsv tok-spend cashout --ref-prefix payout-2026-11- -
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CASH
	5|cashout|alice|1500.00|payout-2026-11-alice|$TODAY|exists|1|18.75|EUR|0.0125
	6|cashout|carol|2000.50|payout-2026-11-carol|$TODAY|exists|2|25.00|EUR|0.0125
	7|cashout|dave|1000.00|payout-2026-11-dave|$TODAY|exists|3|12.50|EUR|0.0125
	EOF
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM payout')" 3
	verify_ok
}

@test "cashout batch: worker, amount (all allowed) and ref columns; re-run all exists" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	earn --ref task-2 bob 50.50
	records in.tsv <<-'EOF'
	worker|amount|ref
	alice|40|c-1
	bob|all|c-2
	alice|all|c-3
	EOF
	t tok-spend cashout in.tsv
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CASH
	3|cashout|alice|40.00|c-1|$TODAY|new|1|0.50|EUR|0.0125
	4|cashout|bob|50.50|c-2|$TODAY|new|2|0.63|EUR|0.0125
	5|cashout|alice|60.00|c-3|$TODAY|new|3|0.75|EUR|0.0125
	EOF
	assert_equal "$(bal alice)$(bal bob)" 00
	snapshot
	t_in in.tsv tok-spend cashout -
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -f5,7,8 | sed 1d)" \
	    "$(printf 'c-1\texists\t1\nc-2\texists\t2\nc-3\texists\t3')"
	assert_unchanged
	verify_ok
}

@test "cashout batch: without a ref column and without --ref-prefix it is refused (exit 3)" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|amount
	alice|10
	EOF
	snapshot
	t tok-spend cashout in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 1: .*ref'
	run --separate-stderr bash -c 'tok-report balances | tok-spend cashout -' </dev/null
	assert_failure 3
	assert_no_stdout
	assert_unchanged
	assert_equal "$(q 'SELECT count(*) FROM payout')" 0
}

@test "cashout batch: one bad record refuses all, every bad line named; --skip-invalid keeps them" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	earn --ref task-2 bob 10
	records in.tsv <<-'EOF'
	worker|amount|ref
	alice|10|k-1
	bob|11|k-2
	alice|1,5|k-3
	c/d|1|k-4
	alice|0.5|k-5
	bob|5|k-6
	alice|5|task-1
	EOF
	snapshot
	t tok-spend cashout in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 3: worker bob: balance 10\.00 is short by 1\.00'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 4: amount "1,5"'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 5: worker "c/d"'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 6: worker alice: 0\.50 tokens are worth less'
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 8: ref "task-1": conflict'
	assert_stderr_line '5 of 7 records'
	assert_stderr_lines 6
	assert_unchanged
	# A dry run finds the same, writes nothing.
	t tok-spend -n cashout in.tsv
	assert_failure 3
	assert_no_stdout
	assert_unchanged
	t tok-spend cashout --skip-invalid --rejects rej.tsv in.tsv
	assert_success
	assert_tsv <<-EOF
	$CASH
	3|cashout|alice|10.00|k-1|$TODAY|new|1|0.12|EUR|0.0125
	4|cashout|bob|5.00|k-6|$TODAY|new|2|0.06|EUR|0.0125
	EOF
	assert_stderr_line '5 of 7 records.*rej\.tsv'
	sed -n '1p;3,6p;8p' in.tsv >want.tsv
	cmp want.tsv rej.tsv || fail "rejects differ: $(cat -A rej.tsv)"
	assert_equal "$(q 'SELECT count(*) FROM payout')" 2
	verify_ok
}

@test "cashout batch: without an exchange rate every record is refused (exit 1)" {
	earn --ref task-1 alice 100
	earn --ref task-2 bob 100
	records in.tsv <<-'EOF'
	worker|amount|ref
	alice|10|k-1
	bob|all|k-2
	EOF
	snapshot
	t tok-spend cashout in.tsv
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'line 2: no exchange rate'
	assert_stderr_line 'line 3: no exchange rate'
	assert_unchanged
}

@test "cashout batch: a worker twice under one --ref-prefix is refused at the later line" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	records in.tsv <<-'EOF'
	worker|amount
	alice|10
	alice|10
	EOF
	snapshot
	t tok-spend cashout --ref-prefix pay-11- in.tsv
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-spend: (in\.tsv: )?line 3: ref "pay-11-alice"'
	assert_unchanged
}

@test "cashout: usage errors exit 2 and write nothing" {
	price set exchange EUR 0.0125
	earn --ref task-1 alice 100
	snapshot
	local args
	for args in "cashout" "cashout alice 1 2" "--ref-prefix p- cashout alice 1" \
	    "--skip-invalid cashout -" "--reason r cashout alice 1" \
	    "--timeout 1d cashout alice 1" "--ref r settle -" \
	    "--skip-invalid --rejects r.tsv settle -" "settle" "settle a b"; do
		# shellcheck disable=SC2086
		t tok-spend $args
		[ "$status" -eq 2 ] || fail "tok-spend $args: exit $status, not 2"
		[ -z "$output" ] || fail "tok-spend $args: stdout: $output"
	done
	[ ! -e r.tsv ] || fail "r.tsv was created"
	assert_unchanged
}
