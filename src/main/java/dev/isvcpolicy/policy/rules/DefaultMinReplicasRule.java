package dev.isvcpolicy.policy.rules;

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

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        edits.set(c.field("minReplicas"), review.settings().get(MIN_REPLICAS));
    }
}
