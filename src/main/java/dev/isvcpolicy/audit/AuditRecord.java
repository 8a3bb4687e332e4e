package dev.isvcpolicy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Review;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One admission decision as the audit log keeps it: who asked what, what was decided and why. Never
 * the object itself: only field paths, rule messages, and patch values that are small scalars.
 */
public final class AuditRecord {

    /** Patch values longer than this (or not scalars) are left out of the audit line. */
    static final int MAX_LOGGED_VALUE = 64;

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

    /** The audit line's JSON (built by hand: no reflection, so it works unchanged in a native binary). */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("time", time.toString());
        o.put("endpoint", endpoint);
        o.put("uid", uid);
        o.put("operation", operation);
        if (dryRun != null) {
            o.put("dryRun", dryRun);
        }
        o.put("kind", kind);
        o.put("namespace", namespace);
        o.put("name", name);
        o.put("user", user);
        ArrayNode g = o.putArray("groups");
        groups.forEach(g::add);
        o.put("decision", decision);
        if (reason != null) {
            o.put("reason", reason);
        }
        if (context != null) {
            o.put("mode", context.mode().value());
            o.put("modeSource", context.modeSource().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            ArrayNode components = o.putArray("components");
            for (Component c : context.components()) {
                components.addObject().put("component", c.label()).put("objectName", c.objectName())
                        .put("autoscaler", c.autoscaler().label());
            }
        }
        ArrayNode fs = o.putArray("findings");
        for (Finding x : findings) {
            ObjectNode n = fs.addObject().put("rule", x.ruleId()).put("action", x.action().label()).put("path", x.path())
                    .put("message", x.message());
            if (x.auditOnly()) {
                n.put("auditOnly", true);
            }
        }
        ArrayNode ps = o.putArray("patch");
        for (PatchOp op : patch) {
            ObjectNode n = ps.addObject().put("op", op.op()).put("path", op.path()).put("rule", op.ruleId());
            if (loggable(op.value())) {
                n.set("value", op.value());
            }
        }
        ArrayNode ws = o.putArray("warnings");
        warnings.forEach(ws::add);
        o.put("durationMs", Math.round(durationMs * 1000) / 1000.0);
        return o;
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
