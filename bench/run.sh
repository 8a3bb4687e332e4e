#!/usr/bin/env bash
# Load benchmark of the webhook over HTTPS, with a floor measured in the same run.
#
#   bench/run.sh                 # 1, 8 and 32 concurrent clients, 10 s each, on /noop, /mutate, /validate
#   bench/run.sh --duration 30s --concurrency "8 32"
#   bench/run.sh --million       # then one million reviews (half /mutate, half /validate) and the server's RSS
#   bench/run.sh --soak 10m      # then a soak: heap live data after GC, once a minute
#
# Builds the jar, starts it (local profile: self-signed certificate, no cluster, /noop enabled), drives
# it with `hey` (installed from Debian if missing) and prints requests/s, p50/p95/p99, errors and the
# ratio to the floor (/noop: same server, TLS and framework, no decoding, no policy).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10s
concurrency="1 8 32"
million=false
soak=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --million) million=true; shift ;;
    --soak) soak=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--duration 10s] [--concurrency \"1 8 32\"] [--million] [--soak 10m]" >&2; exit 2 ;;
  esac
done

if ! command -v hey >/dev/null 2>&1; then
  echo "installing hey from Debian ..." >&2
  (apt-get update -qq && apt-get install -y -qq hey) >/dev/null
fi

echo "building ..." >&2
./mvnw -q -B package -DskipTests
keystore=target/local-tls/webhook.p12
if [ ! -f "$keystore" ]; then
  mkdir -p "$(dirname "$keystore")"
  keytool -genkeypair -alias webhook -keyalg EC -groupname secp256r1 -dname CN=localhost \
    -ext SAN=dns:localhost,ip:127.0.0.1 -validity 30 -storetype PKCS12 -keystore "$keystore" -storepass local-only >/dev/null 2>&1
fi

log=target/bench-server.log
# Default: size the JVM as in the Deployment (memory limit 320Mi), where the JVM picks its own heap (126 MiB).
# JAVA_OPTS="" (set, empty) runs with the JVM's defaults for the whole machine instead.
JAVA_OPTS=${JAVA_OPTS--XX:MaxRAM=320m}
java $JAVA_OPTS -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -skf https://localhost:9000/q/health/ready >/dev/null 2>&1 && break
  sleep 0.2
done
curl -skf https://localhost:9000/q/health/ready >/dev/null || { echo "the webhook did not start; see $log" >&2; exit 1; }

url=https://localhost:8443
# hey sends "host:port" as the TLS server name unless told the host; the JDK rightly refuses that name
# (a port is not a hostname), so every request would fail the handshake. The API server sends a plain name.
HEY="-host localhost"
failed=0
payload() { case "$1" in mutate) echo bench/mutate-review.json ;; *) echo bench/validate-review.json ;; esac; }

# hey's report -> "rps p50 p95 p99 errors" (latencies in ms)
measure() {
  local endpoint=$1 c=$2 out
  out=$(hey -z "$duration" -c "$c" $HEY -m POST -T application/json -D "$(payload "$endpoint")" "$url/$endpoint")
  summarize "$out"
}
summarize() {
  echo "$1" | awk '
    /Requests\/sec:/ {rps=$2}
    /^  50% in/ {p50=$3*1000} /^  95% in/ {p95=$3*1000} /^  99% in/ {p99=$3*1000}
    /^  \[[0-9]+\]/ { code=substr($1,2,3); n=$2; if (code!="200") err+=n }
    /Error distribution:/ {inerr=1; next}
    inerr && /^  \[/ { gsub(/[\[\]]/,"",$1); err+=$1 }
    END {printf "%.0f %.2f %.2f %.2f %d\n", rps, p50, p95, p99, err+0}'
}

# Warm up until the JIT has settled: after 20,000 reviews the C2 compiler still took ~10 % of the CPU.
echo "warming up (15 s per endpoint) ..." >&2
for ep in noop mutate validate; do hey -z 15s -c 8 $HEY -m POST -T application/json -D "$(payload $ep)" "$url/$ep" >/dev/null; done

printf '\n%-9s %5s %10s %9s %9s %9s %7s %10s %10s\n' endpoint conc "req/s" "p50 ms" "p95 ms" "p99 ms" errors "rps/floor" "p99/floor"
for c in $concurrency; do
  read -r frps fp50 fp95 fp99 ferr < <(measure noop "$c")
  [ "$ferr" = 0 ] || failed=1
  printf '%-9s %5s %10s %9s %9s %9s %7s %10s %10s\n' noop "$c" "$frps" "$fp50" "$fp95" "$fp99" "$ferr" "1.00" "1.00"
  for ep in mutate validate; do
    read -r rps p50 p95 p99 err < <(measure "$ep" "$c")
    [ "$err" = 0 ] || failed=1
    printf '%-9s %5s %10s %9s %9s %9s %7s %10s %10s\n' "$ep" "$c" "$rps" "$p50" "$p95" "$p99" "$err" \
      "$(awk -v a="$rps" -v b="$frps" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$p99" -v b="$fp99" 'BEGIN{printf "%.2f", (b>0?a/b:0)}')"
  done
done
if [ "$failed" != 0 ]; then
  echo "INVALID RUN: some requests failed (see the errors column); these figures measure failures, not the webhook" >&2
  exit 1
fi
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$pid/status; }
echo
echo "server RSS after the run: $(rss) (JAVA_OPTS='${JAVA_OPTS:-}': no heap flag, the JVM's own sizing)"

if $million; then
  echo "one million reviews (32 clients) ..." >&2
  for ep in mutate validate; do
    out=$(hey -n 500000 -c 32 $HEY -m POST -T application/json -D "$(payload $ep)" "$url/$ep")
    ok=$(echo "$out" | awk '/^  \[200\]/ {print $2}')
    echo "  $ep: $(echo "$out" | awk '/Requests\/sec:/ {printf "%.0f req/s", $2}'), ${ok:-0} of 500000 answered 200"
    [ "${ok:-0}" = 500000 ] || { echo "INVALID RUN: not every review was answered 200" >&2; exit 1; }
  done
  echo "server RSS after one million reviews: $(rss)"
fi

if [ -n "$soak" ]; then
  minutes=${soak%m}
  jcmd=jcmd
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jcmd" ] && jcmd="$JAVA_HOME/bin/jcmd"
  heap_after_full_gc() {
    "$jcmd" "$pid" GC.run >/dev/null
    curl -sk https://localhost:9000/q/metrics | awk '/^jvm_memory_used_bytes\{area="heap"/ {s+=$NF} END {printf "%.1f", s/1048576}'
  }
  echo "soak: $minutes minutes of /mutate at 8 clients; heap in use right after a forced full GC, once a minute"
  echo "  start: heap after full GC $(heap_after_full_gc) MiB, RSS $(rss)"
  for i in $(seq 1 "$minutes"); do
    # The whole report first: piping hey into `grep -q` can end hey with SIGPIPE, a false failure.
    out=$(hey -z 60s -c 8 $HEY -m POST -T application/json -D bench/mutate-review.json "$url/mutate")
    read -r rps _ _ p99 err < <(summarize "$out")
    [ "$err" = 0 ] && [ "$rps" != 0 ] || { echo "INVALID RUN: $err failed requests in minute $i" >&2; exit 1; }
    echo "  minute $i: $rps req/s, p99 $p99 ms, heap after full GC $(heap_after_full_gc) MiB, RSS $(rss)"
  done
fi
