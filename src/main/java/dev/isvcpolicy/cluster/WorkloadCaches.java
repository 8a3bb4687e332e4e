package dev.isvcpolicy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.ScaledObjects;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Informer caches of every InferenceService and every KEDA ScaledObject, started at boot, for the
 * cluster side of {@code autoscaler-conflict}. Requests only read the caches' stores: never an API call,
 * never a wait. A cache that has not synced, or whose watch is down (API server gone), says so instead of
 * answering, and the rule turns that into a warning (or a deny, fail-closed). Without KEDA's CRD there are
 * no ScaledObjects to watch; the CRD is looked for again every minute, and at once when a ScaledObject
 * reaches {@code /validate}. With {@code webhook.cluster.lookups=false} nothing starts.
 */
@Singleton
public class WorkloadCaches {

    private static final Logger LOG = Logger.getLogger(WorkloadCaches.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code serving.kserve.io/v1beta1} InferenceServices. */
    static final ResourceDefinitionContext INFERENCE_SERVICES = new ResourceDefinitionContext.Builder()
            .withGroup("serving.kserve.io").withVersion("v1beta1").withKind("InferenceService")
            .withPlural("inferenceservices").withNamespaced(true).build();

    /** {@code keda.sh/v1alpha1} ScaledObjects. */
    static final ResourceDefinitionContext SCALED_OBJECTS = new ResourceDefinitionContext.Builder()
            .withGroup("keda.sh").withVersion("v1alpha1").withKind("ScaledObject")
            .withPlural("scaledobjects").withNamespaced(true).build();

    /**
     * Objects per page when an informer lists (and relists) its kind: without a limit the API server answers
     * with every object at once, and 20,000 InferenceServices as fabric8 reads them (before they are cut
     * down) need more heap than the pod has.
     */
    static final long LIST_PAGE = 500;

    /** The CRD whose presence says KEDA is installed. */
    static final String KEDA_CRD = "scaledobjects.keda.sh";

    /** How often a missing (or unreadable) KEDA CRD is looked for again. */
    static final long KEDA_RECHECK_SECONDS = 60;

    /** Where the search for KEDA's CRD stands. */
    enum Keda { NOT_CHECKED, ABSENT, PRESENT }

    /** The InferenceServices of a namespace as the cache holds them, or why they cannot be read. */
    public record InferenceServices(ClusterView.Lookup lookup, String detail, List<ObjectNode> objects) {
    }

    @Inject
    WebhookConfig config;

    @Inject
    Instance<KubernetesClient> client;

    private volatile boolean on;
    private volatile boolean stopping;
    private volatile Keda keda = Keda.NOT_CHECKED;
    private volatile SharedIndexInformer<GenericKubernetesResource> isvcInformer;
    private volatile SharedIndexInformer<GenericKubernetesResource> soInformer;
    private final AtomicBoolean saidKedaAbsent = new AtomicBoolean();
    private final AtomicBoolean saidCrdUnreadable = new AtomicBoolean();
    private final AtomicBoolean checking = new AtomicBoolean();
    private ScheduledExecutorService scheduler;
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final Map<String, Long> lastError = new ConcurrentHashMap<>();

    /** The caches, as metrics name them. */
    public static final List<String> CACHES = List.of("inferenceservices", "scaledobjects");

    /** Whether a cache ({@link #CACHES}) is started and synced. */
    public boolean synced(String cache) {
        SharedIndexInformer<GenericKubernetesResource> inf = "scaledobjects".equals(cache) ? soInformer : isvcInformer;
        return on && inf != null && inf.hasSynced() && inf.isWatching();
    }

    /** Failed list/watch attempts of a cache since start. */
    public long errors(String cache) {
        return errors.computeIfAbsent(cache, k -> new AtomicLong()).get();
    }

    /** When a cache's last list/watch attempt failed, in epoch seconds (0: never). */
    public long lastErrorEpochSeconds(String cache) {
        return lastError.getOrDefault(cache, 0L);
    }

    /** 1 when KEDA's CRD was found, 0 when it was not (or not looked up yet). */
    public boolean kedaInstalled() {
        return keda == Keda.PRESENT;
    }

