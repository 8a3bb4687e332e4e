package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the webhook decided about one object: the verdict, the patch, the findings with their final
 * actions, and the context they were judged in. Everything the answer, the audit line, the audit
 * annotations, the metrics and the offline report say comes from here.
 *
 * @param verdict   what happened
 * @param kind      the kind judged; empty when skipped as not the webhook's
 * @param operation CREATE or UPDATE; null when skipped
 * @param name      the object's name ({@code metadata.name}, else {@code generateName} and {@code *}), or empty
 * @param context   the resolved context (mode, components); null for a ScaledObject or when nothing was judged
 * @param ops       the patch ({@code /mutate}), each operation with its rule id
 * @param notices   what the mutations tell the user
 * @param findings  every finding of {@code /validate}, with its final action
 * @param mutated   the object with the patch applied; null when nothing was mutated
 * @param reason    why a request was skipped or refused as bad, for the audit line; null otherwise
 * @param policy    the short hash of the policy in force ({@link PolicySettings#hash()})
 */
public record Decision(Verdict verdict, Optional<Kind> kind, Operation operation, String name, Review context, List<PatchOp> ops,
        List<Notice> notices, List<Finding> findings, ObjectNode mutated, String reason, String policy) {

    /** The decision as the audit trail names it. */
    public enum Verdict {
        /** Allowed with a patch. */
        PATCHED("patched"),
        /** Allowed as it is (warnings may come with it). */
        ALLOWED("allowed"),
        /** Refused: at least one finding denies. */
        DENIED("denied"),
        /** In an exempt namespace: admitted untouched. */
        EXEMPT("exempt"),
        /** Not the webhook's business (another kind, another operation): admitted untouched. */
        SKIPPED("skipped"),
        /** Not something that can be judged (the object is not of its kind): refused with 400. */
        BAD_REQUEST("bad-request");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Decision {
        ops = List.copyOf(ops);
        notices = List.copyOf(notices);
        findings = List.copyOf(findings);
    }

    static Decision untouched(Verdict verdict, Optional<Kind> kind, Operation operation, String name, String reason, String policy) {
        return new Decision(verdict, kind, operation, name, null, List.of(), List.of(), List.of(), null, reason, policy);
    }

    /** Whether the API server may go on (bad requests and denials may not). */
    public boolean allowed() {
        return verdict != Verdict.DENIED && verdict != Verdict.BAD_REQUEST;
    }

    public List<Finding> denials() {
        return Finding.withAction(findings, Action.DENY);
    }

    public List<Finding> warnings() {
        return Finding.withAction(findings, Action.WARN);
    }

    /** The lines of {@code response.warnings}: the mutations' notices, then the warning findings. */
    public List<String> warningLines() {
        List<String> out = new ArrayList<>();
        for (Notice n : notices) {
            out.add(n.line());
        }
        for (Finding f : warnings()) {
            out.add(f.line());
        }
        return out;
    }

    /** Rule ids of the findings with an outcome ({@code deny}, {@code warn}, {@code audit-only-deny}, {@code pre-existing}, {@code excepted}), each once. */
    public List<String> ruleIds(String outcome) {
        Set<String> ids = new LinkedHashSet<>();
        findings.stream().filter(f -> f.outcome().equals(outcome)).forEach(f -> ids.add(f.ruleId()));
        return List.copyOf(ids);
    }

    /** The keys of the exceptions that excepted a finding, each once, in order. */
    public List<String> exceptionKeys() {
        Set<String> keys = new LinkedHashSet<>();
        findings.stream().filter(f -> f.exceptedBy() != null).forEach(f -> keys.add(f.exceptedBy()));
        return List.copyOf(keys);
    }

    /** Rule ids of the patch and the notices, each once, in order. */
    public List<String> mutatedBy() {
        Set<String> ids = new LinkedHashSet<>();
        for (PatchOp op : ops) {
            ids.add(op.ruleId());
        }
        for (Notice n : notices) {
            ids.add(n.ruleId());
        }
        return List.copyOf(ids);
    }

    /**
     * {@code response.auditAnnotations}: the decision and the rule ids that fired, e.g.
     * {@code {decision=denied, denied-by=scale-to-zero}} (the API server writes them into its audit log).
     */
    public Map<String, String> auditAnnotations() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("decision", verdict.label());
        put(out, "mutated-by", mutatedBy());
        if (findings.isEmpty()) {
            return out; // the usual answer: nothing to group by outcome
        }
        put(out, "denied-by", ruleIds("deny"));
        put(out, "warned-by", ruleIds("warn"));
        put(out, "audit-only-denied-by", ruleIds("audit-only-deny"));
        put(out, "pre-existing", ruleIds("pre-existing"));
        put(out, "excepted", ruleIds("excepted"));
        put(out, "excepted-by", exceptionKeys());
        return out;
    }

    private static void put(Map<String, String> out, String key, List<String> ids) {
        if (!ids.isEmpty()) {
            out.put(key, String.join(",", ids));
        }
    }
}
