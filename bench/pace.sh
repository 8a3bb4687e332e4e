# Sourced by the benchmark scripts: builds bench/pace (the paced client, Go standard library) into target/pace.
# Paced latencies come from it, in microseconds; hey, which reports in 0.1 ms steps, drives the saturated loads.
command -v go >/dev/null 2>&1 || { echo "installing golang-go from Debian ..." >&2; (apt-get update -qq && apt-get install -y -qq golang-go) >/dev/null; }
(cd bench/pace && GOFLAGS=-mod=mod GOCACHE="$PWD/../../target/.gocache" go build -o ../../target/pace .)
# pace_measure URL BODY CLIENTS RATE DURATION -> "requests errors p50_us p90_us p99_us max_us"
pace_measure() { target/pace -url "$1" -body "$2" -c "$3" -q "$4" -d "$5" -host localhost; }
