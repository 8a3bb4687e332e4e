package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** GPU amounts Kubernetes would only refuse at Pod creation, and the configured GPU caps. */
public final class GpuResourcesRule implements Validation {

    public static final String ID = "gpu-resources";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "GPUs must be positive whole numbers, in limits, equal to requests, and within the per-replica and per-service caps";
    }

    @Override
    public void validate(Review review, Findings f) {
        if (Gpus.annotationNames(review).isEmpty()) {
            f.deny(Review.METADATA_ANNOTATIONS.key(Annotations.GPU_RESOURCE_TYPES),
                    "must be a JSON list of resource names, e.g. [\"example.com/gpu\"]");
        }
        Set<String> names = Gpus.resourceNames(review);
        for (Component c : review.components()) {
            for (Gpus.Container k : Gpus.containers(c)) {
                checkContainer(k, names, f);
            }
        }
        checkCaps(review, names, f);
    }

    private static void checkContainer(Gpus.Container k, Set<String> names, Findings f) {
        JsonNode limits = k.node().path("resources").path("limits");
        JsonNode requests = k.node().path("resources").path("requests");
        FieldPath resources = k.path().child("resources");
        for (String name : names) {
            JsonNode limit = limits.get(name);
            JsonNode request = requests.get(name);
            if (limit == null && request == null) {
                continue; // the common case: no paths built, so a container costs a few lookups
            }
            FieldPath lp = resources.child("limits").key(name);
            FieldPath rp = resources.child("requests").key(name);
            Optional<Long> l = Quantities.positiveWhole(limit);
            Optional<Long> r = Quantities.positiveWhole(request);
            if (limit != null && l.isEmpty()) {
                f.deny(lp, () -> "must be a positive whole number of GPUs, e.g. 1 (got " + Json.show(limit) + ")");
            }
            if (request != null && r.isEmpty()) {
                f.deny(rp, () -> "must be a positive whole number of GPUs, e.g. 1 (got " + Json.show(request) + ")");
            }
            if (request != null && limit == null) {
                f.deny(lp, () -> "missing: Kubernetes takes GPUs from limits only; set " + lp + " to the same amount as " + rp);
            } else if (l.isPresent() && r.isPresent() && !l.get().equals(r.get())) {
                f.deny(rp, () -> "is " + r.get() + " but " + lp + " is " + l.get() + ": GPUs cannot be overcommitted, so requests must equal limits");
            }
        }
    }

    private static void checkCaps(Review review, Set<String> names, Findings f) {
        OptionalInt perReplica = review.settings().gpuMaxPerReplica();
        OptionalInt perService = review.settings().gpuMaxPerService();
        long total = 0;
        List<String> parts = new ArrayList<>();
        FieldPath first = null;
        for (Component c : review.components()) {
            long gpus = Gpus.perReplica(c, names);
            if (gpus == 0) {
                continue;
            }
            if (perReplica.isPresent() && gpus > perReplica.getAsInt()) {
                f.deny(c.path(), "asks for " + gpus + " GPUs per replica, above this cluster's cap of " + perReplica.getAsInt()
                        + " (webhook.gpu.max-per-replica)");
            }
            if (perService.isEmpty()) {
                continue;
            }
            Json.IntField max = Json.int32(c.spec(), "maxReplicas");
            Json.IntField min = Json.int32(c.spec(), "minReplicas");
            long replicas;
            if (max.valid() && max.get() > 0) {
                replicas = max.get();
            } else if (c.autoscaler().isKnative() && !c.isCanary()) {
                f.deny(c.field("maxReplicas"), "is " + (max.valid() ? "0" : "not set") + ", so this GPU component can grow without bound, while this cluster caps GPUs per InferenceService at "
                        + perService.getAsInt() + " (webhook.gpu.max-per-service): set maxReplicas");
                continue;
            } else {
                replicas = Math.max(1, min.valid() ? min.get() : 1);
            }
            total += gpus * replicas;
            parts.add(c.label() + " " + replicas + " x " + gpus);
            if (first == null) {
                first = c.field("maxReplicas");
            }
        }
        if (perService.isPresent() && total > perService.getAsInt()) {
            f.deny(first, "up to " + total + " GPUs (" + String.join(" + ", parts) + "), above this cluster's cap of "
                    + perService.getAsInt() + " per InferenceService (webhook.gpu.max-per-service): lower maxReplicas");
        }
    }
}
