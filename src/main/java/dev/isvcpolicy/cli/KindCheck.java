package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** How the offline check judges one kind the webhook sees. Kinds no check handles are skipped and counted. */
public interface KindCheck {

    /** The kind, e.g. {@code InferenceService}. */
    String kind();

    /** The API group, e.g. {@code serving.kserve.io}. */
    String group();

    default boolean handles(JsonNode object) {
        return kind().equals(object.path("kind").asText()) && object.path("apiVersion").asText().startsWith(group() + "/");
    }

    /**
     * Judges one object.
     *
     * @param namespace its namespace ({@code metadata.namespace}, else {@code --namespace})
     * @param old       the stored object with the same namespace/name from {@code --old}, or null (CREATE)
     */
    ObjectResult check(Documents.Document document, String namespace, JsonNode old, OfflineCluster cluster);
}
