package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaBoundsRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ReplicaBoundsRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void replicaBounds(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
