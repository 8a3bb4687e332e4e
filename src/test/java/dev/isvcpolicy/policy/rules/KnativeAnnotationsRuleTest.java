package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KnativeAnnotationsRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(KnativeAnnotationsRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void knativeAnnotations(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
