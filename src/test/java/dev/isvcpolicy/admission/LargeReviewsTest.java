package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Large reviews: judged one at a time off the event loops, a bounded number waiting, the rest refused at once. */
class LargeReviewsTest {

    @Test
    void oneAtATimeAndABoundedQueue() throws Exception {
        LargeReviews large = new LargeReviews();
        assertFalse(LargeReviews.isLarge(new byte[LargeReviews.THRESHOLD_BYTES - 1]));
        assertTrue(LargeReviews.isLarge(new byte[LargeReviews.THRESHOLD_BYTES]));
        assertFalse(LargeReviews.isLarge(null));

        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        large.executor().execute(() -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(60, TimeUnit.SECONDS));
        CountDownLatch done = new CountDownLatch(LargeReviews.QUEUE);
        for (int i = 0; i < LargeReviews.QUEUE; i++) {
            large.executor().execute(done::countDown);
        }
        assertThrows(RejectedExecutionException.class, () -> large.executor().execute(() -> {
        }), "one more than the queue holds is refused at once, never waits");
        release.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "the queued ones run after");
        large.executor().execute(() -> {
        });
        assertEquals(0, large.rejectedCount());
        large.rejected();
        assertEquals(1, large.rejectedCount());
    }

    /** Bytes of bodies held: four bodies of the largest size at most, every byte given back. */
    @Test
    void bodiesHoldAtMostFourLargestBodiesOfBytes() {
        LargeReviews large = new LargeReviews();
        large.maxBodySize = new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(1000));
        assertEquals(4000, large.budget());
        assertTrue(large.hold(3000));
        assertFalse(large.hold(1001), "past the budget");
        assertEquals(3000, large.heldBytes(), "a refused hold counts nothing");
        assertTrue(large.hold(1000));
        large.release(4000);
        assertEquals(0, large.heldBytes());
        assertTrue(large.hold(4000));
    }
}
