package dev.isvcpolicy.config;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.RuleRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jboss.logging.Logger;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Turns {@link WebhookConfig} into {@link PolicySettings}, refusing to start on a value that makes no sense. */
@ApplicationScoped
public class SettingsProducer {

    private static final Logger LOG = Logger.getLogger(SettingsProducer.class);

    @Produces
    @Singleton
    PolicySettings settings(WebhookConfig config) {
        return toSettings(config);
    }

    @Produces
    @Singleton
    PolicyEngine engine(PolicySettings settings) {
        return new PolicyEngine(settings);
    }

    /** Builds (and so checks) the settings at start-up, and says once what is enforced. */
    void onStart(@Observes StartupEvent event, PolicySettings settings) {
        LOG.infof("policy: %d rules, audit-only %s, overrides %s, exempt namespaces %s, fallback mode %s, "
                        + "cluster check unavailable: %s",
                RuleRegistry.catalog().size(), settings.auditOnly(),
                settings.ruleActions().isEmpty() ? "none" : new TreeMap<>(settings.ruleActions()),
                new TreeSet<>(settings.exemptNamespaces()), settings.fallbackMode().value(),
                settings.clusterUnavailableAction().label());
    }

    /** Every problem in the configuration, all at once, or the settings. */
    public static PolicySettings toSettings(WebhookConfig c) {
        List<String> problems = new ArrayList<>();
        PolicySettings.Builder b = PolicySettings.builder();
        b.auditOnly(c.auditOnly());
        Set<String> exempt = new HashSet<>();
        c.exemptNamespaces().stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(exempt::add);
        b.exemptNamespaces(exempt);
        for (Map.Entry<String, Optional<String>> e : c.rules().entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            String value = e.getValue().get().trim().toUpperCase(Locale.ROOT);
            try {
                b.ruleAction(e.getKey(), Action.valueOf(value));
            } catch (IllegalArgumentException ex) {
                problems.add("webhook.rules." + e.getKey() + "=" + e.getValue().get() + ": use deny, warn or off");
            }
        }
        Optional<DeploymentMode> fallback = DeploymentMode.parseLenient(c.cluster().fallbackMode());
        if (fallback.isEmpty() || fallback.get() == DeploymentMode.MODELMESH) {
            problems.add("webhook.cluster.fallback-mode=" + c.cluster().fallbackMode() + ": use Knative or Standard");
        } else {
            b.fallbackMode(fallback.get());
        }
        switch (c.cluster().unavailableAction().trim().toLowerCase(Locale.ROOT)) {
            case "warn" -> b.clusterUnavailableAction(Action.WARN);
            case "deny" -> b.clusterUnavailableAction(Action.DENY);
            default -> problems.add("webhook.cluster.unavailable-action=" + c.cluster().unavailableAction() + ": use warn or deny");
        }
        if (c.defaults().minReplicas() < 0) {
            problems.add("webhook.defaults.min-replicas=" + c.defaults().minReplicas() + ": use 0 or more");
        }
        b.defaultMinReplicas(c.defaults().minReplicas());
        metric(b, Autoscaler.KPA, "kpa-metric", c.defaults().kpaMetric(), problems);
        metric(b, Autoscaler.KNATIVE_HPA, "knative-hpa-metric", c.defaults().knativeHpaMetric(), problems);
        metric(b, Autoscaler.HPA, "hpa-metric", c.defaults().hpaMetric(), problems);
        if (c.replicas().maxCeiling().isPresent() && c.replicas().maxCeiling().getAsInt() < 1) {
            problems.add("webhook.replicas.max-ceiling=" + c.replicas().maxCeiling().getAsInt() + ": use 1 or more, or leave it unset");
        }
        b.maxReplicasCeiling(c.replicas().maxCeiling());
        if (c.replicas().containerConcurrencyMax() < 1) {
            problems.add("webhook.replicas.container-concurrency-max=" + c.replicas().containerConcurrencyMax() + ": use 1 or more");
        }
        b.containerConcurrencyMax(c.replicas().containerConcurrencyMax());
        b.extraGpuResources(c.gpu().extraResources().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
        c.gpu().maxPerReplica().ifPresent(v -> {
            if (v < 1) {
                problems.add("webhook.gpu.max-per-replica=" + v + ": use 1 or more, or leave it unset");
            }
        });
        c.gpu().maxPerService().ifPresent(v -> {
            if (v < 1) {
                problems.add("webhook.gpu.max-per-service=" + v + ": use 1 or more, or leave it unset");
            }
        });
        b.gpuMaxPerReplica(c.gpu().maxPerReplica()).gpuMaxPerService(c.gpu().maxPerService());
        if (c.keda().defaultUtilization() < 1 || c.keda().defaultUtilization() > 100) {
            problems.add("webhook.keda.default-utilization=" + c.keda().defaultUtilization() + ": use 1 to 100");
        }
        b.kedaUtilization(c.keda().defaultUtilization());
        c.keda().prometheusServerAddress().ifPresent(a -> {
            if (!Json.isHttpUrl(a)) {
                problems.add("webhook.keda.prometheus-server-address=" + a + ": use an http(s) URL");
            }
        });
        b.prometheus(c.keda().prometheusServerAddress(), c.keda().concurrencyQuery(), c.keda().rpsQuery());
        if (c.audit().fileMaxBytes() < 4096) {
            problems.add("webhook.audit.file-max-bytes=" + c.audit().fileMaxBytes() + ": use 4096 or more");
        }
        if (c.audit().fileBackups() < 0) {
            problems.add("webhook.audit.file-backups=" + c.audit().fileBackups() + ": use 0 or more");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid webhook configuration:\n  " + String.join("\n  ", problems));
        }
        return b.build();
    }

    private static void metric(PolicySettings.Builder b, Autoscaler a, String key, String value, List<String> problems) {
        if ("none".equals(value)) {
            b.defaultMetric(a, null);
        } else if (a.scaleMetrics().contains(value)) {
            b.defaultMetric(a, value);
        } else {
            problems.add("webhook.defaults." + key + "=" + value + ": use " + String.join(", ", a.scaleMetrics().stream().sorted().toList()) + " or none");
        }
    }
}
