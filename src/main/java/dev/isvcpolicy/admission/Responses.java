package dev.isvcpolicy.admission;

import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Texts;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds AdmissionReview answers in the API server's own shapes. */
public final class Responses {

    /** The API server truncates longer warnings; we keep each within it. */
    public static final int MAX_WARNING_LENGTH = 256;
    /** More warnings than this are summed up in one last line. */
    public static final int MAX_WARNINGS = 20;
    /** The API server ignores warnings beyond 4 KiB in all. */
    public static final int MAX_WARNINGS_TOTAL = 4096;
    /** A refusal lists at most this many causes, then one that says how many more there are. */
    public static final int MAX_CAUSES = 50;
    /** A refusal's message quotes at most this many findings, then says how many more there are. */
    public static final int MAX_MESSAGE_FINDINGS = 10;

    private Responses() {
    }

    public static AdmissionReview review(AdmissionResponse response) {
        AdmissionReview review = new AdmissionReview();
        review.setApiVersion(ReviewCodec.API_VERSION);
        review.setKind("AdmissionReview");
        review.setResponse(response);
        return review;
    }

    public static AdmissionResponse allow(String uid, List<String> warnings, Map<String, String> audit) {
        AdmissionResponse r = new AdmissionResponse();
        r.setUid(uid);
        r.setAllowed(true);
        setWarnings(r, warnings);
        r.setAuditAnnotations(audit.isEmpty() ? null : audit);
        return r;
    }

    public static AdmissionResponse patch(String uid, List<PatchOp> ops, List<String> warnings, Map<String, String> audit) {
        AdmissionResponse r = allow(uid, warnings, audit);
        if (!ops.isEmpty()) {
            r.setPatch(Base64.getEncoder().encodeToString(patchJson(ops)));
            r.setPatchType("JSONPatch");
        }
        return r;
    }

