package dev.isvcpolicy.policy;

import java.util.List;
import java.util.Objects;

/**
 * What the cluster's caches said when a request came in, for the rules: whether a lookup could be
 * made, and which ScaledObjects of the request's namespace scale a given Deployment. Built before the
 * engine runs (by {@code cluster/WorkloadCaches}, or from a list by the offline check and tests); rules
 * only read it.
 *
 * <p>Two shapes behind one question, {@link #scaledObjectsTargeting(String)}: a view over a list (the
 * namespace's ScaledObjects, filtered per question: cost grows with the list) and an indexed view (the
 * informer's index by namespace and workload name: cost independent of how many objects the namespace holds).
 */
public final class ClusterView {

    /** Whether a cluster-side lookup could be made. */
    public enum Lookup {
        /** {@code webhook.cluster.lookups=false}: nothing is looked up, nothing is said per request. */
        OFF,
        /** The informer's cache is synced and watching: its contents are the cluster's. */
        READY,
        /** The CRD is not installed (no KEDA): there is nothing to look up. */
        ABSENT,
        /** Not synced yet, or the API server cannot be reached: the check cannot be made. */
        UNAVAILABLE
    }

    /**
     * A ScaledObject that scales a Deployment, e.g. {@code my-so -> my-model-predictor}; {@code httpScaledObject} names the
     * HTTPScaledObject that controls it (KEDA's HTTP add-on makes it), null for one a user or KServe made.
     */
    public record ScaledObjectRef(String name, String deployment, ScaledObjects.Owner owner, String httpScaledObject) {

        /**
         * Made by a user as far as the KServe object {@code kind}/{@code name} (uid {@code uid}, empty when unknown) is
         * concerned: not controlled by that object ({@link ScaledObjects#madeFor}).
         */
        public boolean userMadeFor(String kind, String name, String uid) {
            return !ScaledObjects.madeFor(java.util.Optional.ofNullable(owner), kind, name, uid);
        }
    }

    /**
     * The namespace's ScaledObjects that may scale the workload of a component, by its object name
     * (e.g. {@code m-predictor}): at least every one whose Deployment {@link ScaledObjects#isWorkloadOf is
     * its workload}; callers check each with that. Never null; must not wait or call the API server.
     */
    @FunctionalInterface
    public interface Index {
        List<ScaledObjectRef> targeting(String objectName);
    }

    /** Lookups switched off: no cluster-side check. */
    public static final ClusterView OFF = new ClusterView(Lookup.OFF, "cluster lookups are off", List.of());

    private final Lookup lookup;
    private final String detail;
    private final List<ScaledObjectRef> scaledObjects;
    private final Index index;

    /**
     * A view over a list.
     *
     * @param lookup        whether the cache behind {@code scaledObjects} could be read
     * @param detail        why not, for messages, e.g. {@code cache not synced yet}
     * @param scaledObjects the namespace's ScaledObjects whose {@code scaleTargetRef} is a Deployment
     */
    public ClusterView(Lookup lookup, String detail, List<ScaledObjectRef> scaledObjects) {
        this.lookup = Objects.requireNonNull(lookup);
        this.detail = Objects.requireNonNull(detail);
        this.scaledObjects = List.copyOf(scaledObjects);
        this.index = name -> this.scaledObjects.stream().filter(so -> ScaledObjects.isWorkloadOf(so.deployment(), name)).toList();
    }

    private ClusterView(Index index) {
        this.lookup = Lookup.READY;
        this.detail = "";
        this.scaledObjects = null;
        this.index = Objects.requireNonNull(index);
    }

    public static ClusterView ready(List<ScaledObjectRef> scaledObjects) {
        return new ClusterView(Lookup.READY, "", scaledObjects);
    }

    /** A ready view that answers from an index (the informer's), never listing the namespace. */
    public static ClusterView indexed(Index index) {
        return new ClusterView(index);
    }

    public static ClusterView absent(String detail) {
        return new ClusterView(Lookup.ABSENT, detail, List.of());
    }

    public static ClusterView unavailable(String detail) {
        return new ClusterView(Lookup.UNAVAILABLE, detail, List.of());
    }

    /** Whether the cache could be read. */
    public Lookup lookup() {
        return lookup;
    }

    /** Why not, for messages; empty when ready. */
    public String detail() {
        return detail;
    }

    /**
     * The ScaledObjects that may scale the workload of the component named {@code objectName}; empty
     * unless {@link #lookup()} is READY. Callers confirm each with {@link ScaledObjects#isWorkloadOf}.
     */
    public List<ScaledObjectRef> scaledObjectsTargeting(String objectName) {
        return lookup == Lookup.READY ? index.targeting(objectName) : List.of();
    }

    /**
     * Every ScaledObject of a view built from a list.
     *
     * @throws IllegalStateException for an indexed view, which never lists the namespace
     */
    public List<ScaledObjectRef> scaledObjects() {
        if (scaledObjects == null) {
            throw new IllegalStateException("an indexed view answers scaledObjectsTargeting(name), it does not list the namespace");
        }
        return scaledObjects;
    }

    @Override
    public String toString() {
        return "ClusterView[" + lookup + (detail.isEmpty() ? "" : ": " + detail) + (scaledObjects == null ? ", indexed" : ", " + scaledObjects) + "]";
    }
}
