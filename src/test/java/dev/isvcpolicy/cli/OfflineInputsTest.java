package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What issue 18 asked of the offline check: {@code kind: List} inputs, no silent green run, one findings
 * list with lines, YAML read as kubectl reads it, {@code --crd}, {@code --version} and completion.
 */
class OfflineInputsTest {

    static final Path KSERVE_CRD = Path.of("src/test/resources/crds/serving.kserve.io_inferenceservices.yaml");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** What {@code kubectl get isvc -A -o yaml} prints: a List; here with a List inside it. */
    private static final String KUBECTL_LIST = """
            apiVersion: v1
            items:
            - apiVersion: serving.kserve.io/v1beta1
              kind: InferenceService
              metadata:
                name: ok
                namespace: ml
              spec:
                predictor:
                  minReplicas: 1
                  scaleMetric: concurrency
            - apiVersion: v1
              kind: List
              items:
              - apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: scale-to-zero
                  namespace: ml
                  annotations:
                    serving.kserve.io/deploymentMode: Standard
                spec:
                  predictor:
                    minReplicas: 0
            kind: List
            metadata:
              resourceVersion: ""
            """;

    @Test
    void aKubectlListIsCheckedItemByItemWithTheLinesOfEachItem() throws IOException {
        Path list = write("list.yaml", KUBECTL_LIST);
        JsonNode r = Cli.run("-o", "json", list.toString()).expect(1, "the nested item is denied").json();
        assertEquals(2, r.path("objects").size(), r.toString());
        JsonNode ok = r.path("objects").get(0);
        JsonNode denied = r.path("objects").get(1);
        assertEquals("ok", ok.path("name").asText());
        assertEquals(3, ok.path("line").asInt(), "the item's own line");
        assertEquals("scale-to-zero", denied.path("name").asText());
        assertEquals("denied", denied.path("verdict").asText());
        assertEquals(15, denied.path("line").asInt());
        JsonNode minReplicas = null;
        for (JsonNode f : denied.path("findings")) {
            if (f.path("path").asText().equals("spec.predictor.minReplicas")) {
                minReplicas = f;
            }
        }
        assertTrue(minReplicas != null, denied.toString());
        assertEquals(24, minReplicas.path("line").asInt(), "the line of minReplicas: 0 in the file");
        assertEquals(0, r.path("skipped").size(), "the Lists themselves are not objects to skip");
    }

    @Test
    void aTypedListFromTheApiGetsItsKindFromTheListKind() throws IOException {
        Path list = write("typed.json", """
                {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceServiceList",
                 "items": [
                   {"metadata": {"name": "a"},
                    "spec": {"predictor": {"minReplicas": 1,
                                           "scaleMetric": "concurrency"}}}
                 ]}
                """);
        JsonNode r = Cli.run("-o", "json", list.toString()).expect(0).json();
        assertEquals(1, r.path("objects").size(), r.toString());
        assertEquals("InferenceService", r.path("objects").get(0).path("kind").asText());
        assertEquals(3, r.path("objects").get(0).path("line").asInt());
    }

    @Test
    void aRunThatFindsNothingToCheckExitsTwoAndSaysSo() throws IOException {
        Path empty = write("empty.yaml", "apiVersion: v1\nkind: List\nitems: []\n");
        Cli.Run run = Cli.run(empty.toString()).expect(CheckCommand.BAD_INPUT, "an empty List");
        assertTrue(run.err().contains("no InferenceService or ScaledObject found in 1 file: nothing was checked"), run.err());

        Path other = write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
        Cli.Run run2 = Cli.run("-o", "json", other.toString()).expect(CheckCommand.BAD_INPUT, "only other kinds");
        assertTrue(run2.err().contains("(1 of other kinds skipped (Service 1))"), run2.err());
        assertEquals(2, run2.json().path("summary").path("exitCode").asInt());

        Cli.run("-").expect(CheckCommand.BAD_INPUT, "empty stdin");

        Path broken = write("broken.yaml", "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: b\n spec: {}\n");
        Cli.Run run3 = Cli.run(broken.toString()).expect(CheckCommand.BAD_INPUT, "a syntax error");
        assertFalse(run3.err().contains("no InferenceService"), "the file holds one it could not read: " + run3.err());
        assertTrue(run3.err().indexOf("error: ") < run3.err().indexOf("isvc-check: nothing could be checked: 1 input error"),
                "the error first, then what it means for the run: " + run3.err());
    }

