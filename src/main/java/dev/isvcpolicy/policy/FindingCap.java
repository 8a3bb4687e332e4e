package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounds how many findings one review keeps, so that an object with tens of thousands of broken
 * containers costs a bounded answer, audit line and memory. Up to {@value #MAX_PER_RULE} findings are
 * kept per rule and action; further ones are only counted (not built, not compared with the others),
 * and {@link #summaries()} gives one finding per rule and action that says how many more there were.
 * The decision cannot change: every rule and action that found anything keeps at least one finding,
 * and a configured action applies to all findings of a rule alike.
 */
public final class FindingCap {

    /**
     * Findings kept per rule and action in one review: below the 50 causes of a refusal, so that a rule's
     * findings and the one that counts the rest fit in the answer together.
     */
    public static final int MAX_PER_RULE = 40;

    private static final class Tally {
        final String ruleId;
        final Action action;
        int kept;
        int more;
        String firstLeftOut;

        Tally(String ruleId, Action action) {
            this.ruleId = ruleId;
            this.action = action;
        }
    }

    private final Map<String, Tally> tallies = new HashMap<>();
    private final int max;
    private String lastRule;
    private final Tally[] last = new Tally[Action.values().length];

    /** The cap of a review: {@value #MAX_PER_RULE} findings per rule and action. */
    public FindingCap() {
        this(MAX_PER_RULE);
    }

    /** A cap of {@code max} findings per rule and action ({@link Integer#MAX_VALUE}: none, see {@code PreExisting}). */
    FindingCap(int max) {
        this.max = max;
    }

    private Tally tally(String ruleId, Action action) {
        if (!ruleId.equals(lastRule)) { // rules report in runs: one map lookup per rule, not per finding
            lastRule = ruleId;
            java.util.Arrays.fill(last, null);
        }
        Tally t = last[action.ordinal()];
        if (t == null) {
            t = tallies.computeIfAbsent(ruleId + '\u0000' + action, k -> new Tally(ruleId, action));
            last[action.ordinal()] = t;
        }
        return t;
    }

    /** True while this rule and action have kept fewer than {@value #MAX_PER_RULE} findings. */
    public boolean hasRoom(String ruleId, Action action) {
        return tally(ruleId, action).kept < max;
    }

    /** One more finding of this rule and action is kept. */
    public void kept(String ruleId, Action action) {
        tally(ruleId, action).kept++;
    }

    /** One more finding of this rule and action is left out; the first one's path is remembered. */
    public void leftOut(String ruleId, Action action, FieldPath path) {
        Tally t = tally(ruleId, action);
        if (t.more++ == 0) {
            t.firstLeftOut = path.toString();
        }
    }

    private static final String MORE = " more findings of this rule from here on, not listed (the first " + MAX_PER_RULE + " are)";
    private static final java.util.regex.Pattern SUMMARY = java.util.regex.Pattern.compile(
            "and (\\d{1,9})" + java.util.regex.Pattern.quote(MORE) + ".*");

    /** How many findings a summary of {@link #summaries()} counts, or -1 for any other finding. */
    static int leftOut(Finding f) {
        if (f.message() == null || !f.message().startsWith("and ")) {
            return -1;
        }
        java.util.regex.Matcher m = SUMMARY.matcher(f.message());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** One finding per rule and action that had more than {@value #MAX_PER_RULE}, at the first one left out. */
    public List<Finding> summaries() {
        List<Finding> out = new ArrayList<>();
        for (Tally t : tallies.values()) {
            if (t.more > 0) {
                out.add(new Finding(t.ruleId, t.action, t.firstLeftOut, "and " + t.more + MORE + ": fix those and apply again"));
            }
        }
        out.sort(java.util.Comparator.comparing(Finding::ruleId).thenComparing(f -> f.action().name()));
        return out;
    }
}
