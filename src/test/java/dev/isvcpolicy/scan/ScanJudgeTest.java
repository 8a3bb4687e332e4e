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

    @Test
    void anObjectRunningInKnativeModeIsJudgedInKnativeMode() throws Exception {
        GenericKubernetesResource knative = stored("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: a, uid: u1, resourceVersion: "7"}
                spec:
                  predictor: {minReplicas: 0, scaleMetric: concurrency, scaleTarget: 5, model: {modelFormat: {name: sklearn}}}
                status: {deploymentMode: Serverless}
                """);
        assertEquals(List.of(), results(knative), "scale to zero on concurrency is right for Knative's KPA");

        GenericKubernetesResource sameWithoutStatus = stored("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: a, uid: u1, resourceVersion: "7"}
                spec:
                  predictor: {minReplicas: 0, scaleMetric: concurrency, scaleTarget: 5, model: {modelFormat: {name: sklearn}}}
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
                  predictor: {minReplicas: 0, scaleMetric: cpu, model: {modelFormat: {name: sklearn}}}
                status: {deploymentMode: RawDeployment}
                """);
        assertEquals(List.of("scale-to-zero:fail"), results(standard));
        assertEquals(List.of("scale-to-zero:warn"), results(standard, new Decider(new PolicyEngine(PolicySettings.defaults()))),
                "the request path's decider lowers it: the scan must not use it");
    }
}
