package dev.isvcpolicy.policy;

import java.util.Locale;
import java.util.Optional;

/**
 * How the policy acts in a namespace (RULES.md §2), from the namespace's label {@value #LABEL}:
 * {@code deny} (the default: every finding keeps its action), {@code warn} (every deny becomes a warning),
 * {@code off} (admitted untouched, as an exempt namespace).
 */
public enum Enforcement {
    DENY("deny"),
    WARN("warn"),
    OFF("off");

    /** The namespace label that sets it. */
    public static final String LABEL = "autoscaling-policy.isvcpolicy.dev/enforce";

    private final String label;

    Enforcement(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The enforcement a label value names; empty for anything else (which then counts as {@code deny}). */
    public static Optional<Enforcement> ofLabel(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Enforcement e : values()) {
            if (e.label.equals(v)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
