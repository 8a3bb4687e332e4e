package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one decision path: what the webhook decides about one object, whoever asks (the HTTP endpoints,
 * the offline check, a background scan). It picks what is judged (kind, operation, exempt namespaces),
 * runs {@code /mutate} and/or {@code /validate} through the {@link PolicyEngine}, and returns a
 * {@link Decision}. Pure: cluster state comes in through {@link ClusterState}, read from caches.
 */
public final class Decider {

    /**
     * One object as the API server sends it.
     *
     * @param stage     which answer is asked for
     * @param group     the API group of the object's kind, e.g. {@code serving.kserve.io}
     * @param kind      the kind, e.g. {@code InferenceService}
     * @param operation the admission operation as sent, e.g. {@code CREATE} (DELETE and CONNECT are skipped)
     * @param namespace the namespace, or null for a cluster-scoped request
     * @param name      the name the request gives (it may be empty on CREATE with {@code generateName})
     * @param object    {@code request.object}
     * @param oldObject {@code request.oldObject} (UPDATE), or null
     */
    public record Input(Stage stage, String group, String kind, String operation, String namespace, String name, JsonNode object,
            JsonNode oldObject) {
    }

    private final PolicyEngine engine;
    private final Exceptions exceptions;
    private final Clock clock;

    public Decider(PolicyEngine engine) {
        this(engine, Exceptions.NONE, Clock.systemUTC());
    }

    /**
     * @param exceptions the admin's exceptions (RULES.md §5)
     * @param clock      when a decision is made, for the exceptions' {@code expires}
     */
    public Decider(PolicyEngine engine, Exceptions exceptions, Clock clock) {
        this.engine = engine;
        this.exceptions = exceptions;
        this.clock = clock;
    }

    public PolicySettings settings() {
        return engine.settings();
    }

    public Exceptions exceptions() {
        return exceptions;
    }

    /** The same decider with other exceptions. */
    public Decider withExceptions(Exceptions next) {
        return new Decider(engine, next, clock);
    }

    /** The same exceptions and clock with another policy. */
    public Decider withSettings(PolicySettings next) {
        return new Decider(new PolicyEngine(next), exceptions, clock);
    }

    public Decision decide(Input in, ClusterState cluster) {
        String policy = engine.settings().hash();
        Optional<Kind> kind = Kind.of(in.group(), in.kind());
        Operation operation = operation(in.operation());
        String name = name(in.object(), in.name());
        if (operation == null || kind.isEmpty() || !kind.get().judgedBy(in.stage())) {
            return Decision.untouched(Decision.Verdict.SKIPPED, kind, operation, name, null, policy);
        }
        if (beingDeleted(in.object()) || beingDeleted(in.oldObject())) {
            return Decision.untouched(Decision.Verdict.SKIPPED, kind, operation, name, "being deleted (metadata.deletionTimestamp)", policy);
        }
        if (in.namespace() != null && engine.settings().exemptNamespaces().contains(in.namespace())) {
            return Decision.untouched(Decision.Verdict.EXEMPT, kind, operation, name, null, policy);
        }
        Enforcement enforcement = in.namespace() == null ? Enforcement.DENY : cluster.enforcement(in.namespace());
        if (enforcement == Enforcement.OFF) {
            return Decision.untouched(Decision.Verdict.EXEMPT, kind, operation, name, "namespace label " + Enforcement.LABEL + "=off", policy);
        }
        String notOfItsKind = notA(kind.get(), in.object());
        if (notOfItsKind != null) {
            return Decision.untouched(Decision.Verdict.BAD_REQUEST, kind, operation, name, notOfItsKind, policy);
        }
        ObjectNode object = (ObjectNode) in.object();
        JsonNode old = in.oldObject() != null && in.oldObject().isObject() ? in.oldObject() : null;
        Judged raw = switch (kind.get()) {
            case INFERENCE_SERVICE -> inferenceService(in, operation, name, object, old, cluster, policy);
            case SCALED_OBJECT -> scaledObject(in, operation, name, object, old, cluster, policy);
        };
        return settle(raw, in, name, enforcement);
    }

