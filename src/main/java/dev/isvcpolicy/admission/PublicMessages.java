package dev.isvcpolicy.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.isvcpolicy.policy.Texts;
import java.util.regex.Pattern;

/**
 * Turns the JSON library's exceptions into messages for a 400 answer: where the problem is (a field
 * path, a line and column) and what was expected, in the words of JSON ("a string", "a list"), never
 * the names of the classes that read it, and at most {@value #MAX_LENGTH} characters.
 */
final class PublicMessages {

    static final int MAX_LENGTH = 200;

    /** A Java type name as Jackson quotes it, e.g. {@code `io.fabric8.kubernetes.api.model.authentication.UserInfo`}. */
    private static final Pattern QUOTED_TYPE = Pattern.compile("`[^`]*`");
    /** A fully qualified class name, e.g. {@code java.lang.String} or {@code io.fabric8...UserInfo$Builder}. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*");
    /** What Jackson appends after a message: the source and position, with class names in it; cut off with what follows. */
    private static final String SOURCE = "at [Source:";

    private PublicMessages() {
    }

    /** A parse error of the body: what is wrong and where (line and column). */
    static String ofJson(JsonProcessingException e) {
        String what;
        if (e instanceof StreamConstraintsException) {
            what = "exceeds a limit of this webhook (nesting depth " + ReviewCodec.MAX_NESTING_DEPTH + ", string length "
                    + ReviewCodec.MAX_STRING_LENGTH + ", number length 100 digits)";
        } else {
            what = clean(e.getOriginalMessage());
        }
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            what = what + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        }
        return Texts.cut(what, MAX_LENGTH);
    }

    /** A message without class names, source excerpts or line breaks; "invalid input" when nothing is left. */
    static String clean(String message) {
        if (message == null || message.isBlank()) {
            return "invalid input";
        }
        // The patterns below run on at most this much: the library's messages quote the input, cut to a few hundred characters.
        String m = Texts.cut(message, 4 * MAX_LENGTH);
        int source = m.indexOf(SOURCE);
        m = source >= 0 ? m.substring(0, source) : m;
        m = QUOTED_TYPE.matcher(m).replaceAll("a value");
        m = CLASS_NAME.matcher(m).replaceAll("a value");
        m = m.replaceAll("\\s+", " ").trim();
        return Texts.cut(Texts.log(m), MAX_LENGTH);
    }
}
