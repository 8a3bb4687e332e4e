package dev.isvcpolicy.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a starting replica is kept unready for the policy ConfigMaps' first listing ({@link PolicyConfigMaps#waiting}). */
class PolicySyncGraceTest {

    private static final long GRACE = PolicyConfigMaps.SYNC_GRACE.toNanos();

    @Test
    void waitsUntilTheFirstListingWithinTheGrace() {
        assertTrue(PolicyConfigMaps.waiting(true, false, 0));
        assertTrue(PolicyConfigMaps.waiting(true, false, GRACE - 1));
        assertFalse(PolicyConfigMaps.waiting(true, true, 0), "listed: ready");
    }

    @Test
    void anApiServerOutOfReachDoesNotKeepTheWebhookDown() {
        assertFalse(PolicyConfigMaps.waiting(true, false, GRACE), "past the grace: ready with the start-up policy");
    }

    @Test
    void withoutLookupsThereIsNothingToWaitFor() {
        assertFalse(PolicyConfigMaps.waiting(false, false, 0), "webhook.cluster.lookups=false (bin/run-local, the tests)");
    }
}
