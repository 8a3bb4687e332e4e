package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.policy.ScaledObjects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The caches' lookups never miss what the whole-namespace scan found: whenever a Deployment is the
 * workload of a component ({@link ScaledObjects#isWorkloadOf}), the ScaledObject index holds it under
 * that component's object name, and the InferenceService that owns the component is among the names
 * looked up for that Deployment.
 */
class IndexKeysPropertiesTest {

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> part = Arbitraries.strings().withChars("abcz019").ofMinLength(1).ofMaxLength(6);
        return part.list().ofMinSize(1).ofMaxSize(4).map(parts -> String.join("-", parts));
    }

    @Provide
    Arbitrary<String> suffixes() {
        // What KServe appends to an InferenceService's name: the component, a named predictor, a canary.
        return Arbitraries.of("predictor", "transformer", "explainer", "v2-predictor", "canary0-predictor", "a-1-predictor");
    }

    @Provide
    Arbitrary<String> revisions() {
        return Arbitraries.of("", "-00001-deployment", "-00042-deployment", "-123456-deployment", "-0001-deployment",
                "-canary-deployment", "-00001-deployment-00002-deployment");
    }

    @Property(tries = 2000)
    void aComponentsWorkloadIsFoundByTheIndexAndItsOwnerByName(@ForAll("names") String isvc, @ForAll("suffixes") String suffix,
            @ForAll("revisions") String revision) {
        String objectName = isvc + "-" + suffix;
        String deployment = objectName + revision;
        boolean matches = ScaledObjects.isWorkloadOf(deployment, objectName);
        assertEquals(matches, ScaledObjects.workloadsOf(deployment).contains(objectName),
                deployment + " against component " + objectName);
        if (matches) {
            assertTrue(ScaledObjects.ownerNameCandidates(deployment).contains(isvc),
                    isvc + " among the owners looked up for " + deployment + ": " + ScaledObjects.ownerNameCandidates(deployment));
        }
    }

    @Property(tries = 2000)
    void anyDeploymentAndObjectName(@ForAll("names") String deployment, @ForAll("names") String objectName,
            @ForAll("revisions") String revision) {
        String d = deployment + revision;
        assertEquals(ScaledObjects.isWorkloadOf(d, objectName), ScaledObjects.workloadsOf(d).contains(objectName), d + " / " + objectName);
    }
}
