package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
     * @param owned     whether the caller hands {@code object} over: {@code /mutate} may then edit it in place instead of a
     *                  working copy ({@link PolicyEngine#mutateInPlace}). Only for a caller that decoded it for this
     *                  decision alone and does not read it again (the webhook's handler); false otherwise
     */
    public record Input(Stage stage, String group, String kind, String operation, String namespace, String name, JsonNode object,
            JsonNode oldObject, boolean owned) {

        /** An object the caller keeps: judged on a working copy. */
        public Input(Stage stage, String group, String kind, String operation, String namespace, String name, JsonNode object,
                JsonNode oldObject) {
            this(stage, group, kind, operation, namespace, name, object, oldObject, false);
        }
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
            // The audit line says why (docs/audit.md): another operation, another kind, or a kind this endpoint does not judge.
            String why = operation == null ? "operation " + Texts.cut(String.valueOf(in.operation()), Texts.MAX_QUOTED) + " is not judged (CREATE and UPDATE are)"
                    : kind.isEmpty() ? "kind " + Texts.cut(in.group() + "/" + in.kind(), Texts.MAX_QUOTED) + " is not judged"
                    : kind.get().kind() + " is not judged on /" + in.stage().name().toLowerCase(java.util.Locale.ROOT);
            return Decision.untouched(Decision.Verdict.SKIPPED, kind, operation, name, why, policy);
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
            case INFERENCE_SERVICE, INFERENCE_GRAPH -> inferenceService(kind.get(), in, operation, name, object, old, cluster, policy);
            case SCALED_OBJECT -> scaledObject(in, operation, name, object, old, cluster, policy);
            case HTTP_SCALED_OBJECT -> withOld(httpScaledObject(in, operation, name, object, cluster, policy), object, old,
                    o -> httpScaledObject(in, Operation.UPDATE, name, o, cluster, policy));
            case LLM_INFERENCE_SERVICE -> withOld(objectOnly(Kind.LLM_INFERENCE_SERVICE, in, operation, name, object, cluster, policy,
                    List.of()), object, old, o -> objectOnly(Kind.LLM_INFERENCE_SERVICE, in, Operation.UPDATE, name, o, cluster, policy, List.of()));
        };
        return settle(raw, in, name, enforcement);
    }

    /**
     * The old object as judged, with its findings, for the pre-existing comparison of RULES.md §7.
     *
     * @param findings    the old object's findings; none summed up when either side had more denies of a rule than
     *                    {@link FindingCap} lists
     * @param uncappedNow the new object's findings with none summed up, when it has such a summary; else null
     */
    private record Before(JsonNode judged, JsonNode raw, List<Finding> findings, List<Finding> uncappedNow) {
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
        Optional<String> madeBy = kind == Kind.SCALED_OBJECT ? ScaledObjects.httpScaledObject(in.object()) : Optional.empty();
        List<Finding> out = new ArrayList<>();
        for (Finding f : raw.findings()) {
            Optional<String> exception = exceptions.match(in.namespace(), name, kind, f.ruleId(), now)
                    .or(() -> madeBy.flatMap(h -> exceptions.match(in.namespace(), h, Kind.HTTP_SCALED_OBJECT, f.ruleId(), now)));
            if (exception.isPresent()) {
                out.add(f.excepted(exception.get()));
            } else if (judged.before() != null && PreExisting.of(f, raw.findings(), judged.judged(), judged.before().uncappedNow(), judged.before().findings(), judged.before().judged(), judged.before().raw())) {
                out.add(f.asPreExisting());
            } else if (enforcement == Enforcement.WARN && f.action() == Action.DENY) {
                out.add(f.withAction(Action.WARN, true));
            } else {
                out.add(f);
            }
        }
        boolean denied = Finding.anyWithAction(out, Action.DENY);
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

    /** An InferenceService, or an InferenceGraph (one component at {@code spec}: RULES.md §1 v2), through /mutate and /validate. */
    private Judged inferenceService(Kind kind, Input in, Operation operation, String name, ObjectNode object, JsonNode old,
            ClusterState cluster, String policy) {
        Optional<DeploymentMode> clusterDefault = cluster.defaultMode();
        PolicyEngine.MutationResult mutation = null;
        if (in.stage() != Stage.VALIDATE) {
            PolicyEngine.Input input = new PolicyEngine.Input(operation, object, old, in.namespace(), clusterDefault)
                    .withKnative(cluster.knativeLimits());
            // No working copy when the caller hands the object over: nothing reads it as sent after this.
            mutation = in.owned() ? engine.mutateInPlace(input) : engine.mutate(input);
            if (in.stage() == Stage.MUTATE) {
                Decision.Verdict verdict = mutation.ops().isEmpty() ? Decision.Verdict.ALLOWED : Decision.Verdict.PATCHED;
                return new Judged(new Decision(verdict, Optional.of(kind), operation, name, mutation.context(), mutation.ops(),
                        mutation.notices(), List.of(), mutation.ops().isEmpty() ? null : mutation.mutated(), null, policy), null, null);
            }
        }
        ObjectNode judged = mutation == null ? object : mutation.mutated();
        ClusterView view = in.namespace() == null ? ClusterView.OFF
                : kind == Kind.INFERENCE_GRAPH ? graphView(cluster, in.namespace()) : cluster.scaledObjectsIn(in.namespace());
        PolicyEngine.ValidationResult validation = engine.validate(
                new PolicyEngine.Input(operation, judged, old, in.namespace(), clusterDefault, view).withKnative(cluster.knativeLimits()));
        boolean patched = mutation != null && !mutation.ops().isEmpty();
        Decision.Verdict verdict = !validation.allowed() ? Decision.Verdict.DENIED
                : patched ? Decision.Verdict.PATCHED : Decision.Verdict.ALLOWED;
        Decision raw = new Decision(verdict, Optional.of(kind), operation, name, validation.context(),
                mutation == null ? List.of() : mutation.ops(), mutation == null ? List.of() : mutation.notices(), validation.findings(),
                patched ? mutation.mutated() : null, null, policy);
        if (!comparesOld(operation, old, validation.findings())) {
            return new Judged(raw, null, null);
        }
        // The old object in its own context (its status wins, as for a stored object), mutated as /mutate would, then judged.
        ObjectNode oldObject = (ObjectNode) old;
        ObjectNode oldJudged = engine.mutate(new PolicyEngine.Input(Operation.UPDATE, oldObject, oldObject, in.namespace(), clusterDefault)
                .withKnative(cluster.knativeLimits())).mutated();
        PolicyEngine.Input oldInput = new PolicyEngine.Input(Operation.UPDATE, oldJudged, oldObject, in.namespace(), clusterDefault, view)
                .withKnative(cluster.knativeLimits());
        List<Finding> before = engine.validate(oldInput).findings();
        boolean nowCapped = PreExisting.anyCapSummary(validation.findings());
        if (!nowCapped && !PreExisting.anyCapSummary(before)) {
            return new Judged(raw, judged, new Before(oldJudged, oldObject, before, null));
        }
        // Denies the cap summed up (on either side) are compared one by one only when both sides list them all.
        List<Finding> uncappedNow = !nowCapped ? null : engine.validateUncapped(new PolicyEngine.Input(operation, judged, old,
                in.namespace(), clusterDefault, view).withKnative(cluster.knativeLimits())).findings();
        return new Judged(raw, judged, new Before(oldJudged, oldObject, engine.validateUncapped(oldInput).findings(), uncappedNow));
    }

    /**
     * A kind judged as it is (no mutation, no component context), with its old object judged the same way when the
     * pre-existing comparison of RULES.md §7 needs it: an LLMInferenceService or an HTTPScaledObject.
     */
    private Judged withOld(Decision raw, ObjectNode object, JsonNode old, java.util.function.Function<ObjectNode, Decision> judge) {
        if (!comparesOld(raw.operation(), old, raw.findings())) {
            return new Judged(raw, null, null);
        }
        return new Judged(raw, object, new Before(old, old, judge.apply((ObjectNode) old).findings(), null));
    }

    private Judged scaledObject(Input in, Operation operation, String name, ObjectNode object, JsonNode old, ClusterState cluster,
            String policy) {
        String namespace = in.namespace() == null ? "" : in.namespace();
        ClusterState.InferenceServices isvcs = cluster.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(object));
        PolicyEngine.ValidationResult validation = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation, object,
                namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode()));
        Decision raw = objectOnly(Kind.SCALED_OBJECT, in, operation, name, object, cluster(cluster, isvcs), policy, validation.findings());
        if (!comparesOld(operation, old, raw.findings())) {
            return new Judged(raw, null, null);
        }
        ClusterState.InferenceServices oldIsvcs = cluster.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(old));
        List<Finding> againstIsvcs = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(Operation.UPDATE, (ObjectNode) old,
                namespace, oldIsvcs.lookup(), oldIsvcs.detail(), oldIsvcs.objects(), cluster.defaultMode())).findings();
        List<Finding> before = objectOnly(Kind.SCALED_OBJECT, in, Operation.UPDATE, name, (ObjectNode) old, cluster(cluster, oldIsvcs),
                policy, againstIsvcs).findings();
        return new Judged(raw, object, new Before(old, old, before, null));
    }

    /**
     * An HTTPScaledObject is judged as the ScaledObject its operator makes for the same {@code scaleTargetRef} (RULES.md §1 v2):
     * against the InferenceServices as a ScaledObject is, and against the graphs and LLMInferenceServices. With
     * {@code httpscaledobject.keda.sh/skip-scaledobject-creation: "true"} no ScaledObject is made: nothing is judged.
     */
    private Decision httpScaledObject(Input in, Operation operation, String name, ObjectNode object, ClusterState cluster, String policy) {
        if (KServeWorkloads.skipsScaledObject(object)) {
            return new Decision(Decision.Verdict.ALLOWED, Optional.of(Kind.HTTP_SCALED_OBJECT), operation, name, null, List.of(), List.of(),
                    List.of(), null, null, policy);
        }
        String namespace = in.namespace() == null ? "" : in.namespace();
        ObjectNode made = KServeWorkloads.asScaledObject(object);
        // Looked up by the target's name, as for a ScaledObject: not every InferenceService of the namespace (RULES.md §8).
        ClusterState.InferenceServices isvcs = cluster.inferenceServicesFor(namespace, ScaledObjects.targetDeployment(made));
        PolicyEngine.ValidationResult asScaledObject = engine.validateScaledObject(new PolicyEngine.ScaledObjectInput(operation,
                made, namespace, isvcs.lookup(), isvcs.detail(), isvcs.objects(), cluster.defaultMode()));
        return objectOnly(Kind.HTTP_SCALED_OBJECT, in, operation, name, object, cluster(cluster, isvcs), policy, asScaledObject.findings());
    }

    /**
     * The cluster a ScaledObject or HTTPScaledObject is compared with after the InferenceServices: when those could not be
     * read, the skipped-check finding has been given once already, and unreadable graph and LLMInferenceService caches
     * are not said again (the check is skipped either way; one line is enough when the API server is out of reach).
     */
    private static ClusterState cluster(ClusterState cluster, ClusterState.InferenceServices isvcs) {
        if (isvcs.lookup() != ClusterView.Lookup.UNAVAILABLE) {
            return cluster;
        }
        return new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return cluster.defaultMode();
            }

            @Override
            public KnativeLimits knativeLimits() {
                return cluster.knativeLimits();
            }

            @Override
            public ClusterView scaledObjectsIn(String namespace) {
                return cluster.scaledObjectsIn(namespace);
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                return cluster.inferenceServicesIn(namespace);
            }

            @Override
            public Stored storedIn(Kind kind, String namespace) {
                Stored stored = cluster.storedIn(kind, namespace);
                return stored.lookup() == ClusterView.Lookup.UNAVAILABLE ? Stored.OFF : stored;
            }

            @Override
            public Stored scaledObjectsForGraphs(String namespace) {
                Stored stored = cluster.scaledObjectsForGraphs(namespace);
                return stored.lookup() == ClusterView.Lookup.UNAVAILABLE ? Stored.OFF : stored;
            }
        };
    }

    /** {@code /validate} of a kind judged by {@link RuleRegistry#OBJECT_VALIDATIONS}, after {@code earlier} findings. */
    private Decision objectOnly(Kind kind, Input in, Operation operation, String name, ObjectNode object, ClusterState cluster, String policy,
            List<Finding> earlier) {
        String namespace = in.namespace() == null ? "" : in.namespace();
        ClusterState.Stored graphs = kind == Kind.LLM_INFERENCE_SERVICE ? ClusterState.Stored.OFF : cluster.storedIn(Kind.INFERENCE_GRAPH, namespace);
        ClusterState.Stored llms = kind == Kind.LLM_INFERENCE_SERVICE ? ClusterState.Stored.OFF : cluster.storedIn(Kind.LLM_INFERENCE_SERVICE, namespace);
        ClusterState.Stored scaledObjects = kind == Kind.LLM_INFERENCE_SERVICE ? cluster.storedIn(Kind.SCALED_OBJECT, namespace) : ClusterState.Stored.OFF;
        ClusterState.Stored http = kind == Kind.LLM_INFERENCE_SERVICE ? cluster.storedIn(Kind.HTTP_SCALED_OBJECT, namespace) : ClusterState.Stored.OFF;
        ObjectReview review = new ObjectReview(kind, operation, object, name, namespace, engine.settings(),
                engine.storedGraphs(graphs.objects(), namespace, cluster.defaultMode()), graphs, llms, scaledObjects, http);
        PolicyEngine.ValidationResult validation = engine.validateObject(review);
        List<Finding> findings = new java.util.ArrayList<>(earlier);
        findings.addAll(validation.findings());
        boolean allowed = !Finding.anyWithAction(findings, Action.DENY);
        return new Decision(allowed ? Decision.Verdict.ALLOWED : Decision.Verdict.DENIED, Optional.of(kind), operation, name, null,
                List.of(), List.of(), findings, null, null, policy);
    }

    /**
     * The ScaledObjects a graph is judged against: the namespace's, as Deployment targets, each with its controller (KServe's
     * own for this graph are told apart by {@code autoscaler-conflict}: RULES.md §4 v2).
     */
    private static ClusterView graphView(ClusterState cluster, String namespace) {
        ClusterState.Stored stored = cluster.scaledObjectsForGraphs(namespace);
        if (stored.lookup() != ClusterView.Lookup.READY) {
            return new ClusterView(stored.lookup(), stored.detail(), List.of());
        }
        return ClusterView.ready(stored.objects().stream().map(ScaledObjects::ref).flatMap(Optional::stream).toList());
    }

    /** Why {@code object} cannot be judged as a {@code kind} (a JSON object whose kind, if given, is that), or null. */
    private static String notA(Kind kind, JsonNode object) {
        if (object == null || !object.isObject()) {
            return "request.object must be the " + kind.kind() + " as a JSON object";
        }
        if (!kind.kind().equals(object.path("kind").asText(kind.kind()))) {
            String article = "AEIOU".indexOf(kind.kind().charAt(0)) >= 0 ? "an " : "a ";
            return "request.object is a \"" + Texts.quotable(Texts.cut(object.path("kind").asText(), Texts.MAX_QUOTED)) + "\", not "
                    + article + kind.kind();
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
