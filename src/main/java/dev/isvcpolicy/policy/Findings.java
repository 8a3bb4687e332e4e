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
    private String currentRule = "unknown";

    void startRule(String ruleId) {
        currentRule = ruleId;
    }

    public void deny(FieldPath path, String message) {
        findings.add(new Finding(currentRule, Action.DENY, path.toString(), message));
    }

    public void warn(FieldPath path, String message) {
        findings.add(new Finding(currentRule, Action.WARN, path.toString(), message));
    }

    public void add(Action action, FieldPath path, String message) {
        findings.add(new Finding(currentRule, action, path.toString(), message));
    }

    public List<Finding> all() {
        return new ArrayList<>(findings);
    }
}
