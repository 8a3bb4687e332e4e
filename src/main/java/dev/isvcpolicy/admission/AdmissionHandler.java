package dev.isvcpolicy.admission;

import dev.isvcpolicy.audit.AdmissionMetrics;
import dev.isvcpolicy.audit.AuditLog;
import dev.isvcpolicy.audit.AuditRecord;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Stage;
import dev.isvcpolicy.policy.Texts;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The HTTP side of a review: decode the AdmissionReview, hand the object to the {@link Decider}, answer
 * in the API server's shapes ({@link #handle}), and leave the audit trail (one audit line and the metrics)
 * made from the decision ({@link #leaveTrail}), which the caller does once the answer is written: the API
 * server waits for the answer, not for the trail. Every answer that could read a uid echoes it, an internal
 * error included; nothing here is policy.
 */
@Singleton
public class AdmissionHandler {

    private static final Logger LOG = Logger.getLogger(AdmissionHandler.class);

    @Inject
    dev.isvcpolicy.config.PolicyHolder policy;

    @Inject
    LiveCluster cluster;

    @Inject
    AuditLog audit;

    @Inject
    AdmissionMetrics metrics;

    /**
     * The answer: an HTTP status, a JSON body (an AdmissionReview, or a Status for a 400), and the record of
     * the decision for {@link #leaveTrail} ({@code null} for an answer no review produced, e.g. a 429).
     */
    public record Answer(int httpStatus, Object body, AuditRecord record) {

        /** An answer with no record yet (the handler adds it) or none at all. */
        public Answer(int httpStatus, Object body) {
            this(httpStatus, body, null);
        }
    }

    /** Reviews answered whose trail is not left yet (tests wait for 0 before they read the trail). */
    private final java.util.concurrent.atomic.AtomicInteger trailsPending = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Decides one review. Never throws: whatever goes wrong, the answer is a 4xx or an AdmissionReview.
     * The caller writes the answer and then calls {@link #leaveTrail} with it, exactly once.
     */
    public Answer handle(Endpoint endpoint, byte[] body) {
        long start = System.nanoTime();
        AuditRecord record = new AuditRecord();
        record.endpoint = endpoint.label();
        Answer answer;
        try {
            answer = answer(endpoint, body, record);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.errorf(e, "internal error on /%s, request uid %s", endpoint.label(), Texts.log(record.uid));
            record.decision = "error";
            record.reason = e.getClass().getSimpleName();
            answer = record.uid == null
                    ? new Answer(400, Responses.badRequest("the request could not be read as an AdmissionReview"))
                    : new Answer(200, Responses.review(internalError(record.uid)));
        }
        record.durationMs = (System.nanoTime() - start) / 1_000_000.0;
        trailsPending.incrementAndGet();
        return new Answer(answer.httpStatus(), answer.body(), record);
    }

    /** The audit line and the metrics of an answered review; never throws. A no-op for an answer without a record. */
    public void leaveTrail(Answer answer) {
        AuditRecord record = answer.record();
        if (record == null) {
            return;
        }
        try {
            audit.write(record);
            metrics.record(record);
        } catch (RuntimeException e) {
            LOG.warnf("could not record the decision on request uid %s: %s", Texts.log(record.uid), Texts.log(e.toString()));
        } finally {
            trailsPending.decrementAndGet();
        }
    }

    /** Waits (at most the given milliseconds) until every answered review has left its trail; true when none is pending. */
    public boolean awaitTrails(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (trailsPending.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    private Answer answer(Endpoint endpoint, byte[] body, AuditRecord record) {
        ReviewCodec.Decoded decoded;
        try {
            decoded = ReviewCodec.decode(body);
        } catch (BadReview e) {
            record.uid = e.uid();
            record.dryRun = e.dryRun();
            record.decision = Decision.Verdict.BAD_REQUEST.label();
            record.reason = e.getMessage();
            if (e.uid() == null) {
                return new Answer(400, Responses.badRequest(e.getMessage()));
            }
            return new Answer(200, Responses.review(Responses.refuse(e.uid(), 400, "BadRequest", e.getMessage())));
        }
        describe(decoded.request(), record);
        AdmissionResponse response;
        try {
            Decision decision = decide(endpoint, decoded);
            record.from(decision);
            response = respond(decoded.uid(), decision, record.warnings);
        } catch (RuntimeException e) {
            LOG.errorf(e, "internal error on /%s, request uid %s", endpoint.label(), Texts.log(decoded.uid()));
            record.decision = "error";
            record.reason = e.getClass().getSimpleName();
            response = internalError(decoded.uid());
        }
        return new Answer(200, Responses.review(response));
    }

    private Decision decide(Endpoint endpoint, ReviewCodec.Decoded decoded) {
        Envelope req = decoded.request();
        Stage stage = endpoint == Endpoint.MUTATE ? Stage.MUTATE : Stage.VALIDATE;
        Decider.Input input = new Decider.Input(stage, req.group(), req.kind(), req.operation(), req.namespace(), req.name(),
                decoded.object(), decoded.oldObject(), true);
        Kind.of(req.group(), req.kind()).ifPresent(kind -> {
            if (kind == Kind.SCALED_OBJECT) {
                cluster.scaledObjectSeen();
            }
            if (dev.isvcpolicy.cluster.KServeKindCaches.KINDS.contains(kind)) {
                cluster.kindSeen(kind);
            }
        });
        return policy.decider().decide(input, cluster);
    }

    /** The AdmissionResponse of a decision, in the API server's shapes, with its {@link Decision#warningLines()}. */
    static AdmissionResponse respond(String uid, Decision d, List<String> warnings) {
        Map<String, String> annotations = d.auditAnnotations();
        return switch (d.verdict()) {
            case BAD_REQUEST -> Responses.refuse(uid, 400, "BadRequest", d.reason());
            case DENIED -> {
                Kind kind = d.kind().orElseThrow();
                yield Responses.invalid(uid, kind.group(), kind.kind(), d.name(), d.denials(), warnings, annotations);
            }
            default -> Responses.patch(uid, d.ops(), warnings, annotations);
        };
    }

    private static AdmissionResponse internalError(String uid) {
        return Responses.refuse(uid, 500, "InternalError",
                "the autoscaling webhook failed on this request (uid " + Texts.quotable(Texts.cut(uid, Texts.MAX_QUOTED))
                        + "); nothing was judged, see the webhook's log");
    }

    private static void describe(Envelope req, AuditRecord record) {
        record.uid = req.uid();
        record.operation = req.operation();
        record.dryRun = req.dryRun();
        record.kind = req.group() == null && req.version() == null && req.kind() == null ? null
                : (req.group() == null || req.group().isEmpty() ? "" : req.group() + "/") + req.version() + "/" + req.kind();
        record.namespace = req.namespace();
        record.name = req.name();
        record.user = req.username();
        record.groups = req.groups();
    }
}
