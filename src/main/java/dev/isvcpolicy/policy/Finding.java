package dev.isvcpolicy.policy;

import java.util.List;
import java.util.stream.Collectors;

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
 */
public record Finding(String ruleId, Action action, Type type, List<String> paths, String value, String message, boolean auditOnly) {

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
        return new Finding(ruleId, newAction, type, paths, value, message, lowered);
    }

    /** The fields as one prefix, e.g. {@code spec.predictor.minReplicas, spec.predictor.maxReplicas}. */
    public String where() {
        return paths.size() == 1 ? paths.get(0) : paths.stream().collect(Collectors.joining(", "));
    }

    /** The line a user reads in {@code kubectl}'s output. */
    public String line() {
        return (auditOnly ? "(audit-only, would deny) " : "") + where() + ": " + message + " [" + ruleId + "]";
    }

    /** The label metrics and audit annotations use: {@code deny}, {@code warn}, or {@code audit-only-deny}. */
    public String outcome() {
        return auditOnly ? "audit-only-deny" : action.label();
    }
}
