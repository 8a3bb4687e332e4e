#!/usr/bin/env bash
# Load benchmark of the webhook over HTTPS beside a Go standard-library webhook doing the same kind of
# work (the yardstick in ../shared/yardstick/go-webhook), on the same payloads and certificate, in one run.
#
#   bench/run.sh                      # paced (1 client at 50 req/s, 4 clients at 200 req/s) and saturated (8, 32 clients)
#   bench/run.sh --duration 20s --rounds 2
#   bench/run.sh --warmup 60s         # warm-up per endpoint and server before measuring (default 15s; the JIT is
#                                     # still compiling after 15 s, see docs/performance.md)
#   bench/run.sh --no-build           # reuse target/quarkus-app
#   bench/run.sh --million            # then one million reviews (half /mutate, half /validate) and the server's RSS
#   bench/run.sh --soak 10m           # then a soak: heap live data after GC, once a minute
#
# Builds the jar and the yardstick (`go build`, Debian's golang-go), makes one EC P-256 certificate for
# both, starts both servers, and prints, for each row, ours over Go's: paced p50 and p99 (bench/pace, to the
# microsecond, the two servers' requests in turn in one run, each review row after the same row on /noop);
# saturated req/s and p99 (`hey`, Debian's, the two servers one after the other); and our req/s over our own
# floor (/noop: same server, TLS and HTTP, no decoding, no policy). So both servers see the same machine load.
# The load generators run on the same cores as both servers.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10s
warmup=15s
rounds=1
build=true
million=false
soak=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --no-build) build=false; shift ;;
    --million) million=true; shift ;;
    --soak) soak=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--duration 10s] [--rounds 1] [--warmup 15s] [--no-build] [--million] [--soak 10m]" >&2; exit 2 ;;
  esac
done

. bench/common.sh
. bench/yardstick.sh
. bench/pace.sh          # the paced client (bench/pace)

log=target/bench-server.log
# Default: the JVM as the image runs it (bench/jvm-options.sh) in the Deployment's memory limit (320Mi), where the
# heap ceiling is 128 MiB. JAVA_OPTS replaces those options ("" for the JVM's defaults for the whole machine).
JAVA_OPTS=${JAVA_OPTS--XX:MaxRAM=320m $image_jvm_opts}
arenas=${MALLOC_ARENA_MAX-$image_malloc_arenas}
port=$(free_port) mport=$(free_port) gport=$(free_port)
MALLOC_ARENA_MAX=$arenas java $JAVA_OPTS -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true \
  -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport \
  -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
pid=$!
target/go-webhook/gowebhook -addr 127.0.0.1:$gport -cert "$tls/tls.crt" -key "$tls/tls.key" > target/bench-go.log 2>&1 &
gopid=$!
trap 'kill $pid $gopid 2>/dev/null; wait $pid $gopid 2>/dev/null || true' EXIT
wait_ready $pid "https://localhost:$mport/q/health/ready" "$log" "the webhook"
wait_ready $gopid "https://localhost:$gport/noop" target/bench-go.log "the Go yardstick" -d '{}'
echo "ours: $(grep -a -o 'TLS on the admission port: .*' "$log" | head -1)"

ours=https://localhost:$port
go=https://localhost:$gport
# hey sends "host:port" as the TLS server name unless told the host; the JDK rightly refuses that name
# (a port is not a hostname). The API server sends a plain name.
HEY="-host localhost"
failed=0
payload() { case "$1" in mutate) echo bench/mutate-review.json ;; *) echo bench/validate-review.json ;; esac; }

