#!/usr/bin/env bash
# Cost and memory at cluster size: the webhook with its cluster lookups on, its informers filled from a
# stand-in API server (dev.isvcpolicy.bench.BenchApiServer, test classes) holding many objects.
#
#   bench/scale.sh                 # both parts below
#   bench/scale.sh --no-build      # reuse target/quarkus-app and target/test-classes
#   bench/scale.sh --latency-only | --memory-only
#
# 1. Latency: 5,000 InferenceServices and 5,000 ScaledObjects in namespace team-a. /validate of an
#    InferenceService and of a ScaledObject, in team-a and in the empty namespace team-empty, paced (4 clients
#    at 50 req/s each and namespace) and saturated (8 clients), each load one run of bench/pace with the two
#    namespaces' requests in turn (so both see the same moments of machine load), latencies to the
#    microsecond; prints p50/p99 and full/empty, and the saturated req/s of both namespaces together.
# 2. Memory: 20,000 InferenceServices and 10,000 ScaledObjects over 100 namespaces, against none. After
#    the caches synced and a forced full GC: heap in use, bytes per cached object, and RSS, JVM sized as in
#    the Deployment (-XX:MaxRAM=320m) with the image's options (Dockerfile.jvm); SCALE_JAVA_OPTS replaces those
#    options in both runs (SCALE_JAVA_OPTS="" for the JVM's own defaults). Class histograms of both
#    heaps are left in target/bench-scale/histogram-{0,20000}.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
parts="latency memory"
duration=10s
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --latency-only) parts=latency; shift ;;
    --memory-only) parts=memory; shift ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "usage: bench/scale.sh [--no-build] [--latency-only|--memory-only] [--duration 10s]" >&2; exit 2 ;;
  esac
done
. bench/common.sh
. bench/pace.sh
# the stand-in API server is a test class: compiled with the build, or when --no-build finds it missing
$build || [ ! -f target/test-classpath.txt ] && ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
keystore=$tls/webhook.p12
jcmd=jcmd
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jcmd" ] && jcmd="$JAVA_HOME/bin/jcmd"
# The JVM as the image runs it (bench/jvm-options.sh), and -XX:MaxRAM=320m for the Deployment's memory limit.
# SCALE_JAVA_OPTS="" runs with the JVM's own defaults instead.
jvm_opts=${SCALE_JAVA_OPTS-$image_jvm_opts}
arenas=${MALLOC_ARENA_MAX-$image_malloc_arenas}
[ -n "${SCALE_JAVA_OPTS+set}" ] && arenas=${MALLOC_ARENA_MAX:-}
api_port=$(free_port)
port=$(free_port)
mport=$(free_port)
apipid=""
pid=""
cleanup() { kill $pid $apipid 2>/dev/null || true; }
trap cleanup EXIT

