package dev.isvcpolicy.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.isvcpolicy.policy.Exceptions;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RULES.md §5: an expired exception is said once by the scan; renewed and expired anew, it is said again. */
class ExpiredExceptionsTest {

    private static final Instant JAN_2 = Instant.parse("2026-01-02T12:00:00Z");

    private static List<String> said(Exceptions ex, Instant now, Set<String> memory) {
        return Scanner.newlyExpired(ex, now, memory).stream().map(Exceptions.Entry::key).toList();
    }

    @Test
    void eachExpiryIsSaidOnce() {
        Exceptions ex = Exceptions.parse(Map.of(
                "old", "{namespace: a, name: x, rules: [scale-target], reason: r, expires: 2026-01-01}",
                "later", "{namespace: a, name: y, rules: [scale-target], reason: r, expires: 2026-01-05}",
                "forever", "{namespace: a, name: z, rules: [scale-target], reason: r}"));
        Set<String> memory = new HashSet<>();
        assertEquals(List.of("old"), said(ex, JAN_2, memory));
        assertEquals(List.of(), said(ex, JAN_2.plusSeconds(60), memory), "not again on the next scan");
        assertEquals(List.of("later"), said(ex, Instant.parse("2026-01-06T00:00:00Z"), memory), "a second one, when it expires");

        Exceptions renewed = Exceptions.parse(Map.of(
                "old", "{namespace: a, name: x, rules: [scale-target], reason: r, expires: 2026-03-01}",
                "later", "{namespace: a, name: y, rules: [scale-target], reason: r, expires: 2026-01-05}"));
        assertEquals(List.of(), said(renewed, Instant.parse("2026-01-06T00:00:00Z"), memory));
        assertEquals(List.of("old"), said(renewed, Instant.parse("2026-03-02T00:00:00Z"), memory), "renewed, then expired anew");
        assertEquals(Set.of("old@2026-03-02T00:00:00Z", "later@2026-01-06T00:00:00Z"), memory, "only current expiries are kept");
    }
}
