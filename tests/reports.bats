#!/usr/bin/env bats
# tok-report supply, concentration and statement --purchasing-power: each
# figure computed by hand for small fixed ledgers (DESIGN §10).

load helper

SUPPLY='figure|amount|money|currency|rate'
CONC='holders|total|gini|top1_pct|top10_pct|hhi|nakamoto'
POWER='service|price_now|units_now|price_30d|units_30d|price_90d|units_90d'

# policy [AFTER_DAYS]: the config of these tests, in full.
policy() {
	cat >"$TOK_CONFIG" <<-EOF
	currency:
	  code: EUR
	  decimals: 2
	token:
	  decimals: 2
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: refuse
	  decreases: immediate
	governance:
	  method: token
	  quorum_pct: 20
	  threshold_pct: 50
	  days: 7
	  max_voter_share_pct: 0
	expiry:
	  after_days: ${1:-0}
	  warn_days: 30
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
}

# on DATE CMD...: a command that must succeed, with the clock at noon UTC
# of DATE; for building fixtures.
on() {
	local d=$1

	shift
	TOK_NOW=${d}T12:00:00Z "$@" </dev/null >/dev/null 2>"$T/.on.err" ||
	    fail "fixture: $* on $d failed: $(cat "$T/.on.err")"
}

# An empty ledger: a batch with no records creates it.
empty_ledger() {
	printf 'worker\tamount\tref\n' | tok-earn - >/dev/null
}

# ------------------------------------------------------------- supply

# Every kind of entry, each figure by hand (tokens):
#   issued     100 + 50 + 20 (Aug 1) + 5 (Nov 20)             = 175
#   spent      3 + 2 (Sep 1) - 2 (refund Sep 2) + 8 (post)     =  11
#   held       12 - 12 (posted) + 5 - 5 (voided) + 2 (open)    =   2
#   cashed_out 20 + 10 (Sep 10) - 10 (payout 2 failed)         =  20
#   expired    Nov 28, after_days 60: alice 69, bob 50, carol 18 = 137
#   outstanding (alice 0, bob 0, carol 0, dave 5)              =   5
#   175 - 11 - 20 - 137 - 2 = 5.
economy() {
	policy 60
	on 2026-07-01 tok-price set service search 1 --per month
	on 2026-07-01 tok-price set service ai-tools 12 --per month
	on 2026-07-01 tok-price set exchange EUR 0.0125
	on 2026-08-01 tok-earn --ref a1 alice 100
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
	on "$TODAY" tok-spend expire
}

@test "supply: each figure is an account's balance; refunds, voids and failed payouts flow back" {
	economy
	snapshot
	t tok-report supply
	assert_success
	assert_no_stderr
	# The liability: 5 x 0.0125 = 0.0625 EUR, rounded down to 0.06.
	assert_tsv <<-EOF
	$SUPPLY
	issued|175.00|||
	spent|11.00|||
	cashed_out|20.00|||
	expired|137.00|||
	held|2.00|||
	outstanding|5.00|0.06|EUR|0.0125
	EOF
	# The same figures as the accounts themselves, and as verify.
	assert_equal "$(q_join ' ' "SELECT account || '=' || amount
	    FROM account_balance WHERE account LIKE 'platform:%'
	    ORDER BY account")" \
	    'platform:cashout=2000 platform:expired=13700 platform:holds=200 platform:issued=-17500 platform:revenue=1100'
	assert_equal "$(ledger_sum)" 500
	assert_unchanged
}

