package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode tree(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    @Test
    void nonBlankTextIsAStringWithSomethingInIt() throws Exception {
        JsonNode m = tree("{\"name\":\"flowers\",\"blank\":\"  \",\"empty\":\"\",\"number\":7,\"nul\":null,\"obj\":{}}");
        assertEquals("flowers", Json.nonBlankText(m, "name"));
        assertNull(Json.nonBlankText(m, "blank"));
        assertNull(Json.nonBlankText(m, "empty"));
        assertNull(Json.nonBlankText(m, "number"));
        assertNull(Json.nonBlankText(m, "nul"));
        assertNull(Json.nonBlankText(m, "obj"));
        assertNull(Json.nonBlankText(m, "absent"));
        assertNull(Json.nonBlankText(null, "name"));
        assertNull(Json.nonBlankText(tree("[\"name\"]"), "name"));
        assertNull(Json.nonBlankText(tree("\"name\""), "name"));
    }

    @Test
    void nonBlankTextAgreesWithTextFilteredForBlanks() throws Exception {
        JsonNode m = tree("{\"a\":\"x\",\"b\":\" \",\"c\":1,\"d\":null,\"e\":[\"x\"]}");
        for (String key : new String[] {"a", "b", "c", "d", "e", "f"}) {
            Optional<String> viaText = Json.text(m, key).filter(t -> !t.isBlank());
            assertEquals(viaText.orElse(null), Json.nonBlankText(m, key), key);
        }
    }

    @Test
    void sameTreeComparesNumbersByValueAndEverythingElseExactly() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode ints = m.readTree("[{\"a\": 60, \"b\": \"x\"}]");
        com.fasterxml.jackson.databind.node.ArrayNode longs = m.createArrayNode();
        longs.addObject().put("b", "x").put("a", 60L);
        org.junit.jupiter.api.Assertions.assertNotEquals(ints, longs, "Jackson's equals tells an int from a long");
        org.junit.jupiter.api.Assertions.assertTrue(Json.sameTree(ints, longs));
        org.junit.jupiter.api.Assertions.assertTrue(Json.sameTree(m.readTree("60.0"), m.readTree("60")));
        org.junit.jupiter.api.Assertions.assertFalse(Json.sameTree(m.readTree("[{\"a\": 61, \"b\": \"x\"}]"), longs));
        org.junit.jupiter.api.Assertions.assertFalse(Json.sameTree(m.readTree("[{\"a\": \"60\", \"b\": \"x\"}]"), longs));
        org.junit.jupiter.api.Assertions.assertFalse(Json.sameTree(m.readTree("[{\"a\": 60}]"), longs));
        org.junit.jupiter.api.Assertions.assertFalse(Json.sameTree(null, longs));
    }
}
