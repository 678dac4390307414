#!/usr/bin/env bats
# tok-report: balances, statements, formats, verify; read-only (DESIGN §10).

load helper

# txid 1 alice 10 today; 2 bob 2.5; 3 alice 5.25 dated 2026-07-01;
# 4 carol 0.75; 5 Zed 1 (sorts before the lower-case names).
seed() {
	earn --ref a1 alice 10
	earn --ref b1 bob 2.5
	earn --ref a2 --date 2026-07-01 --memo 'July bonus' alice 5.25
	earn --ref c1 carol 0.75
	earn --ref z1 Zed 1
}

@test "report: balance of one worker" {
	seed
	snapshot
	t tok-report balance alice
	assert_success
	assert_no_stderr
	assert_tsv <<-'EOF'
	worker|amount
	alice|15.25
	EOF
	assert_unchanged
}

@test "report: balance of an unknown worker is refused (exit 1), nothing on stdout" {
	seed
	snapshot
	t tok-report balance nobody
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-report: .*"nobody"'
	# A platform account is not a worker.
	t tok-report balance platform:issued
	assert_failure 3
	assert_no_stdout
	assert_unchanged
}

@test "report: balances are sorted by name (bytewise)" {
	seed
	snapshot
	t tok-report balances
	assert_success
	assert_no_stderr
	assert_tsv <<-'EOF'
	worker|amount
	Zed|1.00
	alice|15.25
	bob|2.50
	carol|0.75
	EOF
	assert_unchanged
}

@test "report: balances --min keeps those at or above it" {
	seed
	t tok-report balances --min 2.5
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	alice|15.25
	bob|2.50
	EOF
	t tok-report balances --min 15.26
	assert_success
	assert_tsv <<<'worker|amount'
	t tok-report balances --min 0
	assert_success
	assert_equal "${#lines[@]}" 5
	t tok-report balances --min 1,5
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-report: --min: .*"1,5"'
}

@test "report: balances --as-of counts by business date, before and after a dated one" {
	seed
	t tok-report balances --as-of 2026-06-30
	assert_success
	assert_no_stderr
	assert_tsv <<<'worker|amount'
	t tok-report balances --as-of 2026-07-01
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	alice|5.25
	EOF
	t tok-report balances --as-of 2026-11-27
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	alice|5.25
	EOF
	t tok-report balances --as-of "$TODAY"
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	Zed|1.00
	alice|15.25
	bob|2.50
	carol|0.75
	EOF
	t tok-report balances --as-of 2026-07-01 --min 6
	assert_success
	assert_tsv <<<'worker|amount'
	t tok-report balances --as-of 2026-07-32
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-report: --as-of: '
}

@test "report: statement with a running balance, in business-date order" {
	seed
	snapshot
	t tok-report statement alice
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	date|txid|type|ref|memo|amount|balance
	2026-07-01|3|earn|a2|July bonus|5.25|5.25
	$TODAY|1|earn|a1||10.00|15.25
	EOF
	assert_unchanged
}

@test "report: statement --from and --to; the running balance starts from the opening" {
	seed
	t tok-report statement alice --from 2026-08-01
	assert_success
	assert_tsv <<-EOF
	date|txid|type|ref|memo|amount|balance
	$TODAY|1|earn|a1||10.00|15.25
	EOF
	t tok-report statement alice --to 2026-07-31
	assert_success
	assert_tsv <<-EOF
	date|txid|type|ref|memo|amount|balance
	2026-07-01|3|earn|a2|July bonus|5.25|5.25
	EOF
	t tok-report statement alice --from 2026-07-01 --to 2026-07-01
	assert_success
	assert_equal "${#lines[@]}" 2
	t tok-report statement alice --from 2026-08-01 --to 2026-08-31
	assert_success
	assert_tsv <<<'date|txid|type|ref|memo|amount|balance'
	t tok-report statement nobody
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '"nobody"'
}

@test "report: --format csv quotes a memo with a comma and a quote" {
	earn --ref d1 --memo 'lunch, "big" one' dave 1
	earn --ref d2 --memo 'plain' dave 2
	t tok-report --format csv statement dave
	assert_success
	assert_no_stderr
	assert_output "date,txid,type,ref,memo,amount,balance
$TODAY,1,earn,d1,\"lunch, \"\"big\"\" one\",1.00,1.00
$TODAY,2,earn,d2,plain,2.00,3.00"
}

@test "report: --format json is JSON Lines with numbers for amounts" {
	seed
	earn --ref q1 --memo 'say "hi"	tab' dave 1
	local l
	for r in balances "statement alice" "statement dave" verify "balance bob"; do
		# shellcheck disable=SC2086
		t tok-report --format json $r
		assert_success
		[ "${#lines[@]}" -ge 1 ] || fail "$r: no output"
		for l in "${lines[@]}"; do
			echo "$l" | jq -e . >/dev/null || fail "$r: not JSON: $l"
		done
	done
	t tok-report --format json balances
	assert_output '{"worker":"Zed","amount":1.00}
{"worker":"alice","amount":15.25}
{"worker":"bob","amount":2.50}
{"worker":"carol","amount":0.75}
{"worker":"dave","amount":1.00}'
	echo "$output" | jq -se 'all(.amount | type == "number")' >/dev/null ||
	    fail "amount is not a number"
	t tok-report --format json statement dave
	assert_success
	assert_equal "$(echo "$output" | jq -c '[.txid, .memo, .amount, .balance]')" \
	    '[6,"say \"hi\"\ttab",1,1]'
}

