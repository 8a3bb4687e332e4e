#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook's Service with openssl, creates the TLS Secret
# and fills caBundle in both webhook configurations. Rerunning it rotates both.
#   certs/make-certs.sh                 # needs kubectl pointed at the cluster
#   certs/make-certs.sh --files-only    # only writes certs/out/
set -euo pipefail
service=${SERVICE:-isvc-autoscaling-webhook}
namespace=${NAMESPACE:-isvc-autoscaling-webhook}
days=${DAYS:-365}
out="$(cd "$(dirname "$0")" && pwd)/out"
mkdir -p "$out" && chmod 700 "$out"

openssl req -x509 -newkey rsa:3072 -nodes -days "$days" -subj "/CN=${service}-ca" \
  -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
openssl req -newkey rsa:3072 -nodes -subj "/CN=${service}.${namespace}.svc" \
  -keyout "$out/tls.key" -out "$out/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.%s,DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
  "$service" "$service" "$namespace" "$service" "$namespace" "$service" "$namespace" > "$out/ext.cnf"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -days "$days" -extfile "$out/ext.cnf" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/ext.cnf" "$out/ca.srl"
echo "wrote $out/{ca.crt,tls.crt,tls.key} for ${service}.${namespace}.svc"

[ "${1:-}" = "--files-only" ] && exit 0
kubectl -n "$namespace" create secret tls "${service}-tls" --cert="$out/tls.crt" --key="$out/tls.key" \
  --dry-run=client -o yaml | kubectl apply -f -
ca=$(base64 -w0 < "$out/ca.crt")
for kind in mutatingwebhookconfiguration validatingwebhookconfiguration; do
  kubectl patch "$kind" "$service" --type=json -p "[{\"op\":\"replace\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$ca\"}]"
done
echo "TLS Secret ${namespace}/${service}-tls and caBundle updated"
