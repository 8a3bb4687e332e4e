package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The workloads of the kinds added in RULES.md revision 2 (InferenceGraph, LLMInferenceService) and what targets them
 * (ScaledObject, HTTPScaledObject). Pure.
 */
public final class KServeWorkloads {

    private KServeWorkloads() {
    }

    /**
     * The suffixes of an LLMInferenceService's workloads (RULES.md §1 v2): {@code <name>-kserve} (decode, or the only one),
     * {@code -kserve-prefill}, {@code -kserve-mn} and {@code -kserve-mn-prefill} (multi-node, LeaderWorkerSets).
     */
    public static final List<String> LLM_SUFFIXES = List.of("-kserve", "-kserve-prefill", "-kserve-mn", "-kserve-mn-prefill");

    /** The workload kinds an LLMInferenceService runs: Deployments, and LeaderWorkerSets for multi-node. */
    public static final Set<String> LLM_WORKLOAD_KINDS = Set.of("Deployment", "LeaderWorkerSet");

    /** The annotation that tells KEDA's HTTP add-on not to make a ScaledObject (then it is not judged). */
    public static final String SKIP_SCALED_OBJECT = "httpscaledobject.keda.sh/skip-scaledobject-creation";

    /** What a ScaledObject or HTTPScaledObject scales, e.g. {@code Deployment m-kserve}. */
    public record Target(String kind, String name) {
        @Override
        public String toString() {
            return kind + " \"" + name + "\"";
        }
    }

    /**
     * {@code spec.scaleTargetRef} as KEDA reads it: kind defaults to {@code Deployment}; a Deployment counts only with an
     * absent or {@code apps/*} apiVersion, a LeaderWorkerSet only with an absent or {@code leaderworkerset.x-k8s.io/*} one.
     * Empty for any other target or without a name.
     */
    public static Optional<Target> target(JsonNode scaler) {
        JsonNode ref = Json.object(scaler, "spec").flatMap(s -> Json.object(s, "scaleTargetRef")).orElse(null);
        Optional<String> name = Json.text(ref, "name").filter(n -> !n.isBlank());
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String kind = Json.text(ref, "kind").filter(k -> !k.isBlank()).orElse("Deployment");
        Optional<String> apiVersion = Json.text(ref, "apiVersion").filter(v -> !v.isBlank());
        boolean known = switch (kind) {
            case "Deployment" -> apiVersion.map(v -> v.startsWith("apps/")).orElse(true);
            case "LeaderWorkerSet" -> apiVersion.map(v -> v.startsWith("leaderworkerset.x-k8s.io/")).orElse(true);
            default -> false;
        };
        return known ? Optional.of(new Target(kind, name.get())) : Optional.empty();
    }

    /** The LLMInferenceService workload a target is, e.g. {@code -kserve-prefill}; empty when it is none of {@code name}'s. */
    public static Optional<String> llmWorkload(Target target, String llmName) {
        if (!LLM_WORKLOAD_KINDS.contains(target.kind())) {
            return Optional.empty();
        }
        return LLM_SUFFIXES.stream().filter(s -> target.name().equals(llmName + s)).findFirst();
    }

    /**
     * The controlling ownerReference ({@code controller: true}) of an object, as {@code kind/name}, when its kind is one
     * of {@code kinds} and its apiVersion's group is {@code group}; empty otherwise.
     */
    public static Optional<String> controller(JsonNode object, String group, Set<String> kinds) {
        JsonNode refs = Json.object(object, "metadata").flatMap(m -> Json.array(m, "ownerReferences")).orElse(null);
        if (refs == null) {
            return Optional.empty();
        }
        for (JsonNode ref : refs) {
            String kind = Json.text(ref, "kind").orElse("");
            boolean controller = ref.path("controller").isBoolean() && ref.path("controller").asBoolean();
            Optional<String> name = Json.text(ref, "name").filter(n -> !n.isBlank());
            if (controller && kinds.contains(kind) && Json.text(ref, "apiVersion").orElse("").startsWith(group + "/") && name.isPresent()) {
                return Optional.of(kind + "/" + name.get());
            }
        }
        return Optional.empty();
    }

    /** Whether an HTTPScaledObject asks its operator not to make a ScaledObject ({@value #SKIP_SCALED_OBJECT}: "true"). */
    public static boolean skipsScaledObject(JsonNode httpScaledObject) {
        return Json.object(httpScaledObject, "metadata").flatMap(m -> Json.object(m, "annotations"))
                .flatMap(a -> Json.text(a, SKIP_SCALED_OBJECT)).map("true"::equals).orElse(false);
    }

    /**
     * The ScaledObject the HTTP add-on's operator makes for an HTTPScaledObject, as far as the conflict check reads it: same
     * name and namespace, controlled by the HTTPScaledObject, {@code spec.scaleTargetRef} copied ({@code apiVersion},
     * {@code kind}, {@code name}), so a finding's path ({@code spec.scaleTargetRef.name}) is the same in both.
     */
    public static ObjectNode asScaledObject(ObjectNode httpScaledObject) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode so = f.objectNode().put("apiVersion", "keda.sh/v1alpha1").put("kind", "ScaledObject");
        ObjectNode meta = so.putObject("metadata");
        JsonNode hsoMeta = httpScaledObject.path("metadata");
        Json.text(hsoMeta, "name").ifPresent(n -> meta.put("name", n));
        Json.text(hsoMeta, "namespace").ifPresent(n -> meta.put("namespace", n));
        meta.putArray("ownerReferences").addObject().put("apiVersion", "http.keda.sh/v1alpha1").put("kind", "HTTPScaledObject")
                .put("name", hsoMeta.path("name").asText("")).put("controller", true);
        ObjectNode ref = so.putObject("spec").putObject("scaleTargetRef");
        JsonNode hsoRef = httpScaledObject.path("spec").path("scaleTargetRef");
        for (String field : List.of("apiVersion", "kind", "name")) {
            Json.text(hsoRef, field).ifPresent(v -> ref.put(field, v));
        }
        return so;
    }

    /** {@code metadata.name}, or empty. */
    public static String name(JsonNode object) {
        return Json.object(object, "metadata").flatMap(m -> Json.text(m, "name")).orElse("");
    }
}
