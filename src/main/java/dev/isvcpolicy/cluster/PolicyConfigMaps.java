package dev.isvcpolicy.cluster;

import dev.isvcpolicy.config.PolicyHolder;
import dev.isvcpolicy.config.WebhookConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Informers on the two ConfigMaps of the webhook's own namespace (RULES.md §5): the live policy
 * ({@code webhook.policy.config-map}) and the exceptions ({@code webhook.policy.exceptions-config-map}).
 * Every version goes to the {@link PolicyHolder}; a deleted ConfigMap means none. Its API access is
 * {@link ClusterAccess#POLICY_CONFIG} and {@link ClusterAccess#POLICY_EXCEPTIONS}.
 */
@ApplicationScoped
public class PolicyConfigMaps {

    private static final Logger LOG = Logger.getLogger(PolicyConfigMaps.class);
    private static final Path SA_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    @Inject
    WebhookConfig config;

    @Inject
    Instance<KubernetesClient> client;

    @Inject
    PolicyHolder holder;

    /**
     * How long a starting replica stays unready while it waits for the first listing of the two ConfigMaps. Without it, a new
     * pod of a rolling update answered with the start-up policy and no exceptions for its first seconds, while the running
     * replicas kept the live ones (refusing excepted objects, or denying in an audit-only cluster). Past it the replica
     * gets ready anyway with the start-up policy, so that an API server out of reach cannot keep the webhook down.
     */
    static final java.time.Duration SYNC_GRACE = java.time.Duration.ofSeconds(30);

    private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();
    private volatile long startedNanos;
    private volatile boolean started;
    private volatile boolean policySynced;
    private volatile boolean exceptionsSynced;
    private volatile String namespace;

    void start(@Observes StartupEvent event) {
        namespace = namespace(config);
        if (!config.cluster().lookups()) {
            return;
        }
        startedNanos = System.nanoTime();
        started = true;
        watch(config.policy().configMap(), holder::policyData, () -> policySynced = true);
        watch(config.policy().exceptionsConfigMap(), holder::exceptionData, () -> exceptionsSynced = true);
    }

    private void watch(String name, Consumer<Map<String, String>> sink, Runnable synced) {
        try {
            SharedIndexInformer<ConfigMap> inf = client.get().configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
            inf.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap cm) {
                    sink.accept(data(cm));
                }

                @Override
                public void onUpdate(ConfigMap old, ConfigMap cm) {
                    sink.accept(data(cm));
                }

                @Override
                public void onDelete(ConfigMap cm, boolean unknownFinalState) {
                    sink.accept(null);
                }
            });
            inf.exceptionHandler((started, t) -> true);
            informers.add(inf);
            LOG.infof("watching ConfigMap %s/%s", namespace, name);
            inf.start().whenComplete((ok, t) -> {
                if (t == null) {
                    synced.run();
                } else {
                    LOG.warnf("cannot watch ConfigMap %s/%s (%s): the start-up policy and no exceptions stay in force until it can",
                            namespace, name, Reasons.shortReason(t));
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("cannot watch ConfigMap %s/%s (%s)", namespace, name, Reasons.shortReason(e));
        }
    }

    private static Map<String, String> data(ConfigMap cm) {
        return cm.getData() == null ? Map.of() : cm.getData();
    }

    void stop(@Observes ShutdownEvent event) {
        informers.forEach(SharedIndexInformer::stop);
    }

    /** Whether both informers have listed once. */
    public boolean synced() {
        return policySynced && exceptionsSynced;
    }

    /** Whether readiness waits for the first listing: informers started, not synced, and less than {@link #SYNC_GRACE} since. */
    public boolean waitingForSync() {
        return waiting(started, synced(), System.nanoTime() - startedNanos);
    }

    static boolean waiting(boolean started, boolean synced, long nanosSinceStart) {
        return started && !synced && nanosSinceStart < SYNC_GRACE.toNanos();
    }

    /** The namespace the ConfigMaps are read from. */
    public String namespace() {
        return namespace == null ? namespace(config) : namespace;
    }

    /** {@code webhook.policy.namespace}, else the ServiceAccount's namespace file, else the install's namespace. */
    static String namespace(WebhookConfig config) {
        if (config.policy().namespace().filter(s -> !s.isBlank()).isPresent()) {
            return config.policy().namespace().get().trim();
        }
        try {
            if (Files.isReadable(SA_NAMESPACE)) {
                String ns = Files.readString(SA_NAMESPACE).trim();
                if (!ns.isEmpty()) {
                    return ns;
                }
            }
        } catch (java.io.IOException | SecurityException e) {
            // fall through to the default
        }
        return ClusterAccess.WEBHOOK_NAMESPACE;
    }
}
