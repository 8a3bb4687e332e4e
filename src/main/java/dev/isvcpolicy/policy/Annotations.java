package dev.isvcpolicy.policy;

/** The annotation keys the policy reads or writes. */
public final class Annotations {

    private Annotations() {
    }

    /** KServe's deployment mode, e.g. {@code Standard}. */
    public static final String DEPLOYMENT_MODE = "serving.kserve.io/deploymentMode";
    /** Standard-mode autoscaler, e.g. {@code keda}. */
    public static final String AUTOSCALER_CLASS = "serving.kserve.io/autoscalerClass";
    /** Extra GPU resource names as a JSON list, e.g. {@code ["example.com/gpu"]}. */
    public static final String GPU_RESOURCE_TYPES = "serving.kserve.io/gpu-resource-types";
    /** OpenTelemetry operator sidecar selector, e.g. {@code my-model-predictor}. */
    public static final String OTEL_INJECT = "sidecar.opentelemetry.io/inject";

    /** Prefix of every Knative autoscaling annotation. */
    public static final String KNATIVE_PREFIX = "autoscaling.knative.dev/";
    /** Knative autoscaler class, e.g. {@code kpa.autoscaling.knative.dev}. */
    public static final String KNATIVE_CLASS = KNATIVE_PREFIX + "class";
    /** Knative scaling metric, e.g. {@code concurrency}. */
    public static final String KNATIVE_METRIC = KNATIVE_PREFIX + "metric";
    /** Knative soft target, e.g. {@code 10}. */
    public static final String KNATIVE_TARGET = KNATIVE_PREFIX + "target";

    /** Value of {@link #KNATIVE_CLASS} for the KPA. */
    public static final String KPA_CLASS = "kpa.autoscaling.knative.dev";
    /** Value of {@link #KNATIVE_CLASS} for Knative's HPA. */
    public static final String HPA_CLASS = "hpa.autoscaling.knative.dev";

    /**
     * The Knative class a value with no dot was meant to be ({@code kpa}, {@code HPA}: Knative finds no
     * autoscaler for it), or empty for a real class name (anything with a dot). {@code hpa} in any letter
     * case means {@link #HPA_CLASS}; every other dot-less value (e.g. {@code KPA}, {@code banana}, empty)
     * gets Knative's default class, {@link #KPA_CLASS}.
     */
    public static java.util.Optional<String> knativeClassMeant(String value) {
        if (value.contains(".")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("hpa".equalsIgnoreCase(value.strip()) ? HPA_CLASS : KPA_CLASS);
    }
    /** KEDA: pause autoscaling of the ScaledObject KServe copies this onto, {@code "true"} or {@code "false"}. */
    public static final String KEDA_PAUSED = "autoscaling.keda.sh/paused";
    /** KEDA: pause scaling in only, {@code "true"} or {@code "false"}. */
    public static final String KEDA_PAUSED_SCALE_IN = "autoscaling.keda.sh/paused-scale-in";
    /** KEDA: pause scaling out only, {@code "true"} or {@code "false"}. */
    public static final String KEDA_PAUSED_SCALE_OUT = "autoscaling.keda.sh/paused-scale-out";
    /** KEDA: pause at this replica count, e.g. {@code "0"}. */
    public static final String KEDA_PAUSED_REPLICAS = "autoscaling.keda.sh/paused-replicas";
    /** KEDA: {@code "false"} on an HPA switches off KEDA's own check that one HPA scales a workload. */
    public static final String KEDA_HPA_OWNERSHIP = "validations.keda.sh/hpa-ownership";
    /** Legacy KServe metric annotation, e.g. {@code cpu}: read by no controller today. */
    public static final String LEGACY_METRICS = "serving.kserve.io/metrics";
    /** Legacy KServe target annotation, e.g. {@code 80}: read by no controller today. */
    public static final String LEGACY_TARGET_UTILIZATION = "serving.kserve.io/targetUtilizationPercentage";
}
