package dev.isvcpolicy.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what a logger (and its children) publishes, formatted, while it is attached. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    public final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(String category) {
        this.logger = Logger.getLogger(category);
        logger.addHandler(this);
    }

    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    @Override
    public void publish(LogRecord r) {
        String msg = r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0) {
            try {
                msg = String.format(msg, r.getParameters()) + " " + java.util.Arrays.toString(r.getParameters());
            } catch (RuntimeException e) {
                msg = msg + " " + java.util.Arrays.toString(r.getParameters());
            }
        }
        lines.add(msg + (r.getThrown() != null ? " " + r.getThrown() : ""));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