@test "supply --as-of counts by business date, before and after a transaction" {
	economy
	# Sep 1: the Aug earnings and the two purchases; the refund is Sep 2.
	# 170 - 5 = 165; 165 x 0.0125 = 2.0625 EUR: 2.06.
	t tok-report supply --as-of 2026-09-01
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$SUPPLY
	issued|170.00|||
	spent|5.00|||
	cashed_out|0.00|||
	expired|0.00|||
	held|0.00|||
	outstanding|165.00|2.06|EUR|0.0125
	EOF
	# Sep 2: the refund gives bob 2 back; 167 x 0.0125 = 2.0875: 2.08.
	t tok-report supply --as-of 2026-09-02
	assert_success
	assert_line --index 2 "$(printf 'spent\t3.00\t\t\t')"
	assert_line --index 6 "$(printf 'outstanding\t167.00\t2.08\tEUR\t0.0125')"
	# Sep 10, after the cash-outs, before the failed payout's return:
	# spent 3 + 8 posted of the hold of 12 = 11; held: carol's 2 (bid-1
	# posted, bid-2 voided); cashed out 20 + 10.  170 - 11 - 30 - 2 = 127;
	# 127 x 0.0125 = 1.5875: 1.58.
	t tok-report supply --as-of 2026-09-10
	assert_success
	assert_tsv <<-EOF
	$SUPPLY
	issued|170.00|||
	spent|11.00|||
	cashed_out|30.00|||
	expired|0.00|||
	held|2.00|||
	outstanding|127.00|1.58|EUR|0.0125
	EOF
	t tok-report supply --as-of 2026-09-11
	assert_success
	# Sep 11: payout 2 failed, its 10 tokens back: 137 x 0.0125 = 1.7125.
	assert_line --index 3 "$(printf 'cashed_out\t20.00\t\t\t')"
	assert_line --index 6 "$(printf 'outstanding\t137.00\t1.71\tEUR\t0.0125')"
}

@test "supply: the liability takes the rate in force on the date, and is empty with a note without one" {
	on 2026-08-01 tok-earn --ref a1 alice 1000.50
	# No rate yet: the money is empty, the report still succeeds.
	t tok-report supply
	assert_success
	assert_stderr_lines 1
	assert_stderr_line "^tok-report: no exchange rate for EUR in force on $TODAY: the liability is left empty$"
	assert_line --index 6 "$(printf 'outstanding\t1000.50\t\tEUR\t')"
	on 2026-09-01 tok-price set exchange EUR 0.0125
	on 2026-10-01 tok-price set exchange EUR 0.01
	# 1000.50 x 0.01 = 10.005: 10.00; on Sep 15, x 0.0125 = 12.50625: 12.50.
	t tok-report supply
	assert_success
	assert_no_stderr
	assert_line --index 6 "$(printf 'outstanding\t1000.50\t10.00\tEUR\t0.01')"
	t tok-report supply --as-of 2026-09-15
	assert_success
	assert_line --index 6 "$(printf 'outstanding\t1000.50\t12.50\tEUR\t0.0125')"
	t tok-report supply --as-of 2026-08-31
	assert_success
	assert_stderr_line 'in force on 2026-08-31'
	assert_line --index 6 "$(printf 'outstanding\t1000.50\t\tEUR\t')"
	t tok-report --format json supply --as-of 2026-08-31
	assert_line --index 5 '{"figure":"outstanding","amount":1000.50,"money":null,"currency":"EUR","rate":null}'
}

@test "supply: an empty ledger is all zero" {
	empty_ledger
	on 2026-01-01 tok-price set exchange EUR 0.0125
	t tok-report supply
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$SUPPLY
	issued|0.00|||
	spent|0.00|||
	cashed_out|0.00|||
	expired|0.00|||
	held|0.00|||
	outstanding|0.00|0.00|EUR|0.0125
	EOF
}

@test "supply: tokens in an account outside the five break the invariant: exit 5" {
	earn --ref a1 alice 10
	# Written around tok (the chain breaks too): 4 of alice's tokens
	# moved to an account that no figure counts.
	q "INSERT INTO txn(txid, ref, type, date, recorded, actor, memo,
	    prev_hash, hash) VALUES (2, 'x', 'move', '$TODAY', '$NOW', 'x', '',
	    '', '');
	   INSERT INTO posting VALUES (2, 1, 'alice', -400);
	   INSERT INTO posting VALUES (2, 2, 'platform:other', 400);"
	t tok-report supply
	assert_failure 5
	assert_line --index 1 "$(printf 'issued\t10.00\t\t\t')"
	assert_line --index 6 "$(printf 'outstanding\t6.00\t\tEUR\t')"
	assert_stderr_line '^tok-report: supply: outstanding 6\.00 is not issued - spent - cashed_out - expired - held'
}

