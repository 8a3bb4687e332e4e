package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.RuleRegistry;
import dev.isvcpolicy.policy.Stage;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rule cases of the kinds of RULES.md §1 v2 that {@link CliRuleCasesTest} cannot replay (an LLMInferenceService,
 * HTTPScaledObject or ScaledObject, or a graph with neighbours) through the CLI: the case's object and its
 * {@code neighbours} in one file, so the offline check judges them against each other. The object's verdict and findings
 * in the CLI's JSON must be what {@link Decider} says for it against the run's objects.
 */
class CliKindCasesTest {

    @TempDir
    Path dir;

    /** A graph case the plain replay handles: no neighbours, no unreadable cache. */
    static boolean graphAlone(JsonNode node) {
        return RuleCases.kind(node) == Kind.INFERENCE_GRAPH && !node.has("neighbours") && !node.has("unavailable");
    }

    static Stream<RuleCases.Case> cases() {
        return RuleRegistry.catalog().keySet().stream().flatMap(RuleCases::load)
                .filter(c -> RuleCases.routed(c.node()) && !graphAlone(c.node()) && !c.node().has("unavailable"))
                .filter(c -> !"UPDATE".equalsIgnoreCase(c.node().path("operation").asText()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cliSaysWhatTheDeciderSays(RuleCases.Case c) throws IOException {
        JsonNode node = c.node();
        ObjectNode object = (ObjectNode) node.get("object").deepCopy();
        Decision expected = new Decider(new PolicyEngine(RuleCases.settings(node.path("settings"))))
                .decide(RuleCases.request(node, Stage.BOTH, object), RuleCases.clusterOf(withObject(node)));

        StringBuilder file = new StringBuilder(Fixer.render(object, false)).append("\n");
        for (JsonNode n : node.path("neighbours")) {
            file.append("---\n").append(Fixer.render((ObjectNode) n.deepCopy(), false)).append("\n");
        }
        Path path = dir.resolve("objects.yaml");
        Files.writeString(path, file.toString());
        List<String> args = new ArrayList<>(List.of("-o", "json", "-n", node.path("namespace").asText("default")));
        CliRuleCasesTest.sets(node.path("settings")).forEach(s -> args.addAll(List.of("--set", s)));
        if (node.has("clusterDefault")) {
            args.addAll(List.of("--default-mode", node.get("clusterDefault").asText()));
        }
        args.add(path.toString());
        JsonNode report = Cli.run(args.toArray(String[]::new)).json();
        assertEquals(1 + node.path("neighbours").size(), report.path("objects").size(), c.name() + ": every document judged");
        JsonNode o = report.path("objects").get(0);
        assertEquals(object.path("kind").asText(), o.path("kind").asText(), c.name() + ": the case's object comes first");
        assertEquals(expected.verdict() == Decision.Verdict.DENIED ? "denied" : expected.ops().isEmpty() ? "allowed" : "patched",
                o.path("verdict").asText(), c.name());
        assertEquals(CliRuleCasesTest.reported(expected.notices(), expected.findings()), CliRuleCasesTest.withoutLines(o.path("findings")),
                c.name() + ": findings");
    }

    /** The offline check's cluster is every object of the run: the case's object is one of them. */
    private static JsonNode withObject(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.withArray("neighbours").add(node.get("object").deepCopy());
        return copy;
    }
}
