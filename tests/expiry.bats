#!/usr/bin/env bats
# tok-spend expire and tok-report expiring: tokens expire after_days after
# they were earned, oldest first; spends consume the oldest lots first,
# and tokens that come back are new credits of the day they return
# (DESIGN §3).

load helper

BUY='txid|type|account|amount|ref|date|status|service|units|price'
EXPIRING='worker|amount|date'

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
	expiry:
	  after_days: ${1:-60}
	  warn_days: 30
	EOF
	chmod 600 "$TOK_CONFIG"
}

setup() {
	tok_setup
	policy
	# In force long before the first earning of any test.
	on 2026-07-01 price set service search 1
	on 2026-07-01 price set exchange EUR 0.0125
}

# on DATE CMD...: runs CMD with the clock at noon UTC of DATE.
on() {
	local d=$1

	shift
	TOK_NOW=${d}T12:00:00Z "$@"
}

price() {
	tok-price "$@" </dev/null >/dev/null 2>"$T/.price.err" ||
	    fail "fixture: tok-price $* failed: $(cat "$T/.price.err")"
}

spend() {
	tok-spend "$@" </dev/null >/dev/null 2>"$T/.spend.err" ||
	    fail "fixture: tok-spend $* failed: $(cat "$T/.spend.err")"
}

bal() {
	q "SELECT coalesce(sum(amount), 0) FROM posting WHERE account = '$1'"
}

verify_ok() {
	local out

	out=$(tok-report verify </dev/null 2>&1) ||
	    fail "tok-report verify failed: $out"
}

# history: alice earns 100 (Aug 1), 50 (Sep 1), spends 30 (Sep 10),
# earns 40 (Oct 1), spends 90 (Oct 15); bob earns 10 (Aug 1).  Oldest
# first, alice holds 30 of Sep 1 and 40 of Oct 1 on Oct 15.
history() {
	on 2026-08-01 earn --ref a-aug --date 2026-08-01 alice 100
	on 2026-08-01 earn --ref b-aug --date 2026-08-01 bob 10
	on 2026-09-01 earn --ref a-sep --date 2026-09-01 alice 50
	on 2026-09-10 spend buy --ref o-sep alice search 30
	on 2026-10-01 earn --ref a-oct --date 2026-10-01 alice 40
	on 2026-10-15 spend buy --ref o-oct alice search 90
}

@test "expiry: oldest first across several earnings and spends, one run per date" {
	history
	# With after_days 60, on Oct 31 what was earned on or before Sep 1
	# and not spent expires: alice's Aug lot went on spends, 30 of her
	# Sep lot is left; bob's 10 of Aug.
	on 2026-10-31 t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	7|expire|alice|30.00|expire:alice:2026-10-31|2026-10-31|new|||
	8|expire|bob|10.00|expire:bob:2026-10-31|2026-10-31|new|||
	EOF
	assert_equal "$(q 'SELECT type, date, memo FROM txn WHERE txid = 7')" \
	    "expire|2026-10-31|earned on or before 2026-09-01"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting
	    WHERE txid = 7 ORDER BY seq')" "1|alice|-3000
2|platform:expired|3000"
	assert_equal "$(bal alice) $(bal bob)" "4000 0"
	verify_ok
	# Nov 1: alice earns 20.  Nov 30: her Oct 1 lot (40) goes.
	on 2026-11-01 earn --ref a-nov --date 2026-11-01 alice 20
	on 2026-11-30 t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	10|expire|alice|40.00|expire:alice:2026-11-30|2026-11-30|new|||
	EOF
	assert_equal "$(bal alice)" 2000
	# Dec 30: the Nov 1 lot is 59 days old and stays; Dec 31 it goes.
	on 2026-12-30 t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	on 2026-12-31 t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	11|expire|alice|20.00|expire:alice:2026-12-31|2026-12-31|new|||
	EOF
	assert_equal "$(bal alice) $(bal bob) $(bal platform:expired)" "0 0 10000"
	assert_equal "$(ledger_zero)" 0
	verify_ok
}

@test "expiry: a second run for the same date changes nothing" {
	history
	on 2026-10-31 spend expire
	snapshot
	on 2026-10-31 t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<<"$BUY"
	on 2026-10-31 t tok-spend expire --as-of 2026-10-31
	assert_success
	assert_tsv <<<"$BUY"
	# Later the same day, and on a later day for that date.
	TOK_NOW=2026-10-31T23:59:59Z t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	t tok-spend expire --as-of 2026-10-31
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
	verify_ok
}

@test "expiry: --as-of expires as of a past business date; spends after it do not count against it" {
	history
	on 2026-11-01 earn --ref a-nov --date 2026-11-01 alice 20
	t tok-spend expire --as-of 2026-10-31
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	8|expire|alice|30.00|expire:alice:2026-10-31|2026-10-31|new|||
	9|expire|bob|10.00|expire:bob:2026-10-31|2026-10-31|new|||
	EOF
	assert_equal "$(q 'SELECT recorded FROM txn WHERE txid = 8')" "$NOW"
	# As of today (cutoff Sep 29) alice holds only Oct and Nov tokens.
	snapshot
	t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
	verify_ok
}

