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
import dev.isvcpolicy.policy.rules.KedaRequiresStandardRule;
import dev.isvcpolicy.policy.rules.KnativeAnnotationsRule;
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

    /** Every rule id with its one-line doc, mutations first, each id once. */
    public static Map<String, String> catalog() {
        Map<String, String> out = new LinkedHashMap<>();
        MUTATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        VALIDATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        SCALED_OBJECT_VALIDATIONS.forEach(r -> out.putIfAbsent(r.id(), r.doc()));
        return out;
    }
}
