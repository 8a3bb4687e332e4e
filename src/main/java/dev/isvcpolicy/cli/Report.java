package dev.isvcpolicy.cli;

import dev.isvcpolicy.policy.Texts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.ModeSource;
import dev.isvcpolicy.policy.Notice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report: per object its patch operations, its notices and every finding, in the webhook's own
 * words (the lines kubectl would print); then a summary. Text for a terminal, JSON for machines
 * (shape in docs/offline-check.md).
 */
final class Report {

    /**
     * Version of the JSON shape; raised when a field changes meaning or goes away. 2: an object's
     * {@code findings} hold its /mutate notices too (no {@code notices} list), every finding has its
     * {@code line}, and a top-level {@code findings} list has every finding of the run with its file.
     */
    static final int JSON_VERSION = 2;

    private final int files;
    private final List<ObjectResult> results;
    private final List<Documents.Document> skipped;
    private final List<Documents.InputError> errors;
    private final List<String> written;

    Report(int files, List<ObjectResult> results, List<Documents.Document> skipped, List<Documents.InputError> errors, List<String> written) {
        this.files = files;
        this.results = results;
        this.skipped = skipped;
        this.errors = errors;
        this.written = written;
    }

    long denied() {
        return results.stream().filter(ObjectResult::denied).count();
    }

    String text(boolean quiet, int exitCode) {
        StringBuilder b = new StringBuilder();
        for (ObjectResult r : results) {
            if (quiet && !r.denied() && !r.warned() && !r.mutates() && !r.excepted()) {
                continue;
            }
            // A name or namespace is the input's text: escaped, so that it cannot steer the terminal or forge a line.
            b.append(r.document().where()).append("  ").append(r.kind()).append(' ').append(Texts.visible(r.namespace())).append('/')
                    .append(Texts.visible(r.name()));
            if (r.outcome() == ObjectResult.Outcome.CHECKED && r.mode() != null) {
                b.append("  (").append(r.operation()).append(", ").append(r.mode().value()).append(" mode from ")
                        .append(source(r.modeSource())).append(')');
            }
            b.append('\n');
            for (PatchOp op : r.ops()) {
                b.append("  patch  ").append(op.op()).append(' ').append(Texts.visible(op.path()));
                if (op.value() != null) {
                    b.append(' ').append(Texts.visible(op.value().toString()));
                }
                b.append("  [").append(op.ruleId()).append("]\n");
            }
            for (Notice n : r.notices()) {
                b.append("  warn   ").append(at(r, n.path())).append(n.line()).append('\n');
            }
            for (Finding f : r.findings()) {
                b.append("  ").append(String.format("%-6s ", f.action().label())).append(at(r, f.path())).append(f.line()).append('\n');
            }
            b.append("  -> ").append(verdictLine(r)).append('\n');
        }
        b.append(summary(exitCode)).append('\n');
        return b.toString();
    }

    /** {@code line 12: }, the line of the field in its file. */
    private static String at(ObjectResult r, String path) {
        return "line " + r.document().line(path) + ": ";
    }

    /** No InferenceService or ScaledObject at all: a run that checked nothing must not pass. */
    boolean nothingChecked() {
        return results.isEmpty();
    }

    /** Why a run found nothing to check, for stderr: its input errors when it had any, else what it found instead. */
    String nothingCheckedMessage() {
        if (!errors.isEmpty()) {
            return "nothing could be checked: " + plural(errors.size(), "input error", "input errors") + " (fix "
                    + (errors.size() == 1 ? "it" : "them") + " and run again)";
        }
        StringBuilder b = new StringBuilder("no InferenceService or ScaledObject found in ").append(plural(files, "file", "files"));
        if (!skipped.isEmpty()) {
            b.append(" (").append(skipped.size()).append(" of other kinds skipped ").append(skippedKinds()).append(')');
        }
        return b.append(": nothing was checked").toString();
    }

