package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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

    public void warn(FieldPath path, String message) {
        add(Action.WARN, path, message);
    }

    /** Keeps the finding, or only counts it once its rule and action have {@value FindingCap#MAX_PER_RULE}. */
    public void add(Action action, FieldPath path, String message) {
        Finding f = new Finding(currentRule, action, path.toString(), message);
        if (!findings.contains(f) && cap.admit(currentRule, action, f.path())) {
            findings.add(f);
        }
    }

    /** The findings kept, then one per rule and action that says how many more were left out. */
    public List<Finding> all() {
        List<Finding> out = new ArrayList<>(findings);
        out.addAll(cap.summaries());
        return out;
    }
}
