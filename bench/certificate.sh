# One EC P-256 certificate for the benchmarks' servers, made once (sourced by the bench scripts):
# PEM for the Go yardstick ($tls/tls.crt, $tls/tls.key), the same pair as PKCS12 for the JVM ($tls/webhook.p12).
tls=target/bench-tls
if [ ! -f "$tls/webhook.p12" ]; then
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$tls/tls.key" -out "$tls/tls.crt" 2>/dev/null
  openssl pkcs12 -export -in "$tls/tls.crt" -inkey "$tls/tls.key" -name webhook -passout pass:local-only -out "$tls/webhook.p12"
fi
