package dev.isvcpolicy.cli;

import java.io.File;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code isvc-check --completion bash}: the bash completion script, written by picocli's
 * {@link AutoComplete} from a command model built in code (no annotations, so no reflection). Options
 * that take a file complete file names; the others complete their values.
 * <pre>source &lt;(bin/isvc-check --completion bash)</pre>
 */
final class Completion {

    /** The name the script completes, as installed: {@code isvc-check}. */
    static final String PROGRAM = "isvc-check";

    private Completion() {
    }

    /** The options, as the parser reads them (a test compares them with {@link CheckOptions#USAGE}). */
    static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name(PROGRAM);
        spec.addOption(withValue(List.of("--default-mode"), "MODE", List.of("Knative", "Standard", "ModelMesh", "Serverless", "RawDeployment")));
        spec.addOption(file("--old"));
        spec.addOption(file("--crd"));
        spec.addOption(withValue(List.of("-n", "--namespace"), "NS", List.of()));
        spec.addOption(file("--config"));
        spec.addOption(withValue(List.of("--set"), "KEY=VALUE", List.of()));
        spec.addOption(file("--exceptions"));
        spec.addOption(file("--policy"));
        spec.addOption(withValue(List.of("-o", "--output"), "FORMAT", List.of("text", "json")));
        spec.addOption(flag("--fix"));
        spec.addOption(flag("-q", "--quiet"));
        spec.addOption(withValue(List.of("--completion"), "SHELL", List.of("bash")));
        spec.addOption(flag("--version"));
        spec.addOption(flag("-h", "--help"));
        spec.addPositional(PositionalParamSpec.builder().paramLabel("FILE").type(File.class).arity("0..*").build());
        return spec;
    }

    /** The bash script. */
    static String bash() {
        return AutoComplete.bash(PROGRAM, new CommandLine(spec()));
    }

    private static OptionSpec flag(String... names) {
        return OptionSpec.builder(names).arity("0").build();
    }

    private static OptionSpec file(String name) {
        return OptionSpec.builder(name).paramLabel("FILE").type(File.class).arity("1").build();
    }

    private static OptionSpec withValue(List<String> names, String label, List<String> candidates) {
        OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new)).paramLabel(label).type(String.class).arity("1");
        if (!candidates.isEmpty()) {
            b.completionCandidates(candidates);
        }
        return b.build();
    }
}
