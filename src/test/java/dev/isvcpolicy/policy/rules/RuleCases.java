package dev.isvcpolicy.policy.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Autoscaler;
import dev.isvcpolicy.cli.OfflineCluster;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Stage;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.KnativeLimits;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.ScaledObjects;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Table-driven rule tests. Each rule has {@code src/test/resources/rules/<id>/cases.yaml} (and may have {@code kinds.yaml},
 * its cases for InferenceGraphs, LLMInferenceServices and HTTPScaledObjects): a list of cases
 * named in prose, each with an InferenceService and what this rule must do to it. A case may hold:
 * <ul>
 * <li>{@code object} (required), {@code oldObject}, {@code operation} (CREATE), {@code namespace} (default),
 * {@code clusterDefault} (Knative/Standard/ModelMesh; absent means no ConfigMap: the fallback applies);</li>
 * <li>{@code cluster}: what the caches say for the cluster side, {@code {lookup: READY|UNAVAILABLE|ABSENT|OFF,
 * detail, scaledObjects: [ScaledObject, ...]}} (absent: OFF, nothing looked up; lookup defaults to READY);</li>
 * <li>{@code scaledObject} instead of {@code object}: a ScaledObject judged on {@code /validate} against
 * {@code inferenceServices: [...]} (the namespace's, as stored; {@code lookup} and {@code detail} as above);
 * only {@code expect} applies;</li>
 * <li>an {@code object} with its own {@code apiVersion} and {@code kind} other than InferenceService (an InferenceGraph,
 * LLMInferenceService, HTTPScaledObject or ScaledObject) goes through {@link Decider} as the webhook sends it:
 * {@code patch} from {@code /mutate}, {@code expect} from {@code /validate} on the object as given; the cluster is
 * {@code neighbours: [objects of any admitted kind]} (the namespace's stored objects, as the offline check reads its files),
 * and {@code unavailable: [Kind, ...]} makes those kinds' caches unreadable (e.g. {@code InferenceGraph});</li>
 * <li>{@code knativeAutoscaler}: the {@code data} of Knative's {@code config-autoscaler} ConfigMap as the
 * informer would give it, e.g. {@code {max-scale-limit: "10"}} (absent: not read, the checks that need it are skipped);</li>
 * <li>{@code settings}: overrides of {@link PolicySettings} (see {@link #settings});</li>
 * <li>{@code expect}: the exact findings of this rule from {@code /validate} on the object as given, each
 * {@code {action, path}} (or {@code paths: [main, other, ...]} for a finding on several fields), its field
 * error {@code type} ({@code Invalid} when not given: {@code Required}, {@code NotSupported}, {@code Forbidden},
 * {@code Duplicate}, {@code TooLong}), and optionally {@code contains} (a piece of the message); {@code []} for none;</li>
 * <li>{@code patch}: the exact operations of this rule from {@code /mutate}, each {@code {op, path, value}};
 * {@code []} for none. Every patch case also checks that mutating the result again adds nothing.</li>
 * </ul>
 * Only this rule's findings and operations are compared: other rules have their own tables.
 */
public final class RuleCases {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RuleCases() {
    }

    /** One case; its name is what the test report shows. */
    public record Case(String ruleId, String name, JsonNode node) {
        @Override
        public String toString() {
            return "[" + ruleId + "] " + name;
        }
    }

    /** A rule's cases: {@code cases.yaml}, then {@code kinds.yaml} when there is one (the kinds of RULES.md §1 v2). */
    public static Stream<Case> load(String ruleId) {
        return Stream.concat(load(ruleId, "cases.yaml", true), load(ruleId, "kinds.yaml", false));
    }

    private static Stream<Case> load(String ruleId, String file, boolean required) {
        String resource = "/rules/" + ruleId + "/" + file;
        try (InputStream in = RuleCases.class.getResourceAsStream(resource)) {
            if (in == null && !required) {
                return Stream.empty();
            }
            assertNotNull(in, "missing " + resource);
            JsonNode cases = YAML.readTree(in);
            assertTrue(cases.isArray() && cases.size() > 0, resource + " must be a non-empty list");
            return StreamSupport.stream(cases.spliterator(), false)
                    .map(c -> new Case(ruleId, c.path("name").asText("(unnamed)"), c));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    public static void verify(Case c) {
        JsonNode node = c.node();
        assertTrue(node.has("expect") || node.has("patch"), c.name() + ": a case needs expect or patch");
        PolicyEngine engine = new PolicyEngine(settings(node.path("settings")));
        if (node.has("scaledObject")) {
            assertTrue(node.has("expect") && !node.has("patch"), c.name() + ": a ScaledObject case has expect only");
            List<ObjectNode> isvcs = new ArrayList<>();
            node.path("inferenceServices").forEach(i -> isvcs.add((ObjectNode) i.deepCopy()));
            PolicyEngine.ScaledObjectInput so = new PolicyEngine.ScaledObjectInput(
                    Operation.valueOf(node.path("operation").asText("CREATE").toUpperCase(Locale.ROOT)),
                    (ObjectNode) node.get("scaledObject").deepCopy(), node.path("namespace").asText("default"),
                    ClusterView.Lookup.valueOf(node.path("lookup").asText("READY").toUpperCase(Locale.ROOT)),
                    node.path("detail").asText("test detail"), isvcs, clusterDefault(node));
            expect(c, engine.validateScaledObject(so));
            return;
        }
        if (routed(node)) {
            decide(c, engine);
            return;
        }
        PolicyEngine.Input input = input(node, (ObjectNode) node.get("object"));
        if (node.has("patch")) {
            PolicyEngine.MutationResult result = engine.mutate(input);
            List<String> actual = result.ops().stream().filter(op -> op.ruleId().equals(c.ruleId()))
                    .map(RuleCases::describe).toList();
            List<String> expected = new ArrayList<>();
            node.get("patch").forEach(op -> expected.add(op.path("op").asText() + " " + op.path("path").asText()
                    + (op.has("value") ? " " + op.get("value") : "")));
            assertEquals(expected, actual, c.name() + ": patch of " + c.ruleId());
            // The handler edits the decoded object in place (no working copy): the same ops, notices and object.
            PolicyEngine.Input owned = input(node, (ObjectNode) node.get("object"));
            PolicyEngine.MutationResult inPlace = engine.mutateInPlace(owned);
            assertEquals(result.ops(), inPlace.ops(), c.name() + ": ops in place and on a working copy");
            assertEquals(result.notices(), inPlace.notices(), c.name() + ": notices in place and on a working copy");
            assertEquals(result.mutated(), inPlace.mutated(), c.name() + ": object in place and on a working copy");
            assertTrue(inPlace.mutated() == owned.object(), c.name() + ": in place, the object itself is edited");
            assertEquals(node.get("object"), input.object(), c.name() + ": mutate leaves its input as it was");
            PolicyEngine.MutationResult again = engine.mutate(input(node, result.mutated()));
            assertEquals(List.of(), again.ops().stream().map(RuleCases::describe).toList(),
                    c.name() + ": mutating the mutated object must add nothing");
            // RULES.md §1: /validate accepts whatever /mutate produced unless the object as sent already broke a rule.
            if (!node.has("expect")) {
                List<String> denied = engine.validate(input(node, result.mutated())).findings().stream()
                        .filter(f -> f.action() == Action.DENY).map(Finding::line).toList();
                List<String> deniedBefore = engine.validate(input).findings().stream()
                        .filter(f -> f.action() == Action.DENY).map(Finding::line).toList();
                if (deniedBefore.isEmpty()) {
                    assertEquals(List.of(), denied, c.name() + ": /validate refuses what /mutate produced from an object it accepts");
                }
            }
            node.path("notices").forEach(n -> assertTrue(result.notices().stream().anyMatch(x -> x.ruleId().equals(c.ruleId())
                    && x.path().equals(n.path("path").asText()) && x.message().contains(n.path("contains").asText())),
                    c.name() + ": a notice of " + c.ruleId() + " on " + n.path("path").asText() + " containing \""
                            + n.path("contains").asText() + "\"; got " + result.notices()));
        }
        if (node.has("expect")) {
            expect(c, engine.validate(input));
        }
    }

    /** Whether a case's object names a kind of its own (not an InferenceService): it goes through {@link Decider}. */
    public static boolean routed(JsonNode node) {
        String kind = node.path("object").path("kind").asText("");
        return !kind.isEmpty() && !Kind.INFERENCE_SERVICE.kind().equals(kind);
    }

    /** The kind of a routed case's object. */
    public static Kind kind(JsonNode node) {
        JsonNode o = node.path("object");
        return Kind.ofApiVersion(o.path("apiVersion").asText(), o.path("kind").asText())
                .orElseThrow(() -> new AssertionError("not an admitted kind: " + o.path("apiVersion").asText() + " " + o.path("kind").asText()));
    }

    /** The cluster of a routed case: its {@code neighbours} as stored objects, {@code unavailable} kinds unreadable. */
    public static ClusterState clusterOf(JsonNode node) {
        Map<Kind, List<ObjectNode>> byKind = new java.util.EnumMap<>(Kind.class);
        node.path("neighbours").forEach(o -> byKind.computeIfAbsent(
                Kind.ofApiVersion(o.path("apiVersion").asText(), o.path("kind").asText())
                        .orElseThrow(() -> new AssertionError("neighbour of no admitted kind: " + o)),
                k -> new ArrayList<>()).add((ObjectNode) o.deepCopy()));
        OfflineCluster offline = new OfflineCluster(clusterDefault(node), byKind.getOrDefault(Kind.INFERENCE_SERVICE, List.of()),
                byKind.getOrDefault(Kind.SCALED_OBJECT, List.of()), node.path("namespace").asText("default"), byKind);
        java.util.Set<String> unavailable = new java.util.HashSet<>();
        node.path("unavailable").forEach(k -> unavailable.add(k.asText()));
        if (unavailable.isEmpty()) {
            return offline;
        }
        return new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return offline.defaultMode();
            }

            @Override
            public ClusterView scaledObjectsIn(String ns) {
                return unavailable.contains("ScaledObject") ? ClusterView.unavailable("test detail") : offline.scaledObjectsIn(ns);
            }

            @Override
            public InferenceServices inferenceServicesIn(String ns) {
                return unavailable.contains("InferenceService")
                        ? new InferenceServices(ClusterView.Lookup.UNAVAILABLE, "test detail", List.of()) : offline.inferenceServicesIn(ns);
            }

            @Override
            public Stored storedIn(Kind kind, String ns) {
                return unavailable.contains(kind.kind()) ? new Stored(ClusterView.Lookup.UNAVAILABLE, "test detail", List.of())
                        : offline.storedIn(kind, ns);
            }
        };
    }

    /** A routed case's request through the Decider at a stage. */
    public static Decider.Input request(JsonNode node, Stage stage, JsonNode object) {
        Kind kind = kind(node);
        return new Decider.Input(stage, kind.group(), kind.kind(), node.path("operation").asText("CREATE").toUpperCase(Locale.ROOT),
                node.path("namespace").asText("default"), object.path("metadata").path("name").asText(""), object.deepCopy(),
                node.get("oldObject"));
    }

    private static void decide(Case c, PolicyEngine engine) {
        JsonNode node = c.node();
        Decider decider = new Decider(engine);
        ClusterState cluster = clusterOf(node);
        JsonNode object = node.get("object");
        if (node.has("patch")) {
            assertTrue(kind(node).judgedBy(Stage.MUTATE), c.name() + ": only a mutated kind has patch cases");
            Decision d = decider.decide(request(node, Stage.MUTATE, object), cluster);
            List<String> actual = d.ops().stream().filter(op -> op.ruleId().equals(c.ruleId())).map(RuleCases::describe).toList();
            List<String> expected = new ArrayList<>();
            node.get("patch").forEach(op -> expected.add(op.path("op").asText() + " " + op.path("path").asText()
                    + (op.has("value") ? " " + op.get("value") : "")));
            assertEquals(expected, actual, c.name() + ": patch of " + c.ruleId());
            if (d.mutated() != null) {
                Decision again = decider.decide(request(node, Stage.MUTATE, d.mutated()), cluster);
                assertEquals(List.of(), again.ops().stream().map(RuleCases::describe).toList(),
                        c.name() + ": mutating the mutated object must add nothing");
            }
        }
        if (node.has("expect")) {
            Decision d = decider.decide(request(node, Stage.VALIDATE, object), cluster);
            assertTrue(d.verdict() == Decision.Verdict.ALLOWED || d.verdict() == Decision.Verdict.DENIED || d.verdict() == Decision.Verdict.PATCHED,
                    c.name() + ": judged, not " + d.verdict() + " (" + d.reason() + ")");
            expect(c, new PolicyEngine.ValidationResult(d.findings(), d.context()));
        }
    }

    private static void expect(Case c, PolicyEngine.ValidationResult result) {
        JsonNode node = c.node();
        List<Finding> mine = result.findings().stream().filter(f -> f.ruleId().equals(c.ruleId())).toList();
        List<String> actual = mine.stream().map(f -> f.action().label() + " " + f.type().label() + " " + String.join(" & ", f.paths()))
                .sorted().toList();
        List<String> expected = new ArrayList<>();
        node.get("expect").forEach(e -> {
            List<String> paths = new ArrayList<>();
            if (e.has("paths")) {
                e.get("paths").forEach(p -> paths.add(p.asText()));
            } else {
                paths.add(e.path("path").asText());
            }
            expected.add(e.path("action").asText() + " " + e.path("type").asText("Invalid") + " " + String.join(" & ", paths));
        });
        assertEquals(expected.stream().sorted().toList(), actual, c.name() + ": findings of " + c.ruleId()
                + " (messages: " + mine.stream().map(Finding::message).collect(Collectors.joining(" | ")) + ")");
        node.get("expect").forEach(e -> {
            if (e.has("contains")) {
                String path = e.has("paths") ? e.get("paths").get(0).asText() : e.path("path").asText();
                String piece = e.path("contains").asText();
                assertTrue(mine.stream().anyMatch(f -> f.path().equals(path) && f.message().contains(piece)),
                        c.name() + ": a message at " + path + " should contain \"" + piece + "\"");
            }
        });
    }

    static String describe(PatchOp op) {
        return op.op() + " " + op.path() + (op.value() != null ? " " + op.value() : "");
    }

    static PolicyEngine.Input input(JsonNode node, ObjectNode object) {
        Operation operation = Operation.valueOf(node.path("operation").asText("CREATE").toUpperCase(Locale.ROOT));
        JsonNode old = node.get("oldObject");
        return new PolicyEngine.Input(operation, object.deepCopy(), old, node.path("namespace").asText("default"),
                clusterDefault(node), cluster(node.get("cluster"))).withKnative(knative(node.get("knativeAutoscaler")));
    }

    /** The {@code knativeAutoscaler} block of a case: the data of Knative's config-autoscaler (absent: not read). */
    static KnativeLimits knative(JsonNode data) {
        if (data == null || data.isNull()) {
            return KnativeLimits.UNKNOWN;
        }
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        data.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return KnativeLimits.fromData(map);
    }

    private static Optional<DeploymentMode> clusterDefault(JsonNode node) {
        return node.has("clusterDefault") ? DeploymentMode.parse(node.get("clusterDefault").asText()) : Optional.empty();
    }

    /** The {@code cluster} block of a case; its ScaledObjects are read as the informer's objects are. */
    public static ClusterView cluster(JsonNode c) {
        if (c == null || c.isNull()) {
            return ClusterView.OFF;
        }
        ClusterView.Lookup lookup = ClusterView.Lookup.valueOf(c.path("lookup").asText("READY").toUpperCase(Locale.ROOT));
        List<ClusterView.ScaledObjectRef> refs = new ArrayList<>();
        c.path("scaledObjects").forEach(so -> ScaledObjects.ref(so).ifPresent(refs::add));
        return new ClusterView(lookup, c.path("detail").asText("test detail"), lookup == ClusterView.Lookup.READY ? refs : List.of());
    }

    /**
     * Settings from a case: the {@code webhook.*} keys themselves, as an admin sets them, e.g.
     * {@code settings: {webhook.audit-only: "true", webhook.rules.scale-to-zero: "warn"}}.
     */
    public static PolicySettings settings(JsonNode s) {
        Map<String, String> raw = new java.util.TreeMap<>();
        if (s != null && s.isObject()) {
            s.fields().forEachRemaining(e -> raw.put(e.getKey(), e.getValue().asText()));
        }
        return PolicySettings.from(raw);
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
