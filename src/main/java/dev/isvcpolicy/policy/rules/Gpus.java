package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Containers of a component and the GPUs they ask for. */
final class Gpus {

    private Gpus() {
    }

    /** The legacy framework blocks of a predictor (and the explainer's {@code art}), each a container spec. */
    static final List<String> FRAMEWORKS = List.of("sklearn", "tensorflow", "pytorch", "xgboost", "onnx", "triton",
            "huggingface", "pmml", "lightgbm", "paddle", "art");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A container spec and where it sits; worker containers run in other pods than the replica's head. */
    record Container(ObjectNode node, FieldPath path, boolean worker) {
    }

    static List<Container> containers(Component c) {
        List<Container> out = new ArrayList<>(2);
        ObjectNode spec = c.spec();
        if (spec.get("model") instanceof ObjectNode m) {
            out.add(new Container(m, c.field("model"), false));
        }
        for (String fw : FRAMEWORKS) {
            if (spec.get(fw) instanceof ObjectNode m) {
                out.add(new Container(m, c.field(fw), false));
            }
        }
        if (spec.get("containers") instanceof ArrayNode list) {
            addList(list, c.field("containers"), false, out);
        }
        if (spec.get("workerSpec") instanceof ObjectNode w && w.get("containers") instanceof ArrayNode list) {
            addList(list, c.field("workerSpec").child("containers"), true, out);
        }
        return out;
    }

