package dev.isvcpolicy.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the inputs into documents. YAML is split on its {@code ---}/{@code ...} markers before parsing,
 * so a malformed document is reported with its file and line and the documents after it are still read
 * (a marker at column 0 always ends a document in YAML, so the split is exact). JSON files may hold
 * several values one after another, as kubectl accepts; a syntax error ends the file there.
 * Duplicate keys are an error, as kubectl's strict field validation makes them. YAML scalars are read as
 * kubectl reads them (YAML 1.1: {@code yes} is true; see {@link KubectlYaml}). Every object knows the line
 * of each of its fields, and the items of a {@code kind: List} are objects of their own.
 */
public final class Documents {

    static final ObjectMapper YAML = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

    private static final Pattern START = Pattern.compile("^---(\\s.*)?$");
    private static final Pattern END = Pattern.compile("^\\.\\.\\.\\s*$");

    /** A file, or stdin, and its text. {@code path} is null for stdin. */
    public record Source(String name, Path path, String text, boolean json) {
    }

    /** Something that could not be read, with where: {@code examples/bad.yaml:7:3: mapping values are not allowed here}. */
    public record InputError(String file, int line, int column, String message) {

        public String describe() {
            return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
        }
    }

    /**
     * One object: the parsed object, or the error that stopped it. {@code start}/{@code end} are the
     * character offsets of its document's text without the comments around it, which {@code --fix}
     * replaces. An object that is an item of a {@code kind: List} (what {@code kubectl get -o yaml}
     * prints) shares its List's document: {@code item} is the index path to it ({@code [3]}, or
     * {@code [1, 0]} in a List inside a List) and {@code list} the whole List as read; both are empty for
     * an object that is a document of its own.
     *
     * @param line  the 1-based line of its first content line
     * @param lines the line of each of its fields
     */
    public record Document(Source source, int index, int line, int start, int end, JsonNode node, InputError error,
            LineIndex lines, List<Integer> item, JsonNode list) {

        Document(Source source, int index, int line, int start, int end, JsonNode node, InputError error, LineIndex lines) {
            this(source, index, line, start, end, node, error, lines, List.of(), null);
        }

        public String where() {
            return source.name() + ":" + line;
        }

        /** The line of a field path of this object, e.g. {@code spec.predictor.minReplicas}; the object's line if not written. */
        public int line(String path) {
            return lines == null ? line : lines.line(path);
        }

        public boolean inList() {
            return !item.isEmpty();
        }
    }

    private Documents() {
    }

    /** The sources named on the command line: files, directories (searched for *.yaml, *.yml, *.json), {@code -}. */
    public static List<Source> sources(List<String> inputs, InputStream stdin, List<InputError> errors) {
        List<Source> out = new ArrayList<>();
        for (String input : inputs) {
            if ("-".equals(input)) {
                try {
                    String text = decode(stdin.readAllBytes());
                    out.add(new Source("<stdin>", null, text, text.stripLeading().startsWith("{")));
                } catch (IOException e) {
                    errors.add(new InputError("<stdin>", 0, 0, "cannot read: " + e.getMessage()));
                }
                continue;
            }
            Path path = Path.of(input);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> Files.isRegularFile(p) && isManifest(p) && !hidden(path, p)).sorted()
                            .forEach(p -> read(p, out, errors));
                } catch (IOException e) {
                    errors.add(new InputError(input, 0, 0, "cannot list: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(path)) {
                read(path, out, errors);
            } else {
                errors.add(new InputError(input, 0, 0, "no such file or directory"));
            }
        }
        return out;
    }

    /**
     * Every object of a source, empty documents (only comments) left out, and the items of every
     * {@code kind: List} (or {@code <Kind>List}) in place of the List.
     */
    public static List<Document> parse(Source source) {
        List<Document> out = new ArrayList<>();
        for (Document d : source.json() ? parseJson(source) : parseYaml(source)) {
            expand(d, d.node(), d.lines(), new ArrayList<>(), out);
        }
        return out;
    }

    /** A List's kind: {@code List} ({@code kubectl get -o yaml}) or a typed {@code InferenceServiceList} from the API. */
    static boolean isList(JsonNode node) {
        return node != null && node.isObject() && node.path("kind").isTextual() && node.path("kind").asText().endsWith("List")
                && node.path("items").isArray();
    }

