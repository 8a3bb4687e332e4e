package dev.isvcpolicy.cli;

import dev.isvcpolicy.policy.Texts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Finding;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code isvc-check --crd FILE}: checks objects against a CustomResourceDefinition's own
 * {@code openAPIV3Schema} for the object's version, as the API server does after the mutating webhooks
 * and before the validating ones. So a CI run learns what the API server would refuse or drop: a
 * field the schema does not know ({@code spec.minReplicas} beside {@code spec.predictor}: refused under
 * kubectl's default {@code --validate=strict}, silently pruned otherwise), a value of the wrong type, a
 * value outside an {@code enum}, a required field left out, a number or length out of bounds.
 * Findings carry the rule id {@value #RULE} and deny.
 *
 * <p>What is read: {@code type}, {@code properties}, {@code additionalProperties}, {@code items},
 * {@code enum}, {@code required} (a field with a {@code default} is never missing), {@code nullable},
 * {@code minimum}/{@code maximum}, {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems},
 * {@code x-kubernetes-preserve-unknown-fields}, {@code x-kubernetes-int-or-string},
 * {@code x-kubernetes-embedded-resource}. Not read: {@code pattern} (Go's regular expressions, not
 * Java's), {@code format}, CEL rules ({@code x-kubernetes-validations}). {@code metadata} is the API
 * server's own (ObjectMeta), and {@code status} is left out when the version has a status subresource
 * (the API server ignores it on create and update).
 */
public final class CrdSchema {

    /** The rule id of every schema finding, e.g. in {@code -o json}: {@code "rule": "crd-schema"}. */
    static final String RULE = "crd-schema";

    /** One served version of one kind. */
    private record Version(String file, String group, String kind, String version, JsonNode schema, boolean statusSubresource) {
    }

    /** The CRDs of the run, by {@code group/kind}; versions by name. */
    private final Map<String, Map<String, Version>> byKind = new HashMap<>();
    private final Map<String, List<String>> servedVersions = new HashMap<>();

    private CrdSchema() {
    }

    /** No {@code --crd}: nothing to check. */
    static CrdSchema none() {
        return new CrdSchema();
    }

    /** A --crd file that cannot be used; the message says why. */
    public static final class BadCrd extends Exception {
        BadCrd(String message) {
            super(message);
        }
    }

    /** Reads the CRD files; each must hold at least one {@code apiextensions.k8s.io/v1} CustomResourceDefinition. */
    public static CrdSchema load(List<Path> files, InputStream stdin) throws BadCrd {
        CrdSchema s = new CrdSchema();
        for (Path file : files) {
            List<Documents.InputError> errors = new ArrayList<>();
            List<Documents.Source> sources = Documents.sources(List.of(file.toString()), stdin, errors);
            int found = 0;
            for (Documents.Source source : sources) {
                for (Documents.Document d : Documents.parse(source)) {
                    if (d.error() != null) {
                        errors.add(d.error());
                        continue;
                    }
                    JsonNode n = d.node();
                    if ("CustomResourceDefinition".equals(n.path("kind").asText())
                            && "apiextensions.k8s.io/v1".equals(n.path("apiVersion").asText())) {
                        s.add(file.toString(), n);
                        found++;
                    }
                }
            }
            if (!errors.isEmpty()) {
                throw new BadCrd("--crd " + errors.get(0).describe());
            }
            if (found == 0) {
                throw new BadCrd("--crd " + file + ": no apiextensions.k8s.io/v1 CustomResourceDefinition in it");
            }
        }
        return s;
    }

    private void add(String file, JsonNode crd) throws BadCrd {
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        Map<String, Version> versions = byKind.computeIfAbsent(group + "/" + kind, k -> new HashMap<>());
        List<String> served = servedVersions.computeIfAbsent(group + "/" + kind, k -> new ArrayList<>());
        for (JsonNode v : crd.path("spec").path("versions")) {
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (!v.path("served").asBoolean(false)) {
                continue;
            }
            if (!schema.isObject()) {
                throw new BadCrd("--crd " + file + ": " + kind + " " + v.path("name").asText() + " has no openAPIV3Schema");
            }
            versions.put(v.path("name").asText(), new Version(file, group, kind, v.path("name").asText(), schema,
                    v.path("subresources").has("status")));
            served.add(v.path("name").asText());
        }
    }

    /** How many kinds were loaded. */
    int kinds() {
        return byKind.size();
    }

    /** Adds the schema findings of each object whose kind a --crd file describes, first in its findings. */
    List<ObjectResult> judge(List<ObjectResult> results) {
        if (byKind.isEmpty()) {
            return results;
        }
        List<ObjectResult> out = new ArrayList<>();
        for (ObjectResult r : results) {
            JsonNode object = r.mutated() != null ? r.mutated() : r.document().node();
            List<Finding> schema = check(object);
            if (schema.isEmpty()) {
                out.add(r);
                continue;
            }
            List<Finding> all = new ArrayList<>(schema);
            all.addAll(r.findings());
            out.add(new ObjectResult(r.document(), r.kind(), r.namespace(), r.name(), r.outcome(), r.operation(), r.mode(),
                    r.modeSource(), r.ops(), r.notices(), List.copyOf(all), r.mutated()));
        }
        return out;
    }

    /**
     * The schema findings of one object, as the API server would see it (after mutation); empty when no
     * --crd describes its kind.
     */
    public List<Finding> check(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String key = group + "/" + object.path("kind").asText();
        Map<String, Version> versions = byKind.get(key);
        if (versions == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        Version v = versions.get(version);
        if (v == null) {
            out.add(deny("apiVersion", "Unsupported value: \"" + apiVersion + "\": the CRD serves " + group + "/"
                    + String.join(", " + group + "/", servedVersions.get(key))));
            return out;
        }
        JsonNode schema = v.schema();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String name = e.getKey();
            if (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata")
                    || (name.equals("status") && v.statusSubresource())) {
                continue;
            }
            JsonNode prop = schema.path("properties").path(name);
            if (prop.isMissingNode()) {
                if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                    out.add(unknown(name));
                }
                continue;
            }
            value(e.getValue(), prop, name, out);
        }
        required(object, schema, "", out);
        return out;
    }

    private void value(JsonNode value, JsonNode schema, String path, List<Finding> out) {
        if (value.isNull()) {
            return; // a null is pruned unless nullable, and allowed if nullable
        }
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (!value.isTextual() && !integral(value)) {
                out.add(deny(path, "Invalid value: " + show(value) + ": must be an integer or a string"));
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean ok = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> integral(value);
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            out.add(deny(path, "Invalid value: " + show(value) + ": must be of type " + type
                    + (value.isTextual() && (type.equals("integer") || type.equals("boolean")) ? " (write it without quotes)" : "")));
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.equals(value) || (allowed.isNumber() && value.isNumber() && allowed.asDouble() == value.asDouble());
            }
            if (!listed) {
                List<String> values = new ArrayList<>();
                schema.path("enum").forEach(x -> values.add(show(x)));
                out.add(deny(path, "Unsupported value: " + show(value) + ": supported values: " + String.join(", ", values)));
            }
        }
        bounds(value, schema, path, out);
        if (value.isObject()) {
            object((ObjectNode) value, schema, path, out);
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                value(value.get(i), schema.path("items"), path + "[" + i + "]", out);
            }
        }
    }

    private void object(ObjectNode value, JsonNode schema, String path, List<Finding> out) {
        if (schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            // apiVersion, kind and metadata of an embedded object are the API server's to check.
            value = value.deepCopy();
            value.remove(List.of("apiVersion", "kind", "metadata"));
        }
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        JsonNode additional = schema.path("additionalProperties");
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            JsonNode prop = schema.path("properties").path(e.getKey());
            if (!prop.isMissingNode()) {
                value(e.getValue(), prop, path + "." + e.getKey(), out);
            } else if (additional.isObject()) {
                value(e.getValue(), additional, path + "[" + e.getKey() + "]", out);
            } else if (!preserve && !additional.asBoolean(false)) {
                out.add(unknown(path + "." + e.getKey()));
            }
        }
        required(value, schema, path, out);
    }

    private static void required(JsonNode value, JsonNode schema, String path, List<Finding> out) {
        for (JsonNode r : schema.path("required")) {
            String name = r.asText();
            if (!value.has(name) && !schema.path("properties").path(name).has("default")) {
                out.add(deny(path.isEmpty() ? name : path + "." + name, "Required value"));
            }
        }
    }

    private static void bounds(JsonNode value, JsonNode schema, String path, List<Finding> out) {
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.path("minimum").asDouble()) {
                out.add(deny(path, "Invalid value: " + value + ": should be greater than or equal to " + schema.path("minimum")));
            }
            if (schema.has("maximum") && value.asDouble() > schema.path("maximum").asDouble()) {
                out.add(deny(path, "Invalid value: " + value + ": should be less than or equal to " + schema.path("maximum")));
            }
        }
        int size = value.isTextual() ? value.asText().codePointCount(0, value.asText().length()) : value.size();
        String unit = value.isTextual() ? "characters" : "items";
        String min = value.isTextual() ? "minLength" : "minItems";
        String max = value.isTextual() ? "maxLength" : "maxItems";
        if (value.isTextual() || value.isArray()) {
            if (schema.has(min) && size < schema.path(min).asInt()) {
                out.add(deny(path, "Invalid value: must have at least " + schema.path(min).asInt() + " " + unit));
            }
            if (schema.has(max) && size > schema.path(max).asInt()) {
                out.add(deny(path, "Too long: may have at most " + schema.path(max).asInt() + " " + unit));
            }
        }
    }

    private static boolean integral(JsonNode value) {
        return value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
    }

    private static String show(JsonNode value) {
        return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
    }

    private static Finding unknown(String path) {
        return deny(path, "unknown field: the CRD's schema has no such field, so the API server refuses the object "
                + "(kubectl's default --validate=strict) or silently drops the field (--validate=false); check its place and spelling");
    }

    private static Finding deny(String path, String message) {
        return new Finding(RULE, Action.DENY, path, Texts.visible(message)); // the message quotes the input's values
    }
}
