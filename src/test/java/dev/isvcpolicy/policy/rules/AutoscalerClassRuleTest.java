package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AutoscalerClassRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(AutoscalerClassRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void autoscalerClass(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
