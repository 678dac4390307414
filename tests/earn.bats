#!/usr/bin/env bats
# tok-earn, one earning at a time: receipts, idempotency, validation.

load helper

RECEIPT='txid|type|account|amount|ref|date|status'

@test "earn: one earning prints a receipt and records a balanced transaction" {
	t tok-earn --ref task-1 alice 12.5
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|12.50|task-1|$TODAY|new
	EOF
	assert_equal "$(q 'SELECT txid, ref, type, date, recorded, actor, memo,
	    CASE WHEN reverses IS NULL THEN 1 ELSE 0 END FROM txn')" \
	    "1|task-1|earn|$TODAY|$NOW|$ME||1"
	assert_equal "$(q 'SELECT seq, account, amount FROM posting ORDER BY seq')" \
	    "1|platform:issued|-1250
2|alice|1250"
	assert_equal "$(ledger_sum)" 1250
	assert_equal "$(ledger_zero)" 0
}

@test "earn: the same ref again reports the original as exists and writes nothing" {
	earn --ref task-1 alice 12.5
	earn --ref task-2 bob 1
	snapshot
	t tok-earn --ref task-1 alice 12.50
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|12.50|task-1|$TODAY|exists
	EOF
	assert_unchanged
}

@test "earn: a re-run on a later day still finds the original, with its date" {
	earn --ref task-1 alice 3
	snapshot
	TOK_NOW=2026-12-03T08:00:00Z t tok-earn --ref task-1 alice 3
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|3.00|task-1|$TODAY|exists
	EOF
	assert_unchanged
}

@test "earn: the same ref with another amount is a conflict that names the field" {
	earn --ref task-1 alice 12.5
	snapshot
	t tok-earn --ref task-1 alice 13
	assert_failure 1
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-earn: .*"task-1".*conflict.*amount'
	assert_stderr_line '13\.00'
	assert_stderr_line '12\.50'
	assert_unchanged
}

@test "earn: conflicts on worker, date and memo each name the field" {
	earn --ref task-1 --date 2026-11-20 --memo first alice 5
	snapshot
	t tok-earn --ref task-1 --date 2026-11-20 --memo first bob 5
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"task-1".*conflict.*account'
	t tok-earn --ref task-1 --date 2026-11-21 --memo first alice 5
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"task-1".*conflict.*date'
	t tok-earn --ref task-1 --date 2026-11-20 --memo second alice 5
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"task-1".*conflict.*memo'
	assert_unchanged
	# What the re-run does not say is not compared: still the same.
	t tok-earn --ref task-1 alice 5
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|5.00|task-1|2026-11-20|exists
	EOF
	assert_unchanged
}

@test "earn: without --ref the ref is auto:TXID, and each run is a new earning" {
	earn --ref task-1 alice 1
	t tok-earn bob 3
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	2|earn|bob|3.00|auto:2|$TODAY|new
	EOF
	t tok-earn bob 3
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	3|earn|bob|3.00|auto:3|$TODAY|new
	EOF
	assert_equal "$(q_join ' ' 'SELECT ref FROM txn ORDER BY txid')" \
	    "task-1 auto:2 auto:3"
	assert_equal "$(ledger_sum)" 700
}

@test "earn: refs of the form auto:N are tok's own and refused" {
	earn alice 1
	snapshot
	t tok-earn --ref auto:1 alice 1
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: ref "auto:1": '
	t tok-earn --ref 'has space' alice 1
	assert_failure 3
	assert_stderr_line '^tok-earn: ref "has space": '
	assert_unchanged
}

@test "earn: --memo and --date are recorded, the receipt shows the business date" {
	t tok-earn --ref task-7 --memo 'for task 7 — ü' --date 2026-11-01 alice 5
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|5.00|task-7|2026-11-01|new
	EOF
	assert_equal "$(q 'SELECT date, recorded, memo FROM txn')" \
	    "2026-11-01|$NOW|for task 7 — ü"
	# 29 February exists in a leap year.
	t tok-earn --ref leap --date 2028-02-29 alice 1
	assert_success
	assert_line --index 1 "$(printf '2\tearn\talice\t1.00\tleap\t2028-02-29\tnew')"
}

