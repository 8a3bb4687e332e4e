package dev.isvcpolicy.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An informer on one ConfigMap, by name, for the caches that read a single ConfigMap of another component
 * (KServe's {@code inferenceservice-config}, Knative's {@code config-autoscaler}), with the error bookkeeping
 * the metrics read: every version goes to {@code onChange}, and {@code null} when the ConfigMap is deleted
 * or, once synced, absent; every failed list or watch to {@code onUnreachable}.
 */
final class ConfigMapWatch {

    /** Hears a failed list, watch or start; {@code say} is true for the first since the last sync, never while stopping. */
    interface Unreachable {
        void failed(Throwable t, boolean say);
    }

    private final AtomicLong errors = new AtomicLong();
    private final AtomicBoolean said = new AtomicBoolean();
    private volatile long lastErrorEpochSeconds;
    private volatile boolean stopping;
    private volatile SharedIndexInformer<ConfigMap> informer;

    /** Starts the informer (it retries on its own); a failure to even build it goes to {@code onUnreachable} too. */
    void start(java.util.function.Supplier<KubernetesClient> client, String namespace, String name, Consumer<ConfigMap> onChange, Unreachable onUnreachable) {
        try {
            SharedIndexInformer<ConfigMap> inf = client.get().configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
            inf.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap cm) {
                    onChange.accept(cm);
                }

                @Override
                public void onUpdate(ConfigMap old, ConfigMap cm) {
                    onChange.accept(cm);
                }

                @Override
                public void onDelete(ConfigMap cm, boolean unknownFinalState) {
                    onChange.accept(null);
                }
            });
            inf.exceptionHandler((started, t) -> {
                failed(t, onUnreachable);
                return true;
            });
            informer = inf;
            inf.start().whenComplete((ok, t) -> {
                if (t != null) {
                    failed(t, onUnreachable);
                } else {
                    said.set(false);
                    if (inf.getStore().list().isEmpty()) {
                        onChange.accept(null);
                    }
                }
            });
        } catch (RuntimeException e) {
            failed(e, onUnreachable);
        }
    }

    private void failed(Throwable t, Unreachable onUnreachable) {
        if (!stopping) {
            errors.incrementAndGet();
            lastErrorEpochSeconds = System.currentTimeMillis() / 1000;
        }
        onUnreachable.failed(t, !stopping && said.compareAndSet(false, true));
    }

    void stop() {
        stopping = true;
        SharedIndexInformer<ConfigMap> inf = informer;
        if (inf != null) {
            inf.stop();
        }
    }

    /** Failed list/watch attempts since start. */
    long errors() {
        return errors.get();
    }

    /** When the last list/watch attempt failed, in epoch seconds (0: never). */
    long lastErrorEpochSeconds() {
        return lastErrorEpochSeconds;
    }
}
