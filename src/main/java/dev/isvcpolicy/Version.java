package dev.isvcpolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project's version, e.g. {@code 0.1.0}, as Maven wrote it into {@code version.properties} at build
 * time. Read without starting Quarkus, so that {@code --version} answers at once, for the jar and for
 * {@code isvc-check}.
 */
public final class Version {

    /** The flag both entry points answer, e.g. {@code java -jar quarkus-run.jar --version}. */
    public static final String FLAG = "--version";

    private static final String NAME = "isvc-autoscaling-webhook";

    private Version() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String number() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the build");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        if (v.isEmpty() || v.contains("${")) {
            throw new IllegalStateException("version.properties was not filtered by Maven: " + v);
        }
        return v;
    }

    /** The line {@code --version} prints, e.g. {@code isvc-autoscaling-webhook 0.1.0}. */
    public static String line(String program) {
        return program + " " + number() + (program.equals(NAME) ? "" : " (" + NAME + ")");
    }

    /** The line for the webhook itself. */
    public static String line() {
        return line(NAME);
    }
}
