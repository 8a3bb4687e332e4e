#!/usr/bin/env bash
# Where a paced review's time goes: the client's latency (bench/pace, 1 client at 50 req/s, /noop and the review in
# turn) against the handler's own time for the same reviews (durationMs of their audit lines: decode, decide,
# answer built; not TLS, HTTP or the answer's encoding). One server, as the image runs it.
#
#   bench/handler-time.sh [--no-build] [--duration 20s] [--endpoints "validate mutate"] [--rounds 1]
#   APPS="/tmp/before/quarkus-app target/quarkus-app" bench/handler-time.sh --no-build   # builds in turn, per round
#
# Prints per endpoint: p50/p90/p99 of the client's latency for /noop and the review (µs), and p50/p90/p99 of the
# handler's durationMs over the same reviews. Review minus /noop is what the review adds; the handler's share of it
# is the part the webhook's own code decides (docs/performance-history.md, fifth pass).
set -euo pipefail
cd "$(dirname "$0")/.."
build=true duration=20s endpoints="validate mutate" rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false ;;
    --duration) duration=$2; shift ;;
    --endpoints) endpoints=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
. bench/common.sh
. bench/pace.sh
port=$(free_port) mport=$(free_port)
log=target/bench-handler-time.log
for r in $(seq 1 "$rounds"); do
  for app in ${APPS:-target/quarkus-app}; do
    MALLOC_ARENA_MAX=$image_malloc_arenas java -XX:MaxRAM=320m $image_jvm_opts -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true \
      -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" \
      -jar "$app/quarkus-run.jar" > "$log" 2>&1 &
    pid=$!
    trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
    wait_ready $pid "https://localhost:$mport/q/health/ready" "$log" "the webhook"
    for ep in $endpoints; do # warm-up: the review and /noop with its body
      for who in noop "$ep"; do hey -z 10s -c 8 -m POST -T application/json -D "bench/$ep-review.json" "https://localhost:$port/$who" >/dev/null; done
    done
    echo "== round $r, $app"
    printf '%-9s %-8s %8s %8s %8s\n' endpoint what p50 p90 p99
    for ep in $endpoints; do
      before=$(grep -c "\"endpoint\":\"$ep\"" "$log" || true)
      pace_measure "https://localhost:$port/noop,https://localhost:$port/$ep" "bench/$ep-review.json" 1 50 "$duration" \
        | awk -v ep="$ep" '{n=split($1,u,"/"); printf "%-9s %-8s %8d %8d %8d\n", ep, u[n], $4, $5, $6}'
      grep "\"endpoint\":\"$ep\"" "$log" | tail -n +$((before + 1)) | sed -n 's/.*"durationMs":\([0-9.]*\).*/\1/p' | sort -n \
        | awk -v ep="$ep" '{a[NR]=$1*1000} END{ if (NR) printf "%-9s %-8s %8d %8d %8d\n", ep, "handler", a[int(NR*0.5)+1], a[int(NR*0.9)+1], a[int(NR*0.99)+1]}'
    done
    kill $pid; wait $pid 2>/dev/null || true
    trap - EXIT
  done
done
