#!/usr/bin/env bash
# Where a paced review's CPU goes, thread by thread: one server as the image runs it (bench/jvm-options.sh),
# warmed up at saturation, then idle, /noop, /validate and /mutate in turn, each for one window at admission's
# pace (bench/pace, 1 client at 50 req/s). For every window it prints each thread group's CPU per request and its
# wake-ups (run time and context switches from /proc/<pid>/task/*/schedstat; a group is the kernel's thread name,
# so the event loops are one group). "idle" divides by the requests a paced window would have had, so that its
# figures read as what the JVM's own background threads add to each review.
# With --go, the Go yardstick (../shared/yardstick/go-webhook) runs beside it, warmed up the same way, and each
# paced window sends to both servers in turn (bench/pace, each at the rate): its line "go-yardstick" is that whole
# process's CPU per request, in the same moments, so that our floor and our reviews have a baseline.
#
#   bench/threads.sh [--no-build] [--go] [--duration 10s] [--rate 50] [--rounds 1]
#   JAVA_OPTS="-XX:+UsePerfData" bench/threads.sh --no-build   # flags after the image's, to compare
set -euo pipefail
cd "$(dirname "$0")/.."
build=true go=false duration=10s rate=50 rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --go) go=true; shift ;;
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/threads.sh [--no-build] [--go] [--duration 10s] [--rate 50] [--rounds 1]" >&2; exit 2 ;;
  esac
done
. bench/common.sh
. bench/pace.sh
port=$(free_port) mport=$(free_port)
log=target/bench-threads.log
MALLOC_ARENA_MAX=$image_malloc_arenas java -XX:MaxRAM=320m $image_jvm_opts ${JAVA_OPTS:-} -Dquarkus.profile=local \
  -Dwebhook.bench.noop-endpoint=true -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport \
  -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
pid=$!
gpid=""
if $go; then
  . bench/yardstick.sh
  gport=$(free_port)
  target/go-webhook/gowebhook -addr 127.0.0.1:$gport -cert "$tls/tls.crt" -key "$tls/tls.key" > target/bench-threads-go.log 2>&1 &
  gpid=$!
fi
trap 'kill $pid $gpid 2>/dev/null; wait $pid $gpid 2>/dev/null || true' EXIT
wait_ready $pid "https://localhost:$mport/q/health/ready" "$log" "the webhook"
$go && wait_ready $gpid "https://localhost:$gport/noop" target/bench-threads-go.log "the Go yardstick" -d '{}'
payload() { case "$1" in validate) echo bench/validate-review.json ;; *) echo bench/mutate-review.json ;; esac; }
echo "warming up (10 s per endpoint, 8 clients) ..." >&2
servers="https://localhost:$port"
$go && servers="$servers https://localhost:$gport"
for ep in noop mutate validate; do
  for base in $servers; do
    hey -z 10s -c 8 -host localhost -m POST -T application/json -D "$(payload $ep)" "$base/$ep" >/dev/null
  done
done
sleep 3 # let the warm-up's compilations and collections finish
# "group run_ns switches" per thread group
snapshot() {
  for t in /proc/$pid/task/*; do
    printf '%s %s\n' "$(tr -c 'A-Za-z0-9.\n-' '_' < "$t/comm" | sed 's/[#_]*[0-9]*$//')" "$(awk '{print $1, $3}' "$t/schedstat")"
  done | awk '{ns[$1] += $2; sw[$1] += $3} END {for (g in ns) printf "%s %.0f %.0f\n", g, ns[g], sw[g]}' | sort
  if [ -n "$gpid" ]; then # the yardstick as one line: the whole process
    cat /proc/$gpid/task/*/schedstat | awk '{ns += $1; sw += $3} END {printf "go-yardstick %.0f %.0f\n", ns, sw}'
  fi
}
secs=${duration%s}
printf '%-6s %-9s %-22s %12s %14s\n' round window "thread group" "CPU µs/req" "wake-ups/s"
for r in $(seq 1 "$rounds"); do
  for window in idle noop validate mutate; do
    before=$(snapshot)
    if [ "$window" = idle ]; then
      sleep "$secs"; requests=$((rate * secs)); latency=""
    else
      if $go; then # both servers in turn on one ticker; a line per URL, ours first
        out=$(target/pace -url "https://localhost:$port/$window,https://localhost:$gport/$window" -body "$(payload $window)" \
          -c 1 -q "$rate" -d "$duration" -host localhost)
        requests=$(echo "$out" | awk 'NR == 1 {print $2}')
        latency=$(echo "$out" | awk '{printf "%sp50 %d µs, p99 %d µs", NR == 1 ? "" : "; go ", $4, $6}')
      else
        out=$(pace_measure "https://localhost:$port/$window" "$(payload $window)" 1 "$rate" "$duration")
        requests=$(echo "$out" | awk '{print $2}'); latency=$(echo "$out" | awk '{printf "p50 %d µs, p99 %d µs", $4, $6}')
      fi
    fi
    after=$(snapshot)
    join <(echo "$before") <(echo "$after") | awk -v r="$r" -v w="$window" -v n="$requests" -v s="$secs" '
      { cpu = ($4 - $2) / 1000 / n; wake = ($5 - $3) / s
        if ($1 == "go-yardstick") { printf "%-6s %-9s %-22s %12.1f %14.1f\n", r, w, $1, cpu, wake; next }
        total += cpu; wakes += wake
        if (cpu >= 1 || wake >= 1) printf "%-6s %-9s %-22s %12.1f %14.1f\n", r, w, $1, cpu, wake }
      END { printf "%-6s %-9s %-22s %12.1f %14.1f\n", r, w, "all-threads", total, wakes }' | sort -k4 -gr -s
    [ -n "$latency" ] && echo "       $window: $requests requests, $latency"
  done
done
