package dev.isvcpolicy.audit;

import dev.isvcpolicy.cluster.ClusterDefaults;
import dev.isvcpolicy.cluster.WorkloadCaches;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.RuleRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;

/**
 * The webhook's Prometheus metrics (management port, {@code /q/metrics}): reviews, findings, patch
 * operations, latency, the policy in force, cluster lookups, and audit write failures.
 */
@Singleton
public class AdmissionMetrics {

    @Inject
    MeterRegistry registry;

    @Inject
    PolicySettings settings;

    @Inject
    ClusterDefaults cluster;

    @Inject
    AuditLog audit;

    @Inject
    WorkloadCaches caches;

    @Inject
    dev.isvcpolicy.cluster.KnativeAutoscalerConfig knative;

    @Inject
    dev.isvcpolicy.cluster.KServeKindCaches kserveKinds;

    @Inject
    dev.isvcpolicy.config.WebhookConfig config;

    @Inject
    dev.isvcpolicy.config.PolicyHolder policy;

    @Inject
    dev.isvcpolicy.cluster.NamespaceLabels namespaces;

    void register(@Observes StartupEvent event) {
        // The policy can change at run time (the policy ConfigMap): one series per rule and possible action, 1 for the one in force.
        for (Map.Entry<String, String> e : RuleRegistry.enforcement(settings).entrySet()) {
            java.util.List<String> levels = "on".equals(e.getValue()) || RuleRegistry.VALIDATIONS.stream().noneMatch(r -> r.id().equals(e.getKey()))
                    ? java.util.List.of("on", "off") : java.util.List.of("deny", "warn", "audit-only-deny", "off");
            for (String level : levels) {
                String rule = e.getKey();
                Gauge.builder("isvc.webhook.policy.rule", policy, p -> level.equals(enforcement(p).get(rule)) ? 1 : 0)
                        .description("The policy in force: per rule, 1 for the action in force, 0 for the others")
                        .tags("rule", rule, "action", level).register(registry);
            }
        }
        Gauge.builder("isvc.webhook.policy.audit.only", policy, p -> p.settings().auditOnly() ? 1 : 0)
                .description("1 when audit-only mode turns every deny into a warning").register(registry);
        Gauge.builder("isvc.webhook.cluster.lookups.enabled", () -> config.cluster().lookups() ? 1 : 0)
                .description("1 when the webhook watches the cluster (webhook.cluster.lookups)").register(registry);
        Gauge.builder("isvc.webhook.cluster.synced", () -> cluster.state().synced() ? 1 : 0)
                .description("1 when the cache is synced with the API server").tags("cache", "inferenceservice-config").register(registry);
        FunctionCounter.builder("isvc.webhook.cluster.errors", cluster, c -> c.errors())
                .description("Failed list/watch attempts of the cache").tags("cache", "inferenceservice-config").register(registry);
        Gauge.builder("isvc.webhook.cluster.last.error.timestamp.seconds", cluster, c -> c.lastErrorEpochSeconds())
                .description("When the cache last failed (0: never)").tags("cache", "inferenceservice-config").register(registry);
        if (config.cluster().knative()) { // with Knative off there is no such cache: a 0 would read as a failing one
            Gauge.builder("isvc.webhook.cluster.synced", knative, k -> k.state().synced() ? 1 : 0)
                    .description("1 when the cache is synced with the API server").tags("cache", "config-autoscaler").register(registry);
            FunctionCounter.builder("isvc.webhook.cluster.errors", knative, k -> k.errors())
                    .description("Failed list/watch attempts of the cache").tags("cache", "config-autoscaler").register(registry);
            Gauge.builder("isvc.webhook.cluster.last.error.timestamp.seconds", knative, k -> k.lastErrorEpochSeconds())
                    .description("When the cache last failed (0: never)").tags("cache", "config-autoscaler").register(registry);
        }
        for (String cache : WorkloadCaches.CACHES) {
            Gauge.builder("isvc.webhook.cluster.synced", caches, c -> c.synced(cache) ? 1 : 0)
                    .description("1 when the cache is synced with the API server").tags("cache", cache).register(registry);
            FunctionCounter.builder("isvc.webhook.cluster.errors", caches, c -> c.errors(cache))
                    .description("Failed list/watch attempts of the cache").tags("cache", cache).register(registry);
            Gauge.builder("isvc.webhook.cluster.last.error.timestamp.seconds", caches, c -> c.lastErrorEpochSeconds(cache))
                    .description("When the cache last failed (0: never)").tags("cache", cache).register(registry);
        }
        Gauge.builder("isvc.webhook.cluster.keda.installed", caches, c -> c.kedaInstalled() ? 1 : 0)
                .description("1 when KEDA's ScaledObject CRD was found (the ScaledObject cache runs)").register(registry);
        Gauge.builder("isvc.webhook.policy.configmap.rejected", policy, p -> p.rejected() ? 1 : 0)
                .description("1 while the policy ConfigMap's current version is refused (the last good policy stays in force)")
                .register(registry);
        FunctionCounter.builder("isvc.webhook.policy.configmap.rejections", policy, p -> p.rejections())
                .description("Versions of the policy ConfigMap refused since start").register(registry);
        Gauge.builder("isvc.webhook.policy.exceptions", policy, p -> p.decider().exceptions().entries().stream()
                        .filter(e -> !e.expiredAt(java.time.Instant.now())).count())
                .description("Entries of the exceptions ConfigMap by state: active, expired, invalid (not applied)").tags("state", "active").register(registry);
        Gauge.builder("isvc.webhook.policy.exceptions", policy, p -> p.decider().exceptions().entries().stream()
                        .filter(e -> e.expiredAt(java.time.Instant.now())).count())
                .description("Entries of the exceptions ConfigMap by state: active, expired, invalid (not applied)").tags("state", "expired").register(registry);
        Gauge.builder("isvc.webhook.policy.exceptions", policy, p -> p.decider().exceptions().problems().size())
                .description("Entries of the exceptions ConfigMap by state: active, expired, invalid (not applied)").tags("state", "invalid").register(registry);
        Gauge.builder("isvc.webhook.cluster.synced", namespaces, n -> n.synced() ? 1 : 0)
                .description("1 when the cache is synced with the API server").tags("cache", "namespaces").register(registry);
        FunctionCounter.builder("isvc.webhook.cluster.errors", namespaces, n -> n.errors())
                .description("Failed list/watch attempts of the cache").tags("cache", "namespaces").register(registry);
        // No isvc.webhook.cluster.synced for these: it would read 0 wherever a CRD is optional and absent, and the lookup
        // alert takes the minimum over every cache.
        for (dev.isvcpolicy.policy.Kind kind : dev.isvcpolicy.cluster.KServeKindCaches.KINDS) {
            Gauge.builder("isvc.webhook.cluster.crd.installed", kserveKinds, c -> c.installed(kind) ? 1 : 0)
                    .description("1 when the kind's CRD was found (its cache runs)").tags("crd", dev.isvcpolicy.cluster.KServeKindCaches.crd(kind))
                    .register(registry);
        }
        FunctionCounter.builder("isvc.webhook.audit.write.failures", audit, AuditLog::failures)
                .description("Audit lines that could not be written").register(registry);
        FunctionCounter.builder("isvc.webhook.audit.dropped", audit, AuditLog::dropped)
                .description("Audit lines dropped because the audit writer's queue was full (stdout could not keep up)").register(registry);
    }

