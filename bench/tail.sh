#!/usr/bin/env bash
# Who is in the paced tail: ours and the Go yardstick paced in turn on one ticker (bench/pace -trace, every request's
# start and latency kept), our JVM's safepoints logged with wall-clock times (-Xlog:safepoint). For each server and
# round it prints p50 and p99 and sorts the requests at or above its p99 (the tail) into:
#   pause  ours only: the request was in flight during one of our safepoints longer than 0.2 ms (a collection, a
#          deoptimization), so the JVM stopped while it was open;
#   shared the other server had a request above its own p90 within 30 ms of this one: the machine was slow for
#          both (the load generator, other processes, the kernel), whatever the server;
#   alone  neither: the server's own slowness that a safepoint does not explain (the JIT, its other threads, TLS).
# A request both in a pause and in a shared moment counts as pause. Then ours over Go's p99 per round.
#
#   bench/tail.sh [--no-build] [--endpoint validate|mutate|noop] [--clients 4] [--rate 50] [--duration 20s]
#                 [--rounds 2] [--warmup 15s]
#   JAVA_OPTS="-XX:+UseSerialGC -XX:-UseG1GC" bench/tail.sh --no-build   # flags after the image's
set -euo pipefail
cd "$(dirname "$0")/.."
build=true endpoint=validate clients=4 rate=50 duration=20s rounds=2 warmup=15s
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --endpoint) endpoint=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    *) echo "usage: bench/tail.sh [--no-build] [--endpoint validate|mutate|noop] [--clients 4] [--rate 50] [--duration 20s] [--rounds 2] [--warmup 15s]" >&2; exit 2 ;;
  esac
done
$build && ./mvnw -q -B package -DskipTests
command -v hey >/dev/null 2>&1 || { echo "installing hey from Debian ..." >&2; (apt-get update -qq && apt-get install -y -qq hey) >/dev/null; }
. bench/certificate.sh
. bench/pace.sh
. bench/jvm-options.sh
. bench/yardstick.sh
port=18943 mport=19943 gport=18945 # this script's own ports, apart from the other benchmarks'
out=target/bench-tail
rm -rf "$out" && mkdir -p "$out"
MALLOC_ARENA_MAX=$image_malloc_arenas java -XX:MaxRAM=320m $image_jvm_opts ${JAVA_OPTS:-} \
  -Xlog:safepoint:file=$out/safepoints.log:utctime -Dquarkus.profile=local -Dwebhook.bench.noop-endpoint=true \
  -Dquarkus.http.ssl-port=$port -Dquarkus.management.port=$mport -Dquarkus.tls.key-store.p12.path="$tls/webhook.p12" \
  -jar target/quarkus-app/quarkus-run.jar > "$out/server.log" 2>&1 &
pid=$!
target/go-webhook/gowebhook -addr 127.0.0.1:$gport -cert "$tls/tls.crt" -key "$tls/tls.key" > "$out/go.log" 2>&1 &
gpid=$!
trap 'kill $pid $gpid 2>/dev/null; wait $pid $gpid 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -skf "https://localhost:$mport/q/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -skf "https://localhost:$mport/q/health/ready" >/dev/null || { echo "the webhook did not start; see $out/server.log" >&2; exit 1; }
case "$endpoint" in mutate) body=bench/mutate-review.json ;; *) body=bench/validate-review.json ;; esac
echo "warming up ($warmup per endpoint and server, 8 clients) ..." >&2
for ep in noop "$endpoint"; do
  for base in "https://localhost:$port" "https://localhost:$gport"; do
    hey -z "$warmup" -c 8 -host localhost -m POST -T application/json -D "$body" "$base/$ep" >/dev/null
  done
done
sleep 2
for r in $(seq 1 "$rounds"); do
  target/pace -url "https://localhost:$port/$endpoint,https://localhost:$gport/$endpoint" -body "$body" -c "$clients" \
    -q "$rate" -d "$duration" -host localhost -trace "$out/round-$r.txt" > /dev/null || { echo "INVALID RUN: a request failed" >&2; exit 1; }
done
echo "/$endpoint, $clients client(s) x $rate/s per server, $duration per round; tail = requests at or above the server's p99"
python3 - "$out" "$rounds" <<'EOF'
import datetime, re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
pauses = []  # (start ns, end ns) of our safepoints over 0.2 ms; the log line is written at the end
for line in open(f"{out}/safepoints.log"):
    m = re.match(r"\[(\S+)\].*Total: (\d+) ns", line)
    if m and int(m.group(2)) > 200_000:
        end = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1e9
        pauses.append((end - int(m.group(2)), end))
print(f"{'round':<6} {'server':<6} {'requests':>8} {'p50 us':>8} {'p99 us':>8} {'tail':>5} {'pause':>6} {'shared':>7} {'alone':>6}")
ratios = []
for r in range(1, rounds + 1):
    rows = [tuple(map(int, l.split())) for l in open(f"{out}/round-{r}.txt") if l.strip()]
    p99s = []
    for u, name in ((0, "ours"), (1, "go")):
        mine = sorted((x for x in rows if x[0] == u and x[3] == 200), key=lambda x: x[2])
        other = [x for x in rows if x[0] != u and x[3] == 200]
        other_p90 = sorted(x[2] for x in other)[int(0.9 * (len(other) - 1))]
        n = len(mine)
        p50, p99 = mine[n // 2][2], mine[int(0.99 * (n - 1))][2]
        p99s.append(p99)
        tail = [x for x in mine if x[2] >= p99]
        paused = shared = 0
        for _, start, took, _ in tail:
            if u == 0 and any(ps <= start + took and pe >= start for ps, pe in pauses):
                paused += 1
            elif any(abs(o[1] - start) < 30_000_000 and o[2] > other_p90 for o in other):
                shared += 1
        print(f"{r:<6} {name:<6} {n:>8} {p50 / 1e3:>8.0f} {p99 / 1e3:>8.0f} {len(tail):>5} {paused if u == 0 else '-':>6} {shared:>7} {len(tail) - paused - shared:>6}")
    ratios.append(p99s[0] / p99s[1])
print("p99 ours/Go by round: " + ", ".join(f"{x:.2f}" for x in ratios))
lo = min(int(l.split()[1]) for r in range(1, rounds + 1) for l in open(f"{out}/round-{r}.txt") if l.strip())
during = sorted((pe - ps) / 1e6 for ps, pe in pauses if pe >= lo)
if during:
    print(f"our safepoints over 0.2 ms during the rounds: {len(during)}, median {during[len(during) // 2]:.1f} ms, longest {during[-1]:.1f} ms")
EOF
