package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GpuScalingMetricRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(GpuScalingMetricRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gpuScalingMetric(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
