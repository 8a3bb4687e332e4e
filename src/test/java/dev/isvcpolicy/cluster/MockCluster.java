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
