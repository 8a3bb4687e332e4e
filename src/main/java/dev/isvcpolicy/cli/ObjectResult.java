package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.ModeSource;
import dev.isvcpolicy.policy.Notice;
import dev.isvcpolicy.policy.Operation;
import java.util.List;

/**
 * What the offline check says about one object: the webhook's two answers, {@code /mutate} (patch
 * operations and notices) and then {@code /validate} on the patched object, as the API server calls them.
 *
 * @param mode       the deployment mode the rules judged in; null when no rule ran
 * @param modeSource where that mode came from
 * @param mutated    the object as the API server would store it (for {@code --fix}); null when no rule ran
 */
public record ObjectResult(Documents.Document document, String kind, String namespace, String name, Outcome outcome,
        Operation operation, DeploymentMode mode, ModeSource modeSource, List<PatchOp> ops, List<Notice> notices,
        List<Finding> findings, ObjectNode mutated) {

    /** How far the check went. */
    public enum Outcome {
        /** Mutated and validated by the policy engine. */
        CHECKED("checked"),
        /** In a namespace of {@code webhook.exempt-namespaces}: admitted untouched, as the webhook does. */
        EXEMPT("exempt");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What the webhook decided about a document's object ({@link Decision.Verdict#EXEMPT} in an exempt namespace). */
    static ObjectResult of(Documents.Document document, String namespace, Decision d) {
        String kind = d.kind().map(Kind::kind).orElse(document.node().path("kind").asText());
        if (d.verdict() == Decision.Verdict.EXEMPT) {
            return new ObjectResult(document, kind, namespace, d.name(), Outcome.EXEMPT, null, null, null, List.of(), List.of(), List.of(), null);
        }
        Review context = d.context();
        return new ObjectResult(document, kind, namespace, d.name(), Outcome.CHECKED, d.operation(),
                context == null ? null : context.mode(), context == null ? null : context.modeSource(), d.ops(), d.notices(), d.findings(),
                d.mutated());
    }

    public boolean denied() {
        return findings.stream().anyMatch(f -> f.action() == Action.DENY);
    }

    /** Allowed, with at least one line in kubectl's warnings (a warning finding or a mutation notice). */
    public boolean warned() {
        return !denied() && (!notices.isEmpty() || findings.stream().anyMatch(f -> f.action() == Action.WARN));
    }

    /** At least one finding an exception matched (RULES.md §5: on record, neither denied nor warned). */
    public boolean excepted() {
        return findings.stream().anyMatch(f -> f.exceptedBy() != null);
    }

    public boolean mutates() {
        return !ops.isEmpty();
    }

    /** {@code denied}, {@code allowed}, or {@code exempt} (an exempt object is still denied by a CRD schema finding, --crd). */
    public String verdict() {
        if (outcome != Outcome.CHECKED && !denied()) {
            return outcome.label();
        }
        return denied() ? "denied" : "allowed";
    }
}
