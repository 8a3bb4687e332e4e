package dev.isvcpolicy.audit;

import dev.isvcpolicy.config.WebhookConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.File;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Level;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.SizeRotatingFileHandler;

/**
 * Writes one JSON line per admission decision to the log category {@value #CATEGORY} (stdout, its own
 * handler, message only) and, when {@code webhook.audit.file} is set, to a size-rotated file. Nothing
 * here can fail an admission: a line that cannot be written is counted and said once.
 */
@ApplicationScoped
public class AuditLog {

    /** The log category of audit lines, e.g. to route them: {@code quarkus.log.category."isvc.audit"...}. */
    public static final String CATEGORY = "isvc.audit";

    private static final Logger AUDIT = Logger.getLogger(CATEGORY);
    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    @Inject
    WebhookConfig config;

    private volatile SizeRotatingFileHandler file;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean saidFailure = new AtomicBoolean();

    void start(@Observes StartupEvent event) {
        config.audit().file().ifPresent(this::open);
    }

    void stop(@Observes ShutdownEvent event) {
        SizeRotatingFileHandler f = file;
        if (f != null) {
            f.close();
        }
    }

    private void open(String path) {
        try {
            File target = new File(path);
            SizeRotatingFileHandler handler = new SizeRotatingFileHandler(target, true);
            handler.setRotateSize(config.audit().fileMaxBytes());
            handler.setMaxBackupIndex(config.audit().fileBackups());
            handler.setFormatter(new PatternFormatter("%s%n"));
            handler.setAutoFlush(true);
            handler.setErrorManager(new ErrorManager() {
                @Override
                public synchronized void error(String msg, Exception ex, int code) {
                    failed(ex != null ? ex.toString() : msg);
                }
            });
            file = handler;
            LOG.infof("audit lines also go to %s (rotated at %d bytes, %d backups)", path, config.audit().fileMaxBytes(),
                    config.audit().fileBackups());
        } catch (Exception e) {
            failed("cannot open " + path + ": " + e.getMessage());
        }
    }

    /** Writes the record; never throws. */
    public void write(AuditRecord record) {
        String line;
        try {
            line = record.line();
        } catch (Exception e) {
            line = "{\"uid\":" + quote(record.uid) + ",\"decision\":" + quote(record.decision) + ",\"error\":\"audit line could not be encoded\"}";
        }
        try {
            AUDIT.info(line);
        } catch (RuntimeException e) {
            failed("stdout: " + e);
        }
        SizeRotatingFileHandler f = file;
        if (f != null) {
            try {
                ExtLogRecord r = new ExtLogRecord(Level.INFO, line, ExtLogRecord.FormatStyle.NO_FORMAT, AuditLog.class.getName());
                r.setLoggerName(CATEGORY);
                f.publish(r);
            } catch (RuntimeException e) {
                failed(e.toString());
            }
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
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
