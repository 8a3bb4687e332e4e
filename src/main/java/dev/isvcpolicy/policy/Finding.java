package dev.isvcpolicy.policy;

import java.util.List;

/**
 * One thing a validation found, shaped like a Kubernetes field error: which rule, what it does, the
 * kind of error ({@link Type}), every field involved (Kubernetes notation, e.g.
 * {@code spec.predictor.minReplicas}), the bad value when it is short, and a message that says what is
 * wrong and how to fix it.
 *
 * @param paths     every field involved, the main one first (never empty); a cross-field finding (min above
 *                  max) names both
 * @param value     the offending value as the user wrote it, at most {@value #MAX_VALUE} characters; null when
 *                  there is none (a missing field), it is longer, or it could be a secret
 * @param auditOnly true when the finding would deny but audit-only mode (or a namespace in {@code warn})
 *                  turned it into a warning
 * @param exceptedBy the key of the exception (RULES.md §5) that matched it, or null; an excepted finding has
 *                   action {@link Action#OFF}: neither denied nor warned, but recorded
 * @param preExisting true when the finding would deny but the same rule denied the unchanged value at the same
 *                   path on {@code oldObject} (RULES.md §7): it is a warning that starts with {@code pre-existing:}
 * @param subject    what the finding is about when its main path stands for more than one thing, e.g. {@code spec.transformer}
 *                   for a conflict reported at the InferenceService's class annotation; null otherwise. RULES.md §7 pairs a
 *                   deny with the old object's by rule, path and subject, so that one component's deny is never taken for
 *                   another's
 * @param measure    how much of what the finding counts there is, e.g. the GPUs an InferenceService may reach, when the
 *                   rule counts (a cap); -1 otherwise. For such a deny "nothing gets worse" (RULES.md §7) is a measure no
 *                   larger than the old object's
 */
