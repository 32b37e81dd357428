#!/usr/bin/env bash
# Lets the replica stream from the primary (the image only allows replication from localhost).
set -euo pipefail
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
