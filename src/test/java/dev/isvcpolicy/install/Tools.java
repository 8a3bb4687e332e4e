package dev.isvcpolicy.install;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the command-line tools the install uses (kubectl, openssl, bash) from tests. */
final class Tools {

    /** The project's root (Surefire runs in it). */
    static final Path ROOT = Path.of("").toAbsolutePath();

    record Result(int exit, String out, String err) {
        Result ok(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
            return this;
        }
    }

    private Tools() {
    }

    static Result run(List<String> command, Map<String, String> env, String stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
            pb.environment().putAll(env);
            Path out = Files.createTempFile("tool-out", ".txt");
            Path err = Files.createTempFile("tool-err", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * kubectl, when it is on the PATH and its built-in kustomize is v4 or later (Debian's old
     * kubernetes-client 1.20 ships kustomize v2, which cannot read these kustomizations).
     * {@code TEST_KUBECTL=none} runs the tests as on a machine without it.
     */
    static Optional<Path> kubectl() {
        if ("none".equals(System.getenv("TEST_KUBECTL"))) {
            return Optional.empty();
        }
        Optional<Path> kubectl = onPath("kubectl");
        if (kubectl.isEmpty()) {
            return Optional.empty();
        }
        Result version = run(List.of(kubectl.get().toString(), "version", "--client"), Map.of(), null);
        Matcher m = Pattern.compile("Kustomize Version: v(\\d+)").matcher(version.out());
        return m.find() && Integer.parseInt(m.group(1)) >= 4 ? kubectl : Optional.empty();
    }
}
