package dev.isvcpolicy.policy.rules;

import java.util.Collection;
import java.util.Optional;

/**
 * A value that is one of a fixed set but for letter case or surrounding spaces ({@code KPA}, {@code "rps "}): the
 * controllers compare exactly, so it is refused, and the message names the value meant and how it differs.
 */
final class Spelling {

    private Spelling() {
    }

    /** The value of {@code valid} that {@code value} differs from only in letter case or surrounding spaces. */
    static Optional<String> meant(String value, Collection<String> valid) {
        String v = value.strip();
        return valid.stream().filter(k -> k.equalsIgnoreCase(v)).sorted().findFirst();
    }

    /** How {@code value} differs from {@code meant}, for messages: {@code spaces included} or {@code case-sensitively}. */
    static String difference(String value, String meant) {
        return meant.equals(value.strip()) ? "spaces included" : "case-sensitively";
    }
}
