# fish completion for tok-earn(1)

# Worker names from the ledger, honouring a --db or --config given earlier
# on the line.
function __tok_workers
    set -l tokens (commandline -opc)
    set -l args
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case --db --config
                set i (math $i + 1)
                test $i -le (count $tokens); and set -a args $tokens[(math $i - 1)] (string replace -r '^~/' "$HOME/" -- $tokens[$i])
            case '--db=*' '--config=*'
                set -a args (string split -m 1 = -- $tokens[$i])
        end
        set i (math $i + 1)
    end
    tok-report $args balances --format tsv 2>/dev/null | tail -n +2 | cut -f1
end

# The --db and --config given earlier on the line, as words for a tok
# command.
function __tok_line_args
    set -l tokens (commandline -opc)
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case --db --config
                set i (math $i + 1)
                test $i -le (count $tokens); and printf '%s\n' $tokens[(math $i - 1)] (string replace -r '^~/' "$HOME/" -- $tokens[$i])
            case '--db=*' '--config=*'
                string split -m 1 = -- $tokens[$i]
        end
        set i (math $i + 1)
    end
end

# Names in the price book, in force or to come; of kind $argv[1] when given.
function __tok_price_names
    set -l args (__tok_line_args)
    begin
        tok-price $args list --format tsv
        tok-price $args upcoming --format tsv
    end 2>/dev/null | awk -F '\t' -v k="$argv[1]" '$1 != "kind" && (k == "" || $1 == k) { print $2 }' | sort -u
end

# The operands before the cursor, without options and their arguments.
function __tok_earn_operands
    set -l tokens (commandline -opc)
    set -l n 0
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case --ref --memo --date --kind --units --ref-prefix --rejects --db --config --wait --format
                set skip 1
            case '-?*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end

complete -c tok-earn -n 'test (__tok_earn_operands) -ge 1' -f
complete -c tok-earn -n 'test (__tok_earn_operands) -eq 0' -a '(__tok_workers)' -d worker
complete -c tok-earn -n 'test (__tok_earn_operands) -eq 0' -a - -d 'standard input'

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
