package dev.isvcpolicy.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.Responses;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-service GPU cap names every field its total is counted from (RULES.md §7 compares them on UPDATE), but never
 * more than {@link GpuResourcesRule#MAX_COUNTED_FIELDS}: an object with thousands of GPU containers gets a bounded finding,
 * a bounded refusal and a bounded warning line.
 */
class GpuCapPathsTest {

    private static Finding cap(int containers) {
        ObjectNode isvc = RuleCases.YAML.createObjectNode();
        isvc.putObject("metadata").put("name", "g").putObject("annotations").put("serving.kserve.io/deploymentMode", "Standard");
        ObjectNode predictor = isvc.putObject("spec").putObject("predictor").put("minReplicas", 1).put("maxReplicas", 2);
        ArrayNode list = predictor.putArray("containers");
        for (int i = 0; i < containers; i++) {
            list.addObject().put("name", "c" + i).put("image", "i").putObject("resources").putObject("limits").put("nvidia.com/gpu", "1");
        }
        PolicyEngine engine = new PolicyEngine(PolicySettings.from(Map.of("webhook.gpu.max-per-service", "1")));
        return engine.validate(new PolicyEngine.Input(Operation.CREATE, isvc, null, "default", Optional.empty())).findings().stream()
                .filter(f -> f.ruleId().equals(GpuResourcesRule.ID) && f.message().startsWith("up to")).findFirst().orElseThrow();
    }

    @Test
    void aFewContainersAreNamedOneByOne() {
        assertEquals(List.of("spec.predictor.maxReplicas", "spec.predictor.containers[0].resources.limits[nvidia.com/gpu]",
                "spec.predictor.containers[1].resources.limits[nvidia.com/gpu]"), cap(2).paths());
    }

    @Test
    void thousandsOfContainersAreNamedAsTheSpec() {
        Finding f = cap(2000);
        assertEquals(List.of("spec.predictor.maxReplicas", "spec"), f.paths());
        assertTrue(f.line().length() < 400, f.line());
        assertTrue(Responses.invalid("uid", "serving.kserve.io", "InferenceService", "g", List.of(f), List.of(), Map.of()).getStatus()
                .getDetails().getCauses().size() <= Responses.MAX_CAUSES);
    }
}