# ------------------------------------------------------- concentration

@test "concentration: no holders: figures empty, exit 0" {
	empty_ledger
	t tok-report concentration
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CONC
	0|0.00|||||
	EOF
	t tok-report --format json concentration
	assert_success
	assert_output '{"holders":0,"total":0.00,"gini":null,"top1_pct":null,"top10_pct":null,"hhi":null,"nakamoto":null}'
	# A worker who spent everything holds nothing: still no holder.
	on 2026-01-01 tok-price set service search 5
	earn --ref a1 alice 5
	on "$TODAY" tok-spend buy --ref b1 alice search
	t tok-report concentration
	assert_success
	assert_line --index 1 "$(printf '0\t0.00\t\t\t\t\t')"
}

@test "concentration: one holder: Gini 0, top shares 100%, HHI 10000, Nakamoto 1" {
	earn --ref a1 alice 12.34
	t tok-report concentration
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CONC
	1|12.34|0.0000|100.00|100.00|10000.00|1
	EOF
}

@test "concentration: all equal: Gini 0; Nakamoto needs more than half" {
	local w
	for w in alice bob carol dave; do
		earn --ref "$w" "$w" 25
	done
	# Shares 25% each: HHI 4 x 25^2 = 2500; the top 1% and 10% of 4
	# holders is 1 holder; 3 of them are needed for more than 50%.
	t tok-report concentration
	assert_success
	assert_tsv <<-EOF
	$CONC
	4|100.00|0.0000|25.00|25.00|2500.00|3
	EOF
	# Two equal halves: exactly half is not more than half.
	TOK_DB=$(other_ledger two)
	earn --ref e1 erin 100
	earn --ref f1 frank 100
	t tok-report concentration
	assert_success
	assert_tsv <<-EOF
	$CONC
	2|200.00|0.0000|50.00|50.00|5000.00|2
	EOF
}

@test "concentration: three holders, each figure by hand" {
	earn --ref a1 alice 10
	earn --ref b1 bob 30
	earn --ref c1 carol 60
	# Ascending 10, 30, 60; S = 100, n = 3:
	# Gini = (2 (1x10 + 2x30 + 3x60) - 4 x 100) / (3 x 100) = 100/300;
	# top 1% and 10% of 3 holders = 1 holder: 60%;
	# HHI = 10^2 + 30^2 + 60^2 = 4600; Nakamoto: 60 > 50, 1.
	t tok-report concentration
	assert_success
	assert_tsv <<-EOF
	$CONC
	3|100.00|0.3333|60.00|60.00|4600.00|1
	EOF
	t tok-report --format json concentration
	assert_output '{"holders":3,"total":100.00,"gini":0.3333,"top1_pct":60.00,"top10_pct":60.00,"hhi":4600.00,"nakamoto":1}'
}

@test "concentration: 150 holders: the top 1% is 2 holders (rounded up), the top 10% 15" {
	local i
	{
		printf 'worker\tamount\tref\n'
		for i in $(seq 1 150); do
			printf 'w%03d\t%d\tr%d\n' "$i" "$i" "$i"
		done
	} >batch.tsv
	tok-earn batch.tsv >/dev/null
	# Holdings 1..150: S = 150 x 151 / 2 = 11325.
	# Gini = (n - 1) / 3n = 149/450 = 0.33111...;
	# top 2: 150 + 149 = 299 / 11325 = 2.6402%;
	# top 15: 136..150 = 2145 / 11325 = 18.9403%;
	# HHI = 10^4 x (150 x 151 x 301 / 6) / 11325^2
	#     = 10^4 x 1136275 / 128255625 = 88.5945...;
	# Nakamoto: the top 44 hold 5654 (not above 5662.5), the top 45 5760.
	t tok-report concentration
	assert_success
	assert_tsv <<-EOF
	$CONC
	150|11325.00|0.3311|2.64|18.94|88.59|45
	EOF
}

