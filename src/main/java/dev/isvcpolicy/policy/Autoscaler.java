package dev.isvcpolicy.policy;

import java.util.Set;

/** The autoscaler that will scale a component, as resolved from mode and class annotations. */
public enum Autoscaler {
    /** Knative's pod autoscaler ({@code kpa.autoscaling.knative.dev}). */
    KPA("kpa", Set.of("concurrency", "rps")),
    /** Knative with an HPA ({@code hpa.autoscaling.knative.dev}). */
    KNATIVE_HPA("knative-hpa", Set.of("cpu", "memory")),
    /** Standard mode, KServe's own HorizontalPodAutoscaler. */
    HPA("hpa", Set.of("cpu", "memory")),
    /** Standard mode, a KEDA ScaledObject built from {@code autoScaling.metrics}. */
    KEDA("keda", Set.of()),
    /** Standard mode, KServe makes no autoscaler; the user brings one. */
    EXTERNAL("external", Set.of()),
    /**
     * Standard mode, no autoscaler: KServe pins the Deployment's replicas to {@code minReplicas} on every
     * reconcile. Also a component of class keda without {@code autoScaling} (KServe after v0.20).
     */
    NONE("none", Set.of()),
    /** A class this webhook does not know (already refused by {@code autoscaler-class}, or a custom Knative class). */
    CUSTOM("custom", Set.of()),
    /** Not scaled by KServe (ModelMesh). */
    NOT_SCALED("not-scaled", Set.of());

    private final String label;
    private final Set<String> scaleMetrics;

    Autoscaler(String label, Set<String> scaleMetrics) {
        this.label = label;
        this.scaleMetrics = scaleMetrics;
    }

    /** Name used in messages, audit lines and configuration keys, e.g. {@code knative-hpa}. */
    public String label() {
        return label;
    }

    /** The {@code scaleMetric} values this autoscaler can use. */
    public Set<String> scaleMetrics() {
        return scaleMetrics;
    }

    public boolean isKnative() {
        return this == KPA || this == KNATIVE_HPA;
    }

    /**
     * Something already sets this component's replicas, so a user's ScaledObject on its Deployment would
     * fight it: every autoscaler but external and not-scaled (none included: KServe pins its replicas to
     * minReplicas; a custom Knative class still drives Knative's PodAutoscaler, which sets the replicas).
     */
    public boolean ownsReplicas() {
        return this != EXTERNAL && this != NOT_SCALED;
    }

    /**
     * This autoscaler follows a signal the user chose (a metric, a trigger): every autoscaler but external,
     * none and not-scaled, which scale on nothing this webhook can read.
     */
    public boolean followsMetrics() {
        return this != EXTERNAL && this != NONE && this != NOT_SCALED;
    }
}
