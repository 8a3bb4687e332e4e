package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The exceptions ConfigMap's entries as an admin writes them: what is refused, and the shipped example. */
class ExceptionsTest {

    @Test
    void everyProblemOfAnEntryIsNamed() {
        Exceptions e = Exceptions.parse(Map.of(
                "empty", "",
                "not-a-map", "- a\n- b",
                "no-rules", "{namespace: a, name: b, rules: [], reason: r}",
                "bad-kind", "{namespace: a, name: b, kinds: [Pod], rules: [scale-to-zero], reason: r}",
                "bad-date", "{namespace: a, name: b, rules: [scale-to-zero], reason: r, expires: next week}",
                "typo", "{namespace: a, name: b, rule: [scale-to-zero], reason: r}",
                "huge", "{namespace: a, name: b, rules: [scale-to-zero], reason: '" + "x".repeat(5000) + "'}",
                "ns-glob", "{namespace: team-*, name: b, rules: [scale-to-zero], reason: r}",
                "ok", "{namespace: a, name: b, rules: [scale-to-zero], reason: r}"));
        assertEquals(1, e.entries().size());
        Map<String, String> p = e.problems();
        assertEquals(8, p.size(), p.toString());
        assertTrue(p.get("ns-glob").contains("no globs"), p.toString());
        assertTrue(p.get("no-rules").contains("at least one"), p.toString());
        assertTrue(p.get("bad-kind").contains("Pod is not a kind"), p.toString());
        assertTrue(p.get("bad-date").contains("RFC 3339"), p.toString());
        assertTrue(p.get("typo").contains("unknown field rule") && p.get("typo").contains("rules: required"), p.toString());
        assertTrue(p.get("huge").contains("longer than"), p.toString());
        assertTrue(p.get("huge").length() < 100, "a long value is never echoed");
    }

    private static final String OK = "namespace: a\nname: b\nrules: [scale-to-zero]\nreason: r\n";

    /* What was accepted before it was checked this closely keeps its meaning (an upgrade must not drop an exception that
       worked) and is said as a warning. */

    @Test
    void aNullExpiresNeverExpiresWithAWarningAndAnEmptyOrOtherOneIsRefusedAsBefore() {
        Exceptions e = Exceptions.parse(Map.of("null", OK + "expires: null", "tilde", OK + "expires: ~", "absent", OK,
                "bare", OK + "expires:", "empty", OK + "expires: \"\"", "list", OK + "expires: [2025-01-01]", "map", OK + "expires: {a: b}"));
        assertEquals(Set.of("bare", "empty", "list", "map"), e.problems().keySet(), "not a date, as before: " + e.problems());
        assertEquals(List.of("absent", "null", "tilde"), e.entries().stream().map(Exceptions.Entry::key).toList());
        assertTrue(e.entries().stream().allMatch(x -> x.expires().isEmpty()));
        for (String k : List.of("null", "tilde")) {
            assertEquals("expires: an empty value is read as never: give a date (YYYY-MM-DD or RFC 3339), or leave the key out to say so",
                    e.warnings().get(k), e.warnings().toString());
        }
        assertEquals(Set.of("null", "tilde"), e.warnings().keySet());
    }

    @Test
    void aNamespaceOrNameGlobNoObjectCanHaveIsAppliedWithAWarning() {
        Exceptions e = Exceptions.parse(Map.of(
                "upper-ns", "{namespace: Team-A, name: 'legacy-*', rules: [scale-to-zero], reason: r}",
                "underscore-ns", "{namespace: team_a, name: 'legacy-*', rules: [scale-to-zero], reason: r}",
                "upper-name", "{namespace: team-a, name: 'Legacy-*', rules: [scale-to-zero], reason: r}",
                "ok", "{namespace: team-a, name: 'legacy-?.v1*', rules: [scale-to-zero], reason: r}",
                "z-every-ns", "{namespace: '*', name: '*', rules: [scale-to-zero], reason: r}"));
        assertEquals(5, e.entries().size(), "applied, as before: " + e.problems());
        assertEquals(Set.of("upper-ns", "underscore-ns", "upper-name"), e.warnings().keySet(), e.warnings().toString());
        assertTrue(e.warnings().get("upper-ns").startsWith("namespace: Team-A is not a namespace name"), e.warnings().toString());
        assertTrue(e.warnings().get("upper-name").startsWith("name: Legacy-* holds a character no object name has"), e.warnings().toString());
        assertTrue(e.warnings().values().stream().allMatch(w -> w.endsWith("so this exception matches nothing")), e.warnings().toString());
        assertEquals(Optional.of("ok"), e.match("team-a", "legacy-1.v1", Kind.INFERENCE_SERVICE, "scale-to-zero", Instant.now()));
    }

    /** An unquoted {@code *} starts a YAML alias: {@code name: *-batch} reads as "-batch", {@code namespace: *} does not parse. */
    @Test
    void anUnquotedGlobIsAYamlAliasAndSaidSo() {
        Exceptions e = Exceptions.parse(Map.of(
                "alias-name", "namespace: team-a\nname: *-batch\nrules: [scale-to-zero]\nreason: r\n",
                "alias-ns", "namespace: *\nname: 'batch-*'\nrules: [scale-to-zero]\nreason: r\n",
                "quoted", "namespace: team-a\nname: '*-batch'\nrules: [scale-to-zero]\nreason: r\n"));
        assertEquals(Set.of("alias-name", "alias-ns"), e.problems().keySet(), e.problems() + " " + e.warnings());
        assertTrue(e.problems().get("alias-name").contains("name: *-batch is a YAML alias"), e.problems().toString());
        assertTrue(e.problems().get("alias-name").contains("for a glob, quote it: name: \"*-batch\""), e.problems().toString());
        assertTrue(e.problems().get("alias-ns").contains("quote globs, e.g. namespace: \"*\""), e.problems().toString());
        // A parse error that has nothing to do with a * gets no hint about one.
        assertEquals("not YAML", Exceptions.parse(Map.of("k", "reason: \"a: *b\" c: d\n")).problems().get("k"));
        assertEquals(Optional.of("quoted"), e.match("team-a", "nightly-batch", Kind.INFERENCE_SERVICE, "scale-to-zero", Instant.now()));
    }

