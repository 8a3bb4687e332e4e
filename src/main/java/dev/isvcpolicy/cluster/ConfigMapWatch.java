package dev.isvcpolicy.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.Consumer;

/**
 * An informer on one ConfigMap, by name, for the caches that read a single ConfigMap of another component
 * (KServe's {@code inferenceservice-config}, Knative's {@code config-autoscaler}): every version goes to
 * {@code onChange}, and {@code null} when the ConfigMap is deleted or, once synced, absent.
 */
final class ConfigMapWatch {

    private ConfigMapWatch() {
    }

    /**
     * Starts the informer (it retries on its own). {@code onError} hears every failed list or watch and a
     * failed start; {@code onSynced} runs once the first list succeeded, before an absent ConfigMap is reported.
     *
     * @throws RuntimeException when the informer cannot even be built (the caller treats it as an error too)
     */
    static SharedIndexInformer<ConfigMap> start(KubernetesClient client, String namespace, String name, Consumer<ConfigMap> onChange,
            Consumer<Throwable> onError, Runnable onSynced) {
        SharedIndexInformer<ConfigMap> inf = client.configMaps().inNamespace(namespace).withName(name).runnableInformer(0);
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
            onError.accept(t);
            return true;
        });
        inf.start().whenComplete((ok, t) -> {
            if (t != null) {
                onError.accept(t);
            } else {
                onSynced.run();
                if (inf.getStore().list().isEmpty()) {
                    onChange.accept(null);
                }
            }
        });
        return inf;
    }
}
