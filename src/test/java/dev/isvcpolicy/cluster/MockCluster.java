package dev.isvcpolicy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** What the mock API server holds for the cluster-side tests: CRDs, InferenceServices and ScaledObjects as plain YAML. */
final class MockCluster {

    private MockCluster() {
    }

    /** Installs KEDA's and KServe's CRDs before the webhook starts, so its informers find them at boot. */
    public static class WithCrds implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            installKedaCrd(server.getClient());
            server.getClient().apiextensions().v1().customResourceDefinitions().resource(
                    crd("inferenceservices", "serving.kserve.io", "v1beta1", "InferenceService")).create();
        }
    }

    static void installKedaCrd(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().resource(
                crd("scaledobjects", "keda.sh", "v1alpha1", "ScaledObject")).create();
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

    /** Installs KEDA's, KServe's and the RULES.md §1 v2 kinds' CRDs (the reference ones) before the webhook starts. */
    public static class WithAllCrds implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            new WithCrds().accept(server);
            for (String file : REFERENCE_CRDS) {
                installReferenceCrd(server.getClient(), file);
            }
        }
    }

    /**
     * The reference CRDs of the RULES.md §1 v2 kinds, copied unchanged from the shared reference data into {@code src/test/resources/reference/}:
     * InferenceGraph (v1alpha1), LLMInferenceService (v1alpha1 and v1alpha2 served), HTTPScaledObject (v1alpha1).
     */
    static final java.util.List<String> REFERENCE_CRDS = java.util.List.of(
            "src/test/resources/reference/kserve/serving.kserve.io_inferencegraphs.yaml",
            "src/test/resources/reference/kserve/serving.kserve.io_llminferenceservices.yaml",
            "src/test/resources/reference/keda/http.keda.sh_httpscaledobjects.yaml");

    /** Creates one reference CRD, read from its file as published. */
    static void installReferenceCrd(KubernetesClient client, String file) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(file))) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the reference CRD " + file, e);
        }
    }

    /** Creates an object of any kind from YAML (with its apiVersion and kind) in a namespace. */
    static GenericKubernetesResource object(KubernetesClient client, String namespace, String yaml) {
        try {
            GenericKubernetesResource r = Reviews.YAML.readValue(yaml, GenericKubernetesResource.class);
            r.getMetadata().setNamespace(namespace);
            String apiVersion = r.getApiVersion();
            String group = apiVersion.substring(0, apiVersion.indexOf('/'));
            dev.isvcpolicy.policy.Kind kind = dev.isvcpolicy.policy.Kind.ofApiVersion(apiVersion, r.getKind()).orElseThrow();
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup(group).withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1)).withKind(r.getKind())
                    .withPlural(kind.resource()).withNamespaced(true).build();
            return client.genericKubernetesResources(context).inNamespace(namespace).resource(r).create();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Creates an InferenceService from YAML in a namespace, as KServe's users do. */
    static GenericKubernetesResource isvc(KubernetesClient client, String namespace, String yaml) {
        return create(client, WorkloadCaches.INFERENCE_SERVICES, namespace, "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n" + yaml);
    }

    /** Creates a ScaledObject from YAML in a namespace. */
    static GenericKubernetesResource scaledObject(KubernetesClient client, String namespace, String yaml) {
        return create(client, WorkloadCaches.SCALED_OBJECTS, namespace, "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\n" + yaml);
    }

    private static GenericKubernetesResource create(KubernetesClient client,
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context, String namespace, String yaml) {
        try {
            GenericKubernetesResource r = Reviews.YAML.readValue(yaml, GenericKubernetesResource.class);
            r.getMetadata().setNamespace(namespace);
            return client.genericKubernetesResources(context).inNamespace(namespace).resource(r).create();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The object as an admission request carries it. */
    static JsonNode json(GenericKubernetesResource r) {
        return Reviews.JSON.valueToTree(r);
    }

    static JsonNode yaml(String text) {
        try {
            return Reviews.YAML.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Waits (up to 120 s, returning as soon as it holds) for the informers to catch up; fails the test if they do not. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
