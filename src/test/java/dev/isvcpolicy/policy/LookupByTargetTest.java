package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.rules.RuleCases;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * RULES.md §8: a ScaledObject and an HTTPScaledObject are judged against the InferenceServices that could own their
 * target, looked up by its name ({@link ClusterState#inferenceServicesFor}), never against the whole namespace: its cost
 * must not grow with the namespace.
 */
class LookupByTargetTest {

    @Test
    void anHttpScaledObjectLooksUpItsTargetsOwnersOnly() throws Exception {
        ObjectNode owner = (ObjectNode) RuleCases.YAML.readTree("""
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: m, namespace: default, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec: {predictor: {minReplicas: 1, scaleMetric: cpu, model: {modelFormat: {name: sklearn}}}}
                """);
        List<Optional<String>> asked = new java.util.ArrayList<>();
        ClusterState byTargetOnly = new ClusterState() {
            @Override
            public Optional<DeploymentMode> defaultMode() {
                return Optional.of(DeploymentMode.STANDARD);
            }

            @Override
            public ClusterView scaledObjectsIn(String namespace) {
                return ClusterState.NONE.scaledObjectsIn(namespace);
            }

            @Override
            public InferenceServices inferenceServicesIn(String namespace) {
                throw new AssertionError("the whole namespace was read");
            }

            @Override
            public InferenceServices inferenceServicesFor(String namespace, Optional<String> targetDeployment) {
                asked.add(targetDeployment);
                return new InferenceServices(ClusterView.Lookup.READY, "", List.of(owner));
            }
        };
        ObjectNode hso = (ObjectNode) RuleCases.YAML.readTree("""
                apiVersion: http.keda.sh/v1alpha1
                kind: HTTPScaledObject
                metadata: {name: web, namespace: default}
                spec: {scaleTargetRef: {name: m-predictor, service: m-predictor, port: 80}, replicas: {min: 0, max: 3}}
                """);
        Decision d = new Decider(new PolicyEngine(PolicySettings.defaults())).decide(new Decider.Input(Stage.VALIDATE,
                Kind.HTTP_SCALED_OBJECT.group(), Kind.HTTP_SCALED_OBJECT.kind(), "CREATE", "default", "web", hso, null), byTargetOnly);
        assertEquals(List.of(Optional.of("m-predictor")), asked);
        assertTrue(d.findings().stream().anyMatch(f -> f.ruleId().equals("autoscaler-conflict")), d.findings().toString());
    }
}
