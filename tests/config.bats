#!/usr/bin/env bats
# tok.yaml: lookup, refusal of bad or hostile files, policy for new ledgers
# (DESIGN §4).  These tests hold whatever the exact wording of messages.

load helper

DATA=$BATS_TEST_DIRNAME/data/config

# config FILE: writes stdin to FILE, mode 600.
config() {
	cat >"$1"
	chmod 600 "$1"
}

@test "config: a YAML syntax error is unusable (exit 4) naming file:line:column" {
	config "$TOK_CONFIG" <<-'EOF'
	token:
	  decimals: [2
	pricing:
	  notice_days: 30
	EOF
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line '^tok-earn: .*tok\.yaml:[0-9]+:[0-9]+: '
	assert_no_ledger
	t tok-report balances
	assert_failure 4
	assert_stderr_line 'tok\.yaml:[0-9]+:[0-9]+: '
}

@test "config: an unknown key is unusable, named with its place" {
	config "$TOK_CONFIG" <<-'EOF'
	token:
	  decimals: 2
	  decimal: 3
	EOF
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'tok\.yaml:3:[0-9]+: .*decimal'
	assert_no_ledger
	cp "$DATA/unknown-key.yaml" "$TOK_CONFIG"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_line 'tok\.yaml:[0-9]+:[0-9]+: .*curency'
	assert_no_ledger
}

@test "config: wrong types and bad values are unusable" {
	local f
	for f in bad-type bad-value deep; do
		cp "$DATA/$f.yaml" "$T/$f.yaml"
		chmod 600 "$T/$f.yaml"
		t tok-earn --config "$T/$f.yaml" --ref r1 alice 1
		[ "$status" -eq 4 ] || fail "$f.yaml: exit $status, not 4"
		[ -z "$output" ] || fail "$f.yaml: stdout: $output"
		[[ $stderr =~ $f\.yaml:[0-9]+:[0-9]+: ]] || fail "$f.yaml: $stderr"
	done
	config "$TOK_CONFIG" <<<'token: {decimals: 9}'
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_line 'tok\.yaml:1:[0-9]+: '
	assert_no_ledger
}

@test "config: a world-writable config is refused" {
	config "$TOK_CONFIG" <<<'token: {decimals: 0}'
	chmod 666 "$TOK_CONFIG"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'tok\.yaml.*world-writable'
	assert_no_ledger
	config "$T/empty.yaml" </dev/null
	earn --config "$T/empty.yaml" --ref r1 alice 1
	snapshot
	t tok-report balances
	assert_failure 4
	assert_no_stdout
	assert_unchanged
}

@test "config: a billion laughs (aliases) is refused at once" {
	cp "$DATA/billion-laughs.yaml" "$TOK_CONFIG"
	local start end
	start=$(date +%s%N)
	run --separate-stderr timeout 10 tok-earn --ref r1 alice 1 </dev/null
	end=$(date +%s%N)
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'tok\.yaml:[0-9]+:[0-9]+: '
	[ $(((end - start) / 1000000)) -lt 2000 ] ||
	    fail "took $(((end - start) / 1000000)) ms"
	assert_no_ledger
	# One anchor and one alias, harmless in size, are refused as well.
	config "$TOK_CONFIG" <<-'EOF'
	pricing: &p
	  notice_days: 30
	governance: *p
	EOF
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_ledger
}

@test "config: token.decimals 0 makes a ledger of whole tokens, kept in the ledger" {
	config "$TOK_CONFIG" <<-'EOF'
	token:
	  decimals: 0
	EOF
	t tok-earn --ref r1 alice 12
	assert_success
	assert_tsv <<-EOF
	txid|type|account|amount|ref|date|status
	1|earn|alice|12|r1|$TODAY|new
	EOF
	snapshot
	t tok-earn --ref r2 alice 12.5
	assert_failure 3
	assert_no_stdout
	assert_stderr_line '"12\.5"'
	assert_unchanged
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'decimals'")" 0
	# The decimals are the ledger's, whatever the config says later.
	: >"$TOK_CONFIG"
	t tok-earn --ref r3 alice 12.50
	assert_failure 3
	t tok-report balances
	assert_success
	assert_tsv <<-'EOF'
	worker|amount
	alice|12
	EOF
	# And a config with 4 decimals makes a new ledger of 4.
	config "$T/four.yaml" <<<'token: {decimals: 4}'
	t tok-earn --config "$T/four.yaml" --db "$T/four.db" --ref r1 bob 0.0001
	assert_success
	assert_line --index 1 --regexp '	bob	0\.0001	r1	'
}

@test "config: --config overrides TOK_CONFIG" {
	config "$TOK_CONFIG" <<<'this is: [not valid'
	config "$T/zero.yaml" <<<'token: {decimals: 0}'
	t tok-earn --config "$T/zero.yaml" --ref r1 alice 3
	assert_success
	assert_line --index 1 "$(printf '1\tearn\talice\t3\tr1\t%s\tnew' "$TODAY")"
	t tok-report --config "$T/zero.yaml" balances
	assert_success
	t tok-report balances
	assert_failure 4
}

@test "config: an explicit config that does not exist is unusable" {
	t tok-earn --config "$T/no-such.yaml" --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'no-such\.yaml'
	assert_no_ledger
	export TOK_CONFIG="$T/also-missing.yaml"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_line 'also-missing\.yaml'
	assert_no_ledger
}

@test "config: without TOK_CONFIG, \$XDG_CONFIG_HOME/tok/tok.yaml, then ~/.config/tok/tok.yaml" {
	unset TOK_CONFIG
	mkdir -p "$T/xdg/tok" "$HOME/.config/tok"
	config "$T/xdg/tok/tok.yaml" <<<'token: {decimals: 0}'
	config "$HOME/.config/tok/tok.yaml" <<<'token: {decimals: 3}'
	XDG_CONFIG_HOME=$T/xdg t tok-earn --db "$T/a.db" --ref r1 alice 1
	assert_success
	assert_line --index 1 --regexp '	alice	1	r1	'
	t tok-earn --db "$T/b.db" --ref r1 alice 1
	assert_success
	assert_line --index 1 --regexp '	alice	1\.000	r1	'
	# A broken file found by the lookup is an error, not skipped.
	config "$HOME/.config/tok/tok.yaml" <<<'token: ['
	t tok-earn --db "$T/c.db" --ref r1 alice 1
	assert_failure 4
	assert_stderr_line '\.config/tok/tok\.yaml:[0-9]+:[0-9]+: '
	assert_no_ledger "$T/c.db"
}

@test "config: an empty config means the built-in defaults" {
	t tok-earn --ref r1 alice 1.25
	assert_success
	assert_line --index 1 --regexp '	alice	1\.25	r1	'
	printf '# only a comment\n' >"$TOK_CONFIG"
	t tok-earn --ref r2 alice 1.5
	assert_success
}

@test "config: an empty TOK_CONFIG is as if unset" {
	export TOK_CONFIG=
	mkdir -p "$HOME/.config/tok"
	config "$HOME/.config/tok/tok.yaml" <<<'token: {decimals: 1}'
	t tok-earn --ref r1 alice 1
	assert_success
	assert_line --index 1 --regexp '	alice	1\.0	r1	'
}

@test "config: XDG_CONFIG_HOME set: ~/.config is not looked at; a relative one is ignored" {
	[ ! -e /etc/tok/tok.yaml ] || skip "/etc/tok/tok.yaml exists on this machine"
	unset TOK_CONFIG
	mkdir -p "$T/xdg" "$HOME/.config/tok"
	config "$HOME/.config/tok/tok.yaml" <<<'token: {decimals: 3}'
	XDG_CONFIG_HOME=$T/xdg t tok-earn --db "$T/a.db" --ref r1 alice 1
	assert_success
	assert_line --index 1 --regexp '	alice	1\.00	r1	'
	XDG_CONFIG_HOME=xdg t tok-earn --db "$T/b.db" --ref r1 alice 1
	assert_success
	assert_line --index 1 --regexp '	alice	1\.000	r1	'
}

@test "config: a section left empty keeps its defaults" {
	config "$TOK_CONFIG" <<-'EOF'
	# only sections, no keys
	token:
	pricing:
	ledger: ~
	EOF
	t tok-earn --ref r1 alice 1.25
	assert_success
	assert_line --index 1 --regexp '	alice	1\.25	r1	'
	assert_equal "$(q "SELECT value FROM meta WHERE key = 'chain'")" sha256
}

@test "config: duplicate keys, tags, two documents and NUL bytes are refused" {
	local n=0
	while IFS= read -r yaml; do
		n=$((n + 1))
		printf '%b' "$yaml" >"$T/c$n.yaml"
		chmod 600 "$T/c$n.yaml"
		t tok-earn --config "$T/c$n.yaml" --ref r1 alice 1
		[ "$status" -eq 4 ] || fail "'$yaml': exit $status, not 4"
		[ -z "$output" ] || fail "'$yaml': stdout: $output"
		[[ $stderr =~ c$n\.yaml:[0-9]+:[0-9]+: ]] || fail "'$yaml': $stderr"
	done <<-'EOF'
	token:\n  decimals: 2\n  decimals: 3\n
	token:\n  decimals: 2\ntoken:\n  decimals: 3\n
	token: !!map {decimals: 2}\n
	token:\n  decimals: !!int 2\n
	token: {decimals: 2}\n---\ntoken: {decimals: 3}\n
	currency:\n  code: "E\\0R"\n
	token:\n  decimals: -1\n
	token:\n  decimals: 2.0\n
	[1, 2]\n
	EOF
	assert_equal "$n" 9
	assert_no_ledger
}

@test "config: a file over 1 MiB and a scalar over 4096 bytes are refused" {
	{ echo 'token:'; echo '  decimals: 2'
	  awk 'BEGIN { for (i = 0; i < 50000; i++) print "# padding padding padding" }'
	} >"$TOK_CONFIG"
	[ "$(stat -c %s "$TOK_CONFIG")" -gt 1048576 ]
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'tok\.yaml'
	awk 'BEGIN { printf "currency:\n  code: "; for (i = 0; i < 5000; i++) printf "E"; print "" }' >"$TOK_CONFIG"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_line 'tok\.yaml:[0-9]+:[0-9]+: '
	assert_no_ledger
}

@test "config: a key file that is missing or empty is unusable, before any ledger is made" {
	printf 'ledger:\n  hmac_key_file: %s\n' "$T/missing.key" | config "$TOK_CONFIG"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_line 'missing\.key'
	assert_no_ledger
	: >"$T/empty.key"
	chmod 600 "$T/empty.key"
	printf 'ledger:\n  hmac_key_file: %s\n' "$T/empty.key" | config "$TOK_CONFIG"
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_line 'empty\.key'
	assert_no_ledger
}

@test "config: the config is checked before the ledger is looked at" {
	# A ledger that cannot be opened: garbage in the file, or on
	# PostgreSQL a database that does not exist.
	if on_pg; then
		export TOK_DB="postgresql:///${PG_NAME}_none?host=$TOK_TEST_PG"
	else
		head -c 4096 /dev/urandom >"$TOK_DB"
	fi
	config "$TOK_CONFIG" <<<'token: {decimals: nine}'
	t tok-earn --ref r1 alice 1
	assert_failure 4
	assert_stderr_lines 1
	assert_stderr_line 'tok\.yaml:1:[0-9]+: '
	t tok-report balances
	assert_failure 4
	assert_stderr_line 'tok\.yaml:1:[0-9]+: '
}

# bad_config EXPECT-REGEXP: writes stdin to $TOK_CONFIG; tok-earn must
# refuse it (exit 4, nothing on stdout, no ledger) with one line on stderr
# naming tok.yaml:LINE:COLUMN and matching EXPECT-REGEXP.
bad_config() {
	config "$TOK_CONFIG"
	t tok-earn --ref r alice 1
	assert_failure 4
	assert_no_stdout
	assert_stderr_lines 1
	assert_stderr_line "^tok-earn: .*tok\.yaml:$1"
	assert_no_ledger
}

@test "config: a tier multiplier out of 0.0001..100 or with more than 4 decimals is unusable" {
	bad_config '4:17: tiers\[0\]\.multiplier: .*100\.5' <<-'EOF'
	tiers:
	  - name: bronze
	    min_earned: 0
	    multiplier: 100.5
	EOF
	bad_config '6:17: tiers\[1\]\.multiplier: .*"0"' <<-'EOF'
	tiers:
	  - name: bronze
	    min_earned: 0
	  - name: silver
	    min_earned: 500
	    multiplier: 0
	EOF
	bad_config '4:17: tiers\[0\]\.multiplier: .*1\.12345.*decimals' <<-'EOF'
	tiers:
	  - name: bronze
	    min_earned: 0
	    multiplier: 1.12345
	EOF
	# The bounds themselves, and 4 decimals, are fine.
	config "$TOK_CONFIG" <<-'EOF'
	tiers:
	  - name: bronze
	    min_earned: 0
	    multiplier: 0.0001
	  - name: silver
	    min_earned: 500
	    multiplier: 1.1025
	  - name: gold
	    min_earned: 2000
	    multiplier: 100
	EOF
	t tok-earn --ref r alice 1
	assert_success
}

@test "config: a price entry without its price, or of an unknown kind, is unusable" {
	bad_config '2:5: prices\[0\]: .*price' <<-'EOF'
	prices:
	  - kind: task
	    name: translation
	    per: word
	EOF
	bad_config '5:11: prices\[1\]\.kind: .*tusk' <<-'EOF'
	prices:
	  - kind: task
	    name: translation
	    price: 0.05
	  - kind: tusk
	    name: training
	    price: 40
	EOF
}

@test "config: min_tier on a task, or naming no tier, is unusable at its place" {
	bad_config '9:5: prices\[0\]\.min_tier' <<-'EOF'
	tiers:
	  - name: silver
	    min_earned: 500
	prices:
	  - kind: task
	    name: translation
	    price: 0.05
	    per: word
	    min_tier: silver
	EOF
	# Tiers may come after prices: the name is checked at the end.
	bad_config '5:15: prices\[0\]\.min_tier: .*platinum' <<-'EOF'
	prices:
	  - kind: service
	    name: ai-tools
	    price: 12
	    min_tier: platinum
	tiers:
	  - name: silver
	    min_earned: 500
	EOF
	config "$TOK_CONFIG" <<-'EOF'
	prices:
	  - kind: service
	    name: ai-tools
	    price: 12
	    min_tier: silver
	tiers:
	  - name: silver
	    min_earned: 500
	EOF
	t tok-earn --ref r alice 1
	assert_success
}

@test "config: an exchange rate not named by the currency is unusable" {
	bad_config '6:11: prices\[1\]\.name: .*USD' <<-'EOF'
	prices:
	  - kind: task
	    name: translation
	    price: 0.05
	  - kind: exchange
	    name: USD
	    price: 0.0125
	EOF
	# The currency may come after prices.
	bad_config '3:11: prices\[0\]\.name: .*EUR' <<-'EOF'
	prices:
	  - kind: exchange
	    name: EUR
	    price: 0.0125
	currency:
	  code: USD
	EOF
	config "$TOK_CONFIG" <<-'EOF'
	prices:
	  - kind: exchange
	    name: USD
	    price: 0.0125
	currency:
	  code: USD
	EOF
	t tok-earn --ref r alice 1
	assert_success
}

@test "config: the example tok.yaml, with its price book, is valid" {
	cp "$BATS_TEST_DIRNAME/../examples/tok.yaml" "$TOK_CONFIG"
	chmod 600 "$TOK_CONFIG"
	t tok-earn --ref r alice 1
	assert_success
}
