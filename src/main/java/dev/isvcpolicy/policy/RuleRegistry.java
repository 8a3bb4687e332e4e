package dev.isvcpolicy.policy;

import dev.isvcpolicy.policy.rules.AutoscalerClassRule;
import dev.isvcpolicy.policy.rules.AutoscalerConflictRule;
import dev.isvcpolicy.policy.rules.ContainerConcurrencyRule;
import dev.isvcpolicy.policy.rules.DefaultMinReplicasRule;
import dev.isvcpolicy.policy.rules.DefaultScaleMetricRule;
import dev.isvcpolicy.policy.rules.DeploymentModeRule;
import dev.isvcpolicy.policy.rules.GpuResourcesRule;
import dev.isvcpolicy.policy.rules.GpuScalingMetricRule;
import dev.isvcpolicy.policy.rules.KedaMetricsRule;
import dev.isvcpolicy.policy.rules.KServeKindsConflictRule;
import dev.isvcpolicy.policy.rules.KedaRequiresStandardRule;
import dev.isvcpolicy.policy.rules.KnativeAnnotationsRule;
import dev.isvcpolicy.policy.rules.LlmKedaTriggersRule;
import dev.isvcpolicy.policy.rules.OtelSidecarNameRule;
import dev.isvcpolicy.policy.rules.ReplicaBoundsRule;
import dev.isvcpolicy.policy.rules.ScaleMetricAliasRule;
import dev.isvcpolicy.policy.rules.ScaleMetricRule;
import dev.isvcpolicy.policy.rules.ScaleTargetConflictRule;
import dev.isvcpolicy.policy.rules.ScaleTargetRule;
import dev.isvcpolicy.policy.rules.ScaleToZeroRule;
import dev.isvcpolicy.policy.rules.ScaledObjectConflictRule;
import dev.isvcpolicy.policy.rules.TtftTriggerRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the webhook does, in the order it does it. Reading this class tells what the webhook
 * decides; each rule's id is the one in RULES.md.
 */
public final class RuleRegistry {

    private RuleRegistry() {
    }

    private static final KnativeAnnotationsRule KNATIVE_ANNOTATIONS = new KnativeAnnotationsRule();
    private static final KedaMetricsRule KEDA_METRICS = new KedaMetricsRule();
    private static final OtelSidecarNameRule OTEL_SIDECAR_NAME = new OtelSidecarNameRule();

    /** {@code /mutate}, in order: the mode first (it changes every component's autoscaler), then per-component fields. */
    public static final List<Mutation> MUTATIONS = List.of(
            new KedaRequiresStandardRule(),
            new ScaleMetricAliasRule(),
            new DefaultMinReplicasRule(),
            new DefaultScaleMetricRule(),
            KNATIVE_ANNOTATIONS,
            KEDA_METRICS,
            OTEL_SIDECAR_NAME);

    /** {@code /validate}: every rule runs and every finding is kept. */
    public static final List<Validation> VALIDATIONS = List.of(
            new DeploymentModeRule(),
            new AutoscalerClassRule(),
            new AutoscalerConflictRule(),
            new ScaleMetricRule(),
            new ScaleToZeroRule(),
            new ReplicaBoundsRule(),
            new ScaleTargetRule(),
            new ContainerConcurrencyRule(),
            new ScaleTargetConflictRule(),
            KNATIVE_ANNOTATIONS,
            KEDA_METRICS,
            OTEL_SIDECAR_NAME,
            new GpuResourcesRule(),
            new GpuScalingMetricRule(),
            new TtftTriggerRule());

    /** {@code /validate} for KEDA ScaledObjects: the cluster side of {@code autoscaler-conflict}. */
    public static final List<ScaledObjectValidation> SCALED_OBJECT_VALIDATIONS = List.of(
            new ScaledObjectConflictRule());

    /**
     * {@code /validate} for LLMInferenceServices, HTTPScaledObjects, and ScaledObjects against InferenceGraphs and
     * LLMInferenceServices (RULES.md §1 v2), under the rule ids they belong to.
     */
    public static final List<ObjectValidation> OBJECT_VALIDATIONS = List.of(
            new KServeKindsConflictRule(),
            new LlmKedaTriggersRule());

