package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.isvcpolicy.cluster.SlimObjects;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.rules.RuleCases;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the scan says of a stored object (RULES.md §8): the same as {@code /validate} after {@code /mutate} when
 * KServe next writes it unchanged. Its context is what runs ({@code status.deploymentMode} first), and what it
 * already broke is reported as it is, not lowered to {@code pre-existing:}.
 */
class ScanJudgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cluster says Standard by default; the objects were created when it said Serverless. */
    private static final ClusterState STANDARD_BY_DEFAULT = new ClusterState() {
        @Override
        public Optional<DeploymentMode> defaultMode() {
            return Optional.of(DeploymentMode.STANDARD);
        }

        @Override
        public dev.isvcpolicy.policy.ClusterView scaledObjectsIn(String namespace) {
            return ClusterState.NONE.scaledObjectsIn(namespace);
        }

        @Override
        public InferenceServices inferenceServicesIn(String namespace) {
            return ClusterState.NONE.inferenceServicesIn(namespace);
        }
    };

    private static GenericKubernetesResource stored(String yaml) throws Exception {
        return SlimObjects.inferenceService(JSON.treeToValue(RuleCases.YAML.readTree(yaml), GenericKubernetesResource.class));
    }

    private static List<String> results(GenericKubernetesResource object) {
        return results(object, Scanner.forScan(new Decider(new PolicyEngine(PolicySettings.defaults()))));
    }

    private static List<String> results(GenericKubernetesResource object, Decider decider) {
        var scanned = Scanner.judge(Map.of(Kind.INFERENCE_SERVICE, List.of(object)), decider, STANDARD_BY_DEFAULT);
        return scanned.get(0).decision().findings().stream().filter(f -> Reports.result(f) != null)
                .map(f -> f.ruleId() + ":" + Reports.result(f)).sorted().toList();
    }

    /** One object the webhook fails on is left out; the others of the scan are still judged (their reports still written). */
    @Test
    void anObjectThatCannotBeJudgedDoesNotStopTheOthers() throws Exception {
        ClusterState failsInBoom = new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return Optional.of(DeploymentMode.STANDARD);
            }

            @Override
            public dev.isvcpolicy.policy.ClusterView scaledObjectsIn(String namespace) {
                if ("boom".equals(namespace)) {
                    throw new IllegalStateException("cache broken");
                }
                return ClusterState.NONE.scaledObjectsIn(namespace);
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                return ClusterState.NONE.inferenceServicesIn(namespace);
            }
        };
        String isvc = """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: NS, uid: u1, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, scaleMetric: cpu, model: {modelFormat: {name: sklearn}}}}
                """;
        var scanned = Scanner.judge(Map.of(Kind.INFERENCE_SERVICE, List.of(stored(isvc.replace("NS", "a")), stored(isvc.replace("NS", "boom")),
                stored(isvc.replace("NS", "b")))), Scanner.forScan(new Decider(new PolicyEngine(PolicySettings.defaults()))), failsInBoom);
        assertEquals(List.of("a", "b"), scanned.stream().map(Reports.Scanned::namespace).sorted().toList());
    }

    @Test
    void anObjectRunningInKnativeModeIsJudgedInKnativeMode() throws Exception {
        GenericKubernetesResource knative = stored("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: a, uid: u1, resourceVersion: "7"}
                spec:
                  predictor: {minReplicas: 0, maxReplicas: 3, scaleMetric: concurrency, scaleTarget: 5, model: {modelFormat: {name: sklearn}}}
                status: {deploymentMode: Serverless}
                """);
        assertEquals(List.of(), results(knative), "scale to zero on concurrency is right for Knative's KPA");

        GenericKubernetesResource sameWithoutStatus = stored("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: a, uid: u1, resourceVersion: "7"}
                spec:
                  predictor: {minReplicas: 0, maxReplicas: 3, scaleMetric: concurrency, scaleTarget: 5, model: {modelFormat: {name: sklearn}}}
                """);
        assertEquals(List.of("scale-metric:fail", "scale-to-zero:fail"), results(sameWithoutStatus),
                "without a status the cluster's default (Standard, KServe's HPA) decides");
    }

    @Test
    void whatItAlreadyBreaksIsAFailNotAPreExistingWarning() throws Exception {
        GenericKubernetesResource standard = stored("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: a, uid: u1, resourceVersion: "7"}
                spec:
                  predictor: {minReplicas: 0, maxReplicas: 3, scaleMetric: cpu, model: {modelFormat: {name: sklearn}}}
                status: {deploymentMode: RawDeployment}
                """);
        assertEquals(List.of("scale-to-zero:fail"), results(standard));
        assertEquals(List.of("scale-to-zero:warn"), results(standard, new Decider(new PolicyEngine(PolicySettings.defaults()))),
                "the request path's decider lowers it: the scan must not use it");
    }

    /** {@link #STANDARD_BY_DEFAULT}, with these InferenceGraphs in the graph cache. */
    private static ClusterState standardByDefaultWith(List<GenericKubernetesResource> graphs) {
        return new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return STANDARD_BY_DEFAULT.defaultMode();
            }

            @Override
            public dev.isvcpolicy.policy.ClusterView scaledObjectsIn(String namespace) {
                return STANDARD_BY_DEFAULT.scaledObjectsIn(namespace);
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                return STANDARD_BY_DEFAULT.inferenceServicesIn(namespace);
            }

            @Override
            public Stored storedIn(Kind kind, String namespace) {
                return kind == Kind.INFERENCE_GRAPH
                        ? Stored.ready(graphs.stream().map(g -> (com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(g)).toList())
                        : Stored.OFF;
            }
        };
    }

    private static GenericKubernetesResource full(String yaml) throws Exception {
        return JSON.treeToValue(RuleCases.YAML.readTree(yaml), GenericKubernetesResource.class);
    }

    private static List<String> results(Kind kind, GenericKubernetesResource object, ClusterState cluster) {
        var scanned = Scanner.judge(Map.of(kind, List.of(object)), Scanner.forScan(new Decider(new PolicyEngine(PolicySettings.defaults()))),
                cluster);
        return scanned.get(0).decision().findings().stream().filter(f -> Reports.result(f) != null)
                .map(f -> f.ruleId() + ":" + Reports.result(f)).sorted().toList();
    }

    /** An InferenceGraph's mode is its {@code status.deploymentMode} first too: the graph cache must keep it. */
    @Test
    void aGraphRunningInKnativeModeIsJudgedInKnativeModeAsTheCacheHoldsIt() throws Exception {
        String yaml = """
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, namespace: a, uid: u2, resourceVersion: "8"}
                spec:
                  minReplicas: 0
                  maxReplicas: 3
                  scaleMetric: concurrency
                  nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}
                status: {deploymentMode: Serverless, url: http://g.a.example.com}
                """;
        assertEquals(List.of(), results(Kind.INFERENCE_GRAPH, full(yaml), STANDARD_BY_DEFAULT), "judged whole: Knative's KPA");
        assertEquals(List.of(), results(Kind.INFERENCE_GRAPH, SlimObjects.kserveKind(full(yaml)), STANDARD_BY_DEFAULT),
                "as the cache holds it: the same");
        assertEquals(List.of("scale-metric:fail", "scale-to-zero:fail"),
                results(Kind.INFERENCE_GRAPH, SlimObjects.kserveKind(full(yaml.replace("deploymentMode: Serverless, ", ""))), STANDARD_BY_DEFAULT),
                "without a status the cluster's default (Standard, KServe's HPA) decides");
    }

    /**
     * A ScaledObject is judged against the stored graphs in their own mode: a graph running in Knative mode is scaled by KPA
     * whatever its {@code serving.kserve.io/autoscalerClass} says (that class is read in Standard mode only).
     */
    @Test
    void aScaledObjectIsJudgedAgainstAStoredGraphInTheGraphsMode() throws Exception {
        GenericKubernetesResource graph = SlimObjects.kserveKind(full("""
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, namespace: a, uid: u2, resourceVersion: "8", annotations: {serving.kserve.io/autoscalerClass: external}}
                spec:
                  nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}
                status: {deploymentMode: Serverless}
                """));
        GenericKubernetesResource scaledObject = SlimObjects.scaledObject(full("""
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: so, namespace: a, uid: u3, resourceVersion: "9"}
                spec:
                  scaleTargetRef: {name: g-00001-deployment}
                  triggers: [{type: cpu, metricType: Utilization, metadata: {value: "60"}}]
                """));
        assertEquals(List.of("autoscaler-conflict:fail"), results(Kind.SCALED_OBJECT, scaledObject, standardByDefaultWith(List.of(graph))),
                "Knative's KPA scales the graph's revision Deployment");
    }
}
