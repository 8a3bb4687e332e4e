package dev.isvcpolicy.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.audit.AdmissionMetrics;
import dev.isvcpolicy.audit.AuditLog;
import dev.isvcpolicy.audit.AuditRecord;
import dev.isvcpolicy.cluster.ClusterDefaults;
import dev.isvcpolicy.cluster.WorkloadCaches;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Notice;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.ScaledObjects;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Decides one AdmissionReview: decode, pick what is judged, run the engine, answer, and leave the
 * audit trail (one audit line and the metrics). Every answer that could read a uid echoes it, an
 * internal error included; nothing here is policy.
 */
@ApplicationScoped
public class AdmissionHandler {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

    static final String ISVC_GROUP = Admitted.INFERENCE_SERVICE.apiGroup();
    static final String ISVC_KIND = Admitted.INFERENCE_SERVICE.kind();
    static final String KEDA_GROUP = Admitted.SCALED_OBJECT.apiGroup();
    static final String SCALED_OBJECT_KIND = Admitted.SCALED_OBJECT.kind();

    @Inject
    PolicyEngine engine;

    @Inject
    ClusterDefaults cluster;

    @Inject
    WorkloadCaches caches;

    @Inject
    AuditLog audit;

    @Inject
    AdmissionMetrics metrics;

    /** The answer: an HTTP status and a JSON body (an AdmissionReview, or a Status for a 400). */
    public record Answer(int httpStatus, Object body) {
    }

    /** Never throws: whatever goes wrong, the answer is a 4xx or an AdmissionReview, and the decision is audited. */
    public Answer handle(Endpoint endpoint, byte[] body) {
        long start = System.nanoTime();
        AuditRecord record = new AuditRecord();
        record.endpoint = endpoint.label();
        Answer answer;
        try {
            answer = answer(endpoint, body, record);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.errorf(e, "internal error on /%s, request uid %s", endpoint.label(), record.uid);
            record.decision = "error";
            record.reason = e.getClass().getSimpleName();
            answer = record.uid == null
                    ? new Answer(400, Responses.badRequest("the request could not be read as an AdmissionReview"))
                    : new Answer(200, Responses.review(Responses.refuse(record.uid, 500, "InternalError",
                            "the autoscaling webhook failed on this request (uid " + record.uid + "); nothing was judged, see the webhook's log")));
        }
        record.durationMs = (System.nanoTime() - start) / 1_000_000.0;
        try {
            audit.write(record);
            metrics.record(record);
        } catch (RuntimeException e) {
            LOG.warnf("could not record the decision on request uid %s: %s", record.uid, e.toString());
        }
        return answer;
    }

    private Answer answer(Endpoint endpoint, byte[] body, AuditRecord record) {
        ReviewCodec.Decoded decoded;
        try {
            decoded = ReviewCodec.decode(body);
        } catch (BadReview e) {
            record.uid = e.uid();
            record.decision = "bad-request";
            record.reason = e.getMessage();
            if (e.uid() == null) {
                return new Answer(400, Responses.badRequest(e.getMessage()));
            }
            return new Answer(200, Responses.review(Responses.refuse(e.uid(), 400, "BadRequest", e.getMessage())));
        }
        AdmissionResponse response;
        try {
            describe(decoded, record);
            response = decide(endpoint, decoded, record);
        } catch (RuntimeException e) {
            LOG.errorf(e, "internal error on /%s, request uid %s", endpoint.label(), decoded.uid());
            record.decision = "error";
            record.reason = e.getClass().getSimpleName();
            response = Responses.refuse(decoded.uid(), 500, "InternalError",
                    "the autoscaling webhook failed on this request (uid " + decoded.uid() + "); nothing was judged, see the webhook's log");
        }
        return new Answer(200, Responses.review(response));
    }

    private static void describe(ReviewCodec.Decoded decoded, AuditRecord record) {
        AdmissionRequest req = decoded.request();
        record.uid = req.getUid();
        record.operation = req.getOperation();
        record.dryRun = req.getDryRun();
        GroupVersionKind kind = req.getKind();
        record.kind = kind == null ? null : (kind.getGroup() == null || kind.getGroup().isEmpty() ? "" : kind.getGroup() + "/")
                + kind.getVersion() + "/" + kind.getKind();
        record.namespace = req.getNamespace();
        record.name = req.getName();
        if (req.getUserInfo() != null) {
            record.user = req.getUserInfo().getUsername();
            record.groups = req.getUserInfo().getGroups() == null ? List.of()
                    : req.getUserInfo().getGroups().stream().filter(java.util.Objects::nonNull).toList();
        }
    }