    /**
     * The rules that read containers, {@code autoScaling} or OpenTelemetry metrics: an InferenceGraph has none of
     * them, so they do not judge it (RULES.md §1 v2). Every other component rule judges a graph unchanged.
     */
    public static final java.util.Set<String> NOT_FOR_GRAPHS = java.util.Set.of(
            "keda-metrics", "otel-sidecar-name", "gpu-resources", "gpu-scaling-metric", "ttft-trigger");

    /** Whether a rule judges this object: every rule judges an InferenceService; a graph, all but {@link #NOT_FOR_GRAPHS}. */
    public static boolean judges(Rule rule, Review review) {
        return !review.isGraph() || !NOT_FOR_GRAPHS.contains(rule.id());
    }

    /**
     * What each rule does as configured: {@code off}, a configured {@code deny}/{@code warn}, else its
     * RULES.md level ({@code deny}/{@code warn}), or {@code on} for a mutation-only rule.
     */
    public static Map<String, String> enforcement(PolicySettings settings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String id : catalog().keySet()) {
            Optional<Validation> validation = VALIDATIONS.stream().filter(r -> r.id().equals(id)).findFirst();
            String level = settings.actionFor(id).map(Action::label)
                    .orElse(validation.map(v -> v.defaultAction().label()).orElse("on"));
            if (settings.auditOnly() && "deny".equals(level)) {
                level = "audit-only-deny";
            }
            out.put(id, level);
        }
        return out;
    }

    /**
     * Whether a rule id only mutates (no validating half): it gives no finding, so it is {@code on} or {@code off}, never
     * {@code deny} or {@code warn}, and no exception has anything of it to except.
     */
    public static boolean mutationOnly(String id) {
        return MUTATIONS.stream().anyMatch(r -> r.id().equals(id))
                && java.util.stream.Stream.of(VALIDATIONS, SCALED_OBJECT_VALIDATIONS, OBJECT_VALIDATIONS).flatMap(List::stream)
                        .noneMatch(r -> r.id().equals(id));
    }

    /** The settings the rules declare, each once, in registry order. */
    public static List<Setting<?>> settings() {
        java.util.Map<String, Setting<?>> out = new LinkedHashMap<>();
        java.util.stream.Stream.of(MUTATIONS, VALIDATIONS, SCALED_OBJECT_VALIDATIONS, OBJECT_VALIDATIONS).flatMap(List::stream)
                .flatMap(r -> r.settings().stream()).forEach(st -> out.putIfAbsent(st.key(), st));
        return List.copyOf(out.values());
    }

    /**
     * One rule id as users see it: what it does, why, at which level, and the keys it reads.
     *
     * @param level     {@code deny} or {@code warn} (a validating rule's level in RULES.md), or {@code on} for a mutation-only rule
     * @param mutates   whether it has a mutating half ({@code /mutate})
     * @param validates whether it has a validating half ({@code /validate})
     */
    public record Entry(String id, String doc, String why, String level, boolean mutates, boolean validates, List<Setting<?>> settings) {
    }

    /** Every rule id once, mutations first, in the order the webhook runs them. */
    public static List<Entry> entries() {
        java.util.Map<String, List<Rule>> byId = new LinkedHashMap<>();
        java.util.stream.Stream.of(MUTATIONS, VALIDATIONS, SCALED_OBJECT_VALIDATIONS, OBJECT_VALIDATIONS).flatMap(List::stream)
                .forEach(r -> byId.computeIfAbsent(r.id(), k -> new java.util.ArrayList<>()).add(r));
        List<Entry> out = new java.util.ArrayList<>();
        byId.forEach((id, rules) -> {
            Rule first = rules.get(0);
            Optional<Rule> validation = rules.stream().filter(r -> r instanceof Validation || r instanceof ScaledObjectValidation || r instanceof ObjectValidation).findFirst();
            java.util.Map<String, Setting<?>> settings = new LinkedHashMap<>();
            rules.forEach(r -> r.settings().forEach(st -> settings.putIfAbsent(st.key(), st)));
            out.add(new Entry(id, first.doc(), first.why(), validation.map(v -> v.defaultAction().label()).orElse("on"),
                    rules.stream().anyMatch(r -> r instanceof Mutation), validation.isPresent(), List.copyOf(settings.values())));
        });
        return out;
    }

    /** Every rule id with its one-line doc, mutations first, each id once. */
    public static Map<String, String> catalog() {
        Map<String, String> out = new LinkedHashMap<>();
        MUTATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        VALIDATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        SCALED_OBJECT_VALIDATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        OBJECT_VALIDATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        return out;
    }
}
