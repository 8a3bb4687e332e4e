package dev.isvcpolicy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code --fix}: each document the webhook would patch is replaced, in place, by the patched object;
 * everything else in the file (other documents, the comments before and after each document, the
 * {@code ---} markers) is kept byte for byte. Inside a rewritten document, key order is kept (new keys
 * come last in their mapping) but comments and flow style ({@code {a: 1}}) are not: Jackson's YAML
 * writer does not carry them.
 */
final class Fixer {

    static final YAMLMapper YAML_OUT = new YAMLMapper(YAMLFactory.builder()
            .stringQuotingChecker(new KubectlSafeQuoting())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private static final ObjectWriter JSON_OUT = Documents.JSON.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private Fixer() {
    }

    /**
     * Quotes every string a YAML 1.1 reader (kubectl's) could take for a number, boolean or null:
     * Jackson's own check misses {@code 1e1}, {@code 0x1F}, {@code 1_000} and {@code y}, which would
     * reach the API server as numbers or booleans. Errs on the quoted side ({@code "4Gi"}).
     */
    static final class KubectlSafeQuoting extends StringQuotingChecker.Default {

        private static final Pattern TYPED = Pattern.compile(
                "[-+.0-9].*|(?i)(y|n|yes|no|on|off|true|false|null|~|\\.inf|\\.nan)|");

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || TYPED.matcher(name).matches();
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || TYPED.matcher(value).matches();
        }
    }

    /** Writes every source that has a patched object; stdin's fixed text goes to {@code stdout}. Returns the files written. */
    static List<String> write(List<Documents.Source> sources, List<ObjectResult> results, PrintStream stdout) throws IOException {
        List<String> written = new ArrayList<>();
        for (Documents.Source source : sources) {
            List<ObjectResult> mine = results.stream().filter(r -> r.document().source() == source).toList();
            boolean changes = mine.stream().anyMatch(ObjectResult::mutates);
            if (source.path() == null) {
                stdout.print(changes ? fixed(source, mine) : source.text());
                stdout.flush();
                continue;
            }
            if (!changes) {
                continue;
            }
            try {
                String fixed = fixed(source, mine);
                // A byte order mark the file began with is kept (reading drops it).
                Files.writeString(source.path(), bom(source.path()) ? "\uFEFF" + fixed : fixed, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IOException(source.name(), e);
            }
            written.add(source.name());
        }
        return written;
    }

    private static boolean bom(java.nio.file.Path path) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(3);
            return head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB && (head[2] & 0xff) == 0xBF;
        }
    }

    /**
     * The source's text with each patched document replaced by the patched object. Items of a
     * {@code kind: List} share their List's document: the List is written again with every patched item
     * in its place.
     */
    static String fixed(Documents.Source source, List<ObjectResult> results) {
        String text = source.text();
        // A file written with CRLF line ends (an editor on Windows) keeps them in the rewritten documents too.
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        StringBuilder out = new StringBuilder();
        int at = 0;
        Map<Integer, List<ObjectResult>> byDocument = new TreeMap<>();
        results.stream().filter(ObjectResult::mutates)
                .forEach(r -> byDocument.computeIfAbsent(r.document().start(), k -> new ArrayList<>()).add(r));
        for (List<ObjectResult> group : byDocument.values()) {
            Documents.Document d = group.get(0).document();
            out.append(text, at, d.start());
            boolean inlineMarker = !source.json() && text.startsWith("---", d.start());
            JsonNode written = d.inList() ? listWith(d.list(), group) : group.get(0).mutated();
            out.append(inlineMarker ? "---" + newline : "").append(render(written, source.json()).replace("\n", newline));
            at = d.end();
        }
        out.append(text.substring(at));
        return out.toString();
    }

    private static JsonNode listWith(JsonNode list, List<ObjectResult> items) {
        JsonNode copy = list.deepCopy();
        for (ObjectResult r : items) {
            JsonNode parent = copy;
            List<Integer> path = r.document().item();
            for (int i = 0; i < path.size() - 1; i++) {
                parent = parent.path("items").get(path.get(i));
            }
            ArrayNode siblings = (ArrayNode) parent.path("items");
            int index = path.get(path.size() - 1);
            ObjectNode mutated = r.mutated().deepCopy();
            // A typed List's items were read with the List's kind filled in; write them back as they were.
            for (String field : List.of("kind", "apiVersion")) {
                if (!siblings.get(index).has(field)) {
                    mutated.remove(field);
                }
            }
            siblings.set(index, mutated);
        }
        return copy;
    }

    static String render(JsonNode object, boolean json) {
        try {
            String s = json ? JSON_OUT.writeValueAsString(object) : YAML_OUT.writeValueAsString(object);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the patched object", e);
        }
    }
}
