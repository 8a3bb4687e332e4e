package dev.isvcpolicy.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rendered install: {@code kubectl kustomize} where a kubectl with kustomize v4+ is on the PATH, else
 * a small renderer for the subset of kustomize these folders use (resources and strategic-merge
 * annotation patches). {@link #render} says which one it used. A variant named {@code chart...} is the Helm
 * chart rendered by {@link Chart}, so that the checks of {@code ManifestsTest} run on it too.
 */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The two install variants, as folders under k8s/. */
    static final String PLAIN = "k8s";
    static final String CERT_MANAGER = "k8s/cert-manager";

    /** What the Java renderer understands; anything else in a kustomization fails the test. */
    private static final Set<String> KNOWN_KEYS = Set.of("apiVersion", "kind", "resources", "patches", "images");

    record Rendered(List<ObjectNode> docs, String yaml, String renderer) {
        List<ObjectNode> ofKind(String kind) {
            return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        }

        ObjectNode one(String kind) {
            List<ObjectNode> all = ofKind(kind);
            if (all.size() != 1) {
                throw new AssertionError("expected one " + kind + ", found " + all.size() + " (" + renderer + ")");
            }
            return all.get(0);
        }

        Optional<ObjectNode> find(String kind, String namespace, String name) {
            return ofKind(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())
                    && (namespace == null || namespace.equals(d.path("metadata").path("namespace").asText()))).findFirst();
        }
    }

    private Manifests() {
    }

    static Rendered render(String folder) {
        if (folder.startsWith(Chart.PREFIX)) {
            return Chart.variant(folder);
        }
        Optional<Path> kubectl = Tools.kubectl();
        if (kubectl.isPresent()) {
            String yaml = Tools.run(List.of(kubectl.get().toString(), "kustomize", folder), Map.of(), null)
                    .ok("kubectl kustomize " + folder).out();
            return new Rendered(parse(yaml), yaml, "kubectl kustomize");
        }
        List<ObjectNode> docs = renderInJava(Tools.ROOT.resolve(folder));
        StringBuilder yaml = new StringBuilder();
        for (ObjectNode d : docs) {
            try {
                yaml.append(YAML.writeValueAsString(d));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return new Rendered(docs, yaml.toString(), "Java renderer (no kubectl with kustomize v4+ on the PATH)");
    }

    static List<ObjectNode> parse(String yaml) {
        List<ObjectNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.isObject() && d.size() > 0) {
                    docs.add((ObjectNode) d);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("not YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    private static List<ObjectNode> renderInJava(Path dir) {
        try {
            JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
            k.fieldNames().forEachRemaining(f -> {
                if (!KNOWN_KEYS.contains(f)) {
                    throw new AssertionError(dir + "/kustomization.yaml uses '" + f + "', which the Java renderer does not know");
                }
            });
            List<ObjectNode> docs = new ArrayList<>();
            for (JsonNode r : k.path("resources")) {
                Path p = dir.resolve(r.asText()).normalize();
                docs.addAll(Files.isDirectory(p) ? renderInJava(p) : parse(Files.readString(p)));
            }
            for (JsonNode patch : k.path("patches")) {
                for (ObjectNode pd : parse(Files.readString(dir.resolve(patch.path("path").asText())))) {
                    if (pd.path("metadata").size() != 2 || !pd.path("metadata").has("annotations") || pd.size() != 3) {
                        throw new AssertionError("the Java renderer only applies annotation patches: " + pd);
                    }
                    ObjectNode target = docs.stream().filter(d -> d.path("kind").equals(pd.path("kind"))
                                    && d.path("metadata").path("name").equals(pd.path("metadata").path("name")))
                            .findFirst().orElseThrow(() -> new AssertionError("patch target missing: " + pd));
                    ((ObjectNode) target.get("metadata")).withObject("annotations")
                            .setAll((ObjectNode) pd.path("metadata").path("annotations"));
                }
            }
            for (JsonNode image : k.path("images")) {
                for (ObjectNode d : docs) {
                    for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                        if (c.path("image").asText().split(":")[0].equals(image.path("name").asText())) {
                            ((ObjectNode) c).put("image", image.path("newName").asText(image.path("name").asText())
                                    + ":" + image.path("newTag").asText());
                        }
                    }
                }
            }
            return docs;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }
}
