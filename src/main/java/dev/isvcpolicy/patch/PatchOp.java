package dev.isvcpolicy.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One RFC 6902 operation and the rule that made it.
 *
 * @param op     {@code add}, {@code replace} or {@code remove}
 * @param path   JSON Pointer, e.g. {@code /metadata/annotations/serving.kserve.io~1deploymentMode}
 * @param value  the value written (null for remove)
 * @param ruleId the mutation rule, e.g. {@code default-min-replicas}
 */
public record PatchOp(String op, String path, JsonNode value, String ruleId) {

    /** The patch as the API server wants it: a JSON array of operations. */
    public static ArrayNode toJson(List<PatchOp> ops) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (PatchOp op : ops) {
            ObjectNode node = array.addObject();
            node.put("op", op.op());
            node.put("path", op.path());
            if (op.value() != null) {
                node.set("value", op.value());
            }
        }
        return array;
    }
}
