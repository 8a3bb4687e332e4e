package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Annotations;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.KServeWorkloads;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.ObjectReview;
import dev.isvcpolicy.policy.ObjectValidation;
import dev.isvcpolicy.policy.Review;
import dev.isvcpolicy.policy.ScaledObjects;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code autoscaler-conflict} for the kinds of RULES.md §1 v2. A user's ScaledObject, or an HTTPScaledObject (judged as the
 * ScaledObject its operator makes), is refused on the Deployment of an InferenceGraph that KServe or Knative scales, and on
 * any workload of an LLMInferenceService ({@code <name>-kserve}, {@code -kserve-prefill}, {@code -kserve-mn},
 * {@code -kserve-mn-prefill}: KServe pins or scales their replicas itself, so the fix is always {@code spec.scaling}); an
 * LLMInferenceService is refused while a user's ScaledObject or HTTPScaledObject already targets one of its workloads. A
 * ScaledObject controlled by an InferenceService, InferenceGraph or LLMInferenceService is KServe's own and never judged.
 * The InferenceGraph's own side (a graph against the ScaledObjects) is {@link AutoscalerConflictRule}, which judges the graph
 * as a component.
 */
public final class KServeKindsConflictRule implements ObjectValidation {

    @Override
    public String id() {
        return AutoscalerConflictRule.ID;
    }

    @Override
    public String doc() {
        return "a ScaledObject or HTTPScaledObject on the workload of an InferenceGraph or LLMInferenceService that KServe already scales is refused, and the other way round";
    }

