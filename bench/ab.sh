#!/usr/bin/env bash
# A/B of two ways to run our own webhook, in one run: two JVMs side by side on the same certificate and
# payload, measured alternately (A then B, then B then A, ...), so that both see the same machine load.
# By default A is the JDK's TLS engine and B OpenSSL (webhook.tls.engine); any JVM options can be compared:
#
#   bench/ab.sh                                       # A: -Dwebhook.tls.engine=jdk, B: -Dwebhook.tls.engine=openssl
#   A_OPTS="" B_OPTS="-Dquarkus.vertx.prefer-native-transport=true" bench/ab.sh --no-build
#   bench/ab.sh --rounds 4 --duration 10s --endpoint validate
#   A_APP=/tmp/before/quarkus-app A_OPTS="" B_OPTS="" bench/ab.sh --no-build   # an earlier build (A) against this one (B)
#   B_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java A_OPTS="" B_OPTS="" bench/ab.sh --no-build   # another JDK for B
#
# For each load (paced: 1 client at 50 req/s and 4 clients at 50 req/s each; saturated: /noop and the
# endpoint at 8 clients) it prints p50 and p99, req/s, and the server's own CPU time per request (all its
# threads, from /proc/<pid>/task/*/schedstat, so the load generator's CPU is not in it), then B over A per round
# and the median of the rounds. Paced loads run on bench/pace, A and B in one run with their requests in turn,
# latencies to the microsecond; saturated ones on hey (0.1 ms steps), A and B one after the other. Both JVMs
# run as the image runs them (bench/jvm-options.sh, in the Deployment's -XX:MaxRAM=320m); A_OPTS and B_OPTS
# come after those options, so they can override one.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10s
rounds=3
build=true
endpoint=mutate
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-build) build=false; shift ;;
    --endpoint) endpoint=$2; shift 2 ;;
    *) echo "usage: bench/ab.sh [--duration 10s] [--rounds 3] [--no-build] [--endpoint mutate|validate]" >&2; exit 2 ;;
  esac
done
A_OPTS=${A_OPTS--Dwebhook.tls.engine=jdk}
B_OPTS=${B_OPTS--Dwebhook.tls.engine=openssl}
. bench/common.sh
. bench/pace.sh
A_APP=${A_APP:-target/quarkus-app}
B_APP=${B_APP:-target/quarkus-app}
start() { # start NAME HTTPS-PORT MANAGEMENT-PORT OPTS APP-DIR JAVA -> pid
  MALLOC_ARENA_MAX=$image_malloc_arenas "$6" -XX:MaxRAM=320m $image_jvm_opts $4 -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true -Dquarkus.http.ssl-port="$2" \
    -Dquarkus.management.port="$3" -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" \
    -jar "$5/quarkus-run.jar" > "target/ab-$1.log" 2>&1 &
  echo $!
}
aport=$(free_port) amport=$(free_port) bport=$(free_port) bmport=$(free_port)
apid=$(start a $aport $amport "$A_OPTS" "$A_APP" "${A_JAVA:-java}")
bpid=$(start b $bport $bmport "$B_OPTS" "$B_APP" "${B_JAVA:-java}")
trap 'kill $apid $bpid 2>/dev/null; wait $apid $bpid 2>/dev/null || true' EXIT
wait_ready $apid "https://localhost:$amport/q/health/ready" target/ab-a.log "A"
wait_ready $bpid "https://localhost:$bmport/q/health/ready" target/ab-b.log "B"
echo "A (${A_JAVA:-java} $A_APP $A_OPTS): $(grep -a -o 'TLS on the admission port: .*' target/ab-a.log | head -1)"
echo "B (${B_JAVA:-java} $B_APP $B_OPTS): $(grep -a -o 'TLS on the admission port: .*' target/ab-b.log | head -1)"