    private static void addList(ArrayNode list, FieldPath at, boolean worker, List<Container> out) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof ObjectNode container) {
                out.add(new Container(container, at.index(i), worker));
            }
        }
    }

    /** GPU resource names KServe itself knows. */
    public static final List<String> KSERVE_GPU_RESOURCES = List.of("nvidia.com/gpu", "amd.com/gpu", "intel.com/gpu", "habana.ai/gaudi");

    /**
     * KServe's GPU names, configured ones, plus those of the {@code serving.kserve.io/gpu-resource-types} annotation, when it
     * parses, but for Kubernetes' own ({@link #isKubernetesOwn}: {@code gpu-resources} warns about those).
     */
    static Set<String> resourceNames(Review review) {
        return resourceNames(review, annotationNames(review));
    }

    /** As above, with the annotation's names already read ({@link #annotationNames}). */
    static Set<String> resourceNames(Review review, Optional<List<String>> annotated) {
        Set<String> configured = configured(review.settings().get(GpuResourcesRule.EXTRA_RESOURCES));
        if (annotated.isEmpty() || annotated.get().isEmpty()) {
            return configured;
        }
        Set<String> names = new LinkedHashSet<>(configured);
        for (String name : annotated.get()) {
            if (!isKubernetesOwn(name)) { // cpu or memory counted as GPUs would misjudge every container: warned instead
                names.add(name);
            }
        }
        return names;
    }

    /** KServe's names and the configured ones, kept for the last list of configured names seen (a policy's list is one object). */
    private record Configured(List<String> extra, Set<String> names) {
    }

    private static volatile Configured lastConfigured = new Configured(List.of(), Set.copyOf(KSERVE_GPU_RESOURCES));

    private static Set<String> configured(List<String> extra) {
        Configured last = lastConfigured;
        if (last.extra() == extra || last.extra().equals(extra)) {
            return last.names();
        }
        Set<String> names = new LinkedHashSet<>(KSERVE_GPU_RESOURCES);
        names.addAll(extra);
        Configured next = new Configured(extra, java.util.Collections.unmodifiableSet(names));
        lastConfigured = next;
        return next.names();
    }

    /** The annotation's names; empty when it is absent or not a JSON list of strings. */
    static Optional<List<String>> annotationNames(Review review) {
        Optional<Review.Annotation> a = review.annotation(Annotations.GPU_RESOURCE_TYPES);
        if (a.isEmpty()) {
            return Optional.of(List.of());
        }
        try {
            JsonNode list = MAPPER.readTree(a.get().value());
            List<String> names = new ArrayList<>();
            if (list == null || !list.isArray()) {
                return Optional.empty();
            }
            for (JsonNode n : list) {
                if (!n.isTextual() || n.asText().isBlank()) {
                    return Optional.empty();
                }
                names.add(n.asText());
            }
            return Optional.of(names);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * GPUs one replica of the component uses, counting only valid amounts (limits, else requests): the head
     * pod's containers, plus each worker pod of a multi-node replica ({@code workerSpec}: pipelineParallelSize
     * pods in all, default 2, so pipelineParallelSize - 1 workers).
     */
    static long perReplica(Component c, Set<String> names) {
        long head = 0;
        long worker = 0;
        for (Container k : containers(c)) {
            long gpus = gpus(k, names);
            if (k.worker()) {
                worker = plus(worker, gpus);
            } else {
                head = plus(head, gpus);
            }
        }
        Json.IntField pipeline = Json.int32(Json.object(c.spec(), "workerSpec").orElse(null), "pipelineParallelSize");
        long workers = pipeline.valid() && pipeline.get() >= 1 ? pipeline.get() - 1 : 1;
        return plus(head, times(worker, workers));
    }

    /** {@code a + b} for counts of 0 or more, {@link Long#MAX_VALUE} where it would overflow (a count that large is over any cap). */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** {@code a * b} for counts of 0 or more, {@link Long#MAX_VALUE} where it would overflow. */
    static long times(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    /** NVIDIA's MIG slices, e.g. {@code nvidia.com/mig-1g.5gb}: KServe counts them as GPUs. */
    static final String MIG_PREFIX = "nvidia.com/mig-";

    /** A GPU resource name: a configured or annotated one, or any MIG slice. */
    static boolean isGpu(String name, Set<String> names) {
        return names.contains(name) || name.startsWith(MIG_PREFIX);
    }

    /**
     * One of Kubernetes' own resource names, never a GPU: {@code cpu}, {@code memory}, {@code ephemeral-storage},
     * {@code storage}, {@code pods}, {@code hugepages-<size>}, or any name under {@code kubernetes.io/}.
     */
    static boolean isKubernetesOwn(String name) {
        return List.of("cpu", "memory", "ephemeral-storage", "storage", "pods").contains(name) || name.startsWith("hugepages-")
                || name.contains("kubernetes.io/");
    }

    /**
     * An extended resource as Kubernetes defines it: a name with a domain prefix outside {@code kubernetes.io/}
     * (e.g. {@code huawei.com/ascend-1980}); Kubernetes requires whole amounts and requests equal to limits.
     */
    static boolean isExtended(String name) {
        return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
    }

    /** The resource names of a container's requests and limits, requests first, each once. */
    static List<String> resourceNamesOf(Container k) {
        JsonNode resources = k.node().get("resources");
        if (resources == null) {
            return List.of();
        }
        JsonNode requests = resources.path("requests");
        List<String> out = new ArrayList<>(requests.size() + 2);
        requests.fieldNames().forEachRemaining(out::add);
        for (java.util.Iterator<String> it = resources.path("limits").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!requests.has(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static long gpus(Container k, Set<String> names) {
        JsonNode resources = k.node().path("resources");
        long total = 0;
        for (String name : resourceNamesOf(k)) {
            if (!isGpu(name, names)) {
                continue;
            }
            Optional<Long> amount = Quantities.positiveWhole(resources.path("limits").get(name));
            if (amount.isEmpty()) {
                amount = Quantities.positiveWhole(resources.path("requests").get(name));
            }
            total = plus(total, amount.orElse(0L));
        }
        return total;
    }

    /** Whether any container of the component (workers included) asks for at least one GPU. */
    static boolean hasGpu(Component c, Set<String> names) {
        for (Container k : containers(c)) {
            if (gpus(k, names) > 0) {
                return true;
            }
        }
        return false;
    }
}
