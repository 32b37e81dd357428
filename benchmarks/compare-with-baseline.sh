#!/usr/bin/env bash
# Same-run comparison of the event buses on the shared delivery engine (this tree) with the buses before it
# (commit 474e807: the Redis StreamConsumer with its own lanes, the in-memory bus with its own groups).
#
#   benchmarks/compare-with-baseline.sh [redis|latency|memory] [rounds] [redis-uri]
#
#   redis    RedisEventBusLoadDriver in full (redis-benchmark reference, publish, end-to-end, latency at 5k/s)
#   latency  RedisEventBusLoadDriver -Dbench.only=latency (latency at 5k/s only, 20 s per concurrency)
#   memory   the JMH EventBusBenchmark of the in-memory bus (JMH_ARGS, default "-f 1 -wi 3 -i 5")
#
# It builds the baseline commit's platform-observability, platform-events and platform-events-redis into
# $WORK/baseline (git archive + the wrapper, no install), builds this tree's benchmarks, then runs the SAME driver
# classes (this tree's benchmarks/target/classes) with the baseline's or this tree's platform jars on the class
# path, alternating baseline/engine for the given number of rounds. Third-party jars are this tree's for both.
# Run it on a quiet machine: nothing else should be running.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-redis}
ROUNDS=${2:-3}
URI=${3:-redis://127.0.0.1:6379}
BASE_COMMIT=${BASE_COMMIT:-474e807}
WORK=${WORK:-${TMPDIR:-/tmp}/adx-engine-baseline}
JAVA=${JAVA:-java}
JVM_OPTS=${JVM_OPTS:--Xms512m -Xmx512m}
JMH_ARGS=${JMH_ARGS:--f 1 -wi 3 -i 5}

mkdir -p "$WORK"
if [ ! -f "$WORK/baseline.cp" ]; then
  echo "== building the baseline ($BASE_COMMIT) in $WORK/baseline"
  rm -rf "$WORK/baseline" && mkdir -p "$WORK/baseline"
  git -C "$ROOT" archive "$BASE_COMMIT" | tar -x -C "$WORK/baseline"
  (cd "$WORK/baseline" && ./mvnw -q -pl platform-events-redis -am package -DskipTests \
      -Dmaven.javadoc.skip=true -Dmaven.source.skip=true)
  {
    ls "$WORK"/baseline/platform-observability/target/platform-observability-*-SNAPSHOT.jar
    ls "$WORK"/baseline/platform-events/target/platform-events-*-SNAPSHOT.jar | grep -v -e sources -e javadoc -e tests
    ls "$WORK"/baseline/platform-events-redis/target/platform-events-redis-*-SNAPSHOT.jar | grep -v -e sources -e javadoc
  } | grep -v -e '-sources' -e '-javadoc' | paste -sd: > "$WORK/baseline.cp"
fi

echo "== building this tree's benchmarks"
# one reactor run: the last module (benchmarks) writes its class path, with this tree's modules as target jars
(cd "$ROOT" && ./mvnw -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Dmdep.outputFile="$WORK/deps.cp" >/dev/null)
# this tree's platform jars, and the third-party ones (shared by both runs)
ENGINE_CP=$(tr ':' '\n' < "$WORK/deps.cp" | grep "^$ROOT/" | paste -sd:)
THIRD_CP=$(tr ':' '\n' < "$WORK/deps.cp" | grep -v "^$ROOT/" | paste -sd:)
DRIVER="$ROOT/benchmarks/target/classes"

run() { # $1 = label, $2 = platform class path
  echo "---- $1 ($(cut -d' ' -f1-3 /proc/loadavg))"
  case "$MODE" in
    redis)   $JAVA $JVM_OPTS -cp "$DRIVER:$2:$THIRD_CP" dev.adxcore.platform.benchmarks.redis.RedisEventBusLoadDriver "$URI" ;;
    latency) $JAVA $JVM_OPTS -Dbench.only=latency -cp "$DRIVER:$2:$THIRD_CP" \
               dev.adxcore.platform.benchmarks.redis.RedisEventBusLoadDriver "$URI" ;;
    memory)  $JAVA $JVM_OPTS -cp "$DRIVER:$2:$THIRD_CP" org.openjdk.jmh.Main EventBusBenchmark $JMH_ARGS ;;
    *) echo "unknown mode $MODE (redis, latency, memory)" >&2; exit 2 ;;
  esac
}

for round in $(seq 1 "$ROUNDS"); do
  echo "======== round $round of $ROUNDS ($MODE)"
  run "baseline $BASE_COMMIT" "$(cat "$WORK/baseline.cp")"
  run "shared engine (this tree)" "$ENGINE_CP"
done
