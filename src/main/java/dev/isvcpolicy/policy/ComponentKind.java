package dev.isvcpolicy.policy;

/**
 * The kinds of components, each judged on its own: the parts of an InferenceService, and an InferenceGraph
 * (RULES.md §2 v2: the whole graph is one component at {@code spec}, named like the graph, whose annotations
 * are the graph's {@code metadata.annotations}).
 */
public enum ComponentKind {
    PREDICTOR("predictor"),
    TRANSFORMER("transformer"),
    EXPLAINER("explainer"),
    CANARY("canary"),
    /** An InferenceGraph: its scaling fields sit at {@code spec} itself; {@link #field()} is only its label. */
    GRAPH("graph");

    private final String field;

    ComponentKind(String field) {
        this.field = field;
    }

    /** The field under {@code spec}, e.g. {@code transformer} ({@code graph} for a graph, whose component is {@code spec}). */
    public String field() {
        return field;
    }
}
