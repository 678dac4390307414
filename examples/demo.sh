#!/bin/sh
# demo.sh - a week of task payouts, the price book, spending and a
# cash-out, then a vote on a price rise, on a fresh ledger under demo/.
# Run by `make demo`, from the top of the tree, after the build.
set -eu
top=$(pwd)
PATH="$top/bin:$PATH"
rm -rf demo
mkdir -m 700 demo
export TOK_DB="$top/demo/ledger.db"
export TOK_CONFIG="$top/examples/tok.yaml"
export TOK_NOW=2026-11-28T18:00:00Z
week="$top/examples/week-2026-11-23.tsv"

step() { printf '\n== %s\n$ %s\n' "$1" "$2"; }

step "Pay the week's completed tasks (one transaction)" \
    "tok-earn --format table examples/week-2026-11-23.tsv"
tok-earn --format table "$week"

step "The cron job runs again: nobody is paid twice" \
    "tok-earn --format table examples/week-2026-11-23.tsv"
tok-earn --format table "$week"

step "A bonus for one worker" \
    "tok-earn --ref bonus-2026-11-alice --memo 'Top reviewer' alice 25"
tok-earn --format table --ref bonus-2026-11-alice --memo 'Top reviewer' \
    alice 25

step "Balances" "tok-report --format table balances"
tok-report --format table balances

step "Who holds at least 300 tokens" "tok-report balances --min 300"
tok-report --format table balances --min 300

step "Alice's statement" "tok-report --format table statement alice"
tok-report --format table statement alice

step "Balances as of Tuesday (business date)" \
    "tok-report balances --as-of 2026-11-24"
tok-report --format table balances --as-of 2026-11-24

step "Load the price book from tok.yaml (prices then live in the ledger)" \
    "tok-price import examples/tok.yaml"
tok-price --format table import "$TOK_CONFIG"

step "The price book" "tok-price list"
tok-price --format table list

step "Earn by rate: a translation of 3,000 words, at the rate per word" \
    "tok-earn --kind translation --units 3000 --ref task-10250 alice"
tok-earn --format table --kind translation --units 3000 --ref task-10250 \
    alice

step "A training session of an hour and a half, at the rate per hour" \
    "tok-earn --kind training --units 1.5 --ref session-88 erin"
tok-earn --format table --kind training --units 1.5 --ref session-88 erin

step "Status tiers, by lifetime earnings" "tok-report tiers"
tok-report --format table tiers

step "Raise a service's price within the cap: it waits out the notice" \
    "tok-price set service ai-tools 13 --reason 'GPU costs'"
tok-price --format table set service ai-tools 13 --reason 'GPU costs'

step "What is coming, for everyone to see" "tok-price upcoming"
tok-price --format table upcoming

step "A second rise in the same window counts with the first: refused" \
    "tok-price set service ai-tools 14 --effective 2027-01-15"
tok-price --format table set service ai-tools 14 --effective 2027-01-15 \
    2>&1 || echo "(exit status $?)"

step "The price over time" "COLUMNS=72 tok-price history ai-tools --chart"
COLUMNS=72 tok-price history ai-tools --chart

step "Spend: a worker buys a month of a service, at its price in the book" \
    "tok-spend buy --ref order-5512 bob premium-search"
tok-spend --format table buy --ref order-5512 bob premium-search

step "A hold for a bid: 12.00 reserved for three days" \
    "tok-spend hold --ref bid-7781 --timeout 72h carol premium-search 4"
tok-spend --format table hold --ref bid-7781 --timeout 72h carol \
    premium-search 4

step "The bid is won for 9.00: the hold is posted in part, 3.00 go back" \
    "tok-spend post bid-7781 9"
tok-spend --format table post bid-7781 9

step "Cash out at the exchange rate: 98.25 x 0.0125 EUR = 1.228125, paid 1.22 (down)" \
    "tok-spend cashout --ref payout-2026-11-erin erin all"
tok-spend --format table cashout --ref payout-2026-11-erin erin all

step "The payouts, for the payment script" "tok-report payouts"
tok-report --format table payouts

step "The provider paid it: settle from its results (TSV)" \
    "tok-spend settle - <<EOF
payout	status	provider_ref
1	paid	SEPA-20261128-0001
EOF"
tok-spend --format table settle - <<EOF
payout	status	provider_ref
1	paid	SEPA-20261128-0001
EOF

step "Settled" "tok-report payouts --status paid"
tok-report --format table payouts --status paid

step "Past the cap, a rise needs a vote: propose the refused one, as its action" \
    "tok-vote propose 'ai-tools at 14.00 from 2027-01-15' --ref prop-ai-14 --action 'service ai-tools 14 --effective 2027-01-15'"
tok-vote --format table propose 'ai-tools at 14.00 from 2027-01-15' \
    --ref prop-ai-14 --action 'service ai-tools 14 --effective 2027-01-15'

step "Workers vote, weighed by their balance when the vote opened" \
    "tok-vote cast - <<EOF
proposal	worker	choice
1	alice	yes
1	carol	yes
1	bob	no
1	dmitri	abstain
EOF"
tok-vote --format table cast - <<EOF
proposal	worker	choice
1	alice	yes
1	carol	yes
1	bob	no
1	dmitri	abstain
EOF

step "Erin cashed out everything before it opened: no weight" \
    "tok-vote cast 1 erin no"
tok-vote --format table cast 1 erin no 2>&1 || echo "(exit status $?)"

step "Bob changes his mind until the close: his latest vote counts" \
    "tok-vote cast 1 bob yes"
tok-vote --format table cast 1 bob yes

step "The tally so far" "tok-vote show 1"
tok-vote --format table show 1

step "A week later, cron closes what is due: it passed, the rise is applied" \
    "TOK_NOW=2026-12-05T18:00:00Z tok-vote close --due"
TOK_NOW=2026-12-05T18:00:00Z tok-vote --format table close --due

step "The outcome" "tok-vote list"
tok-vote --format table list

step "The voted rise is coming, after the notice, for everyone to see" \
    "tok-price upcoming"
tok-price --format table upcoming

step "Verify the ledger: sums, balances, the hash chains" \
    "tok-report --format table verify"
tok-report --format table verify
printf '\nThe ledger is %s; try: TOK_DB=%s tok-report balances\n' \
    "$TOK_DB" "$TOK_DB"
