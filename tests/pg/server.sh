#!/bin/sh
# server.sh - a throwaway PostgreSQL server for the tests and benchmarks:
#   server.sh start DIR [fast]   initdb into DIR/data, listen on a Unix
#                                socket in DIR only; prints the socket dir
#   server.sh stop DIR           stop it and remove DIR
# "fast" turns fsync off: for the behaviour suite, never for benchmarks.
# The server runs as the invoking user, or as postgres when that is root
# (initdb refuses root); trust authentication over the socket, whose
# directory only that user and root can enter.
set -eu
bindir() {
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -x "$d/initdb" ] || { echo "server.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
	echo "$d"
}
as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cmd=${1:?usage: server.sh start|stop DIR}
dir=${2:?usage: server.sh start|stop DIR}
bin=$(bindir)
case $cmd in
start)
	mkdir -p "$dir"
	chmod 700 "$dir"
	[ "$(id -u)" != 0 ] || chown postgres "$dir"
	extra=
	[ "${3:-}" != fast ] || extra="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	as_owner "$bin/initdb" -D "$dir/data" -U "$(id -un)" --auth=trust \
	    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
	    { cat "$dir/initdb.log" >&2; exit 1; }
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
	    "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 $extra" \
	    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "$dir"
	;;
stop)
	[ ! -d "$dir/data" ] || as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: server.sh start|stop DIR" >&2
	exit 2
	;;
esac
