package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.Action;
import dev.isvcpolicy.policy.Component;
import dev.isvcpolicy.policy.ComponentValidation;
import dev.isvcpolicy.policy.Findings;
import dev.isvcpolicy.policy.Review;
import java.util.regex.Pattern;

/** Scaling on time-to-first-token flaps: a new replica drops it sharply, so the autoscaler removes it again. */
public final class TtftTriggerRule implements ComponentValidation {

    public static final String ID = "ttft-trigger";

    private static final Pattern TTFT = Pattern.compile("(?i)(time_to_first_token|\\bttft\\b|_ttft|ttft_)");

    /** A PromQL label matcher other than {@code __name__}, e.g. {@code model="ttft-demo"}: its value names no metric. */
    private static final Pattern LABEL_MATCHER =
            Pattern.compile("\\b(?!__name__\\b)[a-zA-Z_][a-zA-Z0-9_]*\\s*(?:=~|!~|!=|=)\\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Action defaultAction() {
        return Action.WARN;
    }

    @Override
    public String doc() {
        return "warn: a KEDA query on time-to-first-token, which flaps (a new replica drops it sharply)";
    }

    @Override
    public String why() {
        return "Time to first token drops sharply as soon as a replica is added, so a trigger on it adds and removes replicas in turn.";
    }

    @Override
    public boolean appliesTo(Component c, Review review) {
        return c.autoscaler().followsMetrics();
    }

    @Override
    public void check(Component c, Review review, Findings f) {
        for (Scaling.Metric m : Scaling.metrics(c)) {
            for (Scaling.Text q : m.queries()) {
                if (TTFT.matcher(LABEL_MATCHER.matcher(q.value()).replaceAll("")).find()) {
                    f.warn(q.path(), "scales on time-to-first-token, which drops sharply as soon as a replica is added, so replicas come and go: "
                            + "scale on queue depth or running requests (e.g. vllm:num_requests_waiting)");
                }
            }
        }
    }
}
