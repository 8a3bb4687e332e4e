package dev.isvcpolicy.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule catalog as users read it ({@code docs/rules.md}, {@code isvc-check rules}, {@code isvc-check
 * explain <rule-id>}), written from the registry: nothing here is typed twice.
 */
public final class RuleCatalog {

    /** Two example objects of a rule, as YAML: one it refuses (or patches) and one it accepts (or leaves). */
    public record Examples(String refused, String refusedNote, String accepted, String acceptedNote) {
    }

    private RuleCatalog() {
    }

    /** The whole of {@code docs/rules.md}; {@code examples} by rule id (a rule without any gets none). */
    public static String markdown(Map<String, Examples> examples) {
        StringBuilder out = new StringBuilder();
        out.append("# Rules\n\n");
        out.append("<!-- Written from the rule registry and the rule tables by RuleCatalogTest; do not edit by hand:\n");
        out.append("     ./mvnw test -Dtest=RuleCatalogTest -Drules.write=true -->\n\n");
        out.append("Every rule the webhook applies, in the order it applies them. Each id is part of the product's interface: it\n");
        out.append("appears in warnings, in `details.causes[]`, in the audit annotations and the audit log, in metrics, and it is\n");
        out.append("the key of `webhook.rules.<rule-id>` (`deny`, `warn` or `off`; `on` or `off` for a rule that only mutates).\n");
        out.append("`bin/isvc-check rules` lists them,\n");
        out.append("`bin/isvc-check explain <rule-id>` prints one section of this page.\n\n");
        out.append("| rule id | level | does |\n| --- | --- | --- |\n");
        for (RuleRegistry.Entry e : RuleRegistry.entries()) {
            out.append("| [`").append(e.id()).append("`](#").append(e.id()).append(") | ").append(e.level()).append(" | ")
                    .append(e.doc().replace("|", "\\|")).append(" |\n");
        }
        out.append("\n");
        for (RuleRegistry.Entry e : RuleRegistry.entries()) {
            out.append(section(e, Optional.ofNullable(examples.get(e.id()))));
        }
        out.append("## Engine settings\n\n");
        out.append("Keys that are not a single rule's. Every key can also be given as an environment variable (`WEBHOOK_` and the key\n");
        out.append("in capitals, `.` and `-` as `_`); an unknown `webhook.*` key stops start-up and names the closest valid one.\n\n");
        settingsTable(out, PolicySettings.ENGINE);
        return out.toString();
    }

    /** One rule's section, as {@code explain} prints it. */
    public static String section(RuleRegistry.Entry e, Optional<Examples> examples) {
        StringBuilder out = new StringBuilder();
        out.append("## ").append(e.id()).append("\n\n");
        String halves = e.mutates() && e.validates() ? "mutates (`/mutate`) and validates (`/validate`)"
                : e.mutates() ? "mutates (`/mutate`)" : "validates (`/validate`)";
        out.append("**Level:** ").append(e.level()).append(" · **").append(halves).append("**\n\n");
        out.append(e.doc()).append(".\n\n");
        out.append("**Why:** ").append(e.why()).append("\n\n");
        List<String> others = RuleRegistry.OBJECT_VALIDATIONS.stream().filter(r -> r.id().equals(e.id()))
                .map(r -> r.doc() + " (" + r.kinds().stream().sorted().map(Kind::kind).collect(java.util.stream.Collectors.joining(", ")) + ")")
                .toList();
        if (!others.isEmpty()) {
            out.append("**Other kinds** ([kinds.md](kinds.md)): ").append(String.join("; ", others)).append(".\n\n");
        }
        if (!e.settings().isEmpty()) {
            out.append("**Settings:**\n\n");
            settingsTable(out, e.settings());
        }
        examples.ifPresent(x -> {
            if (x.refused() != null) {
                out.append("**").append(x.refusedNote()).append(":**\n\n```yaml\n").append(x.refused()).append("```\n\n");
            }
            if (x.accepted() != null) {
                out.append("**").append(x.acceptedNote()).append(":**\n\n```yaml\n").append(x.accepted()).append("```\n\n");
            }
        });
        return out.toString();
    }

    private static void settingsTable(StringBuilder out, List<Setting<?>> settings) {
        out.append("| key | default | what |\n| --- | --- | --- |\n");
        for (Setting<?> s : settings) {
            out.append("| `").append(s.key()).append("` | ").append(s.defaultText().map(d -> "`" + d + "`").orElse("unset"))
                    .append(" | ").append(s.doc().replace("|", "\\|")).append(" |\n");
        }
        out.append("\n");
    }

    /** The section of {@code id} in a rules page, or empty. */
    public static Optional<String> sectionOf(String page, String id) {
        String head = "## " + id + "\n";
        int i = page.indexOf(head);
        if (i < 0) {
            return Optional.empty();
        }
        int j = page.indexOf("\n## ", i + head.length());
        return Optional.of(page.substring(i, j < 0 ? page.length() : j + 1));
    }
}
