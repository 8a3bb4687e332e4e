package dev.isvcpolicy.policy;

/**
 * Bounds and escapes text that came from a request before it reaches an answer, an audit line or a
 * log line: a value is cut at a fixed length and marked as cut, and control characters are written
 * as escapes, so a newline in a uid cannot start a log line of its own.
 */
public final class Texts {

    /** Longest value copied from a request into an audit line or a log line, in characters. */
    public static final int MAX_VALUE = 256;
    /** Longest copy of a request value inside a finding's message, in characters (then {@code ...[cut, N chars]}). */
    public static final int MAX_QUOTED = 64;
    /** Longest message (a finding's, a cause's) copied into an answer or an audit line, in characters. */
    public static final int MAX_MESSAGE = 512;

    private Texts() {
    }

    /**
     * {@code text} when it has at most {@code max} characters; otherwise its first characters followed by
     * {@code ...[cut, N chars]}, where N is the original length, the whole at most {@code max + 24}
     * characters. A surrogate pair is never split. Null stays null.
     */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...[cut, " + text.length() + " chars]";
    }

    /** {@link #cut(String, int)} at {@link #MAX_VALUE}. */
    public static String cut(String text) {
        return cut(text, MAX_VALUE);
    }

    /**
     * A request value as a log line may show it: cut at {@link #MAX_VALUE}, then a backslash doubled, {@code \n},
     * {@code \r} and {@code \t} written so, and every other character {@link #visible} escapes written as
     * {@code \}{@code uXXXX}. Null gives {@code null}.
     */
    public static String log(String text) {
        return text == null ? "null" : escape(cut(text), true);
    }

    /**
     * Text for an answer (a message, a warning, a cause's value): every control character (U+0000 to U+001F, U+007F to
     * U+009F), the line and paragraph separators, the zero-width and bidirectional controls (U+061C, U+200B to U+200F,
     * U+202A to U+202E, U+2060 to U+2069, U+FEFF) written as {@code \}{@code uXXXX}, so that a request value can neither
     * start a line of its own, steer a terminal, nor reorder what the reader sees; the API server also drops a warning
     * that holds a control character. Everything else is kept as it is. Null stays null.
     */
    public static String visible(String text) {
        return text == null ? null : escape(text, false);
    }

    private static boolean hidden(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || (c >= '\u200b' && c <= '\u200f')
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2060' && c <= '\u2069') || c == '\u061c' || c == '\ufeff';
    }

    /** {@code text} with the {@link #hidden} characters escaped; for a log line also backslashes, and named escapes. */
    private static String escape(String text, boolean log) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = !log ? null : switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\\' -> "\\\\";
                default -> null;
            };
            if (escape == null && hidden(c)) {
                escape = String.format("\\u%04x", (int) c);
            }
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A value as a quoted string shows it, the way Go's {@code %q} does: backslashes and quotes escaped, then the characters
     * {@link #visible} escapes, so that the quoted value cannot seem to end early. Null stays null.
     */
    public static String quotable(String value) {
        return value == null ? null : visible(escapeQuotes(value));
    }

    /** {@code value} with its backslashes and quotes escaped, to stand between quotes (the first half of {@link #quotable}). */
    static String escapeQuotes(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