    /** The old object as judged, with its findings, for the pre-existing comparison of RULES.md §7. */
    private record Before(JsonNode judged, JsonNode raw, List<Finding> findings) {
    }

    /** A decision before {@link #settle}: the object as judged, and the old one when it must be compared. */
    private record Judged(Decision raw, JsonNode judged, Before before) {
    }

    /**
     * The final actions, strongest first (RULES.md §5): an exception excepts; a deny found unchanged on
     * {@code oldObject} is a {@code pre-existing:} warning; a namespace labelled {@code warn} lowers the
     * remaining denies (the per-rule action and global audit-only were applied by the engine).
     */
    private Decision settle(Judged judged, Input in, String name, Enforcement enforcement) {
        Decision raw = judged.raw();
        if (raw.findings().isEmpty()) {
            return raw;
        }
        Kind kind = raw.kind().orElseThrow();
        java.time.Instant now = clock.instant();
        List<Finding> out = new ArrayList<>();
        for (Finding f : raw.findings()) {
            Optional<String> exception = exceptions.match(in.namespace(), name, kind, f.ruleId(), now);
            if (exception.isPresent()) {
                out.add(f.excepted(exception.get()));
            } else if (judged.before() != null && PreExisting.of(f, judged.judged(), judged.before().findings(), judged.before().judged(), judged.before().raw())) {
                out.add(f.asPreExisting());
            } else if (enforcement == Enforcement.WARN && f.action() == Action.DENY) {
                out.add(f.withAction(Action.WARN, true));
            } else {
                out.add(f);
            }
        }
        boolean denied = out.stream().anyMatch(f -> f.action() == Action.DENY);
        Decision.Verdict verdict = denied ? Decision.Verdict.DENIED : raw.ops().isEmpty() ? Decision.Verdict.ALLOWED : Decision.Verdict.PATCHED;
        return new Decision(verdict, raw.kind(), raw.operation(), raw.name(), raw.context(), raw.ops(), raw.notices(), out, raw.mutated(),
                raw.reason(), raw.policy());
    }

    /** Whether the old object must be judged: an UPDATE with an old object, something that would deny, and the default setting. */
    private boolean comparesOld(Operation operation, JsonNode old, List<Finding> findings) {
        return operation == Operation.UPDATE && old != null && !engine.settings().existingViolationsDeny()
                && findings.stream().anyMatch(Finding::wouldDeny);
    }

    private static boolean beingDeleted(JsonNode object) {
        if (object == null || !object.isObject()) {
            return false;
        }
        JsonNode ts = object.path("metadata").path("deletionTimestamp");
        return !ts.isMissingNode() && !ts.isNull() && !(ts.isTextual() && ts.asText().isEmpty());
    }

