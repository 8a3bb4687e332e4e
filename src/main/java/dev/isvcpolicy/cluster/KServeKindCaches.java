package dev.isvcpolicy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Kind;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Informer caches of the kinds added in RULES.md §1 v2, for the cluster side of {@code autoscaler-conflict}: every
 * InferenceGraph, LLMInferenceService and HTTPScaledObject. Each starts only when its CRD is installed; a missing CRD is
 * looked for again every {@value #RECHECK_SECONDS} s and at once when an object of its kind reaches {@code /validate}
 * ({@link #seen}), as {@link WorkloadCaches} does for KEDA's. The informer watches the version the CRD serves, preferring
 * {@link Kind#versions()}' order (an LLMInferenceService: v1alpha2, else v1alpha1). Requests only read the stores.
 * With {@code webhook.cluster.lookups=false} nothing starts.
 */
@Singleton
public class KServeKindCaches {

    private static final Logger LOG = Logger.getLogger(KServeKindCaches.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds cached here. */
    public static final List<Kind> KINDS = List.of(Kind.INFERENCE_GRAPH, Kind.LLM_INFERENCE_SERVICE, Kind.HTTP_SCALED_OBJECT);

    /** How often a missing (or unreadable) CRD is looked for again. */
    static final long RECHECK_SECONDS = 60;

    /** The CRD of a kind, e.g. {@code inferencegraphs.serving.kserve.io}. */
    public static String crd(Kind kind) {
        return kind.resource() + "." + kind.group();
    }

    /** Where the search for one kind's CRD stands. */
    enum State { NOT_CHECKED, ABSENT, PRESENT }

    private static final class Watch {
        final Kind kind;
        volatile State state = State.NOT_CHECKED;
        volatile SharedIndexInformer<GenericKubernetesResource> informer;
        final AtomicBoolean saidAbsent = new AtomicBoolean();
        final AtomicBoolean saidUnreadable = new AtomicBoolean();

        Watch(Kind kind) {
            this.kind = kind;
        }
    }

    @Inject
    WebhookConfig config;

    @Inject
    Instance<KubernetesClient> client;

    private volatile boolean on;
    private volatile boolean stopping;
    private final Map<Kind, Watch> watches = new EnumMap<>(Kind.class);
    private final AtomicBoolean checking = new AtomicBoolean();
    private ScheduledExecutorService scheduler;

    public KServeKindCaches() {
        KINDS.forEach(k -> watches.put(k, new Watch(k)));
    }

    void start(@Observes StartupEvent event) {
        if (!config.cluster().lookups()) {
            return;
        }
        on = true;
        scheduler = dev.isvcpolicy.Daemons.scheduler("kserve-kinds-crd-check");
        scheduler.scheduleWithFixedDelay(this::check, 0, RECHECK_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        watches.values().forEach(w -> {
            if (w.informer != null) {
                w.informer.stop();
            }
        });
    }

    /** Whether a kind's CRD was found and its informer started. */
    public boolean installed(Kind kind) {
        Watch w = watches.get(kind);
        return w != null && w.state == State.PRESENT;
    }

    /** Whether a kind's cache is started, synced and watching (false while its CRD is missing). */
    public boolean synced(Kind kind) {
        Watch w = watches.get(kind);
        SharedIndexInformer<GenericKubernetesResource> inf = w == null ? null : w.informer;
        return on && inf != null && inf.hasSynced() && inf.isWatching();
    }

    /** The namespace's objects of a kind ({@link #KINDS}), or why they cannot be read. */
    /** Every cached object of {@code kind} for the background scan (issue 17); empty when its cache is absent or not synced. */
    public List<GenericKubernetesResource> all(Kind kind) {
        Watch w = watches.get(kind);
        SharedIndexInformer<GenericKubernetesResource> inf = !on || w == null ? null : w.informer;
        return inf == null || !inf.hasSynced() ? List.of() : inf.getStore().list();
    }

    public ClusterState.Stored objectsIn(Kind kind, String namespace) {
        Watch w = watches.get(kind);
        if (!on || w == null) {
            return ClusterState.Stored.OFF;
        }
        switch (w.state) {
            case ABSENT:
                return new ClusterState.Stored(ClusterView.Lookup.ABSENT, "the CRD " + crd(kind) + " is not installed", List.of());
            case NOT_CHECKED:
                return new ClusterState.Stored(ClusterView.Lookup.UNAVAILABLE, "the CRD " + crd(kind) + " could not be looked up yet", List.of());
            default:
                break;
        }
        SharedIndexInformer<GenericKubernetesResource> inf = w.informer;
        Optional<String> down = inf == null ? Optional.of("the " + kind.kind() + " cache is not started")
                : !inf.hasSynced() ? Optional.of("the " + kind.kind() + " cache has not synced yet")
                : !inf.isWatching() ? Optional.of("the API server cannot be reached: the " + kind.kind() + " cache is not watching")
                : Optional.empty();
        if (down.isPresent()) {
            return new ClusterState.Stored(ClusterView.Lookup.UNAVAILABLE, down.get(), List.of());
        }
        List<ObjectNode> out = new ArrayList<>();
        for (GenericKubernetesResource r : inf.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            JsonNode node = JSON.valueToTree(r);
            if (node.isObject()) {
                out.add((ObjectNode) node);
            }
        }
        return ClusterState.Stored.ready(out);
    }

    /** An object of a kind reached the webhook: its CRD is installed now, if it was not when last looked. Never waits. */
    public void seen(Kind kind) {
        ScheduledExecutorService s = scheduler;
        Watch w = watches.get(kind);
        if (on && w != null && w.state != State.PRESENT && s != null && !s.isShutdown()) {
            s.execute(this::check);
        }
    }

    /** Looks for every missing CRD once; starts the informer of each one found. Runs on the scheduler's thread. */
    void check() {
        if (stopping || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Watch w : watches.values()) {
                if (w.state != State.PRESENT) {
                    check(w);
                }
            }
        } finally {
            checking.set(false);
        }
    }

    private void check(Watch w) {
        String name = crd(w.kind);
        try {
            CustomResourceDefinition crd = client.get().apiextensions().v1().customResourceDefinitions().withName(name).get();
            w.saidUnreadable.set(false);
            Optional<String> version = crd == null ? Optional.empty() : servedVersion(crd, w.kind);
            if (version.isPresent()) {
                w.informer = inform(w.kind, version.get());
                if (w.informer != null) {
                    w.state = State.PRESENT;
                    w.saidAbsent.set(false);
                }
            } else {
                w.state = State.ABSENT;
                if (w.saidAbsent.compareAndSet(false, true)) {
                    LOG.infof("the CRD %s is not installed (or serves none of %s): %ss are not compared in autoscaler-conflict "
                            + "(looked for again every %d s)", name, w.kind.versions(), w.kind.kind(), RECHECK_SECONDS);
                }
            }
        } catch (RuntimeException e) {
            // Any exception: one escaping would cancel the periodic look-up for good.
            if (!stopping && w.saidUnreadable.compareAndSet(false, true)) {
                LOG.warnf("cannot look up the CRD %s (%s): the checks against %ss get a skipped-check warning until it can be read",
                        name, Reasons.shortReason(e), w.kind.kind());
            }
        }
    }

    /** The first of the kind's versions that the CRD serves, e.g. {@code v1alpha2}. */
    static Optional<String> servedVersion(CustomResourceDefinition crd, Kind kind) {
        if (crd.getSpec() == null || crd.getSpec().getVersions() == null) {
            return Optional.empty();
        }
        List<String> served = crd.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getServed()))
                .map(CustomResourceDefinitionVersion::getName).toList();
        return kind.versions().stream().filter(served::contains).findFirst();
    }

    private SharedIndexInformer<GenericKubernetesResource> inform(Kind kind, String version) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(kind.group()).withVersion(version)
                .withKind(kind.kind()).withPlural(kind.resource()).withNamespaced(true).build();
        return WorkloadCaches.inform(client.get(), context, kind.kind() + "s (" + kind.group() + "/" + version + ")", SlimObjects::kserveKind,
                Map.of(), () -> stopping, () -> {
                });
    }
}
