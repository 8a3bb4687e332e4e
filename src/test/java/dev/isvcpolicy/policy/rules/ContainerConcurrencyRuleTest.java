package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ContainerConcurrencyRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ContainerConcurrencyRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void containerConcurrency(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
