package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TtftTriggerRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(TtftTriggerRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ttftTrigger(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
