package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleMetricRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ScaleMetricRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scaleMetric(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
