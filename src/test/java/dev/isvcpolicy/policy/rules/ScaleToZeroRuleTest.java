package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleToZeroRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ScaleToZeroRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scaleToZero(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
