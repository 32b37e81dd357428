#!/usr/bin/env bash
# Issue 19, goal 3: memory per process. Each example in a JVM of its own, with -Xmx128m and the flags its README
# documents, under a FIXED request rate for MINUTES; VmRSS (from /proc/<pid>/status) and the heap in use (the
# management port's jvm_memory_used_bytes) sampled every 30 s into a CSV; at the end the min/max/first/last RSS, whether it stays <= 200 MB and whether it
# is flat (max of the last 10 minutes - max of the first 10 minutes after the warm-up <= FLAT_MB).
#
#   benchmarks/soak/run-soak.sh gateway|tenant-service|both MINUTES RATE [--skip-build]
#
#   gateway         examples/api-gateway proxying to an nginx `return 200` upstream (benchmarks/gateway/upstream.conf);
#                   load: authenticated GET /api/v1/users/{n} through the route (HS256 dev token, cache on, access
#                   log on as shipped)
#   tenant-service  examples/tenant-service (TenantServiceMain) on PostgreSQL, Redis Streams and Temporal as its
#                   README runs it, driven directly with the identity headers the gateway would set; load per 20
#                   requests: 1 create, 2 list pages, 17 reads of a known user, spread over 4 tenants
#   both            both of the above at the same time (RATE is per target; "500,200" gives gateway 500/s and
#                   tenant-service 200/s)
#
# Servers for the tenant-service: PLATFORM_DB_PRIMARY_URL (+ the other PLATFORM_DB_* of its README) when set,
# else a fresh database soak_tenant on 127.0.0.1:5432 (roles soak_owner / soak_app / soak_app_relay, created with
# psql as $PGUSER, default postgres: trust auth assumed); PLATFORM_EVENTS_URL when set, else a private redis-server;
# PLATFORM_TEMPORAL_TARGET when set, else the Temporal SDK's test server in a JVM of its own (not in the service's
# JVM, whose RSS is the measurement).
#
# Environment: OUT (default benchmarks/results: soak-<target>.csv and soak-<target>-load.txt), FLAT_MB (10),
# NMT=1 adds -XX:NativeMemoryTracking=summary and writes `jcmd VM.native_memory summary` after the warm-up and at
# the end, with the growth in between and what `System.trim_native_heap` gives back (soak-<target>-nmt.txt),
# PORT_BASE (19280).
# The load client is benchmarks/soak/SoakLoad.java (JDK source launcher; open loop at the fixed rate).
# Needs nginx and redis-server (benchmarks/gateway/setup.sh), psql for the default database, a JDK 17+.
set -euo pipefail

usage() { sed -n '2,29p' "$0"; exit 2; }
[ $# -ge 3 ] || usage
TARGET=$1 MINUTES=$2 RATE=$3; shift 3
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) BUILD=0; shift ;;
    *) usage ;;
  esac
done
case "$TARGET" in gateway|tenant-service|both) ;; *) usage ;; esac
GW_RATE=${RATE%%,*} TS_RATE=${RATE##*,}
SECONDS_TOTAL=$((MINUTES * 60))

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/benchmarks/results}
FLAT_MB=${FLAT_MB:-10}
NMT=${NMT:-0}
PORT_BASE=${PORT_BASE:-19280}
P_GATEWAY=$PORT_BASE P_GW_MGMT=$((PORT_BASE + 1)) P_UPSTREAM=$((PORT_BASE + 2))
P_SERVICE=$((PORT_BASE + 10)) P_TS_MGMT=$((PORT_BASE + 11)) P_REDIS=$((PORT_BASE + 12)) P_TEMPORAL=$((PORT_BASE + 13))
mkdir -p "$OUT"

for tool in java jcmd curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
if [ "$TARGET" != tenant-service ]; then command -v nginx >/dev/null || { echo "nginx is missing: benchmarks/gateway/setup.sh" >&2; exit 1; }; fi

