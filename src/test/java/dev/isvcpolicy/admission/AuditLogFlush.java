package dev.isvcpolicy.admission;

import dev.isvcpolicy.audit.AuditLog;
import jakarta.enterprise.inject.spi.CDI;

/** Writes the audit lines still queued, so a test reads them at once. */
final class AuditLogFlush {

    private AuditLogFlush() {
    }

    static void flush() {
        Trails.settle();
        CDI.current().select(AuditLog.class).get().flush();
    }
}
