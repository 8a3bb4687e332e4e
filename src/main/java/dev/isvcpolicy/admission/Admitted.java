package dev.isvcpolicy.admission;

import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.Stage;
import java.util.Arrays;
import java.util.List;

/**
 * What the API server sends to each endpoint (RULES.md §1), from {@link Kind}. The webhook configurations
 * in {@code k8s/} register exactly this ({@code ManifestsTest} checks paths, resources and operations).
 */
public final class Admitted {

    /** The operations judged, e.g. {@code [CREATE, UPDATE]}; anything else is admitted untouched. */
    public static final List<String> OPERATIONS = Arrays.stream(Operation.values()).map(Enum::name).toList();

    private Admitted() {
    }

    /** The HTTP path of an endpoint, e.g. {@code /mutate}. */
    public static String path(Endpoint endpoint) {
        return "/" + endpoint.label();
    }

    /** The kinds registered for an endpoint. */
    public static List<Kind> resources(Endpoint endpoint) {
        Stage stage = endpoint == Endpoint.MUTATE ? Stage.MUTATE : Stage.VALIDATE;
        return Arrays.stream(Kind.values()).filter(k -> k.judgedBy(stage)).toList();
    }
}
