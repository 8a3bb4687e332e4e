package dev.isvcpolicy.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.handlers.SizeRotatingFileHandler;

/**
 * The handler of the audit category: one background thread writes the lines to stdout (and to the
 * audit file, when there is one) in batches, so that a review costs no write system call and no
 * thread wake-up of its own. While lines keep coming the writer drains the queue every
 * {@value #DRAIN_MILLIS} ms on its own timer, so a review only queues its line and never signals a
 * thread (at admission's pace that wake-up and the writer's run right after it cost more than the
 * line: docs/performance.md); after {@value #QUIET_MILLIS} ms without a line the writer blocks on the
 * queue instead, and the next line wakes it (an idle webhook has no timer running). The caller never
 * waits for the writer: reviews run on the event loops,
 * and a stalled stdout (a slow log collector, a full pipe) or a dead writer must not stop admissions.
 * When {@value #CAPACITY} lines are waiting, a new line is dropped and counted ({@code dropped}), and
 * the writer survives any error of its own, {@link OutOfMemoryError} included: the lines of the batch it
 * was writing are counted as failed and it goes on with the next. After {@link #close()} lines are
 * written at once, on the caller's thread.
 */
final class AuditWriter extends ExtHandler {

    static final int CAPACITY = 8192;
    /** While lines keep coming, the queue is drained this often: a line waits at most this long to be written. */
    static final long DRAIN_MILLIS = 20;
    /** After this long without a line, the writer blocks until the next one. */
    static final long QUIET_MILLIS = 1000;
    /** A write never splits a line; a batch goes out in writes of about this size. */
    private static final int CHUNK = 64 * 1024;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final OutputStream stdout;
    private final SizeRotatingFileHandler file;
    private final Consumer<String> failed;
    private final Runnable dropped;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param failed  told once per line that could not be written, with the reason
     * @param dropped told once per line dropped because the queue was full
     */
    AuditWriter(OutputStream stdout, SizeRotatingFileHandler file, Consumer<String> failed, Runnable dropped) {
        this.stdout = stdout;
        this.file = file;
        this.failed = failed;
        this.dropped = dropped;
        if (file != null) {
            file.setAutoFlush(false);
        }
        this.thread = new Thread(this::run, "audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doPublish(ExtLogRecord record) {
        String line = record.getFormattedMessage();
        if (line == null) {
            return;
        }
        if (!closed) {
            if (!queue.offer(line)) {
                dropped.run();
            }
            return;
        }
        synchronized (this) {
            write(List.of(line));
        }
    }

    /** Writes what is waiting, now (tests, shutdown). */
    @Override
    public void flush() {
        List<String> batch = new ArrayList<>();
        synchronized (this) {
            queue.drainTo(batch);
            write(batch);
        }
    }

    /** Stops the thread after writing everything queued; later lines are written directly. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        if (file != null) {
            file.close();
        }
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        long lastLine = System.nanoTime();
        while (!closed) {
            try {
                String first = queue.poll();
                if (first == null && System.nanoTime() - lastLine > TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
                    first = queue.poll(1, TimeUnit.SECONDS); // quiet: the next line wakes the writer
                }
                if (first != null) {
                    lastLine = System.nanoTime();
                    batch.add(first);
                    synchronized (this) {
                        queue.drainTo(batch);
                        write(batch);
                    }
                    batch.clear();
                }
                if (System.nanoTime() - lastLine <= TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
                    Thread.sleep(DRAIN_MILLIS); // busy: drain on our own timer, nobody signals this thread
                }
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (Throwable e) { // OutOfMemoryError included: the writer must outlive any batch
                int lost = Math.max(1, batch.size());
                batch.clear();
                try {
                    for (int i = 0; i < lost; i++) {
                        failed.accept(e.getClass().getSimpleName());
                    }
                } catch (Throwable ignored) {
                    // nothing left to tell it with; the next batch is written as usual
                }
            }
        }
    }

    /** Callers hold the lock: lines leave in the order they were queued. */
    private void write(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream(Math.min(CHUNK, lines.size() * 1024) + 1024);
            for (String line : lines) {
                chunk.write(line.getBytes(StandardCharsets.UTF_8));
                chunk.write('\n');
                if (chunk.size() >= CHUNK) {
                    chunk.writeTo(stdout);
                    chunk.reset();
                }
            }
            chunk.writeTo(stdout);
            stdout.flush();
            if (stdout instanceof PrintStream p && p.checkError()) {
                throw new IOException("stdout is closed or broken");
            }
        } catch (IOException e) {
            lines.forEach(line -> failed.accept("stdout: " + e.getMessage()));
        }
        if (file != null) {
            for (String line : lines) {
                ExtLogRecord r = new ExtLogRecord(Level.INFO, line, ExtLogRecord.FormatStyle.NO_FORMAT, AuditWriter.class.getName());
                r.setLoggerName(AuditLog.CATEGORY);
                file.publish(r);
            }
            file.flush();
        }
    }
}
