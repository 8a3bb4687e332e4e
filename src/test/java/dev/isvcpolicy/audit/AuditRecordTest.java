package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.isvcpolicy.patch.PatchOp;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit line's own encoding: the time stamp and patch values, without a running server. */
class AuditRecordTest {

    @Test
    void timeIsIso8601UtcAndReadsBackExactly() {
        for (Instant t : List.of(Instant.parse("2026-11-24T16:23:10.411394242Z"), Instant.parse("2026-11-24T16:23:00Z"),
                Instant.parse("2026-11-24T16:23:10.000000001Z"), Instant.parse("2026-12-31T23:59:59.999999999Z"),
                Instant.parse("2027-01-01T00:00:00.5Z"), Instant.parse("2026-11-24T16:23:10.1Z"))) {
            String text = AuditRecord.isoTime(t);
            assertEquals(t, Instant.parse(text), text);
            assertTrue(text.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z"), text);
        }
        // the cached second is re-formatted when the second changes, also backwards
        assertEquals("2026-11-24T16:23:11.000000000Z", AuditRecord.isoTime(Instant.parse("2026-11-24T16:23:11Z")));
        assertEquals("2026-11-24T16:23:10.000000007Z", AuditRecord.isoTime(Instant.parse("2026-11-24T16:23:10.000000007Z")));
    }

    @Test
    void lineIsOneJsonObjectWithScalarPatchValuesAndUnicodeIntact() throws Exception {
        AuditRecord r = new AuditRecord();
        r.endpoint = "mutate";
        r.uid = "u-1";
        r.name = "näme-\u2603";
        r.decision = "patched";
        r.patch = List.of(new PatchOp("add", "/spec/predictor/minReplicas", IntNode.valueOf(1), "default-min-replicas"),
                new PatchOp("add", "/spec/predictor/annotations/autoscaling.knative.dev~1target", TextNode.valueOf("2"), "knative-annotations"),
                new PatchOp("add", "/spec/predictor/annotations", new ObjectMapper().createObjectNode().put("a", "b"), "knative-annotations"));
        String line = r.line();
        assertTrue(!line.contains("\n"), line);
        var json = new ObjectMapper().readTree(line);
        assertEquals("näme-\u2603", json.path("name").asText());
        assertEquals(1, json.path("patch").get(0).path("value").asInt());
        assertTrue(json.path("patch").get(0).path("value").isInt());
        assertEquals("2", json.path("patch").get(1).path("value").asText());
        assertTrue(json.path("patch").get(1).path("value").isTextual());
        assertTrue(json.path("patch").get(2).path("value").isMissingNode(), "objects are never copied into the audit line");
        assertEquals(r.time, Instant.parse(json.path("time").asText()));
    }
}
