package dev.isvcpolicy.cluster;

import java.util.List;

/**
 * Every Kubernetes API access the webhook makes, in one place. The RBAC in {@code k8s/base/02-rbac.yaml} grants
 * exactly these and nothing else ({@code ManifestsTest} checks it); a new informer or lookup adds its entry
 * here and its rule there.
 */
public final class ClusterAccess {

    /**
     * One access: what the ServiceAccount must be allowed.
     *
     * @param apiGroup     API group, {@code ""} for the core group
     * @param resource     plural resource, e.g. {@code configmaps}
     * @param verbs        e.g. {@code [get, list, watch]} for an informer
     * @param namespace    where, or {@code null} for every namespace (a ClusterRole)
     * @param resourceName the one object, or {@code null} for all of them
     */
    public record Access(String apiGroup, String resource, List<String> verbs, String namespace, String resourceName) {
        public Access {
            verbs = List.copyOf(verbs);
        }
    }

    /** Default namespace of KServe's ConfigMap, e.g. {@code kserve}. */
    public static final String KSERVE_NAMESPACE = "kserve";
    /** KServe's ConfigMap that names the cluster's default deployment mode. */
    public static final String KSERVE_CONFIG_MAP = "inferenceservice-config";

    /** {@link ClusterDefaults}' informer on KServe's ConfigMap (list and watch by name; get for a re-list). */
    public static final Access KSERVE_CONFIG = new Access("", "configmaps", List.of("get", "list", "watch"),
            KSERVE_NAMESPACE, KSERVE_CONFIG_MAP);

    /** {@link KnativeAutoscalerConfig}'s informer on Knative's config-autoscaler ConfigMap (max-scale-limit, allow-zero-initial-scale). */
    public static final Access KNATIVE_AUTOSCALER_CONFIG = new Access("", "configmaps", List.of("get", "list", "watch"),
            dev.isvcpolicy.policy.KnativeLimits.NAMESPACE, dev.isvcpolicy.policy.KnativeLimits.CONFIG_MAP);

    /** {@link WorkloadCaches}' informer on every InferenceService (the cluster side of autoscaler-conflict). */
    public static final Access INFERENCE_SERVICES = new Access("serving.kserve.io", "inferenceservices", List.of("list", "watch"), null, null);

    /** {@link WorkloadCaches}' informer on every KEDA ScaledObject. */
    public static final Access SCALED_OBJECTS = new Access("keda.sh", "scaledobjects", List.of("list", "watch"), null, null);

    /** {@link WorkloadCaches}' look-up of KEDA's CRD: is KEDA installed? */
    public static final Access KEDA_CRD = new Access("apiextensions.k8s.io", "customresourcedefinitions", List.of("get"), null,
            WorkloadCaches.KEDA_CRD);

    /** The webhook's own namespace as installed by {@code k8s/}. */
    public static final String WEBHOOK_NAMESPACE = "isvc-autoscaling-webhook";

    /** {@link PolicyConfigMaps}' informer on the live policy ConfigMap, in the webhook's own namespace. */
    public static final Access POLICY_CONFIG = new Access("", "configmaps", List.of("get", "list", "watch"), WEBHOOK_NAMESPACE,
            "isvc-autoscaling-policy");

    /** {@link PolicyConfigMaps}' informer on the exceptions ConfigMap, in the webhook's own namespace. */
    public static final Access POLICY_EXCEPTIONS = new Access("", "configmaps", List.of("get", "list", "watch"), WEBHOOK_NAMESPACE,
            "isvc-autoscaling-policy-exceptions");

    /** {@link NamespaceLabels}' informer on every Namespace (the enforcement label). */
    public static final Access NAMESPACES = new Access("", "namespaces", List.of("list", "watch"), null, null);

    /** {@link KServeKindCaches}' informer on every InferenceGraph (started when its CRD is installed). */
    public static final Access INFERENCE_GRAPHS = new Access("serving.kserve.io", "inferencegraphs", List.of("list", "watch"), null, null);

    /** {@link KServeKindCaches}' informer on every LLMInferenceService (started when its CRD is installed). */
    public static final Access LLM_INFERENCE_SERVICES = new Access("serving.kserve.io", "llminferenceservices", List.of("list", "watch"), null, null);

