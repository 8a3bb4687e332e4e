package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultMinReplicasRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(DefaultMinReplicasRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaultMinReplicas(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
