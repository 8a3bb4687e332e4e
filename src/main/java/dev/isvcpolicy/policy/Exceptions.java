package dev.isvcpolicy.policy;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The exceptions an admin wrote (RULES.md §5): one per key of the exceptions ConfigMap, its value YAML with
 * {@code namespace} (exact, or {@code *}), {@code name} (a glob: {@code *} any run of characters, {@code ?} one),
 * {@code kinds} (optional, e.g. {@code [InferenceService]}; absent is every kind), {@code rules}
 * (rule ids, at least one that denies or warns: an exception excepts findings, and a mutation gives none),
 * {@code reason} (required) and {@code expires} (optional: an RFC 3339 date, valid through that day in UTC,
 * or date-time; absent is never). One YAML document per value. An entry with any problem is reported and not applied;
 * an expired one matches nothing. What was accepted before it was checked this closely (an empty {@code kinds} or
 * {@code expires}, a mutation's rule id, a second document) keeps its meaning and is a {@link #warnings() warning}.
 * Pure: the time of the decision comes in.
 */
public final class Exceptions {

    /** Longest value of one exception that is read; a longer one is refused as invalid. */
    public static final int MAX_ENTRY = 4096;

    /** One valid exception. */
    public record Entry(String key, String namespace, String name, Set<String> kinds, Set<String> rules, String reason,
            Optional<Instant> expires) {

        public boolean expiredAt(Instant now) {
            return expires.isPresent() && !now.isBefore(expires.get());
        }

        boolean matches(String ns, String objectName, Kind kind, String ruleId, Instant now) {
            return !expiredAt(now) && rules.contains(ruleId) && ("*".equals(namespace) || namespace.equals(ns))
                    && (kinds.isEmpty() || kinds.contains(kind.kind())) && globMatches(name, objectName);
        }
    }

    public static final Exceptions NONE = new Exceptions(List.of(), Map.of(), Map.of());

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build()).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    /** A glob that can match a Kubernetes object's name (a DNS-1123 subdomain) at all. */
    private static final Pattern NAME_GLOB = Pattern.compile("[a-z0-9.*?-]+");
    /** A {@code *} where a YAML plain scalar starts: the start of an alias, not a glob. */
    private static final Pattern UNQUOTED_STAR = Pattern.compile("(?:^[ \\t]*+-?|[:\\[,{])[ \\t]*+\\*", Pattern.MULTILINE);
    private static final Set<String> FIELDS = Set.of("namespace", "name", "kinds", "rules", "reason", "expires");

    private final List<Entry> entries;
    private final Map<String, String> problems;
    private final Map<String, String> warnings;

    private Exceptions(List<Entry> entries, Map<String, String> problems, Map<String, String> warnings) {
        this.entries = List.copyOf(entries);
        this.problems = Map.copyOf(problems);
        this.warnings = Map.copyOf(warnings);
    }

    /**
     * Key → what is odd about an entry that is applied all the same (an empty {@code kinds}, a null {@code expires}, a rule
     * that only mutates, a second YAML document, a namespace or name glob that no object's name can match, e.g.
     * {@code Team-A}): accepted before they were checked, so they keep their meaning after an upgrade, and are said instead.
     */
    public Map<String, String> warnings() {
        return new TreeMap<>(warnings);
    }

    /** The valid exceptions, in key order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Key → why the entry is not applied, for every invalid entry. */
    public Map<String, String> problems() {
        return new TreeMap<>(problems);
    }

    /**
     * The key of the first exception (in key order) that matches a finding of a rule on an object, if any. A name ending in
     * {@code *} is a CREATE's {@code generateName} ({@code Decider.name}; a real name never holds {@code *}).
     */
    public Optional<String> match(String namespace, String name, Kind kind, String ruleId, Instant now) {
        String n = name == null ? "" : name.endsWith("*") ? generated(name.substring(0, name.length() - 1)) : name;
        for (Entry e : entries) {
            if (e.matches(namespace == null ? "" : namespace, n, kind, ruleId, now)) {
                return Optional.of(e.key());
            }
        }
        return Optional.empty();
    }

    /**
     * What a glob must match for an object with {@code generateName}: the API server cuts the prefix to 58 characters and
     * appends 5 random ones ([a-z0-9]). They stand here as five {@code *}, which no literal of a glob matches, only its
     * {@code ?} and {@code *}: so a glob matches this exactly when it matches every name the object can get.
     */
    static String generated(String generateName) {
        return generateName.substring(0, Math.min(generateName.length(), 58)) + "*****";
    }

    /** The exceptions of a ConfigMap's data (null: none). */
    public static Exceptions parse(Map<String, String> data) {
        if (data == null || data.isEmpty()) {
            return NONE;
        }
        List<Entry> ok = new ArrayList<>();
        Map<String, String> bad = new TreeMap<>();
        Map<String, String> odd = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
            List<String> warnings = new ArrayList<>();
            try {
                ok.add(parseOne(e.getKey(), e.getValue(), warnings));
                if (!warnings.isEmpty()) {
                    odd.put(e.getKey(), String.join("; ", warnings));
                }
            } catch (IllegalArgumentException ex) {
                bad.put(e.getKey(), ex.getMessage());
            }
        }
        return new Exceptions(ok, bad, odd);
    }

    static Entry parseOne(String key, String value) {
        return parseOne(key, value, new ArrayList<>());
    }

    /** One entry; what is odd but applied goes to {@code warnings}; what cannot be applied throws. */
    static Entry parseOne(String key, String value, List<String> warnings) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty: give namespace, name, rules and reason");
        }
        if (value.length() > MAX_ENTRY) {
            throw new IllegalArgumentException("longer than " + MAX_ENTRY + " characters");
        }
        JsonNode node;
        boolean more;
        try (com.fasterxml.jackson.core.JsonParser p = YAML.createParser(value)) {
            node = YAML.readTree(p);
            more = more(p);
        } catch (java.io.IOException | RuntimeException ex) {
            // SnakeYAML's "while scanning an alias": a * where a value starts, e.g. namespace: * (no name after it).
            boolean alias = String.valueOf(ex.getMessage()).contains("alias") && UNQUOTED_STAR.matcher(value).find();
            throw new IllegalArgumentException(alias ? "not YAML: an unquoted * starts a YAML alias: quote globs, e.g. namespace: \"*\""
                    : "not YAML");
        }
        if (more) {
            warnings.add("only the first YAML document is read (text after ---): give one exception per key");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a YAML mapping: give namespace, name, rules and reason");
        }
        List<String> problems = new ArrayList<>(aliases(value));
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                problems.add("unknown field " + shorten(field) + " (known: expires, kinds, name, namespace, reason, rules)");
            }
        }
        String namespace = text(node, "namespace", problems);
        if (!"*".equals(namespace) && (namespace.contains("*") || namespace.contains("?"))) {
            problems.add("namespace: an exact name, or * for every namespace (no globs)");
        }
        if (!namespace.isEmpty() && !"*".equals(namespace) && !namespace.contains("*") && !namespace.contains("?")
                && !PolicySettings.namespaceName(namespace)) {
            warnings.add("namespace: " + shorten(namespace) + " is not a namespace name (lower-case letters, digits and '-', at most 63"
                    + " characters; names are exact), so this exception matches nothing");
        }
        String name = text(node, "name", problems);
        if (!name.isEmpty() && !NAME_GLOB.matcher(name).matches()) {
            warnings.add("name: " + shorten(name) + " holds a character no object name has (names are lower-case letters, digits,"
                    + " '-' and '.'; globs add * and ?), so this exception matches nothing");
        }
        String reason = text(node, "reason", problems);
        Set<String> rules = list(node, "rules", problems);
        if (node.has("rules") && rules.isEmpty()) {
            problems.add("rules: name at least one rule id");
        }
        Set<String> excepting = new java.util.TreeSet<>();
        for (String rule : rules) {
            if (!RuleRegistry.catalog().containsKey(rule)) {
                problems.add("rules: " + shorten(rule) + " is not a rule id");
            } else if (RuleRegistry.mutationOnly(rule)) {
                warnings.add("rules: " + rule + " only mutates, so it has no finding to except: left out");
            } else {
                excepting.add(rule);
            }
        }
        if (!rules.isEmpty() && excepting.isEmpty() && problems.isEmpty()) {
            problems.add("rules: name at least one rule that denies or warns (" + String.join(", ", rules) + " only mutate)");
        }
        Set<String> kinds = node.has("kinds") ? list(node, "kinds", problems) : Set.of();
        if (node.has("kinds") && kinds.isEmpty()) {
            warnings.add("kinds: [] is read as every kind: leave the key out to say so, or name the kinds");
        }
        for (String kind : kinds) {
            if (java.util.Arrays.stream(Kind.values()).noneMatch(k -> k.kind().equals(kind))) {
                problems.add("kinds: " + shorten(kind) + " is not a kind the webhook judges");
            }
        }
        Optional<Instant> expires = Optional.empty();
        if (node.has("expires") && node.get("expires").isNull()) { // null or ~, read as never before too (a bare "expires:" is "": refused)
            warnings.add("expires: an empty value is read as never: give a date (YYYY-MM-DD or RFC 3339), or leave the key out to say so");
        } else if (node.has("expires")) {
            try {
                expires = Optional.of(expires(node.get("expires").asText()));
            } catch (DateTimeParseException ex) {
                problems.add("expires: not an RFC 3339 date (2026-12-31) or date-time (2026-12-31T18:00:00Z)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Entry(key, namespace, name, kinds, Set.copyOf(excepting), reason, expires);
    }

    /**
     * The fields of the first document written as YAML aliases, each as a problem. An unquoted glob such as
     * {@code name: *-batch} is an alias to an anchor "-batch" (YAML 1.1 and 1.2), which the YAML library reads as the
     * text "-batch": the entry would match no object while it looks like a glob.
     */
    private static List<String> aliases(String value) {
        List<String> out = new ArrayList<>();
        try (com.fasterxml.jackson.dataformat.yaml.YAMLParser p = (com.fasterxml.jackson.dataformat.yaml.YAMLParser) YAML.createParser(value)) {
            int depth = 0;
            for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd() && --depth == 0) {
                    break;
                } else if (t.isScalarValue() && p.isCurrentAlias()) {
                    String field = depth == 1 ? p.currentName() : p.getParsingContext().getParent().getCurrentName();
                    out.add(field + ": *" + shorten(p.getText()) + " is a YAML alias, which exceptions do not read (an unquoted * starts"
                            + " one): for a glob, quote it: " + field + ": \"*" + shorten(p.getText()) + "\"");
                }
            }
        } catch (java.io.IOException | RuntimeException ex) {
            // The tree was read: what cannot be walked here is past the first document.
        }
        return out;
    }

    /** Whether anything follows the first document; what follows is not read, so it need not parse (it never had to). */
    private static boolean more(com.fasterxml.jackson.core.JsonParser p) {
        try {
            return p.nextToken() != null;
        } catch (java.io.IOException | RuntimeException ex) {
            return true;
        }
    }

    /** A date is valid through that day (UTC): it expires at the start of the next; a date-time expires at that instant. */
    static Instant expires(String text) {
        String t = text.trim();
        if (t.length() == 10) {
            return LocalDate.parse(t).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(t).toInstant();
    }

    /**
     * Whether {@code text} matches {@code glob}: {@code ?} is any one character, {@code *} any run of them, every other
     * character itself. A loop that goes back only to the last {@code *}: at most glob length x text length steps (a
     * regular expression made of the glob backtracks exponentially in its stars: {@code *a*a*a*a*b} against a
     * 253-character name took 88 s).
     */
    static boolean globMatches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            char c = g < glob.length() ? glob.charAt(g) : 0;
            if (g < glob.length() && c != '*' && (c == '?' || c == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && c == '*') {
                star = g++;
                resume = t;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    private static String text(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            problems.add(field + ": required, as text");
            return "";
        }
        if (v.asText().length() > 253 && !"reason".equals(field)) {
            problems.add(field + ": longer than 253 characters");
        }
        return v.asText().trim();
    }

    private static Set<String> list(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        Set<String> out = new LinkedHashSet<>();
        if (v == null) {
            problems.add(field + ": required, a list");
        } else if (v.isTextual()) {
            out.add(v.asText().trim());
        } else if (v.isArray()) {
            v.forEach(x -> out.add(x.asText().trim()));
        } else {
            problems.add(field + ": a list of names");
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
