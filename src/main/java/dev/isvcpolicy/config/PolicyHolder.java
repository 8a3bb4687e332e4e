package dev.isvcpolicy.config;

import dev.isvcpolicy.policy.Decider;
import dev.isvcpolicy.policy.Exceptions;
import dev.isvcpolicy.policy.PolicySettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The {@link Decider} in force, read once per request: the start-up policy with the live policy ConfigMap's
 * values over it, and the exceptions ConfigMap's valid entries (RULES.md §5). An invalid policy edit is not
 * taken: the last good policy stays, the problem is logged once per change (key and reason), counted, and
 * shown in the readiness details. Invalid exceptions are left out, and said the same way.
 */
@Singleton
public class PolicyHolder {

    private static final Logger LOG = Logger.getLogger(PolicyHolder.class);
    /** Longest problem line logged or shown: a value quoted in it is cut. */
    public static final int MAX_PROBLEM = 200;
    /** Most problems logged per version of a ConfigMap (the rest are counted). */
    public static final int MAX_LOGGED = 10;

    /**
     * What became of the last version of the policy ConfigMap: {@code problems} are why it was refused ({@code rejected}),
     * or, when it was taken, its warnings (values accepted but odd, {@link PolicySettings#warnings()}).
     */
    public record PolicySource(String state, String detail, List<String> problems) {
    }

    @Inject
    PolicySettings startup;

    @Inject
    Decider initial;

    private final AtomicReference<Decider> current = new AtomicReference<>();
    private volatile PolicySource source = new PolicySource("absent", "no policy ConfigMap: the start-up policy is in force", List.of());
    private volatile Map<String, String> lastPolicyData;
    private volatile Map<String, String> lastExceptionData;
    /** Whether a version of each ConfigMap (or its absence) was read, and what the last policy version's answer was. */
    private boolean policySeen;
    private boolean exceptionsSeen;
    private boolean policyTaken;
    private final AtomicLong rejections = new AtomicLong();

    /** For tests and the offline path: a holder over a start-up policy. */
    public static PolicyHolder of(PolicySettings startup) {
        PolicyHolder h = new PolicyHolder();
        h.startup = startup;
        h.initial = new Decider(new dev.isvcpolicy.policy.PolicyEngine(startup));
        return h;
    }

    /** The decider for this request. */
    public Decider decider() {
        Decider d = current.get();
        if (d == null) {
            current.compareAndSet(null, initial);
            d = current.get();
        }
        return d;
    }

    public PolicySettings settings() {
        return decider().settings();
    }

    public PolicySource policySource() {
        return source;
    }

    /** Edits of the policy ConfigMap refused since start. */
    public long rejections() {
        return rejections.get();
    }

    /** 1 while the policy ConfigMap's current version is refused. */
    public boolean rejected() {
        return "rejected".equals(source.state());
    }

    /**
     * A new version of the policy ConfigMap ({@code null}: deleted, the start-up policy is in force again).
     *
     * @return whether it was taken
     */
    public synchronized boolean policyData(Map<String, String> data) {
        Map<String, String> d = data == null ? null : new TreeMap<>(data);
        boolean changed = !java.util.Objects.equals(d, lastPolicyData);
        if (policySeen && !changed) {
            // The same data again (a relabelled ConfigMap, a resync): nothing to parse, and the Decider keeps its identity,
            // so the scan does not judge everything again.
            return policyTaken;
        }
        policySeen = true;
        lastPolicyData = d;
        policyTaken = takePolicy(d, changed);
        return policyTaken;
    }

    private boolean takePolicy(Map<String, String> d, boolean changed) {
        PolicySettings next;
        try {
            next = d == null ? startup : startup.with(d);
        } catch (PolicySettings.InvalidSettings e) {
            List<String> problems = e.problems().stream().map(PolicyHolder::cut).toList();
            if (changed) {
                rejections.incrementAndGet();
                LOG.warnf("policy ConfigMap refused, policy %s stays in force: %s%s", settings().hash(),
                        String.join("; ", problems.subList(0, Math.min(MAX_LOGGED, problems.size()))),
                        problems.size() > MAX_LOGGED ? "; and " + (problems.size() - MAX_LOGGED) + " more" : "");
            }
            source = new PolicySource("rejected", "the policy ConfigMap is refused; the last good policy " + settings().hash() + " stays in force",
                    problems);
            return false;
        }
        Decider before = decider();
        current.set(before.withSettings(next));
        List<String> warnings = next.warnings().stream().filter(w -> !startup.warnings().contains(w)).map(PolicyHolder::cut).toList();
        if (changed) {
            warnings.stream().limit(MAX_LOGGED).forEach(w -> LOG.warnf("policy ConfigMap taken, with a warning: %s", w));
        }
        source = d == null ? new PolicySource("absent", "no policy ConfigMap: the start-up policy is in force", List.of())
                : new PolicySource("accepted", "policy ConfigMap in force (" + d.size() + " keys)"
                        + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s")), warnings);
        if (!next.hash().equals(before.settings().hash())) {
            LOG.infof("policy %s in force (was %s), audit-only %s, overrides %s", next.hash(), before.settings().hash(), next.auditOnly(),
                    next.ruleActions().isEmpty() ? "none" : new TreeMap<>(next.ruleActions()));
        }
        return true;
    }

    /** A new version of the exceptions ConfigMap ({@code null}: deleted, no exceptions). */
    public synchronized void exceptionData(Map<String, String> data) {
        Map<String, String> d = data == null ? null : new TreeMap<>(data);
        boolean changed = !java.util.Objects.equals(d, lastExceptionData);
        if (exceptionsSeen && !changed) {
            return;
        }
        exceptionsSeen = true;
        lastExceptionData = d;
        Exceptions next = Exceptions.parse(d);
        current.set(decider().withExceptions(next));
        if (changed) {
            next.problems().entrySet().stream().limit(MAX_LOGGED)
                    .forEach(e -> LOG.warnf("exception %s not applied: %s", cut(e.getKey()), cut(e.getValue())));
            next.warnings().entrySet().stream().limit(MAX_LOGGED)
                    .forEach(e -> LOG.warnf("exception %s applied, with a warning: %s", cut(e.getKey()), cut(e.getValue())));
            LOG.infof("exceptions: %d in force, %d not applied", next.entries().size(), next.problems().size());
        }
    }

    /** A problem or warning for a log line and the readiness details: cut, and escaped (it quotes ConfigMap values). */
    private static String cut(String s) {
        return dev.isvcpolicy.policy.Texts.visible(s.length() <= MAX_PROBLEM ? s : s.substring(0, MAX_PROBLEM) + "...");
    }
}
