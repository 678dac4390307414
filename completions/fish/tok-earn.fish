# fish completion for tok-earn(1)

# __tok_line_args, __tok_operands, __tok_workers and the other helpers
# shared by the tok tools.
source (status dirname)/tok-common.fish

# The operands before the cursor, without options and their arguments.
function __tok_earn_operands
    __tok_operands --ref --memo --date --kind --units --ref-prefix --rejects --db --config --wait --format
end

complete -c tok-earn -n 'test (count (__tok_earn_operands)) -ge 1' -f
complete -c tok-earn -n 'test (count (__tok_earn_operands)) -eq 0' -a '(__tok_workers)' -d worker
complete -c tok-earn -n 'test (count (__tok_earn_operands)) -eq 0' -a - -d 'standard input'

complete -c tok-earn -s n -l dry-run -d 'check and print the receipt, write nothing'
complete -c tok-earn -l ref -x -d 'ref of a single earning'
complete -c tok-earn -l memo -x -d 'memo kept with the transaction'
complete -c tok-earn -l date -x -a '(date -u +%Y-%m-%d)' -d 'business date'
complete -c tok-earn -l kind -x -a '(__tok_price_names task)' -d 'pay by the rate of this task'
complete -c tok-earn -l units -x -d 'units of work paid by rate'
complete -c tok-earn -l ref-prefix -x -d 'ref of a batch record without one: PREFIX + worker'
complete -c tok-earn -l skip-invalid -d 'write the good records, leave out the bad ones'
complete -c tok-earn -l rejects -r -F -d 'file for the bad lines of a batch'
complete -c tok-earn -l db -r -F -d 'ledger file'
complete -c tok-earn -l config -r -F -d 'configuration file'
complete -c tok-earn -l wait -x -d 'seconds to wait for the ledger lock'
complete -c tok-earn -l format -x -a 'table tsv csv json' -d 'output format'
complete -c tok-earn -s h -l help -d 'print the usage and exit'
complete -c tok-earn -l version -d 'print the version and exit'
