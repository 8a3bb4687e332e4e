package dev.isvcpolicy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Texts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One admission decision as the audit log keeps it: who asked what, what was decided and why. Never
 * the object itself: only field paths, rule messages, and patch values that are small scalars. The line
 * is bounded whatever the request: every value taken from it is cut at {@link Texts#MAX_VALUE}
 * characters (messages and paths at {@link Texts#MAX_MESSAGE}) and marked {@code ...[cut, N chars]}, and
 * lists stop at {@value #MAX_LISTED} entries with a count of the rest ({@code findingsNotListed},
 * {@code warningsNotListed}, {@code patchNotListed}, {@code groupsNotListed}).
 */
public final class AuditRecord {

    /** Patch values longer than this (or not scalars) are left out of the audit line. */
    static final int MAX_LOGGED_VALUE = 64;
    /** An audit line lists at most this many findings, warnings, patch operations and components; a count says how many more. */
    static final int MAX_LISTED = 100;
    /** An audit line lists at most this many groups of the user. */
    static final int MAX_GROUPS = 20;

    public final Instant time = Instant.now();
    public String endpoint;
    public String uid;
    public String operation;
    public Boolean dryRun;
    public String kind;
    public String namespace;
    public String name;
    public String user;
    public List<String> groups = List.of();
    /** {@code allowed}, {@code patched}, {@code denied}, {@code exempt}, {@code skipped}, {@code bad-request} or {@code error}. */
    public String decision;
    public String reason;
    public Review context;
    public List<Finding> findings = List.of();
    public List<PatchOp> patch = List.of();
    public List<String> warnings = List.of();
    public double durationMs;

    /** The short hash of the policy the decision was made under, e.g. {@code 3f9a0c1b2d4e}. */
    public String policy;

    /** Fills in what was decided: verdict, reason, context, findings, patch, warnings and the policy's hash. */
    public void from(Decision d) {
        decision = d.verdict().label();
        reason = d.reason();
        context = d.context();
        findings = d.findings();
        patch = d.ops();
        warnings = d.warningLines();
        policy = d.policy();
    }

    /** The audit line's JSON as a tree (tests and tools); {@link #write} streams the same fields. */
    public ObjectNode toJson() {
        try {
            return (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(line());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The audit line, streamed field by field (no tree, no reflection: unchanged in a native binary). */
    public String line() {
        com.fasterxml.jackson.core.util.ByteArrayBuilder out = new com.fasterxml.jackson.core.util.ByteArrayBuilder(2048);
        try (com.fasterxml.jackson.core.JsonGenerator g = FACTORY.createGenerator(out, com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            write(g);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write an audit line", e);
        }
        return new String(out.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static final com.fasterxml.jackson.core.JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactory();

    /** The second last formatted, e.g. {@code 2026-11-24T16:23:10}: formatting a date costs more than the rest of the line. */
    private static volatile Second lastSecond = new Second(0, "1970-01-01T00:00:00");

    private record Second(long epochSecond, String text) {
    }

    /** ISO 8601 in UTC with nanoseconds, e.g. {@code 2026-11-24T16:23:10.411394242Z}. */
    static String isoTime(Instant t) {
        Second s = lastSecond;
        if (s.epochSecond() != t.getEpochSecond()) {
            s = new Second(t.getEpochSecond(), java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                    java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, java.time.ZoneOffset.UTC)));
            lastSecond = s;
        }
        String nanos = Integer.toString(t.getNano());
        return s.text() + "." + "000000000".substring(nanos.length()) + nanos + "Z";
    }

    private void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("time", isoTime(time));
        g.writeStringField("endpoint", endpoint);
        g.writeStringField("uid", Texts.cut(uid));
        g.writeStringField("operation", Texts.cut(operation));
        if (dryRun != null) {
            g.writeBooleanField("dryRun", dryRun);
        }
        g.writeStringField("kind", Texts.cut(kind));
        g.writeStringField("namespace", Texts.cut(namespace));
        g.writeStringField("name", Texts.cut(name));
        g.writeStringField("user", Texts.cut(user));
        g.writeArrayFieldStart("groups");
        for (String group : groups.subList(0, Math.min(groups.size(), MAX_GROUPS))) {
            g.writeString(Texts.cut(group));
        }
        g.writeEndArray();
        more(g, "groupsNotListed", groups.size(), MAX_GROUPS);
        g.writeStringField("decision", decision);
        if (reason != null) {
            g.writeStringField("reason", Texts.cut(reason, Texts.MAX_MESSAGE));
        }
        if (policy != null) {
            g.writeStringField("policy", policy);
        }
        if (context != null) {
            g.writeStringField("mode", context.mode().value());
            g.writeStringField("modeSource", context.modeSource().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            g.writeArrayFieldStart("components");
            List<Component> components = context.components();
            for (Component c : components.subList(0, Math.min(components.size(), MAX_LISTED))) {
                g.writeStartObject();
                g.writeStringField("component", c.label());
                g.writeStringField("objectName", Texts.cut(c.objectName()));
                g.writeStringField("autoscaler", c.autoscaler().label());
                g.writeEndObject();
            }
            g.writeEndArray();
            more(g, "componentsNotListed", components.size(), MAX_LISTED);
        }
        g.writeArrayFieldStart("findings");
        for (Finding x : findings.subList(0, Math.min(findings.size(), MAX_LISTED))) {
            g.writeStartObject();
            g.writeStringField("rule", x.ruleId());
            g.writeStringField("action", x.action().label());
            g.writeStringField("type", x.type().label());
            g.writeStringField("path", Texts.cut(x.path(), Texts.MAX_MESSAGE));
            if (x.paths().size() > 1) {
                g.writeArrayFieldStart("paths");
                for (String p : x.paths()) {
                    g.writeString(Texts.cut(p, Texts.MAX_MESSAGE));
                }
                g.writeEndArray();
            }
            g.writeStringField("message", Texts.cut(x.message(), Texts.MAX_MESSAGE));
            if (x.auditOnly()) {
                g.writeBooleanField("auditOnly", true);
            }
            if (x.preExisting()) {
                g.writeBooleanField("preExisting", true);
            }
            if (x.exceptedBy() != null) {
                g.writeStringField("exceptedBy", x.exceptedBy());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        more(g, "findingsNotListed", findings.size(), MAX_LISTED);
        g.writeArrayFieldStart("patch");
        for (PatchOp op : patch.subList(0, Math.min(patch.size(), MAX_LISTED))) {
            g.writeStartObject();
            g.writeStringField("op", op.op());
            g.writeStringField("path", Texts.cut(op.path(), Texts.MAX_MESSAGE));
            g.writeStringField("rule", op.ruleId());
            if (loggable(op.value())) {
                g.writeFieldName("value");
                ((com.fasterxml.jackson.databind.node.ValueNode) op.value()).serialize(g, null); // a scalar: no serializer lookup
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        more(g, "patchNotListed", patch.size(), MAX_LISTED);
        g.writeArrayFieldStart("warnings");
        for (String w : warnings.subList(0, Math.min(warnings.size(), MAX_LISTED))) {
            g.writeString(Texts.cut(w, Texts.MAX_MESSAGE));
        }
        g.writeEndArray();
        more(g, "warningsNotListed", warnings.size(), MAX_LISTED);
        g.writeNumberField("durationMs", Math.round(durationMs * 1000) / 1000.0);
        g.writeEndObject();
    }

    /** {@code "field": n} with the number of items not listed, when there are any. */
    private static void more(com.fasterxml.jackson.core.JsonGenerator g, String field, int size, int listed) throws java.io.IOException {
        if (size > listed) {
            g.writeNumberField(field, size - listed);
        }
    }

    /** Small scalars only: a patch value that is an object or a long string is not copied into the log. */
    static boolean loggable(JsonNode value) {
        return value != null && (value.isNumber() || value.isBoolean()
                || (value.isTextual() && value.asText().length() <= MAX_LOGGED_VALUE));
    }

    /** Rule ids of findings with a given outcome ({@code deny}, {@code warn}, {@code audit-only-deny}). */
    public List<String> ruleIds(String outcome) {
        List<String> ids = new ArrayList<>();
        findings.stream().filter(x -> x.outcome().equals(outcome)).map(Finding::ruleId).distinct().forEach(ids::add);
        return ids;
    }
}