    private static void expand(Document d, JsonNode node, LineIndex lines, List<Integer> item, List<Document> out) {
        if (d.error() != null || !isList(node)) {
            if (item.isEmpty()) {
                out.add(new Document(d.source(), out.size(), d.line(), d.start(), d.end(), d.node(), d.error(), d.lines()));
            } else {
                out.add(new Document(d.source(), out.size(), lines.objectLine(), d.start(), d.end(), node,
                        notAnObject(d.source(), lines.objectLine(), node), lines, List.copyOf(item), d.node()));
            }
            return;
        }
        String listKind = node.path("kind").asText();
        String itemKind = listKind.substring(0, listKind.length() - "List".length());
        JsonNode items = node.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode it = items.get(i);
            // A typed list from the API (InferenceServiceList) leaves kind and apiVersion off its items.
            if (it.isObject() && !itemKind.isEmpty() && !it.has("kind")) {
                ObjectNode filled = ((ObjectNode) it).deepCopy();
                filled.put("kind", itemKind);
                if (!filled.has("apiVersion") && node.path("apiVersion").isTextual()) {
                    filled.put("apiVersion", node.path("apiVersion").asText());
                }
                it = filled;
            }
            List<Integer> at = new ArrayList<>(item);
            at.add(i);
            expand(d, it, lines.sub(List.of("items", String.valueOf(i))), at, out);
        }
    }

    /**
     * A file read only, never written back: a regular file, a pipe ({@code <(kubectl get ...)}, {@code /dev/stdin})
     * or {@code -} for stdin. Empty (the reason in {@code errors}) when it is missing, a directory or not UTF-8 text.
     */
    static Optional<Source> readOnly(String input, InputStream stdin, List<InputError> errors) {
        if ("-".equals(input)) {
            List<Source> out = sources(List.of(input), stdin, errors);
            return out.stream().findFirst();
        }
        Path path = Path.of(input);
        if (Files.isDirectory(path) || !Files.exists(path)) {
            errors.add(new InputError(input, 0, 0, Files.isDirectory(path) ? "a directory, not a file" : "no such file"));
            return Optional.empty();
        }
        try {
            String text = decode(Files.readAllBytes(path));
            boolean json = input.toLowerCase(Locale.ROOT).endsWith(".json") || text.stripLeading().startsWith("{");
            return Optional.of(new Source(input, null, text, json));
        } catch (CharacterCodingException e) {
            errors.add(new InputError(input, 0, 0, "not UTF-8 text"));
        } catch (IOException e) {
            errors.add(new InputError(input, 0, 0, "cannot read: " + e.getMessage()));
        }
        return Optional.empty();
    }

    private static void read(Path path, List<Source> out, List<InputError> errors) {
        try {
            String text = decode(Files.readAllBytes(path));
            out.add(new Source(path.toString(), path, text, path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")));
        } catch (CharacterCodingException e) {
            errors.add(new InputError(path.toString(), 0, 0, "not UTF-8 text"));
        } catch (IOException e) {
            errors.add(new InputError(path.toString(), 0, 0, "cannot read: " + e.getMessage()));
        }
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static boolean isManifest(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    /** Below a directory given on the command line, skip dot-files and dot-directories (.git, .github is a choice). */
    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static List<Document> parseYaml(Source source) {
        String text = source.text();
        List<int[]> lines = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            lines.add(new int[] {pos, end});
            pos = nl < 0 ? text.length() : nl + 1;
        }
        List<Document> docs = new ArrayList<>();
        int chunkStart = 0;
        boolean inlineMarker = false;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? strip(text, lines.get(i)) : null;
            boolean start = line != null && START.matcher(line).matches();
            boolean end = line != null && END.matcher(line).matches();
            if (line == null || start || end) {
                chunk(source, lines, chunkStart, i, inlineMarker, docs);
                inlineMarker = start && !line.substring(3).isBlank() && !line.substring(3).trim().startsWith("#");
                chunkStart = inlineMarker ? i : i + 1;
            }
        }
        return docs;
    }

    private static String strip(String text, int[] line) {
        int end = line[1];
        if (end > line[0] && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(line[0], end);
    }

    /** Lines [from, to) of one document; {@code inlineMarker}: the first line is {@code --- <content>}. */
    private static void chunk(Source source, List<int[]> lines, int from, int to, boolean inlineMarker, List<Document> docs) {
        String text = source.text();
        int first = -1;
        int last = -1;
        for (int i = from; i < to; i++) {
            String line = strip(text, lines.get(i)).trim();
            boolean content = !line.isEmpty() && !line.startsWith("#") && !(line.startsWith("%") && !inlineMarker);
            if (content) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 0) {
            return;
        }
        StringBuilder body = new StringBuilder();
        for (int i = from; i < to; i++) {
            String line = strip(text, lines.get(i));
            if (i == from && inlineMarker) {
                line = "   " + line.substring(3);
            }
            body.append(line).append('\n');
        }
        int index = docs.size();
        int startOffset = lines.get(first)[0];
        int endOffset = lines.get(last)[0] + strip(text, lines.get(last)).length();
        try {
            KubectlYaml.Read read = KubectlYaml.read(body.toString(), from);
            JsonNode node = read.node();
            if (node == null || node.isMissingNode() || node.isNull()) {
                return;
            }
            docs.add(new Document(source, index, first + 1, startOffset, endOffset, node, notAnObject(source, first + 1, node),
                    read.lines().build(first + 1)));
        } catch (KubectlYaml.DuplicateKey e) {
            docs.add(new Document(source, index, first + 1, startOffset, endOffset, null,
                    new InputError(source.name(), e.line, e.column, e.getMessage()), null));
        } catch (IOException e) {
            docs.add(new Document(source, index, first + 1, startOffset, endOffset, null, yamlError(source, from, first, e), null));
        } catch (YAMLException e) {
            docs.add(new Document(source, index, first + 1, startOffset, endOffset, null,
                    yamlError(source, from, first, new IOException(e.getMessage(), e)), null));
        }
    }

    private static InputError yamlError(Source source, int from, int first, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                Mark mark = m.getProblemMark();
                String problem = m.getProblem() == null ? "not valid YAML" : m.getProblem();
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                return new InputError(source.name(), from + mark.getLine() + 1, mark.getColumn() + 1, problem + context);
            }
        }
        if (e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            JsonLocation loc = j.getLocation();
            return new InputError(source.name(), from + loc.getLineNr(), loc.getColumnNr(), firstLine(j.getOriginalMessage()));
        }
        return new InputError(source.name(), first + 1, 0, firstLine(e.getMessage()));
    }

    private static List<Document> parseJson(Source source) {
        List<Document> docs = new ArrayList<>();
        try (JsonParser p = JSON.createParser(source.text())) {
            while (true) {
                JsonToken token;
                JsonLocation at;
                try {
                    token = p.nextToken();
                    if (token == null) {
                        break;
                    }
                    at = p.currentTokenLocation();
                    LineIndex.Builder lines = new LineIndex.Builder();
                    JsonNode node = readJson(p, new ArrayList<>(), lines);
                    int line = at.getLineNr();
                    int start = (int) at.getCharOffset();
                    int end = (int) p.currentLocation().getCharOffset();
                    docs.add(new Document(source, docs.size(), line, start, end, node, notAnObject(source, line, node), lines.build(line)));
                } catch (JsonProcessingException e) {
                    JsonLocation loc = e.getLocation();
                    int line = loc == null ? 0 : loc.getLineNr();
                    int col = loc == null ? 0 : loc.getColumnNr();
                    InputError error = new InputError(source.name(), line, col, firstLine(e.getOriginalMessage())
                            + (docs.isEmpty() ? "" : "; the rest of this file is not read"));
                    docs.add(new Document(source, docs.size(), Math.max(line, 1), 0, 0, null, error, null));
                    break;
                }
            }
        } catch (IOException e) {
            docs.add(new Document(source, docs.size(), 1, 0, 0, null, new InputError(source.name(), 0, 0, firstLine(e.getMessage())), null));
        }
        return docs;
    }

    /** One JSON value, read token by token so that each field's line is recorded; a key written twice is an error. */
    private static JsonNode readJson(JsonParser p, List<String> path, LineIndex.Builder lines) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (o.has(key)) {
                        throw new JsonParseException(p, "Duplicate field '" + key + "' for `ObjectNode`");
                    }
                    List<String> child = new ArrayList<>(path);
                    child.add(key);
                    lines.put(child, p.currentTokenLocation().getLineNr());
                    p.nextToken();
                    o.set(key, readJson(p, child, lines));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    List<String> child = new ArrayList<>(path);
                    child.add(String.valueOf(i++));
                    lines.put(child, p.currentTokenLocation().getLineNr());
                    a.add(readJson(p, child, lines));
                }
                return a;
            }
            default -> {
                return JSON.readTree(p);
            }
        }
    }

    private static InputError notAnObject(Source source, int line, JsonNode node) {
        if (!node.isObject()) {
            String what = node.isArray() ? "a list" : node.isTextual() ? "a string" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
            return new InputError(source.name(), line, 0, "not a Kubernetes object: " + what + ", not a mapping with apiVersion and kind");
        }
        if (!node.path("apiVersion").isTextual() || !node.path("kind").isTextual()) {
            return new InputError(source.name(), line, 0, "not a Kubernetes object: apiVersion and kind must be set");
        }
        return null;
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)' for `ObjectNode`.*");

    private static String firstLine(String message) {
        if (message != null) {
            java.util.regex.Matcher dup = DUPLICATE.matcher(message);
            if (dup.lookingAt()) {
                return "duplicate key '" + dup.group(1) + "' (kubectl's strict field validation refuses it too)";
            }
        }
        if (message == null) {
            return "cannot parse";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
