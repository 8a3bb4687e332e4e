package dev.isvcpolicy.policy;

import java.util.Arrays;

/**
 * A field's location, rendered in Kubernetes notation ({@code spec.predictor.autoScaling.metrics[0]},
 * {@code metadata.annotations[serving.kserve.io/autoscalerClass]}) or as a JSON Pointer for patches.
 */
public final class FieldPath {

    private record Segment(String name, int index, boolean mapKey) {
    }

    private static final Segment[] NONE = new Segment[0];

    public static final FieldPath ROOT = new FieldPath(NONE);

    /** Never changed once built: a longer path copies it (a path is a few segments; rules build many). */
    private final Segment[] segments;

    private FieldPath(Segment[] segments) {
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
        Segment[] next = Arrays.copyOf(segments, segments.length + 1);
        next[segments.length] = segment;
        return new FieldPath(next);
    }

    public int size() {
        return segments.length;
    }

    /** The path without its last segment; fails on {@link #ROOT}. */
    public FieldPath parent() {
        if (segments.length == 0) {
            throw new IndexOutOfBoundsException("the root has no parent");
        }
        return prefix(segments.length - 1);
    }

    /** Name of segment i, or null when it is a list index. */
    public String nameAt(int i) {
        return segments[i].name();
    }

    /** List index of segment i, or -1 when it is a name. */
    public int indexAt(int i) {
        return segments[i].index();
    }

    /** The first {@code length} segments; fails when {@code length} is negative or beyond {@link #size}. */
    public FieldPath prefix(int length) {
        if (length < 0 || length > segments.length) {
            throw new IndexOutOfBoundsException("prefix " + length + " of a path of " + segments.length);
        }
        return new FieldPath(Arrays.copyOf(segments, length));
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
        return o instanceof FieldPath other && Arrays.equals(other.segments, segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }
}
