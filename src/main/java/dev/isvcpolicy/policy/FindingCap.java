package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds how many findings one review keeps, so that an object with tens of thousands of broken
 * containers costs a bounded answer, audit line and memory. Up to {@value #MAX_PER_RULE} findings are
 * kept per rule and action; further ones are only counted, and {@link #summaries()} gives one finding
 * per rule and action that says how many more there were. The decision cannot change: every rule and
 * action that found anything keeps at least one finding, and a configured action applies to all
 * findings of a rule alike.
 */
public final class FindingCap {

    /**
     * Findings kept per rule and action in one review: below the 50 causes of a refusal, so that a rule's
     * findings and the one that counts the rest fit in the answer together.
     */
    public static final int MAX_PER_RULE = 40;

    private final Map<String, Overflow> overflow = new HashMap<>();
    private final Map<String, Integer> kept = new HashMap<>();

    private static final class Overflow {
        final String ruleId;
        final Action action;
        final String firstPath;
        int count;

        Overflow(String ruleId, Action action, String firstPath) {
            this.ruleId = ruleId;
            this.action = action;
            this.firstPath = firstPath;
        }
    }

    /** True when one more finding of this rule and action is kept; false when it is only counted. */
    public boolean admit(String ruleId, Action action, String path) {
        String key = ruleId + '\u0000' + action;
        int n = kept.merge(key, 1, Integer::sum);
        if (n <= MAX_PER_RULE) {
            return true;
        }
        overflow.computeIfAbsent(key, k -> new Overflow(ruleId, action, path)).count++;
        return false;
    }

    /** One finding per rule and action that had more than {@value #MAX_PER_RULE}, at the first one left out. */
    public List<Finding> summaries() {
        List<Finding> out = new ArrayList<>();
        for (Overflow o : overflow.values()) {
            out.add(new Finding(o.ruleId, o.action, o.firstPath, "and " + o.count + " more findings of this rule from here on,"
                    + " not listed (the first " + MAX_PER_RULE + " are): fix those and apply again"));
        }
        out.sort(java.util.Comparator.comparing(Finding::ruleId).thenComparing(f -> f.action().name()));
        return out;
    }
}
