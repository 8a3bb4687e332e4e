package dev.isvcpolicy.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the engine over thousands of generated InferenceServices (jqwik prints the seed of a
 * failing run; rerun it with {@code @Property(seed = "...")}).
 */
class PolicyPropertiesTest {

    /** What a mutation may write: everything else must come out exactly as it went in. */
    static final Pattern OWNED = Pattern.compile(
            "^/metadata/annotations(/serving\\.kserve\\.io~1deploymentMode|/sidecar\\.opentelemetry\\.io~1inject)?$"
                    + "|^/spec/(predictor|transformer|explainer)/(minReplicas|scaleMetric|scaleTarget|autoScaling(/metrics.*)?"
                    + "|annotations(/autoscaling\\.knative\\.dev~1(class|metric|target)|/sidecar\\.opentelemetry\\.io~1inject)?)$");

    record Case(ObjectNode object, Operation operation, JsonNode old, Optional<DeploymentMode> clusterDefault, PolicySettings settings) {
        PolicyEngine.Input input(ObjectNode o) {
            return new PolicyEngine.Input(operation, o.deepCopy(), old, "default", clusterDefault);
        }

        @Override
        public String toString() {
            return operation + " " + clusterDefault + " auditOnly=" + settings.auditOnly() + " prometheus="
                    + settings.get(dev.isvcpolicy.policy.rules.KedaMetricsRule.PROMETHEUS_SERVER_ADDRESS).isPresent() + " " + object;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<PolicySettings> settings = Arbitraries.of(
                PolicySettings.defaults(),
                PolicySettings.from(Map.of("webhook.keda.prometheus-server-address", "http://prometheus:9090",
                        "webhook.keda.concurrency-query", "sum(c{ns=\"{namespace}\",pod=~\"{component}.*\"})",
                        "webhook.keda.rps-query", "sum(rate(r{isvc=\"{name}\"}[1m]))")),
                PolicySettings.from(Map.of("webhook.audit-only", "true", "webhook.replicas.max-ceiling", "10",
                        "webhook.gpu.max-per-replica", "2", "webhook.gpu.max-per-service", "8")));
        return net.jqwik.api.Combinators.combine(IsvcArbitraries.inferenceService(), Arbitraries.of(Operation.CREATE, Operation.UPDATE),
                        Arbitraries.of("", "Knative", "Serverless", "Standard", "RawDeployment"),
                        Arbitraries.of("", "Knative", "Standard", "ModelMesh"), settings)
                .as((object, operation, statusMode, cluster, s) -> {
                    ObjectNode old = null;
                    if (operation == Operation.UPDATE) {
                        old = object.deepCopy();
                        if (!statusMode.isEmpty()) {
                            old.putObject("status").put("deploymentMode", statusMode);
                        }
                    }
                    return new Case(object, operation, old, DeploymentMode.parse(cluster), s);
                });
    }

    private static PolicyEngine engine(Case c) {
        return new PolicyEngine(c.settings());
    }

    @Property(tries = 2500)
    void thePatchAppliesAndTouchesOnlyWhatMutationsOwn(@ForAll("cases") Case c) {
        PolicyEngine.MutationResult result = engine(c).mutate(c.input(c.object()));
        net.jqwik.api.statistics.Statistics.label("mode").collect(result.context().mode());
        net.jqwik.api.statistics.Statistics.label("patch").collect(result.ops().isEmpty() ? "none" : result.ops().size() > 3 ? "4+ ops" : "1-3 ops");
        net.jqwik.api.statistics.Statistics.label("validate").collect(engine(c).validate(c.input(result.mutated())).allowed() ? "allowed" : "denied");
        JsonNode patched = JsonPatch.apply(PatchOp.toJson(result.ops()), c.object());
        assertEquals(result.mutated(), patched, "the patch, applied to the request's object, gives what the rules produced");
        for (JsonNode op : JsonDiff.asJson(c.object(), patched)) {
            String path = op.path("path").asText();
            assertTrue(OWNED.matcher(path).matches(), "changed " + path + ", which no mutation owns: " + op);
            if ("remove".equals(op.path("op").asText())) {
                assertTrue(path.matches("^/spec/(predictor|transformer|explainer)/(scaleMetric|scaleTarget)$")
                        || path.matches(".*annotations/autoscaling\\.knative\\.dev~1(metric|target)$"), "removed " + path);
            }
        }
        assertTrue(c.object().path("spec").path("canary").equals(patched.path("spec").path("canary")), "no mutation touches a canary");
    }

    @Property(tries = 2500)
    void mutatingTheResultAgainAddsNothing(@ForAll("cases") Case c) {
        PolicyEngine e = engine(c);
        PolicyEngine.MutationResult first = e.mutate(c.input(c.object()));
        PolicyEngine.MutationResult second = e.mutate(c.input(first.mutated()));
        assertEquals(List.of(), second.ops().stream().map(op -> op.op() + " " + op.path() + " " + op.value()).toList());
    }

    @Property(tries = 2500)
    void validateNeverDeniesForSomethingMutateWrote(@ForAll("cases") Case c) {
        PolicyEngine e = engine(c);
        PolicyEngine.MutationResult mutated = e.mutate(c.input(c.object()));
        // scale-metric-alias only respells the user's own value (qps is rps): it introduces nothing
        List<String> written = mutated.ops().stream().filter(op -> !op.ruleId().equals("scale-metric-alias")).map(PatchOp::path).toList();
        List<Finding> before = e.validate(c.input(c.object())).findings().stream()
                .filter(f -> f.action() == Action.DENY || f.auditOnly()).toList();
        Set<String> deniedBefore = before.stream().map(Finding::ruleId).collect(Collectors.toSet());
        Set<String> deniedPathsBefore = before.stream().map(Finding::path).collect(Collectors.toSet());
        for (Finding f : e.validate(c.input(mutated.mutated())).findings()) {
            if (f.action() != Action.DENY && !f.auditOnly()) {
                continue;
            }
            String pointer = pointer(f.path());
            boolean onWrittenField = written.stream().anyMatch(w -> pointer.equals(w) || pointer.startsWith(w + "/") || w.startsWith(pointer + "/"));
            // a field the webhook wrote may be denied only if it was already denied (same rule, or the same field)
            assertTrue(!onWrittenField || deniedBefore.contains(f.ruleId()) || deniedPathsBefore.contains(f.path()),
                    "denied what /mutate wrote: " + f + " (patch " + written + ")");
        }
    }

    /** {@code spec.a.b[0].c[key/x]} as a JSON Pointer. */
    static String pointer(String path) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < path.length()) {
            char ch = path.charAt(i);
            if (ch == '.') {
                i++;
            } else if (ch == '[') {
                int end = path.indexOf(']', i);
                out.append('/').append(path.substring(i + 1, end).replace("~", "~0").replace("/", "~1"));
                i = end + 1;
            } else {
                int end = i;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                out.append('/').append(path, i, end);
                i = end;
            }
        }
        return out.toString();
    }
}
