package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Finding;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streamed answer is the mapper's answer: same JSON, for every shape {@link Responses} builds. */
class AnswerEncoderTest {

    private static void same(Object answer) throws Exception {
        assertTrue(AnswerEncoder.known(answer), "written by the encoder, not the fallback: " + answer);
        byte[] streamed = AnswerEncoder.encode(answer);
        byte[] mapped = ReviewCodec.encode(answer);
        JsonNode a = ReviewCodec.MAPPER.readTree(streamed);
        JsonNode b = ReviewCodec.MAPPER.readTree(mapped);
        assertEquals(b, a);
        // Field order too: the same bytes as the mapper's.
        assertEquals(new String(mapped, java.nio.charset.StandardCharsets.UTF_8), new String(streamed, java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(mapped, streamed);
    }

    private static Map<String, String> audit(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void everyShapeIsWrittenAsTheMapperWritesIt() throws Exception {
        same(Responses.review(Responses.allow("u-1", List.of(), Map.of())));
        same(Responses.review(Responses.allow("u-2", List.of("spec.predictor: ignored in Standard mode \"quoted\" é ☃ [knative-annotations]"),
                audit("decision", "allowed", "warned-by", "knative-annotations"))));
        same(Responses.review(Responses.patch("u-3", List.of(new PatchOp("add", "/spec/predictor/minReplicas", ReviewCodec.MAPPER.valueToTree(1), "default-min-replicas")),
                List.of("w1", "w2"), audit("decision", "patched", "mutated-by", "default-min-replicas"))));
        same(Responses.review(Responses.invalid("u-4", "serving.kserve.io", "InferenceService", "m",
                List.of(new Finding("scale-metric", Action.DENY, "spec.predictor.scaleMetric", "\"rps\" cannot drive KServe's HPA\n"),
                        new Finding("replica-bounds", Action.DENY, "spec.predictor.maxReplicas", "below minReplicas")),
                List.of("a warning"), audit("decision", "denied", "denied-by", "scale-metric,replica-bounds"))));
        same(Responses.review(Responses.refuse("u-5", 400, "BadRequest", "request.object must be the InferenceService as a JSON object")));
        same(Responses.review(Responses.refuse("u-6", 500, "InternalError", "the autoscaling webhook failed")));
        same(Responses.badRequest("body is not valid JSON: Unexpected character ('<' (code 60))"));
    }

    @Test
    void thePatchIsStreamedAsTheMapperWritesIt() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode annotations = ReviewCodec.MAPPER.createObjectNode()
                .put("autoscaling.knative.dev/metric", "concurrency").put("quoted \"é☃\"", "x\ny");
        annotations.putArray("list").add(1).add(2.5).add(true).addNull().addObject().put("deep", "v");
        List<PatchOp> ops = List.of(
                new PatchOp("add", "/spec/predictor/minReplicas", ReviewCodec.MAPPER.valueToTree(1), "default-min-replicas"),
                new PatchOp("replace", "/spec/predictor/scaleMetric", ReviewCodec.MAPPER.valueToTree("rps"), "scale-metric"),
                new PatchOp("add", "/spec/predictor/annotations", annotations, "knative-annotations"),
                new PatchOp("add", "/metadata/annotations/serving.kserve.io~1deploymentMode", ReviewCodec.MAPPER.valueToTree(1.5e300), "x"),
                new PatchOp("add", "/spec/x", ReviewCodec.MAPPER.getNodeFactory().booleanNode(false), "x"),
                new PatchOp("add", "/spec/y", ReviewCodec.MAPPER.getNodeFactory().nullNode(), "x"),
                new PatchOp("add", "/spec/z", ReviewCodec.MAPPER.getNodeFactory().numberNode(new java.math.BigInteger("123456789012345678901234567890")), "x"),
                new PatchOp("add", "/spec/d", ReviewCodec.MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal("0.10")), "x"),
                new PatchOp("add", "/spec/predictor/annotations", ReviewCodec.MAPPER.createObjectNode(), "knative-annotations"),
                new PatchOp("add", "/spec/e", ReviewCodec.MAPPER.createArrayNode(), "x"),
                new PatchOp("add", "/spec/b", ReviewCodec.MAPPER.getNodeFactory().binaryNode(new byte[] {1, 2, 3}), "x"),
                new PatchOp("add", "/spec/p", ReviewCodec.MAPPER.createObjectNode().putPOJO("java", List.of("a", 1)), "x"),
                new PatchOp("remove", "/spec/predictor/maxReplicas", null, "x"));
        for (int n = 0; n <= ops.size(); n++) {
            byte[] mapped = ReviewCodec.encode(PatchOp.toJson(ops.subList(0, n)));
            assertEquals(new String(mapped, java.nio.charset.StandardCharsets.UTF_8),
                    new String(Responses.patchJson(ops.subList(0, n)), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void anAnswerWithAFieldTheEncoderDoesNotKnowGoesThroughTheMapper() throws Exception {
        AdmissionResponse r = Responses.allow("u-7", List.of(), Map.of());
        r.setAdditionalProperty("extra", 1);
        AdmissionReview review = Responses.review(r);
        assertFalse(AnswerEncoder.known(review));
        JsonNode written = ReviewCodec.MAPPER.readTree(AnswerEncoder.encode(review));
        assertEquals(1, written.path("response").path("extra").asInt());
    }
}