    private volatile PolicySettings enforcementOf;
    private volatile Map<String, String> enforcement = Map.of();

    /** What each rule does under the policy in force, computed once per policy. */
    private Map<String, String> enforcement(dev.isvcpolicy.config.PolicyHolder p) {
        PolicySettings s = p.settings();
        if (s != enforcementOf) {
            Map<String, String> next = RuleRegistry.enforcement(s);
            enforcement = next;
            enforcementOf = s;
            return next;
        }
        return enforcement;
    }

    /** A counter's name and its label values (each name has fixed label keys, at most three). */
    private record CounterKey(String name, String first, String second, String third) {
    }

    private final java.util.Map<CounterKey, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A counter by name and tags ({@code key, value} pairs, at most three), built once: building and registering
     * one per request costs more than counting, and the key is the label values as they are, no string built.
     */
    private Counter counter(String name, String description, String... tags) {
        if (tags.length < 2 || tags.length > 6) {
            throw new IllegalArgumentException(name + ": one to three key-value pairs of labels, got " + tags.length + " strings");
        }
        CounterKey key = new CounterKey(name, tags[1], tags.length > 3 ? tags[3] : null, tags.length > 5 ? tags[5] : null);
        return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String endpoint) {
        return timers.computeIfAbsent(endpoint, e -> Timer.builder("isvc.webhook.review.duration")
                .description("Time to decide one review, body decoding included").tags("endpoint", e)
                .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry));
    }

    /**
     * Counts one decision. Every label comes from a closed set ({@link MetricLabels}): a value the request
     * made up is counted under {@code other}, so no request can add series.
     */
    public void record(AuditRecord r) {
        String endpoint = MetricLabels.endpoint(r.endpoint);
        counter("isvc.webhook.reviews", "Admission reviews by endpoint, operation and decision",
                "endpoint", endpoint, "operation", MetricLabels.operation(r.operation), "decision", MetricLabels.decision(r.decision))
                .increment();
        if (Boolean.TRUE.equals(r.dryRun)) {
            counter("isvc.webhook.reviews.dry.run", "Dry-run admission reviews (also counted in isvc.webhook.reviews) by endpoint and decision",
                    "endpoint", endpoint, "decision", MetricLabels.decision(r.decision)).increment();
        }
        for (Finding f : r.findings) {
            counter("isvc.webhook.findings", "Findings by rule and outcome (deny, warn, audit-only-deny, pre-existing, excepted)",
                    "rule", MetricLabels.rule(f.ruleId()), "action", MetricLabels.outcome(f.outcome())).increment();
        }
        for (PatchOp op : r.patch) {
            counter("isvc.webhook.patch.operations", "JSON Patch operations by mutation rule", "rule", MetricLabels.rule(op.ruleId()))
                    .increment();
        }
        timer(endpoint).record(Duration.ofNanos((long) (r.durationMs * 1_000_000)));
    }
}
