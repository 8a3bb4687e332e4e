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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;

/**
 * The webhook's Prometheus metrics (management port, {@code /q/metrics}): reviews, findings, patch
 * operations, latency, the policy in force, cluster lookups, and audit write failures.
 */
@ApplicationScoped
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

    void register(@Observes StartupEvent event) {
        for (Map.Entry<String, String> e : RuleRegistry.enforcement(settings).entrySet()) {
            Gauge.builder("isvc.webhook.policy.rule", () -> 1).description("The policy in force: 1 per rule, labelled with its action")
                    .tags("rule", e.getKey(), "action", e.getValue()).register(registry);
        }
        Gauge.builder("isvc.webhook.policy.audit.only", () -> settings.auditOnly() ? 1 : 0)
                .description("1 when audit-only mode turns every deny into a warning").register(registry);
        Gauge.builder("isvc.webhook.cluster.lookups.enabled", () -> config.cluster().lookups() ? 1 : 0)
                .description("1 when the webhook watches the cluster (webhook.cluster.lookups)").register(registry);
        Gauge.builder("isvc.webhook.cluster.synced", () -> cluster.state().synced() ? 1 : 0)
                .description("1 when the cache is synced with the API server").tags("cache", "inferenceservice-config").register(registry);
        FunctionCounter.builder("isvc.webhook.cluster.errors", cluster, c -> c.errors())
                .description("Failed list/watch attempts of the cache").tags("cache", "inferenceservice-config").register(registry);
        Gauge.builder("isvc.webhook.cluster.last.error.timestamp.seconds", cluster, c -> c.lastErrorEpochSeconds())
                .description("When the cache last failed (0: never)").tags("cache", "inferenceservice-config").register(registry);
        Gauge.builder("isvc.webhook.cluster.synced", knative, k -> k.state().synced() ? 1 : 0)
                .description("1 when the cache is synced with the API server").tags("cache", "config-autoscaler").register(registry);
        FunctionCounter.builder("isvc.webhook.cluster.errors", knative, k -> k.errors())
                .description("Failed list/watch attempts of the cache").tags("cache", "config-autoscaler").register(registry);
        Gauge.builder("isvc.webhook.cluster.last.error.timestamp.seconds", knative, k -> k.lastErrorEpochSeconds())
                .description("When the cache last failed (0: never)").tags("cache", "config-autoscaler").register(registry);
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
        // No isvc.webhook.cluster.synced for these: it would read 0 wherever a CRD is optional and absent, and the lookup
        // alert takes the minimum over every cache.
        for (dev.isvcpolicy.policy.Kind kind : dev.isvcpolicy.cluster.KServeKindCaches.KINDS) {
            Gauge.builder("isvc.webhook.cluster.crd.installed", kserveKinds, c -> c.installed(kind) ? 1 : 0)
                    .description("1 when the kind's CRD was found (its cache runs)").tags("crd", dev.isvcpolicy.cluster.KServeKindCaches.crd(kind))
                    .register(registry);
        }
        FunctionCounter.builder("isvc.webhook.audit.write.failures", audit, AuditLog::failures)
                .description("Audit lines that could not be written").register(registry);
    }

    private final java.util.Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    /** A counter by name and tags, built once (building and registering one per request costs more than counting). */
    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + String.join("\u0000", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String endpoint) {
        return timers.computeIfAbsent(endpoint, e -> Timer.builder("isvc.webhook.review.duration")
                .description("Time to decide one review, body decoding included").tags("endpoint", e)
                .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry));
    }

    /** Counts one decision. */
    public void record(AuditRecord r) {
        String endpoint = r.endpoint == null ? "unknown" : r.endpoint;
        counter("isvc.webhook.reviews", "Admission reviews by endpoint, operation and decision",
                "endpoint", endpoint, "operation", r.operation == null ? "unknown" : r.operation, "decision", r.decision).increment();
        for (Finding f : r.findings) {
            counter("isvc.webhook.findings", "Findings by rule and outcome (deny, warn, audit-only-deny)",
                    "rule", f.ruleId(), "action", f.outcome()).increment();
        }
        for (PatchOp op : r.patch) {
            counter("isvc.webhook.patch.operations", "JSON Patch operations by mutation rule", "rule", op.ruleId()).increment();
        }
        timer(endpoint).record(Duration.ofNanos((long) (r.durationMs * 1_000_000)));
    }
}
