package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven tests of the {@link Decider}: what happens around the rules (RULES.md §7, §5, §2): objects
 * being deleted, pre-existing findings on UPDATE, the namespace's enforcement label, exceptions and their
 * precedence. Each file {@code src/test/resources/decisions/*.yaml} is a list of cases:
 * <ul>
 * <li>{@code object}, {@code oldObject}, {@code operation} (CREATE), {@code namespace} (default), {@code kind}
 * (a {@link Kind}'s kind, e.g. LLMInferenceService; InferenceService), {@code stage} (validate, mutate, both), {@code clusterDefault},
 * {@code cluster: {scaledObjects: [...], stored: {<kind>: [...]}}} (the stored objects of other kinds, e.g. what an
 * LLMInferenceService is compared with), {@code inferenceServices: [...]} (for a ScaledObject),
 * {@code settings} ({@code webhook.*} keys), {@code enforcement} (the namespace's label value),
 * {@code exceptions} (the exceptions ConfigMap's data: key to YAML text), {@code now} (RFC 3339, for expiry);</li>
 * <li>{@code expect}: {@code decision} (the verdict's label), {@code findings} (every finding that is not a plain
 * warning, as {@code "<outcome> <rule> <path>"}, any order), optionally {@code warningStartsWith} (some line of
 * {@code response.warnings} starts with it), {@code annotations} (entries of the audit annotations, exact),
 * {@code noPatch: true}.</li>
 * </ul>
 */
class DecisionCasesTest {

    record Case(String file, String name, JsonNode node) {
        @Override
        public String toString() {
            return file + ": " + name;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String file : List.of("deletion.yaml", "pre-existing.yaml", "enforcement.yaml", "exceptions.yaml")) {
            try (InputStream in = DecisionCasesTest.class.getResourceAsStream("/decisions/" + file)) {
                assertNotNull(in, "missing /decisions/" + file);
                JsonNode list = RuleCases.YAML.readTree(in);
                assertTrue(list.isArray() && list.size() > 0, file + " must be a non-empty list");
                list.forEach(c -> out.add(new Case(file, c.path("name").asText("(unnamed)"), c)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        JsonNode n = c.node();
        Map<String, String> exceptionData = new TreeMap<>();
        n.path("exceptions").fields().forEachRemaining(e -> exceptionData.put(e.getKey(), e.getValue().asText()));
        Instant now = Instant.parse(n.path("now").asText("2026-11-30T12:00:00Z"));
        Decider decider = new Decider(new PolicyEngine(RuleCases.settings(n.path("settings"))), Exceptions.parse(exceptionData),
                Clock.fixed(now, ZoneOffset.UTC));
        String kindName = n.path("kind").asText("InferenceService");
        Kind kind = java.util.Arrays.stream(Kind.values()).filter(k -> k.kind().equals(kindName)).findFirst()
                .orElseThrow(() -> new AssertionError(c.name() + ": unknown kind " + kindName));
        Stage stage = Stage.valueOf(n.path("stage").asText("validate").toUpperCase(Locale.ROOT));
        JsonNode object = n.get("object");
        Decider.Input input = new Decider.Input(stage, kind.group(), kind.kind(), n.path("operation").asText("CREATE"),
                n.path("namespace").asText("default"), object.path("metadata").path("name").asText(), object.deepCopy(),
                n.hasNonNull("oldObject") ? n.get("oldObject").deepCopy() : null);
        Decision d = decider.decide(input, cluster(n));

        JsonNode expect = n.path("expect");
        String why = c.name() + " -> " + d.findings().stream().map(f -> f.outcome() + " " + f.ruleId() + " " + f.path() + ": " + f.message()).toList();
        assertEquals(expect.path("decision").asText(), d.verdict().label(), "decision of " + why);
        if (expect.has("findings")) {
            List<String> expected = new ArrayList<>();
            expect.get("findings").forEach(f -> expected.add(f.asText()));
            List<String> actual = d.findings().stream().filter(f -> !"warn".equals(f.outcome()))
                    .map(f -> f.outcome() + " " + f.ruleId() + " " + f.path()).sorted().toList();
            assertEquals(expected.stream().sorted().toList(), actual, "findings of " + why);
        }
        if (expect.has("warningStartsWith")) {
            String prefix = expect.get("warningStartsWith").asText();
            assertTrue(d.warningLines().stream().anyMatch(w -> w.startsWith(prefix)), c.name() + ": a warning starting with \"" + prefix
                    + "\" in " + d.warningLines());
        }
        expect.path("annotations").fields().forEachRemaining(e ->
                assertEquals(e.getValue().asText(), d.auditAnnotations().get(e.getKey()), c.name() + ": annotation " + e.getKey()
                        + " in " + d.auditAnnotations()));
        if (expect.path("noPatch").asBoolean()) {
            assertEquals(List.of(), d.ops(), c.name() + ": no patch");
            assertEquals(List.of(), d.findings(), c.name() + ": no finding");
        }
    }

    private static ClusterState cluster(JsonNode n) {
        Optional<DeploymentMode> mode = n.has("clusterDefault") ? DeploymentMode.parse(n.get("clusterDefault").asText()) : Optional.empty();
        Enforcement enforcement = n.has("enforcement") ? Enforcement.ofLabel(n.get("enforcement").asText()).orElse(Enforcement.DENY)
                : Enforcement.DENY;
        JsonNode c = n.get("cluster");
        List<ClusterView.ScaledObjectRef> refs = new ArrayList<>();
        if (c != null) {
            c.path("scaledObjects").forEach(so -> ScaledObjects.ref(so).ifPresent(refs::add));
        }
        List<ObjectNode> isvcs = new ArrayList<>();
        n.path("inferenceServices").forEach(i -> isvcs.add((ObjectNode) i.deepCopy()));
        return new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return mode;
            }

            @Override
            public Enforcement enforcement(String namespace) {
                return enforcement;
            }

            @Override
            public ClusterView scaledObjectsIn(String namespace) {
                return c == null ? ClusterView.OFF : ClusterView.ready(refs);
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                return new InferenceServices(ClusterView.Lookup.READY, "", isvcs);
            }

            @Override
            public Stored storedIn(Kind kind, String namespace) {
                if (c == null) {
                    return Stored.OFF;
                }
                List<ObjectNode> objects = new ArrayList<>();
                c.path("stored").path(kind.kind()).forEach(o -> objects.add((ObjectNode) o.deepCopy()));
                return Stored.ready(objects);
            }
        };
    }
}