@test "expiry: tokens earned exactly after_days before the date expire on it, a day younger do not" {
	on 2026-09-29 earn --ref e1 --date 2026-09-29 alice 10
	on 2026-09-30 earn --ref e2 --date 2026-09-30 alice 5
	# Nov 28 - 60 days = Sep 29.
	t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	3|expire|alice|10.00|expire:alice:$TODAY|$TODAY|new|||
	EOF
	assert_equal "$(q 'SELECT memo FROM txn WHERE txid = 3')" \
	    "earned on or before 2026-09-29"
	assert_equal "$(bal alice)" 500
	on 2026-11-29 t tok-spend expire
	assert_success
	assert_line --index 1 --regexp '^4	expire	alice	5\.00	expire:alice:2026-11-29	'
	verify_ok
}

@test "expiry: tokens that come back (refund, void, failed payout) are new credits of their day" {
	on 2026-08-01 earn --ref a --date 2026-08-01 alice 100
	on 2026-08-01 earn --ref b --date 2026-08-01 bob 50
	on 2026-08-01 earn --ref c --date 2026-08-01 carol 40
	on 2026-08-01 earn --ref d --date 2026-08-01 dave 30
	on 2026-08-10 spend buy --ref o1 alice search 100
	on 2026-11-01 spend hold --ref h1 --timeout 30d bob search 50
	on 2026-11-01 spend cashout --ref p1 carol all
	on 2026-11-20 spend refund 5
	on 2026-11-20 spend void h1
	printf 'payout\tstatus\n1\tfailed\n' >failed.tsv
	on 2026-11-20 spend settle failed.tsv
	assert_equal "$(q "SELECT count(*) FROM txn WHERE date = '2026-11-20'
	    AND reverses IN (5, 6, 7)")" 3
	# Today (cutoff Sep 29): only dave's Aug tokens are old; the others'
	# came back on Nov 20.
	t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	11|expire|dave|30.00|expire:dave:$TODAY|$TODAY|new|||
	EOF
	snapshot
	on 2027-01-18 t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
	# Nov 20 + 60 days = Jan 19.
	on 2027-01-19 t tok-spend expire
	assert_success
	assert_tsv <<-EOF
	$BUY
	12|expire|alice|100.00|expire:alice:2027-01-19|2027-01-19|new|||
	13|expire|bob|50.00|expire:bob:2027-01-19|2027-01-19|new|||
	14|expire|carol|40.00|expire:carol:2027-01-19|2027-01-19|new|||
	EOF
	assert_equal "$(bal platform:expired)" 22000
	verify_ok
}

@test "expiry: a hold past its timeout is voided first, and what it returns does not expire" {
	on 2026-08-01 earn --ref a --date 2026-08-01 alice 100
	on 2026-08-01 earn --ref b --date 2026-08-01 bob 100
	on 2026-11-20 spend hold --ref h1 --timeout 72h alice search 100
	t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	4|void|alice|100.00|auto:4|$TODAY|new|||
	5|expire|bob|100.00|expire:bob:$TODAY|$TODAY|new|||
	EOF
	assert_equal "$(bal alice) $(bal bob) $(bal platform:holds)" "10000 0 0"
	verify_ok
}

@test "expiry: a held bid counts as spent: the oldest tokens go into it" {
	on 2026-08-01 earn --ref a --date 2026-08-01 alice 100
	on 2026-11-01 earn --ref b --date 2026-11-01 alice 100
	on 2026-11-20 spend hold --ref h1 --timeout 30d alice search 100
	t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_equal "$(bal alice)" 10000
	# Posted, the Aug tokens are spent for good; the Nov ones stay
	# until Dec 31.
	spend post h1
	snapshot
	on 2026-12-30 t tok-spend expire
	assert_success
	assert_tsv <<<"$BUY"
	assert_unchanged
	on 2026-12-31 t tok-spend expire
	assert_success
	assert_line --index 1 --regexp '^[0-9]+	expire	alice	100\.00	expire:alice:2026-12-31	'
	verify_ok
}

