package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/** The audit category's background writer: every line exactly once, whole, in order, also under contention and at close. */
class AuditWriterTest {

    private static ExtLogRecord record(String line) {
        return new ExtLogRecord(Level.INFO, line, ExtLogRecord.FormatStyle.NO_FORMAT, AuditWriterTest.class.getName());
    }

    /** Counts the write calls, to see that lines are batched. */
    static final class CountingStream extends ByteArrayOutputStream {
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            super.write(b, off, len);
        }
    }

    @Test
    void everyLineAtMostOnceWholeAndInOrderPerThreadAndEveryOtherCountedWhileFourThreadsWriteMoreThanTheQueueHolds() throws Exception {
        CountingStream out = new CountingStream();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicInteger dropped = new AtomicInteger();
        AuditWriter writer = new AuditWriter(out, null, failures::add, dropped::incrementAndGet);
        int threads = 4;
        int perThread = AuditWriter.CAPACITY; // 4 x the capacity: producers never wait; what does not fit is dropped and counted
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread p = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    writer.publish(record("{\"t\":" + id + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}"));
                }
            });
            p.start();
            producers.add(p);
        }
        for (Thread p : producers) {
            p.join();
        }
        writer.close();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals("", lines[lines.length - 1], "ends with a newline");
        assertEquals(threads * perThread, lines.length - 1 + dropped.get(), "every line written once or counted as dropped");
        Map<Integer, Integer> next = new HashMap<>();
        for (int k = 0; k < lines.length - 1; k++) {
            String line = lines[k];
            assertTrue(line.startsWith("{\"t\":") && line.endsWith("\"}"), "whole line: " + line);
            int t = Integer.parseInt(line.substring(5, line.indexOf(',')));
            int i = Integer.parseInt(line.substring(line.indexOf("\"i\":") + 4, line.indexOf(",\"pad\"")));
            assertTrue(i >= next.getOrDefault(t, 0), "thread " + t + "'s lines in order, each once");
            next.put(t, i + 1);
        }
        assertTrue(out.writes.get() < (lines.length - 1) / 4, "batched: " + out.writes.get() + " writes for " + threads * perThread + " lines");
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void afterCloseALineIsWrittenAtOnceAndFlushWritesWhatIsQueued() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AuditWriter writer = new AuditWriter(out, null, why -> {
        }, () -> {
        });
        writer.publish(record("{\"a\":1}"));
        writer.flush();
        assertEquals("{\"a\":1}\n", out.toString(StandardCharsets.UTF_8), "flush writes what is queued");
        writer.close();
        writer.publish(record("{\"late\":true}"));
        assertEquals("{\"a\":1}\n{\"late\":true}\n", out.toString(StandardCharsets.UTF_8), "a line after close is not lost");
    }

    @Test
    void aBrokenStdoutIsCountedPerLineAndNeverThrows() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("pipe closed");
            }
        };
        List<String> failures = new CopyOnWriteArrayList<>();
        AuditWriter writer = new AuditWriter(broken, null, failures::add, () -> {
        });
        writer.publish(record("{\"a\":1}"));
        writer.publish(record("{\"b\":2}"));
        writer.close();
        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("pipe closed"), failures.get(0));
    }

    /** Waits (at most a minute, a liveness guard, not a timing target) until the condition holds. */
    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 6000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    @Test
    void aStalledStdoutNeverMakesTheCallerWaitAFullQueueDropsAndCounts() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream stalled = new OutputStream() { // a log collector that stopped reading: the first write hangs
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                writing.set(true);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.write(b, off, len);
            }
        };
        AtomicInteger dropped = new AtomicInteger();
        AuditWriter writer = new AuditWriter(stalled, null, why -> {
        }, dropped::incrementAndGet);
        writer.publish(record("{\"first\":0}"));
        await(writing::get, "the writer is stuck in its first write");
        int extra = 500;
        Thread producer = new Thread(() -> {
            for (int i = 0; i < AuditWriter.CAPACITY + extra; i++) {
                writer.publish(record("{\"i\":" + i + "}"));
            }
        });
        producer.start();
        producer.join(60_000);
        boolean finished = !producer.isAlive();
        release.countDown();
        producer.join();
        assertTrue(finished, "the caller never waits for a stalled stdout");
        assertEquals(extra, dropped.get(), "what did not fit in the queue is counted");
        writer.close();
        String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1 + AuditWriter.CAPACITY, lines.length, "the queued lines are written once stdout moves again");
    }

    @Test
    void linesAreWrittenWithoutFlushWhileBusyAndAfterTheWriterWentQuiet() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AuditWriter writer = new AuditWriter(new java.io.PrintStream(sink, true), null, why -> {
        }, () -> {
        });
        writer.publish(record("{\"busy\":1}"));
        await(() -> sink.toString(StandardCharsets.UTF_8).contains("{\"busy\":1}"), "a line is written by the writer's own drain");
        Thread.sleep(AuditWriter.QUIET_MILLIS + 500); // the writer now blocks on the queue: the next line must wake it
        writer.publish(record("{\"quiet\":2}"));
        await(() -> sink.toString(StandardCharsets.UTF_8).contains("{\"quiet\":2}"), "a line after a quiet spell wakes the writer");
        writer.close();
        assertEquals("{\"busy\":1}\n{\"quiet\":2}\n", sink.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theWriterSurvivesAnOutOfMemoryErrorAndWritesTheNextLines() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AtomicInteger calls = new AtomicInteger();
        OutputStream once = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (calls.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("Java heap space (thrown by the test)");
                }
                sink.write(b, off, len);
            }
        };
        List<String> failures = new CopyOnWriteArrayList<>();
        AuditWriter writer = new AuditWriter(once, null, failures::add, () -> {
        });
        writer.publish(record("{\"a\":1}"));
        await(() -> !failures.isEmpty(), "the failed batch is counted");
        assertEquals(List.of("OutOfMemoryError"), failures);
        writer.publish(record("{\"b\":2}"));
        await(() -> sink.toString(StandardCharsets.UTF_8).contains("{\"b\":2}"), "the background writer goes on after the error");
        writer.close();
        assertEquals("{\"b\":2}\n", sink.toString(StandardCharsets.UTF_8));
    }
}
