package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultScaleMetricRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(DefaultScaleMetricRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaultScaleMetric(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
