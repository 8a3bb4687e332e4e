package dev.isvcpolicy.cli;

import dev.isvcpolicy.policy.DeploymentMode;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line of {@code isvc-check}, parsed. Hand-written rather than picocli: a dozen flags, no
 * reflection (nothing to register for a native image), nothing to load before the first file is read.
 * picocli only writes the shell completion ({@link Completion}), from a model built in code that a test
 * keeps equal to {@link #USAGE}.
 *
 * @param inputs      files, directories, or {@code -} for stdin, in the order given
 * @param defaultMode what the cluster's inferenceservice-config would say, e.g. {@code Standard}; empty: the fallback
 * @param config      a properties file of {@code webhook.*} keys
 * @param sets        {@code --set webhook.key=value}, in order (a later one wins)
 * @param old         the stored objects, for an UPDATE check
 * @param namespace   the namespace of objects that name none, as {@code kubectl apply -n}
 * @param crds        CustomResourceDefinition files whose schemas the objects are checked against first
 * @param exceptions  the exceptions ConfigMap, as applied to the cluster (RULES.md §5)
 * @param policy      the live policy ConfigMap, as applied to the cluster (RULES.md §5): its keys win over the start-up ones
 * @param completion  {@code bash}: print the shell completion script instead of checking anything
 */
public record CheckOptions(List<String> inputs, Optional<DeploymentMode> defaultMode, Optional<Path> config,
        Map<String, String> sets, Optional<Path> old, String namespace, Format format, boolean fix, boolean quiet, boolean help,
        List<Path> crds, boolean version, Optional<String> completion, Optional<Path> exceptions, Optional<Path> policy) {

    /** How the report is written. */
    public enum Format {
        TEXT, JSON
    }

    public static final String USAGE = """
            Usage: isvc-check [options] FILE|DIR|- ...
                   isvc-check rules                 every rule id, its action and what it checks
                   isvc-check explain RULE-ID       one rule: why, its settings, an object it refuses and one it accepts

            Runs the webhook's policy (same rules, same webhook.* keys, same messages) over InferenceServices
            in YAML or JSON files, multi-document; directories are searched for *.yaml, *.yml, *.json; - is stdin.
            InferenceGraphs are judged like InferenceServices; ScaledObjects, HTTPScaledObjects and LLMInferenceServices
            against the other objects of this run (they stand in for the cluster's); other kinds are skipped and counted.

            Options:
              --default-mode MODE   the cluster's default deployment mode: Knative, Standard or ModelMesh
                                    (legacy Serverless, RawDeployment); default: webhook.cluster.fallback-mode
              --old FILE            the stored objects: an input of the same kind, namespace and name is checked as an UPDATE
              --crd FILE            a CustomResourceDefinition (e.g. KServe's): objects of its kind are checked against
                                    its schema first (unknown fields, types, enums), as the API server would (repeatable)
              -n, --namespace NS    namespace of objects without metadata.namespace (default: default)
              --config FILE         a properties file of webhook.* keys (as in the webhook's configuration)
              --set KEY=VALUE       one webhook.* key, e.g. --set webhook.rules.gpu-scaling-metric=deny (repeatable);
                                    also read: -Dwebhook.* (in JAVA_OPTS) and WEBHOOK_* environment variables
                                    (--set > -D > environment > --config)
              --exceptions FILE|-   the exceptions ConfigMap as applied to the cluster: what it excepts there is
                                    excepted here (an invalid entry is said on stderr and not applied, as there)
              --policy FILE|-       the live policy ConfigMap as applied to the cluster: its keys win over --config,
                                    -D and the environment, as there; one the webhook would refuse is exit 2
              -o, --output FORMAT   text (default) or json
              --fix                 write the mutated objects back into their files (stdin: to stdout, report to stderr)
              -q, --quiet           text: only objects with mutations, findings or errors, and the summary
              --completion SHELL    print the completion script for SHELL (bash; zsh can load it with bashcompinit)
              --version             the version
              -h, --help            this help

            Inputs may be kind: List (what kubectl get -o yaml prints), Lists inside Lists included.
            Exit codes: 0 allowed (warnings included), 1 at least one deny, 2 bad input or usage, or no
            InferenceService or ScaledObject found at all (a deny wins over bad input: 1).
            """;

    /** A command line that cannot be run; the message says why. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static CheckOptions parse(String... args) throws UsageException {
        List<String> inputs = new ArrayList<>();
        Optional<DeploymentMode> defaultMode = Optional.empty();
        Optional<Path> config = Optional.empty();
        Map<String, String> sets = new LinkedHashMap<>();
        Optional<Path> old = Optional.empty();
        Optional<Path> exceptions = Optional.empty();
        Optional<Path> policy = Optional.empty();
        String namespace = "default";
        Format format = Format.TEXT;
        boolean fix = false;
        boolean quiet = false;
        boolean help = false;
        boolean version = false;
        Optional<String> completion = Optional.empty();
        List<Path> crds = new ArrayList<>();
        boolean onlyInputs = false;
        Deque<String> rest = new ArrayDeque<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.pop();
            if (onlyInputs || "-".equals(arg) || !arg.startsWith("-")) {
                inputs.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            boolean inline = !name.equals(arg);
            if (inline) {
                rest.push(arg.substring(eq + 1));
            }
            switch (name) {
                case "--" -> onlyInputs = true;
                case "-h", "--help" -> help = flag(inline, name);
                case "--fix" -> fix = flag(inline, name);
                case "--version" -> version = flag(inline, name);
                case "--crd" -> crds.add(Path.of(value(rest, name)));
                case "--completion" -> {
                    String v = value(rest, name);
                    if (!v.equals("bash")) {
                        throw new UsageException("--completion " + v + ": use bash (zsh: autoload bashcompinit; bashcompinit; then source it)");
                    }
                    completion = Optional.of(v);
                }
                case "-q", "--quiet" -> quiet = flag(inline, name);
                case "--default-mode" -> {
                    String v = value(rest, name);
                    defaultMode = Optional.of(DeploymentMode.parse(v).orElseThrow(() -> new UsageException(
                            "--default-mode " + v + ": use " + DeploymentMode.VALID_VALUES)));
                }
                case "--config" -> config = Optional.of(Path.of(value(rest, name)));
                case "--old" -> old = Optional.of(Path.of(value(rest, name)));
                case "--exceptions" -> {
                    if (exceptions.isPresent()) {
                        throw new UsageException("--exceptions can be given once (the one exceptions ConfigMap of the cluster)");
                    }
                    exceptions = Optional.of(Path.of(value(rest, name)));
                }
                case "--policy" -> {
                    if (policy.isPresent()) {
                        throw new UsageException("--policy can be given once (the one policy ConfigMap of the cluster)");
                    }
                    policy = Optional.of(Path.of(value(rest, name)));
                }
                case "-n", "--namespace" -> {
                    namespace = value(rest, name);
                    if (namespace.isBlank()) {
                        throw new UsageException(name + " needs a namespace");
                    }
                }
                case "-o", "--output" -> {
                    String v = value(rest, name);
                    format = switch (v) {
                        case "text" -> Format.TEXT;
                        case "json" -> Format.JSON;
                        default -> throw new UsageException("--output " + v + ": use text or json");
                    };
                }
                case "--set" -> {
                    String v = value(rest, name);
                    int at = v.indexOf('=');
                    if (at <= 0) {
                        throw new UsageException("--set " + v + ": use KEY=VALUE, e.g. webhook.audit-only=true");
                    }
                    String key = v.substring(0, at).trim();
                    if (!key.startsWith(OfflineSettings.PREFIX)) {
                        throw new UsageException("--set " + key + ": only webhook.* keys are read");
                    }
                    sets.put(key, v.substring(at + 1));
                }
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (!help && !version && completion.isEmpty() && inputs.isEmpty()) {
            throw new UsageException("no input: give files, directories or - for stdin");
        }
        if (inputs.stream().filter("-"::equals).count() + (exceptions.filter(Path.of("-")::equals).isPresent() ? 1 : 0)
                + (policy.filter(Path.of("-")::equals).isPresent() ? 1 : 0) > 1) {
            throw new UsageException("- (stdin) can be given once");
        }
        return new CheckOptions(List.copyOf(inputs), defaultMode, config, sets, old, namespace, format, fix, quiet, help,
                List.copyOf(crds), version, completion, exceptions, policy);
    }

    private static boolean flag(boolean inline, String name) throws UsageException {
        if (inline) {
            throw new UsageException(name + " takes no value");
        }
        return true;
    }

    private static String value(Deque<String> rest, String name) throws UsageException {
        if (rest.isEmpty()) {
            throw new UsageException(name + " needs a value");
        }
        return rest.pop();
    }

    public boolean readsStdin() {
        return inputs.contains("-");
    }
}
