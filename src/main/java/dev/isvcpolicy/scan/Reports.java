package dev.isvcpolicy.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Finding;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pure: turns the scan's decisions into one report per namespace (RULES.md §8). No client, no clock of
 * its own: the scanner passes the time, and {@link #comparable(JsonNode)} strips it again so a report is
 * only written when its results change.
 */
public final class Reports {

    /** The report's name in every namespace. */
    public static final String NAME = "isvc-autoscaling-policy";
    /** {@code results[].policy}. */
    public static final String POLICY = "isvc-autoscaling";
    /** {@code results[].source} and the managed-by label. */
    public static final String SOURCE = "isvc-autoscaling-webhook";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Results one report holds at most: beyond it, {@code fail} results are kept first, then {@code warn}, {@code skip}
     * and {@code pass}; the summary still counts every result, and the annotation {@link #OMITTED} says how many were
     * left out. A result is about 300 to 900 bytes (a pass; a long warning on a 63-character name), so {@link #MAX_BYTES} may
     * cut first.
     */
    public static final int MAX_RESULTS = 2000;
    /**
     * Bytes of a report's JSON at most (compact UTF-8, as Jackson writes it for the API server), 1 MiB: beyond it,
     * results are left out as for {@link #MAX_RESULTS}. etcd refuses a request over 1.5 MiB (its {@code --max-request-bytes}
     * default), and the API server adds {@code metadata} (uid, managedFields, ...) to what is sent.
     */
    public static final int MAX_BYTES = 1 << 20;
    /** The report's annotation counting the results left out (absent when none were), by either cap. */
    public static final String OMITTED = "isvc-autoscaling-webhook/omitted-results";

    /** The report API to write ({@code webhook.reports.format}). */
    public enum Format {
        POLICY_REPORT("wgpolicyk8s.io/v1alpha2", "PolicyReport", "policyreports"),
        OPENREPORTS("openreports.io/v1alpha1", "Report", "reports");

        private final String apiVersion;
        private final String kind;
        private final String plural;

        Format(String apiVersion, String kind, String plural) {
            this.apiVersion = apiVersion;
            this.kind = kind;
            this.plural = plural;
        }

        public String apiVersion() {
            return apiVersion;
        }

        public String kind() {
            return kind;
        }

        public String plural() {
            return plural;
        }

        /** The API as the client addresses it, with no discovery call. */
        public io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext context() {
            return new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup(apiVersion.substring(0, apiVersion.indexOf('/'))).withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1))
                    .withKind(kind).withPlural(plural).withNamespaced(true).build();
        }

        /** {@code policyreport} (the default) or {@code openreports}. */
        public static Format of(String setting) {
            if (setting == null || setting.isBlank() || setting.equalsIgnoreCase("policyreport") || setting.equalsIgnoreCase("wgpolicyk8s")) {
                return POLICY_REPORT;
            }
            if (setting.equalsIgnoreCase("openreports")) {
                return OPENREPORTS;
            }
            throw new IllegalArgumentException("webhook.reports.format must be policyreport or openreports, not " + setting);
        }
    }

    /** One scanned object and what the decision path said about it. */
    public record Scanned(String apiVersion, String kind, String namespace, String name, String uid, Decision decision) {
    }

    private Reports() {
    }

    /** One report per namespace that has scanned objects, keyed by namespace (sorted). */
    public static Map<String, ObjectNode> build(List<Scanned> scanned, Format format, Instant now) {
        Map<String, List<Scanned>> byNamespace = new TreeMap<>();
        for (Scanned s : scanned) {
            byNamespace.computeIfAbsent(s.namespace(), k -> new ArrayList<>()).add(s);
        }
        Map<String, ObjectNode> out = new TreeMap<>();
        byNamespace.forEach((ns, objects) -> out.put(ns, report(ns, objects, format, now)));
        return out;
    }

    /** The report of one namespace. */
    public static ObjectNode report(String namespace, List<Scanned> objects, Format format, Instant now) {
        ObjectNode report = MAPPER.createObjectNode();
        report.put("apiVersion", format.apiVersion());
        report.put("kind", format.kind());
        ObjectNode meta = report.putObject("metadata");
        meta.put("name", NAME);
        meta.put("namespace", namespace);
        meta.putObject("labels").put(MANAGED_BY, SOURCE);
        List<Scanned> sorted = new ArrayList<>(objects);
        sorted.sort(Comparator.comparing(Scanned::kind).thenComparing(Scanned::name));
        ArrayNode results = report.putArray("results");
        int pass = 0;
        int fail = 0;
        int warn = 0;
        int skip = 0;
        for (Scanned s : sorted) {
            String wouldPatch = String.join(",", s.decision().mutatedBy());
            int before = results.size();
            for (Finding f : s.decision().findings()) {
                String result = result(f);
                if (result == null) {
                    continue;
                }
                ObjectNode r = result(results, s, f.ruleId(), result, f.line(), now);
                ObjectNode props = r.putObject("properties");
                props.put("field", f.where());
                props.put("outcome", f.outcome());
                if (f.exceptedBy() != null) {
                    props.put("exception", f.exceptedBy());
                }
                if (!wouldPatch.isEmpty()) {
                    props.put("would-patch", wouldPatch);
                }
                switch (result) {
                    case "fail" -> fail++;
                    case "warn" -> warn++;
                    default -> skip++;
                }
            }
            if (results.size() == before) {
                ObjectNode r = result(results, s, "all", "pass", "no rule broken", now);
                if (!wouldPatch.isEmpty()) {
                    r.putObject("properties").put("would-patch", wouldPatch);
                }
                pass++;
            }
        }
        ObjectNode summary = report.putObject("summary");
        summary.put("pass", pass);
        summary.put("fail", fail);
        summary.put("warn", warn);
        summary.put("error", 0);
        summary.put("skip", skip);
        if (results.size() > MAX_RESULTS || bytes(report) > MAX_BYTES) {
            int total = results.size();
            ObjectNode annotations = meta.putObject("annotations");
            annotations.put(OMITTED, String.valueOf(total)); // the longest count it can say, while the room is measured
            ArrayNode kept = report.putArray("results");
            long room = MAX_BYTES - bytes(report);
            fill:
            for (String wanted : List.of("fail", "warn", "skip", "pass")) {
                for (JsonNode r : results) {
                    if (!wanted.equals(r.path("result").asText())) {
                        continue;
                    }
                    long size = bytes(r) + (kept.isEmpty() ? 0 : 1); // the comma before it
                    if (kept.size() >= MAX_RESULTS || size > room) {
                        break fill;
                    }
                    room -= size;
                    kept.add(r);
                }
            }
            annotations.put(OMITTED, String.valueOf(total - kept.size()));
        }
        return report;
    }

    /**
     * {@code fail} for a deny, {@code warn} for a warning (an audit-only deny too: it is what runs),
     * {@code skip} for an excepted finding; null for a finding that is off.
     */
    static String result(Finding f) {
        if (f.exceptedBy() != null) {
            return "skip";
        }
        if (f.action() == Action.DENY) {
            return "fail";
        }
        if (f.action() == Action.WARN) {
            return "warn";
        }
        return null;
    }

    private static ObjectNode result(ArrayNode results, Scanned s, String rule, String result, String message, Instant now) {
        ObjectNode r = results.addObject();
        r.put("source", SOURCE);
        r.put("policy", POLICY);
        r.put("rule", rule);
        r.put("result", result);
        r.put("message", message);
        r.put("scored", true);
        ObjectNode ts = r.putObject("timestamp");
        ts.put("seconds", now.getEpochSecond());
        ts.put("nanos", 0);
        ObjectNode ref = r.putArray("resources").addObject();
        ref.put("apiVersion", s.apiVersion());
        ref.put("kind", s.kind());
        ref.put("namespace", s.namespace());
        ref.put("name", s.name());
        if (s.uid() != null) {
            ref.put("uid", s.uid());
        }
        return r;
    }

    /** The length of {@code node}'s JSON as the report is sent (compact, UTF-8). */
    private static int bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node).length;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a report that cannot be written as JSON", e);
        }
    }

    /** What decides whether a report must be written: its results and summary without timestamps. */
    public static JsonNode comparable(JsonNode report) {
        ObjectNode out = MAPPER.createObjectNode();
        ArrayNode results = out.putArray("results");
        JsonNode in = report == null ? null : report.get("results");
        if (in != null) {
            for (JsonNode r : in) {
                ObjectNode copy = ((ObjectNode) r).deepCopy();
                copy.remove("timestamp");
                results.add(copy);
            }
        }
        out.set("summary", report == null || report.get("summary") == null ? MAPPER.createObjectNode() : report.get("summary"));
        return out;
    }

    /** Whether {@code existing} (as read from the cluster, or null) already says what {@code next} says. */
    public static boolean same(JsonNode existing, JsonNode next) {
        return existing != null && comparable(existing).equals(comparable(next));
    }
}
