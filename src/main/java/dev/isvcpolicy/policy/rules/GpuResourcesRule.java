package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * GPU amounts Kubernetes would only refuse at Pod creation, and the configured GPU caps. GPU names: the configured
 * ones (default nvidia.com/gpu, amd.com/gpu, intel.com/gpu, habana.ai/gaudi), those of the annotation
 * {@code serving.kserve.io/gpu-resource-types}, and every {@code nvidia.com/mig-*} slice. The whole-number and
 * requests = limits checks hold for every extended resource (a domain-prefixed name outside {@code kubernetes.io/},
 * e.g. {@code huawei.com/ascend-1980}), as Kubernetes enforces them; the caps count GPU names only, and a container
 * claiming devices through Dynamic Resource Allocation ({@code resources.claims}) is warned while caps are set.
 */
public final class GpuResourcesRule implements Validation {

    public static final Setting<List<String>> EXTRA_RESOURCES = Setting.adviseList("webhook.gpu.extra-resources", null, Gpus::isKubernetesOwn,
            own -> own + (own.contains(",") ? " are Kubernetes' own resources" : " is one of Kubernetes' own resources")
                    + ", never GPUs: counted as GPUs they would deny or misjudge every InferenceService that requests them; use "
                    + "extended resource names (a domain prefix outside kubernetes.io/, e.g. example.com/fpga)",
            Gpus::isExtended,
            odd -> odd + (odd.contains(",") ? " are not extended resource names" : " is not an extended resource name")
                    + " (a domain prefix outside kubernetes.io/, e.g. example.com/fpga): counted as GPUs all the same",
            "GPU resource names besides KServe's (nvidia.com/gpu, amd.com/gpu, intel.com/gpu, habana.ai/gaudi), comma-separated extended "
                    + "resource names (with a domain prefix; Kubernetes' own, such as cpu or memory, are refused), e.g. example.com/gpu.");
    public static final Setting<OptionalInt> MAX_PER_REPLICA = Setting.optionalInt("webhook.gpu.max-per-replica", 1,
            "Most GPUs one replica may ask for, e.g. 8; unset: no cap.");
    public static final Setting<OptionalInt> MAX_PER_SERVICE = Setting.optionalInt("webhook.gpu.max-per-service", 1,
            "Most GPUs one InferenceService may reach at maxReplicas, e.g. 32; unset: no cap.");

    @Override
    public List<Setting<?>> settings() {
        return List.of(EXTRA_RESOURCES, MAX_PER_REPLICA, MAX_PER_SERVICE);
    }

