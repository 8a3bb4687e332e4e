package dev.isvcpolicy.admission;

/** The two admission endpoints. */
public enum Endpoint {
    /** {@code POST /mutate}: defaults and conversions, as a JSON Patch. */
    MUTATE("mutate"),
    /** {@code POST /validate}: every finding; any deny refuses the object. */
    VALIDATE("validate");

    private final String label;

    Endpoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
