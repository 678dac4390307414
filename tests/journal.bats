#!/usr/bin/env bats
# tok-report journal: the ledger as an hledger/ledger journal, checked by
# hledger itself against tok-report balances and supply (DESIGN §5, §10).

load helper

# policy [DECIMALS]: the config of these tests, in full.
policy() {
	cat >"$TOK_CONFIG" <<-EOF
	currency:
	  code: EUR
	  decimals: 2
	token:
	  decimals: ${1:-2}
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: refuse
	  decreases: immediate
	expiry:
	  after_days: 60
	  warn_days: 30
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
	command -v hledger >/dev/null || fail "hledger is needed (tests/deps.sh)"
}

# on DATE CMD...: a command that must succeed, with the clock at noon UTC
# of DATE; for building fixtures.
on() {
	local d=$1

	shift
	TOK_NOW=${d}T12:00:00Z "$@" </dev/null >/dev/null 2>"$T/.on.err" ||
	    fail "fixture: $* on $d failed: $(cat "$T/.on.err")"
}

# Earnings, purchases, a refund, holds posted, voided and open, cash-outs
# with a failed settlement, and expiry.
economy() {
	on 2026-07-01 tok-price set service search 1 --per month
	on 2026-07-01 tok-price set service ai-tools 12 --per month
	on 2026-07-01 tok-price set exchange EUR 0.0125
	on 2026-08-01 tok-earn --ref a1 --memo 'August tasks' alice 100
	on 2026-08-01 tok-earn --ref b1 bob 50
	on 2026-08-01 tok-earn --ref c1 carol 20
	on 2026-09-01 tok-spend buy --ref buy-a alice search 3
	on 2026-09-01 tok-spend buy --ref buy-b bob search 2
	on 2026-09-02 tok-spend refund --reason 'not used' 5
	on 2026-09-05 tok-spend hold --ref bid-1 alice ai-tools 1
	on 2026-09-05 tok-spend post bid-1 8
	on 2026-09-05 tok-spend hold --ref bid-2 bob search 5
	on 2026-09-05 tok-spend void bid-2
	on 2026-09-05 tok-spend hold --ref bid-3 --timeout 365d carol search 2
	on 2026-09-10 tok-spend cashout --ref pay-a alice 20
	on 2026-09-10 tok-spend cashout --ref pay-b bob 10
	printf 'payout\tstatus\tprovider_ref\n1\tpaid\tPP-1\n2\tfailed\tPP-2\n' \
	    >settle.tsv
	on 2026-09-11 tok-spend settle settle.tsv
	on 2026-11-20 tok-earn --ref d1 dave 5
	on 2026-11-20 tok-earn --ref a2 alice 7.50
	on "$TODAY" tok-spend expire
}

# hl_balances ZERO: hledger's total of every account, "account|amount",
# workers without "workers:"; hledger writes a zero as "0", shown as
# ZERO.  Platform accounts at zero are left out.
hl_balances() {
	hledger -f - balance --flat -E --no-total -O csv |
	    tail -n +2 | tr -d '"' |
	    awk -F, -v zero="$1" '{ sub(/ TOK$/, "", $2) }
		$1 ~ /^platform:/ && $2 == "0" { next }
		{ if ($2 == "0") $2 = zero; sub(/^workers:/, "", $1);
		  print $1 "|" $2 }' | sort
}

# The same from tok-report: balances, and the platform accounts from
# supply (issued is the negated balance of platform:issued), those at
# zero left out.
tok_balances() {
	tok-report supply 2>/dev/null | awk -F '\t' '
	    NR == 1 || $2 ~ /^[0.]*$/ { next }
	    $1 == "issued" { print "platform:issued|-" $2 }
	    $1 == "spent" { print "platform:revenue|" $2 }
	    $1 == "cashed_out" { print "platform:cashout|" $2 }
	    $1 == "expired" { print "platform:expired|" $2 }
	    $1 == "held" { print "platform:holds|" $2 }'
	tok-report balances | tail -n +2 | tr '\t' '|'
}

@test "journal: one transaction a txid; the ref as code, memo or type and ref as description, txid, type and actor as tags" {
	on 2026-08-01 tok-price set service search 1.5 --per month
	earn --ref a1 --memo 'July bonus' --date 2026-07-01 alice 5.25
	earn --ref b1 bob 10
	on "$TODAY" tok-spend buy --ref o1 bob search 2
	snapshot
	t tok-report journal
	assert_success
	assert_no_stderr
	# The backdated earning stays first: transactions in txid order.
	assert_output "2026-07-01 (a1) July bonus  ; txid:1, type:earn, actor:$ME
    platform:issued  -5.25 TOK
    workers:alice     5.25 TOK

$TODAY (b1) earn b1  ; txid:2, type:earn, actor:$ME
    platform:issued  -10.00 TOK
    workers:bob       10.00 TOK

$TODAY (o1) search x 2 at 1.50 per month  ; txid:3, type:buy, actor:$ME
    workers:bob       -3.00 TOK
    platform:revenue   3.00 TOK"
	# hledger reads it, its tags and its codes.
	tok-report journal >j.journal
	run hledger -f j.journal register -O csv tag:type=buy
	assert_success
	assert_line --index 1 '"3","2026-11-28","o1","search x 2 at 1.50 per month","workers:bob","-3.00 TOK","-3.00 TOK"'
	run hledger -f j.journal print "tag:txid=^1$"
	assert_success
	assert_line --index 0 "2026-07-01 (a1) July bonus  ; txid:1, type:earn, actor:$ME"
	run hledger -f j.journal register -O csv code:b1
	assert_success
	assert_line --index 2 --partial '"workers:bob","10.00 TOK"'
	assert_unchanged
}