@test "earn: a bad --date is a usage error that names the option" {
	earn --ref task-1 alice 1
	snapshot
	for d in 2026-02-30 2026-13-01 2026-1-5 28.11.2026 2026-11-28T00:00:00Z \
	    '' 'yesterday'; do
		t tok-earn --ref task-2 --date "$d" alice 1
		[ "$status" -eq 2 ] || fail "--date '$d': exit $status, not 2"
		assert_no_stdout
		assert_stderr_line "^tok-earn: --date: .*\"$d\""
	done
	assert_unchanged
}

@test "earn: every malformed amount is bad data (exit 3) quoting the input" {
	earn --ref seed alice 1
	snapshot
	local a
	for a in '12,5' '1e3' '-5' '0' '0.00' 'NaN' '' '12.345' \
	    '99999999999999999999' '12.5abc' '١٢' ' 12' '.5' '5.' '+5' \
	    '12 ' '0x10' '1.2.3' '92233720368547758.08' 'inf'; do
		# "--" so that "-5" is read as an amount, not as an option.
		t tok-earn --ref bad -- alice "$a"
		[ "$status" -eq 3 ] ||
		    fail "amount '$a': exit $status, not 3 (stderr: $stderr)"
		[ -z "$output" ] || fail "amount '$a': stdout: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] ||
		    fail "amount '$a': stderr: $stderr"
		[[ $stderr == "tok-earn: amount \"$a\": "* ]] ||
		    fail "amount '$a': message does not quote it: $stderr"
	done
	assert_unchanged
}

@test "earn: the smallest amount, whole amounts and one decimal" {
	t tok-earn --ref small alice 0.01
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t0.01\tsmall\t%s\tnew' "$TODAY")"
	t tok-earn --ref whole alice 7
	assert_success
	t tok-earn --ref one alice 7.5
	assert_success
	assert_equal "$(q_join ' ' "SELECT amount FROM posting
	    WHERE account = 'alice' ORDER BY txid")" "1 700 750"
	assert_equal "$(ledger_sum)" 1451
}

@test "earn: on an existing ledger an amount is read with the ledger's decimals, not 8" {
	earn --ref small alice 0.01
	# 92233720368547758.06 has 2 decimals and fits an int64 in hundredths;
	# in hundred-millionths it would not.
	t tok-earn --ref big bob 92233720368547758.06
	assert_success
	assert_line --index 1 \
	    "$(printf '2\tearn\tbob\t92233720368547758.06\tbig\t%s\tnew' "$TODAY")"
	assert_equal "$(ledger_sum)" 9223372036854775807
	t tok-earn --ref bad bob 1.2.3
	assert_failure 3
	assert_stderr_line '^tok-earn: amount "1\.2\.3": not a number'
}

@test "earn: the largest amount fits; past it the total issued is refused (exit 1)" {
	t tok-earn --ref big alice 92233720368547758.07
	assert_success
	assert_line --index 1 \
	    "$(printf '1\tearn\talice\t92233720368547758.07\tbig\t%s\tnew' "$TODAY")"
	assert_equal "$(ledger_sum)" 9223372036854775807
	# One more unit to anyone and the tokens issued no longer fit an int64
	# (tok-earn(1): "The total ever issued must fit the same range"):
	# refused, never wrapped.
	snapshot
	t tok-earn --ref more bob 0.01
	assert_failure 1
	assert_no_stdout
	t tok-earn --ref more2 carol 0.02
	assert_failure 1
	assert_no_stdout
	assert_unchanged
}