    /**
     * The patch as the API server wants it, a JSON array of RFC 6902 operations ({@code op}, {@code path}, then
     * {@code value} unless it is a remove), as UTF-8 bytes. Streamed with Jackson's generator, each value written
     * by its nodes ({@link #writeValue}) without a serializer lookup. The bytes are those of mapping
     * {@link PatchOp#toJson} ({@code AnswerEncoderTest}).
     */
    static byte[] patchJson(List<PatchOp> ops) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * ops.size() + 16);
        try (com.fasterxml.jackson.core.JsonGenerator g = ReviewCodec.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartArray();
            for (PatchOp op : ops) {
                g.writeStartObject();
                g.writeStringField("op", op.op());
                g.writeStringField("path", op.path());
                if (op.value() != null) {
                    g.writeFieldName("value");
                    writeValue(g, op.value());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A patch value as the mapper writes it: objects, arrays, strings, numbers, booleans and null by the nodes
     * themselves, field by field, so no serializer is looked up; anything else (a node wrapping a Java object)
     * through the mapper.
     */
    private static void writeValue(com.fasterxml.jackson.core.JsonGenerator g, com.fasterxml.jackson.databind.JsonNode value)
            throws java.io.IOException {
        if (value instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            g.writeStartObject();
            for (java.util.Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = it.next();
                g.writeFieldName(field.getKey());
                writeValue(g, field.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            g.writeStartArray();
            for (int i = 0; i < array.size(); i++) {
                writeValue(g, array.get(i));
            }
            g.writeEndArray();
        } else if (value.isNull()) {
            g.writeNull();
        } else if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            ((com.fasterxml.jackson.databind.node.ValueNode) value).serialize(g, null);
        } else {
            g.writeTree(value);
        }
    }

    /**
     * A refusal in the API server's shape for invalid objects: 422 Invalid, one cause per denying finding.
     * Bounded whatever the object: at most {@value #MAX_CAUSES} causes plus one that counts the rest, a
     * message that quotes at most {@value #MAX_MESSAGE_FINDINGS} findings, each text cut at
     * {@link Texts#MAX_MESSAGE} characters before its {@code [rule-id]}, which stays, and the name at {@link Texts#MAX_VALUE}.
     */
    public static AdmissionResponse invalid(String uid, String group, String kind, String name, List<Finding> denials, List<String> warnings,
            Map<String, String> audit) {
        // The name as the request has it: cut, and escaped so that it can neither end its quotes nor break a line.
        String shownName = Texts.quotable(Texts.cut(name));
        List<StatusCause> causes = new ArrayList<>();
        int shown = 0;
        for (Finding f : denials) {
            if (causes.size() >= MAX_CAUSES) {
                break;
            }
            shown++;
            // One cause per field involved, as the API server lists a field error per field (at most MAX_CAUSES in all).
            // The finding's value is its first field's: the other fields' causes show none rather than a value they do not hold.
            for (int i = 0; i < f.paths().size() && causes.size() < MAX_CAUSES; i++) {
                causes.add(new StatusCauseBuilder().withReason(f.type().reason()).withField(Texts.visible(Texts.cut(f.paths().get(i), Texts.MAX_MESSAGE)))
                        .withMessage(shorten(causeMessage(f, i == 0), Texts.MAX_MESSAGE)).build());
            }
        }
        if (denials.size() > shown) {
            causes.add(new StatusCauseBuilder().withReason("FieldValueInvalid")
                    .withMessage("and " + (denials.size() - shown) + " more denials: see the webhook's audit log").build());
        }
        String message = kind + " \"" + shownName + "\" is invalid: " + denials.stream().limit(MAX_MESSAGE_FINDINGS)
                .map(f -> shorten(f.line(), Texts.MAX_MESSAGE)).collect(Collectors.joining("; "))
                + (denials.size() > MAX_MESSAGE_FINDINGS ? "; and " + (denials.size() - MAX_MESSAGE_FINDINGS) + " more" : "");
        Status status = new StatusBuilder().withStatus("Failure").withCode(422).withReason("Invalid").withMessage(message)
                .withDetails(new StatusDetailsBuilder().withName(shownName).withGroup(group).withKind(kind)
                        .withCauses(causes).build())
                .build();
        AdmissionResponse r = allow(uid, warnings, audit);
        r.setAllowed(false);
        r.setStatus(status);
        return r;
    }

    /**
     * A cause's message as the API server words a field error ({@code field.Error.ErrorBody}): the
     * type, the value when there is one, then the detail, e.g. {@code Unsupported value: "qps": use
     * cpu, memory, concurrency or rps [scale-metric]}.
     */
    static String causeMessage(Finding f) {
        return causeMessage(f, true);
    }

    /** As {@link #causeMessage(Finding)}, with the value only when {@code withValue} (the cause of the finding's first field). */
    static String causeMessage(Finding f, boolean withValue) {
        String kind = switch (f.type()) {
            case INVALID -> "Invalid value";
            case REQUIRED -> "Required value";
            case NOT_SUPPORTED -> "Unsupported value";
            case FORBIDDEN -> "Forbidden";
            case DUPLICATE -> "Duplicate value";
            case TOO_LONG -> "Too long";
        };
        // The value once: a message that already quotes it (escaped, as messages are) is not prefixed with it again. Quoted
        // as Go's %q would: backslashes and quotes escaped, then control characters (Texts.visible).
        String value = !withValue || f.value() == null || f.message().contains("\"" + Texts.quotable(f.value()) + "\"")
                || f.message().contains("\"" + Texts.visible(f.value()) + "\"") ? "" : ": \"" + Texts.quotable(f.value()) + "\"";
        if (f.type() == Finding.Type.INVALID && value.isEmpty()) {
            return f.message() + " [" + f.ruleId() + "]"; // no value to show: the message says what is wrong
        }
        return kind + value + ": " + f.message() + " [" + f.ruleId() + "]";
    }

    /** A refusal that is not about the object's fields: bad request (400) or an internal error (500). */
    public static AdmissionResponse refuse(String uid, int code, String reason, String message) {
        AdmissionResponse r = new AdmissionResponse();
        r.setUid(uid);
        r.setAllowed(false);
        // Bounded and escaped whatever the caller put in (RULES.md §6: answers are bounded).
        r.setStatus(new StatusBuilder().withStatus("Failure").withCode(code).withReason(reason)
                .withMessage(Texts.visible(Texts.cut(message, Texts.MAX_MESSAGE))).build());
        return r;
    }

    /** A plain {@code Status} body for an HTTP 400, when no AdmissionReview could be read. */
    public static Status badRequest(String message) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(400)
                .withReason("BadRequest").withMessage(Texts.visible(Texts.cut(message, Texts.MAX_MESSAGE))).build();
    }

    /**
     * A plain {@code Status} body for an HTTP 429: {@code inFlight} large reviews are being judged or wait
     * already. The API server treats the failed call by the webhook's failurePolicy; a client retries.
     */
    public static Status tooManyLarge(int inFlight) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(429)
                .withReason("TooManyRequests").withMessage("the webhook is judging " + inFlight + " large objects (over "
                        + LargeReviews.THRESHOLD_BYTES / 1024 + " KiB) already; try again shortly").build();
    }

    /** 429 for a body that arrives while other bodies already hold {@code budget} bytes ({@link LargeReviews#budget()}). */
    public static Status tooManyBodyBytes(long budget) {
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(429)
                .withReason("TooManyRequests").withMessage("the webhook holds " + budget / (1024 * 1024)
                        + " MiB of large request bodies already; try again shortly").build();
    }

    private static void setWarnings(AdmissionResponse r, List<String> warnings) {
        if (!warnings.isEmpty()) {
            r.setWarnings(fitWarnings(warnings));
        }
    }

    /**
     * Warnings as the API server keeps them: each at most {@value #MAX_WARNING_LENGTH} characters (a cut line
     * keeps its {@code [rule-id]}), all together within {@value #MAX_WARNINGS_TOTAL}; the rest summed up.
     */
    static List<String> fitWarnings(List<String> warnings) {
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < warnings.size(); i++) {
            String w = shorten(warnings.get(i), MAX_WARNING_LENGTH);
            String more = "... and " + (warnings.size() - i) + " more warnings: see the webhook's audit log";
            boolean last = i == warnings.size() - 1;
            if (total + w.length() > MAX_WARNINGS_TOTAL - (last ? 0 : more.length()) || (!last && out.size() == MAX_WARNINGS - 1)) {
                out.add(more);
                break;
            }
            out.add(w);
            total += w.length();
        }
        return out;
    }

    /** A line at most {@code max} characters long; a cut line keeps its closing {@code [rule-id]}, as the API server shows it. */
    static String shorten(String w, int max) {
        if (w.length() <= max) {
            return w;
        }
        int rule = w.lastIndexOf(" [");
        String suffix = rule > 0 && w.endsWith("]") && w.length() - rule < 60 ? w.substring(rule) : "";
        int end = max - suffix.length() - 3;
        if (end > 0 && Character.isHighSurrogate(w.charAt(end - 1))) {
            end--;
        }
        return w.substring(0, end) + "..." + suffix;
    }
}