payload() { case "$1" in validate) echo bench/validate-review.json ;; *) echo bench/mutate-review.json ;; esac; }
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {printf "%.0f", s}'; }
# measure PID PORT ENDPOINT CLIENTS -> "rps p50 p99 cpu_us_per_request errors" (saturated, hey)
measure() {
  local before after out
  before=$(cpu_ns "$1")
  out=$(hey -z "$duration" -c "$4" -host localhost -m POST -T application/json -D "$(payload "$3")" "https://localhost:$2/$3")
  after=$(cpu_ns "$1")
  echo "$out" | awk -v cpu=$((after - before)) '
    /Requests\/sec:/ {rps=$2} /Total:/ {t=$2}
    /^  50% in/ {p50=$3*1000} /^  99% in/ {p99=$3*1000}
    /^  \[[0-9]+\]/ { n+=$2; if (substr($1,2,3)!="200") err+=$2 }
    /Error distribution:/ {inerr=1; next}
    inerr && /^  \[/ { gsub(/[\[\]]/,"",$1); err+=$1 }
    END {printf "%.0f %.2f %.2f %.1f %d\n", rps, p50, p99, (n>0 ? cpu/1000/n : 0), err+0}'
}
# measure_paced ENDPOINT CLIENTS RATE -> two lines, A's then B's: "rps p50 p99 cpu_us_per_request errors" (bench/pace,
# both servers in the same run, their requests in turn, latencies to the microsecond)
measure_paced() {
  local a0 b0 a1 b1 out
  a0=$(cpu_ns "$apid"); b0=$(cpu_ns "$bpid")
  out=$(pace_measure "https://localhost:$aport/$1,https://localhost:$bport/$1" "$(payload "$1")" "$2" "$3" "$duration")
  a1=$(cpu_ns "$apid"); b1=$(cpu_ns "$bpid")
  echo "$out" | awk -v ca=$((a1 - a0)) -v cb=$((b1 - b0)) -v secs="${duration%s}" '
    { cpu = NR == 1 ? ca : cb; printf "%.0f %.3f %.3f %.1f %d\n", $2/secs, $4/1000, $6/1000, ($2+$3>0 ? cpu/1000/($2+$3) : 0), $3 }'
}

echo "warming up (15 s per endpoint and server) ..." >&2
for port in $aport $bport; do
  for ep in noop mutate validate; do hey -z 15s -c 8 -host localhost -m POST -T application/json -D "$(payload $ep)" "https://localhost:$port/$ep" >/dev/null; done
done

results=$(mktemp)
failed=0
printf '%-5s %-18s %-3s %8s %8s %8s %12s\n' round load ab "req/s" "p50 ms" "p99 ms" "CPU µs/req"
for r in $(seq 1 "$rounds"); do
  for load in "$endpoint 1 50" "$endpoint 4 50" "noop 8 0" "$endpoint 8 0"; do
    set -- $load
    name="/$1 $2x$([ "$3" = 0 ] && echo max || echo "$3/s")"
    if [ "$3" != 0 ]; then
      paced=$(measure_paced "$1" "$2" "$3")
    fi
    order="a b"; [ $((r % 2)) = 0 ] && order="b a"
    for who in $order; do
      if [ $who = a ]; then pid=$apid port=$aport line=1; else pid=$bpid port=$bport line=2; fi
      if [ "$3" != 0 ]; then
        read -r rps p50 p99 cpu err < <(echo "$paced" | sed -n "${line}p")
      else
        read -r rps p50 p99 cpu err < <(measure "$pid" "$port" "$1" "$2")
      fi
      [ "$err" = 0 ] || failed=1
      printf '%-5s %-18s %-3s %8s %8s %8s %12s\n' "$r" "$name" "$who" "$rps" "$p50" "$p99" "$cpu"
      echo "$r|$name|$who|$rps|$p50|$p99|$cpu" >> "$results"
    done
  done
done
echo
echo "B over A, median of $rounds rounds (latency and CPU < 1: B better; req/s > 1: B better)"
printf '%-18s %8s %8s %8s %10s\n' load "req/s" p50 p99 "CPU/req"
awk -F'|' '
  { v[$1 "|" $2 "|" $3] = $4 "|" $5 "|" $6 "|" $7; loads[$2]=1; if (!($2 in order)) { order[$2]=++n; names[n]=$2 } rounds[$1]=1 }
  function median(a, k,   i, j, t) { for (i=1;i<=k;i++) for (j=i+1;j<=k;j++) if (a[j]<a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
    return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2 }
  END {
    for (i=1;i<=n;i++) { l=names[i]; delete q; for (m=1;m<=4;m++) { k=0; delete x
        for (r in rounds) { split(v[r "|" l "|a"], A, "|"); split(v[r "|" l "|b"], B, "|"); if (A[m] > 0) x[++k] = B[m] / A[m] }
        q[m] = k ? sprintf("%.2f", median(x, k)) : "-" }
      printf "%-18s %8s %8s %8s %10s\n", l, q[1], q[2], q[3], q[4] }
  }' "$results"
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$1/status; }
echo "RSS after the run: A $(rss $apid), B $(rss $bpid)"
rm -f "$results"
[ "$failed" = 0 ] || { echo "INVALID RUN: some requests failed" >&2; exit 1; }