    AdmissionResponse decide(Endpoint endpoint, ReviewCodec.Decoded decoded, AuditRecord record) {
        AdmissionRequest req = decoded.request();
        String uid = decoded.uid();
        Operation operation = operation(req.getOperation());
        boolean scaledObject = endpoint == Endpoint.VALIDATE && is(req.getKind(), KEDA_GROUP, SCALED_OBJECT_KIND);
        if (operation == null || !(scaledObject || is(req.getKind(), ISVC_GROUP, ISVC_KIND))) {
            record.decision = "skipped";
            return Responses.allow(uid, List.of(), Map.of("decision", "skipped"));
        }
        if (req.getNamespace() != null && engine.settings().exemptNamespaces().contains(req.getNamespace())) {
            record.decision = "exempt";
            return Responses.allow(uid, List.of(), Map.of("decision", "exempt"));
        }
        if (scaledObject) {
            return validateScaledObject(uid, operation, req, decoded.object(), record);
        }
        JsonNode object = decoded.object();
        String refusal = notA(ISVC_KIND, "an", object);
        if (refusal != null) {
            return badRequest(uid, refusal, record);
        }
        JsonNode old = decoded.oldObject() != null && decoded.oldObject().isObject() ? decoded.oldObject() : null;
        if (endpoint == Endpoint.MUTATE) {
            return mutate(uid, new PolicyEngine.Input(operation, (ObjectNode) object, old, req.getNamespace(), cluster.defaultMode()), record);
        }
        ClusterView view = req.getNamespace() == null ? ClusterView.OFF : caches.scaledObjectsFor(req.getNamespace());
        return validate(uid, req, new PolicyEngine.Input(operation, (ObjectNode) object, old, req.getNamespace(),
                cluster.defaultMode(), view), record);
    }

    /** Why {@code object} cannot be judged as a {@code kind} (a JSON object whose kind, if given, is that), or null. */
    private static String notA(String kind, String article, JsonNode object) {
        if (object == null || !object.isObject()) {
            return "request.object must be the " + kind + " as a JSON object";
        }
        if (!kind.equals(object.path("kind").asText(kind))) {
            return "request.object is a " + object.path("kind").asText() + ", not " + article + " " + kind;
        }
        return null;
    }

    private static AdmissionResponse badRequest(String uid, String refusal, AuditRecord record) {
        record.decision = "bad-request";
        record.reason = refusal;
        return Responses.refuse(uid, 400, "BadRequest", refusal);
    }

    private AdmissionResponse validateScaledObject(String uid, Operation operation, AdmissionRequest req, JsonNode object,
            AuditRecord record) {
        String refusal = notA(SCALED_OBJECT_KIND, "a", object);
        if (refusal != null) {
            return badRequest(uid, refusal, record);
        }
        caches.scaledObjectSeen();
        String namespace = req.getNamespace() == null ? "" : req.getNamespace();
        WorkloadCaches.InferenceServices isvcs = caches.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(object));
        PolicyEngine.ValidationResult result = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation,
                (ObjectNode) object, namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode()));
        String name = object.path("metadata").path("name").asText(String.valueOf(req.getName()));
        return answer(uid, result, KEDA_GROUP, SCALED_OBJECT_KIND, name, record);
    }

    private AdmissionResponse mutate(String uid, PolicyEngine.Input input, AuditRecord record) {
        PolicyEngine.MutationResult result = engine.mutate(input);
        record.context = result.context();
        record.patch = result.ops();
        record.warnings = result.notices().stream().map(Notice::line).toList();
        record.decision = result.ops().isEmpty() ? "allowed" : "patched";
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("decision", record.decision);
        if (!result.ruleIds().isEmpty()) {
            annotations.put("mutated-by", String.join(",", result.ruleIds()));
        }
        return Responses.patch(uid, result.ops(), record.warnings, annotations);
    }

    private AdmissionResponse validate(String uid, AdmissionRequest req, PolicyEngine.Input input, AuditRecord record) {
        PolicyEngine.ValidationResult result = engine.validate(input);
        String name = result.context().name().isEmpty() ? String.valueOf(req.getName()) : result.context().name();
        return answer(uid, result, ISVC_GROUP, ISVC_KIND, name, record);
    }

    private static AdmissionResponse answer(String uid, PolicyEngine.ValidationResult result, String group, String kind, String name,
            AuditRecord record) {
        record.context = result.context();
        record.findings = result.findings();
        record.warnings = result.warnings().stream().map(Finding::line).toList();
        record.decision = result.allowed() ? "allowed" : "denied";
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("decision", record.decision);
        putIds(annotations, "denied-by", record.ruleIds("deny"));
        putIds(annotations, "warned-by", record.ruleIds("warn"));
        putIds(annotations, "audit-only-denied-by", record.ruleIds("audit-only-deny"));
        if (result.allowed()) {
            return Responses.allow(uid, record.warnings, annotations);
        }
        return Responses.invalid(uid, group, kind, name, result.denials(), record.warnings, annotations);
    }

    private static void putIds(Map<String, String> annotations, String key, List<String> ids) {
        if (!ids.isEmpty()) {
            annotations.put(key, String.join(",", new ArrayList<>(ids)));
        }
    }

    private static Operation operation(String op) {
        if ("CREATE".equals(op)) {
            return Operation.CREATE;
        }
        return "UPDATE".equals(op) ? Operation.UPDATE : null;
    }

    private static boolean is(GroupVersionKind kind, String group, String name) {
        return kind != null && group.equals(kind.getGroup()) && name.equals(kind.getKind());
    }
}
