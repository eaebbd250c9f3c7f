#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (the docker stack's MLflow server command line is tested against it).
#
# The password comes from the environment (PGPASSWORD), not the command line, so no process list shows it.
#
#   PGPASSWORD=... throwaway-postgres.sh start DIR PORT USER DATABASE
#       Creates a cluster in DIR/data (DIR must exist and be empty) listening on 127.0.0.1:PORT only, with
#       password (scram-sha-256) authentication as in the postgres image, and creates DATABASE owned by USER.
#       Installs Debian's postgresql package first if no server is installed (as root, with apt-get).
#   PGPASSWORD=... throwaway-postgres.sh psql PORT USER DATABASE SQL
#       Runs one SQL statement and prints the rows unaligned, without headers.
#   throwaway-postgres.sh stop DIR
#       Stops the cluster (fast shutdown) if it runs; DIR stays for the caller to delete.
#
# PostgreSQL refuses to run as root, so as root the server runs as the unprivileged user `nobody`, which then owns
# DIR. Exit status 3: no PostgreSQL and none could be installed here.
set -euo pipefail

bin_dir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_installed() {
  [[ -n "$(bin_dir)" && -x "$(bin_dir)/initdb" ]] && return
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "throwaway-postgres: installing Debian's postgresql package ..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if [[ -z "$(bin_dir)" ]]; then
    echo "throwaway-postgres: PostgreSQL is not installed and cannot be installed here; run" \
         "'apt-get install -y postgresql' as root (scripts/setup.sh does)." >&2
    exit 3
  fi
}

# Runs a server-side command as a user PostgreSQL accepts.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u nobody -- "$@"; else "$@"; fi
}

start() {
  local dir="$1" port="$2" user="$3" database="$4"
  ensure_installed
  local bin
  bin="$(bin_dir)"
  mkdir -p "$dir/socket"
  [[ $(id -u) -eq 0 ]] && chown -R nobody "$dir"
  (umask 077 && printf '%s\n' "${PGPASSWORD:?PGPASSWORD must hold the password}" > "$dir/pwfile")
  [[ $(id -u) -eq 0 ]] && chown nobody "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" --auth=scram-sha-256 -E UTF8 \
    --no-instructions >"$dir/initdb.log"
  rm -f "$dir/pwfile"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket" start >/dev/null
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
}

run_sql() {
  local port="$1" user="$2" database="$3" sql="$4"
  "$(bin_dir)/psql" -h 127.0.0.1 -p "$port" -U "$user" -d "$database" \
    -v ON_ERROR_STOP=1 -At -c "$sql"
}

stop() {
  local dir="$1"
  [[ -f "$dir/data/postmaster.pid" ]] || return 0
  as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

case "${1:-}" in
  start) shift; start "$@" ;;
  psql) shift; run_sql "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: PGPASSWORD=... $0 start DIR PORT USER DATABASE | psql PORT USER DATABASE SQL | stop DIR" >&2
     exit 2 ;;
esac
