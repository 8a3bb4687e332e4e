package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.ClusterView;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.ScaledObjects;
import dev.isvcpolicy.policy.rules.RuleCases;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the caches keep ({@link SlimObjects}) and how they are looked up (indexes, candidate names) must
 * judge exactly as the whole objects and the whole namespace did: every autoscaler-conflict case is run
 * again with its cluster objects cut as the caches cut them, fattened first with what a real API server
 * adds, and looked up as the webhook looks them up.
 */
class SlimObjectsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an API server adds to a stored object, none of which the rules read. */
    private static ObjectNode fatten(JsonNode object, String kind) {
        ObjectNode o = object.deepCopy();
        o.put("apiVersion", kind.equals("ScaledObject") ? "keda.sh/v1alpha1" : "serving.kserve.io/v1beta1").put("kind", kind);
        ObjectNode meta = o.with("metadata");
        if (!meta.has("namespace")) {
            meta.put("namespace", "default");
        }
        meta.put("resourceVersion", "12345").put("generation", 3).put("creationTimestamp", "2026-11-30T10:00:00Z");
        if (!meta.has("uid")) {
            meta.put("uid", "6f0c2b1e-0000-4000-8000-" + String.format("%012d", Math.abs(meta.path("name").asText().hashCode())));
        }
        meta.with("annotations").put("kubectl.kubernetes.io/last-applied-configuration", o.toString());
        meta.with("labels").put("app", "demo");
        meta.putArray("managedFields").addObject().put("manager", "kubectl").put("operation", "Update")
                .putObject("fieldsV1").putObject("f:spec").putObject("f:predictor").putObject("f:minReplicas");
        meta.putArray("finalizers").add("inferenceservice.finalizers");
        ObjectNode status = o.with("status");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
        status.put("url", "http://m.default.example.com");
        return o;
    }

    private static ObjectNode slim(JsonNode object, String kind) throws Exception {
        GenericKubernetesResource full = JSON.treeToValue(fatten(object, kind), GenericKubernetesResource.class);
        GenericKubernetesResource slim = kind.equals("ScaledObject") ? SlimObjects.scaledObject(full) : SlimObjects.inferenceService(full);
        return JSON.valueToTree(slim);
    }

    @Test
    void scaledObjectCasesJudgeAlikeWithSlimInferenceServicesLookedUpByCandidateName() throws Exception {
        int cases = 0;
        int denied = 0;
        for (RuleCases.Case c : RuleCases.load("autoscaler-conflict").toList()) {
            if (!c.node().has("scaledObject")) {
                continue;
            }
            ObjectNode node = c.node().deepCopy();
            Optional<String> target = ScaledObjects.targetDeployment(node.get("scaledObject"));
            Set<String> candidates = target.map(ScaledObjects::ownerNameCandidates).orElse(Set.of());
            ArrayNode kept = JSON.createArrayNode();
            for (JsonNode isvc : node.path("inferenceServices")) {
                if (candidates.contains(isvc.path("metadata").path("name").asText())) {
                    kept.add(slim(isvc, "InferenceService"));
                }
            }
            node.set("inferenceServices", kept);
            RuleCases.verify(new RuleCases.Case(c.ruleId(), c.name() + " (slim, by candidate name)", node));
            cases++;
            denied += c.node().path("expect").toString().contains("\"deny\"") ? 1 : 0;
        }
        assertTrue(cases >= 10, "autoscaler-conflict has ScaledObject cases: " + cases);
        assertTrue(denied >= 3, "some of them are denials, so losing a field would show: " + denied);
    }

    @Test
    void inferenceServiceCasesJudgeAlikeWithSlimScaledObjectsThroughAnIndex() throws Exception {
        int compared = 0;
        int withClusterDenial = 0;
        for (RuleCases.Case c : RuleCases.load("autoscaler-conflict").toList()) {
            JsonNode cluster = c.node().path("cluster");
            if (!c.node().has("object") || cluster.path("scaledObjects").isEmpty()) {
                continue;
            }
            ClusterView listed = RuleCases.cluster(cluster);
            Map<String, List<ClusterView.ScaledObjectRef>> index = new HashMap<>();
            for (JsonNode so : cluster.path("scaledObjects")) {
                ObjectNode slim = slim(so, "ScaledObject");
                GenericKubernetesResource stored = JSON.treeToValue(slim, GenericKubernetesResource.class);
                Optional<ClusterView.ScaledObjectRef> ref = ScaledObjects.ref(slim);
                for (String key : WorkloadCaches.workloadKeys(stored)) {
                    ref.ifPresent(r -> index.computeIfAbsent(key, k -> new ArrayList<>()).add(r));
                }
            }
            String namespace = "default";
            ClusterView indexed = listed.lookup() == ClusterView.Lookup.READY
                    ? ClusterView.indexed(name -> index.getOrDefault(WorkloadCaches.key(namespace, name), List.of()))
                    : listed;
            PolicyEngine engine = new PolicyEngine(RuleCases.settings(c.node().path("settings")));
            ObjectNode object = (ObjectNode) c.node().get("object");
            Operation op = Operation.valueOf(c.node().path("operation").asText("CREATE").toUpperCase(Locale.ROOT));
            List<Finding> a = engine.validate(new PolicyEngine.Input(op, object.deepCopy(), c.node().get("oldObject"), namespace,
                    Optional.empty(), listed)).findings();
            List<Finding> b = engine.validate(new PolicyEngine.Input(op, object.deepCopy(), c.node().get("oldObject"), namespace,
                    Optional.empty(), indexed)).findings();
            assertEquals(a.toString(), b.toString(), c.name());
            compared++;
            withClusterDenial += a.stream().anyMatch(f -> f.message().contains("already scales Deployment")) ? 1 : 0;
        }
        assertTrue(compared >= 5, "autoscaler-conflict has cases with cluster ScaledObjects: " + compared);
        assertTrue(withClusterDenial >= 2, "some are cluster-side denials, so a lost ScaledObject would show: " + withClusterDenial);
    }

    @Test
    void whatIsKeptOfAnInferenceService() throws Exception {
        JsonNode isvc = RuleCases.YAML.readTree("""
                metadata:
                  name: m
                  annotations: {serving.kserve.io/deploymentMode: Standard, example.com/owner: team-a,
                    kubectl.kubernetes.io/last-applied-configuration: '{"big": "copy"}'}
                spec:
                  predictor:
                    minReplicas: 1
                    annotations: {serving.kserve.io/autoscalerClass: keda, prometheus.io/scrape: "true"}
                    model: {modelFormat: {name: sklearn}, storageUri: gs://bucket/model, resources: {limits: {nvidia.com/gpu: 1}}}
                    volumes: [{name: cache, emptyDir: {}}]
                    workerSpec: {pipelineParallelSize: 2, containers: [{name: w, image: example.com/w, env: [{name: A, value: b}]}]}
                  transformer: {containers: [{name: t, image: example.com/t, args: ["--x"]}]}
                  canary: [{predictor: {name: v2, model: {modelFormat: {name: sklearn}}}}]
                status: {deploymentMode: Standard, url: http://m.example.com}
                """);
        ObjectNode slim = slim(isvc, "InferenceService");
        // What a rule may read stays (every annotation but kubectl's copy, replica fields, container resources,
        // worker parallelism); what none reads goes (images, args, env, storage, volumes, status beyond the mode).
        assertEquals(JSON.readTree("""
                {"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",
                 "metadata":{"annotations":{"serving.kserve.io/deploymentMode":"Standard","example.com/owner":"team-a"},"name":"m",
                   "namespace":"default","resourceVersion":"12345","uid":"%s"},
                 "spec":{"predictor":{"minReplicas":1,"annotations":{"serving.kserve.io/autoscalerClass":"keda","prometheus.io/scrape":"true"},
                     "model":{"resources":{"limits":{"nvidia.com/gpu":1}}},
                     "workerSpec":{"pipelineParallelSize":2,"containers":[{"name":"w"}]}},
                   "transformer":{"containers":[{"name":"t"}]},
                   "canary":[{"predictor":{"name":"v2","model":{}}}]},
                 "status":{"deploymentMode":"Standard"}}
                """.formatted(slim.path("metadata").path("uid").asText())), slim);
        assertFalse(slim.path("metadata").path("uid").asText().isEmpty());
    }

    /**
     * What is kept is held compactly: nested maps (a container's resources) immutable, not the LinkedHashMaps
     * JSON was read into, and short strings such as quantities held once for every object; JSON nulls survive.
     */
    @Test
    void keptValuesAreImmutableSharedAndMayBeNull() throws Exception {
        String yaml = """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: %s, namespace: ns}
                spec:
                  predictor:
                    minReplicas: null
                    scaleMetric: cpu
                    model: {name: kserve-container, resources: {requests: {cpu: "1", memory: 2Gi}, limits: null}}
                """;
        GenericKubernetesResource a = SlimObjects.inferenceService(JSON.treeToValue(RuleCases.YAML.readTree(yaml.formatted("a")),
                GenericKubernetesResource.class));
        GenericKubernetesResource b = SlimObjects.inferenceService(JSON.treeToValue(RuleCases.YAML.readTree(yaml.formatted("b")),
                GenericKubernetesResource.class));
        Map<?, ?> resourcesA = resources(a);
        Map<?, ?> requestsA = (Map<?, ?>) resourcesA.get("requests");
        Map<?, ?> requestsB = (Map<?, ?>) resources(b).get("requests");
        assertTrue(requestsA.get("memory") == requestsB.get("memory"), "a quantity is held once for every object");
        assertTrue(component(a).get("scaleMetric") == component(b).get("scaleMetric"), "a short string is held once");
        assertFalse(requestsA instanceof java.util.LinkedHashMap, "nested maps are compacted: " + requestsA.getClass());
        assertThrowsUnsupported(() -> ((Map<String, Object>) requestsA).put("cpu", "2"));
        assertTrue(resourcesA.containsKey("limits") && resourcesA.get("limits") == null, "a JSON null is kept: " + resourcesA);
        assertTrue(component(a).containsKey("minReplicas") && component(a).get("minReplicas") == null);
        assertEquals(JSON.readTree("""
                {"predictor":{"minReplicas":null,"scaleMetric":"cpu",
                  "model":{"name":"kserve-container","resources":{"requests":{"cpu":"1","memory":"2Gi"},"limits":null}}}}
                """), JSON.valueToTree(a).path("spec"));
    }

    private static Map<?, ?> component(GenericKubernetesResource isvc) {
        return (Map<?, ?>) ((Map<?, ?>) isvc.getAdditionalProperties().get("spec")).get("predictor");
    }

    private static Map<?, ?> resources(GenericKubernetesResource isvc) {
        return (Map<?, ?>) ((Map<?, ?>) component(isvc).get("model")).get("resources");
    }

    private static void assertThrowsUnsupported(Runnable r) {
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, r::run);
    }

    @Test
    void whatIsKeptOfAScaledObject() throws Exception {
        JsonNode so = RuleCases.YAML.readTree("""
                metadata:
                  name: so
                  ownerReferences:
                    - {apiVersion: serving.kserve.io/v1beta1, kind: InferenceService, name: m, uid: u1}
                    - {apiVersion: apps/v1, kind: Deployment, name: d, uid: u2}
                    - {apiVersion: http.keda.sh/v1alpha1, kind: HTTPScaledObject, name: h, uid: u3, controller: true}
                spec:
                  scaleTargetRef: {name: m-predictor, kind: Deployment, apiVersion: apps/v1, envSourceContainerName: c}
                  triggers: [{type: cpu, metadata: {value: "50"}}]
                  minReplicaCount: 1
                """);
        ObjectNode slim = slim(so, "ScaledObject");
        assertEquals(JSON.readTree("""
                {"apiVersion":"keda.sh/v1alpha1","kind":"ScaledObject",
                 "metadata":{"name":"so","namespace":"default","ownerReferences":[
                   {"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService","name":"m","uid":"u1"},
                   {"apiVersion":"http.keda.sh/v1alpha1","kind":"HTTPScaledObject","name":"h","uid":"u3","controller":true}],
                   "resourceVersion":"12345","uid":"%s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"m-predictor"}}}
                """.formatted(slim.path("metadata").path("uid").asText())), slim);
        GenericKubernetesResource stored = JSON.treeToValue(slim, GenericKubernetesResource.class);
        assertEquals(List.of("default/m-predictor"), WorkloadCaches.workloadKeys(stored));
    }

    /**
     * The v2 kinds keep their whole spec (their rules read their own shapes) and a graph's {@code status.deploymentMode},
     * and lose what the API server adds.
     */
    @Test
    void whatIsKeptOfTheKServeKinds() throws Exception {
        JsonNode llm = RuleCases.YAML.readTree("""
                metadata:
                  name: llm
                  deletionTimestamp: "2026-11-30T11:00:00Z"
                  annotations: {serving.kserve.io/autoscalerClass: keda}
                  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: u3}]
                spec:
                  model: {uri: "hf://m"}
                  scaling: {keda: {triggers: [{type: prometheus, metadata: {query: "sum(x)", threshold: "5"}}]}, minReplicas: null}
                """);
        ObjectNode fat = fatten(llm, "LLMInferenceService");
        fat.put("apiVersion", "serving.kserve.io/v1alpha1");
        ObjectNode slim = JSON.valueToTree(SlimObjects.kserveKind(JSON.treeToValue(fat, GenericKubernetesResource.class)));
        assertEquals(llm.get("spec"), slim.get("spec"), "spec kept whole, JSON nulls too");
        assertFalse(slim.has("status"));
        assertFalse(slim.path("metadata").has("managedFields"));
        assertFalse(slim.path("metadata").has("labels"));
        assertEquals(JSON.readTree("{\"serving.kserve.io/autoscalerClass\":\"keda\"}"), slim.path("metadata").get("annotations"),
                "the last-applied annotation is dropped");
        assertEquals("2026-11-30T11:00:00Z", slim.path("metadata").path("deletionTimestamp").asText(), "rules skip objects being deleted");
        assertEquals("c", slim.path("metadata").path("ownerReferences").path(0).path("name").asText());

        JsonNode graph = RuleCases.YAML.readTree("""
                metadata: {name: g}
                spec: {minReplicas: 0, scaleMetric: concurrency, nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}}
                status: {deploymentMode: Serverless}
                """);
        ObjectNode fatGraph = fatten(graph, "InferenceGraph");
        fatGraph.put("apiVersion", "serving.kserve.io/v1alpha1");
        ObjectNode slimGraph = JSON.valueToTree(SlimObjects.kserveKind(JSON.treeToValue(fatGraph, GenericKubernetesResource.class)));
        assertEquals(graph.get("spec"), slimGraph.get("spec"));
        assertEquals(JSON.readTree("{\"deploymentMode\":\"Serverless\"}"), slimGraph.get("status"),
                "a graph's mode is its status.deploymentMode first (RULES.md §2): only that is kept of its status");

        JsonNode deleting = RuleCases.YAML.readTree("""
                metadata: {name: so, deletionTimestamp: "2026-11-30T11:00:00Z"}
                spec: {scaleTargetRef: {name: m-predictor}}
                """);
        assertEquals("2026-11-30T11:00:00Z", slim(deleting, "ScaledObject").path("metadata").path("deletionTimestamp").asText(),
                "a ScaledObject being deleted is not a conflict");
    }

    /** No input grows what is held across objects: long values are not shared, and the shared strings are capped. */
    @Test
    void everNewAnnotationValuesDoNotAccumulate() throws Exception {
        int before = SlimObjects.sharedCount();
        for (int i = 0; i < 2_000; i++) {
            JsonNode isvc = RuleCases.YAML.readTree("""
                    metadata: {name: m, annotations: {serving.kserve.io/autoscalerClass: hpa, team.example.com/note: "%s"}}
                    spec: {predictor: {annotations: {team.example.com/build: "%s"}, model: {modelFormat: {name: sklearn}}}}
                    """.formatted("x".repeat(100) + i, "y".repeat(65) + i));
            slim(isvc, "InferenceService");
        }
        assertTrue(SlimObjects.sharedCount() - before < 10, "long values are not held: " + (SlimObjects.sharedCount() - before));
        java.util.Map<String, String> pool = new java.util.HashMap<>();
        for (int i = 0; i < 150; i++) {
            SlimObjects.shared(pool, 100, "v" + i);
        }
        assertEquals(100, pool.size(), "capped");
        String fresh = new String("v7");
        assertTrue(SlimObjects.shared(pool, 100, fresh) != fresh, "a held string is shared");
    }

    @Test
    void revisionDeploymentsAreIndexedUnderTheirComponentToo() {
        assertEquals(List.of("m-predictor-00003-deployment", "m-predictor"), ScaledObjects.workloadsOf("m-predictor-00003-deployment"));
        assertEquals(List.of("m-predictor"), ScaledObjects.workloadsOf("m-predictor"));
        assertEquals(Set.of("m", "m-predictor", "m-predictor-00003", "a", "a-b"),
                Set.copyOf(Set.of(ScaledObjects.ownerNameCandidates("m-predictor-00003-deployment"),
                        ScaledObjects.ownerNameCandidates("a-b-transformer")).stream().flatMap(Set::stream).toList()));
    }
}
