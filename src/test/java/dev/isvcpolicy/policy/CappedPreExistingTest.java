package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RULES.md §7 past {@link FindingCap}: an UPDATE that fixes one of more broken containers than the cap lists passes (the
 * findings then listed are not new), and one that breaks another container is refused.
 */
class CappedPreExistingTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CONTAINERS = FindingCap.MAX_PER_RULE + 2;

    /** An InferenceService whose containers each request a GPU without a limit, but those in {@code fixed}. */
    private static ObjectNode gpus(int... fixed) {
        ObjectNode o = MAPPER.createObjectNode().put("apiVersion", "serving.kserve.io/v1beta1").put("kind", "InferenceService");
        o.putObject("metadata").put("name", "gpu").put("namespace", "default").putObject("annotations")
                .put("serving.kserve.io/deploymentMode", "Standard");
        ArrayNode containers = o.putObject("spec").putObject("predictor").putArray("containers");
        for (int i = 0; i < CONTAINERS; i++) {
            ObjectNode resources = containers.addObject().put("name", "c" + i).put("image", "x").putObject("resources");
            resources.putObject("requests").put("nvidia.com/gpu", 1);
            for (int f : fixed) {
                if (f == i) {
                    resources.putObject("limits").put("nvidia.com/gpu", 1);
                }
            }
        }
        return o;
    }

    private static Decision update(ObjectNode old, ObjectNode now) {
        Decider decider = new Decider(new PolicyEngine(PolicySettings.defaults()), Exceptions.parse(Map.of()), Clock.systemUTC());
        return decider.decide(new Decider.Input(Stage.VALIDATE, "serving.kserve.io", "InferenceService", "UPDATE", "default", "gpu",
                now, old), ClusterState.NONE);
    }

    @Test
    void fixingOneOfMoreThanTheCapPasses() {
        Decision d = update(gpus(), gpus(0));
        assertEquals("allowed", d.verdict().label(), d.warningLines().toString());
        assertTrue(d.warningLines().stream().anyMatch(w -> w.startsWith("pre-existing: ")), d.warningLines().toString());
    }

    @Test
    void breakingAnotherWhileFixingOneIsRefused() {
        ObjectNode old = gpus(CONTAINERS - 1);
        Decision d = update(old, gpus(0)); // container 0 fixed, the last one broken anew: the same count
        assertEquals("denied", d.verdict().label(), d.findings().toString());
    }

    @Test
    void fixingTwoSoThatAllLeftAreListedPasses() {
        Decision d = update(gpus(), gpus(0, 1)); // 40 left, all listed now; the last two were only counted before
        assertEquals("allowed", d.verdict().label(), d.findings().toString());
    }

    @Test
    void moreBrokenContainersThanBeforeAreRefusedThoughTheSummaryStaysWhereItWas() {
        ObjectNode old = gpus();
        ObjectNode now = gpus();
        ArrayNode containers = (ArrayNode) now.path("spec").path("predictor").path("containers");
        containers.addObject().put("name", "new").put("image", "x").putObject("resources").putObject("requests").put("nvidia.com/gpu", 1);
        assertEquals("denied", update(old, now).verdict().label());
    }

    @Test
    void breakingAnUnlistedOneWhileFixingAListedOneIsRefused() {
        Decision d = update(gpus(CONTAINERS - 1), gpus(0)); // same count; the newly broken one is only counted
        assertEquals("denied", d.verdict().label(), d.findings().toString());
        Decision again = update(gpus(CONTAINERS - 2), gpus(0));
        assertEquals("denied", again.verdict().label(), again.findings().toString());
    }

    @Test
    void theCapSummaryCarriesItsCount() {
        FindingCap cap = new FindingCap();
        for (int i = 0; i < FindingCap.MAX_PER_RULE + 3; i++) {
            if (cap.hasRoom("r", Action.DENY)) {
                cap.kept("r", Action.DENY);
            } else {
                cap.leftOut("r", Action.DENY, FieldPath.of("spec", "x" + i));
            }
        }
        Finding summary = cap.summaries().get(0);
        assertEquals(3, FindingCap.leftOut(summary));
        assertEquals(-1, FindingCap.leftOut(new Finding("r", Action.DENY, "spec.x", "and 3 more reasons")));
    }
}