public record Finding(String ruleId, Action action, Type type, List<String> paths, String value, String message, boolean auditOnly,
        String exceptedBy, boolean preExisting, String subject, long measure) {

    /** Longest value a finding carries; longer values are left out (the message still says what is wrong). */
    public static final int MAX_VALUE = 64;

    /**
     * The Kubernetes field error types ({@code k8s.io/apimachinery/pkg/util/validation/field}), each with
     * the reason the API server puts in {@code status.details.causes[].reason}.
     */
    public enum Type {
        /** A value that is malformed or out of range. */
        INVALID("Invalid", "FieldValueInvalid"),
        /** A field that must be set and is not. */
        REQUIRED("Required", "FieldValueRequired"),
        /** A value outside a closed set (an enum, a class name). */
        NOT_SUPPORTED("NotSupported", "FieldValueNotSupported"),
        /** A field or combination that is not allowed here, whatever its value. */
        FORBIDDEN("Forbidden", "FieldValueForbidden"),
        /** A value given twice where it must be unique. */
        DUPLICATE("Duplicate", "FieldValueDuplicate"),
        /** A value longer than allowed (a name, a string). */
        TOO_LONG("TooLong", "FieldValueTooLong");

        private final String label;
        private final String reason;

        Type(String label, String reason) {
            this.label = label;
            this.reason = reason;
        }

        /** As written in rule tables and the audit line, e.g. {@code NotSupported}. */
        public String label() {
            return label;
        }

        /** {@code causes[].reason}, e.g. {@code FieldValueNotSupported}. */
        public String reason() {
            return reason;
        }

        public static Type ofLabel(String label) {
            for (Type t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown field error type " + label);
        }
    }

    public Finding(String ruleId, Action action, Type type, List<String> paths, String value, String message, boolean auditOnly) {
        this(ruleId, action, type, paths, value, message, auditOnly, null, false, null, -1);
    }

    public Finding {
        if (paths == null || paths.isEmpty()) {
            throw new IllegalArgumentException("a finding names at least one field");
        }
        paths = List.copyOf(paths);
        if (value != null && value.length() > MAX_VALUE) {
            value = null;
        }
    }

    /** An {@link Type#INVALID} finding at one path, with no value. */
    public Finding(String ruleId, Action action, String path, String message) {
        this(ruleId, action, Type.INVALID, List.of(path), null, message, false);
    }

    /** The main field: where the finding points. */
    public String path() {
        return paths.get(0);
    }

    public Finding withAction(Action newAction, boolean lowered) {
        return new Finding(ruleId, newAction, type, paths, value, message, lowered, exceptedBy, preExisting, subject, measure);
    }

    /** Whether it would refuse the request but for pre-existence or an exception: it denies, or audit-only lowered it. */
    public boolean wouldDeny() {
        return action == Action.DENY || auditOnly;
    }

    /** This finding excepted by the exception {@code key}: recorded, neither denied nor warned. */
    public Finding excepted(String key) {
        return new Finding(ruleId, Action.OFF, type, paths, value, message, false, key, false, subject, measure);
    }

    /** This deny found unchanged on {@code oldObject}: a {@code pre-existing:} warning. */
    public Finding asPreExisting() {
        return new Finding(ruleId, Action.WARN, type, paths, value, message, false, null, true, subject, measure);
    }

    /**
     * The fields as one prefix, e.g. {@code spec.predictor.minReplicas, spec.predictor.maxReplicas}; beyond two, the main
     * one and how many more ({@code spec (and 4 more fields)}), so that the message and the rule id still fit a warning line
     * (the audit line and the refusal's causes list every field).
     */
    public String where() {
        if (paths.size() == 1) {
            return shown(paths.get(0));
        }
        if (paths.size() > 2) {
            return shown(paths.get(0)) + " (and " + (paths.size() - 1) + " more fields)";
        }
        return shown(paths.get(0)) + ", " + shown(paths.get(1));
    }

    /** A path as a line shows it: cut, its control characters escaped ({@link Texts#visible}: a map key is a user's text). */
    private static String shown(String path) {
        return Texts.visible(Texts.cut(path, MAX_SHOWN_PATH));
    }

    /** A path longer than this (a map key of thousands of characters) is shown cut in {@link #line()}. */
    static final int MAX_SHOWN_PATH = 2 * Texts.MAX_QUOTED;

    /** The line a user reads in {@code kubectl}'s output. */
    public String line() {
        if (preExisting) {
            return "pre-existing: " + where() + " already broke rule " + ruleId + " before this update, which does not change it; fix: "
                    + message + " [" + ruleId + "]";
        }
        if (exceptedBy != null) {
            return "(excepted by " + Texts.visible(Texts.cut(exceptedBy, Texts.MAX_QUOTED)) + ") " + where() + ": " + message + " [" + ruleId + "]";
        }
        return (auditOnly ? "(audit-only, would deny) " : "") + where() + ": " + message + " [" + ruleId + "]";
    }

    /**
     * The label metrics and audit annotations use, from a closed set: {@code deny}, {@code warn},
     * {@code audit-only-deny}, {@code pre-existing} or {@code excepted}.
     */
    public String outcome() {
        if (exceptedBy != null) {
            return "excepted";
        }
        if (preExisting) {
            return "pre-existing";
        }
        return auditOnly ? "audit-only-deny" : action.label();
    }

    /** The findings that have {@code action}, in their order; unmodifiable (a loop: this runs on every review). */
    public static List<Finding> withAction(List<Finding> findings, Action action) {
        if (findings.isEmpty()) {
            return List.of();
        }
        List<Finding> out = new java.util.ArrayList<>(findings.size());
        for (Finding f : findings) {
            if (f.action() == action) {
                out.add(f);
            }
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** Whether any finding has {@code action}. */
    public static boolean anyWithAction(List<Finding> findings, Action action) {
        for (Finding f : findings) {
            if (f.action() == action) {
                return true;
            }
        }
        return false;
    }
}
