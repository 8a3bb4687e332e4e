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
     * {@code /mutate}, while an object stored before the webhook never was. A {@link FindingCap} summary stands for the
     * denies it did not list: it is pre-existing when each of them is, found in {@code uncappedNow} (the new object's
     * findings with none summed up; null when there is no summary) and compared with {@code before}, then uncapped too.
     */
    static boolean of(Finding finding, JsonNode judged, List<Finding> uncappedNow, List<Finding> before, JsonNode oldJudged, JsonNode oldRaw) {
        if (!finding.wouldDeny()) {
            return false;
        }
        if (FindingCap.leftOut(finding) < 0) {
            return one(finding, judged, before, oldJudged, oldRaw);
        }
        if (uncappedNow == null) {
            return false;
        }
        for (Finding g : uncappedNow) {
            if (g.ruleId().equals(finding.ruleId()) && g.action() == finding.action() && !one(g, judged, before, oldJudged, oldRaw)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any deny is a {@link FindingCap} summary. */
    static boolean anyCapSummary(List<Finding> findings) {
        for (Finding f : findings) {
            if (f.wouldDeny() && FindingCap.leftOut(f) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * One listed finding: the same rule denied at the same main path before, and the values at all its paths are unchanged.
     * A finding that depends on several fields names them all (the per-service GPU cap every GPU component's
     * {@code maxReplicas} and resources, a conflict at the class annotation its component), so that an UPDATE that adds to
     * what it counts is a change, not the deny that was already there.
     */
    private static boolean one(Finding finding, JsonNode judged, List<Finding> before, JsonNode oldJudged, JsonNode oldRaw) {
        if (!finding.wouldDeny()) {
            return false;
        }
        boolean sameDeny = before.stream().anyMatch(b -> b.wouldDeny() && b.ruleId().equals(finding.ruleId()) && b.path().equals(finding.path()));
        if (!sameDeny) {
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
