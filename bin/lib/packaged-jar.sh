# Sourced by bin/check-shutdown and bin/check-recordings: starts the packaged jar as the image runs it (prod profile,
# PEM certificate files from certs/make-certs.sh, no cluster) on ports the kernel chooses, and waits until it is ready.
#   start_packaged_jar DIR   certificate files and the log in DIR; sets jar_pid, admission_port, management_port
#                            (read from the start-up line), jar_log; exits 1 when the jar is missing, ends or is not
#                            ready within 30 s. The caller kills jar_pid (an EXIT trap is set that does).

start_packaged_jar() {
  local dir=$1 jar=target/quarkus-app/quarkus-run.jar line i
  [ -f "$jar" ] || { echo "no $jar: ./mvnw package -DskipTests first" >&2; exit 1; }
  mkdir -p "$dir"
  OUT_DIR="$dir" SERVICE=localhost certs/make-certs.sh --files-only >/dev/null
  jar_log="$dir/webhook.log"
  # Port 0: the machine is shared, so the kernel picks free ports; the start-up line names them.
  WEBHOOK_TLS_CERT_FILE="$PWD/$dir/tls.crt" WEBHOOK_TLS_KEY_FILE="$PWD/$dir/tls.key" WEBHOOK_CLUSTER_LOOKUPS=false \
    QUARKUS_HTTP_SSL_PORT=0 QUARKUS_MANAGEMENT_PORT=0 java ${JAVA_OPTS:-} -jar "$jar" >"$jar_log" 2>&1 &
  jar_pid=$!
  trap 'kill "$jar_pid" 2>/dev/null || true' EXIT
  for i in $(seq 1 300); do
    line=$(grep -o 'Listening on: https://[^ ]*:[0-9]*\. Management interface listening on https://[^ ]*:[0-9]*' "$jar_log" || true)
    if [ -n "$line" ]; then
      admission_port=$(echo "$line" | sed 's/^Listening on: https:[^ ]*:\([0-9]*\)\..*/\1/')
      management_port=$(echo "$line" | sed 's/.*Management interface listening on https:.*:\([0-9]*\)$/\1/')
      curl -skf -o /dev/null "https://localhost:$management_port/q/health/ready" && return 0
    fi
    kill -0 "$jar_pid" 2>/dev/null || { echo "the webhook exited at start; see $jar_log" >&2; exit 1; }
    sleep 0.1
  done
  echo "the webhook was not ready within 30 s; see $jar_log" >&2
  exit 1
}
