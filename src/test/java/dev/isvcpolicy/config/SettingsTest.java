package dev.isvcpolicy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Setting;
import dev.isvcpolicy.policy.rules.ContainerConcurrencyRule;
import dev.isvcpolicy.policy.rules.DefaultMinReplicasRule;
import dev.isvcpolicy.policy.rules.DefaultScaleMetricRule;
import dev.isvcpolicy.policy.rules.GpuResourcesRule;
import dev.isvcpolicy.policy.rules.KedaMetricsRule;
import dev.isvcpolicy.policy.rules.ReplicaBoundsRule;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The configuration as an admin sees it: one key per setting, from properties or the environment, the
 * plumbing keys of {@link WebhookConfig} beside them, every bad value and every unknown key refused at
 * once, an unknown key with the closest valid one.
 */
class SettingsTest {

    private static PolicySettings settings(Map<String, String> properties, Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(WebhookConfig.class)
                .withValidateUnknown(false)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return SettingsProducer.fromConfig(config);
    }

    /** A boolean plumbing key with a typo is refused: SmallRye would read it as false and switch a check off silently. */
    @Test
    void booleanPlumbingKeysTakeOnlyBooleanSpellings() {
        PolicySettings.InvalidSettings e = org.junit.jupiter.api.Assertions.assertThrows(PolicySettings.InvalidSettings.class,
                () -> settings(Map.of("webhook.cluster.lookups", "ture"), Map.of("WEBHOOK_SCAN_ENABLED", "maybe")));
        assertEquals(List.of("webhook.cluster.lookups=ture: use true or false", "webhook.scan.enabled=maybe: use true or false"),
                e.problems().stream().sorted().toList());
        settings(Map.of("webhook.cluster.lookups", "FALSE", "webhook.cluster.knative", "on"), Map.of("WEBHOOK_SCAN_ENABLED", "0"));
    }

    /** A request deadline of zero or less would cut every request whose body is not there at once. */
    @Test
    void aRequestTimeoutOfZeroOrLessIsRefused() {
        for (String bad : List.of("0s", "-5s")) {
            SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(WebhookConfig.class).withValidateUnknown(false)
                    .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                    .withSources(new PropertiesConfigSource(Map.of("webhook.http.request-timeout", bad), "test", 100)).build();
            PolicySettings.InvalidSettings e = org.junit.jupiter.api.Assertions.assertThrows(PolicySettings.InvalidSettings.class,
                    () -> SettingsProducer.checkPlumbing(config.getConfigMapping(WebhookConfig.class)));
            assertTrue(e.problems().get(0).startsWith("webhook.http.request-timeout="), e.problems().toString());
        }
    }

