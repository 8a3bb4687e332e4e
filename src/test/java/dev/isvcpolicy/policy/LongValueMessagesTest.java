package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A refused value of thousands of characters is quoted cut ({@link Texts#MAX_QUOTED}), so that the line a user reads,
 * itself bounded at {@link Texts#MAX_MESSAGE}, still says what is wrong, how to fix it and which rule says so.
 */
class LongValueMessagesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String LONG = "A".repeat(3000);

    @ParameterizedTest
    @ValueSource(strings = {"serving.kserve.io/deploymentMode", "serving.kserve.io/autoscalerClass", "autoscaling.knative.dev/class",
            "autoscaling.knative.dev/metric", "autoscaling.knative.dev/target", "autoscaling.knative.dev/window",
            "autoscaling.knative.dev/initial-scale", "autoscaling.knative.dev/scale-down-delay", "sidecar.opentelemetry.io/inject"})
    void aLongAnnotationValueLeavesRoomForTheExplanationAndTheRuleId(String key) {
        ObjectNode object = MAPPER.createObjectNode();
        object.put("apiVersion", "serving.kserve.io/v1beta1").put("kind", "InferenceService");
        object.putObject("metadata").put("name", "n").put("namespace", "default").putObject("annotations").put(key, LONG);
        ObjectNode predictor = object.putObject("spec").putObject("predictor");
        predictor.putObject("annotations").put(key, LONG); // the component's own too (the OpenTelemetry one is read there)
        predictor.putObject("model").putObject("modelFormat").put("name", "sklearn");
        if (key.startsWith("sidecar.opentelemetry.io")) { // judged only for a component scaled by KEDA on an OpenTelemetry metric
            ((ObjectNode) object.path("metadata").path("annotations")).put("serving.kserve.io/deploymentMode", "Standard")
                    .put("serving.kserve.io/autoscalerClass", "keda");
            ObjectNode metric = predictor.putObject("autoScaling").putArray("metrics").addObject().put("type", "PodMetric").putObject("podmetric");
            metric.putObject("metric").put("backend", "opentelemetry").put("query", "vllm:num_requests_running")
                    .putArray("metricNames").add("vllm:num_requests_running");
            metric.putObject("target").put("type", "Value").put("value", "4");
        }
        PolicyEngine engine = new PolicyEngine(PolicySettings.defaults());
        PolicyEngine.Input input = new PolicyEngine.Input(Operation.CREATE, object, null, "default", Optional.empty());
        List<Finding> findings = engine.validate(input).findings();
        List<Finding> quoting = findings.stream().filter(f -> f.message().contains("AAAA")).toList();
        assertFalse(quoting.isEmpty(), key + ": some finding quotes the value: " + findings);
        for (Finding f : quoting) {
            String line = Texts.cut(f.line(), Texts.MAX_MESSAGE);
            assertTrue(line.endsWith("[" + f.ruleId() + "]"), key + ": the line keeps its rule id: " + line);
            assertFalse(f.message().contains("A".repeat(Texts.MAX_QUOTED + 1)), key + ": the value is quoted cut: " + f.message());
            assertTrue(f.message().contains("...[cut, 3000 chars]"), key + ": and says it was cut: " + f.message());
        }
    }

    @Test
    void shortValuesAndMessagesWithoutTheValueAreLeftAsTheyAre() {
        assertTrue(Findings.quoted("\"abc\" is wrong", "abc").equals("\"abc\" is wrong"));
        assertTrue(Findings.quoted("is wrong", LONG).equals("is wrong"));
        String common = "\"qps\" is not a metric of KServe's HPA: use \"cpu\" or \"memory\", as the CRD allows for this component";
        org.junit.jupiter.api.Assertions.assertSame(common, Findings.quoted(common, "qps"), "nothing to cut: the message itself");
        String unclosed = "\"" + LONG;
        assertTrue(Findings.quotesCut(unclosed).equals(unclosed), "an unclosed quote is left as it is");
        assertTrue(Findings.quoted(null, LONG) == null);
        String cut = Findings.quoted("\"" + LONG + "\" is wrong; \"" + LONG + "\" again", LONG);
        assertTrue(cut.equals("\"" + Texts.cut(LONG, Texts.MAX_QUOTED) + "\" is wrong; \"" + Texts.cut(LONG, Texts.MAX_QUOTED) + "\" again"), cut);
    }

    /**
     * Refusals as the API server gets them ({@code Responses.invalid}): every cause and every finding quoted in the
     * message keeps its {@code [rule-id]} within {@link Texts#MAX_MESSAGE} characters, whatever other long text (a second
     * quoted value, a long map key in the path, an object name) the finding carries. Inputs found by trying to break it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"long-dup-camel", "long-authmodes", "long-predictor-name", "long-resource-key", "name64-keda",
            "long-deployment-mode"})
    void everyCauseOfARefusalKeepsItsRuleId(String file) throws Exception {
        ObjectNode object;
        try (java.io.InputStream in = LongValueMessagesTest.class.getResourceAsStream("/long-values/" + file + ".yaml")) {
            object = (ObjectNode) new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(in);
        }
        PolicyEngine engine = new PolicyEngine(PolicySettings.defaults());
        PolicyEngine.MutationResult mutated = engine.mutate(new PolicyEngine.Input(Operation.CREATE, object, null, "default", Optional.empty()));
        PolicyEngine.ValidationResult result = engine.validate(
                new PolicyEngine.Input(Operation.CREATE, mutated.mutated(), null, "default", Optional.empty()));
        assertFalse(result.allowed(), file + " is refused");
        io.fabric8.kubernetes.api.model.Status status = dev.isvcpolicy.admission.Responses.invalid("u", "serving.kserve.io",
                "InferenceService", object.path("metadata").path("name").asText(), result.denials(), List.of(), java.util.Map.of())
                .getStatus();
        for (io.fabric8.kubernetes.api.model.StatusCause cause : status.getDetails().getCauses()) {
            String m = cause.getMessage();
            assertTrue(m.length() <= Texts.MAX_MESSAGE, file + ": cause of " + m.length() + " characters");
            if (!m.startsWith("and ")) {
                assertTrue(m.matches("(?s).*\\[[a-z-]+\\]$"), file + ": the cause keeps its rule id: " + m);
            }
        }
        for (Finding f : result.denials()) {
            assertTrue(status.getMessage().contains("[" + f.ruleId() + "]"), file + ": the message names " + f.ruleId());
        }
    }

    /**
     * A cause's "Invalid value" is the value of the field it names: a finding over two fields (min above max) shows its
     * value on the first field's cause only, as the API server's field errors do.
     */
    @Test
    void aCauseShowsOnlyItsOwnFieldsValue() throws Exception {
        ObjectNode object = (ObjectNode) new ObjectMapper().readTree("{\"metadata\":{\"name\":\"m\",\"annotations\":"
                + "{\"serving.kserve.io/deploymentMode\":\"Standard\"}},\"spec\":{\"predictor\":{\"minReplicas\":3,\"maxReplicas\":2}}}");
        PolicyEngine.ValidationResult result = new PolicyEngine(PolicySettings.defaults())
                .validate(new PolicyEngine.Input(Operation.CREATE, object, null, "default", Optional.empty()));
        List<io.fabric8.kubernetes.api.model.StatusCause> causes = dev.isvcpolicy.admission.Responses.invalid("u", "serving.kserve.io",
                "InferenceService", "m", result.denials(), List.of(), java.util.Map.of()).getStatus().getDetails().getCauses();
        assertEquals(List.of("spec.predictor.minReplicas", "spec.predictor.maxReplicas"), causes.stream().map(c -> c.getField()).toList());
        assertTrue(causes.get(0).getMessage().startsWith("Invalid value: \"3\": minReplicas 3 is above maxReplicas 2"), causes.get(0).getMessage());
        assertFalse(causes.get(1).getMessage().contains("\"3\""), "maxReplicas is 2, not 3: " + causes.get(1).getMessage());
    }

    /** A cause's value is quoted as Go's %q quotes: its backslashes and quotes escaped, then its control characters. */
    @Test
    void aCausesValueCannotCloseItsOwnQuotes() throws Exception {
        ObjectNode object = (ObjectNode) new ObjectMapper().readTree("{\"metadata\":{\"name\":\"m\"},\"spec\":{\"predictor\":"
                + "{\"minReplicas\":\"x\\\"\\\\\\u001b\"}}}");
        PolicyEngine.ValidationResult result = new PolicyEngine(PolicySettings.defaults())
                .validate(new PolicyEngine.Input(Operation.CREATE, object, null, "default", Optional.empty()));
        String cause = dev.isvcpolicy.admission.Responses.invalid("u", "serving.kserve.io", "InferenceService", "m", result.denials(),
                List.of(), java.util.Map.of()).getStatus().getDetails().getCauses().get(0).getMessage();
        assertTrue(cause.startsWith("Invalid value: \"x\\\"\\\\\\u001b\": "), cause);
    }
}