    @Test
    void jsonHasOneFindingsListWithWarningsDenialsFilesAndLines() throws IOException {
        Path file = write("mixed.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: qps}
                spec:
                  predictor:
                    scaleMetric: qps
                ---
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata:
                  name: zero
                  annotations: {serving.kserve.io/deploymentMode: Standard}
                spec:
                  predictor:
                    minReplicas: 0
                """);
        JsonNode r = Cli.run("-o", "json", file.toString()).expect(1).json();
        assertEquals(2, r.path("version").asInt());
        JsonNode all = r.path("findings");
        Set<String> actions = new TreeSet<>();
        all.forEach(f -> actions.add(f.path("action").asText()));
        assertEquals(Set.of("deny", "warn"), actions, all.toString());
        JsonNode alias = null;
        for (JsonNode f : all) {
            assertEquals(file.toString(), f.path("file").asText());
            assertTrue(f.path("line").asInt() > 0, f.toString());
            if (f.path("rule").asText().equals("scale-metric-alias")) {
                alias = f;
            }
        }
        assertTrue(alias != null, "the /mutate notice is in the findings list: " + all);
        assertEquals("warn", alias.path("action").asText());
        assertEquals("mutate", alias.path("stage").asText());
        assertEquals(6, alias.path("line").asInt());
        assertEquals("qps", alias.path("name").asText());
        int perObject = 0;
        for (JsonNode o : r.path("objects")) {
            assertFalse(o.has("notices"), "no separate notices list");
            perObject += o.path("findings").size();
        }
        assertEquals(perObject, all.size(), "the top-level list is the objects' findings together");

        Cli.Run text = Cli.run(file.toString()).expect(1);
        assertTrue(text.out().contains("line 15: spec.predictor.minReplicas"), text.out());
    }

    /** The same object in two documents: each is judged, and stderr says that applied together the later replaces the earlier. */
    @Test
    void theSameObjectTwiceIsSaid() throws IOException {
        String isvc = "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: twin}\nspec: {predictor: {minReplicas: 1, scaleMetric: concurrency}}\n";
        Path first = write("a.yaml", isvc);
        Path second = write("b.yaml", "# the same, again\n" + isvc);
        Cli.Run run = Cli.run(first.toString(), second.toString()).expect(0, "a warning, not a problem");
        assertTrue(run.err().contains("isvc-check: warning: InferenceService default/twin is defined 2 times, and applied together each "
                + "replaces the one before: " + first + ":1, " + second + ":2"), run.err());
        Cli.Run other = Cli.run("-n", "team-a", first.toString()).expect(0);
        assertFalse(other.err().contains("defined"), "once is once: " + other.err());
        Path elsewhere = write("c.yaml", isvc.replace("metadata: {name: twin}", "metadata: {name: twin, namespace: team-b}"));
        assertFalse(Cli.run(first.toString(), elsewhere.toString()).expect(0).err().contains("defined"), "another namespace, another object");
    }

    /**
     * A YAML merge ({@code <<: *anchor}) whose key the mapping sets again: the finding points at the value in force,
     * the overriding key's line, not the anchor's; a key only the anchor supplies keeps the anchor's line.
     */
    @Test
    void aKeyThatOverridesAMergedOneHasItsOwnLine() throws IOException {
        Path single = write("merge-one.yaml", """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: serving.kserve.io/v1beta1
                    kind: InferenceService
                    metadata:
                      name: a
                      annotations: {serving.kserve.io/deploymentMode: Standard}
                    spec:
                      predictor: &common
                        minReplicas: 1
                        scaleMetric: qps
                        maxReplicas: 3
                  - apiVersion: serving.kserve.io/v1beta1
                    kind: InferenceService
                    metadata:
                      name: b
                      annotations: {serving.kserve.io/deploymentMode: Standard}
                    spec:
                      predictor:
                        <<: *common
                        minReplicas: 0
                """);
        JsonNode r = Cli.run("-o", "json", single.toString()).expect(1).json();
        JsonNode zero = null;
        List<Integer> aliasLines = new ArrayList<>();
        for (JsonNode f : r.path("findings")) {
            if (f.path("rule").asText().equals("scale-to-zero")) {
                zero = f;
            }
            if (f.path("rule").asText().equals("scale-metric-alias")) {
                aliasLines.add(f.path("line").asInt());
            }
        }
        assertTrue(zero != null, r.toString());
        assertEquals("b", zero.path("name").asText());
        assertEquals(22, zero.path("line").asInt(), "b's own minReplicas: 0, not the anchor's minReplicas: 1 on line 11");
        assertEquals(List.of(12, 12), aliasLines, "scaleMetric only the anchor writes: the anchor's line, for a and for b");
    }

    @Test
    void yamlScalarsAreReadAsKubectlReadsThem() throws IOException {
        Documents.Source source = new Documents.Source("t.yaml", null, """
                apiVersion: v1
                kind: ConfigMap
                a: yes
                b: "yes"
                c: Off
                d: y
                e: 012
                f: 0x1F
                g: 1_000
                h: ~
                i: 1e3
                j: !!str on
                k: 4Gi
                on: key
                l: 1.5
                m: 08
                """, false);
        List<Documents.Document> docs = Documents.parse(source);
        assertEquals(1, docs.size());
        JsonNode n = docs.get(0).node();
        assertEquals(true, n.path("a").booleanValue(), "yes is true (YAML 1.1, go-yaml v2)");
        assertEquals("yes", n.path("b").textValue(), "quoted stays a string");
        assertEquals(false, n.path("c").booleanValue());
        assertEquals(true, n.path("d").booleanValue(), "go-yaml v2 reads y as true");
        assertEquals(10, n.path("e").intValue(), "012 is octal");
        assertEquals(31, n.path("f").intValue());
        assertEquals(1000, n.path("g").intValue());
        assertTrue(n.path("h").isNull());
        assertTrue(n.path("i").isIntegralNumber(), "1e3 reaches the API server as 1000");
        assertEquals(1000, n.path("i").intValue());
        assertEquals("on", n.path("j").textValue(), "an explicit !!str keeps the text");
        assertEquals("4Gi", n.path("k").textValue());
        assertEquals("key", n.path("true").textValue(), "a boolean key is written as \"true\"");
        assertEquals(1.5, n.path("l").doubleValue());
        assertEquals(8, n.path("m").intValue(), "08 is not octal: go-yaml falls back to a float, 8");
        assertEquals(5, docs.get(0).line("c"));
        assertEquals(8, docs.get(0).line("f"));
    }

    @Test
    void duplicateKeysAndSyntaxErrorsKeepTheirLines() throws IOException {
        Path dup = write("dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
        Cli.Run run = Cli.run(dup.toString()).expect(CheckCommand.BAD_INPUT);
        assertTrue(run.err().contains(dup + ":5:3: duplicate key 'name'"), run.err());
        Path bad = write("bad.yaml", "apiVersion: v1\nkind: [\n");
        Cli.Run run2 = Cli.run(bad.toString()).expect(CheckCommand.BAD_INPUT);
        assertTrue(run2.err().contains(bad + ":3"), run2.err());
    }

    @Test
    void crdSchemaFindsWhatTheApiServerWouldRefuseOrDrop() throws IOException {
        Path file = write("isvc.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: misplaced}
                spec:
                  minReplicas: 2
                  predictor:
                    scaleMetric: qps
                    automountServiceAccountToken: yes
                    maxReplicas: "3"
                    model:
                      modelFormat: {name: sklearn}
                """);
        JsonNode r = Cli.run("-o", "json", "--crd", KSERVE_CRD.toString(), file.toString()).expect(1).json();
        List<String> schema = new ArrayList<>();
        for (JsonNode f : r.path("findings")) {
            if (f.path("rule").asText().equals(CrdSchema.RULE)) {
                schema.add(f.path("path").asText() + "@" + f.path("line").asInt());
                assertEquals("schema", f.path("stage").asText());
                assertEquals("deny", f.path("action").asText());
            }
        }
        // qps is rewritten to rps by /mutate before the schema is applied; yes is a boolean as kubectl reads it.
        assertEquals(List.of("spec.minReplicas@5", "spec.predictor.maxReplicas@9"), schema, r.toString());

        Cli.run("--crd", KSERVE_CRD.toString(), write("fine.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: fine}
                spec:
                  predictor:
                    minReplicas: 1
                    scaleMetric: concurrency
                    automountServiceAccountToken: yes
                    model: {modelFormat: {name: sklearn}, storageUri: "gs://b/m"}
                """).toString()).expect(0, "a valid object passes the schema");

        JsonNode quoted = Cli.run("-o", "json", "--crd", KSERVE_CRD.toString(), write("quoted.yaml", """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: quoted}
                spec:
                  predictor:
                    minReplicas: 1
                    scaleMetric: bogus
                    automountServiceAccountToken: "yes"
                """).toString()).expect(1).json();
        Set<String> paths = new TreeSet<>();
        quoted.path("findings").forEach(f -> {
            if (f.path("rule").asText().equals(CrdSchema.RULE)) {
                paths.add(f.path("path").asText() + ": " + f.path("message").asText().split(":")[0]);
            }
        });
        assertEquals(Set.of("spec.predictor.automountServiceAccountToken: Invalid value",
                "spec.predictor.scaleMetric: Unsupported value"), paths, quoted.toString());
    }

    @Test
    void crdSchemaKeywords() throws IOException {
        Path crd = write("crd.yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.dev}
                spec:
                  group: example.dev
                  names: {kind: InferenceService, plural: widgets}
                  scope: Namespaced
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            required: [size, color]
                            properties:
                              size: {type: integer, minimum: 1, maximum: 5}
                              color: {type: string, enum: [red, blue], default: red}
                              free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                              port: {x-kubernetes-int-or-string: true}
                              tags: {type: object, additionalProperties: {type: string}}
                              names: {type: array, maxItems: 1, items: {type: string, maxLength: 3}}
                """);
        CrdSchema schema;
        try {
            schema = CrdSchema.load(List.of(crd), null);
        } catch (CrdSchema.BadCrd e) {
            throw new AssertionError(e);
        }
        JsonNode ok = Documents.YAML.readTree("""
                {apiVersion: example.dev/v1, kind: InferenceService, metadata: {name: x},
                 spec: {size: 5, free: {any: {thing: 1}}, port: http, tags: {a: b}, names: [abc]}}
                """);
        assertEquals(List.of(), schema.check(ok), "valid; color has a default, so it is not required");
        JsonNode bad = Documents.YAML.readTree("""
                {apiVersion: example.dev/v1, kind: InferenceService, metadata: {name: x},
                 spec: {size: 6, port: 1.5, tags: {a: 1}, names: [abcd, b], extra: 1}}
                """);
        Set<String> found = new TreeSet<>();
        schema.check(bad).forEach(f -> found.add(f.path()));
        assertEquals(Set.of("spec.size", "spec.port", "spec.tags[a]", "spec.names", "spec.names[0]", "spec.extra"), found,
                "every violation, maps with [key]");
        JsonNode v2 = Documents.YAML.readTree("{apiVersion: example.dev/v2, kind: InferenceService, spec: {}}");
        assertEquals("apiVersion", schema.check(v2).get(0).path(), "a version the CRD does not serve");
        JsonNode other = Documents.YAML.readTree("{apiVersion: other.dev/v1, kind: InferenceService, spec: {x: 1}}");
        assertEquals(List.of(), schema.check(other), "another group: no CRD given, nothing checked");

        Cli.Run noCrd = Cli.run("--crd", write("not-a-crd.yaml", "apiVersion: v1\nkind: ConfigMap\n").toString(),
                write("x.yaml", "apiVersion: v1\nkind: ConfigMap\n").toString()).expect(CheckCommand.BAD_INPUT);
        assertTrue(noCrd.err().contains("no apiextensions.k8s.io/v1 CustomResourceDefinition"), noCrd.err());
    }

