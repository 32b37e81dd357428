#!/usr/bin/env bash
# Makes sure this machine can run the ADX Core Platform SDK tests, and says what they will use.
#
#   scripts/ensure-test-servers.sh          install what is missing, start the machine's servers, report
#   scripts/ensure-test-servers.sh --check  only report; exit 1 when the tests could not get servers
#
# What the tests need (see platform-test/README.md): the test kit finds servers through explicit
# settings (PLATFORM_TEST_POSTGRES_URL, PLATFORM_TEST_POSTGRES_REPLICA_URL, PLATFORM_TEST_REDIS_URL), else
# Testcontainers when a Docker daemon answers, else private servers it starts from installed binaries
# (initdb, pg_ctl, postgres; redis-server), else private servers from the binaries Maven downloads from
# Maven Central with platform-test. So a JDK is enough for PostgreSQL and Redis; installed binaries are
# optional (faster, and Redis 7 instead of 6.2), and this script installs the Debian packages that provide
# them, only when they are absent (CI runs the suite both ways). It also starts the machine's own
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) when they are installed but stopped.
#
# Idempotent and safe to re-run: it installs nothing that is present, starts nothing that answers, and
# never stops, deletes or reconfigures anything.
set -euo pipefail

CHECK_ONLY=false
case "${1:-}" in
  --check) CHECK_ONLY=true ;;
  "") ;;
  -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { printf '%s\n' "$*"; }
problems=0

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else say "  cannot run '$*': not root and no sudo"; return 1; fi
}

APT_UPDATED=false
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    say "  no apt-get here: install $* with your package manager"
    return 1
  fi
  if [ "$APT_UPDATED" = false ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=true
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The folder holding initdb, pg_ctl, pg_basebackup and postgres, searched as the test kit searches it.
postgres_bin() {
  local dir
  if [ -n "${PLATFORM_TEST_POSTGRES_BIN:-}" ]; then
    dir=$PLATFORM_TEST_POSTGRES_BIN
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_basebackup" ] && [ -x "$dir/postgres" ] \
      && { echo "$dir"; return 0; }
    return 1
  fi
  if command -v initdb >/dev/null 2>&1; then
    dir=$(dirname "$(readlink -f "$(command -v initdb)")")
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_basebackup" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r) /usr/local/pgsql/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_basebackup" ] && [ -x "$dir/postgres" ] \
      && { echo "$dir"; return 0; }
  done
  return 1
}

redis_bin() {
  if [ -n "${PLATFORM_TEST_REDIS_SERVER:-}" ]; then
    [ -x "$PLATFORM_TEST_REDIS_SERVER" ] && { echo "$PLATFORM_TEST_REDIS_SERVER"; return 0; }
    return 1
  fi
  command -v redis-server 2>/dev/null && return 0
  for f in /usr/bin/redis-server /usr/local/bin/redis-server; do [ -x "$f" ] && { echo "$f"; return 0; }; done
  return 1
}

tcp_answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

docker_answers() {
  local sock=/var/run/docker.sock
  case "${DOCKER_HOST:-}" in unix://*) sock=${DOCKER_HOST#unix://} ;; esac
  [ -S "$sock" ] && command -v curl >/dev/null 2>&1 \
    && curl -s -m 1 --unix-socket "$sock" http://docker/_ping 2>/dev/null | grep -q OK
}

say "== PostgreSQL"
if [ -n "${PLATFORM_TEST_POSTGRES_URL:-}" ]; then
  say "  explicit: PLATFORM_TEST_POSTGRES_URL is set; the tests use it (and PLATFORM_TEST_POSTGRES_REPLICA_URL)"
elif bin=$(postgres_bin); then
  say "  server binaries: $bin ($("$bin/postgres" --version))"
else
  if [ "$CHECK_ONLY" = true ]; then
    say "  not installed: initdb/pg_ctl/postgres (the tests use the binaries from Maven Central;"
    say "  apt-get install postgresql for installed ones)"
  else
    say "  server binaries missing: installing the Debian package postgresql"
    if apt_install postgresql && bin=$(postgres_bin); then
      say "  server binaries: $bin ($("$bin/postgres" --version))"
    else
      say "  FAILED to install PostgreSQL server binaries"
      problems=$((problems + 1))
    fi
  fi
