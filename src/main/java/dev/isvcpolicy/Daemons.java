package dev.isvcpolicy;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background threads of the webhook: each a single named daemon thread, so none keeps the JVM from exiting. */
public final class Daemons {

    private Daemons() {
    }

    /** A scheduler running on one daemon thread named {@code name} (as thread dumps and JFR show it). */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
