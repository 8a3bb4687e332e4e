package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Autoscaler;

import java.util.List;
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
     * what {@code /mutate} wrote): above the component's {@code maxReplicas} it writes {@code maxReplicas}
     * ({@code replica-bounds} refuses min above max), and 0 under an HPA it writes 1 ({@code scale-to-zero} refuses 0
     * there), each with a notice.
     */
    @Override
    public void mutate(Component c, Review review, Edits edits) {
        int value = review.settings().get(MIN_REPLICAS);
        String why = null;
        Json.IntField max = Json.int32(c.spec(), "maxReplicas");
        if (max.valid() && max.get() > 0 && value > max.get()) {
            why = "the configured default " + value + " (" + MIN_REPLICAS.key() + ") is above maxReplicas " + max.get();
            value = (int) max.get();
        }
        if (value == 0 && (c.autoscaler() == Autoscaler.HPA || c.autoscaler() == Autoscaler.KNATIVE_HPA)) {
            why = "the configured default 0 (" + MIN_REPLICAS.key() + ") cannot apply under an HPA, which does not scale to zero";
            value = 1;
        }
        if (edits.set(c.field("minReplicas"), value) && why != null) {
            edits.notice(c.field("minReplicas"), "set to " + value + ": " + why);
        }
    }
}