@test "earn: bad worker names are bad data (exit 3)" {
	earn --ref seed alice 1
	snapshot
	local w long
	long=$(printf 'w%.0s' {1..65})
	for w in '' "$long" 'a b' 'platform:issued' 'al/ice' 'ünï' 'a:b' \
	    "$(printf 'a\tb')"; do
		t tok-earn --ref bad -- "$w" 1
		[ "$status" -eq 3 ] || fail "worker '$w': exit $status, not 3"
		[ -z "$output" ] || fail "worker '$w': stdout: $output"
		[[ $stderr == "tok-earn: worker"* ]] ||
		    fail "worker '$w': message: $stderr"
	done
	assert_unchanged
}

@test "earn: worker names of 1 to 64 characters of A-Za-z0-9._- are accepted" {
	local long
	long=$(printf 'w%.0s' {1..64})
	t tok-earn --ref r1 "$long" 1
	assert_success
	t tok-earn --ref r2 A.b_c-9 1
	assert_success
	t tok-earn --ref r3 x 1
	assert_success
	assert_equal "$(q_join ' ' "SELECT account FROM posting
	    WHERE amount > 0 ORDER BY txid")" "$long A.b_c-9 x"
}

@test "earn: usage errors exit 2 and write nothing" {
	earn --ref seed alice 1
	snapshot
	t tok-earn
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^usage: tok-earn'
	t tok-earn alice 1 2
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^usage: tok-earn'
	t tok-earn --no-such-option alice 1
	assert_failure 2
	assert_no_stdout
	assert_stderr_line 'no-such-option'
	t tok-earn --ref
	assert_failure 2
	assert_no_stdout
	t tok-earn --skip-invalid -
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*--rejects'
	t tok-earn --skip-invalid alice 1
	assert_failure 2
	assert_no_stdout
	t tok-earn --ref r1 -
	assert_failure 2
	assert_no_stdout
	assert_stderr_line '^tok-earn: --ref '
	t tok-earn --ref-prefix p- alice 1
	assert_failure 2
	assert_no_stdout
	t tok-earn --rejects rej.tsv alice 1
	assert_failure 2
	assert_no_stdout
	[ ! -e rej.tsv ] || fail "rej.tsv was created"
	t tok-earn --wait soon alice 1
	assert_failure 2
	assert_stderr_line '^tok-earn: --wait "soon"'
	t tok-earn --format xml alice 1
	assert_failure 2
	assert_stderr_line '^tok-earn: --format "xml"'
	# Without "--", "-5" is an option: a usage error, not an amount.
	t tok-earn alice -5
	assert_failure 2
	assert_no_stdout
	assert_unchanged
}

@test "earn: --help and --version print to stdout and exit 0" {
	t tok-earn --help
	assert_success
	assert_no_stderr
	assert_line --index 0 --regexp '^usage: tok-earn '
	t tok-earn -h
	assert_success
	assert_line --index 0 --regexp '^usage: tok-earn '
	t tok-earn --version
	assert_success
	assert_output --regexp '^tok-earn [0-9]+\.[0-9]+\.[0-9]+$'
	assert_no_ledger
}

@test "earn: --dry-run prints the receipt and writes nothing" {
	earn --ref seed alice 1
	snapshot
	t tok-earn -n --ref task-2 bob 2
	assert_success
	assert_no_stderr
	assert_tsv <<-EOF
	$RECEIPT
	2|earn|bob|2.00|task-2|$TODAY|new
	EOF
	t tok-earn --dry-run --ref seed alice 1
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|1.00|seed|$TODAY|exists
	EOF
	t tok-earn --dry-run --ref seed alice 2
	assert_failure 1
	assert_no_stdout
	assert_unchanged
}

@test "earn: --dry-run on a ledger that does not exist yet creates nothing" {
	t tok-earn -n --ref task-1 alice 2
	assert_success
	assert_tsv <<-EOF
	$RECEIPT
	1|earn|alice|2.00|task-1|$TODAY|new
	EOF
	assert_no_ledger
}

@test "earn: a refused earning leaves no ledger behind where there was none" {
	t tok-earn alice 12,5
	assert_failure 3
	assert_no_stdout
	assert_no_ledger
	t tok-earn 'a b' 1
	assert_failure 3
	assert_no_ledger
}

