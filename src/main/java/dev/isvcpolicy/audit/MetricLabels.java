package dev.isvcpolicy.audit;

import dev.isvcpolicy.policy.RuleRegistry;
import java.util.Set;

/**
 * Metric label values, each from a closed set: a value taken from a request is never a label of its
 * own (20,000 distinct {@code operation} strings would make 20,000 series and fill the heap). Anything
 * outside a set is {@value #OTHER}; null is {@value #UNKNOWN}.
 */
public final class MetricLabels {

    public static final String OTHER = "other";
    public static final String UNKNOWN = "unknown";

    /** Operations of {@code admission.k8s.io/v1}. */
    static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
    static final Set<String> ENDPOINTS = Set.of("mutate", "validate");
    static final Set<String> DECISIONS = Set.of("allowed", "patched", "denied", "exempt", "skipped", "bad-request", "error");
    static final Set<String> OUTCOMES = Set.of("deny", "warn", "audit-only-deny", "off", "pre-existing", "excepted");
    /** Every rule id of the registry, fixed at class load. */
    static final Set<String> RULES = Set.copyOf(RuleRegistry.catalog().keySet());

    private MetricLabels() {
    }

    public static String operation(String value) {
        return of(value, OPERATIONS);
    }

    public static String endpoint(String value) {
        return of(value, ENDPOINTS);
    }

    public static String decision(String value) {
        return of(value, DECISIONS);
    }

    public static String outcome(String value) {
        return of(value, OUTCOMES);
    }

    public static String rule(String value) {
        return of(value, RULES);
    }

    /** {@code value} when it is in {@code closed}, {@value #UNKNOWN} when null, else {@value #OTHER}. */
    static String of(String value, Set<String> closed) {
        if (value == null) {
            return UNKNOWN;
        }
        return closed.contains(value) ? value : OTHER;
    }
}