@test "expiring: --within DAYS warns ahead of what will expire, writing nothing" {
	on 2026-08-01 earn --ref a-aug --date 2026-08-01 alice 100
	on 2026-08-01 earn --ref b-aug --date 2026-08-01 bob 10
	on 2026-09-01 earn --ref a-sep --date 2026-09-01 alice 50
	on 2026-09-10 spend buy --ref o-sep alice search 30
	on 2026-10-01 earn --ref a-oct --date 2026-10-01 alice 40
	on 2026-10-15 spend buy --ref o-oct alice search 90
	snapshot
	# By Oct 30 (cutoff Aug 31): bob's 10; alice's Aug lot is spent.
	on 2026-10-25 t tok-report expiring --within 5
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$EXPIRING
	bob|10.00|2026-10-30
	EOF
	# By Oct 31 (cutoff Sep 1): 30 of alice's Sep lot too.
	on 2026-10-25 t tok-report expiring --within 6
	assert_success
	assert_tsv <<-EOF
	$EXPIRING
	alice|30.00|2026-10-31
	bob|10.00|2026-10-31
	EOF
	on 2026-10-25 t tok-report expiring --within 36
	assert_success
	assert_tsv <<-EOF
	$EXPIRING
	alice|70.00|2026-11-30
	bob|10.00|2026-11-30
	EOF
	# Today: bob's tokens were due on Sep 30 already (no run since).
	on 2026-10-25 t tok-report expiring --within 0
	assert_success
	assert_tsv <<-EOF
	$EXPIRING
	bob|10.00|2026-10-25
	EOF
	on 2026-10-25 t tok-report --format json expiring --within 6
	assert_success
	assert_line --index 0 '{"worker":"alice","amount":30.00,"date":"2026-10-31"}'
	assert_unchanged
	# What expiring announced is what expire takes.
	on 2026-10-31 t tok-spend expire
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | sed 1d | cut -f3,4)" \
	    "$(printf 'alice\t30.00\nbob\t10.00')"
	verify_ok
}

@test "expiring: without --within it looks expiry.warn_days ahead" {
	sed -i 's/warn_days: 30/warn_days: 6/' "$TOK_CONFIG"
	history
	on 2026-10-25 t tok-report expiring
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$EXPIRING
	alice|30.00|2026-10-31
	bob|10.00|2026-10-31
	EOF
}

@test "expiry: with after_days 0 nothing expires, and expiring says so" {
	policy 0
	on 2026-01-01 earn --ref a --date 2026-01-01 alice 100
	snapshot
	on 2030-01-01 t tok-spend expire
	assert_success
	assert_no_stderr
	assert_tsv <<<"$BUY"
	t tok-report expiring --within 30
	assert_success
	assert_tsv <<<"$EXPIRING"
	assert_stderr_line '^tok-report: expiry is off'
	assert_unchanged
}

@test "expiry: expire --dry-run prints what it would expire and writes nothing" {
	history
	snapshot
	on 2026-10-31 t tok-spend -n expire
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$BUY
	7|expire|alice|30.00|expire:alice:2026-10-31|2026-10-31|new|||
	8|expire|bob|10.00|expire:bob:2026-10-31|2026-10-31|new|||
	EOF
	assert_unchanged
}

@test "expiry: usage errors exit 2 and write nothing" {
	history
	snapshot
	local args
	for args in "expire now" "--as-of 2026-02-30 expire" "--as-of 31.10.2026 expire" \
	    "--as-of 2026-10-31T00:00:00Z expire" "--as-of 2026-10-31 buy alice search" \
	    "--as-of 2026-10-31 post x"; do
		# shellcheck disable=SC2086
		t tok-spend $args
		[ "$status" -eq 2 ] || fail "tok-spend $args: exit $status, not 2"
		[ -z "$output" ] || fail "tok-spend $args: stdout: $output"
	done
	for args in "expiring --within" "expiring --within x" \
	    "expiring --within -1" "expiring --within 1 extra" \
	    "balances --within 3"; do
		# shellcheck disable=SC2086
		t tok-report $args
		[ "$status" -eq 2 ] || fail "tok-report $args: exit $status, not 2"
		[ -z "$output" ] || fail "tok-report $args: stdout: $output"
	done
	assert_unchanged
}

@test "expiry: a backdated earning between two runs for the same date does not break the second run" {
	on 2026-08-01 earn --ref a --date 2026-08-01 alice 100
	on 2026-08-01 earn --ref b --date 2026-08-01 bob 100
	spend expire
	earn --ref late --date 2026-08-15 alice 5
	earn --ref c --date 2026-08-01 carol 7
	t tok-spend expire
	assert_success
	assert_no_stderr
	assert_equal "$(bal alice) $(bal carol)" "0 0"
	verify_ok
}

@test "expiry: refs of the form expire:WORKER:DATE are tok's own and refused" {
	on 2026-08-01 earn --ref a --date 2026-08-01 carol 100
	t tok-earn --ref "expire:bob:$TODAY" bob 1
	assert_failure 3
	assert_stderr_line "^tok-earn: ref \"expire:bob:$TODAY\": "
	t tok-spend buy --ref "expire:carol:$TODAY" carol search
	assert_failure 3
	t tok-spend expire
	assert_success
	assert_equal "$(bal carol)" 0
}

@test "expiry: a date to come, or one before a run already made, is refused" {
	on 2026-01-01 earn --ref a --date 2026-01-01 alice 100
	snapshot
	t tok-spend expire --as-of 2026-11-29
	assert_failure 1
	assert_stderr_line 'date to come'
	assert_unchanged
	spend expire
	snapshot
	t tok-spend expire --as-of 2026-11-27
	assert_failure 1
	assert_stderr_line "expiry already ran for $TODAY"
	assert_unchanged
}
