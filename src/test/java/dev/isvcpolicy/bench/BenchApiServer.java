package dev.isvcpolicy.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A stand-in API server for {@code bench/scale.sh}, plain HTTP on 127.0.0.1, holding many InferenceServices
 * and ScaledObjects: the webhook's informers list them from it as from a real API server, then watch (the
 * watch stays open and never reports a change). It answers only what the webhook asks: the two lists
 * (in pages, when asked with {@code limit}), KEDA's CRD, and 404 for anything else (KServe's ConfigMap: the webhook uses its
 * fallback mode). fabric8's CRUD mock server would do, but it takes minutes to create 10,000 objects
 * one by one (each create scans what it holds); this one serializes the lists once.
 *
 * <pre>java -cp ... dev.isvcpolicy.bench.BenchApiServer PORT NAMESPACE ISVCS SCALEDOBJECTS [SPREAD_NAMESPACES]</pre>
 *
 * Puts {@code ISVCS} InferenceServices and {@code SCALEDOBJECTS} ScaledObjects in {@code NAMESPACE} (with
 * {@code SPREAD_NAMESPACES > 1}, round-robin over {@code NAMESPACE-0 .. NAMESPACE-(n-1)} instead), each as
 * an API server stores it: {@code managedFields}, a {@code last-applied-configuration} annotation, status
 * conditions and a full spec (about 2.9 KiB of JSON for an InferenceService, 1.2 KiB for a ScaledObject).
 * Every ScaledObject is KServe's own (ownerReference to its InferenceService) and targets that
 * InferenceService's predictor, so none conflicts with the InferenceService the benchmark reviews.
 * Prints {@code READY} when serving.
 */
public final class BenchApiServer {

    static final ResourceDefinitionContext ISVC = new ResourceDefinitionContext.Builder().withGroup("serving.kserve.io")
            .withVersion("v1beta1").withKind("InferenceService").withPlural("inferenceservices").withNamespaced(true).build();
    static final ResourceDefinitionContext SO = new ResourceDefinitionContext.Builder().withGroup("keda.sh")
            .withVersion("v1alpha1").withKind("ScaledObject").withPlural("scaledobjects").withNamespaced(true).build();

    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchApiServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String namespace = args[1];
        int isvcs = Integer.parseInt(args[2]);
        int sos = Integer.parseInt(args[3]);
        int spread = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        List<GenericKubernetesResource> isvcItems = new ArrayList<>();
        List<GenericKubernetesResource> soItems = new ArrayList<>();
        for (int i = 0; i < Math.max(isvcs, sos); i++) {
            String ns = spread > 1 ? namespace + "-" + (i % spread) : namespace;
            String uid = String.format("6f0c2b1e-0000-4000-8000-%012d", i);
            if (i < isvcs) {
                isvcItems.add(isvc(ns, i, uid));
            }
            if (i < sos) {
                soItems.add(scaledObject(ns, i, uid));
            }
        }
        List<byte[]> isvcList = serialized(isvcItems);
        List<byte[]> soList = serialized(soItems);
        isvcItems.clear();
        soItems.clear();
        byte[] crd = JSON.writeValueAsBytes(crd("scaledobjects", "keda.sh", "v1alpha1", "ScaledObject"));
        byte[] notFound = "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            String query = String.valueOf(ex.getRequestURI().getQuery());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            if (query.contains("watch=true")) {
                if (ex.getRequestHeaders().containsKey("Upgrade")) {
                    // No WebSocket here: 503 makes fabric8 watch over plain HTTP instead.
                    ex.sendResponseHeaders(503, -1);
                    ex.close();
                    return;
                }
                // A watch that stays open and reports nothing but a bookmark: the cache holds still.
                ex.sendResponseHeaders(200, 0);
                String kind = path.endsWith("/inferenceservices") ? "\"serving.kserve.io/v1beta1\",\"kind\":\"InferenceService\""
                        : path.endsWith("/scaledobjects") ? "\"keda.sh/v1alpha1\",\"kind\":\"ScaledObject\"" : "\"v1\",\"kind\":\"ConfigMap\"";
                ex.getResponseBody().write(("{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":" + kind
                        + ",\"metadata\":{\"resourceVersion\":\"1000\"}}}\n").getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (path.endsWith("/configmaps")) {
                byte[] empty = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMapList\",\"metadata\":{\"resourceVersion\":\"1000\"},\"items\":[]}"
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, empty.length);
                ex.getResponseBody().write(empty);
                ex.close();
                return;
            }
            byte[] body = path.equals("/apis/serving.kserve.io/v1beta1/inferenceservices") ? page(ISVC, isvcList, query)
                    : path.equals("/apis/keda.sh/v1alpha1/scaledobjects") ? page(SO, soList, query)
                    : path.equals("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/scaledobjects.keda.sh") ? crd
                    : null;
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? notFound.length : body.length);
            ex.getResponseBody().write(body == null ? notFound : body);
            ex.close();
        });
        server.start();
        System.out.printf("serving %d InferenceServices (%.1f MiB of JSON) and %d ScaledObjects (%.1f MiB) in %s%s on 127.0.0.1:%d%n",
                isvcs, size(isvcList) / 1048576.0, sos, size(soList) / 1048576.0, namespace, spread > 1 ? "-0.." + (spread - 1) : "", port);
        System.out.println("READY");
    }

    private static List<byte[]> serialized(List<GenericKubernetesResource> items) throws Exception {
        List<byte[]> out = new ArrayList<>(items.size());
        for (GenericKubernetesResource item : items) {
            out.add(JSON.writeValueAsBytes(item));
        }
        return out;
    }

    private static long size(List<byte[]> items) {
        return items.stream().mapToLong(b -> b.length).sum();
    }

    /**
     * One page of a list, as the API server pages it: {@code limit} items from the offset in {@code continue},
     * and a {@code continue} token while more remain (fabric8's informers list in pages of {@code limit}).
     */
    private static byte[] page(ResourceDefinitionContext ctx, List<byte[]> items, String query) throws java.io.IOException {
        int limit = Integer.MAX_VALUE;
        int from = 0;
        for (String param : query.split("&")) {
            if (param.startsWith("limit=")) {
                limit = Math.max(1, Integer.parseInt(param.substring(6)));
            } else if (param.startsWith("continue=")) {
                from = Integer.parseInt(param.substring(9));
            }
        }
        int to = (int) Math.min(items.size(), (long) from + limit);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(("{\"apiVersion\":\"" + ctx.getGroup() + "/" + ctx.getVersion() + "\",\"kind\":\"" + ctx.getKind()
                + "List\",\"metadata\":{\"resourceVersion\":\"1000\"" + (to < items.size() ? ",\"continue\":\"" + to + "\"" : "")
                + "},\"items\":[").getBytes(StandardCharsets.UTF_8));
        for (int i = from; i < to; i++) {
            if (i > from) {
                out.write(',');
            }
            out.write(items.get(i));
        }
        out.write("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
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
        r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ns).withUid(uid).withResourceVersion(String.valueOf(100 + Math.abs(name.hashCode() % 900)))
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
