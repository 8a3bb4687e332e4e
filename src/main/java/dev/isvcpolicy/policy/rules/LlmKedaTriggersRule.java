package dev.isvcpolicy.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.isvcpolicy.policy.FieldPath;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Json;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.ObjectReview;
import dev.isvcpolicy.policy.ObjectValidation;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code keda-metrics} for an LLMInferenceService (RULES.md §4 v2): each entry of {@code spec.scaling.keda.triggers[]} and
 * {@code spec.prefill.scaling.keda.triggers[]} (KEDA trigger shape: {@code type}, {@code metadata} as a string map) has a
 * {@code type}; a {@code prometheus} trigger has {@code serverAddress}, {@code query} and a numeric {@code threshold} in its
 * {@code metadata} (KEDA's Prometheus scaler refuses it otherwise); {@code threshold} and {@code activationThreshold}, where
 * given, are numbers (KEDA parses them as floats). The rest of {@code spec.scaling} is KServe's own webhook's and CRD's.
 */
public final class LlmKedaTriggersRule implements ObjectValidation {

    /** Where the triggers sit: decode (or the only workload), and prefill. */
    static final List<FieldPath> TRIGGERS = List.of(FieldPath.of("spec", "scaling", "keda", "triggers"),
            FieldPath.of("spec", "prefill", "scaling", "keda", "triggers"));

    @Override
    public String id() {
        return "keda-metrics";
    }

    @Override
    public String doc() {
        return "an LLMInferenceService's KEDA triggers each need a type, and a prometheus one its serverAddress, query and a numeric threshold";
    }

    @Override
    public String why() {
        return "KServe copies spec.scaling.keda.triggers into a ScaledObject unchecked; KEDA then refuses it and the service is never scaled.";
    }

    @Override
    public Set<Kind> kinds() {
        return Set.of(Kind.LLM_INFERENCE_SERVICE);
    }

    @Override
    public void validate(ObjectReview r, Findings f) {
        for (FieldPath at : TRIGGERS) {
            JsonNode triggers = r.object();
            for (String field : at.toString().split("\\.")) {
                triggers = triggers == null ? null : triggers.get(field);
            }
            if (triggers == null || !triggers.isArray()) {
                continue;
            }
            for (int i = 0; i < triggers.size(); i++) {
                trigger(triggers.get(i), at.index(i), f);
            }
        }
    }

    private static void trigger(JsonNode t, FieldPath at, Findings f) {
        Optional<String> type = Json.text(t, "type").filter(s -> !s.isBlank());
        JsonNode metadata = t.path("metadata");
        FieldPath meta = at.child("metadata");
        if (type.isEmpty()) {
            f.deny(Finding.Type.REQUIRED, at.child("type"), null, "a KEDA trigger needs its type, e.g. prometheus");
        }
        if (type.filter("prometheus"::equals).isPresent()) {
            for (String key : List.of("serverAddress", "query")) {
                if (Json.text(metadata, key).filter(s -> !s.isBlank()).isEmpty()) {
                    f.deny(Finding.Type.REQUIRED, meta.key(key), null, "a prometheus trigger needs metadata." + key
                            + ("query".equals(key) ? ", the PromQL query whose value is compared with the threshold"
                                    : ", the Prometheus URL, e.g. http://prometheus.monitoring:9090"));
                }
            }
            if (!metadata.has("threshold")) {
                f.deny(Finding.Type.REQUIRED, meta.key("threshold"), null,
                        "a prometheus trigger needs metadata.threshold, the query's value per replica at which KEDA adds one");
            }
        }
        for (String key : List.of("threshold", "activationThreshold")) {
            JsonNode v = metadata.get(key);
            if (v != null && !number(v)) {
                f.deny(Finding.Type.INVALID, meta.key(key), v, "metadata." + key + " must be a number, e.g. \"10\" or \"0.5\" (KEDA parses it as one)");
            }
        }
    }

    /** A decimal number as Go's strconv.ParseFloat reads one in KEDA, e.g. {@code 10}, {@code 0.5}, {@code 1e3}: Knative's syntax. */
    private static boolean number(JsonNode v) {
        return v.isNumber() || v.isTextual() && KnativeAnnotationsRule.GO_DECIMAL.matcher(v.asText().trim()).matches();
    }
}
