package dev.isvcpolicy.policy;

import dev.isvcpolicy.policy.rules.DefaultMinReplicasRule;
import dev.isvcpolicy.policy.rules.ReplicaBoundsRule;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The policy in force: every {@code webhook.*} policy key with its typed value. The keys are declared as
 * {@link Setting}s where they are used (the engine's own below, each rule's in its class, listed by
 * {@link RuleRegistry#settings()}), plus {@code webhook.rules.<rule-id>} (deny, warn or off; on or off for a rule that only
 * mutates) for every rule.
 * {@link #from} is the one way to build it, from text, wherever the text comes from (start-up
 * configuration, the offline check, rule tables); it checks every key and value and reports every
 * problem at once, an unknown key with the closest known one.
 */
public final class PolicySettings {

    /** Every key starts with this. */
    public static final String PREFIX = "webhook.";
    /** Per-rule actions: {@code webhook.rules.<rule-id>=deny|warn|off} ({@code on|off} for a mutation-only rule). */
    public static final String RULES_PREFIX = "webhook.rules.";

    public static final Setting<Boolean> AUDIT_ONLY = Setting.bool("webhook.audit-only", false,
            "Turn every deny into a warning, for rolling out on a live cluster, e.g. true.");
    public static final Setting<List<String>> EXEMPT_NAMESPACES = Setting.adviseList("webhook.exempt-namespaces",
            "kube-system,isvc-autoscaling-webhook", PolicySettings::namespaceName,
            odd -> odd + (odd.contains(",") ? " are not namespace names and exempt" : " is not a namespace name and exempts")
                    + " nothing: names are exact (lower-case letters, digits and '-', at most 63 characters), no globs",
            "Namespaces whose objects are admitted untouched, comma-separated names (no globs), e.g. kube-system,ops.");
    public static final Setting<DeploymentMode> FALLBACK_MODE = Setting.choice("webhook.cluster.fallback-mode", "Knative",
            orderedMap("Knative", DeploymentMode.KNATIVE, "Standard", DeploymentMode.STANDARD,
                    "Serverless", DeploymentMode.KNATIVE, "RawDeployment", DeploymentMode.STANDARD),
            "Deployment mode when KServe's inferenceservice-config is absent, unreadable or not looked up: Knative or Standard.");
    public static final Setting<Action> CLUSTER_UNAVAILABLE_ACTION = Setting.choice("webhook.cluster.unavailable-action", "warn",
            orderedMap("warn", Action.WARN, "deny", Action.DENY),
            "What a cluster-side check that cannot run (cache not synced, API server unreachable) does: warn (admit, saying so) or deny (fail closed).");

    public static final Setting<Action> EXISTING_VIOLATIONS = Setting.choice("webhook.update.existing-violations", "warn",
            orderedMap("warn", Action.WARN, "deny", Action.DENY),
            "On UPDATE, a deny that the same rule gave at the same path on oldObject, with the value unchanged: warn (a pre-existing: "
                    + "warning, the update passes) or deny (judge every UPDATE afresh).");

    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    /** A namespace's name as Kubernetes allows it: a DNS-1123 label (no glob: an exempt namespace is named exactly). */
    static boolean namespaceName(String name) {
        return name.length() <= 63 && DNS_LABEL.matcher(name).matches();
    }

    /** The engine's own keys; rules declare theirs. */
    static final List<Setting<?>> ENGINE = List.of(AUDIT_ONLY, EXEMPT_NAMESPACES, FALLBACK_MODE, CLUSTER_UNAVAILABLE_ACTION,
            EXISTING_VIOLATIONS);

    /** Built on first use: the rules' settings are only known once the registry is. */
    private static final class Defaults {
        static final PolicySettings VALUE = from(Map.of());
    }

    private final Map<String, Object> values;
    private final Map<String, Action> ruleActions;
    private final Map<String, String> given;
    private final List<String> warnings;
    /** Read on every review: worked out once. */
    private final Set<String> exemptNamespaces;
    private final String hash;

    private PolicySettings(Map<String, Object> values, Map<String, Action> ruleActions, Map<String, String> given, List<String> warnings) {
        this.values = values;
        this.warnings = warnings;
        this.ruleActions = ruleActions;
        this.given = given;
        @SuppressWarnings("unchecked")
        List<String> exempt = (List<String>) values.get(EXEMPT_NAMESPACES.key());
        this.exemptNamespaces = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(exempt));
        this.hash = digest(effective().toString());
    }

    /** Every problem with a set of keys, all at once; {@link #getMessage()} reads on its own in a log line. */
    public static final class InvalidSettings extends IllegalArgumentException {
        private final List<String> problems;

        public InvalidSettings(List<String> problems) {
            super("invalid webhook configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        /** One line per problem, e.g. {@code webhook.gpu.max-per-replica=0: use 1 or more, or leave it unset}. */
        public List<String> problems() {
            return problems;
        }
    }

    /** Every policy key but the per-rule ones, engine first, then the rules' in registry order. */
    public static List<Setting<?>> catalog() {
        List<Setting<?>> out = new ArrayList<>(ENGINE);
        out.addAll(RuleRegistry.settings());
        return out;
    }

    /** The documented defaults. */
    public static PolicySettings defaults() {
        return Defaults.VALUE;
    }

    /**
     * The policy from text: {@code raw} maps keys (e.g. {@code webhook.gpu.max-per-replica}) to values;
     * absent keys keep their defaults.
     *
     * @throws InvalidSettings naming every unknown key (with the closest known one) and every value that does not parse
     */
    public static PolicySettings from(Map<String, String> raw) {
        return from(Map.of(), raw);
    }

    /**
     * {@code raw} (any accepted spelling of a key) over {@code base} (keys as {@link #given()} holds them): each key is
     * canonical before they meet, so a later source wins in whichever spelling it uses; of two spellings of one key in
     * {@code raw}, the later in key order is read, as it always was, with a warning.
     */
    private static PolicySettings from(Map<String, String> base, Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> byKey = new TreeMap<>(base);
        Map<String, String> spelled = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(raw).entrySet()) {
            Optional<String> key = knownKey(e.getKey());
            if (key.isEmpty()) {
                problems.add(e.getKey() + ": not a webhook policy setting" + closest(e.getKey()).map(k -> "; did you mean " + k + "?").orElse(""));
            } else if (spelled.containsKey(key.get())) {
                // Read as before this was checked: the later spelling in key order (upper case sorts first, so the key as
                // written in lower case wins over its environment name), and said.
                String first = spelled.get(key.get());
                warnings.add(key.get() + ": given twice, as " + Texts.cut(first, Texts.MAX_QUOTED) + " and " + Texts.cut(e.getKey(), Texts.MAX_QUOTED)
                        + "; the second is read: keep one");
                spelled.put(key.get(), e.getKey());
                byKey.put(key.get(), e.getValue());
            } else {
                spelled.put(key.get(), e.getKey());
                byKey.put(key.get(), e.getValue());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : catalog()) {
            String text = byKey.get(s.key());
            try {
                values.put(s.key(), s.parse(text));
                s.advice(text).ifPresent(a -> warnings.add(s.key() + "=" + Texts.cut(text.trim(), Texts.MAX_QUOTED) + ": " + a));
            } catch (IllegalArgumentException ex) {
                problems.add(s.key() + "=" + (text == null ? "" : text) + ": " + ex.getMessage());
            }
        }
        if (values.get(DefaultMinReplicasRule.MIN_REPLICAS.key()) instanceof Integer min
                && values.get(ReplicaBoundsRule.MAX_CEILING.key()) instanceof java.util.OptionalInt ceiling
                && ceiling.isPresent() && min > ceiling.getAsInt()) {
            // Accepted before this was checked, so not refused: default-min-replicas writes the ceiling instead.
            warnings.add(DefaultMinReplicasRule.MIN_REPLICAS.key() + "=" + min + " is above " + ReplicaBoundsRule.MAX_CEILING.key() + "="
                    + ceiling.getAsInt() + ": minReplicas " + ceiling.getAsInt() + " is written where it is absent; lower one or raise the other");
        }
        Map<String, Action> actions = new TreeMap<>();
        for (String id : RuleRegistry.catalog().keySet()) {
            String text = byKey.get(RULES_PREFIX + id);
            if (text == null || text.isBlank()) {
                continue;
            }
            String level = text.trim().toLowerCase(Locale.ROOT);
            if (RuleRegistry.mutationOnly(id)) {
                // A mutation gives no finding: on (what unset means) or off. deny and warn were accepted before that was
                // checked, and meant on: they still do, with a warning, so that a policy that worked keeps working.
                if ("off".equals(level)) {
                    actions.put(id, Action.OFF);
                } else if ("deny".equals(level) || "warn".equals(level)) {
                    warnings.add(RULES_PREFIX + id + "=" + level + ": " + id + " only mutates (it has no finding to deny or warn), "
                            + "so this means on: write on or off");
                } else if (!"on".equals(level)) {
                    problems.add(RULES_PREFIX + id + "=" + text + ": use on or off");
                }
                continue;
            }
            try {
                actions.put(id, Action.valueOf(level.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException ex) {
                problems.add(RULES_PREFIX + id + "=" + text + ": use deny, warn or off");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettings(problems);
        }
        return new PolicySettings(values, Map.copyOf(actions), Map.copyOf(byKey), List.copyOf(warnings));
    }

    /** This policy with some keys set anew (a later source over an earlier one). */
    public PolicySettings with(Map<String, String> overrides) {
        return from(given, overrides);
    }

    /**
     * The key a name stands for: a key itself (any case), or its environment variable name
     * ({@code WEBHOOK_GPU_MAX_PER_REPLICA}); empty when it is no policy key.
     */
    public static Optional<String> knownKey(String name) {
        for (String key : allKeys()) {
            if (key.equalsIgnoreCase(name) || Setting.envName(key).equals(Setting.envName(name))) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Every policy key, the per-rule ones included. */
    public static List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        catalog().forEach(s -> keys.add(s.key()));
        RuleRegistry.catalog().keySet().forEach(id -> keys.add(RULES_PREFIX + id));
        return keys;
    }

    /** The known key (in the same spelling, key or environment name) nearest to a mistyped one, if any is near. */
    public static Optional<String> closest(String name) {
        boolean env = !name.contains(".");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String key : allKeys()) {
            String candidate = env ? Setting.envName(key) : key;
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(3, name.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Levenshtein distance: edits from {@code a} to {@code b}. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The value of a setting (its default when not given). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting.key());
        if (v == null && !values.containsKey(setting.key())) {
            throw new IllegalStateException(setting.key() + " is not registered: list it in its rule's settings()");
        }
        return (T) v;
    }

    public boolean auditOnly() {
        return get(AUDIT_ONLY);
    }

    public Set<String> exemptNamespaces() {
        return exemptNamespaces;
    }

    public DeploymentMode fallbackMode() {
        return get(FALLBACK_MODE);
    }

    public Action clusterUnavailableAction() {
        return get(CLUSTER_UNAVAILABLE_ACTION);
    }

    /** Whether a deny already present, unchanged, on {@code oldObject} refuses an UPDATE ({@code deny}) or is a warning ({@code warn}). */
    public boolean existingViolationsDeny() {
        return get(EXISTING_VIOLATIONS) == Action.DENY;
    }

    /** The configured per-rule actions, e.g. {@code {gpu-scaling-metric=DENY}}; rules not listed keep their levels. */
    public Map<String, Action> ruleActions() {
        return ruleActions;
    }

    /** The configured override for a rule, if any. */
    public Optional<Action> actionFor(String ruleId) {
        return Optional.ofNullable(ruleActions.get(ruleId));
    }

    public boolean enabled(String ruleId) {
        return ruleActions.get(ruleId) != Action.OFF;
    }

    /**
     * Values accepted but odd, one line each, e.g. {@code webhook.gpu.max-per-replica=+4: read as 4: write it so ...}: a value
     * that means nothing or another spelling of one, accepted because it was before it was checked this closely. Logged
     * where the policy is read (start-up, each version of the policy ConfigMap, the offline check); no part of the policy.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** Most warning lines {@link #warningLines()} gives, each cut to {@link Texts#MAX_MESSAGE} characters. */
    public static final int MAX_WARNING_LINES = 10;

    /** {@link #warnings()} bounded for a log or a terminal: at most {@link #MAX_WARNING_LINES}, each cut, then how many more. */
    public List<String> warningLines() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < warnings.size() && i < MAX_WARNING_LINES; i++) {
            out.add(Texts.cut(warnings.get(i), Texts.MAX_MESSAGE));
        }
        if (warnings.size() > MAX_WARNING_LINES) {
            out.add("and " + (warnings.size() - MAX_WARNING_LINES) + " more warnings");
        }
        return out;
    }

    /** The keys that were set, as given (the policy's source text, minus defaults). */
    public Map<String, String> given() {
        return given;
    }

    /** Every key with the value in force as text: the defaults filled in, e.g. for the start-up log and docs. */
    public Map<String, String> effective() {
        Map<String, String> out = new TreeMap<>();
        for (Setting<?> s : catalog()) {
            out.put(s.key(), Optional.ofNullable(given.get(s.key())).map(String::trim).or(s::defaultText).orElse("unset"));
        }
        ruleActions.forEach((id, a) -> out.put(RULES_PREFIX + id, a.label()));
        return out;
    }

    /** A short digest of the policy in force (12 hex digits), the same on every replica with the same keys. */
    public String hash() {
        return hash;
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicySettings p && p.effective().equals(effective());
    }

    @Override
    public int hashCode() {
        return hash.hashCode();
    }

    @Override
    public String toString() {
        return effective().toString();
    }

    private static <E> Map<String, E> orderedMap(Object... pairs) {
        Map<String, E> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            E value = (E) pairs[i + 1];
            out.put((String) pairs[i], value);
        }
        return out;
    }
}
