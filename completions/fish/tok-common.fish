# Helpers shared by the fish completions of the tok tools.  Each of
# tok-earn.fish, tok-price.fish, tok-report.fish, tok-spend.fish and
# tok-vote.fish sources this file from its own directory; fish itself would
# load it only to complete a command named tok-common, which there is not.

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

# The operands before the cursor, without options and their arguments:
# $argv are the options that take an argument.
function __tok_operands
    set -l tokens (commandline -opc)
    set -l skip 0
    for t in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case '-?*'
                contains -- $t $argv; and set skip 1
            case '*'
                echo $t
        end
    end
end

# Worker names from the ledger.
function __tok_workers
    set -l args (__tok_line_args)
    tok-report $args balances --format tsv 2>/dev/null | tail -n +2 | cut -f1
end

# Names in the price book, in force or to come; of kind $argv[1] when given.
function __tok_price_names
    set -l args (__tok_line_args)
    begin
        tok-price $args list --format tsv
        tok-price $args upcoming --format tsv
    end 2>/dev/null | awk -F '\t' -v k="$argv[1]" '$1 != "kind" && (k == "" || $1 == k) { print $2 }' | sort -u
end

# The services in force today, which are what can be bought or held.
function __tok_services
    set -l args (__tok_line_args)
    tok-price $args list --kind service --format tsv 2>/dev/null | tail -n +2 | cut -f2
end

# Proposal numbers from the ledger; in state $argv[1] when given.
function __tok_vote_proposals
    set -l args (__tok_line_args)
    set -q argv[1]; and set -a args list --state $argv[1]; or set -a args list
    tok-vote $args --format tsv 2>/dev/null | tail -n +2 | cut -f1
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
