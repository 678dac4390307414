#!/usr/bin/env bats
# tok-vote: proposals, weighted votes, tallies, and applying what passed
# (DESIGN §8), and the price book's side of it (§7).

load helper

PROPOSE='proposal|ref|method|opens|closes|quorum_pct|threshold_pct|max_share_pct|title|action|status'
CAST='proposal|worker|choice|weight|previous|status'
CLOSE='proposal|state|yes|no|abstain|turnout|eligible|status'
SHOW='proposal|state|choice|voters|weight|share|needs'
LIST='proposal|state|method|opens|closes|title|action'
HISTORY='kind|name|price|per|min_tier|effective|change|recorded|actor|reason|proposal'

# A proposal made at $NOW runs 7 days (governance.days).
CLOSES=2026-12-05T12:00:00Z
LATER=2026-12-06T09:00:00Z

# policy [ABOVE_CAP [MAX_SHARE]]: the config, in full, so that no default
# decides an outcome.
policy() {
	cat >"$TOK_CONFIG" <<-EOF
	token:
	  decimals: 2
	pricing:
	  notice_days: 30
	  max_increase_pct: 10
	  window_days: 90
	  above_cap: ${1:-vote}
	tiers:
	  - name: bronze
	    min_earned: 0
	  - name: gold
	    min_earned: 1000
	governance:
	  method: token
	  quorum_pct: 20
	  threshold_pct: 50
	  days: 7
	  max_voter_share_pct: ${2:-0}
	EOF
	chmod 600 "$TOK_CONFIG"
}

# at TIME CMD...: CMD with the clock at TIME.
at() {
	local when=$1

	shift
	TOK_NOW=$when "$@"
}

# ok CMD...: a command that must succeed; for building fixtures.
ok() {
	"$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/.ok.err" ||
	    fail "fixture: $* failed: $(cat "$BATS_TEST_TMPDIR/.ok.err")"
}

# The world of most tests: balances alice 100, bob 25, carol 9; erin
# earned 4 and spent it (a member without tokens).  Prices: search 4,
# ai-tools 10 a month.
world() {
	ok tok-price set service search 4 --per month
	ok tok-price set service ai-tools 10 --per month
	earn --ref a1 alice 100
	earn --ref b1 bob 25
	earn --ref c1 carol 9
	earn --ref e1 erin 4
	ok tok-spend buy --ref o1 erin search
}

setup() {
	tok_setup
	policy
	world
}

votes() {
	q 'SELECT count(*) FROM vote'
}

verify_ok() {
	local out

	out=$(tok-report verify </dev/null 2>&1) ||
	    fail "tok-report verify failed: $out"
}

@test "vote: propose prints a receipt; defaults come from the config; the action is stored canonically" {
	t tok-vote propose "Raise AI tools" --ref p-ai \
	    --action 'service  ai-tools 15 --effective 2027-01-15 --per month'
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$PROPOSE
	1|p-ai|token|$NOW|$CLOSES|20|50|0|Raise AI tools|service ai-tools 15.00 --per month --effective 2027-01-15|new
	EOF
	assert_equal "$(q 'SELECT ref, title, action, method, opens, closes,
	    quorum_pct, threshold_pct, max_share_pct, recorded, actor
	    FROM proposal')" "p-ai|Raise AI tools|service ai-tools 15.00 --per month --effective 2027-01-15|token|$NOW|$CLOSES|20|50|0|$NOW|$ME"
	# Given options win; a proposal without --ref gets an auto: one.
	t tok-vote propose "Member poll" --method member --quorum 10 \
	    --threshold 66 --opens 2026-12-01 --days 3
	assert_success
	assert_tsv <<-EOF
	$PROPOSE
	2|auto:2|member|2026-12-01T00:00:00Z|2026-12-04T00:00:00Z|10|66|0|Member poll||new
	EOF
	t tok-vote propose "Closes given" --closes 2026-11-30T18:30:00Z
	assert_success
	assert_line --index 1 --regexp "	$NOW	2026-11-30T18:30:00Z	"
	# Nothing of this touched the price book.
	assert_equal "$(q 'SELECT count(*) FROM price_change')" 2
}

