package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.isvcpolicy.audit.LogCapture;
import dev.isvcpolicy.cli.CrdSchema;
import dev.isvcpolicy.cluster.ClusterAccess;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    private GenericKubernetesResource report(Reports.Format format, String ns) {
        return client.genericKubernetesResources(format.context()).inNamespace(ns).withName(Reports.NAME).get();
    }

    /**
     * Both formats against their published CRDs: each report written is valid against the CRD's schema, read back
     * with the right results and summary, not rewritten when only the time changed, replaced on a fix and deleted
     * with the namespace's last object.
     */
    @ParameterizedTest
    @EnumSource(Reports.Format.class)
    void writesOnlyChangesAndDeletesWhatIsGone(Reports.Format format) throws Exception {
        String crd = format == Reports.Format.POLICY_REPORT ? "wgpolicyk8s.io_policyreports.yaml" : "openreports.io_reports.yaml";
        installCrd(crd);
        CrdSchema schema = CrdSchema.load(List.of(Path.of("src/test/resources/reference/reports", crd)), null);
        ReportWriter writer = new ReportWriter(client, format);
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        Finding excepted = new Finding("scale-metric", Action.DENY, "spec.predictor.scaleMetric", "use concurrency").excepted("a/legacy");
        List<Reports.Scanned> mix = List.of(isvc("a", "bad", deny), isvc("a", "good"), isvc("b", "legacy", excepted));

        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> built = Reports.build(mix, format, T0);
        for (var report : built.values()) {
            assertEquals(List.of(), schema.check(report), format + " report valid against " + crd + ": " + report);
        }
        ReportWriter.Outcome first = writer.write(built);
        assertEquals(2, first.created());
        GenericKubernetesResource a = report(format, "a");
        assertEquals(format.apiVersion(), a.getApiVersion());
        assertEquals(format.kind(), a.getKind());
        assertEquals(1, ((Number) ((Map<?, ?>) a.getAdditionalProperties().get("summary")).get("fail")).intValue());
        assertEquals(1, ((Number) ((Map<?, ?>) a.getAdditionalProperties().get("summary")).get("pass")).intValue());
        List<?> bResults = (List<?>) report(format, "b").getAdditionalProperties().get("results");
        assertEquals("skip", ((Map<?, ?>) bResults.get(0)).get("result"));
        assertEquals("a/legacy", ((Map<?, ?>) ((Map<?, ?>) bResults.get(0)).get("properties")).get("exception"));

        // the same results an hour later: nothing written
        ReportWriter.Outcome again = writer.write(Reports.build(mix, format, T0.plusSeconds(3600)));
        assertEquals(new ReportWriter.Outcome(true, 0, 0, 2, 0), again);

        // "bad" fixed, namespace b emptied
        ReportWriter.Outcome fixed = writer.write(Reports.build(List.of(isvc("a", "bad"), isvc("a", "good")), format, T0));
        assertEquals(new ReportWriter.Outcome(true, 0, 1, 0, 1), fixed);
        assertEquals(2, ((Number) ((Map<?, ?>) report(format, "a").getAdditionalProperties().get("summary")).get("pass")).intValue());
        assertNull(report(format, "b"));
    }

    /**
     * After {@code webhook.reports.format} is switched, the reports written in the old format are deleted (nothing would
     * update them again), and only those: another tool's report of that kind stays.
     */
    @Test
    void switchingTheFormatDeletesTheReportsOfTheOldOne() throws Exception {
        installCrd("wgpolicyk8s.io_policyreports.yaml");
        installCrd("openreports.io_reports.yaml");
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        new ReportWriter(client, Reports.Format.POLICY_REPORT)
                .write(Reports.build(List.of(isvc("a", "bad", deny), isvc("b", "ok")), Reports.Format.POLICY_REPORT, T0));
        GenericKubernetesResource foreign = new GenericKubernetesResource();
        foreign.setApiVersion(Reports.Format.POLICY_REPORT.apiVersion());
        foreign.setKind(Reports.Format.POLICY_REPORT.kind());
        foreign.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("kyverno-pol").withNamespace("a").build());
        client.genericKubernetesResources(Reports.Format.POLICY_REPORT.context()).inNamespace("a").resource(foreign).create();

        ReportWriter.Outcome out = new ReportWriter(client, Reports.Format.OPENREPORTS)
                .write(Reports.build(List.of(isvc("a", "bad")), Reports.Format.OPENREPORTS, T0));
        assertEquals(new ReportWriter.Outcome(true, 1, 0, 0, 2), out);
        assertNotNull(report(Reports.Format.OPENREPORTS, "a"));
        assertNull(report(Reports.Format.POLICY_REPORT, "a"), "the old format's report would still say fail");
        assertNull(report(Reports.Format.POLICY_REPORT, "b"));
        assertNotNull(client.genericKubernetesResources(Reports.Format.POLICY_REPORT.context()).inNamespace("a").withName("kyverno-pol").get(),
                "another tool's report is not ours to delete");
    }

    /**
     * Looking for the old format's reports does not cost the scan its own: a 404 (CRD not installed) or 403 is nothing to
     * delete; any other failure is one failure of this scan, its reports written.
     */
    @Test
    void theOldFormatsReportsUnreadableCountsAsOneFailureOnly() throws Exception {
        installCrd("openreports.io_reports.yaml");
        String list = "/apis/wgpolicyk8s.io/v1alpha2/policyreports?labelSelector=app.kubernetes.io%2Fmanaged-by%3Disvc-autoscaling-webhook";
        server.expect().get().withPath(list)
                .andReturn(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}").once();
        server.expect().get().withPath(list)
                // (a 5xx the client retries itself first; 401 is answered at once)
                .andReturn(401, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"Unauthorized\",\"code\":401}").once();
        ReportWriter writer = new ReportWriter(client, Reports.Format.OPENREPORTS);
        assertEquals(new ReportWriter.Outcome(true, 1, 0, 0, 0), writer.write(Reports.build(List.of(isvc("a", "x")), Reports.Format.OPENREPORTS, T0)));
        ReportWriter.Outcome out = writer.write(Reports.build(List.of(isvc("a", "x"), isvc("b", "y")), Reports.Format.OPENREPORTS, T0));
        assertEquals(1, out.created(), out.toString());
        assertEquals(1, out.failed(), out.toString());
        assertTrue(out.failure().startsWith("PolicyReport list: "), out.failure());
        assertNotNull(report(Reports.Format.OPENREPORTS, "b"));
    }

    /** A replica that stops leading during a write stops writing there: the new leader writes the rest. */
    @Test
    void aWriterThatStopsLeadingStopsWriting() throws Exception {
        installCrd("openreports.io_reports.yaml");
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        ReportWriter writer = new ReportWriter(client, Reports.Format.OPENREPORTS, () -> asked.incrementAndGet() <= 1);
        ReportWriter.Outcome out = writer.write(Reports.build(List.of(isvc("a", "x"), isvc("b", "y"), isvc("c", "z")),
                Reports.Format.OPENREPORTS, T0));
        assertEquals(1, out.created(), out.toString());
        assertEquals(1, java.util.stream.Stream.of("a", "b", "c").filter(ns -> report(Reports.Format.OPENREPORTS, ns) != null).count());
    }

    /**
     * The mock server allows every verb, a cluster only what the ClusterRole grants: what the writer sends is create and
     * list, and update and delete by its own report's name only (ClusterAccess, and so the ClusterRole), never another
     * tool's report, never a get or a watch.
     */
    @Test
    void everyReportRequestIsOneTheClusterRoleGrants() throws Exception {
        installCrd("wgpolicyk8s.io_policyreports.yaml");
        Finding deny = new Finding("scale-to-zero", Action.DENY, "spec.predictor.minReplicas", "set minReplicas to 1 or more");
        ReportWriter writer = new ReportWriter(client, Reports.Format.POLICY_REPORT);
        while (server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // what came before is not the writer's
        }
        writer.write(Reports.build(List.of(isvc("a", "bad"), isvc("b", "ok")), Reports.Format.POLICY_REPORT, T0));
        writer.write(Reports.build(List.of(isvc("a", "bad", deny)), Reports.Format.POLICY_REPORT, T0));
        java.util.Set<String> sent = new java.util.TreeSet<>();
        Map<String, String> verbOf = Map.of("GET", "get", "PATCH", "patch", "PUT", "update", "POST", "create", "DELETE", "delete");
        for (var r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
                r = server.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String path = r.getPath().replaceAll("\\?.*", "");
            if (!path.contains("/policyreports")) {
                continue;
            }
            String verb = verbOf.getOrDefault(r.getMethod(), r.getMethod());
            boolean named = !path.endsWith("/policyreports");
            sent.add((verb.equals("get") && !named ? "list" : verb) + (named ? " " + path.substring(path.lastIndexOf('/') + 1) : ""));
        }
        java.util.Set<String> granted = new java.util.HashSet<>(ClusterAccess.POLICY_REPORTS.verbs());
        ClusterAccess.OWN_POLICY_REPORTS.verbs().forEach(v -> granted.add(v + " " + ClusterAccess.OWN_POLICY_REPORTS.resourceName()));
        assertEquals(java.util.Set.of("create", "list", "update " + Reports.NAME, "delete " + Reports.NAME), sent, "created, updated, deleted");
        assertTrue(granted.containsAll(sent), "sent " + sent + ", granted " + granted);
    }

    @Test
    void withoutTheCrdNothingIsWritten() {
        // a real API server answers 404 for a resource type it does not serve (the CRUD mock would list nothing)
        server.expect().get().withPath("/apis/openreports.io/v1alpha1/reports?labelSelector=app.kubernetes.io%2Fmanaged-by%3Disvc-autoscaling-webhook")
                .andReturn(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}")
                .always();
        ReportWriter writer = new ReportWriter(client, Reports.Format.OPENREPORTS);
        try (LogCapture log = LogCapture.of(ReportWriter.class.getName())) {
            for (int i = 0; i < 3; i++) {
                ReportWriter.Outcome out = writer.write(Reports.build(List.of(isvc("a", "x")), Reports.Format.OPENREPORTS, T0));
                assertFalse(out.crdInstalled());
            }
            assertEquals(1, log.lines.stream().filter(l -> l.contains("not installed")).count(), "said once: " + log.lines);
        }
    }

    /** A namespace whose report the API server refuses does not keep the other namespaces' reports unwritten. */
    @Test
    void oneRefusedReportDoesNotStopTheOthers() throws Exception {
        installCrd("wgpolicyk8s.io_policyreports.yaml");
        server.expect().post().withPath("/apis/wgpolicyk8s.io/v1alpha2/namespaces/a/policyreports")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403,"
                        + "\"message\":\"exceeded quota\"}")
                .always();
        ReportWriter writer = new ReportWriter(client, Reports.Format.POLICY_REPORT);
        ReportWriter.Outcome out = writer.write(Reports.build(List.of(isvc("a", "x"), isvc("b", "y"), isvc("c", "z")),
                Reports.Format.POLICY_REPORT, T0));
        assertEquals(2, out.created());
        assertEquals(1, out.failed());
        assertTrue(out.failure().startsWith("namespace a: "), out.failure());
        assertNull(report(Reports.Format.POLICY_REPORT, "a"));
        assertNotNull(report(Reports.Format.POLICY_REPORT, "c"), "written after the refused one");
    }
}