@test "earn: the receipt in json, csv and table" {
	t tok-earn --format json --ref task-1 alice 12.5
	assert_success
	assert_output "{\"txid\":1,\"type\":\"earn\",\"account\":\"alice\",\"amount\":12.50,\"ref\":\"task-1\",\"date\":\"$TODAY\",\"status\":\"new\"}"
	echo "$output" | jq -e '.amount == 12.5 and (.txid | type) == "number"' >/dev/null ||
	    fail "json receipt: $output"
	t tok-earn --format csv --ref task-1 alice 12.5
	assert_success
	assert_output "txid,type,account,amount,ref,date,status
1,earn,alice,12.50,task-1,$TODAY,exists"
	t tok-earn --format table --ref task-1 alice 12.5
	assert_success
	assert_output "txid  type  account  amount  ref     date        status
   1  earn  alice     12.50  task-1  $TODAY  exists"
	assert_equal "$(txn_count)" 1
}

@test "earn: --memo '' is an empty memo, and it is compared" {
	earn --ref m1 --memo 'some memo' alice 1
	earn --ref m2 bob 1
	snapshot
	t tok-earn --ref m1 --memo '' alice 1
	assert_failure 1
	assert_no_stdout
	assert_stderr_line '^tok-earn: .*"m1".*conflict.*memo'
	t tok-earn --ref m2 --memo '' bob 1
	assert_success
	assert_line --index 1 --regexp '	m2	2026-11-28	exists$'
	assert_unchanged
}

@test "earn: memos: 1024 bytes of UTF-8 at most" {
	local memo
	memo=$(printf 'ü%.0s' {1..512})
	t tok-earn --ref m1 --memo "$memo" alice 1
	assert_success
	assert_equal "$(q_bytes 'SELECT memo FROM txn' | wc -c)" 1024
	snapshot
	t tok-earn --ref m2 --memo "${memo}x" alice 1
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: memo'
	t tok-earn --ref m3 --memo "$(printf 'ok\377')" alice 1
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '^tok-earn: memo.*UTF-8'
	assert_unchanged
}

@test "earn: refs: 128 printable ASCII characters at most" {
	local ref
	ref=$(printf 'r%.0s' {1..128})
	t tok-earn --ref "$ref" alice 1
	assert_success
	assert_equal "$(q 'SELECT ref FROM txn')" "$ref"
	snapshot
	t tok-earn --ref "${ref}r" alice 1
	assert_failure 3
	assert_no_stdout
	t tok-earn --ref 'ref-ü' alice 1
	assert_failure 3
	t tok-earn --ref '' alice 1
	assert_failure 3
	assert_unchanged
}

@test "earn: TOK_NOW sets the recording time and today; a bad one is bad data" {
	TOK_NOW=2026-11-27 t tok-earn --ref r1 alice 1
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t1.00\tr1\t2026-11-27\tnew')"
	assert_equal "$(q 'SELECT recorded FROM txn')" 2026-11-27T00:00:00Z
	snapshot
	local now
	for now in yesterday 2026-11-28T12:00:00 2026-11-28T25:00:00Z 1764331200; do
		TOK_NOW=$now t tok-earn --ref r2 alice 1
		[ "$status" -eq 3 ] || fail "TOK_NOW=$now: exit $status, not 3"
		[ -z "$output" ] || fail "TOK_NOW=$now: stdout: $output"
		[[ $stderr == *TOK_NOW* ]] || fail "TOK_NOW=$now: $stderr"
	done
	assert_unchanged
}

@test "earn: a receipt that cannot be written is exit 4, the earning stays written" {
	run --separate-stderr sh -c 'tok-earn --ref r1 alice 1 >/dev/full' </dev/null
	assert_failure 4
	assert_stderr_line '^tok-earn: .*(standard output|write error)'
	assert_equal "$(txn_count)" 1
	t tok-earn --ref r1 alice 1
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t1.00\tr1\t%s\texists' "$TODAY")"
}