# api ISVCS SCALEDOBJECTS [SPREAD]: (re)starts the stand-in API server
api() {
  [ -n "$apipid" ] && kill "$apipid" 2>/dev/null && wait "$apipid" 2>/dev/null || true
  java -Xmx1g -cp "$cp" dev.isvcpolicy.bench.BenchApiServer $api_port team-a "$1" "$2" ${3:-} > target/bench-api.log 2>&1 &
  apipid=$!
  for _ in $(seq 1 600); do grep -q READY target/bench-api.log 2>/dev/null && break; sleep 0.2; done
  grep -q READY target/bench-api.log || { echo "the stand-in API server did not start; see target/bench-api.log" >&2; exit 1; }
  head -1 target/bench-api.log >&2
}
# webhook: (re)starts the webhook against it and waits until both caches synced
webhook() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  MALLOC_ARENA_MAX=$arenas java -XX:MaxRAM=320m $jvm_opts -Dquarkus.profile=local -Dwebhook.cluster.lookups=true \
    -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport -Dquarkus.tls.key-store.p12.path="$keystore" \
    -Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:$api_port -Dquarkus.kubernetes-client.namespace=default \
    -jar target/quarkus-app/quarkus-run.jar > target/bench-scale-server.log 2>&1 &
  pid=$!
  for _ in $(seq 1 900); do
    [ "$(grep -c 'cache synced' target/bench-scale-server.log 2>/dev/null)" -ge 2 ] && break
    kill -0 $pid 2>/dev/null || { echo "the webhook exited; see target/bench-scale-server.log" >&2; exit 1; }
    sleep 0.2
  done
  grep 'cache synced' target/bench-scale-server.log | sed 's/.*\] /  /' >&2
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else printf "-" }'; }
heap_after_gc() {
  "$jcmd" "$pid" GC.run >/dev/null; sleep 1; "$jcmd" "$pid" GC.run >/dev/null
  curl -sk https://localhost:$mport/q/metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.0f", s}'
}
rss_kib() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }
# Committed heap and non-heap (metaspace, code cache, ...), in KiB, from Micrometer: the same for every collector.
committed_kib() {
  curl -sk https://localhost:$mport/q/metrics | awk -v area="$1" '$0 ~ "^jvm_memory_committed_bytes\\{area=\"" area "\"" {s+=$NF} END {printf "%.0f", s/1024}'
}
# The collector and heap ceiling the JVM chose.
jvm_flags() { "$jcmd" "$pid" VM.flags | tr ' ' '\n' | grep -E '^-XX:\+Use(Serial|Parallel|G1|Z|Shenandoah)GC$|^-XX:MaxHeapSize=' | tr '\n' ' '; }

# Payloads: the InferenceService of bench/validate-review.json (namespace team-a) and a user's ScaledObject
# on a Deployment no InferenceService owns; each also for team-empty.
mkdir -p target/bench-scale
sed 's/"namespace": "team-a"/"namespace": "team-empty"/g' bench/validate-review.json > target/bench-scale/isvc-empty.json
cp bench/validate-review.json target/bench-scale/isvc-full.json
so_review() {
  cat <<EOF
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"bench-so-1",
 "kind":{"group":"keda.sh","version":"v1alpha1","kind":"ScaledObject"},
 "resource":{"group":"keda.sh","version":"v1alpha1","resource":"scaledobjects"},
 "name":"user-so","namespace":"$1","operation":"CREATE","userInfo":{"username":"dev"},
 "object":{"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject","metadata":{"name":"user-so","namespace":"$1"},
  "spec":{"scaleTargetRef":{"name":"${2:-batch-worker}"},"triggers":[{"type":"cpu","metadata":{"value":"50"}}]}}}}
EOF
}
so_review team-a > target/bench-scale/so-full.json
so_review team-empty > target/bench-scale/so-empty.json
so_review team-a model-00042-predictor > target/bench-scale/so-conflict.json

