package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleMetricAliasRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(ScaleMetricAliasRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void scaleMetricAlias(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
