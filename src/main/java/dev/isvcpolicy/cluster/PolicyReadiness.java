package dev.isvcpolicy.cluster;

import dev.isvcpolicy.config.PolicyHolder;
import dev.isvcpolicy.policy.Exceptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The policy in force, in the readiness details ({@code /q/health/ready}): its hash, whether the policy
 * ConfigMap's current version is accepted or refused (and why), and the exceptions. DOWN only while a starting replica
 * waits for the first listing of the two ConfigMaps, at most {@link PolicyConfigMaps#SYNC_GRACE}, so that it never answers
 * with a policy the running replicas do not have; UP otherwise: a refused edit leaves the last good policy in force, and
 * the webhook keeps answering with it.
 */
@Readiness
@ApplicationScoped
public class PolicyReadiness implements HealthCheck {

    @Inject
    PolicyHolder holder;

    @Inject
    PolicyConfigMaps configMaps;

    @Inject
    NamespaceLabels namespaces;

    @Override
    public HealthCheckResponse call() {
        PolicyHolder.PolicySource source = holder.policySource();
        Exceptions exceptions = holder.decider().exceptions();
        Instant now = Instant.now();
        boolean waiting = configMaps.waitingForSync();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("policy").status(!waiting)
                .withData("policy", holder.settings().hash())
                .withData("policyConfigMap", source.state())
                .withData("policyConfigMapDetail", source.detail())
                .withData("exceptions", exceptions.entries().stream().filter(e -> !e.expiredAt(now)).count())
                .withData("exceptionsExpired", exceptions.entries().stream().filter(e -> e.expiredAt(now)).count())
                .withData("exceptionsInvalid", exceptions.problems().size())
                .withData("configMapsSynced", configMaps.synced())
                .withData("waitingForConfigMaps", waiting)
                .withData("namespaceLabelsSynced", namespaces.synced());
        String label = "rejected".equals(source.state()) ? "policyProblem" : "policyWarning";
        for (int i = 0; i < source.problems().size() && i < 10; i++) {
            b.withData(label + (i + 1), source.problems().get(i));
        }
        exceptions.problems().entrySet().stream().limit(10).forEach(e -> b.withData("invalidException." + cut(e.getKey()), cut(e.getValue())));
        exceptions.warnings().entrySet().stream().limit(10).forEach(e -> b.withData("exceptionWarning." + cut(e.getKey()), cut(e.getValue())));
        return b.build();
    }

    private static String cut(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
