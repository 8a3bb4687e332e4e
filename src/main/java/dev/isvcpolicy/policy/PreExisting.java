package dev.isvcpolicy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;

/**
 * RULES.md §7: on UPDATE, a deny is pre-existing when the same rule denied at the same field path on
 * {@code oldObject} (judged with the same settings and its own context) and the UPDATE left the value at
 * every path of the finding unchanged. Pure.
 */
final class PreExisting {

    private PreExisting() {
    }

    /**
     * Whether {@code finding} (on {@code judged}) was already there, unchanged, among {@code before} (found on
     * {@code oldJudged}, the old object as {@code /mutate} would leave it). The value counts as unchanged when it
     * equals the old object's as stored ({@code oldRaw}) or as mutated: {@code /validate} sees the new object after
     * {@code /mutate}, while an object stored before the webhook never was. {@code found} is every finding on {@code judged}.
     */
    static boolean of(Finding finding, JsonNode judged, List<Finding> found, List<Finding> before, JsonNode oldJudged, JsonNode oldRaw) {
        if (!finding.wouldDeny()) {
            return false;
        }
        boolean sameDeny = before.stream().anyMatch(b -> b.wouldDeny() && b.ruleId().equals(finding.ruleId()) && b.path().equals(finding.path()));
        if (!sameDeny && !withinCap(finding.ruleId(), found, before)) {
            return false;
        }
        for (String path : finding.paths()) {
            JsonNode now = at(judged, path);
            if (!now.equals(at(oldJudged, path)) && !now.equals(at(oldRaw, path))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the old object already had more denies of this rule than {@link FindingCap} lists, and this one has no more
     * of them in all: which ones were listed then is not known, so a finding of the rule is compared by its count
     * (fixing one of 42 broken containers moves the 41st into the list; it is not a new deny).
     */
    private static boolean withinCap(String ruleId, List<Finding> now, List<Finding> before) {
        long old = denies(ruleId, before);
        return old > FindingCap.MAX_PER_RULE && denies(ruleId, now) <= old;
    }

    /** The denies of a rule, those the cap left out included. */
    private static long denies(String ruleId, List<Finding> findings) {
        long n = 0;
        for (Finding f : findings) {
            if (f.wouldDeny() && f.ruleId().equals(ruleId)) {
                int more = FindingCap.leftOut(f);
                n += more >= 0 ? more : 1;
            }
        }
        return n;
    }

    /**
     * The value at a field path in Kubernetes notation ({@code spec.predictor.minReplicas},
     * {@code metadata.annotations[serving.kserve.io/autoscalerClass]}, {@code containers[0].resources}); missing
     * when absent. A key in brackets is a map key unless it is a whole number and the node is a list.
     */
    static JsonNode at(JsonNode root, String path) {
        JsonNode node = root == null ? MissingNode.getInstance() : root;
        int i = 0;
        int n = path.length();
        while (i < n && !node.isMissingNode()) {
            char c = path.charAt(i);
            if (c == '.') {
                i++;
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return MissingNode.getInstance();
                }
                String key = path.substring(i + 1, close);
                node = node.isArray() && key.matches("\\d{1,9}") ? node.path(Integer.parseInt(key)) : node.path(key);
                i = close + 1;
            } else {
                int end = i;
                while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                node = node.path(path.substring(i, end));
                i = end;
            }
        }
        return node;
    }
}
