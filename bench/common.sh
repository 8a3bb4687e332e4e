# Sourced by the benchmark scripts after their options are read: the steps every one of them takes before it starts a
# server. Expects $build (true|false) and the working directory at the repository root.
#   free_port                      a TCP port free on 127.0.0.1 now: the machine is shared, so no benchmark uses fixed
#                                  ports (another benchmark, a build's tests or bin/run-local may be listening)
#   wait_ready PID URL LOG WHAT [CURL-ARGS...]
#                                  wait up to 30 s for URL to answer 2xx (curl -f, with CURL-ARGS, e.g. -d '{}' to
#                                  POST); exits the script with 1, naming LOG, when PID ends first or 30 s pass

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_ready() {
  local pid=$1 url=$2 log=$3 what=$4 i
  shift 4
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { echo "$what ended before it was ready; see $log" >&2; exit 1; }
    curl -skf -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$what did not answer $url within 30 s; see $log" >&2
  exit 1
}

if "$build"; then
  echo "building the webhook ..." >&2
  ./mvnw -q -B package -DskipTests
fi
command -v hey >/dev/null 2>&1 || { echo "installing hey from Debian ..." >&2; (apt-get update -qq && apt-get install -y -qq hey) >/dev/null; }
. bench/certificate.sh   # one certificate for every server
. bench/jvm-options.sh   # the JVM as the image runs it
