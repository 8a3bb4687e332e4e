package dev.isvcpolicy.admission;

import jakarta.enterprise.inject.spi.CDI;

/**
 * Waits until every answered review has left its audit line and metrics: the routes write the answer first
 * and the trail after it, so a test that reads the trail right after an answer waits here first.
 */
public final class Trails {

    private Trails() {
    }

    /** In a Quarkus test, waits (at most 10 s, then fails) for the trails; outside one (no CDI), does nothing. */
    public static void settle() {
        AdmissionHandler handler;
        try {
            handler = CDI.current().select(AdmissionHandler.class).get();
        } catch (IllegalStateException notInAnApplication) {
            return;
        }
        if (!handler.awaitTrails(10_000)) {
            throw new AssertionError("reviews answered 10 s ago have still not left their audit line and metrics");
        }
    }
}
