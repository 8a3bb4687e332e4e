package dev.isvcpolicy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.PolicySettings;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The configuration as an admin sees it: defaults pinned, every key settable from the environment, bad values refused. */
class WebhookConfigTest {

    private static PolicySettings settings(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WebhookConfig.class)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return SettingsProducer.toSettings(config.getConfigMapping(WebhookConfig.class));
    }

    /** Every effective default, one line each, sorted: a change of default shows up as a diff of the golden file. */
    static String render(PolicySettings s) {
        Map<String, String> out = new TreeMap<>();
        out.put("audit-only", String.valueOf(s.auditOnly()));
        out.put("exempt-namespaces", new java.util.TreeSet<>(s.exemptNamespaces()).toString());
        out.put("rule-overrides", new TreeMap<>(s.ruleActions()).toString());
        out.put("defaults.min-replicas", String.valueOf(s.defaultMinReplicas()));
        for (Autoscaler a : Autoscaler.values()) {
            out.put("defaults.metric." + a.label(), s.defaultMetric(a).orElse("none"));
        }
        out.put("replicas.max-ceiling", s.maxReplicasCeiling().isPresent() ? String.valueOf(s.maxReplicasCeiling().getAsInt()) : "unset");
        out.put("replicas.container-concurrency-max", String.valueOf(s.containerConcurrencyMax()));
        out.put("gpu.resources", s.gpuResources().toString());
        out.put("gpu.max-per-replica", s.gpuMaxPerReplica().isPresent() ? String.valueOf(s.gpuMaxPerReplica().getAsInt()) : "unset");
        out.put("gpu.max-per-service", s.gpuMaxPerService().isPresent() ? String.valueOf(s.gpuMaxPerService().getAsInt()) : "unset");
        out.put("keda.default-utilization", String.valueOf(s.kedaUtilization()));
        out.put("keda.prometheus-server-address", s.prometheusServerAddress().orElse("unset"));
        out.put("keda.concurrency-query", s.concurrencyQuery().orElse("unset"));
        out.put("keda.rps-query", s.rpsQuery().orElse("unset"));
        out.put("cluster.fallback-mode", s.fallbackMode().value());
        out.put("cluster.unavailable-action", s.clusterUnavailableAction().label());
        StringBuilder text = new StringBuilder();
        out.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        return text.toString();
    }

    @Test
    void effectiveDefaultsMatchTheGoldenFile() throws Exception {
        String golden;
        try (InputStream in = getClass().getResourceAsStream("/config/effective-defaults.txt")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(golden, render(settings(Map.of(), Map.of())));
    }

    @Test
    void defaultsAgreeWithTheBuilderUsedInRuleTests() {
        assertEquals(render(PolicySettings.defaults()), render(settings(Map.of(), Map.of())));
    }

    @Test
    void everySettingCanComeFromTheEnvironment() {
        PolicySettings s = settings(Map.of(), Map.ofEntries(
                Map.entry("WEBHOOK_AUDIT_ONLY", "true"),
                Map.entry("WEBHOOK_EXEMPT_NAMESPACES", "kube-system,ops"),
                Map.entry("WEBHOOK_RULES_SCALE_TO_ZERO", "warn"),
                Map.entry("WEBHOOK_RULES_GPU_SCALING_METRIC", "deny"),
                Map.entry("WEBHOOK_RULES_TTFT_TRIGGER", "off"),
                Map.entry("WEBHOOK_DEFAULTS_MIN_REPLICAS", "2"),
                Map.entry("WEBHOOK_DEFAULTS_KPA_METRIC", "rps"),
                Map.entry("WEBHOOK_DEFAULTS_HPA_METRIC", "none"),
                Map.entry("WEBHOOK_REPLICAS_MAX_CEILING", "50"),
                Map.entry("WEBHOOK_REPLICAS_CONTAINER_CONCURRENCY_MAX", "500"),
                Map.entry("WEBHOOK_GPU_EXTRA_RESOURCES", "example.com/gpu"),
                Map.entry("WEBHOOK_GPU_MAX_PER_REPLICA", "8"),
                Map.entry("WEBHOOK_GPU_MAX_PER_SERVICE", "32"),
                Map.entry("WEBHOOK_KEDA_DEFAULT_UTILIZATION", "70"),
                Map.entry("WEBHOOK_KEDA_PROMETHEUS_SERVER_ADDRESS", "http://prometheus.monitoring.svc:9090"),
                Map.entry("WEBHOOK_KEDA_CONCURRENCY_QUERY", "sum(q{namespace=\"{namespace}\"})"),
                Map.entry("WEBHOOK_KEDA_RPS_QUERY", "sum(rate(r[1m]))"),
                Map.entry("WEBHOOK_CLUSTER_FALLBACK_MODE", "Standard"),
                Map.entry("WEBHOOK_CLUSTER_UNAVAILABLE_ACTION", "deny")));
        assertTrue(s.auditOnly());
        assertEquals(java.util.Set.of("kube-system", "ops"), s.exemptNamespaces());
        assertEquals(Map.of("scale-to-zero", Action.WARN, "gpu-scaling-metric", Action.DENY, "ttft-trigger", Action.OFF), s.ruleActions());
        assertEquals(2, s.defaultMinReplicas());
        assertEquals(Optional.of("rps"), s.defaultMetric(Autoscaler.KPA));
        assertEquals(Optional.empty(), s.defaultMetric(Autoscaler.HPA));
        assertEquals(OptionalInt.of(50), s.maxReplicasCeiling());
        assertEquals(500, s.containerConcurrencyMax());
        assertTrue(s.gpuResources().contains("example.com/gpu") && s.gpuResources().contains("nvidia.com/gpu"));
        assertEquals(OptionalInt.of(8), s.gpuMaxPerReplica());
        assertEquals(OptionalInt.of(32), s.gpuMaxPerService());
        assertEquals(70, s.kedaUtilization());
        assertEquals(Optional.of("http://prometheus.monitoring.svc:9090"), s.prometheusServerAddress());
        assertEquals(Optional.of("sum(q{namespace=\"{namespace}\"})"), s.concurrencyQuery());
        assertEquals(Optional.of("sum(rate(r[1m]))"), s.rpsQuery());
        assertEquals(DeploymentMode.STANDARD, s.fallbackMode());
        assertEquals(Action.DENY, s.clusterUnavailableAction());
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of(
                "webhook.rules.scale-to-zero", "maybe",
                "webhook.cluster.fallback-mode", "ModelMesh",
                "webhook.defaults.kpa-metric", "cpu",
                "webhook.replicas.max-ceiling", "0",
                "webhook.gpu.max-per-replica", "-1",
                "webhook.keda.default-utilization", "101",
                "webhook.keda.prometheus-server-address", "prometheus:9090",
                "webhook.cluster.unavailable-action", "fail"), Map.of()));
        List<String> expected = new ArrayList<>(List.of("webhook.rules.scale-to-zero=maybe", "webhook.cluster.fallback-mode=ModelMesh",
                "webhook.defaults.kpa-metric=cpu", "webhook.replicas.max-ceiling=0", "webhook.gpu.max-per-replica=-1",
                "webhook.keda.default-utilization=101", "webhook.keda.prometheus-server-address=prometheus:9090",
                "webhook.cluster.unavailable-action=fail"));
        for (String key : expected) {
            assertTrue(e.getMessage().contains(key), "should name " + key + ": " + e.getMessage());
        }
    }
}
