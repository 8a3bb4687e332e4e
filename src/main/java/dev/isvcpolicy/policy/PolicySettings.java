package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Everything the rules read from configuration, as plain values (built from {@code WebhookConfig} at
 * start-up, or directly in tests).
 */
public record PolicySettings(
        Map<String, Action> ruleActions,
        boolean auditOnly,
        Set<String> exemptNamespaces,
        int defaultMinReplicas,
        Map<Autoscaler, String> defaultMetrics,
        OptionalInt maxReplicasCeiling,
        int containerConcurrencyMax,
        List<String> gpuResources,
        OptionalInt gpuMaxPerReplica,
        OptionalInt gpuMaxPerService,
        int kedaUtilization,
        Optional<String> prometheusServerAddress,
        Optional<String> concurrencyQuery,
        Optional<String> rpsQuery,
        DeploymentMode fallbackMode,
        Action clusterUnavailableAction) {

    /** GPU resource names KServe itself knows. */
    public static final List<String> DEFAULT_GPU_RESOURCES =
            List.of("nvidia.com/gpu", "amd.com/gpu", "intel.com/gpu", "habana.ai/gaudi");

    public static PolicySettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configured override for a rule, if any. */
    public Optional<Action> actionFor(String ruleId) {
        return Optional.ofNullable(ruleActions.get(ruleId));
    }

    public boolean enabled(String ruleId) {
        return ruleActions.get(ruleId) != Action.OFF;
    }

    /** The scaleMetric {@code default-scale-metric} writes for this autoscaler, if any. */
    public Optional<String> defaultMetric(Autoscaler autoscaler) {
        return Optional.ofNullable(defaultMetrics.get(autoscaler));
    }

    public Optional<String> queryFor(String metric) {
        return switch (metric) {
            case "concurrency" -> concurrencyQuery;
            case "rps" -> rpsQuery;
            default -> Optional.empty();
        };
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.ruleActions = new HashMap<>(ruleActions);
        b.auditOnly = auditOnly;
        b.exemptNamespaces = new LinkedHashSet<>(exemptNamespaces);
        b.defaultMinReplicas = defaultMinReplicas;
        b.defaultMetrics = new EnumMap<>(Autoscaler.class);
        b.defaultMetrics.putAll(defaultMetrics);
        b.maxReplicasCeiling = maxReplicasCeiling;
        b.containerConcurrencyMax = containerConcurrencyMax;
        b.extraGpuResources = new ArrayList<>(gpuResources.subList(DEFAULT_GPU_RESOURCES.size(), gpuResources.size()));
        b.gpuMaxPerReplica = gpuMaxPerReplica;
        b.gpuMaxPerService = gpuMaxPerService;
        b.kedaUtilization = kedaUtilization;
        b.prometheusServerAddress = prometheusServerAddress;
        b.concurrencyQuery = concurrencyQuery;
        b.rpsQuery = rpsQuery;
        b.fallbackMode = fallbackMode;
        b.clusterUnavailableAction = clusterUnavailableAction;
        return b;
    }

    /** Builder whose starting values are the documented defaults. */
    public static final class Builder {
        private Map<String, Action> ruleActions = new HashMap<>();
        private boolean auditOnly;
        private Set<String> exemptNamespaces = new LinkedHashSet<>(List.of("kube-system", "isvc-autoscaling-webhook"));
        private int defaultMinReplicas = 1;
        private Map<Autoscaler, String> defaultMetrics = new EnumMap<>(Map.of(
                Autoscaler.KPA, "concurrency", Autoscaler.KNATIVE_HPA, "cpu", Autoscaler.HPA, "cpu"));
        private OptionalInt maxReplicasCeiling = OptionalInt.empty();
        private int containerConcurrencyMax = 1000;
        private List<String> extraGpuResources = new ArrayList<>();
        private OptionalInt gpuMaxPerReplica = OptionalInt.empty();
        private OptionalInt gpuMaxPerService = OptionalInt.empty();
        private int kedaUtilization = 80;
        private Optional<String> prometheusServerAddress = Optional.empty();
        private Optional<String> concurrencyQuery = Optional.empty();
        private Optional<String> rpsQuery = Optional.empty();
        private DeploymentMode fallbackMode = DeploymentMode.KNATIVE;
        private Action clusterUnavailableAction = Action.WARN;

        public Builder ruleAction(String ruleId, Action action) {
            ruleActions.put(ruleId, action);
            return this;
        }

        public Builder auditOnly(boolean value) {
            auditOnly = value;
            return this;
        }

        public Builder exemptNamespaces(Set<String> value) {
            exemptNamespaces = new LinkedHashSet<>(value);
            return this;
        }

        public Builder defaultMinReplicas(int value) {
            defaultMinReplicas = value;
            return this;
        }

        /** {@code null} means: write no default for that autoscaler. */
        public Builder defaultMetric(Autoscaler autoscaler, String metric) {
            if (metric == null) {
                defaultMetrics.remove(autoscaler);
            } else {
                defaultMetrics.put(autoscaler, metric);
            }
            return this;
        }

        public Builder maxReplicasCeiling(OptionalInt value) {
            maxReplicasCeiling = value;
            return this;
        }

        public Builder containerConcurrencyMax(int value) {
            containerConcurrencyMax = value;
            return this;
        }

        public Builder extraGpuResources(List<String> value) {
            extraGpuResources = new ArrayList<>(value);
            return this;
        }

        public Builder gpuMaxPerReplica(OptionalInt value) {
            gpuMaxPerReplica = value;
            return this;
        }

        public Builder gpuMaxPerService(OptionalInt value) {
            gpuMaxPerService = value;
            return this;
        }

        public Builder kedaUtilization(int value) {
            kedaUtilization = value;
            return this;
        }

        public Builder prometheus(Optional<String> serverAddress, Optional<String> concurrency, Optional<String> rps) {
            prometheusServerAddress = serverAddress;
            concurrencyQuery = concurrency;
            rpsQuery = rps;
            return this;
        }

        public Builder fallbackMode(DeploymentMode value) {
            fallbackMode = value;
            return this;
        }

        /** {@code WARN} (admit, say the check was skipped) or {@code DENY} (fail closed). */
        public Builder clusterUnavailableAction(Action value) {
            clusterUnavailableAction = value;
            return this;
        }

        public PolicySettings build() {
            List<String> gpus = new ArrayList<>(DEFAULT_GPU_RESOURCES);
            extraGpuResources.stream().filter(r -> !gpus.contains(r)).forEach(gpus::add);
            return new PolicySettings(Map.copyOf(ruleActions), auditOnly, Set.copyOf(exemptNamespaces),
                    defaultMinReplicas, Map.copyOf(defaultMetrics), maxReplicasCeiling, containerConcurrencyMax,
                    List.copyOf(gpus), gpuMaxPerReplica, gpuMaxPerService, kedaUtilization,
                    prometheusServerAddress, concurrencyQuery, rpsQuery, fallbackMode, clusterUnavailableAction);
        }
    }
}
