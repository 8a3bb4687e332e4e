package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleTargetRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ScaleTargetRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scaleTarget(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
