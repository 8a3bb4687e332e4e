package dev.isvcpolicy.admission;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
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

    /** Holds not yet given back, oldest first; only bodies over {@link #HELD_FROM_BYTES} have one. */
    private final ConcurrentLinkedQueue<Hold> holds = new ConcurrentLinkedQueue<>();

    /** The request deadline ({@code webhook.http.request-timeout}); no request holds bytes past it and a second. */
    @ConfigProperty(name = "webhook.http.request-timeout", defaultValue = "15s")
    Duration requestTimeout;

    /**
     * A hold for one body's bytes, counted in {@link #budget()} with {@link Hold#grow} and given back once with
     * {@link Hold#release}, at its answer or its connection's end; or, if neither ever comes, by the next hold made a
     * second after the request deadline: Vert.x 4.5 can start a pipelined request on a connection that closed while the
     * request before it was judged, and that request's end is then never reported.
     */
    Hold open() {
        long now = System.nanoTime();
        long oldest = now - (requestTimeout == null ? Duration.ofSeconds(15) : requestTimeout).plusSeconds(1).toNanos();
        for (Iterator<Hold> it = holds.iterator(); it.hasNext();) {
            Hold h = it.next();
            if (h.released() || h.since - oldest < 0) {
                h.release();
                it.remove();
            }
        }
        Hold hold = new Hold(now);
        holds.add(hold);
        return hold;
    }

    /** One body's bytes in the budget. */
    final class Hold {
        private final long since;
        private long bytes;
        private boolean released;

        private Hold(long since) {
            this.since = since;
        }

        /** Counts {@code more} bytes of this body; false, counting nothing, when that would pass {@link #budget()}. */
        synchronized boolean grow(long more) {
            if (released) {
                return false;
            }
            if (held.addAndGet(more) > budget()) {
                held.addAndGet(-more);
                return false;
            }
            bytes += more;
            return true;
        }

        /** Gives back every byte of this body, once. */
        synchronized void release() {
            if (!released) {
                released = true;
                held.addAndGet(-bytes);
                bytes = 0;
            }
        }

        synchronized boolean released() {
            return released;
        }
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
