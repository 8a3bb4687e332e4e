package dev.isvcpolicy.policy;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What Knative's {@code config-autoscaler} ConfigMap (namespace {@code knative-serving}) says about the
 * limits Knative's own webhook applies to a revision, frozen for the rules. {@link #UNKNOWN} when it is not
 * read (no cluster, lookups off, not synced, absent): the checks that need it are skipped.
 *
 * @param maxScaleLimit         {@code max-scale-limit}: a revision's max-scale may not exceed it when positive
 *                              (0: no limit); empty when unknown or unparsable
 * @param allowZeroInitialScale {@code allow-zero-initial-scale}: whether {@code initial-scale: 0} is allowed;
 *                              empty when unknown or unparsable
 * @param detail                where the values came from, for messages and the log
 */
public record KnativeLimits(OptionalInt maxScaleLimit, Optional<Boolean> allowZeroInitialScale, String detail) {

    /** Nothing known: no check that needs the ConfigMap is made. */
    public static final KnativeLimits UNKNOWN = new KnativeLimits(OptionalInt.empty(), Optional.empty(), "unknown");

    /** ConfigMap name and namespace, as Knative installs them. */
    public static final String CONFIG_MAP = "config-autoscaler";
    public static final String NAMESPACE = "knative-serving";

    public boolean known() {
        return maxScaleLimit.isPresent() || allowZeroInitialScale.isPresent();
    }

    /**
     * The limits a ConfigMap's {@code data} says, read as Knative reads them: a missing key has Knative's
     * default ({@code max-scale-limit} 0, {@code allow-zero-initial-scale} false); a value Knative would not
     * parse (it then refuses the whole ConfigMap and keeps its last good one) leaves that limit unknown.
     */
    public static KnativeLimits fromData(Map<String, String> data) {
        Map<String, String> d = data == null ? Map.of() : data;
        OptionalInt limit = OptionalInt.of(0);
        String rawLimit = d.get("max-scale-limit");
        if (rawLimit != null) {
            try {
                int v = Integer.parseInt(rawLimit.strip());
                limit = v < 0 ? OptionalInt.empty() : OptionalInt.of(v);
            } catch (NumberFormatException e) {
                limit = OptionalInt.empty();
            }
        }
        Optional<Boolean> allowZero = Optional.of(false);
        String rawZero = d.get("allow-zero-initial-scale");
        if (rawZero != null) {
            allowZero = goBool(rawZero.strip());
        }
        return new KnativeLimits(limit, allowZero, "ConfigMap " + NAMESPACE + "/" + CONFIG_MAP);
    }

    /** Go's {@code strconv.ParseBool}, which Knative's ConfigMap parser uses. */
    static Optional<Boolean> goBool(String v) {
        return switch (v) {
            case "1", "t", "T", "true", "TRUE", "True" -> Optional.of(true);
            case "0", "f", "F", "false", "FALSE", "False" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
