#!/usr/bin/env bash
# Hostile-input soak (issue 15): do huge and strange reviews slow down the valid ones of others?
#
#   bench/hostile-soak.sh                    # 30 s per phase
#   bench/hostile-soak.sh --duration 60s
#
# Builds the jar if needed, starts it on free ports chosen now (local profile: self-signed certificate,
# no cluster; JVM sized as in the Deployment, -XX:MaxRAM=320m), and runs two phases with `hey`:
#   0. the 3.3 MB object alone, ten times in a row: the time to judge it over HTTPS, warm;
#   1. baseline: valid /validate reviews only, 4 clients;
#   2. mixed:    the same valid load, while other clients send, without pause, a 3.3 MB InferenceService
#                with 36,000 broken GPU containers (2 clients), four 500 KB annotations (1 client), reviews
#                with made-up operations and 1e400 numbers (1 client).
# It prints the valid reviews' p50/p99 and errors in both phases, the hostile requests' status codes, and
# the server's peak RSS: figures compared within one run, on the same machine and load.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=30s
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    *) echo "usage: bench/hostile-soak.sh [--duration 30s]" >&2; exit 2 ;;
  esac
done
command -v hey >/dev/null || { echo "needs hey (apt-get install hey)" >&2; exit 1; }

if [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  echo "building ..." >&2
  ./mvnw -q -B package -DskipTests
fi
work=$(mktemp -d)
keystore=$work/webhook.p12
keytool -genkeypair -alias webhook -keyalg EC -groupname secp256r1 -dname CN=localhost \
  -ext SAN=dns:localhost,ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$keystore" -storepass soak-only >/dev/null 2>&1

# The hostile reviews, generated (nothing of this size is kept in the repository).
python3 - "$work" <<'PY'
import json, sys, uuid
out = sys.argv[1]
def review(obj, op="CREATE"):
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": str(uuid.uuid4()), "kind": {"group": "serving.kserve.io", "version": "v1beta1", "kind": "InferenceService"},
        "resource": {"group": "serving.kserve.io", "version": "v1beta1", "resource": "inferenceservices"},
        "name": obj["metadata"]["name"], "namespace": "default", "operation": op,
        "userInfo": {"username": "mallory", "groups": ["system:authenticated"]}, "object": obj, "dryRun": False}}
def isvc(name):
    return {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": {"name": name, "namespace": "default"},
            "spec": {"predictor": {"minReplicas": 1, "maxReplicas": 3, "model": {"modelFormat": {"name": "sklearn"}, "storageUri": "gs://b/m"}}}}
big = isvc("huge")
big["spec"]["predictor"]["containers"] = [{"name": "c%d" % i, "image": "example.com/m:1",
    "resources": {"requests": {"nvidia.com/gpu": "1"}}} for i in range(36000)]
