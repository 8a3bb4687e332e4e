package dev.isvcpolicy.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Generates the hostile objects of issue 15 instead of keeping megabytes of JSON in the repository:
 * InferenceServices as large as the API server accepts, with many findings each.
 */
public final class HostileObjects {

    private HostileObjects() {
    }

    /**
     * An InferenceService whose predictor has {@code containers} containers, each requesting
     * {@code nvidia.com/gpu: 1} without a limit (one deny finding per container). 36,000 containers make
     * about 3 MB of JSON, as in the issue.
     */
    public static ObjectNode gpuContainers(String name, int containers) {
        ObjectNode isvc = isvc(name);
        ObjectNode predictor = (ObjectNode) isvc.path("spec").path("predictor");
        ArrayNode list = predictor.putArray("containers");
        for (int i = 0; i < containers; i++) {
            ObjectNode c = list.addObject();
            c.put("name", "c" + i);
            c.put("image", "example.com/m:1");
            c.putObject("resources").putObject("requests").put("nvidia.com/gpu", "1");
        }
        return isvc;
    }

    /** An InferenceService carrying {@code count} annotations of {@code bytes} characters each (one with a newline). */
    public static ObjectNode bigAnnotations(String name, int count, int bytes) {
        ObjectNode isvc = isvc(name);
        ObjectNode annotations = ((ObjectNode) isvc.path("metadata")).putObject("annotations");
        for (int i = 0; i < count; i++) {
            annotations.put("example.com/big-" + i, "x".repeat(bytes));
        }
        // An annotation a rule reads and refuses, with a value that is long and holds a newline.
        annotations.put("autoscaling.knative.dev/window", "1\n" + "9".repeat(bytes));
        return isvc;
    }

    /** A minimal valid InferenceService (Knative mode, KPA). */
    public static ObjectNode isvc(String name) {
        ObjectNode isvc = Reviews.JSON.createObjectNode();
        isvc.put("apiVersion", "serving.kserve.io/v1beta1");
        isvc.put("kind", "InferenceService");
        ObjectNode metadata = isvc.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", "default");
        ObjectNode predictor = isvc.putObject("spec").putObject("predictor");
        predictor.put("minReplicas", 1);
        predictor.put("maxReplicas", 3);
        predictor.put("scaleMetric", "concurrency");
        predictor.put("scaleTarget", 10);
        predictor.putObject("model").putObject("modelFormat").put("name", "sklearn");
        ((ObjectNode) predictor.path("model")).put("storageUri", "gs://bucket/model");
        return isvc;
    }
}