# hey's report -> "rps p50 p95 p99 errors" (latencies in ms)
summarize() {
  echo "$1" | awk '
    /Requests\/sec:/ {rps=$2}
    /^  50% in/ {p50=$3*1000} /^  95% in/ {p95=$3*1000} /^  99% in/ {p99=$3*1000}
    /^  \[[0-9]+\]/ { code=substr($1,2,3); n=$2; if (code!="200") err+=n }
    /Error distribution:/ {inerr=1; next}
    inerr && /^  \[/ { gsub(/[\[\]]/,"",$1); err+=$1 }
    END {printf "%.0f %.2f %.2f %.2f %d\n", rps, p50, p95, p99, err+0}'
}
# measure BASE ENDPOINT CLIENTS [RATE PER CLIENT]
measure() {
  local base=$1 endpoint=$2 c=$3 q=${4:-0} out
  out=$(hey -z "$duration" -c "$c" -q "$q" $HEY -m POST -T application/json -D "$(payload "$endpoint")" "$base/$endpoint")
  summarize "$out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2f", a/b; else printf "-" }'; }

echo "warming up ($warmup per endpoint and server) ..." >&2
for base in $ours $go; do
  for ep in noop mutate validate; do hey -z "$warmup" -c 8 $HEY -m POST -T application/json -D "$(payload $ep)" "$base/$ep" >/dev/null; done
done

echo
echo "paced: bench/pace, both servers in one run, their requests in turn (req/s per client and server); latencies in"
echo "ms, to the microsecond; ours/go < 1 is ours faster"
printf '%-9s %-12s %9s %9s %9s %9s %10s %10s\n' endpoint load "ours p50" "go p50" "ours p99" "go p99" "p50 o/g" "p99 o/g"
ms() { awk -v us="$1" 'BEGIN{printf "%.3f", us/1000}'; }
for r in $(seq 1 "$rounds"); do
  for load in "1 50" "4 50"; do
    set -- $load
    for ep in mutate validate; do
      for who in noop "$ep"; do # the floor first, then the review
        if [ $((r % 2)) = 1 ]; then urls="$ours/$who,$go/$who"; else urls="$go/$who,$ours/$who"; fi
        out=$(pace_measure "$urls" "$(payload "$ep")" "$1" "$2" "$duration") || failed=1
        read -r _ _ oerr op50 _ op99 _ < <(echo "$out" | grep "^$ours/")
        read -r _ _ gerr gp50 _ gp99 _ < <(echo "$out" | grep "^$go/")
        [ "$oerr" = 0 ] && [ "$gerr" = 0 ] || failed=1
        printf '%-9s %-12s %9s %9s %9s %9s %10s %10s\n' "$who" "$1 x $2/s" "$(ms "$op50")" "$(ms "$gp50")" "$(ms "$op99")" "$(ms "$gp99")" \
          "$(ratio "$op50" "$gp50")" "$(ratio "$op99" "$gp99")"
      done
    done
  done
done

echo
echo "saturated: req/s and p99 (ms); rps o/g >= 1 is ours ahead; floor = each server's own /noop (ours, then Go's)"
printf '%-9s %5s %10s %10s %9s %9s %9s %9s %10s %10s\n' endpoint conc "ours rps" "go rps" "ours p99" "go p99" "rps o/g" "p99 o/g" "rps/floor" "go/floor"
for _ in $(seq 1 "$rounds"); do
  for c in 8 32; do
    read -r frps _ _ fp99 ferr < <(measure $ours noop "$c")
    read -r gfrps _ _ gp99 gerr < <(measure $go noop "$c")
    [ "$ferr" = 0 ] && [ "$gerr" = 0 ] || failed=1
    printf '%-9s %5s %10s %10s %9s %9s %9s %9s %10s %10s\n' noop "$c" "$frps" "$gfrps" "$fp99" "$gp99" "$(ratio "$frps" "$gfrps")" "$(ratio "$fp99" "$gp99")" "1.00" "1.00"
    for ep in mutate validate; do
      read -r orps _ _ op99 oerr < <(measure $ours "$ep" "$c")
      read -r grps _ _ gp99 gerr < <(measure $go "$ep" "$c")
      [ "$oerr" = 0 ] && [ "$gerr" = 0 ] || failed=1
      printf '%-9s %5s %10s %10s %9s %9s %9s %9s %10s %10s\n' "$ep" "$c" "$orps" "$grps" "$op99" "$gp99" "$(ratio "$orps" "$grps")" "$(ratio "$op99" "$gp99")" "$(ratio "$orps" "$frps")" "$(ratio "$grps" "$gfrps")"
    done
  done
done
if [ "$failed" != 0 ]; then
  echo "INVALID RUN: some requests failed; these figures measure failures, not the webhooks" >&2
  exit 1
fi
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$1/status; }
echo
echo "RSS after the run: ours $(rss $pid) (JAVA_OPTS='${JAVA_OPTS:-}'), Go $(rss $gopid)"

if $million; then
  echo "one million reviews (32 clients) ..." >&2
  for ep in mutate validate; do
    out=$(hey -n 500000 -c 32 $HEY -m POST -T application/json -D "$(payload $ep)" "$ours/$ep")
    ok=$(echo "$out" | awk '/^  \[200\]/ {print $2}')
    echo "  $ep: $(echo "$out" | awk '/Requests\/sec:/ {printf "%.0f req/s", $2}'), ${ok:-0} of 500000 answered 200"
    [ "${ok:-0}" = 500000 ] || { echo "INVALID RUN: not every review was answered 200" >&2; exit 1; }
  done
  echo "server RSS after one million reviews: $(rss $pid)"
fi

if [ -n "$soak" ]; then
  minutes=${soak%m}
  jcmd=jcmd
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jcmd" ] && jcmd="$JAVA_HOME/bin/jcmd"
  heap_after_full_gc() {
    "$jcmd" "$pid" GC.run >/dev/null
    curl -sk https://localhost:$mport/q/metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f", s/1048576}'
  }
  echo "soak: $minutes minutes of /mutate at 8 clients; heap in use right after a forced full GC, once a minute"
  echo "  start: heap after full GC $(heap_after_full_gc) MiB, RSS $(rss $pid)"
  for i in $(seq 1 "$minutes"); do
    out=$(hey -z 60s -c 8 $HEY -m POST -T application/json -D bench/mutate-review.json "$ours/mutate")
    read -r rps _ _ p99 err < <(summarize "$out")
    [ "$err" = 0 ] && [ "$rps" != 0 ] || { echo "INVALID RUN: $err failed requests in minute $i" >&2; exit 1; }
    echo "  minute $i: $rps req/s, p99 $p99 ms, heap after full GC $(heap_after_full_gc) MiB, RSS $(rss $pid)"
  done
fi
