package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 15 at the engine: findings capped without changing the decision; texts cut and escaped. */
class BoundsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode isvcWithContainers(int n, String request, boolean limit) {
        ObjectNode isvc = JSON.createObjectNode();
        isvc.put("apiVersion", "serving.kserve.io/v1beta1").put("kind", "InferenceService");
        isvc.putObject("metadata").put("name", "many").put("namespace", "default");
        ObjectNode predictor = isvc.putObject("spec").putObject("predictor");
        predictor.put("minReplicas", 1).put("maxReplicas", 2).put("scaleMetric", "concurrency");
        ArrayNode containers = predictor.putArray("containers");
        for (int i = 0; i < n; i++) {
            ObjectNode resources = containers.addObject().put("name", "c" + i).putObject("resources");
            resources.putObject("requests").put("nvidia.com/gpu", request);
            if (limit) {
                resources.putObject("limits").put("nvidia.com/gpu", request);
            }
        }
        return isvc;
    }

    private static PolicyEngine.ValidationResult validate(PolicySettings settings, ObjectNode isvc) {
        return new PolicyEngine(settings).validate(new PolicyEngine.Input(Operation.CREATE, isvc, null, "default", Optional.empty()));
    }

    @Test
    void findingsAreCappedPerRuleWithACountAndTheDecisionIsTheSame() {
        PolicyEngine.ValidationResult r = validate(PolicySettings.defaults(), isvcWithContainers(1000, "1", false));
        List<Finding> gpu = r.findings().stream().filter(f -> f.ruleId().equals("gpu-resources")).toList();
        assertEquals(FindingCap.MAX_PER_RULE + 1, gpu.size(), "the first ones, then one that counts the rest");
        Finding last = gpu.get(gpu.size() - 1);
        assertTrue(last.message().startsWith("and " + (1000 - FindingCap.MAX_PER_RULE) + " more findings of this rule"), last.message());
        assertEquals("spec.predictor.containers[" + FindingCap.MAX_PER_RULE + "].resources.limits[nvidia.com/gpu]", last.path());
        assertFalse(r.allowed());

        PolicySettings warnOnly = PolicySettings.from(java.util.Map.of("webhook.rules.gpu-resources", "warn"));
        PolicyEngine.ValidationResult lowered = validate(warnOnly, isvcWithContainers(1000, "1", false));
        assertTrue(lowered.allowed(), "a configured action applies to the count as to the rest");
        assertEquals(FindingCap.MAX_PER_RULE + 1, lowered.warnings().stream().filter(f -> f.ruleId().equals("gpu-resources")).count());

        assertTrue(validate(PolicySettings.defaults(), isvcWithContainers(1000, "1", true)).findings().stream()
                .noneMatch(f -> f.ruleId().equals("gpu-resources")), "no finding, no count");
        assertEquals(FindingCap.MAX_PER_RULE, validate(PolicySettings.defaults(), isvcWithContainers(FindingCap.MAX_PER_RULE / 2, "0.5", false))
                .findings().stream().filter(f -> f.ruleId().equals("gpu-resources")).count(),
                "20 containers with 2 findings each: 40, all listed, no count");
    }

    @Test
    void hugeNumbersAreFindingsNotErrors() {
        for (String n : List.of("1e400", "1e999999999", "NaN", "Infinity", "9".repeat(1000), "-0")) {
            ObjectNode isvc = isvcWithContainers(1, n, true);
            PolicyEngine.ValidationResult r = validate(PolicySettings.defaults(), isvc);
            assertFalse(r.allowed(), n);
        }
        ObjectNode number = isvcWithContainers(1, "1", true);
        ObjectNode resources = (ObjectNode) number.path("spec").path("predictor").path("containers").get(0).path("resources");
        resources.with("limits").put("nvidia.com/gpu", Double.POSITIVE_INFINITY); // what a JSON reader makes of 1e400
        resources.with("requests").put("nvidia.com/gpu", Double.POSITIVE_INFINITY);
        assertFalse(validate(PolicySettings.defaults(), number).allowed());
        assertEquals(Optional.empty(), Json.decimal(JSON.getNodeFactory().numberNode(Double.NaN)));
        assertEquals(Optional.empty(), Json.decimal(JSON.getNodeFactory().numberNode(Double.NEGATIVE_INFINITY)));
    }

    @Test
    void textsAreCutMarkedAndEscaped() {
        assertEquals("abc", Texts.cut("abc", 3));
        assertEquals("ab...[cut, 4 chars]", Texts.cut("abcd", 2));
        String emoji = "a\ud83d\ude00b";
        assertEquals("a...[cut, 4 chars]", Texts.cut(emoji, 2), "a surrogate pair is not split");
        assertEquals("uid\\n{\"x\"}\\r\\t\\u0000\\u2028\\\\", Texts.log("uid\n{\"x\"}\r\t\u0000\u2028\\"));
        assertFalse(Texts.log("a\nb").contains("\n"));
        assertEquals("null", Texts.log(null));
        // What an answer escapes, a log line escapes too: a bidirectional override cannot reorder what an admin reads.
        assertEquals("a\\u202eb\\u0085\\ufeff", Texts.log("a\u202eb\u0085\ufeff"));
        assertTrue(Texts.log("x".repeat(10_000)).length() < Texts.MAX_VALUE + 30);
    }
}