    /** {@link KServeKindCaches}' informer on every HTTPScaledObject of KEDA's HTTP add-on (started when its CRD is installed). */
    public static final Access HTTP_SCALED_OBJECTS = new Access("http.keda.sh", "httpscaledobjects", List.of("list", "watch"), null, null);

    /** {@link KServeKindCaches}' look-ups of the three CRDs: installed, and which versions served? */
    public static final List<Access> KSERVE_KIND_CRDS = KServeKindCaches.KINDS.stream().map(k -> new Access("apiextensions.k8s.io",
            "customresourcedefinitions", List.of("get"), null, KServeKindCaches.crd(k))).toList();

    /**
     * The scanner's report verbs (issue 17) that cannot be limited by name: list its own (by label) and create one where a
     * namespace has none. Update and delete are limited to its report's name ({@link #REPORT_NAME_VERBS}), so the webhook
     * cannot change another tool's reports (Kyverno's, Trivy's).
     */
    public static final List<String> REPORT_VERBS = List.of("create", "list");
    /** Write only when results change, delete when a namespace has nothing left: its own report only. */
    public static final List<String> REPORT_NAME_VERBS = List.of("update", "delete");

    /** {@code scan.ReportWriter}'s PolicyReports ({@code wgpolicyk8s.io/v1alpha2}), one per namespace. */
    public static final Access POLICY_REPORTS = new Access("wgpolicyk8s.io", "policyreports", REPORT_VERBS, null, null);
    public static final Access OWN_POLICY_REPORTS = new Access("wgpolicyk8s.io", "policyreports", REPORT_NAME_VERBS, null,
            dev.isvcpolicy.scan.Reports.NAME);

    /** {@code scan.ReportWriter}'s Reports with {@code webhook.reports.format=openreports} ({@code openreports.io/v1alpha1}). */
    public static final Access OPEN_REPORTS = new Access("openreports.io", "reports", REPORT_VERBS, null, null);
    public static final Access OWN_OPEN_REPORTS = new Access("openreports.io", "reports", REPORT_NAME_VERBS, null, dev.isvcpolicy.scan.Reports.NAME);

    /** The scan's leader election Lease, by name, in the webhook's own namespace. */
    public static final String SCAN_LEASE = "isvc-autoscaling-webhook-scan";

    /**
     * {@code scan.Scanner}'s leader election: read, renew and release its Lease. fabric8's {@code ResourceLock.update}
     * sends a JSON merge PATCH, so the verb is {@code patch} ({@code update} alone made every renewal a 403: the leader
     * lost the Lease after 10 s and no replica could take it again). ScannerTest checks the methods sent.
     */
    public static final Access LEASE = new Access("coordination.k8s.io", "leases", List.of("get", "patch"), WEBHOOK_NAMESPACE, SCAN_LEASE);

    /** {@code scan.Scanner}'s leader election: create the Lease the first time (create cannot be limited by name). */
    public static final Access LEASE_CREATE = new Access("coordination.k8s.io", "leases", List.of("create"), WEBHOOK_NAMESPACE, null);

    /**
     * Everything, in the order the RBAC file lists it. Requests never call the API server; the only writes are the
     * scan's reports and its Lease.
     */
    public static final List<Access> ALL = java.util.stream.Stream.concat(java.util.stream.Stream.of(KSERVE_CONFIG, KNATIVE_AUTOSCALER_CONFIG,
            INFERENCE_SERVICES, SCALED_OBJECTS, KEDA_CRD, INFERENCE_GRAPHS, LLM_INFERENCE_SERVICES, HTTP_SCALED_OBJECTS),
            java.util.stream.Stream.concat(KSERVE_KIND_CRDS.stream(), java.util.stream.Stream.of(POLICY_CONFIG, POLICY_EXCEPTIONS, NAMESPACES,
                    POLICY_REPORTS, OWN_POLICY_REPORTS, OPEN_REPORTS, OWN_OPEN_REPORTS, LEASE, LEASE_CREATE)))
            .toList();

    private ClusterAccess() {
    }
}
