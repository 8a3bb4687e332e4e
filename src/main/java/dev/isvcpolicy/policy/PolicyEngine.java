package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the registry over one InferenceService: resolve the context, run the rules, collect edits and
 * findings, apply the configured actions. No I/O: cluster state comes in with the input.
 */
public final class PolicyEngine {

    /**
     * One InferenceService to judge, with what the cluster says: its default mode, if known, and the
     * namespace's ScaledObjects ({@link ClusterView#OFF} when not looked up).
     */
    public record Input(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
            Optional<DeploymentMode> clusterDefault, ClusterView cluster, KnativeLimits knative) {

        public Input(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
                Optional<DeploymentMode> clusterDefault) {
            this(operation, object, oldObject, namespace, clusterDefault, ClusterView.OFF);
        }

        public Input(Operation operation, ObjectNode object, JsonNode oldObject, String namespace,
                Optional<DeploymentMode> clusterDefault, ClusterView cluster) {
            this(operation, object, oldObject, namespace, clusterDefault, cluster, KnativeLimits.UNKNOWN);
        }

        /** The same request with what Knative's config-autoscaler says ({@link KnativeLimits#UNKNOWN}: not read). */
        public Input withKnative(KnativeLimits limits) {
            return new Input(operation, object, oldObject, namespace, clusterDefault, cluster, limits);
        }
    }

    /**
     * One ScaledObject to judge, with the InferenceServices of its namespace as the cache holds them
     * (empty unless {@code lookup} is READY) and the cluster's default mode to resolve them with.
     */
    public record ScaledObjectInput(Operation operation, ObjectNode object, String namespace, ClusterView.Lookup lookup,
            String detail, List<ObjectNode> inferenceServices, Optional<DeploymentMode> clusterDefault) {
    }

    /** What {@code /mutate} answers: the patch, the notices, and the object as patched. */
    public record MutationResult(List<PatchOp> ops, List<Notice> notices, ObjectNode mutated, Review context) {

        public Set<String> ruleIds() {
            Set<String> ids = new LinkedHashSet<>();
            ops.forEach(op -> ids.add(op.ruleId()));
            notices.forEach(n -> ids.add(n.ruleId()));
            return ids;
        }
    }

    /** What {@code /validate} answers: every finding, with its configured action; context is null for a ScaledObject. */
    public record ValidationResult(List<Finding> findings, Review context) {

        public boolean allowed() {
            return !Finding.anyWithAction(findings, Action.DENY);
        }

        public List<Finding> denials() {
            return Finding.withAction(findings, Action.DENY);
        }

        public List<Finding> warnings() {
            return Finding.withAction(findings, Action.WARN);
        }
    }

    private final PolicySettings settings;

    public PolicyEngine(PolicySettings settings) {
        this.settings = settings;
    }

    public PolicySettings settings() {
        return settings;
    }

    /**
     * {@code /mutate} in two phases: the mutations that decide the mode or an autoscaler class run on the
     * context as sent; the context is then resolved once from what they wrote, and the component mutations
     * run against it (each reads the fields as the earlier ones left them, so mutating the result adds nothing).
     */
    public MutationResult mutate(Input in) {
        return mutate(in, in.object().deepCopy());
    }

    /**
     * {@link #mutate}, editing {@code in.object()} itself instead of a working copy: for a caller that owns the
     * object and does not read it as sent again (the webhook's {@code /mutate}, which decoded it for this review
     * alone). The ops, notices and context are those of {@link #mutate}, byte for byte; the result's
     * {@code mutated} is {@code in.object()}. When the object is also the old object, a copy is made all the same.
     */
    public MutationResult mutateInPlace(Input in) {
        return in.object() == in.oldObject() ? mutate(in) : mutate(in, in.object());
    }

    private MutationResult mutate(Input in, ObjectNode working) {
        Edits edits = new Edits(new Patch(working));
        Review review = resolve(in, working);
        run(CONTEXT_MUTATIONS, review, edits);
        review = resolve(in, working);
        run(COMPONENT_MUTATIONS, review, edits);
        return new MutationResult(edits.patch().ops(), edits.notices(), working, review);
    }

    /** The mutations that may change the mode or an autoscaler class, then the rest, in registry order. */
    private static final List<Mutation> CONTEXT_MUTATIONS = RuleRegistry.MUTATIONS.stream().filter(Mutation::decidesContext).toList();
    private static final List<Mutation> COMPONENT_MUTATIONS = RuleRegistry.MUTATIONS.stream().filter(r -> !r.decidesContext()).toList();