@test "vote: --ref makes propose idempotent: the same again exists, something else is a conflict" {
	ok tok-vote propose "Raise AI tools" --ref p-ai --action 'service ai-tools 15'
	snapshot
	# Later, with opens defaulted: still the same proposal.
	at 2026-11-29T08:00:00Z t tok-vote propose "Raise AI tools" --ref p-ai \
	    --action 'service ai-tools 15.000'
	assert_success
	assert_line --index 1 --regexp '^1	p-ai	.*	exists$'
	t tok-vote propose "Raise AI tools!" --ref p-ai --action 'service ai-tools 15'
	assert_failure 1
	assert_stderr_line '^tok-vote: ref "p-ai": conflict: title differs from proposal 1$'
	t tok-vote propose "Raise AI tools" --ref p-ai --action 'service ai-tools 16'
	assert_failure 1
	assert_stderr_line 'conflict: action differs'
	t tok-vote propose "Raise AI tools" --ref p-ai --action 'service ai-tools 15' \
	    --method quadratic
	assert_failure 1
	assert_stderr_line 'conflict: method differs'
	assert_unchanged
}

@test "vote: an action the price book would refuse is refused at proposal time; nothing is written" {
	snapshot
	# Notice counts from the day the vote closes (2026-12-05): an
	# increase takes effect no sooner than 2027-01-04.
	t tok-vote propose T --action 'service ai-tools 15 --effective 2027-01-03'
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-vote: action "service ai-tools 15.00 --effective 2027-01-03", applied when the vote closes \(2026-12-05\): service "ai-tools": this change takes effect no sooner than 2027-01-04 \(pricing.notice_days: 30\)$'
	t tok-vote propose T --action 'service ai-tools 8 --effective 2026-11-01'
	assert_failure 1
	assert_stderr_line 'effective 2026-11-01 is in the past'
	t tok-vote propose T --action 'service ai-tools 10 --per month'
	assert_failure 1
	assert_stderr_line 'these terms are in force already'
	t tok-vote propose T --action 'task ai-tools 12'
	assert_failure 3
	assert_stderr_line '"ai-tools" is a service, not a task'
	t tok-vote propose T --action 'servise ai-tools 12'
	assert_failure 3
	assert_stderr_line '^tok-vote: action "servise ai-tools 12": kind "servise": not one of task, service, exchange$'
	t tok-vote propose T --action 'service ai-tools 12,5'
	assert_failure 3
	assert_stderr_line 'price "12,5"'
	t tok-vote propose T --action 'service ai-tools 0'
	assert_failure 3
	t tok-vote propose T --action 'service ai/tools 12'
	assert_failure 3
	t tok-vote propose T --action 'service ai-tools'
	assert_failure 3
	assert_stderr_line 'not KIND NAME PRICE \[--per UNIT\] \[--effective DATE\]'
	t tok-vote propose T --action 'service ai-tools 12 --min-tier gold'
	assert_failure 3
	assert_stderr_line '"--min-tier": not --per UNIT or --effective DATE'
	t tok-vote propose T --action 'service ai-tools 12 --per month --per week'
	assert_failure 3
	# Under above_cap: refuse no vote can lift a change past the cap.
	policy refuse
	t tok-vote propose T --action 'service ai-tools 15'
	assert_failure 1
	assert_stderr_line 'cap of 10%.*refuse'
	assert_unchanged
}

@test "vote: propose refuses a past opening, a close before the opening, an empty title" {
	snapshot
	t tok-vote propose T --opens 2026-11-28
	assert_failure 1
	assert_stderr_line '^tok-vote: opens 2026-11-28T00:00:00Z is in the past \(now 2026-11-28T12:00:00Z\)$'
	t tok-vote propose T --opens 2026-12-02 --closes 2026-12-01
	assert_failure 3
	assert_stderr_line 'closes 2026-12-01T00:00:00Z is not after opens'
	t tok-vote propose ''
	assert_failure 3
	assert_stderr_line '^tok-vote: title is empty$'
	t tok-vote propose T --closes 2026-12-09 --days 3
	assert_failure 2
	t tok-vote propose T --quorum 101
	assert_failure 2
	t tok-vote propose T --threshold 0
	assert_failure 2
	t tok-vote propose T --method plurality
	assert_failure 2
	t tok-vote propose T --opens tomorrow
	assert_failure 2
	t tok-vote propose -n T
	assert_success
	assert_line --index 1 --regexp '^1	auto:1	'
	assert_unchanged
}

@test "vote: token weight is the balance when the proposal opened" {
	ok tok-vote propose T
	for w in alice bob carol; do
		ok tok-vote cast 1 $w yes
	done
	t tok-vote cast 1 erin yes
	assert_failure 1
	assert_stderr_line '^tok-vote: worker erin: no weight in proposal 1 \(no balance when it opened, 2026-11-28T12:00:00Z\)$'
	assert_equal "$(q 'SELECT worker, weight FROM vote ORDER BY id')" \
	    "alice|10000
bob|2500
carol|900"
	t tok-vote show 1
	assert_success
	assert_tsv <<-EOF
	$SHOW
	1|open|yes|3|134.00|100.00%|>50%
	1|open|no|0|0.00|0.00%|
	1|open|abstain|0|0.00||
	1|open|turnout|3|134.00|100.00%|>=20%
	1|open|eligible|3|134.00||
	EOF
}

