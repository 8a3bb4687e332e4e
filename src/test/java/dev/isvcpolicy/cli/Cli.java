package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Drives {@link CheckCommand} in-process, as {@code java -jar quarkus-run.jar check ...} would, with a chosen environment. */
final class Cli {

    record Run(int code, String out, String err) {

        JsonNode json() {
            try {
                return Documents.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        Run expect(int expected) {
            return expect(expected, "");
        }

        Run expect(int expected, String what) {
            assertEquals(expected, code, what + ": exit code; stdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        return run(Map.of(), "", args);
    }

    static Run run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = CheckCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, env);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
