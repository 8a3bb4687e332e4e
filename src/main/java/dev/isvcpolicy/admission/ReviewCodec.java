package dev.isvcpolicy.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads an AdmissionReview: the envelope's fields into an {@link Envelope}, the objects kept as JSON trees so no
 * field is lost. Input is bounded (nesting depth, string and document length) before it is trusted.
 */
public final class ReviewCodec {

    /** Deepest JSON nesting accepted; an InferenceService needs about 20. */
    public static final int MAX_NESTING_DEPTH = 200;
    /** Longest single string accepted, in characters. */
    public static final int MAX_STRING_LENGTH = 1_048_576;

    public static final String API_VERSION = "admission.k8s.io/v1";
    /** Longest uid accepted: the API server sends UUIDs (36 characters); a longer one is not from it. */
    public static final int MAX_UID_LENGTH = 128;

    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxStringLength(MAX_STRING_LENGTH)
                            .maxNumberLength(100)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ReviewCodec() {
    }

    /** A decoded request: the envelope's fields the webhook reads, plus the objects as JSON trees (null when absent). */
    public record Decoded(Envelope request, JsonNode object, JsonNode oldObject) {
        public String uid() {
            return request.uid();
        }
    }

    public static Decoded decode(byte[] body) throws BadReview {
        if (body == null || body.length == 0) {
            throw new BadReview(null, "empty body: expected an AdmissionReview (" + API_VERSION + ")");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadReview(null, "body is not valid JSON: " + PublicMessages.ofJson(e));
        } catch (IOException e) {
            throw new BadReview(null, "body cannot be read: " + PublicMessages.clean(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BadReview(null, "body is not an AdmissionReview: expected a JSON object");
        }
        JsonNode requestNode = root.get("request");
        String uid = requestNode != null && requestNode.path("uid").isTextual() && !requestNode.path("uid").asText().isBlank()
                ? requestNode.path("uid").asText() : null;
        if (!"AdmissionReview".equals(root.path("kind").asText()) || !API_VERSION.equals(root.path("apiVersion").asText())) {
            throw new BadReview(null, "body is not an AdmissionReview " + API_VERSION + " (apiVersion "
                    + printable(root.path("apiVersion")) + ", kind " + printable(root.path("kind")) + ")");
        }
        if (requestNode == null || !requestNode.isObject()) {
            throw new BadReview(null, "AdmissionReview has no request object");
        }
        if (uid == null) {
            throw new BadReview(null, "AdmissionReview request has no uid");
        }
        if (uid.length() > MAX_UID_LENGTH) {
            throw new BadReview(null, "AdmissionReview request.uid is " + uid.length() + " characters long: the API server sends"
                    + " UUIDs, at most " + MAX_UID_LENGTH + " characters are accepted");
        }
        Envelope request = Envelope.read(requestNode, uid);
        JsonNode object = requestNode.get("object");
        JsonNode oldObject = requestNode.get("oldObject");
        return new Decoded(request, nullToMissing(object), nullToMissing(oldObject));
    }

    /** An AdmissionReview or a Status as JSON bytes. */
    public static byte[] encode(Object answer) {
        try {
            return MAPPER.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + answer.getClass().getSimpleName(), e);
        }
    }

    private static JsonNode nullToMissing(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static String printable(JsonNode node) {
        if (node.isMissingNode()) {
            return "missing";
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        text = text.replaceAll("[^\\x20-\\x7e]", "?");
        return "\"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"";
    }
}