@test "vote: member weight is 1 per worker with earnings, whatever they hold" {
	ok tok-vote propose T --method member
	t tok-vote cast 1 erin yes
	assert_success
	assert_tsv <<-EOF
	$CAST
	1|erin|yes|1||new
	EOF
	ok tok-vote cast 1 alice no
	t tok-vote show 1
	assert_tsv <<-EOF
	$SHOW
	1|open|yes|1|1|50.00%|>50%
	1|open|no|1|1|50.00%|
	1|open|abstain|0|0||
	1|open|turnout|2|2|50.00%|>=20%
	1|open|eligible|4|4||
	EOF
}

@test "vote: quadratic weight is the integer square root of the balance in units" {
	# 10000 -> 100, 2500 -> 50, 900 -> 30; 1.23 = 123 units -> 11.
	earn --ref f1 frank 1.23
	ok tok-vote propose T --method quadratic
	t tok-vote cast 1 alice yes
	assert_tsv <<-EOF
	$CAST
	1|alice|yes|100||new
	EOF
	ok tok-vote cast 1 bob no
	ok tok-vote cast 1 frank no
	t tok-vote show 1
	assert_tsv <<-EOF
	$SHOW
	1|open|yes|1|100|62.11%|>50%
	1|open|no|2|61|37.88%|
	1|open|abstain|0|0||
	1|open|turnout|3|161|84.29%|>=20%
	1|open|eligible|4|191||
	EOF
}

@test "vote: tokens earned, spent or backdated after the opening change no weight" {
	ok tok-vote propose T
	ok tok-vote propose M --method member
	# An hour later: alice earns 50 more, bob spends 4, dave earns 30
	# backdated to a business date before the opening.
	at 2026-11-28T13:00:00Z earn --ref a2 alice 50
	at 2026-11-28T13:00:00Z ok tok-spend buy --ref o2 bob search
	at 2026-11-28T13:00:00Z earn --ref d1 --date 2026-11-01 dave 30
	at 2026-11-28T14:00:00Z t tok-vote cast 1 alice yes
	assert_line --index 1 "$(printf '1\talice\tyes\t100.00\t\tnew')"
	at 2026-11-28T14:00:00Z t tok-vote cast 1 bob yes
	assert_line --index 1 "$(printf '1\tbob\tyes\t25.00\t\tnew')"
	at 2026-11-28T14:00:00Z t tok-vote cast 1 dave yes
	assert_failure 1
	assert_stderr_line 'worker dave: no weight in proposal 1 \(no balance when it opened'
	at 2026-11-28T14:00:00Z t tok-vote cast 2 dave yes
	assert_failure 1
	assert_stderr_line 'worker dave: no weight in proposal 2 \(no earnings when it opened'
	at 2026-11-28T14:00:00Z t tok-vote show 1
	assert_line --index 5 "$(printf '1\topen\teligible\t3\t134.00\t\t')"
	# A proposal opened now sees what happened since.
	at 2026-11-28T14:00:00Z ok tok-vote propose U
	at 2026-11-28T14:00:00Z t tok-vote cast 3 dave yes
	assert_line --index 1 "$(printf '3\tdave\tyes\t30.00\t\tnew')"
}

@test "vote: a changed vote replaces the earlier one, never adds; the same vote again is exists" {
	ok tok-vote propose T
	ok tok-vote cast 1 alice yes
	t tok-vote cast 1 alice no
	assert_success
	assert_tsv <<-EOF
	$CAST
	1|alice|no|100.00|yes|new
	EOF
	snapshot
	t tok-vote cast 1 alice no
	assert_success
	assert_tsv <<-EOF
	$CAST
	1|alice|no|100.00||exists
	EOF
	assert_unchanged
	ok tok-vote cast 1 alice abstain
	ok tok-vote cast 1 alice yes
	# Append-only: every vote is kept; the latest counts, once.
	assert_equal "$(votes)" 4
	t tok-vote show 1
	assert_line --index 1 "$(printf '1\topen\tyes\t1\t100.00\t100.00%%\t>50%%')"
	assert_line --index 2 "$(printf '1\topen\tno\t0\t0.00\t0.00%%\t')"
	assert_line --index 3 "$(printf '1\topen\tabstain\t0\t0.00\t\t')"
	assert_line --index 4 "$(printf '1\topen\tturnout\t1\t100.00\t74.62%%\t>=20%%')"
}

