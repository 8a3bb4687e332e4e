package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A field's location, rendered in Kubernetes notation ({@code spec.predictor.autoScaling.metrics[0]},
 * {@code metadata.annotations[serving.kserve.io/autoscalerClass]}) or as a JSON Pointer for patches.
 */
public final class FieldPath {

    private record Segment(String name, int index, boolean mapKey) {
    }

    public static final FieldPath ROOT = new FieldPath(List.of());

    private final List<Segment> segments;

    private FieldPath(List<Segment> segments) {
        this.segments = segments;
    }

    /** A path of plain field names, e.g. {@code of("spec", "predictor")}. */
    public static FieldPath of(String... fields) {
        FieldPath path = ROOT;
        for (String field : fields) {
            path = path.child(field);
        }
        return path;
    }

    /** A struct field: rendered {@code .name}. */
    public FieldPath child(String name) {
        return with(new Segment(name, -1, false));
    }

    /** A map entry, such as an annotation: rendered {@code [key]}. */
    public FieldPath key(String key) {
        return with(new Segment(key, -1, true));
    }

    /** A list element: rendered {@code [i]}. */
    public FieldPath index(int index) {
        return with(new Segment(null, index, false));
    }

    private FieldPath with(Segment segment) {
        List<Segment> next = new ArrayList<>(segments.size() + 1);
        next.addAll(segments);
        next.add(segment);
        return new FieldPath(Collections.unmodifiableList(next));
    }

    public int size() {
        return segments.size();
    }

    public FieldPath parent() {
        return new FieldPath(segments.subList(0, segments.size() - 1));
    }

    /** Name of segment i, or null when it is a list index. */
    public String nameAt(int i) {
        return segments.get(i).name();
    }

    /** List index of segment i, or -1 when it is a name. */
    public int indexAt(int i) {
        return segments.get(i).index();
    }

    public FieldPath prefix(int length) {
        return new FieldPath(segments.subList(0, length));
    }

    /** RFC 6901 JSON Pointer, with {@code ~} and {@code /} escaped as {@code ~0} and {@code ~1}. */
    public String pointer() {
        StringBuilder out = new StringBuilder();
        for (Segment s : segments) {
            out.append('/');
            out.append(s.name() == null ? Integer.toString(s.index())
                    : s.name().replace("~", "~0").replace("/", "~1"));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Segment s : segments) {
            if (s.name() == null) {
                out.append('[').append(s.index()).append(']');
            } else if (s.mapKey()) {
                out.append('[').append(s.name()).append(']');
            } else {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(s.name());
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && other.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }
}
