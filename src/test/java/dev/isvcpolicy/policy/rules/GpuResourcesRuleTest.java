package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GpuResourcesRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(GpuResourcesRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gpuResources(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