@test "journal | hledger balance: the totals of tok-report balances and supply" {
	economy
	snapshot
	t tok-report journal
	assert_success
	assert_no_stderr
	local journal=$output
	# Every kind of entry is there.
	for type in earn buy refund hold post void cashout return expire; do
		[[ $journal == *", type:$type, "* ]] || fail "no $type in the journal"
	done
	run hl_balances 0.00 <<<"$journal"
	assert_success
	assert_output "$(tok_balances | sort)"
	# By hand: alice 100 - 3 - 12 + 4 - 20 + 7.50 - 69 expired = 7.50.
	assert_output 'alice|7.50
bob|0.00
carol|0.00
dave|5.00
platform:cashout|20.00
platform:expired|137.00
platform:holds|2.00
platform:issued|-182.50
platform:revenue|11.00'
	# Piped, as the design composes it.
	run sh -c 'tok-report journal | hledger -f - balance --flat -O csv workers:alice'
	assert_success
	assert_line --index 1 '"workers:alice","7.50 TOK"'
	assert_unchanged
}

@test "journal --from --to: the transactions dated between them, both included" {
	economy
	t tok-report journal --from 2026-09-05 --to 2026-09-05
	assert_success
	assert_equal "$(grep -c '^2026-09-05 ' <<<"$output")" 5
	assert_equal "$(grep -c '^[0-9]' <<<"$output")" 5
	t tok-report journal --from 2026-09-10
	assert_success
	assert_equal "$(grep -o '^[0-9-]*' <<<"$output" | sort -u | tr '\n' ' ')" \
	    "2026-09-10 2026-09-11 2026-11-20 $TODAY "
	t tok-report journal --to 2026-08-01
	assert_success
	assert_equal "$(grep -c '^2026-08-01 ' <<<"$output")" 3
	# August alone, through hledger: the earnings.
	run sh -c 'tok-report journal --to 2026-08-31 | hledger -f - balance --flat -O csv platform:issued'
	assert_line --index 1 '"platform:issued","-170.00 TOK"'
	t tok-report journal --from 2027-01-01
	assert_success
	assert_no_stdout
}

@test "journal: what the format cannot hold is replaced, and hledger still balances" {
	earn --ref 'task(7)' --memo 'fix; then ship' alice 1
	earn --ref t8 --memo "$(printf 'two\tlines\nhere')" bob 2
	earn --ref 'semi;colon' carol 3
	t tok-report journal
	assert_success
	assert_line --index 0 "$TODAY (task(7]) fix, then ship  ; txid:1, type:earn, actor:$ME"
	# (bats leaves the blank lines out of $lines)
	assert_line --index 3 "$TODAY (t8) two lines here  ; txid:2, type:earn, actor:$ME"
	assert_line --index 6 "$TODAY (semi;colon) earn semi,colon  ; txid:3, type:earn, actor:$ME"
	run hl_balances 0.00 <<<"$output"
	assert_success
	assert_output "$(tok_balances | sort)"
	run hledger -f - print -O csv code:task <<<"$(tok-report journal)"
	assert_success
	assert_line --index 1 --partial '"task(7]","fix, then ship"'
}

@test "journal: amounts with the ledger's decimals, 0 or 3" {
	policy 0
	earn --ref a1 alice 12
	t tok-report journal
	assert_success
	assert_line --index 1 '    platform:issued  -12 TOK'
	assert_line --index 2 '    workers:alice     12 TOK'
	run hl_balances 0 <<<"$output"
	assert_output "$(tok_balances | sort)"
	assert_output 'alice|12
platform:issued|-12'
	policy 3
	TOK_DB=$(other_ledger three)
	earn --ref a1 alice 1.5
	earn --ref b1 bob 1000.005
	t tok-report journal
	assert_success
	assert_line --index 2 '    workers:alice     1.500 TOK'
	run hl_balances 0.000 <<<"$output"
	assert_output "$(tok_balances | sort)"
	assert_line --index 0 'alice|1.500'
	assert_line --index 1 'bob|1000.005'
}

@test "journal: an empty ledger is an empty journal; --format does not go with it; write errors" {
	printf 'worker\tamount\tref\n' | tok-earn - >/dev/null
	t tok-report journal
	assert_success
	assert_no_stdout
	assert_no_stderr
	run hledger -f - balance <<<""
	assert_success
	earn --ref a1 alice 1
	t tok-report --format tsv journal
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-report: --format goes with records, not a journal$'
	run --separate-stderr sh -c 'tok-report journal >/dev/full' </dev/null
	assert_failure 4
	assert_stderr_line 'write error'
}