GW_JAR=$ROOT/examples/api-gateway/target/api-gateway.jar
TS_CP_FILE=$ROOT/examples/tenant-service/target/classpath.txt
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && ./mvnw -q -pl examples/api-gateway,examples/tenant-service -am package \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DskipTests)
fi
[ -f "$GW_JAR" ] || { echo "$GW_JAR is missing: run without --skip-build" >&2; exit 1; }   # mint-token needs it too
TS_CP=""
if [ "$TARGET" != gateway ]; then
  [ -f "$TS_CP_FILE" ] || { echo "$TS_CP_FILE is missing: run without --skip-build" >&2; exit 1; }
  TS_CP=$ROOT/examples/tenant-service/target/classes:$(cat "$TS_CP_FILE")
fi

# The flags of examples/api-gateway/README.md; the tenant-service's README lists the same heap, collector and
# stack/code-cache caps (without the metaspace and direct-memory caps: gRPC and Flyway need more).
GW_FLAGS=(-Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=32m -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=64m)
TS_FLAGS=(-Xmx128m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m)
if [ "$NMT" = 1 ]; then GW_FLAGS+=(-XX:NativeMemoryTracking=summary); TS_FLAGS+=(-XX:NativeMemoryTracking=summary); fi

WORK=$(mktemp -d /tmp/soak.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs: $WORK"
}
trap cleanup EXIT
await_http() {   # url, pid, what: waits up to 180 s for a 200
  for _ in $(seq 1 360); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "$3 exited (see $WORK)" >&2; return 1; }
    sleep 0.5
  done
  echo "$3 did not answer 200 on $1 within 180 s (see $WORK)" >&2; return 1
}
await_port() {
  for _ in $(seq 1 240); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not listen on port $1 (see $WORK)" >&2; exit 1
}

declare -A PID=() LOADPID=()
start_gateway() {
  sed -e "s|__DIR__|$WORK|g" -e "s|__UPSTREAM_PORT__|$P_UPSTREAM|g" "$ROOT/benchmarks/gateway/upstream.conf" > "$WORK/upstream.conf"
  nginx -c "$WORK/upstream.conf" > "$WORK/upstream.out" 2>&1 & PIDS+=($!)
  await_port "$P_UPSTREAM" "nginx upstream"
  GW_TOKEN=$(java -jar "$GW_JAR" mint-token --sub soak --tenant "$(cat /proc/sys/kernel/random/uuid)" --roles reader --ttl 4h 2>/dev/null)
  PLATFORM_GATEWAY_MANAGEMENT_PORT=$P_GW_MGMT java "${GW_FLAGS[@]}" -jar "$GW_JAR" --dev --port "$P_GATEWAY" \
    --route "users=http://127.0.0.1:$P_UPSTREAM" > "$WORK/api-gateway.log" 2>&1 & PIDS+=($!); PID[gateway]=$!
  await_http "http://127.0.0.1:$P_GATEWAY/health/ready" "${PID[gateway]}" api-gateway || exit 1
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $GW_TOKEN" "http://127.0.0.1:$P_GATEWAY/api/v1/users/1")
  [ "$code" = 200 ] || { echo "gateway answered $code to the soak request (see $WORK)" >&2; exit 1; }
}

