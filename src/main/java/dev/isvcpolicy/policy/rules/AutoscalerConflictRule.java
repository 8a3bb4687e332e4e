package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Validation;
import java.util.Iterator;
import java.util.Optional;

/**
 * One autoscaler per workload: KEDA in Knative mode would fight the KPA over replicas; classes and
 * annotations of the other mode are ignored and said so.
 */
public final class AutoscalerConflictRule implements Validation {

    public static final String ID = "autoscaler-conflict";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String doc() {
        return "KEDA in Knative mode is refused (two autoscalers on one workload); the other mode's classes and annotations are ignored";
    }

    @Override
    public void validate(Review review, Findings f) {
        if (review.mode() == DeploymentMode.KNATIVE) {
            for (Component c : review.components()) {
                Optional<Review.Annotation> cls = review.effective(c, Annotations.AUTOSCALER_CLASS);
                if (cls.isEmpty()) {
                    continue;
                }
                switch (cls.get().value()) {
                    case "keda" -> f.deny(cls.get().path(), "KEDA needs Standard mode, but this InferenceService runs in Knative mode ("
                            + source(review) + "): Knative's autoscaler and KEDA would fight over the replicas. Set "
                            + Annotations.DEPLOYMENT_MODE + ": Standard" + (review.isCreateOrFirstUpdate() ? "" : " (only possible by recreating it)")
                            + ", or remove the keda class");
                    case "hpa", "external", "none" -> f.warn(cls.get().path(), "\"" + cls.get().value()
                            + "\" is ignored in Knative mode: Knative's autoscaler scales this component (set "
                            + Annotations.DEPLOYMENT_MODE + ": Standard to use it)");
                    default -> {
                    }
                }
            }
        } else if (review.mode() == DeploymentMode.STANDARD) {
            warnKnative(Json.object(review.object(), "metadata").flatMap(m -> Json.object(m, "annotations")).orElse(null),
                    Review.METADATA_ANNOTATIONS, f);
            for (Component c : review.components()) {
                warnKnative(Json.object(c.spec(), "annotations").orElse(null), c.field("annotations"), f);
            }
        }
    }

    private static void warnKnative(JsonNode annotations, FieldPath at, Findings f) {
        if (annotations == null) {
            return;
        }
        Iterator<String> keys = annotations.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (key.startsWith(Annotations.KNATIVE_PREFIX)) {
                f.warn(at.key(key), "ignored in Standard mode: Knative annotations only act on Knative revisions");
            }
        }
    }

    private static String source(Review review) {
        return switch (review.modeSource()) {
            case STATUS -> "status.deploymentMode";
            case ANNOTATION -> "annotation " + Annotations.DEPLOYMENT_MODE;
            case CLUSTER_DEFAULT -> "the cluster default in inferenceservice-config";
            case FALLBACK -> "the webhook's fallback mode";
        };
    }
}
