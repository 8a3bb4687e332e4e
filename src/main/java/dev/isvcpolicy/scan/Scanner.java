package dev.isvcpolicy.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.LiveCluster;
import dev.isvcpolicy.audit.MetricLabels;
import dev.isvcpolicy.cluster.ClusterAccess;
import dev.isvcpolicy.cluster.Reasons;
import dev.isvcpolicy.cluster.KServeKindCaches;
import dev.isvcpolicy.cluster.PolicyConfigMaps;
import dev.isvcpolicy.cluster.WorkloadCaches;
import dev.isvcpolicy.config.PolicyHolder;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Exceptions;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.policy.Stage;
import dev.isvcpolicy.policy.Texts;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The background scan (RULES.md §8): on the replica that holds the Lease {@value ClusterAccess#SCAN_LEASE}, judges
 * every cached object with the one decision path ({@link Stage#BOTH}, as the unchanged UPDATE of itself, without the
 * pre-existing lowering: the findings of what runs, see {@link #judge}) and writes one report per namespace. Every
 * {@code webhook.scan.debounce} it takes a fingerprint of what a decision reads (objects' resourceVersions, the
 * policy and exceptions in force, namespace enforcement, KServe's default mode) and scans when it changed, at once
 * on becoming leader, and fully every {@code webhook.scan.period}. It never calls the API server per object.
 */
@ApplicationScoped
public class Scanner {

    private static final Logger LOG = Logger.getLogger(Scanner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The kinds scanned, in report order. */
    static final List<Kind> KINDS = List.of(Kind.INFERENCE_SERVICE, Kind.INFERENCE_GRAPH, Kind.SCALED_OBJECT, Kind.HTTP_SCALED_OBJECT,
            Kind.LLM_INFERENCE_SERVICE);

    @Inject
    WebhookConfig config;
    @Inject
    Instance<KubernetesClient> client;
    @Inject
    PolicyHolder policy;
    @Inject
    LiveCluster cluster;
    @Inject
    WorkloadCaches workloads;
    @Inject
    KServeKindCaches kserveKinds;
    @Inject
    PolicyConfigMaps policyConfigMaps;
    @Inject
    MeterRegistry registry;

    static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private volatile boolean leader;
    private volatile boolean stopping;
    private volatile int elections;
    static final Duration RETRY_FIRST = Duration.ofSeconds(5);
    static final Duration RETRY_MAX = Duration.ofMinutes(5);
    private long backoffMillis;
    private long retryAtNanos;
    private volatile long lastScanEpochSeconds;
    private volatile double lastScanSeconds;
    private volatile long lastFingerprint;
    private volatile long lastFullScanNanos;
    private volatile int scans;
    private volatile String leaderIdentity;
    private String identity;
    /** Expired exceptions already said in the log, as {@code key@expiry} (RULES.md §5: the scan reports each once). */
    private final java.util.Set<String> saidExpired = new java.util.HashSet<>();
    private ScheduledExecutorService executor;
    private CompletableFuture<?> election;
    private ReportWriter writer;
    private Reports.Format format;
    private MultiGauge findingsGauge;

    void start(@Observes StartupEvent event) {
        if (!config.cluster().lookups() || !config.scan().enabled()) {
            LOG.info("the background scan is off (webhook.cluster.lookups or webhook.scan.enabled is false): no reports");
            return;
        }
        format = Reports.Format.of(config.reports().format());
        writer = new ReportWriter(client.get(), format, () -> leader && !stopping);
        Gauge.builder("isvc.webhook.scan.leader", this, s -> s.leader ? 1 : 0)
                .description("1 on the replica that holds the scan Lease and writes the reports").register(registry);
        Gauge.builder("isvc.webhook.scan.last.timestamp.seconds", this, s -> s.lastScanEpochSeconds)
                .description("When the last background scan finished (0: none yet)").register(registry);
        Gauge.builder("isvc.webhook.scan.last.duration.seconds", this, s -> s.lastScanSeconds)
                .description("How long the last background scan took").register(registry);
        findingsGauge = MultiGauge.builder("isvc.webhook.scan.findings")
                .description("Current findings of existing objects by rule, action and namespace, from the last scan").register(registry);
        executor = dev.isvcpolicy.Daemons.scheduler("policy-scan");
        identity = System.getenv().getOrDefault("HOSTNAME", "webhook") + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        if (!elect()) {
            return;
        }
        long debounce = Math.max(100, config.scan().debounce().toMillis());
        executor.scheduleWithFixedDelay(this::tick, debounce, debounce, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes part in the election on the Lease. fabric8's elector ends for good when this replica loses the Lease
     * (a renewal missed its deadline, e.g. while the API server was away): then this replica takes part again,
     * one retry period later, and stands by or leads as the Lease says. False when the elector cannot be built.
     */
    private boolean elect() {
        if (stopping) {
            return false;
        }
        String namespace = policyConfigMaps.namespace();
        CompletableFuture<?> next;
        try {
            next = client.get().leaderElector().withConfig(new LeaderElectionConfigBuilder()
                    .withName(ClusterAccess.SCAN_LEASE)
                    .withLock(new LeaseLock(namespace, ClusterAccess.SCAN_LEASE, identity))
                    .withLeaseDuration(LEASE_DURATION).withRenewDeadline(RENEW_DEADLINE).withRetryPeriod(RETRY_PERIOD)
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                            who -> {
                                leaderIdentity = who;
                                LOG.infof("scan leader is %s (Lease %s/%s)", who, namespace, ClusterAccess.SCAN_LEASE);
                            }))
                    .build()).build().start();
        } catch (RuntimeException e) {
            LOG.warnf("cannot take part in the scan's leader election (%s): no background scan on this replica", Reasons.shortReason(e));
            return false;
        }
        election = next;
        next.whenComplete((ok, t) -> {
            if (!stopping && !next.isCancelled()) {
                elections++;
                LOG.infof("this replica's part in the scan's leader election ended (%s): taking part again",
                        t == null ? "the Lease was lost" : Reasons.shortReason(t));
                try {
                    executor.schedule(this::elect, RETRY_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                    // stopping
                }
            }
        });
        return true;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (election != null) {
            election.cancel(true);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void startedLeading() {
        leader = true;
        lastFingerprint = 0;
        lastFullScanNanos = 0;
        LOG.info("this replica leads the background scan: it writes the reports");
    }

    private void stoppedLeading() {
        leader = false;
        if (findingsGauge != null) {
            // The new leader reports them now; two replicas exporting them would double every sum.
            findingsGauge.register(List.of(), true);
        }
        LOG.info("this replica no longer leads the background scan: it stands by");
    }

    public boolean leader() {
        return leader;
    }

    /** This replica's identity in the Lease (null before start or when the scan is off). */
    public String identity() {
        return identity;
    }

    /** The Lease holder this replica last saw (null before it saw one). */
    public String leaderIdentity() {
        return leaderIdentity;
    }

    /** How many times this replica took part in the election again after losing the Lease (tests). */
    public int reelections() {
        return elections;
    }

    /** How many scans this replica ran (tests). */
    public int scans() {
        return scans;
    }

    private void tick() {
        try {
            if (!leader || !cachesSynced()) {
                return;
            }
            long fingerprint = fingerprint();
            long now = System.nanoTime();
            boolean periodDue = lastFullScanNanos == 0 || now - lastFullScanNanos >= config.scan().period().toNanos();
            boolean retryDue = retryAtNanos != 0 && now - retryAtNanos >= 0;
            if (fingerprint != lastFingerprint || periodDue || retryDue) {
                lastFingerprint = fingerprint;
                lastFullScanNanos = now;
                ReportWriter.Outcome out = scan();
                if (out.failed() > 0) {
                    failed(out.failed() + " report write(s) failed, first: " + out.failure());
                } else {
                    succeeded();
                }
            }
        } catch (RuntimeException | Error e) {
            // An Error too: one escaping here would cancel the schedule for good while the Lease is still renewed.
            failed(Reasons.shortReason(e));
        }
    }

    /** The first of failed scans or writes is logged; they are retried after 5 s, doubling up to 5 min. */
    private void failed(String reason) {
        if (backoffMillis == 0) {
            LOG.warnf("background scan: %s; retried in %d s, then less often (at most every %d s) until it works", reason,
                    RETRY_FIRST.toSeconds(), RETRY_MAX.toSeconds());
        }
        backoffMillis = backoffMillis == 0 ? RETRY_FIRST.toMillis() : Math.min(backoffMillis * 2, RETRY_MAX.toMillis());
        retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
    }

    private void succeeded() {
        if (backoffMillis != 0) {
            LOG.info("background scan: reports written again");
        }
        backoffMillis = 0;
        retryAtNanos = 0;
    }

    /**
     * Whether every cache a scan reads has synced: the InferenceServices, the ScaledObjects when KEDA is installed,
     * and each v2 kind whose CRD is installed. Before that a cache answers with no objects, and a scan would delete
     * the reports of namespaces it has not seen yet.
     */
    private boolean cachesSynced() {
        if (!workloads.synced("inferenceservices") || workloads.kedaInstalled() && !workloads.synced("scaledobjects")) {
            return false;
        }
        for (Kind k : KServeKindCaches.KINDS) {
            if (kserveKinds.installed(k) && !kserveKinds.synced(k)) {
                return false;
            }
        }
        return true;
    }

    private Map<Kind, List<GenericKubernetesResource>> cached() {
        Map<Kind, List<GenericKubernetesResource>> out = new java.util.EnumMap<>(Kind.class);
        for (Kind k : KINDS) {
            out.put(k, k == Kind.INFERENCE_SERVICE || k == Kind.SCALED_OBJECT ? workloads.all(k) : kserveKinds.all(k));
        }
        return out;
    }

    /**
     * A hash of everything a scan's decisions read; cheap next to the scan itself. The exceptions expired by now
     * count too, so an exception that expires while nothing else changes is seen within one debounce.
     */
    private long fingerprint() {
        long h = System.identityHashCode(policy.decider());
        Instant now = Instant.now();
        for (Exceptions.Entry e : policy.decider().exceptions().entries()) {
            h = h * 31 + (e.expiredAt(now) ? e.key().hashCode() : 0);
        }
        h = h * 31 + String.valueOf(cluster.defaultMode()).hashCode();
        h = h * 31 + cluster.knativeLimits().hashCode();
        java.util.Set<String> namespaces = new java.util.TreeSet<>();
        for (Map.Entry<Kind, List<GenericKubernetesResource>> e : cached().entrySet()) {
            for (GenericKubernetesResource r : e.getValue()) {
                h = h * 31 + (r.getMetadata().getUid() + "/" + r.getMetadata().getResourceVersion()).hashCode();
                namespaces.add(r.getMetadata().getNamespace());
            }
        }
        for (String ns : namespaces) {
            h = h * 31 + (ns + "=" + cluster.enforcement(ns)).hashCode();
        }
        return h;
    }

    /** Judges every cached object and writes the reports; runs on the scan thread. */
    ReportWriter.Outcome scan() {
        long start = System.nanoTime();
        List<Reports.Scanned> scanned = judge(cached(), forScan(policy.decider()), cluster);
        feedMetrics(scanned);
        for (Exceptions.Entry e : newlyExpired(policy.decider().exceptions(), Instant.now(), saidExpired)) {
            LOG.warnf("exception %s expired at %s: it matches nothing now, so its objects' findings are reported as they are;"
                    + " renew its expires or remove it", e.key(), e.expires().get());
        }
        ReportWriter.Outcome out = writer.write(Reports.build(scanned, format, Instant.now()));
        lastScanSeconds = (System.nanoTime() - start) / 1e9;
        lastScanEpochSeconds = Instant.now().getEpochSecond();
        if (leader && !stopping) {
            scans++; // a scan cut short because this replica stopped leading (the writer stops there) is not counted
        }
        LOG.debugf("background scan: %s objects in %s s; reports %s", (Object) scanned.size(), (Object) lastScanSeconds, out);
        return out;
    }

    /**
     * The exceptions expired at {@code now} that {@code said} (entries {@code key@expiry}) does not hold yet; adds
     * them to it and forgets those no longer expired or present, so each expiry is said once per replica, and again
     * only if the entry is renewed and expires anew.
     */
    static List<Exceptions.Entry> newlyExpired(Exceptions exceptions, Instant now, java.util.Set<String> said) {
        java.util.Set<String> expired = new java.util.HashSet<>();
        List<Exceptions.Entry> out = new ArrayList<>();
        for (Exceptions.Entry e : exceptions.entries()) {
            if (e.expiredAt(now)) {
                String id = e.key() + "@" + e.expires().get();
                expired.add(id);
                if (!said.contains(id)) {
                    out.add(e);
                }
            }
        }
        said.retainAll(expired);
        said.addAll(expired);
        return out;
    }

    /**
     * The decider a scan uses: {@code decider} with {@code webhook.update.existing-violations=deny}, so that a
     * finding the object already had is reported as what it is, not lowered to a {@code pre-existing:} warning.
     */
    public static Decider forScan(Decider decider) {
        return decider.withSettings(decider.settings().with(Map.of(PolicySettings.EXISTING_VIOLATIONS.key(), "deny")));
    }

    /**
     * Pure: the decision of each object as {@code /validate} after {@code /mutate} would give it when KServe's
     * controller next writes it unchanged: an UPDATE whose old object is the object itself. So its context is
     * what runs ({@code status.deploymentMode} first, RULES.md §2), and the webhook's own earlier edits are
     * recognised as such. {@code decider} must come from {@link #forScan}, or every finding is lowered as
     * pre-existing.
     */
    public static List<Reports.Scanned> judge(Map<Kind, List<GenericKubernetesResource>> objects, Decider decider, ClusterState cluster) {
        List<Reports.Scanned> out = new ArrayList<>();
        int failed = 0;
        String first = null;
        for (Map.Entry<Kind, List<GenericKubernetesResource>> e : objects.entrySet()) {
            Kind kind = e.getKey();
            for (GenericKubernetesResource r : e.getValue()) {
                String ns = r.getMetadata().getNamespace();
                String name = r.getMetadata().getName();
                Decision d;
                try {
                    ObjectNode object = JSON.valueToTree(r);
                    d = decider.decide(new Decider.Input(Stage.BOTH, kind.group(), kind.kind(), "UPDATE", ns, name, object, object), cluster);
                } catch (RuntimeException x) {
                    // One object the webhook fails on must not keep every namespace's report unwritten, scan after scan
                    // (as /validate contains such a failure to its one request).
                    if (failed++ == 0) {
                        first = kind.kind() + " " + ns + "/" + name + ": " + Reasons.shortReason(x);
                    }
                    continue;
                }
                if (d.verdict() == Decision.Verdict.SKIPPED || d.verdict() == Decision.Verdict.EXEMPT) {
                    continue;
                }
                String apiVersion = r.getApiVersion() == null ? kind.group() + "/" + kind.version() : r.getApiVersion();
                out.add(new Reports.Scanned(apiVersion, kind.kind(), ns, name, r.getMetadata().getUid(), d));
            }
        }
        if (failed > 0) {
            LOG.warnf("background scan: %d object(s) could not be judged and are left out of their reports; the first: %s", failed,
                    Texts.log(first));
        }
        return out;
    }

    private void feedMetrics(List<Reports.Scanned> scanned) {
        boolean byNamespace = config.scan().metricsNamespaceLabel();
        Map<List<String>, Integer> counts = new TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (Reports.Scanned s : scanned) {
            for (Finding f : s.decision().findings()) {
                if (Reports.result(f) == null) {
                    continue;
                }
                List<String> key = List.of(MetricLabels.rule(f.ruleId()), MetricLabels.outcome(f.outcome()), byNamespace ? s.namespace() : "");
                counts.merge(key, 1, Integer::sum);
            }
        }
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        counts.forEach((k, v) -> {
            Tags tags = Tags.of("rule", k.get(0), "action", k.get(1));
            if (byNamespace) {
                tags = tags.and("namespace", k.get(2));
            }
            rows.add(MultiGauge.Row.of(tags, v));
        });
        if (leader) { // a scan that ends after this replica lost the lead leaves the series cleared
            findingsGauge.register(rows, true);
        }
    }
}