@test "concentration: ratios are rounded half up" {
	earn --ref a1 alice 99.99
	earn --ref b1 bob 100.01
	# Gini = (10001 - 9999) / (2 x 20000) = 0.00005: 0.0001;
	# bob's share 10001 / 20000 = 50.005%: 50.01;
	# HHI = 10^4 x (9999^2 + 10001^2) / 20000^2 = 5000.00005: 5000.00.
	t tok-report concentration
	assert_success
	assert_tsv <<-EOF
	$CONC
	2|200.00|0.0001|50.01|50.01|5000.00|1
	EOF
}

@test "concentration --as-of counts by business date, before and after a transaction" {
	on 2026-08-01 tok-earn --ref a1 alice 30
	on 2026-08-01 tok-earn --ref b1 bob 10
	on 2026-09-01 tok-earn --ref c1 carol 60
	t tok-report concentration --as-of 2026-07-31
	assert_success
	assert_tsv <<-EOF
	$CONC
	0|0.00|||||
	EOF
	# Aug: 10, 30 of 40: Gini = (2 (10 + 60) - 3 x 40) / 80 = 0.25;
	# HHI = 25^2 + 75^2 = 6250.
	t tok-report concentration --as-of 2026-08-31
	assert_success
	assert_tsv <<-EOF
	$CONC
	2|40.00|0.2500|75.00|75.00|6250.00|1
	EOF
	t tok-report concentration --as-of 2026-09-01
	assert_success
	assert_tsv <<-EOF
	$CONC
	3|100.00|0.3333|60.00|60.00|4600.00|1
	EOF
}

# 10, 30, 60 at COLUMNS=60 in ASCII: the curve (*) under the diagonal (.).
LORENZ_ASCII='holdings: 3 holders, Gini 0.3333
100% +                  **
     |                .**
     |              ..**
     |            .. **
     |          ..  **
     |        ..   **
     |      ..  ****
     |    ..  ***
     |  ..  ***
     |*******
  0% +--------------------
      0%              100%'

@test "concentration --chart draws the Lorenz curve; --ascii, or a locale that is not UTF-8, in ASCII" {
	earn --ref a1 alice 10
	earn --ref b1 bob 30
	earn --ref c1 carol 60
	COLUMNS=60 t tok-report concentration --chart --ascii
	assert_success
	assert_no_stderr
	assert_output "$LORENZ_ASCII"
	COLUMNS=60 LC_ALL=C t tok-report concentration --chart
	assert_success
	assert_output "$LORENZ_ASCII"
	# UTF-8: braille dots and box-drawing axes; never an escape sequence,
	# and the same with NO_COLOR.
	COLUMNS=60 t tok-report concentration --chart
	assert_success
	assert_line --index 1 '100% ┤                  ⢀⡞'
	assert_line --index 10 '     │⣀⡤⠴⠒⠋⠉⠁'
	[[ $output != *$'\e'* ]] || fail "an escape sequence was written"
	local utf=$output
	NO_COLOR=1 COLUMNS=60 t tok-report concentration --chart
	assert_output "$utf"
	# Too narrow for a chart.
	COLUMNS=19 t tok-report concentration --chart
	assert_failure 2
	assert_no_stdout
	assert_stderr_line 'too narrow'
}

@test "concentration --chart: all equal is the diagonal; no holders is no data" {
	earn --ref a1 alice 5
	earn --ref b1 bob 5
	# The curve covers the diagonal: no "." of it shows.
	COLUMNS=60 t tok-report concentration --chart --ascii
	assert_success
	assert_output 'holdings: 2 holders, Gini 0.0000
100% +                  **
     |                ***
     |              ***
     |            ***
     |          ***
     |        **
     |      ***
     |    ***
     |  ***
     |***
  0% +--------------------
      0%              100%'
	local empty
	empty=$(other_ledger empty)
	TOK_DB=$empty empty_ledger
	TOK_DB=$empty t tok-report concentration --chart --ascii
	assert_success
	assert_output 'holdings: no holders
(no data)'
}