@test "vote: votes before the opening, at or after the close, and on a closed proposal are refused" {
	ok tok-vote propose T --opens 2026-12-01 --days 2
	snapshot
	at 2026-11-30T23:59:59Z t tok-vote cast 1 alice yes
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-vote: proposal 1: voting opens 2026-12-01T00:00:00Z$'
	at 2026-12-03T00:00:00Z t tok-vote cast 1 alice yes
	assert_failure 1
	assert_stderr_line '^tok-vote: proposal 1: voting closed 2026-12-03T00:00:00Z$'
	assert_unchanged
	at 2026-12-01T00:00:00Z ok tok-vote cast 1 alice yes
	at 2026-12-02T23:59:59Z ok tok-vote cast 1 bob yes
	at 2026-12-03T00:00:00Z ok tok-vote close 1
	at 2026-12-03T00:00:00Z t tok-vote cast 1 carol no
	assert_failure 1
	assert_stderr_line 'proposal 1: closed \(passed\); it takes no more votes'
	# The same vote again is still only "exists", so re-runs succeed.
	at 2026-12-04T00:00:00Z t tok-vote cast 1 alice yes
	assert_success
	assert_line --index 1 --regexp 'exists$'
}

@test "vote: bad casts: unknown proposal, platform account, bad choice, bad worker" {
	ok tok-vote propose T
	snapshot
	t tok-vote cast 7 alice yes
	assert_failure 1
	assert_stderr_line '^tok-vote: proposal "7": unknown \(no such proposal\)$'
	t tok-vote cast 01 alice yes
	assert_failure 1
	t tok-vote cast 1 platform:issued yes
	assert_failure 3
	assert_stderr_line 'not a worker name'
	t tok-vote cast 1 alice maybe
	assert_failure 3
	assert_stderr_line 'choice "maybe": not one of yes, no, abstain'
	t tok-vote cast 1 nobody yes
	assert_failure 1
	t tok-vote cast -n 1 alice yes
	assert_success
	assert_line --index 1 --regexp 'new$'
	assert_unchanged
}

@test "vote: quorum is met exactly at the percentage" {
	# Eligible 134.00; 20% is 26.80.  bob 25 + carol 9 = 34 meets it,
	# bob alone (25) does not; with quorum 25%, 33.50 is needed.
	ok tok-vote propose A
	ok tok-vote propose B
	ok tok-vote propose C --quorum 25
	ok tok-vote cast 1 bob yes
	ok tok-vote cast 2 bob yes
	ok tok-vote cast 2 carol yes
	ok tok-vote cast 3 bob yes
	ok tok-vote cast 3 carol yes
	at $CLOSES t tok-vote close --due
	assert_success
	assert_tsv <<-EOF
	$CLOSE
	1|no-quorum|25.00|0.00|0.00|25.00|134.00|new
	2|passed|34.00|0.00|0.00|34.00|134.00|new
	3|passed|34.00|0.00|0.00|34.00|134.00|new
	EOF
}

@test "vote: quorum exactly at the boundary: 20% of 100.00 is 20.00" {
	# A world of its own: eligible exactly 100.00.
	fresh_ledger
	earn --ref x1 xena 80
	earn --ref y1 yuri 20
	ok tok-vote propose A
	ok tok-vote propose B --quorum 21
	ok tok-vote cast 1 yuri yes
	ok tok-vote cast 2 yuri yes
	at $CLOSES t tok-vote close --due
	assert_tsv <<-EOF
	$CLOSE
	1|passed|20.00|0.00|0.00|20.00|100.00|new
	2|no-quorum|20.00|0.00|0.00|20.00|100.00|new
	EOF
}

@test "vote: abstentions count for the quorum, not for the threshold" {
	ok tok-vote propose A    # abstain carries the quorum; yes wins
	ok tok-vote propose B    # only abstentions: yes + no = 0, rejected
	ok tok-vote propose C    # abstain would outweigh yes; still passes
	ok tok-vote cast 1 alice abstain
	ok tok-vote cast 1 carol yes
	ok tok-vote cast 2 alice abstain
	ok tok-vote cast 3 alice abstain
	ok tok-vote cast 3 bob yes
	ok tok-vote cast 3 carol no
	at $CLOSES t tok-vote close --due
	assert_tsv <<-EOF
	$CLOSE
	1|passed|9.00|0.00|100.00|109.00|134.00|new
	2|rejected|0.00|0.00|100.00|100.00|134.00|new
	3|passed|25.00|9.00|100.00|134.00|134.00|new
	EOF
}

