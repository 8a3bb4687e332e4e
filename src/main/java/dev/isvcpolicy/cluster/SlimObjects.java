package dev.isvcpolicy.cluster;

import dev.isvcpolicy.policy.ScaledObjects;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the caches keep of an object: only the fields the cluster-side rules read, cut on arrival (RULES.md
 * §8 "Scale"). A stored InferenceService or ScaledObject costs well under 1.5 KiB of heap this way, against
 * about 5 KiB with {@code managedFields}, {@code last-applied-configuration}, {@code status} and the full spec.
 *
 * <p>Kept of an InferenceService: {@code metadata.name, namespace, uid, resourceVersion, deletionTimestamp},
 * every annotation but {@code last-applied-configuration}, {@code status.deploymentMode}, and of each
 * component ({@code spec.predictor, transformer, explainer}, {@code spec.canary[].predictor}) every field
 * the rules read: the background scan judges cached objects with every rule, as {@code /validate} after
 * {@code /mutate} would. Containers keep only {@code name} and {@code resources}; pod-level fields no rule
 * reads ({@code volumes}, {@code affinity}, ...) are dropped. Kept of a ScaledObject: {@code metadata.name,
 * namespace, uid, resourceVersion, deletionTimestamp}, its ownerReferences to KServe's kinds ({@link ScaledObjects#KSERVE_KINDS})
 * and to HTTPScaledObjects (apiVersion, kind, name, uid, controller), and {@code spec.scaleTargetRef.{apiVersion, kind, name}}. Kept of
 * an InferenceGraph, LLMInferenceService or HTTPScaledObject: see {@link #kserveKind}.
 * A rule that comes to read another field of a cached object must add it here;
 * {@code SlimObjectsTest} judges full and slim objects alike to catch that.
 */
public final class SlimObjects {

    private SlimObjects() {
    }

    /** The annotations a cached object keeps; {@code kubectl.kubernetes.io/last-applied-configuration} is not one. */
    static boolean keptAnnotation(String key) {
        // Every annotation a rule may read (KServe's, Knative's, KEDA's, the OpenTelemetry operator's, ...):
        // all but kubectl's copy of the whole last applied object.
        return !LAST_APPLIED.equals(key);
    }

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** The blocks of a component that are containers (RULES.md §2): only {@code name} and {@code resources} are read. */
    private static final Set<String> CONTAINER_BLOCKS = Set.of("model", "sklearn", "tensorflow", "pytorch", "xgboost", "onnx", "triton",
            "huggingface", "pmml", "lightgbm", "paddle", "art");

    /** Pod-level fields of a component that no rule reads and that can be large. */
    private static final Set<String> DROPPED = Set.of("volumes", "affinity", "tolerations", "nodeSelector", "imagePullSecrets",
            "initContainers", "securityContext", "podSecurityContext", "hostAliases", "dnsConfig", "readinessGates", "topologySpreadConstraints");

    /**
     * Namespaces and other repeated short strings, held once (every cached object names its namespace). Entries are
     * never removed, so only strings of at most {@link #SHARED_LENGTH} characters are held, and at most
     * {@link #SHARED_MAX} of them: a user who writes ever new annotation values cannot grow it past about 4 MiB
     * (a long value stays with its object and goes when the object goes).
     */
    private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

    /** How many distinct strings {@link #shared} holds at most. */
    static final int SHARED_MAX = 16_384;

    /** How many strings are held (tests). */
    static int sharedCount() {
        return SHARED.size();
    }

    private static String shared(String s) {
        return shared(SHARED, SHARED_MAX, s);
    }

    /** {@code s} as {@code pool} holds it; added when short and the pool is not full. */
    static String shared(Map<String, String> pool, int max, String s) {
        if (s == null || s.length() > SHARED_LENGTH) {
            return s;
        }
        String held = pool.get(s);
        if (held != null || pool.size() >= max) {
            return held != null ? held : s;
        }
        String prior = pool.putIfAbsent(s, s);
        return prior == null ? s : prior;
    }

    /** A copy of an InferenceService with only what the rules read; the argument is not changed. */
    public static GenericKubernetesResource inferenceService(GenericKubernetesResource full) {
        GenericKubernetesResource slim = base(full);
        slim.getMetadata().setAnnotations(annotations(full.getMetadata().getAnnotations()));
        Object spec = full.getAdditionalProperties().get("spec");
        Map<String, Object> top = new LinkedHashMap<>(2);
        if (spec instanceof Map<?, ?> s) {
            Map<String, Object> out = new LinkedHashMap<>(4);
            for (String component : List.of("predictor", "transformer", "explainer")) {
                if (s.get(component) instanceof Map<?, ?> c) {
                    out.put(shared(component), component(c));
                }
            }
            if (s.get("canary") instanceof List<?> canaries) {
                List<Object> kept = new ArrayList<>(canaries.size());
                for (Object canary : canaries) {
                    if (canary instanceof Map<?, ?> m && m.get("predictor") instanceof Map<?, ?> p) {
                        kept.add(Map.of("predictor", component(p)));
                    } else {
                        kept.add(Map.of());
                    }
                }
                out.put("canary", List.copyOf(kept));
            }
            top.put("spec", compact(out));
        }
        if (full.getAdditionalProperties().get("status") instanceof Map<?, ?> status && status.get("deploymentMode") instanceof String mode) {
            top.put("status", Map.of("deploymentMode", shared(mode)));
        }
        slim.setAdditionalProperties(compact(top));
        return slim;
    }

    /** A copy of a ScaledObject with only what the rules read; the argument is not changed. */
    public static GenericKubernetesResource scaledObject(GenericKubernetesResource full) {
        GenericKubernetesResource slim = base(full);
        List<OwnerReference> owners = full.getMetadata().getOwnerReferences();
        if (owners != null) {
            // KServe's kinds (KServe's own ScaledObjects) and the HTTP add-on's (the one an HTTPScaledObject makes, which the
            // LLMInferenceService check reports once, through its HTTPScaledObject).
            List<OwnerReference> kept = owners.stream().filter(o -> ScaledObjects.KSERVE_KINDS.contains(o.getKind())
                    || "HTTPScaledObject".equals(o.getKind())).map(o -> {
                OwnerReference ref = new OwnerReference();
                ref.setApiVersion(shared(o.getApiVersion()));
                ref.setKind(shared(o.getKind()));
                ref.setName(o.getName());
                ref.setUid(o.getUid());
                ref.setController(o.getController());
                ref.setAdditionalProperties(Map.of());
                return ref;
            }).toList();
            slim.getMetadata().setOwnerReferences(kept.isEmpty() ? null : kept);
        }
        if (full.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("scaleTargetRef") instanceof Map<?, ?> ref) {
            Map<String, Object> target = new LinkedHashMap<>(4);
            for (String key : List.of("apiVersion", "kind", "name")) {
                if (ref.get(key) instanceof String v) {
                    target.put(key, key.equals("name") ? v : shared(v));
                }
            }
            slim.setAdditionalProperties(Map.of("spec", Map.of("scaleTargetRef", compact(target))));
        }
        return slim;
    }

    /**
     * A copy of an InferenceGraph, LLMInferenceService or HTTPScaledObject (RULES.md §1 v2) without what the
     * API server adds: {@code managedFields}, {@code status} but {@code status.deploymentMode}, and the
     * last-applied annotation. Their spec is kept whole (frozen): the rules on these kinds read triggers, router
     * steps and scaling blocks in their own shapes. {@code status.deploymentMode} decides a graph's mode first
     * (RULES.md §2), when the scan judges it and when a ScaledObject is judged against it; of these kinds only
     * InferenceGraphs have one.
     */
    public static GenericKubernetesResource kserveKind(GenericKubernetesResource full) {
        GenericKubernetesResource slim = base(full);
        slim.getMetadata().setAnnotations(annotations(full.getMetadata().getAnnotations()));
        List<OwnerReference> owners = full.getMetadata().getOwnerReferences();
        slim.getMetadata().setOwnerReferences(owners == null || owners.isEmpty() ? null : owners);
        Map<String, Object> top = new LinkedHashMap<>(2);
        Object spec = full.getAdditionalProperties().get("spec");
        if (spec != null) {
            top.put("spec", frozen(spec));
        }
        if (full.getAdditionalProperties().get("status") instanceof Map<?, ?> status && status.get("deploymentMode") instanceof String mode) {
            top.put("status", Map.of("deploymentMode", shared(mode)));
        }
        slim.setAdditionalProperties(compact(top));
        return slim;
    }

    /**
     * A component as the rules read it (the background scan judges cached objects with every rule): every
     * field but the pod-level ones no rule reads, each container reduced to its {@code name} and
     * {@code resources}, {@code workerSpec} to its parallelism and containers, annotations as kept above.
     */
    private static Map<String, Object> component(Map<?, ?> c) {
        Map<String, Object> out = new LinkedHashMap<>();
        c.forEach((k, v) -> {
            if (!(k instanceof String key) || DROPPED.contains(key)) {
                return;
            }
            if (CONTAINER_BLOCKS.contains(key) && v instanceof Map<?, ?> m) {
                out.put(shared(key), container(m));
            } else if (key.equals("containers") && v instanceof List<?> list) {
                out.put("containers", containers(list));
            } else if (key.equals("workerSpec") && v instanceof Map<?, ?> w) {
                Map<String, Object> worker = new LinkedHashMap<>();
                w.forEach((wk, wv) -> {
                    if ("containers".equals(wk) && wv instanceof List<?> list) {
                        worker.put("containers", containers(list));
                    } else if (wk instanceof String name && name.endsWith("ParallelSize")) {
                        worker.put(shared(name), frozen(wv));
                    }
                });
                out.put("workerSpec", compact(worker));
            } else if (key.equals("annotations") && v instanceof Map<?, ?> a) {
                Map<String, String> kept = new LinkedHashMap<>();
                a.forEach((ak, av) -> {
                    if (ak instanceof String name && av instanceof String value && keptAnnotation(name)) {
                        kept.put(shared(name), shared(value));
                    }
                });
                out.put("annotations", compact(kept));
            } else {
                out.put(shared(key), frozen(v));
            }
        });
        return compact(out);
    }

    private static List<Object> containers(List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        for (Object o : list) {
            out.add(o instanceof Map<?, ?> m ? container(m) : Map.of());
        }
        return List.copyOf(out);
    }

    private static Map<String, Object> container(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>(2);
        if (m.get("name") instanceof String name) {
            out.put("name", shared(name));
        }
        if (m.get("resources") != null) {
            out.put("resources", frozen(m.get("resources")));
        }
        return compact(out);
    }

    /** Strings up to this length are held once ({@link #shared}): quantities, container names, metric names. */
    private static final int SHARED_LENGTH = 64;

    /**
     * An immutable copy of a value as read from JSON: maps and lists as the compact immutable collections, their
     * keys and short strings held once. As read, a container's {@code resources} alone were three LinkedHashMaps
     * (about 600 bytes with their tables and entries) and four strings such as {@code "1"} and {@code "2Gi"}; now
     * about 150 bytes, the strings shared by every object. A JSON {@code null} is kept (in an unmodifiable
     * wrapper: the compact collections refuse nulls).
     */
    static Object frozen(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() instanceof String key) {
                    out.put(shared(key), frozen(e.getValue()));
                }
            }
            return compact(out);
        }
        if (value instanceof List<?> list) {
            Object[] out = new Object[list.size()];
            boolean nulls = false;
            int i = 0;
            for (Object o : list) {
                out[i] = frozen(o);
                nulls |= out[i] == null;
                i++;
            }
            return nulls ? java.util.Collections.unmodifiableList(java.util.Arrays.asList(out)) : List.of(out);
        }
        if (value instanceof String text && text.length() <= SHARED_LENGTH) {
            return shared(text);
        }
        return value;
    }

    /**
     * An immutable copy: a fraction of a LinkedHashMap's bytes (no table, no entry objects). Its iteration
     * order is unspecified, which no rule reading a cached object depends on.
     */
    private static <V> Map<String, V> compact(Map<String, V> map) {
        if (map.containsValue(null)) {
            // A JSON null (the compact maps refuse null values): kept as it was read.
            return java.util.Collections.unmodifiableMap(map);
        }
        return switch (map.size()) {
            case 0 -> Map.of();
            case 1 -> {
                Map.Entry<String, V> e = map.entrySet().iterator().next();
                yield Map.of(e.getKey(), e.getValue());
            }
            default -> Map.copyOf(map);
        };
    }

    private static Map<String, String> annotations(Map<String, String> all) {
        if (all == null || all.isEmpty()) {
            return null;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (keptAnnotation(k)) {
                kept.put(shared(k), shared(v));
            }
        });
        return kept.isEmpty() ? null : compact(kept);
    }

    /** apiVersion, kind and the identity the informer needs (name, namespace, uid, resourceVersion). */
    private static GenericKubernetesResource base(GenericKubernetesResource full) {
        ObjectMeta in = full.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(in.getName());
        meta.setNamespace(shared(in.getNamespace()));
        meta.setUid(in.getUid());
        meta.setResourceVersion(in.getResourceVersion());
        meta.setDeletionTimestamp(in.getDeletionTimestamp());
        // fabric8's models start with empty collections; null them so an empty one costs nothing.
        meta.setAnnotations(null);
        meta.setLabels(null);
        meta.setFinalizers(null);
        meta.setManagedFields(null);
        meta.setOwnerReferences(null);
        meta.setAdditionalProperties(Map.of());
        GenericKubernetesResource slim = new GenericKubernetesResource();
        slim.setApiVersion(shared(full.getApiVersion()));
        slim.setKind(shared(full.getKind()));
        slim.setMetadata(meta);
        slim.setAdditionalProperties(Map.of());
        return slim;
    }

    /**
     * The informer's item store, cutting each object with {@code slim} before it is kept: fabric8's hook for
     * changing what a cache holds. Indexes are computed by the informer from the object as it arrived, so
     * an indexer must read only fields that {@code slim} keeps (it removes an object's old index entries
     * from the stored copy).
     */
    static final class SlimItemStore extends BasicItemStore<GenericKubernetesResource> {

        private final UnaryOperator<GenericKubernetesResource> slim;

        SlimItemStore(UnaryOperator<GenericKubernetesResource> slim) {
            super(Cache::metaNamespaceKeyFunc);
            this.slim = slim;
        }

        @Override
        public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
            return super.put(key, slim.apply(obj));
        }
    }
}
