#!/bin/sh
# demo.sh - a week of task payouts on a fresh ledger under demo/.
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

step "Verify the ledger: sums, balances, the hash chain" \
    "tok-report --format table verify"
tok-report --format table verify
printf '\nThe ledger is %s; try: TOK_DB=%s tok-report balances\n' \
    "$TOK_DB" "$TOK_DB"
