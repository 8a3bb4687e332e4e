package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads what matters of a KEDA ScaledObject ({@code keda.sh/v1alpha1}) and matches Deployment names. Pure. */
public final class ScaledObjects {

    private ScaledObjects() {
    }

    /** Knative's Deployment of a revision: {@code <service>-<5 or more digits>-deployment}, e.g. {@code m-predictor-00003-deployment}. */
    private static final Pattern REVISION_SUFFIX = Pattern.compile("-[0-9]{5,}-deployment");

    /** Where a ScaledObject's target name sits, for findings. */
    public static final FieldPath TARGET_NAME = FieldPath.of("spec", "scaleTargetRef", "name");

    /** The kinds whose controllers make ScaledObjects: one controlled by them is KServe's, not a user's. */
    public static final java.util.Set<String> KSERVE_KINDS = java.util.Set.of("InferenceService", "InferenceGraph", "LLMInferenceService");

    /**
     * The controlling ownerReference ({@code controller: true}) to a KServe object, e.g.
     * {@code {kind: InferenceService, name: m, uid: 6f0c...}}; uid may be empty.
     */
    public record Owner(String kind, String name, String uid) {
    }

    /**
     * The Deployment a ScaledObject scales: {@code spec.scaleTargetRef.name} when the target's kind is
     * {@code Deployment}, absent or empty (KEDA's default) and its apiVersion is absent, empty or {@code apps/*}.
     */
    public static Optional<String> targetDeployment(JsonNode scaledObject) {
        JsonNode ref = Json.object(scaledObject, "spec").flatMap(s -> Json.object(s, "scaleTargetRef")).orElse(null);
        if (ref == null) {
            return Optional.empty();
        }
        return targetDeployment(Json.text(ref, "kind").orElse(null), Json.text(ref, "apiVersion").orElse(null),
                Json.text(ref, "name").orElse(null));
    }

    /**
     * The same decision from the three fields of a {@code scaleTargetRef} (each null when absent), for
     * callers that do not hold the ScaledObject as a tree (the cache's indexer).
     */
    public static Optional<String> targetDeployment(String kind, String apiVersion, String name) {
        // KEDA's ParseGVKR reads an empty kind or apiVersion as absent (blank here, as KServeWorkloads.target): Deployment, apps/v1.
        if (!"Deployment".equals(kind == null || kind.isBlank() ? "Deployment" : kind)
                || !(apiVersion == null || apiVersion.isBlank() ? "apps/v1" : apiVersion).startsWith("apps/")) {
            return Optional.empty();
        }
        return Optional.ofNullable(name).filter(n -> !n.isBlank());
    }

    /** {@code <workload>-<5 or more digits>-deployment}: group 1 is the workload. */
    private static final Pattern REVISION_DEPLOYMENT = Pattern.compile("(.*)-[0-9]{5,}-deployment");

    /**
     * Every component object name a Deployment can be the workload of, per {@link #isWorkloadOf}: the
     * name itself and, for a Knative revision's Deployment, the name without its revision suffix, e.g.
     * {@code m-predictor-00003-deployment -> [m-predictor-00003-deployment, m-predictor]}. One or two
     * entries; what the caches index ScaledObjects by.
     */
    public static List<String> workloadsOf(String deployment) {
        java.util.regex.Matcher m = REVISION_DEPLOYMENT.matcher(deployment);
        return m.matches() ? List.of(deployment, m.group(1)) : List.of(deployment);
    }

    /**
     * The names an InferenceService must have for one of its components to own this Deployment: every
     * part of a {@link #workloadsOf workload} before a dash, since a component's object name is always
     * {@code <isvc>-<something>}, e.g. {@code a-b-predictor -> [a, a-b]}. A handful of names to look up
     * by key instead of reading the whole namespace; the caller still checks each with {@link #isWorkloadOf}.
     */
    public static Set<String> ownerNameCandidates(String deployment) {
        Set<String> out = new LinkedHashSet<>();
        for (String workload : workloadsOf(deployment)) {
            for (int i = workload.indexOf('-'); i > 0; i = workload.indexOf('-', i + 1)) {
                out.add(workload.substring(0, i));
            }
        }
        return out;
    }

