package dev.isvcpolicy.cli;

import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.RuleCatalog;
import dev.isvcpolicy.policy.RuleRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code isvc-check rules} lists every rule (id, level, what it does); {@code isvc-check explain <rule-id>}
 * prints that rule's section of {@code docs/rules.md} (packaged in the jar), with its examples.
 */
public final class RulesCommand {

    /** Where the build puts {@code docs/rules.md} in the jar. */
    static final String PAGE = "/isvc-check/rules.md";

    private RulesCommand() {
    }

    /** Whether {@code args} asks for this command. */
    static boolean handles(String[] args) {
        return args.length > 0 && ("rules".equals(args[0]) || "explain".equals(args[0]));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<RuleRegistry.Entry> entries = RuleRegistry.entries();
        if ("rules".equals(args[0])) {
            int width = entries.stream().mapToInt(e -> e.id().length()).max().orElse(10);
            for (RuleRegistry.Entry e : entries) {
                out.printf("%-" + width + "s  %-4s  %s%n", e.id(), e.level(), e.doc());
            }
            out.println();
            out.println("isvc-check explain <rule-id> prints one; every rule can be set with webhook.rules.<rule-id>=deny|warn|off (on|off for a rule that only mutates).");
            return CheckCommand.ALLOWED;
        }
        if (args.length != 2) {
            err.println("isvc-check: usage: isvc-check explain <rule-id> (isvc-check rules lists them)");
            return CheckCommand.BAD_INPUT;
        }
        String id = args[1];
        Optional<RuleRegistry.Entry> entry = entries.stream().filter(e -> e.id().equals(id)).findFirst();
        if (entry.isEmpty()) {
            String closest = entries.stream().map(RuleRegistry.Entry::id)
                    .min(Comparator.comparingInt(k -> PolicySettings.distance(k, id))).orElse("");
            err.println("isvc-check: no rule " + id + "; did you mean " + closest + "? (isvc-check rules lists them)");
            return CheckCommand.BAD_INPUT;
        }
        out.print(page().flatMap(p -> RuleCatalog.sectionOf(p, id)).orElseGet(() -> RuleCatalog.section(entry.get(), Optional.empty())));
        return CheckCommand.ALLOWED;
    }

    private static Optional<String> page() {
        try (InputStream in = RulesCommand.class.getResourceAsStream(PAGE)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
