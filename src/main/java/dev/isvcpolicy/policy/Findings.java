package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Collects findings from every rule and component. The engine tells it which rule is running, so
 * rules only say where and what; a finding reported twice (an ISVC-level annotation judged once per
 * component) is kept once. At most {@value FindingCap#MAX_PER_RULE} findings are kept per rule and
 * action; the rest are counted ({@link FindingCap}).
 *
 * <p>{@link #deny(FieldPath, String)} and {@link #warn(FieldPath, String)} report an
 * {@link Finding.Type#INVALID} value; the typed forms say which Kubernetes field error it is and carry
 * the offending value (left out when longer than {@value Finding#MAX_VALUE} characters).
 */
public final class Findings {

    private final Set<Finding> findings = new LinkedHashSet<>();
    private final FindingCap cap;
    private String currentRule = "unknown";

    /** The findings of a review, capped ({@link FindingCap}). */
    public Findings() {
        this(new FindingCap());
    }

    Findings(FindingCap cap) {
        this.cap = cap;
    }

    void startRule(String ruleId) {
        currentRule = ruleId;
    }

    public void deny(FieldPath path, String message) {
        add(Action.DENY, Finding.Type.INVALID, List.of(path), null, () -> message);
    }

    public void warn(FieldPath path, String message) {
        add(Action.WARN, Finding.Type.INVALID, List.of(path), null, () -> message);
    }

    public void add(Action action, FieldPath path, String message) {
        add(action, Finding.Type.INVALID, List.of(path), null, () -> message);
    }

    /** A typed finding at one field; {@code value} is the offending value as written, or null. */
    public void deny(Finding.Type type, FieldPath path, Object value, String message) {
        add(Action.DENY, type, List.of(path), value, () -> message);
    }

    public void warn(Finding.Type type, FieldPath path, Object value, String message) {
        add(Action.WARN, type, List.of(path), value, () -> message);
    }

    /** A finding that involves several fields (the main one first), e.g. minReplicas above maxReplicas. */
    public void add(Action action, Finding.Type type, List<FieldPath> paths, Object value, String message) {
        add(action, type, paths, value, () -> message);
    }

    /**
     * As {@link #add(Action, Finding.Type, List, Object, String)}, building the message only for a finding
     * that is kept (rules that may report once per container of a huge object).
     */
    public void add(Action action, Finding.Type type, List<FieldPath> paths, Object value, Supplier<String> message) {
        add(action, type, paths, null, -1, value, message);
    }

    /**
     * A deny or warning with what RULES.md §7 pairs it by: its {@code subject} (e.g. the component, where the main path is one
     * annotation or name for every component; null: the path alone) and its {@code measure} (e.g. the GPUs counted against a
     * cap; -1: none), see {@link Finding}.
     */
    public void add(Action action, Finding.Type type, List<FieldPath> paths, FieldPath subject, long measure, Object value, String message) {
        add(action, type, paths, subject, measure, value, () -> message);
    }

    private void add(Action action, Finding.Type type, List<FieldPath> paths, FieldPath subject, long measure, Object value,
            Supplier<String> message) {
        if (!cap.hasRoom(currentRule, action)) {
            cap.leftOut(currentRule, action, paths.get(0));
            return;
        }
        List<String> rendered = new ArrayList<>(paths.size());
        paths.forEach(p -> rendered.add(p.toString())); // as the object has them: RULES.md §7 reads the values there (PreExisting.at)
        String shown = render(value);
        if (findings.add(new Finding(currentRule, action, type, rendered, shown, Texts.visible(quoted(ownValueQuoted(message.get(), shown), shown)), false, null, false,
                subject == null ? null : subject.toString(), measure))) {
            cap.kept(currentRule, action);
        }
    }

    /**
     * The message with the finding's own value, where it quotes it, quoted as {@link Texts#quotable} (its backslashes and
     * quotes escaped): rules write {@code "\"" + value + "\""}, and a quote inside the value would seem to end it early.
     */
    static String ownValueQuoted(String message, String value) {
        if (message == null || value == null || value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
            return message;
        }
        return message.replace("\"" + value + "\"", "\"" + Texts.escapeQuotes(value) + "\"");
    }

    /**
     * The message with every quoted text and every copy of the offending value longer than {@link Texts#MAX_QUOTED}
     * characters cut to that: rules quote the value they refuse, and a value of thousands of characters would otherwise fill
     * the answer's bounded message ({@link Texts#MAX_MESSAGE}) and push out the explanation, the fix and the rule id.
     */
    static String quoted(String message, String value) {
        if (message == null) {
            return null;
        }
        String cut = quotesCut(message);
        if (value != null && value.length() > Texts.MAX_QUOTED && cut.contains(value)) { // a copy not between quotes
            cut = cut.replace(value, Texts.cut(value, Texts.MAX_QUOTED));
        }
        return cut;
    }

    /** Every text between double quotes longer than {@link Texts#MAX_QUOTED} characters, cut: the other values a message quotes. */
    static String quotesCut(String message) {
        if (message.length() <= Texts.MAX_QUOTED || !hasLongQuote(message)) {
            return message; // the common case: nothing copied
        }
        int open = message.indexOf('"');
        StringBuilder out = new StringBuilder(message.length());
        int from = 0;
        while (open >= 0) {
            int close = message.indexOf('"', open + 1);
            if (close < 0) {
                break;
            }
            out.append(message, from, open + 1).append(Texts.cut(message.substring(open + 1, close), Texts.MAX_QUOTED)).append('"');
            from = close + 1;
            open = message.indexOf('"', from);
        }
        return out.append(message, from, message.length()).toString();
    }

    private static boolean hasLongQuote(String message) {
        int open = message.indexOf('"');
        while (open >= 0) {
            int close = message.indexOf('"', open + 1);
            if (close < 0) {
                return false;
            }
            if (close - open - 1 > Texts.MAX_QUOTED) {
                return true;
            }
            open = message.indexOf('"', close + 1);
        }
        return false;
    }

    /** A JSON scalar as text, a string as is; objects and arrays are not values a finding repeats. */
    private static String render(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNode node) {
            return node.isValueNode() && !node.isNull() ? node.asText() : null;
        }
        return value.toString();
    }

    /** The findings kept, then one per rule and action that says how many more were left out. */
    public List<Finding> all() {
        List<Finding> out = new ArrayList<>(findings);
        out.addAll(cap.summaries());
        return out;
    }
}