    /**
     * The KServe object that controls this one: the ownerReference with {@code controller: true} to an
     * InferenceService, InferenceGraph or LLMInferenceService ({@code serving.kserve.io/*}). Without it, a
     * ScaledObject is a user's (a plain ownerReference is only garbage-collection bookkeeping).
     */
    public static Optional<Owner> isvcOwner(JsonNode object) {
        JsonNode refs = Json.object(object, "metadata").flatMap(m -> Json.array(m, "ownerReferences")).orElse(null);
        if (refs == null) {
            return Optional.empty();
        }
        for (JsonNode ref : refs) {
            String kind = Json.text(ref, "kind").orElse("");
            boolean kserve = KSERVE_KINDS.contains(kind) && Json.text(ref, "apiVersion").orElse("").startsWith("serving.kserve.io/");
            boolean controller = ref.path("controller").asBoolean(false) && ref.path("controller").isBoolean();
            Optional<String> name = Json.text(ref, "name").filter(n -> !n.isBlank());
            if (kserve && controller && name.isPresent()) {
                return Optional.of(new Owner(kind, name.get(), Json.text(ref, "uid").orElse("")));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a ScaledObject's controller ({@link #isvcOwner}) is the KServe object {@code kind}/{@code name}, the one whose
     * workload it targets: KServe makes a ScaledObject only for its own object's workload, so one controlled by another
     * KServe object (a copied manifest, say) is a user's as far as this one is concerned. A uid on both sides must match
     * (an ownerReference to an earlier object of the same name is not this one's).
     *
     * @param uid the object's {@code metadata.uid}, empty when unknown (a CREATE)
     */
    public static boolean madeFor(Optional<Owner> owner, String kind, String name, String uid) {
        return owner.isPresent() && owner.get().kind().equals(kind) && owner.get().name().equals(name)
                && (owner.get().uid().isEmpty() || uid.isEmpty() || owner.get().uid().equals(uid));
    }

    /**
     * Whether a Deployment is the workload of a component named {@code objectName}: the name itself
     * (Standard mode) or one of its Knative revisions' Deployments, any revision number.
     */
    public static boolean isWorkloadOf(String deployment, String objectName) {
        if (deployment.equals(objectName)) {
            return true;
        }
        return deployment.startsWith(objectName)
                && REVISION_SUFFIX.matcher(deployment.substring(objectName.length())).matches();
    }

    /** A stored ScaledObject as the rules see it, when it targets a Deployment. */
    public static Optional<ClusterView.ScaledObjectRef> ref(JsonNode scaledObject) {
        String name = Json.object(scaledObject, "metadata").flatMap(m -> Json.text(m, "name")).orElse("");
        return targetDeployment(scaledObject).map(d -> new ClusterView.ScaledObjectRef(name, d, isvcOwner(scaledObject).orElse(null),
                httpScaledObject(scaledObject).orElse(null)));
    }

    /**
     * The name of the HTTPScaledObject that controls a ScaledObject: the one KEDA's HTTP add-on makes for it, same name and
     * namespace, made again by the add-on when deleted ({@code ownerReferences} entry {@code http.keda.sh/*},
     * {@code controller: true}).
     */
    public static Optional<String> httpScaledObject(JsonNode scaledObject) {
        return KServeWorkloads.controller(scaledObject, "http.keda.sh", java.util.Set.of("HTTPScaledObject"))
                .map(ref -> ref.substring(ref.indexOf('/') + 1));
    }

    /** {@code metadata.uid}, or empty. */
    public static String uid(JsonNode object) {
        return Json.object(object, "metadata").flatMap(m -> Json.text(m, "uid")).orElse("");
    }
}
