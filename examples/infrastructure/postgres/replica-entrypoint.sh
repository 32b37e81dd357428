#!/usr/bin/env bash
# Streaming replica: on first start, clone the primary with pg_basebackup (-R writes standby.signal and
# primary_conninfo), then run as a hot standby. Later starts resume streaming from where they were.
set -euo pipefail
PGDATA=/var/lib/postgresql/data
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup -h postgres-primary -p 5432 -U replicator -D "$PGDATA" -Fp -Xs -R; do
    echo "waiting for the primary..."; sleep 1
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -D "$PGDATA" -c hot_standby=on
