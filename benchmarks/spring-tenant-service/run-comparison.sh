#!/usr/bin/env bash
# Issue 17: examples/tenant-service (JDK HTTP server, wired by hand) vs examples/spring-tenant-service (Spring
# Boot 4 + platform-spring-boot-starter), the same users API behind the same api-gateway, one after the other
# in the same run, N rounds:
#   start-up   launch -> readiness probe answers 200 (ms), and Spring Boot's own "Started ... in" line
#   RSS        VmRSS of the service process at idle after start-up and at the end of the load (MB)
#   throughput wrk through the gateway: GET /api/v1/users/{id} of one user (replica read), req/s and latency
#
#   benchmarks/spring-tenant-service/run-comparison.sh [--rounds 3] [--duration 30] [--warmup 30]
#       [--connections 32] [--threads 2] [--skip-build]
#
# Needs wrk (benchmarks/gateway/setup.sh), a JDK 17+, and a PostgreSQL primary (optionally a replica) in
# PLATFORM_DB_PRIMARY_URL, PLATFORM_DB_REPLICA_URLS, the application role PLATFORM_DB_USERNAME/_PASSWORD
# (not superuser, no BYPASSRLS) and the owner PLATFORM_DB_MIGRATION_USERNAME/_PASSWORD (examples/infrastructure
# sets all of these up; the relay role <username>_relay too). The two services' schemas differ (their own Flyway
# histories), so the Spring service gets a database of its own: SPRING_DB_PRIMARY_URL (and SPRING_DB_REPLICA_URLS),
# default: PLATFORM_DB_PRIMARY_URL with the database name + "_spring" (create it, owned by the migration role).
# Both services get the same heap and collector. Caveat recorded with the figures: the
# plain service also runs its Temporal worker (the embedded dev server when PLATFORM_TEMPORAL_TARGET is unset:
# set it to a real server for a fair RSS) and its onboarding/activity consumers, which the Spring example omits.
# Run it alone on a quiet machine.
set -euo pipefail

ROUNDS=3 DURATION=30 WARMUP=30 CONNECTIONS=32 THREADS=2 BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
: "${PLATFORM_DB_PRIMARY_URL:?set PLATFORM_DB_PRIMARY_URL (and the other PLATFORM_DB_* variables, see --help)}"
: "${PLATFORM_DB_USERNAME:?set PLATFORM_DB_USERNAME, the application role}"
for tool in wrk curl java; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run benchmarks/gateway/setup.sh" >&2; exit 1; }
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GW_JAR=$ROOT/examples/api-gateway/target/api-gateway.jar
SPRING_JAR=$ROOT/examples/spring-tenant-service/target/spring-tenant-service.jar
PLAIN_CP_FILE=$ROOT/examples/tenant-service/target/classpath.txt
if [ "$BUILD" = 1 ]; then
  # one reactor run (a fresh clone has nothing installed): each module writes its own target/classpath.txt
  (cd "$ROOT" && ./mvnw -q -pl examples/api-gateway,examples/tenant-service,examples/spring-tenant-service -am package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests)
fi
PLAIN_CP=$ROOT/examples/tenant-service/target/classes:$(cat "$PLAIN_CP_FILE")

P_GATEWAY=19180 P_SERVICE=19181 P_MANAGEMENT=19182
JVM_FLAGS=(-Xmx128m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m)
WORK=$(mktemp -d /tmp/spring-tenant-comparison.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs and raw wrk output: $WORK"
}
trap cleanup EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }

TENANT=$(cat /proc/sys/kernel/random/uuid)
TOKEN=$(java -jar "$GW_JAR" mint-token --sub bench --tenant "$TENANT" --roles admin --ttl 4h 2>/dev/null)
GATEWAY_ACCESS_LOG_LEVEL=OFF PLATFORM_GATEWAY_MANAGEMENT_PORT=$((P_GATEWAY + 10)) java "${JVM_FLAGS[@]}" -jar "$GW_JAR" \
  --dev --port "$P_GATEWAY" --route "users=http://127.0.0.1:$P_SERVICE" > "$WORK/gateway.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$P_GATEWAY/" && break; sleep 0.2; done

