package dev.isvcpolicy.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.cluster.Reasons;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Writes the scan's reports (RULES.md §8): creates or replaces a namespace's report only when its results
 * changed (compared without timestamps), deletes the reports of namespaces with no scanned object left (those
 * it labelled as its own) and those it wrote in the other format (before {@code webhook.reports.format} was switched),
 * and when the reports CRD is not installed says so once and writes nothing.
 */
public final class ReportWriter {

    private static final Logger LOG = Logger.getLogger(ReportWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one {@link #write} did; {@code failed} writes are named by {@code failure} (the first one's reason). */
    public record Outcome(boolean crdInstalled, int created, int updated, int unchanged, int deleted, int failed, String failure) {

        public Outcome(boolean crdInstalled, int created, int updated, int unchanged, int deleted) {
            this(crdInstalled, created, updated, unchanged, deleted, 0, null);
        }
    }

    private final KubernetesClient client;
    private final Reports.Format format;
    private final AtomicBoolean saidMissing = new AtomicBoolean();
    private final java.util.function.BooleanSupplier leading;

    public ReportWriter(KubernetesClient client, Reports.Format format) {
        this(client, format, () -> true);
    }

    /**
     * A writer that asks {@code leading} before each create, update or delete: a replica that lost the Lease during a
     * scan stops writing there (RULES.md §8: one replica writes at a time), and what it did not write is left to the new
     * leader.
     */
    public ReportWriter(KubernetesClient client, Reports.Format format, java.util.function.BooleanSupplier leading) {
        this.client = client;
        this.format = format;
        this.leading = leading;
    }

    /** Makes the cluster's reports say {@code reports} (namespace to report), and nothing more. */
    public Outcome write(Map<String, ObjectNode> reports) {
        var api = client.genericKubernetesResources(format.context());
        java.util.List<GenericKubernetesResource> existing;
        try {
            existing = api.inAnyNamespace().withLabel(Reports.MANAGED_BY, Reports.SOURCE).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                if (saidMissing.compareAndSet(false, true)) {
                    LOG.warnf("the %s CRD (%s) is not installed: the scan runs and feeds the metrics, but writes no reports",
                            format.kind(), format.apiVersion());
                }
                return new Outcome(false, 0, 0, 0, 0);
            }
            throw e;
        }
        if (saidMissing.compareAndSet(true, false)) {
            LOG.infof("the %s CRD (%s) is installed now: writing reports", format.kind(), format.apiVersion());
        }
        Map<String, GenericKubernetesResource> byNamespace = new java.util.HashMap<>();
        existing.stream().filter(r -> Reports.NAME.equals(r.getMetadata().getName()))
                .forEach(r -> byNamespace.put(r.getMetadata().getNamespace(), r));
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int deleted = 0;
        int failed = 0;
        String failure = null;
        Set<String> wanted = new HashSet<>(reports.keySet());
        for (Map.Entry<String, ObjectNode> e : reports.entrySet()) {
            if (!leading.getAsBoolean()) {
                return new Outcome(true, created, updated, unchanged, deleted, failed, failure);
            }
            GenericKubernetesResource old = byNamespace.get(e.getKey());
            JsonNode oldJson = old == null ? null : JSON.valueToTree(old);
            if (Reports.same(oldJson, e.getValue())) {
                unchanged++;
                continue;
            }
            GenericKubernetesResource next = JSON.convertValue(e.getValue(), GenericKubernetesResource.class);
            try {
                if (old == null) {
                    api.inNamespace(e.getKey()).resource(next).create();
                    created++;
                } else {
                    next.getMetadata().setResourceVersion(old.getMetadata().getResourceVersion());
                    api.inNamespace(e.getKey()).resource(next).update();
                    updated++;
                }
            } catch (RuntimeException x) {
                // One namespace's failure (a conflict, a quota, a refused object) does not keep the others unwritten.
                failed++;
                failure = failure != null ? failure : "namespace " + e.getKey() + ": " + Reasons.shortReason(x);
            }
        }
        for (Map.Entry<String, GenericKubernetesResource> e : byNamespace.entrySet()) {
            if (!wanted.contains(e.getKey())) {
                if (!leading.getAsBoolean()) {
                    return new Outcome(true, created, updated, unchanged, deleted, failed, failure);
                }
                try {
                    api.inNamespace(e.getKey()).withName(Reports.NAME).delete();
                    deleted++;
                } catch (RuntimeException x) {
                    failed++;
                    failure = failure != null ? failure : "namespace " + e.getKey() + ": " + Reasons.shortReason(x);
                }
            }
        }
        for (Reports.Format other : Reports.Format.values()) {
            if (other == format) {
                continue;
            }
            // Reports this webhook wrote in the other format, before webhook.reports.format was switched: nothing updates
            // them any more, so they would keep saying what was true then (RULES.md §8: a report says what runs now).
            java.util.List<GenericKubernetesResource> old;
            try {
                old = ownReports(other);
            } catch (RuntimeException x) {
                // This scan's reports are written: a failed look for the old format's counts as one failure, tried again next scan.
                failed++;
                failure = failure != null ? failure : other.kind() + " list: " + Reasons.shortReason(x);
                continue;
            }
            for (GenericKubernetesResource r : old) {
                if (!leading.getAsBoolean()) {
                    return new Outcome(true, created, updated, unchanged, deleted, failed, failure);
                }
                try {
                    client.genericKubernetesResources(other.context()).inNamespace(r.getMetadata().getNamespace()).withName(Reports.NAME).delete();
                    deleted++;
                } catch (RuntimeException x) {
                    failed++;
                    failure = failure != null ? failure : "namespace " + r.getMetadata().getNamespace() + ": " + Reasons.shortReason(x);
                }
            }
        }
        return new Outcome(true, created, updated, unchanged, deleted, failed, failure);
    }

    /**
     * The reports this webhook labelled as its own in a format; none when that format's CRD is not installed or the
     * webhook may not list it (a Role narrowed to the format in use).
     */
    private java.util.List<GenericKubernetesResource> ownReports(Reports.Format other) {
        try {
            return client.genericKubernetesResources(other.context()).inAnyNamespace().withLabel(Reports.MANAGED_BY, Reports.SOURCE)
                    .list().getItems().stream().filter(r -> Reports.NAME.equals(r.getMetadata().getName())).toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 403) {
                return java.util.List.of();
            }
            throw e;
        }
    }
}
