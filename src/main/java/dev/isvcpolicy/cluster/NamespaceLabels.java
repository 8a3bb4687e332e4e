package dev.isvcpolicy.cluster;

import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.Enforcement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The enforcement label of every Namespace (RULES.md §2), from an informer; requests read its store.
 * No cache (lookups off, not synced, unreachable), an unknown namespace, or a value other than
 * {@code deny|warn|off}: {@link Enforcement#DENY}. Its API access is {@link ClusterAccess#NAMESPACES}.
 */
@Singleton
public class NamespaceLabels {

    private static final Logger LOG = Logger.getLogger(NamespaceLabels.class);

    @Inject
    WebhookConfig config;

    @Inject
    Instance<KubernetesClient> client;

    private volatile SharedIndexInformer<Namespace> informer;
    private volatile boolean synced;
    private volatile boolean stopping;
    private final AtomicLong errors = new AtomicLong();

    void start(@Observes StartupEvent event) {
        if (!config.cluster().lookups()) {
            return;
        }
        try {
            SharedIndexInformer<Namespace> inf = client.get().namespaces().runnableInformer(0);
            inf.exceptionHandler((started, t) -> {
                if (!stopping) {
                    errors.incrementAndGet();
                }
                return true;
            });
            informer = inf;
            inf.start().whenComplete((ok, t) -> {
                if (t == null) {
                    synced = true;
                } else if (!stopping) {
                    LOG.warnf("cannot watch Namespaces (%s): every namespace counts as %s=deny until it can", Reasons.shortReason(t),
                            Enforcement.LABEL);
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("cannot watch Namespaces (%s): every namespace counts as %s=deny", Reasons.shortReason(e), Enforcement.LABEL);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        SharedIndexInformer<Namespace> inf = informer;
        if (inf != null) {
            inf.stop();
        }
    }

    /** The enforcement of a namespace, from the cache; deny when it cannot say. */
    public Enforcement enforcement(String namespace) {
        SharedIndexInformer<Namespace> inf = informer;
        if (inf == null || !synced || namespace == null) {
            return Enforcement.DENY;
        }
        Namespace ns = inf.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata() == null || ns.getMetadata().getLabels() == null) {
            return Enforcement.DENY;
        }
        return Enforcement.ofLabel(ns.getMetadata().getLabels().get(Enforcement.LABEL)).orElse(Enforcement.DENY);
    }

    public boolean synced() {
        return synced;
    }

    public long errors() {
        return errors.get();
    }
}
