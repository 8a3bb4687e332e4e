package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Optional;

/** Null-safe, type-safe reads of an object that may hold anything: rules never throw on bad input. */
public final class Json {

    private Json() {
    }

    /** An integer field as the user wrote it: absent, a whole number, or something else. */
    public record IntField(boolean present, Long value, JsonNode raw) {
        public static final IntField ABSENT = new IntField(false, null, null);

        public boolean valid() {
            return value != null;
        }

        public boolean invalid() {
            return present && value == null;
        }

        public long get() {
            return value;
        }

        public boolean is(long expected) {
            return value != null && value == expected;
        }
    }

    /** The child node, or empty when absent or JSON null. */
    public static Optional<JsonNode> field(JsonNode parent, String name) {
        return Optional.ofNullable(child(parent, name));
    }

    // The reads below run many times on every review: plain checks, no Optional chains or method references, which
    // allocate and add code to a review's cold path (docs/performance-history.md, fifth pass).

    /** The child node, or null when the parent is not an object or the child is absent or JSON null. */
    private static JsonNode child(JsonNode parent, String name) {
        if (parent == null || !parent.isObject()) {
            return null;
        }
        JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    public static boolean has(JsonNode parent, String name) {
        return child(parent, name) != null;
    }

    public static Optional<ObjectNode> object(JsonNode parent, String name) {
        return child(parent, name) instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    }

    public static Optional<ArrayNode> array(JsonNode parent, String name) {
        return child(parent, name) instanceof ArrayNode a ? Optional.of(a) : Optional.empty();
    }

    /** A string field that is not blank, or null: {@link #text} without the {@code Optional}, for reads every review makes. */
    public static String nonBlankText(JsonNode parent, String name) {
        JsonNode node = child(parent, name);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /** A string field; numbers and booleans are not strings. */
    public static Optional<String> text(JsonNode parent, String name) {
        JsonNode node = child(parent, name);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    /** A whole number that fits int32 (as the CRD's int32 fields); {@code 2.0} counts, {@code "2"} does not. */
    public static IntField int32(JsonNode parent, String name) {
        Optional<JsonNode> node = field(parent, name);
        if (node.isEmpty()) {
            return IntField.ABSENT;
        }
        JsonNode n = node.get();
        if (n.isNumber() && n.canConvertToExactIntegral() && n.canConvertToInt()) {
            return new IntField(true, (long) n.intValue(), n);
        }
        return new IntField(true, null, n);
    }

    /** A number in any JSON spelling: a number, or a string holding a plain decimal; empty for anything else. */
    public static Optional<BigDecimal> decimal(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            return number(node);
        }
        if (node.isTextual()) {
            return parseDecimal(node.asText());
        }
        return Optional.empty();
    }

    /**
     * A JSON number as a decimal, or empty when it has none: a number too large for a double
     * ({@code 1e400} parses as infinity) or NaN. Never throws.
     */
    public static Optional<BigDecimal> number(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return Optional.empty();
        }
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
            return Optional.empty();
        }
        try {
            return Optional.of(node.decimalValue());
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A plain decimal of at most 64 characters ({@code 10}, {@code 0.5}, {@code 1e3}), or empty. Never throws. */
    public static Optional<BigDecimal> parseDecimal(String text) {
        if (text == null || text.isBlank() || text.length() > 64) {
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether two trees say the same, numbers compared by value: {@code 60} read from YAML may be a long where the
     * same {@code 60} from the API server's JSON is an int, and Jackson's {@code equals} tells them apart.
     */
    public static boolean sameTree(JsonNode a, JsonNode b) {
        return a != null && b != null && a.equals(NUMBERS_BY_VALUE, b);
    }

    private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) -> {
        if (x.equals(y)) {
            return 0;
        }
        if (x.isNumber() && y.isNumber()) {
            Optional<BigDecimal> dx = number(x);
            Optional<BigDecimal> dy = number(y);
            return dx.isPresent() && dy.isPresent() && dx.get().compareTo(dy.get()) == 0 ? 0 : 1;
        }
        return 1;
    };

    /** An absolute http(s) URL with a host, e.g. {@code http://prometheus.monitoring.svc:9090}. */
    public static boolean isHttpUrl(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** How a value reads in a message: {@code "two"}, {@code 5}, {@code {...}}. */
    public static String show(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isContainerNode()) {
            return node.isArray() ? "a list" : "an object";
        }
        String text = node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
