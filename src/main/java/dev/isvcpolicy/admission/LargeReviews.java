package dev.isvcpolicy.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
    /** Large reviews waiting for the thread at most; with the one being judged, at most 5 bodies held. */
    public static final int QUEUE = 4;

    private final AtomicLong rejected = new AtomicLong();

    /** {@code isvc_webhook_large_reviews_rejected_total}: registered here, beside what it counts. */
    void metrics(@Observes StartupEvent event, MeterRegistry registry) {
        FunctionCounter.builder("isvc.webhook.large.reviews.rejected", this, LargeReviews::rejectedCount)
                .description("Reviews of large bodies answered 429 because as many as allowed were already being judged").register(registry);
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
