package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReportsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Decision decision(List<PatchOp> ops, Finding... findings) {
        return new Decision(Decision.Verdict.ALLOWED, Optional.of(Kind.INFERENCE_SERVICE), Operation.values()[0], "x", null, ops, List.of(),
                List.of(findings), null, null, "h");
    }

    private static Reports.Scanned isvc(String ns, String name, Decision d) {
        return new Reports.Scanned("serving.kserve.io/v1beta1", "InferenceService", ns, name, "uid-" + name, d);
    }

    private static List<Reports.Scanned> mix() {
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        Finding warn = new Finding("max-replicas", Action.WARN, "spec.predictor.maxReplicas", "set maxReplicas");
        Finding excepted = new Finding("scale-metric", Action.DENY, "spec.predictor.scaleMetric", "use concurrency").excepted("team-a/legacy");
        PatchOp op = new PatchOp("add", "/spec/predictor/maxReplicas", IntNode.valueOf(5), "max-replicas");
        return List.of(isvc("a", "bad", decision(List.of(), deny, warn)), isvc("a", "good", decision(List.of())),
                isvc("a", "excepted", decision(List.of(), excepted)), isvc("b", "patched", decision(List.of(op))));
    }

    @Test
    void oneReportPerNamespaceWithResultsAndSummary() {
        Map<String, ObjectNode> reports = Reports.build(mix(), Reports.Format.POLICY_REPORT, T0);
        assertEquals(List.of("a", "b"), List.copyOf(reports.keySet()));
        ObjectNode a = reports.get("a");
        assertEquals("wgpolicyk8s.io/v1alpha2", a.get("apiVersion").asText());
        assertEquals("PolicyReport", a.get("kind").asText());
        assertEquals(Reports.NAME, a.at("/metadata/name").asText());
        assertEquals("a", a.at("/metadata/namespace").asText());
        JsonNode results = a.get("results");
        assertEquals(4, results.size());
        // sorted by kind then name: bad (fail, warn), excepted (skip), good (pass)
        assertEquals("fail", results.get(0).get("result").asText());
        assertEquals("scale-to-zero", results.get(0).get("rule").asText());
        assertEquals(Reports.POLICY, results.get(0).get("policy").asText());
        assertEquals("spec.predictor.minReplicas", results.get(0).at("/properties/field").asText());
        assertEquals("bad", results.get(0).at("/resources/0/name").asText());
        assertEquals("InferenceService", results.get(0).at("/resources/0/kind").asText());
        assertEquals("warn", results.get(1).get("result").asText());
        assertEquals("skip", results.get(2).get("result").asText());
        assertEquals("team-a/legacy", results.get(2).at("/properties/exception").asText());
        assertEquals("pass", results.get(3).get("result").asText());
        assertEquals("good", results.get(3).at("/resources/0/name").asText());
        JsonNode summary = a.get("summary");
        assertEquals(1, summary.get("pass").asInt());
        assertEquals(1, summary.get("fail").asInt());
        assertEquals(1, summary.get("warn").asInt());
        assertEquals(1, summary.get("skip").asInt());
        assertEquals(0, summary.get("error").asInt());
        JsonNode b = reports.get("b").get("results").get(0);
        assertEquals("pass", b.get("result").asText());
        assertEquals("max-replicas", b.at("/properties/would-patch").asText());
    }

    @Test
    void openReportsFormat() {
        ObjectNode a = Reports.build(mix(), Reports.Format.of("openreports"), T0).get("a");
        assertEquals("openreports.io/v1alpha1", a.get("apiVersion").asText());
        assertEquals("Report", a.get("kind").asText());
        assertEquals(Reports.Format.POLICY_REPORT, Reports.Format.of(""));
    }

    @Test
    void comparedWithoutTimestamps() {
        ObjectNode before = Reports.build(mix(), Reports.Format.POLICY_REPORT, T0).get("a");
        ObjectNode later = Reports.build(mix(), Reports.Format.POLICY_REPORT, T0.plusSeconds(3600)).get("a");
        assertTrue(Reports.same(before, later));
        List<Reports.Scanned> fixed = List.of(isvc("a", "bad", decision(List.of())), isvc("a", "good", decision(List.of())),
                isvc("a", "excepted", decision(List.of())));
        assertFalse(Reports.same(before, Reports.build(fixed, Reports.Format.POLICY_REPORT, T0).get("a")));
        assertFalse(Reports.same(null, before));
    }

    /** A report stays storable: at most MAX_RESULTS results, failures first, the summary still counting all. */
    @Test
    void aLargeNamespaceKeepsItsFailuresAndSaysWhatItLeftOut() {
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        List<Reports.Scanned> objects = new java.util.ArrayList<>();
        int total = Reports.MAX_RESULTS + 100;
        for (int i = 0; i < total; i++) {
            objects.add(i % 500 == 7 ? isvc("big", "m-" + i, decision(List.of(), deny)) : isvc("big", "m-" + i, decision(List.of())));
        }
        long fails = objects.stream().filter(o -> !o.decision().findings().isEmpty()).count();
        ObjectNode report = Reports.report("big", objects, Reports.Format.POLICY_REPORT, T0);
        assertEquals(Reports.MAX_RESULTS, report.get("results").size());
        assertEquals(fails, java.util.stream.StreamSupport.stream(report.get("results").spliterator(), false)
                .filter(r -> r.path("result").asText().equals("fail")).count(), "every failure kept");
        assertEquals(fails, report.path("summary").path("fail").asLong());
        assertEquals(total - fails, report.path("summary").path("pass").asLong(), "the summary counts every result");
        assertEquals("100", report.path("metadata").path("annotations").path(Reports.OMITTED).asText());
        assertFalse(Reports.report("small", objects.subList(0, 10), Reports.Format.POLICY_REPORT, T0).path("metadata").has("annotations"));
    }

    /**
     * A report stays storable by its bytes too: 2,500 InferenceServices with 63-character names, each warned by
     * scale-target-conflict, made a report of 2.3 MB under the count cap alone (this test's: 1.8 MB), which etcd refuses
     * (1.5 MiB per request).
     */
    @Test
    void aReportOverTheByteBudgetIsCutBelowItFailuresFirst() throws Exception {
        Finding warn = new Finding("scale-target-conflict", Action.WARN, Finding.Type.INVALID, List.of("metadata.annotations[autoscaling.knative.dev/target]"),
                "10", "is overridden on every component (spec.predictor.scaleTarget 5, spec.transformer.scaleTarget 8), so it has no effect: "
                        + "remove it, or remove scaleTarget from a component that should use it (an InferenceService-level annotation is "
                        + "the default for components that set no scaleTarget)", false);
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        List<Reports.Scanned> objects = new java.util.ArrayList<>();
        int total = 2500;
        for (int i = 0; i < total; i++) {
            String name = String.format("m-%04d-", i) + "x".repeat(56); // 63 characters, the most a name may have
            objects.add(isvc("big", name, i % 100 == 99 ? decision(List.of(), deny) : decision(List.of(), warn)));
        }
        int oneMiB = 1 << 20;
        ObjectNode report = Reports.report("big", objects, Reports.Format.POLICY_REPORT, T0);
        int bytes = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(report).length;
        assertTrue(bytes <= oneMiB && bytes > oneMiB - 2000, "the report is cut just below 1 MiB: " + bytes + " bytes");
        JsonNode results = report.get("results");
        assertTrue(results.size() < total && results.size() > total / 4, "cut by bytes, not emptied: " + results.size() + " results");
        for (int i = 0; i < total / 100; i++) {
            assertEquals("fail", results.get(i).path("result").asText(), "every failure is kept, first");
        }
        assertEquals("warn", results.get(total / 100).path("result").asText());
        assertEquals(total / 100, report.path("summary").path("fail").asInt(), "the summary counts every result");
        assertEquals(total - total / 100, report.path("summary").path("warn").asInt(), "the summary counts every result");
        assertEquals(String.valueOf(total - results.size()), report.path("metadata").path("annotations").path(Reports.OMITTED).asText());

        ObjectNode small = Reports.report("small", objects.subList(0, 50), Reports.Format.POLICY_REPORT, T0);
        assertEquals(50, small.get("results").size(), "a small report is not cut");
        assertFalse(small.path("metadata").has("annotations"));
        List<String> fields = new java.util.ArrayList<>();
        small.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("apiVersion", "kind", "metadata", "results", "summary"), fields, "results before the summary, as before");
    }
}
