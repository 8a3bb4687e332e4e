package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits a working copy of the request's object and records each edit as a JSON Patch operation
 * against the original. Missing parents are created in the same {@code add}; a parent that is not an
 * object is never overwritten (the edit is refused), so a field the webhook does not own is never lost.
 */
public final class Patch {

    private final ObjectNode root;
    private final List<PatchOp> ops = new ArrayList<>();

    public Patch(ObjectNode workingCopy) {
        this.root = workingCopy;
    }

    /** Sets the value at path; returns false when nothing changed or the path cannot hold it. */
    public boolean set(FieldPath path, JsonNode value, String ruleId) {
        JsonNode current = root;
        for (int i = 0; i < path.size() - 1; i++) {
            JsonNode next = step(current, path, i);
            if (next == null || next.isNull()) {
                if (!current.isObject() || path.nameAt(i) == null) {
                    return false;
                }
                JsonNode nested = nest(path, i + 1, value);
                ((ObjectNode) current).set(path.nameAt(i), nested);
                ops.add(new PatchOp("add", path.prefix(i + 1).pointer(), nested.deepCopy(), ruleId));
                return true;
            }
            current = next;
        }
        int last = path.size() - 1;
        if (!current.isObject() || path.nameAt(last) == null) {
            return false;
        }
        ObjectNode parent = (ObjectNode) current;
        JsonNode existing = parent.get(path.nameAt(last));
        if (value.equals(existing)) {
            return false;
        }
        parent.set(path.nameAt(last), value);
        ops.add(new PatchOp(existing == null ? "add" : "replace", path.pointer(), value.deepCopy(), ruleId));
        return true;
    }

    /** Removes the field at path when it is there. */
    public boolean remove(FieldPath path, String ruleId) {
        JsonNode current = root;
        for (int i = 0; i < path.size() - 1; i++) {
            current = step(current, path, i);
            if (current == null) {
                return false;
            }
        }
        String name = path.nameAt(path.size() - 1);
        if (!current.isObject() || name == null || !current.has(name)) {
            return false;
        }
        ((ObjectNode) current).remove(name);
        ops.add(new PatchOp("remove", path.pointer(), null, ruleId));
        return true;
    }

    private static JsonNode step(JsonNode current, FieldPath path, int i) {
        String name = path.nameAt(i);
        if (name != null) {
            return current.isObject() ? current.get(name) : null;
        }
        int index = path.indexAt(i);
        return current.isArray() && index < current.size() ? current.get(index) : null;
    }

    private static JsonNode nest(FieldPath path, int from, JsonNode value) {
        JsonNode result = value;
        for (int i = path.size() - 1; i >= from; i--) {
            ObjectNode holder = JsonNodeFactory.instance.objectNode();
            holder.set(path.nameAt(i), result);
            result = holder;
        }
        return result;
    }

    public List<PatchOp> ops() {
        return List.copyOf(ops);
    }
}
