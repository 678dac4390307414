#!/bin/sh
# check.sh - the bats suite against a throwaway PostgreSQL server (make
# check-pg).  The server lives in a temporary directory, listens on a
# Unix socket there only, and is stopped and removed at the end, however
# the run ends.  Each test makes a database of its own in it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/tok-pg.XXXXXX)
trap 'sh "$here/server.sh" stop "$dir"' EXIT INT TERM
sh "$here/server.sh" start "$dir" fast >/dev/null || exit 1
TOK_TEST_PG=$dir sh "$here/../run.sh" "$@"
