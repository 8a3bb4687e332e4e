package dev.isvcpolicy.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * GPU and extended-resource amounts: the short path for JSON integers and digit strings (no {@link BigDecimal})
 * must answer as the quantity parser does, for every input.
 */
class QuantitiesTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The definition: parsed as a quantity, then a whole count within a quantity's int64 value (positive for GPUs). */
    private static Optional<Long> byParsing(JsonNode node, boolean positive) {
        return Quantities.parse(node).filter(v -> (positive ? v.signum() > 0 : v.signum() >= 0) && v.stripTrailingZeros().scale() <= 0
                && v.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0).map(BigDecimal::longValue);
    }

    @Provide
    Arbitrary<JsonNode> amounts() {
        Arbitrary<JsonNode> ints = Arbitraries.longs().map(JSON::numberNode);
        Arbitrary<JsonNode> small = Arbitraries.integers().between(-3, 20).map(JSON::numberNode);
        Arbitrary<JsonNode> texts = Arbitraries.strings().withChars("0123456789 .-+emMiGk").ofMaxLength(12).map(JSON::textNode);
        Arbitrary<JsonNode> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(11).map(JSON::textNode);
        Arbitrary<JsonNode> doubles = Arbitraries.doubles().map(JSON::numberNode);
        return Arbitraries.oneOf(ints, small, texts, digits, doubles);
    }

    @Property(tries = 2000)
    void theShortPathAnswersAsTheParser(@ForAll("amounts") JsonNode amount) {
        assertEquals(byParsing(amount, true), Quantities.positiveWhole(amount), "positiveWhole(" + amount + ")");
        assertEquals(byParsing(amount, false), Quantities.whole(amount), "whole(" + amount + ")");
    }

    /** The parser itself, by examples written out: the property above compares two paths that share its digit loop. */
    @Test
    void parsesByExample() {
        assertValue("12", "0012");
        assertValue("1", "+1");
        assertValue("1234567890", "1234567890"); // ten digits, past the short path
        assertValue("0.5", "500m");
        assertValue("4294967296", "4Gi");
        assertValue("1000", "1e3");
        assertEquals(Optional.empty(), Quantities.parse(""));
        assertEquals(Optional.empty(), Quantities.parse("\u0661\u0662"), "Arabic-Indic digits are not a quantity");
        assertEquals(Optional.empty(), Quantities.parse("\uFF11"), "nor a fullwidth one");
        assertEquals(Optional.empty(), Quantities.parse("1".repeat(65)), "over 64 characters");
        assertEquals(Optional.empty(), Quantities.whole(JSON.textNode("\u0661")));
        assertEquals(Optional.of(1234567890L), Quantities.whole(JSON.textNode("1234567890")));
    }

    private static void assertValue(String expected, String text) {
        BigDecimal got = Quantities.parse(text).orElseThrow(() -> new AssertionError("no value for " + text));
        assertEquals(0, new BigDecimal(expected).compareTo(got), text + " is " + expected + ", not " + got);
    }

    @Test
    void edges() {
        for (JsonNode node : List.of(JSON.numberNode(0), JSON.numberNode(1), JSON.numberNode(-1), JSON.numberNode(Integer.MAX_VALUE),
                JSON.numberNode(Integer.MAX_VALUE + 1L), JSON.numberNode(Long.MAX_VALUE), JSON.numberNode(BigInteger.TEN.pow(30)),
                JSON.textNode("0"), JSON.textNode("007"), JSON.textNode("999999999"), JSON.textNode("2147483648"), JSON.textNode(""),
                JSON.textNode(" 1"), JSON.textNode("1 "), JSON.textNode("+1"), JSON.textNode("1k"), JSON.textNode("500m"),
                JSON.numberNode(1.0), JSON.numberNode(0.5), JSON.booleanNode(true), JSON.nullNode())) {
            assertEquals(byParsing(node, true), Quantities.positiveWhole(node), "positiveWhole(" + node + ")");
            assertEquals(byParsing(node, false), Quantities.whole(node), "whole(" + node + ")");
        }
        assertEquals(Optional.of(7L), Quantities.whole(JSON.textNode("007")));
        assertEquals(Optional.of(2147483648L), Quantities.positiveWhole(JSON.textNode("2147483648")), "above int32, a whole count");
        assertEquals(Optional.of(8_000_000_000_000_000_000L), Quantities.positiveWhole(JSON.textNode("8E")));
        assertEquals(Optional.empty(), Quantities.positiveWhole(JSON.textNode("10E")), "above int64: no quantity value");
        assertEquals(Optional.empty(), Quantities.positiveWhole(JSON.numberNode(0)));
        assertEquals(Optional.empty(), Quantities.positiveWhole(null));
    }
}