    @Override
    public String why() {
        return "KServe scales an InferenceGraph like a component and pins or scales an LLMInferenceService's workloads from spec.scaling; a second autoscaler on them makes the replica count swing.";
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.SCALED_OBJECT, Kind.HTTP_SCALED_OBJECT, Kind.LLM_INFERENCE_SERVICE);
    }

    @Override
    public void validate(ObjectReview r, Findings f) {
        if (beingDeleted(r.object())) {
            return;
        }
        if (r.kind() == Kind.LLM_INFERENCE_SERVICE) {
            llmService(r, f);
        } else {
            scaler(r, f);
        }
    }

    /** A ScaledObject or HTTPScaledObject against the namespace's graphs and LLMInferenceServices. */
    private static void scaler(ObjectReview r, Findings f) {
        Optional<ScaledObjects.Owner> owner = r.kind() == Kind.SCALED_OBJECT ? ScaledObjects.isvcOwner(r.object()) : Optional.empty();
        if (r.kind() == Kind.HTTP_SCALED_OBJECT && KServeWorkloads.skipsScaledObject(r.object())) {
            return;
        }
        Optional<KServeWorkloads.Target> target = KServeWorkloads.target(r.object());
        if (target.isEmpty()) {
            return;
        }
        String what = r.kind() == Kind.HTTP_SCALED_OBJECT ? "the ScaledObject this HTTPScaledObject makes" : "this ScaledObject";
        List<String> unreadable = new ArrayList<>();
        if (r.graphLookup().lookup() == ClusterView.Lookup.UNAVAILABLE) {
            unreadable.add("InferenceGraphs (" + r.graphLookup().detail() + ")");
        }
        if (r.llmServices().lookup() == ClusterView.Lookup.UNAVAILABLE) {
            unreadable.add("LLMInferenceServices (" + r.llmServices().detail() + ")");
        }
        if (!unreadable.isEmpty()) {
            f.add(r.settings().clusterUnavailableAction(), ScaledObjects.TARGET_NAME, target.get() + " could not be checked against the "
                    + String.join(" and ", unreadable) + " of namespace \"" + r.namespace()
                    + "\": the cluster-side autoscaler-conflict check was skipped for them");
        }
        if (r.graphLookup().lookup() == ClusterView.Lookup.READY && "Deployment".equals(target.get().kind())) {
            for (Review graph : r.graphs()) {
                if (ScaledObjects.madeFor(owner, "InferenceGraph", graph.name(), ScaledObjects.uid(graph.object()))) {
                    continue; // KServe's own, for this graph
                }
                for (Component c : graph.components()) {
                    if (c.autoscaler().ownsReplicas() && ScaledObjects.isWorkloadOf(target.get().name(), c.objectName())) {
                        f.deny(Finding.Type.FORBIDDEN, ScaledObjects.TARGET_NAME, target.get().name(), target.get()
                                + " is the workload of InferenceGraph \"" + graph.name() + "\", which "
                                + AutoscalerConflictRule.inCharge(c, graph) + " already scales: " + what
                                + " would fight it over the replicas. To scale it with KEDA, " + graphFix(graph)
                                + "; or use the graph's own minReplicas, maxReplicas, scaleMetric and scaleTarget");
                    }
                }
            }
        }
        if (r.llmServices().lookup() == ClusterView.Lookup.READY) {
            for (ObjectNode llm : r.llmServices().objects()) {
                String name = KServeWorkloads.name(llm);
                Optional<String> workload = KServeWorkloads.llmWorkload(target.get(), name);
                if (workload.isPresent() && !ScaledObjects.madeFor(owner, "LLMInferenceService", name, ScaledObjects.uid(llm))) {
                    f.deny(Finding.Type.FORBIDDEN, ScaledObjects.TARGET_NAME, target.get().name(), target.get()
                            + " is a workload of LLMInferenceService \"" + name + "\", whose replicas KServe sets from "
                            + scalingPath(workload.get()) + ": " + what + " would fight it over them. Scale it through "
                            + scalingPath(workload.get()) + " (minReplicas, maxReplicas, and keda.triggers for KEDA) instead");
                }
            }
        }
    }

    /** An LLMInferenceService against the namespace's user-made ScaledObjects and HTTPScaledObjects. */
    private static void llmService(ObjectReview r, Findings f) {
        String name = r.name();
        if (name.isEmpty() || name.endsWith("*")) {
            return;
        }
        Set<String> httpNames = new HashSet<>();
        List<String> unreadable = new ArrayList<>();
        if (r.scaledObjects().lookup() == ClusterView.Lookup.UNAVAILABLE) {
            unreadable.add("ScaledObjects (" + r.scaledObjects().detail() + ")");
        }
        if (r.httpScaledObjects().lookup() == ClusterView.Lookup.UNAVAILABLE) {
            unreadable.add("HTTPScaledObjects (" + r.httpScaledObjects().detail() + ")");
        }
        if (!unreadable.isEmpty()) {
            f.add(r.settings().clusterUnavailableAction(), AutoscalerConflictRule.NAMESPACE, "the " + String.join(" and ", unreadable)
                    + " of namespace \"" + r.namespace() + "\" could not be checked against this LLMInferenceService: the cluster-side "
                    + "autoscaler-conflict check was skipped for them");
        }
        if (r.httpScaledObjects().lookup() == ClusterView.Lookup.READY) {
            for (ObjectNode hso : r.httpScaledObjects().objects()) {
                httpNames.add(KServeWorkloads.name(hso));
                if (KServeWorkloads.skipsScaledObject(hso) || beingDeleted(hso)) {
                    continue;
                }
                KServeWorkloads.target(hso).ifPresent(t -> KServeWorkloads.llmWorkload(t, name).ifPresent(w ->
                        deny(f, w, t, "HTTPScaledObject \"" + KServeWorkloads.name(hso) + "\" (through the ScaledObject it makes)")));
            }
        }
        if (r.scaledObjects().lookup() == ClusterView.Lookup.READY) {
            for (ObjectNode so : r.scaledObjects().objects()) {
                if (ScaledObjects.madeFor(ScaledObjects.isvcOwner(so), "LLMInferenceService", name, ScaledObjects.uid(r.object()))
                        || beingDeleted(so)) {
                    continue;
                }
                // The ScaledObject of an HTTPScaledObject judged above is not reported twice.
                Optional<String> http = KServeWorkloads.controller(so, "http.keda.sh", Set.of("HTTPScaledObject"));
                if (http.isPresent() && httpNames.contains(http.get().substring(http.get().indexOf('/') + 1))) {
                    continue;
                }
                KServeWorkloads.target(so).ifPresent(t -> KServeWorkloads.llmWorkload(t, name).ifPresent(w ->
                        deny(f, w, t, "ScaledObject \"" + KServeWorkloads.name(so) + "\"")));
            }
        }
    }

    private static void deny(Findings f, String workload, KServeWorkloads.Target target, String who) {
        FieldPath at = workload.contains("prefill") ? FieldPath.of("spec", "prefill", "scaling") : FieldPath.of("spec", "scaling");
        f.deny(Finding.Type.FORBIDDEN, at, null, who + " already scales " + target + ", a workload of this LLMInferenceService, "
                + "whose replicas KServe sets from " + at + ": two autoscalers would fight over them. Delete it and scale through "
                + at + " (minReplicas, maxReplicas, and keda.triggers for KEDA) instead");
    }

    private static String scalingPath(String workloadSuffix) {
        return workloadSuffix.contains("prefill") ? "spec.prefill.scaling" : "spec.scaling";
    }

    private static String graphFix(Review graph) {
        return graph.mode() == DeploymentMode.STANDARD
                ? "set " + Annotations.AUTOSCALER_CLASS + ": external on InferenceGraph \"" + graph.name() + "\" (Standard mode)"
                : "run InferenceGraph \"" + graph.name() + "\" in Standard mode with " + Annotations.AUTOSCALER_CLASS + ": external";
    }

    private static boolean beingDeleted(ObjectNode object) {
        return Json.object(object, "metadata").map(m -> Json.has(m, "deletionTimestamp")).orElse(false);
    }

}
