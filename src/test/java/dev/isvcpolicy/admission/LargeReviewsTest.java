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

    /** Bytes of bodies held: four bodies of the largest size at most, every byte given back once. */
    @Test
    void bodiesHoldAtMostFourLargestBodiesOfBytes() {
        LargeReviews large = new LargeReviews();
        large.maxBodySize = new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(1000));
        assertEquals(4000, large.budget());
        LargeReviews.Hold first = large.open();
        assertTrue(first.grow(3000));
        LargeReviews.Hold second = large.open();
        assertFalse(second.grow(1001), "past the budget");
        assertEquals(3000, large.heldBytes(), "a refused hold counts nothing");
        assertTrue(second.grow(1000));
        first.release();
        first.release();
        assertEquals(1000, large.heldBytes(), "given back once, however often released");
        assertFalse(first.grow(1), "a released hold takes nothing more");
        second.release();
        assertEquals(0, large.heldBytes());
    }

    /**
     * A hold whose end never comes (Vert.x can start a pipelined request on a connection already closed, and never
     * report its end) is given back by the first hold made a second after the request deadline.
     */
    @Test
    void aHoldNeverReleasedIsGivenBackAfterTheDeadline() throws Exception {
        LargeReviews large = new LargeReviews();
        large.maxBodySize = new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.valueOf(1000));
        large.requestTimeout = java.time.Duration.ZERO;
        assertTrue(large.open().grow(4000));
        assertFalse(large.open().grow(1), "the budget is spent");
        Thread.sleep(1_100); // the deadline (zero here) and its second have passed
        assertTrue(large.open().grow(4000), "the forgotten hold was given back");
        assertEquals(4000, large.heldBytes());
    }
}
