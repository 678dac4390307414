# fish completion for tok-spend(1)

# __tok_line_args, __tok_operands, __tok_workers and the other helpers
# shared by the tok tools.
source (status dirname)/tok-common.fish

# The operands before the cursor (the command's name first), without
# options and their arguments: options may come before or after the name.
function __tok_spend_operands
    __tok_operands --ref --ref-prefix --timeout --reason --as-of --rejects --db --config --wait --format
end

# True when the command is one of $argv[2..] and $argv[1] operands follow
# it.
function __tok_spend_at
    set -l ops (__tok_spend_operands)
    test (count $ops) -eq (math $argv[1] + 1); and contains -- "$ops[1]" $argv[2..-1]
end

# True when the first operand after the command is - (standard input).
function __tok_spend_stdin
    set -l ops (__tok_spend_operands)
    test (count $ops) -ge 2; and test "$ops[2]" = -
end

# True when the command is one of $argv.
function __tok_spend_command
    set -l ops (__tok_spend_operands)
    test (count $ops) -ge 1; and contains -- "$ops[1]" $argv
end

complete -c tok-spend -f
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a buy -d 'buy a service, or a batch of purchases'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a hold -d 'reserve tokens, to post or void later'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a post -d 'spend a hold, in full or in part'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a void -d 'cancel a hold: its tokens go back'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a refund -d 'refund a purchase, by its txid'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a cashout -d 'cash tokens out into money, or a batch'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a settle -d 'record how payouts went, paid or failed'
complete -c tok-spend -n 'test (count (__tok_spend_operands)) -eq 0' -a expire -d 'void holds past their timeout, expire old tokens'

# buy|cashout WORKER ..., or buy|cashout FILE | -; hold WORKER SERVICE;
# settle FILE | -.  post and void take a hold's ref, refund a txid: not
# completed.
complete -c tok-spend -n '__tok_spend_at 0 buy cashout hold' -a '(__tok_workers)' -d worker
complete -c tok-spend -n '__tok_spend_at 0 buy cashout settle' -a - -d 'standard input'
complete -c tok-spend -n '__tok_spend_at 0 buy cashout settle' -F
complete -c tok-spend -n '__tok_spend_at 1 buy hold; and not __tok_spend_stdin' -a '(__tok_services)' -d service
complete -c tok-spend -n '__tok_spend_at 1 cashout; and not __tok_spend_stdin' -a all -d 'the whole balance'

complete -c tok-spend -s n -l dry-run -d 'check and print the receipt, write nothing'
complete -c tok-spend -n 'not __tok_spend_command post void refund settle expire' -l ref -x -d 'the ref of the purchase, hold or cash-out'
complete -c tok-spend -n 'not __tok_spend_command hold post void refund settle expire' -l ref-prefix -x -d 'batch: ref of a record without one: PREFIX + worker'
complete -c tok-spend -n 'not __tok_spend_command hold post void refund settle expire' -l skip-invalid -d 'batch: write the good records, leave out the bad ones'
complete -c tok-spend -n 'not __tok_spend_command hold post void refund settle expire' -l rejects -r -F -d 'batch: file for the bad lines'
complete -c tok-spend -n 'not __tok_spend_command buy post void refund cashout settle expire' -l timeout -x -a '90m 24h 72h 7d 30d' -d 'how long until expire voids the hold'
complete -c tok-spend -n 'not __tok_spend_command buy hold post void cashout settle expire' -l reason -x -d 'why, kept in the refund memo'
complete -c tok-spend -n 'not __tok_spend_command buy hold post void refund cashout settle' -l as-of -x -a '(date -u +%Y-%m-%d)' -d 'the business date of the expiry'
complete -c tok-spend -l db -r -F -d 'ledger file'
complete -c tok-spend -l config -r -F -d 'configuration file'
complete -c tok-spend -l wait -x -d 'seconds to wait for the ledger lock'
complete -c tok-spend -l format -x -a 'table tsv csv json' -d 'output format'
complete -c tok-spend -s h -l help -d 'print the usage and exit'
complete -c tok-spend -l version -d 'print the version and exit'
