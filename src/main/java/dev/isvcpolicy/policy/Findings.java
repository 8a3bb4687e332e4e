package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects findings from every rule and component. The engine tells it which rule is running, so
 * rules only say where and what; a finding reported twice (an ISVC-level annotation judged once per
 * component) is kept once.
 *
 * <p>{@link #deny(FieldPath, String)} and {@link #warn(FieldPath, String)} report an
 * {@link Finding.Type#INVALID} value; the typed forms say which Kubernetes field error it is and carry
 * the offending value (cut out when longer than {@value Finding#MAX_VALUE} characters).
 */
public final class Findings {

    private final Set<Finding> findings = new LinkedHashSet<>();
    private String currentRule = "unknown";

    void startRule(String ruleId) {
        currentRule = ruleId;
    }

    public void deny(FieldPath path, String message) {
        add(Action.DENY, Finding.Type.INVALID, List.of(path), null, message);
    }

    public void warn(FieldPath path, String message) {
        add(Action.WARN, Finding.Type.INVALID, List.of(path), null, message);
    }

    public void add(Action action, FieldPath path, String message) {
        add(action, Finding.Type.INVALID, List.of(path), null, message);
    }

    /** A typed finding at one field; {@code value} is the offending value as written, or null. */
    public void deny(Finding.Type type, FieldPath path, Object value, String message) {
        add(Action.DENY, type, List.of(path), value, message);
    }

    public void warn(Finding.Type type, FieldPath path, Object value, String message) {
        add(Action.WARN, type, List.of(path), value, message);
    }

    /** A finding that involves several fields (the main one first), e.g. minReplicas above maxReplicas. */
    public void add(Action action, Finding.Type type, List<FieldPath> paths, Object value, String message) {
        List<String> rendered = new ArrayList<>(paths.size());
        paths.forEach(p -> rendered.add(p.toString()));
        findings.add(new Finding(currentRule, action, type, rendered, render(value), message, false));
    }

    /** A JSON scalar as text, a string as is; objects and arrays are not values a finding repeats. */
    private static String render(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNode node) {
            return node.isValueNode() && !node.isNull() ? node.asText() : null;
        }
        return value.toString();
    }

    public List<Finding> all() {
        return new ArrayList<>(findings);
    }
}
