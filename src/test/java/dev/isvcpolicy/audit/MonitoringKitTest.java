package dev.isvcpolicy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.admission.Reviews;
import dev.isvcpolicy.admission.TlsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The monitoring kit in monitoring/: the alerting rules pass {@code promtool check rules} and their unit
 * tests ({@code promtool test rules}), and every metric the dashboard and the rules query is one the
 * webhook exports (scraped here after a patch and a deny), or, for the background scan's findings, which only the
 * replica leading a scan exports (no scan runs here), one the scanner registers.
 */
@QuarkusTest
@QuarkusTestResource(TlsTestResource.class)
class MonitoringKitTest {

    static final Path MONITORING = Path.of("monitoring");
    /** Exported only where the background scan runs (its findings by its leader, once it has scanned): checked against the scanner's source instead. */
    static final Map<String, Path> SCAN_ONLY = Map.of("isvc_webhook_scan_findings", Path.of("src/main/java/dev/isvcpolicy/scan/Scanner.java"),
            "isvc_webhook_scan_leader", Path.of("src/main/java/dev/isvcpolicy/scan/Scanner.java"),
            // only where the certificate files are served (in a cluster; TlsReloadTest reads it)
            "isvc_webhook_tls_certificate_expiry_timestamp_seconds", Path.of("src/main/java/dev/isvcpolicy/tls/FileKeyStoreProvider.java"));

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "/validate", tls = true)
    URL validate;

    /** promtool on the PATH; CI (.ci/run sets ISVC_REQUIRE_PROMTOOL=1) fails instead of skipping without it. */
    static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String hint = "promtool is not on the PATH (Debian: apt-get install prometheus)";
        assertFalse("1".equals(System.getenv("ISVC_REQUIRE_PROMTOOL")), hint + ", and ISVC_REQUIRE_PROMTOOL=1 says it must be");
        System.out.println(hint + ": skipping the promtool checks");
        Assumptions.abort(hint);
        return null;
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void alertingRulesPassPromtoolAndTheirUnitTests() throws Exception {
        String promtool = promtool();
        String check = run(promtool, "check", "rules", "alerts.yaml");
        assertTrue(check.contains("SUCCESS: 8 rules found"), check);
        String test = run(promtool, "test", "rules", "alerts-test.yaml");
        assertTrue(test.contains("SUCCESS"), test);
    }

    @Test
    void everyQueriedMetricIsExportedOrMarkedPending() throws Exception {
        // One patch and one deny, so that the per-request counters and the histogram exist.
        Reviews.post(mutate.toString(), Reviews.isvcReview("CREATE", "team-m", Reviews.yamlResource("/fixtures/02-kpa-qps.yaml"), null));
        Reviews.post(validate.toString(), Reviews.isvcReview("CREATE", "team-m",
                Reviews.yamlResource("/fixtures/16-hpa-scale-to-zero-denied.yaml"), null));
        Set<String> families = new TreeSet<>(); // the names of the samples, e.g. isvc_webhook_reviews_total
        Matcher sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(AuditTrailTest.metrics());
        while (sample.find()) {
            families.add(sample.group(1));
        }
        assertTrue(families.contains("isvc_webhook_reviews_total"), families.toString());

        Set<String> queried = new TreeSet<>();
        JsonNode dashboard = Reviews.JSON.readTree(MONITORING.resolve("dashboard.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
        exprs.add(Files.readString(MONITORING.resolve("alerts.yaml")));
        Matcher metric = Pattern.compile("isvc_webhook_[a-z_]+").matcher(String.join("\n", exprs));
        while (metric.find()) {
            queried.add(metric.group());
        }
        assertTrue(queried.size() >= 10, "the kit covers the webhook's metrics: " + queried);
        boolean scanPanel = false;
        for (String m : queried) {
            if (SCAN_ONLY.containsKey(m)) {
                String micrometerName = m.replace('_', '.');
                assertTrue(Files.readString(SCAN_ONLY.get(m)).contains("\"" + micrometerName + "\""), m + " is registered by " + SCAN_ONLY.get(m));
                scanPanel = true;
                continue;
            }
            assertTrue(families.contains(m), m + " is not exported; exported: " + families);
        }
        assertTrue(scanPanel, "the panel of the scan's findings is there");
    }
}
