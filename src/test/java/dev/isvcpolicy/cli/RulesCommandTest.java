package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.policy.RuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code isvc-check rules} and {@code isvc-check explain <rule-id>}: the catalog from the command line. */
class RulesCommandTest {

    @Test
    void rulesListsEveryRuleWithItsLevel() {
        Cli.Run r = Cli.run("rules");
        assertEquals(0, r.code(), r.err());
        for (RuleRegistry.Entry e : RuleRegistry.entries()) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(e.id() + " ") && l.contains(" " + e.level() + " ")), e.id() + "\n" + r.out());
        }
    }

    @Test
    void explainPrintsTheRulesSectionOfTheCatalog() throws Exception {
        Cli.Run r = Cli.run("explain", "scale-to-zero");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("## scale-to-zero\n"), r.out());
        assertTrue(r.out().contains("**Why:**") && r.out().contains("```yaml"), r.out());
        String page = Files.readString(Path.of("docs/rules.md"));
        assertTrue(page.contains(r.out()), "the same text as docs/rules.md");
    }

    @Test
    void explainAnUnknownRuleNamesTheClosest() {
        Cli.Run r = Cli.run("explain", "scale-to-zer");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no rule scale-to-zer; did you mean scale-to-zero?"), r.err());
        assertEquals(2, Cli.run("explain").code());
    }
}
