package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Notice;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.RuleRegistry;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule's table through the CLI: each case's object written to a file, its settings given as
 * {@code --set webhook.*} keys (so the key mapping is checked too), its cluster default as
 * {@code --default-mode}, its old object as {@code --old}. The CLI's JSON must say exactly what the
 * engine says directly for the same case: the patch, the notices, and the findings on the patched
 * object (what the API server sends to /validate); and the exit code must follow the denies.
 * Then {@code --fix} and a second run: the fixed file parses back to the patched object and nothing is left to patch.
 */
class CliRuleCasesTest {

    static final JsonNodeFactory F = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    /**
     * Every case a file can express: not the ScaledObject-side cases or those that set the cluster's cache
     * state or Knative's config-autoscaler (offline, the run's own files are the cache: {@code CheckCommandTest} covers that), and not an
     * UPDATE without an old object (the CLI knows an update only from {@code --old}).
     */
    static Stream<RuleCases.Case> cases() {
        return RuleRegistry.catalog().keySet().stream().flatMap(RuleCases::load)
                .filter(c -> c.node().has("object") && !c.node().has("cluster") && !c.node().has("knativeAutoscaler"))
                .filter(c -> !RuleCases.routed(c.node()) || CliKindCasesTest.graphAlone(c.node()))
                .filter(c -> !"UPDATE".equalsIgnoreCase(c.node().path("operation").asText()) || c.node().has("oldObject"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cliSaysWhatTheEngineSays(RuleCases.Case c) throws IOException {
        JsonNode node = c.node();
        ObjectNode object = manifest((ObjectNode) node.get("object"));
        String namespace = object.path("metadata").path("namespace").asText(node.path("namespace").asText("default"));
        Operation operation = Operation.valueOf(node.path("operation").asText("CREATE").toUpperCase(Locale.ROOT));
        JsonNode old = node.get("oldObject");
        Optional<DeploymentMode> clusterDefault = node.has("clusterDefault")
                ? DeploymentMode.parse(node.get("clusterDefault").asText()) : Optional.empty();

        PolicyEngine engine = new PolicyEngine(RuleCases.settings(node.path("settings")));
        PolicyEngine.MutationResult mutation = engine.mutate(new PolicyEngine.Input(operation, object.deepCopy(), old, namespace, clusterDefault));
        PolicyEngine.ValidationResult validation = engine.validate(
                new PolicyEngine.Input(operation, mutation.mutated().deepCopy(), old, namespace, clusterDefault));

        Path file = dir.resolve("isvc.yaml");
        Files.writeString(file, Fixer.render(object, false) + "\n");
        List<String> args = new ArrayList<>(List.of("-o", "json", "-n", node.path("namespace").asText("default")));
        sets(node.path("settings")).forEach(s -> args.addAll(List.of("--set", s)));
        clusterDefault.ifPresent(m -> args.addAll(List.of("--default-mode", m.value())));
        if (old != null && operation == Operation.UPDATE) {
            Path oldFile = dir.resolve("old.yaml");
            Files.writeString(oldFile, Fixer.render(manifest((ObjectNode) old.deepCopy()), false) + "\n");
            args.addAll(List.of("--old", oldFile.toString()));
        }
        args.add(file.toString());

        Cli.Run run = Cli.run(args.toArray(String[]::new)).expect(validation.allowed() ? 0 : 1, c.name());
        JsonNode report = run.json();
        assertEquals(1, report.path("objects").size(), c.name() + ": one object");
        JsonNode o = report.path("objects").get(0);
        assertEquals(operation.name(), o.path("operation").asText(), c.name() + ": operation");
        assertEquals(validation.allowed() ? "allowed" : "denied", o.path("verdict").asText(), c.name());
        assertEquals(validation.context().mode().value(), o.path("mode").asText(), c.name() + ": mode");
        assertEquals(asJson(ops(mutation.ops())), o.path("mutations"), c.name() + ": mutations");
        assertEquals(reported(mutation.notices(), validation.findings()), withoutLines(o.path("findings")),
                c.name() + ": notices and findings");

        Cli.Run fix = Cli.run(withFix(args));
        assertEquals(run.code(), fix.code(), c.name() + ": --fix reports the same verdict");
        // Both read as kubectl reads YAML: a whole number written 2.0 reaches the API server as 2.
        assertEquals(asKubectlReads(Fixer.render(asJson(mutation.mutated()), false)), asKubectlReads(Files.readString(file)),
                c.name() + ": the fixed file holds the patched object");
        JsonNode again = Cli.run(args.toArray(String[]::new)).json().path("objects").get(0);
        assertEquals(F.arrayNode(), again.path("mutations"), c.name() + ": nothing left to patch after --fix");
        assertEquals(validated(o.path("findings")), validated(again.path("findings")), c.name() + ": same findings after --fix");
        assertTrue(fix.json().path("written").size() == (mutation.ops().isEmpty() ? 0 : 1), c.name() + ": written only when patched");
    }

    /** As a reader sees it: JSON has one number type, so a long 1 written by a rule reads back as an int 1. */
    static JsonNode asJson(JsonNode node) throws IOException {
        return Documents.JSON.readTree(Documents.JSON.writeValueAsString(node));
    }

    private static String[] withFix(List<String> args) {
        List<String> fix = new ArrayList<>(args);
        fix.add(0, "--fix");
        return fix.toArray(String[]::new);
    }

    /** Case objects leave apiVersion/kind out; a file must have them. */
    static ObjectNode manifest(ObjectNode object) {
        ObjectNode m = F.objectNode();
        m.put("apiVersion", "serving.kserve.io/v1beta1");
        m.put("kind", "InferenceService");
        object.fields().forEachRemaining(e -> m.set(e.getKey(), e.getValue()));
        return m;
    }

    /** A case's settings, which are the webhook.* keys themselves, as --set arguments. */
    static List<String> sets(JsonNode s) {
        List<String> out = new ArrayList<>();
        s.fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return out;
    }

    static ArrayNode ops(List<PatchOp> ops) {
        ArrayNode a = F.arrayNode();
        for (PatchOp op : ops) {
            ObjectNode o = a.addObject().put("rule", op.ruleId()).put("op", op.op()).put("path", op.path());
            if (op.value() != null) {
                o.set("value", op.value());
            }
        }
        return a;
    }

    /** What {@code -o json} lists per object: /mutate's notices (warn), then /validate's findings; lines left out. */
    static ArrayNode reported(List<Notice> notices, List<Finding> findings) {
        ArrayNode a = F.arrayNode();
        notices.forEach(n -> a.addObject().put("rule", n.ruleId()).put("action", "warn").put("path", n.path())
                .put("message", n.message()).put("stage", "mutate"));
        findings.forEach(f -> {
            ObjectNode o = a.addObject().put("rule", f.ruleId()).put("action", f.action().label()).put("path", f.path())
                    .put("message", f.message()).put("stage", "validate").put("type", f.type().label())
                    .put("outcome", f.outcome()).put("text", f.line());
            ArrayNode paths = o.putArray("paths");
            f.paths().forEach(paths::add);
            if (f.value() != null) {
                o.put("value", f.value());
            }
        });
        return a;
    }

    /** The findings of {@code -o json} without their lines (each must have one), to compare with {@link #reported}. */
    static ArrayNode withoutLines(JsonNode findings) {
        ArrayNode a = F.arrayNode();
        for (JsonNode f : findings) {
            assertTrue(f.path("line").asInt() >= 1, "every finding has its line: " + f);
            ObjectNode copy = f.deepCopy();
            copy.remove("line");
            a.add(copy);
        }
        return a;
    }

    /** A YAML text as the offline check (and kubectl) reads it. */
    static JsonNode asKubectlReads(String yaml) {
        List<Documents.Document> docs = Documents.parse(new Documents.Source("t.yaml", null, yaml, false));
        assertEquals(1, docs.size(), yaml);
        return docs.get(0).node();
    }

    /** The /validate findings of {@code -o json} without their lines: what a --fix leaves unchanged. */
    static ArrayNode validated(JsonNode findings) {
        ArrayNode a = F.arrayNode();
        for (JsonNode f : withoutLines(findings)) {
            if (f.path("stage").asText().equals("validate")) {
                a.add(f);
            }
        }
        return a;
    }
}
