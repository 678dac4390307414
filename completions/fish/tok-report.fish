# fish completion for tok-report(1)

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

# Tier names, read from the tiers: section of the configuration in use.
function __tok_tiers
    set -l f
    set -l args (__tok_line_args)
    if set -l i (contains -i -- --config $args)
        set f $args[(math $i + 1)]
    else if set -q TOK_CONFIG; and test -n "$TOK_CONFIG"
        set f $TOK_CONFIG
    else
        set f $HOME/.config/tok/tok.yaml
        string match -q '/*' -- "$XDG_CONFIG_HOME"; and set f $XDG_CONFIG_HOME/tok/tok.yaml
        test -r $f; or set f /etc/tok/tok.yaml
    end
    test -r "$f"; or return 0
    awk '/^[^ #-]/ { t = /^tiers:/ }
        t && /^[ -]*name:/ {
            sub(/^[ -]*name:[ ]*/, ""); sub(/[ ]*(#.*)?$/, "")
            gsub(/["\047]/, ""); print
        }' $f 2>/dev/null
end

# The operands before the cursor (the report's name first), without
# options and their arguments: options may come before or after the name.
function __tok_report_operands
    set -l tokens (commandline -opc)
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case --min --as-of --from --to --tier --status --within --proposal --db --config --wait --format
                set skip 1
            case '-?*'
            case '*'
                echo $t
        end
    end
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
complete -c tok-report -n 'set -l o (__tok_report_operands); test (count $o) -eq 1; and contains -- $o[1] balance statement' -a '(__tok_workers)' -d worker

complete -c tok-report -n '__tok_report_name | string match -q balances' -l min -x -d 'only balances of at least AMOUNT'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(balances|supply|concentration)$\'' -l as-of -x -a '(date -u +%Y-%m-%d)' -d 'at the end of this business date'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(statement|journal)$\'' -l from -x -a '(date -u +%Y-%m-%d)' -d 'first business date'
complete -c tok-report -n '__tok_report_name | string match -qr \'^(statement|journal)$\'' -l to -x -a '(date -u +%Y-%m-%d)' -d 'last business date'
complete -c tok-report -n '__tok_report_name | string match -q statement' -l purchasing-power -d 'what the balance buys now, 30 and 90 days ago'
complete -c tok-report -n '__tok_report_name | string match -q concentration' -l proposal -x -a '(tok-vote (__tok_line_args) list --format tsv 2>/dev/null | tail -n +2 | cut -f1)' -d 'over the voting power in this proposal'
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