@test "report: --format table aligns columns, numbers to the right" {
	seed
	t tok-report --format table balances
	assert_success
	assert_no_stderr
	assert_output "worker  amount
Zed       1.00
alice    15.25
bob       2.50
carol     0.75"
	t tok-report --format tsv balances
	assert_success
	assert_line --index 0 "$(printf 'worker\tamount')"
}

@test "report: verify on a healthy ledger: six checks ok, exit 0" {
	seed
	snapshot
	t tok-report verify
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	check|status|txid|detail
	sum|ok||
	nonnegative|ok||
	cache|ok||
	chain|ok||5 transactions, 10 postings, head $(chain_head)
	prices|ok||0 price changes, head $(printf '0%.0s' {1..64})
	schema|ok||$SCHEMA_SUMMARY
	EOF
	assert_unchanged
}

@test "report: verify on an empty ledger is ok" {
	printf 'worker\tamount\tref\n' | tok-earn - >/dev/null
	t tok-report verify
	assert_success
	assert_line --index 4 --regexp "^chain	ok		0 transactions, 0 postings"
	assert_line --index 6 "$(printf 'schema\tok\t\t%s' "$SCHEMA_SUMMARY")"
}

@test "report: an option of another report is a usage error" {
	seed
	snapshot
	local args
	for args in "statement alice --min 1" "balance alice --as-of 2026-01-01" \
	    "balances --from 2026-01-01" "verify --to 2026-01-01" \
	    "balances --to 2026-01-01" "statement alice --as-of 2026-01-01"; do
		# shellcheck disable=SC2086
		t tok-report $args
		[ "$status" -eq 2 ] || fail "$args: exit $status, not 2"
		[ -z "$output" ] || fail "$args: stdout: $output"
		[ -n "$stderr" ] || fail "$args: no message"
	done
	assert_unchanged
}

@test "report: unknown reports and missing arguments are usage errors" {
	seed
	snapshot
	t tok-report bogus
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-report: .*"bogus"'
	t tok-report
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^usage: tok-report'
	t tok-report balance
	assert_failure 2
	assert_no_stdout
	t tok-report balance alice bob
	assert_failure 2
	assert_no_stdout
	t tok-report verify extra
	assert_failure 2
	assert_no_stdout
	t tok-report --format yaml balances
	assert_failure 2
	assert_no_stdout
	assert_unchanged
}

@test "report: a missing ledger is unusable (exit 4) and no file is created" {
	local r
	for r in balances "balance alice" "statement alice" verify; do
		# shellcheck disable=SC2086
		t tok-report $r
		[ "$status" -eq 4 ] || fail "$r: exit $status, not 4"
		[ -z "$output" ] || fail "$r: stdout: $output"
		[[ $stderr == "tok-report: $TOK_DB: "* ]] || fail "$r: $stderr"
		assert_no_ledger
	done
	# Nor under the default location.
	unset TOK_DB
	t tok-report balances
	assert_failure 4
	[ ! -e "$HOME/.local" ] || fail "$HOME/.local was created"
}

@test "report: verify in json: an empty txid is null" {
	seed
	t tok-report --format json verify
	assert_success
	assert_line --index 0 '{"check":"sum","status":"ok","txid":null,"detail":""}'
	assert_line --index 2 '{"check":"cache","status":"ok","txid":null,"detail":""}'
	assert_line --index 3 "{\"check\":\"chain\",\"status\":\"ok\",\"txid\":null,\"detail\":\"5 transactions, 10 postings, head $(chain_head)\"}"
	assert_line --index 5 "{\"check\":\"schema\",\"status\":\"ok\",\"txid\":null,\"detail\":\"$SCHEMA_SUMMARY\"}"
	assert_equal "${#lines[@]}" 6
	# Failed, the schema row names the object in detail; txid stays null.
	drop_trigger txn_no_update txn
	t tok-report --format json verify
	assert_failure 5
	assert_line --index 5 "{\"check\":\"schema\",\"status\":\"failed\",\"txid\":null,\"detail\":\"$(trigger_missing txn_no_update txn)\"}"
	assert_stderr_line "^tok-report: verify: schema: $(trigger_missing \
	    txn_no_update txn)\$"
}

@test "report: standard output that cannot be written is exit 4" {
	seed
	run --separate-stderr sh -c 'tok-report balances >/dev/full' </dev/null
	assert_failure 4
	assert_stderr_line '^tok-report: .*(write error|standard output)'
	# A reader that stops early (| head) is no error.
	run sh -c 'tok-report balances | head -n 1'
	assert_success
	assert_output "$(printf 'worker\tamount')"
}

@test "report: a bad TOK_NOW is bad data" {
	seed
	TOK_NOW=soon t tok-report balances
	assert_failure 3
	assert_no_stdout
	assert_stderr_line 'TOK_NOW'
}

@test "report: a table is cut to COLUMNS, text only, numbers never" {
	earn --ref a-rather-long-reference-for-a-task --memo "$(printf 'ü%.0s' {1..60})" alice 1234567.89
	COLUMNS=60 t tok-report --format table statement alice
	assert_success
	local l
	for l in "${lines[@]}"; do
		[ "$(printf '%s' "$l" | wc -m)" -le 60 ] ||
		    fail "wider than 60: $l"
	done
	assert_line --index 1 --regexp '1234567\.89 +1234567\.89$'
	assert_line --index 1 --regexp '…'
}

@test "report: tok-report --help, --version" {
	t tok-report --help
	assert_success
	assert_line --index 0 --regexp '^usage: tok-report '
	t tok-report --version
	assert_success
	assert_output --regexp '^tok-report [0-9]+\.[0-9]+\.[0-9]+$'
	assert_no_ledger
}
