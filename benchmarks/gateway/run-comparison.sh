#!/usr/bin/env bash
# The gateway comparison of issues 19 and 23, in one command: the same `return 200` nginx upstream reached
#   direct          wrk -> upstream
#   nginx           wrk -> nginx reverse proxy -> upstream
#   api-gateway     wrk -> examples/api-gateway (JWT verified, token cache on) -> upstream
#   api-gw+quotas   the same, with a Redis-backed quota on the route (never exhausted: the cost of the check)
#   scg             wrk -> Spring Cloud Gateway (benchmarks/spring-cloud-gateway, JWT verified) -> upstream
# interleaved for N rounds after a warm-up of every target, and prints one table plus the ratios.
#
#   benchmarks/gateway/run-comparison.sh [--rounds 3] [--duration 15] [--warmup 90] [--connections 64]
#                                        [--threads 2] [--workers 2] [--port-base 19080] [--skip-build]
#
# --workers N: nginx runs N worker processes and each JVM gets -XX:ActiveProcessorCount=N (and is pinned
# with taskset to N CPUs when N is below the machine's CPU count). The default, 2, is "both at two" on a
# 2-core machine; --workers 1 is "one worker each".
#
# Needs nginx, wrk and redis-server (benchmarks/gateway/setup.sh installs them) and a JDK 17+. Run it
# alone on a quiet machine: every target shares the CPUs with wrk and the upstream.
set -euo pipefail

ROUNDS=3 DURATION=15 WARMUP=90 CONNECTIONS=64 THREADS=2 WORKERS=2 PORT_BASE=19080 BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --port-base) PORT_BASE=$2; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for tool in nginx wrk redis-server java; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run benchmarks/gateway/setup.sh" >&2; exit 1; }
done
GW_JAR=$ROOT/examples/api-gateway/target/api-gateway.jar
SCG_JAR=$ROOT/benchmarks/spring-cloud-gateway/target/spring-cloud-gateway.jar
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && ./mvnw -q -pl examples/api-gateway,benchmarks/spring-cloud-gateway -am package -DskipTests)
fi

P_GATEWAY=$PORT_BASE P_UPSTREAM=$((PORT_BASE + 1)) P_NGINX=$((PORT_BASE + 2)) P_QUOTAS=$((PORT_BASE + 3))
P_SCG=$((PORT_BASE + 4)) P_REDIS=$((PORT_BASE + 20))
WORK=$(mktemp -d /tmp/gateway-comparison.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs and raw wrk output: $WORK"
}
trap cleanup EXIT

# The JVM flags the api-gateway README documents for a small container; Spring Cloud Gateway gets the
# same heap and collector (not the native caps: Spring's metaspace needs more than 64 MB).
JVM_FLAGS=(-Xmx128m -XX:+UseSerialGC -Xss512k -XX:MaxDirectMemorySize=32m -XX:ReservedCodeCacheSize=64m
  -XX:MaxMetaspaceSize=64m -XX:ActiveProcessorCount="$WORKERS")
SCG_FLAGS=(-Xmx128m -XX:+UseSerialGC -XX:ActiveProcessorCount="$WORKERS")
PIN=()
if [ "$WORKERS" -lt "$(nproc)" ] && command -v taskset >/dev/null; then
  PIN=(taskset -c "0-$((WORKERS - 1))")
fi

render() {   # template -> $WORK/name
  sed -e "s|__DIR__|$WORK|g" -e "s|__UPSTREAM_PORT__|$P_UPSTREAM|g" -e "s|__PROXY_PORT__|$P_NGINX|g" \
      -e "s|__WORKERS__|$WORKERS|g" "$ROOT/benchmarks/gateway/$1" > "$WORK/$1"
}
await_port() {   # port, what
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$2 did not listen on port $1 within 60 s (see $WORK)" >&2; exit 1
}

