package dev.isvcpolicy.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes an answer ({@link AdmissionReview} or {@link Status}, as {@link Responses} builds them) as JSON
 * bytes with Jackson's streaming generator, field by field, instead of through the object mapper's
 * serializers (a lookup and reflection per object and field). The output is the same JSON the mapper
 * writes, field for field ({@code AnswerEncoderTest} compares them); an answer carrying anything else
 * (a field this class does not know, e.g. an additional property) is written by the mapper instead.
 */
public final class AnswerEncoder {

    private AnswerEncoder() {
    }

    /** The answer as UTF-8 JSON; never null. */
    public static byte[] encode(Object answer) {
        if (!known(answer)) {
            return ReviewCodec.encode(answer);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = ReviewCodec.MAPPER.getFactory().createGenerator(out)) {
            if (answer instanceof AdmissionReview review) {
                g.writeStartObject();
                string(g, "apiVersion", review.getApiVersion());
                string(g, "kind", review.getKind());
                if (review.getResponse() != null) {
                    g.writeFieldName("response");
                    response(g, review.getResponse());
                }
                g.writeEndObject();
            } else {
                status(g, (Status) answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Whether every field set on the answer is one written here. */
    static boolean known(Object answer) {
        if (answer instanceof AdmissionReview r) {
            return r.getRequest() == null && r.getAdditionalProperties().isEmpty() && (r.getResponse() == null || known(r.getResponse()));
        }
        if (answer instanceof AdmissionResponse r) {
            return r.getAdditionalProperties().isEmpty() && (r.getStatus() == null || known(r.getStatus()));
        }
        if (answer instanceof Status s) {
            return s.getAdditionalProperties().isEmpty() && s.getMetadata() == null
                    && (s.getDetails() == null || known(s.getDetails()));
        }
        if (answer instanceof StatusDetails d) {
            return d.getAdditionalProperties().isEmpty() && d.getRetryAfterSeconds() == null && d.getUid() == null
                    && (d.getCauses() == null || d.getCauses().stream().allMatch(c -> c.getAdditionalProperties().isEmpty()));
        }
        return false;
    }

    private static void response(JsonGenerator g, AdmissionResponse r) throws IOException {
        g.writeStartObject();
        // The mapper's order: fabric8's @JsonPropertyOrder for AdmissionResponse.
        if (r.getAllowed() != null) {
            g.writeBooleanField("allowed", r.getAllowed());
        }
        stringMap(g, "auditAnnotations", r.getAuditAnnotations());
        string(g, "patch", r.getPatch());
        string(g, "patchType", r.getPatchType());
        if (r.getStatus() != null) {
            g.writeFieldName("status");
            status(g, r.getStatus());
        }
        string(g, "uid", r.getUid());
        strings(g, "warnings", r.getWarnings());
        g.writeEndObject();
    }

    private static void status(JsonGenerator g, Status s) throws IOException {
        g.writeStartObject();
        string(g, "apiVersion", s.getApiVersion());
        string(g, "kind", s.getKind());
        if (s.getCode() != null) {
            g.writeNumberField("code", s.getCode());
        }
        StatusDetails d = s.getDetails();
        if (d != null) {
            g.writeObjectFieldStart("details");
            string(g, "kind", d.getKind());
            List<StatusCause> causes = d.getCauses();
            if (causes != null && !causes.isEmpty()) {
                g.writeArrayFieldStart("causes");
                for (StatusCause c : causes) {
                    g.writeStartObject();
                    string(g, "field", c.getField());
                    string(g, "message", c.getMessage());
                    string(g, "reason", c.getReason());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            string(g, "group", d.getGroup());
            string(g, "name", d.getName());
            g.writeEndObject();
        }
        string(g, "message", s.getMessage());
        string(g, "reason", s.getReason());
        string(g, "status", s.getStatus());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        if (values != null && !values.isEmpty()) {
            g.writeArrayFieldStart(field);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }

    private static void stringMap(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        if (values != null && !values.isEmpty()) {
            g.writeObjectFieldStart(field);
            for (Map.Entry<String, String> e : values.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
    }
}