start_tenant_service() {
  local env=()
  if [ -z "${PLATFORM_DB_PRIMARY_URL:-}" ]; then
    local psql=(psql -h 127.0.0.1 -U "${PGUSER:-postgres}" -d postgres -v ON_ERROR_STOP=1 -q)
    "${psql[@]}" -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'soak_owner') THEN CREATE ROLE soak_owner LOGIN; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'soak_app') THEN
          CREATE ROLE soak_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'soak_app_relay') THEN
          CREATE ROLE soak_app_relay LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF;
      END \$\$;"
    "${psql[@]}" -c "DROP DATABASE IF EXISTS soak_tenant WITH (FORCE)"
    "${psql[@]}" -c "CREATE DATABASE soak_tenant OWNER soak_owner"
    env+=(PLATFORM_DB_PRIMARY_URL=jdbc:postgresql://127.0.0.1:5432/soak_tenant PLATFORM_DB_USERNAME=soak_app
      PLATFORM_DB_PASSWORD= PLATFORM_DB_MIGRATION_USERNAME=soak_owner PLATFORM_DB_MIGRATION_PASSWORD=)
  fi
  if [ -z "${PLATFORM_EVENTS_URL:-}" ]; then
    redis-server --port "$P_REDIS" --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 & PIDS+=($!)
    await_port "$P_REDIS" redis
    env+=(PLATFORM_EVENTS_URL="redis://127.0.0.1:$P_REDIS")
  fi
  if [ -z "${PLATFORM_TEMPORAL_TARGET:-}" ]; then
    java -Xmx1g -cp "$TS_CP" io.temporal.testserver.TestServer "$P_TEMPORAL" > "$WORK/temporal.log" 2>&1 & PIDS+=($!)
    await_port "$P_TEMPORAL" "Temporal test server"
    env+=(PLATFORM_TEMPORAL_TARGET="127.0.0.1:$P_TEMPORAL")
  fi
  # A freshly started test server on a loaded machine can miss the worker's first describeNamespace deadline,
  # which ends the service's start-up: try up to three times.
  for attempt in 1 2 3; do
    env "${env[@]}" PLATFORM_SERVICE_PORT=$P_SERVICE PLATFORM_MANAGEMENT_PORT=$P_TS_MGMT \
      java "${TS_FLAGS[@]}" -cp "$TS_CP" dev.adxcore.platform.examples.tenantservice.TenantServiceMain \
      > "$WORK/tenant-service.log" 2>&1 & PIDS+=($!); PID[tenant-service]=$!
    await_http "http://127.0.0.1:$P_TS_MGMT/health/ready" "${PID[tenant-service]}" tenant-service && return 0
    [ "$attempt" = 3 ] && exit 1
    cp "$WORK/tenant-service.log" "$WORK/tenant-service-attempt$attempt.log"
    kill "${PID[tenant-service]}" 2>/dev/null || true; sleep 5
  done
}

TARGETS=()
case "$TARGET" in
  gateway) TARGETS=(gateway) ;;
  tenant-service) TARGETS=(tenant-service) ;;
  both) TARGETS=(gateway tenant-service) ;;
esac
for t in "${TARGETS[@]}"; do
  if [ "$t" = gateway ]; then start_gateway; else start_tenant_service; fi
done

rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
heap_mb() {   # the JVM's own heap gauges from the management port's /metrics (a curl: cheaper than a jstat JVM)
  curl -s -m 5 "http://127.0.0.1:$2/metrics" \
    | awk '/^jvm_memory_used_bytes\{area="heap"/ { sum += $NF; n++ } END { if (n) printf "%.1f", sum / 1048576; else printf "" }'
}
nmt() {   # target, label
  [ "$NMT" = 1 ] || return 0
  { echo "== $2 (elapsed ${3}s, VmRSS $(rss_mb "${PID[$1]}") MB)"; jcmd "${PID[$1]}" VM.native_memory summary
    if [ "$4" = baseline ]; then jcmd "${PID[$1]}" VM.native_memory baseline >/dev/null
    else echo "== growth since the baseline after the warm-up"; jcmd "${PID[$1]}" VM.native_memory summary.diff
      # how much of the RSS is freed malloc memory that glibc keeps (after the last sample: it changes the RSS)
      echo "== System.trim_native_heap: VmRSS before $(rss_mb "${PID[$1]}") MB"; jcmd "${PID[$1]}" System.trim_native_heap
      echo "== VmRSS after the trim $(rss_mb "${PID[$1]}") MB"; fi
  } >> "$OUT/soak-$1-nmt.txt" 2>&1 || true
}

for t in "${TARGETS[@]}"; do
  echo "elapsed_s,rss_mb,heap_used_mb" > "$OUT/soak-$t.csv"
  : > "$OUT/soak-$t-load.txt"
  [ "$NMT" = 1 ] && : > "$OUT/soak-$t-nmt.txt"
  echo "$t: pid ${PID[$t]}, flags: $(tr '\0' ' ' < "/proc/${PID[$t]}/cmdline" | sed 's/ -cp [^ ]*//')" | tee -a "$OUT/soak-$t-load.txt"
done
for t in "${TARGETS[@]}"; do
  if [ "$t" = gateway ]; then
    java -Xmx64m "$ROOT/benchmarks/soak/SoakLoad.java" gateway "http://127.0.0.1:$P_GATEWAY" "$GW_RATE" "$SECONDS_TOTAL" \
      "$GW_TOKEN" >> "$OUT/soak-gateway-load.txt" 2>&1 & LOADPID[$t]=$!
  else
    java -Xmx128m "$ROOT/benchmarks/soak/SoakLoad.java" tenant-service "http://127.0.0.1:$P_SERVICE" "$TS_RATE" \
      "$SECONDS_TOTAL" 4 >> "$OUT/soak-tenant-service-load.txt" 2>&1 & LOADPID[$t]=$!
  fi
  PIDS+=("${LOADPID[$t]}")