    /** A glob is matched by a loop, not a regular expression: stars cost glob x name steps at most, never exponential time. */
    @Test
    void globsMatchAsWrittenAndManyStarsStayCheap() {
        assertTrue(Exceptions.globMatches("batch-*", "batch-nightly"));
        assertTrue(Exceptions.globMatches("*", ""));
        assertTrue(Exceptions.globMatches("a?c", "abc"));
        assertFalse(Exceptions.globMatches("a?c", "ac"));
        assertTrue(Exceptions.globMatches("*-v?", "m-v1"));
        assertFalse(Exceptions.globMatches("batch-*", "nightly-batch"));
        assertTrue(Exceptions.globMatches("*a*b*", "xxaxxbxx"));
        assertFalse(Exceptions.globMatches("*a*b", "xxaxxbxx"));
        assertFalse(Exceptions.globMatches("m", "m*"), "a literal never matches a generated name's stand-in *");
        assertTrue(Exceptions.globMatches("m?", "m*"));
        // 88 s as a regular expression; here a few thousand steps.
        assertFalse(Exceptions.globMatches("*a*a*a*a*a*a*a*a*b", "a".repeat(253)));
        assertTrue(Exceptions.globMatches("*a*a*a*a*a*a*a*a*a", "a".repeat(253)));
    }

    @Test
    void anEmptyKindsIsEveryKindWithAWarning() {
        Exceptions e = Exceptions.parse(Map.of("no-kinds", OK + "kinds: []", "no-key", OK));
        assertEquals(Map.of(), e.problems());
        assertEquals(Map.of("no-kinds", "kinds: [] is read as every kind: leave the key out to say so, or name the kinds"), e.warnings());
        assertTrue(e.match("a", "b", Kind.SCALED_OBJECT, "scale-to-zero", Instant.EPOCH).isPresent());
    }

    @Test
    void aSecondYamlDocumentIsNotReadAndSaid() {
        Exceptions e = Exceptions.parse(Map.of("two", OK + "---\nnamespace: '*'\nname: '*'\n", "marker", "---\n" + OK,
                "broken-second", OK + "---\n]"));
        assertEquals(Map.of(), e.problems());
        assertEquals(Set.of("two", "broken-second"), e.warnings().keySet(), e.warnings().toString());
        assertTrue(e.warnings().get("two").startsWith("only the first YAML document is read"), e.warnings().toString());
        assertTrue(e.match("other", "x", Kind.INFERENCE_SERVICE, "scale-to-zero", Instant.EPOCH).isEmpty(), "the second document widens nothing");
    }

    @Test
    void aMutationOnlyRuleIsLeftOutOfAnException() {
        Exceptions e = Exceptions.parse(Map.of(
                "mixed", "{namespace: a, name: b, rules: [scale-to-zero, default-min-replicas], reason: r}",
                "mutation", "{namespace: a, name: b, rules: [default-min-replicas], reason: r}",
                "both-halves", "{namespace: a, name: b, rules: [knative-annotations, keda-metrics], reason: r}"));
        assertEquals(Set.of("mutation"), e.problems().keySet(), e.problems().toString());
        assertTrue(e.problems().get("mutation").startsWith("rules: name at least one rule that denies or warns"), e.problems().toString());
        assertEquals(Map.of("mixed", "rules: default-min-replicas only mutates, so it has no finding to except: left out"), e.warnings());
        assertEquals(Optional.of("mixed"), e.match("a", "b", Kind.INFERENCE_SERVICE, "scale-to-zero", Instant.EPOCH),
                "the rest of the entry still applies");
    }

    @Test
    void theShippedExampleIsValid() throws Exception {
        JsonNode cm = RuleCases.YAML.readTree(Files.readString(Path.of("examples/policy/isvc-autoscaling-policy-exceptions.yaml")));
        Map<String, String> data = new TreeMap<>();
        cm.path("data").fields().forEachRemaining(x -> data.put(x.getKey(), x.getValue().asText()));
        Exceptions e = Exceptions.parse(data);
        assertEquals(Map.of(), e.problems());
        assertEquals(1, e.entries().size());
        assertEquals("team-a-batch-scale-to-zero", e.match("team-a", "batch-7", Kind.INFERENCE_SERVICE, "scale-to-zero",
                Instant.parse("2027-03-31T12:00:00Z")).orElse(null));
        assertTrue(e.match("team-a", "batch-7", Kind.INFERENCE_SERVICE, "scale-to-zero", Instant.parse("2027-04-01T00:00:00Z")).isEmpty());
    }

    @Test
    void theShippedPolicyExampleIsValid() throws Exception {
        JsonNode cm = RuleCases.YAML.readTree(Files.readString(Path.of("examples/policy/isvc-autoscaling-policy.yaml")));
        Map<String, String> data = new TreeMap<>();
        cm.path("data").fields().forEachRemaining(x -> data.put(x.getKey(), x.getValue().asText()));
        assertTrue(PolicySettings.defaults().with(data).auditOnly());
    }
}