    @Test
    void fixRewritesAPatchedItemInsideItsList() throws IOException {
        Path list = write("list.yaml", """
                # kubectl get isvc -o yaml
                apiVersion: v1
                kind: List
                items:
                - apiVersion: serving.kserve.io/v1beta1
                  kind: InferenceService
                  metadata: {name: a}
                  spec:
                    predictor: {scaleMetric: qps}
                - apiVersion: serving.kserve.io/v1beta1
                  kind: InferenceService
                  metadata: {name: b}
                  spec:
                    predictor: {minReplicas: 1, scaleMetric: concurrency}
                """);
        Cli.run("--fix", list.toString()).expect(0);
        String fixed = Files.readString(list);
        assertTrue(fixed.startsWith("# kubectl get isvc -o yaml\n"), fixed);
        JsonNode again = Cli.run("-o", "json", list.toString()).expect(0).json();
        assertEquals(2, again.path("objects").size(), fixed);
        for (JsonNode o : again.path("objects")) {
            assertEquals(0, o.path("mutations").size(), "nothing left to patch: " + fixed);
        }
        assertTrue(fixed.contains("scaleMetric: \"rps\"") || fixed.contains("scaleMetric: rps"), fixed);
    }

    @Test
    void versionAndCompletion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>isvc-autoscaling-webhook</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find());
        assertEquals(m.group(1), Version.number(), "the Maven project's version");
        Cli.Run v = Cli.run("--version").expect(0);
        assertEquals("isvc-check " + m.group(1) + " (isvc-autoscaling-webhook)\n", v.out());

        Cli.Run c = Cli.run("--completion", "bash").expect(0);
        assertTrue(c.out().contains("complete -F _complete_isvc-check"), c.out().lines().limit(5).toList().toString());
        assertTrue(c.out().contains("--crd") && c.out().contains("--default-mode"), "options are completed");
        assertTrue(c.out().contains("Knative") && c.out().contains("RawDeployment"), "--default-mode values are completed");
        assertTrue(c.out().contains("compgen -A file") || c.out().contains("compgen -f"), "file options complete file names");
        Cli.run("--completion", "fish").expect(CheckCommand.BAD_INPUT);
    }

    @Test
    void theCompletionModelHasExactlyTheOptionsOfTheHelp() {
        Set<String> help = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^  (-[-\\w]+)(?:, (--[-\\w]+))?").matcher(CheckOptions.USAGE);
        while (m.find()) {
            help.add(m.group(1));
            if (m.group(2) != null) {
                help.add(m.group(2));
            }
        }
        Set<String> model = new TreeSet<>();
        for (OptionSpec o : Completion.spec().options()) {
            model.addAll(List.of(o.names()));
        }
        assertEquals(help, model);
        for (OptionSpec o : Completion.spec().options()) {
            if (o.completionCandidates() != null && o.longestName().equals("--default-mode")) {
                o.completionCandidates().forEach(mode -> assertTrue(dev.isvcpolicy.policy.DeploymentMode.parse(mode).isPresent(), mode));
            }
        }
        for (String name : model) {
            String[] args = name.equals("--completion") ? new String[] {name, "bash"}
                    : Completion.spec().findOption(name).arity().min() > 0 ? new String[] {name, valueFor(name), "x.yaml"}
                    : new String[] {name, "x.yaml"};
            try {
                CheckOptions.parse(args);
            } catch (CheckOptions.UsageException e) {
                throw new AssertionError("the parser refuses " + String.join(" ", args) + ": " + e.getMessage());
            }
        }
    }

    private static String valueFor(String option) {
        return Map.of("--default-mode", "Standard", "--set", "webhook.audit-only=true", "-o", "json", "--output", "json")
                .getOrDefault(option, "v");
    }
}