@test "vote: passing needs strictly more than the threshold share of yes + no" {
	fresh_ledger
	earn --ref x1 xena 30
	earn --ref y1 yuri 30
	earn --ref z1 zoe 40
	ok tok-vote propose Half
	ok tok-vote propose Sixty --threshold 60
	ok tok-vote cast 1 xena yes
	ok tok-vote cast 1 yuri no
	ok tok-vote cast 2 zoe yes
	ok tok-vote cast 2 xena yes
	ok tok-vote cast 2 yuri no
	at $CLOSES t tok-vote close --due
	assert_tsv <<-EOF
	$CLOSE
	1|rejected|30.00|30.00|0.00|60.00|100.00|new
	2|passed|70.00|30.00|0.00|100.00|100.00|new
	EOF
}

@test "vote: a threshold of 100 is unanimity: every yes/no vote a yes" {
	fresh_ledger
	earn --ref x1 xena 30
	earn --ref y1 yuri 30
	earn --ref z1 zoe 40
	ok tok-vote propose All --threshold 100
	ok tok-vote propose Most --threshold 100
	ok tok-vote cast 1 xena yes
	ok tok-vote cast 1 yuri yes
	ok tok-vote cast 1 zoe abstain
	ok tok-vote cast 2 xena yes
	ok tok-vote cast 2 zoe yes
	ok tok-vote cast 2 yuri no
	at $CLOSES t tok-vote close --due
	assert_tsv <<-EOF
	$CLOSE
	1|passed|60.00|0.00|40.00|100.00|100.00|new
	2|rejected|70.00|30.00|0.00|100.00|100.00|new
	EOF
}

@test "vote: max_voter_share_pct caps what one voter counts, before the tally" {
	# Without a cap alice's 100 beats 34; with 20%, she counts 26.80.
	ok tok-vote propose Free
	policy vote 20
	ok tok-vote propose Capped
	for p in 1 2; do
		ok tok-vote cast $p alice yes
		ok tok-vote cast $p bob no
		ok tok-vote cast $p carol no
	done
	# The vote keeps the full weight; the cap applies in the tally.
	assert_equal "$(q "SELECT weight FROM vote WHERE proposal = 2 AND worker = 'alice'")" 10000
	t tok-vote show 2
	assert_tsv <<-EOF
	$SHOW
	2|open|yes|1|26.80|44.07%|>50%
	2|open|no|2|34.00|55.92%|
	2|open|abstain|0|0.00||
	2|open|turnout|3|60.80|45.37%|>=20%
	2|open|eligible|3|134.00||
	2|open|cap||26.80||
	EOF
	at $CLOSES t tok-vote close --due
	assert_tsv <<-EOF
	$CLOSE
	1|passed|100.00|34.00|0.00|134.00|134.00|new
	2|rejected|26.80|34.00|0.00|60.80|134.00|new
	EOF
	assert_equal "$(q 'SELECT proposal, state, yes, no, abstain, eligible FROM outcome ORDER BY proposal')" \
	    "1|passed|10000|3400|0|13400
2|rejected|2680|3400|0|13400"
}

@test "vote: close is refused before the close time; closing twice changes nothing" {
	ok tok-vote propose T
	ok tok-vote cast 1 alice yes
	snapshot
	at 2026-12-05T11:59:59Z t tok-vote close 1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-vote: proposal 1: open until 2026-12-05T12:00:00Z; it can be closed from then on$'
	at $CLOSES t tok-vote close -n 1
	assert_success
	assert_line --index 1 --regexp '^1	passed	.*	new$'
	assert_unchanged
	at $CLOSES t tok-vote close 1
	assert_success
	assert_tsv <<-EOF
	$CLOSE
	1|passed|100.00|0.00|0.00|100.00|134.00|new
	EOF
	assert_equal "$(q 'SELECT state, recorded, actor FROM outcome')" \
	    "passed|$CLOSES|$ME"
	snapshot
	at $LATER t tok-vote close 1
	assert_success
	assert_tsv <<-EOF
	$CLOSE
	1|passed|100.00|0.00|0.00|100.00|134.00|exists
	EOF
	assert_unchanged
	t tok-vote close 9
	assert_failure 1
}

