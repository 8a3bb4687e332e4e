package dev.isvcpolicy.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One policy key under {@code webhook.}: its name, its type, its default and what it does. A setting is
 * declared once, where it is used (the rule that reads it, or {@link PolicySettings} for the engine's
 * own), and read with {@link PolicySettings#get(Setting)}. The same key comes from {@code application.properties},
 * {@code -D}, the environment ({@link #envName()}), the offline check's {@code --set}/{@code --config}, and the
 * rule tables' {@code settings}.
 *
 * @param <T> the typed value, e.g. {@code Integer}, {@code OptionalInt}, {@code Optional<String>}
 */
public final class Setting<T> {

    /** Reads a value's text; throws {@link IllegalArgumentException} whose message says what to use instead. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String text);
    }

    private final String key;
    private final String defaultText;
    private final Parser<T> parser;
    /** For a text the parser accepts: what is odd about it (null: nothing), e.g. a spelling kept for compatibility. */
    private final Function<String, String> advice;
    private final String doc;

    private Setting(String key, String defaultText, Parser<T> parser, String doc) {
        this(key, defaultText, parser, t -> null, doc);
    }

    private Setting(String key, String defaultText, Parser<T> parser, Function<String, String> advice, String doc) {
        if (!key.startsWith(PolicySettings.PREFIX)) {
            throw new IllegalArgumentException("a policy key starts with " + PolicySettings.PREFIX + ": " + key);
        }
        this.key = key;
        this.defaultText = defaultText;
        this.parser = parser;
        this.advice = advice;
        this.doc = doc;
    }

    /** The key, e.g. {@code webhook.gpu.max-per-replica}. */
    public String key() {
        return key;
    }

    /** The environment variable of the key, e.g. {@code WEBHOOK_GPU_MAX_PER_REPLICA}. */
    public String envName() {
        return envName(key);
    }

    /** As SmallRye Config maps names: every character that is not a letter or digit becomes {@code _}, upper case. */
    public static String envName(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (char ch : key.toCharArray()) {
            out.append(Character.isLetterOrDigit(ch) ? Character.toUpperCase(ch) : '_');
        }
        return out.toString();
    }

    /** The default as text, e.g. {@code 80}; empty when the setting is unset by default. */
    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    /** One line on what the key does, with an example value. */
    public String doc() {
        return doc;
    }

    /** The value of {@code text}; {@code null} means unset (the default). Throws with a "use ..." message. */
    public T parse(String text) {
        String t = text == null ? defaultText : text.trim();
        return parser.parse(t == null || t.isEmpty() ? null : t);
    }

    /**
     * What is odd about a text {@link #parse} accepts: a value that means nothing, or a spelling other than the plain one.
     * Such values were accepted before they were checked this closely, so they stay accepted (a policy that worked keeps
     * working after an upgrade) and are said as a warning instead.
     */
    public Optional<String> advice(String text) {
        String t = text == null ? null : text.trim();
        return t == null || t.isEmpty() ? Optional.empty() : Optional.ofNullable(advice.apply(t));
    }

    @Override
    public String toString() {
        return key;
    }

    // ---- Kinds of settings -------------------------------------------------------------------------

    /** {@code true} or {@code false}, nothing else (a typo must not read as false). */
    public static Setting<Boolean> bool(String key, boolean def, String doc) {
        return new Setting<>(key, Boolean.toString(def), t -> {
            if ("true".equalsIgnoreCase(t)) {
                return true;
            }
            if ("false".equalsIgnoreCase(t)) {
                return false;
            }
            throw new IllegalArgumentException("use true or false");
        }, doc);
    }

    /** A whole number from {@code min} to {@code max}. */
    public static Setting<Integer> integer(String key, int def, int min, int max, String doc) {
        return new Setting<>(key, Integer.toString(def), t -> {
            int v = whole(t);
            if (v < min || v > max) {
                throw new IllegalArgumentException(max == Integer.MAX_VALUE ? "use " + min + " or more" : "use " + min + " to " + max);
            }
            return v;
        }, Setting::plainNumber, doc);
    }

    /** A whole number of at least {@code min}, or unset (no limit). */
    public static Setting<OptionalInt> optionalInt(String key, int min, String doc) {
        return new Setting<>(key, null, t -> {
            if (t == null) {
                return OptionalInt.empty();
            }
            int v = whole(t);
            if (v < min) {
                throw new IllegalArgumentException("use " + min + " or more, or leave it unset");
            }
            return OptionalInt.of(v);
        }, Setting::plainNumber, doc);
    }

    /** Free text, or unset; {@code valid} refuses what cannot work, with {@code expected} as the hint. */
    public static Setting<Optional<String>> optionalText(String key, Predicate<String> valid, String expected, String doc) {
        return new Setting<>(key, null, t -> {
            if (t == null) {
                return Optional.empty();
            }
            if (!valid.test(t)) {
                throw new IllegalArgumentException("use " + expected);
            }
            return Optional.of(t);
        }, doc);
    }

    /** Most odd entries a list's advice names (the rest are counted), each cut to {@link Texts#MAX_QUOTED} characters. */
    static final int MAX_ADVISED = 5;

    /**
     * A comma-separated list, blanks dropped. Every entry is kept; those {@code meaningful} rejects (accepted before they
     * were checked, so they stay accepted) are named to {@code advice} as one bounded text, e.g. {@code "*, team-* and 3 more"},
     * which says what is wrong with them.
     */
    public static Setting<List<String>> adviseList(String key, String def, Predicate<String> meaningful,
            Function<String, String> advice, String doc) {
        return adviseList(key, def, x -> false, null, meaningful, advice, doc);
    }

    /**
     * As {@link #adviseList(String, String, Predicate, Function, String)}, refusing the entries {@code refused} names, with
     * {@code refusal} given them as one bounded text: entries that do harm, not just nothing.
     */
    public static Setting<List<String>> adviseList(String key, String def, Predicate<String> refused, Function<String, String> refusal,
            Predicate<String> meaningful, Function<String, String> advice, String doc) {
        return new Setting<>(key, def, t -> {
            List<String> out = entries(t);
            String bad = named(out.stream().filter(refused).distinct().toList());
            if (bad != null) {
                throw new IllegalArgumentException(refusal.apply(bad));
            }
            return out;
        }, t -> {
            String odd = named(entries(t).stream().filter(meaningful.negate()).distinct().toList());
            return odd == null ? null : advice.apply(odd);
        }, doc);
    }

    /** Entries as one bounded text, e.g. {@code "*, team-* and 3 more"}; null for none. */
    private static String named(List<String> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        StringBuilder named = new StringBuilder();
        for (int i = 0; i < entries.size() && i < MAX_ADVISED; i++) {
            named.append(i == 0 ? "" : ", ").append(Texts.cut(entries.get(i), Texts.MAX_QUOTED));
        }
        if (entries.size() > MAX_ADVISED) {
            named.append(" and ").append(entries.size() - MAX_ADVISED).append(" more");
        }
        return named.toString();
    }

    private static List<String> entries(String t) {
        List<String> out = new ArrayList<>();
        if (t != null) {
            Arrays.stream(t.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return List.copyOf(out);
    }

    /** One of a closed set of words (case-insensitive), each with its value; the default must be one of them. */
    public static <E> Setting<E> choice(String key, String def, Map<String, E> values, String doc) {
        return new Setting<>(key, def, t -> {
            if (t != null) {
                for (Map.Entry<String, E> e : values.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(t)) {
                        return e.getValue();
                    }
                }
            }
            throw new IllegalArgumentException("use " + String.join(", ", values.keySet()));
        }, doc);
    }

    /** A whole number as Java reads one ({@code +3} and other scripts' digits included, as before they were advised against). */
    private static int whole(String t) {
        if (t == null) {
            throw new IllegalArgumentException("use a whole number");
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("use a whole number");
        }
    }

    /** Advice for a whole number not written in ASCII digits alone (e.g. {@code +3}, {@code ٣}): one spelling per value. */
    private static String plainNumber(String t) {
        if (t.matches("-?[1-9][0-9]{0,9}|0")) {
            return null;
        }
        try {
            return "read as " + Integer.parseInt(t) + ": write it so (ASCII digits, no sign, no leading zero)";
        } catch (NumberFormatException e) {
            return null; // refused by the parser
        }
    }

    /** {@code key} in lower case, to compare keys as SmallRye does. */
    static String folded(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