fi
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  say "  no 'postgres' OS user: as root the kit runs PostgreSQL as 'nobody' (or PLATFORM_TEST_POSTGRES_OS_USER)"
fi
if tcp_answers 127.0.0.1 5432; then
  say "  machine server: 127.0.0.1:5432 answers"
elif [ "$CHECK_ONLY" = false ] && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ] \
    && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  say "  machine server: starting cluster $version/main"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  tcp_answers 127.0.0.1 5432 && say "  machine server: 127.0.0.1:5432 answers" \
    || say "  machine server: 127.0.0.1:5432 still does not answer (the kit's private servers do not need it)"
else
  say "  machine server: 127.0.0.1:5432 does not answer (the kit's private servers do not need it)"
fi

say "== Redis"
if [ -n "${PLATFORM_TEST_REDIS_URL:-}" ]; then
  say "  explicit: PLATFORM_TEST_REDIS_URL is set; the tests use it"
elif rbin=$(redis_bin); then
  say "  server binary: $rbin ($("$rbin" --version | cut -d' ' -f1-3))"
else
  if [ "$CHECK_ONLY" = true ]; then
    say "  not installed: redis-server (the tests use Redis 6.2 from Maven Central;"
    say "  apt-get install redis-server for an installed Redis 7)"
  else
    say "  redis-server missing: installing the Debian package redis-server"
    if apt_install redis-server && rbin=$(redis_bin); then
      say "  server binary: $rbin ($("$rbin" --version | cut -d' ' -f1-3))"
    else
      say "  FAILED to install redis-server"
      problems=$((problems + 1))
    fi
  fi
fi
if tcp_answers 127.0.0.1 6379; then
  say "  machine server: 127.0.0.1:6379 answers"
elif [ "$CHECK_ONLY" = false ] && rbin=$(redis_bin); then
  say "  machine server: starting redis-server on 127.0.0.1:6379 (nothing kept on disk)"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  "$rbin" --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 \
    || "$rbin" --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do tcp_answers 127.0.0.1 6379 && break; sleep 0.1; done
  tcp_answers 127.0.0.1 6379 && say "  machine server: 127.0.0.1:6379 answers" \
    || say "  machine server: 127.0.0.1:6379 still does not answer (the kit's private server does not need it)"
else
  say "  machine server: 127.0.0.1:6379 does not answer (the kit's private server does not need it)"
fi

say "== PgBouncer (platform-database runs its isolation, consistency and repository suites through it)"
pgbouncer_bin() {
  if [ -n "${PLATFORM_TEST_PGBOUNCER_BIN:-}" ]; then
    [ -x "$PLATFORM_TEST_PGBOUNCER_BIN" ] && { echo "$PLATFORM_TEST_PGBOUNCER_BIN"; return 0; }
    return 1
  fi
  command -v pgbouncer 2>/dev/null && return 0
  for f in /usr/sbin/pgbouncer /usr/local/sbin/pgbouncer /usr/bin/pgbouncer; do [ -x "$f" ] && { echo "$f"; return 0; }; done
  return 1
}
if pbin=$(pgbouncer_bin); then
  say "  binary: $pbin ($("$pbin" --version 2>/dev/null | head -1))"
elif [ "$CHECK_ONLY" = true ]; then
  say "  not installed: pgbouncer (apt-get install pgbouncer)"
  problems=$((problems + 1))
else
  say "  pgbouncer missing: installing the Debian package pgbouncer (the kit starts its own; the package's service is not used)"
  if apt_install pgbouncer && pbin=$(pgbouncer_bin); then
    say "  binary: $pbin ($("$pbin" --version 2>/dev/null | head -1))"
  else
    say "  FAILED to install pgbouncer"
    problems=$((problems + 1))
  fi
fi

say "== Docker"
if docker_answers; then
  say "  a Docker daemon answers: without explicit settings the tests use Testcontainers"
  say "  (set PLATFORM_TEST_SERVERS=local to use the installed binaries instead)"
else
  say "  no Docker daemon answers: the tests start private servers from installed binaries, else from Maven's"
fi

if [ "$problems" -gt 0 ]; then
  say "NOT READY: $problems problem(s) above"
  exit 1
fi
say "READY"
