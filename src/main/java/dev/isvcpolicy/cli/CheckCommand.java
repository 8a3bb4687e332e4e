package dev.isvcpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.policy.PolicyEngine;
import java.util.Optional;
import dev.isvcpolicy.policy.Stage;
import dev.isvcpolicy.policy.Kind;
import dev.isvcpolicy.policy.Decision;
import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Exceptions;
import dev.isvcpolicy.policy.Texts;
import dev.isvcpolicy.policy.PolicySettings;
import java.io.IOException;
import java.time.Instant;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code isvc-check}: the webhook's policy over files. Reads every input, then judges each object as
 * the API server would send it to the webhook, prints the report, and with {@code --fix} writes the
 * mutated objects back. Pure apart from reading and writing the files it is given.
 */
public final class CheckCommand {

    /** Every object allowed (warnings included). */
    public static final int ALLOWED = 0;
    /** At least one deny; wins over {@link #BAD_INPUT}, since the report still lists the bad input. */
    public static final int DENIED = 1;
    /** A document, file, flag or setting that could not be read, and no deny. */
    public static final int BAD_INPUT = 2;

    private CheckCommand() {
    }

    /** Runs one command line; returns the exit code. {@code env} is the process environment (only WEBHOOK_* is read). */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Map<String, String> env) {
        return run(args, stdin, out, err, env, Map.of());
    }

    /**
     * As {@link #run(String[], InputStream, PrintStream, PrintStream, Map)}, with the JVM's {@code -Dwebhook.*}
     * system properties given explicitly ({@code Main} passes the process's own; tests pass their own).
     */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Map<String, String> env,
            Map<String, String> systemProperties) {
        if (RulesCommand.handles(args)) {
            return RulesCommand.run(args, out, err);
        }
        CheckOptions options;
        try {
            options = CheckOptions.parse(args);
        } catch (CheckOptions.UsageException e) {
            err.println("isvc-check: " + e.getMessage());
            err.println("Try isvc-check --help.");
            return BAD_INPUT;
        }
        if (options.help()) {
            out.print(CheckOptions.USAGE);
            return ALLOWED;
        }
        if (options.version()) {
            out.println(dev.isvcpolicy.Version.line(Completion.PROGRAM));
            return ALLOWED;
        }
        if (options.completion().isPresent()) {
            out.print(Completion.bash());
            return ALLOWED;
        }
        PolicySettings settings;
        try {
            settings = OfflineSettings.build(options.config(), options.sets(), env, systemProperties);
        } catch (OfflineSettings.BadSettings e) {
            err.println("isvc-check: " + e.getMessage());
            return BAD_INPUT;
        }
        if (options.policy().isPresent()) {
            settings = withPolicy(settings, options, stdin, err);
            if (settings == null) {
                return BAD_INPUT;
            }
        }
        settings.warningLines().forEach(w -> err.println("isvc-check: warning: " + w));
        PolicyEngine engine = new PolicyEngine(settings);
        CrdSchema crds;
        try {
            crds = options.crds().isEmpty() ? CrdSchema.none() : CrdSchema.load(options.crds(), stdin);
        } catch (CrdSchema.BadCrd e) {
            err.println("isvc-check: " + e.getMessage());
            return BAD_INPUT;
        }

        Exceptions exceptions = Exceptions.NONE;
        if (options.exceptions().isPresent()) {
            exceptions = readExceptions(options.exceptions().get(), stdin, err);
            if (exceptions == null) {
                return BAD_INPUT;
            }
        }

        Map<String, JsonNode> old = new HashMap<>();
        if (options.old().isPresent()) {
            List<Documents.InputError> oldErrors = new ArrayList<>();
            if (!Files.isRegularFile(options.old().get())) {
                err.println("isvc-check: --old " + options.old().get() + ": no such file");
                return BAD_INPUT;
            }
            for (Documents.Source s : Documents.sources(List.of(options.old().get().toString()), stdin, oldErrors)) {
                for (Documents.Document d : Documents.parse(s)) {
                    if (d.error() != null) {
                        oldErrors.add(d.error());
                    } else {
                        String k = key(namespace(d.node(), options.namespace()), d.node());
                        if (k != null) {
                            old.put(k, d.node());
                        }
                    }
                }
            }
            if (!oldErrors.isEmpty()) {
                oldErrors.forEach(e -> err.println("isvc-check: --old " + e.describe()));
                return BAD_INPUT;
            }
        }

        List<Documents.InputError> errors = new ArrayList<>();
        List<Documents.Source> sources = Documents.sources(options.inputs(), stdin, errors);
        List<Documents.Document> documents = new ArrayList<>();
        for (Documents.Source source : sources) {
            for (Documents.Document d : Documents.parse(source)) {
                if (d.error() != null) {
                    errors.add(d.error());
                } else {
                    documents.add(d);
                }
            }
        }

        Map<Kind, List<ObjectNode>> byKind = new java.util.EnumMap<>(Kind.class);
        for (Documents.Document d : documents) {
            Optional<Kind> kind = kindOf(d.node());
            if (kind.isPresent()) {
                byKind.computeIfAbsent(kind.get(), k -> new ArrayList<>()).add((ObjectNode) d.node());
            }
        }
        OfflineCluster cluster = new OfflineCluster(options.defaultMode(), List.copyOf(byKind.getOrDefault(Kind.INFERENCE_SERVICE, List.of())),
                List.copyOf(byKind.getOrDefault(Kind.SCALED_OBJECT, List.of())), options.namespace(), Map.copyOf(byKind));

        // Each object as the API server would put it through the webhook: /mutate, then /validate on the patched object.
        Decider decider = new Decider(engine, exceptions, java.time.Clock.systemUTC());
        List<ObjectResult> results = new ArrayList<>();
        List<Documents.Document> skipped = new ArrayList<>();
        Map<String, List<String>> places = new java.util.LinkedHashMap<>();
        for (Documents.Document d : documents) {
            Optional<Kind> kind = kindOf(d.node());
            if (kind.isEmpty()) {
                skipped.add(d);
                continue;
            }
            String ns = namespace(d.node(), options.namespace());
            String k = key(ns, d.node());
            if (k != null) {
                places.computeIfAbsent(kind.get().kind() + " " + ns + "/" + name(d.node()), x -> new ArrayList<>())
                        .add(d.source().name() + ":" + d.line());
            }
            JsonNode stored = k == null ? null : old.get(k);
            Decision decision = decider.decide(new Decider.Input(Stage.BOTH, kind.get().group(), kind.get().kind(),
                    stored == null ? "CREATE" : "UPDATE", ns, name(d.node()), ((ObjectNode) d.node()).deepCopy(), stored), cluster);
            results.add(ObjectResult.of(d, ns, decision));
        }

        results = crds.judge(results);
        // kubectl apply of them all keeps only the last: each was judged here as if it were the one created.
        Map<String, String> again = new java.util.LinkedHashMap<>();
        places.forEach((object, at) -> {
            if (at.size() > 1) {
                again.put(object, "is defined " + at.size() + " times, and applied together each replaces the one before: " + String.join(", ", at));
            }
        });
        say(err, again, "isvc-check: warning: %s %s", "objects defined more than once");

        List<String> written = new ArrayList<>();
        boolean fixToStdout = options.fix() && options.readsStdin();
        PrintStream report = fixToStdout ? err : out;
        if (options.fix()) {
            try {
                written = Fixer.write(sources, results, out);
            } catch (IOException e) {
                errors.add(new Documents.InputError(e.getMessage(), 0, 0, "cannot write the fixed file"));
            }
        }
        Report r = new Report(sources.size(), results, skipped, errors, written);
        int code = r.denied() > 0 ? DENIED : errors.isEmpty() && !r.nothingChecked() ? ALLOWED : BAD_INPUT;
        if (options.format() == CheckOptions.Format.JSON) {
            report.println(r.json(code));
        } else {
            errors.forEach(e -> err.println("error: " + e.describe()));
            report.print(r.text(options.quiet(), code));
        }
        if (r.nothingChecked()) {
            err.println("isvc-check: " + r.nothingCheckedMessage());
        }
        report.flush();
        return code;
    }

    /** The admitted kind of a document, from its {@code apiVersion} group and {@code kind}; empty for any other. */
    static Optional<Kind> kindOf(JsonNode object) {
        return object.isObject() ? Kind.ofApiVersion(object.path("apiVersion").asText(), object.path("kind").asText()) : Optional.empty();
    }

    /** {@code metadata.name}, or {@code generateName} followed by {@code *}, or empty. */
    static String name(JsonNode object) {
        JsonNode meta = object.path("metadata");
        if (meta.path("name").isTextual()) {
            return meta.path("name").asText();
        }
        return meta.path("generateName").isTextual() ? meta.path("generateName").asText() + "*" : "";
    }

    private static String namespace(JsonNode object, String fallback) {
        JsonNode ns = object.path("metadata").path("namespace");
        return ns.isTextual() && !ns.asText().isEmpty() ? ns.asText() : fallback;
    }

    /** kind/namespace/name, how an input finds its stored object in --old; null without a name (generateName). */
    private static String key(String namespace, JsonNode object) {
        if (!object.path("metadata").path("name").isTextual()) {
            return null;
        }
        return object.path("kind").asText() + "/" + namespace + "/" + object.path("metadata").path("name").asText();
    }

    /** At most this many problems and warnings of the exceptions ConfigMap are printed, each cut to {@link #MAX_WHY}: as the webhook logs them. */
    static final int MAX_SAID = dev.isvcpolicy.config.PolicyHolder.MAX_LOGGED;
    static final int MAX_WHY = dev.isvcpolicy.config.PolicyHolder.MAX_PROBLEM;
    /** What the API server takes as a ConfigMap key. */
    private static final java.util.regex.Pattern CONFIG_MAP_KEY = java.util.regex.Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    /**
     * {@code settings} with the live policy ConfigMap of {@code --policy FILE} over them, as the webhook takes it over its
     * start-up values ({@link dev.isvcpolicy.config.PolicyHolder}); the {@code --set} keys that are policy keys over that
     * again (the command line wins). Null (said on {@code err}) when the file holds no single ConfigMap or the webhook
     * would refuse it: a version with an unknown key or a bad value is refused whole there.
     */
    static PolicySettings withPolicy(PolicySettings settings, CheckOptions options, InputStream stdin, PrintStream err) {
        java.nio.file.Path file = options.policy().orElseThrow();
        String what = "--policy " + Texts.visible(Texts.cut(file.toString(), Texts.MAX_QUOTED));
        Map<String, String> data = configMapData(file, stdin, err, what, "the policy ConfigMap", "quote the value: key: \"true\"");
        if (data == null) {
            return null;
        }
        Map<String, String> sets = new java.util.TreeMap<>();
        options.sets().forEach((k, v) -> PolicySettings.knownKey(k).ifPresent(key -> sets.put(key, v)));
        try {
            return settings.with(data).with(sets);
        } catch (PolicySettings.InvalidSettings e) {
            err.println("isvc-check: " + what + ": the webhook would refuse this ConfigMap and keep its last good policy:");
            e.problems().stream().limit(MAX_SAID).forEach(p -> err.println("  " + Texts.visible(Texts.cut(p, MAX_WHY))));
            if (e.problems().size() > MAX_SAID) {
                err.println("  ... and " + (e.problems().size() - MAX_SAID) + " more");
            }
            return null;
        }
    }

    /**
     * The {@code data} of the one v1 ConfigMap in {@code file} (the manifest an admin applies, or what {@code kubectl get
     * -o yaml} prints; {@code -} for stdin), by key; null (said on {@code err}, {@code what} first) when the file cannot be
     * read or holds no single ConfigMap the API server would take (data values text, keys {@code [-._a-zA-Z0-9]}, at most
     * 253 characters). {@code notText} is the fix for a value that is not text.
     */
    static Map<String, String> configMapData(java.nio.file.Path file, InputStream stdin, PrintStream err, String what, String which,
            String notText) {
        List<Documents.InputError> errors = new ArrayList<>();
        List<JsonNode> configMaps = new ArrayList<>();
        for (Documents.Source s : Documents.readOnly(file.toString(), stdin, errors).stream().toList()) {
            for (Documents.Document d : Documents.parse(s)) {
                if (d.error() != null) {
                    errors.add(d.error());
                } else if ("ConfigMap".equals(d.node().path("kind").asText()) && "v1".equals(d.node().path("apiVersion").asText())) {
                    configMaps.add(d.node());
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.stream().limit(MAX_SAID).forEach(e -> err.println("isvc-check: " + what + ": " + e.describe()));
            return null;
        }
        if (configMaps.size() != 1) {
            err.println("isvc-check: " + what + ": give a file with one v1 ConfigMap (" + which + "), not "
                    + configMaps.size());
            return null;
        }
        JsonNode data = configMaps.get(0).path("data");
        Map<String, String> entries = new java.util.TreeMap<>();
        if (!data.isMissingNode() && !data.isNull() && !data.isObject()) {
            err.println("isvc-check: " + what + ": data is not a mapping");
            return null;
        }
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            String key = Texts.visible(Texts.cut(e.getKey(), Texts.MAX_QUOTED));
            // What the API server refuses in a ConfigMap, so the cluster cannot hold it.
            if (!CONFIG_MAP_KEY.matcher(e.getKey()).matches() || e.getKey().equals(".") || e.getKey().startsWith("..")) {
                err.println("isvc-check: " + what + ": data key " + key + " is not a ConfigMap key (letters, digits, '-', '_' and '.',"
                        + " at most 253 characters, not . or .. nor starting with ..)");
                return null;
            }
            if (!e.getValue().isTextual()) {
                err.println("isvc-check: " + what + ": data." + key + " is not text (" + notText + ")");
                return null;
            }
            entries.put(e.getKey(), e.getValue().asText());
        }
        return entries;
    }

    /**
     * The exceptions of {@code --exceptions FILE}: the file's one ConfigMap ({@link #configMapData}, e.g.
     * {@code examples/policy/isvc-autoscaling-policy-exceptions.yaml}), read as the webhook reads the live one: an invalid
     * entry is said on {@code err} and not applied, a warning and an expired entry are said; at most {@link #MAX_SAID} of
     * each. Null (said on {@code err}) when there is no such ConfigMap.
     */
    static Exceptions readExceptions(java.nio.file.Path file, InputStream stdin, PrintStream err) {
        String what = "--exceptions " + Texts.visible(Texts.cut(file.toString(), Texts.MAX_QUOTED));
        Map<String, String> entries = configMapData(file, stdin, err, what, "the exceptions ConfigMap", "write the exception as a block: key: |");
        if (entries == null) {
            return null;
        }
        if (entries.isEmpty()) {
            err.println("isvc-check: warning: " + what + ": the ConfigMap holds no exceptions (no data)");
        }
        Exceptions exceptions = Exceptions.parse(entries);
        say(err, exceptions.problems(), "isvc-check: exception %s is not applied: %s", "exceptions not applied");
        say(err, exceptions.warnings(), "isvc-check: warning: exception %s: %s", "warnings");
        Instant now = Instant.now();
        Map<String, String> expired = new java.util.TreeMap<>();
        exceptions.entries().stream().filter(x -> x.expiredAt(now))
                .forEach(x -> expired.put(x.key(), "expired at " + x.expires().get() + ", so it excepts nothing"));
        say(err, expired, "isvc-check: warning: exception %s %s", "expired exceptions");
        return exceptions;
    }

    /** Each of {@code said} as {@code format} (key, why), bounded: the first {@link #MAX_SAID}, then how many more. */
    private static void say(PrintStream err, Map<String, String> said, String format, String more) {
        said.entrySet().stream().limit(MAX_SAID).forEach(e -> err.println(String.format(format,
                Texts.visible(Texts.cut(e.getKey(), Texts.MAX_QUOTED)), Texts.visible(Texts.cut(e.getValue(), MAX_WHY)))));
        if (said.size() > MAX_SAID) {
            err.println("isvc-check: ... and " + (said.size() - MAX_SAID) + " more " + more);
        }
    }
}
