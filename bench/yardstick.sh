# Sourced by the benchmark scripts: builds the Go yardstick (../shared/yardstick/go-webhook, or $YARDSTICK: a Go
# standard-library webhook doing the same decode/default/patch/encode work) into target/go-webhook/gowebhook.
# Run it as: target/go-webhook/gowebhook -addr 127.0.0.1:PORT -cert "$tls/tls.crt" -key "$tls/tls.key"
yardstick=${YARDSTICK:-../shared/yardstick/go-webhook}
[ -d "$yardstick" ] || yardstick=/work/shared/yardstick/go-webhook
command -v go >/dev/null 2>&1 || { echo "installing golang-go from Debian ..." >&2; (apt-get update -qq && apt-get install -y -qq golang-go) >/dev/null; }
echo "building the Go yardstick from $yardstick ..." >&2
mkdir -p target/go-webhook
cp "$yardstick"/go.mod "$yardstick"/main.go target/go-webhook/
(cd target/go-webhook && GOFLAGS=-mod=mod GOCACHE="$PWD/.gocache" go build -o gowebhook .)
