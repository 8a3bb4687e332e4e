package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentMutation;
import dev.isvcpolicy.policy.Edits;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;

/** No {@code minReplicas}: write the configured default (1), so no component scales to zero by accident. */
public final class DefaultMinReplicasRule implements ComponentMutation {

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
    public boolean appliesTo(Component c, Review review) {
        return !Json.has(c.spec(), "minReplicas");
    }

    @Override
    public void mutate(Component c, Review review, Edits edits) {
        edits.set(c.field("minReplicas"), review.settings().defaultMinReplicas());
    }
}
