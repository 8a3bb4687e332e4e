package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
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
     * {@code Deployment} or absent (KEDA's default) and its apiVersion is absent or {@code apps/*}.
     */
    public static Optional<String> targetDeployment(JsonNode scaledObject) {
        JsonNode ref = Json.object(scaledObject, "spec").flatMap(s -> Json.object(s, "scaleTargetRef")).orElse(null);
        if (ref == null) {
            return Optional.empty();
        }
        String kind = Json.text(ref, "kind").orElse("Deployment");
        String apiVersion = Json.text(ref, "apiVersion").orElse("apps/v1");
        if (!"Deployment".equals(kind) || !apiVersion.startsWith("apps/")) {
            return Optional.empty();
        }
        return Json.text(ref, "name").filter(n -> !n.isBlank());
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
        return targetDeployment(scaledObject).map(d -> new ClusterView.ScaledObjectRef(name, d, isvcOwner(scaledObject).orElse(null)));
    }

    /** {@code metadata.uid}, or empty. */
    public static String uid(JsonNode object) {
        return Json.object(object, "metadata").flatMap(m -> Json.text(m, "uid")).orElse("");
    }
}
