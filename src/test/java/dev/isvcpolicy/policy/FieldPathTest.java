package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Paths render in Kubernetes notation and as JSON Pointers, and a longer path never changes the one it grew from. */
class FieldPathTest {

    @Test
    void rendersFieldsKeysAndIndexes() {
        FieldPath metrics = FieldPath.of("spec", "predictor", "autoScaling", "metrics").index(0);
        assertEquals("spec.predictor.autoScaling.metrics[0]", metrics.toString());
        assertEquals("/spec/predictor/autoScaling/metrics/0", metrics.pointer());
        FieldPath annotation = Review.METADATA_ANNOTATIONS.key("serving.kserve.io/autoscalerClass");
        assertEquals("metadata.annotations[serving.kserve.io/autoscalerClass]", annotation.toString());
        assertEquals("/metadata/annotations/serving.kserve.io~1autoscalerClass", annotation.pointer());
        assertEquals("/a~0b", FieldPath.of("a~b").pointer());
        assertEquals("", FieldPath.ROOT.toString());
        assertEquals("", FieldPath.ROOT.pointer());
    }

    @Test
    void aChildLeavesItsParentAsItWas() {
        FieldPath predictor = FieldPath.of("spec", "predictor");
        FieldPath min = predictor.child("minReplicas");
        FieldPath max = predictor.child("maxReplicas");
        assertEquals("spec.predictor", predictor.toString());
        assertEquals("spec.predictor.minReplicas", min.toString());
        assertEquals("spec.predictor.maxReplicas", max.toString());
        assertEquals(predictor, min.parent());
        assertEquals(predictor, max.prefix(2));
        assertEquals(3, min.size());
        assertEquals("minReplicas", min.nameAt(2));
        assertEquals(-1, min.indexAt(2));
        assertNull(FieldPath.of("spec", "canary").index(1).nameAt(2));
        assertEquals(1, FieldPath.of("spec", "canary").index(1).indexAt(2));
    }

    @Test
    void equalPathsAreEqualWhicheverWayTheyWereBuilt() {
        assertEquals(FieldPath.of("spec", "predictor"), FieldPath.ROOT.child("spec").child("predictor"));
        assertEquals(FieldPath.of("spec", "predictor").hashCode(), FieldPath.ROOT.child("spec").child("predictor").hashCode());
        assertNotEquals(FieldPath.of("metadata", "annotations", "x"), Review.METADATA_ANNOTATIONS.key("x"), "a field is not a map key");
        assertNotEquals(FieldPath.of("spec"), FieldPath.of("spec", "predictor"));
    }

    @Test
    void theRootHasNoParentAndAPrefixStaysWithinThePath() {
        assertThrows(IndexOutOfBoundsException.class, FieldPath.ROOT::parent);
        assertThrows(IndexOutOfBoundsException.class, () -> FieldPath.of("spec").prefix(2));
        assertThrows(IndexOutOfBoundsException.class, () -> FieldPath.of("spec").prefix(-1));
        assertEquals(FieldPath.ROOT, FieldPath.of("spec").prefix(0));
    }
}