if [[ " $parts " == *" latency "* ]]; then
  echo "latency: starting the stand-in API server (5,000 InferenceServices, 5,000 ScaledObjects in team-a) ..." >&2
  api 5000 5000
  webhook
  url=https://localhost:$port/validate
  # The caches are consulted: a user's ScaledObject on model-00042's predictor is denied, the reviewed objects allowed.
  curl -sk -H 'Content-Type: application/json' --data-binary @target/bench-scale/so-conflict.json $url | grep -q '"allowed":false' \
    || { echo "INVALID RUN: the conflicting ScaledObject was not denied: the caches were not consulted" >&2; exit 1; }
  for f in isvc-full so-full isvc-empty so-empty; do
    curl -sk -H 'Content-Type: application/json' --data-binary @target/bench-scale/$f.json $url | grep -q '"allowed":true' \
      || { echo "INVALID RUN: $f was not allowed" >&2; exit 1; }
  done
  echo "warming up ..." >&2
  for f in isvc-full isvc-empty so-full so-empty; do
    hey -z 10s -c 8 -host localhost -m POST -T application/json -D target/bench-scale/$f.json $url >/dev/null
  done
  echo
  echo "/validate, namespace with 5,000 InferenceServices and 5,000 ScaledObjects (full) against an empty one (empty)"
  printf '%-17s %-9s %9s %9s %9s %9s %9s %9s\n' review load "full p50" "empty p50" "full p99" "empty p99" "p50 f/e" "p99 f/e"
  failed=0
  for round in 1 2; do
    for kind in isvc so; do
      for load in "4 50" "8 0"; do
        set -- $load
        # Both namespaces in one run, their requests in turn (bench/pace), latencies to the microsecond.
        out=$(pace_measure "$url,$url" "target/bench-scale/$kind-full.json,target/bench-scale/$kind-empty.json" "$1" "$2" "$duration") || failed=1
        read -r frps fp50 fp99 ferr < <(echo "$out" | sed -n 1p | awk -v s="${duration%s}" '{printf "%.0f %.3f %.3f %d\n", $2/s, $4/1000, $6/1000, $3}')
        read -r erps ep50 ep99 eerr < <(echo "$out" | sed -n 2p | awk -v s="${duration%s}" '{printf "%.0f %.3f %.3f %d\n", $2/s, $4/1000, $6/1000, $3}')
        [ "$ferr" = 0 ] && [ "$eerr" = 0 ] || failed=1
        label=$([ "$2" = 0 ] && echo "$1 clients" || echo "$1 x $2/s")
        printf '%-17s %-9s %9s %9s %9s %9s %9s %9s' "$kind r$round" "$label" "$fp50" "$ep50" "$fp99" "$ep99" "$(ratio $fp50 $ep50)" "$(ratio $fp99 $ep99)"
        [ "$2" = 0 ] && printf '   req/s %s, both namespaces' "$((frps + erps))"
        echo
      done
    done
  done
  [ "$failed" = 0 ] || { echo "INVALID RUN: some requests failed" >&2; exit 1; }
fi

if [[ " $parts " == *" memory "* ]]; then
  echo >&2
  declare -A heap rss committed nonheap
  for fill in "0 0" "20000 10000"; do
    set -- $fill
    echo "memory: $1 InferenceServices and $2 ScaledObjects over 100 namespaces ..." >&2
    api "$1" "$2" 100
    webhook
    # Serve for a while first, so RSS includes what answering costs.
    hey -z 10s -c 8 -host localhost -m POST -T application/json -D target/bench-scale/isvc-full.json https://localhost:$port/validate >/dev/null
    heap[$1]=$(heap_after_gc)
    # What the heap holds, by class (compare the two files to see what a cached object is made of).
    "$jcmd" "$pid" GC.class_histogram > target/bench-scale/histogram-$1.txt 2>/dev/null || true
    rss[$1]=$(rss_kib)
    committed[$1]=$(committed_kib heap)
    nonheap[$1]=$(committed_kib nonheap)
    flags=$(jvm_flags)
  done
  echo
  echo "memory, -XX:MaxRAM=320m (the Deployment's limit) $jvm_opts${arenas:+ MALLOC_ARENA_MAX=$arenas}, after the caches synced, 10 s of /validate and a full GC:"
  echo "  JVM: $flags"
  awk -v he="${heap[0]}" -v hf="${heap[20000]}" -v re="${rss[0]}" -v rf="${rss[20000]}" -v ce="${committed[0]}" -v cf="${committed[20000]}" \
      -v ne="${nonheap[0]}" -v nf="${nonheap[20000]}" 'BEGIN {
    printf "  empty caches:                                    heap in use %.1f MiB (committed %.0f MiB, non-heap %.0f MiB), RSS %.0f MiB\n", he/1048576, ce/1024, ne/1024, re/1024
    printf "  20,000 InferenceServices + 10,000 ScaledObjects: heap in use %.1f MiB (committed %.0f MiB, non-heap %.0f MiB), RSS %.0f MiB\n", hf/1048576, cf/1024, nf/1024, rf/1024
    printf "  per cached object: %.0f bytes of heap ((%.1f - %.1f MiB) / 30,000)\n", (hf-he)/30000, hf/1048576, he/1048576 }'
fi
