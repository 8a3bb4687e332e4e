package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleTargetConflictRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ScaleTargetConflictRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scaleTargetConflict(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