    private Judged inferenceService(Input in, Operation operation, String name, ObjectNode object, JsonNode old, ClusterState cluster,
            String policy) {
        Optional<DeploymentMode> clusterDefault = cluster.defaultMode();
        PolicyEngine.MutationResult mutation = null;
        if (in.stage() != Stage.VALIDATE) {
            mutation = engine.mutate(new PolicyEngine.Input(operation, object, old, in.namespace(), clusterDefault)
                    .withKnative(cluster.knativeLimits()));
            if (in.stage() == Stage.MUTATE) {
                Decision.Verdict verdict = mutation.ops().isEmpty() ? Decision.Verdict.ALLOWED : Decision.Verdict.PATCHED;
                return new Judged(new Decision(verdict, Optional.of(Kind.INFERENCE_SERVICE), operation, name, mutation.context(), mutation.ops(),
                        mutation.notices(), List.of(), mutation.ops().isEmpty() ? null : mutation.mutated(), null, policy), null, null);
            }
        }
        ObjectNode judged = mutation == null ? object : mutation.mutated();
        ClusterView view = in.namespace() == null ? ClusterView.OFF : cluster.scaledObjectsIn(in.namespace());
        PolicyEngine.ValidationResult validation = engine.validate(
                new PolicyEngine.Input(operation, judged, old, in.namespace(), clusterDefault, view).withKnative(cluster.knativeLimits()));
        boolean patched = mutation != null && !mutation.ops().isEmpty();
        Decision.Verdict verdict = !validation.allowed() ? Decision.Verdict.DENIED
                : patched ? Decision.Verdict.PATCHED : Decision.Verdict.ALLOWED;
        Decision raw = new Decision(verdict, Optional.of(Kind.INFERENCE_SERVICE), operation, name, validation.context(),
                mutation == null ? List.of() : mutation.ops(), mutation == null ? List.of() : mutation.notices(), validation.findings(),
                patched ? mutation.mutated() : null, null, policy);
        if (!comparesOld(operation, old, validation.findings())) {
            return new Judged(raw, null, null);
        }
        // The old object in its own context (its status wins, as for a stored object), mutated as /mutate would, then judged.
        ObjectNode oldObject = (ObjectNode) old;
        ObjectNode oldJudged = engine.mutate(new PolicyEngine.Input(Operation.UPDATE, oldObject, oldObject, in.namespace(), clusterDefault)
                .withKnative(cluster.knativeLimits())).mutated();
        List<Finding> before = engine.validate(new PolicyEngine.Input(Operation.UPDATE, oldJudged, oldObject, in.namespace(), clusterDefault, view)
                .withKnative(cluster.knativeLimits())).findings();
        return new Judged(raw, judged, new Before(oldJudged, oldObject, before));
    }

    private Judged scaledObject(Input in, Operation operation, String name, ObjectNode object, JsonNode old, ClusterState cluster,
            String policy) {
        String namespace = in.namespace() == null ? "" : in.namespace();
        ClusterState.InferenceServices isvcs = cluster.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(object));
        PolicyEngine.ValidationResult validation = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation, object,
                namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode()));
        Decision raw = new Decision(validation.allowed() ? Decision.Verdict.ALLOWED : Decision.Verdict.DENIED, Optional.of(Kind.SCALED_OBJECT),
                operation, name, null, List.of(), List.of(), validation.findings(), null, null, policy);
        if (!comparesOld(operation, old, validation.findings())) {
            return new Judged(raw, null, null);
        }
        List<Finding> before = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(Operation.UPDATE, (ObjectNode) old,
                namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode())).findings();
        return new Judged(raw, object, new Before(old, old, before));
    }

    /** Why {@code object} cannot be judged as a {@code kind} (a JSON object whose kind, if given, is that), or null. */
    private static String notA(Kind kind, JsonNode object) {
        if (object == null || !object.isObject()) {
            return "request.object must be the " + kind.kind() + " as a JSON object";
        }
        if (!kind.kind().equals(object.path("kind").asText(kind.kind()))) {
            String article = "AEIOU".indexOf(kind.kind().charAt(0)) >= 0 ? "an " : "a ";
            return "request.object is a " + object.path("kind").asText() + ", not " + article + kind.kind();
        }
        return null;
    }

    /** {@code metadata.name}, else {@code generateName} followed by {@code *}, else the request's name, else empty. */
    static String name(JsonNode object, String requestName) {
        JsonNode meta = object == null ? null : object.path("metadata");
        if (meta != null && meta.path("name").isTextual()) {
            return meta.path("name").asText();
        }
        if (meta != null && meta.path("generateName").isTextual()) {
            return meta.path("generateName").asText() + "*";
        }
        return requestName == null ? "" : requestName;
    }

    private static Operation operation(String op) {
        if ("CREATE".equals(op)) {
            return Operation.CREATE;
        }
        return "UPDATE".equals(op) ? Operation.UPDATE : null;
    }
}
