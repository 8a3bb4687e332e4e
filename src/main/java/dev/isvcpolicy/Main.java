package dev.isvcpolicy;

import dev.isvcpolicy.cli.CheckCommand;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * The one entry point of the jar (and of a native binary): {@code check ...} runs the offline check
 * over files and exits without starting Quarkus (no HTTPS port, no TLS files, no cluster);
 * {@code --version} prints the version and exits, also without starting Quarkus; anything else starts
 * the webhook server exactly as the generated main would ({@code Quarkus.run(args)}).
 */
@QuarkusMain
public final class Main {

    /** The first argument that selects the offline check, e.g. {@code java -jar quarkus-run.jar check isvc.yaml}. */
    public static final String CHECK = "check";

    private Main() {
    }

    public static void main(String... args) {
        if (args.length == 1 && Version.FLAG.equals(args[0])) {
            System.out.println(Version.line());
            System.exit(0);
        }
        if (args.length > 0 && CHECK.equals(args[0])) {
            int code = CheckCommand.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err, System.getenv(),
                    systemProperties());
            System.out.flush();
            System.exit(code);
        }
        Quarkus.run(args);
    }

    private static java.util.Map<String, String> systemProperties() {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        System.getProperties().stringPropertyNames().forEach(k -> out.put(k, System.getProperty(k)));
        return out;
    }
}
