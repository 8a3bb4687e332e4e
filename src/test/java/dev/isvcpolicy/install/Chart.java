package dev.isvcpolicy.install;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Helm chart in charts/isvc-autoscaling-webhook, rendered by a real Helm engine (helm-java: Helm's
 * Go library through JNI, no helm binary) with {@code helm template}, as release
 * {@code isvc-autoscaling-webhook} in namespace {@code isvc-autoscaling-webhook}, the names k8s/ uses.
 */
final class Chart {

    static final Path DIR = Tools.ROOT.resolve("charts/isvc-autoscaling-webhook");
    static final String RELEASE = "isvc-autoscaling-webhook";
    static final String NAMESPACE = "isvc-autoscaling-webhook";

    /** Variant names {@link Manifests#render} hands over to the chart. */
    static final String PREFIX = "chart";
    /** The chart as k8s/ installs it: default values, with its Namespace (k8s/ makes one too). */
    static final String DEFAULT = "chart";
    /** The chart as k8s/cert-manager/ installs it. */
    static final String CERT_MANAGER = "chart:cert-manager";

    private Chart() {
    }

    static Manifests.Rendered variant(String name) {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("namespace.create", "true");
        switch (name) {
            case DEFAULT -> {
            }
            case CERT_MANAGER -> sets.put("certificates.source", "cert-manager");
            default -> throw new IllegalArgumentException("no chart variant " + name);
        }
        return template(sets);
    }

    /**
     * {@code helm lint --strict} of the chart with {@code overrides} (YAML) merged into its values.yaml:
     * helm-java's lint takes no values file, so a copy of the chart gets the merged values.
     */
    static com.marcnuri.helm.LintResult lint(String overrides) {
        try {
            Path copy = Files.createTempDirectory("chart");
            Path target = copy.resolve(DIR.getFileName());
            try (var files = Files.walk(DIR)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(DIR.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            if (overrides != null) {
                com.fasterxml.jackson.databind.node.ObjectNode values =
                        (com.fasterxml.jackson.databind.node.ObjectNode) Manifests.YAML.readTree(DIR.resolve("values.yaml").toFile());
                merge(values, Manifests.YAML.readTree(overrides));
                Files.writeString(target.resolve("values.yaml"), Manifests.YAML.writeValueAsString(values));
            }
            return new Helm(target).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void merge(com.fasterxml.jackson.databind.node.ObjectNode into, com.fasterxml.jackson.databind.JsonNode from) {
        from.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && into.path(e.getKey()).isObject()) {
                merge((com.fasterxml.jackson.databind.node.ObjectNode) into.get(e.getKey()), e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    /** {@code helm template} with these {@code --set} values; throws when Helm refuses to render. */
    static Manifests.Rendered template(Map<String, Object> sets) {
        return template(sets, null);
    }

    /** {@code helm template -f VALUES --set ...}: {@code values} is YAML text, or null. */
    static Manifests.Rendered template(Map<String, Object> sets, String values) {
        TemplateCommand t = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (values != null) {
            try {
                Path file = Files.createTempFile("values", ".yaml");
                Files.writeString(file, values);
                t.withValuesFile(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sets.forEach(t::set);
        String yaml = t.call();
        return new Manifests.Rendered(Manifests.parse(yaml), yaml, "helm template " + sets + (values == null ? "" : " -f " + values));
    }
}