    private String verdictLine(ObjectResult r) {
        return switch (r.outcome()) {
            case EXEMPT -> "exempt: namespace " + Texts.visible(r.namespace()) + " is in webhook.exempt-namespaces, admitted untouched";
            case CHECKED -> {
                long denies = r.findings().stream().filter(f -> f.action() == dev.isvcpolicy.policy.Action.DENY).count();
                long excepted = r.findings().stream().filter(f -> f.exceptedBy() != null).count();
                long warnings = r.findings().size() - denies - excepted + r.notices().size();
                String counts = plural(denies, "deny", "denies") + ", " + plural(warnings, "warning", "warnings") + ", "
                        + (excepted > 0 ? excepted + " excepted, " : "")
                        + plural(r.ops().size(), "patch operation", "patch operations");
                yield (r.denied() ? "denied: " : "allowed: ") + counts;
            }
        };
    }

    /**
     * The last line, e.g. {@code 3 files: 3 InferenceServices (1 denied, 1 allowed with warnings, 1 to be patched), 1 ScaledObject
     * (0 denied: checked against this run's InferenceServices); exit 1}: InferenceServices always, then every other kind checked,
     * in the order first met, each counted on its own.
     */
    private String summary(int exitCode) {
        Map<String, List<ObjectResult>> byKind = new LinkedHashMap<>();
        byKind.put("InferenceService", new ArrayList<>());
        for (ObjectResult r : results) {
            byKind.computeIfAbsent(r.kind(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder b = new StringBuilder();
        b.append(plural(files, "file", "files")).append(": ");
        String separator = "";
        for (Map.Entry<String, List<ObjectResult>> kind : byKind.entrySet()) {
            List<ObjectResult> of = kind.getValue();
            long denied = of.stream().filter(ObjectResult::denied).count();
            b.append(separator).append(plural(of.size(), kind.getKey(), kind.getKey() + "s")).append(" (").append(denied).append(" denied");
            long excepted = of.stream().filter(ObjectResult::excepted).count();
            if (excepted > 0) {
                b.append(", ").append(excepted).append(" with excepted findings");
            }
            if (kind.getKey().endsWith("ScaledObject")) {
                b.append(": checked against this run's InferenceServices");
            } else {
                b.append(", ").append(of.stream().filter(ObjectResult::warned).count()).append(" allowed with warnings");
                long mutated = of.stream().filter(ObjectResult::mutates).count();
                if (mutated > 0 || kind.getKey().equals("InferenceService")) {
                    b.append(", ").append(mutated).append(written.isEmpty() ? " to be patched" : " patched and written back");
                }
            }
            b.append(')');
            separator = ", ";
        }
        if (!skipped.isEmpty()) {
            b.append(", ").append(skipped.size()).append(" of other kinds skipped ").append(skippedKinds());
        }
        if (!errors.isEmpty()) {
            b.append(", ").append(plural(errors.size(), "input error", "input errors"));
        }
        return b.append("; exit ").append(exitCode).toString();
    }

    private String skippedKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        skipped.forEach(d -> kinds.merge(d.node().path("kind").asText(), 1, Integer::sum));
        StringBuilder b = new StringBuilder("(");
        kinds.forEach((k, n) -> b.append(b.length() > 1 ? ", " : "").append(k).append(' ').append(n));
        return b.append(')').toString();
    }

    private static String source(ModeSource s) {
        return switch (s) {
            case STATUS -> "the old object's status";
            case ANNOTATION -> "its annotation";
            case CLUSTER_DEFAULT -> "--default-mode";
            case FALLBACK -> "the fallback, no --default-mode given";
        };
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /**
     * One finding: {@code stage} says which answer it is part of: {@code mutate} (a notice of /mutate,
     * always {@code warn}), {@code schema} (the CRD's schema, {@code --crd}) or {@code validate}.
     */
    private static ObjectNode finding(ObjectNode x, ObjectResult r, String rule, String action, String path, String message, String stage) {
        return x.put("rule", rule).put("action", action).put("path", path).put("message", message)
                .put("line", r.document().line(path)).put("stage", stage);
    }

    private static ObjectNode place(ObjectResult r) {
        return JsonNodeFactory.instance.objectNode().put("file", r.document().source().name()).put("kind", r.kind())
                .put("namespace", r.namespace()).put("name", r.name());
    }

    String json(int exitCode) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", JSON_VERSION);
        ArrayNode objects = root.putArray("objects");
        ArrayNode all = f.arrayNode();
        for (ObjectResult r : results) {
            ObjectNode o = objects.addObject();
            o.put("file", r.document().source().name());
            o.put("line", r.document().line());
            o.put("kind", r.kind());
            o.put("namespace", r.namespace());
            o.put("name", r.name());
            o.put("verdict", r.verdict());
            o.put("operation", r.operation() == null ? null : r.operation().name());
            o.put("mode", r.mode() == null ? null : r.mode().value());
            o.put("modeSource", r.modeSource() == null ? null : r.modeSource().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            ArrayNode ops = o.putArray("mutations");
            for (PatchOp op : r.ops()) {
                ObjectNode p = ops.addObject().put("rule", op.ruleId()).put("op", op.op()).put("path", op.path());
                if (op.value() != null) {
                    p.set("value", op.value());
                }
            }
            ArrayNode findings = o.putArray("findings");
            for (Notice n : r.notices()) {
                ObjectNode x = finding(findings.addObject(), r, n.ruleId(), "warn", n.path(), n.message(), "mutate");
                all.add(place(r).setAll(x));
            }
            for (Finding fi : r.findings()) {
                ObjectNode x = finding(findings.addObject(), r, fi.ruleId(), fi.action().label(), fi.path(), fi.message(),
                        CrdSchema.RULE.equals(fi.ruleId()) ? "schema" : "validate");
                x.put("type", fi.type().label());
                // What set it apart from a plain finding (RULES.md §6: pre-existing and audit-only are marked everywhere), and
                // the line kubectl would print, prefix included.
                x.put("outcome", fi.outcome()).put("text", fi.line());
                if (fi.exceptedBy() != null) {
                    x.put("exceptedBy", fi.exceptedBy()); // the key, as in the audit line
                }
                fi.paths().forEach(x.putArray("paths")::add);
                if (fi.value() != null) {
                    x.put("value", fi.value());
                }
                all.add(place(r).setAll(x));
            }
        }
        root.set("findings", all);
        ArrayNode skip = root.putArray("skipped");
        for (Documents.Document d : skipped) {
            skip.addObject().put("file", d.source().name()).put("line", d.line())
                    .put("apiVersion", d.node().path("apiVersion").asText()).put("kind", d.node().path("kind").asText())
                    .put("name", CheckCommand.name(d.node()));
        }
        ArrayNode errs = root.putArray("errors");
        errors.forEach(e -> errs.addObject().put("file", e.file()).put("line", e.line()).put("column", e.column()).put("message", e.message()));
        ArrayNode wrote = root.putArray("written");
        written.forEach(wrote::add);
        ObjectNode sum = root.putObject("summary");
        sum.put("files", files);
        sum.put("inferenceServices", results.stream().filter(r -> "InferenceService".equals(r.kind())).count());
        sum.put("scaledObjects", results.stream().filter(r -> "ScaledObject".equals(r.kind())).count());
        sum.put("skipped", skipped.size());
        sum.put("errors", errors.size());
        sum.put("denied", denied());
        sum.put("warned", results.stream().filter(ObjectResult::warned).count());
        sum.put("mutated", results.stream().filter(ObjectResult::mutates).count());
        sum.put("excepted", results.stream().filter(ObjectResult::excepted).count());
        sum.put("exitCode", exitCode);
        try {
            return Documents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
