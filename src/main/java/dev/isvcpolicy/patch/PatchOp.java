package dev.isvcpolicy.patch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One RFC 6902 operation and the rule that made it.
 *
 * @param op     {@code add}, {@code replace} or {@code remove}
 * @param path   JSON Pointer, e.g. {@code /metadata/annotations/serving.kserve.io~1deploymentMode}
 * @param value  the value written (null for remove)
 * @param ruleId the mutation rule, e.g. {@code default-min-replicas}
 */
public record PatchOp(String op, String path, JsonNode value, String ruleId) {
}
