#!/bin/sh
# deps.sh - finds what building, testing and benchmarking tok need and,
# on Debian or Ubuntu, installs exactly what is missing.
set -eu

missing=""
need() { missing="$missing $1"; }
has() { command -v "$1" >/dev/null 2>&1; }
has_pc() { has pkg-config && pkg-config --exists "$1" 2>/dev/null; }

has cc || need gcc
has make || need make
has pkg-config || need pkg-config
has_pc sqlite3 || need libsqlite3-dev
has_pc yaml-0.1 || need libyaml-dev
has_pc libcrypto || need libssl-dev
has_pc libpq || need libpq-dev
# make check-pg and make bench start a throwaway PostgreSQL server.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need postgresql
has psql || need postgresql-client
has sqlite3 || need sqlite3
has bats || need bats
[ -f /usr/lib/bats/bats-support/load.bash ] || need bats-support
[ -f /usr/lib/bats/bats-assert/load.bash ] || need bats-assert
has mandoc || need mandoc
has jq || need jq
has hledger || need hledger
has openssl || need openssl
has hyperfine || need hyperfine
[ -x /usr/bin/time ] || need time

[ -z "$missing" ] && exit 0
if ! has apt-get; then
	echo "deps: missing (Debian package names):$missing" >&2
	echo "deps: install them with your system's package manager" >&2
	exit 1
fi
echo "deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
else
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086 # one word per package
$sudo apt-get install -y -qq --no-install-recommends $missing
