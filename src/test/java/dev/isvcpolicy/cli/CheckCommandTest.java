package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The command as a user meets it: fixtures, exit codes, the JSON shape, --fix, bad input, settings sources. */
class CheckCommandTest {

    @TempDir
    Path dir;

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(fixtureDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d\\d-.*\\.yaml")).sorted().toList().stream();
        }
    }

    static Path fixtureDir() throws URISyntaxException {
        return Path.of(CheckCommandTest.class.getResource("/fixtures/01-kpa-concurrency.yaml").toURI()).getParent();
    }

    private Path copy(String fixture) throws Exception {
        Path target = dir.resolve(fixture);
        Files.copy(fixtureDir().resolve(fixture), target);
        return target;
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixtureThroughTheCliMatchesTheEngineAndFixesCleanly(String fixture) throws Exception {
        Path file = copy(fixture);
        String original = Files.readString(file);
        ObjectNode object = (ObjectNode) Documents.YAML.readTree(original);
        PolicyEngine engine = new PolicyEngine(PolicySettings.defaults());
        PolicyEngine.MutationResult m = engine.mutate(new PolicyEngine.Input(Operation.CREATE, object.deepCopy(), null, "default", Optional.empty()));
        PolicyEngine.ValidationResult v = engine.validate(new PolicyEngine.Input(Operation.CREATE, m.mutated().deepCopy(), null, "default", Optional.empty()));

        JsonNode o = Cli.run("-o", "json", file.toString()).expect(v.allowed() ? 0 : 1).json().path("objects").get(0);
        assertEquals(CliRuleCasesTest.asJson(CliRuleCasesTest.ops(m.ops())), o.path("mutations"), fixture);
        assertEquals(CliRuleCasesTest.reported(m.notices(), v.findings()), CliRuleCasesTest.withoutLines(o.path("findings")), fixture);

        Cli.run("--fix", file.toString()).expect(v.allowed() ? 0 : 1);
        String fixed = Files.readString(file);
        assertEquals(CliRuleCasesTest.asJson(m.mutated()), Documents.YAML.readTree(fixed), fixture + ": fixed file = patched object");
        if (m.ops().isEmpty()) {
            assertEquals(original, fixed, fixture + ": nothing to patch, file untouched");
        } else {
            assertTrue(fixed.startsWith(original.substring(0, original.indexOf("apiVersion"))), fixture + ": the header comment is kept");
        }
        JsonNode again = Cli.run("-o", "json", file.toString()).json().path("objects").get(0);
        assertEquals(0, again.path("mutations").size(), fixture + ": nothing left to patch");
        assertEquals(CliRuleCasesTest.validated(o.path("findings")), CliRuleCasesTest.validated(again.path("findings")), fixture + ": same findings");
    }

    @Test
    void exitCodes() throws Exception {
        Path clean = copy("06-keda-cpu-raw.yaml");
        Path warned = copy("02-kpa-qps.yaml");
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        Path bad = write("bad.yaml", "apiVersion: v1\nkind: [\n");
        Cli.run(clean.toString()).expect(0);
        Cli.run(warned.toString()).expect(0);
        Cli.run(clean.toString(), warned.toString(), denied.toString()).expect(1);
        Cli.run(clean.toString(), bad.toString()).expect(2);
        Cli.run(denied.toString(), bad.toString()).expect(1, "a deny wins over bad input");
        Cli.run(dir.resolve("missing.yaml").toString()).expect(2);
        Cli.run("--bogus", clean.toString()).expect(2);
        Cli.run().expect(2, "no input");
        Cli.run("--default-mode", "Serverful", clean.toString()).expect(2);
        Cli.run("--set", "webhook.defaults.min-replicas=-1", clean.toString()).expect(2);
        Cli.run("--set", "quarkus.http.port=1", clean.toString()).expect(2);
        Cli.run("--fix=yes", clean.toString()).expect(2);
        Cli.Run help = Cli.run("--help").expect(0);
        assertTrue(help.out().contains("Exit codes"), help.out());
        assertTrue(help.out().contains("isvc-check rules") && help.out().contains("isvc-check explain RULE-ID"), "the subcommands: " + help.out());
        Cli.Run audit = Cli.run("--set", "webhook.audit-only=true", denied.toString()).expect(0, "audit-only turns denies into warnings");
        assertTrue(audit.out().contains("warn   line 10: (audit-only, would deny) spec.predictor.minReplicas"), audit.out());
    }

    /** The input's own text (a name, a namespace, a quoted value) reaches the terminal with its control characters escaped. */
    @Test
    void theInputsTextIsPrintedEscaped() throws Exception {
        Path odd = write("odd.json", "{\"apiVersion\":\"serving.kserve.io/v1beta1\",\"kind\":\"InferenceService\",\"metadata\":"
                + "{\"name\":\"m\\u001b[2K\\rFAKE\",\"namespace\":\"ns\\u202e\",\"annotations\":{\"serving.kserve.io/deploymentMode\":"
                + "\"Std\\u001b[31m\"}},\"spec\":{\"predictor\":{\"minReplicas\":1}}}");
        Cli.Run r = Cli.run(odd.toString()).expect(1);
        assertTrue(r.out().contains("ns\\u202e/m\\u001b[2K\\u000dFAKE"), r.out());
        assertTrue(r.out().contains("\"Std\\u001b[31m\" is not a deployment mode"), r.out());
        assertTrue(r.out().chars().noneMatch(ch -> ch < 0x20 && ch != '\n' || ch == 0x202e), "no raw control character: " + r.out());
        // A patch value that holds the name (the collector sidecar's) is escaped too.
        Path otel = write("otel.json", "{\"apiVersion\":\"serving.kserve.io/v1beta1\",\"kind\":\"InferenceService\",\"metadata\":"
                + "{\"name\":\"o\\u202ex\",\"annotations\":{\"serving.kserve.io/deploymentMode\":\"Standard\",\"serving.kserve.io/autoscalerClass\":"
                + "\"keda\"}},\"spec\":{\"predictor\":{\"minReplicas\":1,\"autoScaling\":{\"metrics\":[{\"type\":\"PodMetric\",\"podmetric\":"
                + "{\"metric\":{\"backend\":\"opentelemetry\",\"metricNames\":[\"q\"],\"query\":\"q\"},\"target\":{\"type\":\"AverageValue\",\"value\":\"1\"}}}]}}}}");
        Cli.Run o = Cli.run(otel.toString());
        assertTrue(o.out().contains("patch  add /metadata/annotations/sidecar.opentelemetry.io~1inject \"o\\u202ex-predictor\""), o.out());
        assertTrue(o.out().chars().noneMatch(ch -> ch == 0x202e), "no raw right-to-left override: " + o.out());
    }

    /** RULES.md §6: a lowered deny is marked as such in the JSON too, not only in the text. */
    @Test
    void jsonFindingsSayWhenAWarningIsALoweredDeny() throws Exception {
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        Cli.Run r = Cli.run("-o", "json", "--set", "webhook.audit-only=true", denied.toString()).expect(0);
        com.fasterxml.jackson.databind.JsonNode findings = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).path("findings");
        assertTrue(findings.size() > 0, r.out());
        for (com.fasterxml.jackson.databind.JsonNode f : findings) {
            if ("validate".equals(f.path("stage").asText())) {
                assertTrue("audit-only-deny".equals(f.path("outcome").asText()) && f.path("text").asText().startsWith("(audit-only, would deny) "),
                        f.toString());
            }
        }
    }

    @Test
    void badSettingsAreReportedLikeTheWebhookStartUpAndUnknownKeysAreRefused() throws Exception {
        Path clean = copy("06-keda-cpu-raw.yaml");
        Cli.Run r = Cli.run(Map.of("WEBHOOK_KEDA_DEFAULT_UTILIZATION", "101"), "", "--set", "webhook.defaults.min-replicas=-1", clean.toString()).expect(2);
        assertTrue(r.err().contains("webhook.defaults.min-replicas=-1: use 0 or more"), r.err());
        assertTrue(r.err().contains("webhook.keda.default-utilization=101: use 1 to 100"), r.err());
        Cli.Run unknown = Cli.run("--set", "webhook.rules.no-such-rule=deny", clean.toString()).expect(2);
        assertTrue(unknown.err().contains("webhook.rules.no-such-rule"), unknown.err());
        Cli.Run notInt = Cli.run("--set", "webhook.replicas.max-ceiling=ten", clean.toString()).expect(2);
        assertTrue(notInt.err().contains("webhook.replicas.max-ceiling"), notInt.err());
        // The server's own keys, refused as at start-up: a configuration CI passes starts the webhook.
        Cli.Run engine = Cli.run("--set", "webhook.tls.engine=boringssl", clean.toString()).expect(2);
        assertTrue(engine.err().contains("webhook.tls.engine must be auto, openssl or jdk, not 'boringssl'"), engine.err());
        Cli.Run timeout = Cli.run(Map.of("WEBHOOK_HTTP_REQUEST_TIMEOUT", "0s"), "", clean.toString()).expect(2);
        assertTrue(timeout.err().contains("webhook.http.request-timeout=PT0S: use a positive duration"), timeout.err());
        Cli.run("--set", "webhook.tls.engine=JDK", "--set", "webhook.http.request-timeout=5s", clean.toString()).expect(0);
    }

    /**
     * RULES.md §5 offline: the cluster's live policy ConfigMap decides here what it decides there (its keys over the start-up
     * ones, --set over it), and one the webhook would refuse whole is exit 2 with its problems, before it is applied.
     */
    @Test
    void thePolicyConfigMapDecidesAsOnTheCluster() throws Exception {
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        Cli.run(denied.toString()).expect(1, "denied under the start-up policy");
        String head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: isvc-autoscaling-policy}\ndata:\n";
        Path warn = write("policy.yaml", head + "  webhook.rules.scale-to-zero: warn\n  webhook.rules.scale-metric: warn\n");
        Cli.Run r = Cli.run(Map.of("WEBHOOK_RULES_SCALE_TO_ZERO", "deny"), "", "--policy", warn.toString(), denied.toString())
                .expect(0, "the ConfigMap wins over the environment, as over start-up values in the cluster");
        assertTrue(r.out().contains("warn   line"), r.out());
        Cli.run("--policy", warn.toString(), "--set", "webhook.rules.scale-to-zero=deny", denied.toString())
                .expect(1, "--set wins over the ConfigMap");
        Cli.Run shipped = Cli.run("--policy", "examples/policy/isvc-autoscaling-policy.yaml", denied.toString())
                .expect(0, "the shipped example: audit-only turns every deny into a warning");
        assertEquals("", shipped.err(), "the shipped example is valid");

        Path typo = write("typo.yaml", head + "  webhook.rules.scale-to-zro: warn\n  webhook.defaults.min-replicas: \"-1\"\n");
        Cli.Run refused = Cli.run("--policy", typo.toString(), denied.toString()).expect(2);
        assertTrue(refused.err().contains("the webhook would refuse this ConfigMap and keep its last good policy"), refused.err());
        assertTrue(refused.err().contains("webhook.rules.scale-to-zro"), refused.err());
        assertTrue(refused.err().contains("webhook.defaults.min-replicas=-1: use 0 or more"), refused.err());
        Path plumbing = write("plumbing.yaml", head + "  webhook.tls.engine: jdk\n");
        Cli.run("--policy", plumbing.toString(), denied.toString()).expect(2, "a start-up key is no policy key");
        Path unquoted = write("unquoted.yaml", head + "  webhook.audit-only: true\n");
        assertTrue(Cli.run("--policy", unquoted.toString(), denied.toString()).expect(2).err().contains("quote the value"));

        Cli.Run asConfig = Cli.run("--config", warn.toString(), denied.toString()).expect(2);
        assertTrue(asConfig.err().contains("give the policy ConfigMap with --policy FILE"), asConfig.err());
    }

    /** RULES.md §5 offline: the cluster's exceptions ConfigMap excepts here what it excepts there, and refuses what it refuses. */
    @Test
    void theExceptionsConfigMapExceptsAsOnTheCluster() throws Exception {
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        String head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: isvc-autoscaling-policy-exceptions}\ndata:\n";
        Path both = write("both.yaml", head
                + "  hpa-zero: |\n    {namespace: default, name: 'hpa-*', rules: [scale-to-zero, scale-metric], reason: agreed (T-1)}\n"
                + "  broken: '{namespace: default, name: x, rules: [no-such-rule], reason: r}'\n"
                + "  odd: '{namespace: Default, name: x, rules: [scale-to-zero], reason: r}'\n");
        Cli.Run r = Cli.run("--exceptions", both.toString(), denied.toString()).expect(0, "both denies excepted");
        assertTrue(r.out().contains("(excepted by hpa-zero)"), r.out());
        assertTrue(r.out().contains("-> allowed: 0 denies, 0 warnings, 2 excepted, 0 patch operations"), r.out());
        assertTrue(r.err().contains("isvc-check: exception broken is not applied: rules: no-such-rule is not a rule id"), r.err());
        assertTrue(r.err().contains("isvc-check: warning: exception odd: namespace: Default is not a namespace name"), r.err());
        JsonNode findings = Cli.run("-o", "json", "--exceptions", both.toString(), denied.toString()).expect(0).json().path("findings");
        assertEquals(2, findings.size(), findings.toString());
        findings.forEach(f -> assertEquals("excepted", f.path("outcome").asText(), f.toString()));
        findings.forEach(f -> assertEquals("hpa-zero", f.path("exceptedBy").asText(), f.toString()));

        Path one = write("one.yaml", head + "  zero-only: '{namespace: default, name: hpa-zero, rules: [scale-to-zero], reason: r}'\n");
        Cli.run("--exceptions", one.toString(), denied.toString()).expect(1, "scale-metric is not excepted");
        Path otherNs = write("other.yaml", head + "  zero: '{namespace: team-a, name: hpa-zero, rules: [scale-to-zero, scale-metric], reason: r}'\n");
        Cli.run("--exceptions", otherNs.toString(), denied.toString()).expect(1, "another namespace's exception");
        Cli.run("-n", "team-a", "--exceptions", otherNs.toString(), denied.toString()).expect(0, "-n puts the object in team-a");

        Path notText = write("not-text.yaml", head + "  zero:\n    namespace: default\n");
        assertTrue(Cli.run("--exceptions", notText.toString(), denied.toString()).expect(2).err().contains("data.zero is not text"));
        Path two = write("two.yaml", head + "  a: '{}'\n---\n" + head + "  b: '{}'\n");
        assertTrue(Cli.run("--exceptions", two.toString(), denied.toString()).expect(2).err().contains("one v1 ConfigMap"));
        Cli.run("--exceptions", dir.resolve("nope.yaml").toString(), denied.toString()).expect(2);
        // The shipped example, without its expiry (a test must not fail on a later date), excepts the shipped object.
        Path shipped = write("shipped.yaml", Files.readString(Path.of("examples/policy/isvc-autoscaling-policy-exceptions.yaml"))
                .replaceAll("(?m)^\\s*expires:.*$", ""));
        Path batch = Path.of("examples/exceptions/batch-nightly.yaml");
        Cli.run(batch.toString()).expect(1, "denied without the exception");
        Cli.Run excepted = Cli.run("--exceptions", shipped.toString(), batch.toString()).expect(0);
        assertEquals("", excepted.err(), "the shipped example is valid");
        assertTrue(excepted.out().contains("(excepted by team-a-batch-scale-to-zero)"), excepted.out());
    }

    /** What the cluster cannot hold is refused, what is said is bounded, and nothing an exception does is silent. */
    @Test
    void theExceptionsFileIsReadAsTheApiServerWouldTakeItAndSaidBounded() throws Exception {
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        String head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\ndata:\n";
        String both = "{namespace: default, name: hpa-zero, rules: [scale-to-zero, scale-metric], reason: r}";
        Path forged = write("forged.json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {\"k\\u001b[31m\\nexit 0\": \"" + both + "\"}}");
        Cli.Run f = Cli.run("--exceptions", forged.toString(), denied.toString()).expect(2);
        assertTrue(f.err().contains("is not a ConfigMap key") && !f.err().contains("\u001b") && !f.err().contains("\nexit 0"), f.err());
        Path dots = write("dots.yaml", head + "  ..team-a: '" + both + "'\n");
        assertTrue(Cli.run("--exceptions", dots.toString(), denied.toString()).expect(2).err().contains("not . or .. nor starting with .."));

        StringBuilder many = new StringBuilder(head);
        for (int i = 0; i < 13; i++) {
            many.append("  bad-").append(i).append(": '{namespace: default, name: x, rules: [no-such-rule], reason: r, ")
                    .append("x".repeat(300)).append(": 1}'\n");
        }
        Cli.Run m = Cli.run("--exceptions", write("many.yaml", many.toString()).toString(), denied.toString()).expect(1);
        assertEquals(11, m.err().lines().count(), m.err());
        assertTrue(m.err().lines().allMatch(l -> l.length() < 400), m.err());
        assertTrue(m.err().contains("isvc-check: ... and 3 more exceptions not applied"), m.err());

        // stdin, once; one --exceptions.
        Cli.Run piped = Cli.run(Map.of(), head + "  z: '" + both + "'\n", "-q", "--exceptions", "-", denied.toString()).expect(0);
        assertTrue(piped.out().contains("-> allowed: 0 denies, 0 warnings, 2 excepted"), "-q keeps an excepted object: " + piped.out());
        assertTrue(piped.out().contains("1 InferenceService (0 denied, 1 with excepted findings,"), piped.out());
        assertEquals(1, Cli.run(Map.of(), head + "  z: '" + both + "'\n", "-o", "json", "--exceptions", "-", denied.toString())
                .expect(0).json().path("summary").path("excepted").asInt());
        assertTrue(Cli.run(Map.of(), "", "--exceptions", "-", "-").expect(2).err().contains("- (stdin) can be given once"));
        Path one = write("one.yaml", head + "  z: '" + both + "'\n");
        assertTrue(Cli.run("--exceptions", one.toString(), "--exceptions", one.toString(), denied.toString()).expect(2).err()
                .contains("--exceptions can be given once"));
        assertTrue(Cli.run("--exceptions", dir.toString(), denied.toString()).expect(2).err().contains("a directory, not a file"));

        Path expired = write("expired.yaml", head + "  old: '{namespace: default, name: hpa-zero, rules: [scale-to-zero, scale-metric],"
                + " reason: r, expires: 2020-01-31}'\n");
        assertTrue(Cli.run("--exceptions", expired.toString(), denied.toString()).expect(1).err()
                .contains("isvc-check: warning: exception old expired at 2020-02-01T00:00:00Z, so it excepts nothing"));
        assertTrue(Cli.run("--exceptions", write("none.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n").toString(),
                denied.toString()).expect(1).err().contains("the ConfigMap holds no exceptions"));
    }

    @Test
    void settingsComeFromConfigFileEnvironmentAndSetInThatOrder() throws Exception {
        Path denied = copy("16-hpa-scale-to-zero-denied.yaml");
        Path config = write("webhook.properties", "# as in a ConfigMap\nwebhook.rules.scale-to-zero=warn\nwebhook.rules.scale-metric=warn\nquarkus.http.port=1\n");
        Cli.run("--config", config.toString(), denied.toString()).expect(0, "--config lowers both rules");
        Cli.run(Map.of("WEBHOOK_RULES_SCALE_METRIC", "deny"), "", "--config", config.toString(), denied.toString())
                .expect(1, "the environment beats --config");
        Cli.run(Map.of("WEBHOOK_RULES_SCALE_METRIC", "deny"), "", "--config", config.toString(),
                "--set", "webhook.rules.scale-metric=off", denied.toString()).expect(0, "--set beats the environment");
        Cli.run(Map.of("WEBHOOK_AUDIT_ONLY", "true"), "", denied.toString()).expect(0, "WEBHOOK_* is read");
        Cli.run(Map.of("HOME_AUDIT_ONLY", "true"), "", denied.toString()).expect(1, "other variables are not");
        Cli.run("--config", dir.resolve("nope.properties").toString(), denied.toString()).expect(2);
    }

    @Test
    void aScaledObjectAndTheInferenceServiceItFightsAreBothRefused() throws Exception {
        Path both = write("conflict.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: llm, namespace: ml, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec:
                  predictor: {minReplicas: 1, maxReplicas: 3}
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: mine, namespace: ml}
                spec: {scaleTargetRef: {name: llm-predictor}}
                """);
        JsonNode r = Cli.run("-o", "json", both.toString()).expect(1).json();
        JsonNode isvc = r.path("objects").get(0);
        JsonNode scaled = r.path("objects").get(1);
        assertEquals("denied", isvc.path("verdict").asText(), isvc.toString());
        assertTrue(isvc.path("findings").findValuesAsText("rule").contains("autoscaler-conflict"), isvc.toString());
        assertEquals("denied", scaled.path("verdict").asText(), scaled.toString());
        assertEquals("spec.scaleTargetRef.name", scaled.path("findings").get(0).path("path").asText());

        Path external = write("external.yaml", Files.readString(both).replace("deploymentMode: Standard}",
                "deploymentMode: Standard, serving.kserve.io/autoscalerClass: external}"));
        Cli.run("-o", "json", external.toString()).expect(0, "with autoscalerClass external the ScaledObject is the user's to bring");
    }

    @Test
    void jsonShape() throws Exception {
        Path multi = write("multi.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: denied, namespace: ml}
                spec:
                  predictor: {minReplicas: 0, scaleMetric: concurrency}
                ---
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: so}
                spec: {scaleTargetRef: {name: denied-predictor}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc}
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: sys, namespace: kube-system}
                spec:
                  predictor: {minReplicas: -4}
                """);
        JsonNode r = Cli.run("-o", "json", "--default-mode", "Standard", multi.toString()).expect(1).json();
        assertEquals(Set.of("version", "objects", "findings", "skipped", "errors", "written", "summary"), fields(r));
        assertEquals(2, r.path("version").asInt());
        assertEquals(3, r.path("objects").size());
        JsonNode isvc = r.path("objects").get(0);
        assertEquals(Set.of("file", "line", "kind", "namespace", "name", "verdict", "operation", "mode", "modeSource",
                "mutations", "findings"), fields(isvc));
        assertEquals(multi.toString(), isvc.path("file").asText());
        assertEquals(1, isvc.path("line").asInt());
        assertEquals("ml", isvc.path("namespace").asText());
        assertEquals("denied", isvc.path("verdict").asText());
        assertEquals("Standard", isvc.path("mode").asText());
        assertEquals("cluster-default", isvc.path("modeSource").asText());
        JsonNode finding = isvc.path("findings").get(0);
        Set<String> shape = fields(finding);
        shape.remove("value"); // only where the finding has a short value
        Set<String> expected = new java.util.TreeSet<>(Set.of("rule", "action", "path", "message", "line", "stage"));
        if (!"mutate".equals(finding.path("stage").asText())) {
            expected.addAll(Set.of("type", "paths", "outcome", "text")); // a validation finding is a field error, and says how it ended
        }
        assertEquals(expected, shape);
        Set<String> top = fields(r.path("findings").get(0));
        top.removeAll(Set.of("value", "type", "paths", "outcome", "text"));
        assertEquals(Set.of("file", "kind", "namespace", "name", "rule", "action", "path", "message", "line", "stage"), top);
        assertTrue(isvc.path("findings").findValuesAsText("rule").contains("scale-to-zero"), isvc.toString());
        JsonNode scaled = r.path("objects").get(1);
        assertEquals("ScaledObject", scaled.path("kind").asText());
        assertEquals("allowed", scaled.path("verdict").asText(), "its target is in another namespace than the InferenceService");
        assertEquals(7, scaled.path("line").asInt());
        JsonNode exempt = r.path("objects").get(2);
        assertEquals("exempt", exempt.path("verdict").asText(), "kube-system is exempt by default");
        assertEquals(0, exempt.path("findings").size());
        assertEquals("Service", r.path("skipped").get(0).path("kind").asText());
        assertEquals(12, r.path("skipped").get(0).path("line").asInt());
        JsonNode s = r.path("summary");
        assertEquals(Set.of("files", "inferenceServices", "scaledObjects", "skipped", "errors", "denied", "warned", "mutated", "excepted",
                "exitCode"), fields(s));
        assertEquals(2, s.path("inferenceServices").asInt());
        assertEquals(1, s.path("scaledObjects").asInt());
        assertEquals(1, s.path("skipped").asInt());
        assertEquals(1, s.path("denied").asInt());
        assertEquals(1, s.path("exitCode").asInt());
    }

    @Test
    void malformedDocumentsAreReportedWithFileAndLineAndTheOthersStillChecked() throws Exception {
        Path multi = write("multi.yaml", """
                # one good, one broken, one duplicate key, one list, one good
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: first}
                spec: {predictor: {minReplicas: 1, scaleMetric: concurrency}}
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: broken
                 spec: {}
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: dup}
                metadata: {name: dup2}
                ---
                - just
                - a list
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: last}
                spec: {predictor: {minReplicas: 0, scaleMetric: cpu}}
                """);
        Path json = write("bad.json", "{\"apiVersion\": \"v1\",\n \"kind\": }\n");
        Cli.Run run = Cli.run("-o", "json", multi.toString(), json.toString()).expect(1, "the last one is denied");
        JsonNode r = run.json();
        List<String> where = new ArrayList<>();
        r.path("errors").forEach(e -> where.add(e.path("file").asText().replace(dir + "/", "") + ":" + e.path("line").asInt()));
        assertEquals(List.of("multi.yaml:11", "multi.yaml:16", "multi.yaml:18", "bad.json:2"), where);
        assertTrue(r.path("errors").get(1).path("message").asText().contains("duplicate key 'metadata'"), r.toString());
        assertTrue(r.path("errors").get(2).path("message").asText().contains("not a Kubernetes object"), r.toString());
        List<String> names = r.path("objects").findValuesAsText("name");
        assertEquals(List.of("first", "last"), names);
        assertEquals(21, r.path("objects").get(1).path("line").asInt());

        Cli.Run text = Cli.run(multi.toString()).expect(1);
        assertTrue(text.err().contains("error: " + multi + ":11:"), text.err());
        Path onlyBad = write("only-bad.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: {a: [}\n");
        Cli.run(onlyBad.toString()).expect(2);
    }

    @Test
    void fixKeepsEverythingOutsideThePatchedDocuments() throws Exception {
        String untouched = """
                # leading comment, kept
                apiVersion: v1
                kind: ConfigMap   # a comment in an unpatched document, kept
                metadata: {name: c}
                """;
        String clean = """
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: ok, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, scaleMetric: cpu}}   # flow style, kept
                """;
        String patched = """
                ---
                # before the object: kept
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: qps   # inside the object: lost
                spec:
                  predictor:
                    scaleMetric: qps
                    model: {modelFormat: {name: sklearn}, args: ["--flag", "1e1", "yes"]}
                # after the object: kept
                """;
        Path file = write("mixed.yaml", untouched + clean + patched);
        Cli.Run run = Cli.run("--fix", file.toString()).expect(0);
        assertTrue(run.out().contains("1 patched and written back"), run.out());
        String fixed = Files.readString(file);
        assertTrue(fixed.startsWith(untouched + clean + "---\n# before the object: kept\napiVersion: serving.kserve.io/v1beta1\n"), fixed);
        assertTrue(fixed.endsWith("\n# after the object: kept\n"), fixed);
        assertFalse(fixed.contains("inside the object"), fixed);
        List<JsonNode> docs = new ArrayList<>();
        Documents.parse(new Documents.Source("mixed.yaml", null, fixed, false)).forEach(d -> docs.add(d.node()));
        JsonNode qps = docs.get(2);
        assertEquals("rps", qps.at("/spec/predictor/scaleMetric").asText());
        assertEquals("1e1", qps.at("/spec/predictor/model/args/1").textValue(), "strings stay strings");
        assertEquals("yes", qps.at("/spec/predictor/model/args/2").textValue(), "strings stay strings");
        assertEquals(List.of("scaleMetric", "model", "minReplicas", "annotations"), names(qps.at("/spec/predictor")),
                "existing keys keep their order, new ones come last");
        Cli.Run again = Cli.run("-o", "json", file.toString()).expect(0);
        assertEquals(0, again.json().path("summary").path("mutated").asInt());
    }

    /** A CRLF file keeps CRLF in its rewritten document, and a byte order mark stays where it was. */
    @Test
    void fixKeepsTheFilesLineEndsAndByteOrderMark() throws Exception {
        String text = new String(fixtureBytes("02-kpa-qps.yaml"), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        Path file = write("crlf.yaml", "\uFEFF# kept\r\n---\r\n" + text);
        Cli.run("--fix", file.toString()).expect(0);
        byte[] bytes = Files.readAllBytes(file);
        assertTrue((bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF, "the BOM is kept");
        String fixed = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(fixed.contains("rps"), fixed);
        assertFalse(fixed.replace("\r\n", "").contains("\n"), "no bare LF: " + fixed.replace("\r", "\\r"));
        assertEquals(0, Cli.run("-o", "json", file.toString()).expect(0).json().path("summary").path("mutated").asInt());
    }

    @Test
    void stdinIsReadAndFixedToStdoutWithTheReportOnStderr() throws Exception {
        String text = new String(fixtureBytes("02-kpa-qps.yaml"));
        Cli.Run check = Cli.run(Map.of(), text, "-o", "json", "-").expect(0);
        assertEquals("<stdin>", check.json().path("objects").get(0).path("file").asText());
        Cli.Run fix = Cli.run(Map.of(), text, "--fix", "-").expect(0);
        JsonNode fixed = Documents.YAML.readTree(fix.out());
        assertEquals("rps", fixed.at("/spec/predictor/scaleMetric").asText());
        assertTrue(fix.err().contains("scale-metric-alias"), fix.err());
    }

    @Test
    void oldObjectMakesAnUpdateByNamespaceAndName() throws Exception {
        Path now = write("now.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, scaleMetric: cpu}}
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: other, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, scaleMetric: cpu}}
                """);
        Path old = write("old.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m}
                spec: {predictor: {minReplicas: 1}}
                status: {deploymentMode: Knative}
                """);
        JsonNode r = Cli.run("-o", "json", "--old", old.toString(), now.toString()).expect(1, "a change of mode on update").json();
        assertEquals("UPDATE", r.path("objects").get(0).path("operation").asText());
        assertEquals("denied", r.path("objects").get(0).path("verdict").asText());
        assertTrue(r.path("objects").get(0).path("findings").findValuesAsText("rule").contains("deployment-mode"), r.toString());
        assertEquals("CREATE", r.path("objects").get(1).path("operation").asText(), "no stored object with that name");
        assertEquals("allowed", r.path("objects").get(1).path("verdict").asText());
        Cli.run("--old", dir.resolve("none.yaml").toString(), now.toString()).expect(2);
        Cli.run("--old", write("bad-old.yaml", "a: [\n").toString(), now.toString()).expect(2);
    }

    @Test
    void directoriesAreSearchedForManifestsAndOtherKindsCounted() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("apps/team"));
        Files.copy(fixtureDir().resolve("01-kpa-concurrency.yaml"), sub.resolve("a.yaml"));
        Files.copy(fixtureDir().resolve("06-keda-cpu-raw.yaml"), sub.resolve("b.yml"));
        Files.writeString(sub.resolve("svc.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"s\"}}");
        Files.writeString(sub.resolve("README.md"), "not a manifest: [");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/x.yaml"), "broken: [");
        Cli.Run run = Cli.run(dir.toString()).expect(0);
        assertTrue(run.out().contains("3 files: 2 InferenceServices"), run.out());
        assertTrue(run.out().contains("1 of other kinds skipped (Service 1)"), run.out());
    }

    private static byte[] fixtureBytes(String name) throws IOException {
        try (InputStream in = CheckCommandTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
