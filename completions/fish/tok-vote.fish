# fish completion for tok-vote(1)

# __tok_line_args, __tok_operands, __tok_workers and the other helpers
# shared by the tok tools.
source (status dirname)/tok-common.fish

# The operands before the cursor (the command's name first), without
# options and their arguments: options may come before or after the name.
function __tok_vote_operands
    __tok_operands --action --method --opens --closes --days --quorum --threshold --ref --state --rejects --db --config --wait --format
end

# True when the command is $argv[1] and $argv[2] operands follow it.
function __tok_vote_at
    set -l ops (__tok_vote_operands)
    test (count $ops) -eq (math $argv[2] + 1); and test "$ops[1]" = $argv[1]
end

# True when the command is cast and its first operand a proposal number,
# not a batch.
function __tok_vote_cast_one
    set -l ops (__tok_vote_operands)
    test (count $ops) -eq (math $argv[1] + 1); and test "$ops[1]" = cast; and string match -qr '^[1-9][0-9]*$' -- $ops[2]
end

# True when --due is on the line.
function __tok_vote_due
    contains -- --due (commandline -opc)
end

# The command's name, when given.
function __tok_vote_command
    set -l ops (__tok_vote_operands)
    test (count $ops) -ge 1; and echo $ops[1]
end

complete -c tok-vote -f
complete -c tok-vote -n 'test (count (__tok_vote_operands)) -eq 0' -a propose -d 'put a proposal to the vote'
complete -c tok-vote -n 'test (count (__tok_vote_operands)) -eq 0' -a list -d 'the proposals and their states'
complete -c tok-vote -n 'test (count (__tok_vote_operands)) -eq 0' -a show -d 'the tally of a proposal'
complete -c tok-vote -n 'test (count (__tok_vote_operands)) -eq 0' -a cast -d 'vote on a proposal, or a batch of votes'
complete -c tok-vote -n 'test (count (__tok_vote_operands)) -eq 0' -a close -d 'decide a proposal, and apply what passed'

# show ID; close ID | --due; cast ID WORKER CHOICE, or cast FILE | -.
# propose takes a title: not completed.
complete -c tok-vote -n '__tok_vote_at show 0' -a '(__tok_vote_proposals)' -d proposal
complete -c tok-vote -n '__tok_vote_at close 0; and not __tok_vote_due' -a '(__tok_vote_proposals open)' -d 'open proposal'
complete -c tok-vote -n '__tok_vote_at cast 0' -a '(__tok_vote_proposals open)' -d 'open proposal'
complete -c tok-vote -n '__tok_vote_at cast 0' -a - -d 'standard input'
complete -c tok-vote -n '__tok_vote_at cast 0' -F
complete -c tok-vote -n '__tok_vote_cast_one 1' -a '(__tok_workers)' -d worker
complete -c tok-vote -n '__tok_vote_cast_one 2' -a yes -d 'in favour'
complete -c tok-vote -n '__tok_vote_cast_one 2' -a no -d against
complete -c tok-vote -n '__tok_vote_cast_one 2' -a abstain -d 'counts for the quorum only'

complete -c tok-vote -n '__tok_vote_command | string match -qr "^(propose|cast|close)\$"' -s n -l dry-run -d 'check and print the receipt, write nothing'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l action -x -d 'the price change to apply if it passes'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l method -x -a 'token\t"the balance when it opened" member\t"one vote per worker with earnings" quadratic\t"the square root of the balance"' -d 'how votes are weighed'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l opens -x -a '(date -u +%Y-%m-%d; date -u +%Y-%m-%dT%H:%M:%SZ)' -d 'when voting opens, and weights are taken'
complete -c tok-vote -n '__tok_vote_command | string match -q propose; and not __fish_seen_argument -l days' -l closes -x -a '(date -u +%Y-%m-%d; date -u +%Y-%m-%dT%H:%M:%SZ)' -d 'when voting closes'
complete -c tok-vote -n '__tok_vote_command | string match -q propose; and not __fish_seen_argument -l closes' -l days -x -a '1 3 7 14 30' -d 'how many days voting lasts'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l quorum -x -d 'share of the total weight that must vote, 0-100'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l threshold -x -d 'share of yes and no that yes must be above, 1-100'
complete -c tok-vote -n '__tok_vote_command | string match -q propose' -l ref -x -d 'the external key of the proposal'
complete -c tok-vote -n '__tok_vote_command | string match -q list' -l state -x -a 'open passed rejected no-quorum applied' -d 'only the proposals in this state'
complete -c tok-vote -n '__tok_vote_command | string match -q show' -l chart -d 'draw the tally'
complete -c tok-vote -n '__tok_vote_command | string match -q show' -l ascii -d 'draw the chart with ASCII only'
complete -c tok-vote -n '__tok_vote_command | string match -q cast' -l skip-invalid -d 'batch: write the good records, leave out the bad ones'
complete -c tok-vote -n '__tok_vote_command | string match -q cast' -l rejects -r -F -d 'batch: file for the bad lines'
complete -c tok-vote -n '__tok_vote_command | string match -q close' -l due -d 'every open proposal whose close time has come'
complete -c tok-vote -l db -r -F -d 'ledger file'
complete -c tok-vote -l config -r -F -d 'configuration file'
complete -c tok-vote -l wait -x -d 'seconds to wait for the ledger lock'
complete -c tok-vote -l format -x -a 'table tsv csv json' -d 'output format'
complete -c tok-vote -s h -l help -d 'print the usage and exit'
complete -c tok-vote -l version -d 'print the version and exit'
