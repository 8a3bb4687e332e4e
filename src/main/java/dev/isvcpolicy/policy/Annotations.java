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
}
