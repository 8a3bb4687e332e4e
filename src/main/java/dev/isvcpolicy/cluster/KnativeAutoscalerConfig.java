package dev.isvcpolicy.cluster;

import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.KnativeLimits;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The limits in Knative's {@code config-autoscaler} ConfigMap (namespace {@code knative-serving}):
 * {@code max-scale-limit} and {@code allow-zero-initial-scale}, which Knative's own webhook applies to a
 * revision only when KServe's controller creates the Knative Service. Kept current by an informer on that
 * one ConfigMap, started at boot, like {@link ClusterDefaults}; requests read a field. Without a cluster,
 * with lookups off, before the informer syncs, or without the ConfigMap (no Knative), {@link #limits()} is
 * {@link KnativeLimits#UNKNOWN} and the rules skip the checks that need it. Its API access is
 * {@link ClusterAccess#KNATIVE_AUTOSCALER_CONFIG}.
 */
@Singleton
public class KnativeAutoscalerConfig {

    private static final Logger LOG = Logger.getLogger(KnativeAutoscalerConfig.class);

    /** What the informer knows, replaced whole on every event. */
    public record State(boolean synced, KnativeLimits limits, String detail) {
    }

    @Inject
    WebhookConfig config;

    @Inject
    Instance<KubernetesClient> client;

    private volatile State state = new State(false, KnativeLimits.UNKNOWN, "not started");
    private final ConfigMapWatch watch = new ConfigMapWatch();
    private volatile String lastSaid = "";

    void start(@Observes StartupEvent event) {
        if (!config.cluster().lookups()) {
            state = new State(false, KnativeLimits.UNKNOWN, "lookups off");
            return;
        }
        if (!config.cluster().knative()) {
            state = new State(false, KnativeLimits.UNKNOWN, "Knative off (webhook.cluster.knative=false)");
            LOG.info("Knative's config-autoscaler is not watched (webhook.cluster.knative=false): max-scale-limit and "
                    + "allow-zero-initial-scale are not checked");
            return;
        }
        String ns = KnativeLimits.NAMESPACE;
        String name = KnativeLimits.CONFIG_MAP;
        LOG.infof("watching ConfigMap %s/%s for Knative's max-scale-limit and allow-zero-initial-scale", ns, name);
        watch.start(client::get, ns, name, this::update, this::unreachable);
    }

    void stop(@Observes ShutdownEvent event) {
        watch.stop();
    }

    /** What the rules get: the ConfigMap's limits, or {@link KnativeLimits#UNKNOWN}. */
    public KnativeLimits limits() {
        return state.limits();
    }

    public State state() {
        return state;
    }

    /** Failed list/watch attempts since start. */
    public long errors() {
        return watch.errors();
    }

    /** When the last list/watch attempt failed, in epoch seconds (0: never). */
    public long lastErrorEpochSeconds() {
        return watch.lastErrorEpochSeconds();
    }

    private void unreachable(Throwable t, boolean say) {
        state = new State(false, KnativeLimits.UNKNOWN, "API server unreachable");
        if (say) {
            LOG.warnf("cannot watch ConfigMap %s/%s (%s): Knative's max-scale-limit and allow-zero-initial-scale are not checked until it can",
                    KnativeLimits.NAMESPACE, KnativeLimits.CONFIG_MAP, Reasons.shortReason(t));
        }
    }

    void update(ConfigMap cm) {
        State next = parse(cm);
        state = next;
        if (!next.detail().equals(lastSaid)) {
            lastSaid = next.detail();
            LOG.infof("Knative config-autoscaler: %s", next.detail());
        }
    }

    /** The limits a ConfigMap says ({@code null}: absent, so Knative is not installed there and nothing is known). */
    static State parse(ConfigMap cm) {
        if (cm == null) {
            return new State(true, KnativeLimits.UNKNOWN, "ConfigMap " + KnativeLimits.NAMESPACE + "/" + KnativeLimits.CONFIG_MAP
                    + " not found: Knative's limits are not checked");
        }
        KnativeLimits limits = KnativeLimits.fromData(cm.getData());
        return new State(true, limits, "max-scale-limit " + (limits.maxScaleLimit().isPresent() ? limits.maxScaleLimit().getAsInt() : "unreadable")
                + ", allow-zero-initial-scale " + limits.allowZeroInitialScale().map(String::valueOf).orElse("unreadable"));
    }
}