@test "vote: close --due closes only the open proposals past their close time" {
	ok tok-vote propose Short --days 1
	ok tok-vote propose Long --days 10
	ok tok-vote propose Medium --days 3
	ok tok-vote cast 1 alice yes
	at 2026-11-29T12:00:00Z ok tok-vote close 1
	at 2026-12-02T12:00:00Z t tok-vote close --due
	assert_success
	assert_tsv <<-EOF
	$CLOSE
	3|no-quorum|0.00|0.00|0.00|0.00|134.00|new
	EOF
	# Nothing due: an empty receipt.
	at 2026-12-02T12:00:00Z t tok-vote close --due
	assert_success
	assert_output "$(printf '%s' "$CLOSE" | tr '|' '\t')"
	at 2026-12-02T12:00:00Z t tok-vote list
	assert_tsv <<-EOF
	$LIST
	1|passed|token|$NOW|2026-11-29T12:00:00Z|Short|
	2|open|token|$NOW|2026-12-08T12:00:00Z|Long|
	3|no-quorum|token|$NOW|2026-12-01T12:00:00Z|Medium|
	EOF
	t tok-vote list --state open
	assert_tsv <<-EOF
	$LIST
	2|open|token|$NOW|2026-12-08T12:00:00Z|Long|
	EOF
	t tok-vote list --state closed
	assert_failure 2
	t tok-vote close 1 --due
	assert_failure 2
}

@test "vote: a passed price action is applied once, at close, after the notice period" {
	ok tok-vote propose "AI tools at 15" --ref p-ai \
	    --action 'service ai-tools 15 --per month'
	ok tok-vote cast 1 alice yes
	at $CLOSES t tok-vote close 1
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CLOSE
	1|applied|100.00|0.00|0.00|100.00|134.00|new
	EOF
	# Past the 10% cap by the vote; no sooner than 30 days from the
	# close; the change names the proposal.
	t tok-price history ai-tools
	assert_tsv <<-EOF
	$HISTORY
	service|ai-tools|10.00|month||$TODAY|new|$NOW|$ME||
	service|ai-tools|15.00|month||2027-01-04|+50.00%|$CLOSES|$ME|AI tools at 15|1
	EOF
	snapshot
	at $LATER t tok-vote close 1
	assert_success
	assert_line --index 1 --regexp '^1	applied	.*	exists$'
	# The same change again is only "exists".
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 1
	assert_success
	assert_line --index 1 --regexp '	exists$'
	assert_unchanged
	# Once the price moved on, the vote cannot bring 15 back a second time.
	at $LATER ok tok-price set service ai-tools 14 --effective 2027-02-01
	snapshot
	at $LATER t tok-price set service ai-tools 15 --per month \
	    --effective 2027-03-01 --proposal 1
	assert_failure 1
	assert_stderr_line '^tok-price: proposal 1: already applied \(price change 3\); a proposal unlocks its change once$'
	assert_unchanged
	at $LATER t tok-vote list --state applied
	assert_line --index 1 --regexp '^1	applied	'
	verify_ok
}

@test "vote: a passed action the price book refuses at close stays passed; it can be applied later" {
	ok tok-vote propose "AI tools at 15" --action 'service ai-tools 15 --per month'
	ok tok-vote cast 1 alice yes
	# The policy changed meanwhile: no vote lifts the cap now.
	policy refuse
	at $CLOSES t tok-vote close 1
	assert_failure 1
	assert_tsv <<-EOF
	$CLOSE
	1|passed|100.00|0.00|0.00|100.00|134.00|new
	EOF
	assert_stderr_lines 1
	assert_stderr_line '^tok-vote: proposal 1: passed, but its action was not applied: service "ai-tools": \+50\.00% .*refuse.*; it stays passed \(apply it with: tok-price set service ai-tools 15\.00 --per month --proposal 1\)$'
	assert_equal "$(q 'SELECT state FROM outcome')" passed
	assert_equal "$(q "SELECT count(*) FROM price_change WHERE proposal <> ''")" 0
	# Once the guardrails allow, the operator applies exactly the action.
	policy vote
	at $LATER t tok-price set service ai-tools 16 --per month --proposal 1
	assert_failure 1
	assert_stderr_line '^tok-price: proposal 1: this change \(service ai-tools 16\.00 --per month\) is not its action \(service ai-tools 15\.00 --per month\)$'
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 1
	assert_success
	assert_line --index 1 "$(printf 'service\tai-tools\t15.00\tmonth\t\t2027-01-05\t10.00\t+50.00%%\tnew')"
	at $LATER t tok-vote list
	assert_line --index 1 --regexp '^1	applied	'
	verify_ok
}

