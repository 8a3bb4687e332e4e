package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Collects findings from every rule and component. The engine tells it which rule is running, so
 * rules only say where and what; a finding reported twice (an ISVC-level annotation judged once per
 * component) is kept once.
 */
public final class Findings {

    private final Set<Finding> findings = new LinkedHashSet<>();
    private final FindingCap cap = new FindingCap();
    private String currentRule = "unknown";

    void startRule(String ruleId) {
        currentRule = ruleId;
    }

    public void deny(FieldPath path, String message) {
        add(Action.DENY, path, message);
    }

    /** A deny whose message is built only if it is kept (rules that may report once per container). */
    public void deny(FieldPath path, Supplier<String> message) {
        add(Action.DENY, path, message);
    }

    public void warn(FieldPath path, String message) {
        add(Action.WARN, path, message);
    }

    /** Keeps the finding, or only counts it once its rule and action have {@value FindingCap#MAX_PER_RULE}. */
    public void add(Action action, FieldPath path, String message) {
        add(action, path, () -> message);
    }

    /** As {@link #add(Action, FieldPath, String)}, building the message only for a finding that is kept. */
    public void add(Action action, FieldPath path, Supplier<String> message) {
        if (!cap.hasRoom(currentRule, action)) {
            cap.leftOut(currentRule, action, path);
            return;
        }
        if (findings.add(new Finding(currentRule, action, path.toString(), message.get()))) {
            cap.kept(currentRule, action);
        }
    }

    /** The findings kept, then one per rule and action that says how many more were left out. */
    public List<Finding> all() {
        List<Finding> out = new ArrayList<>(findings);
        out.addAll(cap.summaries());
        return out;
    }
}
