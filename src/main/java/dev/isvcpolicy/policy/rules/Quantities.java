package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities ({@code 2}, {@code 500m}, {@code 4Gi}, {@code 1e3}) as numbers. */
final class Quantities {

    private Quantities() {
    }

    private static final Pattern QUANTITY =
            Pattern.compile("^([+-]?[0-9]+(?:\\.[0-9]*)?|[+-]?\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]{1,3})?$");

    /** The value of a quantity (a JSON number or a quantity string), or empty when it is not one. Never throws. */
    static Optional<BigDecimal> parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            return dev.isvcpolicy.policy.Json.number(node); // 1e400 as a JSON number is infinity: not a quantity
        }
        return node.isTextual() ? parse(node.asText()) : Optional.empty();
    }

    static Optional<BigDecimal> parse(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        int digits = plainDigits(text);
        if (digits >= 0) {
            return Optional.of(BigDecimal.valueOf(digits)); // "1", "8": the common case, no pattern
        }
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return Optional.of(number);
        }
        BigDecimal factor = switch (suffix) {
            case "Ki" -> BigDecimal.valueOf(1L << 10);
            case "Mi" -> BigDecimal.valueOf(1L << 20);
            case "Gi" -> BigDecimal.valueOf(1L << 30);
            case "Ti" -> BigDecimal.valueOf(1L << 40);
            case "Pi" -> BigDecimal.valueOf(1L << 50);
            case "Ei" -> BigDecimal.valueOf(1L << 60);
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
        return Optional.of(number.multiply(factor));
    }

    /** The largest count a Kubernetes quantity holds as a whole number (its int64 value), e.g. {@code "8E"} fits. */
    private static final BigDecimal LARGEST = BigDecimal.valueOf(Long.MAX_VALUE);

    /** A positive whole count, as GPUs must be: {@code 1}, {@code "2"}; not {@code 0}, {@code 0.5}, {@code 500m}. */
    static Optional<Long> positiveWhole(JsonNode node) {
        long small = smallWhole(node);
        if (small >= 0) {
            return small > 0 ? Optional.of(small) : Optional.empty();
        }
        return parse(node).filter(v -> v.signum() > 0 && v.stripTrailingZeros().scale() <= 0
                && v.compareTo(LARGEST) <= 0).map(BigDecimal::longValue);
    }

    /** A whole count of 0 or more, as every extended resource must be: {@code 0}, {@code "6"}; not {@code 0.5}, {@code 500m}. */
    static Optional<Long> whole(JsonNode node) {
        long small = smallWhole(node);
        if (small >= 0) {
            return Optional.of(small);
        }
        return parse(node).filter(v -> v.signum() >= 0 && v.stripTrailingZeros().scale() <= 0
                && v.compareTo(LARGEST) <= 0).map(BigDecimal::longValue);
    }

    /**
     * The common case without {@link BigDecimal}: a JSON integer or a string of at most nine digits, from 0 to
     * {@link Integer#MAX_VALUE}; -1 for anything else, which is then parsed as a quantity.
     */
    private static long smallWhole(JsonNode node) {
        if (node == null) {
            return -1;
        }
        if (node.isInt() || node.isLong()) {
            long v = node.longValue();
            return v >= 0 && v <= Integer.MAX_VALUE ? v : -1;
        }
        return node.isTextual() ? plainDigits(node.textValue()) : -1;
    }

    /** The value of one to nine ASCII digits ({@code "1"}, {@code "0012"}), or -1 for any other text. */
    private static int plainDigits(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
        }
        return Integer.parseInt(text);
    }
}
