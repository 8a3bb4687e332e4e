#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook's Service with openssl, stores them as the TLS
# Secret the Deployment mounts, and puts the CA into caBundle of every webhook in both webhook
# configurations. Rerunning it rotates both, without a failed review on the way:
#   1. caBundle becomes the new CA plus the CAs the pods may still serve under: the newest CA of the
#      current caBundle and the one that signed the certificate now in the Secret (they differ when an
#      earlier run stopped after step 1), so the API server trusts either certificate;
#   2. the Secret gets the new certificate and key; kubelet updates the mounted files on its next sync of
#      the pod (60 to 90 s with its default syncFrequency of 1m), and the webhook reads them again (every
#      webhook.tls.check-period, 10 s) and serves the new pair to new connections, without a restart: in
#      all, within about two minutes.
# A rerun within RELOAD_WAIT seconds (default 300) of the Secret's last update keeps every CA of the
# current caBundle, since the pods may not serve that update yet; otherwise older CAs are dropped.
# The Secret is written with kubectl create/replace, never client-side apply, so the private key is
# not copied into a last-applied-configuration annotation (replace also clears one an older run left).
#
#   certs/make-certs.sh                 # kubectl pointed at the cluster, after kubectl apply -k k8s/ (or helm install)
#   certs/make-certs.sh --files-only    # only writes the files (OUT_DIR, default certs/out/)
#
# Environment: SERVICE, NAMESPACE (default isvc-autoscaling-webhook for both; with Helm, NAMESPACE is the
# release's namespace), DAYS (serving certificate, default 365), CA_DAYS (default 3650), OUT_DIR,
# KUBECTL (default kubectl), RELOAD_WAIT (seconds, default 300).
# Private keys are written with mode 600 and never printed.
set -euo pipefail
service=${SERVICE:-isvc-autoscaling-webhook}
namespace=${NAMESPACE:-isvc-autoscaling-webhook}
days=${DAYS:-365}
ca_days=${CA_DAYS:-3650}
kubectl=${KUBECTL:-kubectl}
reload_wait=${RELOAD_WAIT:-300}
case $reload_wait in ''|*[!0-9]*) echo "RELOAD_WAIT=$reload_wait: give whole seconds, e.g. 300" >&2; exit 2 ;; esac
out=${OUT_DIR:-"$(cd "$(dirname "$0")" && pwd)/out"}
files_only=false
case "${1:-}" in
  --files-only) files_only=true ;;
  "") ;;
  *) echo "usage: $0 [--files-only]" >&2; exit 2 ;;
esac
command -v openssl >/dev/null || { echo "openssl is needed" >&2; exit 1; }

umask 077
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
host="${service}.${namespace}.svc"

# The CA: a P-256 key, basicConstraints CA:TRUE, may only sign certificates.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days "$ca_days" \
  -subj "/CN=${service}-ca" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null

# The serving certificate: the names the API server dials (service.namespace.svc), and the
# cluster-local form, for server auth only.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -subj "/CN=${host}" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
cat > "$work/ext.cnf" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:${host}, DNS:${host}.cluster.local
authorityKeyIdentifier = keyid
subjectKeyIdentifier = hash
EXT
openssl x509 -req -sha256 -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
  -days "$days" -extfile "$work/ext.cnf" -out "$work/tls.crt" 2>/dev/null
openssl verify -CAfile "$work/ca.crt" -purpose sslserver "$work/tls.crt" >/dev/null

for f in ca.key ca.crt tls.key tls.crt; do
  mv -f "$work/$f" "$out/$f"
done
chmod 600 "$out/ca.key" "$out/tls.key"
chmod 644 "$out/ca.crt" "$out/tls.crt"
echo "wrote $out/{ca.crt,ca.key,tls.crt,tls.key} for ${host} (valid ${days} days)"
$files_only && exit 0

# 1. caBundle = new CA + the CAs the pods may still serve under (none on a first install).
secret="${service}-tls"
bundle="$out/ca.crt"
current=$("$kubectl" get validatingwebhookconfiguration "$service" -o jsonpath='{.webhooks[0].clientConfig.caBundle}' 2>/dev/null || true)
if [ -n "$current" ]; then
  mkdir "$work/current"
  # One file per certificate of the current caBundle, newest (first) first.
  printf '%s' "$current" | openssl base64 -d -A \
    | awk -v d="$work/current" '/-----BEGIN CERTIFICATE-----/{n++} n{print > (d "/" sprintf("%03d", n) ".crt")}'
  "$kubectl" -n "$namespace" get secret "$secret" -o jsonpath='{.data.tls\.crt}' 2>/dev/null \
    | openssl base64 -d -A > "$work/served.crt" 2>/dev/null || true
  updated=$("$kubectl" -n "$namespace" get secret "$secret" \
    -o jsonpath='{.metadata.annotations.isvc-autoscaling-webhook/rotated-at}' 2>/dev/null || true)
  keep_all=false
  # Seconds since the epoch as this script writes them; anything else (edited by hand, a leading zero bash would read
  # as octal, more digits than a date has) counts as long ago.
  case $updated in ''|*[!0-9]*|0*|???????????*) updated=0 ;; esac
  age=$(( $(date +%s) - updated ))
  if [ "$age" -lt "$((10#$reload_wait))" ]; then
    keep_all=true
    echo "the Secret was updated ${age} s ago: keeping every CA of the current caBundle"
  fi
  cp "$out/ca.crt" "$work/bundle.crt"
  for ca_file in "$work"/current/*.crt; do
    [ -e "$ca_file" ] || continue
    if $keep_all || [ "$ca_file" = "$work/current/001.crt" ] \
      || { [ -s "$work/served.crt" ] && openssl verify -CAfile "$ca_file" "$work/served.crt" >/dev/null 2>&1; }; then
      cat "$ca_file" >> "$work/bundle.crt"
    fi
  done
  bundle="$work/bundle.crt"
fi
ca=$(openssl base64 -A < "$bundle")  # openssl, not GNU base64 flags: the same on macOS
for kind in mutatingwebhookconfiguration validatingwebhookconfiguration; do
  count=$("$kubectl" get "$kind" "$service" -o jsonpath='{range .webhooks[*]}{.name}{"\n"}{end}' | grep -c .)
  ops=""
  for ((i = 0; i < count; i++)); do
    ops="${ops}${ops:+,}{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$ca\"}"
  done
  "$kubectl" patch "$kind" "$service" --type=json -p "[$ops]" >/dev/null
  echo "caBundle set on $count webhook(s) of $kind/$service ($(grep -c 'BEGIN CERTIFICATE' "$bundle") CA(s))"
done

# 2. The Secret, created or replaced in place (the Deployment mounts it by name), with the time of this
# update for the next run's RELOAD_WAIT. Not client-side apply: it would copy the key into an annotation.
manifest() {
  cat <<SECRET
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: "${secret}"
  namespace: "${namespace}"
  annotations:
    isvc-autoscaling-webhook/rotated-at: "$(date +%s)"
data:
  tls.crt: $(openssl base64 -A < "$out/tls.crt")
  tls.key: $(openssl base64 -A < "$out/tls.key")
SECRET
}
if "$kubectl" -n "$namespace" get secret "$secret" -o name >/dev/null 2>&1; then
  manifest | "$kubectl" replace -f - >/dev/null
else
  manifest | "$kubectl" create -f - >/dev/null
fi
echo "TLS Secret ${namespace}/${secret} updated; the webhook picks it up within about two minutes, no restart"
