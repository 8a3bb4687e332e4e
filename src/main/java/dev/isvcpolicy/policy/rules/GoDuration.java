package dev.isvcpolicy.policy.rules;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go's {@code time.ParseDuration} syntax ({@code 60s}, {@code 1m30s}, {@code 1.5h}), as Knative reads its annotations. */
final class GoDuration {

    private GoDuration() {
    }

    private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

    /** The duration in seconds, or empty when Go would not parse it. */
    static Optional<BigDecimal> seconds(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if ("0".equals(s)) {
            return Optional.of(BigDecimal.ZERO);
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        BigDecimal total = BigDecimal.ZERO;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || ".".equals(m.group(1))) {
                return Optional.empty();
            }
            BigDecimal amount = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
            BigDecimal unit = switch (m.group(2)) {
                case "ns" -> new BigDecimal("1e-9");
                case "us", "µs", "μs" -> new BigDecimal("1e-6");
                case "ms" -> new BigDecimal("1e-3");
                case "s" -> BigDecimal.ONE;
                case "m" -> BigDecimal.valueOf(60);
                default -> BigDecimal.valueOf(3600);
            };
            total = total.add(amount.multiply(unit));
            at = m.end();
        }
        return Optional.of(negative ? total.negate() : total);
    }
}