done

WARMUP_S=$(( SECONDS_TOTAL / 6 < 300 ? SECONDS_TOTAL / 6 : 300 ))
echo "soak: ${TARGETS[*]} for $MINUTES min (gateway ${GW_RATE}/s, tenant-service ${TS_RATE}/s), samples every 30 s -> $OUT/soak-*.csv"
T0=$(date +%s)
NMT_WARM=0
declare -A MGMT=([gateway]=$P_GW_MGMT [tenant-service]=$P_TS_MGMT)
# one sample every 30 s on the wall clock; the CSV holds the actual elapsed seconds of each sample
for ((n = 0; n * 30 <= SECONDS_TOTAL; n++)); do
  while [ $(( $(date +%s) - T0 )) -lt $((n * 30)) ]; do sleep 1; done
  elapsed=$(( $(date +%s) - T0 ))
  [ "$elapsed" -le $((SECONDS_TOTAL + 15)) ] || break
  line="t=${elapsed}s"
  for t in "${TARGETS[@]}"; do
    kill -0 "${PID[$t]}" 2>/dev/null || { echo "$t exited during the soak (see $WORK)" >&2; exit 1; }
    r=$(rss_mb "${PID[$t]}"); h=$(heap_mb "${PID[$t]}" "${MGMT[$t]}")
    echo "$elapsed,$r,$h" >> "$OUT/soak-$t.csv"
    line="$line  $t rss ${r} MB heap ${h} MB"
  done
  echo "$line (load $(cut -d' ' -f1 /proc/loadavg))"
  if [ "$NMT_WARM" = 0 ] && [ "$elapsed" -ge "$WARMUP_S" ]; then
    for t in "${TARGETS[@]}"; do nmt "$t" "after the warm-up" "$elapsed" baseline; done
    NMT_WARM=1
  fi
done
for t in "${TARGETS[@]}"; do nmt "$t" "at the end" "$(( $(date +%s) - T0 ))" end; done
for t in "${TARGETS[@]}"; do wait "${LOADPID[$t]}" || true; done

echo
for t in "${TARGETS[@]}"; do
  echo "== $t (load client: $OUT/soak-$t-load.txt)"
  tail -1 "$OUT/soak-$t-load.txt"
  python3 - "$OUT/soak-$t.csv" "$WARMUP_S" "$FLAT_MB" <<'PY'
import csv, sys
rows = [(int(r["elapsed_s"]), float(r["rss_mb"]), r["heap_used_mb"]) for r in csv.DictReader(open(sys.argv[1]))]
warm, flat_mb = int(sys.argv[2]), float(sys.argv[3])
end = rows[-1][0]
span = min(600, (end - warm) // 2)
first = [r[1] for r in rows if warm <= r[0] <= warm + span]
last = [r[1] for r in rows if r[0] >= end - span]
rss = [r[1] for r in rows]
drift = max(last) - max(first)
print("| elapsed (min:s) | RSS MB | heap used MB |")
print("|---|---|---|")
for i, r in enumerate(rows):   # every 10th sample (5 minutes) and the last
    if i % 10 == 0 or i == len(rows) - 1:
        print(f"| {r[0] // 60}:{r[0] % 60:02d} | {r[1]:.1f} | {r[2]} |")
print(f"RSS min {min(rss):.1f}, max {max(rss):.1f}, first {rss[0]:.1f}, last {rss[-1]:.1f} MB")
print(f"<= 200 MB throughout: {'yes' if max(rss) <= 200 else 'NO'}")
print(f"flat: max of the last {span // 60} min {max(last):.1f} - max of the first {span // 60} min after a {warm // 60}-min warm-up "
      f"{max(first):.1f} = {drift:+.1f} MB -> {'yes' if drift <= flat_mb else 'NO'} (threshold {flat_mb:g} MB)")
PY
done