    @Test
    void noKeysGiveTheDocumentedDefaults() {
        PolicySettings s = settings(Map.of(), Map.of());
        assertEquals(PolicySettings.defaults(), s);
        assertEquals(false, s.auditOnly());
        assertEquals(Set.of("kube-system", "isvc-autoscaling-webhook"), s.exemptNamespaces());
        assertEquals(1, s.get(DefaultMinReplicasRule.MIN_REPLICAS));
        assertEquals(Optional.of("concurrency"), s.get(DefaultScaleMetricRule.KPA_METRIC));
        assertEquals(1000, s.get(ContainerConcurrencyRule.MAX));
        assertEquals(OptionalInt.empty(), s.get(GpuResourcesRule.MAX_PER_REPLICA));
        assertEquals(80, s.get(KedaMetricsRule.DEFAULT_UTILIZATION));
        assertEquals(DeploymentMode.KNATIVE, s.fallbackMode());
        assertEquals(Action.WARN, s.clusterUnavailableAction());
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
                Map.entry("WEBHOOK_CLUSTER_UNAVAILABLE_ACTION", "deny"),
                Map.entry("WEBHOOK_TLS_CERT_FILE", "/tmp/tls.crt")));
        assertTrue(s.auditOnly());
        assertEquals(Set.of("kube-system", "ops"), s.exemptNamespaces());
        assertEquals(Map.of("scale-to-zero", Action.WARN, "gpu-scaling-metric", Action.DENY, "ttft-trigger", Action.OFF), s.ruleActions());
        assertEquals(2, s.get(DefaultMinReplicasRule.MIN_REPLICAS));
        assertEquals(Optional.of("rps"), s.get(DefaultScaleMetricRule.KPA_METRIC));
        assertEquals(Optional.empty(), s.get(DefaultScaleMetricRule.HPA_METRIC));
        assertEquals(OptionalInt.of(50), s.get(ReplicaBoundsRule.MAX_CEILING));
        assertEquals(500, s.get(ContainerConcurrencyRule.MAX));
        assertEquals(List.of("example.com/gpu"), s.get(GpuResourcesRule.EXTRA_RESOURCES));
        assertEquals(OptionalInt.of(8), s.get(GpuResourcesRule.MAX_PER_REPLICA));
        assertEquals(OptionalInt.of(32), s.get(GpuResourcesRule.MAX_PER_SERVICE));
        assertEquals(70, s.get(KedaMetricsRule.DEFAULT_UTILIZATION));
        assertEquals(Optional.of("http://prometheus.monitoring.svc:9090"), s.get(KedaMetricsRule.PROMETHEUS_SERVER_ADDRESS));
        assertEquals(Optional.of("sum(q{namespace=\"{namespace}\"})"), s.get(KedaMetricsRule.CONCURRENCY_QUERY));
        assertEquals(Optional.of("sum(rate(r[1m]))"), s.get(KedaMetricsRule.RPS_QUERY));
        assertEquals(DeploymentMode.STANDARD, s.fallbackMode());
        assertEquals(Action.DENY, s.clusterUnavailableAction());
    }

    @Test
    void everyCatalogKeyHasItsEnvironmentName() {
        for (Setting<?> setting : PolicySettings.catalog()) {
            assertEquals(Optional.of(setting.key()), PolicySettings.knownKey(setting.envName()), setting.key());
        }
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of(
                "webhook.rules.scale-to-zero", "maybe",
                "webhook.audit-only", "maybe",
                "webhook.cluster.fallback-mode", "ModelMesh",
                "webhook.defaults.kpa-metric", "cpu",
                "webhook.replicas.max-ceiling", "0",
                "webhook.gpu.max-per-replica", "-1",
                "webhook.keda.default-utilization", "101",
                "webhook.keda.prometheus-server-address", "prometheus:9090",
                "webhook.cluster.unavailable-action", "fail"), Map.of()));
        for (String key : List.of("webhook.rules.scale-to-zero=maybe", "webhook.audit-only=maybe", "webhook.cluster.fallback-mode=ModelMesh",
                "webhook.defaults.kpa-metric=cpu", "webhook.replicas.max-ceiling=0", "webhook.gpu.max-per-replica=-1",
                "webhook.keda.default-utilization=101", "webhook.keda.prometheus-server-address=prometheus:9090",
                "webhook.cluster.unavailable-action=fail")) {
            assertTrue(e.getMessage().contains(key), "should name " + key + ": " + e.getMessage());
        }
    }

    private static String problems(Map<String, String> raw) {
        return String.join("\n", assertThrows(PolicySettings.InvalidSettings.class, () -> PolicySettings.from(raw)).problems());
    }

    @Test
    void aDefaultMinReplicasAboveTheCeilingIsWarnedNotRefused() {
        PolicySettings s = PolicySettings.from(Map.of("webhook.defaults.min-replicas", "5", "webhook.replicas.max-ceiling", "3"));
        assertEquals(List.of("webhook.defaults.min-replicas=5 is above webhook.replicas.max-ceiling=3: minReplicas 3 is written where it "
                + "is absent; lower one or raise the other"), s.warnings());
        assertEquals(List.of(), PolicySettings.from(Map.of("webhook.defaults.min-replicas", "3", "webhook.replicas.max-ceiling", "3")).warnings());
    }

    @Test
    void extraGpuResourcesThatAreKubernetesOwnAreRefusedOtherNamesWithoutADomainWarned() {
        String m = problems(Map.of("webhook.gpu.extra-resources", "example.com/fpga,memory,cpu,hugepages-2Mi,kubernetes.io/x"));
        assertEquals("webhook.gpu.extra-resources=example.com/fpga,memory,cpu,hugepages-2Mi,kubernetes.io/x: memory, cpu, hugepages-2Mi, "
                + "kubernetes.io/x are Kubernetes' own resources, never GPUs: counted as GPUs they would deny or misjudge every "
                + "InferenceService that requests them; use extended resource names (a domain prefix outside kubernetes.io/, e.g. example.com/fpga)", m);
        PolicySettings s = PolicySettings.from(Map.of("webhook.gpu.extra-resources", "example.com/fpga,gpu,requests.nvidia.com/gpu"));
        assertEquals(List.of("example.com/fpga", "gpu", "requests.nvidia.com/gpu"), s.get(GpuResourcesRule.EXTRA_RESOURCES), "read as before");
        assertEquals(List.of("webhook.gpu.extra-resources=example.com/fpga,gpu,requests.nvidia.com/gpu: gpu, requests.nvidia.com/gpu are not "
                + "extended resource names (a domain prefix outside kubernetes.io/, e.g. example.com/fpga): counted as GPUs all the same"),
                s.warnings());
        PolicySettings plain = PolicySettings.from(Map.of("webhook.gpu.extra-resources", "example.com/fpga, huawei.com/ascend-1980"));
        assertEquals(List.of("example.com/fpga", "huawei.com/ascend-1980"), plain.get(GpuResourcesRule.EXTRA_RESOURCES));
        assertEquals(List.of(), plain.warnings());
    }

    @Test
    void warningsAreBoundedWhateverTheInput() {
        StringBuilder odd = new StringBuilder("kube-system");
        for (int i = 0; i < 3000; i++) {
            odd.append(",Team-").append(i % 7).append("-").append("x".repeat(100));
        }
        PolicySettings s = PolicySettings.from(Map.of("webhook.exempt-namespaces", odd.toString(),
                "webhook.gpu.max-per-replica", "+" + "0".repeat(5000) + "3"));
        assertEquals(2, s.warnings().size());
        assertTrue(s.warnings().stream().allMatch(w -> w.length() < 1000), "each warning names a few values, cut: " + s.warnings());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains(" and 2 more")), "7 distinct odd names, 5 named: " + s.warnings());
        assertTrue(s.warningLines().stream().allMatch(w -> w.length() <= 512 + 20));
    }

    /**
     * Values that were accepted before they were checked this closely stay accepted, with the same meaning, so that a policy
     * that worked (a start-up value, a policy ConfigMap an upgrade meets) keeps working; each is said as a warning.
     */
    @Test
    void exemptNamespacesThatCanMatchNothingAreKeptWithAWarning() {
        PolicySettings s = PolicySettings.from(Map.of("webhook.exempt-namespaces", "kube-system,*,Kube-System,not a namespace!"));
        assertEquals(Set.of("kube-system", "*", "Kube-System", "not a namespace!"), s.exemptNamespaces());
        assertEquals(List.of("webhook.exempt-namespaces=kube-system,*,Kube-System,not a namespace!: *, Kube-System, not a namespace! are not "
                + "namespace names and exempt nothing: names are exact (lower-case letters, digits and '-', at most 63 characters), no globs"),
                s.warnings());
        PolicySettings plain = PolicySettings.from(Map.of("webhook.exempt-namespaces", "kube-system, team-1,0ops"));
        assertEquals(Set.of("kube-system", "team-1", "0ops"), plain.exemptNamespaces());
        assertEquals(List.of(), plain.warnings());
    }

    @Test
    void wholeNumbersInOtherSpellingsAreReadAsBeforeWithAWarning() {
        PolicySettings s = PolicySettings.from(Map.of("webhook.defaults.min-replicas", "\u0663", "webhook.replicas.container-concurrency-max", "+500",
                "webhook.gpu.max-per-replica", "\uFF18"));
        assertEquals(3, s.get(DefaultMinReplicasRule.MIN_REPLICAS));
        assertEquals(500, s.get(ContainerConcurrencyRule.MAX));
        assertEquals(OptionalInt.of(8), s.get(GpuResourcesRule.MAX_PER_REPLICA));
        assertEquals(Set.of("webhook.defaults.min-replicas=\u0663: read as 3: write it so (ASCII digits, no sign, no leading zero)",
                "webhook.replicas.container-concurrency-max=+500: read as 500: write it so (ASCII digits, no sign, no leading zero)",
                "webhook.gpu.max-per-replica=\uFF18: read as 8: write it so (ASCII digits, no sign, no leading zero)"), Set.copyOf(s.warnings()));
        assertTrue(problems(Map.of("webhook.keda.default-utilization", "-1")).contains("use 1 to 100"));
        assertTrue(problems(Map.of("webhook.keda.default-utilization", "eighty")).contains("use a whole number"));
    }

    @Test
    void aMutationOnlyRuleIsOnOrOffAndItsOldDenyOrWarnMeansOn() {
        PolicySettings old = PolicySettings.from(Map.of("webhook.rules.default-min-replicas", "deny", "webhook.rules.scale-metric-alias", "warn"));
        assertTrue(old.enabled("default-min-replicas") && old.enabled("scale-metric-alias"));
        assertEquals(PolicySettings.defaults().hash(), old.hash(), "deny and warn mean on for a mutation, as unset does");
        assertEquals(Set.of("webhook.rules.default-min-replicas=deny: default-min-replicas only mutates (it has no finding to deny or warn), so this means on: write on or off",
                "webhook.rules.scale-metric-alias=warn: scale-metric-alias only mutates (it has no finding to deny or warn), so this means on: write on or off"),
                Set.copyOf(old.warnings()));
        assertTrue(problems(Map.of("webhook.rules.default-min-replicas", "maybe")).endsWith(": use on or off"));
        PolicySettings s = PolicySettings.from(Map.of("webhook.rules.default-min-replicas", "off", "webhook.rules.scale-metric-alias", "on"));
        assertTrue(!s.enabled("default-min-replicas") && s.enabled("scale-metric-alias"));
        assertEquals(PolicySettings.defaults().hash(), PolicySettings.from(Map.of("webhook.rules.scale-metric-alias", "ON")).hash(),
                "on is what an unset mutation does: one policy, one hash");
        assertTrue(problems(Map.of("webhook.rules.scale-to-zero", "on")).endsWith(": use deny, warn or off"), "on is no level of a validation");
        assertEquals(Optional.of(Action.WARN), PolicySettings.from(Map.of("webhook.rules.knative-annotations", "warn")).actionFor("knative-annotations"),
                "a rule with a validating half keeps deny, warn and off");
    }

    @Test
    void anUnknownKeyStopsStartUpNamingTheClosestValidKey() {
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of(), Map.of("WEBHOOK_RULES_SCALE_TO_ZER", "warn")));
        assertTrue(env.getMessage().contains("WEBHOOK_RULES_SCALE_TO_ZER: not a webhook setting; did you mean WEBHOOK_RULES_SCALE_TO_ZERO?"),
                env.getMessage());
        IllegalArgumentException property = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("webhook.gpu.max-per-replcia", "4", "webhook.tls.cert-fil", "/x"), Map.of()));
        assertTrue(property.getMessage().contains("webhook.gpu.max-per-replcia: not a webhook setting; did you mean webhook.gpu.max-per-replica?"),
                property.getMessage());
        assertTrue(property.getMessage().contains("webhook.tls.cert-fil: not a webhook setting; did you mean webhook.tls.cert-file?"),
                property.getMessage());
    }

    @Test
    void plumbingKeysAreNotPolicyButAreKnown() {
        PolicySettings s = settings(Map.of("webhook.tls.cert-file", "/etc/x.crt", "webhook.cluster.lookups", "false",
                "webhook.audit.file", "/var/log/audit.log"), Map.of("WEBHOOK_TLS_KEY_FILE", "/etc/x.key"));
        assertEquals(PolicySettings.defaults(), s);
        assertEquals(new java.util.TreeSet<>(io.smallrye.config.ConfigMappings.getProperties(
                new io.smallrye.config.ConfigMappings.ConfigClass(WebhookConfig.class, "webhook")).keySet()), SettingsProducer.plumbingKeys(),
                "WebhookConfig.KEYS lists every key of the mapping");
    }

    @Test
    void aPolicyOverAnotherKeepsWhatItDoesNotSetAndHasItsOwnHash() {
        PolicySettings base = PolicySettings.from(Map.of("webhook.audit-only", "true"));
        PolicySettings over = base.with(Map.of("webhook.rules.scale-to-zero", "warn"));
        assertTrue(over.auditOnly());
        assertEquals(Optional.of(Action.WARN), over.actionFor("scale-to-zero"));
        assertEquals(12, over.hash().length());
        assertTrue(!over.hash().equals(base.hash()));
        assertEquals(base.hash(), PolicySettings.from(Map.of("webhook.audit-only", "true")).hash());
    }
}
