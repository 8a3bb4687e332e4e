package dev.isvcpolicy.config;

import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.RuleRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Reads the policy keys (every {@code webhook.*} key of {@link PolicySettings#catalog()}, from any
 * configuration source) into {@link PolicySettings}, and refuses to start on any problem: a value that
 * does not parse, or a {@code webhook.*} key (or {@code WEBHOOK_*} variable) that is neither a policy key
 * nor one of {@link WebhookConfig}'s, named with the closest valid key.
 */
@ApplicationScoped
public class SettingsProducer {

    private static final Logger LOG = Logger.getLogger(SettingsProducer.class);

    @Produces
    @Singleton
    PolicySettings settings(WebhookConfig config) {
        checkPlumbing(config);
        return fromConfig(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class));
    }

    @Produces
    @Singleton
    PolicyEngine engine(PolicySettings settings) {
        return new PolicyEngine(settings);
    }

    @Produces
    @Singleton
    Decider decider(PolicyEngine engine) {
        return new Decider(engine);
    }

    /** Builds (and so checks) the settings at start-up, and says once what is enforced. */
    void onStart(@Observes StartupEvent event, PolicySettings settings) {
        LOG.infof("policy %s: %d rules, audit-only %s, overrides %s, exempt namespaces %s, fallback mode %s, "
                        + "cluster check unavailable: %s",
                settings.hash(), RuleRegistry.catalog().size(), settings.auditOnly(),
                settings.ruleActions().isEmpty() ? "none" : new TreeMap<>(settings.ruleActions()),
                new TreeSet<>(settings.exemptNamespaces()), settings.fallbackMode().value(),
                settings.clusterUnavailableAction().label());
        settings.warningLines().forEach(w -> LOG.warnf("policy setting accepted, with a warning: %s", w));
    }

    /** The {@code webhook.*} keys of {@link WebhookConfig} (certificates, audit file, cluster access): not policy. */
    public static Set<String> plumbingKeys() {
        return new TreeSet<>(WebhookConfig.KEYS);
    }

    /**
     * The policy keys of a configuration (any source: properties, {@code -D}, {@code WEBHOOK_*}), checked.
     *
     * @throws PolicySettings.InvalidSettings every unknown {@code webhook.*} key or {@code WEBHOOK_*} variable and
     *                                        every value that does not parse, at once
     */
    public static PolicySettings fromConfig(SmallRyeConfig config) {
        Set<String> plumbing = plumbingKeys();
        Set<String> plumbingEnv = new TreeSet<>();
        plumbing.forEach(k -> plumbingEnv.add(dev.isvcpolicy.policy.Setting.envName(k)));
        List<String> problems = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (org.eclipse.microprofile.config.spi.ConfigSource source : config.getConfigSources()) {
            // The environment's names as written (WEBHOOK_AUDIT_ONLY), not as SmallRye folds them (webhook.audit.only).
            names.addAll(source instanceof io.smallrye.config.EnvConfigSource ? source.getProperties().keySet() : source.getPropertyNames());
        }
        for (String name : names) {
            boolean property = name.startsWith(PolicySettings.PREFIX);
            boolean env = name.startsWith("WEBHOOK_");
            if (!property && !env || plumbing.contains(name) || plumbingEnv.contains(name) || PolicySettings.knownKey(name).isPresent()) {
                continue;
            }
            List<String> known = new ArrayList<>(PolicySettings.allKeys());
            known.addAll(plumbing);
            problems.add(name + ": not a webhook setting" + closest(name, known).map(k -> "; did you mean " + k + "?").orElse(""));
        }
        for (String key : BOOLEAN_PLUMBING) {
            // SmallRye reads any text but its true spellings as false: a typo would switch a check off without a word.
            config.getOptionalValue(key, String.class).filter(v -> !BOOLEAN_SPELLINGS.contains(v.strip().toLowerCase(java.util.Locale.ROOT)))
                    .ifPresent(v -> problems.add(key + "=" + dev.isvcpolicy.policy.Texts.cut(v, dev.isvcpolicy.policy.Texts.MAX_QUOTED)
                            + ": use true or false"));
        }
        Map<String, String> raw = new TreeMap<>();
        for (String key : PolicySettings.allKeys()) {
            config.getOptionalValue(key, String.class).ifPresent(v -> raw.put(key, v));
        }
        try {
            PolicySettings settings = PolicySettings.from(raw);
            if (problems.isEmpty()) {
                return settings;
            }
        } catch (PolicySettings.InvalidSettings e) {
            problems.addAll(e.problems());
        }
        throw new PolicySettings.InvalidSettings(problems);
    }

    /** The plumbing keys that are booleans. */
    static final List<String> BOOLEAN_PLUMBING = List.of("webhook.bench.noop-endpoint", "webhook.cluster.lookups", "webhook.cluster.knative",
            "webhook.scan.enabled", "webhook.scan.metrics-namespace-label");

    /** What SmallRye's boolean converter reads as true or false (any letter case); anything else is refused. */
    static final Set<String> BOOLEAN_SPELLINGS = Set.of("true", "false", "1", "0", "yes", "no", "y", "n", "on", "off");

    private static Optional<String> closest(String name, List<String> keys) {
        boolean env = !name.contains(".");
        return PolicySettings.closest(name).or(() -> keys.stream()
                .map(k -> env ? dev.isvcpolicy.policy.Setting.envName(k) : k)
                .filter(k -> k.regionMatches(true, 0, name, 0, Math.min(k.length(), name.length()) * 2 / 3))
                .findFirst());
    }

    /** The plumbing values that make no sense, refused at start-up (and by the offline check, which reads the same keys). */
    public static void checkPlumbing(WebhookConfig c) {
        List<String> problems = new ArrayList<>();
        try {
            dev.isvcpolicy.tls.TlsEngine.Choice.of(c.tls().engine());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (c.audit().fileMaxBytes() < 4096) {
            problems.add("webhook.audit.file-max-bytes=" + c.audit().fileMaxBytes() + ": use 4096 or more");
        }
        if (c.audit().fileBackups() < 0) {
            problems.add("webhook.audit.file-backups=" + c.audit().fileBackups() + ": use 0 or more");
        }
        if (c.http().requestTimeout().isNegative() || c.http().requestTimeout().isZero()) {
            problems.add("webhook.http.request-timeout=" + c.http().requestTimeout() + ": use a positive duration, e.g. 15s");
        }
        if (!problems.isEmpty()) {
            throw new PolicySettings.InvalidSettings(problems);
        }
    }
}
