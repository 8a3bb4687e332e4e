package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One YAML document read into JSON as kubectl reads it. kubectl converts YAML to JSON with
 * sigs.k8s.io/yaml, whose parser is go-yaml v2: YAML 1.1 scalars. So an unquoted {@code yes}, {@code no},
 * {@code on}, {@code off}, {@code y}, {@code n} (any of their three letter cases) is a boolean, {@code 012} is
 * the octal 10, {@code 0x1F} and {@code 1_000} are integers, {@code ~} is null; a quoted scalar is always a
 * string; a boolean used as a mapping key becomes the key {@code "true"}/{@code "false"}; {@code <<}
 * merges mappings. Jackson's YAML reader is YAML 1.2 here and would read {@code yes} as a string, so
 * the offline check would judge something other than what the API server receives.
 * Records the line of every field on the way ({@link LineIndex}).
 */
final class KubectlYaml {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON");
    private static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");
    private static final Pattern INT = Pattern.compile("[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?");

    /** A key written twice in one mapping: kubectl's strict field validation refuses it. */
    static final class DuplicateKey extends IOException {
        final int line;
        final int column;

        DuplicateKey(String key, int line, int column) {
            super("duplicate key '" + key + "' (kubectl's strict field validation refuses it too)");
            this.line = line;
            this.column = column;
        }
    }

    /** Leaves implicit scalars untagged, so that only an explicit tag ({@code !!str 1}) shows in the node. */
    private static final class ImplicitUnresolved extends Resolver {
        @Override
        public Tag resolve(NodeId kind, String value, boolean implicit) {
            return kind == NodeId.scalar && implicit ? IMPLICIT : super.resolve(kind, value, implicit);
        }
    }

    private static final Tag IMPLICIT = new Tag("tag:isvcpolicy.dev,2026:implicit");

    /** A document read: the value and where its fields are. */
    record Read(JsonNode node, LineIndex.Builder lines) {
    }

    private final int lineOffset;
    private LineIndex.Builder lines = new LineIndex.Builder();
    private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();

    private KubectlYaml(int lineOffset) {
        this.lineOffset = lineOffset;
    }

