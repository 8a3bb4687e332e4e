package dev.isvcpolicy.policy;

/** The kinds of InferenceService components, each judged on its own. */
public enum ComponentKind {
    PREDICTOR("predictor"),
    TRANSFORMER("transformer"),
    EXPLAINER("explainer"),
    CANARY("canary");

    private final String field;

    ComponentKind(String field) {
        this.field = field;
    }

    /** The field under {@code spec}, e.g. {@code transformer}. */
    public String field() {
        return field;
    }
}