    /**
     * Every cached InferenceService or ScaledObject (slim, as the informer keeps them), for the background scan
     * (issue 17); empty when the cache is not started or not synced.
     */
    public List<GenericKubernetesResource> all(dev.isvcpolicy.policy.Kind kind) {
        SharedIndexInformer<GenericKubernetesResource> inf = kind == dev.isvcpolicy.policy.Kind.INFERENCE_SERVICE ? isvcInformer
                : kind == dev.isvcpolicy.policy.Kind.SCALED_OBJECT ? soInformer : null;
        return inf == null || !inf.hasSynced() ? List.of() : inf.getStore().list();
    }

    void start(@Observes StartupEvent event) {
        if (!config.cluster().lookups()) {
            LOG.info("cluster lookups are off (webhook.cluster.lookups=false): no InferenceService or ScaledObject informers; "
                    + "the cluster-side autoscaler-conflict checks are skipped");
            return;
        }
        on = true;
        isvcInformer = inform(INFERENCE_SERVICES, "InferenceServices", SlimObjects::inferenceService, Map.of());
        scheduler = dev.isvcpolicy.Daemons.scheduler("keda-crd-check");
        scheduler.scheduleWithFixedDelay(this::checkKeda, 0, KEDA_RECHECK_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        for (SharedIndexInformer<GenericKubernetesResource> inf : Arrays.asList(isvcInformer, soInformer)) {
            if (inf != null) {
                inf.stop();
            }
        }
    }

    /**
     * The namespace's ScaledObjects that target a Deployment, for judging an InferenceService: an indexed
     * view, which answers per component from the index by namespace and workload name
     * ({@link #SO_BY_WORKLOAD}), so its cost does not grow with the namespace. What {@code /validate} uses.
     */
    public ClusterView scaledObjectsFor(String namespace) {
        ClusterView down = scaledObjectsState();
        if (down != null) {
            return down;
        }
        SharedIndexInformer<GenericKubernetesResource> inf = soInformer;
        return ClusterView.indexed(objectName -> {
            List<ClusterView.ScaledObjectRef> refs = new ArrayList<>(2);
            for (GenericKubernetesResource so : inf.getIndexer().byIndex(SO_BY_WORKLOAD, key(namespace, objectName))) {
                ScaledObjects.ref(JSON.valueToTree(so)).ifPresent(refs::add);
            }
            return refs;
        });
    }

    /**
     * Every ScaledObject of the namespace that targets a Deployment, as a list: cost grows with the
     * namespace. For tests and diagnostics; requests use {@link #scaledObjectsFor(String)}.
     */
    public ClusterView scaledObjectsIn(String namespace) {
        ClusterView down = scaledObjectsState();
        if (down != null) {
            return down;
        }
        List<ClusterView.ScaledObjectRef> refs = new ArrayList<>();
        for (GenericKubernetesResource so : soInformer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            ScaledObjects.ref(JSON.valueToTree(so)).ifPresent(refs::add);
        }
        return ClusterView.ready(refs);
    }

    /** Why the ScaledObject cache cannot be read, as a view; null when it can. */
    private ClusterView scaledObjectsState() {
        if (!on) {
            return ClusterView.OFF;
        }
        if (keda == Keda.ABSENT) {
            return ClusterView.absent("KEDA's CRD " + KEDA_CRD + " is not installed");
        }
        if (keda == Keda.NOT_CHECKED) {
            return ClusterView.unavailable("KEDA's CRD could not be looked up yet");
        }
        Optional<String> down = unavailable(soInformer, "ScaledObject");
        return down.map(ClusterView::unavailable).orElse(null);
    }

    /** The namespace's ScaledObjects as stored, any target (an LLMInferenceService's LeaderWorkerSets too), for judging the kinds of RULES.md §1 v2. */
    public dev.isvcpolicy.policy.ClusterState.Stored scaledObjectObjectsIn(String namespace) {
        ClusterView view = scaledObjectsIn(namespace);
        if (view.lookup() != ClusterView.Lookup.READY) {
            return new dev.isvcpolicy.policy.ClusterState.Stored(view.lookup(), view.detail(), List.of());
        }
        List<ObjectNode> out = new ArrayList<>();
        for (GenericKubernetesResource so : soInformer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            JsonNode node = JSON.valueToTree(so);
            if (node.isObject()) {
                out.add((ObjectNode) node);
            }
        }
        return dev.isvcpolicy.policy.ClusterState.Stored.ready(out);
    }

    /**
     * The InferenceServices of the namespace that could own {@code targetDeployment} (a ScaledObject's
     * target), for judging that ScaledObject: looked up by key, one per {@link ScaledObjects#ownerNameCandidates
     * candidate name}, so the cost does not grow with the namespace. None when the target is not a Deployment.
     */
    public InferenceServices inferenceServicesFor(String namespace, Optional<String> targetDeployment) {
        if (!on) {
            return new InferenceServices(ClusterView.Lookup.OFF, "cluster lookups are off", List.of());
        }
        SharedIndexInformer<GenericKubernetesResource> inf = isvcInformer;
        Optional<String> down = unavailable(inf, "InferenceService");
        if (down.isPresent()) {
            return new InferenceServices(ClusterView.Lookup.UNAVAILABLE, down.get(), List.of());
        }
        List<ObjectNode> out = new ArrayList<>(1);
        if (targetDeployment.isPresent()) {
            for (String name : ScaledObjects.ownerNameCandidates(targetDeployment.get())) {
                GenericKubernetesResource isvc = inf.getIndexer().getByKey(key(namespace, name));
                if (isvc != null && JSON.valueToTree(isvc) instanceof ObjectNode node) {
                    out.add(node);
                }
            }
        }
        return new InferenceServices(ClusterView.Lookup.READY, "", out);
    }

    /**
     * Every InferenceService of the namespace: cost grows with the namespace. For tests and
     * diagnostics; requests use {@link #inferenceServicesFor}.
     */
    public InferenceServices inferenceServicesIn(String namespace) {
        if (!on) {
            return new InferenceServices(ClusterView.Lookup.OFF, "cluster lookups are off", List.of());
        }
        SharedIndexInformer<GenericKubernetesResource> inf = isvcInformer;
        Optional<String> down = unavailable(inf, "InferenceService");
        if (down.isPresent()) {
            return new InferenceServices(ClusterView.Lookup.UNAVAILABLE, down.get(), List.of());
        }
        List<ObjectNode> out = new ArrayList<>();
        for (GenericKubernetesResource isvc : inf.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            JsonNode node = JSON.valueToTree(isvc);
            if (node.isObject()) {
                out.add((ObjectNode) node);
            }
        }
        return new InferenceServices(ClusterView.Lookup.READY, "", out);
    }

    /** The ScaledObject index: {@code <namespace>/<workload>} for each of {@link ScaledObjects#workloadsOf} its Deployment. */
    static final String SO_BY_WORKLOAD = "namespace/workload";

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The index keys of a ScaledObject (none unless it targets a Deployment); reads only fields {@link SlimObjects} keeps. */
    static List<String> workloadKeys(GenericKubernetesResource so) {
        if (!(so.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
                || !(spec.get("scaleTargetRef") instanceof Map<?, ?> ref)) {
            return List.of();
        }
        String namespace = so.getMetadata().getNamespace();
        return ScaledObjects.targetDeployment(text(ref.get("kind")), text(ref.get("apiVersion")), text(ref.get("name")))
                .map(d -> ScaledObjects.workloadsOf(d).stream().map(w -> key(namespace, w)).toList())
                .orElse(List.of());
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }

    /** A ScaledObject reached the webhook: KEDA is installed now, if it was not when last looked. Never waits. */
    public void scaledObjectSeen() {
        ScheduledExecutorService s = scheduler;
        if (on && keda != Keda.PRESENT && s != null && !s.isShutdown()) {
            s.execute(this::checkKeda);
        }
    }

    private static Optional<String> unavailable(SharedIndexInformer<GenericKubernetesResource> inf, String kind) {
        if (inf == null) {
            return Optional.of("the " + kind + " cache is not started");
        }
        if (!inf.hasSynced()) {
            return Optional.of("the " + kind + " cache has not synced yet");
        }
        if (!inf.isWatching()) {
            return Optional.of("the API server cannot be reached: the " + kind + " cache is not watching");
        }
        return Optional.empty();
    }

    /** Whether the log has said that KEDA's CRD is missing (it says so once, not on every look). */
    boolean saidKedaAbsent() {
        return saidKedaAbsent.get();
    }

    /** Looks for KEDA's CRD once; starts the ScaledObject informer when it is there. Runs on the scheduler's thread. */
    void checkKeda() {
        if (stopping || keda == Keda.PRESENT || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            boolean present = client.get().apiextensions().v1().customResourceDefinitions().withName(KEDA_CRD).get() != null;
            saidCrdUnreadable.set(false);
            if (present) {
                soInformer = inform(SCALED_OBJECTS, "ScaledObjects", SlimObjects::scaledObject,
                        Map.of(SO_BY_WORKLOAD, WorkloadCaches::workloadKeys));
                if (soInformer != null) {
                    keda = Keda.PRESENT;
                    saidKedaAbsent.set(false);
                }
            } else {
                keda = Keda.ABSENT;
                if (saidKedaAbsent.compareAndSet(false, true)) {
                    LOG.infof("KEDA's CRD %s is not installed: InferenceServices are not checked against ScaledObjects "
                            + "(looked for again every %d s)", KEDA_CRD, KEDA_RECHECK_SECONDS);
                }
            }
        } catch (RuntimeException e) {
            // Any exception, not only the client's: one escaping would cancel the periodic look-up for good.
            if (!stopping && saidCrdUnreadable.compareAndSet(false, true)) {
                LOG.warnf("cannot look up KEDA's CRD %s (%s): InferenceServices get a skipped-check warning until it can be read",
                        KEDA_CRD, Reasons.shortReason(e));
            }
        } finally {
            checking.set(false);
        }
    }

    /** An informer of this class's kinds, counting its failed list/watch attempts under {@code what} in lower case. */
    private SharedIndexInformer<GenericKubernetesResource> inform(ResourceDefinitionContext context, String what,
            UnaryOperator<GenericKubernetesResource> slim,
            Map<String, Function<GenericKubernetesResource, List<String>>> indexers) {
        String cache = what.toLowerCase(Locale.ROOT);
        return inform(client.get(), context, what, slim, indexers, () -> stopping, () -> {
            errors.computeIfAbsent(cache, k -> new AtomicLong()).incrementAndGet();
            lastError.put(cache, System.currentTimeMillis() / 1000);
        });
    }

    /**
     * An informer over every namespace, listing in pages of {@value #LIST_PAGE}, that keeps {@code slim} of each
     * object ({@link SlimObjects.SlimItemStore}), indexed by namespace and by {@code indexers}. A failed list or
     * watch runs {@code onError} (not while {@code stopping}) and is logged once until the next sync. Null when it
     * cannot even be built (logged).
     */
    static SharedIndexInformer<GenericKubernetesResource> inform(KubernetesClient client, ResourceDefinitionContext context, String what,
            UnaryOperator<GenericKubernetesResource> slim,
            Map<String, Function<GenericKubernetesResource, List<String>>> indexers,
            BooleanSupplier stopping, Runnable onError) {
        AtomicBoolean saidUnreachable = new AtomicBoolean();
        try {
            SharedIndexInformer<GenericKubernetesResource> inf = client.genericKubernetesResources(context)
                    .inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0);
            inf.itemStore(new SlimObjects.SlimItemStore(slim));
            if (!indexers.isEmpty()) {
                inf.addIndexers(indexers);
            }
            inf.exceptionHandler((started, t) -> {
                if (!stopping.getAsBoolean()) {
                    onError.run();
                    if (saidUnreachable.compareAndSet(false, true)) {
                        LOG.warnf("cannot watch %s (%s): the cluster-side autoscaler-conflict check is skipped until it can",
                                what, Reasons.shortReason(t));
                    }
                }
                return true;
            });
            LOG.infof("watching %s in every namespace for the cluster-side autoscaler-conflict check", what);
            inf.start().whenComplete((ok, t) -> {
                if (t == null) {
                    saidUnreachable.set(false);
                    LOG.infof("%s cache synced (%d objects)", what, inf.getStore().list().size());
                }
            });
            return inf;
        } catch (RuntimeException e) {
            LOG.warnf("cannot watch %s (%s): the cluster-side autoscaler-conflict check is skipped", what, Reasons.shortReason(e));
            return null;
        }
    }
}
