package dev.isvcpolicy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/isvc-check, the wrapper CI pipelines call: its exit codes are an interface (0 allowed, 1 a deny, 2 a problem). */
class IsvcCheckScriptTest {

    /** A checkout whose build fails: the pipeline must see a tool problem (2), never a policy deny (1). */
    @Test
    void aFailedBuildExitsTwoNotOne(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.copy(Tools.ROOT.resolve("bin/isvc-check"), root.resolve("bin/isvc-check"));
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, "#!/usr/bin/env bash\necho '[ERROR] the build failed' >&2\nexit 1\n");
        mvnw.toFile().setExecutable(true);

        Tools.Result r = Tools.run(List.of("bash", root.resolve("bin/isvc-check").toString(), "x.yaml"), Map.of(), null);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("isvc-check: building the jar failed"), r.err());
    }
}
