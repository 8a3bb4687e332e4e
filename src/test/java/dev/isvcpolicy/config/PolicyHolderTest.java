package dev.isvcpolicy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.PolicySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live policy's rules without a cluster: layering, refusal whole, last good kept, counted once per version. */
class PolicyHolderTest {

    @Test
    void theConfigMapWinsAnInvalidVersionIsRefusedWholeAndCountedOnce() {
        PolicySettings startup = PolicySettings.from(Map.of("webhook.rules.gpu-scaling-metric", "deny", "webhook.audit-only", "false"));
        PolicyHolder h = PolicyHolder.of(startup);
        assertEquals(startup.hash(), h.settings().hash());

        assertTrue(h.policyData(Map.of("webhook.audit-only", "true")));
        assertTrue(h.settings().auditOnly(), "the ConfigMap's value wins over the start-up one");
        assertEquals(Action.DENY, h.settings().actionFor("gpu-scaling-metric").orElseThrow(), "start-up keys it does not name stay");
        String good = h.settings().hash();

        Map<String, String> bad = new HashMap<>(Map.of("webhook.audit-only", "false", "webhook.tls.cert-file", "/x"));
        for (int i = 0; i < 40; i++) {
            bad.put("webhook.nonsense-" + i, "x".repeat(500));
        }
        assertFalse(h.policyData(bad));
        assertTrue(h.rejected());
        assertEquals(good, h.settings().hash(), "the last good policy stays; no key of the refused version is taken");
        assertEquals(1, h.rejections());
        assertTrue(h.policySource().problems().stream().anyMatch(p -> p.startsWith("webhook.tls.cert-file")), "plumbing keys are not policy");
        assertTrue(h.policySource().problems().stream().allMatch(p -> p.length() <= PolicyHolder.MAX_PROBLEM + 3), "problem lines are bounded");
        assertFalse(h.policyData(bad), "the same version again (a resync)");
        assertEquals(1, h.rejections(), "counted once per version");

        assertTrue(h.policyData(null), "deleted: the start-up policy");
        assertEquals(startup.hash(), h.settings().hash());
        assertFalse(h.rejected());
    }

    /** The same data again (a relabelled ConfigMap, a resync) changes nothing, not even the Decider the scan fingerprints. */
    @Test
    void theSameDataAgainKeepsTheDeciderAndAValueCannotBreakALine() {
        PolicyHolder h = PolicyHolder.of(PolicySettings.defaults());
        assertTrue(h.policyData(Map.of("webhook.audit-only", "true")));
        h.exceptionData(Map.of("e", "{namespace: a, name: b, rules: [scale-to-zero], reason: r}"));
        var decider = h.decider();
        assertTrue(h.policyData(new HashMap<>(Map.of("webhook.audit-only", "true"))));
        h.exceptionData(new HashMap<>(Map.of("e", "{namespace: a, name: b, rules: [scale-to-zero], reason: r}")));
        assertSame(decider, h.decider(), "nothing was parsed again");
        assertFalse(h.policyData(Map.of("webhook.audit-only", "yes\nFORGED LINE")));
        assertTrue(h.policySource().problems().stream().noneMatch(p -> p.contains("\n")), h.policySource().problems().toString());
    }

    @Test
    void aConfigMapKeyWinsInAnyAcceptedSpelling() {
        PolicySettings startup = PolicySettings.from(Map.of("webhook.audit-only", "false", "webhook.rules.scale-to-zero", "deny"));
        PolicyHolder h = PolicyHolder.of(startup);
        assertTrue(h.policyData(Map.of("WEBHOOK_AUDIT_ONLY", "true", "webhook.Rules.scale-to-zero", "warn")));
        assertTrue(h.settings().auditOnly(), "the ConfigMap's value wins, spelled as an environment name");
        assertEquals(Action.WARN, h.settings().actionFor("scale-to-zero").orElseThrow(), "the ConfigMap's value wins, in another case");
        assertEquals(PolicySettings.from(Map.of("webhook.audit-only", "true", "webhook.rules.scale-to-zero", "warn")).hash(), h.settings().hash());
    }

    @Test
    void twoSpellingsOfOneKeyInOneVersionAreReadAsBeforeAndSaid() {
        PolicyHolder h = PolicyHolder.of(PolicySettings.defaults());
        assertTrue(h.policyData(Map.of("webhook.audit-only", "false", "WEBHOOK_AUDIT_ONLY", "true")));
        assertFalse(h.settings().auditOnly(), "the key as written wins over its environment name, as it always did");
        assertEquals("accepted", h.policySource().state());
        assertEquals(List.of("webhook.audit-only: given twice, as WEBHOOK_AUDIT_ONLY and webhook.audit-only; the second is read: keep one"),
                h.policySource().problems());
    }

    @Test
    void aVersionWithValuesAcceptedBeforeTheyWereCheckedIsTakenWithWarnings() {
        PolicyHolder h = PolicyHolder.of(PolicySettings.from(Map.of("webhook.gpu.max-per-replica", "+4")));
        assertTrue(h.policyData(Map.of("webhook.audit-only", "true", "webhook.rules.default-min-replicas", "deny",
                "webhook.exempt-namespaces", "kube-system,team-*")), "an upgrade meets a ConfigMap that worked: it keeps working");
        assertTrue(h.settings().auditOnly(), "audit-only stays in force");
        assertEquals("accepted", h.policySource().state());
        assertTrue(h.policySource().detail().endsWith(", 2 warnings"), h.policySource().detail());
        assertEquals(2, h.policySource().problems().size(), "the ConfigMap's own warnings, not the start-up ones: " + h.policySource().problems());
        assertTrue(h.policySource().problems().stream().anyMatch(w -> w.startsWith("webhook.exempt-namespaces=kube-system,team-*: team-* is not")),
                h.policySource().problems().toString());
    }

    @Test
    void exceptionsKeepThePolicyAndThePolicyKeepsTheExceptions() {
        PolicyHolder h = PolicyHolder.of(PolicySettings.defaults());
        h.exceptionData(Map.of("e", "{namespace: a, name: b, rules: [scale-to-zero], reason: r}"));
        assertTrue(h.policyData(Map.of("webhook.audit-only", "true")));
        assertEquals(1, h.decider().exceptions().entries().size(), "a policy edit keeps the exceptions");
        h.exceptionData(null);
        assertTrue(h.decider().settings().auditOnly(), "an exceptions edit keeps the policy");
        assertTrue(h.decider().exceptions().entries().isEmpty());
    }
}
