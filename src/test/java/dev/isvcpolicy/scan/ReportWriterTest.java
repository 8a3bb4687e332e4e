package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Operation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The writer against the mock API server in CRUD mode with the published reports CRDs. */
@EnableKubernetesMockClient(crud = true)
class ReportWriterTest {

    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private void installCrd(String file) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("src/test/resources/reference/reports", file))) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
    }

    private static Reports.Scanned isvc(String ns, String name, Finding... findings) {
        Decision d = new Decision(Decision.Verdict.ALLOWED, Optional.of(Kind.INFERENCE_SERVICE), Operation.values()[0], name, null, List.of(),
                List.of(), List.of(findings), null, null, "h");
        return new Reports.Scanned("serving.kserve.io/v1beta1", "InferenceService", ns, name, null, d);
    }

    private GenericKubernetesResource report(String ns) {
        return client.genericKubernetesResources("wgpolicyk8s.io/v1alpha2", "PolicyReport").inNamespace(ns).withName(Reports.NAME).get();
    }

    @Test
    void writesOnlyChangesAndDeletesWhatIsGone() throws Exception {
        installCrd("wgpolicyk8s.io_policyreports.yaml");
        ReportWriter writer = new ReportWriter(client, Reports.Format.POLICY_REPORT);
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        Finding excepted = new Finding("scale-metric", Action.DENY, "spec.predictor.scaleMetric", "use concurrency").excepted("a/legacy");
        List<Reports.Scanned> mix = List.of(isvc("a", "bad", deny), isvc("a", "good"), isvc("b", "legacy", excepted));

        ReportWriter.Outcome first = writer.write(Reports.build(mix, Reports.Format.POLICY_REPORT, T0));
        assertEquals(2, first.created());
        GenericKubernetesResource a = report("a");
        assertEquals(1, ((Number) ((Map<?, ?>) a.getAdditionalProperties().get("summary")).get("fail")).intValue());
        assertEquals(1, ((Number) ((Map<?, ?>) a.getAdditionalProperties().get("summary")).get("pass")).intValue());
        List<?> bResults = (List<?>) report("b").getAdditionalProperties().get("results");
        assertEquals("skip", ((Map<?, ?>) bResults.get(0)).get("result"));

        // the same results an hour later: nothing written
        ReportWriter.Outcome again = writer.write(Reports.build(mix, Reports.Format.POLICY_REPORT, T0.plusSeconds(3600)));
        assertEquals(new ReportWriter.Outcome(true, 0, 0, 2, 0), again);

        // "bad" fixed, namespace b emptied
        ReportWriter.Outcome fixed = writer.write(Reports.build(List.of(isvc("a", "bad"), isvc("a", "good")), Reports.Format.POLICY_REPORT, T0));
        assertEquals(new ReportWriter.Outcome(true, 0, 1, 0, 1), fixed);
        assertEquals(2, ((Number) ((Map<?, ?>) report("a").getAdditionalProperties().get("summary")).get("pass")).intValue());
        assertNull(report("b"));
    }

    @Test
    void withoutTheCrdNothingIsWritten() {
        // a real API server answers 404 for a resource type it does not serve (the CRUD mock would list nothing)
        server.expect().get().withPath("/apis/openreports.io/v1alpha1/reports?labelSelector=app.kubernetes.io%2Fmanaged-by%3Disvc-autoscaling-webhook")
                .andReturn(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}")
                .always();
        ReportWriter writer = new ReportWriter(client, Reports.Format.OPENREPORTS);
        ReportWriter.Outcome out = writer.write(Reports.build(List.of(isvc("a", "x")), Reports.Format.OPENREPORTS, T0));
        assertFalse(out.crdInstalled());
    }
}
