#!/bin/sh
# run.sh - runs the bats suite and ends with one "N passed, N failed" line.
set -u
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The suite, then the short versions of the stress and fault checks,
# which are of the SQLite file (on PostgreSQL, the suite alone).
dir=$(dirname "$0")
if [ -n "${TOK_TEST_PG:-}" ]; then
	bats --tap "${@:-$dir}" | tee "$out"
else
	bats --tap "$dir" "$dir/stress" "$dir/fault" | tee "$out"
fi
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^not ok ' "$out")
echo "tests: $passed passed, $failed failed"
# A crash of bats itself shows as fewer results than planned.
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$passed" = "${planned:-}" ]
