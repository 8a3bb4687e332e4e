package dev.isvcpolicy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.cluster.ClusterDefaults;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Notice;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Decides one AdmissionReview: decode, pick what is judged, run the engine, answer. Every answer that
 * could read a uid echoes it, an internal error included; nothing here is policy.
 */
@ApplicationScoped
public class AdmissionHandler {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

    static final String ISVC_GROUP = Admitted.INFERENCE_SERVICE.apiGroup();
    static final String ISVC_KIND = Admitted.INFERENCE_SERVICE.kind();

    @Inject
    PolicyEngine engine;

    @Inject
    ClusterDefaults cluster;

    /** The answer: an HTTP status and a JSON body (an AdmissionReview, or a Status for a 400). */
    public record Answer(int httpStatus, Object body) {
    }

    public Answer handle(Endpoint endpoint, byte[] body) {
        ReviewCodec.Decoded decoded;
        try {
            decoded = ReviewCodec.decode(body);
        } catch (BadReview e) {
            if (e.uid() == null) {
                return new Answer(400, Responses.badRequest(e.getMessage()));
            }
            return new Answer(200, Responses.review(Responses.refuse(e.uid(), 400, "BadRequest", e.getMessage())));
        }
        AdmissionResponse response;
        try {
            response = decide(endpoint, decoded);
        } catch (RuntimeException e) {
            LOG.errorf(e, "internal error on /%s, request uid %s", endpoint.label(), decoded.uid());
            response = Responses.refuse(decoded.uid(), 500, "InternalError",
                    "the autoscaling webhook failed on this request (uid " + decoded.uid() + "); nothing was judged, see the webhook's log");
        }
        return new Answer(200, Responses.review(response));
    }

    AdmissionResponse decide(Endpoint endpoint, ReviewCodec.Decoded decoded) {
        AdmissionRequest req = decoded.request();
        String uid = decoded.uid();
        Operation operation = operation(req.getOperation());
        if (operation == null || !isInferenceService(req.getKind())) {
            return Responses.allow(uid, List.of(), Map.of());
        }
        if (req.getNamespace() != null && engine.settings().exemptNamespaces().contains(req.getNamespace())) {
            return Responses.allow(uid, List.of(), Map.of("decision", "exempt"));
        }
        JsonNode object = decoded.object();
        if (object == null || !object.isObject()) {
            return Responses.refuse(uid, 400, "BadRequest", "request.object must be the InferenceService as a JSON object");
        }
        String objectKind = object.path("kind").asText(ISVC_KIND);
        if (!ISVC_KIND.equals(objectKind)) {
            return Responses.refuse(uid, 400, "BadRequest", "request.object is a " + objectKind + ", not an InferenceService");
        }
        JsonNode old = decoded.oldObject() != null && decoded.oldObject().isObject() ? decoded.oldObject() : null;
        PolicyEngine.Input input = new PolicyEngine.Input(operation, (ObjectNode) object, old, req.getNamespace(),
                cluster.defaultMode());
        return endpoint == Endpoint.MUTATE ? mutate(uid, input) : validate(uid, req, input);
    }

    private AdmissionResponse mutate(String uid, PolicyEngine.Input input) {
        PolicyEngine.MutationResult result = engine.mutate(input);
        List<String> warnings = result.notices().stream().map(Notice::line).toList();
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("decision", result.ops().isEmpty() ? "allowed" : "patched");
        if (!result.ruleIds().isEmpty()) {
            audit.put("mutated-by", String.join(",", result.ruleIds()));
        }
        return Responses.patch(uid, result.ops(), warnings, audit);
    }

    private AdmissionResponse validate(String uid, AdmissionRequest req, PolicyEngine.Input input) {
        PolicyEngine.ValidationResult result = engine.validate(input);
        List<String> warnings = result.warnings().stream().map(Finding::line).toList();
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("decision", result.allowed() ? "allowed" : "denied");
        putIds(audit, "denied-by", result.denials());
        putIds(audit, "warned-by", result.warnings());
        if (result.allowed()) {
            return Responses.allow(uid, warnings, audit);
        }
        String name = result.context().name().isEmpty() ? String.valueOf(req.getName()) : result.context().name();
        return Responses.invalid(uid, ISVC_KIND, name, result.denials(), warnings, audit);
    }

    private static void putIds(Map<String, String> audit, String key, List<Finding> findings) {
        Set<String> ids = new LinkedHashSet<>();
        findings.forEach(f -> ids.add(f.ruleId()));
        if (!ids.isEmpty()) {
            audit.put(key, String.join(",", ids));
        }
    }

    private static Operation operation(String op) {
        if ("CREATE".equals(op)) {
            return Operation.CREATE;
        }
        return "UPDATE".equals(op) ? Operation.UPDATE : null;
    }

    private static boolean isInferenceService(GroupVersionKind kind) {
        return kind != null && ISVC_GROUP.equals(kind.getGroup()) && ISVC_KIND.equals(kind.getKind());
    }
}
