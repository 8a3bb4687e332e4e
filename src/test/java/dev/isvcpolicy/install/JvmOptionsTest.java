package dev.isvcpolicy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM options of the image (Dockerfile.jvm sets the base image's run-java.sh variables) are the ones
 * the benchmarks run with (bench/jvm-options.sh, sourced through bench/common.sh by every benchmark that starts
 * the webhook): a change to one without the other fails here (docs/decisions.md, "JVM flags (issue 16)").
 */
class JvmOptionsTest {

    /** {@code NAME=value} and {@code NAME="value"} pairs of the Dockerfile's ENV instructions. */
    static Map<String, String> env(String dockerfile) {
        String joined = dockerfile.replace("\\\n", " ");
        Map<String, String> out = new HashMap<>();
        for (String line : joined.split("\n")) {
            if (!line.startsWith("ENV ")) {
                continue;
            }
            Matcher m = Pattern.compile("([A-Z_]+)=(\"[^\"]*\"|\\S+)").matcher(line.substring(4));
            while (m.find()) {
                out.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return out;
    }

    /** The options run-java.sh makes of those variables (its java-default-options), as the image starts the JVM. */
    static List<String> imageOptions(Map<String, String> env) {
        return List.of("-XX:MaxRAMPercentage=" + env.get("JAVA_MAX_MEM_RATIO") + ".0", env.get("GC_CONTAINER_OPTIONS"),
                "-XX:MinHeapFreeRatio=" + env.get("GC_MIN_HEAP_FREE_RATIO"), "-XX:MaxHeapFreeRatio=" + env.get("GC_MAX_HEAP_FREE_RATIO"),
                "-XX:GCTimeRatio=" + env.get("GC_TIME_RATIO"));
    }

    @Test
    void benchmarkMeasuresTheImagesOptions() throws Exception {
        Map<String, String> env = env(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")));
        for (String name : List.of("JAVA_MAX_MEM_RATIO", "GC_CONTAINER_OPTIONS", "GC_MIN_HEAP_FREE_RATIO", "GC_MAX_HEAP_FREE_RATIO",
                "GC_TIME_RATIO", "MALLOC_ARENA_MAX")) {
            assertTrue(env.containsKey(name), "Dockerfile.jvm sets " + name + ": " + env);
        }
        assertFalse(env.containsKey("JAVA_OPTS"), "JAVA_OPTS would replace every option, JAVA_OPTS_APPEND included");
        String bench = Files.readString(Path.of("bench/jvm-options.sh"));
        Matcher m = Pattern.compile("(?m)^image_jvm_opts=\"([^\"]*)\"").matcher(bench);
        assertTrue(m.find(), "bench/jvm-options.sh names the image's options");
        List<String> measured = List.of(m.group(1).split(" "));
        for (String option : imageOptions(env)) {
            assertTrue(measured.contains(option), "bench/jvm-options.sh has " + option + ": " + measured);
        }
        for (String option : env.getOrDefault("JAVA_OPTS_APPEND", "").split(" ")) {
            if (option.startsWith("-XX:")) {
                assertTrue(measured.contains(option), "bench/jvm-options.sh has " + option + " (JAVA_OPTS_APPEND): " + measured);
            }
        }
        Matcher arenas = Pattern.compile("(?m)^image_malloc_arenas=(\\d+)$").matcher(bench);
        assertTrue(arenas.find(), "bench/jvm-options.sh sets the malloc arenas");
        assertEquals(env.get("MALLOC_ARENA_MAX"), arenas.group(1));
        assertTrue(Files.readString(Path.of("bench/common.sh")).contains(". bench/jvm-options.sh"), "bench/common.sh reads the image's options");
        for (String script : List.of("bench/scale.sh", "bench/run.sh", "bench/ab.sh", "bench/profile.sh", "bench/threads.sh",
                "bench/handler-time.sh", "bench/floor.sh", "bench/tail.sh")) {
            String text = Files.readString(Path.of(script));
            assertTrue(text.contains(". bench/common.sh") && text.contains("$image_jvm_opts"), script + " runs the image's options");
        }
    }

    @Test
    void readsContinuedEnvLines() {
        assertEquals(Map.of("A", "1", "B", "-x -y", "C", "z"), env("FROM x\nENV A=1 \\\n    B=\"-x -y\"\nENV C=z\nRUN true\n"));
        assertEquals(List.of("-XX:MaxRAMPercentage=40.0", "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                "-XX:GCTimeRatio=12"), imageOptions(Map.of("JAVA_MAX_MEM_RATIO", "40", "GC_CONTAINER_OPTIONS", "-XX:+UseG1GC",
                        "GC_MIN_HEAP_FREE_RATIO", "10", "GC_MAX_HEAP_FREE_RATIO", "30", "GC_TIME_RATIO", "12")));
    }
}
