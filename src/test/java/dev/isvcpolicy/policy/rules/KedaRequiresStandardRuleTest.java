package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KedaRequiresStandardRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(KedaRequiresStandardRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kedaRequiresStandard(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
