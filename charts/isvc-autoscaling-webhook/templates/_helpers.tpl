{{/* The name of every object, as in k8s/: isvc-autoscaling-webhook. */}}
{{- define "isvc.name" -}}isvc-autoscaling-webhook{{- end -}}

{{/* The selector labels; the same as k8s/ so that the two installs select the same pods. */}}
{{- define "isvc.selector" -}}
app.kubernetes.io/name: {{ include "isvc.name" . }}
{{- end -}}

{{- define "isvc.labels" -}}
{{ include "isvc.selector" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Namespaces the webhooks never see and the webhook exempts: the configured ones and the release's. */}}
{{- define "isvc.excluded" -}}
{{- append .Values.webhooks.excludedNamespaces .Release.Namespace | uniq | join "," -}}
{{- end -}}

{{- define "isvc.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* One webhook's common fields. Call with (dict "root" $ "w" .Values.webhooks.validate "path" "/validate"). */}}
{{- define "isvc.webhookCommon" -}}
clientConfig:
  service: {name: {{ include "isvc.name" .root }}, namespace: {{ .root.Release.Namespace }}, path: {{ .path }}, port: 443}
failurePolicy: {{ .w.failurePolicy }}
sideEffects: None
timeoutSeconds: {{ .w.timeoutSeconds }}
admissionReviewVersions: ["v1"]
matchPolicy: Equivalent
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ splitList "," (include "isvc.excluded" .root) | toJson }}
    # A namespace labelled autoscaling-policy.isvcpolicy.dev/enforce: off is never sent here.
    - {key: autoscaling-policy.isvcpolicy.dev/enforce, operator: NotIn, values: ["off"]}
    {{- with .root.Values.webhooks.namespaceSelectorExpressions }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
objectSelector: {{ .root.Values.webhooks.objectSelector | toJson }}
{{- with .w.matchConditions }}
matchConditions:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
