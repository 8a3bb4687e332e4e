package dev.isvcpolicy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an AdmissionRequest ({@code admission.k8s.io/v1}) that the webhook reads, taken straight
 * from the parsed JSON tree: who asks ({@code userInfo}), what ({@code operation}, {@code kind}), on which
 * object ({@code namespace}, {@code name}) and whether it is a dry run. Any field may be absent (null);
 * the other fields of the request ({@code resource}, {@code requestKind}, {@code options}, ...) are not
 * read and not checked.
 *
 * <p>Read field by field instead of through a data-binding mapper into fabric8's {@code AdmissionRequest}:
 * at admission's pace (one review every 20 ms, with the code gone cold between reviews) that mapping cost
 * more than parsing the whole body ({@code bench/jmh.sh --paced}, docs/performance.md).
 *
 * @param groups the user's groups, nulls left out; empty when there are none
 */
public record Envelope(String uid, String group, String version, String kind, String operation, String namespace, String name,
        Boolean dryRun, String username, List<String> groups) {

    /**
     * Reads the envelope from {@code request}, the review's {@code request} object.
     *
     * @throws BadReview (carrying {@code uid}) when a field the webhook reads has the wrong JSON type, naming its path,
     *                   e.g. {@code request.userInfo.groups must be a list}
     */
    static Envelope read(JsonNode request, String uid) throws BadReview {
        try {
            return readFields(request, uid);
        } catch (BadReview e) {
            JsonNode dryRun = request.path("dryRun");
            throw new BadReview(e.uid(), dryRun.isBoolean() ? dryRun.booleanValue() : null, e.getMessage());
        }
    }

    private static Envelope readFields(JsonNode request, String uid) throws BadReview {
        JsonNode kind = object(request, "kind", "request.kind", uid);
        JsonNode user = object(request, "userInfo", "request.userInfo", uid);
        JsonNode dryRun = request.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw malformed(uid, "request.dryRun must be true or false");
        }
        return new Envelope(uid,
                text(kind, "group", "request.kind.group", uid),
                text(kind, "version", "request.kind.version", uid),
                text(kind, "kind", "request.kind.kind", uid),
                text(request, "operation", "request.operation", uid),
                text(request, "namespace", "request.namespace", uid),
                text(request, "name", "request.name", uid),
                dryRun == null || dryRun.isNull() ? null : dryRun.booleanValue(),
                text(user, "username", "request.userInfo.username", uid),
                groups(user, uid));
    }

    private static JsonNode object(JsonNode parent, String field, String path, String uid) throws BadReview {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw malformed(uid, path + " must be an object");
        }
        return value;
    }

    private static String text(JsonNode parent, String field, String path, String uid) throws BadReview {
        JsonNode value = parent == null ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw malformed(uid, path + " must be a string");
        }
        return value.textValue();
    }

    private static List<String> groups(JsonNode user, String uid) throws BadReview {
        JsonNode groups = user == null ? null : user.get("groups");
        if (groups == null || groups.isNull()) {
            return List.of();
        }
        if (!groups.isArray()) {
            throw malformed(uid, "request.userInfo.groups must be a list");
        }
        List<String> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            JsonNode g = groups.get(i);
            if (g.isNull()) {
                continue;
            }
            if (!g.isTextual()) {
                throw malformed(uid, "request.userInfo.groups[" + i + "] must be a string");
            }
            out.add(g.textValue());
        }
        return List.copyOf(out);
    }

    private static BadReview malformed(String uid, String what) {
        return new BadReview(uid, "AdmissionReview request is malformed: " + what);
    }
}
