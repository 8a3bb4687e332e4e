package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/rules.md} is written from the registry and the rule tables, and is current; every rule id
 * of the contract (pinned in {@code contract-rule-ids.txt}: they are the product's interface) is still there;
 * every rule says why it exists and has its table; the README links the catalog.
 * {@code -Drules.write=true} rewrites the page instead of comparing.
 */
class RuleCatalogTest {

    static final Path PAGE = Path.of("docs/rules.md");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @Test
    void theCatalogPageIsCurrent() throws IOException {
        Map<String, RuleCatalog.Examples> examples = new LinkedHashMap<>();
        for (String id : RuleRegistry.catalog().keySet()) {
            examples(id).ifPresent(x -> examples.put(id, x));
        }
        String page = RuleCatalog.markdown(examples);
        if (Boolean.getBoolean("rules.write")) {
            Files.writeString(PAGE, page, StandardCharsets.UTF_8);
        }
        assertEquals(page, Files.readString(PAGE), "docs/rules.md is stale: ./mvnw test -Dtest=RuleCatalogTest -Drules.write=true");
        for (String id : RuleRegistry.catalog().keySet()) {
            assertTrue(RuleCatalog.sectionOf(page, id).isPresent(), id);
        }
    }

    @Test
    void theRuleIdsAreTheContracts() throws IOException {
        Set<String> contract = new TreeSet<>();
        try (InputStream in = getClass().getResourceAsStream("/contract-rule-ids.txt")) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(contract::add);
        }
        Set<String> missing = new TreeSet<>(contract);
        missing.removeAll(RuleRegistry.catalog().keySet());
        assertEquals(Set.of(), missing, "a rule id is part of the interface (settings, annotations, metrics): add rules, never rename or drop one");
    }

    @Test
    void everyRuleSaysWhyAndHasItsTable() {
        for (RuleRegistry.Entry e : RuleRegistry.entries()) {
            assertFalse(e.why().isBlank(), e.id() + " says why it exists");
            assertTrue(getClass().getResource("/rules/" + e.id() + "/cases.yaml") != null, e.id() + " has src/test/resources/rules/" + e.id() + "/cases.yaml");
        }
    }

    @Test
    void theReadmeLinksTheCatalog() throws IOException {
        assertTrue(Files.readString(Path.of("README.md")).contains("docs/rules.md"), "README links docs/rules.md");
    }

    /** The smallest case this rule refuses (or patches) and the smallest it accepts (or leaves), from its table. */
    static Optional<RuleCatalog.Examples> examples(String id) throws IOException {
        List<RuleCases.Case> plain = RuleCases.load(id)
                .filter(c -> c.node().has("object") && !RuleCases.routed(c.node()) && !c.node().has("cluster") && !c.node().has("settings") && !c.node().has("oldObject"))
                .filter(c -> "CREATE".equalsIgnoreCase(c.node().path("operation").asText("CREATE")) && !c.node().has("clusterDefault"))
                .sorted(Comparator.comparingInt(c -> c.node().get("object").toString().length()))
                .toList();
        Optional<RuleCases.Case> refused = plain.stream().filter(c -> has(c.node().path("expect"), "deny")).findFirst();
        Optional<RuleCases.Case> accepted = plain.stream().filter(c -> c.node().path("expect").isArray() && c.node().path("expect").isEmpty()
                && !has(c.node().path("patch"), null)).findFirst();
        if (refused.isPresent() || accepted.isPresent()) {
            return Optional.of(new RuleCatalog.Examples(refused.map(RuleCatalogTest::yaml).orElse(null),
                    refused.map(c -> "Refused: " + c.name()).orElse(null),
                    accepted.map(RuleCatalogTest::yaml).orElse(null), accepted.map(c -> "Accepted: " + c.name()).orElse(null)));
        }
        Optional<RuleCases.Case> patched = plain.stream().filter(c -> has(c.node().path("patch"), null)).findFirst();
        Optional<RuleCases.Case> left = plain.stream().filter(c -> c.node().path("patch").isArray() && c.node().path("patch").isEmpty()).findFirst();
        if (patched.isEmpty() && left.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new RuleCatalog.Examples(patched.map(RuleCatalogTest::yaml).orElse(null),
                patched.map(c -> "Patched (" + ops(c.node().path("patch")) + "): " + c.name()).orElse(null),
                left.map(RuleCatalogTest::yaml).orElse(null), left.map(c -> "Left as it is: " + c.name()).orElse(null)));
    }

    private static boolean has(JsonNode list, String action) {
        if (!list.isArray() || list.isEmpty()) {
            return false;
        }
        if (action == null) {
            return true;
        }
        for (JsonNode e : list) {
            if (action.equals(e.path("action").asText())) {
                return true;
            }
        }
        return false;
    }

    private static String ops(JsonNode patch) {
        List<String> out = new java.util.ArrayList<>();
        patch.forEach(op -> out.add(op.path("op").asText() + " " + op.path("path").asText() + (op.has("value") ? " " + op.get("value") : "")));
        return out.stream().map(o -> "`" + o + "`").collect(Collectors.joining(", "));
    }

    private static String yaml(RuleCases.Case c) {
        try {
            return YAML.writeValueAsString(c.node().get("object"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