json.dump(review(big), open(out + "/huge.json", "w"))
ann = isvc("annotated")
ann["metadata"]["annotations"] = {"example.com/big-%d" % i: "x" * 500000 for i in range(4)}
ann["metadata"]["annotations"]["autoscaling.knative.dev/window"] = "1\n" + "9" * 100000
json.dump(review(ann), open(out + "/annotations.json", "w"))
odd = isvc("odd")
odd["spec"]["predictor"]["model"]["resources"] = {"limits": {"nvidia.com/gpu": "1e400"}, "requests": {"nvidia.com/gpu": "1e400"}}
text = json.dumps(review(odd, op="OP-" + "z" * 4000)).replace('"1e400"', '1e400', 1)
open(out + "/odd.json", "w").write(text)
PY
ls -l "$work"/*.json | awk '{printf "  %s: %d bytes\n", $NF, $5}' | sed "s|$work/||"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
https=$(port); mgmt=$(port)
log=$work/server.log
java ${JAVA_OPTS--XX:MaxRAM=320m} -Djdk.tls.rejectClientInitiatedRenegotiation=true -Dquarkus.profile=local \
  -Dquarkus.http.ssl-port="$https" -Dquarkus.management.port="$mgmt" \
  -Dquarkus.tls.key-store.p12.path="$keystore" -Dquarkus.tls.key-store.p12.password=soak-only \
  -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -skf "https://localhost:$mgmt/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -skf "https://localhost:$mgmt/q/health/ready" >/dev/null || { echo "the webhook did not start:" >&2; tail -20 "$log" >&2; exit 1; }
url=https://localhost:$https
HEY="-host localhost"

peak=0
sample_rss() { while kill -0 $pid 2>/dev/null; do r=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0); echo "$r"; sleep 0.5; done; }
summary() { # hey's report -> "p50 X ms, p99 Y ms, N req, codes"
  echo "$1" | awk '
    /^  50% in/ {p50=$3*1000} /^  99% in/ {p99=$3*1000}
    /^  \[[0-9]+\]/ {codes=codes $1 $2 " "; n+=$2}
    /^Error distribution/ {err=1} err && /^  \[[0-9]+\]/ {errors+=$1}
    END {printf "p50 %.1f ms, p99 %.1f ms, %d answers (%s)", p50, p99, n, codes}'
}

echo "warm-up ..." >&2
hey -z 10s -c 4 $HEY -m POST -T application/json -D bench/validate-review.json "$url/validate" >/dev/null
hey -n 20 -c 2 $HEY -m POST -T application/json -D "$work/huge.json" "$url/validate" >/dev/null

alone=$(hey -n 10 -c 1 $HEY -m POST -T application/json -D "$work/huge.json" "$url/validate")
echo "the 3.3 MB object alone, one at a time, warm (10 reviews): $(summary "$alone")," \
  "answer $(curl -sk -H 'Content-Type: application/json' --data-binary @"$work/huge.json" "$url/validate" | wc -c) bytes"
sample_rss > "$work/rss-baseline" & sampler=$!
base=$(hey -z "$duration" -c 4 $HEY -m POST -T application/json -D bench/validate-review.json "$url/validate")
kill $sampler 2>/dev/null || true
echo "baseline, valid reviews only (4 clients, $duration): $(summary "$base")"
echo "  peak RSS $(sort -n "$work/rss-baseline" | tail -1 | awk '{printf "%.0f MiB", $1/1024}')"

sample_rss > "$work/rss-mixed" & sampler=$!
hey -z "$duration" -c 2 $HEY -m POST -T application/json -D "$work/huge.json" "$url/validate" > "$work/huge.out" &
h1=$!
hey -z "$duration" -c 1 $HEY -m POST -T application/json -D "$work/annotations.json" "$url/validate" > "$work/ann.out" &
h2=$!
hey -z "$duration" -c 1 $HEY -m POST -T application/json -D "$work/odd.json" "$url/validate" > "$work/odd.out" &
h3=$!
mixed=$(hey -z "$duration" -c 4 $HEY -m POST -T application/json -D bench/validate-review.json "$url/validate")
wait $h1 $h2 $h3 || true
kill $sampler 2>/dev/null || true
echo "mixed, valid reviews (4 clients) beside hostile ones: $(summary "$mixed")"
echo "  3.3 MB, 36,000 containers (2 clients): $(summary "$(cat "$work/huge.out")")"
echo "  4 x 500 KB annotations (1 client):      $(summary "$(cat "$work/ann.out")")"
echo "  made-up operation, 1e400 (1 client):     $(summary "$(cat "$work/odd.out")")"
echo "  peak RSS $(sort -n "$work/rss-mixed" | tail -1 | awk '{printf "%.0f MiB", $1/1024}')"
metrics=$(curl -sk "https://localhost:$mgmt/q/metrics")
echo "  series of isvc_webhook_reviews_total: $(echo "$metrics" | grep -c '^isvc_webhook_reviews_total')," \
  "audit lines dropped: $(echo "$metrics" | awk '/^isvc_webhook_audit_dropped_total/ {print $2}')," \
  "audit write failures: $(echo "$metrics" | awk '/^isvc_webhook_audit_write_failures_total/ {print $2}')"
b99=$(echo "$base" | awk '/^  99% in/ {print $3}'); m99=$(echo "$mixed" | awk '/^  99% in/ {print $3}')
echo "valid p99 mixed / baseline: $(awk -v a="$m99" -v b="$b99" 'BEGIN{printf "%.1f", (b>0?a/b:0)}')"
echo "5xx in the server log: $(grep -c ' 500 \|InternalError\|OutOfMemoryError' "$log" || true)"
