package dev.isvcpolicy.audit;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.File;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import dev.isvcpolicy.policy.Texts;
import org.jboss.logging.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.SizeRotatingFileHandler;

/**
 * Writes one JSON line per admission decision to the log category {@value #CATEGORY}, whose handler
 * ({@link AuditWriter}) prints the message only, to stdout and, when {@code webhook.audit.file} is set,
 * to a size-rotated file. Nothing here can fail an admission: a line that cannot be written is counted
 * and said once; a line dropped because the writer's queue is full (stdout cannot keep up) is counted
 * and said at most once per {@value #DROP_LOG_INTERVAL_SECONDS} s.
 */
@Singleton
public class AuditLog {

    /** The log category of audit lines, e.g. to route them: {@code quarkus.log.category."isvc.audit"...}. */
    public static final String CATEGORY = "isvc.audit";

    private static final Logger AUDIT = Logger.getLogger(CATEGORY);
    private static final Logger LOG = Logger.getLogger(AuditLog.class);
    /** A loss of audit lines is logged at most once per this many seconds. */
    static final long DROP_LOG_INTERVAL_SECONDS = 60;

    @Inject
    WebhookConfig config;

    private volatile AuditWriter writer;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean saidFailure = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedSaid = new AtomicLong();
    private final AtomicLong lastDropLogNanos = new AtomicLong(System.nanoTime() - DROP_LOG_INTERVAL_SECONDS * 2_000_000_000L);

    void start(@Observes StartupEvent event) {
        SizeRotatingFileHandler file = config.audit().file().map(this::open).orElse(null);
        // System.out, not the raw descriptor: its lock keeps other log lines from landing inside a batch.
        writer = new AuditWriter(System.out, file, this::failed, this::lineDropped);
        org.jboss.logmanager.Logger category = org.jboss.logmanager.Logger.getLogger(CATEGORY);
        category.setUseParentHandlers(false);
        for (java.util.logging.Handler h : category.getHandlers()) {
            if (h instanceof AuditWriter) {
                category.removeHandler(h); // a previous start in this JVM (tests): its writer is closed
            }
        }
        category.addHandler(writer);
    }

    /** Writes what is queued; a line that comes later (a review still draining) is written directly. */
    void stop(@Observes ShutdownEvent event) {
        AuditWriter w = writer;
        if (w != null) {
            w.close();
        }
    }

    /** Writes the lines still waiting for the background writer (tests read the file right after). */
    public void flush() {
        AuditWriter w = writer;
        if (w != null) {
            w.flush();
        }
    }

    private SizeRotatingFileHandler open(String path) {
        try {
            SizeRotatingFileHandler handler = new SizeRotatingFileHandler(new File(path), true);
            handler.setRotateSize(config.audit().fileMaxBytes());
            handler.setMaxBackupIndex(config.audit().fileBackups());
            handler.setFormatter(new PatternFormatter("%s%n"));
            handler.setErrorManager(new ErrorManager() {
                @Override
                public synchronized void error(String msg, Exception ex, int code) {
                    failed(ex != null ? ex.toString() : msg);
                }
            });
            LOG.infof("audit lines also go to %s (rotated at %d bytes, %d backups)", path, config.audit().fileMaxBytes(),
                    config.audit().fileBackups());
            return handler;
        } catch (Exception e) {
            failed("cannot open " + path + ": " + e.getMessage());
            return null;
        }
    }

    /** Writes the record; never throws, whatever goes wrong ({@link OutOfMemoryError} included), and never waits. */
    public void write(AuditRecord record) {
        try {
            String line;
            try {
                line = record.line();
            } catch (Exception e) {
                line = "{\"uid\":" + quote(Texts.cut(record.uid)) + ",\"decision\":" + quote(record.decision)
                        + ",\"error\":\"audit line could not be encoded\"}";
            }
            AUDIT.info(line);
        } catch (Throwable e) {
            try {
                failed(e.getClass().getSimpleName());
            } catch (Throwable ignored) {
                // the line is lost; the review goes on
            }
        }
    }

    /** Audit lines dropped since start because the writer's queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Counts one dropped line; says so at most once per interval, with the count since it last said. */
    private void lineDropped() {
        long total = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = lastDropLogNanos.get();
        if (now - last >= DROP_LOG_INTERVAL_SECONDS * 1_000_000_000L && lastDropLogNanos.compareAndSet(last, now)) {
            long since = total - droppedSaid.getAndSet(total);
            LOG.warnf("%d audit lines dropped: the audit writer cannot keep up with stdout (queue of %d full); admissions go on,"
                    + " losses are counted in isvc_webhook_audit_dropped_total (said at most once per %d s)", since,
                    AuditWriter.CAPACITY, DROP_LOG_INTERVAL_SECONDS);
        }
    }

    /** Audit lines that could not be written since start. */
    public long failures() {
        return failures.get();
    }

    private void failed(String why) {
        failures.incrementAndGet();
        if (saidFailure.compareAndSet(false, true)) {
            LOG.warnf("an audit line could not be written (%s); admissions go on, failures are counted in isvc_webhook_audit_write_failures_total", why);
        }
    }

    private static String quote(String s) {
        // JSON's own escaping (control characters included), so the fallback line is one valid JSON object on one line.
        return s == null ? "null" : "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
