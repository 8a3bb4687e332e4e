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
     * Whether {@code finding} (one of {@code now}, found on {@code judged}) was already there, unchanged, among {@code before}
     * (found on {@code oldJudged}, the old object as {@code /mutate} would leave it). The value counts as unchanged when it
     * equals the old object's as stored ({@code oldRaw}) or as mutated: {@code /validate} sees the new object after
     * {@code /mutate}, while an object stored before the webhook never was. A {@link FindingCap} summary stands for the
     * denies it did not list: it is pre-existing when each of them is, found in {@code uncappedNow} (the new object's
     * findings with none summed up; null when there is no summary) and compared with {@code before}, then uncapped too.
     */
    static boolean of(Finding finding, List<Finding> now, JsonNode judged, List<Finding> uncappedNow, List<Finding> before, JsonNode oldJudged,
            JsonNode oldRaw) {
        if (!finding.wouldDeny()) {
            return false;
        }
        if (FindingCap.leftOut(finding) < 0) {
            return one(finding, now, judged, before, oldJudged, oldRaw);
        }
        if (uncappedNow == null) {
            return false;
        }
        for (Finding g : uncappedNow) {
            if (g.ruleId().equals(finding.ruleId()) && g.action() == finding.action() && !one(g, uncappedNow, judged, before, oldJudged, oldRaw)) {
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
     * One listed finding, paired with the old object's denies of the same rule, main path and {@link Finding#subject()}
     * (the component, where one annotation or name stands for every component: a conflict at the InferenceService's class
     * annotation, KEDA's name length, a shared OpenTelemetry annotation), so that one component's deny is never taken for
     * another's. A counted deny ({@link Finding#measure()}: the GPU caps) is pre-existing when its measure is no larger than
     * the old one's, however the fields it counts from changed: nothing gets worse. Any other is pre-existing when the
     * values at all its paths are unchanged and, where several denies share its rule, path and subject, there are no more
     * of them now than before, or it says what one before said.
     */
    private static boolean one(Finding finding, List<Finding> now, JsonNode judged, List<Finding> before, JsonNode oldJudged, JsonNode oldRaw) {
        if (!finding.wouldDeny()) {
            return false;
        }
        int sameBefore = 0;
        boolean sameMessage = false;
        long measureBefore = -1;
        for (Finding b : before) {
            if (paired(b, finding)) {
                sameBefore++;
                sameMessage |= b.message().equals(finding.message());
                measureBefore = Math.max(measureBefore, b.measure());
            }
        }
        if (sameBefore == 0) {
            return false;
        }
        if (finding.measure() >= 0 && measureBefore >= 0) {
            return finding.measure() <= measureBefore;
        }
        for (String path : finding.paths()) {
            JsonNode value = at(judged, path);
            if (!value.equals(at(oldJudged, path)) && !value.equals(at(oldRaw, path))) {
                return false;
            }
        }
        int sameNow = 0;
        for (Finding n : now) {
            if (paired(n, finding)) {
                sameNow++;
            }
        }
        return sameNow <= sameBefore || sameMessage;
    }

    /** Whether {@code other} is a deny of the same rule at the same main path about the same subject as {@code finding}. */
    private static boolean paired(Finding other, Finding finding) {
        return other.wouldDeny() && other.ruleId().equals(finding.ruleId()) && other.path().equals(finding.path())
                && java.util.Objects.equals(other.subject(), finding.subject());
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
