package dev.isvcpolicy.policy.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.KnativeLimits;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.RuleRegistry;
import dev.isvcpolicy.policy.Stage;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RULES.md §7 over every rule table: whatever an object breaks, {@code kubectl label} on it, as stored before the
 * webhook, is never refused. For each case whose object {@code /validate} denies on CREATE, the UPDATE that adds one label
 * goes through {@code /mutate} (for the kinds it mutates) and then {@code /validate} against the object as it was: every
 * deny must come out {@code pre-existing}, unless {@code /mutate} fixed it. A deny that the old object, judged in its own
 * context, gives at another path, or whose paths hold something {@code /mutate} changes, would stay a deny here.
 */
class LabelUpdateTest {

    static Stream<RuleCases.Case> cases() {
        return RuleRegistry.catalog().keySet().stream().flatMap(RuleCases::load)
                .filter(c -> c.node().has("expect") && c.node().has("object") && !c.node().has("oldObject")
                        && "CREATE".equalsIgnoreCase(c.node().path("operation").asText("CREATE"))
                        // A stored object has its own name: a generateName CREATE is never the old object of an UPDATE.
                        && !c.node().path("object").path("metadata").has("generateName"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aLabelOnAnObjectThatAlreadyBreaksTheRulesIsNotRefused(RuleCases.Case c) {
        JsonNode node = c.node();
        Decider decider = new Decider(new PolicyEngine(RuleCases.settings(node.path("settings"))));
        ClusterState cluster = RuleCases.routed(node) ? RuleCases.clusterOf(node) : cluster(node);
        Kind kind = RuleCases.routed(node) ? RuleCases.kind(node) : Kind.INFERENCE_SERVICE;
        ObjectNode stored = (ObjectNode) node.get("object").deepCopy();
        Decision create = decider.decide(input(node, kind, Stage.VALIDATE, "CREATE", stored, null), cluster);
        if (create.verdict() != Decision.Verdict.DENIED) {
            return; // nothing to keep: the table's own test says what it finds
        }
        ObjectNode labelled = stored.deepCopy();
        ObjectNode meta = labelled.has("metadata") && labelled.get("metadata").isObject() ? (ObjectNode) labelled.get("metadata")
                : labelled.putObject("metadata");
        (meta.get("labels") instanceof ObjectNode l ? l : meta.putObject("labels")).put("team", "relabelled");
        JsonNode sent = labelled;
        if (kind.judgedBy(Stage.MUTATE)) {
            Decision mutated = decider.decide(input(node, kind, Stage.MUTATE, "UPDATE", labelled, stored), cluster);
            sent = mutated.mutated() != null ? mutated.mutated() : labelled;
        }
        Decision update = decider.decide(input(node, kind, Stage.VALIDATE, "UPDATE", sent, stored), cluster);
        assertFalse(update.verdict() == Decision.Verdict.DENIED, c + ": a label refused; "
                + update.findings().stream().filter(f -> f.action() == dev.isvcpolicy.policy.Action.DENY).map(Finding::line).toList());
        assertTrue(update.findings().stream().anyMatch(f -> f.outcome().equals("pre-existing")) || !denies(decider, node, kind, sent, cluster),
                c + ": the old denies are said again, unless /mutate fixed them (qps rewritten to rps, ...)");
    }

    /** Whether the object as sent after /mutate would be denied on its own (as a CREATE). */
    private static boolean denies(Decider decider, JsonNode node, Kind kind, JsonNode sent, ClusterState cluster) {
        return decider.decide(input(node, kind, Stage.VALIDATE, "CREATE", sent, null), cluster).verdict() == Decision.Verdict.DENIED;
    }

    private static Decider.Input input(JsonNode node, Kind kind, Stage stage, String operation, JsonNode object, JsonNode old) {
        return new Decider.Input(stage, kind.group(), kind.kind(), operation, node.path("namespace").asText("default"),
                object.path("metadata").path("name").asText(""), object.deepCopy(), old == null ? null : old.deepCopy());
    }

    /** An InferenceService case's cluster: its default mode, its {@code cluster} ScaledObjects, Knative's limits. */
    private static ClusterState cluster(JsonNode node) {
        Optional<DeploymentMode> mode = node.has("clusterDefault") ? DeploymentMode.parse(node.get("clusterDefault").asText()) : Optional.empty();
        ClusterView view = RuleCases.cluster(node.get("cluster"));
        KnativeLimits limits = RuleCases.knative(node.get("knativeAutoscaler"));
        return new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return mode;
            }

            @Override
            public KnativeLimits knativeLimits() {
                return limits;
            }

            @Override
            public ClusterView scaledObjectsIn(String namespace) {
                return view;
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                return new InferenceServices(ClusterView.Lookup.READY, "", java.util.List.of());
            }
        };
    }
}
