package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerConflictRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(AutoscalerConflictRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void autoscalerConflict(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