# start_service NAME READY_PATH: launches, waits for readiness, prints the start-up time; leaves SERVICE_PID.
start_service() {
  local name=$1 ready=$2 t0
  t0=$(now_ms)
  if [ "$name" = plain ]; then
    PLATFORM_SERVICE_PORT=$P_SERVICE PLATFORM_MANAGEMENT_PORT=$P_MANAGEMENT \
      java "${JVM_FLAGS[@]}" -cp "$PLAIN_CP" dev.adxcore.platform.examples.tenantservice.TenantServiceMain \
      > "$WORK/$name.log" 2>&1 &
  else
    # The same PLATFORM_DB_* settings, as the Spring properties they are (platform.database.*).
    local env=(PLATFORM_DATABASE_PRIMARY_URL="${SPRING_DB_PRIMARY_URL:-${PLATFORM_DB_PRIMARY_URL}_spring}"
      PLATFORM_DATABASE_USERNAME="$PLATFORM_DB_USERNAME" PLATFORM_DATABASE_PASSWORD="${PLATFORM_DB_PASSWORD:-}"
      PLATFORM_OUTBOX_RELAY_USERNAME="${PLATFORM_DB_USERNAME}_relay")
    [ -n "${SPRING_DB_REPLICA_URLS:-}" ] && env+=(PLATFORM_DATABASE_REPLICA_URLS="$SPRING_DB_REPLICA_URLS")
    [ -n "${PLATFORM_DB_MIGRATION_USERNAME:-}" ] && env+=(TENANT_SERVICE_MIGRATION_USERNAME="$PLATFORM_DB_MIGRATION_USERNAME"
      TENANT_SERVICE_MIGRATION_PASSWORD="${PLATFORM_DB_MIGRATION_PASSWORD:-}")
    [ -n "${PLATFORM_EVENTS_URL:-}" ] && env+=(PLATFORM_EVENTS_URL="$PLATFORM_EVENTS_URL")
    env "${env[@]}" java "${JVM_FLAGS[@]}" -jar "$SPRING_JAR" --server.port=$P_SERVICE \
      --management.server.port=$P_MANAGEMENT --logging.level.root=WARN \
      --logging.level.dev.adxcore.platform.examples.springtenantservice=INFO > "$WORK/$name.log" 2>&1 &
  fi
  SERVICE_PID=$!; PIDS+=("$SERVICE_PID")
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_MANAGEMENT$ready")" = 200 ]; do
    kill -0 "$SERVICE_PID" 2>/dev/null || { echo "$name exited; see $WORK/$name.log" >&2; exit 1; }
    sleep 0.05
  done
  STARTUP_MS=$(( $(now_ms) - t0 ))
}

printf '%-7s %-6s %10s %9s %9s %10s %9s %9s\n' service round startup_ms rss_idle rss_load req_per_s p50 p99
for round in $(seq "$ROUNDS"); do
  for name in plain spring; do
    if [ "$name" = plain ]; then start_service plain /health/ready; else start_service spring /actuator/health/readiness; fi
    sleep 2; IDLE=$(rss_mb "$SERVICE_PID")
    ID=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"email\":\"bench-$round-$name-$RANDOM@bench.example\",\"displayName\":\"Bench\"}" \
      "http://127.0.0.1:$P_GATEWAY/api/v1/users" | sed -E 's/.*"id":"([^"]+)".*/\1/')
    URL="http://127.0.0.1:$P_GATEWAY/api/v1/users/$ID"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "$URL" > /dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$URL" \
      > "$WORK/$name-$round.wrk"
    LOAD=$(rss_mb "$SERVICE_PID")
    RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/$name-$round.wrk")
    P50=$(awk '$1 == "50%" {print $2}' "$WORK/$name-$round.wrk"); P99=$(awk '$1 == "99%" {print $2}' "$WORK/$name-$round.wrk")
    printf '%-7s %-6s %10s %9s %9s %10s %9s %9s\n' "$name" "$round" "$STARTUP_MS" "$IDLE" "$LOAD" "$RPS" "$P50" "$P99"
    grep -h 'Started SpringTenantServiceApplication in' "$WORK/$name.log" 2>/dev/null | sed 's/^.*Started/   Spring Boot: Started/' || true
    kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true
  done
done