@test "vote: a passed action whose date went by at close stays passed, exit 1" {
	ok tok-vote propose T --action 'service ai-tools 15 --per month --effective 2027-01-04'
	ok tok-vote cast 1 alice yes
	# Closed a day late: 2027-01-04 is now inside the notice period.
	at 2026-12-06T12:00:00Z t tok-vote close --due
	assert_failure 1
	assert_line --index 1 --regexp '^1	passed	'
	assert_stderr_line 'no sooner than 2027-01-05 \(pricing.notice_days: 30\); it stays passed'
	assert_equal "$(q 'SELECT count(*) FROM price_change')" 2
}

@test "vote: a rejected, no-quorum or open proposal unlocks no price change" {
	ok tok-vote propose Rejected --action 'service ai-tools 15 --per month'
	ok tok-vote propose NoQuorum --action 'service ai-tools 15 --per month'
	ok tok-vote propose Open --days 30 --action 'service ai-tools 15 --per month'
	ok tok-vote cast 1 alice no
	ok tok-vote cast 2 carol yes
	at $CLOSES ok tok-vote close --due
	snapshot
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 1
	assert_failure 1
	assert_stderr_line '^tok-price: proposal 1: rejected; only a passed proposal unlocks a change$'
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 2
	assert_failure 1
	assert_stderr_line '^tok-price: proposal 2: no-quorum; only a passed proposal unlocks a change$'
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 3
	assert_failure 1
	assert_stderr_line 'proposal 3: still open \(voting closes 2026-12-28T12:00:00Z\)'
	# Within the cap too: a change never cites a vote that did not pass.
	at $LATER t tok-price set service ai-tools 10.5 --proposal 1
	assert_failure 1
	assert_stderr_line 'proposal 1: rejected'
	at $LATER t tok-price set service ai-tools 15 --per month --proposal p-1
	assert_failure 1
	assert_stderr_line 'proposal "p-1": unknown'
	assert_unchanged
}

@test "vote: tok-price set --proposal must be exactly the proposal's action" {
	ok tok-vote propose Dated --action 'service ai-tools 15 --per month --effective 2027-02-01'
	ok tok-vote propose Undated --action 'service ai-tools 12'
	ok tok-vote propose Other
	for p in 1 2 3; do ok tok-vote cast $p alice yes; done
	# Closed while no vote could lift the cap: passed, not applied.
	policy refuse
	at $CLOSES t tok-vote close --due
	assert_failure 1
	policy vote
	snapshot
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 3
	assert_failure 1
	assert_stderr_line '^tok-price: proposal 3: it has no action to apply$'
	at $LATER t tok-price set service ai-tools 16 --per month --effective 2027-02-01 --proposal 1
	assert_failure 1
	assert_stderr_line 'not its action \(service ai-tools 15\.00 --per month --effective 2027-02-01\)'
	# An action that names --per and --effective needs both, the same.
	at $LATER t tok-price set service ai-tools 15 --per month --proposal 1
	assert_failure 1
	at $LATER t tok-price set service ai-tools 15 --effective 2027-02-01 --proposal 1
	assert_failure 1
	at $LATER t tok-price set service ai-tools 15 --per month --effective 2027-02-02 --proposal 1
	assert_failure 1
	at $LATER t tok-price set task ai-tools 15 --per month --effective 2027-02-01 --proposal 1
	assert_failure 3
	# An action that names neither: --effective is the operator's, but
	# no other term can be added.
	at $LATER t tok-price set service ai-tools 12 --per week --proposal 2
	assert_failure 1
	at $LATER t tok-price set service ai-tools 12 --min-tier gold --proposal 2
	assert_failure 1
	assert_stderr_line 'proposal 2: this change \(service ai-tools 12\.00 with --min-tier or --unit-decimals\) is not its action \(service ai-tools 12\.00\)'
	assert_unchanged
	# What the action leaves open, the operator picks.
	at $LATER t tok-price set service ai-tools 12 --effective 2027-03-01 --proposal 2
	assert_success
	assert_line --index 1 --regexp '^service	ai-tools	12\.00	month		2027-03-01	'
	at $LATER t tok-price set service ai-tools 15 --per month --effective 2027-02-01 --proposal 1
	assert_success
}