    /**
     * Reads one document. {@code lineOffset} is the number of file lines before {@code text}, so that
     * lines in the index are lines of the file. Syntax errors come as SnakeYAML's MarkedYAMLException.
     */
    static Read read(String text, int lineOffset) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by us, with the line
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new DumperOptions()), new DumperOptions(), options,
                new ImplicitUnresolved());
        Node root = yaml.compose(new StringReader(text));
        KubectlYaml reader = new KubectlYaml(lineOffset);
        JsonNode node = root == null ? null : reader.value(root, new ArrayList<>());
        return new Read(node, reader.lines);
    }

    private int line(Node n) {
        return lineOffset + n.getStartMark().getLine() + 1;
    }

    private JsonNode value(Node n, List<String> path) throws IOException {
        if (!path.isEmpty()) {
            lines.put(path, line(n));
        }
        if (n instanceof ScalarNode s) {
            return scalar(s);
        }
        if (inProgress.containsKey(n)) {
            throw new IOException("line " + line(n) + ": an alias refers to the collection that contains it");
        }
        inProgress.put(n, true);
        try {
            if (n instanceof SequenceNode seq) {
                ArrayNode a = F.arrayNode();
                int i = 0;
                for (Node item : seq.getValue()) {
                    a.add(value(item, child(path, String.valueOf(i++))));
                }
                return a;
            }
            return mapping((MappingNode) n, path);
        } finally {
            inProgress.remove(n);
        }
    }

    private ObjectNode mapping(MappingNode m, List<String> path) throws IOException {
        ObjectNode o = F.objectNode();
        List<ObjectNode> merged = new ArrayList<>();
        List<LineIndex.Builder> mergedLines = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (k instanceof ScalarNode ks && ks.isPlain() && "<<".equals(ks.getValue())) {
                Node v = t.getValueNode();
                List<Node> sources = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
                for (Node src : sources) {
                    // A merge source's lines are kept apart: only the keys no explicit key overrides take them.
                    LineIndex.Builder outer = lines;
                    lines = new LineIndex.Builder();
                    JsonNode j;
                    try {
                        j = value(src, path);
                        mergedLines.add(lines);
                    } finally {
                        lines = outer;
                    }
                    if (!j.isObject()) {
                        throw new IOException("line " + line(src) + ": a merge (<<) needs a mapping");
                    }
                    merged.add((ObjectNode) j);
                }
                continue;
            }
            if (!(k instanceof ScalarNode ks)) {
                throw new IOException("line " + line(k) + ": a mapping key must be a plain value, not a collection");
            }
            String key = key(ks);
            if (o.has(key)) {
                throw new DuplicateKey(key, line(k), k.getStartMark().getColumn() + 1);
            }
            lines.put(child(path, key), line(k));
            o.set(key, value(t.getValueNode(), child(path, key)));
        }
        for (int i = 0; i < merged.size(); i++) {
            LineIndex.Builder from = mergedLines.get(i);
            merged.get(i).fields().forEachRemaining(e -> {
                if (!o.has(e.getKey())) {
                    o.set(e.getKey(), e.getValue());
                    lines.putAllUnder(from, child(path, e.getKey()));
                }
            });
        }
        return o;
    }

    private static List<String> child(List<String> path, String segment) {
        List<String> c = new ArrayList<>(path);
        c.add(segment);
        return c;
    }

    /** A key as sigs.k8s.io/yaml writes it into JSON: the scalar's value, booleans and null as their JSON text. */
    private static String key(ScalarNode k) {
        JsonNode v = scalar(k);
        return v.isTextual() ? v.asText() : v.isNull() ? "null" : v.toString();
    }

    /** go-yaml v2's resolution of a scalar; a quoted or block scalar is a string. */
    static JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        if (!s.isPlain()) {
            return F.textNode(v);
        }
        if (s.getTag().equals(Tag.STR)) {
            return F.textNode(v); // an explicit !!str
        }
        if (TRUE.contains(v)) {
            return F.booleanNode(true);
        }
        if (FALSE.contains(v)) {
            return F.booleanNode(false);
        }
        if (NULL.contains(v)) {
            return F.nullNode();
        }
        if (INT.matcher(v).matches()) {
            JsonNode n = integer(v);
            if (n != null) {
                return n;
            }
        }
        if (FLOAT.matcher(v).matches() && v.chars().anyMatch(Character::isDigit)) {
            try {
                double d = Double.parseDouble(v.replace("_", ""));
                // Go's JSON writes a whole float64 without a fraction (1e3 -> 1000): the API server sees an integer.
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? F.numberNode((long) d) : F.numberNode(d);
            } catch (NumberFormatException e) {
                return F.textNode(v);
            }
        }
        return F.textNode(v);
    }

    private static JsonNode integer(String text) {
        String v = text.replace("_", "");
        boolean negative = v.startsWith("-");
        if (v.startsWith("-") || v.startsWith("+")) {
            v = v.substring(1);
        }
        int radix = 10;
        if (v.startsWith("0b")) {
            radix = 2;
            v = v.substring(2);
        } else if (v.startsWith("0x")) {
            radix = 16;
            v = v.substring(2);
        } else if (v.startsWith("0o")) {
            radix = 8;
            v = v.substring(2);
        } else if (v.length() > 1 && v.startsWith("0")) {
            radix = 8;
            v = v.substring(1);
        }
        if (v.isEmpty()) {
            return null;
        }
        try {
            BigInteger b = new BigInteger(v, radix);
            b = negative ? b.negate() : b;
            return b.bitLength() < 64 ? F.numberNode(b.longValue()) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
