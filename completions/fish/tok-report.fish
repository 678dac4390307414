# fish completion for tok-report(1)

# __tok_line_args, __tok_operands, __tok_workers and the other helpers
# shared by the tok tools.
source (status dirname)/tok-common.fish

# The operands before the cursor (the report's name first), without
# options and their arguments: options may come before or after the name.
function __tok_report_operands
    __tok_operands --min --as-of --from --to --tier --status --within --proposal --db --config --wait --format
end

# The report's name, when given.
function __tok_report_name
    set -l ops (__tok_report_operands)
    test (count $ops) -ge 1; and echo $ops[1]
end

complete -c tok-report -f
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a balance -d "one worker's balance"
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a balances -d "every worker's balance"
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a statement -d "one worker's entries"
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a tiers -d "each worker's status tier"
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a payouts -d 'the payouts of cash-outs and how they went'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a expiring -d 'what expires within --within days'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a supply -d 'where the tokens issued went, and the liability'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a concentration -d 'Gini, top shares, HHI, Nakamoto of holdings or votes'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a journal -d 'the ledger as an hledger journal'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a verify -d 'check the ledger and its hash chains'
complete -c tok-report -n 'test (count (__tok_report_operands)) -eq 0' -a copy -d 'copy the whole ledger into a new file or database'
complete -c tok-report -n 'set -l o (__tok_report_operands); test (count $o) -eq 1; and contains -- $o[1] copy' -F -d 'new ledger file'
complete -c tok-report -n 'set -l o (__tok_report_operands); test (count $o) -eq 1; and contains -- $o[1] balance statement' -a '(__tok_workers)' -d worker

complete -c tok-report -n '__tok_report_name | string match -q balances' -l min -x -d 'only balances of at least AMOUNT'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(balances|supply|concentration)$\'' -l as-of -x -a '(date -u +%Y-%m-%d)' -d 'at the end of this business date'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(statement|journal)$\'' -l from -x -a '(date -u +%Y-%m-%d)' -d 'first business date'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(statement|journal)$\'' -l to -x -a '(date -u +%Y-%m-%d)' -d 'last business date'
complete -c tok-report -n '__tok_report_name | string match -q statement' -l purchasing-power -d 'what the balance buys now, 30 and 90 days ago'
complete -c tok-report -n '__tok_report_name | string match -q concentration' -l proposal -x -a '(__tok_vote_proposals)' -d 'over the voting power in this proposal'
complete -c tok-report -n '__tok_report_name | string match -q concentration' -l chart -d 'draw the Lorenz curve'
complete -c tok-report -n '__tok_report_name | string match -q concentration' -l ascii -d 'the chart in plain ASCII'
complete -c tok-report -n '__tok_report_name | string match -q tiers' -l tier -x -a '(__tok_tiers)' -d 'only the workers in this tier'
complete -c tok-report -n '__tok_report_name | string match -q payouts' -l status -x -a 'pending paid failed' -d 'only the payouts in this state'
complete -c tok-report -n '__tok_report_name | string match -q expiring' -l within -x -d 'what expires within this many days'
complete -c tok-report -l db -r -F -d 'ledger file'
complete -c tok-report -l config -r -F -d 'configuration file'
complete -c tok-report -l wait -x -d 'seconds to wait for the ledger lock'
complete -c tok-report -l format -x -a 'table tsv csv json' -d 'output format'
complete -c tok-report -s h -l help -d 'print the usage and exit'
complete -c tok-report -l version -d 'print the version and exit'