    private void run(List<Mutation> rules, Review review, Edits edits) {
        for (Mutation rule : rules) {
            if (settings.enabled(rule.id()) && RuleRegistry.judges(rule, review)) {
                edits.startRule(rule.id());
                rule.mutate(review, edits);
            }
        }
    }

    public ValidationResult validate(Input in) {
        return validate(in, new Findings());
    }

    /**
     * {@link #validate} with every finding listed, none summed up by {@link FindingCap}: for the pre-existing comparison of
     * an UPDATE whose object has more denies of a rule than the cap lists ({@code PreExisting}). Its cost follows the
     * object's size; a large body is judged on a thread of its own ({@code LargeReviews}).
     */
    ValidationResult validateUncapped(Input in) {
        return validate(in, new Findings(new FindingCap(Integer.MAX_VALUE)));
    }

    private ValidationResult validate(Input in, Findings findings) {
        Review review = resolve(in, in.object());
        for (Validation rule : RuleRegistry.VALIDATIONS) {
            if (!settings.enabled(rule.id()) || !RuleRegistry.judges(rule, review)) {
                continue;
            }
            findings.startRule(rule.id());
            rule.validate(review, findings);
        }
        return new ValidationResult(withActions(findings), review);
    }

    /**
     * Judges a ScaledObject against the InferenceServices of its namespace. Each stored InferenceService
     * is resolved as on UPDATE with itself as the old object, so its {@code status.deploymentMode} wins.
     */
    public ValidationResult validateScaledObject(ScaledObjectInput in) {
        List<Review> isvcs = new ArrayList<>();
        for (ObjectNode isvc : in.inferenceServices()) {
            isvcs.add(ContextResolver.resolve(Operation.UPDATE, isvc, isvc, in.namespace(), in.clusterDefault(), settings));
        }
        String name = Json.object(in.object(), "metadata").flatMap(m -> Json.text(m, "name")).orElse("");
        ScaledObjectReview review = new ScaledObjectReview(in.operation(), in.object(), name, in.namespace(),
                ScaledObjects.targetDeployment(in.object()), ScaledObjects.isvcOwner(in.object()), in.lookup(), in.detail(),
                List.copyOf(isvcs), settings);
        Findings findings = new Findings();
        for (ScaledObjectValidation rule : RuleRegistry.SCALED_OBJECT_VALIDATIONS) {
            if (!settings.enabled(rule.id())) {
                continue;
            }
            findings.startRule(rule.id());
            rule.validate(review, findings);
        }
        return new ValidationResult(withActions(findings), null);
    }

    /**
     * Judges an LLMInferenceService, HTTPScaledObject or ScaledObject with the {@link RuleRegistry#OBJECT_VALIDATIONS} for
     * its kind, against the stored objects of its namespace in {@code review}.
     */
    public ValidationResult validateObject(ObjectReview review) {
        Findings findings = new Findings();
        for (ObjectValidation rule : RuleRegistry.OBJECT_VALIDATIONS) {
            if (!settings.enabled(rule.id()) || !rule.kinds().contains(review.kind())) {
                continue;
            }
            findings.startRule(rule.id());
            rule.validate(review, findings);
        }
        return new ValidationResult(withActions(findings), null);
    }

    /** Stored InferenceGraphs resolved as on UPDATE with themselves as the old object (their status.deploymentMode wins). */
    public List<Review> storedGraphs(List<ObjectNode> graphs, String namespace, Optional<DeploymentMode> clusterDefault) {
        List<Review> out = new ArrayList<>();
        for (ObjectNode graph : graphs) {
            out.add(ContextResolver.resolve(Operation.UPDATE, graph, graph, namespace, clusterDefault, settings));
        }
        return out;
    }

    private List<Finding> withActions(Findings findings) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings.all()) {
            Action configured = settings.actionFor(f.ruleId()).filter(a -> a != Action.OFF).orElse(f.action());
            boolean lowered = settings.auditOnly() && configured == Action.DENY;
            out.add(f.withAction(lowered ? Action.WARN : configured, lowered));
        }
        return List.copyOf(out);
    }

    private Review resolve(Input in, ObjectNode object) {
        return ContextResolver.resolve(in.operation(), object, in.oldObject(), in.namespace(), in.clusterDefault(), settings,
                in.cluster(), in.knative());
    }
}
