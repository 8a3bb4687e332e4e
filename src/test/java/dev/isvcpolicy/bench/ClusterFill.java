package dev.isvcpolicy.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A mock API server (fabric8's, CRUD mode, plain HTTP) holding many InferenceServices and ScaledObjects,
 * for {@code bench/scale.sh}: the webhook's informers list them from it as from a real API server.
 *
 * <pre>java -cp ... dev.isvcpolicy.bench.ClusterFill PORT NAMESPACE ISVCS SCALEDOBJECTS [SPREAD_NAMESPACES]</pre>
 *
 * Puts {@code ISVCS} InferenceServices and {@code SCALEDOBJECTS} ScaledObjects in {@code NAMESPACE} (with
 * {@code SPREAD_NAMESPACES > 1}, spread round-robin over {@code NAMESPACE-0 .. NAMESPACE-(n-1)} instead),
 * each as an API server stores it: {@code managedFields}, a {@code last-applied-configuration} annotation,
 * status conditions and a full spec (about 4 KiB for an InferenceService). Every ScaledObject is KServe's own
 * (ownerReference to its InferenceService) and targets that InferenceService's predictor, so none conflicts
 * with the InferenceService the benchmark reviews. Prints {@code READY} when filled and serves until killed.
 */
public final class ClusterFill {

    static final ResourceDefinitionContext ISVC = new ResourceDefinitionContext.Builder().withGroup("serving.kserve.io")
            .withVersion("v1beta1").withKind("InferenceService").withPlural("inferenceservices").withNamespaced(true).build();
    static final ResourceDefinitionContext SO = new ResourceDefinitionContext.Builder().withGroup("keda.sh")
            .withVersion("v1alpha1").withKind("ScaledObject").withPlural("scaledobjects").withNamespaced(true).build();

    /** The mock server logs every request at INFO; held here so the setting is not collected away. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private ClusterFill() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String namespace = args[1];
        int isvcs = Integer.parseInt(args[2]);
        int sos = Integer.parseInt(args[3]);
        int spread = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        QUIET.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getByName("127.0.0.1"), port);
        KubernetesClient client = server.createClient();
        client.apiextensions().v1().customResourceDefinitions().resource(crd("scaledobjects", "keda.sh", "v1alpha1", "ScaledObject")).create();
        client.apiextensions().v1().customResourceDefinitions().resource(crd("inferenceservices", "serving.kserve.io", "v1beta1", "InferenceService")).create();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(isvcs, sos); i++) {
            int n = i;
            String ns = spread > 1 ? namespace + "-" + (i % spread) : namespace;
            done.add(pool.submit(() -> {
                String uid = String.format("6f0c2b1e-0000-4000-8000-%012d", n);
                if (n < isvcs) {
                    client.genericKubernetesResources(ISVC).inNamespace(ns).resource(isvc(ns, n, uid)).create();
                }
                if (n < sos) {
                    client.genericKubernetesResources(SO).inNamespace(ns).resource(scaledObject(ns, n, uid)).create();
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("filled %d InferenceServices and %d ScaledObjects in %s%s in %.0f s%n", isvcs, sos, namespace,
                spread > 1 ? "-0.." + (spread - 1) : "", (System.nanoTime() - start) / 1e9);
        System.out.println("READY");
        Thread.currentThread().join();
    }

    static GenericKubernetesResource isvc(String ns, int n, String uid) {
        String name = String.format("model-%05d", n);
        Map<String, Object> spec = Map.of(
                "predictor", Map.of("minReplicas", 1, "maxReplicas", 4, "scaleMetric", "cpu", "scaleTarget", 70,
                        "annotations", Map.of("serving.kserve.io/autoscalerClass", "keda"),
                        "model", Map.of("modelFormat", Map.of("name", "sklearn"), "storageUri", "gs://example-bucket/models/" + name,
                                "resources", Map.of("requests", Map.of("cpu", "1", "memory", "2Gi"), "limits", Map.of("cpu", "2", "memory", "4Gi")),
                                "env", List.of(Map.of("name", "STORAGE_URI", "value", "gs://example-bucket/models/" + name)))));
        GenericKubernetesResource r = base(ISVC, ns, name, uid);
        r.getMetadata().setAnnotations(Map.of("serving.kserve.io/deploymentMode", "Standard",
                "kubectl.kubernetes.io/last-applied-configuration", "{\"apiVersion\":\"serving.kserve.io/v1beta1\",\"kind\":\"InferenceService\","
                        + "\"metadata\":{\"annotations\":{\"serving.kserve.io/deploymentMode\":\"Standard\"},\"name\":\"" + name
                        + "\",\"namespace\":\"" + ns + "\"},\"spec\":" + spec.toString().replace('=', ':') + "}"));
        r.getMetadata().setManagedFields(List.of(new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                .withManager("kubectl-client-side-apply").withOperation("Update").withApiVersion("serving.kserve.io/v1beta1")
                .withTime("2026-11-30T10:00:00Z").withFieldsType("FieldsV1")
                .withNewFieldsV1().addToAdditionalProperties("f:metadata", Map.of("f:annotations", Map.of(".", Map.of(),
                        "f:kubectl.kubernetes.io/last-applied-configuration", Map.of(), "f:serving.kserve.io/deploymentMode", Map.of())))
                .addToAdditionalProperties("f:spec", Map.of("f:predictor", Map.of(".", Map.of(), "f:minReplicas", Map.of(),
                        "f:maxReplicas", Map.of(), "f:model", Map.of(".", Map.of(), "f:modelFormat", Map.of("f:name", Map.of()),
                                "f:storageUri", Map.of(), "f:resources", Map.of())))).endFieldsV1().build(),
                new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                        .withManager("manager").withOperation("Update").withApiVersion("serving.kserve.io/v1beta1").withSubresource("status")
                        .withTime("2026-11-30T10:00:05Z").withFieldsType("FieldsV1")
                        .withNewFieldsV1().addToAdditionalProperties("f:status", Map.of(".", Map.of(), "f:conditions", Map.of(),
                                "f:deploymentMode", Map.of(), "f:url", Map.of(), "f:address", Map.of("f:url", Map.of()))).endFieldsV1().build()));
        r.getMetadata().setFinalizers(List.of("inferenceservice.finalizers"));
        r.getMetadata().setLabels(Map.of("app.kubernetes.io/part-of", "bench", "team", "a"));
        r.setAdditionalProperty("spec", spec);
        r.setAdditionalProperty("status", Map.of(
                "deploymentMode", "Standard",
                "url", "http://" + name + "." + ns + ".example.com",
                "address", Map.of("url", "http://" + name + "-predictor." + ns + ".svc.cluster.local"),
                "observedGeneration", 1,
                "modelStatus", Map.of("states", Map.of("activeModelState", "Loaded", "targetModelState", "Loaded"),
                        "transitionStatus", "UpToDate", "copies", Map.of("failedCopies", 0, "totalCopies", 1)),
                "components", Map.of("predictor", Map.of("latestCreatedRevision", name + "-predictor-00001",
                        "url", "http://" + name + "-predictor." + ns + ".example.com")),
                "conditions", List.of(
                        Map.of("type", "IngressReady", "status", "True", "lastTransitionTime", "2026-11-30T10:00:05Z"),
                        Map.of("type", "PredictorReady", "status", "True", "lastTransitionTime", "2026-11-30T10:00:05Z"),
                        Map.of("type", "Ready", "status", "True", "lastTransitionTime", "2026-11-30T10:00:05Z"))));
        return r;
    }

    static GenericKubernetesResource scaledObject(String ns, int n, String uid) {
        String isvc = String.format("model-%05d", n);
        GenericKubernetesResource r = base(SO, ns, isvc + "-predictor", String.format("7a1d0c3f-0000-4000-8000-%012d", n));
        r.getMetadata().setOwnerReferences(List.of(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion("serving.kserve.io/v1beta1").withKind("InferenceService").withName(isvc).withUid(uid)
                .withController(true).withBlockOwnerDeletion(true).build()));
        r.getMetadata().setManagedFields(List.of(new io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder()
                .withManager("manager").withOperation("Update").withApiVersion("keda.sh/v1alpha1").withTime("2026-11-30T10:00:03Z")
                .withFieldsType("FieldsV1").withNewFieldsV1().addToAdditionalProperties("f:spec", Map.of(".", Map.of(),
                        "f:maxReplicaCount", Map.of(), "f:minReplicaCount", Map.of(), "f:scaleTargetRef", Map.of("f:name", Map.of()),
                        "f:triggers", Map.of())).endFieldsV1().build()));
        r.setAdditionalProperty("spec", Map.of(
                "scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", isvc + "-predictor"),
                "minReplicaCount", 1, "maxReplicaCount", 4,
                "triggers", List.of(Map.of("type", "cpu", "metricType", "Utilization", "metadata", Map.of("value", "70")))));
        r.setAdditionalProperty("status", Map.of("scaleTargetKind", "apps/v1.Deployment",
                "scaleTargetGVKR", Map.of("group", "apps", "kind", "Deployment", "resource", "deployments", "version", "v1"),
                "originalReplicaCount", 1,
                "conditions", List.of(Map.of("type", "Ready", "status", "True", "reason", "ScaledObjectReady"),
                        Map.of("type", "Active", "status", "False", "reason", "ScalerNotActive"))));
        return r;
    }

    private static GenericKubernetesResource base(ResourceDefinitionContext ctx, String ns, String name, String uid) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(ctx.getGroup() + "/" + ctx.getVersion());
        r.setKind(ctx.getKind());
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns).withUid(uid)
                .withGeneration(1L).withCreationTimestamp("2026-11-30T10:00:00Z").build());
        return r;
    }

    private static CustomResourceDefinition crd(String plural, String group, String version, String kind) {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withListKind(kind + "List").endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema().endVersion()
                .endSpec().build();
    }
}