render upstream.conf; render proxy.conf
nginx -c "$WORK/upstream.conf" > "$WORK/upstream.out" 2>&1 & PIDS+=($!)
nginx -c "$WORK/proxy.conf" > "$WORK/proxy.out" 2>&1 & PIDS+=($!)
redis-server --port "$P_REDIS" --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 & PIDS+=($!)
await_port "$P_UPSTREAM" "nginx upstream"; await_port "$P_NGINX" "nginx proxy"; await_port "$P_REDIS" redis

# An https issuer, as identity providers use: Spring Security converts a non-URL `iss` by throwing and
# catching an exception on every request, which would make Spring Cloud Gateway look slower than it is.
export PLATFORM_GATEWAY_JWT_ISSUER=https://issuer.example/
TOKEN=$(java -jar "$GW_JAR" mint-token --sub bench --tenant bench-tenant --roles reader --ttl 4h 2>/dev/null)
GATEWAY_ACCESS_LOG_LEVEL=OFF PLATFORM_GATEWAY_MANAGEMENT_PORT=$((P_GATEWAY + 10)) \
  "${PIN[@]}" java "${JVM_FLAGS[@]}" -jar "$GW_JAR" --dev --port "$P_GATEWAY" \
  --route "users=http://127.0.0.1:$P_UPSTREAM" > "$WORK/api-gateway.log" 2>&1 & PIDS+=($!); PID_GATEWAY=$!
GATEWAY_ACCESS_LOG_LEVEL=OFF PLATFORM_GATEWAY_MANAGEMENT_PORT=$((P_QUOTAS + 10)) \
  PLATFORM_GATEWAY_DEFAULT_QUOTA=1000000000/1s PLATFORM_GATEWAY_QUOTA_REDIS_URL="redis://127.0.0.1:$P_REDIS" \
  "${PIN[@]}" java "${JVM_FLAGS[@]}" -jar "$GW_JAR" --dev --port "$P_QUOTAS" \
  --route "users=http://127.0.0.1:$P_UPSTREAM" > "$WORK/api-gateway-quotas.log" 2>&1 & PIDS+=($!); PID_QUOTAS=$!
"${PIN[@]}" java "${SCG_FLAGS[@]}" -jar "$SCG_JAR" --server.port="$P_SCG" \
  --gateway.upstream="http://127.0.0.1:$P_UPSTREAM" --gateway.jwt-issuer="$PLATFORM_GATEWAY_JWT_ISSUER" > "$WORK/scg.log" 2>&1 & PIDS+=($!); PID_SCG=$!
await_port "$P_GATEWAY" api-gateway; await_port "$P_QUOTAS" "api-gateway with quotas"; await_port "$P_SCG" "Spring Cloud Gateway"

declare -A PORT=([direct]=$P_UPSTREAM [nginx]=$P_NGINX [api-gateway]=$P_GATEWAY [api-gw+quotas]=$P_QUOTAS [scg]=$P_SCG)
declare -A PID=([api-gateway]=$PID_GATEWAY [api-gw+quotas]=$PID_QUOTAS [scg]=$PID_SCG)
TARGETS=(direct nginx api-gateway api-gw+quotas scg)
URL_PATH=/api/v1/users/1

for t in "${TARGETS[@]}"; do   # every target must answer 200 to the benchmark request
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[$t]}$URL_PATH")
  [ "$code" = 200 ] || { echo "$t answered $code instead of 200 (see $WORK)" >&2; exit 1; }
done
for _ in $(seq 1 60); do   # the quota gateway checks Redis (RateLimit header) once it is connected
  curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P_QUOTAS$URL_PATH" | grep -qi '^RateLimit:' \
    && break
  sleep 1
done
curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P_QUOTAS$URL_PATH" | grep -qi '^RateLimit:' \
  || { echo "api-gw+quotas answers without a RateLimit header: its quota is not checked (see $WORK)" >&2; exit 1; }

