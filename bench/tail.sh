#!/usr/bin/env bash
# Who is in the paced tail: ours and the Go yardstick paced in turn on one ticker (bench/pace -trace, every request's
# start and latency kept), our JVM's safepoints logged with wall-clock times (-Xlog:safepoint). For each server and
# round it prints p50 and p99 and sorts the requests at or above its p99 (the tail) into:
#   pause  ours only: the request was in flight during one of our safepoints longer than 0.2 ms (a collection, a
#          deoptimization), so the JVM stopped while it was open;
#   shared the other server had a request above its own p90 within 30 ms of this one: maybe the machine was slow
#          for both (the load generator, other processes, the kernel), maybe chance;
#   alone  neither: the server's own slowness that a safepoint does not explain (the JIT, its other threads, TLS).
# A request both in a pause and in a shared moment counts as pause. Beside them, the base rates: the share of all the
# server's requests, and of its faster half, that the same tests would call "pause" and "shared". A tail share well
# above its base rate says something; one near it is what chance alone gives (at 4 x 50/s a 60 ms window holds about
# 12 of the other server's requests, so one above its p90 is likely). Then ours over Go's p99 per round.
# Any request that did not get a 200 makes the run INVALID (exit 1).
#
#   bench/tail.sh [--no-build] [--endpoint validate|mutate|noop] [--clients 4] [--rate 50] [--duration 20s]
#                 [--rounds 2] [--warmup 15s]
#   JAVA_OPTS="-XX:+UseSerialGC -XX:-UseG1GC" bench/tail.sh --no-build   # flags after the image's
set -euo pipefail
cd "$(dirname "$0")/.."
build=true endpoint=validate clients=4 rate=50 duration=20s rounds=2 warmup=15s
usage="usage: bench/tail.sh [--no-build] [--endpoint validate|mutate|noop] [--clients 4] [--rate 50] [--duration 20s] [--rounds 2] [--warmup 15s]"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --endpoint|--clients|--rate|--duration|--rounds|--warmup)
      [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
      declare "${1#--}=$2"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
case "$endpoint" in validate|mutate|noop) ;; *) echo "--endpoint: validate, mutate or noop, not '$endpoint'" >&2; exit 2 ;; esac
for n in clients rate rounds; do
  [[ ${!n} =~ ^[1-9][0-9]{0,5}$ ]] || { echo "--$n: a whole number from 1, not '${!n}'" >&2; exit 2; }
done
for n in duration warmup; do
  [[ ${!n} =~ ^[1-9][0-9]{0,5}(ms|s|m)$ ]] || { echo "--$n: a duration such as 20s, not '${!n}'" >&2; exit 2; }
done
. bench/common.sh
. bench/pace.sh
. bench/yardstick.sh
port=$(free_port) mport=$(free_port) gport=$(free_port)
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
wait_ready $pid "https://localhost:$mport/q/health/ready" "$out/server.log" "the webhook"
wait_ready $gpid "https://localhost:$gport/noop" "$out/go.log" "the Go yardstick" -d '{}'
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
import bisect, datetime, re, sys
out, rounds = sys.argv[1], int(sys.argv[2])
rounds_rows = []
for r in range(1, rounds + 1):
    rows = [tuple(map(int, l.split())) for l in open(f"{out}/round-{r}.txt") if l.strip()]
    failed = sum(1 for x in rows if x[3] != 200)
    if failed or not rows:
        print(f"INVALID RUN: round {r} has {failed} of {len(rows)} requests without a 200", file=sys.stderr)
        sys.exit(1)
    rounds_rows.append(rows)
# Our safepoints over 0.2 ms as (start ns, end ns). The log line is stamped when the safepoint ends, to the
# millisecond (utctime), so the end may be up to 1 ms after the stamp: the window is widened by that.
pauses = []
for line in open(f"{out}/safepoints.log"):
    m = re.match(r"\[(\S+)\].*Total: (\d+) ns", line)
    if m and int(m.group(2)) > 200_000:
        stamp = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1e9
        pauses.append((stamp - int(m.group(2)), stamp + 1e6))
pauses.sort()
pause_starts = [p[0] for p in pauses]
def in_pause(start, took):
    # a pause that began before the request ended and ended after it began
    i = bisect.bisect_right(pause_starts, start + took)
    return any(pe >= start for _, pe in pauses[max(0, i - 64):i])
print("base = the share of all the server's requests, and of its faster half, that the same tests call pause/shared")
print(f"{'round':<6} {'server':<6} {'requests':>8} {'p50 us':>8} {'p99 us':>8} {'tail':>5} {'pause':>6} {'shared':>7} {'alone':>6}"
      f" {'base: all':>10} {'faster half':>12}")
ratios = []
for r, rows in enumerate(rounds_rows, 1):
    p99s = []
    for u, name in ((0, "ours"), (1, "go")):
        mine = sorted((x for x in rows if x[0] == u), key=lambda x: x[2])
        other = [x for x in rows if x[0] != u]
        other_p90 = sorted(x[2] for x in other)[int(0.9 * (len(other) - 1))]
        slow_other = sorted(x[1] for x in other if x[2] > other_p90)
        def shared(start):
            i = bisect.bisect_left(slow_other, start - 30_000_000)
            return i < len(slow_other) and slow_other[i] < start + 30_000_000
        def classify(x):
            if u == 0 and in_pause(x[1], x[2]):
                return "pause"
            return "shared" if shared(x[1]) else "alone"
        n = len(mine)
        p50, p99 = mine[int(0.5 * (n - 1))][2], mine[int(0.99 * (n - 1))][2]  # as pace reports them
        p99s.append(p99)
        kinds = [classify(x) for x in mine]
        tail = [k for x, k in zip(mine, kinds) if x[2] >= p99]
        def rate(ks):
            ks = list(ks)
            pa = 100 * sum(k == "pause" for k in ks) / len(ks)
            sh = 100 * sum(k == "shared" for k in ks) / len(ks)
            return (f"{pa:.0f}/" if u == 0 else "-/") + f"{sh:.0f} %"
        paused, sharing = tail.count("pause"), tail.count("shared")
        print(f"{r:<6} {name:<6} {n:>8} {p50 / 1e3:>8.0f} {p99 / 1e3:>8.0f} {len(tail):>5} {paused if u == 0 else '-':>6} {sharing:>7}"
              f" {len(tail) - paused - sharing:>6} {rate(kinds):>10} {rate(kinds[:n // 2]):>12}")
    ratios.append(p99s[0] / p99s[1])
print("p99 ours/Go by round: " + ", ".join(f"{x:.2f}" for x in ratios))
lo = min(x[1] for rows in rounds_rows for x in rows)
hi = max(x[1] + x[2] for rows in rounds_rows for x in rows)
during = sorted((pe - 1e6 - ps) / 1e6 for ps, pe in pauses if pe >= lo and ps <= hi)
print(f"our safepoints over 0.2 ms during the rounds: {len(during)}"
      + (f", median {during[len(during) // 2]:.1f} ms, longest {during[-1]:.1f} ms" if during else ""))
EOF
