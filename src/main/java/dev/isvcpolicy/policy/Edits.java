package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/** The mutation rules' only way to change the object: every edit is recorded under the running rule's id. */
public final class Edits {

    private final Patch patch;
    private final List<Notice> notices = new ArrayList<>();
    private String currentRule = "unknown";

    Edits(Patch patch) {
        this.patch = patch;
    }

    void startRule(String ruleId) {
        currentRule = ruleId;
    }

    public boolean set(FieldPath path, JsonNode value) {
        return patch.set(path, value, currentRule);
    }

    public boolean set(FieldPath path, String value) {
        return set(path, JsonNodeFactory.instance.textNode(value));
    }

    public boolean set(FieldPath path, long value) {
        return set(path, JsonNodeFactory.instance.numberNode(value));
    }

    public boolean remove(FieldPath path) {
        return patch.remove(path, currentRule);
    }

    /** Tells the user what was done (a line in {@code response.warnings}). */
    public void notice(FieldPath path, String message) {
        notices.add(new Notice(currentRule, Texts.visible(path.toString()), Texts.visible(message)));
    }

    Patch patch() {
        return patch;
    }

    List<Notice> notices() {
        return List.copyOf(notices);
    }
}