@test "concentration --proposal: voting power at the opening, by method, cut to the cap" {
	earn --ref a1 alice 100
	earn --ref b1 bob 25
	earn --ref c1 carol 9
	on "$TODAY" tok-vote propose Tokens
	on "$TODAY" tok-vote propose Members --method member
	on "$TODAY" tok-vote propose Roots --method quadratic
	policy 0
	sed -i 's/max_voter_share_pct: 0/max_voter_share_pct: 40/' "$TOK_CONFIG"
	on "$TODAY" tok-vote propose Capped
	# Earned after the openings: counts in holdings, not in power.
	TOK_NOW=2026-11-28T13:00:00Z earn --ref d1 dave 66
	# Token: 9, 25, 100 of 134: Gini = (2 (9 + 50 + 300) - 4 x 134) /
	# (3 x 134) = 182/402 = 0.45273; top 100/134 = 74.6268%;
	# HHI = 10^4 x (81 + 625 + 10000) / 17956 = 5962.346...
	t tok-report concentration --proposal 1
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CONC
	3|134.00|0.4527|74.63|74.63|5962.35|1
	EOF
	# Member: one each.
	t tok-report concentration --proposal 2
	assert_success
	assert_tsv <<-EOF
	$CONC
	3|3|0.0000|33.33|33.33|3333.33|2
	EOF
	# Quadratic: isqrt(900) = 30, isqrt(2500) = 50, isqrt(10000) = 100;
	# S = 180: Gini = (2 (30 + 100 + 300) - 720) / 540 = 0.25925...;
	# HHI = 10^4 x (900 + 2500 + 10000) / 32400 = 4135.802...;
	# Nakamoto: 100 > 90.
	t tok-report concentration --proposal 3
	assert_success
	assert_tsv <<-EOF
	$CONC
	3|180|0.2593|55.56|55.56|4135.80|1
	EOF
	# Capped at 40% of 134 = 53.60: 9, 25, 53.60 of 87.60;
	# Gini = (2 (9 + 50 + 160.80) - 4 x 87.60) / (3 x 87.60) = 89.2/262.8
	# = 0.33942; top 53.60 / 87.60 = 61.1872%; HHI = 10^4 x (81 + 625 +
	# 2872.96) / 7673.76 = 4663.893...; Nakamoto: 53.60 > 43.80.
	t tok-report concentration --proposal 4
	assert_success
	assert_tsv <<-EOF
	$CONC
	3|87.60|0.3394|61.19|61.19|4663.89|1
	EOF
	# The holdings now count dave.
	t tok-report concentration
	assert_line --index 1 --regexp '^4	200\.00	'
	COLUMNS=60 t tok-report concentration --proposal 2 --chart --ascii
	assert_success
	assert_line --index 0 'proposal 2 voting power: 3 holders, Gini 0.0000'
}

@test "concentration --proposal: an unknown proposal is refused (exit 1)" {
	earn --ref a1 alice 100
	t tok-report concentration --proposal 1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line 'no such proposal'
	on "$TODAY" tok-vote propose Tokens
	for id in 2 01 x; do
		t tok-report concentration --proposal "$id"
		assert_failure 1
		assert_no_stdout
		assert_stderr_line 'no such proposal'
	done
	t tok-report concentration --proposal 1 --as-of 2026-11-01
	assert_failure 2
	assert_no_stdout
}

# ------------------------------------------------- purchasing power

# search 5 -> 4 (Sep 15) -> 2.50 (Nov 1), decreases at once; compute 10
# -> 11 from Oct 1 (10%, 30 days' notice); gpu new on Oct 15.
price_world() {
	on 2026-07-01 tok-price set service search 5 --per month
	on 2026-07-01 tok-price set service compute 10 --per hour
	on 2026-07-01 tok-price set task translation 0.05 --per word
	on 2026-08-01 tok-earn --ref a1 alice 100
	on 2026-09-01 tok-price set service compute 11
	on 2026-09-15 tok-price set service search 4
	on 2026-10-15 tok-price set service gpu 3 --per hour
	on 2026-11-01 tok-price set service search 2.5
}