to_ms() {   # wrk latency such as 812.00us, 1.23ms, 1.02s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "warm-up: ${WARMUP}s per target (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
for t in "${TARGETS[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:${PORT[$t]}$URL_PATH" > "$WORK/warmup-$t.txt"
done

UNCHECKED_BEFORE=$(curl -s "http://127.0.0.1:$((P_QUOTAS + 10))/metrics" \
  | awk '/^gateway_quota_unavailable_total/ {sum += $NF} END {printf "%d", sum}')
RESULTS=$WORK/results.tsv
: > "$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  # rotate the order each round so that no target always runs first or last
  order=("${TARGETS[@]:$(( (round - 1) % ${#TARGETS[@]} ))}" "${TARGETS[@]:0:$(( (round - 1) % ${#TARGETS[@]} ))}")
  for t in "${order[@]}"; do
    out=$WORK/round$round-$t.txt
    load=$(cut -d' ' -f1 /proc/loadavg)
    c0=""; [ -n "${PID[$t]:-}" ] && c0=$(cpu_ticks "${PID[$t]}")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:${PORT[$t]}$URL_PATH" > "$out"
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    reqs=$(awk '/requests in/ {print $1}' "$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')
    cpu="-"
    if [ -n "$c0" ]; then
      c1=$(cpu_ticks "${PID[$t]}")
      cpu=$(( (c1 - c0) * 10000 / (reqs > 0 ? reqs : 1) ))   # ticks are 10 ms: microseconds per request
    fi
    if [ "$t" = api-gw+quotas ]; then
      # Checks that Redis did not answer within the quota timeout were admitted unchecked (fail open): such a
      # run does not measure the quota check, so say so.
      unchecked=$(curl -s "http://127.0.0.1:$((P_QUOTAS + 10))/metrics" \
        | awk '/^gateway_quota_unavailable_total/ {sum += $NF} END {printf "%d", sum}')
      if [ "${unchecked:-0}" -gt "${UNCHECKED_BEFORE:-0}" ]; then
        errors="$errors UNCHECKED quota checks (Redis slower than the 100 ms timeout): $((unchecked - ${UNCHECKED_BEFORE:-0}))"
      fi
      UNCHECKED_BEFORE=$unchecked
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$rps" "$p50" "$p99" "$cpu" "$load" "$errors" >> "$RESULTS"
    printf 'round %s %-14s %10s req/s  p50 %7s ms  p99 %7s ms  cpu/req %5s us  load %s %s\n' \
      "$round" "$t" "$rps" "$p50" "$p99" "$cpu" "$load" "$errors"
  done
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds interleaved, ${WARMUP}s warm-up, workers=$WORKERS"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r[1], []).append((float(r[2]), float(r[3]), float(r[4])))
med = {t: (statistics.median(v[0] for v in vals), statistics.median(v[1] for v in vals),
           statistics.median(v[2] for v in vals)) for t, vals in by.items()}
print("| target | req/s (median) | p50 ms | p99 ms | per round req/s |")
print("|---|---|---|---|---|")
for t, (rps, p50, p99) in med.items():
    print(f"| {t} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {' / '.join(f'{v[0]:,.0f}' for v in by[t])} |")
def ratio(a, b):
    return med[a][0] / med[b][0] if med.get(b) and med[b][0] else float("nan")
print()
print("| goal | measured | target |")
print("|---|---|---|")
print(f"| api-gateway vs nginx throughput | {ratio('api-gateway', 'nginx'):.2f}x | >= 0.6x |")
print(f"| api-gateway added p99 over direct | {med['api-gateway'][2] - med['direct'][2]:+.2f} ms | <= 3 ms |")
print(f"| api-gateway vs Spring Cloud Gateway throughput | {ratio('api-gateway', 'scg'):.2f}x (p99 {med['api-gateway'][2]:.2f} vs {med['scg'][2]:.2f} ms) | >= 1.5x at equal or better p99 |")
print(f"| quotas on (Redis) vs off throughput | {ratio('api-gw+quotas', 'api-gateway'):.2f}x | >= 0.85x |")
print(f"| quotas added p99 | {med['api-gw+quotas'][2] - med['api-gateway'][2]:+.2f} ms | <= 1 ms |")
PY
