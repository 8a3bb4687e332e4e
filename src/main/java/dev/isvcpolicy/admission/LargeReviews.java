package dev.isvcpolicy.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Where large reviews are judged: not on the event loops, which serve every other review too, but on
 * one thread of their own, one review at a time, with at most {@value #QUEUE} waiting. A 3 MB object
 * with 36,000 containers then costs that thread a few hundred milliseconds, and the small reviews of
 * everyone else keep the event loops (and most of the CPU) to themselves. A large review that finds
 * the queue full is answered at once with a retryable refusal (429), never left to wait without bound.
 */
@ApplicationScoped
public class LargeReviews {

    /** Bodies of at least this many bytes are large; a typical InferenceService review is 2 to 20 KiB. */
    public static final int THRESHOLD_BYTES = 256 * 1024;
    /** Bodies over this many bytes count in {@link #budget()}; smaller ones, the everyday reviews, never do. */
    public static final int HELD_FROM_BYTES = 16 * 1024;
    /** Large reviews waiting for the thread at most; with the one being judged, at most 5 bodies held. */
    public static final int QUEUE = 4;

    private final AtomicLong rejected = new AtomicLong();

    /** Bytes of request bodies held now ({@link #hold}). */
    private final AtomicLong held = new AtomicLong();

    @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
    MemorySize maxBodySize;

    /**
     * How many bytes of request bodies may be held at once, from their first bytes to their answer: four bodies of
     * the largest size ({@code quarkus.http.limits.max-body-size}, 16 MiB at 4 MiB). Without it, some twenty 4 MiB
     * bodies arriving at once filled the pod's 128 MiB heap before any reached the queue below, and the JVM exited.
     */
    public long budget() {
        return 4 * maxBodySize.asLongValue();
    }

    /**
     * Counts {@code bytes} more of a body being held; false, counting nothing, when that would pass {@link #budget()}.
     * Every byte held is given back with {@link #release}.
     */
    boolean hold(long bytes) {
        if (held.addAndGet(bytes) > budget()) {
            held.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Gives back {@code bytes} held by a body whose answer is written or whose connection is gone. */
    void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes of request bodies held now. */
    public long heldBytes() {
        return held.get();
    }

    /** {@code isvc_webhook_large_reviews_rejected_total}: registered here, beside what it counts. */
    void metrics(@Observes StartupEvent event, MeterRegistry registry) {
        FunctionCounter.builder("isvc.webhook.large.reviews.rejected", this, LargeReviews::rejectedCount)
                .description("Reviews of large bodies answered 429 because as many as allowed were already held or being judged").register(registry);
    }
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
        Thread t = new Thread(r, "large-reviews");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.AbortPolicy());

    /** True for a body judged here rather than on the event loop. */
    public static boolean isLarge(byte[] body) {
        return body != null && body.length >= THRESHOLD_BYTES;
    }

    /** The executor of large reviews; its {@code execute} throws {@link RejectedExecutionException} when the queue is full. */
    public Executor executor() {
        return executor;
    }

    /** Counts a large review refused because the queue was full. */
    void rejected() {
        rejected.incrementAndGet();
    }

    /** Large reviews refused since start because the queue was full. */
    public long rejectedCount() {
        return rejected.get();
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdown();
    }
}
