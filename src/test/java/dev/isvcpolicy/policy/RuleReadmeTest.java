package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The README's rule table, the registry and RULES.md name the same rules. */
class RuleReadmeTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| ([a-z, ]+) \\|", Pattern.MULTILINE);

    @Test
    void readmeTableMatchesTheRegistry() throws Exception {
        // The catalog moved from README.md to docs/rules.md (issue 18); either holds the marked table.
        Path catalog = Files.exists(Path.of("docs/rules.md")) ? Path.of("docs/rules.md") : Path.of("README.md");
        String readme = Files.readString(catalog);
        String table = readme.substring(readme.indexOf("<!-- rules:begin -->"), readme.indexOf("<!-- rules:end -->"));
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) {
            rows.put(m.group(1), m.group(2).trim());
        }
        Map<String, String> registry = new LinkedHashMap<>();
        for (String id : RuleRegistry.catalog().keySet()) {
            boolean mutates = RuleRegistry.MUTATIONS.stream().anyMatch(r -> r.id().equals(id));
            boolean validates = RuleRegistry.VALIDATIONS.stream().anyMatch(r -> r.id().equals(id));
            registry.put(id, mutates && validates ? "mutate, validate" : mutates ? "mutate" : "validate");
        }
        assertEquals(registry, rows, "README rule table (id -> endpoints) must list the registry, in its order");
        assertEquals(List.copyOf(registry.keySet()), List.copyOf(rows.keySet()));
    }

    @Test
    void everyRuleIdOfTheContractIsImplemented() throws Exception {
        Path rules = Path.of("../shared/policy/RULES.md");
        Assumptions.assumeTrue(Files.exists(rules), "RULES.md is beside the project in CI and development");
        String text = Files.readString(rules);
        Set<String> contract = new TreeSet<>();
        Matcher m = Pattern.compile("^\\| `([a-z0-9-]+)` \\|", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            contract.add(m.group(1));
        }
        assertTrue(contract.size() >= 19, "read the contract's rule tables: " + contract);
        assertEquals(contract, new TreeSet<>(RuleRegistry.catalog().keySet()));
    }

    @Test
    void everyRuleHasItsOwnTable() {
        Set<String> missing = RuleRegistry.catalog().keySet().stream()
                .filter(id -> RuleReadmeTest.class.getResource("/rules/" + id + "/cases.yaml") == null)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), missing, "rules without a cases.yaml");
    }
}
