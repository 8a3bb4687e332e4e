package dev.isvcpolicy.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each field of one object starts in its file: the 1-based line of every mapping key and list
 * element, by field path. A finding's path ({@code spec.predictor.minReplicas},
 * {@code metadata.annotations[serving.kserve.io/autoscalerClass]}, {@code spec.x.metrics[0].type}) is
 * looked up as written; a field that is not in the file (a required one, say) gets the line of its
 * nearest parent that is.
 */
public final class LineIndex {

    private static final char SEP = '\u0000';

    private final Map<String, Integer> lines;
    private final String prefix;
    private final int objectLine;

    private LineIndex(Map<String, Integer> lines, String prefix, int objectLine) {
        this.lines = lines;
        this.prefix = prefix;
        this.objectLine = objectLine;
    }

    /** An index with only the object's own line, for inputs whose fields have no positions. */
    static LineIndex only(int objectLine) {
        return new LineIndex(Map.of(), "", objectLine);
    }

    /** Collects positions while a document is read. */
    static final class Builder {
        private final Map<String, Integer> lines = new HashMap<>();

        void put(List<String> segments, int line) {
            lines.putIfAbsent(key(segments), line);
        }

        /** Copies {@code from}'s lines of the field at {@code segments} and of everything under it. */
        void putAllUnder(Builder from, List<String> segments) {
            String field = key(segments);
            String under = field + SEP;
            from.lines.forEach((k, line) -> {
                if (k.equals(field) || k.startsWith(under)) {
                    lines.putIfAbsent(k, line);
                }
            });
        }

        LineIndex build(int objectLine) {
            return new LineIndex(lines, "", objectLine);
        }
    }

    /** The line of the object itself (its first content line). */
    public int objectLine() {
        return objectLine;
    }

    /** The index of an object nested at {@code segments} (an item of a {@code kind: List}). */
    LineIndex sub(List<String> segments) {
        return new LineIndex(lines, prefix + key(segments) + SEP, line(segments));
    }

    /** The line of the field at {@code segments}, else of its nearest parent that is written, else the object's. */
    int line(List<String> segments) {
        for (int n = segments.size(); n > 0; n--) {
            Integer line = lines.get(prefix + key(segments.subList(0, n)));
            if (line != null) {
                return line;
            }
        }
        return objectLine;
    }

    /** The line of a field path in Kubernetes notation, e.g. {@code spec.predictor.minReplicas}. */
    public int line(String path) {
        return path == null || path.isEmpty() ? objectLine : line(segments(path));
    }

    /** {@code a.b[c.d/e].f[0]} → {@code [a, b, c.d/e, f, 0]}. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '.') {
                flush(cur, out);
                i++;
            } else if (c == '[') {
                flush(cur, out);
                int close = path.indexOf(']', i);
                if (close < 0) {
                    cur.append(path, i + 1, path.length());
                    break;
                }
                out.add(path.substring(i + 1, close));
                i = close + 1;
            } else {
                cur.append(c);
                i++;
            }
        }
        flush(cur, out);
        return out;
    }

    private static void flush(StringBuilder cur, List<String> out) {
        if (cur.length() > 0) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    private static String key(List<String> segments) {
        return String.join(String.valueOf(SEP), segments);
    }
}
