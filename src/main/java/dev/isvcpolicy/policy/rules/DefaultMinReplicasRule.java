package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Autoscaler;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Setting;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;

/** No {@code minReplicas}: write the configured default (1), so no component scales to zero by accident. */
public final class DefaultMinReplicasRule implements ComponentMutation {

    /** The minReplicas written when absent. */
    public static final Setting<Integer> MIN_REPLICAS = Setting.integer("webhook.defaults.min-replicas", 1, 0, Integer.MAX_VALUE,
            "minReplicas written when absent, e.g. 1.");

    @Override
    public List<Setting<?>> settings() {
        return List.of(MIN_REPLICAS);
    }

    public static final String ID = "default-min-replicas";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "minReplicas absent: write the configured default (1)";
    }

    @Override
    public String why() {
        return "An explicit minReplicas makes the object say how many replicas run at least, so the rules after it (scale-to-zero, the caps) judge a real number instead of a default buried in KServe's controller.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "minReplicas");
    }

    /**
     * Writes the configured default, unless that would make a valid object invalid (RULES.md §1: {@code /validate} accepts
     * what {@code /mutate} wrote), each with a notice:
     * <ul>
     * <li>above the component's {@code maxReplicas} it writes {@code maxReplicas} ({@code replica-bounds} refuses min above max),
     * and above {@code webhook.replicas.max-ceiling} the ceiling;</li>
     * <li>in Knative mode, above the component's {@code autoscaling.knative.dev/activation-scale} it writes that scale
     * (Knative refuses an activation scale below min-scale: {@code knative-annotations});</li>
     * <li>in Standard mode without {@code maxReplicas}, where {@code webhook.gpu.max-per-service} counts minReplicas replicas, at
     * most the replicas of this component's GPUs that fit what the other components leave of the cap (at least 1);</li>
     * <li>0 where nothing would ever bring the component back from zero it writes 1: under an HPA, which does not scale
     * to zero ({@code scale-to-zero}); under KEDA on cpu/memory alone, including the {@code scaleMetric} that
     * {@code keda-metrics} converts next ({@code scale-to-zero}); and where KServe pins the replicas at
     * {@code minReplicas} (class {@code none}, or {@code keda} without {@code autoScaling}: RULES.md §2).</li>
     * </ul>
     */
    @Override
    public void mutate(Component c, Review review, Edits edits) {
        int value = review.settings().get(MIN_REPLICAS);
        String why = null;
        String configured = "the configured default " + value + " (" + MIN_REPLICAS.key() + ")";
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        OptionalInt ceiling = review.settings().get(ReplicaBoundsRule.MAX_CEILING);
        if (max.valid() && max.get() > 0 && value > max.get()) {
            why = configured + " is above maxReplicas " + max.get();
            value = (int) max.get();
        } else if (ceiling.isPresent() && value > ceiling.getAsInt()) {
            why = configured + " is above this cluster's ceiling (" + ReplicaBoundsRule.MAX_CEILING.key() + ")";
            value = ceiling.getAsInt();
        }
        OptionalLong activation = review.mode() == DeploymentMode.KNATIVE ? activationScale(c, review) : OptionalLong.empty();
        if (activation.isPresent() && value > activation.getAsLong()) {
            why = configured + " is above the activation-scale " + activation.getAsLong() + " of the " + c.label()
                    + ", and Knative refuses an activation scale below min-scale";
            value = (int) activation.getAsLong();
        }
        OptionalInt perService = review.settings().get(GpuResourcesRule.MAX_PER_SERVICE);
        if (perService.isPresent() && value > 1 && review.mode() != DeploymentMode.KNATIVE && !(max.valid() && max.get() > 0)) {
            // Without maxReplicas the per-service cap counts minReplicas replicas (gpu-resources): what the other components
            // count already (1 replica for one whose minReplicas is not written yet, the least it gets) leaves this one the rest.
            java.util.Set<String> names = Gpus.resourceNames(review);
            long gpus = Gpus.perReplica(c, names);
            if (gpus > 0) {
                long others = 0;
                for (Component o : review.components()) {
                    if (!o.path().equals(c.path())) {
                        others = Gpus.plus(others, Gpus.times(GpuResourcesRule.countedReplicas(o), Gpus.perReplica(o, names)));
                    }
                }
                long left = perService.getAsInt() - others;
                int fits = (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / gpus));
                if (fits < value) {
                    why = configured + " times the " + gpus + " GPUs per replica of the " + c.label() + " would take this InferenceService "
                            + "above this cluster's cap of " + perService.getAsInt() + " GPUs (" + GpuResourcesRule.MAX_PER_SERVICE.key() + ")";
                    value = fits;
                }
            }
        }
        if (value == 0) {
            String never = neverFromZero(c, review);
            if (never != null) {
                why = "the configured default 0 (" + MIN_REPLICAS.key() + ") cannot apply: " + never;
                value = 1;
            }
        }
        if (edits.set(c.field("minReplicas"), value) && why != null) {
            edits.notice(c.field("minReplicas"), "set to " + value + ": " + why);
        }
    }

    /** Why nothing would bring this component back from 0 replicas, or {@code null} when something would. */
    private static String neverFromZero(Component c, Review review) {
        return switch (c.autoscaler()) {
            case HPA, KNATIVE_HPA -> "an HPA does not scale to zero";
            case NONE -> Scaling.kedaClass(c, review)
                    ? "the " + c.label() + " has autoscalerClass keda but no autoScaling, so KServe treats it as none and pins it at minReplicas"
                    : "with autoscalerClass none KServe pins the replicas at minReplicas";
            case KEDA -> kedaResourceOnly(c, review) ? "KEDA cannot scale to zero on cpu/memory alone" : null;
            default -> null;
        };
    }

    /**
     * Whether KEDA will scale this component on cpu/memory only: its {@code autoScaling.metrics}, or, while those are
     * absent or empty, what {@code keda-metrics} converts {@code scaleMetric} into (cpu when only {@code scaleTarget} is set);
     * false when nothing will be converted.
     */
    private static boolean kedaResourceOnly(Component c, Review review) {
        List<Scaling.Metric> metrics = Scaling.metrics(c);
        if (!metrics.isEmpty()) {
            return metrics.stream().allMatch(Scaling.Metric::isResource);
        }
        if (!review.settings().enabled(KedaMetricsRule.ID) || !Json.has(c.spec(), "scaleMetric") && !Json.has(c.spec(), "scaleTarget")) {
            return false; // nothing will be converted: no metric to judge (keda-metrics refuses a ScaledObject without one)
        }
        String metric = Scaling.scaleMetric(c).map(Scaling::fold).orElse("cpu");
        return "cpu".equals(metric) || "memory".equals(metric);
    }

    /**
     * The effective {@code autoscaling.knative.dev/activation-scale} when it is a whole number of at least 1, read as
     * {@code knative-annotations} reads it (spaces around, a {@code +}, leading zeros).
     */
    private static OptionalLong activationScale(Component c, Review review) {
        return review.effective(c, Annotations.KNATIVE_PREFIX + "activation-scale").map(a -> a.value().strip().replace("+", ""))
                .filter(v -> v.matches("[0-9]{1,18}")).map(v -> OptionalLong.of(Long.parseLong(v)))
                .filter(v -> v.getAsLong() >= 1 && v.getAsLong() <= Integer.MAX_VALUE).orElse(OptionalLong.empty());
    }
}
