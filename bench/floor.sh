#!/usr/bin/env bash
# Where a paced /noop's time goes outside our code: five servers answer the same fixed AdmissionReview to any
# POST, over the same certificate, TLS 1.3 and HTTP/1.1, and are paced in the same moments (bench/pace, 1 client,
# the URLs in turn, each at --rate per second):
#   quarkus  our webhook's /noop (Quarkus' HTTP server, its router, the body handler), as the image runs it;
#   web      a bare Vert.x HttpServer (bench/floor/RawVertxNoop.java ... router) with a vertx-web Router and
#            BodyHandler as our /noop route has them: the same Vert.x, OpenSSL and epoll, no Quarkus;
#   vertx    the same bare server without the router: the request reads its own body;
#   netty    a bare netty pipeline (bench/floor/RawNettyNoop.java): SslHandler (OpenSSL), HttpServerCodec, aggregator;
#   go       the Go yardstick's /noop (../shared/yardstick/go-webhook, Go's net/http and crypto/tls).
# The four JVMs run with the image's options (bench/jvm-options.sh) and the same jars (target/quarkus-app/lib).
# Per round it prints each server's paced p50/p99 (µs) and its whole process's CPU per request (all threads,
# /proc/<pid>/task/*/schedstat, so the load generator is not in it), and each over Go's. The order of the URLs
# turns every round. So the gap between our /noop and Go's splits into steps: Quarkus' own layers (quarkus over web),
# the router and body handler (web over vertx), Vert.x's (vertx over netty), and netty with OpenSSL on the JVM
# against Go (netty over go).
#
#   bench/floor.sh [--no-build] [--warmup 20s] [--duration 20s] [--rate 50] [--rounds 4]
set -euo pipefail
cd "$(dirname "$0")/.."
build=true warmup=20s duration=20s rate=50 rounds=4
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --warmup) warmup=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/floor.sh [--no-build] [--warmup 20s] [--duration 20s] [--rate 50] [--rounds 4]" >&2; exit 2 ;;
  esac
done
. bench/common.sh
. bench/pace.sh
. bench/yardstick.sh
mkdir -p target/floor
cp=$(ls target/quarkus-app/lib/main/*.jar | tr '\n' ':')
javac -cp "$cp" -d target/floor bench/floor/RawVertxNoop.java bench/floor/RawNettyNoop.java

qport=$(free_port) mport=$(free_port) wport=$(free_port) vport=$(free_port) nport=$(free_port) gport=$(free_port)
jvm="java -XX:MaxRAM=320m $image_jvm_opts"
export MALLOC_ARENA_MAX=$image_malloc_arenas
$jvm -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true \
  -Dquarkus.http.ssl-port=$qport -Dquarkus.management.port=$mport -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" \
  -jar target/quarkus-app/quarkus-run.jar > target/floor/quarkus.log 2>&1 &
pids=($!)
$jvm -cp "target/floor:$cp" RawVertxNoop $wport "$tls/tls.crt" "$tls/tls.key" router > target/floor/web.log 2>&1 &
pids+=($!)
$jvm -cp "target/floor:$cp" RawVertxNoop $vport "$tls/tls.crt" "$tls/tls.key" > target/floor/vertx.log 2>&1 &
pids+=($!)
$jvm -cp "target/floor:$cp" RawNettyNoop $nport "$tls/tls.crt" "$tls/tls.key" > target/floor/netty.log 2>&1 &
pids+=($!)
target/go-webhook/gowebhook -addr 127.0.0.1:$gport -cert "$tls/tls.crt" -key "$tls/tls.key" > target/floor/go.log 2>&1 &
pids+=($!)
trap 'kill ${pids[*]} 2>/dev/null; wait 2>/dev/null || true' EXIT
names=(quarkus web vertx netty go)
n=${#names[@]} go=$((${#names[@]} - 1))
urls=()
for port in $qport $wport $vport $nport $gport; do urls+=(https://localhost:$port/noop); done
for i in "${!urls[@]}"; do wait_ready "${pids[$i]}" "${urls[$i]}" "target/floor/${names[$i]}.log" "${names[$i]}" -d '{}'; done
body=bench/mutate-review.json # what a review sends; every server reads it whole and ignores it
echo "warming up ($warmup per server, 8 clients) ..." >&2
for u in "${urls[@]}"; do hey -z "$warmup" -c 8 -host localhost -m POST -T application/json -D "$body" "$u" >/dev/null; done

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%.0f", s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo "paced: 1 client, $rate req/s to each server, the servers in turn; p50/p99 in µs; CPU µs per request, whole process"
printf '%-6s %-8s %8s %8s %8s %9s %9s %9s\n' round server p50 p99 cpu p50/go p99/go cpu/go
failed=0
steps=target/floor/steps.txt; : > "$steps"
for r in $(seq 1 "$rounds"); do
  list=$(for k in $(seq 0 $((n - 1))); do printf '%s,' "${urls[$(( (k + r - 1) % n ))]}"; done); list=${list%,}
  before=()
  for i in "${!pids[@]}"; do before[$i]=$(cpu_ns "${pids[$i]}"); done
  out=$(pace_measure "$list" "$body" 1 "$rate" "$duration") || failed=1
  p50=() p99=() cpu=()
  for i in "${!pids[@]}"; do
    read -r _ sent err a _ b _ < <(echo "$out" | grep "^${urls[$i]} ")
    [ "$err" = 0 ] || failed=1
    p50[$i]=$a p99[$i]=$b
    cpu[$i]=$(awk -v x="$(cpu_ns "${pids[$i]}")" -v y="${before[$i]}" -v n="$sent" 'BEGIN{printf "%.0f", (x-y)/1000/n}')
  done
  for i in "${!pids[@]}"; do
    printf '%-6s %-8s %8s %8s %8s %9s %9s %9s\n' "$r" "${names[$i]}" "${p50[$i]}" "${p99[$i]}" "${cpu[$i]}" \
      "$(ratio "${p50[$i]}" "${p50[$go]}")" "$(ratio "${p99[$i]}" "${p99[$go]}")" "$(ratio "${cpu[$i]}" "${cpu[$go]}")"
  done
  # each step of the gap this round (a server over the next barer one), and the whole gap (ours over Go's)
  for i in $(seq 0 $((n - 2))) whole; do
    if [ "$i" = whole ]; then i=0 j=$go; else j=$((i + 1)); fi
    echo "${names[$i]}/${names[$j]} $(ratio "${p50[$i]}" "${p50[$j]}") $(ratio "${p99[$i]}" "${p99[$j]}") $(ratio "${cpu[$i]}" "${cpu[$j]}")" >> "$steps"
  done
done
echo
echo "median of the rounds, step by step (above 1: the first of the pair is slower or costs more CPU)"
printf '%-14s %8s %8s %8s\n' step p50 p99 cpu
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for step in $(awk '{print $1}' "$steps" | awk '!seen[$0]++'); do
  printf '%-14s %8s %8s %8s\n' "$step" "$(awk -v s="$step" '$1 == s {print $2}' "$steps" | median)" \
    "$(awk -v s="$step" '$1 == s {print $3}' "$steps" | median)" "$(awk -v s="$step" '$1 == s {print $4}' "$steps" | median)"
done
[ "$failed" = 0 ] || { echo "INVALID RUN: some requests failed" >&2; exit 1; }
echo "RSS: $(for i in "${!pids[@]}"; do printf '%s %s MiB  ' "${names[$i]}" "$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/${pids[$i]}/status)"; done)"
