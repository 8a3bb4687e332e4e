#!/usr/bin/env bash
# Where a review's time goes, measured: Java Flight Recorder on the webhook under paced load (1 client
# at 50 req/s) and saturated load (8 clients), with the handler's own time from its histogram.
#
#   bench/profile.sh [--no-build] [--endpoint mutate|validate]
#
# Prints, per load: the handler's mean time (isvc_webhook_review_duration_seconds sum/count over the
# run) beside hey's p50, and the share of event-loop CPU samples by what the stack is doing (TLS, HTTP
# and routing, decode, rules, audit line, encode, metrics), sampled every millisecond. Recordings stay in
# target/profile-*.jfr; `jfr print --events jdk.ExecutionSample target/profile-paced.jfr` shows the stacks.
set -euo pipefail
cd "$(dirname "$0")/.."

build=true
endpoint=mutate
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --endpoint) endpoint=$2; shift 2 ;;
    *) echo "usage: bench/profile.sh [--no-build] [--endpoint mutate|validate]" >&2; exit 2 ;;
  esac
done
. bench/common.sh
payload=bench/$endpoint-review.json
port=$(free_port) mport=$(free_port)
MALLOC_ARENA_MAX=$image_malloc_arenas java -XX:MaxRAM=320m $image_jvm_opts -Dquarkus.profile=local \
  -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport \
  -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" -jar target/quarkus-app/quarkus-run.jar > target/profile-server.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
wait_ready $pid "https://localhost:$mport/q/health/ready" target/profile-server.log "the webhook"
url=https://localhost:$port/$endpoint
hey -z 30s -c 8 -host localhost -m POST -T application/json -D "$payload" "$url" >/dev/null

handler() {
  curl -sk https://localhost:$mport/q/metrics | awk -v ep="$endpoint" '
    /^isvc_webhook_review_duration_seconds_sum/ && $0 ~ "endpoint=\"" ep "\"" {s=$NF}
    /^isvc_webhook_review_duration_seconds_count/ && $0 ~ "endpoint=\"" ep "\"" {c=$NF}
    END {print s, c}'
}
categorize() {
  jfr print --events jdk.ExecutionSample --stack-depth 200 "$1" | awk '
    /jdk.ExecutionSample/ {if (stack != "") count(); stack=""; thread=""; next}
    /sampledThread = / {thread=$0}
    /line:/ {stack = stack "\n" $0}
    function count() {
      if (thread !~ /eventloop/) { other++; return }
      n++
      # A frame is "Class.method(" ; parameter types in a frame have no "." after the class name.
      if (stack ~ /(AuditLog|AuditRecord|AuditWriter)\.[a-zA-Z<$]/) c["audit line"]++
      else if (stack ~ /(AdmissionMetrics\.|micrometer\.core\.instrument\.[A-Za-z.$]*\.)/) c["metrics"]++
      else if (stack ~ /ReviewCodec\.decode/) c["decode (JSON tree, envelope)"]++
      else if (stack ~ /(AnswerEncoder\.|ReviewCodec\.encode|Responses\.)/) c["answer (build, encode)"]++
      else if (stack ~ /(PolicyEngine\.|ContextResolver\.|policy\.rules\.[A-Za-z]+\.|patch\.Patch\.)/) c["rules (working copy, context, rules, patch)"]++
      else if (stack ~ /AdmissionHandler\./) c["handler, rest"]++
      else c[layer()]++
    }
    # Outside the handler, the frame nearest the leaf decides: every inbound stack has SslHandler near its
    # root, so the whole stack would call HTTP parsing under it TLS (as this script did before 2026-11-30).
    function layer(   n, i, f) {
      n = split(stack, f, "\n")
      for (i = 1; i <= n; i++) {
        if (f[i] ~ /SslHandler|SSLEngine|OpenSsl|sun\.security|javax\.crypto|com\.sun\.crypto|io\.netty\.internal\.tcnative/) return "TLS"
        if (f[i] ~ /io\.vertx\.core\.http|io\.vertx\.ext\.web|io\.netty\.handler\.codec\.http|io\.quarkus/) return "HTTP, routing"
        if (f[i] ~ /io\.netty\.channel|io\.netty\.buffer|sun\.nio\.ch|io\.vertx\.core/) return "netty I/O, other"
      }
      return "netty I/O, other"
    }
    END {
      if (stack != "") count()
      for (k in c) printf "  %-45s %5.1f %%  (%d samples)\n", k, 100*c[k]/n, c[k]
      printf "  (%d event-loop samples; %d on other threads)\n", n, other
    }' | sort -t'%' -k1 -rn
}
# The profile settings, with Java samples every millisecond instead of every 10 (paced load has few).
jfc=target/profile-1ms.jfc
sed '/<event name="jdk.ExecutionSample">/,/<\/event>/ s/\(<setting name="period"[^>]*>\)[^<]*</\11 ms</' \
  "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" > "$jfc"
for load in "1 50 30s paced" "8 0 15s saturated"; do
  set -- $load
  before=$(handler)
  jcmd $pid JFR.start name=p settings="$PWD/$jfc" filename="$PWD/target/profile-$4.jfr" >/dev/null
  out=$(hey -z "$3" -c "$1" -q "$2" -host localhost -m POST -T application/json -D "$payload" "$url")
  jcmd $pid JFR.stop name=p >/dev/null
  after=$(handler)
  echo
  echo "$4 ($1 client(s)$([ "$2" != 0 ] && echo " at $2 req/s each"), /$endpoint): $(echo "$out" | awk '/Requests\/sec:/ {printf "%.0f req/s", $2} /^  50% in/ {printf ", hey p50 %.2f ms", $3*1000} /^  99% in/ {printf ", p99 %.2f ms", $3*1000}')"
  echo "$before $after" | awk '{ if ($4>$2) printf "  inside the handler: %.0f µs on average over %d reviews\n", 1e6*($3-$1)/($4-$2), $4-$2 }'
  categorize "target/profile-$4.jfr"
done