@test "vote: cast - takes records all or nothing, naming every bad line" {
	ok tok-vote propose A
	ok tok-vote propose B --method member
	records bad.tsv <<-'EOF'
	proposal|worker|choice
	1|alice|yes
	1|bob|maybe
	2|erin|no
	9|carol|yes
	1|dave|no
	EOF
	snapshot
	t_in bad.tsv tok-vote cast -
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-vote: stdin: line 3: choice "maybe": not one of yes, no, abstain$'
	assert_stderr_line '^tok-vote: stdin: line 5: proposal "9": unknown \(no such proposal\)$'
	assert_stderr_line '^tok-vote: stdin: line 6: worker dave: no weight in proposal 1 '
	assert_stderr_line '^tok-vote: stdin: 3 of 5 records bad; nothing written$'
	assert_unchanged
	records good.tsv <<-'EOF'
	proposal|worker|choice|memo
	1|alice|yes|ignored
	1|bob|no|
	2|erin|no|
	EOF
	t tok-vote cast good.tsv
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$CAST
	1|alice|yes|100.00||new
	1|bob|no|25.00||new
	2|erin|no|1||new
	EOF
	# A re-run finds every vote made.
	snapshot
	t tok-vote cast good.tsv
	assert_success
	assert_equal "$(echo "$output" | cut -f6 | sort | uniq -c | tr -s ' ')" " 3 exists
 1 status"
	assert_unchanged
}

@test "vote: cast - refuses a worker voting twice on one proposal in a batch" {
	ok tok-vote propose A
	records twice.tsv <<-'EOF'
	proposal|worker|choice
	1|alice|yes
	1|alice|no
	EOF
	snapshot
	t tok-vote cast twice.tsv
	assert_failure 3
	assert_stderr_line '^tok-vote: twice.tsv: line 3: worker alice: votes twice on proposal 1 in this batch$'
	assert_unchanged
	# --skip-invalid lands the first and keeps the second to fix.
	t tok-vote cast --skip-invalid --rejects rej.tsv twice.tsv
	assert_success
	assert_line --index 1 "$(printf '1\talice\tyes\t100.00\t\tnew')"
	assert_equal "$(cat rej.tsv)" "$(printf 'proposal\tworker\tchoice\n1\talice\tno')"
	t tok-vote cast rej.tsv
	assert_success
	assert_line --index 1 "$(printf '1\talice\tno\t100.00\tyes\tnew')"
}

@test "vote: json output parses with jq; numbers are numbers" {
	ok tok-vote propose 'Raise "AI" tools – 50%' --action 'service ai-tools 15'
	t tok-vote cast --format json 1 alice yes
	assert_success
	echo "$output" | jq -e '.proposal == 1 and .weight == 100 and
	    .worker == "alice" and .status == "new"' >/dev/null ||
	    fail "bad json: $output"
	t tok-vote list --format json
	echo "$output" | jq -e '.title == "Raise \"AI\" tools – 50%" and
	    .state == "open" and .action == "service ai-tools 15.00"' \
	    >/dev/null || fail "bad json: $output"
	t tok-vote show --format json 1
	assert_equal "$(echo "$output" | jq -c '[.choice, .weight]' | tr '\n' ' ')" \
	    '["yes",100] ["no",0] ["abstain",0] ["turnout",100] ["eligible",134] '
	at $CLOSES t tok-vote close --format json 1
	echo "$output" | jq -e '.state == "applied" and .eligible == 134' \
	    >/dev/null || fail "bad json: $output"
}

@test "vote: show --chart draws the tally against the quorum" {
	ok tok-vote propose "Raise AI tools"
	ok tok-vote cast 1 alice yes
	ok tok-vote cast 1 bob no
	COLUMNS=40 t tok-vote show 1 --chart --ascii
	assert_success
	assert_output "$(cat <<-'EOF'
	proposal 1 (open): Raise AI tools
	yes      ################### 100.00
	no       ##### 25.00
	abstain  0.00
	turnout  ######################## 125.00
	quorum   ##### 26.80
	EOF
	)"
	t tok-vote list --chart
	assert_failure 2
	t tok-vote show 1 --ascii
	assert_failure 2
}

@test "vote: usage: unknown commands and misplaced options exit 2" {
	t tok-vote
	assert_failure 2
	t tok-vote tally 1
	assert_failure 2
	assert_stderr_line 'unknown command "tally"'
	t tok-vote cast 1 alice
	assert_failure 2
	t tok-vote cast --ref r 1 alice yes
	assert_failure 2
	t tok-vote list -n
	assert_failure 2
	t tok-vote close
	assert_failure 2
	t tok-vote cast --skip-invalid 1 alice yes
	assert_failure 2
	t tok-vote --help
	assert_success
	assert_line --index 0 --regexp '^usage: tok-vote '
}