    public static final String ID = "gpu-resources";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "GPUs (MIG slices included) must be positive whole numbers, in limits, equal to requests, and within the caps; "
                + "every extended resource must be whole with requests equal to limits";
    }

    @Override
    public String why() {
        return "Kubernetes refuses a Pod whose GPU requests differ from its limits, or that asks for a fraction of a GPU, only when the Pod is created: the apply succeeds and the replicas never start.";
    }

    @Override
    public void validate(Review review, Findings f) {
        Optional<List<String>> annotated = Gpus.annotationNames(review);
        if (annotated.isEmpty()) {
            f.deny(Review.METADATA_ANNOTATIONS.key(Annotations.GPU_RESOURCE_TYPES),
                    "must be a JSON list of resource names, e.g. [\"example.com/gpu\"]");
        } else {
            List<String> own = annotated.get().stream().filter(Gpus::isKubernetesOwn).distinct().toList();
            if (!own.isEmpty()) {
                f.warn(Finding.Type.INVALID, Review.METADATA_ANNOTATIONS.key(Annotations.GPU_RESOURCE_TYPES), null, "names "
                        + String.join(", ", own.stream().map(n -> "\"" + n + "\"").toList()) + ", Kubernetes' own resource"
                        + (own.size() > 1 ? "s" : "") + ", not a GPU: KServe would take every container that asks for "
                        + (own.size() > 1 ? "them" : "it") + " as a GPU container, and the GPU checks here ignore "
                        + (own.size() > 1 ? "them" : "it") + "; remove " + (own.size() > 1 ? "them" : "it"));
            }
        }
        Set<String> names = Gpus.resourceNames(review, annotated);
        boolean caps = review.settings().get(MAX_PER_REPLICA).isPresent() || review.settings().get(MAX_PER_SERVICE).isPresent();
        for (Component c : review.components()) {
            for (Gpus.Container k : Gpus.containers(c)) {
                checkContainer(k, names, f);
                if (caps) {
                    warnClaims(k, f);
                }
            }
        }
        checkCaps(review, names, f);
    }

    /** Devices claimed through Dynamic Resource Allocation are not in requests/limits, so no cap counts them. */
    private static void warnClaims(Gpus.Container k, Findings f) {
        JsonNode claims = k.node().path("resources").get("claims");
        if (claims != null && claims.isArray() && !claims.isEmpty()) {
            f.warn(Finding.Type.INVALID, k.path().child("resources").child("claims"), null, "devices claimed through Dynamic "
                    + "Resource Allocation are not counted by this cluster's GPU caps (webhook.gpu.max-per-replica, "
                    + "webhook.gpu.max-per-service), which read requests and limits only: ask for GPUs there, or check the "
                    + "ResourceClaim's device count yourself");
        }
    }

    private static void checkContainer(Gpus.Container k, Set<String> names, Findings f) {
        JsonNode limits = k.node().path("resources").path("limits");
        JsonNode requests = k.node().path("resources").path("requests");
        FieldPath resources = null; // built when a finding or an extended resource needs it
        for (String name : Gpus.resourceNamesOf(k)) {
            if (!Gpus.isGpu(name, names)) {
                if (Gpus.isExtended(name)) {
                    resources = resources == null ? k.path().child("resources") : resources;
                    checkExtended(name, requests.get(name), limits.get(name), resources, f);
                }
                continue;
            }
            JsonNode limit = limits.get(name);
            JsonNode request = requests.get(name);
            if (limit == null && request == null) {
                continue; // the common case: no paths built, so a container costs a few lookups
            }
            Optional<Long> l = Quantities.positiveWhole(limit);
            Optional<Long> r = Quantities.positiveWhole(request);
            if (l.isPresent() && (request == null || r.isPresent() && r.get().equals(l.get()))) {
                continue; // valid (whole, in limits, equal to requests if given): no paths built
            }
            resources = resources == null ? k.path().child("resources") : resources;
            FieldPath lp = resources.child("limits").key(name);
            FieldPath rp = resources.child("requests").key(name);
            if (limit != null && l.isEmpty()) {
                f.deny(Finding.Type.INVALID, lp, limit, "must be a positive whole number of GPUs, e.g. 1 (got " + Json.show(limit) + ")");
            }
            if (request != null && r.isEmpty()) {
                f.deny(Finding.Type.INVALID, rp, request, "must be a positive whole number of GPUs, e.g. 1 (got " + Json.show(request) + ")");
            }
            if (request != null && limit == null) {
                f.deny(Finding.Type.REQUIRED, lp, null, "missing: Kubernetes takes GPUs from limits only; set " + lp + " to the same amount as " + rp);
            } else if (l.isPresent() && r.isPresent() && !l.get().equals(r.get())) {
                f.add(Action.DENY, Finding.Type.INVALID, List.of(rp, lp), null, "is " + r.get() + " but " + lp + " is " + l.get() + ": GPUs cannot be overcommitted, so requests must equal limits");
            }
        }
    }

    /** Kubernetes refuses a Pod whose extended resource is fractional, requested without a limit, or requested unlike its limit. */
    private static void checkExtended(String name, JsonNode request, JsonNode limit, FieldPath resources, Findings f) {
        FieldPath lp = resources.child("limits").key(name);
        FieldPath rp = resources.child("requests").key(name);
        Optional<Long> l = Quantities.whole(limit);
        Optional<Long> r = Quantities.whole(request);
        String why = ": " + name + " is an extended resource, which Kubernetes cannot split or overcommit (the Pod would be refused at creation)";
        if (limit != null && l.isEmpty()) {
            f.deny(Finding.Type.INVALID, lp, limit, "must be a whole number, e.g. 1 (got " + Json.show(limit) + ")" + why);
        }
        if (request != null && r.isEmpty()) {
            f.deny(Finding.Type.INVALID, rp, request, "must be a whole number, e.g. 1 (got " + Json.show(request) + ")" + why);
        }
        if (request != null && limit == null) {
            f.deny(Finding.Type.REQUIRED, lp, null, "missing" + why + "; set " + lp + " to the same amount as " + rp);
        } else if (l.isPresent() && r.isPresent() && !l.get().equals(r.get())) {
            f.add(Action.DENY, Finding.Type.INVALID, List.of(rp, lp), request, "is " + r.get() + " but " + lp + " is " + l.get() + why
                    + "; requests must equal limits");
        }
    }

    /** A component's part of an InferenceService's GPUs: its replicas at most, times its GPUs per replica. */
    private record Share(Component component, long replicas, long gpus) {
        @Override
        public String toString() {
            return component.label() + " " + replicas + " x " + gpus;
        }
    }

    private static void checkCaps(Review review, Set<String> names, Findings f) {
        OptionalInt perReplica = review.settings().get(MAX_PER_REPLICA);
        OptionalInt perService = review.settings().get(MAX_PER_SERVICE);
        if (perReplica.isEmpty() && perService.isEmpty()) {
            return;
        }
        long total = 0;
        List<Share> shares = new ArrayList<>(2);
        for (Component c : review.components()) {
            long gpus = Gpus.perReplica(c, names);
            if (gpus == 0) {
                continue;
            }
            if (perReplica.isPresent() && gpus > perReplica.getAsInt()) {
                // Counted: on UPDATE it is new only with more GPUs per replica than before (RULES.md §7, nothing gets worse).
                f.add(Action.DENY, Finding.Type.INVALID, List.of(c.path()), null, gpus, null, "asks for " + gpus
                        + " GPUs per replica, above this cluster's cap of " + perReplica.getAsInt() + " (webhook.gpu.max-per-replica)");
            }
            if (perService.isEmpty()) {
                continue;
            }
            Json.IntField max = Json.int32(c.spec(), "maxReplicas");
            long replicas;
            if (max.valid() && max.get() > 0) {
                replicas = countedReplicas(c);
            } else if (c.autoscaler().isKnative() && !c.isCanary()) {
                f.deny(c.field("maxReplicas"), "is " + (max.valid() ? "0" : "not set") + ", so this GPU component can grow without bound, while this cluster caps GPUs per InferenceService at "
                        + perService.getAsInt() + " (webhook.gpu.max-per-service): set maxReplicas");
                continue;
            } else {
                replicas = countedReplicas(c);
            }
            total = Gpus.plus(total, Gpus.times(gpus, replicas));
            shares.add(new Share(c, replicas, gpus));
        }
        if (perService.isPresent() && total > perService.getAsInt()) {
            // At the first component's maxReplicas, a path that stays whichever components ask for GPUs; counted: on UPDATE
            // it is new only with a larger total than before (RULES.md §7), however the components, their GPUs or the
            // gpu-resource-types annotation changed.
            f.add(Action.DENY, Finding.Type.INVALID, List.of(review.components().get(0).field("maxReplicas")), null, total, null, "up to " + total + " GPUs ("
                    + shares.stream().map(Share::toString).collect(java.util.stream.Collectors.joining(" + ")) + "), above this cluster's cap of "
                    + perService.getAsInt() + " per InferenceService (webhook.gpu.max-per-service): lower maxReplicas");
        }
    }

    /**
     * The replicas the per-service cap counts for a component: its {@code maxReplicas} when above 0, else its
     * {@code minReplicas} (at least 1; 1 when absent). A Knative component without {@code maxReplicas} is unbounded, which
     * {@link #checkCaps} refuses on its own.
     */
    static long countedReplicas(Component c) {
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        if (max.valid() && max.get() > 0) {
            return max.get();
        }
        Json.IntField min = Json.int32(c.spec(), "minReplicas");
        return Math.max(1, min.valid() ? min.get() : 1);
    }
}
