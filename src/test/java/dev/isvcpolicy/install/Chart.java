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
