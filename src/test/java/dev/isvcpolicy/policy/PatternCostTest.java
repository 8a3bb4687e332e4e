package dev.isvcpolicy.policy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every pattern a class of the product compiles once ({@code static final Pattern}) costs linear time on long, hostile
 * input: a pattern that backtracks quadratically lets one small request hold an event loop for seconds (a
 * {@code [0-9]+\.?[0-9]*} on 40,000 digits and an {@code x} held one for 15 s). Measured by what can be counted, the
 * characters the matcher reads, not by time: at most {@value #READS_PER_CHAR} reads per input character.
 */
class PatternCostTest {

    static final int READS_PER_CHAR = 40;
    static final int N = 4_000;

    /** Inputs that make a backtracking pattern go quadratic: long runs of what most patterns here match, then a misfit. */
    static final List<String> HOSTILE = List.of("1".repeat(N) + "x", "1.".repeat(N / 2) + "x", "a".repeat(N) + "!", "a.".repeat(N / 2),
            "-11111".repeat(N / 6) + "x", "a ".repeat(N / 2) + "=", "a=\"".repeat(N / 3), " ".repeat(N) + "x", "1e".repeat(N / 2),
            "*".repeat(N) + "x", ":".repeat(N) + "1", "\n".repeat(N) + "a: [", "\n -".repeat(N / 3) + "x");

    /**
     * The patterns the product runs as a search ({@code find}, {@code replaceAll}): a search tries every start, so it is
     * measured as one. The others are only ever matched whole ({@code matches}).
     */
    static final Set<String> SEARCHED = Set.of("TtftTriggerRule.TTFT", "TtftTriggerRule.LABEL_MATCHER", "PublicMessages.QUOTED_TYPE",
            "PublicMessages.CLASS_NAME", "GoDuration.PART", "Exceptions.UNQUOTED_STAR");
    /**
     * Patterns whose caller cuts the input first, with that length: they need only be cheap up to it (at most
     * {@value #MAX_READS_BOUNDED} reads, about a millisecond).
     */
    static final Map<String, Integer> BOUNDED = Map.of("GoDuration.PART", 64, "PublicMessages.QUOTED_TYPE", 800,
            "PublicMessages.CLASS_NAME", 800, "Exceptions.UNQUOTED_STAR", Exceptions.MAX_ENTRY);
    static final long MAX_READS_BOUNDED = 2_000_000;

    @Test
    void everyCompiledPatternIsLinearOnHostileInput() throws Exception {
        List<String> slow = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Class<?> type : productClasses()) {
            List<Field> fields = new ArrayList<>(List.of(type.getDeclaredFields()));
            for (Class<?> nested : type.getDeclaredClasses()) {
                fields.addAll(List.of(nested.getDeclaredFields())); // e.g. Fixer's quoting, a class inside a class
            }
            for (Field f : fields) {
                if (f.getType() != Pattern.class || !Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Pattern p = (Pattern) f.get(null);
                String name = f.getDeclaringClass().getSimpleName() + "." + f.getName();
                seen.add(name);
                Integer bound = BOUNDED.get(name);
                for (String hostile : HOSTILE) {
                    String input = bound == null ? hostile : hostile.substring(0, Math.min(bound, hostile.length()));
                    Counting text = new Counting(input);
                    try {
                        if (SEARCHED.contains(name)) {
                            java.util.regex.Matcher m = p.matcher(text);
                            while (m.find()) {
                                // every match, as replaceAll goes through them
                            }
                        } else {
                            p.matcher(text).matches();
                        }
                    } catch (StackOverflowError e) {
                        slow.add(name + " overflows the stack on a " + input.length() + "-character input starting " + input.substring(0, 6));
                        continue;
                    }
                    long limit = bound == null ? (long) READS_PER_CHAR * input.length() : MAX_READS_BOUNDED;
                    if (text.reads > limit) {
                        slow.add(name + " read " + text.reads + " characters of a " + input.length() + "-character input starting "
                                + input.substring(0, 6) + " (at most " + limit + ")");
                    }
                }
            }
        }
        assertTrue(seen.size() > 20, "the scan found the patterns: " + seen);
        assertTrue(seen.containsAll(SEARCHED) && seen.containsAll(BOUNDED.keySet()), "every pattern named here exists: " + seen);
        assertTrue(slow.isEmpty(), String.join("\n", slow));
    }

    /** The classes under src/main/java that compile a pattern. */
    private static List<Class<?>> productClasses() throws IOException, ClassNotFoundException {
        Path root = Path.of("src/main/java");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains("Pattern.compile(")) {
                    String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                    out.add(Class.forName(name, false, PatternCostTest.class.getClassLoader()));
                }
            }
        }
        return out;
    }

    /** A text that counts how often the matcher reads one of its characters. */
    static final class Counting implements CharSequence {
        private final String text;
        long reads;

        Counting(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            reads++;
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
