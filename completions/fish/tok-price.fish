# fish completion for tok-price(1)

# __tok_line_args, __tok_operands, __tok_workers and the other helpers
# shared by the tok tools.
source (status dirname)/tok-common.fish

# The operands before the cursor (the command's name first), without
# options and their arguments: options may come before or after the name.
function __tok_price_operands
    __tok_operands --kind --as-of --per --unit-decimals --min-tier --effective --reason --proposal --db --config --wait --format
end

# True when the command is $argv[1] and $argv[2] operands follow it.
function __tok_price_at
    set -l ops (__tok_price_operands)
    test (count $ops) -eq (math $argv[2] + 1); and test "$ops[1]" = $argv[1]
end

# The command's name, when given.
function __tok_price_command
    set -l ops (__tok_price_operands)
    test (count $ops) -ge 1; and echo $ops[1]
end

complete -c tok-price -f
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a list -d 'the prices in force'
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a set -d 'change a price, or a batch of them'
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a upcoming -d 'the changes still to come'
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a history -d 'every change of one price'
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a quote -d 'what units come to at a price'
complete -c tok-price -n 'test (count (__tok_price_operands)) -eq 0' -a import -d 'load the prices: of a YAML file'

# set KIND NAME PRICE, or set FILE | -
complete -c tok-price -n '__tok_price_at set 0' -a 'task service exchange' -d kind
complete -c tok-price -n '__tok_price_at set 0' -a - -d 'standard input'
complete -c tok-price -n '__tok_price_at set 0' -F
complete -c tok-price -n '__tok_price_at set 1' -a '(__tok_price_names (__tok_price_operands)[2])' -d name
complete -c tok-price -n '__tok_price_at history 0' -a '(__tok_price_names)' -d name
complete -c tok-price -n '__tok_price_at quote 0' -a '(__tok_price_names)' -d name
complete -c tok-price -n '__tok_price_at import 0' -F

complete -c tok-price -n '__tok_price_command | string match -q list' -l kind -x -a 'task service exchange' -d 'only entries of this kind'
complete -c tok-price -n '__tok_price_command | string match -q list' -l as-of -x -a '(date -u +%Y-%m-%d)' -d 'the book on this business date'
complete -c tok-price -n '__tok_price_command | string match -qr "^(set|import)\$"' -s n -l dry-run -d 'check and print the receipt, write nothing'
complete -c tok-price -n '__tok_price_command | string match -q set' -l per -x -d 'the unit'
complete -c tok-price -n '__tok_price_command | string match -q set' -l unit-decimals -x -a '0 1 2 3 4' -d 'decimals of units of work'
complete -c tok-price -n '__tok_price_command | string match -q set' -l min-tier -x -a '(__tok_tiers)' -d 'the lowest tier that may buy the service'
complete -c tok-price -n '__tok_price_command | string match -q set' -l effective -x -a '(date -u +%Y-%m-%d)' -d 'the date the change takes effect'
complete -c tok-price -n '__tok_price_command | string match -q set' -l reason -x -d 'why, kept with the change'
complete -c tok-price -n '__tok_price_command | string match -q set' -l proposal -x -a '(__tok_vote_proposals passed)' -d 'the passed proposal that allows it'
complete -c tok-price -n '__tok_price_command | string match -q history' -l chart -d 'draw the price over time'
complete -c tok-price -n '__tok_price_command | string match -q history' -l ascii -d 'draw the chart with ASCII only'
complete -c tok-price -l db -r -F -d 'ledger file'
complete -c tok-price -l config -r -F -d 'configuration file'
complete -c tok-price -l wait -x -d 'seconds to wait for the ledger lock'
complete -c tok-price -l format -x -a 'table tsv csv json' -d 'output format'
complete -c tok-price -s h -l help -d 'print the usage and exit'
complete -c tok-price -l version -d 'print the version and exit'
