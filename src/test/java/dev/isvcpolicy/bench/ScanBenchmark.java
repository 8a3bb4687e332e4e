package dev.isvcpolicy.bench;

import dev.isvcpolicy.cluster.SlimObjects;
import dev.isvcpolicy.policy.ClusterState;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import dev.isvcpolicy.scan.Reports;
import dev.isvcpolicy.scan.Scanner;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The background scan's cost (issue 17): judges N cached (slim) InferenceServices in 100 namespaces with the
 * default policy and builds the reports; prints CPU time per object and the whole scan's duration.
 * {@code bench/scan.sh [objects]} (default 10000).
 */
public final class ScanBenchmark {

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        List<GenericKubernetesResource> objects = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GenericKubernetesResource r = new GenericKubernetesResource();
            r.setApiVersion("serving.kserve.io/v1beta1");
            r.setKind("InferenceService");
            r.setMetadata(new ObjectMetaBuilder().withName("m-" + i).withNamespace("ns-" + (i % 100)).withUid("uid-" + i)
                    .withResourceVersion(String.valueOf(i)).withAnnotations(Map.of("serving.kserve.io/deploymentMode", "Standard")).build());
            r.setAdditionalProperty("spec", Map.of("predictor", Map.of("scaleMetric", "cpu", "scaleTarget", i % 10 == 0 ? 101 : 60,
                    "minReplicas", 1, "maxReplicas", 4, "model", Map.of("modelFormat", Map.of("name", "sklearn")))));
            objects.add(SlimObjects.inferenceService(r));
        }
        Decider decider = Scanner.forScan(new Decider(new PolicyEngine(PolicySettings.defaults())));
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT
            long cpu0 = bean.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            var scanned = Scanner.judge(Map.of(Kind.INFERENCE_SERVICE, objects), decider, ClusterState.NONE);
            var reports = Reports.build(scanned, Reports.Format.POLICY_REPORT, Instant.now());
            long wall = System.nanoTime() - t0;
            long cpu = bean.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("round %d: %d objects, %d reports: scan %.1f ms, CPU %.1f us per object%n", round, scanned.size(), reports.size(),
                    wall / 1e6, cpu / 1e3 / n);
        }
    }
}