@test "statement --purchasing-power: what the balance buys today, 30 and 90 days ago" {
	price_world
	snapshot
	# Today Nov 28; 30 days ago Oct 29, 90 days ago Aug 30.  Balance 100:
	# compute 100/11 = 9.09 -> 9, then 9, and 100/10 = 10 on Aug 30;
	# gpu 100/3 = 33.3 -> 33, not in the book on Aug 30;
	# search 100/2.50 = 40, 100/4 = 25, 100/5 = 20.  No tasks.
	t tok-report statement alice --purchasing-power
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$POWER
	compute|11.00|9|11.00|9|10.00|10
	gpu|3.00|33|3.00|33||
	search|2.50|40|4.00|25|5.00|20
	EOF
	t tok-report --format json statement alice --purchasing-power
	assert_success
	assert_line --index 1 '{"service":"gpu","price_now":3.00,"units_now":33,"price_30d":3.00,"units_30d":33,"price_90d":null,"units_90d":null}'
	# The statement itself is unchanged without the option.
	t tok-report statement alice
	assert_success
	assert_tsv <<-EOF
	date|txid|type|ref|memo|amount|balance
	2026-08-01|1|earn|a1||100.00|100.00
	EOF
	assert_unchanged
}

@test "statement --purchasing-power: a balance that buys nothing; refusals" {
	price_world
	on 2026-11-02 tok-earn --ref b1 bob 2.49
	t tok-report statement bob --purchasing-power
	assert_success
	assert_line --index 3 "$(printf 'search\t2.50\t0\t4.00\t0\t5.00\t0')"
	t tok-report statement nobody --purchasing-power
	assert_failure 1
	assert_no_stdout
	t tok-report statement alice --purchasing-power --from 2026-01-01
	assert_failure 2
	assert_no_stdout
	t tok-report balances --purchasing-power
	assert_failure 2
	assert_no_stdout
}

# ------------------------------------------------------------- options

@test "reports: options that do not go with the report, and --format with a chart" {
	earn --ref a1 alice 10
	snapshot
	local args
	for args in "supply --from 2026-01-01" "concentration --to 2026-01-01" \
	    "balances --chart" "supply --proposal 1" "concentration --ascii" \
	    "verify --ascii --chart" "journal --as-of 2026-01-01" \
	    "--format tsv concentration --chart" "supply extra" \
	    "concentration --purchasing-power"; do
		# shellcheck disable=SC2086
		t tok-report $args
		[ "$status" -eq 2 ] || fail "$args: exit $status, not 2"
		[ -z "$output" ] || fail "$args: stdout: $output"
		[ -n "$stderr" ] || fail "$args: no message"
	done
	t tok-report balances --chart
	assert_stderr_line '^tok-report: --chart goes with concentration, not balances$'
	t tok-report statement alice --as-of 2026-01-01
	assert_stderr_line '^tok-report: --as-of goes with balances, supply or concentration, not statement$'
	assert_unchanged
}

@test "reports: tables fit COLUMNS; csv and json for the new reports" {
	economy
	# 44 columns wide: the text columns are cut, never the numbers.
	COLUMNS=36 t tok-report --format table supply
	assert_success
	local l
	for l in "${lines[@]}"; do
		[ "$(printf '%s' "$l" | wc -m)" -le 36 ] || fail "wider than 36: $l"
	done
	assert_line --index 0 --regexp '^figu… +amount +money +curre… +rate$'
	assert_line --index 6 --regexp '5\.00 +0\.06'
	t tok-report --format csv supply
	assert_success
	assert_line --index 0 'figure,amount,money,currency,rate'
	assert_line --index 6 'outstanding,5.00,0.06,EUR,0.0125'
	for r in supply concentration; do
		t tok-report --format json $r
		assert_success
		for l in "${lines[@]}"; do
			echo "$l" | jq -e . >/dev/null || fail "$r: not JSON: $l"
		done
	done
	t tok-report --format table concentration
	assert_success
	assert_output 'holders  total    gini  top1_pct  top10_pct       hhi  nakamoto
      1   5.00  0.0000    100.00     100.00  10000.00         1'
}
