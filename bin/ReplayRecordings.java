import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Replays the kube-apiserver recordings against a running webhook, as the API server would send them: over HTTPS
 * (HTTP/2 where offered), trusting only the CA the caBundle would hold. Run by {@code bin/check-recordings} on the
 * packaged jar, with the jar's own libraries on the class path; the in-process {@code RecordingsTest} checks the same
 * expectations in the test profile, this checks what ships.
 *
 * <p>Arguments: the base URL ({@code https://localhost:PORT}), the CA certificate (PEM), the recordings directory
 * ({@code src/test/resources/recordings}: {@code expectations.yaml} and {@code kube-apiserver-1.28/*.json}).
 *
 * <p>For every recording: the answer is an AdmissionReview with the request's uid, the expected decision, denying and
 * pre-existing rules, and a JSON Patch that applies. For a {@code /mutate} answer with a patch, the API server's next
 * steps: the patched object must differ from the sent one only under {@code /spec} and
 * {@code /metadata/annotations}; sent to {@code /validate} in the paired recording's envelope it must get that
 * recording's decision; sent to {@code /mutate} again (reinvocation) it must get no patch. Prints one line per
 * recording, the failures with their reason; exits 1 when any check failed, 2 on bad arguments.
 */
public class ReplayRecordings {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RECORDED = "kube-apiserver-1.28/";

    final HttpClient client;
    final String base;
    final List<String> failures = new ArrayList<>();

    ReplayRecordings(HttpClient client, String base) {
        this.client = client;
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReplayRecordings BASE-URL CA-CERT RECORDINGS-DIR");
            System.exit(2);
        }
        // The API server checks the chain against the caBundle and the name service.namespace.svc, which cannot be
        // dialled here: the chain is checked, the name is not.
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(Path.of(args[1])))
                .connectTimeout(Duration.ofSeconds(10)).build();
        ReplayRecordings replay = new ReplayRecordings(client, args[0]);
        Path dir = Path.of(args[2]);
        JsonNode expectations = new ObjectMapper(new YAMLFactory()).readTree(dir.resolve("expectations.yaml").toFile());
        Map<String, JsonNode> byFile = new HashMap<>();
        expectations.forEach(e -> byFile.put(e.path("file").asText(), e));
        int answered = 0;
        for (JsonNode expected : expectations) {
            String file = expected.path("file").asText();
            ObjectNode review = (ObjectNode) JSON.readTree(dir.resolve(RECORDED + file).toFile());
            replay.one(file, review, expected, byFile, dir);
            answered++;
        }
        System.out.printf("%d recordings replayed, %d failed checks%n", answered, replay.failures.size());
        if (!replay.failures.isEmpty()) {
            replay.failures.forEach(f -> System.out.println("FAILED " + f));
            System.exit(1);
        }
    }

    void one(String file, ObjectNode review, JsonNode expected, Map<String, JsonNode> byFile, Path dir) throws Exception {
        boolean mutate = file.endsWith(".mutate.json");
        JsonNode answer = send(file, mutate ? "/mutate" : "/validate", review);
        if (answer == null) {
            return;
        }
        JsonNode request = review.path("request");
        check(file, "uid echoed", request.path("uid").equals(answer.path("uid")), answer.path("uid"));
        check(file, "allowed", expected.path("allowed").asBoolean() == answer.path("allowed").asBoolean(), answer.path("allowed"));
        if (expected.has("decision")) {
            check(file, "decision", expected.get("decision").asText().equals(decision(answer)), decision(answer));
        }
        check(file, "denying rules", rules(expected, "denied").equals(annotation(answer, "denied-by")), annotation(answer, "denied-by"));
        String preExisting = rules(expected, "preExisting");
        check(file, "pre-existing rules", preExisting.equals(annotation(answer, "pre-existing")), annotation(answer, "pre-existing"));
        for (String rule : preExisting.isEmpty() ? new String[0] : preExisting.split(",")) {
            boolean warned = false;
            for (JsonNode w : answer.path("warnings")) {
                warned |= w.asText().startsWith("pre-existing:") && w.asText().contains(rule);
            }
            check(file, "a pre-existing: warning naming " + rule, warned, answer.path("warnings").size() + " warnings");
        }
        JsonNode patch = patch(answer);
        if (expected.path("noPatch").asBoolean()) {
            check(file, "no patch", patch.isEmpty(), patch.size() + " operations");
            check(file, "no warning", answer.path("warnings").isEmpty(), answer.path("warnings").size() + " warnings");
        }
        System.out.printf("%-60s %-8s %-22s patch %d op(s)%s, %d warning(s)%n", file,
                answer.path("allowed").asBoolean() ? "allowed" : "denied", decision(answer), patch.size(),
                patch.isEmpty() ? "" : " " + paths(patch), answer.path("warnings").size());
        if (patch.isEmpty()) {
            return;
        }
        check(file, "patchType JSONPatch", "JSONPatch".equals(answer.path("patchType").asText()), answer.path("patchType"));
        JsonNode sent = request.path("object");
        JsonNode patched;
        try {
            patched = JsonPatch.apply(patch, sent);
        } catch (RuntimeException e) {
            check(file, "the patch applies", false, e.getMessage());
            return;
        }
        for (JsonNode op : JsonDiff.asJson(sent, patched)) {
            String path = op.path("path").asText();
            check(file, "only /spec and /metadata/annotations change", path.startsWith("/spec/")
                    || path.startsWith("/metadata/annotations"), op.path("op").asText() + " " + path);
        }
        if (!mutate) {
            return;
        }
        String pairedFile = file.replace(".mutate.json", ".validate.json");
        JsonNode paired = byFile.get(pairedFile);
        if (paired != null) {
            ObjectNode next = (ObjectNode) JSON.readTree(dir.resolve(RECORDED + pairedFile).toFile());
            ((ObjectNode) next.path("request")).set("object", patched);
            JsonNode judged = send(file + " then /validate", "/validate", next);
            if (judged != null) {
                check(file, "the patched object's /validate decision is " + pairedFile + "'s",
                        paired.path("allowed").asBoolean() == judged.path("allowed").asBoolean()
                                && rules(paired, "denied").equals(annotation(judged, "denied-by")),
                        judged.path("allowed") + " " + annotation(judged, "denied-by"));
                System.out.printf("  then /validate of the patched object: %s%n",
                        judged.path("allowed").asBoolean() ? "allowed" : "denied by " + annotation(judged, "denied-by"));
            }
        }
        ObjectNode again = review.deepCopy();
        ((ObjectNode) again.path("request")).set("object", patched);
        JsonNode reinvoked = send(file + " reinvoked", "/mutate", again);
        if (reinvoked != null) {
            JsonNode second = patch(reinvoked);
            check(file, "/mutate again (reinvocation) patches nothing", second.isEmpty() && reinvoked.path("allowed").asBoolean(),
                    second.size() + " operations " + paths(second));
            System.out.printf("  then /mutate again: %s%n", second.isEmpty() ? "no patch" : paths(second));
        }
    }

    /** Posts one AdmissionReview; the answer's {@code response}, or null (and a failure) when it is not one. */
    JsonNode send(String what, String path, JsonNode review) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(review))).build();
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            check(what, "HTTP 200", false, r.statusCode());
            return null;
        }
        check(what, "Content-Type application/json",
                r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().firstValue("Content-Type"));
        JsonNode body = JSON.readTree(r.body());
        check(what, "an admission.k8s.io/v1 AdmissionReview", "admission.k8s.io/v1".equals(body.path("apiVersion").asText())
                && "AdmissionReview".equals(body.path("kind").asText()), body.path("apiVersion") + " " + body.path("kind"));
        return body.path("response");
    }

    static JsonNode patch(JsonNode answer) throws Exception {
        String encoded = answer.path("patch").asText("");
        return encoded.isEmpty() ? JSON.createArrayNode() : JSON.readTree(Base64.getDecoder().decode(encoded));
    }

    static String decision(JsonNode answer) {
        return annotation(answer, "decision");
    }

    static String annotation(JsonNode answer, String key) {
        return answer.path("auditAnnotations").path(key).asText("");
    }

    static String rules(JsonNode expected, String field) {
        List<String> rules = new ArrayList<>();
        expected.path(field).forEach(r -> rules.add(r.asText()));
        return String.join(",", rules);
    }

    static String paths(JsonNode patch) {
        List<String> paths = new ArrayList<>();
        patch.forEach(op -> paths.add(op.path("op").asText() + " " + op.path("path").asText()));
        return paths.toString();
    }

    void check(String what, String check, boolean ok, Object got) {
        if (!ok) {
            String shown = String.valueOf(got);
            failures.add(what + ": " + check + " (got " + (shown.length() > 200 ? shown.substring(0, 200) + "…" : shown) + ")");
        }
    }

    static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
